export {
  DEFAULT_MAX_ATTEMPTS,
  type DispatchOptions,
  type DispatchReport,
  dispatchOnce,
  type EventDispatcher,
  type EventDispatcherOptions,
  RETRY_DELAYS_MS,
  retryDelayMs,
  startEventDispatcher,
} from './dispatcher.js';
export {
  currentEventPosition,
  type EventView,
  listEvents,
  parseEventFilter,
  parseEventId,
  toEventView,
} from './event.service.js';
export { createEventFeed, type EventFeed, type EventFollower } from './event-feed.js';
export { advanceEventRelay, type RelayReport } from './event-relay.js';
export { EVENT_TYPES, type EventTypeFilter, matchesEventType, WEBHOOK_TEST_EVENT } from './event-types.js';
export {
  type CreatedWebhookView,
  createWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  removeWebhook,
  sendTestEvent,
  updateWebhook,
  type WebhookDeliveryView,
  type WebhookView,
} from './webhook.service.js';
export { generateWebhookSecret, signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';

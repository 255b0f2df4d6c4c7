import { Type } from 'typebox';
import { EVENT_TYPES, MAX_EVENT_PATTERNS } from '../../services/events/event-types.js';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_SECRET_LENGTH,
  MAX_URL_LENGTH,
  MIN_SECRET_LENGTH,
} from '../../services/events/webhook.service.js';
import { Nullable, PageQuery } from './common.js';

const Instant = Type.String({ format: 'date-time' });
const Patterns = Type.Array(Type.String(), {
  minItems: 1,
  maxItems: MAX_EVENT_PATTERNS,
  description: `\`*\`, event types (${EVENT_TYPES.join(', ')}) or prefixes such as \`purchase_order.*\``,
});

export const Webhook = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  description: Nullable(Type.String()),
  created_at: Instant,
  updated_at: Instant,
});

export const CreatedWebhook = Type.Object({
  ...Webhook.properties,
  secret: Type.String({ description: 'Signs every delivery (Leanstock-Signature). Shown only in this answer.' }),
});

const webhookFields = {
  url: Type.String({ maxLength: MAX_URL_LENGTH, description: 'http:// or https:// URL that receives POSTs' }),
  events: Patterns,
  secret: Type.Optional(
    Type.String({
      minLength: MIN_SECRET_LENGTH,
      maxLength: MAX_SECRET_LENGTH,
      description: 'HMAC key; generated when left out',
    }),
  ),
  description: Type.Optional(Nullable(Type.String({ maxLength: MAX_DESCRIPTION_LENGTH }))),
  active: Type.Optional(Type.Boolean({ description: 'default true; an inactive webhook gets no new deliveries' })),
};

export const WebhookInput = Type.Object(webhookFields, { additionalProperties: false });

export const WebhookPatch = Type.Object(
  {
    url: Type.Optional(webhookFields.url),
    events: Type.Optional(webhookFields.events),
    secret: webhookFields.secret,
    description: webhookFields.description,
    active: webhookFields.active,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookParams = Type.Object({ id: Type.String({ description: 'Webhook id' }) });

export const WebhookQuery = Type.Object({ active: Type.Optional(Type.Boolean()), ...PageQuery });

export const WebhookDelivery = Type.Object({
  id: Type.Integer({ description: 'Sent as the Leanstock-Delivery header; the same on every retry' }),
  webhook_id: Type.Integer(),
  event_id: Type.Integer(),
  event_type: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  next_attempt_at: Nullable(Instant),
  last_status_code: Nullable(Type.Integer({ description: "The receiver's HTTP status; null when none came" })),
  last_error: Nullable(Type.String()),
  delivered_at: Nullable(Instant),
  created_at: Instant,
  updated_at: Instant,
});

export const DeliveryQuery = Type.Object({
  status: Type.Optional(Type.String({ description: 'pending, delivered or failed' })),
  ...PageQuery,
});

export const Event = Type.Object({
  id: Type.Integer({ description: 'Increasing; pass as ?after= or Last-Event-ID to continue after it' }),
  type: Type.String(),
  subject: Nullable(Type.String({ description: 'What the event is about, e.g. BOLT-M8@WS or PO-12' })),
  created_at: Instant,
  data: Type.Unknown({ description: 'The payload of the event type (docs/events.md)' }),
});

export const EventQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'Only events with a larger id' })),
  type: Type.Optional(
    Type.String({
      maxLength: 2000,
      description: 'Comma-separated types or prefixes: purchase_order.*,movement.posted',
    }),
  ),
  ...PageQuery,
});

export const EventStreamQuery = Type.Object({
  after: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: 'Start after this event id (Last-Event-ID wins); default: only new events',
    }),
  ),
  types: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated types or prefixes' })),
});

import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  currentEventPosition,
  type EventView,
  listEvents,
  parseEventFilter,
  parseEventId,
} from '../../services/events/event.service.js';
import { createEventFeed } from '../../services/events/event-feed.js';
import {
  createWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  removeWebhook,
  sendTestEvent,
  updateWebhook,
} from '../../services/events/webhook.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { errorResponses } from '../schemas/common.js';
import {
  CreatedWebhook,
  DeliveryQuery,
  Event,
  EventQuery,
  EventStreamQuery,
  Webhook,
  WebhookDelivery,
  WebhookInput,
  WebhookParams,
  WebhookPatch,
  WebhookQuery,
} from '../schemas/event.schemas.js';

const tags = ['Events and webhooks'];
const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ data: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });

/** A comment line every 15 s keeps proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** How long a browser's EventSource waits before reconnecting. */
const RECONNECT_MS = 2_000;

export async function eventRoutes(app: FastifyInstance): Promise<void> {
  const feed = createEventFeed(app.database, {
    clock: app.clock,
    onError: (error) => app.log.error(error, 'event stream'),
  });
  // Open streams would keep server.close() waiting; end them first.
  app.addHook('preClose', () => feed.close());

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to events; the answer shows the signing secret, once',
        body: { ...WebhookInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: CreatedWebhook, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createWebhook(app.database, request.body, contextOf(request))),
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'List webhooks by id',
        querystring: WebhookQuery,
        response: { 200: page(Webhook), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof WebhookQuery>;
      return listWebhooks(app.database, {
        ...(q.active !== undefined && { active: q.active }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/webhooks/:id',
    {
      schema: { tags, summary: 'One webhook', params: WebhookParams, response: { 200: Webhook, ...errorResponses } },
    },
    async (request) => getWebhook(app.database, (request.params as Static<typeof WebhookParams>).id),
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change the URL, events, secret, description or active flag of a webhook',
        params: WebhookParams,
        body: { ...WebhookPatch, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Webhook, ...errorResponses },
      },
    },
    async (request) =>
      updateWebhook(
        app.database,
        (request.params as Static<typeof WebhookParams>).id,
        request.body,
        contextOf(request),
      ),
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook and its delivery log; answers it as it was',
        params: WebhookParams,
        response: { 200: Webhook, ...errorResponses },
      },
    },
    async (request) =>
      removeWebhook(app.database, (request.params as Static<typeof WebhookParams>).id, contextOf(request)),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log of a webhook, newest first: status, attempts, last answer or error',
        params: WebhookParams,
        querystring: DeliveryQuery,
        response: { 200: page(WebhookDelivery), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof DeliveryQuery>;
      return listWebhookDeliveries(app.database, (request.params as Static<typeof WebhookParams>).id, {
        ...(q.status !== undefined && { status: q.status }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.post(
    '/webhooks/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a webhook.test event to this webhook now; answers the delivery after the first attempt',
        params: WebhookParams,
        response: { 201: WebhookDelivery, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await sendTestEvent(app.database, (request.params as Static<typeof WebhookParams>).id, contextOf(request)),
        ),
  );

  app.get(
    '/events',
    {
      schema: {
        tags,
        summary: 'Domain events in id order, after an event id, filtered by type',
        querystring: EventQuery,
        response: { 200: page(Event), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof EventQuery>;
      return listEvents(app.database, {
        now: app.clock(),
        ...(q.after !== undefined && { after: q.after }),
        ...(q.type !== undefined && { type: q.type }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/events/stream',
    {
      schema: {
        tags,
        summary:
          'Server-sent events: every event as it is recorded (id:, event: type, data: JSON). Resumes after Last-Event-ID or ?after=; ?types= filters',
        querystring: EventStreamQuery,
        response: {
          200: {
            description: 'text/event-stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const q = request.query as Static<typeof EventStreamQuery>;
      const filter = parseEventFilter(q.types, 'types');
      const lastEventId = request.headers['last-event-id'];
      const afterId =
        typeof lastEventId === 'string' && lastEventId.trim() !== ''
          ? parseEventId(lastEventId, 'Last-Event-ID')
          : (q.after ?? (await currentEventPosition(app.database, app.clock())));

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(`retry: ${RECONNECT_MS}\n: streaming events after ${afterId}\n\n`);
      const ending = new AbortController();
      const heartbeat = setInterval(() => void write(raw, ': heartbeat\n\n', ending.signal), HEARTBEAT_MS);
      heartbeat.unref();
      const follower = feed.follow(
        { afterId, filter },
        (events) => write(raw, events.map(formatServerSentEvent).join(''), ending.signal),
        () => {
          ending.abort();
          clearInterval(heartbeat);
          if (!raw.writableEnded) raw.end();
        },
      );
      raw.on('close', () => follower.close());
      if (raw.destroyed) follower.close();
    },
  );
}

/** One event as an SSE frame; the JSON has no newlines, so it is a single `data:` line. */
function formatServerSentEvent(event: EventView): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Writes and waits for the socket to drain, so a slow reader slows its stream instead of filling memory;
 * stops waiting when the client goes or the stream is being closed.
 */
function write(raw: ServerResponse, chunk: string, ending: AbortSignal): Promise<void> {
  if (raw.destroyed || raw.writableEnded || ending.aborted) return Promise.resolve();
  if (raw.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      ending.removeEventListener('abort', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
    ending.addEventListener('abort', done);
  });
}

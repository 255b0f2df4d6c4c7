import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { insertOutboxEvent } from '../../store/event.repository.js';
import type { WebhookDeliveryStatus } from '../../store/schema.js';
import {
  type DeliveryRowWithEvent,
  deleteSubscription,
  findDelivery,
  findSubscription,
  insertDelivery,
  insertSubscription,
  listDeliveryRows,
  listSubscriptionRows,
  updateSubscription,
  type WebhookSubscriptionRow,
} from '../../store/webhook.repository.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { deliverNow } from './dispatcher.js';
import { checkSubscriptionPatterns, WEBHOOK_TEST_EVENT } from './event-types.js';
import { generateWebhookSecret } from './webhook-signature.js';

export type WebhookView = {
  id: number;
  url: string;
  events: string[];
  active: boolean;
  description: string | null;
  created_at: string;
  updated_at: string;
};

/** The answer to creating a webhook: the only time its secret is shown. */
export type CreatedWebhookView = WebhookView & { secret: string };

export type WebhookDeliveryView = {
  id: number;
  webhook_id: number;
  event_id: number;
  event_type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
};

export const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'delivered', 'failed'];
export const MAX_URL_LENGTH = 2000;
export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 256;
export const MAX_DESCRIPTION_LENGTH = 500;

const ENTITY = 'webhook';
const FIELDS = ['url', 'events', 'secret', 'description', 'active'];

type WebhookInput = {
  url?: string;
  events?: string[];
  secret?: string;
  description?: string | null;
  active?: boolean;
};

/**
 * Subscribes a URL to events. `events` are `*`, known event types or prefixes such as
 * `purchase_order.*`; without a `secret` one is generated. The answer is the only place the secret
 * is shown. Audited (without the secret).
 */
export async function createWebhook(
  database: Database,
  raw: unknown,
  ctx: ServiceContext,
): Promise<CreatedWebhookView> {
  const input = parseWebhookInput(raw, 'create');
  const secret = input.secret ?? generateWebhookSecret();
  return idempotentWrite(database, ctx, 'POST /webhooks', raw, async (tx) => {
    const row = await insertSubscription(tx, {
      url: input.url!,
      event_types: JSON.stringify(input.events),
      secret,
      active: input.active === false ? 0 : 1,
      description: input.description ?? null,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: String(row.id),
      action: 'create',
      before: null,
      after: auditView(row),
    });
    return { ...toWebhookView(row), secret };
  });
}

export async function getWebhook(database: Database, id: number | string): Promise<WebhookView> {
  const webhookId = parseWebhookId(id);
  return readTransaction(database, async (tx) => toWebhookView(await requireSubscription(tx, webhookId)));
}

/** Webhooks by id, a page at a time. */
export async function listWebhooks(
  database: Database,
  query: { active?: boolean; cursor?: string; limit?: number },
): Promise<Page<WebhookView>> {
  const limit = checkPageLimit(query.limit);
  const afterId = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await listSubscriptionRows(database.db, {
    ...(afterId !== undefined && { afterId }),
    ...(query.active !== undefined && { active: query.active }),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    data: page.map(toWebhookView),
    next_cursor: rows.length > limit ? encodeCursor([Number(page.at(-1)!.id)]) : null,
  };
}

/** Changes the URL, events, secret, description or active flag of a webhook; audited. */
export async function updateWebhook(
  database: Database,
  id: number | string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<WebhookView> {
  const webhookId = parseWebhookId(id);
  const input = parseWebhookInput(raw, 'update');
  return idempotentWrite(database, ctx, `PATCH /webhooks/${webhookId}`, raw, async (tx) => {
    const before = await requireSubscription(tx, webhookId);
    const after: WebhookSubscriptionRow = {
      ...before,
      ...(input.url !== undefined && { url: input.url }),
      ...(input.events !== undefined && { event_types: JSON.stringify(input.events) }),
      ...(input.secret !== undefined && { secret: input.secret }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
    };
    const secretChanged = after.secret !== before.secret;
    if (!secretChanged && JSON.stringify(auditView(after)) === JSON.stringify(auditView(before))) {
      return toWebhookView(before);
    }
    const updated = { ...after, updated_at: ctx.now };
    await updateSubscription(tx, webhookId, {
      url: updated.url,
      event_types: updated.event_types,
      secret: updated.secret,
      description: updated.description,
      active: updated.active,
      updated_at: updated.updated_at,
    });
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: String(webhookId),
      action: 'update',
      before: auditView(before),
      after: { ...auditView(updated), ...(secretChanged && { secret: 'changed' }) },
    });
    return toWebhookView(updated);
  });
}

/** Deletes a webhook and its delivery log; audited. Answers the webhook as it was. */
export async function removeWebhook(
  database: Database,
  id: number | string,
  ctx: ServiceContext,
): Promise<WebhookView> {
  const webhookId = parseWebhookId(id);
  return idempotentWrite(database, ctx, `DELETE /webhooks/${webhookId}`, null, async (tx) => {
    const row = await requireSubscription(tx, webhookId);
    await deleteSubscription(tx, webhookId);
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: String(webhookId),
      action: 'delete',
      before: auditView(row),
      after: null,
    });
    return toWebhookView(row);
  });
}

/** The delivery log of a webhook, newest first, optionally of one status. */
export async function listWebhookDeliveries(
  database: Database,
  id: number | string,
  query: { status?: string; cursor?: string; limit?: number },
): Promise<Page<WebhookDeliveryView>> {
  const webhookId = parseWebhookId(id);
  const limit = checkPageLimit(query.limit);
  const status = checkDeliveryStatus(query.status);
  const beforeId = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, async (tx) => {
    await requireSubscription(tx, webhookId);
    return listDeliveryRows(tx, {
      subscriptionId: webhookId,
      ...(status !== undefined && { status }),
      ...(beforeId !== undefined && { beforeId }),
      limit: limit + 1,
    });
  });
  const page = rows.slice(0, limit);
  return {
    data: page.map(toDeliveryView),
    next_cursor: rows.length > limit ? encodeCursor([Number(page.at(-1)!.id)]) : null,
  };
}

/**
 * Sends a `webhook.test` event to one webhook (active or not) and attempts it at once; answers the
 * delivery after that attempt. A failed test is retried like any other delivery.
 */
export async function sendTestEvent(
  database: Database,
  id: number | string,
  ctx: ServiceContext,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<WebhookDeliveryView> {
  const webhookId = parseWebhookId(id);
  const deliveryId = await idempotentWrite(database, ctx, `POST /webhooks/${webhookId}/test`, null, async (tx) => {
    await requireSubscription(tx, webhookId);
    const eventId = await insertOutboxEvent(tx, {
      type: WEBHOOK_TEST_EVENT,
      subject: `webhook:${webhookId}`,
      payload: { webhook_id: webhookId, message: 'A test delivery from Leanstock' },
      createdAt: ctx.now,
    });
    return insertDelivery(tx, {
      subscription_id: webhookId,
      event_id: eventId,
      status: 'pending',
      attempts: 0,
      next_attempt_at: ctx.now,
      last_status_code: null,
      last_error: null,
      delivered_at: null,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
  });
  await deliverNow(database, deliveryId, {
    now: ctx.now,
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  const row = await findDelivery(database.db, deliveryId);
  if (!row) throw unknownWebhook(webhookId);
  return toDeliveryView(row);
}

/** A webhook id from a path or the command line; anything that is not one of ours is LS_UNKNOWN_WEBHOOK. */
export function parseWebhookId(id: number | string): number {
  const value = typeof id === 'number' ? id : /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
  if (Number.isSafeInteger(value) && value > 0) return value;
  throw unknownWebhook(id);
}

async function requireSubscription(tx: Tx, id: number): Promise<WebhookSubscriptionRow> {
  const row = await findSubscription(tx, id);
  if (!row) throw unknownWebhook(id);
  return row;
}

function unknownWebhook(id: number | string): DomainError {
  return new DomainError('LS_UNKNOWN_WEBHOOK', `id: no webhook ${JSON.stringify(id)}`, [
    { field: 'id', message: 'no such webhook', value: id },
  ]);
}

function checkDeliveryStatus(status: string | undefined): WebhookDeliveryStatus | undefined {
  if (status === undefined || (DELIVERY_STATUSES as readonly string[]).includes(status)) {
    return status as WebhookDeliveryStatus | undefined;
  }
  throw new DomainError('LS_VALIDATION', `status: must be one of ${DELIVERY_STATUSES.join(', ')}`, [
    { field: 'status', message: `must be one of ${DELIVERY_STATUSES.join(', ')}`, value: status },
  ]);
}

/** Checks a create or update body field by field; every problem names its field. */
export function parseWebhookInput(raw: unknown, mode: 'create' | 'update'): WebhookInput {
  const problems: FieldProblem[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throwIfProblems([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const body = raw as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!FIELDS.includes(key))
      problems.push({ field: key, message: `is not a field of a webhook (${FIELDS.join(', ')})` });
  }
  const input: WebhookInput = {};
  if (body['url'] !== undefined || mode === 'create') {
    const url = checkUrl(body['url'], problems);
    if (url !== undefined) input.url = url;
  }
  if (body['events'] !== undefined || mode === 'create') {
    input.events = checkSubscriptionPatterns(body['events'], 'events', problems);
  }
  if (body['secret'] !== undefined) {
    const secret = body['secret'];
    if (
      typeof secret !== 'string' ||
      secret.length < MIN_SECRET_LENGTH ||
      secret.length > MAX_SECRET_LENGTH ||
      /\s/.test(secret)
    ) {
      problems.push({
        field: 'secret',
        message: `must be ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters without spaces`,
      });
    } else {
      input.secret = secret;
    }
  }
  if (body['description'] !== undefined) {
    const description = body['description'];
    if (description !== null && (typeof description !== 'string' || description.length > MAX_DESCRIPTION_LENGTH)) {
      problems.push({
        field: 'description',
        message: `must be a text of at most ${MAX_DESCRIPTION_LENGTH} characters, or null`,
        value: description,
      });
    } else {
      input.description = description === null || description.trim() === '' ? null : description.trim();
    }
  }
  if (body['active'] !== undefined) {
    if (typeof body['active'] !== 'boolean') problems.push({ field: 'active', message: 'must be true or false' });
    else input.active = body['active'];
  }
  if (mode === 'update' && Object.keys(body).length === 0) {
    problems.push({ field: 'body', message: `must change at least one of ${FIELDS.join(', ')}` });
  }
  throwIfProblems(problems);
  return input;
}

function checkUrl(value: unknown, problems: FieldProblem[]): string | undefined {
  const message = 'must be an http:// or https:// URL';
  if (typeof value !== 'string' || value.length === 0) {
    problems.push({ field: 'url', message: `is required and ${message}`, value });
    return undefined;
  }
  if (value.length > MAX_URL_LENGTH) {
    problems.push({ field: 'url', message: `must be at most ${MAX_URL_LENGTH} characters` });
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({ field: 'url', message, value });
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    problems.push({ field: 'url', message, value });
    return undefined;
  }
  return value;
}

function toWebhookView(row: WebhookSubscriptionRow): WebhookView {
  return {
    id: Number(row.id),
    url: row.url,
    events: JSON.parse(row.event_types) as string[],
    active: Number(row.active) === 1,
    description: row.description,
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
  };
}

function auditView(row: WebhookSubscriptionRow) {
  return {
    url: row.url,
    events: JSON.parse(row.event_types) as string[],
    active: Number(row.active) === 1,
    description: row.description,
  };
}

const iso = (value: number | null): string | null => (value === null ? null : new Date(Number(value)).toISOString());

function toDeliveryView(row: DeliveryRowWithEvent): WebhookDeliveryView {
  return {
    id: Number(row.id),
    webhook_id: Number(row.subscription_id),
    event_id: Number(row.event_id),
    event_type: row.event_type,
    status: row.status,
    attempts: Number(row.attempts),
    next_attempt_at: iso(row.next_attempt_at),
    last_status_code: row.last_status_code === null ? null : Number(row.last_status_code),
    last_error: row.last_error,
    delivered_at: iso(row.delivered_at),
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

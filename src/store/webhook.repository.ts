import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Tx } from './database.js';
import type { Dialect } from './dialect.js';
import type { WebhookDeliveryStatus, WebhookDeliveryTable, WebhookSubscriptionTable } from './schema.js';

export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type NewWebhookDeliveryRow = Insertable<WebhookDeliveryTable>;

export async function insertSubscription(
  tx: Tx,
  row: Insertable<WebhookSubscriptionTable>,
): Promise<WebhookSubscriptionRow> {
  return tx.insertInto('webhook_subscriptions').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findSubscription(tx: Tx, id: number): Promise<WebhookSubscriptionRow | undefined> {
  return tx.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Subscriptions by id, a page at a time. */
export async function listSubscriptionRows(
  tx: Tx,
  query: { afterId?: number; active?: boolean; limit: number },
): Promise<WebhookSubscriptionRow[]> {
  return tx
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .$if(query.afterId !== undefined, (select) => select.where('id', '>', query.afterId!))
    .$if(query.active !== undefined, (select) => select.where('active', '=', query.active ? 1 : 0))
    .orderBy('id')
    .limit(query.limit)
    .execute();
}

export async function listActiveSubscriptions(tx: Tx): Promise<WebhookSubscriptionRow[]> {
  return tx.selectFrom('webhook_subscriptions').selectAll().where('active', '=', 1).orderBy('id').execute();
}

export async function updateSubscription(
  tx: Tx,
  id: number,
  changes: Updateable<WebhookSubscriptionTable>,
): Promise<void> {
  await tx.updateTable('webhook_subscriptions').set(changes).where('id', '=', id).execute();
}

/** Removes a subscription and its delivery log. */
export async function deleteSubscription(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).execute();
  await tx.deleteFrom('webhook_subscriptions').where('id', '=', id).execute();
}

/**
 * Creates deliveries, skipping any (subscription, event) pair that already has one, so fanning the
 * same event out twice is harmless. Answers how many were created.
 */
export async function insertDeliveries(tx: Tx, rows: NewWebhookDeliveryRow[]): Promise<number> {
  let created = 0;
  for (let start = 0; start < rows.length; start += 500) {
    const result = await tx
      .insertInto('webhook_deliveries')
      .values(rows.slice(start, start + 500))
      .onConflict((conflict) => conflict.columns(['subscription_id', 'event_id']).doNothing())
      .executeTakeFirst();
    created += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return created;
}

/** Creates one delivery and answers its id. */
export async function insertDelivery(tx: Tx, row: NewWebhookDeliveryRow): Promise<number> {
  const inserted = await tx.insertInto('webhook_deliveries').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

/** A claimed delivery with what it takes to send it. */
export type ClaimedDelivery = {
  id: number;
  attempts: number;
  subscription_id: number;
  url: string;
  secret: string;
  event_id: number;
  event_type: string;
  event_subject: string | null;
  event_payload: string;
  event_created_at: number;
};

/**
 * Claims due pending deliveries of active subscriptions (or the one `deliveryId`, active or not): counts
 * the attempt and moves `next_attempt_at` to `leaseUntil`, so no other process takes them while this one
 * sends, and a process that dies mid-send leaves them to be retried when the lease ends. PostgreSQL
 * skips rows another process is claiming (`FOR UPDATE SKIP LOCKED`); on SQLite the write transaction is
 * the only writer.
 */
export async function claimDueDeliveries(
  tx: Tx,
  dialect: Dialect,
  query: { now: number; leaseUntil: number; limit: number; deliveryId?: number },
): Promise<ClaimedDelivery[]> {
  const due = await tx
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', query.now)
    .$if(query.deliveryId !== undefined, (select) => select.where('id', '=', query.deliveryId!))
    .$if(query.deliveryId === undefined, (select) =>
      select.where('subscription_id', 'in', (eb) =>
        eb.selectFrom('webhook_subscriptions').select('id').where('active', '=', 1),
      ),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(query.limit)
    .$if(dialect === 'postgres', (select) => select.forUpdate().skipLocked())
    .execute();
  const ids = due.map((row) => Number(row.id));
  if (ids.length === 0) return [];
  await tx
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      next_attempt_at: query.leaseUntil,
      updated_at: query.now,
    }))
    .where('id', 'in', ids)
    .execute();
  const rows = await tx
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .innerJoin('outbox_events as e', 'e.id', 'd.event_id')
    .select([
      'd.id as id',
      'd.attempts as attempts',
      'd.subscription_id as subscription_id',
      's.url as url',
      's.secret as secret',
      'e.id as event_id',
      'e.type as event_type',
      'e.subject as event_subject',
      'e.payload as event_payload',
      'e.created_at as event_created_at',
    ])
    .where('d.id', 'in', ids)
    .orderBy('d.id')
    .execute();
  return rows.map((row) => ({
    ...row,
    id: Number(row.id),
    attempts: Number(row.attempts),
    subscription_id: Number(row.subscription_id),
    event_id: Number(row.event_id),
    event_created_at: Number(row.event_created_at),
  }));
}

/** The outcome of one attempt, written only if the delivery is still the one this process claimed. */
export async function settleDeliveryAttempt(
  tx: Tx,
  claim: { id: number; attempts: number },
  outcome: {
    status: WebhookDeliveryStatus;
    nextAttemptAt: number | null;
    statusCode: number | null;
    error: string | null;
    deliveredAt: number | null;
    now: number;
  },
): Promise<boolean> {
  const result = await tx
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      next_attempt_at: outcome.nextAttemptAt,
      last_status_code: outcome.statusCode,
      last_error: outcome.error,
      delivered_at: outcome.deliveredAt,
      updated_at: outcome.now,
    })
    .where('id', '=', claim.id)
    .where('attempts', '=', claim.attempts)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type DeliveryRowWithEvent = WebhookDeliveryRow & { event_type: string };

function selectDeliveries(tx: Tx) {
  return tx
    .selectFrom('webhook_deliveries as d')
    .innerJoin('outbox_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type');
}

export async function findDelivery(tx: Tx, id: number): Promise<DeliveryRowWithEvent | undefined> {
  return selectDeliveries(tx).where('d.id', '=', id).executeTakeFirst();
}

/** The delivery log of a subscription, newest first. */
export async function listDeliveryRows(
  tx: Tx,
  query: { subscriptionId: number; status?: WebhookDeliveryStatus; beforeId?: number; limit: number },
): Promise<DeliveryRowWithEvent[]> {
  return selectDeliveries(tx)
    .where('d.subscription_id', '=', query.subscriptionId)
    .$if(query.status !== undefined, (select) => select.where('d.status', '=', query.status!))
    .$if(query.beforeId !== undefined, (select) => select.where('d.id', '<', query.beforeId!))
    .orderBy('d.id', 'desc')
    .limit(query.limit)
    .execute();
}

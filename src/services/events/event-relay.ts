import { type Database, type Tx, writeTransaction } from '../../store/database.js';
import type { Dialect } from '../../store/dialect.js';
import {
  ensureRelayState,
  findOutboxEventHeads,
  listOutboxEventHeadsAfter,
  lockRelayState,
  type OutboxEventHead,
  type RelayGap,
  type RelayState,
  readRelayState,
  saveRelayState,
  snapshotXmax,
  snapshotXmin,
} from '../../store/event.repository.js';
import {
  insertDeliveries,
  listActiveSubscriptions,
  type NewWebhookDeliveryRow,
} from '../../store/webhook.repository.js';
import { type EventTypeFilter, filterOfPatterns, matchesEventType, WEBHOOK_TEST_EVENT } from './event-types.js';

/**
 * How long a missing id is awaited at least, even when PostgreSQL says every transaction that could
 * hold it has ended: covers the instant between a transaction drawing the id and getting its xid.
 */
export const GAP_GRACE_MS = 2_000;
/** Missing ids remembered at most; beyond that the oldest are given up (thousands of open transactions). */
export const MAX_GAPS = 10_000;

export type RelayReport = {
  /** Events fanned out in this call (new ones and late ones that filled a gap). */
  events: number;
  deliveriesCreated: number;
  /** Every event with an id ≤ this is visible or known never to commit: reading up to it misses nothing. */
  settledTo: number;
};

/**
 * Moves the relay through the outbox: fans each newly visible event out into deliveries for the
 * active webhooks whose patterns match, and answers the settled position.
 *
 * On PostgreSQL identity ids are drawn before commit, so id 7 can become visible after id 8. Each id
 * skipped over is remembered with the snapshot's xmax and looked for again on every pass; it is given
 * up only once every transaction older than that xmax has ended (`pg_snapshot_xmin`) and it still is
 * not there (a rollback). Fan-out is idempotent (UNIQUE(subscription_id, event_id)), and one process
 * relays at a time (`FOR UPDATE SKIP LOCKED` on the state row; the others read the settled position).
 * SQLite has one writer, which commits ids in order, so nothing is ever skipped there.
 */
export async function advanceEventRelay(
  database: Database,
  options: { now: number; batchSize?: number; maxEvents?: number },
): Promise<RelayReport> {
  const batchSize = options.batchSize ?? 500;
  const maxEvents = options.maxEvents ?? 5_000;
  const report: RelayReport = { events: 0, deliveriesCreated: 0, settledTo: 0 };
  for (;;) {
    const batch = await withRetryOnDeletedWebhook(() =>
      writeTransaction(database, (tx) => relayBatch(tx, database.dialect, options.now, batchSize)),
    );
    if (!batch) {
      report.settledTo = settledPosition(await readRelayState(database.db));
      return report;
    }
    report.events += batch.events;
    report.deliveriesCreated += batch.deliveriesCreated;
    report.settledTo = batch.settledTo;
    if (batch.newEvents < batchSize || report.events >= maxEvents) return report;
  }
}

/**
 * A webhook deleted while its deliveries are being inserted breaks their foreign key (PostgreSQL, where
 * the two can run at once); the batch touched nothing else, so it is run again without that webhook.
 */
async function withRetryOnDeletedWebhook<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 3 || (error as { code?: string }).code !== '23503') throw error;
    }
  }
}

/** The highest id up to which the outbox is settled: just below the oldest missing id, else all that was scanned. */
export function settledPosition(state: RelayState): number {
  return state.gaps.length > 0 ? Math.min(...state.gaps.map((gap) => gap.id)) - 1 : state.scannedTo;
}

async function relayBatch(
  tx: Tx,
  dialect: Dialect,
  now: number,
  batchSize: number,
): Promise<(RelayReport & { newEvents: number }) | undefined> {
  let state = await lockRelayState(tx, dialect);
  if (!state && (await ensureRelayState(tx, now))) state = await lockRelayState(tx, dialect);
  if (!state) return undefined;
  const events: OutboxEventHead[] = [];

  let gaps = state.gaps;
  if (gaps.length > 0) {
    // Read xmin before looking: a transaction that ended before this point is visible to the look.
    const xmin = dialect === 'postgres' ? BigInt(await snapshotXmin(tx)) : undefined;
    const found: OutboxEventHead[] = [];
    for (let start = 0; start < gaps.length; start += 1000) {
      found.push(
        ...(await findOutboxEventHeads(
          tx,
          gaps.slice(start, start + 1000).map((gap) => gap.id),
        )),
      );
    }
    const foundIds = new Set(found.map((event) => Number(event.id)));
    events.push(...found);
    gaps = gaps.filter((gap) => !foundIds.has(gap.id) && !isLost(gap, xmin, now));
  }

  const fresh = await listOutboxEventHeadsAfter(tx, state.scannedTo, batchSize);
  if (dialect === 'postgres') {
    const missing: number[] = [];
    let previous = state.scannedTo;
    for (const event of fresh) {
      for (let id = previous + 1; id < event.id && missing.length < MAX_GAPS; id++) missing.push(id);
      previous = Number(event.id);
    }
    if (missing.length > 0) {
      const xmax = await snapshotXmax(tx);
      gaps = [...gaps, ...missing.map((id): RelayGap => ({ id, seen_at: now, xmax }))].slice(-MAX_GAPS);
    }
  }
  events.push(...fresh);

  const scannedTo = fresh.length > 0 ? Number(fresh.at(-1)!.id) : state.scannedTo;
  const deliveriesCreated = events.length > 0 ? await fanOut(tx, events, now) : 0;
  const next: RelayState = { scannedTo, gaps };
  if (scannedTo !== state.scannedTo || JSON.stringify(gaps) !== JSON.stringify(state.gaps)) {
    await saveRelayState(tx, next, now);
  }
  return { events: events.length, newEvents: fresh.length, deliveriesCreated, settledTo: settledPosition(next) };
}

function isLost(gap: RelayGap, xmin: bigint | undefined, now: number): boolean {
  if (xmin === undefined) return true;
  return gap.xmax !== null && xmin >= BigInt(gap.xmax) && now - gap.seen_at >= GAP_GRACE_MS;
}

type Subscriber = { id: number; filter: EventTypeFilter; createdAt: number };

/** One pending delivery per matching active webhook; a webhook gets the events recorded from its creation on. */
async function fanOut(tx: Tx, events: OutboxEventHead[], now: number): Promise<number> {
  const subscribers: Subscriber[] = (await listActiveSubscriptions(tx)).map((row) => ({
    id: Number(row.id),
    filter: filterOfPatterns(JSON.parse(row.event_types) as string[]),
    createdAt: Number(row.created_at),
  }));
  if (subscribers.length === 0) return 0;
  const rows: NewWebhookDeliveryRow[] = [];
  for (const event of events) {
    if (event.type === WEBHOOK_TEST_EVENT) continue;
    for (const subscriber of subscribers) {
      if (subscriber.createdAt > Number(event.created_at) || !matchesEventType(subscriber.filter, event.type)) continue;
      rows.push({
        subscription_id: subscriber.id,
        event_id: Number(event.id),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        last_status_code: null,
        last_error: null,
        delivered_at: null,
        created_at: now,
        updated_at: now,
      });
    }
  }
  return rows.length > 0 ? insertDeliveries(tx, rows) : 0;
}

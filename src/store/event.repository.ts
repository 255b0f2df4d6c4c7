import { type Selectable, sql } from 'kysely';
import type { Tx } from './database.js';
import type { Dialect } from './dialect.js';
import type { OutboxEventTable } from './schema.js';

export type OutboxEventRow = Selectable<OutboxEventTable>;

/** The type filter of an event query: exact types and prefixes such as `purchase_order.`; `all` skips it. */
export type EventTypeCondition = { all: boolean; types: string[]; prefixes: string[] };

/** What the relay needs of an event to fan it out (the payload stays in the table). */
export type OutboxEventHead = Pick<OutboxEventRow, 'id' | 'type' | 'created_at'>;

/** Outbox events with an id above `afterId`, oldest first. */
export async function listOutboxEventHeadsAfter(tx: Tx, afterId: number, limit: number): Promise<OutboxEventHead[]> {
  return tx
    .selectFrom('outbox_events')
    .select(['id', 'type', 'created_at'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The outbox events among `ids` that are visible now. */
export async function findOutboxEventHeads(tx: Tx, ids: number[]): Promise<OutboxEventHead[]> {
  if (ids.length === 0) return [];
  return tx.selectFrom('outbox_events').select(['id', 'type', 'created_at']).where('id', 'in', ids).execute();
}

/** Events in (afterId, upToId] whose type matches, oldest first: the read side of the list and the stream. */
export async function listEventRows(
  tx: Tx,
  query: { afterId: number; upToId: number; types: EventTypeCondition; limit: number },
): Promise<OutboxEventRow[]> {
  const { types } = query;
  return tx
    .selectFrom('outbox_events')
    .selectAll()
    .where('id', '>', query.afterId)
    .where('id', '<=', query.upToId)
    .$if(!types.all, (select) =>
      select.where((eb) =>
        eb.or([
          ...(types.types.length > 0 ? [eb('type', 'in', types.types)] : []),
          // substr instead of LIKE: `_` in purchase_order would be a LIKE wildcard.
          ...types.prefixes.map((prefix) => eb(sql`substr(type, 1, ${sql.lit(prefix.length)})`, '=', prefix)),
        ]),
      ),
    )
    .orderBy('id')
    .limit(query.limit)
    .execute();
}

/** Writes one event and answers its id (for events this layer raises itself, such as `webhook.test`). */
export async function insertOutboxEvent(
  tx: Tx,
  event: { type: string; subject: string | null; payload: unknown; createdAt: number },
): Promise<number> {
  const row = await tx
    .insertInto('outbox_events')
    .values({
      type: event.type,
      subject: event.subject,
      payload: JSON.stringify(event.payload),
      created_at: event.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** An outbox id that was skipped over (not visible when a larger one was), awaited until it appears or is known lost. */
export type RelayGap = {
  id: number;
  /** When the relay first missed it, epoch ms. */
  seen_at: number;
  /** PostgreSQL only: the snapshot's xmax when it was missed; every transaction that could still commit it is older. */
  xmax: string | null;
};

export type RelayState = { scannedTo: number; gaps: RelayGap[] };

const RELAY = 'outbox';

/**
 * The relay state, locked for this transaction. On PostgreSQL `SKIP LOCKED` answers undefined when
 * another process holds it (that process is relaying; this one need not wait). SQLite's single writer
 * (`BEGIN IMMEDIATE`) already serialises relays.
 */
export async function lockRelayState(tx: Tx, dialect: Dialect): Promise<RelayState | undefined> {
  const row = await tx
    .selectFrom('event_relay_state')
    .select(['scanned_to', 'gaps'])
    .where('name', '=', RELAY)
    .$if(dialect === 'postgres', (select) => select.forUpdate().skipLocked())
    .executeTakeFirst();
  return row && { scannedTo: Number(row.scanned_to), gaps: JSON.parse(row.gaps) as RelayGap[] };
}

/** The relay state as last committed; the start of the outbox when there is none yet. */
export async function readRelayState(tx: Tx): Promise<RelayState> {
  const row = await tx
    .selectFrom('event_relay_state')
    .select(['scanned_to', 'gaps'])
    .where('name', '=', RELAY)
    .executeTakeFirst();
  return row
    ? { scannedTo: Number(row.scanned_to), gaps: JSON.parse(row.gaps) as RelayGap[] }
    : { scannedTo: 0, gaps: [] };
}

/**
 * Creates the relay state at the start of the outbox unless it exists (the migration creates it; wiping
 * all data, as `demo --force` does, removes it together with the events). Answers whether it was missing.
 */
export async function ensureRelayState(tx: Tx, now: number): Promise<boolean> {
  const result = await tx
    .insertInto('event_relay_state')
    .values({ name: RELAY, scanned_to: 0, gaps: '[]', updated_at: now })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function saveRelayState(tx: Tx, state: RelayState, now: number): Promise<void> {
  await tx
    .updateTable('event_relay_state')
    .set({ scanned_to: state.scannedTo, gaps: JSON.stringify(state.gaps), updated_at: now })
    .where('name', '=', RELAY)
    .execute();
}

/** PostgreSQL: the oldest transaction id still running (`pg_snapshot_xmin`), as decimal text. */
export async function snapshotXmin(tx: Tx): Promise<string> {
  const { rows } = await sql<{ xmin: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`.execute(
    tx,
  );
  return rows[0]!.xmin;
}

/** PostgreSQL: the next transaction id to be assigned (`pg_snapshot_xmax`), as decimal text. */
export async function snapshotXmax(tx: Tx): Promise<string> {
  const { rows } = await sql<{ xmax: string }>`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax`.execute(
    tx,
  );
  return rows[0]!.xmax;
}

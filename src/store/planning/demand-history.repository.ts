import type BetterSqlite3 from 'better-sqlite3';
import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../database.js';
import type { Dialect } from '../dialect.js';

/** An item at a location, by id. */
export type PairRef = { itemId: number; locationId: number };

/** A movement id drawn but not visible when last scanned (PostgreSQL), awaited like the event relay's gaps. */
export type MovementGap = { id: number; seen_at: number; xmax: string | null };

/** Where the demand history cache stands: every movement with an id ≤ `through_movement_id` (but the gaps) is in it. */
export type DemandHistoryState = { through_movement_id: number; history_days: number; gaps: MovementGap[] };

export type MovementHead = { id: number; item_id: number; location_id: number };

export type DemandHistoryHead = {
  item_id: number;
  location_id: number;
  start_date: string;
  days: number;
  through_movement_id: number;
};

export type DemandHistoryRow = DemandHistoryHead & {
  demand: Uint8Array;
  stock_out: Uint8Array;
  /** The kind of the pair's policy, if it has one. */
  policy_kind: string | null;
};

export type NewDemandHistoryRow = DemandHistoryHead & { demand: Uint8Array; stock_out: Uint8Array; updated_at: number };

export type WindowMovementRow = {
  item_id: number;
  location_id: number;
  type: string;
  quantity_milli: number;
  occurred_at: number;
  /** When the reversed movement occurred (reversals only). */
  reversed_occurred_at: number | null;
};

const STATE_NAME = 'demand_history';

export async function readDemandHistoryState(
  tx: Tx,
): Promise<{ value: string; state: DemandHistoryState } | undefined> {
  const row = await tx.selectFrom('planning_state').select('value').where('name', '=', STATE_NAME).executeTakeFirst();
  if (!row) return undefined;
  return { value: row.value, state: JSON.parse(row.value) as DemandHistoryState };
}

/**
 * Saves the state only if it is still what this refresh started from (`previous`, undefined: there was none), so a
 * refresh that finished meanwhile in another process is never rolled back. Answers whether it was saved.
 */
export async function saveDemandHistoryState(
  tx: Tx,
  previous: string | undefined,
  state: DemandHistoryState,
  now: number,
): Promise<boolean> {
  const value = JSON.stringify(state);
  if (previous === undefined) {
    const inserted = await tx
      .insertInto('planning_state')
      .values({ name: STATE_NAME, value, updated_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  const updated = await tx
    .updateTable('planning_state')
    .set({ value, updated_at: now })
    .where('name', '=', STATE_NAME)
    .where('value', '=', previous)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

export async function maxMovementId(tx: Tx): Promise<number> {
  const row = await tx
    .selectFrom('movements')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Movements with an id above `afterId` (up to `throughId`), by id. */
export async function listMovementHeadsAfter(tx: Tx, afterId: number, throughId: number): Promise<MovementHead[]> {
  return tx
    .selectFrom('movements')
    .select(['id', 'item_id', 'location_id'])
    .where('id', '>', afterId)
    .where('id', '<=', throughId)
    .orderBy('id')
    .execute();
}

export async function findMovementHeads(tx: Tx, ids: number[]): Promise<MovementHead[]> {
  const found: MovementHead[] = [];
  for (let start = 0; start < ids.length; start += 1000) {
    found.push(
      ...(await tx
        .selectFrom('movements')
        .select(['id', 'item_id', 'location_id'])
        .where('id', 'in', ids.slice(start, start + 1000))
        .execute()),
    );
  }
  return found;
}

/** Every location's effective time zone: its own, else its site's (null when neither has one). */
export async function listLocationTimeZones(tx: Tx): Promise<Array<{ id: number; time_zone: string | null }>> {
  return tx
    .selectFrom('locations as l')
    .leftJoin('locations as s', 's.id', 'l.site_id')
    .select((eb) => ['l.id', eb.fn.coalesce('l.time_zone', 's.time_zone').as('time_zone')])
    .execute();
}

export async function listPolicyPairs(tx: Tx): Promise<Array<{ item_id: number; location_id: number }>> {
  return tx.selectFrom('policies').select(['item_id', 'location_id']).execute();
}

/** Every cached row without its arrays. */
export async function listDemandHistoryHeads(tx: Tx): Promise<DemandHistoryHead[]> {
  return tx
    .selectFrom('demand_history')
    .select(['item_id', 'location_id', 'start_date', 'days', 'through_movement_id'])
    .execute();
}

/** Every item × location with a movement at or after `sinceAt`, with its last one. */
export async function listPairsMovedSince(
  tx: Tx,
  sinceAt: number,
): Promise<Array<{ item_id: number; location_id: number; last_at: number }>> {
  return tx
    .selectFrom('movements')
    .select((eb) => ['item_id', 'location_id', eb.fn.max('occurred_at').as('last_at')])
    .where('occurred_at', '>=', sinceAt)
    .groupBy(['item_id', 'location_id'])
    .execute();
}

/**
 * `WITH p(item_id, location_id[, from_at]) AS (...)`: a list of pairs as a relation to join, without a parameter
 * per value on PostgreSQL (`unnest` of arrays) and as `VALUES` on SQLite.
 */
function pairsRelation(dialect: Dialect, pairs: PairRef[], fromAt?: number[]): RawBuilder<unknown> {
  if (dialect === 'postgres') {
    const items = pairs.map((p) => p.itemId);
    const locations = pairs.map((p) => p.locationId);
    return fromAt === undefined
      ? sql`WITH p(item_id, location_id) AS (SELECT * FROM unnest(${items}::bigint[], ${locations}::bigint[]))`
      : sql`WITH p(item_id, location_id, from_at) AS (SELECT * FROM unnest(${items}::bigint[], ${locations}::bigint[], ${fromAt}::bigint[]))`;
  }
  const rows = pairs.map((p, i) =>
    fromAt === undefined ? sql`(${p.itemId}, ${p.locationId})` : sql`(${p.itemId}, ${p.locationId}, ${fromAt[i]!})`,
  );
  return fromAt === undefined
    ? sql`WITH p(item_id, location_id) AS (VALUES ${sql.join(rows)})`
    : sql`WITH p(item_id, location_id, from_at) AS (VALUES ${sql.join(rows)})`;
}

/** Pairs per statement: ≤ 3,000 parameters on SQLite. */
export const PAIRS_PER_QUERY = 1000;

async function perChunk<P extends PairRef, T>(pairs: P[], work: (chunk: P[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < pairs.length; start += PAIRS_PER_QUERY) {
    const rows = await work(pairs.slice(start, start + PAIRS_PER_QUERY));
    for (const row of rows) out.push(row);
  }
  return out;
}

/** The instant of each pair's last movement (null: it has none); one index probe per pair. */
export async function lastMovementAt(
  tx: Tx,
  dialect: Dialect,
  pairs: PairRef[],
): Promise<Array<{ item_id: number; location_id: number; last_at: number | null }>> {
  return perChunk(pairs, async (chunk) => {
    const { rows } = await sql<{ item_id: number; location_id: number; last_at: number | null }>`${pairsRelation(
      dialect,
      chunk,
    )}
      SELECT p.item_id AS item_id, p.location_id AS location_id,
        (SELECT max(m.occurred_at) FROM movements m WHERE m.item_id = p.item_id AND m.location_id = p.location_id) AS last_at
      FROM p`.execute(tx);
    return rows.map((row) => ({
      item_id: Number(row.item_id),
      location_id: Number(row.location_id),
      last_at: row.last_at === null ? null : Number(row.last_at),
    }));
  });
}

/** Receives one movement: ids, type, signed change of on hand (thousandths), when, when the reversed one occurred. */
export type WindowMovementVisitor = (
  itemId: number,
  locationId: number,
  type: string,
  quantityMilli: number,
  occurredAt: number,
  reversedOccurredAt: number | null,
) => void;

const WINDOW_MOVEMENTS_SELECT = `SELECT m.item_id, m.location_id, m.type, m.quantity_milli, m.occurred_at,
    o.occurred_at AS reversed_occurred_at
  FROM p
  JOIN movements m ON m.item_id = p.item_id AND m.location_id = p.location_id AND m.occurred_at >= p.from_at
  LEFT JOIN movements o ON o.id = m.reverses_id`;

const windowStatements = new WeakMap<BetterSqlite3.Database, Map<number, BetterSqlite3.Statement>>();

/**
 * Visits the movements of each pair at or after its `fromAt` (the start of its window), with the occurrence of the
 * movement a reversal reverses; in no order. On SQLite the rows stream from a prepared statement as arrays (building
 * row objects would cost more than the bucketing).
 */
export async function visitWindowMovements(
  tx: Tx,
  sqlite: BetterSqlite3.Database | undefined,
  pairs: Array<PairRef & { fromAt: number }>,
  visit: WindowMovementVisitor,
): Promise<void> {
  for (let start = 0; start < pairs.length; start += PAIRS_PER_QUERY) {
    const chunk = pairs.slice(start, start + PAIRS_PER_QUERY);
    if (sqlite !== undefined) {
      let statements = windowStatements.get(sqlite);
      if (statements === undefined) {
        statements = new Map();
        windowStatements.set(sqlite, statements);
      }
      let statement = statements.get(chunk.length);
      if (statement === undefined) {
        const values = Array.from({ length: chunk.length }, () => '(?, ?, ?)').join(', ');
        statement = sqlite
          .prepare(`WITH p(item_id, location_id, from_at) AS (VALUES ${values}) ${WINDOW_MOVEMENTS_SELECT}`)
          .raw(true);
        statements.set(chunk.length, statement);
      }
      const params = new Array<number>(chunk.length * 3);
      for (let i = 0; i < chunk.length; i++) {
        params[i * 3] = chunk[i]!.itemId;
        params[i * 3 + 1] = chunk[i]!.locationId;
        params[i * 3 + 2] = chunk[i]!.fromAt;
      }
      for (const row of statement.iterate(...params) as Iterable<
        [number, number, string, number, number, number | null]
      >) {
        visit(row[0], row[1], row[2], row[3], row[4], row[5]);
      }
      continue;
    }
    const { rows } = await sql<WindowMovementRow>`${pairsRelation(
      'postgres',
      chunk,
      chunk.map((p) => p.fromAt),
    )} ${sql.raw(WINDOW_MOVEMENTS_SELECT)}`.execute(tx);
    for (const row of rows) {
      visit(
        Number(row.item_id),
        Number(row.location_id),
        row.type,
        Number(row.quantity_milli),
        Number(row.occurred_at),
        row.reversed_occurred_at === null ? null : Number(row.reversed_occurred_at),
      );
    }
  }
}

/** On hand now of each pair that has a balance row. */
export async function findOnHand(
  tx: Tx,
  dialect: Dialect,
  pairs: PairRef[],
): Promise<Array<{ item_id: number; location_id: number; on_hand_milli: number }>> {
  return perChunk(pairs, async (chunk) => {
    const { rows } = await sql<{ item_id: number; location_id: number; on_hand_milli: number }>`${pairsRelation(
      dialect,
      chunk,
    )}
      SELECT b.item_id AS item_id, b.location_id AS location_id, b.on_hand_milli AS on_hand_milli
      FROM p JOIN balances b ON b.item_id = p.item_id AND b.location_id = p.location_id`.execute(tx);
    return rows;
  });
}

const ROW_COLUMNS_SQL = `d.item_id AS item_id, d.location_id AS location_id, d.start_date AS start_date, d.days AS days,
  d.demand AS demand, d.stock_out AS stock_out, d.through_movement_id AS through_movement_id, pol.kind AS policy_kind`;
const ROW_COLUMNS = sql.raw(ROW_COLUMNS_SQL);

/** The cached rows of these pairs (those that have one), by item and location. */
export async function readDemandHistoryRows(tx: Tx, dialect: Dialect, pairs: PairRef[]): Promise<DemandHistoryRow[]> {
  return perChunk(pairs, async (chunk) => {
    const { rows } = await sql<DemandHistoryRow>`${pairsRelation(dialect, chunk)}
      SELECT ${ROW_COLUMNS}
      FROM p
      JOIN demand_history d ON d.item_id = p.item_id AND d.location_id = p.location_id
      LEFT JOIN policies pol ON pol.item_id = d.item_id AND pol.location_id = d.location_id
      ORDER BY d.item_id, d.location_id`.execute(tx);
    return rows;
  });
}

const pageStatements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

/**
 * A page of cached rows after `after`, by item and location (keyset). On SQLite a prepared statement: this is the
 * planner's hot path (100,000 rows of a few kB each), where the query builder's per-row work showed.
 */
export async function listDemandHistoryRowsAfter(
  tx: Tx,
  sqlite: BetterSqlite3.Database | undefined,
  after: PairRef | undefined,
  limit: number,
): Promise<DemandHistoryRow[]> {
  const itemId = after?.itemId ?? -1;
  const locationId = after?.locationId ?? -1;
  if (sqlite !== undefined) {
    let statement = pageStatements.get(sqlite);
    if (statement === undefined) {
      statement = sqlite.prepare(`SELECT ${ROW_COLUMNS_SQL}
        FROM demand_history d
        LEFT JOIN policies pol ON pol.item_id = d.item_id AND pol.location_id = d.location_id
        WHERE (d.item_id, d.location_id) > (?, ?)
        ORDER BY d.item_id, d.location_id
        LIMIT ?`);
      pageStatements.set(sqlite, statement);
    }
    return statement.all(itemId, locationId, limit) as DemandHistoryRow[];
  }
  const { rows } = await sql<DemandHistoryRow>`SELECT ${ROW_COLUMNS}
    FROM demand_history d
    LEFT JOIN policies pol ON pol.item_id = d.item_id AND pol.location_id = d.location_id
    WHERE (d.item_id, d.location_id) > (${itemId}, ${locationId})
    ORDER BY d.item_id, d.location_id
    LIMIT ${limit}`.execute(tx);
  return rows;
}

/** Rows per INSERT: eight parameters each, and a few kB of arrays. */
const ROWS_PER_INSERT = 200;

/**
 * Inserts or replaces rows; a row already written from a later look at the ledger (a higher `through_movement_id`,
 * by a refresh running at the same time) is kept.
 */
export async function upsertDemandHistoryRows(tx: Tx, rows: NewDemandHistoryRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await tx
      .insertInto('demand_history')
      .values(rows.slice(start, start + ROWS_PER_INSERT))
      .onConflict((oc) =>
        oc
          .columns(['item_id', 'location_id'])
          .doUpdateSet((eb) => ({
            start_date: eb.ref('excluded.start_date'),
            days: eb.ref('excluded.days'),
            demand: eb.ref('excluded.demand'),
            stock_out: eb.ref('excluded.stock_out'),
            through_movement_id: eb.ref('excluded.through_movement_id'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .whereRef('demand_history.through_movement_id', '<=', 'excluded.through_movement_id'),
      )
      .execute();
  }
}

/** Deletes the rows of these pairs unless a later refresh (through a higher movement id) rewrote them. */
export async function deleteDemandHistoryRows(tx: Tx, pairs: PairRef[], throughMovementId: number): Promise<void> {
  for (const pair of pairs) {
    await tx
      .deleteFrom('demand_history')
      .where('item_id', '=', pair.itemId)
      .where('location_id', '=', pair.locationId)
      .where('through_movement_id', '<=', throughMovementId)
      .execute();
  }
}

import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { Database, Tx } from './database.js';
import type { Flag } from './schema.js';

export type ItemRef = { id: number; sku: string; active: Flag; allow_negative: Flag };
export type LocationRef = { id: number; code: string; active: Flag };

export type BalanceRow = {
  item_id: number;
  location_id: number;
  on_hand_milli: number;
  allocated_milli: number;
  on_order_milli: number;
};

export type NewMovementRow = {
  type: string;
  item_id: number;
  location_id: number;
  quantity_milli: number;
  counted_milli: number | null;
  occurred_at: number;
  recorded_at: number;
  reason: string | null;
  reference: string | null;
  actor: string;
  idempotency_key: string | null;
  transfer_id: string | null;
  reverses_id: number | null;
};

export type MovementRow = NewMovementRow & { id: number; sku: string; location_code: string };

export function balanceKey(itemId: number, locationId: number): string {
  return `${itemId}:${locationId}`;
}

/**
 * The ledger's hot path: resolving codes, locking balances, appending movements. Every method runs
 * inside the caller's write transaction. SQLite uses cached prepared statements on the same
 * connection (Kysely would re-prepare each statement); PostgreSQL sends one array query per step.
 */
export type LedgerRepository = {
  findItems(tx: Tx, skus: string[]): Promise<Map<string, ItemRef>>;
  findLocations(tx: Tx, codes: string[]): Promise<Map<string, LocationRef>>;
  findMovementsByIdempotencyKey(tx: Tx, keys: string[]): Promise<Map<string, MovementRow>>;
  /** Current balances of the given item × location pairs, locked until the transaction ends. Missing pairs are absent. */
  lockBalances(tx: Tx, pairs: Array<[number, number]>): Promise<Map<string, BalanceRow>>;
  insertMovements(tx: Tx, rows: NewMovementRow[]): Promise<number[]>;
  saveBalances(tx: Tx, rows: BalanceRow[], now: number): Promise<void>;
};

export function createLedgerRepository(database: Database): LedgerRepository {
  return database.sqlite ? sqliteLedgerRepository(database.sqlite) : postgresLedgerRepository();
}

const MOVEMENT_SELECT = `m.id, m.type, m.item_id, m.location_id, m.quantity_milli, m.counted_milli, m.occurred_at,
  m.recorded_at, m.reason, m.reference, m.actor, m.idempotency_key, m.transfer_id, m.reverses_id,
  i.sku, l.code AS location_code`;

function sqliteLedgerRepository(sqlite: BetterSqlite3.Database): LedgerRepository {
  const statements = {
    items: sqlite.prepare(
      'SELECT id, sku, active, allow_negative FROM items WHERE sku IN (SELECT value FROM json_each(?))',
    ),
    locations: sqlite.prepare('SELECT id, code, active FROM locations WHERE code IN (SELECT value FROM json_each(?))'),
    byKey: sqlite.prepare(
      `SELECT ${MOVEMENT_SELECT} FROM movements m JOIN items i ON i.id = m.item_id JOIN locations l ON l.id = m.location_id
       WHERE m.idempotency_key IN (SELECT value FROM json_each(?))`,
    ),
    balances: sqlite.prepare(
      `SELECT b.item_id, b.location_id, b.on_hand_milli, b.allocated_milli, b.on_order_milli
       FROM json_each(?) j JOIN balances b ON b.item_id = j.value ->> 0 AND b.location_id = j.value ->> 1`,
    ),
    insertMovement: sqlite.prepare(
      `INSERT INTO movements (type, item_id, location_id, quantity_milli, counted_milli, occurred_at, recorded_at,
         reason, reference, actor, idempotency_key, transfer_id, reverses_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    saveBalance: sqlite.prepare(
      `INSERT INTO balances (item_id, location_id, on_hand_milli, allocated_milli, on_order_milli, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (item_id, location_id) DO UPDATE SET on_hand_milli = excluded.on_hand_milli,
         allocated_milli = excluded.allocated_milli, on_order_milli = excluded.on_order_milli,
         updated_at = excluded.updated_at`,
    ),
  };
  return {
    async findItems(_tx, skus) {
      const rows = statements.items.all(JSON.stringify(skus)) as ItemRef[];
      return new Map(rows.map((row) => [row.sku, row]));
    },
    async findLocations(_tx, codes) {
      const rows = statements.locations.all(JSON.stringify(codes)) as LocationRef[];
      return new Map(rows.map((row) => [row.code, row]));
    },
    async findMovementsByIdempotencyKey(_tx, keys) {
      if (keys.length === 0) return new Map();
      const rows = statements.byKey.all(JSON.stringify(keys)) as MovementRow[];
      return new Map(rows.map((row) => [row.idempotency_key!, row]));
    },
    async lockBalances(_tx, pairs) {
      // BEGIN IMMEDIATE already holds the single write lock; reading is enough.
      const rows = statements.balances.all(JSON.stringify(pairs)) as BalanceRow[];
      return new Map(rows.map((row) => [balanceKey(row.item_id, row.location_id), row]));
    },
    async insertMovements(_tx, rows) {
      const ids = new Array<number>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        const info = statements.insertMovement.run(
          r.type,
          r.item_id,
          r.location_id,
          r.quantity_milli,
          r.counted_milli,
          r.occurred_at,
          r.recorded_at,
          r.reason,
          r.reference,
          r.actor,
          r.idempotency_key,
          r.transfer_id,
          r.reverses_id,
        );
        ids[i] = Number(info.lastInsertRowid);
      }
      return ids;
    },
    async saveBalances(_tx, rows, now) {
      for (const r of rows) {
        statements.saveBalance.run(r.item_id, r.location_id, r.on_hand_milli, r.allocated_milli, r.on_order_milli, now);
      }
    },
  };
}

function postgresLedgerRepository(): LedgerRepository {
  return {
    async findItems(tx, skus) {
      const { rows } =
        await sql<ItemRef>`SELECT id, sku, active, allow_negative FROM items WHERE sku = ANY(${skus}::text[])`.execute(
          tx,
        );
      return new Map(rows.map((row) => [row.sku, row]));
    },
    async findLocations(tx, codes) {
      const { rows } =
        await sql<LocationRef>`SELECT id, code, active FROM locations WHERE code = ANY(${codes}::text[])`.execute(tx);
      return new Map(rows.map((row) => [row.code, row]));
    },
    async findMovementsByIdempotencyKey(tx, keys) {
      if (keys.length === 0) return new Map();
      const { rows } = await sql<MovementRow>`SELECT ${sql.raw(MOVEMENT_SELECT)}
        FROM movements m JOIN items i ON i.id = m.item_id JOIN locations l ON l.id = m.location_id
        WHERE m.idempotency_key = ANY(${keys}::text[])`.execute(tx);
      return new Map(rows.map((row) => [row.idempotency_key!, row]));
    },
    async lockBalances(tx, pairs) {
      const sorted = [...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const itemIds = sorted.map((p) => p[0]);
      const locationIds = sorted.map((p) => p[1]);
      // Create missing rows first (in key order, like the locks below) so that every pair has a row to
      // lock: two transactions can then never both believe a balance starts at zero.
      await sql`INSERT INTO balances (item_id, location_id, on_hand_milli, allocated_milli, on_order_milli, updated_at)
        SELECT k.item_id, k.location_id, 0, 0, 0, 0
        FROM unnest(${itemIds}::bigint[], ${locationIds}::bigint[]) AS k(item_id, location_id)
        ORDER BY k.item_id, k.location_id
        ON CONFLICT DO NOTHING`.execute(tx);
      const { rows } =
        await sql<BalanceRow>`SELECT b.item_id, b.location_id, b.on_hand_milli, b.allocated_milli, b.on_order_milli
        FROM balances b JOIN unnest(${itemIds}::bigint[], ${locationIds}::bigint[]) AS k(item_id, location_id)
          ON b.item_id = k.item_id AND b.location_id = k.location_id
        ORDER BY b.item_id, b.location_id
        FOR UPDATE OF b`.execute(tx);
      return new Map(rows.map((row) => [balanceKey(row.item_id, row.location_id), row]));
    },
    async insertMovements(tx, rows) {
      if (rows.length === 0) return [];
      const column = <K extends keyof NewMovementRow>(key: K) => rows.map((r) => r[key]);
      const { rows: idRows } = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('movements', 'id')) AS id
        FROM generate_series(1, ${rows.length}::int)`.execute(tx);
      const ids = idRows.map((r) => Number(r.id)).sort((a, b) => a - b);
      await sql`INSERT INTO movements (id, type, item_id, location_id, quantity_milli, counted_milli, occurred_at,
          recorded_at, reason, reference, actor, idempotency_key, transfer_id, reverses_id)
        SELECT * FROM unnest(${ids}::bigint[], ${column('type')}::text[], ${column('item_id')}::bigint[],
          ${column('location_id')}::bigint[], ${column('quantity_milli')}::bigint[], ${column('counted_milli')}::bigint[],
          ${column('occurred_at')}::bigint[], ${column('recorded_at')}::bigint[], ${column('reason')}::text[],
          ${column('reference')}::text[], ${column('actor')}::text[], ${column('idempotency_key')}::text[],
          ${column('transfer_id')}::text[], ${column('reverses_id')}::bigint[])`.execute(tx);
      return ids;
    },
    async saveBalances(tx, rows, now) {
      if (rows.length === 0) return;
      const column = <K extends keyof BalanceRow>(key: K) => rows.map((r) => r[key]);
      await sql`INSERT INTO balances (item_id, location_id, on_hand_milli, allocated_milli, on_order_milli, updated_at)
        SELECT k.*, ${now}::bigint FROM unnest(${column('item_id')}::bigint[], ${column('location_id')}::bigint[],
          ${column('on_hand_milli')}::bigint[], ${column('allocated_milli')}::bigint[], ${column('on_order_milli')}::bigint[])
          AS k(item_id, location_id, on_hand_milli, allocated_milli, on_order_milli)
        ON CONFLICT (item_id, location_id) DO UPDATE SET on_hand_milli = excluded.on_hand_milli,
          allocated_milli = excluded.allocated_milli, on_order_milli = excluded.on_order_milli,
          updated_at = excluded.updated_at`.execute(tx);
    },
  };
}

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
  /** Committed demand that stock on hand does not cover yet (make-to-order pegs waiting for supply). */
  backordered_milli: number;
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

/** The policy columns the trigger reads, with the kanban supplier's code. */
export type PolicyRef = {
  item_id: number;
  location_id: number;
  kind: string;
  reorder_point_milli: number | null;
  target_milli: number | null;
  cards: number | null;
  container_quantity_milli: number | null;
  supplier_code: string | null;
  review_days: number | null;
  review_time: string | null;
};

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
  /** The replenishment policies of the given item × location pairs, keyed by `balanceKey`. */
  findPolicies(tx: Tx, pairs: Array<[number, number]>): Promise<Map<string, PolicyRef>>;
  /** `lockBalances` and then `findPolicies` of the same pairs; on SQLite one pass over the pairs. */
  lockBalancesWithPolicies(
    tx: Tx,
    pairs: Array<[number, number]>,
  ): Promise<{ balances: Map<string, BalanceRow>; policies: Map<string, PolicyRef> }>;
  insertMovements(tx: Tx, rows: NewMovementRow[]): Promise<number[]>;
  saveBalances(tx: Tx, rows: BalanceRow[], now: number): Promise<void>;
};

export function createLedgerRepository(database: Database): LedgerRepository {
  return database.sqlite ? sqliteLedgerRepository(database.sqlite) : postgresLedgerRepository();
}

const POLICY_SELECT = `p.item_id, p.location_id, p.kind, p.reorder_point_milli, p.target_milli, p.cards,
  p.container_quantity_milli, s.code AS supplier_code, p.review_days, p.review_time`;

const MOVEMENT_SELECT = `m.id, m.type, m.item_id, m.location_id, m.quantity_milli, m.counted_milli, m.occurred_at,
  m.recorded_at, m.reason, m.reference, m.actor, m.idempotency_key, m.transfer_id, m.reverses_id,
  i.sku, l.code AS location_code`;

function sqliteLedgerRepository(sqlite: BetterSqlite3.Database): LedgerRepository {
  // Lookups return arrays (`raw`): better-sqlite3 builds row objects slowly, a literal here is cheap.
  const statements = {
    items: sqlite
      .prepare('SELECT id, sku, active, allow_negative FROM items WHERE sku IN (SELECT value FROM json_each(?))')
      .raw(true),
    item: sqlite.prepare('SELECT id, sku, active, allow_negative FROM items WHERE sku = ?').raw(true),
    locations: sqlite
      .prepare('SELECT id, code, active FROM locations WHERE code IN (SELECT value FROM json_each(?))')
      .raw(true),
    location: sqlite.prepare('SELECT id, code, active FROM locations WHERE code = ?').raw(true),
    byKeys: sqlite.prepare(
      `SELECT ${MOVEMENT_SELECT} FROM movements m JOIN items i ON i.id = m.item_id JOIN locations l ON l.id = m.location_id
       WHERE m.idempotency_key IN (SELECT value FROM json_each(?))`,
    ),
    byKey: sqlite.prepare(
      `SELECT ${MOVEMENT_SELECT} FROM movements m JOIN items i ON i.id = m.item_id JOIN locations l ON l.id = m.location_id
       WHERE m.idempotency_key = ?`,
    ),
    balances: sqlite
      .prepare(
        `SELECT b.item_id, b.location_id, b.on_hand_milli, b.allocated_milli, b.on_order_milli, b.backordered_milli
         FROM json_each(?) j JOIN balances b ON b.item_id = j.value ->> 0 AND b.location_id = j.value ->> 1`,
      )
      .raw(true),
    balance: sqlite
      .prepare(
        `SELECT item_id, location_id, on_hand_milli, allocated_milli, on_order_milli, backordered_milli
         FROM balances WHERE item_id = ? AND location_id = ?`,
      )
      .raw(true),
    policies: sqlite
      .prepare(
        `SELECT ${POLICY_SELECT} FROM json_each(?) j
         JOIN policies p ON p.item_id = j.value ->> 0 AND p.location_id = j.value ->> 1
         LEFT JOIN suppliers s ON s.id = p.supplier_id`,
      )
      .raw(true),
    policy: sqlite
      .prepare(
        `SELECT ${POLICY_SELECT} FROM policies p LEFT JOIN suppliers s ON s.id = p.supplier_id
         WHERE p.item_id = ? AND p.location_id = ?`,
      )
      .raw(true),
    anyPolicy: sqlite.prepare('SELECT 1 FROM policies LIMIT 1').pluck(true),
    // The pairs are parsed once and each looks up its balance and its policy: a batch pays one pass, not two.
    balancesWithPolicies: sqlite
      .prepare(
        `SELECT k.item_id, k.location_id, b.item_id IS NOT NULL, b.on_hand_milli, b.allocated_milli, b.on_order_milli,
           b.backordered_milli, p.kind, p.reorder_point_milli, p.target_milli, p.cards, p.container_quantity_milli, s.code, p.review_days,
           p.review_time
         FROM (SELECT j.value ->> 0 AS item_id, j.value ->> 1 AS location_id FROM json_each(?) j) k
         LEFT JOIN balances b ON b.item_id = k.item_id AND b.location_id = k.location_id
         LEFT JOIN policies p ON p.item_id = k.item_id AND p.location_id = k.location_id
         LEFT JOIN suppliers s ON s.id = p.supplier_id
         WHERE b.item_id IS NOT NULL OR p.item_id IS NOT NULL`,
      )
      .raw(true),
    insertMovement: sqlite.prepare(
      `INSERT INTO movements (type, item_id, location_id, quantity_milli, counted_milli, occurred_at, recorded_at,
         reason, reference, actor, idempotency_key, transfer_id, reverses_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateBalance: sqlite.prepare(
      `UPDATE balances SET on_hand_milli = ?, allocated_milli = ?, on_order_milli = ?, backordered_milli = ?,
         updated_at = ?
       WHERE item_id = ? AND location_id = ?`,
    ),
    insertBalance: sqlite.prepare(
      `INSERT INTO balances (item_id, location_id, on_hand_milli, allocated_milli, on_order_milli, backordered_milli,
         updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
  const itemOf = (r: unknown[]): ItemRef => ({
    id: r[0] as number,
    sku: r[1] as string,
    active: r[2] as Flag,
    allow_negative: r[3] as Flag,
  });
  const locationOf = (r: unknown[]): LocationRef => ({
    id: r[0] as number,
    code: r[1] as string,
    active: r[2] as Flag,
  });
  const policyOf = (r: unknown[]): PolicyRef => ({
    item_id: r[0] as number,
    location_id: r[1] as number,
    kind: r[2] as string,
    reorder_point_milli: r[3] as number | null,
    target_milli: r[4] as number | null,
    cards: r[5] as number | null,
    container_quantity_milli: r[6] as number | null,
    supplier_code: r[7] as string | null,
    review_days: r[8] as number | null,
    review_time: r[9] as string | null,
  });
  const balanceOf = (r: unknown[]): BalanceRow => ({
    item_id: r[0] as number,
    location_id: r[1] as number,
    on_hand_milli: r[2] as number,
    allocated_milli: r[3] as number,
    on_order_milli: r[4] as number,
    backordered_milli: r[5] as number,
  });
  return {
    async findItems(_tx, skus) {
      const found = new Map<string, ItemRef>();
      const rows = (
        skus.length === 1 ? [statements.item.get(skus[0])].filter(Boolean) : statements.items.all(JSON.stringify(skus))
      ) as unknown[][];
      for (const row of rows) found.set(row[1] as string, itemOf(row));
      return found;
    },
    async findLocations(_tx, codes) {
      const found = new Map<string, LocationRef>();
      const rows = (
        codes.length === 1
          ? [statements.location.get(codes[0])].filter(Boolean)
          : statements.locations.all(JSON.stringify(codes))
      ) as unknown[][];
      for (const row of rows) found.set(row[1] as string, locationOf(row));
      return found;
    },
    async findMovementsByIdempotencyKey(_tx, keys) {
      if (keys.length === 0) return new Map();
      const rows = (
        keys.length === 1 ? statements.byKey.all(keys[0]) : statements.byKeys.all(JSON.stringify(keys))
      ) as MovementRow[];
      return new Map(rows.map((row) => [row.idempotency_key!, row]));
    },
    async lockBalances(_tx, pairs) {
      // BEGIN IMMEDIATE already holds the single write lock; reading is enough.
      const found = new Map<string, BalanceRow>();
      const rows = (
        pairs.length === 1
          ? [statements.balance.get(pairs[0]![0], pairs[0]![1])].filter(Boolean)
          : statements.balances.all(JSON.stringify(pairs))
      ) as unknown[][];
      for (const row of rows) found.set(balanceKey(row[0] as number, row[1] as number), balanceOf(row));
      return found;
    },
    async lockBalancesWithPolicies(tx, pairs) {
      if (pairs.length < 2 || statements.anyPolicy.get() === undefined) {
        return { balances: await this.lockBalances(tx, pairs), policies: await this.findPolicies(tx, pairs) };
      }
      const balances = new Map<string, BalanceRow>();
      const policies = new Map<string, PolicyRef>();
      for (const r of statements.balancesWithPolicies.all(JSON.stringify(pairs)) as unknown[][]) {
        const itemId = r[0] as number;
        const locationId = r[1] as number;
        const key = balanceKey(itemId, locationId);
        if (r[2] === 1) {
          balances.set(key, {
            item_id: itemId,
            location_id: locationId,
            on_hand_milli: r[3] as number,
            allocated_milli: r[4] as number,
            on_order_milli: r[5] as number,
            backordered_milli: r[6] as number,
          });
        }
        if (r[7] !== null) policies.set(key, policyOf([itemId, locationId, ...r.slice(7)]));
      }
      return { balances, policies };
    },
    async findPolicies(_tx, pairs) {
      const found = new Map<string, PolicyRef>();
      // Most ledgers of a shop without policies yet pay one tiny query, not a join per batch.
      if (pairs.length === 0 || statements.anyPolicy.get() === undefined) return found;
      const rows = (
        pairs.length === 1
          ? [statements.policy.get(pairs[0]![0], pairs[0]![1])].filter(Boolean)
          : statements.policies.all(JSON.stringify(pairs))
      ) as unknown[][];
      for (const row of rows) found.set(balanceKey(row[0] as number, row[1] as number), policyOf(row));
      return found;
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
      // Most balances exist: one indexed UPDATE, and an INSERT only for a pair seen for the first time.
      for (const r of rows) {
        const { changes } = statements.updateBalance.run(
          r.on_hand_milli,
          r.allocated_milli,
          r.on_order_milli,
          r.backordered_milli,
          now,
          r.item_id,
          r.location_id,
        );
        if (changes === 0) {
          statements.insertBalance.run(
            r.item_id,
            r.location_id,
            r.on_hand_milli,
            r.allocated_milli,
            r.on_order_milli,
            r.backordered_milli,
            now,
          );
        }
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
        await sql<BalanceRow>`SELECT b.item_id, b.location_id, b.on_hand_milli, b.allocated_milli, b.on_order_milli, b.backordered_milli
        FROM balances b JOIN unnest(${itemIds}::bigint[], ${locationIds}::bigint[]) AS k(item_id, location_id)
          ON b.item_id = k.item_id AND b.location_id = k.location_id
        ORDER BY b.item_id, b.location_id
        FOR UPDATE OF b`.execute(tx);
      return new Map(rows.map((row) => [balanceKey(row.item_id, row.location_id), row]));
    },
    async lockBalancesWithPolicies(tx, pairs) {
      return { balances: await this.lockBalances(tx, pairs), policies: await this.findPolicies(tx, pairs) };
    },
    async findPolicies(tx, pairs) {
      if (pairs.length === 0) return new Map();
      const { rows } = await sql<PolicyRef>`SELECT ${sql.raw(POLICY_SELECT)}
        FROM unnest(${pairs.map((p) => p[0])}::bigint[], ${pairs.map((p) => p[1])}::bigint[]) AS k(item_id, location_id)
        JOIN policies p ON p.item_id = k.item_id AND p.location_id = k.location_id
        LEFT JOIN suppliers s ON s.id = p.supplier_id`.execute(tx);
      return new Map(rows.map((row) => [balanceKey(row.item_id, row.location_id), row]));
    },
    async insertMovements(tx, rows) {
      if (rows.length === 0) return [];
      const column = <K extends keyof NewMovementRow>(key: K) => rows.map((r) => r[key]);
      // Rows go in in request order (ORDER BY n), so the identity column numbers them in that order;
      // sorting the returned ids gives each row its own, also with other writers drawing ids meanwhile.
      const { rows: idRows } = await sql<{ id: number }>`INSERT INTO movements (type, item_id, location_id,
          quantity_milli, counted_milli, occurred_at, recorded_at, reason, reference, actor, idempotency_key,
          transfer_id, reverses_id)
        SELECT type, item_id, location_id, quantity_milli, counted_milli, occurred_at, recorded_at, reason, reference,
          actor, idempotency_key, transfer_id, reverses_id
        FROM unnest(${column('type')}::text[], ${column('item_id')}::bigint[], ${column('location_id')}::bigint[],
          ${column('quantity_milli')}::bigint[], ${column('counted_milli')}::bigint[], ${column('occurred_at')}::bigint[],
          ${column('recorded_at')}::bigint[], ${column('reason')}::text[], ${column('reference')}::text[],
          ${column('actor')}::text[], ${column('idempotency_key')}::text[], ${column('transfer_id')}::text[],
          ${column('reverses_id')}::bigint[])
          WITH ORDINALITY AS u(type, item_id, location_id, quantity_milli, counted_milli, occurred_at, recorded_at,
            reason, reference, actor, idempotency_key, transfer_id, reverses_id, n)
        ORDER BY n
        RETURNING id`.execute(tx);
      return idRows.map((r) => Number(r.id)).sort((a, b) => a - b);
    },
    async saveBalances(tx, rows, now) {
      if (rows.length === 0) return;
      const column = <K extends keyof BalanceRow>(key: K) => rows.map((r) => r[key]);
      const values = sql`unnest(${column('item_id')}::bigint[], ${column('location_id')}::bigint[],
          ${column('on_hand_milli')}::bigint[], ${column('allocated_milli')}::bigint[], ${column('on_order_milli')}::bigint[],
          ${column('backordered_milli')}::bigint[])
          AS k(item_id, location_id, on_hand_milli, allocated_milli, on_order_milli, backordered_milli)`;
      // lockBalances created every row it locked, so a plain UPDATE is the common case; upsert only what it missed.
      const updated = await sql`UPDATE balances b SET on_hand_milli = k.on_hand_milli,
          allocated_milli = k.allocated_milli, on_order_milli = k.on_order_milli,
          backordered_milli = k.backordered_milli, updated_at = ${now}::bigint
        FROM ${values} WHERE b.item_id = k.item_id AND b.location_id = k.location_id`.execute(tx);
      if (Number(updated.numAffectedRows ?? 0) === rows.length) return;
      await sql`INSERT INTO balances (item_id, location_id, on_hand_milli, allocated_milli, on_order_milli,
          backordered_milli, updated_at)
        SELECT k.*, ${now}::bigint FROM ${values}
        ON CONFLICT (item_id, location_id) DO UPDATE SET on_hand_milli = excluded.on_hand_milli,
          allocated_milli = excluded.allocated_milli, on_order_milli = excluded.on_order_milli,
          backordered_milli = excluded.backordered_milli, updated_at = excluded.updated_at`.execute(tx);
    },
  };
}

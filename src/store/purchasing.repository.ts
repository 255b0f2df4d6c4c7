import type BetterSqlite3 from 'better-sqlite3';
import { type Selectable, sql } from 'kysely';
import type { Database, Tx } from './database.js';
import type { PurchaseOrderLineTable, PurchaseOrderTable } from './schema.js';

export type PurchaseOrderRow = Selectable<PurchaseOrderTable>;
export type PurchaseOrderLineRow = Selectable<PurchaseOrderLineTable>;

/** A source of an item as drafting needs it: the supplier item with its supplier's code and state. */
export type SourceRow = {
  id: number;
  item_id: number;
  supplier_id: number;
  supplier_code: string;
  supplier_active: number;
  supplier_currency: string;
  supplier_lead_time_days: number | null;
  supplier_sku: string | null;
  unit_price_minor: number | null;
  currency: string;
  price_breaks: string;
  lead_time_days: number | null;
  moq_milli: number | null;
  pack_size_milli: number | null;
  rank: number;
  active: number;
};

export async function findSourcesOfItems(tx: Tx, itemIds: number[]): Promise<SourceRow[]> {
  if (itemIds.length === 0) return [];
  return (await tx
    .selectFrom('supplier_items as si')
    .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
    .select([
      'si.id',
      'si.item_id',
      'si.supplier_id',
      's.code as supplier_code',
      's.active as supplier_active',
      's.currency as supplier_currency',
      's.lead_time_days as supplier_lead_time_days',
      'si.supplier_sku',
      'si.unit_price_minor',
      'si.currency',
      'si.price_breaks',
      'si.lead_time_days',
      'si.moq_milli',
      'si.pack_size_milli',
      'si.rank',
      'si.active',
    ])
    .where('si.item_id', 'in', itemIds)
    .execute()) as SourceRow[];
}

/** The one draft of a supplier that triggered lines are added to, if any. */
export async function findCollectingDraft(tx: Tx, supplierId: number): Promise<PurchaseOrderRow | undefined> {
  return tx
    .selectFrom('purchase_orders')
    .selectAll()
    .where('supplier_id', '=', supplierId)
    .where('collecting', '=', 1)
    .executeTakeFirst();
}

/**
 * Inserts a collecting draft for a supplier. Another process may have inserted one between our look and
 * this insert: the partial unique index refuses ours and the caller looks again.
 */
export async function insertCollectingDraft(
  tx: Tx,
  values: { supplierId: number; currency: string; actor: string; now: number },
): Promise<number> {
  const row = await tx
    .insertInto('purchase_orders')
    .values(collectingDraftRow(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A new draft that collects triggered lines, with every later-lifecycle column empty. */
export function collectingDraftRow(values: { supplierId: number; currency: string; actor: string; now: number }) {
  return {
    supplier_id: values.supplierId,
    status: 'draft' as const,
    collecting: 1 as const,
    currency: values.currency,
    note: null,
    created_by: values.actor,
    created_at: values.now,
    updated_at: values.now,
    sent_at: null,
    confirmed_at: null,
    promised_date: null,
    received_at: null,
    closed_at: null,
    cancelled_at: null,
    cancel_reason: null,
    emailed_at: null,
  };
}

export async function findLine(
  tx: Tx,
  purchaseOrderId: number,
  itemId: number,
  locationId: number,
): Promise<PurchaseOrderLineRow | undefined> {
  return tx
    .selectFrom('purchase_order_lines')
    .selectAll()
    .where('purchase_order_id', '=', purchaseOrderId)
    .where('item_id', '=', itemId)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
}

export type NewLine = Omit<
  PurchaseOrderLineRow,
  | 'id'
  | 'received_milli'
  | 'rejected_milli'
  | 'first_received_at'
  | 'received_at'
  | 'actual_lead_time_days'
  | 'on_time'
  | 'in_full'
  | 'expected_date'
>;

export async function insertLine(tx: Tx, line: NewLine): Promise<number> {
  const row = await tx
    .insertInto('purchase_order_lines')
    .values({
      ...line,
      expected_date: null,
      first_received_at: null,
      received_at: null,
      actual_lead_time_days: null,
      on_time: null,
      in_full: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function updateLine(
  tx: Tx,
  lineId: number,
  change: Partial<Omit<PurchaseOrderLineRow, 'id' | 'purchase_order_id'>>,
): Promise<void> {
  await tx.updateTable('purchase_order_lines').set(change).where('id', '=', lineId).execute();
}

export async function touchPurchaseOrder(tx: Tx, purchaseOrderId: number, now: number): Promise<void> {
  await tx.updateTable('purchase_orders').set({ updated_at: now }).where('id', '=', purchaseOrderId).execute();
}

/**
 * Opens (or refreshes) the review entry of an item for a reason; answers true when it is new, so the
 * caller raises the event once per episode rather than on every movement.
 */
export async function openReviewItem(
  tx: Tx,
  entry: { itemId: number; locationId: number | null; reason: string; message: string; now: number },
): Promise<boolean> {
  let open = tx
    .selectFrom('review_items')
    .select('id')
    .where('item_id', '=', entry.itemId)
    .where('reason', '=', entry.reason)
    .where('resolved_at', 'is', null);
  open =
    entry.locationId === null
      ? open.where('location_id', 'is', null)
      : open.where('location_id', '=', entry.locationId);
  const existing = await open.executeTakeFirst();
  if (existing) {
    await tx
      .updateTable('review_items')
      .set({ message: entry.message, updated_at: entry.now })
      .where('id', '=', existing.id)
      .execute();
    return false;
  }
  await tx
    .insertInto('review_items')
    .values({
      item_id: entry.itemId,
      location_id: entry.locationId,
      reason: entry.reason,
      message: entry.message,
      created_at: entry.now,
      updated_at: entry.now,
      resolved_at: null,
      resolved_by: null,
    })
    .execute();
  return true;
}

/** Closes the open review entries of an item × location for the given reasons (an order was drafted after all). */
export async function resolveReviewItems(
  tx: Tx,
  itemId: number,
  locationId: number,
  reasons: readonly string[],
  actor: string,
  now: number,
): Promise<void> {
  await tx
    .updateTable('review_items')
    .set({ resolved_at: now, resolved_by: actor, updated_at: now })
    .where('item_id', '=', itemId)
    .where('location_id', '=', locationId)
    .where('reason', 'in', reasons)
    .where('resolved_at', 'is', null)
    .execute();
}

/** A source as drafting reads it, with two flags that say whether the slower lookups are needed at all. */
export type DraftingSourceRow = SourceRow & {
  /** 1 when the supplier item has contract prices: only then is the receiving site's date looked up. */
  has_contract: number;
  /** 1 when the item has open review entries: only then are the "no supplier" ones resolved. */
  has_open_review: number;
};

/** A supplier's collecting draft, once per line it has for a wanted item × location (line null when none). */
export type CollectingDraftRow = {
  supplier_id: number;
  order_id: number;
  line_id: number | null;
  item_id: number | null;
  location_id: number | null;
  line_quantity_milli: number | null;
};

/** What drafting writes to an existing line. */
export type LineDraftChange = Pick<
  PurchaseOrderLineRow,
  'quantity_milli' | 'unit_price_minor' | 'price_rule' | 'price_note' | 'trigger_note' | 'updated_at'
>;

export type NewCollectingDraft = { supplierId: number; currency: string; actor: string; now: number };

/**
 * The queries that draft lines for the trigger, run inside the caller's write transaction for every
 * movement that crosses s. SQLite: cached prepared statements on the same connection (Kysely would
 * compile and prepare each one again). PostgreSQL: one statement per step whatever the number of lines.
 * Others (callers that only hold a transaction): the query builder, a statement per row.
 */
export type DraftingRepository = {
  findSources(tx: Tx, itemIds: number[]): Promise<DraftingSourceRow[]>;
  /**
   * Marks the collecting drafts of the wanted suppliers as updated now (each is about to get a line) and
   * answers them with their lines for the wanted item × locations. A supplier without one is absent.
   */
  touchCollectingDrafts(
    tx: Tx,
    wanted: Array<{ supplierId: number; itemId: number; locationId: number }>,
    now: number,
  ): Promise<CollectingDraftRow[]>;
  /**
   * Opens collecting drafts; answers their ids in the given order, undefined where another transaction
   * opened that supplier's draft first (PostgreSQL): look again.
   */
  insertCollectingDrafts(tx: Tx, drafts: NewCollectingDraft[]): Promise<Array<number | undefined>>;
  /** Answers the new lines' ids in the given order. */
  insertLines(tx: Tx, lines: NewLine[]): Promise<number[]>;
  updateLines(tx: Tx, changes: Array<{ lineId: number; change: LineDraftChange }>): Promise<void>;
};

const repositories = new WeakMap<Database, DraftingRepository>();

/** The drafting queries of a database, created once per database. */
export function draftingRepository(database: Database): DraftingRepository {
  let repository = repositories.get(database);
  if (!repository) {
    repository = database.sqlite ? sqliteDraftingRepository(database.sqlite) : postgresDraftingRepository;
    repositories.set(database, repository);
  }
  return repository;
}

const SOURCE_COLUMNS = `si.id, si.item_id, si.supplier_id, s.code AS supplier_code, s.active AS supplier_active,
  s.currency AS supplier_currency, s.lead_time_days AS supplier_lead_time_days, si.supplier_sku, si.unit_price_minor,
  si.currency, si.price_breaks, si.lead_time_days, si.moq_milli, si.pack_size_milli, si.rank, si.active,
  CASE WHEN EXISTS (SELECT 1 FROM supplier_item_prices p WHERE p.supplier_item_id = si.id AND p.kind = 'contract')
    THEN 1 ELSE 0 END AS has_contract,
  CASE WHEN EXISTS (SELECT 1 FROM review_items r WHERE r.item_id = si.item_id AND r.resolved_at IS NULL)
    THEN 1 ELSE 0 END AS has_open_review`;

const LINE_COLUMNS = `purchase_order_id, item_id, location_id, supplier_item_id, quantity_milli, unit_price_minor,
  currency, price_rule, price_note, origin, trigger_note, lead_time_days, created_at, updated_at`;

/** Query-builder drafting, portable: replenish's default for callers that only hold a transaction. */
export const builderDraftingRepository: DraftingRepository = {
  async findSources(tx, itemIds) {
    if (itemIds.length === 0) return [];
    const { rows } = await sql<DraftingSourceRow>`SELECT ${sql.raw(SOURCE_COLUMNS)}
      FROM supplier_items si JOIN suppliers s ON s.id = si.supplier_id
      WHERE si.item_id IN (${sql.join(itemIds)})`.execute(tx);
    return rows;
  },
  async touchCollectingDrafts(tx, wanted, now) {
    const rows: CollectingDraftRow[] = [];
    const orders = new Map<number, number | undefined>();
    for (const { supplierId, itemId, locationId } of wanted) {
      if (!orders.has(supplierId)) {
        const touched = await tx
          .updateTable('purchase_orders')
          .set({ updated_at: now })
          .where('supplier_id', '=', supplierId)
          .where('collecting', '=', 1)
          .returning('id')
          .executeTakeFirst();
        orders.set(supplierId, touched && Number(touched.id));
      }
      const orderId = orders.get(supplierId);
      if (orderId === undefined) continue;
      const line = await findLine(tx, orderId, itemId, locationId);
      rows.push({
        supplier_id: supplierId,
        order_id: orderId,
        line_id: line ? Number(line.id) : null,
        item_id: itemId,
        location_id: locationId,
        line_quantity_milli: line ? Number(line.quantity_milli) : null,
      });
    }
    return rows;
  },
  async insertCollectingDrafts(tx, drafts) {
    const ids: number[] = [];
    for (const draft of drafts) ids.push(await insertCollectingDraft(tx, draft));
    return ids;
  },
  async insertLines(tx, lines) {
    const ids: number[] = [];
    for (const line of lines) ids.push(await insertLine(tx, line));
    return ids;
  },
  async updateLines(tx, changes) {
    for (const { lineId, change } of changes) await updateLine(tx, lineId, change);
  },
};

/** The order of rows inserted from `unnest … WITH ORDINALITY ORDER BY n` is the order of their new ids. */
const ascending = (rows: Array<{ id: number }>) => rows.map((row) => Number(row.id)).sort((a, b) => a - b);

/**
 * PostgreSQL, where several processes draft at once. Touching the collecting drafts locks them: a send,
 * close or cancel of one either waits for this transaction (and then sees its lines) or has already ended
 * its collecting, and the re-checked row no longer matches, so the lines go to a new draft instead of an
 * order the supplier was sent or that no longer counts as on order. Two first drafts of one supplier meet
 * at the partial unique index: the second inserts nothing (ON CONFLICT DO NOTHING) and the caller looks again.
 */
const postgresDraftingRepository: DraftingRepository = {
  findSources: builderDraftingRepository.findSources,
  async touchCollectingDrafts(tx, wanted, now) {
    if (wanted.length === 0) return [];
    // A single movement's dip, the common case: plain parameters plan faster than arrays.
    if (wanted.length === 1) {
      const { supplierId, itemId, locationId } = wanted[0]!;
      const { rows } = await sql<CollectingDraftRow>`WITH touched AS (
          UPDATE purchase_orders SET updated_at = ${now}::bigint
          WHERE collecting = 1 AND supplier_id = ${supplierId}::bigint
          RETURNING id, supplier_id)
        SELECT t.supplier_id, t.id AS order_id, l.id AS line_id, l.item_id, l.location_id,
          l.quantity_milli AS line_quantity_milli
        FROM touched t
        LEFT JOIN purchase_order_lines l ON l.purchase_order_id = t.id
          AND l.item_id = ${itemId}::bigint AND l.location_id = ${locationId}::bigint`.execute(tx);
      return rows;
    }
    const suppliers = [...new Set(wanted.map((w) => w.supplierId))];
    const { rows } = await sql<CollectingDraftRow>`WITH touched AS (
        UPDATE purchase_orders SET updated_at = ${now}::bigint
        WHERE collecting = 1 AND supplier_id = ANY(${suppliers}::bigint[])
        RETURNING id, supplier_id)
      SELECT t.supplier_id, t.id AS order_id, l.id AS line_id, l.item_id, l.location_id,
        l.quantity_milli AS line_quantity_milli
      FROM touched t
      LEFT JOIN purchase_order_lines l ON l.purchase_order_id = t.id
        AND (l.item_id, l.location_id) IN (
          SELECT * FROM unnest(${wanted.map((w) => w.itemId)}::bigint[], ${wanted.map((w) => w.locationId)}::bigint[]))`.execute(
      tx,
    );
    return rows;
  },
  async insertCollectingDrafts(tx, drafts) {
    const ids: Array<number | undefined> = [];
    for (const draft of drafts) {
      const row = await tx
        .insertInto('purchase_orders')
        .values(collectingDraftRow(draft))
        .onConflict((oc) => oc.column('supplier_id').where('collecting', '=', 1).doNothing())
        .returning('id')
        .executeTakeFirst();
      ids.push(row === undefined ? undefined : Number(row.id));
    }
    return ids;
  },
  async insertLines(tx, lines) {
    if (lines.length === 0) return [];
    if (lines.length === 1) {
      const l = lines[0]!;
      const { rows } = await sql<{ id: number }>`INSERT INTO purchase_order_lines (${sql.raw(LINE_COLUMNS)})
        VALUES (${l.purchase_order_id}, ${l.item_id}, ${l.location_id}, ${l.supplier_item_id}, ${l.quantity_milli},
          ${l.unit_price_minor}, ${l.currency}, ${l.price_rule}, ${l.price_note}, ${l.origin}, ${l.trigger_note},
          ${l.lead_time_days}, ${l.created_at}, ${l.updated_at})
        RETURNING id`.execute(tx);
      return [Number(rows[0]!.id)];
    }
    const column = <K extends keyof NewLine>(key: K) => lines.map((line) => line[key]);
    const { rows } = await sql<{ id: number }>`INSERT INTO purchase_order_lines (${sql.raw(LINE_COLUMNS)})
      SELECT ${sql.raw(LINE_COLUMNS)}
      FROM unnest(${column('purchase_order_id')}::bigint[], ${column('item_id')}::bigint[],
        ${column('location_id')}::bigint[], ${column('supplier_item_id')}::bigint[], ${column('quantity_milli')}::bigint[],
        ${column('unit_price_minor')}::bigint[], ${column('currency')}::text[], ${column('price_rule')}::text[],
        ${column('price_note')}::text[], ${column('origin')}::text[], ${column('trigger_note')}::text[],
        ${column('lead_time_days')}::integer[], ${column('created_at')}::bigint[], ${column('updated_at')}::bigint[])
        WITH ORDINALITY AS u(${sql.raw(LINE_COLUMNS)}, n)
      ORDER BY n
      RETURNING id`.execute(tx);
    return ascending(rows);
  },
  async updateLines(tx, changes) {
    if (changes.length === 0) return;
    const column = <K extends keyof LineDraftChange>(key: K) => changes.map((c) => c.change[key]);
    await sql`UPDATE purchase_order_lines l SET quantity_milli = u.quantity_milli,
        unit_price_minor = u.unit_price_minor, price_rule = u.price_rule, price_note = u.price_note,
        trigger_note = u.trigger_note, updated_at = u.updated_at
      FROM unnest(${changes.map((c) => c.lineId)}::bigint[], ${column('quantity_milli')}::bigint[],
        ${column('unit_price_minor')}::bigint[], ${column('price_rule')}::text[], ${column('price_note')}::text[],
        ${column('trigger_note')}::text[], ${column('updated_at')}::bigint[])
        AS u(id, quantity_milli, unit_price_minor, price_rule, price_note, trigger_note, updated_at)
      WHERE l.id = u.id`.execute(tx);
  },
};

function sqliteDraftingRepository(sqlite: BetterSqlite3.Database): DraftingRepository {
  const statements = {
    source: sqlite.prepare(
      `SELECT ${SOURCE_COLUMNS} FROM supplier_items si JOIN suppliers s ON s.id = si.supplier_id WHERE si.item_id = ?`,
    ),
    sources: sqlite.prepare(
      `SELECT ${SOURCE_COLUMNS} FROM supplier_items si JOIN suppliers s ON s.id = si.supplier_id
       WHERE si.item_id IN (SELECT value FROM json_each(?))`,
    ),
    touch: sqlite
      .prepare('UPDATE purchase_orders SET updated_at = ? WHERE supplier_id = ? AND collecting = 1 RETURNING id')
      .pluck(true),
    line: sqlite
      .prepare(
        'SELECT id, quantity_milli FROM purchase_order_lines WHERE purchase_order_id = ? AND item_id = ? AND location_id = ?',
      )
      .raw(true),
    insertDraft: sqlite.prepare(
      `INSERT INTO purchase_orders (supplier_id, status, collecting, currency, note, created_by, created_at, updated_at,
         sent_at, confirmed_at, promised_date, received_at, closed_at, cancelled_at, cancel_reason, emailed_at)
       VALUES (?, 'draft', 1, ?, NULL, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    ),
    insertLine: sqlite.prepare(
      `INSERT INTO purchase_order_lines (${LINE_COLUMNS}, expected_date, first_received_at, received_at,
         actual_lead_time_days, on_time, in_full)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL)`,
    ),
    updateLine: sqlite.prepare(
      `UPDATE purchase_order_lines SET quantity_milli = ?, unit_price_minor = ?, price_rule = ?, price_note = ?,
         trigger_note = ?, updated_at = ? WHERE id = ?`,
    ),
  };
  return {
    async findSources(_tx, itemIds) {
      if (itemIds.length === 0) return [];
      return (
        itemIds.length === 1 ? statements.source.all(itemIds[0]) : statements.sources.all(JSON.stringify(itemIds))
      ) as DraftingSourceRow[];
    },
    async touchCollectingDrafts(_tx, wanted, now) {
      const rows: CollectingDraftRow[] = [];
      const orders = new Map<number, number | undefined>();
      for (const { supplierId, itemId, locationId } of wanted) {
        if (!orders.has(supplierId))
          orders.set(supplierId, statements.touch.get(now, supplierId) as number | undefined);
        const orderId = orders.get(supplierId);
        if (orderId === undefined) continue;
        const line = statements.line.get(orderId, itemId, locationId) as [number, number] | undefined;
        rows.push({
          supplier_id: supplierId,
          order_id: orderId,
          line_id: line ? line[0] : null,
          item_id: itemId,
          location_id: locationId,
          line_quantity_milli: line ? line[1] : null,
        });
      }
      return rows;
    },
    async insertCollectingDrafts(_tx, drafts) {
      return drafts.map((d) =>
        Number(statements.insertDraft.run(d.supplierId, d.currency, d.actor, d.now, d.now).lastInsertRowid),
      );
    },
    async insertLines(_tx, lines) {
      return lines.map((line) =>
        Number(
          statements.insertLine.run(
            line.purchase_order_id,
            line.item_id,
            line.location_id,
            line.supplier_item_id,
            line.quantity_milli,
            line.unit_price_minor,
            line.currency,
            line.price_rule,
            line.price_note,
            line.origin,
            line.trigger_note,
            line.lead_time_days,
            line.created_at,
            line.updated_at,
          ).lastInsertRowid,
        ),
      );
    },
    async updateLines(_tx, changes) {
      for (const { lineId, change } of changes) {
        statements.updateLine.run(
          change.quantity_milli,
          change.unit_price_minor,
          change.price_rule,
          change.price_note,
          change.trigger_note,
          change.updated_at,
          lineId,
        );
      }
    },
  };
}

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

function collectingDraftRow(values: { supplierId: number; currency: string; actor: string; now: number }) {
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

/** The collecting draft of a supplier with its line for one item × location (null when it has none). */
export type CollectingDraftLine = { order_id: number; line_id: number | null; line_quantity_milli: number | null };

/** What drafting writes to an existing line. */
export type LineDraftChange = Pick<
  PurchaseOrderLineRow,
  'quantity_milli' | 'unit_price_minor' | 'price_rule' | 'price_note' | 'trigger_note' | 'updated_at'
>;

/**
 * The queries drafting runs for every movement that crosses s. On SQLite they are cached prepared
 * statements on the same connection (Kysely would compile and prepare each one again); elsewhere the
 * query builder. Every method runs inside the caller's write transaction.
 */
export type DraftingRepository = {
  findSources(tx: Tx, itemIds: number[]): Promise<DraftingSourceRow[]>;
  findCollectingDraftLine(
    tx: Tx,
    supplierId: number,
    itemId: number,
    locationId: number,
  ): Promise<CollectingDraftLine | undefined>;
  /** The new draft's id; undefined when another transaction holds the supplier's collecting draft: look again. */
  insertCollectingDraft(
    tx: Tx,
    values: { supplierId: number; currency: string; actor: string; now: number },
  ): Promise<number | undefined>;
  insertLine(tx: Tx, line: NewLine): Promise<number>;
  updateLine(tx: Tx, lineId: number, change: LineDraftChange): Promise<void>;
  touchPurchaseOrder(tx: Tx, purchaseOrderId: number, now: number): Promise<void>;
};

const repositories = new WeakMap<Database, DraftingRepository>();

/** The drafting queries of a database: prepared statements on SQLite, created once per database. */
export function draftingRepository(database: Database): DraftingRepository {
  if (!database.sqlite) return postgresDraftingRepository;
  let repository = repositories.get(database);
  if (!repository) {
    repository = sqliteDraftingRepository(database.sqlite);
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

const DRAFT_LINE_SELECT = `SELECT po.id AS order_id, l.id AS line_id, l.quantity_milli AS line_quantity_milli
  FROM purchase_orders po
  LEFT JOIN purchase_order_lines l ON l.purchase_order_id = po.id AND l.item_id = ? AND l.location_id = ?
  WHERE po.supplier_id = ? AND po.collecting = 1`;

/** Query-builder drafting, portable; used on PostgreSQL and by callers that only hold a transaction. */
export const builderDraftingRepository: DraftingRepository = {
  async findSources(tx, itemIds) {
    if (itemIds.length === 0) return [];
    const { rows } = await sql<DraftingSourceRow>`SELECT ${sql.raw(SOURCE_COLUMNS)}
      FROM supplier_items si JOIN suppliers s ON s.id = si.supplier_id
      WHERE si.item_id IN (${sql.join(itemIds)})`.execute(tx);
    return rows;
  },
  async findCollectingDraftLine(tx, supplierId, itemId, locationId) {
    const row = await tx
      .selectFrom('purchase_orders as po')
      .leftJoin('purchase_order_lines as l', (join) =>
        join
          .onRef('l.purchase_order_id', '=', 'po.id')
          .on('l.item_id', '=', itemId)
          .on('l.location_id', '=', locationId),
      )
      .select(['po.id as order_id', 'l.id as line_id', 'l.quantity_milli as line_quantity_milli'])
      .where('po.supplier_id', '=', supplierId)
      .where('po.collecting', '=', 1)
      .executeTakeFirst();
    return row && draftLineOf(row);
  },
  insertCollectingDraft,
  insertLine,
  updateLine,
  touchPurchaseOrder,
};

/**
 * PostgreSQL, where several processes draft at once. The collecting draft is read FOR UPDATE: a send,
 * close or cancel of it either waits for this transaction (and then sees its line) or has already ended
 * its collecting, and the re-checked row no longer matches, so the line goes to a new draft instead of an
 * order the supplier was sent or that no longer counts as on order. Two first drafts of one supplier meet
 * at the partial unique index: the second inserts nothing (ON CONFLICT DO NOTHING) and the caller looks again.
 */
const postgresDraftingRepository: DraftingRepository = {
  ...builderDraftingRepository,
  async findCollectingDraftLine(tx, supplierId, itemId, locationId) {
    const row = await tx
      .selectFrom('purchase_orders as po')
      .leftJoin('purchase_order_lines as l', (join) =>
        join
          .onRef('l.purchase_order_id', '=', 'po.id')
          .on('l.item_id', '=', itemId)
          .on('l.location_id', '=', locationId),
      )
      .select(['po.id as order_id', 'l.id as line_id', 'l.quantity_milli as line_quantity_milli'])
      .where('po.supplier_id', '=', supplierId)
      .where('po.collecting', '=', 1)
      .forUpdate('po')
      .executeTakeFirst();
    return row && draftLineOf(row);
  },
  async insertCollectingDraft(tx, values) {
    const row = await tx
      .insertInto('purchase_orders')
      .values(collectingDraftRow(values))
      .onConflict((oc) => oc.column('supplier_id').where('collecting', '=', 1).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.id);
  },
};

function draftLineOf(row: {
  order_id: number;
  line_id: number | null;
  line_quantity_milli: number | null;
}): CollectingDraftLine {
  return {
    order_id: Number(row.order_id),
    line_id: row.line_id === null ? null : Number(row.line_id),
    line_quantity_milli: row.line_quantity_milli === null ? null : Number(row.line_quantity_milli),
  };
}

function sqliteDraftingRepository(sqlite: BetterSqlite3.Database): DraftingRepository {
  const statements = {
    source: sqlite.prepare(
      `SELECT ${SOURCE_COLUMNS} FROM supplier_items si JOIN suppliers s ON s.id = si.supplier_id WHERE si.item_id = ?`,
    ),
    sources: sqlite.prepare(
      `SELECT ${SOURCE_COLUMNS} FROM supplier_items si JOIN suppliers s ON s.id = si.supplier_id
       WHERE si.item_id IN (SELECT value FROM json_each(?))`,
    ),
    draftLine: sqlite.prepare(DRAFT_LINE_SELECT),
    insertDraft: sqlite.prepare(
      `INSERT INTO purchase_orders (supplier_id, status, collecting, currency, note, created_by, created_at, updated_at,
         sent_at, confirmed_at, promised_date, received_at, closed_at, cancelled_at, cancel_reason, emailed_at)
       VALUES (?, 'draft', 1, ?, NULL, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    ),
    insertLine: sqlite.prepare(
      `INSERT INTO purchase_order_lines (purchase_order_id, item_id, location_id, supplier_item_id, quantity_milli,
         unit_price_minor, currency, price_rule, price_note, origin, trigger_note, lead_time_days, created_at,
         updated_at, expected_date, first_received_at, received_at, actual_lead_time_days, on_time, in_full)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL)`,
    ),
    updateLine: sqlite.prepare(
      `UPDATE purchase_order_lines SET quantity_milli = ?, unit_price_minor = ?, price_rule = ?, price_note = ?,
         trigger_note = ?, updated_at = ? WHERE id = ?`,
    ),
    touch: sqlite.prepare('UPDATE purchase_orders SET updated_at = ? WHERE id = ?'),
  };
  return {
    async findSources(_tx, itemIds) {
      if (itemIds.length === 0) return [];
      return (
        itemIds.length === 1 ? statements.source.all(itemIds[0]) : statements.sources.all(JSON.stringify(itemIds))
      ) as DraftingSourceRow[];
    },
    async findCollectingDraftLine(_tx, supplierId, itemId, locationId) {
      const row = statements.draftLine.get(itemId, locationId, supplierId) as CollectingDraftLine | undefined;
      return row && draftLineOf(row);
    },
    async insertCollectingDraft(_tx, values) {
      const info = statements.insertDraft.run(values.supplierId, values.currency, values.actor, values.now, values.now);
      return Number(info.lastInsertRowid);
    },
    async insertLine(_tx, line) {
      const info = statements.insertLine.run(
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
      );
      return Number(info.lastInsertRowid);
    },
    async updateLine(_tx, lineId, change) {
      statements.updateLine.run(
        change.quantity_milli,
        change.unit_price_minor,
        change.price_rule,
        change.price_note,
        change.trigger_note,
        change.updated_at,
        lineId,
      );
    },
    async touchPurchaseOrder(_tx, purchaseOrderId, now) {
      statements.touch.run(now, purchaseOrderId);
    },
  };
}

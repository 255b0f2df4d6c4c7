import { sql } from 'kysely';
import { type DemoData, type DemoOptions, generateDemo } from '../demo/generate-demo.js';
import { DomainError } from '../domain/errors.js';
import {
  OPEN_STATUSES,
  PURCHASE_ORDER_STATUSES,
  type PurchaseOrderStatus,
} from '../domain/purchasing/purchase-order.js';
import { POLICY_KINDS, type PolicyKind } from '../domain/replenishment/policy.js';
import { clearAllData } from '../store/clear-data.js';
import { type Database, type Tx, writeTransaction } from '../store/database.js';
import { balanceKey } from '../store/ledger.repository.js';
import { policyColumns } from '../store/policy.repository.js';
import type { ServiceContext } from './context.js';
import { type DemoMakeToOrderReport, writeDemoMakeToOrder } from './demo-mto.service.js';
import { syncKanbanLoop } from './kanban/kanban.service.js';
import { ledgerRepository, MAX_BATCH_SIZE, postMovements } from './ledger.service.js';
import { reevaluatePairs } from './purchasing/reevaluate.js';

export type WriteDemoOptions = Omit<DemoOptions, 'now'> & {
  /** Delete everything in the database first; without it, a database that holds data is refused. */
  force?: boolean;
  /** Called after each batch of movements is committed. */
  onProgress?: (written: number, total: number) => void;
};

export type DemoReport = {
  seed: number;
  firstDay: string;
  lastDay: string;
  items: number;
  locations: number;
  sites: number;
  suppliers: number;
  supplierItems: number;
  /** Rows written to the ledger (a transfer writes two), the history's and the make-to-order story's. */
  movements: number;
  /** Purchase orders stored: the simulated buyer's, the make-to-order story's and the trigger's drafts. */
  purchaseOrders: number;
  purchaseOrdersByStatus: Record<PurchaseOrderStatus, number>;
  /** Draft lines the trigger wrote for items at or below their reorder point and for empty kanban cards. */
  draftLines: number;
  policies: number;
  policiesByKind: Record<PolicyKind, number>;
  kanbanLoops: number;
  kanbanCards: number;
  /** Made-to-order products and subassemblies (also counted in `items`), their BOMs, customers and orders. */
  makeToOrder: DemoMakeToOrderReport;
};

/** What a database already holds; a demo is only written into an empty one unless forced. */
export type ExistingData = { items: number; locations: number; suppliers: number; movements: number };

const INSERT_CHUNK = 500;

/**
 * Writes the demo (`generateDemo`) into the database: the catalogue by bulk insert in one
 * transaction, then the history through the ledger (`postMovements`, so every rule of the ledger
 * applies) in batches of 10,000, oldest first, as actor `demo`. `ctx.now` is the end of the history.
 *
 * Then, in one more transaction: the simulated buyer's purchase orders with their lines (prices also
 * in the supplier items' price history), each delivery linked to its receipt movement, and on order set
 * to what is still open on open orders; the policies, and the kanban loops through `syncKanbanLoop`
 * with the cards whose containers are not on the shelf marked in transit or empty. Then the make-to-order
 * story through the services (`writeDemoMakeToOrder`). Finally the trigger (`reevaluatePairs`) over every
 * item × location with a policy, so items at or below their reorder point and empty kanban cards get draft
 * lines exactly as the product drafts them.
 */
export async function writeDemo(
  database: Database,
  options: WriteDemoOptions,
  ctx: ServiceContext,
): Promise<DemoReport> {
  const existing = await countExistingData(database);
  if (!options.force && Object.values(existing).some((count) => count > 0)) {
    throw new DomainError(
      'LS_DUPLICATE',
      `the database already holds data (${describeExisting(existing)}); the demo is only written into an empty database unless forced`,
      [{ field: 'database', message: 'is not empty', value: existing }],
    );
  }
  const data = generateDemo({ ...options, now: ctx.now });
  await writeTransaction(database, async (tx) => {
    if (options.force) await clearAllData(tx, database.dialect);
    await insertCatalogue(tx, data, Date.parse(data.firstDay));
  });

  const total = data.movements.length;
  const demoCtx: ServiceContext = { actor: 'demo', now: ctx.now };
  let rows = 0;
  for (let start = 0; start < total; start += MAX_BATCH_SIZE) {
    const outcomes = await postMovements(database, data.movements.slice(start, start + MAX_BATCH_SIZE), demoCtx);
    for (const outcome of outcomes) rows += outcome.movements.length;
    options.onProgress?.(Math.min(start + MAX_BATCH_SIZE, total), total);
  }
  const stored = await writeTransaction(database, async (tx) => {
    const ids = await catalogueIds(tx, data);
    const lineIds = await insertPurchaseOrders(tx, database, data, ids);
    await setOnOrder(tx, database, data, ids, ctx.now);
    const pairs = await insertPolicies(tx, data, ids, ctx.now);
    const kanbanCards = await insertKanbanLoops(tx, data, ids, lineIds, demoCtx);
    return { pairs, kanbanCards };
  });
  // Before the trigger's drafts: the make-to-order story sends the drafts its orders opened, and only those.
  const makeToOrder = await writeDemoMakeToOrder(database, data.makeToOrder, demoCtx);
  const triggered = await writeTransaction(database, (tx) => reevaluatePairs(tx, database, stored.pairs, demoCtx));
  const replenishment = {
    kanbanCards: stored.kanbanCards,
    draftLines: triggered.filter((outcome) => outcome.kind === 'order_line').length,
  };
  const statuses = await database.db
    .selectFrom('purchase_orders')
    .select(['status', sql<number>`count(*)`.as('n')])
    .groupBy('status')
    .execute();
  const purchaseOrdersByStatus = Object.fromEntries(PURCHASE_ORDER_STATUSES.map((status) => [status, 0])) as Record<
    PurchaseOrderStatus,
    number
  >;
  for (const row of statuses) purchaseOrdersByStatus[row.status] = Number(row.n);
  const policiesByKind = Object.fromEntries(POLICY_KINDS.map((kind) => [kind, 0])) as Record<PolicyKind, number>;
  for (const policy of data.policies) policiesByKind[policy.policy.kind]++;
  policiesByKind.make_to_order += makeToOrder.policies;
  return {
    seed: options.seed,
    firstDay: data.firstDay,
    lastDay: data.lastDay,
    items: data.items.length + makeToOrder.items,
    locations: data.locations.length,
    sites: data.locations.filter((l) => l.kind === 'site').length,
    suppliers: data.suppliers.length,
    supplierItems: data.supplierItems.length,
    movements: rows + makeToOrder.movements,
    purchaseOrders: Object.values(purchaseOrdersByStatus).reduce((sum, n) => sum + n, 0),
    purchaseOrdersByStatus,
    draftLines: replenishment.draftLines,
    policies: data.policies.length + makeToOrder.policies,
    policiesByKind,
    kanbanLoops: data.kanbanLoops.length,
    kanbanCards: replenishment.kanbanCards,
    makeToOrder,
  };
}

export async function countExistingData(database: Database): Promise<ExistingData> {
  const count = async (table: 'items' | 'locations' | 'suppliers' | 'movements') => {
    const row = await database.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const [items, locations, suppliers, movements] = await Promise.all([
    count('items'),
    count('locations'),
    count('suppliers'),
    count('movements'),
  ]);
  return { items, locations, suppliers, movements };
}

export function describeExisting(existing: ExistingData): string {
  return (Object.entries(existing) as Array<[string, number]>)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${count.toLocaleString('en')} ${count === 1 ? name.replace(/s$/, '') : name}`)
    .join(', ');
}

async function insertCatalogue(tx: Tx, data: DemoData, createdAt: number): Promise<void> {
  const stamps = { active: 1 as const, created_at: createdAt, updated_at: createdAt };
  for (const chunk of chunks(data.items)) {
    await tx
      .insertInto('items')
      .values(
        chunk.map((item) => ({
          sku: item.sku,
          name: item.name,
          unit: item.unit,
          category: item.category,
          unit_cost_minor: item.unitCostMinor,
          currency: item.currency,
          shelf_life_days: item.shelfLifeDays,
          criticality: item.criticality,
          allow_negative: 0 as const,
          ...stamps,
        })),
      )
      .execute();
  }

  const sites = data.locations.filter((l) => l.kind === 'site');
  await tx
    .insertInto('locations')
    .values(
      sites.map((site) => ({
        code: site.code,
        name: site.name,
        kind: site.kind,
        parent_id: null,
        site_id: null,
        time_zone: site.timeZone,
        ...stamps,
      })),
    )
    .execute();
  const siteIds = await idsByCode(
    tx,
    'locations',
    sites.map((s) => s.code),
  );
  for (const [code, id] of siteIds) {
    await tx.updateTable('locations').set({ site_id: id }).where('id', '=', id).where('code', '=', code).execute();
  }
  const bins = data.locations.filter((l) => l.kind === 'bin');
  await tx
    .insertInto('locations')
    .values(
      bins.map((bin) => ({
        code: bin.code,
        name: bin.name,
        kind: bin.kind,
        parent_id: siteIds.get(bin.parent!)!,
        site_id: siteIds.get(bin.parent!)!,
        time_zone: null,
        ...stamps,
      })),
    )
    .execute();

  await tx
    .insertInto('suppliers')
    .values(
      data.suppliers.map((supplier) => ({
        code: supplier.code,
        name: supplier.name,
        email: supplier.email,
        lead_time_days: supplier.leadTimeDays,
        ordering_cost_minor: supplier.orderingCostMinor,
        currency: supplier.currency,
        order_days: supplier.orderDays === null ? null : supplier.orderDays.join(','),
        ...stamps,
      })),
    )
    .execute();

  const itemIds = await idsByCode(
    tx,
    'items',
    data.items.map((i) => i.sku),
  );
  const supplierIds = await idsByCode(
    tx,
    'suppliers',
    data.suppliers.map((s) => s.code),
  );
  for (const chunk of chunks(data.supplierItems)) {
    await tx
      .insertInto('supplier_items')
      .values(
        chunk.map((source) => ({
          item_id: itemIds.get(source.sku)!,
          supplier_id: supplierIds.get(source.supplier)!,
          supplier_sku: source.supplierSku,
          unit_price_minor: source.unitPriceMinor,
          currency: source.currency,
          price_breaks: JSON.stringify(
            source.priceBreaks.map((b) => ({
              min_quantity_milli: b.minQuantityMilli,
              unit_price_minor: b.unitPriceMinor,
            })),
          ),
          lead_time_days: source.leadTimeDays,
          moq_milli: source.moqMilli,
          pack_size_milli: source.packSizeMilli,
          rank: source.rank,
          ...stamps,
        })),
      )
      .execute();
  }
}

/** Ids of rows by their natural key (`sku` for items, `code` otherwise). */
async function idsByCode(
  tx: Tx,
  table: 'items' | 'locations' | 'suppliers',
  keys: string[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const chunk of chunks(keys)) {
    const rows =
      table === 'items'
        ? await tx.selectFrom('items').select(['id', 'sku as key']).where('sku', 'in', chunk).execute()
        : await tx.selectFrom(table).select(['id', 'code as key']).where('code', 'in', chunk).execute();
    for (const row of rows) ids.set(row.key, Number(row.id));
  }
  return ids;
}

function chunks<T>(values: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += INSERT_CHUNK) {
    result.push(values.slice(start, start + INSERT_CHUNK));
  }
  return result;
}

type CatalogueIds = {
  items: Map<string, number>;
  locations: Map<string, number>;
  suppliers: Map<string, number>;
  /** By `sku|supplier`. */
  sources: Map<string, number>;
};

async function catalogueIds(tx: Tx, data: DemoData): Promise<CatalogueIds> {
  const items = await idsByCode(
    tx,
    'items',
    data.items.map((i) => i.sku),
  );
  const locations = await idsByCode(
    tx,
    'locations',
    data.locations.map((l) => l.code),
  );
  const suppliers = await idsByCode(
    tx,
    'suppliers',
    data.suppliers.map((s) => s.code),
  );
  const sources = new Map<string, number>();
  const rows = await tx
    .selectFrom('supplier_items as si')
    .innerJoin('items as i', 'i.id', 'si.item_id')
    .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
    .select(['si.id', 'i.sku', 's.code'])
    .execute();
  for (const row of rows) sources.set(`${row.sku}|${row.code}`, Number(row.id));
  return { items, locations, suppliers, sources };
}

/**
 * Inserts the simulated buyer's orders under the ids their numbers carry (PO-000042 is id 42: the
 * receipts in the ledger refer to them), their lines, a receipt row per delivery linked to its receipt
 * movement, and the price of each line in its supplier item's history. Answers line ids by
 * `number|sku|location`.
 */
async function insertPurchaseOrders(
  tx: Tx,
  database: Database,
  data: DemoData,
  ids: CatalogueIds,
): Promise<Map<string, number>> {
  const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
  const flag = (value: boolean | null) => (value === null ? null : value ? (1 as const) : (0 as const));
  const orderId = (number: string) => Number(number.slice(3));
  for (const chunk of chunks(data.purchaseOrders)) {
    await tx
      .insertInto('purchase_orders')
      .values(
        chunk.map((order) => {
          const orderedAt = Date.parse(order.orderedAt);
          const ended = [order.receivedAt, order.closedAt, order.cancelledAt, order.confirmedAt].map(ms);
          return {
            id: orderId(order.number),
            supplier_id: ids.suppliers.get(order.supplier)!,
            status: order.status,
            collecting: 0 as const,
            currency: order.currency,
            note: null,
            created_by: 'demo',
            created_at: orderedAt,
            updated_at: Math.max(orderedAt, ...ended.filter((t): t is number => t !== null)),
            sent_at: orderedAt,
            confirmed_at: ms(order.confirmedAt),
            promised_date: order.promisedOn,
            received_at: ms(order.receivedAt),
            closed_at: ms(order.closedAt),
            cancelled_at: ms(order.cancelledAt),
            cancel_reason: order.cancelReason,
            emailed_at: orderedAt,
          };
        }),
      )
      .execute();
  }

  const lines = data.purchaseOrders.flatMap((order) =>
    order.lines.map((line) => ({ order, line, sourceId: ids.sources.get(`${line.sku}|${order.supplier}`)! })),
  );
  const lineIds = new Map<string, number>();
  for (const [index, { order, line }] of lines.entries()) {
    lineIds.set(`${order.number}|${line.sku}|${line.location}`, index + 1);
  }
  for (const chunk of chunks(lines.map((entry, index) => ({ ...entry, id: index + 1 })))) {
    await tx
      .insertInto('purchase_order_lines')
      .values(
        chunk.map(({ order, line, sourceId, id }) => {
          const orderedAt = Date.parse(order.orderedAt);
          const firstReceipt = line.receipts[0];
          const lastReceipt = line.receipts.at(-1);
          return {
            id,
            purchase_order_id: orderId(order.number),
            item_id: ids.items.get(line.sku)!,
            location_id: ids.locations.get(line.location)!,
            supplier_item_id: sourceId,
            quantity_milli: Math.round(line.quantity * 1000),
            received_milli: Math.round(line.receivedQuantity * 1000),
            rejected_milli: 0,
            unit_price_minor: line.unitPriceMinor,
            currency: line.currency,
            price_rule: line.priceRule,
            price_note: line.priceNote,
            origin: line.origin,
            trigger_note: line.triggerNote,
            lead_time_days: line.leadTimeDays,
            expected_date: line.expectedOn,
            first_received_at: firstReceipt ? Date.parse(firstReceipt.receivedAt) : null,
            received_at: ms(line.receivedAt),
            actual_lead_time_days: line.actualLeadTimeDays,
            on_time: flag(line.onTime),
            in_full: flag(line.inFull),
            created_at: orderedAt,
            updated_at: lastReceipt ? Date.parse(lastReceipt.receivedAt) : orderedAt,
          };
        }),
      )
      .execute();
  }
  if (database.dialect === 'postgres') {
    for (const table of ['purchase_orders', 'purchase_order_lines'] as const) {
      await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT max(id) FROM ${sql.table(table)}))
        WHERE EXISTS (SELECT 1 FROM ${sql.table(table)})`.execute(tx);
    }
  }

  // Posted oldest first, so the receipt movements of a line come in the order of its deliveries.
  const movements = new Map<string, number[]>();
  const receiptRows = await tx
    .selectFrom('movements')
    .select(['id', 'item_id', 'location_id', 'reference'])
    .where('type', '=', 'receipt')
    .where('reference', 'like', 'PO-%')
    .orderBy('id')
    .execute();
  for (const row of receiptRows) {
    const key = `${row.reference}|${Number(row.item_id)}|${Number(row.location_id)}`;
    movements.set(key, [...(movements.get(key) ?? []), Number(row.id)]);
  }
  const receipts = lines.flatMap(({ order, line }, index) => {
    const movementIds =
      movements.get(`${order.number}|${ids.items.get(line.sku)}|${ids.locations.get(line.location)}`) ?? [];
    return line.receipts.map((receipt, n) => ({
      purchase_order_line_id: index + 1,
      received_milli: Math.round(receipt.quantity * 1000),
      rejected_milli: 0,
      reject_reason: null,
      movement_id: movementIds[n] ?? null,
      actor: 'demo',
      received_at: Date.parse(receipt.receivedAt),
    }));
  });
  for (const chunk of chunks(receipts)) await tx.insertInto('purchase_order_receipts').values(chunk).execute();

  const prices = lines.map(({ order, line, sourceId }, index) => ({
    supplier_item_id: sourceId,
    kind: 'purchase',
    unit_price_minor: line.unitPriceMinor,
    currency: line.currency,
    valid_from: null,
    valid_to: null,
    purchase_order_line_id: index + 1,
    recorded_at: Date.parse(order.orderedAt),
  }));
  for (const chunk of chunks(prices)) await tx.insertInto('supplier_item_prices').values(chunk).execute();
  return lineIds;
}

/** On order = what is still open on open orders, per item × location (the history left it at 0). */
async function setOnOrder(tx: Tx, database: Database, data: DemoData, ids: CatalogueIds, now: number): Promise<void> {
  const open = new Map<string, { pair: [number, number]; milli: number }>();
  for (const order of data.purchaseOrders) {
    if (!(OPEN_STATUSES as readonly string[]).includes(order.status)) continue;
    for (const line of order.lines) {
      const pair: [number, number] = [ids.items.get(line.sku)!, ids.locations.get(line.location)!];
      const milli = Math.round((line.quantity - line.receivedQuantity) * 1000);
      const key = balanceKey(...pair);
      open.set(key, { pair, milli: (open.get(key)?.milli ?? 0) + Math.max(0, milli) });
    }
  }
  if (open.size === 0) return;
  const repository = ledgerRepository(database);
  const balances = await repository.lockBalances(
    tx,
    [...open.values()].map((entry) => entry.pair),
  );
  const changed = [...open].map(([key, { pair, milli }]) => {
    const balance = balances.get(key) ?? {
      item_id: pair[0],
      location_id: pair[1],
      on_hand_milli: 0,
      allocated_milli: 0,
      on_order_milli: 0,
      backordered_milli: 0,
    };
    return { ...balance, on_order_milli: milli };
  });
  await repository.saveBalances(tx, changed, now);
}

/** Answers the item × location pairs that have a policy. */
async function insertPolicies(
  tx: Tx,
  data: DemoData,
  ids: CatalogueIds,
  now: number,
): Promise<Array<[number, number]>> {
  const rows = data.policies.map(({ sku, location, policy, reviewAnchorDate, nextReviewAt }) => ({
    item_id: ids.items.get(sku)!,
    location_id: ids.locations.get(location)!,
    ...policyColumns(policy),
    supplier_id: policy.kind === 'kanban' && policy.supplier !== undefined ? ids.suppliers.get(policy.supplier)! : null,
    review_anchor_date: reviewAnchorDate,
    next_review_at: nextReviewAt,
    created_at: now,
    updated_at: now,
  }));
  for (const chunk of chunks(rows)) await tx.insertInto('policies').values(chunk).execute();
  return rows.map((row) => [row.item_id, row.location_id]);
}

/**
 * Creates each loop and its cards as a kanban policy does (`syncKanbanLoop`: every card full, with a
 * random id), then marks the cards whose containers are not on the shelf: in transit on the open order
 * they come with, or empty (signalled) for the trigger to order. Answers the number of cards.
 */
async function insertKanbanLoops(
  tx: Tx,
  data: DemoData,
  ids: CatalogueIds,
  lineIds: Map<string, number>,
  ctx: ServiceContext,
): Promise<number> {
  let cards = 0;
  for (const loop of data.kanbanLoops) {
    const policy = data.policies.find((p) => p.sku === loop.sku && p.location === loop.location)!.policy;
    const change = await syncKanbanLoop(
      tx,
      {
        itemId: ids.items.get(loop.sku)!,
        locationId: ids.locations.get(loop.location)!,
        policy,
        supplierId: ids.suppliers.get(loop.supplier)!,
      },
      ctx,
    );
    const cardIds = change?.added_cards ?? [];
    cards += cardIds.length;
    const inTransit = loop.cardStates.flatMap((state, n) => (state === 'in_transit' ? [cardIds[n]!] : []));
    const empty = loop.cardStates.flatMap((state, n) => (state === 'empty' ? [cardIds[n]!] : []));
    const lineId =
      loop.inTransitOn === null ? undefined : lineIds.get(`${loop.inTransitOn}|${loop.sku}|${loop.location}`);
    if (inTransit.length > 0 && lineId !== undefined) {
      await tx
        .updateTable('kanban_cards')
        .set({ state: 'in_transit', purchase_order_line_id: lineId, updated_at: ctx.now })
        .where('id', 'in', inTransit)
        .execute();
    }
    if (empty.length > 0) {
      await tx
        .updateTable('kanban_cards')
        .set({ state: 'empty', signalled_at: ctx.now, signalled_by: ctx.actor, updated_at: ctx.now })
        .where('id', 'in', empty)
        .execute();
    }
  }
  return cards;
}

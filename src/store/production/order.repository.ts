import { randomUUID } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import type { Database, Tx } from '../database.js';
import type {
  CustomerOrderLineTable,
  CustomerOrderTable,
  OrderSupplyTable,
  PegDemandKind,
  PegStatus,
  PegSupplyKind,
  PegTable,
  ProductionOrderComponentTable,
  ProductionOrderTable,
} from '../schema.js';

export type CustomerOrderRow = Selectable<CustomerOrderTable>;
export type CustomerOrderLineRow = Selectable<CustomerOrderLineTable>;
export type ProductionOrderRow = Selectable<ProductionOrderTable>;
export type ProductionComponentRow = Selectable<ProductionOrderComponentTable>;
export type PegRow = Selectable<PegTable>;
export type NewPegRow = Insertable<Omit<PegTable, 'id'>>;
export type OrderSupplyRow = Selectable<OrderSupplyTable>;

/** Rows per multi-row INSERT or `IN (...)` list: far below every dialect's parameter limit. */
const CHUNK = 500;

/** Purchase orders whose lines still bring goods. */
export const OPEN_PURCHASE_STATUSES = ['draft', 'sent', 'confirmed', 'partly_received'] as const;

/** A unique stand-in for `number` until the row's id is known (numbers are made from ids, like PO-000001). */
function pendingNumber(): string {
  return `pending-${randomUUID()}`;
}

/** Inserts a customer order and gives it the number `numberOf(id)`; answers the id. */
export async function insertCustomerOrder(
  tx: Tx,
  row: Omit<Insertable<CustomerOrderTable>, 'number'>,
  numberOf: (id: number) => string,
): Promise<number> {
  const inserted = await tx
    .insertInto('customer_orders')
    .values({ ...row, number: pendingNumber() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(inserted.id);
  await tx
    .updateTable('customer_orders')
    .set({ number: numberOf(id) })
    .where('id', '=', id)
    .execute();
  return id;
}

/** The customer order with this number; on PostgreSQL locked until the transaction ends when `lock` is set. */
export async function findCustomerOrder(
  tx: Tx,
  database: Database | undefined,
  number: string,
): Promise<CustomerOrderRow | undefined> {
  let select = tx.selectFrom('customer_orders').selectAll().where('number', '=', number);
  if (database?.dialect === 'postgres') select = select.forUpdate();
  return select.executeTakeFirst();
}

export type CustomerOrderListFilter = {
  statuses?: string[];
  customerId?: number;
  lateRisk?: boolean;
  beforeId?: number;
  limit: number;
};

/** Customer orders newest first. */
export async function listCustomerOrderRows(tx: Tx, filter: CustomerOrderListFilter): Promise<CustomerOrderRow[]> {
  let select = tx.selectFrom('customer_orders').selectAll();
  if (filter.statuses !== undefined) select = select.where('status', 'in', filter.statuses as never);
  if (filter.customerId !== undefined) select = select.where('customer_id', '=', filter.customerId);
  if (filter.lateRisk !== undefined) select = select.where('late_risk', '=', filter.lateRisk ? 1 : 0);
  if (filter.beforeId !== undefined) select = select.where('id', '<', filter.beforeId);
  return select.orderBy('id', 'desc').limit(filter.limit).execute();
}

export async function updateCustomerOrder(
  tx: Tx,
  id: number,
  change: Partial<Omit<CustomerOrderRow, 'id' | 'number'>>,
): Promise<void> {
  await tx.updateTable('customer_orders').set(change).where('id', '=', id).execute();
}

export async function insertCustomerOrderLines(
  tx: Tx,
  lines: Array<Insertable<Omit<CustomerOrderLineTable, 'id'>>>,
): Promise<void> {
  for (let start = 0; start < lines.length; start += CHUNK) {
    await tx
      .insertInto('customer_order_lines')
      .values(lines.slice(start, start + CHUNK))
      .execute();
  }
}

/** A customer order line with its item's and location's codes. */
export type CustomerOrderLineDetail = CustomerOrderLineRow & {
  sku: string;
  item_name: string;
  unit: string;
  location_code: string;
};

/** The lines of the given orders by order id then line number. */
export async function listCustomerOrderLines(tx: Tx, orderIds: readonly number[]): Promise<CustomerOrderLineDetail[]> {
  if (orderIds.length === 0) return [];
  const rows: CustomerOrderLineDetail[] = [];
  for (let start = 0; start < orderIds.length; start += CHUNK) {
    const found = await tx
      .selectFrom('customer_order_lines as l')
      .innerJoin('items as i', 'i.id', 'l.item_id')
      .innerJoin('locations as loc', 'loc.id', 'l.location_id')
      .selectAll('l')
      .select(['i.sku', 'i.name as item_name', 'i.unit', 'loc.code as location_code'])
      .where('l.customer_order_id', 'in', orderIds.slice(start, start + CHUNK))
      .orderBy('l.customer_order_id')
      .orderBy('l.line_no')
      .execute();
    rows.push(...found);
  }
  return rows;
}

export async function updateCustomerOrderLine(
  tx: Tx,
  id: number,
  change: Partial<Omit<CustomerOrderLineRow, 'id' | 'customer_order_id' | 'line_no'>>,
): Promise<void> {
  await tx.updateTable('customer_order_lines').set(change).where('id', '=', id).execute();
}

/** Inserts a production order and gives it the number `numberOf(id)`; answers the id. */
export async function insertProductionOrder(
  tx: Tx,
  row: Omit<Insertable<ProductionOrderTable>, 'number'>,
  numberOf: (id: number) => string,
): Promise<number> {
  const inserted = await tx
    .insertInto('production_orders')
    .values({ ...row, number: pendingNumber() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(inserted.id);
  await tx
    .updateTable('production_orders')
    .set({ number: numberOf(id) })
    .where('id', '=', id)
    .execute();
  return id;
}

/** Inserts the components of production orders; answers their ids in the given order. */
export async function insertProductionComponents(
  tx: Tx,
  rows: Array<Insertable<Omit<ProductionOrderComponentTable, 'id'>>>,
): Promise<number[]> {
  const ids: number[] = [];
  for (const row of rows) {
    const inserted = await tx
      .insertInto('production_order_components')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(Number(inserted.id));
  }
  return ids;
}

/** A production order with its item's and location's codes and its BOM version. */
export type ProductionOrderDetail = ProductionOrderRow & {
  sku: string;
  item_name: string;
  unit: string;
  location_code: string;
  bom_version: number;
  customer_order_number: string | null;
};

function productionOrderDetails(tx: Tx) {
  return tx
    .selectFrom('production_orders as mo')
    .innerJoin('items as i', 'i.id', 'mo.item_id')
    .innerJoin('locations as loc', 'loc.id', 'mo.location_id')
    .innerJoin('boms as b', 'b.id', 'mo.bom_id')
    .leftJoin('customer_orders as so', 'so.id', 'mo.customer_order_id')
    .selectAll('mo')
    .select([
      'i.sku',
      'i.name as item_name',
      'i.unit',
      'loc.code as location_code',
      'b.version as bom_version',
      'so.number as customer_order_number',
    ]);
}

/** The production order with this number; on PostgreSQL locked until the transaction ends when given the database. */
export async function findProductionOrder(
  tx: Tx,
  database: Database | undefined,
  number: string,
): Promise<ProductionOrderDetail | undefined> {
  if (database?.dialect === 'postgres') {
    await tx.selectFrom('production_orders').select('id').where('number', '=', number).forUpdate().execute();
  }
  return (await productionOrderDetails(tx).where('mo.number', '=', number).executeTakeFirst()) as
    | ProductionOrderDetail
    | undefined;
}

export async function findProductionOrdersById(tx: Tx, ids: readonly number[]): Promise<ProductionOrderDetail[]> {
  if (ids.length === 0) return [];
  const rows: ProductionOrderDetail[] = [];
  for (let start = 0; start < ids.length; start += CHUNK) {
    rows.push(
      ...((await productionOrderDetails(tx)
        .where('mo.id', 'in', ids.slice(start, start + CHUNK))
        .execute()) as ProductionOrderDetail[]),
    );
  }
  return rows;
}

export type ProductionOrderListFilter = {
  statuses?: string[];
  itemId?: number;
  customerOrderId?: number;
  beforeId?: number;
  limit: number;
};

/** Production orders newest first. */
export async function listProductionOrderRows(
  tx: Tx,
  filter: ProductionOrderListFilter,
): Promise<ProductionOrderDetail[]> {
  let select = productionOrderDetails(tx);
  if (filter.statuses !== undefined) select = select.where('mo.status', 'in', filter.statuses as never);
  if (filter.itemId !== undefined) select = select.where('mo.item_id', '=', filter.itemId);
  if (filter.customerOrderId !== undefined) select = select.where('mo.customer_order_id', '=', filter.customerOrderId);
  if (filter.beforeId !== undefined) select = select.where('mo.id', '<', filter.beforeId);
  return (await select.orderBy('mo.id', 'desc').limit(filter.limit).execute()) as ProductionOrderDetail[];
}

export async function updateProductionOrder(
  tx: Tx,
  id: number,
  change: Partial<Omit<ProductionOrderRow, 'id' | 'number'>>,
): Promise<void> {
  await tx.updateTable('production_orders').set(change).where('id', '=', id).execute();
}

/** A component with its item's and location's codes. */
export type ProductionComponentDetail = ProductionComponentRow & {
  sku: string;
  item_name: string;
  unit: string;
  location_code: string;
};

/** The components of the given production orders, by order then id. */
export async function listProductionComponents(
  tx: Tx,
  orderIds: readonly number[],
): Promise<ProductionComponentDetail[]> {
  if (orderIds.length === 0) return [];
  const rows: ProductionComponentDetail[] = [];
  for (let start = 0; start < orderIds.length; start += CHUNK) {
    rows.push(
      ...(await tx
        .selectFrom('production_order_components as c')
        .innerJoin('items as i', 'i.id', 'c.item_id')
        .innerJoin('locations as loc', 'loc.id', 'c.location_id')
        .selectAll('c')
        .select(['i.sku', 'i.name as item_name', 'i.unit', 'loc.code as location_code'])
        .where('c.production_order_id', 'in', orderIds.slice(start, start + CHUNK))
        .orderBy('c.production_order_id')
        .orderBy('c.id')
        .execute()),
    );
  }
  return rows;
}

/** Adds to the allocated, backordered and issued quantities of components. */
export async function addToComponents(
  tx: Tx,
  changes: ReadonlyMap<number, { allocated: number; backordered: number; issued?: number }>,
): Promise<void> {
  for (const [id, change] of changes) {
    if (change.allocated === 0 && change.backordered === 0 && !change.issued) continue;
    await tx
      .updateTable('production_order_components')
      .set((eb) => ({
        allocated_milli: eb('allocated_milli', '+', change.allocated),
        backordered_milli: eb('backordered_milli', '+', change.backordered),
        issued_milli: eb('issued_milli', '+', change.issued ?? 0),
      }))
      .where('id', '=', id)
      .execute();
  }
}

/** Adds to the allocated, backordered and shipped quantities of customer order lines. */
export async function addToCustomerOrderLines(
  tx: Tx,
  changes: ReadonlyMap<number, { allocated: number; backordered: number; shipped?: number }>,
): Promise<void> {
  for (const [id, change] of changes) {
    if (change.allocated === 0 && change.backordered === 0 && !change.shipped) continue;
    await tx
      .updateTable('customer_order_lines')
      .set((eb) => ({
        allocated_milli: eb('allocated_milli', '+', change.allocated),
        backordered_milli: eb('backordered_milli', '+', change.backordered),
        shipped_milli: eb('shipped_milli', '+', change.shipped ?? 0),
      }))
      .where('id', '=', id)
      .execute();
  }
}

export async function insertPegs(tx: Tx, rows: readonly NewPegRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    await tx
      .insertInto('pegs')
      .values(rows.slice(start, start + CHUNK))
      .execute();
  }
}

export async function updatePeg(
  tx: Tx,
  id: number,
  change: Partial<
    Pick<PegRow, 'status' | 'quantity_milli' | 'supply_kind' | 'supply_id' | 'supply_date' | 'updated_at'>
  >,
): Promise<void> {
  await tx.updateTable('pegs').set(change).where('id', '=', id).execute();
}

/** Takes pegs away from a customer order: they now serve a production order kept as free supply. */
export async function detachPegs(tx: Tx, ids: readonly number[], now: number): Promise<void> {
  for (let start = 0; start < ids.length; start += CHUNK) {
    await tx
      .updateTable('pegs')
      .set({ customer_order_id: null, customer_order_line_id: null, updated_at: now })
      .where('id', 'in', ids.slice(start, start + CHUNK))
      .execute();
  }
}

export async function setPegStatus(tx: Tx, ids: readonly number[], status: PegStatus, now: number): Promise<void> {
  for (let start = 0; start < ids.length; start += CHUNK) {
    await tx
      .updateTable('pegs')
      .set({ status, updated_at: now })
      .where('id', 'in', ids.slice(start, start + CHUNK))
      .execute();
  }
}

/** The pegs of customer orders in the given statuses, by id. */
export async function listPegsOfCustomerOrders(
  tx: Tx,
  orderIds: readonly number[],
  statuses: readonly PegStatus[],
): Promise<PegRow[]> {
  if (orderIds.length === 0) return [];
  const rows: PegRow[] = [];
  for (let start = 0; start < orderIds.length; start += CHUNK) {
    rows.push(
      ...(await tx
        .selectFrom('pegs')
        .selectAll()
        .where('customer_order_id', 'in', orderIds.slice(start, start + CHUNK))
        .where('status', 'in', [...statuses])
        .orderBy('id')
        .execute()),
    );
  }
  return rows;
}

/** The pegs of demands of one kind (customer order lines or production components), in the given statuses. */
export async function listPegsOfDemands(
  tx: Tx,
  kind: PegDemandKind,
  demandIds: readonly number[],
  statuses: readonly PegStatus[],
): Promise<PegRow[]> {
  if (demandIds.length === 0) return [];
  const rows: PegRow[] = [];
  for (let start = 0; start < demandIds.length; start += CHUNK) {
    rows.push(
      ...(await tx
        .selectFrom('pegs')
        .selectAll()
        .where('demand_kind', '=', kind)
        .where('demand_id', 'in', demandIds.slice(start, start + CHUNK))
        .where('status', 'in', [...statuses])
        .orderBy('id')
        .execute()),
    );
  }
  return rows;
}

/** The waiting pegs served by supplies of one kind. */
export async function listWaitingPegsOfSupplies(
  tx: Tx,
  kind: Exclude<PegSupplyKind, 'stock'>,
  supplyIds: readonly number[],
): Promise<PegRow[]> {
  if (supplyIds.length === 0) return [];
  const rows: PegRow[] = [];
  for (let start = 0; start < supplyIds.length; start += CHUNK) {
    rows.push(
      ...(await tx
        .selectFrom('pegs')
        .selectAll()
        .where('supply_kind', '=', kind)
        .where('supply_id', 'in', supplyIds.slice(start, start + CHUNK))
        .where('status', '=', 'waiting')
        .orderBy('id')
        .execute()),
    );
  }
  return rows;
}

/** A waiting peg with the date its customer was promised (the line's), when it serves a customer order line. */
export type WaitingPegRow = PegRow & { promised_date: string | null };

/** The waiting pegs of one item × location. */
export async function listWaitingPegsAt(tx: Tx, itemId: number, locationId: number): Promise<WaitingPegRow[]> {
  return (await tx
    .selectFrom('pegs as p')
    .leftJoin('customer_order_lines as l', (join) =>
      join.onRef('l.id', '=', 'p.demand_id').on('p.demand_kind', '=', 'customer_order_line'),
    )
    .selectAll('p')
    .select('l.promised_date')
    .where('p.item_id', '=', itemId)
    .where('p.location_id', '=', locationId)
    .where('p.status', '=', 'waiting')
    .orderBy('p.id')
    .execute()) as WaitingPegRow[];
}

export async function insertOrderSupplies(
  tx: Tx,
  rows: Array<Insertable<Omit<OrderSupplyTable, 'id'>>>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    await tx
      .insertInto('order_supplies')
      .values(rows.slice(start, start + CHUNK))
      .execute();
  }
}

/** What confirmation created for an order; only what is still its own unless `all`. */
export async function listOrderSupplies(tx: Tx, orderId: number, all = false): Promise<OrderSupplyRow[]> {
  let select = tx.selectFrom('order_supplies').selectAll().where('customer_order_id', '=', orderId);
  if (!all) select = select.where('cancelled_at', 'is', null);
  return select.orderBy('id').execute();
}

export async function cancelOrderSupply(tx: Tx, id: number, now: number): Promise<void> {
  await tx.updateTable('order_supplies').set({ cancelled_at: now }).where('id', '=', id).execute();
}

/** A purchase order line as supply: its order's number, status and dates. */
export type PurchaseSupplyRow = {
  id: number;
  purchase_order_id: number;
  status: string;
  item_id: number;
  location_id: number;
  sku: string;
  location_code: string;
  quantity_milli: number;
  received_milli: number;
  lead_time_days: number | null;
  expected_date: string | null;
  promised_date: string | null;
  /** When its purchase order was sent (null while it is a draft). */
  sent_at: number | null;
  created_at: number;
};

function purchaseSupplies(tx: Tx) {
  return tx
    .selectFrom('purchase_order_lines as l')
    .innerJoin('purchase_orders as po', 'po.id', 'l.purchase_order_id')
    .innerJoin('items as i', 'i.id', 'l.item_id')
    .innerJoin('locations as loc', 'loc.id', 'l.location_id')
    .select([
      'l.id',
      'l.purchase_order_id',
      'po.status',
      'l.item_id',
      'l.location_id',
      'i.sku',
      'loc.code as location_code',
      'l.quantity_milli',
      'l.received_milli',
      'l.lead_time_days',
      'l.expected_date',
      'po.promised_date',
      'po.sent_at',
      'l.created_at',
    ]);
}

export async function findPurchaseSupplies(tx: Tx, lineIds: readonly number[]): Promise<PurchaseSupplyRow[]> {
  if (lineIds.length === 0) return [];
  const rows: PurchaseSupplyRow[] = [];
  for (let start = 0; start < lineIds.length; start += CHUNK) {
    rows.push(
      ...((await purchaseSupplies(tx)
        .where('l.id', 'in', lineIds.slice(start, start + CHUNK))
        .execute()) as PurchaseSupplyRow[]),
    );
  }
  return rows;
}

/** Lines of open purchase orders for items at one location. */
export async function listOpenPurchaseSupplies(
  tx: Tx,
  itemIds: readonly number[],
  locationId: number,
): Promise<PurchaseSupplyRow[]> {
  if (itemIds.length === 0) return [];
  const rows: PurchaseSupplyRow[] = [];
  for (let start = 0; start < itemIds.length; start += CHUNK) {
    rows.push(
      ...((await purchaseSupplies(tx)
        .where('l.item_id', 'in', itemIds.slice(start, start + CHUNK))
        .where('l.location_id', '=', locationId)
        .where('po.status', 'in', [...OPEN_PURCHASE_STATUSES])
        .execute()) as PurchaseSupplyRow[]),
    );
  }
  return rows;
}

/** Planned and released production orders of items at one location. */
export async function listOpenProductionOrders(
  tx: Tx,
  itemIds: readonly number[],
  locationId: number,
): Promise<ProductionOrderRow[]> {
  if (itemIds.length === 0) return [];
  const rows: ProductionOrderRow[] = [];
  for (let start = 0; start < itemIds.length; start += CHUNK) {
    rows.push(
      ...(await tx
        .selectFrom('production_orders')
        .selectAll()
        .where('item_id', 'in', itemIds.slice(start, start + CHUNK))
        .where('location_id', '=', locationId)
        .where('status', 'in', ['planned', 'released'])
        .execute()),
    );
  }
  return rows;
}

/** Σ waiting pegs per supply id of one kind. */
export async function sumWaitingPegsBySupply(
  tx: Tx,
  kind: Exclude<PegSupplyKind, 'stock'>,
  supplyIds: readonly number[],
): Promise<Map<number, number>> {
  const sums = new Map<number, number>();
  for (let start = 0; start < supplyIds.length; start += CHUNK) {
    const rows = await tx
      .selectFrom('pegs')
      .select(['supply_id', (eb) => eb.fn.sum<number | string>('quantity_milli').as('total')])
      .where('supply_kind', '=', kind)
      .where('supply_id', 'in', supplyIds.slice(start, start + CHUNK))
      .where('status', '=', 'waiting')
      .groupBy('supply_id')
      .execute();
    for (const row of rows) sums.set(Number(row.supply_id), Number(row.total));
  }
  return sums;
}

/** The time zone of each location's site (its own for a site), UTC when none is set. */
export async function siteTimeZones(tx: Tx, locationIds: readonly number[]): Promise<Map<number, string>> {
  const zones = new Map<number, string>();
  if (locationIds.length === 0) return zones;
  const rows = await tx
    .selectFrom('locations as l')
    .leftJoin('locations as site', 'site.id', 'l.site_id')
    .select(['l.id', 'l.time_zone as own', 'site.time_zone as site'])
    .where('l.id', 'in', [...new Set(locationIds)])
    .execute();
  for (const row of rows) zones.set(Number(row.id), row.site ?? row.own ?? 'UTC');
  return zones;
}

/** Codes of locations by id. */
export async function locationCodes(tx: Tx, locationIds: readonly number[]): Promise<Map<number, string>> {
  const codes = new Map<number, string>();
  if (locationIds.length === 0) return codes;
  const rows = await tx
    .selectFrom('locations')
    .select(['id', 'code'])
    .where('id', 'in', [...new Set(locationIds)])
    .execute();
  for (const row of rows) codes.set(Number(row.id), row.code);
  return codes;
}

/** Numbers of customer orders by id. */
export async function customerOrderNumbers(tx: Tx, ids: readonly number[]): Promise<Map<number, string>> {
  const numbers = new Map<number, string>();
  if (ids.length === 0) return numbers;
  const rows = await tx
    .selectFrom('customer_orders')
    .select(['id', 'number'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  for (const row of rows) numbers.set(Number(row.id), row.number);
  return numbers;
}

/** The production order (id and number) of each component id. */
export async function componentOrders(
  tx: Tx,
  componentIds: readonly number[],
): Promise<Map<number, { id: number; number: string }>> {
  const found = new Map<number, { id: number; number: string }>();
  for (let start = 0; start < componentIds.length; start += CHUNK) {
    const rows = await tx
      .selectFrom('production_order_components as c')
      .innerJoin('production_orders as mo', 'mo.id', 'c.production_order_id')
      .select(['c.id', 'mo.id as order_id', 'mo.number'])
      .where('c.id', 'in', componentIds.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) found.set(Number(row.id), { id: Number(row.order_id), number: row.number });
  }
  return found;
}

/**
 * Every item × location a customer order touches: its lines, its pegs and the supplies it created (purchase lines,
 * production orders and their components); the balances to lock before its pegs and supplies are read and changed.
 */
export async function pairsOfCustomerOrder(tx: Tx, orderId: number): Promise<Array<[number, number]>> {
  const lines = tx
    .selectFrom('customer_order_lines')
    .select(['item_id', 'location_id'])
    .where('customer_order_id', '=', orderId);
  const pegs = tx.selectFrom('pegs').select(['item_id', 'location_id']).where('customer_order_id', '=', orderId);
  const purchases = tx
    .selectFrom('order_supplies as s')
    .innerJoin('purchase_order_lines as l', 'l.id', 's.supply_id')
    .select(['l.item_id', 'l.location_id'])
    .where('s.customer_order_id', '=', orderId)
    .where('s.kind', '=', 'purchase_order_line');
  const productions = tx
    .selectFrom('order_supplies as s')
    .innerJoin('production_orders as mo', 'mo.id', 's.supply_id')
    .select(['mo.item_id', 'mo.location_id'])
    .where('s.customer_order_id', '=', orderId)
    .where('s.kind', '=', 'production_order');
  const components = tx
    .selectFrom('order_supplies as s')
    .innerJoin('production_order_components as c', 'c.production_order_id', 's.supply_id')
    .select(['c.item_id', 'c.location_id'])
    .where('s.customer_order_id', '=', orderId)
    .where('s.kind', '=', 'production_order');
  const rows = await lines.union(pegs).union(purchases).union(productions).union(components).execute();
  return rows.map((r) => [Number(r.item_id), Number(r.location_id)]);
}

/** Locks production orders on PostgreSQL until the transaction ends (SQLite's single writer needs no lock). */
export async function lockProductionOrders(tx: Tx, database: Database, ids: readonly number[]): Promise<void> {
  if (database.dialect !== 'postgres' || ids.length === 0) return;
  await tx
    .selectFrom('production_orders')
    .select('id')
    .where('id', 'in', [...ids])
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** The item × location pairs of production orders' components. */
export async function pairsOfProductionComponents(
  tx: Tx,
  orderIds: readonly number[],
): Promise<Array<[number, number]>> {
  if (orderIds.length === 0) return [];
  const rows = await tx
    .selectFrom('production_order_components')
    .select(['item_id', 'location_id'])
    .distinct()
    .where('production_order_id', 'in', [...orderIds])
    .execute();
  return rows.map((r) => [Number(r.item_id), Number(r.location_id)]);
}

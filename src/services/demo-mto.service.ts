import { sql } from 'kysely';
import type { DemoMakeToOrder } from '../demo/demo-mto.js';
import { localDateTimeToInstant, parseLocalDate } from '../domain/replenishment/local-time.js';
import type { Database } from '../store/database.js';
import type { CustomerOrderStatus, ProductionOrderStatus } from '../store/schema.js';
import type { ServiceContext } from './context.js';
import { createItem } from './item.service.js';
import { setPolicy } from './policy.service.js';
import { createBom } from './production/bom.service.js';
import { createCustomer } from './production/customer.service.js';
import {
  type CustomerOrderOutcome,
  createCustomerOrder,
  type OrderSupplyView,
  shipCustomerOrder,
} from './production/customer-order.service.js';
import {
  completeProductionOrder,
  getProductionOrder,
  releaseProductionOrder,
  reportProduction,
} from './production/production-order.service.js';
import {
  type PurchaseOrderView,
  receivePurchaseOrder,
  sendPurchaseOrder,
} from './purchasing/purchase-order.service.js';

export type DemoMakeToOrderReport = {
  /** Made items: finished products and subassemblies. */
  items: number;
  /** BOM versions. */
  boms: number;
  /** Make-to-order policies of the made items at the site. */
  policies: number;
  customers: number;
  /** Ledger rows the story posted: receipts of components, issues to and receipts from production, the shipment. */
  movements: number;
  customerOrdersByStatus: Record<CustomerOrderStatus, number>;
  productionOrdersByStatus: Record<ProductionOrderStatus, number>;
};

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Writes the make-to-order part of the demo through the product's own services, each call at the instant the plan
 * gives (`ctx.now` is the end of the demo, and nothing is written after it): the made items with their BOMs and
 * make-to-order policies at the site, the customers, then each order. A shipped order is confirmed, its purchase
 * orders sent and received on their expected dates, its production orders released, reported half way and completed
 * (subassemblies first), and the order shipped on its promised date; a confirmed one is confirmed (and one purchase
 * order sent when planned); a draft is only entered. So pegs, allocations, backorders and on order are exactly what
 * the product keeps.
 */
export async function writeDemoMakeToOrder(
  database: Database,
  plan: DemoMakeToOrder,
  ctx: ServiceContext,
): Promise<DemoMakeToOrderReport> {
  const at = (now: number): ServiceContext => {
    if (now > ctx.now) throw new Error(`the demo's make-to-order story runs past now (${new Date(now).toISOString()})`);
    return { actor: ctx.actor, now };
  };
  const movementsBefore = await countMovements(database);
  const setup = at(plan.setupAt);
  for (const item of plan.items) {
    await createItem(
      database,
      {
        sku: item.sku,
        name: item.name,
        unit: item.unit,
        category: item.category,
        unit_cost: item.unitCostMinor / 100,
        currency: 'EUR',
        criticality: item.criticality,
      },
      setup,
    );
  }
  for (const bom of plan.boms) {
    await createBom(
      database,
      {
        sku: bom.sku,
        ...(bom.validFrom !== null && { valid_from: bom.validFrom }),
        ...(bom.validTo !== null && { valid_to: bom.validTo }),
        lead_time_days: bom.leadTimeDays,
        note: bom.note,
        lines: bom.lines.map((line) => ({
          sku: line.sku,
          quantity_per: line.quantityPer,
          scrap_factor: line.scrapFactor,
        })),
      },
      setup,
    );
  }
  for (const item of plan.items) await setPolicy(database, item.sku, plan.site, { kind: 'make_to_order' }, setup);
  for (const customer of plan.customers) await createCustomer(database, customer, setup);

  const localAt = (date: string, hour: number) =>
    localDateTimeToInstant(parseLocalDate(date)!, hour * 60, plan.timeZone);
  for (const order of plan.orders) {
    const outcome = await createCustomerOrder(
      database,
      {
        customer: order.customer,
        requested_date: order.requestedDate,
        note: order.note,
        confirm: order.outcome !== 'draft',
        lines: order.lines.map((line) => ({ sku: line.sku, location: plan.site, quantity: line.quantity })),
      },
      at(order.placedAt),
    );
    if (order.outcome === 'confirmed' && order.sendPurchaseAt !== null) {
      const first = purchaseOrderIds(outcome.created)[0];
      if (first !== undefined) await sendPurchaseOrder(database, first, at(order.sendPurchaseAt));
    }
    if (order.outcome === 'shipped') await followThrough(database, order.placedAt, outcome, at, localAt);
  }

  return {
    items: plan.items.length,
    boms: plan.boms.length,
    policies: plan.items.length,
    customers: plan.customers.length,
    movements: (await countMovements(database)) - movementsBefore,
    customerOrdersByStatus: await countByStatus(database, 'customer_orders', {
      draft: 0,
      confirmed: 0,
      shipped: 0,
      cancelled: 0,
    }),
    productionOrdersByStatus: await countByStatus(database, 'production_orders', {
      planned: 0,
      released: 0,
      completed: 0,
      cancelled: 0,
    }),
  };
}

/**
 * Buys, makes and ships a confirmed order on the dates the product planned, in time order: sends its purchase orders
 * right after the confirmation and receives each at 09:00 on its expected date; releases each production order at
 * 07:00 on its release date, reports half of it at 16:00 (after the subassemblies due that day are done) and
 * completes it at 15:00 on its due date; ships the order at 16:00 on its promised date, or once the last one is done.
 */
async function followThrough(
  database: Database,
  placedAt: number,
  order: CustomerOrderOutcome,
  at: (now: number) => ServiceContext,
  localAt: (date: string, hour: number) => number,
): Promise<void> {
  const purchases: PurchaseOrderView[] = [];
  for (const [n, id] of purchaseOrderIds(order.created).entries()) {
    purchases.push(await sendPurchaseOrder(database, id, at(placedAt + (30 + n) * MINUTE_MS)));
  }
  const events: Array<{ time: number; run: (ctx: ServiceContext) => Promise<unknown> }> = [];
  for (const po of purchases) {
    const expected = po.lines
      .map((l) => l.expected_date!)
      .sort()
      .at(-1)!;
    const lines = po.lines.map((l) => ({ sku: l.sku, location: l.location, quantity: l.open_quantity }));
    events.push({ time: localAt(expected, 9), run: (ctx) => receivePurchaseOrder(database, po.id, { lines }, ctx) });
  }
  let lastDone = placedAt;
  for (const supply of order.created.filter((s) => s.kind === 'production_order')) {
    const mo = await getProductionOrder(database, supply.number);
    const done = localAt(mo.due_date, 15);
    lastDone = Math.max(lastDone, done);
    events.push({ time: localAt(mo.release_date, 7), run: (ctx) => releaseProductionOrder(database, mo.number, ctx) });
    const half = Math.floor(mo.quantity / 2);
    if (half >= 1 && mo.release_date < mo.due_date) {
      events.push({
        time: localAt(mo.release_date, 16),
        run: (ctx) => reportProduction(database, mo.number, { quantity: half }, ctx),
      });
    }
    events.push({ time: done, run: (ctx) => completeProductionOrder(database, mo.number, {}, ctx) });
  }
  const shipAt = Math.max(localAt(order.promised_date ?? order.requested_date!, 16), lastDone + HOUR_MS);
  events.push({ time: shipAt, run: (ctx) => shipCustomerOrder(database, order.number, {}, ctx) });

  // Stable: events at the same instant keep their order (a release before its own report and completion).
  events.sort((a, b) => a.time - b.time);
  let previous = placedAt + HOUR_MS;
  for (const event of events) {
    previous = Math.max(previous + MINUTE_MS, event.time);
    await event.run(at(previous));
  }
}

/** Ids of the purchase orders (PO-000123 is 123) behind the purchase lines a confirmation created, each once. */
function purchaseOrderIds(created: readonly OrderSupplyView[]): number[] {
  const ids = created.filter((s) => s.kind === 'purchase_order_line').map((s) => Number(s.number.slice(3)));
  return [...new Set(ids)];
}

async function countMovements(database: Database): Promise<number> {
  const row = await database.db.selectFrom('movements').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function countByStatus<S extends string>(
  database: Database,
  table: 'customer_orders' | 'production_orders',
  zero: Record<S, number>,
): Promise<Record<S, number>> {
  const rows = await database.db
    .selectFrom(table)
    .select(['status', sql<number>`count(*)`.as('n')])
    .groupBy('status')
    .execute();
  const counts = { ...zero };
  for (const row of rows) counts[row.status as S] = Number(row.n);
  return counts;
}

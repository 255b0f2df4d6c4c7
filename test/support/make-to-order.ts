import { expect } from 'vitest';
import { createItem } from '../../src/services/item.service.js';
import { postMovements } from '../../src/services/ledger.service.js';
import { createLocation } from '../../src/services/location.service.js';
import { setPolicy } from '../../src/services/policy.service.js';
import { createBom } from '../../src/services/production/bom.service.js';
import { createCustomer } from '../../src/services/production/customer.service.js';
import { createSupplier } from '../../src/services/supplier.service.js';
import { addSupplierItem } from '../../src/services/supplier-item.service.js';
import type { Database } from '../../src/store/database.js';

/** 2026-03-02 10:00 in Berlin, where the plant is: "today" of the make-to-order tests. */
export const MTO_NOW = Date.UTC(2026, 2, 2, 9, 0, 0);
export const mtoCtx = (now = MTO_NOW, idempotencyKey?: string) => ({
  actor: 'planner',
  now,
  ...(idempotencyKey !== undefined && { idempotencyKey }),
});

/**
 * A lamp made to order at MAIN from a shade (make-to-order, bought from BETA in packs of 4, 5 days) and two bulbs
 * (stocked lean: reorder point 20, target 60, bought from ACME in 3 days; 30 on hand). The lamp's BOM takes 2 days.
 * A desk (3 levels): DESK = 1 TOP + 4 LEG; TOP = 1 BOARD + 0.5 kg GLUE (made in 1 day); BOARD, LEG and GLUE bought.
 */
export type MakeToOrderWorld = {
  /** Appended to every SKU, customer and supplier code: several worlds share one database. */
  suffix: string;
  sku(role: string): string;
  customer(role: 'ROSSI' | 'BLOM'): string;
};

export async function seedMakeToOrder(
  database: Database,
  options: { suffix?: string; bulbStock?: number; now?: number } = {},
): Promise<MakeToOrderWorld> {
  const suffix = options.suffix ?? '';
  const world: MakeToOrderWorld = { suffix, sku: (role) => `${role}${suffix}`, customer: (role) => `${role}${suffix}` };
  const ctx = mtoCtx(options.now);
  const sku = world.sku;
  const items: Array<[string, string]> = [
    ['LAMP', 'pcs'],
    ['SHADE', 'pcs'],
    ['BULB', 'pcs'],
    ['DESK', 'pcs'],
    ['TOP', 'pcs'],
    ['LEG', 'pcs'],
    ['BOARD', 'pcs'],
    ['GLUE', 'kg'],
  ];
  for (const [role, unit] of items)
    await createItem(database, { sku: sku(role), name: `The ${role.toLowerCase()}`, unit }, ctx);
  const main = await database.db.selectFrom('locations').select('id').where('code', '=', 'MAIN').executeTakeFirst();
  if (!main) await createLocation(database, { code: 'MAIN', name: 'Main plant', time_zone: 'Europe/Berlin' }, ctx);
  await createCustomer(database, { code: world.customer('ROSSI'), name: 'Rossi Arredamenti' }, ctx);
  await createCustomer(database, { code: world.customer('BLOM'), name: 'Blom Interiors' }, ctx);
  const acme = `ACME${suffix}`;
  const beta = `BETA${suffix}`;
  await createSupplier(database, { code: acme, name: 'Acme', lead_time_days: 3 }, ctx);
  await createSupplier(database, { code: beta, name: 'Beta', lead_time_days: 5 }, ctx);
  await addSupplierItem(database, sku('BULB'), { supplier: acme, unit_price: 1.5 }, ctx);
  await addSupplierItem(database, sku('SHADE'), { supplier: beta, unit_price: 8, pack_size: 4 }, ctx);
  await addSupplierItem(database, sku('LEG'), { supplier: acme, unit_price: 3 }, ctx);
  await addSupplierItem(database, sku('BOARD'), { supplier: beta, unit_price: 20 }, ctx);
  await addSupplierItem(database, sku('GLUE'), { supplier: acme, unit_price: 4, lead_time_days: 2 }, ctx);
  await createBom(
    database,
    {
      sku: sku('LAMP'),
      lead_time_days: 2,
      lines: [
        { sku: sku('SHADE'), quantity_per: 1 },
        { sku: sku('BULB'), quantity_per: 2 },
      ],
    },
    ctx,
  );
  await createBom(
    database,
    {
      sku: sku('TOP'),
      lead_time_days: 1,
      lines: [
        { sku: sku('BOARD'), quantity_per: 1 },
        { sku: sku('GLUE'), quantity_per: 0.5, unit: 'kg' },
      ],
    },
    ctx,
  );
  await createBom(
    database,
    {
      sku: sku('DESK'),
      lead_time_days: 2,
      lines: [
        { sku: sku('TOP'), quantity_per: 1 },
        { sku: sku('LEG'), quantity_per: 4 },
      ],
    },
    ctx,
  );
  await postMovements(
    database,
    [{ type: 'receipt', sku: sku('BULB'), location: 'MAIN', quantity: options.bulbStock ?? 30 }],
    ctx,
  );
  await setPolicy(database, sku('BULB'), 'MAIN', { kind: 'reorder_point', reorder_point: 20, target: 60 }, ctx);
  for (const role of ['LAMP', 'SHADE', 'DESK', 'TOP', 'BOARD', 'LEG', 'GLUE']) {
    await setPolicy(database, sku(role), 'MAIN', { kind: 'make_to_order' }, ctx);
  }
  return world;
}

export type BalanceFigures = { on_hand: number; allocated: number; backordered: number; on_order: number };

/** Balance of a SKU at MAIN in milli-units (zeros when it has none). */
export async function balanceOf(database: Database, sku: string): Promise<BalanceFigures> {
  const row = await database.db
    .selectFrom('balances as b')
    .innerJoin('items as i', 'i.id', 'b.item_id')
    .select(['b.on_hand_milli', 'b.allocated_milli', 'b.backordered_milli', 'b.on_order_milli'])
    .where('i.sku', '=', sku)
    .executeTakeFirst();
  return {
    on_hand: Number(row?.on_hand_milli ?? 0),
    allocated: Number(row?.allocated_milli ?? 0),
    backordered: Number(row?.backordered_milli ?? 0),
    on_order: Number(row?.on_order_milli ?? 0),
  };
}

/**
 * The invariants of reservations, whatever happened: every balance's allocated is the sum of its allocated pegs and
 * never exceeds on hand, its backordered the sum of its waiting pegs; every line's and component's allocated and
 * backordered are the sums of their pegs; on order is open purchase lines plus open production.
 */
export async function expectReservationsConsistent(database: Database): Promise<void> {
  const db = database.db;
  const balances = await db.selectFrom('balances').selectAll().execute();
  const pegs = await db.selectFrom('pegs').selectAll().where('status', 'in', ['allocated', 'waiting']).execute();
  const sum = (filter: (p: (typeof pegs)[number]) => boolean) =>
    pegs.filter(filter).reduce((total, p) => total + Number(p.quantity_milli), 0);
  const lines = await db
    .selectFrom('purchase_order_lines as l')
    .innerJoin('purchase_orders as po', 'po.id', 'l.purchase_order_id')
    .select(['l.item_id', 'l.location_id', 'l.quantity_milli', 'l.received_milli', 'po.status'])
    .execute();
  const productions = await db.selectFrom('production_orders').selectAll().execute();
  for (const b of balances) {
    const at = (p: { item_id: number; location_id: number }) =>
      Number(p.item_id) === Number(b.item_id) && Number(p.location_id) === Number(b.location_id);
    const label = `item ${b.item_id} at ${b.location_id}`;
    expect(Number(b.allocated_milli), `${label}: allocated ≤ on hand`).toBeLessThanOrEqual(Number(b.on_hand_milli));
    expect(Number(b.allocated_milli), `${label}: allocated = Σ allocated pegs`).toBe(
      sum((p) => at(p) && p.status === 'allocated'),
    );
    expect(Number(b.backordered_milli), `${label}: backordered = Σ waiting pegs`).toBe(
      sum((p) => at(p) && p.status === 'waiting'),
    );
    const openLines = lines
      .filter((l) => at(l) && ['draft', 'sent', 'confirmed', 'partly_received'].includes(l.status))
      .reduce((total, l) => total + Math.max(0, Number(l.quantity_milli) - Number(l.received_milli)), 0);
    const openProduction = productions
      .filter((o) => at(o) && (o.status === 'planned' || o.status === 'released'))
      .reduce((total, o) => total + Number(o.quantity_milli) - Number(o.completed_milli) - Number(o.scrapped_milli), 0);
    expect(Number(b.on_order_milli), `${label}: on order = open lines + open production`).toBe(
      openLines + openProduction,
    );
  }
  const orderLines = await db.selectFrom('customer_order_lines').selectAll().execute();
  for (const line of orderLines) {
    const own = (p: (typeof pegs)[number]) =>
      p.demand_kind === 'customer_order_line' && Number(p.demand_id) === Number(line.id);
    expect(Number(line.allocated_milli), `line ${line.id} allocated`).toBe(
      sum((p) => own(p) && p.status === 'allocated'),
    );
    expect(Number(line.backordered_milli), `line ${line.id} backordered`).toBe(
      sum((p) => own(p) && p.status === 'waiting'),
    );
  }
  const components = await db.selectFrom('production_order_components').selectAll().execute();
  for (const c of components) {
    const own = (p: (typeof pegs)[number]) =>
      p.demand_kind === 'production_component' && Number(p.demand_id) === Number(c.id);
    expect(Number(c.allocated_milli), `component ${c.id} allocated`).toBe(
      sum((p) => own(p) && p.status === 'allocated'),
    );
    expect(Number(c.backordered_milli), `component ${c.id} backordered`).toBe(
      sum((p) => own(p) && p.status === 'waiting'),
    );
  }
}

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import {
  balanceOf,
  expectReservationsConsistent,
  MTO_NOW,
  mtoCtx,
  seedMakeToOrder,
} from '../../../test/support/make-to-order.js';
import type { Database } from '../../store/database.js';
import { receivePurchaseOrder, sendPurchaseOrder } from '../purchasing/purchase-order.service.js';
import {
  cancelCustomerOrder,
  changeCustomerOrder,
  confirmCustomerOrder,
  createCustomerOrder,
  getCustomerOrder,
  listCustomerOrders,
  shipCustomerOrder,
} from './customer-order.service.js';
import { checkLateRisk } from './late-risk.js';
import { completeProductionOrder, getProductionOrder, releaseProductionOrder } from './production-order.service.js';

const DAY = 86_400_000;

async function purchaseLines(database: Database) {
  return database.db
    .selectFrom('purchase_order_lines as l')
    .innerJoin('items as i', 'i.id', 'l.item_id')
    .innerJoin('purchase_orders as po', 'po.id', 'l.purchase_order_id')
    .select(['l.id', 'l.purchase_order_id', 'i.sku', 'l.quantity_milli', 'l.origin', 'po.status'])
    .orderBy('l.id')
    .execute();
}

/** Rows of every table a customer order write touches, to show that a refused write changed nothing. */
async function snapshot(database: Database) {
  const db = database.db;
  return {
    orders: await db.selectFrom('customer_orders').selectAll().orderBy('id').execute(),
    lines: await db.selectFrom('customer_order_lines').selectAll().orderBy('id').execute(),
    pegs: await db.selectFrom('pegs').selectAll().orderBy('id').execute(),
    supplies: await db.selectFrom('order_supplies').selectAll().orderBy('id').execute(),
    productions: await db.selectFrom('production_orders').selectAll().orderBy('id').execute(),
    purchaseLines: await db.selectFrom('purchase_order_lines').selectAll().orderBy('id').execute(),
    balances: await db.selectFrom('balances').selectAll().orderBy('item_id').execute(),
    movements: await db.selectFrom('movements').selectAll().orderBy('id').execute(),
  };
}

const lampOrder = (quantity: number, requested = '2026-03-20') => ({
  customer: 'ROSSI',
  requested_date: requested,
  lines: [{ sku: 'LAMP', location: 'MAIN', quantity }],
});

describeEachDialect('Customer orders', ({ database }) => {
  /*
   * A two-level make-to-order example in the MRP record's terms (Heizer & Render, Operations Management, ch. 14):
   * 10 LAMP due 2026-03-20, today 2026-03-02. LAMP is made (lead time 2 days): a planned order of 10 released
   * 03-18, due 03-20. Its components are needed on the release date, 03-18: BULB 2 × 10 = 20 and SHADE 1 × 10 = 10.
   * BULB is stocked with 30 on hand: 20 are allocated (position 30 − 20 = 10 ≤ s = 20, so the reorder point orders
   * S − 10 = 50 from ACME). SHADE is make-to-order: a purchase of 10 released 03-13 (5 days), due 03-18, rounded to
   * packs of 4 on the line: 12. Promise (forward pass): SHADE ready 03-18, + 2 days to build = 03-20.
   */
  it('confirms a two-level order: a production order, a purchase line, an allocation and the promised date', async () => {
    await seedMakeToOrder(database());
    const confirmed = await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx());
    expect(confirmed).toMatchObject({
      number: 'SO-000001',
      customer: 'ROSSI',
      status: 'confirmed',
      requested_date: '2026-03-20',
      promised_date: '2026-03-20',
      late_risk: false,
      lines: [{ line_no: 1, sku: 'LAMP', quantity: 10, promised_date: '2026-03-20', allocated: 0, backordered: 10 }],
    });
    expect(confirmed.created).toEqual([
      expect.objectContaining({
        kind: 'production_order',
        number: 'MO-000001',
        sku: 'LAMP',
        quantity: 10,
        release_date: '2026-03-18',
        due_date: '2026-03-20',
        status: 'planned',
      }),
      expect.objectContaining({ kind: 'purchase_order_line', sku: 'SHADE', quantity: 12, status: 'draft' }),
    ]);
    const mo = await getProductionOrder(database(), 'MO-000001');
    expect(mo).toMatchObject({ customer_order: 'SO-000001', open_quantity: 10, bom_version: 1 });
    expect(mo.components).toEqual([
      expect.objectContaining({ sku: 'SHADE', required: 10, allocated: 0, backordered: 10 }),
      expect.objectContaining({ sku: 'BULB', required: 20, allocated: 20, backordered: 0 }),
    ]);
    expect(await balanceOf(database(), 'BULB')).toEqual({
      on_hand: 30_000,
      allocated: 20_000,
      backordered: 0,
      on_order: 50_000,
    });
    expect(await balanceOf(database(), 'SHADE')).toMatchObject({ backordered: 10_000, on_order: 12_000 });
    expect(await balanceOf(database(), 'LAMP')).toMatchObject({ backordered: 10_000, on_order: 10_000 });
    expect((await purchaseLines(database())).map((l) => [l.sku, Number(l.quantity_milli), l.origin])).toEqual([
      ['SHADE', 12_000, 'make_to_order'],
      ['BULB', 50_000, 'reorder_point'],
    ]);
    expect(confirmed.triggered).toEqual([expect.objectContaining({ kind: 'order_line', sku: 'BULB', quantity: 50 })]);
    const view = await getCustomerOrder(database(), 'SO-000001');
    expect(view.pegging).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 0,
          sku: 'LAMP',
          quantity: 10,
          demand: { kind: 'customer_order_line', ref: 'SO-000001/1' },
          supply: { kind: 'production_order', ref: 'MO-000001', date: '2026-03-20' },
          status: 'waiting',
        }),
        expect.objectContaining({
          level: 1,
          sku: 'BULB',
          quantity: 20,
          demand: { kind: 'production_component', ref: 'MO-000001' },
          supply: { kind: 'stock', ref: null, date: '2026-03-02' },
          status: 'allocated',
        }),
        expect.objectContaining({
          level: 1,
          sku: 'SHADE',
          quantity: 10,
          need_date: '2026-03-18',
          supply: expect.objectContaining({ kind: 'purchase_order_line', date: '2026-03-18' }),
          status: 'waiting',
        }),
      ]),
    );
    await expectReservationsConsistent(database());
  });

  it('runs the order end to end: components received, production completed, the order shipped', async () => {
    await seedMakeToOrder(database());
    await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx());
    const shadeLine = (await purchaseLines(database())).find((l) => l.sku === 'SHADE')!;
    const later = MTO_NOW + DAY;
    await sendPurchaseOrder(database(), Number(shadeLine.purchase_order_id), mtoCtx(later));
    await receivePurchaseOrder(
      database(),
      Number(shadeLine.purchase_order_id),
      { lines: [{ sku: 'SHADE', location: 'MAIN', quantity: 12 }] },
      mtoCtx(later),
    );
    // 12 arrived: the 10 the production order waits for are allocated, 2 are free.
    expect(await balanceOf(database(), 'SHADE')).toEqual({
      on_hand: 12_000,
      allocated: 10_000,
      backordered: 0,
      on_order: 0,
    });
    expect((await getProductionOrder(database(), 'MO-000001')).components[0]).toMatchObject({
      sku: 'SHADE',
      allocated: 10,
      backordered: 0,
    });
    await expectReservationsConsistent(database());

    const released = await releaseProductionOrder(database(), 'MO-000001', mtoCtx(later));
    expect(released.status).toBe('released');
    const completed = await completeProductionOrder(database(), 'MO-000001', {}, mtoCtx(later));
    expect(completed).toMatchObject({ status: 'completed', completed: 10, open_quantity: 0 });
    expect(completed.movements.map((m) => [m.type, m.sku, m.on_hand_change])).toEqual([
      ['issue', 'SHADE', -10],
      ['issue', 'BULB', -20],
      ['receipt', 'LAMP', 10],
    ]);
    expect((await getCustomerOrder(database(), 'SO-000001')).lines[0]).toMatchObject({ allocated: 10, backordered: 0 });
    await expectReservationsConsistent(database());

    const shipped = await shipCustomerOrder(database(), 'SO-000001', undefined, mtoCtx(later));
    expect(shipped.status).toBe('shipped');
    expect(shipped.lines[0]).toMatchObject({ shipped: 10, allocated: 0 });
    expect(shipped.movements.map((m) => [m.type, m.sku, m.on_hand_change, m.reference])).toEqual([
      ['sale', 'LAMP', -10, 'SO-000001'],
    ]);
    expect(await balanceOf(database(), 'LAMP')).toEqual({ on_hand: 0, allocated: 0, backordered: 0, on_order: 0 });
    expect(await balanceOf(database(), 'BULB')).toEqual({
      on_hand: 10_000,
      allocated: 0,
      backordered: 0,
      on_order: 50_000,
    });
    expect(await balanceOf(database(), 'SHADE')).toEqual({ on_hand: 2_000, allocated: 0, backordered: 0, on_order: 0 });
    expect((await getCustomerOrder(database(), 'SO-000001')).pegging.every((p) => p.status === 'consumed')).toBe(true);
    await expectReservationsConsistent(database());
  });
});

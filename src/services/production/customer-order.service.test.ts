import { sql } from 'kysely';
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

  /*
   * Three levels, asked too early (CTP): 5 DESK wanted 2026-03-08, today 03-02. DESK (2 days) releases 03-06; TOP
   * (1 day) is needed then and releases 03-05; BOARD (5 days) is needed 03-05 and would release 02-28, before today:
   * it releases today and comes 03-07. GLUE (2 days) comes 03-05, LEG (3 days) 03-06. Forward: TOP is ready
   * max(03-06, 03-07 + 1) = 03-08, DESK max(03-08, 03-08 + 2) = 03-10: the promise is two days after the request.
   */
  it('promises a three-level order when its slowest component allows, later than requested', async () => {
    await seedMakeToOrder(database());
    const confirmed = await createCustomerOrder(
      database(),
      {
        customer: 'BLOM',
        requested_date: '2026-03-08',
        confirm: true,
        lines: [{ sku: 'DESK', location: 'MAIN', quantity: 5 }],
      },
      mtoCtx(),
    );
    expect(confirmed.promised_date).toBe('2026-03-10');
    expect(confirmed.created.map((s) => [s.kind, s.sku, s.quantity, s.release_date, s.due_date])).toEqual([
      ['production_order', 'DESK', 5, '2026-03-06', '2026-03-08'],
      ['production_order', 'TOP', 5, '2026-03-05', '2026-03-06'],
      // Draft purchase lines: due when their pegs count on them, released that less the lead time (BOARD today).
      ['purchase_order_line', 'LEG', 20, '2026-03-03', '2026-03-06'],
      ['purchase_order_line', 'BOARD', 5, '2026-03-02', '2026-03-07'],
      ['purchase_order_line', 'GLUE', 2.5, '2026-03-03', '2026-03-05'],
    ]);
    expect((await getProductionOrder(database(), 'MO-000001')).components).toEqual([
      expect.objectContaining({ sku: 'TOP', required: 5, backordered: 5 }),
      expect.objectContaining({ sku: 'LEG', required: 20, backordered: 20 }),
    ]);
    const pegs = (await getCustomerOrder(database(), 'SO-000001')).pegging;
    expect(pegs.map((p) => [p.level, p.sku, p.quantity, p.unit, p.need_date, p.supply.kind, p.supply.date])).toEqual([
      [0, 'DESK', 5, 'pcs', '2026-03-08', 'production_order', '2026-03-08'],
      [1, 'TOP', 5, 'pcs', '2026-03-06', 'production_order', '2026-03-06'],
      [1, 'LEG', 20, 'pcs', '2026-03-06', 'purchase_order_line', '2026-03-06'],
      [2, 'BOARD', 5, 'pcs', '2026-03-05', 'purchase_order_line', '2026-03-07'],
      [2, 'GLUE', 2.5, 'kg', '2026-03-05', 'purchase_order_line', '2026-03-05'],
    ]);
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

  it('changes a confirmed order by taking back what it created and exploding again; changing back restores it', async () => {
    await seedMakeToOrder(database());
    await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx());
    const afterConfirm = {
      lamp: await balanceOf(database(), 'LAMP'),
      shade: await balanceOf(database(), 'SHADE'),
      bulb: await balanceOf(database(), 'BULB'),
    };
    const changed = await changeCustomerOrder(
      database(),
      'SO-000001',
      { lines: [{ line_no: 1, quantity: 14 }] },
      mtoCtx(MTO_NOW + 1000),
    );
    // MO-000001 (planned) is cancelled and the 12 SHADE it added leave the draft line (deleted at 0); 14 LAMP need
    // MO-000002 of 14, 28 BULB from stock and 14 SHADE, 16 in packs of 4.
    expect(changed.withdrawn.map((s) => [s.number, s.sku, s.quantity, s.status])).toEqual([
      ['MO-000001', 'LAMP', 10, 'cancelled'],
      ['PO-000001', 'SHADE', 12, 'removed'],
    ]);
    expect(changed.created.map((s) => [s.number, s.sku, s.quantity])).toEqual([
      ['MO-000002', 'LAMP', 14],
      ['PO-000001', 'SHADE', 16],
    ]);
    expect(changed.lines[0]).toMatchObject({ quantity: 14, backordered: 14 });
    // The removed line still shows with its item, location and purchase order, from what was recorded with it.
    expect(changed.supplies.filter((s) => s.cancelled)).toEqual([
      expect.objectContaining({ number: 'MO-000001', sku: 'LAMP', location: 'MAIN', status: 'cancelled' }),
      expect.objectContaining({ number: 'PO-000001', sku: 'SHADE', location: 'MAIN', quantity: 12, status: 'removed' }),
    ]);
    const recorded = await database()
      .db.selectFrom('order_supplies')
      .select(['kind', 'item_id', 'location_id', 'purchase_order_id'])
      .orderBy('id')
      .execute();
    expect(recorded.map((r) => [r.kind, r.purchase_order_id === null ? null : Number(r.purchase_order_id)])).toEqual([
      ['production_order', null],
      ['purchase_order_line', 1],
      ['production_order', null],
      ['purchase_order_line', 1],
    ]);
    expect(await balanceOf(database(), 'BULB')).toMatchObject({ allocated: 28_000, on_order: 50_000 });
    expect(await balanceOf(database(), 'SHADE')).toMatchObject({ backordered: 14_000, on_order: 16_000 });
    await expectReservationsConsistent(database());

    await changeCustomerOrder(
      database(),
      'SO-000001',
      { lines: [{ line_no: 1, quantity: 10 }] },
      mtoCtx(MTO_NOW + 2000),
    );
    expect({
      lamp: await balanceOf(database(), 'LAMP'),
      shade: await balanceOf(database(), 'SHADE'),
      bulb: await balanceOf(database(), 'BULB'),
    }).toEqual(afterConfirm);
    const open = await database()
      .db.selectFrom('production_orders')
      .select(['number', 'quantity_milli'])
      .where('status', '=', 'planned')
      .execute();
    expect(open.map((o) => [o.number, Number(o.quantity_milli)])).toEqual([['MO-000003', 10_000]]);
    expect((await purchaseLines(database())).map((l) => [l.sku, Number(l.quantity_milli)])).toEqual([
      ['BULB', 50_000],
      ['SHADE', 12_000],
    ]);
    await expectReservationsConsistent(database());
  });

  it('shows a purchase line added to by several lines once, with the quantities summed', async () => {
    await seedMakeToOrder(database());
    const order = await createCustomerOrder(
      database(),
      {
        customer: 'ROSSI',
        confirm: true,
        lines: [
          { sku: 'LAMP', location: 'MAIN', quantity: 4, requested_date: '2026-03-20' },
          { sku: 'LAMP', location: 'MAIN', quantity: 8, requested_date: '2026-03-25' },
        ],
      },
      mtoCtx(),
    );
    // Each line has its own production order; both add their shades to the one draft line.
    const recorded = await database()
      .db.selectFrom('order_supplies')
      .select(['kind', 'supply_id'])
      .where('kind', '=', 'purchase_order_line')
      .execute();
    const shadeLine = (await purchaseLines(database())).find((l) => l.sku === 'SHADE')!;
    expect(recorded.filter((r) => Number(r.supply_id) === Number(shadeLine.id))).toHaveLength(2);
    const shades = order.supplies.filter((s) => s.sku === 'SHADE');
    expect(shades.map((s) => [s.number, s.quantity])).toEqual([['PO-000001', 12]]);
    expect(Number(shadeLine.quantity_milli)).toBe(12_000);
    expect(order.created.filter((s) => s.sku === 'SHADE')).toHaveLength(1);
    expect(order.supplies.filter((s) => s.sku === 'LAMP')).toHaveLength(2);

    const cancelled = await cancelCustomerOrder(database(), 'SO-000001', {}, mtoCtx());
    expect(cancelled.withdrawn.filter((s) => s.sku === 'SHADE').map((s) => s.quantity)).toEqual([12]);
    expect(cancelled.supplies.filter((s) => s.sku === 'SHADE').map((s) => [s.quantity, s.status])).toEqual([
      [12, 'removed'],
    ]);
    // Both additions are taken back: the line is gone, nothing of it stays on order.
    expect((await purchaseLines(database())).filter((l) => l.sku === 'SHADE')).toEqual([]);
    expect(await balanceOf(database(), 'SHADE')).toMatchObject({ on_order: 0, backordered: 0 });
    await expectReservationsConsistent(database());
  });

  it('cancelling returns every quantity: balances and draft lines as they were before the order', async () => {
    await seedMakeToOrder(database());
    const before = await snapshot(database());
    // 3 lamps take 6 bulbs: position 30 − 6 = 24 stays above the reorder point, so nothing else is ordered.
    await createCustomerOrder(database(), { ...lampOrder(3), confirm: true }, mtoCtx());
    expect(await balanceOf(database(), 'BULB')).toMatchObject({ allocated: 6_000 });
    const cancelled = await cancelCustomerOrder(
      database(),
      'SO-000001',
      { reason: 'customer changed plans' },
      mtoCtx(),
    );
    expect(cancelled).toMatchObject({ status: 'cancelled', cancel_reason: 'customer changed plans', notes: [] });
    expect(cancelled.withdrawn.map((s) => [s.number, s.quantity])).toEqual([
      ['MO-000001', 3],
      ['PO-000001', 4],
    ]);
    const after = await snapshot(database());
    // Balances the order created hold nothing; the others are as before.
    const held = (rows: typeof before.balances) =>
      rows
        .map(({ updated_at: _u, ...b }) => b)
        .filter(
          (b) =>
            b.on_hand_milli !== 0 || b.allocated_milli !== 0 || b.backordered_milli !== 0 || b.on_order_milli !== 0,
        );
    expect(held(after.balances)).toEqual(held(before.balances));
    expect(after.purchaseLines).toEqual(before.purchaseLines);
    expect(after.pegs.every((p) => p.status === 'cancelled')).toBe(true);
    expect(after.productions.map((o) => o.status)).toEqual(['cancelled']);
    await expectReservationsConsistent(database());
  });

  it('leaves a sent purchase line and a released production order as free supply, and says so', async () => {
    await seedMakeToOrder(database());
    await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx());
    const shadeLine = (await purchaseLines(database())).find((l) => l.sku === 'SHADE')!;
    await sendPurchaseOrder(database(), Number(shadeLine.purchase_order_id), mtoCtx());
    await releaseProductionOrder(database(), 'MO-000001', mtoCtx());
    const cancelled = await cancelCustomerOrder(database(), 'SO-000001', {}, mtoCtx());
    expect(cancelled.withdrawn).toEqual([]);
    expect(cancelled.notes).toEqual([
      'MO-000001 (LAMP) is released: it stays as free supply',
      'PO-000001 is sent: 12 SHADE stays as free open supply',
    ]);
    // The released order keeps its components: 20 BULB allocated, 10 SHADE waiting for the sent line.
    expect(await getProductionOrder(database(), 'MO-000001')).toMatchObject({
      customer_order: null,
      status: 'released',
      components: [
        expect.objectContaining({ sku: 'SHADE', backordered: 10 }),
        expect.objectContaining({ sku: 'BULB', allocated: 20 }),
      ],
    });
    expect(await balanceOf(database(), 'LAMP')).toEqual({ on_hand: 0, allocated: 0, backordered: 0, on_order: 10_000 });
    await expectReservationsConsistent(database());

    // A new order for 10 lamps is served by the free production order: nothing new is made or bought.
    const next = await createCustomerOrder(
      database(),
      {
        customer: 'BLOM',
        requested_date: '2026-03-25',
        confirm: true,
        lines: [{ sku: 'LAMP', location: 'MAIN', quantity: 10 }],
      },
      mtoCtx(),
    );
    expect(next.created).toEqual([]);
    expect(next.pegging).toEqual([
      expect.objectContaining({
        sku: 'LAMP',
        supply: { kind: 'production_order', ref: 'MO-000001', date: '2026-03-20' },
      }),
    ]);
    expect(next.promised_date).toBe('2026-03-25');
    await expectReservationsConsistent(database());
  });

  it('fills backorders in order of promise: goods that arrive early go to the earlier promise, the supplies swap', async () => {
    await seedMakeToOrder(database());
    const order = (customer: string, requested: string) => ({
      customer,
      requested_date: requested,
      confirm: true,
      lines: [{ sku: 'SHADE', location: 'MAIN', quantity: 4 }],
    });
    await createCustomerOrder(database(), order('ROSSI', '2026-03-30'), mtoCtx());
    await sendPurchaseOrder(database(), 1, mtoCtx());
    const second = await createCustomerOrder(database(), order('BLOM', '2026-03-10'), mtoCtx());
    expect(second.created.map((s) => [s.number, s.quantity])).toEqual([['PO-000002', 4]]);
    expect(second.promised_date).toBe('2026-03-10');
    await receivePurchaseOrder(database(), 1, { lines: [{ sku: 'SHADE', location: 'MAIN', quantity: 4 }] }, mtoCtx());
    const first = await getCustomerOrder(database(), 'SO-000001');
    expect((await getCustomerOrder(database(), 'SO-000002')).lines[0]).toMatchObject({ allocated: 4, backordered: 0 });
    expect(first.lines[0]).toMatchObject({ allocated: 0, backordered: 4 });
    expect(first.pegging).toEqual([
      expect.objectContaining({ status: 'waiting', supply: expect.objectContaining({ ref: 'PO-000002' }) }),
    ]);
    await expectReservationsConsistent(database());
  });

  /*
   * 30 BULB on hand. SO-1 takes all 30 (the reorder point then drafts 60 on PO-000001); SO-2 (10, wanted 03-25) and
   * SO-3 (10, wanted 03-21) wait on that line. SO-1 down to 20 releases 10: the earlier promise, SO-3, gets them.
   * SO-1 cancelled releases 20: SO-2 gets 10. Neither waits on the purchase line any more.
   */
  it('hands stock a reduced or cancelled order releases to other orders waiting for it, in order of promise', async () => {
    await seedMakeToOrder(database());
    const bulbs = (quantity: number, requested: string) => ({
      customer: 'BLOM',
      requested_date: requested,
      confirm: true,
      lines: [{ sku: 'BULB', location: 'MAIN', quantity }],
    });
    await createCustomerOrder(database(), bulbs(30, '2026-03-20'), mtoCtx());
    await createCustomerOrder(database(), bulbs(10, '2026-03-25'), mtoCtx());
    await createCustomerOrder(database(), bulbs(10, '2026-03-21'), mtoCtx());
    const line = async (number: string) => (await getCustomerOrder(database(), number)).lines[0]!;
    expect(await line('SO-000002')).toMatchObject({ allocated: 0, backordered: 10 });
    expect(await line('SO-000003')).toMatchObject({ allocated: 0, backordered: 10 });
    expect((await getCustomerOrder(database(), 'SO-000003')).pegging).toEqual([
      expect.objectContaining({ status: 'waiting', supply: expect.objectContaining({ ref: 'PO-000001' }) }),
    ]);

    await changeCustomerOrder(database(), 'SO-000001', { lines: [{ line_no: 1, quantity: 20 }] }, mtoCtx());
    expect(await line('SO-000001')).toMatchObject({ allocated: 20, backordered: 0 });
    expect(await line('SO-000003')).toMatchObject({ allocated: 10, backordered: 0 });
    expect(await line('SO-000002')).toMatchObject({ allocated: 0, backordered: 10 });
    await expectReservationsConsistent(database());

    await cancelCustomerOrder(database(), 'SO-000001', { reason: 'lost' }, mtoCtx());
    expect(await line('SO-000002')).toMatchObject({ allocated: 10, backordered: 0 });
    expect(await balanceOf(database(), 'BULB')).toMatchObject({ on_hand: 30_000, allocated: 20_000, backordered: 0 });
    const waiting = await database()
      .db.selectFrom('pegs')
      .select('id')
      .where('status', '=', 'waiting')
      .where('supply_kind', '=', 'purchase_order_line')
      .execute();
    expect(waiting).toEqual([]);
    expect((await getCustomerOrder(database(), 'SO-000002')).late_risk).toBe(false);
    await expectReservationsConsistent(database());
  });

  it('writes customer and production order events in the transaction of the change they report', async () => {
    await seedMakeToOrder(database());
    const events = async () =>
      (
        await database()
          .db.selectFrom('outbox_events')
          .select(['type', 'subject', 'payload', 'created_at'])
          .where((eb) => eb.or([eb('type', 'like', 'customer_order.%'), eb('type', 'like', 'production_order.%')]))
          .orderBy('id')
          .execute()
      ).map((e) => ({
        type: e.type,
        subject: e.subject,
        data: typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload,
        at: Number(e.created_at),
      }));
    const later = MTO_NOW + DAY;
    await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx());
    await changeCustomerOrder(database(), 'SO-000001', { lines: [{ line_no: 1, quantity: 8 }] }, mtoCtx(later));
    await createCustomerOrder(database(), { ...lampOrder(2), confirm: true }, mtoCtx());
    await cancelCustomerOrder(database(), 'SO-000002', { reason: 'duplicate' }, mtoCtx());
    const shadeLine = (await purchaseLines(database())).find((l) => l.sku === 'SHADE')!;
    const { confirmPurchaseOrder } = await import('../purchasing/purchase-order.service.js');
    await sendPurchaseOrder(database(), Number(shadeLine.purchase_order_id), mtoCtx(later));
    await confirmPurchaseOrder(
      database(),
      Number(shadeLine.purchase_order_id),
      { promised_date: '2026-03-25' },
      mtoCtx(later),
    );
    await confirmPurchaseOrder(
      database(),
      Number(shadeLine.purchase_order_id),
      { promised_date: '2026-03-26' },
      mtoCtx(later),
    );
    await receivePurchaseOrder(
      database(),
      Number(shadeLine.purchase_order_id),
      { lines: [{ sku: 'SHADE', location: 'MAIN', quantity: 8 }] },
      mtoCtx(later),
    );
    const mo = (await getCustomerOrder(database(), 'SO-000001')).supplies.find(
      (s) => s.sku === 'LAMP' && !s.cancelled,
    )!;
    await releaseProductionOrder(database(), mo.number, mtoCtx(later));
    await completeProductionOrder(database(), mo.number, {}, mtoCtx(later));
    await shipCustomerOrder(database(), 'SO-000001', undefined, mtoCtx(later));

    expect((await events()).map((e) => [e.type, e.subject])).toEqual([
      ['customer_order.confirmed', 'SO-000001'],
      ['customer_order.changed', 'SO-000001'],
      ['customer_order.confirmed', 'SO-000002'],
      ['customer_order.cancelled', 'SO-000002'],
      // Flagged once: the second, later promise keeps the flag on without a new event.
      ['customer_order.late_risk', 'SO-000001'],
      ['production_order.released', mo.number],
      ['production_order.completed', mo.number],
      ['customer_order.shipped', 'SO-000001'],
    ]);
    const [confirmed, changed, , cancelled, risk, released, completed, shipped] = await events();
    expect(confirmed).toMatchObject({
      at: MTO_NOW,
      data: { number: 'SO-000001', customer: 'ROSSI', promised_date: '2026-03-20' },
    });
    expect(changed).toMatchObject({ at: later, data: { lines: [{ line_no: 1, sku: 'LAMP', quantity: 8 }] } });
    expect(cancelled!.data).toMatchObject({ number: 'SO-000002', reason: 'duplicate' });
    expect(risk!.data).toMatchObject({
      number: 'SO-000001',
      customer: 'ROSSI',
      note: expect.stringContaining('SHADE'),
    });
    expect(released!.data).toMatchObject({ number: mo.number, sku: 'LAMP', location: 'MAIN', quantity: 8 });
    expect(completed!.data).toMatchObject({ completed: 8, scrapped: 0, customer_order: 'SO-000001' });
    expect(shipped!.data).toMatchObject({
      complete: true,
      lines: [{ line_no: 1, sku: 'LAMP', location: 'MAIN', quantity: 8 }],
    });

    // The event is part of the write: when it cannot be written, the confirmation does not happen either.
    await createCustomerOrder(database(), lampOrder(3), mtoCtx());
    const before = await snapshot(database());
    if (database().dialect === 'sqlite') {
      await sql`CREATE TRIGGER refuse_event BEFORE INSERT ON outbox_events WHEN NEW.type = 'customer_order.confirmed'
        BEGIN SELECT RAISE(ABORT, 'refused'); END`.execute(database().db);
    } else {
      await sql`CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.type = 'customer_order.confirmed' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`.execute(
        database().db,
      );
      await sql`CREATE TRIGGER refuse_event BEFORE INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION refuse_event()`.execute(
        database().db,
      );
    }
    await expect(confirmCustomerOrder(database(), 'SO-000003', mtoCtx())).rejects.toThrow(/refused/);
    expect(await snapshot(database())).toEqual(before);
  });

  it('flags late risk when a pegged supply slips past the date the promise counted on, naming it', async () => {
    await seedMakeToOrder(database());
    await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx());
    const { confirmPurchaseOrder } = await import('../purchasing/purchase-order.service.js');
    // Sent on 03-04: the line was released that day; its due date is the expected date until the supplier promises.
    await sendPurchaseOrder(database(), 1, mtoCtx(MTO_NOW + 2 * DAY));
    const sent = await getCustomerOrder(database(), 'SO-000001');
    expect(sent.late_risk).toBe(false);
    const shades = () => sent.supplies.find((s) => s.sku === 'SHADE');
    expect(shades()).toMatchObject({ status: 'sent', release_date: '2026-03-04' });
    expect(shades()!.due_date).toMatch(/^2026-03-\d\d$/);
    // The supplier confirms 03-24 for the shades the production order needs on 03-18: the confirmation flags it.
    await confirmPurchaseOrder(database(), 1, { promised_date: '2026-03-24' }, mtoCtx());
    expect(await getCustomerOrder(database(), 'SO-000001')).toMatchObject({
      late_risk: true,
      late_risk_note: 'PO-000001 (SHADE) now due 2026-03-24, counted on 2026-03-18, needed 2026-03-18',
      supplies: expect.arrayContaining([
        expect.objectContaining({ sku: 'SHADE', release_date: '2026-03-04', due_date: '2026-03-24' }),
      ]),
    });
    const report = await checkLateRisk(database(), mtoCtx());
    expect(report).toEqual({
      checked: 1,
      at_risk: [
        {
          number: 'SO-000001',
          note: 'PO-000001 (SHADE) now due 2026-03-24, counted on 2026-03-18, needed 2026-03-18',
        },
      ],
      cleared: [],
    });
    expect(await listCustomerOrders(database(), { late_risk: true })).toMatchObject({
      data: [{ number: 'SO-000001', late_risk: true }],
    });
    await database()
      .db.updateTable('purchase_orders')
      .set({ promised_date: '2026-03-18' })
      .where('id', '=', 1)
      .execute();
    expect(await checkLateRisk(database(), mtoCtx())).toMatchObject({ at_risk: [], cleared: ['SO-000001'] });
  });

  it('flags the orders waiting on a purchase order that is cancelled', async () => {
    await seedMakeToOrder(database());
    await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx());
    const { cancelPurchaseOrder } = await import('../purchasing/purchase-order.service.js');
    await cancelPurchaseOrder(database(), 1, { reason: 'supplier closed' }, mtoCtx());
    expect(await getCustomerOrder(database(), 'SO-000001')).toMatchObject({
      late_risk: true,
      late_risk_note: 'PO-000001 (SHADE) is cancelled',
    });
  });

  it('ships a stocked item in parts: each shipment consumes its share of the allocation', async () => {
    await seedMakeToOrder(database());
    const order = await createCustomerOrder(
      database(),
      { customer: 'ROSSI', confirm: true, lines: [{ sku: 'BULB', location: 'MAIN', quantity: 10 }] },
      mtoCtx(),
    );
    // No requested date: today; 10 of the 30 bulbs on hand are allocated, so the promise is today.
    expect(order).toMatchObject({ promised_date: '2026-03-02', lines: [{ allocated: 10, backordered: 0 }] });
    const part = await shipCustomerOrder(database(), 'SO-000001', { lines: [{ line_no: 1, quantity: 4 }] }, mtoCtx());
    expect(part).toMatchObject({ status: 'confirmed', lines: [{ allocated: 6, shipped: 4 }] });
    expect(await balanceOf(database(), 'BULB')).toMatchObject({ on_hand: 26_000, allocated: 6_000 });
    await expectReservationsConsistent(database());
    const rest = await shipCustomerOrder(database(), 'SO-000001', undefined, mtoCtx());
    expect(rest).toMatchObject({ status: 'shipped', lines: [{ allocated: 0, shipped: 10 }] });
    expect(rest.movements.map((m) => [m.type, m.quantity])).toEqual([['sale', 6]]);
    expect(await balanceOf(database(), 'BULB')).toMatchObject({ on_hand: 20_000, allocated: 0 });
    await expectReservationsConsistent(database());
  });

  it('answers a retried create with the same idempotency key from the first, ordering nothing twice', async () => {
    await seedMakeToOrder(database());
    const first = await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx(MTO_NOW, 'k-1'));
    const again = await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx(MTO_NOW, 'k-1'));
    expect(again).toEqual(first);
    expect(await database().db.selectFrom('production_orders').select('id').execute()).toHaveLength(1);
    expect(await balanceOf(database(), 'SHADE')).toMatchObject({ on_order: 12_000, backordered: 10_000 });
    await expect(confirmCustomerOrder(database(), 'SO-000001', mtoCtx())).rejects.toMatchObject({
      code: 'LS_INVALID_STATE',
      message: 'number: SO-000001 is confirmed; cannot confirm it',
    });
  });

  it('refuses bad input with the field named and changes nothing', async () => {
    await seedMakeToOrder(database());
    await createCustomerOrder(database(), { ...lampOrder(10), confirm: true }, mtoCtx());
    await createCustomerOrder(database(), { ...lampOrder(1) }, mtoCtx());
    await cancelCustomerOrder(database(), 'SO-000002', { reason: 'test' }, mtoCtx());
    const before = await snapshot(database());
    const line = (fields: Record<string, unknown>) => ({
      customer: 'ROSSI',
      lines: [{ sku: 'LAMP', location: 'MAIN', quantity: 1, ...fields }],
    });
    const cases: Array<[() => Promise<unknown>, string, string]> = [
      [
        () => createCustomerOrder(database(), { ...line({}), customer: 'NOBODY' }, mtoCtx()),
        'LS_UNKNOWN_CUSTOMER',
        'customer: unknown customer',
      ],
      [
        () => createCustomerOrder(database(), line({ sku: 'NOPE' }), mtoCtx()),
        'LS_UNKNOWN_ITEM',
        'lines[0].sku: unknown SKU',
      ],
      [
        () => createCustomerOrder(database(), line({ location: 'NOWHERE' }), mtoCtx()),
        'LS_UNKNOWN_LOCATION',
        'lines[0].location: unknown location',
      ],
      [
        () => createCustomerOrder(database(), line({ quantity: 0 }), mtoCtx()),
        'LS_VALIDATION',
        'lines[0].quantity: must be greater than zero',
      ],
      [
        () => createCustomerOrder(database(), line({ quantity: -2 }), mtoCtx()),
        'LS_VALIDATION',
        'lines[0].quantity: must be greater than zero',
      ],
      [
        () => createCustomerOrder(database(), line({ quantity: 1.0005 }), mtoCtx()),
        'LS_VALIDATION',
        'lines[0].quantity: must have at most 3 decimal places',
      ],
      [
        () => createCustomerOrder(database(), line({ requested_date: '2026-03-01' }), mtoCtx()),
        'LS_VALIDATION',
        'lines[0].requested_date: must not be in the past (today is 2026-03-02 at MAIN)',
      ],
      [
        () => createCustomerOrder(database(), { ...line({}), lines: [] }, mtoCtx()),
        'LS_VALIDATION',
        'lines: must be a list of at least one line',
      ],
      [
        () => confirmCustomerOrder(database(), 'SO-000002', mtoCtx()),
        'LS_INVALID_STATE',
        'number: SO-000002 is cancelled; cannot confirm it',
      ],
      [
        () => confirmCustomerOrder(database(), 'SO-999999', mtoCtx()),
        'LS_UNKNOWN_CUSTOMER_ORDER',
        'number: no customer order SO-999999',
      ],
      [
        () => shipCustomerOrder(database(), 'SO-000001', { lines: [{ line_no: 1, quantity: 1 }] }, mtoCtx()),
        'LS_VALIDATION',
        'lines[0].quantity: is more than the 0 allocated to line 1 (10 still backordered)',
      ],
      [
        () => shipCustomerOrder(database(), 'SO-000001', undefined, mtoCtx()),
        'LS_INVALID_STATE',
        'number: nothing of SO-000001 is allocated to ship yet',
      ],
      [
        () => changeCustomerOrder(database(), 'SO-000001', { lines: [{ line_no: 2, quantity: 3 }] }, mtoCtx()),
        'LS_VALIDATION',
        'lines[0].line_no: SO-000001 has no line 2',
      ],
      [
        () => changeCustomerOrder(database(), 'SO-000001', { lines: [{ line_no: 1, quantity: 0 }] }, mtoCtx()),
        'LS_VALIDATION',
        'lines[0].quantity: must be greater than zero',
      ],
      [
        () => cancelCustomerOrder(database(), 'SO-000002', {}, mtoCtx()),
        'LS_INVALID_STATE',
        'number: SO-000002 is cancelled; cannot cancel it',
      ],
    ];
    for (const [call, code, message] of cases) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, message).toMatchObject({ code });
      expect((error as Error).message.startsWith(message), `${(error as Error).message} starts with ${message}`).toBe(
        true,
      );
    }
    expect(await snapshot(database())).toEqual(before);
  });

  it('refuses to confirm an order whose component has no source, naming it, and changes nothing', async () => {
    await seedMakeToOrder(database());
    await database().db.updateTable('supplier_items').set({ active: 0 }).execute();
    await createCustomerOrder(database(), lampOrder(1), mtoCtx());
    const before = await snapshot(database());
    await expect(confirmCustomerOrder(database(), 'SO-000001', mtoCtx())).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: 'lines[0].sku: SHADE has no BOM and no active source to buy it from, so LAMP cannot be planned',
    });
    expect(await snapshot(database())).toEqual(before);
  });
});

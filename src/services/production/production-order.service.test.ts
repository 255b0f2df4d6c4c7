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
import { createCustomerOrder, getCustomerOrder } from './customer-order.service.js';
import {
  cancelProductionOrder,
  completeProductionOrder,
  createProductionOrder,
  issueTarget,
  listProductionOrders,
  releaseProductionOrder,
  reportProduction,
} from './production-order.service.js';

async function snapshot(database: Database) {
  const db = database.db;
  return {
    productions: await db.selectFrom('production_orders').selectAll().orderBy('id').execute(),
    components: await db.selectFrom('production_order_components').selectAll().orderBy('id').execute(),
    pegs: await db.selectFrom('pegs').selectAll().orderBy('id').execute(),
    balances: await db.selectFrom('balances').selectAll().orderBy('item_id').execute(),
    movements: await db.selectFrom('movements').selectAll().orderBy('id').execute(),
    purchaseLines: await db.selectFrom('purchase_order_lines').selectAll().orderBy('id').execute(),
  };
}

/** Receives everything open on a purchase order after sending it. */
async function sendAndReceive(database: Database, id: number, sku: string, quantity: number) {
  await sendPurchaseOrder(database, id, mtoCtx());
  await receivePurchaseOrder(database, id, { lines: [{ sku, location: 'MAIN', quantity }] }, mtoCtx());
}

describeEachDialect('Production orders', ({ database }) => {
  it('creates a planned order released its BOM lead time before the due date, with its components on order', async () => {
    await seedMakeToOrder(database());
    const created = await createProductionOrder(
      database(),
      { sku: 'LAMP', location: 'MAIN', quantity: 8, due_date: '2026-03-20', note: 'for stock' },
      mtoCtx(),
    );
    // Lead time 2 days: released 03-18. Components: SHADE 1 × 8, BULB 2 × 8 = 16.
    expect(created).toMatchObject({
      number: 'MO-000001',
      sku: 'LAMP',
      status: 'planned',
      quantity: 8,
      open_quantity: 8,
      release_date: '2026-03-18',
      due_date: '2026-03-20',
      customer_order: null,
      note: 'for stock',
      components: [
        { sku: 'SHADE', quantity_per: 1, scrap_factor: 0, required: 8, allocated: 0, backordered: 0, issued: 0 },
        { sku: 'BULB', quantity_per: 2, scrap_factor: 0, required: 16, allocated: 0, backordered: 0, issued: 0 },
      ].map((c) => expect.objectContaining(c)),
    });
    expect(await balanceOf(database(), 'LAMP')).toMatchObject({ on_order: 8_000 });
    expect((await listProductionOrders(database(), { status: 'planned', sku: 'LAMP' })).data).toHaveLength(1);
    expect((await listProductionOrders(database(), { status: 'released' })).data).toHaveLength(0);
  });

  it('releases: allocates components from stock, buys the make-to-order shortfall, reorders the stocked one', async () => {
    await seedMakeToOrder(database());
    await createProductionOrder(
      database(),
      { sku: 'LAMP', location: 'MAIN', quantity: 8, due_date: '2026-03-20' },
      mtoCtx(),
    );
    const released = await releaseProductionOrder(database(), 'MO-000001', mtoCtx());
    expect(released.status).toBe('released');
    expect(released.components).toEqual([
      expect.objectContaining({ sku: 'SHADE', allocated: 0, backordered: 8 }),
      expect.objectContaining({ sku: 'BULB', allocated: 16, backordered: 0 }),
    ]);
    // SHADE (make-to-order) is bought: 8 in packs of 4. BULB: 30 − 16 = 14 ≤ 20, so the reorder point orders 46.
    expect(released.triggered.map((t) => (t.kind === 'order_line' ? [t.sku, t.quantity, t.reason] : t.kind))).toEqual([
      ['SHADE', 8, 'make_to_order_demand'],
      ['BULB', 46, 'at_or_below_reorder_point'],
    ]);
    expect(await balanceOf(database(), 'SHADE')).toEqual({
      on_hand: 0,
      allocated: 0,
      backordered: 8_000,
      on_order: 8_000,
    });
    await expectReservationsConsistent(database());

    // The shades arrive: the component's waiting peg is filled.
    await sendAndReceive(database(), 1, 'SHADE', 8);
    expect(await balanceOf(database(), 'SHADE')).toEqual({
      on_hand: 8_000,
      allocated: 8_000,
      backordered: 0,
      on_order: 0,
    });
    await expectReservationsConsistent(database());
  });

  it('reports partial progress with scrap, then completes the rest: components issued in proportion', async () => {
    await seedMakeToOrder(database());
    await createProductionOrder(
      database(),
      { sku: 'LAMP', location: 'MAIN', quantity: 8, due_date: '2026-03-20' },
      mtoCtx(),
    );
    await releaseProductionOrder(database(), 'MO-000001', mtoCtx());
    await sendAndReceive(database(), 1, 'SHADE', 8);
    // 3 good and 1 scrapped: 4 of 8 done, so half of each component is issued: SHADE 4, BULB 8.
    const reported = await reportProduction(database(), 'MO-000001', { quantity: 3, scrap: 1 }, mtoCtx());
    expect(reported).toMatchObject({ status: 'released', completed: 3, scrapped: 1, open_quantity: 4 });
    expect(reported.movements.map((m) => [m.type, m.sku, m.on_hand_change, m.reference])).toEqual([
      ['issue', 'SHADE', -4, 'MO-000001'],
      ['issue', 'BULB', -8, 'MO-000001'],
      ['receipt', 'LAMP', 3, 'MO-000001'],
    ]);
    expect(reported.components).toEqual([
      expect.objectContaining({ sku: 'SHADE', allocated: 4, issued: 4 }),
      expect.objectContaining({ sku: 'BULB', allocated: 8, issued: 8 }),
    ]);
    expect(await balanceOf(database(), 'LAMP')).toEqual({
      on_hand: 3_000,
      allocated: 0,
      backordered: 0,
      on_order: 4_000,
    });
    await expectReservationsConsistent(database());

    const completed = await completeProductionOrder(database(), 'MO-000001', undefined, mtoCtx());
    expect(completed).toMatchObject({ status: 'completed', completed: 7, scrapped: 1, open_quantity: 0 });
    expect(completed.movements.map((m) => [m.type, m.sku, m.on_hand_change])).toEqual([
      ['issue', 'SHADE', -4],
      ['issue', 'BULB', -8],
      ['receipt', 'LAMP', 4],
    ]);
    expect(await balanceOf(database(), 'LAMP')).toEqual({ on_hand: 7_000, allocated: 0, backordered: 0, on_order: 0 });
    expect(await balanceOf(database(), 'BULB')).toMatchObject({ on_hand: 14_000, allocated: 0 });
    await expectReservationsConsistent(database());
  });

  it('cancels a released order: its component allocations and its on order are released', async () => {
    await seedMakeToOrder(database());
    await createProductionOrder(
      database(),
      { sku: 'LAMP', location: 'MAIN', quantity: 5, due_date: '2026-03-20' },
      mtoCtx(),
    );
    await releaseProductionOrder(database(), 'MO-000001', mtoCtx());
    expect(await balanceOf(database(), 'BULB')).toMatchObject({ allocated: 10_000 });
    const cancelled = await cancelProductionOrder(database(), 'MO-000001', { reason: 'line down' }, mtoCtx());
    expect(cancelled).toMatchObject({ status: 'cancelled', open_quantity: 0, note: 'cancelled: line down' });
    expect(cancelled.components.every((c) => c.allocated === 0 && c.backordered === 0)).toBe(true);
    expect(await balanceOf(database(), 'BULB')).toMatchObject({ on_hand: 30_000, allocated: 0 });
    expect(await balanceOf(database(), 'LAMP')).toMatchObject({ on_order: 0 });
    await expectReservationsConsistent(database());
  });

  it('scrap that leaves a customer short re-pegs the rest to stock and flags the order at risk', async () => {
    await seedMakeToOrder(database());
    await createCustomerOrder(
      database(),
      {
        customer: 'ROSSI',
        requested_date: '2026-03-20',
        confirm: true,
        lines: [{ sku: 'LAMP', location: 'MAIN', quantity: 10 }],
      },
      mtoCtx(),
    );
    await sendAndReceive(database(), 1, 'SHADE', 12);
    await releaseProductionOrder(database(), 'MO-000001', mtoCtx());
    const done = await reportProduction(database(), 'MO-000001', { quantity: 8, scrap: 2 }, mtoCtx());
    expect(done.status).toBe('completed');
    const order = await getCustomerOrder(database(), 'SO-000001');
    expect(order.lines[0]).toMatchObject({ allocated: 8, backordered: 2 });
    expect(order).toMatchObject({ late_risk: true, late_risk_note: '2 LAMP waits for stock with no supply pegged' });
    expect(await balanceOf(database(), 'LAMP')).toEqual({
      on_hand: 8_000,
      allocated: 8_000,
      backordered: 2_000,
      on_order: 0,
    });
    await expectReservationsConsistent(database());
  });

  it('refuses bad input and impossible steps with the field named, changing nothing', async () => {
    await seedMakeToOrder(database());
    await createProductionOrder(
      database(),
      { sku: 'LAMP', location: 'MAIN', quantity: 8, due_date: '2026-03-20' },
      mtoCtx(),
    );
    await createProductionOrder(
      database(),
      { sku: 'LAMP', location: 'MAIN', quantity: 2, due_date: '2026-03-20' },
      mtoCtx(),
    );
    await releaseProductionOrder(database(), 'MO-000002', mtoCtx());
    const before = await snapshot(database());
    const create = (fields: Record<string, unknown>) =>
      createProductionOrder(
        database(),
        { sku: 'LAMP', location: 'MAIN', quantity: 1, due_date: '2026-03-20', ...fields },
        mtoCtx(),
      );
    const cases: Array<[() => Promise<unknown>, string, string]> = [
      [() => create({ sku: 'NOPE' }), 'LS_UNKNOWN_ITEM', 'sku: unknown SKU "NOPE"'],
      [() => create({ location: 'NOWHERE' }), 'LS_UNKNOWN_LOCATION', 'location: unknown location "NOWHERE"'],
      [() => create({ sku: 'BULB' }), 'LS_UNKNOWN_BOM', 'sku: BULB has no BOM effective on 2026-03-02'],
      [() => create({ quantity: 0 }), 'LS_VALIDATION', 'quantity: must be greater than zero'],
      [() => create({ quantity: -1 }), 'LS_VALIDATION', 'quantity: must be greater than zero'],
      [() => create({ quantity: 0.0001 }), 'LS_VALIDATION', 'quantity: must have at most 3 decimal places'],
      [
        () => create({ due_date: '2026-02-28' }),
        'LS_VALIDATION',
        'due_date: must not be in the past (today is 2026-03-02)',
      ],
      [() => create({ due_date: '20 March' }), 'LS_VALIDATION', 'due_date: must be a date YYYY-MM-DD'],
      [
        () => reportProduction(database(), 'MO-000001', { quantity: 1 }, mtoCtx()),
        'LS_INVALID_STATE',
        'number: MO-000001 is planned; cannot report on it (release it first)',
      ],
      [
        () => reportProduction(database(), 'MO-000002', { quantity: 2, scrap: 1 }, mtoCtx()),
        'LS_VALIDATION',
        'quantity: 3 (with scrap) is more than the 2 still open',
      ],
      [
        () => reportProduction(database(), 'MO-000002', { quantity: 0 }, mtoCtx()),
        'LS_VALIDATION',
        'quantity: quantity and scrap must not both be zero',
      ],
      [
        () => reportProduction(database(), 'MO-000002', { quantity: 1 }, mtoCtx()),
        'LS_INVALID_STATE',
        'quantity: needs 1 SHADE but only 0 is allocated (2 backordered)',
      ],
      [
        () => releaseProductionOrder(database(), 'MO-000002', mtoCtx()),
        'LS_INVALID_STATE',
        'number: MO-000002 is released; cannot release it',
      ],
      [
        () => releaseProductionOrder(database(), 'MO-000099', mtoCtx()),
        'LS_UNKNOWN_PRODUCTION_ORDER',
        'number: no production order MO-000099',
      ],
    ];
    for (const [call, code, message] of cases) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, message).toMatchObject({ code, message });
    }
    expect(await snapshot(database())).toEqual(before);
  });

  it('refuses to cancel an order that has reported production', async () => {
    await seedMakeToOrder(database());
    await postShadeStock(database());
    await createProductionOrder(
      database(),
      { sku: 'LAMP', location: 'MAIN', quantity: 2, due_date: '2026-03-20' },
      mtoCtx(),
    );
    await releaseProductionOrder(database(), 'MO-000001', mtoCtx());
    await reportProduction(database(), 'MO-000001', { quantity: 1 }, mtoCtx());
    await expect(cancelProductionOrder(database(), 'MO-000001', {}, mtoCtx())).rejects.toMatchObject({
      code: 'LS_INVALID_STATE',
      message: 'number: MO-000001 has reported production; complete it instead',
    });
  });
});

async function postShadeStock(database: Database) {
  const { postMovements } = await import('../ledger.service.js');
  await postMovements(database, [{ type: 'receipt', sku: 'SHADE', location: 'MAIN', quantity: 10 }], mtoCtx(MTO_NOW));
}

it('issues components in proportion, rounding counted units up, everything at the end', () => {
  // 10 required for 8 planned: after 3 done ⌈10 × 3 ÷ 8⌉ = 3.75 → 4 whole units; 3.75 when divisible.
  expect(issueTarget(10_000, 3_000, 8_000, true)).toBe(4_000);
  expect(issueTarget(10_000, 3_000, 8_000, false)).toBe(3_750);
  expect(issueTarget(10_000, 8_000, 8_000, true)).toBe(10_000);
  expect(issueTarget(10_500, 9_000, 8_000, false)).toBe(10_500);
});

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import type { Database } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { postMovements } from '../ledger.service.js';
import { setPolicy } from '../policy.service.js';
import { listStock } from '../stock.service.js';
import { createSupplier } from '../supplier.service.js';
import { addSupplierItem } from '../supplier-item.service.js';
import { addContractPrice } from '../supplier-item-price.service.js';
import { addDraftLine } from './draft-edit.service.js';
import {
  cancelPurchaseOrder,
  closePurchaseOrder,
  confirmPurchaseOrder,
  getPurchaseOrder,
  listPurchaseOrders,
  receivePurchaseOrder,
  sendPurchaseOrder,
  setDraftLineQuantity,
} from './purchase-order.service.js';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const ctx = (now = t0): ServiceContext => ({ actor: 'tester', now });

const issue = (database: Database, quantity: number, now = t0) =>
  postMovements(database, [{ type: 'issue', sku: 'BOLT', location: 'WS', quantity }], ctx(now)).then((o) => o[0]!);

async function stockOf(database: Database, sku = 'BOLT') {
  const page = await listStock(database, { sku, location: 'WS' });
  return page.data[0]!;
}

describeEachDialect('purchase orders and the trigger', ({ database }) => {
  async function seed() {
    await seedCatalogue(database(), { items: ['BOLT', 'ORPHAN'], locations: ['WS'] });
    await createSupplier(database(), { code: 'ACME', name: 'Acme', lead_time_days: 5 }, ctx());
    await createSupplier(database(), { code: 'BETA', name: 'Beta' }, ctx());
    await addSupplierItem(
      database(),
      'BOLT',
      { supplier: 'ACME', unit_price: 0.1, pack_size: 50, moq: 100, rank: 1 },
      ctx(),
    );
    await addSupplierItem(database(), 'BOLT', { supplier: 'BETA', unit_price: 0.2, rank: 2 }, ctx());
    await postMovements(database(), [{ type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 60 }], ctx());
    await setPolicy(database(), 'BOLT', 'WS', { kind: 'reorder_point', reorder_point: 20, target: 100 }, ctx());
  }

  it('drafts exactly one line when an issue crosses s, rounded to pack and MOQ, and says so in the answer', async () => {
    await seed();
    expect((await issue(database(), 30)).triggered).toEqual([]);
    const crossing = await issue(database(), 15);
    expect(crossing.triggered).toHaveLength(1);
    expect(crossing.triggered[0]).toMatchObject({
      kind: 'order_line',
      sku: 'BOLT',
      location: 'WS',
      supplier: 'ACME',
      need: 85,
      quantity: 100,
      line_quantity: 100,
      new_purchase_order: true,
      reason: 'at_or_below_reorder_point',
    });
    expect(crossing.balances[0]).toMatchObject({ on_hand: 15, on_order: 100, inventory_position: 115 });
    // Below s on hand, but the position counts the line: the same dip is not ordered again.
    expect((await issue(database(), 10)).triggered).toEqual([]);

    const drafts = await listPurchaseOrders(database(), { status: 'draft' });
    expect(drafts.data).toHaveLength(1);
    expect(drafts.data[0]).toMatchObject({ supplier: 'ACME', status: 'draft', collecting: true, total: 10 });
    expect(drafts.data[0]!.lines).toEqual([
      expect.objectContaining({ sku: 'BOLT', location: 'WS', quantity: 100, received_quantity: 0, open_quantity: 100 }),
    ]);
  });

  it('adds a second need to the same draft line instead of a new line or order', async () => {
    await seed();
    await issue(database(), 45); // position 15 → line of 100 (85 rounded up to packs of 50)
    const raised = await setPolicy(
      database(),
      'BOLT',
      'WS',
      { kind: 'reorder_point', reorder_point: 150, target: 300 },
      ctx(),
    );
    // Position 115 ≤ 150: need 185 on top of the 100 → 285, rounded to 300 on the same line.
    expect(raised.triggered).toEqual([
      expect.objectContaining({ need: 185, quantity: 200, line_quantity: 300, new_purchase_order: false }),
    ]);
    const orders = await listPurchaseOrders(database(), {});
    expect(orders.data).toHaveLength(1);
    expect(orders.data[0]!.lines).toEqual([expect.objectContaining({ quantity: 300 })]);
    expect(await stockOf(database())).toMatchObject({ on_order: 300, inventory_position: 315 });
  });

  it('cancelling re-triggers at once; sending, confirming and receiving in full closes the loop with lead time and OTIF', async () => {
    await seed();
    const crossing = await issue(database(), 45);
    const firstId = (crossing.triggered[0] as { purchase_order_id: number }).purchase_order_id;
    const cancelled = await cancelPurchaseOrder(database(), firstId, { reason: 'wrong supplier' }, ctx(t0 + 1000));
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.triggered).toEqual([
      expect.objectContaining({ kind: 'order_line', quantity: 100, new_purchase_order: true }),
    ]);
    const secondId = (cancelled.triggered[0] as { purchase_order_id: number }).purchase_order_id;
    expect(secondId).not.toBe(firstId);
    expect(await stockOf(database())).toMatchObject({ on_hand: 15, on_order: 100 });

    const sent = await sendPurchaseOrder(database(), secondId, ctx(t0 + DAY));
    expect(sent).toMatchObject({ status: 'sent', collecting: false });
    expect(sent.lines[0]!.expected_date).toBe('2026-03-08');
    await confirmPurchaseOrder(database(), secondId, { promised_date: '2026-03-09' }, ctx(t0 + 2 * DAY));
    const partly = await receivePurchaseOrder(
      database(),
      secondId,
      { lines: [{ sku: 'BOLT', location: 'WS', quantity: 60, rejected_quantity: 5, reject_reason: 'bent' }] },
      ctx(t0 + 6 * DAY),
    );
    expect(partly.status).toBe('partly_received');
    expect(partly.lines[0]).toMatchObject({ received_quantity: 60, rejected_quantity: 5, open_quantity: 40 });
    expect(await stockOf(database())).toMatchObject({ on_hand: 75, on_order: 40, inventory_position: 115 });
    const received = await receivePurchaseOrder(
      database(),
      secondId,
      { lines: [{ sku: 'BOLT', location: 'WS', quantity: 40 }] },
      ctx(t0 + 7 * DAY),
    );
    expect(received.status).toBe('received');
    // Sent on the 3rd, complete on the 9th (the promised date): on time, but not in full (5 were rejected).
    expect(received.lines[0]).toMatchObject({
      received_quantity: 100,
      actual_lead_time_days: 6,
      on_time: true,
      in_full: false,
    });
    expect(await stockOf(database())).toMatchObject({ on_hand: 115, on_order: 0 });
    const closed = await closePurchaseOrder(database(), secondId, ctx(t0 + 9 * DAY));
    expect(closed.status).toBe('closed');
  });

  it('refuses receiving beyond the over-delivery tolerance and changes nothing', async () => {
    await seed();
    const id = ((await issue(database(), 45)).triggered[0] as { purchase_order_id: number }).purchase_order_id;
    await sendPurchaseOrder(database(), id, ctx());
    await expect(
      receivePurchaseOrder(database(), id, { lines: [{ sku: 'BOLT', location: 'WS', quantity: 111 }] }, ctx()),
    ).rejects.toMatchObject({
      code: 'LS_OVER_RECEIPT',
      details: [expect.objectContaining({ field: 'lines[0].quantity' })],
    });
    await expect(
      receivePurchaseOrder(database(), id, { lines: [{ sku: 'NUT', location: 'WS', quantity: 1 }] }, ctx()),
    ).rejects.toMatchObject({ code: 'LS_VALIDATION', details: [expect.objectContaining({ field: 'lines[0].sku' })] });
    expect(await stockOf(database())).toMatchObject({ on_hand: 15, on_order: 100 });
    expect((await getPurchaseOrder(database(), id)).status).toBe('sent');
    // 110 is within 10 %.
    const received = await receivePurchaseOrder(
      database(),
      id,
      { lines: [{ sku: 'BOLT', location: 'WS', quantity: 110 }] },
      ctx(),
    );
    expect(received.status).toBe('received');
    expect(await stockOf(database())).toMatchObject({ on_hand: 125, on_order: 0 });
  });

  it('closing short records the unfinished lines as not in full, and on time is unknown without a due date', async () => {
    await seed();
    await seedCatalogue(database(), { items: ['NUT', 'WASHER'], locations: [] });
    // Neither source quotes a lead time; a line added by hand takes the source's (none), so it has no expected date.
    await addSupplierItem(database(), 'NUT', { supplier: 'ACME', unit_price: 0.05 }, ctx());
    await addSupplierItem(database(), 'WASHER', { supplier: 'ACME', unit_price: 0.01 }, ctx());
    const id = ((await issue(database(), 45)).triggered[0] as { purchase_order_id: number }).purchase_order_id;
    await addDraftLine(database(), id, { sku: 'NUT', location: 'WS', quantity: 10 }, ctx());
    await addDraftLine(database(), id, { sku: 'WASHER', location: 'WS', quantity: 10 }, ctx());
    await sendPurchaseOrder(database(), id, ctx());
    await receivePurchaseOrder(
      database(),
      id,
      {
        lines: [
          { sku: 'BOLT', location: 'WS', quantity: 60 },
          { sku: 'NUT', location: 'WS', quantity: 10 },
        ],
      },
      ctx(t0 + 4 * DAY),
    );
    const closed = await closePurchaseOrder(database(), id, ctx(t0 + 9 * DAY));
    const bySku = (sku: string) => closed.lines.find((l) => l.sku === sku);
    // BOLT: sent on 2 March, due on the 7th (ACME's 5 days), 60 of 100 came on the 6th: on time, not in full.
    expect(bySku('BOLT')).toMatchObject({ actual_lead_time_days: 4, on_time: true, in_full: false, received_at: null });
    // NUT came in full but had no date to meet; WASHER never came: neither on time nor in full, no lead time.
    expect(bySku('NUT')).toMatchObject({ actual_lead_time_days: 4, on_time: null, in_full: true });
    expect(bySku('WASHER')).toMatchObject({ actual_lead_time_days: null, on_time: false, in_full: false });
  });

  it('refuses actions the status does not allow', async () => {
    await seed();
    const id = ((await issue(database(), 45)).triggered[0] as { purchase_order_id: number }).purchase_order_id;
    await expect(confirmPurchaseOrder(database(), id, {}, ctx())).rejects.toMatchObject({ code: 'LS_INVALID_STATE' });
    await expect(closePurchaseOrder(database(), id, ctx())).rejects.toMatchObject({ code: 'LS_INVALID_STATE' });
    await expect(getPurchaseOrder(database(), 99_999)).rejects.toMatchObject({ code: 'LS_UNKNOWN_PURCHASE_ORDER' });
  });

  it('editing a draft line moves the position by the difference', async () => {
    await seed();
    const outcome = (await issue(database(), 45)).triggered[0] as { purchase_order_id: number; line_id: number };
    const edited = await setDraftLineQuantity(
      database(),
      outcome.purchase_order_id,
      outcome.line_id,
      { quantity: 150 },
      ctx(),
    );
    expect(edited.lines[0]).toMatchObject({ quantity: 150, price_rule: 'edited' });
    expect(await stockOf(database())).toMatchObject({ on_order: 150, inventory_position: 165 });
    await expect(
      setDraftLineQuantity(database(), outcome.purchase_order_id, outcome.line_id, { quantity: -1 }, ctx()),
    ).rejects.toMatchObject({ code: 'LS_VALIDATION' });
  });

  it('with no usable supplier reports the item for review instead of ordering', async () => {
    await seed();
    await postMovements(database(), [{ type: 'receipt', sku: 'ORPHAN', location: 'WS', quantity: 10 }], ctx());
    await setPolicy(database(), 'ORPHAN', 'WS', { kind: 'reorder_point', reorder_point: 5, target: 20 }, ctx());
    const [outcome] = await postMovements(
      database(),
      [{ type: 'issue', sku: 'ORPHAN', location: 'WS', quantity: 6 }],
      ctx(),
    );
    expect(outcome!.triggered).toEqual([
      expect.objectContaining({ kind: 'below_reorder_point', reason: 'no_supplier_items' }),
    ]);
    const events = await database()
      .db.selectFrom('outbox_events')
      .select(['type', 'subject'])
      .where('type', '=', 'stock.below_reorder_point')
      .execute();
    expect(events).toEqual([{ type: 'stock.below_reorder_point', subject: 'ORPHAN@WS' }]);
    const review = await database().db.selectFrom('review_items').selectAll().execute();
    expect(review).toHaveLength(1);
  });

  it('a contract price valid today replaces the list price; a rise of 10 % or more over the last price paid lists the item for review', async () => {
    await seed();
    await addContractPrice(
      database(),
      'BOLT',
      'ACME',
      { unit_price: 0.08, valid_from: '2026-03-01', valid_to: '2026-03-31' },
      ctx(),
    );
    const first = (await issue(database(), 45)).triggered[0] as { purchase_order_id: number };
    const drafted = await getPurchaseOrder(database(), first.purchase_order_id);
    expect(drafted.lines[0]).toMatchObject({ unit_price: 0.08, price_rule: 'contract', line_total: 8 });
    await sendPurchaseOrder(database(), first.purchase_order_id, ctx());
    await receivePurchaseOrder(
      database(),
      first.purchase_order_id,
      { lines: [{ sku: 'BOLT', location: 'WS', quantity: 100 }] },
      ctx(),
    );
    // April: the contract has ended, the list price (0.10, +25 %) applies.
    const april = Date.UTC(2026, 3, 2, 9);
    await postMovements(database(), [{ type: 'issue', sku: 'BOLT', location: 'WS', quantity: 100 }], ctx(april));
    const [second] = await listPurchaseOrders(database(), { status: 'draft' }).then((p) => p.data);
    expect(second!.lines[0]).toMatchObject({ unit_price: 0.1, price_rule: 'list_price' });
    await sendPurchaseOrder(database(), second!.id, ctx(april));
    const reviews = await database().db.selectFrom('review_items').select(['reason', 'message']).execute();
    expect(reviews).toEqual([{ reason: 'price_rise', message: expect.stringContaining('rose 25 %') }]);
    const history = await database()
      .db.selectFrom('supplier_item_prices')
      .select(['kind', 'unit_price_minor'])
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      { kind: 'contract', unit_price_minor: 8 },
      { kind: 'purchase', unit_price_minor: 8 },
      { kind: 'purchase', unit_price_minor: 10 },
    ]);
  });

  it('a policy change re-evaluates the trigger at once', async () => {
    await seed();
    await issue(database(), 30); // position 30
    const raised = await setPolicy(
      database(),
      'BOLT',
      'WS',
      { kind: 'reorder_point', reorder_point: 40, target: 100 },
      ctx(),
    );
    expect(raised.triggered).toEqual([expect.objectContaining({ kind: 'order_line', need: 70, quantity: 100 })]);
  });
});

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import type { Database } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { postMovements } from '../ledger.service.js';
import { createLocation } from '../location.service.js';
import { setPolicy } from '../policy.service.js';
import { createSupplier } from '../supplier.service.js';
import { addSupplierItem } from '../supplier-item.service.js';
import { runDueAutoSends } from './auto-send.service.js';
import { getPurchaseOrder, sendPurchaseOrder, setDraftLineQuantity } from './purchase-order.service.js';

/** Monday 2 March 2026, 10:00 in Berlin (CET, UTC+1). */
const monday = Date.UTC(2026, 2, 2, 9, 0);
const ctx = (now = monday): ServiceContext => ({ actor: 'tester', now });
const nothing = { sent: [], waiting: [], errors: [] };

/** Sets the ordering settings straight in the table (their API is built elsewhere). */
async function orderingSettings(
  database: Database,
  supplier: string,
  settings: { auto_send: 0 | 1; order_days: string | null; consolidation_minutes: number },
) {
  await database.db.updateTable('suppliers').set(settings).where('code', '=', supplier).execute();
}

/** `sku` from `supplier` with a min/max policy at `location`, and an issue that opens a draft at `now`. */
async function openDraft(database: Database, sku: string, supplier: string, location: string, now = monday) {
  await addSupplierItem(database, sku, { supplier, unit_price: 1 }, ctx(now));
  await postMovements(database, [{ type: 'receipt', sku, location, quantity: 50 }], ctx(now));
  await setPolicy(database, sku, location, { kind: 'reorder_point', reorder_point: 20, target: 100 }, ctx(now));
  const [posted] = await postMovements(database, [{ type: 'issue', sku, location, quantity: 40 }], ctx(now));
  const line = posted!.triggered[0] as { purchase_order_id: number; line_id: number };
  return { id: line.purchase_order_id, lineId: line.line_id };
}

describeEachDialect('automatic sending of drafts', ({ database }) => {
  async function seed() {
    await seedCatalogue(database(), { items: ['BOLT', 'NUT', 'WASHER'], locations: ['WS'] });
    for (const code of ['ACME', 'BETA', 'GAMMA']) await createSupplier(database(), { code, name: code }, ctx());
  }

  it('sends a draft opened on Monday at Tuesday 00:00 local for a Tue/Thu supplier with a 60-minute window, not before', async () => {
    await seed();
    await orderingSettings(database(), 'ACME', { auto_send: 1, order_days: '2,4', consolidation_minutes: 60 });
    const { id } = await openDraft(database(), 'BOLT', 'ACME', 'WS');
    // The window ends Monday 11:00 CET, not an order day: Tuesday 00:00 CET = Monday 23:00Z.
    const tuesday = Date.UTC(2026, 2, 2, 23, 0);
    const waiting = { id, number: 'PO-000001', supplier: 'ACME', send_at: '2026-03-02T23:00:00.000Z' };
    expect(await runDueAutoSends(database(), monday + 61 * 60_000)).toEqual({ ...nothing, waiting: [waiting] });
    expect(await runDueAutoSends(database(), tuesday - 1)).toEqual({ ...nothing, waiting: [waiting] });
    expect((await getPurchaseOrder(database(), id)).status).toBe('draft');

    expect(await runDueAutoSends(database(), tuesday)).toEqual({ ...nothing, sent: [waiting] });
    const sent = await getPurchaseOrder(database(), id);
    expect(sent).toMatchObject({ status: 'sent', collecting: false, sent_at: '2026-03-02T23:00:00.000Z' });
    expect(await runDueAutoSends(database(), tuesday + 1000)).toEqual(nothing);
    const events = await database()
      .db.selectFrom('outbox_events')
      .select('type')
      .where('type', '=', 'purchase_order.sent')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('sends as soon as the window has passed on an order day, and at once with no window and any day', async () => {
    await seed();
    await orderingSettings(database(), 'ACME', { auto_send: 1, order_days: '1', consolidation_minutes: 60 });
    await orderingSettings(database(), 'BETA', { auto_send: 1, order_days: null, consolidation_minutes: 0 });
    const acme = await openDraft(database(), 'BOLT', 'ACME', 'WS');
    const beta = await openDraft(database(), 'NUT', 'BETA', 'WS');
    const report = await runDueAutoSends(database(), monday);
    expect(report.sent.map((s) => s.id)).toEqual([beta.id]);
    expect(report.waiting).toEqual([expect.objectContaining({ id: acme.id, send_at: '2026-03-02T10:00:00.000Z' })]);
    expect((await runDueAutoSends(database(), monday + 60 * 60_000)).sent.map((s) => s.id)).toEqual([acme.id]);
  });

  it('never sends for a supplier with auto_send off, a deactivated one, or a draft without lines', async () => {
    await seed();
    await orderingSettings(database(), 'ACME', { auto_send: 0, order_days: null, consolidation_minutes: 0 });
    await orderingSettings(database(), 'BETA', { auto_send: 1, order_days: null, consolidation_minutes: 0 });
    await orderingSettings(database(), 'GAMMA', { auto_send: 1, order_days: null, consolidation_minutes: 0 });
    const manual = await openDraft(database(), 'BOLT', 'ACME', 'WS');
    const emptied = await openDraft(database(), 'NUT', 'BETA', 'WS');
    await setDraftLineQuantity(database(), emptied.id, emptied.lineId, { quantity: 0 }, ctx());
    const inactive = await openDraft(database(), 'WASHER', 'GAMMA', 'WS');
    await database().db.updateTable('suppliers').set({ active: 0 }).where('code', '=', 'GAMMA').execute();

    expect(await runDueAutoSends(database(), monday + 30 * 86_400_000)).toEqual(nothing);
    for (const { id } of [manual, emptied, inactive]) {
      expect(await getPurchaseOrder(database(), id)).toMatchObject({ status: 'draft', collecting: true });
    }
  });

  it('reads the order day on the wall clock of the site of the draft’s first line', async () => {
    await seed();
    await createLocation(database(), { code: 'NY', name: 'New York', time_zone: 'America/New_York' }, ctx());
    await createLocation(database(), { code: 'NY-A1', name: 'Rack A1', parent: 'NY' }, ctx());
    await orderingSettings(database(), 'ACME', { auto_send: 1, order_days: '2', consolidation_minutes: 0 });
    const { id } = await openDraft(database(), 'BOLT', 'ACME', 'NY-A1');
    // A second line at the Berlin site does not change the zone: Tuesday 00:00 EST = 05:00Z.
    await openDraft(database(), 'NUT', 'ACME', 'WS');
    const report = await runDueAutoSends(database(), Date.UTC(2026, 2, 2, 23));
    expect(report.waiting).toEqual([expect.objectContaining({ id, send_at: '2026-03-03T05:00:00.000Z' })]);
    expect((await runDueAutoSends(database(), Date.UTC(2026, 2, 3, 5))).sent).toHaveLength(1);
  });

  it('ignores an order another process sent first, and reports any other failure without sending', async () => {
    await seed();
    await orderingSettings(database(), 'ACME', { auto_send: 1, order_days: null, consolidation_minutes: 0 });
    await orderingSettings(database(), 'BETA', { auto_send: 1, order_days: null, consolidation_minutes: 0 });
    const acme = await openDraft(database(), 'BOLT', 'ACME', 'WS');
    const beta = await openDraft(database(), 'NUT', 'BETA', 'WS');
    const report = await runDueAutoSends(database(), monday, async (db, id, context) => {
      if (id === beta.id) throw new Error('mail server down');
      // Another process sends it between our read and our send.
      await sendPurchaseOrder(db, id, { ...context, actor: 'someone' });
      return sendPurchaseOrder(db, id, context);
    });
    expect(report).toEqual({
      sent: [],
      waiting: [],
      errors: [{ id: beta.id, number: 'PO-000002', supplier: 'BETA', message: 'mail server down' }],
    });
    expect((await getPurchaseOrder(database(), acme.id)).status).toBe('sent');
    expect((await getPurchaseOrder(database(), beta.id)).status).toBe('draft');
  });
});

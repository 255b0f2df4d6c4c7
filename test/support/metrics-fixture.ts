import type { ServiceContext } from '../../src/services/context.js';
import { createItem } from '../../src/services/item.service.js';
import { postMovements, reverseMovement } from '../../src/services/ledger.service.js';
import { createLocation } from '../../src/services/location.service.js';
import { setPolicy } from '../../src/services/policy.service.js';
import { createSupplier } from '../../src/services/supplier.service.js';
import type { Database } from '../../src/store/database.js';
import { storeRecommendation } from './plan-recommendation.js';

/** 11 June 2026, 12:00 UTC (14:00 in Berlin): the metrics period 1–10 June has ended. */
export const METRICS_NOW = Date.UTC(2026, 5, 11, 12);

const ctx = (iso: string): ServiceContext => ({ actor: 'tester', now: Date.parse(iso) });

/**
 * Two sites in Berlin (CEST, UTC+2): WS with BOLT (reorder point, 1.00 EUR, fasteners) and DC with NUT
 * (make-to-order, may go below zero, 2.50 GBP, seals) and a BOLT policy that never saw stock. The ledger, local times:
 *
 * BOLT@WS: 20 May receipt 10 · 2 June issue 4 → 6 · 4 June issue 6 → 0 · 6 June 12:00 receipt 10 · 8 June issue 5
 * → 5 · 9 June issue 2, reversed the same day · 11 June (after the period) issue 1 → 4.
 * NUT@DC: 25 May receipt 1 · 3 June sale 3 → −2 (1 served from stock, 2 backordered) · 5 June receipt 2 → 0.
 *
 * Purchase orders of ACME: PO 1 sent 1 June, its line (BOLT@WS) received 3 June on time and in full; PO 2 sent 20
 * May, its line (BOLT@WS) received 7 June late but in full; PO 3 sent 2 June, its line (NUT@DC) closed short 8 June,
 * on time; PO 4 sent 12 May, received 15 May (before the period).
 */
export async function seedMetricsScenario(database: Database): Promise<void> {
  const setup = ctx('2026-05-01T08:00:00Z');
  await createLocation(database, { code: 'WS', name: 'Workshop', time_zone: 'Europe/Berlin' }, setup);
  await createLocation(database, { code: 'DC', name: 'Depot', time_zone: 'Europe/Berlin' }, setup);
  await createItem(database, { sku: 'BOLT', name: 'Bolt', unit: 'pcs', unit_cost: 1, category: 'fasteners' }, setup);
  await createItem(
    database,
    { sku: 'NUT', name: 'Nut', unit: 'pcs', unit_cost: 2.5, currency: 'GBP', category: 'seals', allow_negative: true },
    setup,
  );
  await setPolicy(database, 'BOLT', 'WS', { kind: 'reorder_point', reorder_point: 2, target: 10 }, setup);
  await setPolicy(database, 'BOLT', 'DC', { kind: 'reorder_point', reorder_point: 2, target: 10 }, setup);
  await setPolicy(database, 'NUT', 'DC', { kind: 'make_to_order' }, setup);

  const move = async (iso: string, type: string, sku: string, location: string, quantity: number) =>
    (await postMovements(database, [{ type, sku, location, quantity, occurred_at: iso }], ctx(iso)))[0]!;
  await move('2026-05-20T10:00:00+02:00', 'receipt', 'BOLT', 'WS', 10);
  await move('2026-05-25T10:00:00+02:00', 'receipt', 'NUT', 'DC', 1);
  await move('2026-06-02T10:00:00+02:00', 'issue', 'BOLT', 'WS', 4);
  await move('2026-06-03T10:00:00+02:00', 'sale', 'NUT', 'DC', 3);
  await move('2026-06-04T10:00:00+02:00', 'issue', 'BOLT', 'WS', 6);
  await move('2026-06-05T10:00:00+02:00', 'receipt', 'NUT', 'DC', 2);
  await move('2026-06-06T12:00:00+02:00', 'receipt', 'BOLT', 'WS', 10);
  await move('2026-06-08T10:00:00+02:00', 'issue', 'BOLT', 'WS', 5);
  const mistake = await move('2026-06-09T10:00:00+02:00', 'issue', 'BOLT', 'WS', 2);
  await reverseMovement(database, mistake.movements[0]!.id, { reason: 'wrong item' }, ctx('2026-06-09T15:00:00+02:00'));
  await move('2026-06-11T09:00:00+02:00', 'issue', 'BOLT', 'WS', 1);

  await createSupplier(database, { code: 'ACME', name: 'Acme' }, setup);
  const supplier = await database.db
    .selectFrom('suppliers')
    .select('id')
    .where('code', '=', 'ACME')
    .executeTakeFirstOrThrow();
  const ids = async (sku: string, code: string) => {
    const item = await database.db.selectFrom('items').select('id').where('sku', '=', sku).executeTakeFirstOrThrow();
    const location = await database.db
      .selectFrom('locations')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    return { itemId: Number(item.id), locationId: Number(location.id) };
  };
  const order = async (
    pair: { itemId: number; locationId: number },
    sentAt: string,
    line: { receivedAt: string | null; closedAt: string | null; onTime: 0 | 1; inFull: 0 | 1 },
  ) => {
    const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
    const po = await database.db
      .insertInto('purchase_orders')
      .values({
        supplier_id: supplier.id,
        status: line.closedAt === null ? 'received' : 'closed',
        collecting: 0,
        currency: 'EUR',
        note: null,
        created_by: 'tester',
        created_at: ms(sentAt)!,
        updated_at: ms(sentAt)!,
        sent_at: ms(sentAt),
        confirmed_at: null,
        promised_date: null,
        received_at: ms(line.receivedAt),
        closed_at: ms(line.closedAt),
        cancelled_at: null,
        cancel_reason: null,
        emailed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('purchase_order_lines')
      .values({
        purchase_order_id: po.id,
        item_id: pair.itemId,
        location_id: pair.locationId,
        supplier_item_id: null,
        quantity_milli: 10_000,
        received_milli: line.inFull ? 10_000 : 2_000,
        rejected_milli: 0,
        unit_price_minor: 100,
        currency: 'EUR',
        price_rule: null,
        price_note: null,
        origin: 'manual',
        trigger_note: null,
        lead_time_days: 3,
        expected_date: null,
        first_received_at: ms(line.receivedAt ?? line.closedAt),
        received_at: ms(line.receivedAt),
        actual_lead_time_days: 2,
        on_time: line.onTime,
        in_full: line.inFull,
        created_at: ms(sentAt)!,
        updated_at: ms(sentAt)!,
      })
      .execute();
  };
  const boltWs = await ids('BOLT', 'WS');
  const nutDc = await ids('NUT', 'DC');
  await order(boltWs, '2026-06-01T08:00:00Z', {
    receivedAt: '2026-06-03T08:00:00Z',
    closedAt: null,
    onTime: 1,
    inFull: 1,
  });
  await order(boltWs, '2026-05-20T08:00:00Z', {
    receivedAt: '2026-06-07T08:00:00Z',
    closedAt: null,
    onTime: 0,
    inFull: 1,
  });
  await order(nutDc, '2026-06-02T08:00:00Z', {
    receivedAt: null,
    closedAt: '2026-06-08T08:00:00Z',
    onTime: 1,
    inFull: 0,
  });
  await order(boltWs, '2026-05-12T08:00:00Z', {
    receivedAt: '2026-05-15T08:00:00Z',
    closedAt: null,
    onTime: 1,
    inFull: 1,
  });
}

/** Stores a plan recommendation with only the columns the metrics and counts read (the class and the forecast). */
export async function recommendClass(
  database: Database,
  sku: string,
  location: string,
  abc: 'A' | 'B' | 'C',
  meanPerDay: number | null = null,
): Promise<void> {
  await storeRecommendation(database, sku, location, {
    computed_at: METRICS_NOW,
    data_through: '2026-06-10',
    mean_per_day: meanPerDay,
    abc,
    xyz: null,
    buffer_days: null,
  });
}

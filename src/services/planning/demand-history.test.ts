import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import type { Database } from '../../store/database.js';
import { upsertDemandHistoryRows } from '../../store/planning/demand-history.repository.js';
import type { ServiceContext } from '../context.js';
import { postMovements, reverseMovement } from '../ledger.service.js';
import { createLocation } from '../location.service.js';
import { setPolicy } from '../policy.service.js';
import {
  type DemandHistory,
  decodeDemand,
  encodeDemand,
  readDemandHistories,
  refreshDemandHistory,
} from './demand-history.js';

const DAY = 86_400_000;
/** Friday 10 April 2026, 12:00 in Berlin: the 30-day window is 11 March … 9 April (local days). */
const now = Date.UTC(2026, 3, 10, 10);
const historyDays = 30;
const ctx = (at = now): ServiceContext => ({ actor: 'tester', now: at });

describeEachDialect('demand history', ({ database, dialect }) => {
  async function seed(): Promise<void> {
    await seedCatalogue(database(), {
      items: [{ sku: 'BOLT', allowNegative: true }, { sku: 'NUT', allowNegative: true }, 'GEAR', 'PUMP'],
      locations: [],
    });
    await createLocation(database(), { code: 'BER', name: 'Berlin', time_zone: 'Europe/Berlin' }, ctx());
    await createLocation(database(), { code: 'BER-A1', name: 'Rack A1', parent: 'BER' }, ctx());
    await createLocation(database(), { code: 'NYC', name: 'New York', time_zone: 'America/New_York' }, ctx());
  }

  /** Posts one movement; `at` is its occurred_at (ISO, UTC), posted at `postedAt` (default: now). */
  const post = (movement: Record<string, unknown>, at: string, postedAt = now) =>
    postMovements(database(), [{ ...movement, occurred_at: at }], ctx(postedAt));

  const pairOf = async (sku: string, code: string) => {
    const item = await database().db.selectFrom('items').select('id').where('sku', '=', sku).executeTakeFirstOrThrow();
    const place = await database()
      .db.selectFrom('locations')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    return { itemId: Number(item.id), locationId: Number(place.id) };
  };

  async function all(db: Database = database()): Promise<DemandHistory[]> {
    const out: DemandHistory[] = [];
    for await (const batch of readDemandHistories(db)) out.push(...batch);
    return out;
  }

  async function historyOf(sku: string, code: string): Promise<DemandHistory | undefined> {
    const pair = await pairOf(sku, code);
    return (await all()).find((h) => h.itemId === pair.itemId && h.locationId === pair.locationId);
  }

  /** The days with demand, by local date. */
  function demandByDate(history: DemandHistory | undefined): Record<string, number> {
    const out: Record<string, number> = {};
    if (!history) return out;
    const first = Date.parse(`${history.startDate}T00:00:00Z`);
    history.demand.forEach((units, day) => {
      if (units !== 0) out[new Date(first + day * DAY).toISOString().slice(0, 10)] = units;
    });
    return out;
  }

  function stockOutDates(history: DemandHistory): string[] {
    const first = Date.parse(`${history.startDate}T00:00:00Z`);
    return [...history.stockOut].flatMap((flag, day) =>
      flag === 1 ? [new Date(first + day * DAY).toISOString().slice(0, 10)] : [],
    );
  }

  const refresh = (at = now, days = historyDays) => refreshDemandHistory(database(), { now: at, historyDays: days });

  it('buckets demand by the site’s local date: 23:30 on 31 March in Berlin is 31 March, 00:30 is 1 April', async () => {
    await seed();
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 2 }, '2026-03-31T21:30:00Z'); // 23:30 CEST
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 3 }, '2026-03-31T22:30:00Z'); // 00:30 CEST
    // New York is UTC−4 in April: 02:00 UTC on 1 April is 22:00 on 31 March.
    await post({ type: 'issue', sku: 'BOLT', location: 'NYC', quantity: 4 }, '2026-04-01T02:00:00Z');
    await refresh();
    const berlin = await historyOf('BOLT', 'BER');
    expect(berlin?.startDate).toBe('2026-03-11');
    expect(berlin?.demand).toHaveLength(30);
    expect(demandByDate(berlin)).toEqual({ '2026-03-31': 2, '2026-04-01': 3 });
    const newYork = await historyOf('BOLT', 'NYC');
    expect(newYork?.startDate).toBe('2026-03-11');
    expect(demandByDate(newYork)).toEqual({ '2026-03-31': 4 });
  });

  it('buckets across the spring change by the bin’s site zone: 29 March 2026 in Berlin has 23 hours', async () => {
    await seed();
    // 29 March runs from 28 March 23:00 UTC to 29 March 22:00 UTC (clocks go from 02:00 to 03:00).
    await post({ type: 'sale', sku: 'NUT', location: 'BER-A1', quantity: 1 }, '2026-03-28T23:30:00Z'); // 00:30 on 29th
    await post({ type: 'sale', sku: 'NUT', location: 'BER-A1', quantity: 2 }, '2026-03-29T21:30:00Z'); // 23:30 on 29th
    await post({ type: 'sale', sku: 'NUT', location: 'BER-A1', quantity: 4 }, '2026-03-29T22:30:00Z'); // 00:30 on 30th
    await refresh();
    expect(demandByDate(await historyOf('NUT', 'BER-A1'))).toEqual({ '2026-03-29': 3, '2026-03-30': 4 });
  });

  it('holds the complete local days ending yesterday: today and days before the window are left out', async () => {
    await seed();
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 1 }, '2026-03-10T22:59:00Z'); // 10 March, 23:59
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 2 }, '2026-03-10T23:00:00Z'); // 11 March, 00:00
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 4 }, '2026-04-09T21:59:00Z'); // 9 April, 23:59
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 8 }, '2026-04-09T22:00:00Z'); // today
    await refresh();
    expect(demandByDate(await historyOf('BOLT', 'BER'))).toEqual({ '2026-03-11': 2, '2026-04-09': 4 });
  });

  it('counts issues and sales net of their reversals (on the reversed movement’s day), not transfers, receipts, adjustments, counts or scrap', async () => {
    await seed();
    await post({ type: 'receipt', sku: 'GEAR', location: 'BER', quantity: 100 }, '2026-03-20T08:00:00Z');
    const [sold] = await post({ type: 'sale', sku: 'GEAR', location: 'BER', quantity: 10 }, '2026-03-25T09:00:00Z');
    await post({ type: 'issue', sku: 'GEAR', location: 'BER', quantity: 5.5 }, '2026-03-25T10:00:00Z');
    await post({ type: 'transfer', sku: 'GEAR', from: 'BER', to: 'BER-A1', quantity: 20 }, '2026-03-26T09:00:00Z');
    await post({ type: 'adjustment', sku: 'GEAR', location: 'BER', quantity: -3 }, '2026-03-27T09:00:00Z');
    await post({ type: 'scrap', sku: 'GEAR', location: 'BER', quantity: 2 }, '2026-03-27T10:00:00Z');
    await post({ type: 'count', sku: 'GEAR', location: 'BER', quantity: 50 }, '2026-03-28T09:00:00Z');
    await post({ type: 'issue', sku: 'GEAR', location: 'BER-A1', quantity: 1 }, '2026-03-30T09:00:00Z');
    // The sale is reversed on 2 April: its 10 come off 25 March, nothing is added on 2 April.
    await reverseMovement(
      database(),
      sold!.movements[0]!.id,
      { reason: 'entered twice' },
      ctx(Date.UTC(2026, 3, 2, 9)),
    );
    await refresh();
    expect(demandByDate(await historyOf('GEAR', 'BER'))).toEqual({ '2026-03-25': 5.5 });
    expect(demandByDate(await historyOf('GEAR', 'BER-A1'))).toEqual({ '2026-03-30': 1 });
  });

  it('flags the days on hand was ≤ 0 at their start or end, rebuilding on hand from before the window', async () => {
    await seed();
    // GEAR at BER: 4 on hand from before the window; 4 sold on 15 March (ends at 0); 10 received 18 March;
    // 10 issued on 1 April (ends at 0); 5 received today. On hand now: 5.
    await post({ type: 'receipt', sku: 'GEAR', location: 'BER', quantity: 4 }, '2026-02-01T09:00:00Z');
    await post({ type: 'sale', sku: 'GEAR', location: 'BER', quantity: 4 }, '2026-03-15T09:00:00Z');
    await post({ type: 'receipt', sku: 'GEAR', location: 'BER', quantity: 10 }, '2026-03-18T09:00:00Z');
    await post({ type: 'issue', sku: 'GEAR', location: 'BER', quantity: 10 }, '2026-04-01T09:00:00Z');
    await post({ type: 'receipt', sku: 'GEAR', location: 'BER', quantity: 5 }, '2026-04-10T08:00:00Z');
    await refresh();
    const gear = (await historyOf('GEAR', 'BER'))!;
    expect(stockOutDates(gear)).toEqual([
      '2026-03-15', // ends at 0
      '2026-03-16',
      '2026-03-17',
      '2026-03-18', // starts at 0
      '2026-04-01', // ends at 0
      ...['02', '03', '04', '05', '06', '07', '08', '09'].map((d) => `2026-04-${d}`),
    ]);
    expect(demandByDate(gear)).toEqual({ '2026-03-15': 4, '2026-04-01': 10 });
  });

  it('includes make-to-order sales (backorders) as demand and never flags those pairs as stocked out', async () => {
    await seed();
    await setPolicy(database(), 'PUMP', 'NYC', { kind: 'make_to_order' }, ctx(Date.UTC(2026, 2, 1)));
    // With no stock the sale is a backorder: on hand goes to −2, the drafted order line brings it back.
    await post({ type: 'sale', sku: 'PUMP', location: 'NYC', quantity: 2 }, '2026-04-03T15:00:00Z');
    await refresh();
    const pump = (await historyOf('PUMP', 'NYC'))!;
    expect(demandByDate(pump)).toEqual({ '2026-04-03': 2 });
    expect(stockOutDates(pump)).toEqual([]);
  });

  it('keeps a row for every pair with a movement in the window or a policy, and none for others', async () => {
    await seed();
    await setPolicy(database(), 'GEAR', 'NYC', { kind: 'manual' }, ctx(Date.UTC(2026, 2, 1)));
    await post({ type: 'sale', sku: 'NUT', location: 'NYC', quantity: 1 }, '2026-01-05T12:00:00Z'); // long before
    await post({ type: 'receipt', sku: 'GEAR', location: 'BER', quantity: 1 }, '2026-04-10T06:00:00Z'); // today
    await refresh();
    const pairs = (await all()).map((h) => [h.itemId, h.locationId]);
    expect(pairs).toEqual(
      [await pairOf('GEAR', 'BER'), await pairOf('GEAR', 'NYC')]
        .sort((a, b) => a.itemId - b.itemId || a.locationId - b.locationId)
        .map((p) => [p.itemId, p.locationId]),
    );
    const policyOnly = (await historyOf('GEAR', 'NYC'))!;
    expect([...policyOnly.demand].every((d) => d === 0)).toBe(true);
    expect(stockOutDates(policyOnly)).toHaveLength(30);
  });

  it('refreshes incrementally: only the pairs with new movements (a backdated one too) are rebuilt', async () => {
    await seed();
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 1 }, '2026-03-20T10:00:00Z');
    await post({ type: 'sale', sku: 'NUT', location: 'BER', quantity: 1 }, '2026-03-20T10:00:00Z');
    await post({ type: 'sale', sku: 'BOLT', location: 'NYC', quantity: 1 }, '2026-03-20T15:00:00Z');
    const first = await refresh();
    expect(first.pairsRebuilt).toBe(3);
    expect(await refresh()).toMatchObject({ pairsRebuilt: 0, pairsShifted: 0, pairsRemoved: 0 });

    const later = now + 3_600_000;
    // Recorded now, occurred two weeks ago.
    const [backdated] = await post(
      { type: 'sale', sku: 'NUT', location: 'BER', quantity: 6 },
      '2026-03-27T10:00:00Z',
      later,
    );
    const second = await refresh(later);
    expect(second).toEqual({
      pairsRebuilt: 1,
      pairsShifted: 0,
      pairsRemoved: 0,
      throughMovementId: backdated!.movements[0]!.id,
    });
    expect(demandByDate(await historyOf('NUT', 'BER'))).toEqual({ '2026-03-20': 1, '2026-03-27': 6 });
    const rows = await database()
      .db.selectFrom('demand_history')
      .select(['item_id', 'location_id', 'updated_at', 'through_movement_id'])
      .execute();
    const nut = await pairOf('NUT', 'BER');
    for (const row of rows) {
      const rebuilt = Number(row.item_id) === nut.itemId && Number(row.location_id) === nut.locationId;
      expect(Number(row.updated_at)).toBe(rebuilt ? later : now);
    }
  });

  it('moves to a new day without reading the ledger for unchanged pairs, and equals a rebuild from scratch', async () => {
    await seed();
    await post({ type: 'receipt', sku: 'GEAR', location: 'BER', quantity: 3 }, '2026-03-12T10:00:00Z');
    await post({ type: 'sale', sku: 'GEAR', location: 'BER', quantity: 1 }, '2026-03-30T10:00:00Z');
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 2 }, '2026-03-30T10:00:00Z');
    await post({ type: 'sale', sku: 'BOLT', location: 'NYC', quantity: 5 }, '2026-03-11T16:00:00Z'); // 11 March, NY
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 7 }, '2026-04-10T07:00:00Z'); // today
    await refresh();
    expect(demandByDate(await historyOf('BOLT', 'BER'))).toEqual({ '2026-03-30': 2 });

    // The next day: BOLT@BER had a movement on the day that ended (rebuilt), GEAR@BER had none (shifted), and
    // BOLT@NYC's only movement fell out of the window and it has no policy (removed).
    const tomorrow = now + DAY;
    expect(await refresh(tomorrow)).toMatchObject({ pairsRebuilt: 1, pairsShifted: 1, pairsRemoved: 1 });
    const incremental = await all();
    expect(demandByDate(await historyOf('BOLT', 'BER'))).toEqual({ '2026-03-30': 2, '2026-04-10': 7 });
    expect((await historyOf('GEAR', 'BER'))?.startDate).toBe('2026-03-12');

    await database().db.deleteFrom('demand_history').execute();
    await database().db.deleteFrom('planning_state').execute();
    expect(await refresh(tomorrow)).toMatchObject({ pairsRebuilt: 2, pairsShifted: 0 });
    expect(await all()).toEqual(incremental);
  });

  it('rebuilds everything when the window length changes', async () => {
    await seed();
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 1 }, '2026-02-20T10:00:00Z');
    await refresh();
    expect(await all()).toEqual([]);
    expect(await refresh(now, 60)).toMatchObject({ pairsRebuilt: 1 });
    const bolt = (await historyOf('BOLT', 'BER'))!;
    expect(bolt.startDate).toBe('2026-02-09');
    expect(demandByDate(bolt)).toEqual({ '2026-02-20': 1 });
  });

  it('rebuilds everything when the cache was emptied but the watermark kept', async () => {
    await seed();
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 1 }, '2026-03-20T10:00:00Z');
    await refresh();
    await database().db.deleteFrom('demand_history').execute();
    expect(await refresh()).toMatchObject({ pairsRebuilt: 1 });
    expect(demandByDate(await historyOf('BOLT', 'BER'))).toEqual({ '2026-03-20': 1 });
  });

  it('rebuilds only the pairs asked for, leaving the watermark alone', async () => {
    await seed();
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 1 }, '2026-03-20T10:00:00Z');
    await post({ type: 'sale', sku: 'NUT', location: 'BER', quantity: 1 }, '2026-03-20T10:00:00Z');
    const pair = await pairOf('BOLT', 'BER');
    const report = await refreshDemandHistory(database(), { now, historyDays, pairs: [pair, pair] });
    expect(report).toMatchObject({ pairsRebuilt: 1 });
    expect(await all()).toHaveLength(1);
    expect(await database().db.selectFrom('planning_state').selectAll().execute()).toEqual([]);
    expect(await refresh()).toMatchObject({ pairsRebuilt: 2 });
  });

  it('survives two refreshes at once, and a late writer never replaces a row built from a later look', async () => {
    await seed();
    await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 1 }, '2026-03-20T10:00:00Z');
    await post({ type: 'sale', sku: 'NUT', location: 'NYC', quantity: 2 }, '2026-03-21T10:00:00Z');
    const [a, b] = await Promise.all([refresh(), refresh()]);
    expect(a.throughMovementId).toBe(b.throughMovementId);
    const together = await all();
    expect(together).toHaveLength(2);
    const state = await database().db.selectFrom('planning_state').select('value').executeTakeFirstOrThrow();
    expect(JSON.parse(state.value)).toMatchObject({ through_movement_id: a.throughMovementId, history_days: 30 });

    const stale = together[0]!;
    await upsertDemandHistoryRows(database().db, [
      {
        item_id: stale.itemId,
        location_id: stale.locationId,
        start_date: '2026-01-01',
        days: 1,
        demand: encodeDemand(Float64Array.of(99)),
        stock_out: Uint8Array.of(0),
        through_movement_id: a.throughMovementId - 1,
        updated_at: now,
      },
    ]);
    expect(await all()).toEqual(together);
  });

  it.runIf(dialect === 'postgres')(
    'PostgreSQL: a movement committed late with an id below the watermark is still picked up',
    async () => {
      await seed();
      await post({ type: 'sale', sku: 'BOLT', location: 'BER', quantity: 1 }, '2026-03-20T10:00:00Z');
      const first = await refresh();
      const [bolt, nut] = [await pairOf('BOLT', 'BER'), await pairOf('NUT', 'BER')];
      const movement = (id: number, pair: { itemId: number; locationId: number }, quantityMilli: number) => ({
        id,
        type: 'sale',
        item_id: pair.itemId,
        location_id: pair.locationId,
        quantity_milli: -quantityMilli,
        counted_milli: null,
        occurred_at: Date.UTC(2026, 3, 1, 10),
        recorded_at: now,
        reason: null,
        reference: null,
        actor: 'tester',
        idempotency_key: null,
        transfer_id: null,
        reverses_id: null,
        lot_id: null,
      });
      // Id w + 2 commits first; id w + 1 was drawn earlier but commits after the next refresh has run.
      const w = first.throughMovementId;
      await database()
        .db.insertInto('movements')
        .values(movement(w + 2, bolt, 2000))
        .execute();
      expect(await refresh()).toMatchObject({ pairsRebuilt: 1, throughMovementId: w + 2 });
      const state = await database().db.selectFrom('planning_state').select('value').executeTakeFirstOrThrow();
      expect(JSON.parse(state.value).gaps.map((gap: { id: number }) => gap.id)).toEqual([w + 1]);
      await database()
        .db.insertInto('movements')
        .values(movement(w + 1, nut, 3000))
        .execute();
      expect(await refresh()).toMatchObject({ pairsRebuilt: 1, throughMovementId: w + 2 });
      expect(demandByDate(await historyOf('NUT', 'BER'))).toEqual({ '2026-04-01': 3 });
    },
  );

  it('reads histories in batches ordered by item and location, or for the pairs asked', async () => {
    await seed();
    for (const sku of ['BOLT', 'NUT', 'GEAR']) {
      await post({ type: 'receipt', sku, location: 'BER', quantity: 1 }, '2026-03-20T10:00:00Z');
      await post({ type: 'receipt', sku, location: 'NYC', quantity: 1 }, '2026-03-20T10:00:00Z');
    }
    await refresh();
    const sizes: number[] = [];
    const keys: Array<[number, number]> = [];
    for await (const batch of readDemandHistories(database(), { batchSize: 4 })) {
      sizes.push(batch.length);
      keys.push(...batch.map((h): [number, number] => [h.itemId, h.locationId]));
    }
    expect(sizes).toEqual([4, 2]);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    const wanted = [await pairOf('NUT', 'NYC'), { itemId: 999_999, locationId: 1 }];
    const found: DemandHistory[] = [];
    for await (const batch of readDemandHistories(database(), { pairs: wanted })) found.push(...batch);
    expect(found.map((h) => [h.itemId, h.locationId])).toEqual([[wanted[0]!.itemId, wanted[0]!.locationId]]);
  });

  it('refuses a window of 0 days, naming history_days', async () => {
    await expect(refresh(now, 0)).rejects.toMatchObject({ code: 'LS_VALIDATION', message: /^history_days: / });
  });
});

it('encodes demand as Float64 little-endian and decodes it into an array of its own', () => {
  const values = Float64Array.of(0, 1.5, 0.001, 1e9);
  const bytes = encodeDemand(values);
  expect(bytes.byteLength).toBe(32);
  expect(new DataView(bytes.buffer, bytes.byteOffset).getFloat64(8, true)).toBe(1.5);
  const decoded = decodeDemand(bytes.subarray(0));
  expect([...decoded]).toEqual([0, 1.5, 0.001, 1e9]);
  expect(decoded.byteOffset).toBe(0);
  expect(decoded.buffer.byteLength).toBe(32);
  expect(() => decodeDemand(new Uint8Array(7))).toThrow(/not a whole number/);
});

import { beforeEach, expect, it, vi } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import type { Database } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { postMovements } from '../ledger.service.js';
import { setPolicy } from '../policy.service.js';
import { createSupplier } from '../supplier.service.js';
import { addSupplierItem } from '../supplier-item.service.js';
import {
  getSupplierScorecard,
  leadTimeHistogram,
  leadTimeStatsBySupplier,
  leadTimeStatsBySupplierItem,
  listLeadTimes,
} from './lead-time.service.js';
import { detectLeadTimeShifts, runDueLeadTimeShiftCheck } from './lead-time-shift.service.js';
import { type PlanPair, replanPairs } from './plan.service.js';

// The real re-plan, watched: how often it runs and with what.
vi.mock('./plan.service.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./plan.service.js')>();
  return { ...actual, replanPairs: vi.fn(actual.replanPairs) };
});
const replan = vi.mocked(replanPairs);

const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 30, 12);
const iso = (ms: number) => new Date(ms).toISOString();
const ctx = (at = now): ServiceContext => ({ actor: 'tester', now: at });

/** A done purchase-order line written straight into the tables: sent `daysAgo` + lead time before now. */
type DoneLine = {
  supplierItem: number;
  doneDaysAgo: number;
  leadTimeDays: number | null;
  onTime?: boolean | null;
  inFull?: boolean | null;
  /** Closed short (the order's closed_at is the time done) instead of received in full. */
  closedShort?: boolean;
};

async function insertDoneLines(database: Database, lines: DoneLine[]): Promise<void> {
  for (const line of lines) {
    const source = await database.db
      .selectFrom('supplier_items')
      .select(['item_id', 'supplier_id'])
      .where('id', '=', line.supplierItem)
      .executeTakeFirstOrThrow();
    const location = await database.db.selectFrom('locations').select('id').executeTakeFirstOrThrow();
    const doneAt = now - line.doneDaysAgo * DAY;
    const sentAt = doneAt - (line.leadTimeDays ?? 10) * DAY;
    const order = await database.db
      .insertInto('purchase_orders')
      .values({
        supplier_id: source.supplier_id,
        status: line.closedShort ? 'closed' : 'received',
        collecting: 0,
        currency: 'EUR',
        note: null,
        created_by: 'test',
        created_at: sentAt,
        updated_at: doneAt,
        sent_at: sentAt,
        confirmed_at: null,
        promised_date: null,
        received_at: line.closedShort ? null : doneAt,
        closed_at: line.closedShort ? doneAt : null,
        cancelled_at: null,
        cancel_reason: null,
        emailed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const flag = (value: boolean | null | undefined, otherwise: boolean) =>
      (value === undefined ? otherwise : value) === null ? null : (value ?? otherwise) ? (1 as const) : (0 as const);
    await database.db
      .insertInto('purchase_order_lines')
      .values({
        purchase_order_id: order.id,
        item_id: source.item_id,
        location_id: location.id,
        supplier_item_id: line.supplierItem,
        quantity_milli: 10_000,
        received_milli: line.closedShort ? 5_000 : 10_000,
        rejected_milli: 0,
        unit_price_minor: 100,
        currency: 'EUR',
        price_rule: 'list_price',
        price_note: null,
        origin: 'reorder_point',
        trigger_note: null,
        lead_time_days: 7,
        expected_date: null,
        first_received_at: line.leadTimeDays === null ? null : doneAt,
        received_at: line.closedShort ? null : doneAt,
        actual_lead_time_days: line.leadTimeDays,
        on_time: flag(line.onTime, true),
        in_full: flag(line.inFull, !line.closedShort),
        created_at: sentAt,
        updated_at: doneAt,
      })
      .execute();
  }
}

/** Receipts at the given lead times, one every 10 days, the last one `lastDaysAgo` days ago. */
function series(supplierItem: number, leadTimes: number[], lastDaysAgo = 1): DoneLine[] {
  return leadTimes.map((leadTimeDays, i) => ({
    supplierItem,
    leadTimeDays,
    doneDaysAgo: lastDaysAgo + (leadTimes.length - 1 - i) * 10,
  }));
}

const STEADY = [7, 6, 8, 7, 7, 6.5, 7.5, 7, 8, 6];
const LONGER = [12, 11.5, 12.5, 12, 13];

describeEachDialect('lead times from receipts', ({ database }) => {
  beforeEach(() => {
    replan.mockClear();
  });

  /** BOLT from ACME (rank 1) or BETA (rank 2), a reorder-point policy at WS; NUT from ACME (rank 1) or BETA (rank 2)
   * with a kanban loop ordering from BETA. */
  async function seed() {
    await seedCatalogue(database(), { items: ['BOLT', 'NUT', 'WASHER'], locations: ['WS'] });
    await createSupplier(database(), { code: 'ACME', name: 'Acme', lead_time_days: 7 }, ctx());
    await createSupplier(database(), { code: 'BETA', name: 'Beta', lead_time_days: 9 }, ctx());
    const add = (sku: string, supplier: string, rank: number, lead?: number) =>
      addSupplierItem(database(), sku, { supplier, rank, ...(lead !== undefined && { lead_time_days: lead }) }, ctx());
    await add('BOLT', 'ACME', 1);
    await add('BOLT', 'BETA', 2);
    await add('NUT', 'ACME', 1, 5);
    await add('NUT', 'BETA', 2);
    // 91 days of demand: BOLT 5 a day, NUT 2 a day, from stock received before.
    const start = now - 92 * DAY;
    await postMovements(
      database(),
      [
        { type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 1000, occurred_at: new Date(start).toISOString() },
        { type: 'receipt', sku: 'NUT', location: 'WS', quantity: 1000, occurred_at: new Date(start).toISOString() },
        ...Array.from({ length: 91 }, (_, day) => [
          { type: 'issue', sku: 'BOLT', location: 'WS', quantity: 5, occurred_at: iso(start + (day + 1) * DAY) },
          { type: 'issue', sku: 'NUT', location: 'WS', quantity: 2, occurred_at: iso(start + (day + 1) * DAY) },
        ]).flat(),
      ],
      ctx(),
    );
    await setPolicy(database(), 'BOLT', 'WS', { kind: 'reorder_point', reorder_point: 10, target: 50 }, ctx());
    await setPolicy(
      database(),
      'NUT',
      'WS',
      { kind: 'kanban', cards: 3, container_quantity: 20, supplier: 'BETA' },
      ctx(),
    );
    const ids = await database()
      .db.selectFrom('supplier_items as si')
      .innerJoin('items as i', 'i.id', 'si.item_id')
      .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
      .select(['si.id', 'i.sku', 's.code'])
      .execute();
    const id = (sku: string, supplier: string) => Number(ids.find((r) => r.sku === sku && r.code === supplier)!.id);
    return {
      boltAcme: id('BOLT', 'ACME'),
      boltBeta: id('BOLT', 'BETA'),
      nutAcme: id('NUT', 'ACME'),
      nutBeta: id('NUT', 'BETA'),
    };
  }

  async function planChanges() {
    const rows = await database()
      .db.selectFrom('plan_changes as c')
      .innerJoin('items as i', 'i.id', 'c.item_id')
      .innerJoin('locations as l', 'l.id', 'c.location_id')
      .select(['c.cause', 'i.sku', 'l.code as location', 'c.at', 'c.note', 'c.before', 'c.after'])
      .orderBy('c.id')
      .execute();
    return rows.map((r) => ({
      ...r,
      at: Number(r.at),
      before: r.before === null ? null : JSON.parse(r.before),
      after: r.after === null ? null : JSON.parse(r.after),
    }));
  }

  async function pairNames(pairs: PlanPair[]) {
    const rows = await database()
      .db.selectFrom('items as i')
      .innerJoin('locations as l', (join) => join.onTrue())
      .select(['i.id as item_id', 'l.id as location_id', 'i.sku', 'l.code'])
      .execute();
    return pairs.map((p) => {
      const row = rows.find((r) => Number(r.item_id) === p.itemId && Number(r.location_id) === p.locationId)!;
      return `${row.sku}@${row.code}`;
    });
  }

  it('measures each supplier item over the receipts of the last two years, counting short closures as not in full', async () => {
    const ids = await seed();
    await insertDoneLines(database(), [
      ...series(ids.boltAcme, [6, 8, 7, 9]),
      { supplierItem: ids.boltAcme, doneDaysAgo: 5, leadTimeDays: 10, onTime: false },
      { supplierItem: ids.boltAcme, doneDaysAgo: 3, leadTimeDays: 5, closedShort: true },
      { supplierItem: ids.boltAcme, doneDaysAgo: 800, leadTimeDays: 40 },
      ...series(ids.nutAcme, [4]),
    ]);
    const stats = await leadTimeStatsBySupplierItem(database(), { now });
    // 6 8 7 9 10 5 (the 40-day line is older than 730 days): mean 7.5, Σ(x − 7.5)² = 2.25 + .25 + .25 + 2.25 + 6.25
    // + 6.25 = 17.5, s = √3.5; sorted 5 6 7 8 9 10, h = 4.5, p90 = 9.5. Late 1 of 6; short 1 of 6; OTIF 4/6.
    expect(stats.get(ids.boltAcme)).toEqual({
      receipts: 6,
      meanDays: 7.5,
      sdDays: Math.sqrt(3.5),
      p90Days: 9.5,
      onTimeRate: 5 / 6,
      inFullRate: 5 / 6,
      otif: 4 / 6,
    });
    expect(stats.get(ids.nutAcme)).toMatchObject({ receipts: 1, meanDays: 4, sdDays: null });
    expect(stats.has(ids.boltBeta)).toBe(false);
    // Read 1, 2 or 3 lines at a time, a supplier item's lines span several pages: the same figures.
    for (const pageRows of [1, 2, 3]) {
      expect(await leadTimeStatsBySupplierItem(database(), { now, pageRows })).toEqual(stats);
    }
    const one = await leadTimeStatsBySupplierItem(database(), { now, supplierItemIds: [ids.nutAcme, ids.boltBeta] });
    expect([...one]).toEqual([[ids.nutAcme, stats.get(ids.nutAcme)]]);
    expect((await leadTimeStatsBySupplierItem(database(), { now, supplierItemIds: [] })).size).toBe(0);

    // ACME over one year: the six BOLT lines and the NUT line.
    const bySupplier = await leadTimeStatsBySupplier(database(), { now });
    const acme = await database().db.selectFrom('suppliers').select('id').where('code', '=', 'ACME').executeTakeFirst();
    expect(bySupplier.get(Number(acme!.id))).toMatchObject({ receipts: 7, otif: 5 / 7 });
  });

  it('a shift re-plans its dependent pairs exactly once, a second detection does not repeat it, and the plan then sees the new lead time', async () => {
    const ids = await seed();
    await insertDoneLines(database(), series(ids.boltAcme, [...STEADY, ...LONGER]));

    const first = await detectLeadTimeShifts(database(), ctx());
    expect(first.errors).toEqual([]);
    expect(first.shifts).toHaveLength(1);
    expect(first.shifts[0]).toMatchObject({
      supplier: 'ACME',
      sku: 'BOLT',
      before: { mean_days: 7, receipts: 10 },
      after: { mean_days: 12.2, receipts: 5 },
      pairs: [{ sku: 'BOLT', location: 'WS' }],
      replanned: true,
    });
    expect(first.shifts[0]!.reason).toMatch(/lengthened/);
    expect(replan).toHaveBeenCalledTimes(1);
    const [, , pairs, options] = replan.mock.calls[0]!;
    expect(await pairNames(pairs)).toEqual(['BOLT@WS']);
    expect(options).toMatchObject({
      cause: 'lead_time_shift',
      apply: true,
      note: expect.stringContaining('ACME BOLT'),
    });

    const baseline = await database()
      .db.selectFrom('lead_time_baselines')
      .selectAll()
      .where('supplier_item_id', '=', ids.boltAcme)
      .executeTakeFirstOrThrow();
    // The new regime starts at the first 12-day receipt (the 11th of 15, done 41 days ago).
    expect(baseline).toMatchObject({ receipts: 5, shifted_at: now - 41 * DAY, updated_at: now });
    expect(Number(baseline.mean_days)).toBeCloseTo(12.2, 5);
    const reviews = await database().db.selectFrom('review_items').select(['reason', 'message']).execute();
    expect(reviews).toEqual([{ reason: 'lead_time_changed', message: expect.stringContaining('Re-planned 1 item') }]);
    // One batch in the plan's log: BOLT@WS, before and after, its reorder point now covering 12.2 days of 5 a day.
    const changes = await planChanges();
    expect(changes).toEqual([
      {
        cause: 'lead_time_shift',
        sku: 'BOLT',
        location: 'WS',
        at: now,
        note: expect.stringContaining('ACME BOLT: Lead time lengthened'),
        before: expect.objectContaining({ kind: 'reorder_point', reorder_point: 10 }),
        after: expect.objectContaining({ kind: 'reorder_point' }),
      },
    ]);
    expect(changes[0]!.after.reorder_point).toBeGreaterThanOrEqual(5 * 12.2);
    // It was planned on the new regime's lead time (12 11.5 12.5 12 13: mean 12.2, s = √0.325), not on all 15.
    const planned = await database()
      .db.selectFrom('plan_recommendations')
      .select(['lead_time_days', 'lead_time_sd_days', 'lead_time_source'])
      .executeTakeFirstOrThrow();
    expect(planned.lead_time_source).toBe('measured');
    expect(Number(planned.lead_time_days)).toBeCloseTo(12.2, 5);
    expect(Number(planned.lead_time_sd_days)).toBeCloseTo(Math.sqrt(0.325), 5);

    const second = await detectLeadTimeShifts(database(), ctx(now + 1000));
    expect(second.shifts).toEqual([]);
    expect(replan).toHaveBeenCalledTimes(1);
    expect(await planChanges()).toHaveLength(1);
    // The plan measures the new regime only: the five longer lead times.
    expect((await leadTimeStatsBySupplierItem(database(), { now })).get(ids.boltAcme)).toMatchObject({
      receipts: 5,
      meanDays: 12.2,
    });

    // Three more receipts at the new lead time: still nothing to do.
    await insertDoneLines(
      database(),
      series(ids.boltAcme, [12, 12.5, 11.5], 0.5).map((l, i) => ({ ...l, doneDaysAgo: 0.5 - i * 0.1 })),
    );
    expect((await detectLeadTimeShifts(database(), ctx(now + 2000))).shifts).toEqual([]);
    expect(replan).toHaveBeenCalledTimes(1);
  });

  it('noise around a steady lead time sets a baseline and re-plans nothing', async () => {
    const ids = await seed();
    await insertDoneLines(database(), series(ids.boltAcme, [7, 9, 5, 8, 6, 10, 4, 7, 8, 6, 9, 5, 7, 8.5, 6]));
    const report = await detectLeadTimeShifts(database(), ctx());
    expect(report).toMatchObject({ checked: 1, baselines_set: 1, shifts: [], errors: [] });
    expect(replan).not.toHaveBeenCalled();
    const baseline = await database().db.selectFrom('lead_time_baselines').selectAll().executeTakeFirstOrThrow();
    expect(baseline).toMatchObject({ receipts: 15, shifted_at: null });
    // PostgreSQL stores `real` as a 4-byte float: about 7 significant digits.
    expect(Number(baseline.mean_days)).toBeCloseTo(105.5 / 15, 5);
    expect((await detectLeadTimeShifts(database(), ctx(now + 1000))).baselines_set).toBe(0);
  });

  it('waits for 5 long-run and 3 recent receipts', async () => {
    const ids = await seed();
    await insertDoneLines(database(), series(ids.boltAcme, [7, 7, 7, 7, 7, 20, 20]));
    expect(await detectLeadTimeShifts(database(), ctx())).toMatchObject({ checked: 1, baselines_set: 0, shifts: [] });
    await insertDoneLines(database(), [{ supplierItem: ids.boltAcme, doneDaysAgo: 0.5, leadTimeDays: 20 }]);
    expect((await detectLeadTimeShifts(database(), ctx())).shifts).toHaveLength(1);
  });

  it('two detections racing re-plan once', async () => {
    const ids = await seed();
    await insertDoneLines(database(), series(ids.boltAcme, [...STEADY, ...LONGER]));
    const reports = await Promise.all([
      detectLeadTimeShifts(database(), ctx()),
      detectLeadTimeShifts(database(), ctx()),
      detectLeadTimeShifts(database(), ctx()),
    ]);
    expect(reports.flatMap((r) => r.shifts)).toHaveLength(1);
    expect(replan).toHaveBeenCalledTimes(1);
    expect((await planChanges()).map((c) => `${c.cause} ${c.sku}@${c.location}`)).toEqual(['lead_time_shift BOLT@WS']);
  });

  it('a kanban loop depends on its own supplier, and a shortening back to the old lead time is a new shift', async () => {
    const ids = await seed();
    // NUT's primary source is ACME, but its kanban loop orders from BETA: only BETA's shift re-plans NUT@WS.
    await insertDoneLines(database(), [
      ...series(ids.nutAcme, [...STEADY, ...LONGER]),
      ...series(ids.nutBeta, [...STEADY, ...LONGER]),
    ]);
    const report = await detectLeadTimeShifts(database(), ctx());
    expect(report.shifts.map((s) => [s.supplier, s.pairs.map((p) => `${p.sku}@${p.location}`)])).toEqual([
      ['ACME', []],
      ['BETA', ['NUT@WS']],
    ]);
    expect(replan).toHaveBeenCalledTimes(1);

    // BETA delivers in 7 days again: the regime (5 long receipts) has a long run; 3 recent at 7 are a shortening.
    await insertDoneLines(
      database(),
      [7, 6.5, 7.5].map((leadTimeDays, i) => ({ supplierItem: ids.nutBeta, doneDaysAgo: 0.5 - i * 0.1, leadTimeDays })),
    );
    const back = await detectLeadTimeShifts(database(), ctx(now + 1000), { supplierItemIds: [ids.nutBeta] });
    expect(back.shifts).toEqual([
      expect.objectContaining({
        supplier: 'BETA',
        reason: expect.stringMatching(/shortened/),
        after: expect.objectContaining({ mean_days: 7 }),
      }),
    ]);
    expect(replan).toHaveBeenCalledTimes(2);
  });

  it('the scheduler checks every supplier item once an hour, one process at a time', async () => {
    const ids = await seed();
    await insertDoneLines(database(), series(ids.boltAcme, [...STEADY, ...LONGER]));
    const racing = await Promise.all([
      runDueLeadTimeShiftCheck(database(), now),
      runDueLeadTimeShiftCheck(database(), now),
    ]);
    expect(racing.filter((r) => r !== null)).toEqual([
      expect.objectContaining({ checked: 1, shifts: [expect.anything()] }),
    ]);
    expect(await runDueLeadTimeShiftCheck(database(), now + 3_599_999)).toBeNull();
    expect(await runDueLeadTimeShiftCheck(database(), now + 3_600_000)).toMatchObject({ checked: 1, shifts: [] });
    expect(replan).toHaveBeenCalledTimes(1);
    expect(replan.mock.calls[0]![1]).toEqual({ actor: 'scheduler', now });
  });

  it('lists lead times per supplier item with the quoted lead time and the baseline, filtered by supplier and SKU', async () => {
    const ids = await seed();
    await insertDoneLines(database(), series(ids.boltAcme, STEADY));
    await detectLeadTimeShifts(database(), ctx());
    const page = await listLeadTimes(database(), { now, supplier: 'ACME' });
    expect(page.data.map((r) => r.sku)).toEqual(['BOLT', 'NUT']);
    expect(page.data[0]).toMatchObject({
      supplier: 'ACME',
      sku: 'BOLT',
      quoted_lead_time_days: 7,
      receipts: 10,
      mean_days: 7,
      otif: 1,
      baseline: { mean_days: 7, receipts: 10, shifted_at: null, updated_at: new Date(now).toISOString() },
    });
    expect(page.data[1]).toMatchObject({
      sku: 'NUT',
      quoted_lead_time_days: 5,
      receipts: 0,
      mean_days: null,
      baseline: null,
    });
    const bolt = await listLeadTimes(database(), { now, sku: 'BOLT', limit: 1 });
    expect(bolt.data.map((r) => r.supplier)).toEqual(['ACME']);
    const next = await listLeadTimes(database(), { now, sku: 'BOLT', limit: 1, cursor: bolt.next_cursor! });
    expect(next).toMatchObject({ data: [{ supplier: 'BETA', quoted_lead_time_days: 9 }], next_cursor: null });
    await expect(listLeadTimes(database(), { now, supplier: 'NOPE' })).rejects.toMatchObject({
      code: 'LS_UNKNOWN_SUPPLIER',
      message: expect.stringContaining('NOPE'),
    });
    await expect(listLeadTimes(database(), { now, sku: 'NOPE' })).rejects.toMatchObject({ code: 'LS_UNKNOWN_ITEM' });
  });

  it('scores a supplier: OTIF, lead time, histogram, monthly trend and worst items', async () => {
    const ids = await seed();
    await insertDoneLines(database(), [
      // BOLT: June 6, 8 days (on time); May 10 days (late).
      { supplierItem: ids.boltAcme, doneDaysAgo: 2, leadTimeDays: 6 },
      { supplierItem: ids.boltAcme, doneDaysAgo: 3, leadTimeDays: 8 },
      { supplierItem: ids.boltAcme, doneDaysAgo: 40, leadTimeDays: 10, onTime: false },
      // NUT: June 5 days but short; April nothing came.
      { supplierItem: ids.nutAcme, doneDaysAgo: 4, leadTimeDays: 5, closedShort: true },
      { supplierItem: ids.nutAcme, doneDaysAgo: 70, leadTimeDays: null, onTime: false, closedShort: true },
      // Older than a year: not scored.
      { supplierItem: ids.nutAcme, doneDaysAgo: 400, leadTimeDays: 30 },
    ]);
    const card = await getSupplierScorecard(database(), 'ACME', { now });
    // 5 lines; OTIF: only the two BOLT lines in June (2/5); on time 3/5; in full 3/5. Lead times 6 8 10 5:
    // mean 7.25, p90 at h = 2.7 of 5 6 8 10 = 8 + 0.7 × 2 = 9.4.
    expect(card).toMatchObject({
      supplier: 'ACME',
      name: 'Acme',
      from: '2025-06-30',
      to: '2026-06-30',
      lines: 5,
      otif: 0.4,
      on_time_rate: 0.6,
      in_full_rate: 0.6,
      lead_time: { receipts: 4, mean_days: 7.25, quoted_days: 7 },
    });
    expect(card.lead_time.p90_days).toBeCloseTo(9.4, 12);
    expect(card.histogram).toEqual([
      { from_days: 5, to_days: 6, lines: 1 },
      { from_days: 6, to_days: 7, lines: 1 },
      { from_days: 7, to_days: 8, lines: 0 },
      { from_days: 8, to_days: 9, lines: 1 },
      { from_days: 9, to_days: 10, lines: 0 },
      { from_days: 10, to_days: 11, lines: 1 },
    ]);
    expect(card.monthly).toHaveLength(12);
    expect(card.monthly[0]!.month).toBe('2025-07');
    expect(card.monthly.at(-1)).toMatchObject({ month: '2026-06', lines: 3, mean_lead_time_days: 19 / 3, otif: 2 / 3 });
    expect(card.monthly.find((m) => m.month === '2026-05')).toMatchObject({ lines: 1, otif: 0 });
    expect(card.monthly.find((m) => m.month === '2026-04')).toMatchObject({ lines: 1, mean_lead_time_days: null });
    expect(card.monthly.find((m) => m.month === '2026-01')).toMatchObject({ lines: 0, otif: null });
    expect(card.worst_items.map((w) => [w.sku, w.lines, w.failed_lines, w.otif])).toEqual([
      ['NUT', 2, 2, 0],
      ['BOLT', 3, 1, 2 / 3],
    ]);
    await expect(getSupplierScorecard(database(), 'NOPE', { now })).rejects.toMatchObject({
      code: 'LS_UNKNOWN_SUPPLIER',
      message: 'code: unknown supplier "NOPE"',
    });
  });
});

it('bins lead times by whole days, wider bins for a wide range', () => {
  expect(leadTimeHistogram([])).toEqual([]);
  expect(leadTimeHistogram([3.2, 3.9, 5])).toEqual([
    { from_days: 3, to_days: 4, lines: 2 },
    { from_days: 4, to_days: 5, lines: 0 },
    { from_days: 5, to_days: 6, lines: 1 },
  ]);
  // Range 2 … 92 = 90 days: bins of ⌈90/30⌉ = 3 days, 31 of them, the last holding 92.
  const wide = leadTimeHistogram([2, 4.9, 5, 92]);
  expect(wide[0]).toEqual({ from_days: 2, to_days: 5, lines: 2 });
  expect(wide[1]).toEqual({ from_days: 5, to_days: 8, lines: 1 });
  expect(wide.at(-1)).toEqual({ from_days: 92, to_days: 95, lines: 1 });
  expect(wide.reduce((sum, b) => sum + b.lines, 0)).toBe(4);
});

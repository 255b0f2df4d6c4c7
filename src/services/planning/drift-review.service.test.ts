import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { recommendClass } from '../../../test/support/metrics-fixture.js';
import type { Database } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { postMovements } from '../ledger.service.js';
import { setPolicy } from '../policy.service.js';
import { listReviewItems } from '../purchasing/review-items.service.js';
import { reviewDrift, runDailyDriftReview } from './drift-review.service.js';

const DAY = 86_400_000;
/** 11 June 2026, 12:00 UTC. The review reads the 208 days before 11 June: 28 recent after 180 earlier. */
const now = Date.UTC(2026, 5, 11, 12);
const firstDay = Math.floor(now / DAY) - 208;
/** 09:00 UTC of window day d (0 = 15 November 2025, 207 = 10 June 2026): 10:00 or 11:00 in Berlin, the same date. */
const at = (d: number) => new Date((firstDay + d) * DAY + 9 * 3_600_000).toISOString();
const ctx = (time = now): ServiceContext => ({ actor: 'reviewer', now: time });
/** The policies' own trigger also lists items without a supplier (`no_supplier_items`); these tests look past it. */
const OTHERS = new Set(['no_supplier_items']);

type Move = { type: string; quantity: number; occurred_at: string };
const receipt = (d: number, quantity: number): Move => ({ type: 'receipt', quantity, occurred_at: at(d) });
const issue = (d: number, quantity: number): Move => ({ type: 'issue', quantity, occurred_at: at(d) });

async function post(database: Database, sku: string, moves: Move[]) {
  await postMovements(
    database,
    moves.map((m) => ({ ...m, sku, location: 'WS' })),
    ctx(),
  );
}

/**
 * SHIFT: 4, 6, 4, 6 … a day for 180 days, then 7, 9 … for 28: from 5 to 8 a day.
 * OUTS: 10 in and 10 out three times 80, 60 and 40 days before the end: three stock-outs in 90 days.
 * EXCESS: 708 in, 1 a day out: 500 left, 300 more than S = 20 plus 90 days at the plan's forecast of 2 a day.
 * DEAD: 40 in 200 days before the end, nothing since. FINE: 500 in, 2 a day out, S = 100: nothing to say.
 */
async function seed(database: Database) {
  await seedCatalogue(database, { items: ['SHIFT', 'OUTS', 'EXCESS', 'DEAD', 'FINE'], locations: ['WS'] });
  const setup = ctx(Date.UTC(2025, 10, 1));
  for (const sku of ['SHIFT', 'OUTS', 'EXCESS', 'FINE']) {
    const target = { SHIFT: 5000, OUTS: 20, EXCESS: 20, FINE: 100 }[sku];
    await setPolicy(database, sku, 'WS', { kind: 'reorder_point', reorder_point: 1, target }, setup);
  }
  const days = (n: number, f: (d: number) => Move) => Array.from({ length: n }, (_, d) => f(d));
  await post(database, 'SHIFT', [
    receipt(0, 5000),
    ...days(208, (d) => issue(d, d < 180 ? (d % 2 === 0 ? 4 : 6) : d % 2 === 0 ? 7 : 9)),
  ]);
  await post(database, 'OUTS', [
    receipt(123, 10),
    issue(128, 10),
    receipt(138, 10),
    issue(148, 10),
    receipt(158, 10),
    issue(168, 10),
    receipt(178, 10),
  ]);
  await post(database, 'EXCESS', [receipt(0, 708), ...days(208, (d) => issue(d, 1))]);
  await recommendClass(database, 'EXCESS', 'WS', 'A', 2);
  await post(database, 'DEAD', [receipt(8, 40)]);
  await post(database, 'FINE', [receipt(0, 500), ...days(208, (d) => issue(d, 2))]);
}

describeEachDialect('the drift review', ({ database }) => {
  it('raises each reason once with its numbers, and not again while it is open', async () => {
    await seed(database());
    const first = await reviewDrift(database(), ctx());
    expect(first.pairs_checked).toBe(5);
    expect(first.raised.map((r) => [r.sku, r.reason])).toEqual([
      ['SHIFT', 'demand_shift'],
      ['OUTS', 'repeated_stockouts'],
      ['EXCESS', 'excess'],
      ['DEAD', 'dead_stock'],
    ]);
    const message = (sku: string) => first.raised.find((r) => r.sku === sku)!.message;
    expect(message('SHIFT')).toMatch(
      /^Demand rose 60 %: 8 pcs a day over the last 28 days \(28 in stock\) against 5 pcs a day over the 180 days before \(180 in stock\); Welch t = [\d.]+ \(p < 0\.001\), pooled t = [\d.]+ \(p < 0\.001\)\.$/,
    );
    // Out on days 128–138, 148–158 and 168–178: the issue's day, the days that open at 0, and the receipt's day (it
    // opened at 0 too): 3 × 11.
    expect(message('OUTS')).toBe(
      'Ran out of stock 3 times in the last 90 days (at least 3 is repeated), on 33 days in all.',
    );
    expect(message('EXCESS')).toBe(
      "On hand 500 pcs is 300 pcs above the target 20 pcs plus 90 days of demand (90 × 2 pcs a day from the plan's forecast = 180 pcs).",
    );
    expect(message('DEAD')).toBe('On hand 40 pcs and no demand in the last 180 days.');

    const listed = await listReviewItems(database(), {});
    expect(listed.data.filter((r) => !OTHERS.has(r.reason))).toHaveLength(4);

    const second = await reviewDrift(database(), ctx(now + 3_600_000));
    expect(second).toMatchObject({ raised: [], still_open: 4, resolved: [] });
    const again = await listReviewItems(database(), {});
    expect(again.data.filter((r) => r.reason === 'excess')).toHaveLength(1);
  });

  it('resolves an entry once its reason no longer holds, and raises it anew when it returns', async () => {
    await seed(database());
    await reviewDrift(database(), ctx());
    // 420 of EXCESS go out today: 80 left, below 20 + 180.
    await postMovements(database(), [{ type: 'issue', sku: 'EXCESS', location: 'WS', quantity: 420 }], ctx());
    const review = await reviewDrift(database(), ctx(now + 60_000));
    expect(review.resolved).toEqual([{ sku: 'EXCESS', location: 'WS', reason: 'excess' }]);
    const resolved = await listReviewItems(database(), { sku: 'EXCESS', includeResolved: true });
    expect(resolved.data.filter((r) => !OTHERS.has(r.reason)).map((r) => [r.reason, r.resolved_at !== null])).toEqual([
      ['excess', true],
    ]);

    await postMovements(database(), [{ type: 'receipt', sku: 'EXCESS', location: 'WS', quantity: 1000 }], ctx());
    const back = await reviewDrift(database(), ctx(now + 120_000));
    expect(back.raised.map((r) => [r.sku, r.reason])).toEqual([['EXCESS', 'excess']]);
    const both = await listReviewItems(database(), { sku: 'EXCESS', includeResolved: true });
    expect(both.data.filter((r) => !OTHERS.has(r.reason)).map((r) => r.resolved_at === null)).toEqual([true, false]);
  });

  it('leaves reasons raised by others alone', async () => {
    await seed(database());
    const dead = await database()
      .db.selectFrom('items')
      .select('id')
      .where('sku', '=', 'FINE')
      .executeTakeFirstOrThrow();
    const ws = await database()
      .db.selectFrom('locations')
      .select('id')
      .where('code', '=', 'WS')
      .executeTakeFirstOrThrow();
    await database()
      .db.insertInto('review_items')
      .values({
        item_id: dead.id,
        location_id: ws.id,
        reason: 'lead_time_changed',
        message: 'Lead time lengthened.',
        created_at: now,
        updated_at: now,
        resolved_at: null,
        resolved_by: null,
      })
      .execute();
    const review = await reviewDrift(database(), ctx());
    expect(review.resolved).toEqual([]);
    const fine = await listReviewItems(database(), { sku: 'FINE' });
    expect(fine.data.filter((r) => !OTHERS.has(r.reason)).map((r) => [r.reason, r.resolved_at])).toEqual([
      ['lead_time_changed', null],
    ]);
  });

  it('runs from the scheduler once a UTC day, whichever process asks first', async () => {
    await seed(database());
    const [a, b] = await Promise.all([
      runDailyDriftReview(database(), ctx()),
      runDailyDriftReview(database(), ctx(now + 1000)),
    ]);
    const ran = [a, b].filter((r) => r !== undefined);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ date: '2026-06-11', error: null });
    expect(ran[0]!.report!.raised).toHaveLength(4);
    expect(await runDailyDriftReview(database(), ctx(now + 3_600_000))).toBeUndefined();
    const tomorrow = await runDailyDriftReview(database(), ctx(now + DAY));
    expect(tomorrow).toMatchObject({ date: '2026-06-12', error: null });
    expect(tomorrow!.report!.raised).toEqual([]);
  });
});

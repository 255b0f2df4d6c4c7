import { afterEach, describe, expect, it } from 'vitest';
import {
  createScratchDatabase,
  describeEachDialect,
  type ScratchDatabase,
  testPostgresUrl,
} from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { type Database, openDatabase } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { postMovements } from '../ledger.service.js';
import { createLocation } from '../location.service.js';
import { getPolicy, setPolicy } from '../policy.service.js';
import { listStock } from '../stock.service.js';
import { createSupplier } from '../supplier.service.js';
import { addSupplierItem } from '../supplier-item.service.js';
import { runDueReviews } from './review.service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2 March 2026, 10:00 in Berlin (CET, UTC+1). */
const t0 = Date.UTC(2026, 2, 2, 9, 0);
const ctx = (now = t0): ServiceContext => ({ actor: 'tester', now });
const utc = (...parts: [number, number, number, number?, number?]) => Date.UTC(...parts);

/** BOLT (and NUT) at the Berlin site WS, 30 on hand, from ACME at 0.10 without packs or MOQ. */
async function seed(database: Database, now = t0) {
  await seedCatalogue(database, { items: ['BOLT', 'NUT'], locations: ['WS'] });
  await createSupplier(database, { code: 'ACME', name: 'Acme' }, ctx(now));
  for (const sku of ['BOLT', 'NUT']) {
    await addSupplierItem(database, sku, { supplier: 'ACME', unit_price: 0.1 }, ctx(now));
    await postMovements(database, [{ type: 'receipt', sku, location: 'WS', quantity: 30 }], ctx(now));
  }
}

const periodic = (reviewDays: number, reviewTime = '06:00') => ({
  kind: 'periodic_review',
  review_days: reviewDays,
  target: 100,
  review_time: reviewTime,
});

async function reviewEvents(database: Database) {
  const rows = await database.db
    .selectFrom('outbox_events')
    .select(['payload', 'created_at'])
    .where('type', '=', 'policy.review_ran')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...JSON.parse(r.payload), ran_at: new Date(Number(r.created_at)).toISOString() }));
}

async function policyRow(database: Database, sku = 'BOLT') {
  return database.db
    .selectFrom('policies as p')
    .innerJoin('items as i', 'i.id', 'p.item_id')
    .select(['p.review_anchor_date', 'p.next_review_at'])
    .where('i.sku', '=', sku)
    .executeTakeFirstOrThrow();
}

async function onOrder(database: Database, sku = 'BOLT') {
  return (await listStock(database, { sku, location: 'WS' })).data[0]!.on_order;
}

describeEachDialect('periodic reviews', ({ database }) => {
  it('sets the first review at the next 06:00 of the site: tomorrow when today’s has passed, today when it is ahead', async () => {
    await seed(database());
    // 10:00 CET on Monday: Monday's 06:00 has passed, so the first review is Tuesday 06:00 CET = 05:00Z.
    const set = await setPolicy(database(), 'BOLT', 'WS', periodic(7), ctx());
    expect(set.next_review_at).toBe('2026-03-03T05:00:00.000Z');
    expect(await policyRow(database())).toMatchObject({ review_anchor_date: '2026-03-03' });
    // 05:59:59 CET on Monday: Monday's 06:00 is one second ahead.
    await setPolicy(database(), 'NUT', 'WS', periodic(7), ctx(utc(2026, 2, 2, 4, 59) + 59_000));
    expect((await getPolicy(database(), 'NUT', 'WS')).next_review_at).toBe('2026-03-02T05:00:00.000Z');
    // At 06:00 exactly the review of today is not strictly after now: tomorrow.
    await setPolicy(database(), 'NUT', 'WS', periodic(3), ctx(utc(2026, 2, 2, 5)));
    expect(await policyRow(database(), 'NUT')).toEqual({
      review_anchor_date: '2026-03-03',
      next_review_at: utc(2026, 2, 3, 5),
    });
  });

  it('keeps the calendar when only the target changes, restarts it when days or time change, clears it for other kinds', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', periodic(7), ctx());
    const later = t0 + 2 * DAY; // Wednesday 10:00 CET
    await setPolicy(database(), 'BOLT', 'WS', { ...periodic(7), target: 120 }, ctx(later));
    expect(await policyRow(database())).toEqual({
      review_anchor_date: '2026-03-03',
      next_review_at: utc(2026, 2, 3, 5),
    });
    const retimed = await setPolicy(database(), 'BOLT', 'WS', { ...periodic(7, '18:30'), target: 120 }, ctx(later));
    // Wednesday 18:30 CET is still ahead at 10:00: the new calendar starts today.
    expect(retimed.next_review_at).toBe('2026-03-04T17:30:00.000Z');
    expect(await policyRow(database())).toMatchObject({ review_anchor_date: '2026-03-04' });
    const other = await setPolicy(
      database(),
      'BOLT',
      'WS',
      { kind: 'reorder_point', reorder_point: 5, target: 50 },
      ctx(later),
    );
    expect(other).not.toHaveProperty('next_review_at');
    expect(await policyRow(database())).toEqual({ review_anchor_date: null, next_review_at: null });
  });

  it('reads the time zone of the site of a bin', async () => {
    await seed(database());
    await createLocation(database(), { code: 'NY', name: 'New York', time_zone: 'America/New_York' }, ctx());
    await createLocation(database(), { code: 'NY-A1', name: 'Rack A1', parent: 'NY' }, ctx());
    // Monday 09:00Z is 04:00 EST: 06:00 EST (11:00Z) is still ahead today.
    const set = await setPolicy(database(), 'BOLT', 'NY-A1', periodic(7), ctx());
    expect(set.next_review_at).toBe('2026-03-02T11:00:00.000Z');
  });

  it('a review due at 06:00 Berlin orders up to S exactly once; a second run at the same instant does nothing', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', periodic(7), ctx());
    expect(await runDueReviews(database(), utc(2026, 2, 3, 5) - 1)).toEqual({ reviews: [], skipped: 0, errors: [] });
    expect(await onOrder(database())).toBe(0);

    const due = utc(2026, 2, 3, 5);
    const first = await runDueReviews(database(), due);
    expect(first.errors).toEqual([]);
    expect(first.reviews).toEqual([
      {
        sku: 'BOLT',
        location: 'WS',
        due_at: '2026-03-03T05:00:00.000Z',
        missed: 0,
        next_review_at: '2026-03-10T05:00:00.000Z',
        // S − position = 100 − 30.
        triggered: [
          expect.objectContaining({ kind: 'order_line', quantity: 70, reason: 'periodic_review_below_target' }),
        ],
      },
    ]);
    expect(await onOrder(database())).toBe(70);
    expect(await runDueReviews(database(), due)).toEqual({ reviews: [], skipped: 0, errors: [] });
    expect(await onOrder(database())).toBe(70);
    const events = await reviewEvents(database());
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ sku: 'BOLT', location: 'WS', due_at: '2026-03-03T05:00:00.000Z', missed: 0 });
    expect((await getPolicy(database(), 'BOLT', 'WS')).next_review_at).toBe('2026-03-10T05:00:00.000Z');
    const orders = await database().db.selectFrom('purchase_orders').select(['created_by']).execute();
    expect(orders).toEqual([{ created_by: 'scheduler' }]);
  });

  it('a review at or above S orders nothing but still counts as done', async () => {
    await seed(database());
    await postMovements(database(), [{ type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 70 }], ctx());
    await setPolicy(database(), 'BOLT', 'WS', periodic(1), ctx());
    const run = await runDueReviews(database(), utc(2026, 2, 3, 5));
    expect(run.reviews).toEqual([expect.objectContaining({ triggered: [], missed: 0 })]);
    expect(await runDueReviews(database(), utc(2026, 2, 3, 6))).toMatchObject({ reviews: [] });
    expect(await onOrder(database())).toBe(0);
  });

  it('two runs at once on one database review each policy once', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', periodic(1), ctx());
    await setPolicy(database(), 'NUT', 'WS', periodic(1), ctx());
    const due = utc(2026, 2, 3, 5);
    const [a, b] = await Promise.all([runDueReviews(database(), due), runDueReviews(database(), due)]);
    expect(a.reviews.length + b.reviews.length).toBe(2);
    expect(await reviewEvents(database())).toHaveLength(2);
    expect([await onOrder(database(), 'BOLT'), await onOrder(database(), 'NUT')]).toEqual([70, 70]);
  });

  it('takes at most `limit` reviews per run, oldest first', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', periodic(1, '06:00'), ctx());
    await setPolicy(database(), 'NUT', 'WS', periodic(1, '05:00'), ctx());
    const run = await runDueReviews(database(), utc(2026, 2, 3, 5), { limit: 1 });
    expect(run.reviews.map((r) => r.sku)).toEqual(['NUT']);
    expect((await runDueReviews(database(), utc(2026, 2, 3, 5))).reviews.map((r) => r.sku)).toEqual(['BOLT']);
  });

  const daily = async (from: number, days: number, items: Array<[string, string]>) => {
    for (const [sku, time] of items) await setPolicy(database(), sku, 'WS', periodic(1, time), ctx(from));
    const ticks: number[] = [];
    for (let t = from + 12 * HOUR; t < from + days * DAY + 12 * HOUR; t += 15 * 60_000) ticks.push(t);
    for (const t of ticks) {
      // A sale of 5 every day at 13:00Z, so every review has something to order.
      if (t % DAY === 13 * HOUR) {
        for (const [sku] of items) {
          await postMovements(database(), [{ type: 'issue', sku, location: 'WS', quantity: 5 }], ctx(t));
        }
      }
      const run = await runDueReviews(database(), t);
      expect(run.errors).toEqual([]);
    }
    return reviewEvents(database());
  };

  it('across the spring change (Berlin, 29 Mar 2026) the 06:00 review runs once a day, at 05:00Z in winter and 04:00Z in summer', async () => {
    await seed(database(), utc(2026, 2, 26, 12));
    const events = await daily(utc(2026, 2, 26, 12), 4, [
      ['BOLT', '06:00'],
      ['NUT', '02:30'],
    ]);
    const bolt = events.filter((e) => e.sku === 'BOLT');
    expect(bolt.map((e) => e.due_at)).toEqual([
      '2026-03-27T05:00:00.000Z',
      '2026-03-28T05:00:00.000Z',
      '2026-03-29T04:00:00.000Z',
      '2026-03-30T04:00:00.000Z',
    ]);
    // Ticks every quarter hour: each review ran at its due instant, never twice, none missed.
    expect(bolt.map((e) => e.ran_at)).toEqual(bolt.map((e) => e.due_at));
    expect(bolt.map((e) => e.missed)).toEqual([0, 0, 0, 0]);
    // 70 at the first review (position 30), then the 5 sold each day.
    expect(bolt.map((e) => e.triggered.map((o: { quantity: number }) => o.quantity))).toEqual([[70], [5], [5], [5]]);
    // 02:30 does not exist on 29 March: that review runs at 03:00 CEST (01:00Z), once.
    expect(events.filter((e) => e.sku === 'NUT').map((e) => e.due_at)).toEqual([
      '2026-03-27T01:30:00.000Z',
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('across the autumn change (Berlin, 25 Oct 2026) the 06:00 review runs once a day, at 04:00Z in summer and 05:00Z in winter', async () => {
    await seed(database(), utc(2026, 9, 22, 12));
    const events = await daily(utc(2026, 9, 22, 12), 4, [
      ['BOLT', '06:00'],
      ['NUT', '02:30'],
    ]);
    const bolt = events.filter((e) => e.sku === 'BOLT');
    expect(bolt.map((e) => e.due_at)).toEqual([
      '2026-10-23T04:00:00.000Z',
      '2026-10-24T04:00:00.000Z',
      '2026-10-25T05:00:00.000Z',
      '2026-10-26T05:00:00.000Z',
    ]);
    expect(bolt.map((e) => e.ran_at)).toEqual(bolt.map((e) => e.due_at));
    // 02:30 happens twice on 25 October: the review runs at the first (CEST, 00:30Z) only.
    expect(events.filter((e) => e.sku === 'NUT').map((e) => e.due_at)).toEqual([
      '2026-10-23T00:30:00.000Z',
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });
});

const dialects = (['sqlite', 'postgres'] as const).filter((d) => d === 'sqlite' || testPostgresUrl() !== undefined);

describe.each(dialects)('periodic reviews across processes [%s]', (dialect) => {
  let scratch: ScratchDatabase | undefined;
  const open: Database[] = [];
  const connect = async () => {
    const database = await openDatabase(scratch!.config);
    open.push(database);
    return database;
  };
  afterEach(async () => {
    for (const database of open.splice(0)) await database.close();
    await scratch?.drop();
  });

  it('after a restart that missed 3 reviews, orders once and moves the next review into the future', async () => {
    scratch = await createScratchDatabase(dialect);
    const first = await connect();
    await seed(first);
    await setPolicy(first, 'BOLT', 'WS', periodic(1), ctx());
    expect((await runDueReviews(first, utc(2026, 2, 3, 5, 1))).reviews).toHaveLength(1);
    await postMovements(first, [{ type: 'issue', sku: 'BOLT', location: 'WS', quantity: 20 }], ctx(utc(2026, 2, 3, 9)));
    await first.close();
    open.splice(0);

    // Down from Tuesday until Saturday 06:30 CET: the reviews of Wednesday, Thursday and Friday were missed.
    const restarted = await connect();
    const now = utc(2026, 2, 7, 5, 30);
    const run = await runDueReviews(restarted, now);
    expect(run.reviews).toEqual([
      expect.objectContaining({
        due_at: '2026-03-07T05:00:00.000Z',
        missed: 3,
        next_review_at: '2026-03-08T05:00:00.000Z',
        // Position 10 on hand + 70 on order = 80: one order of 20, not one per missed review.
        triggered: [expect.objectContaining({ quantity: 20 })],
      }),
    ]);
    expect(await runDueReviews(restarted, now)).toEqual({ reviews: [], skipped: 0, errors: [] });
    expect(await onOrder(restarted)).toBe(90);
    expect(await policyRow(restarted)).toMatchObject({ next_review_at: utc(2026, 2, 8, 5) });
    expect((await reviewEvents(restarted)).map((e) => e.missed)).toEqual([0, 3]);
  });

  it.skipIf(dialect !== 'postgres')(
    'two schedulers on one PostgreSQL at the same instants run each review exactly once',
    async () => {
      scratch = await createScratchDatabase(dialect);
      const a = await connect();
      const b = await connect();
      await seed(a);
      await setPolicy(a, 'BOLT', 'WS', periodic(1), ctx());
      await setPolicy(a, 'NUT', 'WS', periodic(1), ctx());
      for (let day = 3; day <= 6; day++) {
        const now = utc(2026, 2, day, 5);
        const [ra, rb] = await Promise.all([runDueReviews(a, now), runDueReviews(b, now)]);
        expect([...ra.errors, ...rb.errors]).toEqual([]);
        expect(ra.reviews.length + rb.reviews.length).toBe(2);
        for (const sku of ['BOLT', 'NUT']) {
          await postMovements(a, [{ type: 'issue', sku, location: 'WS', quantity: 5 }], ctx(now + HOUR));
        }
      }
      const events = await reviewEvents(a);
      expect(events).toHaveLength(8);
      // 70 at the first review, then the 5 issued after each: 70 + 5 + 5 + 5 per item.
      expect([await onOrder(a, 'BOLT'), await onOrder(a, 'NUT')]).toEqual([85, 85]);
    },
  );
});

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { recommendClass } from '../../../test/support/metrics-fixture.js';
import type { Database } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { postMovements } from '../ledger.service.js';
import { listStock } from '../stock.service.js';
import {
  getCountTask,
  getRecordAccuracy,
  listCountTasks,
  planCycleCounts,
  recordCount,
} from './cycle-count.service.js';
import { updatePlanningSettings } from './settings.service.js';

/** Thursday 11 June 2026, 14:00 in Berlin (the sites of seedCatalogue). */
const now = Date.UTC(2026, 5, 11, 12);
const ctx = (at = now): ServiceContext => ({ actor: 'counter', now: at });

async function seed(database: Database) {
  await seedCatalogue(database, { items: ['A1', 'A2', 'B1', 'C1', 'OLD'], locations: ['WS'] });
  const receipt = (sku: string, quantity: number) => ({ type: 'receipt', sku, location: 'WS', quantity });
  await postMovements(
    database,
    [receipt('A1', 10), receipt('A2', 10), receipt('B1', 50), receipt('C1', 40), receipt('OLD', 5)],
    ctx(Date.UTC(2026, 4, 1)),
  );
  // OLD was counted on 1 June (local) and is class C: next due 1 June + 365 days.
  await postMovements(
    database,
    [{ type: 'count', sku: 'OLD', location: 'WS', quantity: 5, occurred_at: '2026-06-01T09:00:00+02:00' }],
    ctx(Date.UTC(2026, 5, 1, 8)),
  );
  await recommendClass(database, 'A1', 'WS', 'A');
  await recommendClass(database, 'A2', 'WS', 'A');
  await recommendClass(database, 'B1', 'WS', 'B');
}

describeEachDialect('cycle counts', ({ database }) => {
  it('plans one open task per pair, due by class, the never-counted spread over the interval', async () => {
    await seed(database());
    const plan = await planCycleCounts(database(), ctx());
    expect(plan).toEqual({
      created: 5,
      already_open: 0,
      classes: [
        { abc: 'A', interval_days: 30, created: 2 },
        { abc: 'B', interval_days: 91, created: 1 },
        { abc: 'C', interval_days: 365, created: 2 },
      ],
    });
    const tasks = await listCountTasks(database(), {});
    // A: 2 never counted over 30 days → today and today + 15; B: today; C1 never counted → today; OLD: 1 June + 365.
    expect(tasks.data.map((t) => [t.sku, t.abc, t.due_date, t.status])).toEqual([
      ['A1', 'A', '2026-06-11', 'open'],
      ['B1', 'B', '2026-06-11', 'open'],
      ['C1', 'C', '2026-06-11', 'open'],
      ['A2', 'A', '2026-06-26', 'open'],
      ['OLD', 'C', '2027-06-01', 'open'],
    ]);

    const again = await planCycleCounts(database(), ctx());
    expect(again).toMatchObject({ created: 0, already_open: 5 });
    expect((await listCountTasks(database(), {})).data).toHaveLength(5);
  });

  it('takes the intervals from the planning settings', async () => {
    await seed(database());
    await updatePlanningSettings(database(), ctx(), { count_interval_days_a: 10 });
    const plan = await planCycleCounts(database(), ctx(), { today: '2026-07-01' });
    expect(plan.classes[0]).toEqual({ abc: 'A', interval_days: 10, created: 2 });
    const a = await listCountTasks(database(), { sku: 'A2' });
    expect(a.data[0]!.due_date).toBe('2026-07-06');
    await expect(planCycleCounts(database(), ctx(), { today: '1 July' })).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: 'today: must be a date YYYY-MM-DD',
    });
  });

  it('lists by status, due date and location, a page at a time', async () => {
    await seed(database());
    await planCycleCounts(database(), ctx());
    const due = await listCountTasks(database(), { status: 'open', due_before: '2026-06-11', location: 'WS' });
    expect(due.data.map((t) => t.sku)).toEqual(['A1', 'B1', 'C1']);
    const first = await listCountTasks(database(), { limit: 2 });
    expect(first.data.map((t) => t.sku)).toEqual(['A1', 'B1']);
    const second = await listCountTasks(database(), { limit: 2, cursor: first.next_cursor! });
    expect(second.data.map((t) => t.sku)).toEqual(['C1', 'A2']);
    expect((await listCountTasks(database(), { status: 'counted' })).data).toEqual([]);
    await expect(listCountTasks(database(), { status: 'done' })).rejects.toMatchObject({
      message: 'status: must be one of open, counted, cancelled',
    });
    await expect(listCountTasks(database(), { due_before: 'soon' })).rejects.toMatchObject({
      message: 'due_before: must be a date YYYY-MM-DD',
    });
    await expect(listCountTasks(database(), { location: 'NOPE' })).rejects.toMatchObject({
      code: 'LS_UNKNOWN_LOCATION',
    });
  });

  it('records a count through the ledger, closes the task with expected and counted, and opens the next', async () => {
    await seed(database());
    await planCycleCounts(database(), ctx());
    const c1 = (await listCountTasks(database(), { sku: 'C1' })).data[0]!;
    const later = now + 3_600_000;
    const done = await recordCount(database(), ctx(later), c1.id, 38.5);
    // The record said 40; 38.5 were found: −1.5, 3.75 % off, within C's ±5 %.
    expect(done).toMatchObject({
      status: 'counted',
      expected: 40,
      counted: 38.5,
      difference: -1.5,
      within_tolerance: true,
      counted_by: 'counter',
      counted_at: new Date(later).toISOString(),
    });
    const stock = await listStock(database(), { sku: 'C1', location: 'WS' });
    expect(stock.data[0]!.on_hand).toBe(38.5);
    const movement = await database()
      .db.selectFrom('movements')
      .selectAll()
      .where('id', '=', done.movement_id!)
      .executeTakeFirstOrThrow();
    expect(movement).toMatchObject({ type: 'count', counted_milli: 38_500, quantity_milli: -1_500 });
    expect(movement.reference).toBe(`COUNT-TASK-${c1.id}`);
    // The next count of C1 is due a year after today.
    const open = await listCountTasks(database(), { sku: 'C1', status: 'open' });
    expect(open.data.map((t) => [t.abc, t.due_date])).toEqual([['C', '2027-06-11']]);
  });

  it('refuses a second recording (409) and a bad quantity (400 naming counted), changing nothing', async () => {
    await seed(database());
    await planCycleCounts(database(), ctx());
    const a1 = (await listCountTasks(database(), { sku: 'A1' })).data[0]!;
    const movements = async () =>
      Number(
        (
          await database()
            .db.selectFrom('movements')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await movements();
    for (const bad of [-1, 1.2345, '7', null, undefined]) {
      await expect(recordCount(database(), ctx(), a1.id, bad)).rejects.toMatchObject({
        code: 'LS_VALIDATION',
        message: expect.stringMatching(/^counted: /),
      });
    }
    expect(await movements()).toBe(before);
    expect((await getCountTask(database(), a1.id)).status).toBe('open');

    await recordCount(database(), ctx(), a1.id, 10);
    await expect(recordCount(database(), ctx(), a1.id, 9)).rejects.toMatchObject({
      code: 'LS_INVALID_STATE',
      message: `id: count task ${a1.id} is counted at ${new Date(now).toISOString()}, not open`,
    });
    expect(await movements()).toBe(before + 1);
    expect((await getCountTask(database(), a1.id)).counted).toBe(10);
    await expect(recordCount(database(), ctx(), 999_999, 1)).rejects.toMatchObject({ code: 'LS_NOT_FOUND' });
  });

  it('records one of two counts of a task racing each other', async () => {
    await seed(database());
    await planCycleCounts(database(), ctx());
    const b1 = (await listCountTasks(database(), { sku: 'B1' })).data[0]!;
    const results = await Promise.allSettled([
      recordCount(database(), ctx(), b1.id, 49),
      recordCount(database(), ctx(), b1.id, 48),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      ['LS_INVALID_STATE'],
    );
    const counts = await database().db.selectFrom('movements').select('id').where('type', '=', 'count').execute();
    expect(counts).toHaveLength(2);
  });

  it('measures record accuracy from the counts of the period by class', async () => {
    await seed(database());
    await planCycleCounts(database(), ctx());
    const task = async (sku: string) => (await listCountTasks(database(), { sku, status: 'open' })).data[0]!.id;
    await recordCount(database(), ctx(), await task('A1'), 10); // A exact: accurate
    await recordCount(database(), ctx(), await task('A2'), 9); // A 10 % off
    await recordCount(database(), ctx(), await task('B1'), 49); // B 2 % off: accurate
    await recordCount(database(), ctx(), await task('C1'), 37); // C 7.5 % off
    // OLD's count of 1 June (record 5, found 5) is in the period too: class C (no plan), accurate.
    const report = await getRecordAccuracy(database(), { from: '2026-06-01', to: '2026-06-11' }, now);
    expect(report).toMatchObject({
      from: '2026-06-01',
      to: '2026-06-11',
      counts: 5,
      accurate: 3,
      accuracy: 0.6,
      classes: [
        { abc: 'A', tolerance: 0, counts: 2, accurate: 1, accuracy: 0.5 },
        { abc: 'B', tolerance: 0.02, counts: 1, accurate: 1, accuracy: 1 },
        { abc: 'C', tolerance: 0.05, counts: 2, accurate: 1, accuracy: 0.5 },
      ],
    });
    expect(report.largest_differences.map((d) => [d.sku, d.expected, d.counted, d.difference])).toEqual([
      ['A2', 10, 9, -1],
      ['C1', 40, 37, -3],
    ]);
    // 1 June is outside 2–11 June.
    const later = await getRecordAccuracy(database(), { from: '2026-06-02', to: '2026-06-11' }, now);
    expect(later.counts).toBe(4);
  });
});

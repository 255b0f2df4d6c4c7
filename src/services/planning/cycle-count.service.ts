import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import {
  type CountCandidate,
  type CountOutcome,
  computeRecordAccuracy,
  DEFAULT_COUNT_TOLERANCES,
  isCountWithinTolerance,
  planCountDueDays,
  type RecordAccuracy,
} from '../../domain/planning/cycle-count.js';
import type { AbcClass } from '../../domain/planning/types.js';
import { parseQuantity, toQuantity } from '../../domain/quantity.js';
import { instantToLocal, parseLocalDate } from '../../domain/replenishment/local-time.js';
import { type Database, readTransaction, type Tx, writeTransaction } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { postMovementsWithin } from '../ledger.service.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import {
  dayStartsOf,
  formatDay,
  type PairFilter,
  readPairFacts,
  resolveFilter,
  resolvePeriod,
} from './metrics.service.js';
import { readPlanningSettings } from './settings.service.js';

/**
 * Cycle counting: a count task per item × location due by its ABC class, recording a count through the ledger, and
 * the accuracy of the stock records the counts found. See docs/metrics.md.
 */

export const COUNT_TASK_STATUSES = ['open', 'counted', 'cancelled'] as const;
export type CountTaskStatus = (typeof COUNT_TASK_STATUSES)[number];

export type CountTaskView = {
  id: number;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  abc: AbcClass;
  /** Site-local date. */
  due_date: string;
  status: CountTaskStatus;
  /** What the record said when counted, the count, and counted − expected; null until counted. */
  expected: number | null;
  counted: number | null;
  difference: number | null;
  /** Whether the record was within the class's tolerance (exact for A, ±2 % B, ±5 % C). */
  within_tolerance: boolean | null;
  movement_id: number | null;
  created_at: string;
  counted_at: string | null;
  counted_by: string | null;
};

export type CountPlanReport = {
  created: number;
  /** Pairs that already had an open task (it keeps its due date). */
  already_open: number;
  classes: Array<{ abc: AbcClass; interval_days: number; created: number }>;
};

const ABC: readonly AbcClass[] = ['A', 'B', 'C'];
const INSERT_CHUNK = 500;

const asAbc = (value: string | null | undefined): AbcClass =>
  value === 'A' || value === 'B' || value === 'C' ? value : 'C';

/**
 * Opens a count task for every active item × location that holds stock or has a policy and has no open task: due
 * its class's interval (planning settings `count_interval_days_a|b|c`) after its last count in the ledger, or, never
 * counted, spread evenly over the interval from today (the site's local date, or `today` for every site). The class is
 * the plan's ABC class (C without one). One open task per pair: tasks that are open keep their due date, and two plans
 * at once open each task once.
 */
export async function planCycleCounts(
  database: Database,
  ctx: ServiceContext,
  options: { today?: string } = {},
): Promise<CountPlanReport> {
  let fixedToday: number | undefined;
  if (options.today !== undefined) {
    fixedToday = parseLocalDate(options.today);
    if (fixedToday === undefined) {
      throwIfProblems([{ field: 'today', message: 'must be a date YYYY-MM-DD', value: options.today }]);
    }
  }
  return writeTransaction(database, async (tx) => {
    const settings = await readPlanningSettings(tx);
    const intervals = settings.countIntervalDays;
    const pairs = (await readPairFacts(tx)).filter((p) => p.active);
    const key = (itemId: number, locationId: number) => `${itemId}:${locationId}`;
    const classes = new Map<string, AbcClass>();
    for (const r of await tx.selectFrom('plan_recommendations').select(['item_id', 'location_id', 'abc']).execute()) {
      classes.set(key(Number(r.item_id), Number(r.location_id)), asAbc(r.abc));
    }
    const lastCounts = new Map<string, number>();
    const counts = await tx
      .selectFrom('movements')
      .select(['item_id', 'location_id', (eb) => eb.fn.max('occurred_at').as('last_at')])
      .where('type', '=', 'count')
      .where('reverses_id', 'is', null)
      .groupBy(['item_id', 'location_id'])
      .execute();
    for (const c of counts) lastCounts.set(key(Number(c.item_id), Number(c.location_id)), Number(c.last_at));
    const open = new Set(
      (
        await tx.selectFrom('count_tasks').select(['item_id', 'location_id']).where('status', '=', 'open').execute()
      ).map((t) => key(Number(t.item_id), Number(t.location_id))),
    );

    const todo = pairs
      .filter((p) => !open.has(key(p.itemId, p.locationId)))
      .map((p) => ({ pair: p, abc: classes.get(key(p.itemId, p.locationId)) ?? 'C' }))
      .sort(
        (a, b) =>
          ABC.indexOf(a.abc) - ABC.indexOf(b.abc) ||
          compareText(a.pair.sku, b.pair.sku) ||
          compareText(a.pair.locationCode, b.pair.locationCode),
      );
    const byZone = new Map<string, typeof todo>();
    for (const t of todo) {
      const group = byZone.get(t.pair.timeZone) ?? [];
      group.push(t);
      byZone.set(t.pair.timeZone, group);
    }
    const rows = [];
    for (const [zone, group] of byZone) {
      const today = fixedToday ?? instantToLocal(ctx.now, zone).dayNumber;
      const candidates: CountCandidate[] = group.map((t) => {
        const last = lastCounts.get(key(t.pair.itemId, t.pair.locationId));
        return { abc: t.abc, lastCountDay: last === undefined ? null : instantToLocal(last, zone).dayNumber };
      });
      const due = planCountDueDays(candidates, intervals, today);
      for (const [i, t] of group.entries()) {
        rows.push({
          item_id: t.pair.itemId,
          location_id: t.pair.locationId,
          abc: t.abc,
          due_date: formatDay(due[i]!),
          status: 'open',
          expected_milli: null,
          counted_milli: null,
          movement_id: null,
          created_at: ctx.now,
          counted_at: null,
          counted_by: null,
        });
      }
    }
    const created: Record<AbcClass, number> = { A: 0, B: 0, C: 0 };
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const chunk = rows.slice(start, start + INSERT_CHUNK);
      const inserted = await tx
        .insertInto('count_tasks')
        .values(chunk)
        .onConflict((oc) => oc.doNothing())
        .returning(['abc'])
        .execute();
      for (const r of inserted) created[asAbc(r.abc)]++;
    }
    const total = created.A + created.B + created.C;
    return {
      created: total,
      already_open: pairs.length - todo.length + (rows.length - total),
      classes: ABC.map((abc) => ({ abc, interval_days: intervals[abc], created: created[abc] })),
    };
  });
}

export type CountTaskQuery = {
  status?: string | undefined;
  /** Due on or before this local date, YYYY-MM-DD. */
  due_before?: string | undefined;
  location?: string | undefined;
  sku?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
};

/** Count tasks by due date (then id), filtered by status, due date, location (a site takes its bins) and SKU. */
export async function listCountTasks(database: Database, query: CountTaskQuery = {}): Promise<Page<CountTaskView>> {
  const problems: FieldProblem[] = [];
  if (query.status !== undefined && !(COUNT_TASK_STATUSES as readonly string[]).includes(query.status)) {
    problems.push({
      field: 'status',
      message: `must be one of ${COUNT_TASK_STATUSES.join(', ')}`,
      value: query.status,
    });
  }
  if (query.due_before !== undefined && parseLocalDate(query.due_before) === undefined) {
    problems.push({ field: 'due_before', message: 'must be a date YYYY-MM-DD', value: query.due_before });
  }
  throwIfProblems(problems);
  const limit = checkPageLimit(query.limit);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2, 'cursor');
  const rows = await readTransaction(database, async (tx) => {
    const filter = await resolveFilter(tx, { location: query.location });
    let select = selectTasks(tx);
    if (query.status !== undefined) select = select.where('t.status', '=', query.status);
    if (query.due_before !== undefined) select = select.where('t.due_date', '<=', query.due_before);
    if (query.sku !== undefined) select = select.where('i.sku', '=', query.sku);
    if (filter.siteId !== undefined) select = select.where('l.site_id', '=', filter.siteId);
    if (filter.locationId !== undefined) select = select.where('l.id', '=', filter.locationId);
    if (after !== undefined) {
      const [dueDate, id] = [String(after[0]), Number(after[1])];
      select = select.where((eb) =>
        eb.or([eb('t.due_date', '>', dueDate), eb.and([eb('t.due_date', '=', dueDate), eb('t.id', '>', id)])]),
      );
    }
    return select
      .orderBy('t.due_date')
      .orderBy('t.id')
      .limit(limit + 1)
      .execute();
  });
  const page = rows.slice(0, limit);
  return {
    data: page.map(toTaskView),
    next_cursor: rows.length > limit ? encodeCursor([page.at(-1)!.due_date, Number(page.at(-1)!.id)]) : null,
  };
}

/** One count task; an unknown id is a 404 naming `id`. */
export async function getCountTask(database: Database, id: number): Promise<CountTaskView> {
  return readTransaction(database, async (tx) => toTaskView(await requireTask(tx, id)));
}

/**
 * Records the count of an open task: posts a `count` movement of the counted quantity through the ledger (which books
 * the difference to the record, runs the trigger and writes its events), closes the task with what the record said
 * and what was found, and opens the pair's next task one interval of its class later. All in one transaction. A task
 * already counted (or cancelled) is a 409; a counted quantity that is missing, negative or has more than 3 decimals is
 * a 400 naming `counted`; either way nothing changes.
 */
export async function recordCount(
  database: Database,
  ctx: ServiceContext,
  taskId: number,
  counted: unknown,
): Promise<CountTaskView> {
  const quantity = parseQuantity(counted, 'counted', 'non_negative');
  if (!quantity.ok) throwIfProblems([quantity.problem]);
  const countedMilli = (quantity as { milli: number }).milli;
  return idempotentWrite(database, ctx, `POST /count-tasks/${taskId}/record`, { counted }, async (tx) => {
    let lock = tx.selectFrom('count_tasks').select('id').where('id', '=', taskId);
    if (database.dialect === 'postgres') lock = lock.forUpdate();
    await lock.execute();
    const task = await requireTask(tx, taskId);
    if (task.status !== 'open') {
      const when = task.counted_at === null ? '' : ` at ${new Date(Number(task.counted_at)).toISOString()}`;
      throw new DomainError('LS_INVALID_STATE', `id: count task ${taskId} is ${task.status}${when}, not open`, [
        { field: 'id', message: `is ${task.status}, not open`, value: taskId },
      ]);
    }
    const [outcome] = await postMovementsWithin(
      tx,
      database,
      [
        {
          type: 'count',
          sku: task.sku,
          location: task.location,
          quantity: toQuantity(countedMilli),
          reason: 'cycle count',
          reference: `COUNT-TASK-${taskId}`,
        },
      ],
      ctx,
    );
    const movement = outcome!.movements[0]!;
    const expectedMilli = countedMilli - Math.round(movement.on_hand_change * 1000);
    await tx
      .updateTable('count_tasks')
      .set({
        status: 'counted',
        expected_milli: expectedMilli,
        counted_milli: countedMilli,
        movement_id: movement.id,
        counted_at: ctx.now,
        counted_by: ctx.actor,
      })
      .where('id', '=', taskId)
      .where('status', '=', 'open')
      .execute();
    const settings = await readPlanningSettings(tx);
    const recommendation = await tx
      .selectFrom('plan_recommendations')
      .select('abc')
      .where('item_id', '=', task.item_id)
      .where('location_id', '=', task.location_id)
      .executeTakeFirst();
    const abc = asAbc(recommendation?.abc ?? task.abc);
    const today = instantToLocal(ctx.now, task.time_zone ?? 'UTC').dayNumber;
    await tx
      .insertInto('count_tasks')
      .values({
        item_id: task.item_id,
        location_id: task.location_id,
        abc,
        due_date: formatDay(today + settings.countIntervalDays[abc]),
        status: 'open',
        expected_milli: null,
        counted_milli: null,
        movement_id: null,
        created_at: ctx.now,
        counted_at: null,
        counted_by: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return toTaskView(await requireTask(tx, taskId));
  });
}

export type RecordAccuracyReport = RecordAccuracy & {
  from: string;
  to: string;
  location: string | null;
  /** Counts whose record was off, largest relative difference first (at most 20). */
  largest_differences: Array<{
    sku: string;
    location: string;
    abc: AbcClass;
    counted_at: string;
    expected: number;
    counted: number;
    difference: number;
  }>;
};

/**
 * Inventory record accuracy over a period (default the last 365 complete days): every `count` movement of the ledger
 * (those of count tasks and any other; reversed ones left out) compares what it found with what the record said
 * (counted − the difference it booked). The class is the task's when the count closed one, else the plan's, else C;
 * tolerances exact for A, ±2 % for B, ±5 % for C. Days are the site's local days.
 */
export async function getRecordAccuracy(
  database: Database,
  query: PairFilter & { from?: string | undefined; to?: string | undefined },
  now: number,
): Promise<RecordAccuracyReport> {
  const period = resolvePeriod(query, now);
  return readTransaction(database, async (tx) => {
    const filter = await resolveFilter(tx, { location: query.location });
    // The widest instants any zone's local period may span; each count is then checked against its own site's days.
    const earliest = (period.fromDay - 1) * 86_400_000;
    const latest = (period.toDay + 2) * 86_400_000;
    let select = tx
      .selectFrom('movements as m')
      .innerJoin('items as i', 'i.id', 'm.item_id')
      .innerJoin('locations as l', 'l.id', 'm.location_id')
      .leftJoin('locations as site', 'site.id', 'l.site_id')
      .leftJoin('movements as r', 'r.reverses_id', 'm.id')
      .leftJoin('count_tasks as t', 't.movement_id', 'm.id')
      .leftJoin('plan_recommendations as p', (join) =>
        join.onRef('p.item_id', '=', 'm.item_id').onRef('p.location_id', '=', 'm.location_id'),
      )
      .select(['i.sku', 'l.code as location', 'm.occurred_at', 'm.quantity_milli', 'm.counted_milli'])
      .select(['t.abc as task_abc', 'p.abc as plan_abc', 'site.time_zone as site_zone', 'l.time_zone as own_zone'])
      .where('m.type', '=', 'count')
      .where('m.counted_milli', 'is not', null)
      .where('m.reverses_id', 'is', null)
      .where('r.id', 'is', null)
      .where('m.occurred_at', '>=', earliest)
      .where('m.occurred_at', '<', latest);
    if (filter.siteId !== undefined) select = select.where('l.site_id', '=', filter.siteId);
    if (filter.locationId !== undefined) select = select.where('l.id', '=', filter.locationId);
    const rows = await select.execute();
    const bounds = new Map<string, Float64Array>();
    const outcomes: Array<CountOutcome & { sku: string; location: string; at: number }> = [];
    for (const row of rows) {
      const zone = row.site_zone ?? row.own_zone ?? 'UTC';
      let b = bounds.get(zone);
      if (!b) {
        const starts = dayStartsOf(period.fromDay, period.days, zone);
        b = Float64Array.of(starts[0]!, starts[period.days]!);
        bounds.set(zone, b);
      }
      const at = Number(row.occurred_at);
      if (at < b[0]! || at >= b[1]!) continue;
      const countedMilli = Number(row.counted_milli);
      outcomes.push({
        abc: asAbc(row.task_abc ?? row.plan_abc),
        expectedMilli: countedMilli - Number(row.quantity_milli),
        countedMilli,
        sku: row.sku,
        location: row.location,
        at,
      });
    }
    const accuracy = computeRecordAccuracy(outcomes, DEFAULT_COUNT_TOLERANCES);
    const relative = (o: CountOutcome) =>
      o.expectedMilli === 0
        ? Number.POSITIVE_INFINITY
        : Math.abs(o.countedMilli - o.expectedMilli) / Math.abs(o.expectedMilli);
    const off = outcomes
      .filter((o) => !isCountWithinTolerance(o.expectedMilli, o.countedMilli, DEFAULT_COUNT_TOLERANCES[o.abc]))
      .sort((a, b) => relative(b) - relative(a) || b.at - a.at)
      .slice(0, 20);
    return {
      from: period.from,
      to: period.to,
      location: query.location ?? null,
      ...accuracy,
      largest_differences: off.map((o) => ({
        sku: o.sku,
        location: o.location,
        abc: o.abc,
        counted_at: new Date(o.at).toISOString(),
        expected: toQuantity(o.expectedMilli),
        counted: toQuantity(o.countedMilli),
        difference: toQuantity(o.countedMilli - o.expectedMilli),
      })),
    };
  });
}

function selectTasks(tx: Tx) {
  return tx
    .selectFrom('count_tasks as t')
    .innerJoin('items as i', 'i.id', 't.item_id')
    .innerJoin('locations as l', 'l.id', 't.location_id')
    .leftJoin('locations as site', 'site.id', 'l.site_id')
    .select([
      't.id',
      't.item_id',
      't.location_id',
      'i.sku',
      'i.name as item_name',
      'i.unit',
      'l.code as location',
      't.abc',
      't.due_date',
      't.status',
      't.expected_milli',
      't.counted_milli',
      't.movement_id',
      't.created_at',
      't.counted_at',
      't.counted_by',
    ])
    .select((eb) => eb.fn.coalesce('site.time_zone', 'l.time_zone').as('time_zone'));
}

type TaskRow = Awaited<ReturnType<ReturnType<typeof selectTasks>['executeTakeFirstOrThrow']>>;

async function requireTask(tx: Tx, id: number): Promise<TaskRow> {
  const task = await selectTasks(tx).where('t.id', '=', id).executeTakeFirst();
  if (!task) {
    throw new DomainError('LS_NOT_FOUND', `id: no count task ${id}`, [
      { field: 'id', message: 'unknown count task', value: id },
    ]);
  }
  return task;
}

function toTaskView(row: TaskRow): CountTaskView {
  const abc = asAbc(row.abc);
  const expected = row.expected_milli === null ? null : Number(row.expected_milli);
  const counted = row.counted_milli === null ? null : Number(row.counted_milli);
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    id: Number(row.id),
    sku: row.sku,
    item_name: row.item_name,
    unit: row.unit,
    location: row.location,
    abc,
    due_date: row.due_date,
    status: row.status as CountTaskStatus,
    expected: expected === null ? null : toQuantity(expected),
    counted: counted === null ? null : toQuantity(counted),
    difference: expected === null || counted === null ? null : toQuantity(counted - expected),
    within_tolerance:
      expected === null || counted === null
        ? null
        : isCountWithinTolerance(expected, counted, DEFAULT_COUNT_TOLERANCES[abc]),
    movement_id: row.movement_id === null ? null : Number(row.movement_id),
    created_at: iso(row.created_at)!,
    counted_at: iso(row.counted_at),
    counted_by: row.counted_by,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

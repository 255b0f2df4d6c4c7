import {
  DEFAULT_LEAD_TIME_SHIFT_OPTIONS,
  detectLeadTimeShift,
  isMaterialLeadTimeChange,
  type LeadTimeShift,
  summarizeSample,
} from '../../domain/planning/lead-time-stats.js';
import { chooseSupplierItem } from '../../domain/replenishment/supplier-choice.js';
import { type Database, type Tx, writeTransaction } from '../../store/database.js';
import { openReviewItem } from '../../store/purchasing.repository.js';
import type { Schema } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import { claimIntervalRun } from '../interval-claim.js';
import {
  DAY_MS,
  LEAD_TIME_HISTORY_DAYS,
  type Observation,
  observationGroups,
  RECENT_RECEIPTS,
} from './lead-time.service.js';
import { replanPairs } from './plan.service.js';

/**
 * Lead-time shifts: detected per supplier item over the receipts of its current regime (see lead-time.service.ts),
 * recorded once in `lead_time_baselines`, and acted on by re-planning the policies that order from it. Apart from
 * lead-time.service.ts because the plan reads measured lead times from there, and this re-plans.
 */

/** One supplier item whose lead time shifted, and what was done about it. */
export type LeadTimeShiftView = {
  supplier: string;
  sku: string;
  supplier_item_id: number;
  /** The reference the recent window was judged against: the baseline, else the receipts before it. */
  before: { mean_days: number; sd_days: number | null; receipts: number };
  after: { mean_days: number; sd_days: number | null; receipts: number };
  t_statistic: number | null;
  p_value: number | null;
  reason: string;
  /** Item × location pairs whose policy depends on this supplier item (primary source, or kanban loop supplier). */
  pairs: { sku: string; location: string }[];
  /** Whether the re-plan ran (false when it failed: see errors; the baseline has moved, the review entry says so). */
  replanned: boolean;
};

export type ShiftReport = {
  /** Supplier items with receipts looked at. */
  checked: number;
  /** Baselines set for the first time (enough receipts, no shift). */
  baselines_set: number;
  shifts: LeadTimeShiftView[];
  errors: { supplier: string; sku: string; message: string }[];
};

export type DetectShiftOptions = {
  /** Only these supplier items (e.g. those on a purchase order just received); all when absent. */
  supplierItemIds?: readonly number[];
};

/**
 * Looks for material lead-time shifts and re-plans what depends on them, once.
 *
 * Per supplier item, over its current regime (receipts of the last 730 days since its last shift), in the order
 * they were done:
 * - the recent window is the last 5 receipts (at least 3) and the long run the receipts before it (at least 5);
 * - a shift is `detectLeadTimeShift(longRun, recent)` (at least max(1 day, 20 %) and Welch's t at 1 %) that is also
 *   material against the stored baseline, the lead time the policies were last planned on; so a shift already acted
 *   on is not acted on again, whatever the long run still holds;
 * - on a shift the baseline becomes the recent window (mean, s.d., receipts; `shifted_at` = when its first receipt
 *   was done, which starts the new regime) by compare-and-set on its `updated_at`: of two processes that see the same
 *   shift, one wins and only it re-plans. In the same transaction each dependent item gets a `lead_time_changed`
 *   review entry. Then `replanPairs(..., { cause: 'lead_time_shift', apply: true })` re-plans the item × location
 *   pairs whose primary source (lowest-rank usable, as the trigger chooses) is that supplier item, or whose kanban
 *   loop orders from its supplier;
 * - without a baseline and without a shift, the baseline is set from the whole regime.
 *
 * Errors of one supplier item are reported, not thrown, so one bad row does not stop the others.
 */
export async function detectLeadTimeShifts(
  database: Database,
  ctx: ServiceContext,
  options: DetectShiftOptions = {},
): Promise<ShiftReport> {
  const since = ctx.now - LEAD_TIME_HISTORY_DAYS * DAY_MS;
  const report: ShiftReport = { checked: 0, baselines_set: 0, shifts: [], errors: [] };
  if (options.supplierItemIds !== undefined && options.supplierItemIds.length === 0) return report;
  const baselines = new Map<number, BaselineRow>();
  let baselineQuery = database.db.selectFrom('lead_time_baselines').selectAll();
  if (options.supplierItemIds) {
    baselineQuery = baselineQuery.where('supplier_item_id', 'in', [...options.supplierItemIds]);
  }
  for (const row of await baselineQuery.execute()) baselines.set(Number(row.supplier_item_id), row);

  const found: { supplierItemId: number; judged: Exclude<Judged, { kind: 'unchanged' }> }[] = [];
  for await (const [supplierItemId, observations] of observationGroups(database, {
    since,
    regime: true,
    ...(options.supplierItemIds && { supplierItemIds: options.supplierItemIds }),
  })) {
    report.checked++;
    const judged = judgeRegime(observations, baselines.get(supplierItemId) ?? null);
    if (judged.kind !== 'unchanged') found.push({ supplierItemId, judged });
  }
  if (found.length === 0) return report;

  const names = await supplierItemNames(
    database,
    found.map((f) => f.supplierItemId),
  );
  for (const { supplierItemId, judged } of found) {
    const name = names.get(supplierItemId) ?? { supplier: '?', sku: '?', itemId: 0 };
    try {
      if (judged.kind === 'establish') {
        if (await setBaseline(database.db, supplierItemId, null, judged.baseline, null, ctx.now))
          report.baselines_set++;
        continue;
      }
      const outcome = await recordShift(database, supplierItemId, baselines.get(supplierItemId) ?? null, judged, ctx);
      if (!outcome) continue;
      const view: LeadTimeShiftView = {
        supplier: name.supplier,
        sku: name.sku,
        supplier_item_id: supplierItemId,
        before: { mean_days: judged.before.mean, sd_days: sdOrNull(judged.before), receipts: judged.before.count },
        after: { mean_days: judged.after.mean, sd_days: sdOrNull(judged.after), receipts: judged.after.count },
        t_statistic: judged.shift.tStatistic,
        p_value: judged.shift.pValue,
        reason: judged.shift.reason,
        pairs: outcome.pairs.map((p) => ({ sku: p.sku, location: p.location })),
        replanned: false,
      };
      report.shifts.push(view);
      if (outcome.pairs.length === 0) {
        view.replanned = true;
        continue;
      }
      try {
        await replanPairs(
          database,
          ctx,
          outcome.pairs.map((p) => ({ itemId: p.itemId, locationId: p.locationId })),
          {
            cause: 'lead_time_shift',
            apply: true,
            note: `${name.supplier} ${name.sku}: ${judged.shift.reason}`,
          },
        );
        view.replanned = true;
      } catch (error) {
        report.errors.push({ supplier: name.supplier, sku: name.sku, message: `re-plan failed: ${messageOf(error)}` });
      }
    } catch (error) {
      report.errors.push({ supplier: name.supplier, sku: name.sku, message: messageOf(error) });
    }
  }
  return report;
}

/**
 * Shift detection after a receipt: for the supplier items on that purchase order only. Never throws: a failure is
 * passed to `onError` (the receipt has committed; the scheduler tick checks again).
 */
export async function detectLeadTimeShiftsAfterReceipt(
  database: Database,
  ctx: ServiceContext,
  purchaseOrderId: number,
  onError: (error: unknown) => void = (error) => console.error('lead-time shift detection:', error),
): Promise<ShiftReport | undefined> {
  try {
    const rows = await database.db
      .selectFrom('purchase_order_lines')
      .select('supplier_item_id')
      .distinct()
      .where('purchase_order_id', '=', purchaseOrderId)
      .where('supplier_item_id', 'is not', null)
      .execute();
    const report = await detectLeadTimeShifts(database, ctx, {
      supplierItemIds: rows.map((r) => Number(r.supplier_item_id)),
    });
    for (const e of report.errors) onError(new Error(`${e.supplier} ${e.sku}: ${e.message}`));
    return report;
  } catch (error) {
    onError(error);
    return undefined;
  }
}

/** How often the scheduler looks at every supplier item (receipts are checked at once by the receive path). */
export const SHIFT_CHECK_INTERVAL_MS = 3_600_000;
const SHIFT_CHECK_STATE = 'lead_time_shifts.checked_at';

/**
 * The scheduler's safety net: detectLeadTimeShifts over every supplier item when the last full check is an hour old
 * (or never ran), so receipts recorded without the receive path, or a detection that failed after a receipt, are
 * caught. The run is claimed by compare-and-set on `planning_state`, so of several processes one checks. Null when
 * not due.
 */
export async function runDueLeadTimeShiftCheck(
  database: Database,
  now: number,
  intervalMs = SHIFT_CHECK_INTERVAL_MS,
): Promise<ShiftReport | null> {
  const claimed = await claimIntervalRun(database, SHIFT_CHECK_STATE, now, intervalMs);
  if (!claimed) return null;
  return detectLeadTimeShifts(database, { actor: 'scheduler', now });
}

type BaselineRow = Schema['lead_time_baselines'];

type Judged =
  | { kind: 'unchanged' }
  | { kind: 'establish'; baseline: { mean: number; sd: number; count: number } }
  | {
      kind: 'shift';
      shift: LeadTimeShift;
      before: { mean: number; sd: number; count: number };
      after: { mean: number; sd: number; count: number };
      /** When the first receipt of the recent window was done: the new regime starts there. */
      regimeStart: number;
    };

/** The decision for one supplier item's regime (sorted by time done), given its stored baseline. */
function judgeRegime(regime: readonly Observation[], baseline: BaselineRow | null): Judged {
  const measured = regime.filter((o) => o.leadTimeDays !== null);
  const o = DEFAULT_LEAD_TIME_SHIFT_OPTIONS;
  const recentCount = Math.min(RECENT_RECEIPTS, measured.length - o.minLongRunReceipts);
  if (recentCount < o.minRecentReceipts) return { kind: 'unchanged' };
  const days = measured.map((m) => m.leadTimeDays!);
  const longRun = days.slice(0, days.length - recentCount);
  const recent = days.slice(days.length - recentCount);
  const shift = detectLeadTimeShift(longRun, recent);
  const recentSummary = summarizeSample(recent);
  if (shift.shifted) {
    if (baseline === null || isMaterialLeadTimeChange(Number(baseline.mean_days), recentSummary.mean)) {
      return {
        kind: 'shift',
        shift,
        before: summarizeSample(longRun),
        after: recentSummary,
        regimeStart: measured[measured.length - recentCount]!.doneAt,
      };
    }
  }
  if (baseline === null) return { kind: 'establish', baseline: summarizeSample(days) };
  return { kind: 'unchanged' };
}

type Summary = { mean: number; sd: number; count: number };

/** Compare-and-set of a baseline: insert when there was none, else update if `updated_at` is still what was read. */
async function setBaseline(
  db: Tx,
  supplierItemId: number,
  previous: BaselineRow | null,
  next: Summary,
  shiftedAt: number | null,
  now: number,
): Promise<boolean> {
  const values = {
    mean_days: next.mean,
    sd_days: next.sd,
    receipts: next.count,
    shifted_at: shiftedAt,
    updated_at: now,
  };
  if (previous === null) {
    const inserted = await db
      .insertInto('lead_time_baselines')
      .values({ supplier_item_id: supplierItemId, ...values })
      .onConflict((oc) => oc.column('supplier_item_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const updated = await db
    .updateTable('lead_time_baselines')
    .set(values)
    .where('supplier_item_id', '=', supplierItemId)
    .where('updated_at', '=', previous.updated_at)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

type DependentPair = { itemId: number; locationId: number; sku: string; location: string };

/** Moves the baseline (compare-and-set) and opens the review entries in one transaction; undefined if another won. */
async function recordShift(
  database: Database,
  supplierItemId: number,
  previous: BaselineRow | null,
  judged: Extract<Judged, { kind: 'shift' }>,
  ctx: ServiceContext,
): Promise<{ pairs: DependentPair[] } | undefined> {
  return writeTransaction(database, async (tx) => {
    if (!(await setBaseline(tx, supplierItemId, previous, judged.after, judged.regimeStart, ctx.now))) return undefined;
    const pairs = (await dependentPairs(tx, [supplierItemId])).get(supplierItemId) ?? [];
    const source = await tx
      .selectFrom('supplier_items as si')
      .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
      .select(['si.item_id', 's.code'])
      .where('si.id', '=', supplierItemId)
      .executeTakeFirstOrThrow();
    await openReviewItem(tx, {
      itemId: Number(source.item_id),
      locationId: null,
      reason: 'lead_time_changed',
      message: `Lead time from ${source.code}: ${judged.shift.reason}${pairs.length > 0 ? ` Re-planned ${pairs.length} item × location pair${pairs.length === 1 ? '' : 's'}.` : ''}`,
      now: ctx.now,
    });
    return { pairs };
  });
}

/**
 * The item × location pairs whose policy orders from each supplier item: the policy's item's primary source as the
 * trigger chooses it (lowest-rank usable source; a kanban loop's supplier restricts the choice to its source).
 */
export async function dependentPairs(
  tx: Tx,
  supplierItemIds: readonly number[],
): Promise<Map<number, DependentPair[]>> {
  const result = new Map<number, DependentPair[]>();
  if (supplierItemIds.length === 0) return result;
  const wanted = new Set(supplierItemIds);
  const items = await tx
    .selectFrom('supplier_items')
    .select('item_id')
    .distinct()
    .where('id', 'in', [...supplierItemIds])
    .execute();
  const itemIds = items.map((i) => Number(i.item_id));
  const sources = await tx
    .selectFrom('supplier_items as si')
    .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
    .select(['si.id', 'si.item_id', 'si.rank', 'si.active', 's.code', 's.active as supplier_active'])
    .where('si.item_id', 'in', itemIds)
    .execute();
  const policies = await tx
    .selectFrom('policies as p')
    .innerJoin('items as i', 'i.id', 'p.item_id')
    .innerJoin('locations as l', 'l.id', 'p.location_id')
    .leftJoin('suppliers as ks', 'ks.id', 'p.supplier_id')
    .select(['p.item_id', 'p.location_id', 'p.kind', 'ks.code as kanban_supplier', 'i.sku', 'l.code as location'])
    .where('p.item_id', 'in', itemIds)
    .orderBy('p.item_id')
    .orderBy('p.location_id')
    .execute();
  for (const policy of policies) {
    const own = sources
      .filter((s) => Number(s.item_id) === Number(policy.item_id))
      .map((s) => ({ id: Number(s.id), supplier: s.code, rank: Number(s.rank), active: Number(s.active) === 1 }));
    const suppliers = sources
      .filter((s) => Number(s.item_id) === Number(policy.item_id))
      .map((s) => ({ code: s.code, active: Number(s.supplier_active) === 1 }));
    const required = policy.kind === 'kanban' ? (policy.kanban_supplier ?? undefined) : undefined;
    const choice = chooseSupplierItem(own, suppliers, required);
    if (!choice.ok || !wanted.has(choice.source.id)) continue;
    const list = result.get(choice.source.id) ?? [];
    list.push({
      itemId: Number(policy.item_id),
      locationId: Number(policy.location_id),
      sku: policy.sku,
      location: policy.location,
    });
    result.set(choice.source.id, list);
  }
  return result;
}

async function supplierItemNames(
  database: Database,
  ids: readonly number[],
): Promise<Map<number, { supplier: string; sku: string; itemId: number }>> {
  const rows = await database.db
    .selectFrom('supplier_items as si')
    .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
    .innerJoin('items as i', 'i.id', 'si.item_id')
    .select(['si.id', 's.code', 'i.sku', 'si.item_id'])
    .where('si.id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [Number(r.id), { supplier: r.code, sku: r.sku, itemId: Number(r.item_id) }]));
}

function sdOrNull(summary: Summary): number | null {
  return summary.count < 2 ? null : summary.sd;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import {
  assessStockDrift,
  DEFAULT_DRIFT_RULES,
  DRIFT_REASONS,
  type DriftReason,
  type DriftRules,
  detectDemandShift,
} from '../../domain/planning/drift.js';
import { summarizeDailyStock } from '../../domain/planning/metrics.js';
import { toQuantity } from '../../domain/quantity.js';
import { DAY_MS } from '../../domain/replenishment/local-time.js';
import { type Database, readTransaction, writeTransaction } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { readPairFacts, walkPairs } from './metrics.service.js';

/**
 * The drift review: puts item × locations whose demand shifted, that ran out repeatedly, or hold excess or dead stock
 * on the review list (`review_items`) with the numbers in words, once per episode. See docs/metrics.md.
 */

export type DriftEntry = { sku: string; location: string; reason: DriftReason; message: string };

export type DriftReviewReport = {
  now: string;
  /** Active item × locations looked at. */
  pairs_checked: number;
  /** Entries opened by this review. */
  raised: DriftEntry[];
  /** Entries that were already open and still hold (their message now has today's numbers). */
  still_open: number;
  /** Open entries whose condition no longer holds, resolved by this review. */
  resolved: Array<{ sku: string; location: string; reason: DriftReason }>;
};

export type DriftReviewOptions = {
  /** The instant the review acts as of (default `ctx.now`). */
  now?: number;
  rules?: DriftRules;
  onProgress?: (done: number, total: number) => void;
};

type Finding = {
  itemId: number;
  locationId: number;
  sku: string;
  location: string;
  reason: DriftReason;
  message: string;
};

/**
 * Looks at every active item × location (with stock, a balance or a policy) over the complete days before `now` and
 * keeps the review list in step: a reason found and not open is raised (one entry per item, location and reason while
 * it is open: the list's unique index), one already open gets today's numbers, and an open drift entry whose reason no
 * longer holds is resolved by `ctx.actor`. The reasons (`demand_shift`, `repeated_stockouts`, `excess`, `dead_stock`)
 * and their rules are in `domain/planning/drift.ts`; other reasons on the list are left alone.
 */
export async function reviewDrift(
  database: Database,
  ctx: ServiceContext,
  options: DriftReviewOptions = {},
): Promise<DriftReviewReport> {
  const now = options.now ?? ctx.now;
  const rules = options.rules ?? DEFAULT_DRIFT_RULES;
  const windowDays = Math.max(rules.recentDays + rules.baselineDays, rules.deadStockDays + 1, rules.stockOutWindowDays);
  const firstDay = Math.floor(now / DAY_MS) - windowDays;

  const { pairs, findings } = await readTransaction(database, async (tx) => {
    const pairs = (await readPairFacts(tx)).filter((p) => p.active);
    const forecasts = new Map<string, number>();
    const recommendations = await tx
      .selectFrom('plan_recommendations')
      .select(['item_id', 'location_id', 'mean_per_day'])
      .where('mean_per_day', 'is not', null)
      .execute();
    for (const r of recommendations) forecasts.set(`${r.item_id}:${r.location_id}`, Number(r.mean_per_day));
    const findings: Finding[] = [];
    await walkPairs(tx, pairs, { firstDay, days: windowDays }, (pair, stock, index) => {
      const found = (reason: DriftReason, message: string) =>
        findings.push({
          itemId: pair.itemId,
          locationId: pair.locationId,
          sku: pair.sku,
          location: pair.locationCode,
          reason,
          message,
        });
      const makeToOrder = pair.policyKind === 'make_to_order';
      // Days not observed: before the pair was stocked, and out of stock (a make-to-order pair backorders instead).
      const unobserved = new Uint8Array(windowDays);
      for (let d = 0; d < windowDays; d++) {
        unobserved[d] = stock.stocked[d] !== 1 || (!makeToOrder && stock.stockOut[d] === 1) ? 1 : 0;
      }
      const recentStart = windowDays - rules.recentDays;
      const baselineStart = recentStart - rules.baselineDays;
      let anyDemand = false;
      for (let d = baselineStart; d < windowDays && !anyDemand; d++) anyDemand = stock.demandMilli[d]! > 0;
      if (anyDemand) {
        const toUnits = (from: number, to: number) =>
          Float64Array.from(stock.demandMilli.subarray(from, to), toQuantity);
        const shift = detectDemandShift(
          { demand: toUnits(baselineStart, recentStart), stockOut: unobserved.subarray(baselineStart, recentStart) },
          { demand: toUnits(recentStart, windowDays), stockOut: unobserved.subarray(recentStart, windowDays) },
          pair.unit,
          rules,
        );
        if (shift.shifted) found('demand_shift', shift.message);
      }
      const outs = summarizeDailyStock(stock, windowDays - rules.stockOutWindowDays, windowDays);
      const lastDays = summarizeDailyStock(stock, windowDays - rules.deadStockDays, windowDays);
      const forecast = forecasts.get(`${pair.itemId}:${pair.locationId}`);
      for (const f of assessStockDrift(
        {
          unit: pair.unit,
          onHand: toQuantity(pair.onHandMilli),
          holdsStock: pair.policyKind !== null && !makeToOrder,
          target: pair.policyTargetMilli === null ? null : toQuantity(pair.policyTargetMilli),
          meanPerDay: forecast ?? lastDays.uncensoredMeanMilli / 1000,
          meanSource: forecast === undefined ? 'history' : 'forecast',
          stockOutEpisodes: outs.stockOutEpisodes,
          stockOutDays: outs.stockOutDays,
          recentDemand: lastDays.demandMilli / 1000,
          stockedThroughout: stock.stocked[windowDays - rules.deadStockDays - 1] === 1,
        },
        rules,
      )) {
        found(f.reason, f.message);
      }
      if (options.onProgress && (index % 500 === 499 || index === pairs.length - 1)) {
        options.onProgress(index + 1, pairs.length);
      }
    });
    return { pairs, findings };
  });

  return writeTransaction(database, async (tx) => {
    const open = await tx
      .selectFrom('review_items as r')
      .innerJoin('items as i', 'i.id', 'r.item_id')
      .leftJoin('locations as l', 'l.id', 'r.location_id')
      .select(['r.id', 'r.item_id', 'r.location_id', 'r.reason', 'r.message', 'i.sku', 'l.code as location'])
      .where('r.resolved_at', 'is', null)
      .where('r.reason', 'in', [...DRIFT_REASONS])
      .execute();
    const key = (itemId: number, locationId: number | null, reason: string) => `${itemId}:${locationId}:${reason}`;
    const openByKey = new Map(
      open.map((r) => [key(Number(r.item_id), r.location_id === null ? null : Number(r.location_id), r.reason), r]),
    );
    const report: DriftReviewReport = {
      now: new Date(now).toISOString(),
      pairs_checked: pairs.length,
      raised: [],
      still_open: 0,
      resolved: [],
    };
    const holding = new Set<string>();
    for (const f of findings) {
      const k = key(f.itemId, f.locationId, f.reason);
      holding.add(k);
      const existing = openByKey.get(k);
      if (existing) {
        report.still_open++;
        if (existing.message !== f.message) {
          await tx
            .updateTable('review_items')
            .set({ message: f.message, updated_at: ctx.now })
            .where('id', '=', existing.id)
            .execute();
        }
        continue;
      }
      const inserted = await tx
        .insertInto('review_items')
        .values({
          item_id: f.itemId,
          location_id: f.locationId,
          reason: f.reason,
          message: f.message,
          created_at: ctx.now,
          updated_at: ctx.now,
          resolved_at: null,
          resolved_by: null,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
        report.raised.push({ sku: f.sku, location: f.location, reason: f.reason, message: f.message });
      } else {
        report.still_open++;
      }
    }
    const checked = new Set(pairs.map((p) => `${p.itemId}:${p.locationId}`));
    const stale = open.filter(
      (r) =>
        r.location_id !== null &&
        checked.has(`${r.item_id}:${r.location_id}`) &&
        !holding.has(key(Number(r.item_id), Number(r.location_id), r.reason)),
    );
    for (let start = 0; start < stale.length; start += 500) {
      await tx
        .updateTable('review_items')
        .set({ resolved_at: ctx.now, resolved_by: ctx.actor, updated_at: ctx.now })
        .where(
          'id',
          'in',
          stale.slice(start, start + 500).map((r) => r.id),
        )
        .where('resolved_at', 'is', null)
        .execute();
    }
    report.resolved = stale.map((r) => ({ sku: r.sku, location: r.location ?? '', reason: r.reason as DriftReason }));
    return report;
  });
}

/** The `planning_state` row holding the UTC date of the last daily drift review. */
export const DRIFT_REVIEW_STATE = 'drift_review.last_date';

export type DailyDriftReview = { date: string; report: DriftReviewReport | null; error: string | null };

/**
 * Runs the drift review once per UTC day, for the scheduler: the first call of a day claims it (compare-and-set on
 * `planning_state`, so several server processes run it once) and reviews; later calls that day answer undefined. A
 * failed review gives the claim back, so the next tick tries again, and is answered as `error`, never thrown.
 */
export async function runDailyDriftReview(
  database: Database,
  ctx: ServiceContext,
): Promise<DailyDriftReview | undefined> {
  const date = new Date(ctx.now).toISOString().slice(0, 10);
  const previous = await writeTransaction(database, async (tx) => {
    const row = await tx
      .selectFrom('planning_state')
      .select('value')
      .where('name', '=', DRIFT_REVIEW_STATE)
      .executeTakeFirst();
    if (row && row.value >= date) return undefined;
    if (row) {
      const claimed = await tx
        .updateTable('planning_state')
        .set({ value: date, updated_at: ctx.now })
        .where('name', '=', DRIFT_REVIEW_STATE)
        .where('value', '=', row.value)
        .executeTakeFirst();
      return Number(claimed.numUpdatedRows) === 1 ? { value: row.value } : undefined;
    }
    const claimed = await tx
      .insertInto('planning_state')
      .values({ name: DRIFT_REVIEW_STATE, value: date, updated_at: ctx.now })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(claimed.numInsertedOrUpdatedRows ?? 0) === 1 ? { value: null } : undefined;
  });
  if (previous === undefined) return undefined;
  try {
    return { date, report: await reviewDrift(database, ctx), error: null };
  } catch (error) {
    await writeTransaction(database, async (tx) => {
      if (previous.value === null) {
        await tx
          .deleteFrom('planning_state')
          .where('name', '=', DRIFT_REVIEW_STATE)
          .where('value', '=', date)
          .execute();
      } else {
        await tx
          .updateTable('planning_state')
          .set({ value: previous.value, updated_at: ctx.now })
          .where('name', '=', DRIFT_REVIEW_STATE)
          .where('value', '=', date)
          .execute();
      }
    }).catch(() => {});
    return { date, report: null, error: (error as Error).message };
  }
}

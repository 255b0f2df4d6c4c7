import { type SampleSummary, studentTTwoSidedP, summarizeSample, welchTTest } from './lead-time-stats.js';

/**
 * What has drifted away from the plan for one item × location, in words with the numbers: a shift of demand, repeated
 * stock-outs, excess stock and dead stock. Pure: the daily demand and the stock figures come in as arguments.
 */

export type DriftReason = 'demand_shift' | 'repeated_stockouts' | 'excess' | 'dead_stock';

export const DRIFT_REASONS: readonly DriftReason[] = ['demand_shift', 'repeated_stockouts', 'excess', 'dead_stock'];

export type DriftRules = {
  /** The recent window of the demand shift, days (28). */
  recentDays: number;
  /** The window before it that the recent mean is compared with, days (180). */
  baselineDays: number;
  /** Days in stock each window needs before a shift is judged (14 recent, 56 before). */
  minRecentObservedDays: number;
  minBaselineObservedDays: number;
  /** The smallest change of mean daily demand that matters, as a share of the earlier mean (0.3). */
  minShiftFraction: number;
  /** The two-sided p-value below which the change is not noise, by both t-tests (0.01). */
  significance: number;
  /** Stock-out episodes are counted over this many days (90) … */
  stockOutWindowDays: number;
  /** … and this many of them are repeated stock-outs (3). */
  minStockOutEpisodes: number;
  /** Stock above the target plus this many days of demand is excess (90). */
  excessCoverDays: number;
  /** Stock without any demand for this many days is dead (180). */
  deadStockDays: number;
};

export const DEFAULT_DRIFT_RULES: DriftRules = {
  recentDays: 28,
  baselineDays: 180,
  minRecentObservedDays: 14,
  minBaselineObservedDays: 56,
  minShiftFraction: 0.3,
  significance: 0.01,
  stockOutWindowDays: 90,
  minStockOutEpisodes: 3,
  excessCoverDays: 90,
  deadStockDays: 180,
};

export type DemandShift = {
  shifted: boolean;
  /** Units/day over the observed (in-stock) days of each window; null without any. */
  recentMeanPerDay: number | null;
  baselineMeanPerDay: number | null;
  recentObservedDays: number;
  baselineObservedDays: number;
  /** (recent − before) ÷ before; null when the earlier mean is 0. */
  change: number | null;
  /** The larger of the two t-tests' p-values (see {@link detectDemandShift}). */
  pValue: number | null;
  /** One sentence with the numbers. */
  message: string;
};

/**
 * Whether mean daily demand shifted: the recent window's mean differs from the window before it by at least
 * `minShiftFraction` of the earlier mean (any demand where there was none), AND both two-sample t-tests reject equal
 * means at `significance`: Welch's (each window's own variance) and Student's (one pooled variance). Each test alone
 * fails on daily demand: Welch's calls 28 days without demand of a slow mover (no spread: a standard error of almost
 * nothing) a certain fall, Student's calls one huge issue among zeros (its variance spread over both windows) likely
 * a rise; neither does both. Days flagged as stock-outs are left out of both windows (censored: demand that could not
 * be served was not recorded); each window needs its minimum of observed days.
 *
 * Sources: B. L. Welch, Biometrika 34 (1947); Student, Biometrika 6 (1908), the pooled two-sample form as in NIST/
 * SEMATECH e-Handbook of Statistical Methods §1.3.5.3.
 *
 * @example detectDemandShift(baseline180Days, recent28Days, 'pcs').message // "Demand rose 60 %: 8 pcs a day over the last 28 days …"
 */
export function detectDemandShift(
  baseline: { demand: ArrayLike<number>; stockOut: ArrayLike<number> },
  recent: { demand: ArrayLike<number>; stockOut: ArrayLike<number> },
  unit: string,
  rules: DriftRules = DEFAULT_DRIFT_RULES,
): DemandShift {
  const observed = (w: { demand: ArrayLike<number>; stockOut: ArrayLike<number> }) => {
    const values: number[] = [];
    for (let d = 0; d < w.demand.length; d++) if (w.stockOut[d] !== 1) values.push(w.demand[d]!);
    return summarizeSample(values);
  };
  const before = observed(baseline);
  const after = observed(recent);
  const base: DemandShift = {
    shifted: false,
    recentMeanPerDay: after.count > 0 ? after.mean : null,
    baselineMeanPerDay: before.count > 0 ? before.mean : null,
    recentObservedDays: after.count,
    baselineObservedDays: before.count,
    change: null,
    pValue: null,
    message: '',
  };
  if (after.count < rules.minRecentObservedDays || before.count < rules.minBaselineObservedDays) {
    return {
      ...base,
      message: `Too few days in stock to judge: ${after.count} of the last ${rules.recentDays} (need ${rules.minRecentObservedDays}) and ${before.count} of the ${rules.baselineDays} before (need ${rules.minBaselineObservedDays}).`,
    };
  }
  const change = before.mean > 0 ? (after.mean - before.mean) / before.mean : null;
  const welch = welchTTest(after, before);
  const student = pooledTTest(after, before);
  const pValue = Math.max(welch.pValue, student.pValue);
  const measured = { ...base, change, pValue };
  const numbers = `${formatNumber(after.mean)} ${unit} a day over the last ${rules.recentDays} days (${after.count} in stock) against ${formatNumber(before.mean)} ${unit} a day over the ${rules.baselineDays} days before (${before.count} in stock)`;
  const material = change === null ? after.mean > 0 : Math.abs(change) >= rules.minShiftFraction - 1e-12;
  if (!material) {
    return { ...measured, message: `No material change: ${numbers}.` };
  }
  const significance = `Welch t = ${formatNumber(welch.t)} (p ${formatP(welch.pValue)}), pooled t = ${formatNumber(student.t)} (p ${formatP(student.pValue)})`;
  if (!(pValue < rules.significance)) {
    return { ...measured, message: `No change beyond noise: ${numbers}; ${significance}.` };
  }
  const direction = after.mean > before.mean ? 'rose' : 'fell';
  const size = change === null ? 'from none' : `${formatNumber(Math.abs(change) * 100, 0)} %`;
  return { ...measured, shifted: true, message: `Demand ${direction} ${size}: ${numbers}; ${significance}.` };
}

/** The stock figures of a pair that the other drift reasons read. Quantities in the item's unit. */
export type StockDriftInput = {
  unit: string;
  onHand: number;
  /** Whether the pair should hold stock: a policy other than make-to-order. */
  holdsStock: boolean;
  /** The policy's order-up-to level (S, cards × container, a manual policy's reorder point); null without one. */
  target: number | null;
  /** Mean demand a day the excess is judged against, and where it comes from ('forecast' or 'history'). */
  meanPerDay: number;
  meanSource: 'forecast' | 'history';
  /** Stock-out episodes and stock-out days in the last `stockOutWindowDays`. */
  stockOutEpisodes: number;
  stockOutDays: number;
  /** Demand in the last `deadStockDays`, and whether the pair was stocked for all of them. */
  recentDemand: number;
  stockedThroughout: boolean;
};

export type DriftFinding = { reason: DriftReason; message: string };

/**
 * Repeated stock-outs, excess and dead stock of one pair (the demand shift is {@link detectDemandShift}):
 *
 * - `repeated_stockouts`: a pair that should hold stock ran out at least `minStockOutEpisodes` times in the last
 *   `stockOutWindowDays` (an episode begins each time on hand falls to zero or below).
 * - `dead_stock`: on hand > 0 and no demand at all in the last `deadStockDays`, for a pair stocked all that time.
 * - `excess`: on hand > target + `excessCoverDays` × mean daily demand (target 0 without a policy level); not raised
 *   for dead stock, which says more.
 */
export function assessStockDrift(input: StockDriftInput, rules: DriftRules = DEFAULT_DRIFT_RULES): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const u = input.unit;
  if (input.holdsStock && input.stockOutEpisodes >= rules.minStockOutEpisodes) {
    findings.push({
      reason: 'repeated_stockouts',
      message: `Ran out of stock ${input.stockOutEpisodes} times in the last ${rules.stockOutWindowDays} days (at least ${rules.minStockOutEpisodes} is repeated), on ${input.stockOutDays} day${input.stockOutDays === 1 ? '' : 's'} in all.`,
    });
  }
  const dead = input.onHand > 0 && input.recentDemand <= 0 && input.stockedThroughout;
  if (dead) {
    findings.push({
      reason: 'dead_stock',
      message: `On hand ${formatNumber(input.onHand)} ${u} and no demand in the last ${rules.deadStockDays} days.`,
    });
  }
  const target = input.target ?? 0;
  const cover = rules.excessCoverDays * Math.max(0, input.meanPerDay);
  const limit = target + cover;
  if (!dead && input.onHand > limit + 1e-9) {
    const source = input.meanSource === 'forecast' ? "the plan's forecast" : 'the last 180 days';
    findings.push({
      reason: 'excess',
      message: `On hand ${formatNumber(input.onHand)} ${u} is ${formatNumber(input.onHand - limit)} ${u} above the target ${formatNumber(target)} ${u} plus ${rules.excessCoverDays} days of demand (${rules.excessCoverDays} × ${formatNumber(input.meanPerDay)} ${u} a day from ${source} = ${formatNumber(cover)} ${u}).`,
    });
  }
  return findings;
}

/**
 * Student's two-sample t-test with one pooled variance s² = ((n₁ − 1)s₁² + (n₂ − 1)s₂²) / (n₁ + n₂ − 2):
 * t = (x̄₁ − x̄₂) / (s·√(1/n₁ + 1/n₂)) with n₁ + n₂ − 2 degrees of freedom. Without spread in either sample, any
 * difference is certain (p = 0) and none impossible (p = 1).
 */
export function pooledTTest(a: SampleSummary, b: SampleSummary): { t: number; pValue: number } {
  const degreesOfFreedom = a.count + b.count - 2;
  const pooled = ((a.count - 1) * a.sd * a.sd + (b.count - 1) * b.sd * b.sd) / degreesOfFreedom;
  const difference = a.mean - b.mean;
  if (pooled === 0) {
    if (difference === 0) return { t: 0, pValue: 1 };
    return { t: difference > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, pValue: 0 };
  }
  const t = difference / Math.sqrt(pooled * (1 / a.count + 1 / b.count));
  return { t, pValue: studentTTwoSidedP(t, degreesOfFreedom) };
}

/** At most `digits` decimals, without trailing zeros. */
export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : value < 0 ? '−∞' : 'n/a';
  const rounded = Number(value.toFixed(digits));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
}

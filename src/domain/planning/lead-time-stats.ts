import { logGamma } from '../policy/distributions.js';
import type { LeadTimeStats } from './types.js';

/**
 * One purchase-order line as delivered: its lead time (sent → fully received, days; null when nothing came, e.g. a
 * line closed with nothing delivered) and whether it came on time and in full (null when unknown).
 */
export type LeadTimeObservation = { leadTimeDays: number | null; onTime: boolean | null; inFull: boolean | null };

/**
 * Lead-time statistics of a supplier item (or a supplier) from its delivered lines.
 *
 * - `receipts`: lines with a measured lead time; mean, standard deviation and p90 are over those.
 * - `sdDays`: the sample standard deviation s = √(Σ(x − x̄)²/(n − 1)); null below 2 receipts.
 * - `p90Days`: the 0.9 quantile by linear interpolation between order statistics, x₍ₕ₎ with h = (n − 1)·0.9 + 1
 *   (Hyndman & Fan's definition 7: the default of R's `quantile`, NumPy's `percentile` and Excel's PERCENTILE.INC).
 * - `onTimeRate`, `inFullRate`: shares of the lines whose flag is known; `otif`: share of the lines with both flags
 *   known that were on time and in full (the same line, not the product of the two rates).
 *
 * @example computeLeadTimeStats([{ leadTimeDays: 5, onTime: true, inFull: true }, { leadTimeDays: 7, onTime: false, inFull: true }])
 * // { receipts: 2, meanDays: 6, sdDays: 1.414…, p90Days: 6.8, onTimeRate: 0.5, inFullRate: 1, otif: 0.5 }
 */
export function computeLeadTimeStats(observations: readonly LeadTimeObservation[]): LeadTimeStats {
  const days: number[] = [];
  let onTimeKnown = 0;
  let onTime = 0;
  let inFullKnown = 0;
  let inFull = 0;
  let bothKnown = 0;
  let both = 0;
  for (const o of observations) {
    if (o.leadTimeDays !== null && Number.isFinite(o.leadTimeDays)) days.push(o.leadTimeDays);
    if (o.onTime !== null) {
      onTimeKnown++;
      if (o.onTime) onTime++;
    }
    if (o.inFull !== null) {
      inFullKnown++;
      if (o.inFull) inFull++;
    }
    if (o.onTime !== null && o.inFull !== null) {
      bothKnown++;
      if (o.onTime && o.inFull) both++;
    }
  }
  const summary = summarizeSample(days);
  return {
    receipts: days.length,
    meanDays: days.length === 0 ? null : summary.mean,
    sdDays: days.length < 2 ? null : summary.sd,
    p90Days: days.length === 0 ? null : quantile(days, 0.9),
    onTimeRate: onTimeKnown === 0 ? null : onTime / onTimeKnown,
    inFullRate: inFullKnown === 0 ? null : inFull / inFullKnown,
    otif: bothKnown === 0 ? null : both / bothKnown,
  };
}

/** Count, mean and sample standard deviation (n − 1; 0 for fewer than two values) of a sample. */
export type SampleSummary = { count: number; mean: number; sd: number };

export function summarizeSample(values: readonly number[]): SampleSummary {
  const n = values.length;
  if (n === 0) return { count: 0, mean: Number.NaN, sd: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { count: n, mean, sd: n < 2 ? 0 : Math.sqrt(squares / (n - 1)) };
}

/**
 * The p-quantile (0 ≤ p ≤ 1) by Hyndman & Fan's definition 7: sort, h = (n − 1)p, then
 * x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]) with zero-based x. NaN for an empty sample.
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!);
}

export type LeadTimeShiftOptions = {
  /** Receipts the long run needs before a shift can be called (default 5). */
  minLongRunReceipts?: number;
  /** Receipts the recent window needs (default 3). */
  minRecentReceipts?: number;
  /** The smallest change of the mean that matters, days (default 1). */
  minShiftDays?: number;
  /** The smallest change that matters as a share of the long-run mean (default 0.2). */
  minShiftFraction?: number;
  /** The two-sided p-value below which the change is not noise (default 0.01). */
  significance?: number;
};

export const DEFAULT_LEAD_TIME_SHIFT_OPTIONS: Required<LeadTimeShiftOptions> = {
  minLongRunReceipts: 5,
  minRecentReceipts: 3,
  minShiftDays: 1,
  minShiftFraction: 0.2,
  significance: 0.01,
};

export type LeadTimeShift = {
  shifted: boolean;
  /** One sentence with the numbers. */
  reason: string;
  longRunMean: number | null;
  longRunSd: number | null;
  longRunReceipts: number;
  recentMean: number | null;
  recentSd: number | null;
  recentReceipts: number;
  /** Recent mean − long-run mean, days. */
  differenceDays: number | null;
  /** max(minShiftDays, minShiftFraction × long-run mean), days. */
  thresholdDays: number | null;
  /** Welch's t = (x̄_recent − x̄_long) / √(s²_recent/n_recent + s²_long/n_long). */
  tStatistic: number | null;
  /** Welch–Satterthwaite degrees of freedom. */
  degreesOfFreedom: number | null;
  /** Two-sided p-value of t under Student's t with those degrees of freedom. */
  pValue: number | null;
};

/**
 * Whether lead times have shifted: the recent window's mean differs from the long run's by at least
 * max(1 day, 20 % of the long-run mean) (material) AND Welch's unequal-variances t-test rejects equal means at the
 * 1 % level (not noise), with at least 5 long-run and 3 recent receipts. The two samples must not overlap.
 * When both samples have no spread, any difference is certain (p = 0) and none is impossible (p = 1).
 *
 * Welch's test: B. L. Welch, "The generalization of 'Student's' problem when several different population variances
 * are involved", Biometrika 34 (1947); the worked example of the NIST/SEMATECH e-Handbook of Statistical Methods,
 * §1.3.5.3, reproduces in the tests.
 *
 * @example detectLeadTimeShift([7, 7, 8, 6, 7, 7], [12, 11, 13]).shifted // true: +5 days, p ≈ 0.005
 */
export function detectLeadTimeShift(
  longRun: readonly number[],
  recent: readonly number[],
  options: LeadTimeShiftOptions = {},
): LeadTimeShift {
  return detectLeadTimeShiftFrom(summarizeSample(longRun), summarizeSample(recent), options);
}

/** {@link detectLeadTimeShift} from summaries, e.g. a stored baseline (mean, s.d., receipts) as the long run. */
export function detectLeadTimeShiftFrom(
  longRun: SampleSummary,
  recent: SampleSummary,
  options: LeadTimeShiftOptions = {},
): LeadTimeShift {
  const o = { ...DEFAULT_LEAD_TIME_SHIFT_OPTIONS, ...options };
  const base: LeadTimeShift = {
    shifted: false,
    reason: '',
    longRunMean: longRun.count === 0 ? null : longRun.mean,
    longRunSd: longRun.count < 2 ? null : longRun.sd,
    longRunReceipts: longRun.count,
    recentMean: recent.count === 0 ? null : recent.mean,
    recentSd: recent.count < 2 ? null : recent.sd,
    recentReceipts: recent.count,
    differenceDays: null,
    thresholdDays: null,
    tStatistic: null,
    degreesOfFreedom: null,
    pValue: null,
  };
  if (longRun.count < o.minLongRunReceipts || recent.count < o.minRecentReceipts) {
    return {
      ...base,
      reason: `Too few receipts to judge: ${longRun.count} in the long run (need ${o.minLongRunReceipts}) and ${recent.count} recent (need ${o.minRecentReceipts}).`,
    };
  }
  const difference = recent.mean - longRun.mean;
  const threshold = materialShiftDays(longRun.mean, o);
  const test = welchTTest(recent, longRun);
  const measured = {
    ...base,
    differenceDays: difference,
    thresholdDays: threshold,
    tStatistic: test.t,
    degreesOfFreedom: test.degreesOfFreedom,
    pValue: test.pValue,
  };
  const change = `recent mean ${days(recent.mean)} (${recent.count} receipts) against ${days(longRun.mean)} in the long run (${longRun.count} receipts): ${signed(difference)} days`;
  const significance = `Welch t = ${round(test.t, 2)}, ${round(test.degreesOfFreedom, 1)} degrees of freedom, p = ${formatP(test.pValue)}`;
  if (!isMaterialLeadTimeChange(longRun.mean, recent.mean, o)) {
    return {
      ...measured,
      reason: `No material shift: ${change}, less than the ${days(threshold)} that matter.`,
    };
  }
  if (!(test.pValue < o.significance)) {
    return {
      ...measured,
      reason: `No shift beyond noise: ${change}, but ${significance} is not below ${o.significance}.`,
    };
  }
  return {
    ...measured,
    shifted: true,
    reason: `Lead time ${difference > 0 ? 'lengthened' : 'shortened'}: ${change} (at least ${days(threshold)} matter), ${significance} < ${o.significance}.`,
  };
}

/** The smallest change of a mean lead time that matters: max(minShiftDays, minShiftFraction × |from|), days. */
export function materialShiftDays(fromMeanDays: number, options: LeadTimeShiftOptions = {}): number {
  const o = { ...DEFAULT_LEAD_TIME_SHIFT_OPTIONS, ...options };
  return Math.max(o.minShiftDays, o.minShiftFraction * Math.abs(fromMeanDays));
}

/** Whether a mean lead time moved by at least {@link materialShiftDays} (by default max(1 day, 20 %)). */
export function isMaterialLeadTimeChange(
  fromMeanDays: number,
  toMeanDays: number,
  options: LeadTimeShiftOptions = {},
): boolean {
  // A hair of tolerance so that a change of exactly the threshold counts as "at least".
  return Math.abs(toMeanDays - fromMeanDays) >= materialShiftDays(fromMeanDays, options) - 1e-9;
}

export type WelchTTest = { t: number; degreesOfFreedom: number; pValue: number };

/**
 * Welch's two-sample t-test of equal means without assuming equal variances:
 * t = (x̄₁ − x̄₂)/√(s₁²/n₁ + s₂²/n₂), ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1)),
 * p = P(|T_ν| ≥ |t|). Both samples need n ≥ 2. With no spread in either sample, ν = n₁ + n₂ − 2 and t = ±∞ (p = 0)
 * for different means, t = 0 (p = 1) for equal ones.
 */
export function welchTTest(a: SampleSummary, b: SampleSummary): WelchTTest {
  const va = (a.sd * a.sd) / a.count;
  const vb = (b.sd * b.sd) / b.count;
  const se2 = va + vb;
  const difference = a.mean - b.mean;
  if (se2 === 0) {
    const degreesOfFreedom = a.count + b.count - 2;
    if (difference === 0) return { t: 0, degreesOfFreedom, pValue: 1 };
    return { t: difference > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, degreesOfFreedom, pValue: 0 };
  }
  const t = difference / Math.sqrt(se2);
  const degreesOfFreedom = (se2 * se2) / ((va * va) / (a.count - 1) + (vb * vb) / (b.count - 1));
  return { t, degreesOfFreedom, pValue: studentTTwoSidedP(t, degreesOfFreedom) };
}

/**
 * P(|T| ≥ |t|) for Student's t with ν > 0 degrees of freedom (ν need not be whole): I_{ν/(ν+t²)}(ν/2, 1/2), the
 * regularized incomplete beta function (Abramowitz & Stegun 26.7.1 with 26.5.27).
 */
export function studentTTwoSidedP(t: number, degreesOfFreedom: number): number {
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
}

/**
 * I_x(a, b) by the continued fraction of Numerical Recipes (Press et al., 3rd ed., §6.4, `betacf`, modified Lentz),
 * using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
 */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

function round(value: number, places: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  return value.toFixed(places);
}

function days(value: number): string {
  return `${round(value, 1)} days`;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${round(Math.abs(value), 1)}`;
}

function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
}

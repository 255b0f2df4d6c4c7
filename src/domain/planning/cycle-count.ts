import type { AbcClass } from './types.js';

/**
 * Cycle counting: when each item × location is next counted, by ABC class, and how accurate the stock records were
 * when counted. Days are day numbers of the site's local calendar (days since 1970-01-01, see `parseLocalDate`).
 */

/** The largest relative difference between a count and the record that still counts as accurate, by class. */
export type CountTolerances = Record<AbcClass, number>;

/** Exact for A, ±2 % for B, ±5 % for C. */
export const DEFAULT_COUNT_TOLERANCES: CountTolerances = { A: 0, B: 0.02, C: 0.05 };

/** One pair to schedule: its class and the local day it was last counted (null: never). */
export type CountCandidate = { abc: AbcClass; lastCountDay: number | null };

/**
 * The day each pair is next due for counting, in the order given. A pair counted before is due its class's interval
 * after that count (a day in the past means overdue). The pairs never counted are spread evenly over the interval
 * starting today, class by class in the order given: the k-th of n is due on today + ⌊k · interval / n⌋, so no day
 * gets more than ⌈n / interval⌉ of them and A items do not all fall on one day.
 *
 * Source: Heizer, Render & Munson, *Operations Management*, 12th ed. (2017), ch. 12, Example 2 (Cole's Trucks: 500 A
 * items every 20 days, 1,750 B every 60, 2,750 C every 120 → 25 + 29 + 23 = 77 counts a day).
 *
 * @example planCountDueDays([{ abc: 'A', lastCountDay: null }, { abc: 'A', lastCountDay: null }], { A: 30, B: 91, C: 365 }, 100) // [100, 115]
 */
export function planCountDueDays(
  candidates: readonly CountCandidate[],
  intervalDays: Record<AbcClass, number>,
  today: number,
): number[] {
  const neverCounted: Record<AbcClass, number> = { A: 0, B: 0, C: 0 };
  for (const c of candidates) if (c.lastCountDay === null) neverCounted[c.abc]++;
  const placed: Record<AbcClass, number> = { A: 0, B: 0, C: 0 };
  return candidates.map((c) => {
    const interval = intervalDays[c.abc];
    if (c.lastCountDay !== null) return c.lastCountDay + interval;
    const k = placed[c.abc]++;
    return today + Math.floor((k * interval) / neverCounted[c.abc]);
  });
}

/**
 * Whether a count agrees with the stock record within a relative tolerance: |counted − expected| ≤ tolerance ×
 * |expected|. A record of zero is accurate only when nothing was found. Quantities in thousandths.
 *
 * @example isCountWithinTolerance(100_000, 98_000, 0.02) // true: 2 % off
 */
export function isCountWithinTolerance(expectedMilli: number, countedMilli: number, tolerance: number): boolean {
  const allowed = tolerance * Math.abs(expectedMilli);
  // Thousandths are integers; the slack only absorbs the float error of tolerance × expected.
  return Math.abs(countedMilli - expectedMilli) <= allowed + allowed * 1e-12;
}

/** One count: the pair's class, what the record said and what was found, thousandths. */
export type CountOutcome = { abc: AbcClass; expectedMilli: number; countedMilli: number };

export type AccuracyTally = { counts: number; accurate: number; accuracy: number | null };

export type RecordAccuracy = AccuracyTally & { classes: Array<AccuracyTally & { abc: AbcClass; tolerance: number }> };

/**
 * Inventory record accuracy: the share of counts whose record was within its class's tolerance, overall and by class
 * (null where nothing was counted). The usual definition of the APICS Dictionary (accurate records ÷ records counted,
 * with a tolerance per class); Silver, Pyke & Thomas, *Inventory and Production Management in Supply Chains*, 4th ed.
 * (2017), discuss tolerances that tighten with the item's value.
 *
 * @example computeRecordAccuracy([{ abc: 'B', expectedMilli: 100_000, countedMilli: 99_000 }], DEFAULT_COUNT_TOLERANCES).accuracy // 1
 */
export function computeRecordAccuracy(
  outcomes: readonly CountOutcome[],
  tolerances: CountTolerances = DEFAULT_COUNT_TOLERANCES,
): RecordAccuracy {
  const tally: Record<AbcClass, { counts: number; accurate: number }> = {
    A: { counts: 0, accurate: 0 },
    B: { counts: 0, accurate: 0 },
    C: { counts: 0, accurate: 0 },
  };
  for (const o of outcomes) {
    const t = tally[o.abc];
    t.counts++;
    if (isCountWithinTolerance(o.expectedMilli, o.countedMilli, tolerances[o.abc])) t.accurate++;
  }
  const share = (accurate: number, counts: number) => (counts > 0 ? accurate / counts : null);
  const classes = (['A', 'B', 'C'] as const).map((abc) => ({
    abc,
    tolerance: tolerances[abc],
    counts: tally[abc].counts,
    accurate: tally[abc].accurate,
    accuracy: share(tally[abc].accurate, tally[abc].counts),
  }));
  const counts = classes.reduce((sum, c) => sum + c.counts, 0);
  const accurate = classes.reduce((sum, c) => sum + c.accurate, 0);
  return { counts, accurate, accuracy: share(accurate, counts), classes };
}

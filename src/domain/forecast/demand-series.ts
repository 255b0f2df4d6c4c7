import { DomainError, type FieldProblem, moreProblems } from '../errors.js';

/**
 * A daily demand history as the forecasting methods read it: one number per day, oldest first, zero days included,
 * and optionally a flag per day for days with no stock (censored days: the recorded demand is only a lower bound).
 */

/** Units demanded per day, oldest first; zeros included. */
export type DailyDemand = ArrayLike<number>;

/** One flag per day, aligned with the demand: true (or non-zero) where the day had no stock to sell. */
export type StockOutDays = ArrayLike<boolean | number>;

/** A validated series: `y` is the demand, `censored[t]` is 1 on stock-out days (null when no day is flagged). */
export type PreparedSeries = {
  y: Float64Array;
  censored: Uint8Array | null;
  n: number;
  /** Days not flagged as stock-outs. */
  observedDays: number;
  /** Observed days with positive demand. */
  demandDays: number;
  /** The smallest demand on an observed day (Infinity when none). */
  minObserved: number;
};

const MAX_REPORTED = 10;

/**
 * Validates a demand history: at least one day, every value finite and ≥ 0, the stock-out flags (if any) as long as
 * the demand, and at least one day not flagged. A `Float64Array` and a `Uint8Array` of flags are used without copying.
 * Throws LS_VALIDATION listing every problem (up to ten values).
 */
export function prepareDemandSeries(dailyDemand: DailyDemand, stockOutDays?: StockOutDays): PreparedSeries {
  const problems: FieldProblem[] = [];
  const n = dailyDemand.length;
  if (n === 0) problems.push({ field: 'daily_demand', message: 'needs at least one day' });
  const y = dailyDemand instanceof Float64Array ? dailyDemand : Float64Array.from(dailyDemand);
  let censored: Uint8Array | null = null;
  let flagsProblem: FieldProblem | null = null;
  if (stockOutDays !== undefined) {
    if (stockOutDays.length !== n) {
      flagsProblem = {
        field: 'stock_out_days',
        message: `must have one flag per day (${n}), not ${stockOutDays.length}`,
      };
    } else {
      const flags =
        stockOutDays instanceof Uint8Array ? stockOutDays : Uint8Array.from(stockOutDays, (f) => (f ? 1 : 0));
      for (let t = 0; t < n; t++) {
        if (flags[t] !== 0) {
          censored = flags;
          break;
        }
      }
    }
  }
  // One pass validates every value and counts the observed days (meaningful only when nothing is wrong).
  let bad = 0;
  let observedDays = 0;
  let demandDays = 0;
  let minObserved = Number.POSITIVE_INFINITY;
  for (let t = 0; t < n; t++) {
    const v = y[t]!;
    if (!(v >= 0) || v === Number.POSITIVE_INFINITY) {
      if (bad++ < MAX_REPORTED) {
        problems.push({ field: `daily_demand[${t}]`, message: 'must be a finite number ≥ 0', value: dailyDemand[t] });
      }
    }
    if (censored !== null && censored[t] !== 0) continue;
    observedDays++;
    demandDays += v > 0 ? 1 : 0;
    if (v < minObserved) minObserved = v;
  }
  if (flagsProblem !== null) problems.push(flagsProblem);
  if (problems.length === 0 && observedDays === 0) {
    problems.push({ field: 'stock_out_days', message: 'flags every day: there is no observed demand to learn from' });
  }
  if (problems.length > 0) {
    const more = moreProblems(problems.length - 1);
    throw new DomainError('LS_VALIDATION', `${problems[0]!.field}: ${problems[0]!.message}${more}`, problems);
  }
  return { y, censored, n, observedDays, demandDays, minObserved };
}

/** Throws LS_VALIDATION unless `value` is a whole number of days ≥ 1. */
export function checkDays(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new DomainError('LS_VALIDATION', `${field}: must be a whole number of days ≥ 1`, [
      { field, message: 'must be a whole number of days ≥ 1', value },
    ]);
  }
  return value;
}

/** Throws LS_VALIDATION unless `min < value ≤ 1` (or `min ≤ value ≤ 1` when `closedBelow`). */
export function checkFraction(field: string, value: number, closedBelow = false): number {
  const ok = value <= 1 && (closedBelow ? value >= 0 : value > 0);
  if (!ok) {
    const range = closedBelow ? 'between 0 and 1' : 'greater than 0 and at most 1';
    throw new DomainError('LS_VALIDATION', `${field}: must be ${range}`, [
      { field, message: `must be ${range}`, value },
    ]);
  }
  return value;
}

/** Throws LS_VALIDATION unless `value` is a finite number. */
export function checkFinite(field: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new DomainError('LS_VALIDATION', `${field}: must be a finite number`, [
      { field, message: 'must be a finite number', value },
    ]);
  }
  return value;
}

import { DomainError, type FieldProblem, throwIfProblems } from '../errors.js';
import { classifyDemand, selectForecastMethod } from '../forecast/index.js';
import type { DemandForecast } from './types.js';

/** Below this many observed days no method is fitted: the planner uses the plain mean and s.d. of those days. */
export const MIN_FORECAST_OBSERVED_DAYS = 28;

/** Below this many complete weeks without a stock-out, cv is the daily coefficient of variation ÷ √7. */
export const MIN_CV_WEEKS = 8;

const SQRT_7 = Math.sqrt(7);

export type ForecastDemandOptions = {
  /** h, the days the forecast mean averages over and the backtest forecasts from each origin (default 7). */
  horizonDays?: number | undefined;
};

const MAX_REPORTED = 10;

/**
 * What one item × location's daily demand history says about demand from now on: the mean and standard deviation of
 * demand per day, the demand class, and why.
 *
 * - At least `MIN_FORECAST_OBSERVED_DAYS` observed days with some demand: `selectForecastMethod` with the stock-out days
 *   censored (missing for the methods and their errors). meanPerDay is the chosen method's mean forecast over h days;
 *   sdPerDay is its one-step RMSE σ̂ = √(Σe²/N), the spread of demand around the forecast.
 * - Fewer observed days (a new item): no method; the sample mean and s.d. (n − 1) of the observed days.
 * - No demand on any observed day: no method, mean and s.d. 0, class `no_demand`.
 * - Every day a stock-out: demand was never observed; the recorded demand (a lower bound) stands in, with no method.
 *
 * cv, whatever the method, is the coefficient of variation of weekly demand (sample s.d. ÷ mean of the weekly
 * totals) over the complete 7-day weeks without a stock-out day, counted back from the last day; NaN without demand.
 * XYZ classes are drawn on period demand: a few units a day vary by more than their mean from day to day by Poisson
 * noise alone (CV 1/√d), which says nothing about how predictable the item is. With fewer than `MIN_CV_WEEKS` such
 * weeks (or no demand in them) cv is the daily coefficient of variation of the observed days ÷ √7, the weekly one if
 * days were independent, and the reason says so. The arrays are read in place: nothing is copied on top of what
 * `selectForecastMethod` allocates.
 *
 * Units: demand units/day; days.
 *
 * @example forecastDemand(Float64Array.from(history), new Uint8Array(history.length)).meanPerDay
 */
export function forecastDemand(
  demand: Float64Array,
  stockOut: Uint8Array,
  options: ForecastDemandOptions = {},
): DemandForecast {
  const n = demand.length;
  const horizonDays = options.horizonDays;
  if (horizonDays !== undefined && !(Number.isInteger(horizonDays) && horizonDays >= 1)) {
    throw new DomainError('LS_VALIDATION', 'horizon_days: must be a whole number of days ≥ 1', [
      { field: 'horizon_days', message: 'must be a whole number of days ≥ 1', value: horizonDays },
    ]);
  }
  if (n === 0) {
    throw new DomainError('LS_VALIDATION', 'daily_demand: needs at least one day', [
      { field: 'daily_demand', message: 'needs at least one day' },
    ]);
  }
  if (stockOut.length !== n) {
    throw new DomainError(
      'LS_VALIDATION',
      `stock_out_days: must have one flag per day (${n}), not ${stockOut.length}`,
      [{ field: 'stock_out_days', message: `must have one flag per day (${n}), not ${stockOut.length}` }],
    );
  }

  let observedDays = 0;
  let mean = 0;
  let m2 = 0;
  let recordedMean = 0;
  let recordedM2 = 0;
  let problems: FieldProblem[] | undefined;
  for (let t = 0; t < n; t++) {
    const v = demand[t]!;
    if (!(v >= 0 && v < Number.POSITIVE_INFINITY)) {
      problems ??= [];
      if (problems.length < MAX_REPORTED) {
        problems.push({ field: `daily_demand[${t}]`, message: 'must be a finite number ≥ 0', value: v });
      }
      continue;
    }
    const recordedDelta = v - recordedMean;
    recordedMean += recordedDelta / (t + 1);
    recordedM2 += recordedDelta * (v - recordedMean);
    if (stockOut[t] !== 0) continue;
    observedDays++;
    const delta = v - mean;
    mean += delta / observedDays;
    m2 += delta * (v - mean);
  }
  if (problems !== undefined) throwIfProblems(problems);

  if (observedDays === 0) {
    const recordedSd = n > 1 ? Math.sqrt(recordedM2 / (n - 1)) : 0;
    const recordedCv = recordedMean > 0 ? recordedSd / recordedMean : Number.NaN;
    return {
      method: null,
      demandClass: classifyDemand(demand).demandClass,
      meanPerDay: recordedMean,
      sdPerDay: recordedSd,
      cv: recordedCv / SQRT_7,
      observedDays: 0,
      reason:
        `every one of the ${n} days was a stock-out, so demand was never observed: ` +
        'the recorded demand (a lower bound) stands in, with no forecasting method' +
        (Number.isNaN(recordedCv) ? '' : '; cv is its daily coefficient of variation ÷ √7'),
    };
  }

  const sd = observedDays > 1 ? Math.sqrt(m2 / (observedDays - 1)) : 0;
  if (mean === 0) {
    return {
      method: null,
      demandClass: 'no_demand',
      meanPerDay: 0,
      sdPerDay: 0,
      cv: Number.NaN,
      observedDays,
      reason: `no demand on any of the ${observedDays} observed days`,
    };
  }
  const weekly = weeklyCv(demand, stockOut);
  const cv = weekly.cv ?? sd / mean / SQRT_7;
  const cvNote = weekly.cv !== null ? '' : `; cv is the daily coefficient of variation ÷ √7 (${weekly.reason})`;
  if (observedDays < MIN_FORECAST_OBSERVED_DAYS) {
    return {
      method: null,
      demandClass: classifyDemand(demand, { stockOutDays: stockOut }).demandClass,
      meanPerDay: mean,
      sdPerDay: sd,
      cv,
      observedDays,
      reason:
        `only ${observedDays} observed day${observedDays === 1 ? '' : 's'} (fewer than ${MIN_FORECAST_OBSERVED_DAYS}): ` +
        'the mean and standard deviation of those days, no forecasting method' +
        cvNote,
    };
  }

  const selection = selectForecastMethod(demand, { stockOutDays: stockOut, horizonDays });
  return {
    method: selection.method,
    demandClass: selection.demand.demandClass,
    meanPerDay: selection.forecast.meanPerDay,
    sdPerDay: selection.forecast.sdPerDay,
    cv,
    observedDays,
    reason: selection.reason + cvNote,
  };
}

/**
 * Sample s.d. ÷ mean of the weekly totals of the complete 7-day weeks without a stock-out day, counted back from the
 * last day (a partial week at the start is left out); null, with why in words, when fewer than `MIN_CV_WEEKS` such
 * weeks remain or they hold no demand. The days are already checked finite and ≥ 0.
 */
function weeklyCv(
  demand: Float64Array,
  stockOut: Uint8Array,
): { cv: number; reason: null } | { cv: null; reason: string } {
  let weeks = 0;
  let mean = 0;
  let m2 = 0;
  for (let end = demand.length; end >= 7; end -= 7) {
    let total = 0;
    let t = end - 7;
    for (; t < end && stockOut[t] === 0; t++) total += demand[t]!;
    if (t < end) continue;
    weeks++;
    const delta = total - mean;
    mean += delta / weeks;
    m2 += delta * (total - mean);
  }
  if (weeks < MIN_CV_WEEKS) {
    const counted = weeks === 0 ? 'no complete week' : `only ${weeks} complete week${weeks === 1 ? '' : 's'}`;
    return { cv: null, reason: `${counted} without a stock-out, fewer than ${MIN_CV_WEEKS}` };
  }
  if (mean === 0) return { cv: null, reason: `no demand in the ${weeks} complete weeks without a stock-out` };
  return { cv: Math.sqrt(m2 / (weeks - 1)) / mean, reason: null };
}

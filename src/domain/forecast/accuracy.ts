import { DomainError } from '../errors.js';

/**
 * Point-forecast accuracy: MAE, RMSE and the mean absolute scaled error (MASE) with its scale, the in-sample MAE of the
 * naive (or seasonal naive) one-step forecast. Days flagged as stock-outs are left out of every measure: their
 * recorded demand is only a lower bound. Units: errors in the demand's units (per day); MASE dimensionless.
 */

export type AccuracyOptions = {
  /** Stock-out flags aligned with `actual`; flagged days are left out. */
  stockOutDays?: ArrayLike<boolean | number> | undefined;
};

export type ScaleOptions = AccuracyOptions & {
  /** m: 1 for the naive scale (y_t − y_{t−1}), 7 for the weekly seasonal naive scale (y_t − y_{t−7}). Default 1. */
  seasonalPeriodDays?: number | undefined;
};

function fail(field: string, message: string): never {
  throw new DomainError('LS_VALIDATION', `${field}: ${message}`, [{ field, message }]);
}

function compared(actual: ArrayLike<number>, forecast: ArrayLike<number>, options: AccuracyOptions): void {
  if (actual.length !== forecast.length) fail('forecast', `must have one value per actual day (${actual.length})`);
  if (options.stockOutDays !== undefined && options.stockOutDays.length !== actual.length) {
    fail('stock_out_days', `must have one flag per actual day (${actual.length})`);
  }
}

/**
 * MAE = (1/N)·Σ|y_t − ŷ_t| over the N unflagged days. Throws LS_VALIDATION when there is no day to compare (an
 * average over nothing is undefined, not 0).
 *
 * Source: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 2nd ed. (2018), §3.4.
 * @example meanAbsoluteError([1, 2, 3], [2, 2, 2]) // (1 + 0 + 1)/3 = 0.6667
 */
export function meanAbsoluteError(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  options: AccuracyOptions = {},
): number {
  compared(actual, forecast, options);
  const flags = options.stockOutDays;
  let sum = 0;
  let count = 0;
  for (let t = 0; t < actual.length; t++) {
    if (flags?.[t]) continue;
    sum += Math.abs(actual[t]! - forecast[t]!);
    count++;
  }
  if (count === 0) fail('actual', 'has no unflagged day to compare');
  return sum / count;
}

/**
 * RMSE = √((1/N)·Σ(y_t − ŷ_t)²) over the N unflagged days; throws LS_VALIDATION when there is none.
 *
 * Source: Hyndman & Athanasopoulos (2018), §3.4.
 * @example rootMeanSquaredError([1, 2, 3], [2, 2, 2]) // √(2/3) = 0.8165
 */
export function rootMeanSquaredError(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  options: AccuracyOptions = {},
): number {
  compared(actual, forecast, options);
  const flags = options.stockOutDays;
  let sum = 0;
  let count = 0;
  for (let t = 0; t < actual.length; t++) {
    if (flags?.[t]) continue;
    const e = actual[t]! - forecast[t]!;
    sum += e * e;
    count++;
  }
  if (count === 0) fail('actual', 'has no unflagged day to compare');
  return Math.sqrt(sum / count);
}

/**
 * The MASE scale: Q = (1/(T − m))·Σ_{t=m+1..T}|y_t − y_{t−m}|, the in-sample MAE of the naive (m = 1) or seasonal
 * naive (m = 7) one-step forecast over the training data, using only pairs where both days are unflagged.
 * Q = 0 for a constant series (all zeros included). Throws LS_VALIDATION when no pair exists (T ≤ m).
 *
 * Sources: Hyndman & Koehler, "Another look at measures of forecast accuracy", *International Journal of
 * Forecasting* 22(4) (2006) 679–688; Hyndman & Athanasopoulos (2018), §3.4 (seasonal variant).
 * @example naiveScale([1, 3, 2]) // (|3 − 1| + |2 − 3|)/2 = 1.5
 */
export function naiveScale(training: ArrayLike<number>, options: ScaleOptions = {}): number {
  const m = options.seasonalPeriodDays ?? 1;
  if (!Number.isInteger(m) || m < 1) fail('seasonal_period_days', 'must be a whole number of days ≥ 1');
  const flags = options.stockOutDays;
  if (flags !== undefined && flags.length !== training.length) {
    fail('stock_out_days', `must have one flag per training day (${training.length})`);
  }
  let sum = 0;
  let count = 0;
  for (let t = m; t < training.length; t++) {
    if (flags?.[t] || flags?.[t - m]) continue;
    sum += Math.abs(training[t]! - training[t - m]!);
    count++;
  }
  if (count === 0) fail('training', `needs two unflagged days ${m} day(s) apart to scale by`);
  return sum / count;
}

/**
 * MASE = MAE / Q, with Q from `naiveScale` over the training data (flags for the training data go in
 * `trainingStockOutDays`). Below 1, the forecast beats the in-sample naive forecast on average.
 *
 * Edge case, handled explicitly: when Q = 0 (the training data are constant, e.g. all zero) the ratio is undefined;
 * this returns 0 when the forecast is also perfect (MAE = 0) and +Infinity otherwise, so that rankings stay ordered
 * and never see NaN.
 *
 * Source: Hyndman & Koehler (2006), eq. for q_t = e_t / Q; Hyndman & Athanasopoulos (2018), §3.4.
 * @example meanAbsoluteScaledError([4, 6], [5, 5], [1, 3, 2]) // MAE 1 / Q 1.5 = 0.6667
 */
export function meanAbsoluteScaledError(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  training: ArrayLike<number>,
  options: ScaleOptions & { trainingStockOutDays?: ArrayLike<boolean | number> | undefined } = {},
): number {
  const mae = meanAbsoluteError(actual, forecast, options);
  const scale = naiveScale(training, {
    seasonalPeriodDays: options.seasonalPeriodDays,
    stockOutDays: options.trainingStockOutDays,
  });
  return scaleError(mae, scale);
}

/** error / scale, with 0/0 = 0 and x/0 = +Infinity for x > 0 (see `meanAbsoluteScaledError`). */
export function scaleError(error: number, scale: number): number {
  if (scale > 0) return error / scale;
  return error > 0 ? Number.POSITIVE_INFINITY : 0;
}

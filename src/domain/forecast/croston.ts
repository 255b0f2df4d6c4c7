import {
  checkDays,
  checkFraction,
  type DailyDemand,
  type PreparedSeries,
  prepareDemandSeries,
} from './demand-series.js';
import { DEFAULT_HORIZON_DAYS, type Forecast, type ForecastOptions } from './forecast.js';
import { type ForecastKernel, fitForecast, type KernelPass, scoreFlat } from './kernel.js';

export type CrostonParams = {
  /** α, smoothing of both the demand sizes and the intervals, 0 < α ≤ 1. */
  alpha: number;
  /** The factor applied to z/p: 1 for Croston, 1 − α/2 for SBA. */
  biasFactor: number;
  /** The first observed demand day (index), −1 when there was none. */
  firstDemandDay: number;
  /** z and p after the first demand: its size (units) and its interval (observed days since the start, inclusive). */
  initialSize: number;
  initialInterval: number;
};

export type CrostonOptions = ForecastOptions & {
  /** α; omitted, chosen from CROSTON_ALPHA_GRID by lowest in-sample one-step SSE. */
  alpha?: number | undefined;
};

export type CrostonForecast = Forecast<'croston', CrostonParams>;

/** The α values searched when α is not given. */
export const CROSTON_ALPHA_GRID: readonly number[] = [0.05, 0.1, 0.2, 0.3];

export type CrostonRow = { alpha: number; biasFactor: number };
export type CrostonState = { first: number; size: number; interval: number };

/** The first observed day with demand, its size, and the observed days up to and including it. */
export function initialiseCroston(series: PreparedSeries): CrostonState {
  const { y, censored: c, n } = series;
  let observed = 0;
  for (let t = 0; t < n; t++) {
    if (c !== null && c[t] !== 0) continue;
    observed++;
    if (y[t]! > 0) return { first: t, size: y[t]!, interval: observed };
  }
  return { first: -1, size: 0, interval: 0 };
}

/**
 * One pass of Croston's method (biasFactor 1) or SBA (biasFactor 1 − α/2): the forecast is biasFactor·z/p, 0 until the
 * first demand; errors are counted from the day after the first demand.
 */
export function runCroston(series: PreparedSeries, row: CrostonRow, state: CrostonState, pass: KernelPass): void {
  const { y, censored: c, n } = series;
  const { alpha, biasFactor } = row;
  const origins = pass.origins;
  const originCount = pass.originCount;
  const fitted = pass.fitted;
  const first = state.first;
  let size = state.size;
  let interval = state.interval;
  let sinceDemand = 0;
  let rate = 0;
  let sse = 0;
  let count = 0;
  let k = 0;
  let next = originCount > 0 ? origins[0]! : -1;
  for (let t = 0; t < n; t++) {
    if (t === next) {
      scoreFlat(series, pass, k, t, rate, sse);
      next = ++k < originCount ? origins[k]! : -1;
    }
    if (fitted !== null) fitted[t] = rate;
    if (c !== null && c[t] !== 0) continue;
    if (t < first || first < 0) continue;
    if (t === first) {
      rate = (biasFactor * size) / interval;
      continue;
    }
    const v = y[t]!;
    const e = v - rate;
    sse += e * e;
    count++;
    sinceDemand++;
    if (v > 0) {
      size += alpha * (v - size);
      interval += alpha * (sinceDemand - interval);
      sinceDemand = 0;
      rate = (biasFactor * size) / interval;
    }
  }
  pass.sse = sse;
  pass.errorCount = count;
  pass.ok = true;
  if (pass.path !== null) pass.path.fill(rate);
}

/** The `params` a Croston or SBA forecast reports. */
export function describeCroston(row: CrostonRow, state: CrostonState): CrostonParams {
  return {
    alpha: row.alpha,
    biasFactor: row.biasFactor,
    firstDemandDay: state.first,
    initialSize: state.size,
    initialInterval: state.interval,
  };
}

/** Croston as a kernel (see kernel.ts): one pass per α, bias factor 1. */
export const crostonKernel: ForecastKernel<'croston', CrostonRow, CrostonState, CrostonParams> = {
  method: 'croston',
  grid: CROSTON_ALPHA_GRID.map((alpha) => ({ alpha, biasFactor: 1 })),
  initialise: initialiseCroston,
  describe: describeCroston,
  run: runCroston,
};

/**
 * Croston's method for intermittent demand: exponential smoothing, with the same α, of the demand size z and of the
 * interval p between demands, updated only on days with demand:
 *   if y_t > 0:  z_t = z_{t−1} + α(y_t − z_{t−1}),  p_t = p_{t−1} + α(q_t − p_{t−1}),  q_t = days since the last demand;
 *   otherwise z and p are unchanged.
 * Forecast for every horizon: ŷ = z_t/p_t, units/day.
 *
 * A stock-out day is treated as missing: it neither counts in the interval q nor updates anything, so a run of
 * stock-outs does not look like a long gap between demands. Start-up: z and p are the first demand's size and the
 * observed days up to it (as if a demand had occurred the day before the series), as in `forecast::croston` (R);
 * before the first demand the forecast is 0 and no error is counted. α from CROSTON_ALPHA_GRID by lowest in-sample
 * one-step SSE unless given.
 *
 * Sources: Croston, "Forecasting and stock control for intermittent demands", *Operational Research Quarterly* 23(3)
 * (1972) 289–303; the notation of Syntetos & Boylan, *International Journal of Forecasting* 21 (2005) 303–314.
 * Units: y, z units; p, q days; ŷ units/day.
 *
 * @example forecastCroston([0, 0, 3, 0, 5], { alpha: 0.5 }).meanPerDay
 *   // after day 2: z = 3, p = 3; day 4: z = 4, p = 3 + 0.5(2 − 3) = 2.5, so ŷ = 4/2.5 = 1.6
 */
export function forecastCroston(dailyDemand: DailyDemand, options: CrostonOptions = {}): CrostonForecast {
  const series = prepareDemandSeries(dailyDemand, options.stockOutDays);
  const horizon = checkDays('horizon_days', options.horizonDays ?? DEFAULT_HORIZON_DAYS);
  const given = options.alpha !== undefined;
  const grid = given ? [{ alpha: checkFraction('alpha', options.alpha!), biasFactor: 1 }] : crostonKernel.grid;
  return fitForecast(crostonKernel, series, grid, initialiseCroston(series), horizon, given ? 'given' : 'grid');
}

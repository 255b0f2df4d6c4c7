import { type CrostonState, initialiseCroston } from './croston.js';
import {
  checkDays,
  checkFraction,
  type DailyDemand,
  type PreparedSeries,
  prepareDemandSeries,
} from './demand-series.js';
import { DEFAULT_HORIZON_DAYS, type Forecast, type ForecastOptions } from './forecast.js';
import { type ForecastKernel, fitForecast, type KernelPass, scoreFlat } from './kernel.js';

export type TsbParams = {
  /** α, smoothing of the demand size, 0 < α ≤ 1. */
  alpha: number;
  /** β, smoothing of the probability of demand, 0 < β ≤ 1. */
  beta: number;
  /** The first observed demand day (index), −1 when there was none. */
  firstDemandDay: number;
  /** z and π after the first demand: its size (units) and 1 / (observed days up to it). */
  initialSize: number;
  initialProbability: number;
};

export type TsbOptions = ForecastOptions & {
  /** α and β; any one omitted is searched over TSB_GRID (by lowest in-sample one-step SSE). */
  alpha?: number | undefined;
  beta?: number | undefined;
};

export type TsbForecast = Forecast<'tsb', TsbParams>;

/** The values searched for each parameter not given. */
export const TSB_GRID = {
  alpha: [0.05, 0.15, 0.3] as readonly number[],
  beta: [0.02, 0.05, 0.15] as readonly number[],
};

type Row = { alpha: number; beta: number };

function gridOf(alphas: readonly number[], betas: readonly number[]): Row[] {
  const rows: Row[] = [];
  for (const alpha of alphas) for (const beta of betas) rows.push({ alpha, beta });
  return rows;
}

function runTsb(series: PreparedSeries, row: Row, state: CrostonState, pass: KernelPass): void {
  const { y, censored: c, n } = series;
  const { alpha, beta } = row;
  const origins = pass.origins;
  const originCount = pass.originCount;
  const fitted = pass.fitted;
  const first = state.first;
  let size = state.size;
  let probability = first < 0 ? 0 : 1 / state.interval;
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
      rate = probability * size;
      continue;
    }
    const v = y[t]!;
    const e = v - rate;
    sse += e * e;
    count++;
    if (v > 0) {
      probability += beta * (1 - probability);
      size += alpha * (v - size);
    } else {
      probability -= beta * probability;
    }
    rate = probability * size;
  }
  pass.sse = sse;
  pass.errorCount = count;
  pass.ok = true;
  if (pass.path !== null) pass.path.fill(rate);
}

/** TSB as a kernel (see kernel.ts): one pass per (α, β). */
export const tsbKernel: ForecastKernel<'tsb', Row, CrostonState, TsbParams> = {
  method: 'tsb',
  grid: gridOf(TSB_GRID.alpha, TSB_GRID.beta),
  initialise: initialiseCroston,
  describe: (row, state) => ({
    alpha: row.alpha,
    beta: row.beta,
    firstDemandDay: state.first,
    initialSize: state.size,
    initialProbability: state.first < 0 ? 0 : 1 / state.interval,
  }),
  run: runTsb,
};

/**
 * Teunter–Syntetos–Babai: the demand size z is smoothed on demand days only, the probability of demand π every day,
 * so the forecast decays through long runs without demand (obsolescence):
 *   if y_t > 0:  π_t = π_{t−1} + β(1 − π_{t−1}),  z_t = z_{t−1} + α(y_t − z_{t−1});
 *   otherwise:   π_t = (1 − β)π_{t−1},           z_t = z_{t−1}.
 * Forecast for every horizon: ŷ = π_t·z_t, units/day.
 *
 * A stock-out day is treated as missing: π does not decay on it (no demand could be seen) and z is unchanged.
 * Start-up: z is the first demand's size and π = 1/(observed days up to it), Croston's start-up read as a probability;
 * before the first demand the forecast is 0 and no error is counted. α, β from TSB_GRID by lowest in-sample one-step
 * SSE unless given.
 *
 * Source: Teunter, Syntetos & Babai, "Intermittent demand: Linking forecasting to inventory obsolescence", *European
 * Journal of Operational Research* 214(3) (2011) 606–615. Units: y, z units; π per day; ŷ units/day.
 *
 * @example forecastTsb([0, 0, 3, 0, 5], { alpha: 0.5, beta: 0.5 }).meanPerDay
 *   // day 2: z = 3, π = 1/3; day 3: π = 1/6; day 4: π = 1/6 + 0.5·5/6 = 7/12, z = 4, so ŷ = 7/3 ≈ 2.333
 */
export function forecastTsb(dailyDemand: DailyDemand, options: TsbOptions = {}): TsbForecast {
  const series = prepareDemandSeries(dailyDemand, options.stockOutDays);
  const horizon = checkDays('horizon_days', options.horizonDays ?? DEFAULT_HORIZON_DAYS);
  const given = options.alpha !== undefined && options.beta !== undefined;
  const grid = gridOf(
    options.alpha === undefined ? TSB_GRID.alpha : [checkFraction('alpha', options.alpha)],
    options.beta === undefined ? TSB_GRID.beta : [checkFraction('beta', options.beta)],
  );
  return fitForecast(tsbKernel, series, grid, initialiseCroston(series), horizon, given ? 'given' : 'grid');
}

import type { PreparedSeries } from './demand-series.js';
import { checkDays, checkFinite, checkFraction, type DailyDemand, prepareDemandSeries } from './demand-series.js';
import { DEFAULT_HORIZON_DAYS, type Forecast, type ForecastOptions } from './forecast.js';
import {
  type ForecastKernel,
  fitForecast,
  type GridPass,
  meanOfFirstObserved,
  scoreFlat,
  scoreFlatCell,
} from './kernel.js';

export type SesParams = {
  /** α, smoothing parameter, 0 < α ≤ 1. */
  alpha: number;
  /** ℓ₀, the level before the first day, units/day. */
  initialLevel: number;
};

export type SesOptions = ForecastOptions & {
  /** α; omitted, it is chosen from SES_ALPHA_GRID by lowest in-sample one-step SSE. */
  alpha?: number | undefined;
  /** ℓ₀; omitted, the mean of the first 7 observed days. */
  initialLevel?: number | undefined;
};

export type SesForecast = Forecast<'ses', SesParams>;

/** The α values searched when α is not given. */
export const SES_ALPHA_GRID: readonly number[] = [0.02, 0.05, 0.1, 0.2, 0.4, 0.7];

type Row = { alpha: number };
type State = { level: number };

/** SES as a kernel (see kernel.ts): one pass per α, with the level carried forward over stock-out days. */
export const sesKernel: ForecastKernel<'ses', Row, State, SesParams> = {
  method: 'ses',
  grid: SES_ALPHA_GRID.map((alpha) => ({ alpha })),
  initialise: (series) => ({ level: meanOfFirstObserved(series, 7) }),
  describe: (row, state) => ({ alpha: row.alpha, initialLevel: state.level }),
  run(series, row, state, pass) {
    const { y, censored: c, n } = series;
    const alpha = row.alpha;
    const keep = 1 - alpha;
    const origins = pass.origins;
    const originCount = pass.originCount;
    const fitted = pass.fitted;
    let level = state.level;
    let sse = 0;
    let count = 0;
    let k = 0;
    let next = originCount > 0 ? origins[0]! : -1;
    for (let t = 0; t < n; t++) {
      if (t === next) {
        scoreFlat(series, pass, k, t, Math.max(level, 0), sse);
        next = ++k < originCount ? origins[k]! : -1;
      }
      if (fitted !== null) fitted[t] = level;
      if (c !== null && c[t] !== 0) continue;
      const v = y[t]!;
      const e = v - level;
      sse += e * e;
      count++;
      level = keep * level + alpha * v;
    }
    pass.sse = sse;
    pass.errorCount = count;
    pass.ok = true;
    if (pass.path !== null) pass.path.fill(level);
  },
  runGrid(series, grid, state, pass) {
    const last = grid.length - 1;
    for (let r = 0; r < grid.length; r += 3) {
      runBlock(series, grid, state.level, pass, r, Math.min(r + 1, last), Math.min(r + 2, last));
    }
  },
};

/** `run` for three rows side by side (see `ForecastKernel.runGrid`). */
function runBlock(
  series: PreparedSeries,
  grid: readonly Row[],
  initialLevel: number,
  pass: GridPass,
  r0: number,
  r1: number,
  r2: number,
): void {
  const y = series.y;
  const a0 = grid[r0]!.alpha;
  const a1 = grid[r1]!.alpha;
  const a2 = grid[r2]!.alpha;
  const keep0 = 1 - a0;
  const keep1 = 1 - a1;
  const keep2 = 1 - a2;
  const segments = pass.segments;
  const count = pass.originCount;
  // One row's state declared together (see holt.ts: TurboFan then keeps it in registers).
  let l0 = initialLevel;
  let sse0 = 0;
  let l1 = initialLevel;
  let sse1 = 0;
  let l2 = initialLevel;
  let sse2 = 0;
  let t = 0;
  for (let s = 0; s < segments.length; s += 3) {
    const end = segments[s]!;
    if (segments[s + 1] !== 0) t = end;
    for (; t < end; t++) {
      const v = y[t]!;
      const e0 = v - l0;
      const e1 = v - l1;
      const e2 = v - l2;
      sse0 += e0 * e0;
      sse1 += e1 * e1;
      sse2 += e2 * e2;
      l0 = keep0 * l0 + a0 * v;
      l1 = keep1 * l1 + a1 * v;
      l2 = keep2 * l2 + a2 * v;
    }
    const k = segments[s + 2]!;
    if (k < 0) continue;
    scoreFlatCell(series, pass, r0 * count + k, t, Math.max(l0, 0), sse0);
    scoreFlatCell(series, pass, r1 * count + k, t, Math.max(l1, 0), sse1);
    scoreFlatCell(series, pass, r2 * count + k, t, Math.max(l2, 0), sse2);
  }
  pass.sse[r0] = sse0;
  pass.sse[r1] = sse1;
  pass.sse[r2] = sse2;
  pass.ok[r0] = 1;
  pass.ok[r1] = 1;
  pass.ok[r2] = 1;
}

/**
 * Simple exponential smoothing: ŷ_{t+h|t} = ℓ_t for every h, with ℓ_t = αy_t + (1 − α)ℓ_{t−1}, i.e. in error-correction
 * form ℓ_t = ℓ_{t−1} + αe_t where e_t = y_t − ℓ_{t−1}.
 *
 * A stock-out day is treated as missing: no error is recorded and the level is carried forward unchanged.
 * Start-up: ℓ₀ is the mean of the first 7 observed days unless given; α is chosen from SES_ALPHA_GRID = {0.02, 0.05, 0.1,
 * 0.2, 0.4, 0.7} by the lowest in-sample one-step SSE unless given.
 *
 * Source: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 2nd ed. (2018), §7.1 (Brown 1959).
 * Units: demand in units/day; α dimensionless; ŷ and σ̂ in units/day.
 *
 * @example forecastSes([10, 12, 8, 10], { alpha: 0.5, initialLevel: 10, horizonDays: 1 }).meanPerDay
 *   // ℓ: 10 → 11 → 9.5 → 9.75, so 9.75
 */
export function forecastSes(dailyDemand: DailyDemand, options: SesOptions = {}): SesForecast {
  const series = prepareDemandSeries(dailyDemand, options.stockOutDays);
  const horizon = checkDays('horizon_days', options.horizonDays ?? DEFAULT_HORIZON_DAYS);
  const given = options.alpha !== undefined;
  const grid = given ? [{ alpha: checkFraction('alpha', options.alpha!) }] : sesKernel.grid;
  const state =
    options.initialLevel === undefined
      ? sesKernel.initialise(series)
      : { level: checkFinite('initial_level', options.initialLevel) };
  return fitForecast(sesKernel, series, grid, state, horizon, given ? 'given' : 'grid');
}

import {
  checkDays,
  checkFraction,
  type DailyDemand,
  type PreparedSeries,
  prepareDemandSeries,
} from './demand-series.js';
import { DEFAULT_HORIZON_DAYS, type Forecast, type ForecastOptions } from './forecast.js';
import {
  type ForecastKernel,
  fitForecast,
  type GridPass,
  type KernelPass,
  scoreFlat,
  scoreFlatCell,
} from './kernel.js';

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

/** `runCroston` over every row of a grid, four rows side by side (see `ForecastKernel.runGrid`). */
export function runCrostonGrid(
  series: PreparedSeries,
  grid: readonly CrostonRow[],
  state: CrostonState,
  pass: GridPass,
): void {
  if (isCrostonAndSba(grid)) {
    runCrostonAndSba(series, grid, state, pass);
    return;
  }
  const last = grid.length - 1;
  for (let r = 0; r < grid.length; r += 4) {
    runCrostonBlock(series, grid, state, pass, r, Math.min(r + 1, last), Math.min(r + 2, last), Math.min(r + 3, last));
  }
}

/** Whether rows r and r + 4 share α for r < 4: Croston's grid followed by SBA's, as the backtest joins them. */
function isCrostonAndSba(grid: readonly CrostonRow[]): boolean {
  if (grid.length !== 8) return false;
  for (let r = 0; r < 4; r++) if (grid[r]!.alpha !== grid[r + 4]!.alpha) return false;
  return true;
}

/**
 * `runCroston` for four α with two bias factors each (Croston's and SBA's rows) in one pass: z and p depend on α only,
 * so four of each carry all eight rows (the same operations as eight passes, so the same bits).
 */
function runCrostonAndSba(
  series: PreparedSeries,
  grid: readonly CrostonRow[],
  state: CrostonState,
  pass: GridPass,
): void {
  const y = series.y;
  const a0 = grid[0]!.alpha;
  const a1 = grid[1]!.alpha;
  const a2 = grid[2]!.alpha;
  const a3 = grid[3]!.alpha;
  const f0 = grid[0]!.biasFactor;
  const f1 = grid[1]!.biasFactor;
  const f2 = grid[2]!.biasFactor;
  const f3 = grid[3]!.biasFactor;
  const g0 = grid[4]!.biasFactor;
  const g1 = grid[5]!.biasFactor;
  const g2 = grid[6]!.biasFactor;
  const g3 = grid[7]!.biasFactor;
  const segments = pass.segments;
  const count = pass.originCount;
  const first = state.first;
  let z0 = state.size;
  let p0 = state.interval;
  let z1 = state.size;
  let p1 = state.interval;
  let z2 = state.size;
  let p2 = state.interval;
  let z3 = state.size;
  let p3 = state.interval;
  let rate0 = 0;
  let rate1 = 0;
  let rate2 = 0;
  let rate3 = 0;
  let rate4 = 0;
  let rate5 = 0;
  let rate6 = 0;
  let rate7 = 0;
  let sse0 = 0;
  let sse1 = 0;
  let sse2 = 0;
  let sse3 = 0;
  let sse4 = 0;
  let sse5 = 0;
  let sse6 = 0;
  let sse7 = 0;
  let sinceDemand = 0;
  let t = 0;
  for (let s = 0; s < segments.length; s += 3) {
    const end = segments[s]!;
    if (segments[s + 1] !== 0 || first < 0 || end <= first) t = end;
    else if (t <= first) {
      rate0 = (f0 * z0) / p0;
      rate1 = (f1 * z1) / p1;
      rate2 = (f2 * z2) / p2;
      rate3 = (f3 * z3) / p3;
      rate4 = (g0 * z0) / p0;
      rate5 = (g1 * z1) / p1;
      rate6 = (g2 * z2) / p2;
      rate7 = (g3 * z3) / p3;
      t = first + 1;
    }
    for (; t < end; t++) {
      const v = y[t]!;
      const e0 = v - rate0;
      const e1 = v - rate1;
      const e2 = v - rate2;
      const e3 = v - rate3;
      const e4 = v - rate4;
      const e5 = v - rate5;
      const e6 = v - rate6;
      const e7 = v - rate7;
      sse0 += e0 * e0;
      sse1 += e1 * e1;
      sse2 += e2 * e2;
      sse3 += e3 * e3;
      sse4 += e4 * e4;
      sse5 += e5 * e5;
      sse6 += e6 * e6;
      sse7 += e7 * e7;
      sinceDemand++;
      if (v > 0) {
        z0 += a0 * (v - z0);
        z1 += a1 * (v - z1);
        z2 += a2 * (v - z2);
        z3 += a3 * (v - z3);
        p0 += a0 * (sinceDemand - p0);
        p1 += a1 * (sinceDemand - p1);
        p2 += a2 * (sinceDemand - p2);
        p3 += a3 * (sinceDemand - p3);
        sinceDemand = 0;
        rate0 = (f0 * z0) / p0;
        rate1 = (f1 * z1) / p1;
        rate2 = (f2 * z2) / p2;
        rate3 = (f3 * z3) / p3;
        rate4 = (g0 * z0) / p0;
        rate5 = (g1 * z1) / p1;
        rate6 = (g2 * z2) / p2;
        rate7 = (g3 * z3) / p3;
      }
    }
    const k = segments[s + 2]!;
    if (k < 0) continue;
    scoreFlatCell(series, pass, k, t, rate0, sse0);
    scoreFlatCell(series, pass, count + k, t, rate1, sse1);
    scoreFlatCell(series, pass, 2 * count + k, t, rate2, sse2);
    scoreFlatCell(series, pass, 3 * count + k, t, rate3, sse3);
    scoreFlatCell(series, pass, 4 * count + k, t, rate4, sse4);
    scoreFlatCell(series, pass, 5 * count + k, t, rate5, sse5);
    scoreFlatCell(series, pass, 6 * count + k, t, rate6, sse6);
    scoreFlatCell(series, pass, 7 * count + k, t, rate7, sse7);
  }
  const sse = pass.sse;
  sse[0] = sse0;
  sse[1] = sse1;
  sse[2] = sse2;
  sse[3] = sse3;
  sse[4] = sse4;
  sse[5] = sse5;
  sse[6] = sse6;
  sse[7] = sse7;
  pass.ok.fill(1, 0, 8);
}

function runCrostonBlock(
  series: PreparedSeries,
  grid: readonly CrostonRow[],
  state: CrostonState,
  pass: GridPass,
  r0: number,
  r1: number,
  r2: number,
  r3: number,
): void {
  const y = series.y;
  const { alpha: a0, biasFactor: f0 } = grid[r0]!;
  const { alpha: a1, biasFactor: f1 } = grid[r1]!;
  const { alpha: a2, biasFactor: f2 } = grid[r2]!;
  const { alpha: a3, biasFactor: f3 } = grid[r3]!;
  const segments = pass.segments;
  const count = pass.originCount;
  const first = state.first;
  // One row's state declared together (see holt.ts: TurboFan then keeps it in registers).
  let z0 = state.size;
  let p0 = state.interval;
  let rate0 = 0;
  let sse0 = 0;
  let z1 = state.size;
  let p1 = state.interval;
  let rate1 = 0;
  let sse1 = 0;
  let z2 = state.size;
  let p2 = state.interval;
  let rate2 = 0;
  let sse2 = 0;
  let z3 = state.size;
  let p3 = state.interval;
  let rate3 = 0;
  let sse3 = 0;
  let sinceDemand = 0;
  let t = 0;
  for (let s = 0; s < segments.length; s += 3) {
    const end = segments[s]!;
    // Stock-out days and the days before the first demand change nothing.
    if (segments[s + 1] !== 0 || first < 0 || end <= first) t = end;
    else if (t <= first) {
      rate0 = (f0 * z0) / p0;
      rate1 = (f1 * z1) / p1;
      rate2 = (f2 * z2) / p2;
      rate3 = (f3 * z3) / p3;
      t = first + 1;
    }
    for (; t < end; t++) {
      const v = y[t]!;
      const e0 = v - rate0;
      const e1 = v - rate1;
      const e2 = v - rate2;
      const e3 = v - rate3;
      sse0 += e0 * e0;
      sse1 += e1 * e1;
      sse2 += e2 * e2;
      sse3 += e3 * e3;
      sinceDemand++;
      if (v > 0) {
        z0 += a0 * (v - z0);
        z1 += a1 * (v - z1);
        z2 += a2 * (v - z2);
        z3 += a3 * (v - z3);
        p0 += a0 * (sinceDemand - p0);
        p1 += a1 * (sinceDemand - p1);
        p2 += a2 * (sinceDemand - p2);
        p3 += a3 * (sinceDemand - p3);
        sinceDemand = 0;
        rate0 = (f0 * z0) / p0;
        rate1 = (f1 * z1) / p1;
        rate2 = (f2 * z2) / p2;
        rate3 = (f3 * z3) / p3;
      }
    }
    const k = segments[s + 2]!;
    if (k < 0) continue;
    scoreFlatCell(series, pass, r0 * count + k, t, rate0, sse0);
    scoreFlatCell(series, pass, r1 * count + k, t, rate1, sse1);
    scoreFlatCell(series, pass, r2 * count + k, t, rate2, sse2);
    scoreFlatCell(series, pass, r3 * count + k, t, rate3, sse3);
  }
  pass.sse[r0] = sse0;
  pass.sse[r1] = sse1;
  pass.sse[r2] = sse2;
  pass.sse[r3] = sse3;
  pass.ok[r0] = 1;
  pass.ok[r1] = 1;
  pass.ok[r2] = 1;
  pass.ok[r3] = 1;
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
  runGrid: runCrostonGrid,
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

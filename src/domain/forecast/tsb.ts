import { type CrostonState, initialiseCroston } from './croston.js';
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

/** `runTsb` for three rows side by side (see `ForecastKernel.runGrid`). */
function runTsbBlock(
  series: PreparedSeries,
  grid: readonly Row[],
  state: CrostonState,
  pass: GridPass,
  r0: number,
  r1: number,
  r2: number,
): void {
  const y = series.y;
  const { alpha: a0, beta: beta0 } = grid[r0]!;
  const { alpha: a1, beta: beta1 } = grid[r1]!;
  const { alpha: a2, beta: beta2 } = grid[r2]!;
  const segments = pass.segments;
  const count = pass.originCount;
  const first = state.first;
  const start = first < 0 ? 0 : 1 / state.interval;
  // One row's state declared together (see holt.ts: TurboFan then keeps it in registers).
  let z0 = state.size;
  let q0 = start;
  let rate0 = 0;
  let sse0 = 0;
  let z1 = state.size;
  let q1 = start;
  let rate1 = 0;
  let sse1 = 0;
  let z2 = state.size;
  let q2 = start;
  let rate2 = 0;
  let sse2 = 0;
  let t = 0;
  for (let s = 0; s < segments.length; s += 3) {
    const end = segments[s]!;
    // Stock-out days and the days before the first demand change nothing.
    if (segments[s + 1] !== 0 || first < 0 || end <= first) t = end;
    else if (t <= first) {
      rate0 = q0 * z0;
      rate1 = q1 * z1;
      rate2 = q2 * z2;
      t = first + 1;
    }
    for (; t < end; t++) {
      const v = y[t]!;
      const e0 = v - rate0;
      const e1 = v - rate1;
      const e2 = v - rate2;
      sse0 += e0 * e0;
      sse1 += e1 * e1;
      sse2 += e2 * e2;
      if (v > 0) {
        q0 += beta0 * (1 - q0);
        q1 += beta1 * (1 - q1);
        q2 += beta2 * (1 - q2);
        z0 += a0 * (v - z0);
        z1 += a1 * (v - z1);
        z2 += a2 * (v - z2);
      } else {
        q0 -= beta0 * q0;
        q1 -= beta1 * q1;
        q2 -= beta2 * q2;
      }
      rate0 = q0 * z0;
      rate1 = q1 * z1;
      rate2 = q2 * z2;
    }
    const k = segments[s + 2]!;
    if (k < 0) continue;
    scoreFlatCell(series, pass, r0 * count + k, t, rate0, sse0);
    scoreFlatCell(series, pass, r1 * count + k, t, rate1, sse1);
    scoreFlatCell(series, pass, r2 * count + k, t, rate2, sse2);
  }
  pass.sse[r0] = sse0;
  pass.sse[r1] = sse1;
  pass.sse[r2] = sse2;
  pass.ok[r0] = 1;
  pass.ok[r1] = 1;
  pass.ok[r2] = 1;
}

/** Whether row 3i + j is (α_i, β_j) for three α and three β, as TSB_GRID makes it. */
function isThreeByThree(grid: readonly Row[]): boolean {
  if (grid.length !== 9) return false;
  for (let r = 0; r < 9; r++) {
    if (grid[r]!.alpha !== grid[r - (r % 3)]!.alpha || grid[r]!.beta !== grid[r % 3]!.beta) return false;
  }
  return true;
}

/**
 * `runTsb` for a 3 × 3 grid in one pass. π depends on β only and z on α only, so three of each carry all nine rows
 * (the same operations as nine separate passes, so the same bits), and the forecast of row (i, j) is π_j·z_i.
 */
function runTsbThreeByThree(series: PreparedSeries, grid: readonly Row[], state: CrostonState, pass: GridPass): void {
  const y = series.y;
  const a0 = grid[0]!.alpha;
  const a1 = grid[3]!.alpha;
  const a2 = grid[6]!.alpha;
  const beta0 = grid[0]!.beta;
  const beta1 = grid[1]!.beta;
  const beta2 = grid[2]!.beta;
  const segments = pass.segments;
  const count = pass.originCount;
  const first = state.first;
  const start = first < 0 ? 0 : 1 / state.interval;
  let q0 = start;
  let q1 = start;
  let q2 = start;
  let z0 = state.size;
  let z1 = state.size;
  let z2 = state.size;
  let sse00 = 0;
  let sse01 = 0;
  let sse02 = 0;
  let sse10 = 0;
  let sse11 = 0;
  let sse12 = 0;
  let sse20 = 0;
  let sse21 = 0;
  let sse22 = 0;
  // Before the first demand every forecast is 0.
  let begun = 0;
  let t = 0;
  for (let s = 0; s < segments.length; s += 3) {
    const end = segments[s]!;
    if (segments[s + 1] !== 0 || first < 0 || end <= first) t = end;
    else if (t <= first) {
      begun = 1;
      t = first + 1;
    }
    for (; t < end; t++) {
      const v = y[t]!;
      const e00 = v - q0 * z0;
      const e01 = v - q1 * z0;
      const e02 = v - q2 * z0;
      const e10 = v - q0 * z1;
      const e11 = v - q1 * z1;
      const e12 = v - q2 * z1;
      const e20 = v - q0 * z2;
      const e21 = v - q1 * z2;
      const e22 = v - q2 * z2;
      sse00 += e00 * e00;
      sse01 += e01 * e01;
      sse02 += e02 * e02;
      sse10 += e10 * e10;
      sse11 += e11 * e11;
      sse12 += e12 * e12;
      sse20 += e20 * e20;
      sse21 += e21 * e21;
      sse22 += e22 * e22;
      if (v > 0) {
        q0 += beta0 * (1 - q0);
        q1 += beta1 * (1 - q1);
        q2 += beta2 * (1 - q2);
        z0 += a0 * (v - z0);
        z1 += a1 * (v - z1);
        z2 += a2 * (v - z2);
      } else {
        q0 -= beta0 * q0;
        q1 -= beta1 * q1;
        q2 -= beta2 * q2;
      }
    }
    const k = segments[s + 2]!;
    if (k < 0) continue;
    scoreFlatCell(series, pass, k, t, begun * (q0 * z0), sse00);
    scoreFlatCell(series, pass, count + k, t, begun * (q1 * z0), sse01);
    scoreFlatCell(series, pass, 2 * count + k, t, begun * (q2 * z0), sse02);
    scoreFlatCell(series, pass, 3 * count + k, t, begun * (q0 * z1), sse10);
    scoreFlatCell(series, pass, 4 * count + k, t, begun * (q1 * z1), sse11);
    scoreFlatCell(series, pass, 5 * count + k, t, begun * (q2 * z1), sse12);
    scoreFlatCell(series, pass, 6 * count + k, t, begun * (q0 * z2), sse20);
    scoreFlatCell(series, pass, 7 * count + k, t, begun * (q1 * z2), sse21);
    scoreFlatCell(series, pass, 8 * count + k, t, begun * (q2 * z2), sse22);
  }
  const sse = pass.sse;
  sse[0] = sse00;
  sse[1] = sse01;
  sse[2] = sse02;
  sse[3] = sse10;
  sse[4] = sse11;
  sse[5] = sse12;
  sse[6] = sse20;
  sse[7] = sse21;
  sse[8] = sse22;
  pass.ok.fill(1, 0, 9);
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
  runGrid(series, grid, state, pass) {
    if (isThreeByThree(grid)) {
      runTsbThreeByThree(series, grid, state, pass);
      return;
    }
    const last = grid.length - 1;
    for (let r = 0; r < grid.length; r += 3) {
      runTsbBlock(series, grid, state, pass, r, Math.min(r + 1, last), Math.min(r + 2, last));
    }
  },
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

import { DomainError } from '../errors.js';
import type { PreparedSeries } from './demand-series.js';
import type { Forecast, ForecastMethod } from './forecast.js';

/**
 * The machinery shared by the methods (internal: not exported from index.ts). A kernel runs one method with one
 * parameter set over a whole series in a single pass, with no allocation inside the loop. In the same pass it records,
 * at each backtest origin o, the cumulative one-step SSE on days [0, o) and the absolute and squared errors of the
 * h-step forecasts made at o for days [o, o + h). So a grid search re-run at every origin (parameters chosen on the
 * data before the origin, "recalibration" in Tashman 2000) costs one pass per grid point, not one per point and origin.
 */

export type KernelPass = {
  /** Backtest origins, strictly increasing, each with o + horizon ≤ n. */
  origins: Int32Array;
  originCount: number;
  horizon: number;
  /** Per origin: Σ e² of the one-step errors on observed days before the origin. */
  sseAtOrigin: Float64Array;
  /** Per origin: Σ |y − ŷ| and Σ (y − ŷ)² over the observed days of [o, o + h), forecasts floored at 0. */
  absErrAtOrigin: Float64Array;
  sqErrAtOrigin: Float64Array;
  /** After the pass: Σ e² and the count of one-step errors over the whole series. */
  sse: number;
  errorCount: number;
  /** False when the parameters made the method break down (e.g. a multiplicative level falling to zero). */
  ok: boolean;
  /** When set, receives ŷ_{t|t−1} for every t. */
  fitted: Float64Array | null;
  /** When set (length horizon), receives ŷ_{T+1|T} … ŷ_{T+h|T} from the final state, unfloored. */
  path: Float64Array | null;
};

/** A pass record for `horizon`-day forecasts at the given origins (none: a plain fit). */
export function createPass(horizon: number, origins?: Int32Array): KernelPass {
  const count = origins === undefined ? 0 : origins.length;
  return {
    origins: origins ?? new Int32Array(0),
    originCount: count,
    horizon,
    sseAtOrigin: new Float64Array(count),
    absErrAtOrigin: new Float64Array(count),
    sqErrAtOrigin: new Float64Array(count),
    sse: 0,
    errorCount: 0,
    ok: true,
    fitted: null,
    path: null,
  };
}

/**
 * The record of a pass over every row of a grid at once: what `KernelPass` holds for one row, for each row. The
 * backtest needs no fitted values or final path, only these scores.
 */
export type GridPass = {
  origins: Int32Array;
  originCount: number;
  horizon: number;
  /** The series cut into stretches (see `segmentsOf`). */
  segments: Int32Array;
  rows: number;
  /** At [row · originCount + k]: as `KernelPass.sseAtOrigin`, `absErrAtOrigin`, `sqErrAtOrigin` for that row. */
  sseAtOrigin: Float64Array;
  absErrAtOrigin: Float64Array;
  sqErrAtOrigin: Float64Array;
  /** Per row: Σ e² over the whole series, and 1 unless the row broke down (as `KernelPass.ok`). */
  sse: Float64Array;
  ok: Uint8Array;
};

let scratchGridPass: GridPass | null = null;

/**
 * A grid pass record for `rows` rows at the given origins. The record is module scratch, reused by the next call: read
 * it before asking for another (the backtest reads each method's scores before it scores the next method).
 */
export function gridPassFor(horizon: number, origins: Int32Array, segments: Int32Array, rows: number): GridPass {
  const count = origins.length;
  const cells = rows * count;
  let pass = scratchGridPass;
  if (pass === null || pass.sseAtOrigin.length < cells || pass.sse.length < rows) {
    const cellCapacity = Math.max(cells, 128);
    const rowCapacity = Math.max(rows, 16);
    pass = {
      origins,
      originCount: count,
      horizon,
      segments,
      rows,
      sseAtOrigin: new Float64Array(cellCapacity),
      absErrAtOrigin: new Float64Array(cellCapacity),
      sqErrAtOrigin: new Float64Array(cellCapacity),
      sse: new Float64Array(rowCapacity),
      ok: new Uint8Array(rowCapacity),
    };
    scratchGridPass = pass;
  }
  pass.origins = origins;
  pass.originCount = count;
  pass.horizon = horizon;
  pass.segments = segments;
  pass.rows = rows;
  return pass;
}

/**
 * The series [0, n) cut at every origin and wherever a run of stock-out days starts or ends, as triples (end, censored,
 * origin): the stretch up to `end` (exclusive) is all stock-out days (censored 1) or none (0), and `origin` is k when
 * end is origins[k], else −1. A kernel walks the stretches with a loop free of per-day stock-out tests (which cost
 * about as much as the recurrence itself) and scores the forecasts at each origin between stretches.
 */
export function segmentsOf(series: PreparedSeries, origins: Int32Array): Int32Array {
  const { censored: c, n } = series;
  const list: number[] = [];
  let k = 0;
  let start = 0;
  while (start < n) {
    const censored = c !== null && c[start] !== 0 ? 1 : 0;
    let end = n;
    if (c !== null) {
      end = start + 1;
      while (end < n && (c[end] !== 0 ? 1 : 0) === censored) end++;
    }
    while (k < origins.length && origins[k]! <= end) {
      list.push(origins[k]!, censored, k);
      start = origins[k]!;
      k++;
    }
    if (start < end) list.push(end, censored, -1);
    start = end;
  }
  return Int32Array.from(list);
}

/** A method as the fitting and backtest code drives it: P is one parameter set, S the initial state from the data. */
export type ForecastKernel<M extends ForecastMethod, P, S, Out> = {
  method: M;
  /** The default grid of parameter sets searched for the lowest in-sample SSE. */
  grid: readonly P[];
  initialise(series: PreparedSeries): S;
  run(series: PreparedSeries, params: P, state: S, pass: KernelPass): void;
  /**
   * Scores every row of `grid` exactly as `run` would, one row at a time (the same operations in the same order, so
   * the same bits), but with several rows carried through each pass: a recurrence's steps depend on each other, so one
   * row leaves the processor waiting, and independent rows side by side fill that time.
   */
  runGrid(series: PreparedSeries, grid: readonly P[], state: S, pass: GridPass): void;
  /** The `params` reported in the forecast. */
  describe(params: P, state: S): Out;
};

/**
 * Fits a kernel: with more than one parameter set, the one with the lowest in-sample one-step SSE wins (the first on
 * a tie, so the result is deterministic); then one more pass produces the fitted values and the forecast.
 */
export function fitForecast<M extends ForecastMethod, P, S, Out>(
  kernel: ForecastKernel<M, P, S, Out>,
  series: PreparedSeries,
  grid: readonly P[],
  state: S,
  horizon: number,
  source: 'grid' | 'given',
): Forecast<M, Out> {
  let best = 0;
  if (grid.length > 1) {
    const pass = createPass(horizon);
    let bestSse = Number.POSITIVE_INFINITY;
    best = -1;
    for (let row = 0; row < grid.length; row++) {
      kernel.run(series, grid[row]!, state, pass);
      if (pass.ok && pass.sse < bestSse) {
        bestSse = pass.sse;
        best = row;
      }
    }
    if (best < 0) throw breakdown(kernel.method);
  }
  return finishForecast(kernel, series, grid[best]!, state, horizon, source);
}

/** The pass record of `finishForecast`, reused: a plain fit has no origins, and the arrays it fills are new each time. */
const fitPass = createPass(1);

/** The forecast of one parameter set: one pass for the fitted values, σ̂ and the h-day path from the final state. */
export function finishForecast<M extends ForecastMethod, P, S, Out>(
  kernel: ForecastKernel<M, P, S, Out>,
  series: PreparedSeries,
  params: P,
  state: S,
  horizon: number,
  source: 'grid' | 'given',
): Forecast<M, Out> {
  const pass = fitPass;
  const fitted = new Float64Array(series.n);
  const path = new Float64Array(horizon);
  pass.horizon = horizon;
  pass.fitted = fitted;
  pass.path = path;
  kernel.run(series, params, state, pass);
  pass.fitted = null;
  pass.path = null;
  if (!pass.ok) throw breakdown(kernel.method);
  let sum = 0;
  for (let j = 0; j < horizon; j++) {
    const f = Math.max(path[j]!, 0);
    path[j] = f;
    sum += f;
  }
  return {
    method: kernel.method,
    meanPerDay: sum / horizon,
    sdPerDay: pass.errorCount > 0 ? Math.sqrt(pass.sse / pass.errorCount) : 0,
    horizonDays: horizon,
    dailyForecast: path,
    fitted,
    errorCount: pass.errorCount,
    params: kernel.describe(params, state),
    paramsSource: source,
  };
}

function breakdown(method: ForecastMethod): DomainError {
  return new DomainError(
    'LS_VALIDATION',
    `daily_demand: ${method} breaks down on this series for every parameter set`,
    [{ field: 'daily_demand', message: `${method} breaks down on this series (its level falls to zero or below)` }],
  );
}

/** Scores a flat forecast f (already ≥ 0) made at origin t for days [t, t + h) into slot k of the pass. */
export function scoreFlat(
  series: PreparedSeries,
  pass: KernelPass,
  k: number,
  t: number,
  f: number,
  sse: number,
): void {
  const y = series.y;
  const c = series.censored;
  let abs = 0;
  let sq = 0;
  for (let j = t, end = t + pass.horizon; j < end; j++) {
    if (c !== null && c[j] !== 0) continue;
    const e = y[j]! - f;
    abs += Math.abs(e);
    sq += e * e;
  }
  pass.sseAtOrigin[k] = sse;
  pass.absErrAtOrigin[k] = abs;
  pass.sqErrAtOrigin[k] = sq;
}

/** As `scoreFlat`, into the grid pass cell `cell` (row · originCount + k). */
export function scoreFlatCell(
  series: PreparedSeries,
  pass: GridPass,
  cell: number,
  t: number,
  f: number,
  sse: number,
): void {
  const y = series.y;
  const c = series.censored;
  let abs = 0;
  let sq = 0;
  for (let j = t, end = t + pass.horizon; j < end; j++) {
    if (c !== null && c[j] !== 0) continue;
    const e = y[j]! - f;
    abs += Math.abs(e);
    sq += e * e;
  }
  pass.sseAtOrigin[cell] = sse;
  pass.absErrAtOrigin[cell] = abs;
  pass.sqErrAtOrigin[cell] = sq;
}

/** The mean of the first `days` observed values (fewer if the series is shorter), and how many there were. */
export function meanOfFirstObserved(series: PreparedSeries, days: number): number {
  const { y, censored: c, n } = series;
  let sum = 0;
  let count = 0;
  for (let t = 0; t < n && count < days; t++) {
    if (c !== null && c[t] !== 0) continue;
    sum += y[t]!;
    count++;
  }
  return count > 0 ? sum / count : 0;
}

/** Level and trend before day 0 (ℓ_{−1}, b_{−1}) from the first two periods of `period` days. */
export type LevelTrend = { level: number; trend: number };

/**
 * Start-up level and trend from the first two periods (weeks): with means ȳ₁, ȳ₂ of the observed days of each, centred
 * on the mean day indexes c₁, c₂, b = (ȳ₂ − ȳ₁)/(c₂ − c₁) and ℓ_{−1} = ȳ₁ − (c₁ + 1)·b, the line through both means
 * evaluated one day before the series starts. Whole periods cancel an additive weekly pattern, and a straight line is
 * recovered exactly (even with censored days). With fewer than two periods, or a period with no observed day, b = 0
 * and ℓ_{−1} is the mean of the first `period` observed days. The heuristic follows the classical Holt-Winters start-up
 * (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 2nd ed., 2018, §7.3; Hyndman et al. 2008, §2.6).
 */
export function initialLevelTrend(series: PreparedSeries, period: number): LevelTrend {
  const { y, censored: c, n } = series;
  if (n >= 2 * period) {
    let s1 = 0;
    let i1 = 0;
    let k1 = 0;
    let s2 = 0;
    let i2 = 0;
    let k2 = 0;
    for (let t = 0; t < 2 * period; t++) {
      if (c !== null && c[t] !== 0) continue;
      if (t < period) {
        s1 += y[t]!;
        i1 += t;
        k1++;
      } else {
        s2 += y[t]!;
        i2 += t;
        k2++;
      }
    }
    if (k1 > 0 && k2 > 0) {
      const m1 = s1 / k1;
      const c1 = i1 / k1;
      const trend = (s2 / k2 - m1) / (i2 / k2 - c1);
      return { level: m1 - (c1 + 1) * trend, trend };
    }
  }
  return { level: meanOfFirstObserved(series, period), trend: 0 };
}

import { DomainError } from '../errors.js';
import {
  checkDays,
  checkFinite,
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
  initialLevelTrend,
  type KernelPass,
  type LevelTrend,
} from './kernel.js';

export type Seasonality = 'additive' | 'multiplicative';

/** The seasonal period: one week of days. */
export const WEEK_DAYS = 7;

export type HoltWintersParams = {
  seasonality: Seasonality;
  /** m, days per seasonal cycle (7). */
  periodDays: number;
  /** α, level smoothing, 0 < α ≤ 1. */
  alpha: number;
  /** β*, trend smoothing, 0 ≤ β* ≤ 1. */
  beta: number;
  /** γ, seasonal smoothing, 0 ≤ γ ≤ 1. */
  gamma: number;
  /** φ, trend damping, 0 < φ ≤ 1. */
  phi: number;
  /** ℓ₀ (units/day) and b₀ (units/day per day) before the first day. */
  initialLevel: number;
  initialTrend: number;
  /**
   * s for the m days starting with the first day of the series (position t mod m): units/day when additive (summing to
   * 0), ratios when multiplicative (averaging 1).
   */
  initialSeasonal: number[];
};

export type HoltWintersOptions = ForecastOptions & {
  /** Default 'additive'. Multiplicative needs every observed day's demand > 0. */
  seasonality?: Seasonality | undefined;
  /** α, β*, γ, φ: any one omitted is taken from HOLT_WINTERS_GRID (β* = 0.02 and φ = 0.98 are single values). */
  alpha?: number | undefined;
  beta?: number | undefined;
  gamma?: number | undefined;
  phi?: number | undefined;
  /** ℓ₀, b₀ and the m seasonal terms; omitted, from the first two weeks. */
  initialLevel?: number | undefined;
  initialTrend?: number | undefined;
  initialSeasonal?: readonly number[] | undefined;
};

export type HoltWintersForecast = Forecast<'holt_winters_additive' | 'holt_winters_multiplicative', HoltWintersParams>;

/** The values searched for each parameter not given. */
export const HOLT_WINTERS_GRID = {
  alpha: [0.05, 0.15, 0.4] as readonly number[],
  beta: [0.02] as readonly number[],
  gamma: [0.05, 0.2] as readonly number[],
  phi: [0.98] as readonly number[],
};

type Row = { alpha: number; beta: number; gamma: number; phi: number };
type State = LevelTrend & { seasonal: Float64Array };

/** The seasonal terms as `runAdditive` and `runMultiplicative` update them (the state's own stay as they start). */
const runSeasons = new Float64Array(WEEK_DAYS);

function gridOf(a: readonly number[], b: readonly number[], g: readonly number[], p: readonly number[]): Row[] {
  const rows: Row[] = [];
  for (const alpha of a)
    for (const beta of b) for (const gamma of g) for (const phi of p) rows.push({ alpha, beta, gamma, phi });
  return rows;
}

/**
 * Start-up seasonal terms: for each position i of the first two weeks, the observed values relative to the start-up
 * line ℓ_{−1} + (t + 1)b (difference if additive, ratio if multiplicative), averaged over the weeks, then normalised to
 * sum 0 (additive) or average 1 (multiplicative). A position with no observed day gets 0 (or 1).
 */
function initialSeasonal(series: PreparedSeries, start: LevelTrend, multiplicative: boolean): Float64Array {
  const m = WEEK_DAYS;
  const seasonal = new Float64Array(m);
  const counts = new Float64Array(m);
  const { y, censored: c } = series;
  const end = Math.min(series.n, 2 * m);
  for (let t = 0; t < end; t++) {
    if (c !== null && c[t] !== 0) continue;
    const base = start.level + (t + 1) * start.trend;
    if (multiplicative && !(base > 0)) continue;
    seasonal[t % m]! += multiplicative ? y[t]! / base : y[t]! - base;
    counts[t % m]!++;
  }
  let total = 0;
  for (let i = 0; i < m; i++) {
    seasonal[i] = counts[i]! > 0 ? seasonal[i]! / counts[i]! : multiplicative ? 1 : 0;
    total += seasonal[i]!;
  }
  for (let i = 0; i < m; i++) seasonal[i] = multiplicative ? (seasonal[i]! * m) / total : seasonal[i]! - total / m;
  return seasonal;
}

function kernelFor<M extends 'holt_winters_additive' | 'holt_winters_multiplicative'>(
  method: M,
  multiplicative: boolean,
): ForecastKernel<M, Row, State, HoltWintersParams> {
  return {
    method,
    grid: gridOf(HOLT_WINTERS_GRID.alpha, HOLT_WINTERS_GRID.beta, HOLT_WINTERS_GRID.gamma, HOLT_WINTERS_GRID.phi),
    initialise(series) {
      const start = initialLevelTrend(series, WEEK_DAYS);
      return { level: start.level, trend: start.trend, seasonal: initialSeasonal(series, start, multiplicative) };
    },
    describe: (row, state) => ({
      seasonality: multiplicative ? 'multiplicative' : 'additive',
      periodDays: WEEK_DAYS,
      ...row,
      initialLevel: state.level,
      initialTrend: state.trend,
      initialSeasonal: Array.from(state.seasonal),
    }),
    run: multiplicative ? runMultiplicative : runAdditive,
    runGrid(series, grid, state, pass) {
      const last = grid.length - 1;
      const block = multiplicative ? runMultiplicativeBlock : runAdditiveBlock;
      for (let r = 0; r < grid.length; r += 3) {
        block(series, grid, state, pass, r, Math.min(r + 1, last), Math.min(r + 2, last));
      }
    },
  };
}

/** The seasonal terms of three rows side by side: row b's s for position i at [7b + i]. */
const blockSeasons = new Float64Array(3 * WEEK_DAYS);

/** The h-step errors at origin t into a grid pass cell, as `runAdditive` or `runMultiplicative` scores them. */
function scoreSeasonalCell(
  series: PreparedSeries,
  pass: GridPass,
  cell: number,
  t: number,
  level: number,
  trend: number,
  phi: number,
  season: Float64Array,
  offset: number,
  i: number,
  multiplicative: boolean,
  sse: number,
): void {
  const { y, censored: c } = series;
  let abs = 0;
  let sq = 0;
  let damp = 0;
  let power = 1;
  let s = i;
  for (let j = 0; j < pass.horizon; j++) {
    power *= phi;
    damp += power;
    const f = multiplicative
      ? (level + damp * trend) * season[offset + s]!
      : level + damp * trend + season[offset + s]!;
    if (++s === WEEK_DAYS) s = 0;
    if (c !== null && c[t + j] !== 0) continue;
    const e = y[t + j]! - Math.max(f, 0);
    abs += Math.abs(e);
    sq += e * e;
  }
  pass.sseAtOrigin[cell] = sse;
  pass.absErrAtOrigin[cell] = abs;
  pass.sqErrAtOrigin[cell] = sq;
}

/** `runAdditive` for three rows side by side (see `ForecastKernel.runGrid`). */
function runAdditiveBlock(
  series: PreparedSeries,
  grid: readonly Row[],
  state: State,
  pass: GridPass,
  r0: number,
  r1: number,
  r2: number,
): void {
  const y = series.y;
  const { alpha: a0, gamma: g0, phi: phi0 } = grid[r0]!;
  const { alpha: a1, gamma: g1, phi: phi1 } = grid[r1]!;
  const { alpha: a2, gamma: g2, phi: phi2 } = grid[r2]!;
  const ab0 = a0 * grid[r0]!.beta;
  const ab1 = a1 * grid[r1]!.beta;
  const ab2 = a2 * grid[r2]!.beta;
  const levelKeep0 = 1 - a0;
  const levelKeep1 = 1 - a1;
  const levelKeep2 = 1 - a2;
  const levelFromTrend0 = (1 - a0) * phi0;
  const levelFromTrend1 = (1 - a1) * phi1;
  const levelFromTrend2 = (1 - a2) * phi2;
  const trendKeep0 = phi0 * (1 - ab0);
  const trendKeep1 = phi1 * (1 - ab1);
  const trendKeep2 = phi2 * (1 - ab2);
  const m = WEEK_DAYS;
  const season = blockSeasons;
  season.set(state.seasonal, 0);
  season.set(state.seasonal, m);
  season.set(state.seasonal, 2 * m);
  const segments = pass.segments;
  const count = pass.originCount;
  // One row's state declared together (see holt.ts: TurboFan then keeps it in registers).
  let l0 = state.level;
  let b0 = state.trend;
  let sse0 = 0;
  let l1 = state.level;
  let b1 = state.trend;
  let sse1 = 0;
  let l2 = state.level;
  let b2 = state.trend;
  let sse2 = 0;
  let i = 0;
  let t = 0;
  for (let s = 0; s < segments.length; s += 3) {
    const end = segments[s]!;
    if (segments[s + 1] !== 0) {
      // Stock-out days: level and trend follow their own forecast, the seasonal terms stay.
      for (; t < end; t++) {
        b0 = phi0 * b0;
        b1 = phi1 * b1;
        b2 = phi2 * b2;
        l0 = l0 + b0;
        l1 = l1 + b1;
        l2 = l2 + b2;
        if (++i === m) i = 0;
      }
    }
    for (; t < end; t++) {
      const v = y[t]!;
      const s0 = season[i]!;
      const e0 = v - (l0 + phi0 * b0 + s0);
      sse0 += e0 * e0;
      const x0 = v - s0;
      const next0 = levelKeep0 * l0 + levelFromTrend0 * b0 + a0 * x0;
      b0 = trendKeep0 * b0 - ab0 * l0 + ab0 * x0;
      l0 = next0;
      season[i] = s0 + g0 * e0;
      const s1 = season[m + i]!;
      const e1 = v - (l1 + phi1 * b1 + s1);
      sse1 += e1 * e1;
      const x1 = v - s1;
      const next1 = levelKeep1 * l1 + levelFromTrend1 * b1 + a1 * x1;
      b1 = trendKeep1 * b1 - ab1 * l1 + ab1 * x1;
      l1 = next1;
      season[m + i] = s1 + g1 * e1;
      const s2 = season[2 * m + i]!;
      const e2 = v - (l2 + phi2 * b2 + s2);
      sse2 += e2 * e2;
      const x2 = v - s2;
      const next2 = levelKeep2 * l2 + levelFromTrend2 * b2 + a2 * x2;
      b2 = trendKeep2 * b2 - ab2 * l2 + ab2 * x2;
      l2 = next2;
      season[2 * m + i] = s2 + g2 * e2;
      if (++i === m) i = 0;
    }
    const k = segments[s + 2]!;
    if (k < 0) continue;
    scoreSeasonalCell(series, pass, r0 * count + k, t, l0, b0, phi0, season, 0, i, false, sse0);
    scoreSeasonalCell(series, pass, r1 * count + k, t, l1, b1, phi1, season, m, i, false, sse1);
    scoreSeasonalCell(series, pass, r2 * count + k, t, l2, b2, phi2, season, 2 * m, i, false, sse2);
  }
  pass.sse[r0] = sse0;
  pass.sse[r1] = sse1;
  pass.sse[r2] = sse2;
  pass.ok[r0] = Number.isFinite(sse0) ? 1 : 0;
  pass.ok[r1] = Number.isFinite(sse1) ? 1 : 0;
  pass.ok[r2] = Number.isFinite(sse2) ? 1 : 0;
}

/**
 * `runMultiplicative` for three rows side by side. A row whose level plus damped trend falls to 0 or below breaks down
 * there, as in `runMultiplicative`; its later values are not read (its `ok` is 0), so the other rows run on.
 */
function runMultiplicativeBlock(
  series: PreparedSeries,
  grid: readonly Row[],
  state: State,
  pass: GridPass,
  r0: number,
  r1: number,
  r2: number,
): void {
  const y = series.y;
  const { alpha: a0, beta: beta0, gamma: g0, phi: phi0 } = grid[r0]!;
  const { alpha: a1, beta: beta1, gamma: g1, phi: phi1 } = grid[r1]!;
  const { alpha: a2, beta: beta2, gamma: g2, phi: phi2 } = grid[r2]!;
  const m = WEEK_DAYS;
  const season = blockSeasons;
  season.set(state.seasonal, 0);
  season.set(state.seasonal, m);
  season.set(state.seasonal, 2 * m);
  const segments = pass.segments;
  const count = pass.originCount;
  // One row's state declared together (see holt.ts: TurboFan then keeps it in registers).
  let l0 = state.level;
  let b0 = state.trend;
  let sse0 = 0;
  let l1 = state.level;
  let b1 = state.trend;
  let sse1 = 0;
  let l2 = state.level;
  let b2 = state.trend;
  let sse2 = 0;
  let ok0 = true;
  let ok1 = true;
  let ok2 = true;
  let i = 0;
  let t = 0;
  for (let s = 0; s < segments.length; s += 3) {
    const end = segments[s]!;
    if (segments[s + 1] !== 0) {
      for (; t < end; t++) {
        b0 = phi0 * b0;
        b1 = phi1 * b1;
        b2 = phi2 * b2;
        l0 = l0 + b0;
        l1 = l1 + b1;
        l2 = l2 + b2;
        if (!(l0 > 0)) ok0 = false;
        if (!(l1 > 0)) ok1 = false;
        if (!(l2 > 0)) ok2 = false;
        if (++i === m) i = 0;
      }
    }
    for (; t < end; t++) {
      const v = y[t]!;
      const d0 = phi0 * b0;
      const base0 = l0 + d0;
      if (!(base0 > 0)) ok0 = false;
      const s0 = season[i]!;
      const e0 = v - base0 * s0;
      sse0 += e0 * e0;
      const next0 = a0 * (v / s0) + (1 - a0) * base0;
      b0 = beta0 * (next0 - l0) + (1 - beta0) * d0;
      l0 = next0;
      season[i] = g0 * (v / base0) + (1 - g0) * s0;
      const d1 = phi1 * b1;
      const base1 = l1 + d1;
      if (!(base1 > 0)) ok1 = false;
      const s1 = season[m + i]!;
      const e1 = v - base1 * s1;
      sse1 += e1 * e1;
      const next1 = a1 * (v / s1) + (1 - a1) * base1;
      b1 = beta1 * (next1 - l1) + (1 - beta1) * d1;
      l1 = next1;
      season[m + i] = g1 * (v / base1) + (1 - g1) * s1;
      const d2 = phi2 * b2;
      const base2 = l2 + d2;
      if (!(base2 > 0)) ok2 = false;
      const s2 = season[2 * m + i]!;
      const e2 = v - base2 * s2;
      sse2 += e2 * e2;
      const next2 = a2 * (v / s2) + (1 - a2) * base2;
      b2 = beta2 * (next2 - l2) + (1 - beta2) * d2;
      l2 = next2;
      season[2 * m + i] = g2 * (v / base2) + (1 - g2) * s2;
      if (++i === m) i = 0;
    }
    const k = segments[s + 2]!;
    if (k < 0) continue;
    scoreSeasonalCell(series, pass, r0 * count + k, t, l0, b0, phi0, season, 0, i, true, sse0);
    scoreSeasonalCell(series, pass, r1 * count + k, t, l1, b1, phi1, season, m, i, true, sse1);
    scoreSeasonalCell(series, pass, r2 * count + k, t, l2, b2, phi2, season, 2 * m, i, true, sse2);
  }
  pass.sse[r0] = sse0;
  pass.sse[r1] = sse1;
  pass.sse[r2] = sse2;
  pass.ok[r0] = ok0 && Number.isFinite(sse0) ? 1 : 0;
  pass.ok[r1] = ok1 && Number.isFinite(sse1) ? 1 : 0;
  pass.ok[r2] = ok2 && Number.isFinite(sse2) ? 1 : 0;
}

function runAdditive(series: PreparedSeries, row: Row, state: State, pass: KernelPass): void {
  const { y, censored: c, n } = series;
  const { alpha, gamma, phi } = row;
  const alphaBeta = alpha * row.beta;
  // Error-correction form rewritten as in holt.ts to shorten each step's dependency chain; x = y_t − s_{t−m}.
  const levelKeep = 1 - alpha;
  const levelFromTrend = (1 - alpha) * phi;
  const trendKeep = phi * (1 - alphaBeta);
  const m = WEEK_DAYS;
  const season = runSeasons;
  season.set(state.seasonal);
  const origins = pass.origins;
  const originCount = pass.originCount;
  const horizon = pass.horizon;
  const fitted = pass.fitted;
  let level = state.level;
  let trend = state.trend;
  let sse = 0;
  let count = 0;
  let k = 0;
  let next = originCount > 0 ? origins[0]! : -1;
  let i = 0;
  for (let t = 0; t < n; t++) {
    if (t === next) {
      let abs = 0;
      let sq = 0;
      let damp = 0;
      let power = 1;
      let s = i;
      for (let j = 0; j < horizon; j++) {
        power *= phi;
        damp += power;
        const f = level + damp * trend + season[s]!;
        if (++s === m) s = 0;
        if (c !== null && c[t + j] !== 0) continue;
        const e = y[t + j]! - Math.max(f, 0);
        abs += Math.abs(e);
        sq += e * e;
      }
      pass.sseAtOrigin[k] = sse;
      pass.absErrAtOrigin[k] = abs;
      pass.sqErrAtOrigin[k] = sq;
      next = ++k < originCount ? origins[k]! : -1;
    }
    const damped = phi * trend;
    const base = level + damped;
    const f = base + season[i]!;
    if (fitted !== null) fitted[t] = f;
    if (c !== null && c[t] !== 0) {
      level = base;
      trend = damped;
    } else {
      const v = y[t]!;
      const e = v - f;
      sse += e * e;
      count++;
      const x = v - season[i]!;
      const nextLevel = levelKeep * level + levelFromTrend * trend + alpha * x;
      trend = trendKeep * trend - alphaBeta * level + alphaBeta * x;
      level = nextLevel;
      season[i] = season[i]! + gamma * e;
    }
    if (++i === m) i = 0;
  }
  pass.sse = sse;
  pass.errorCount = count;
  pass.ok = Number.isFinite(sse);
  const path = pass.path;
  if (path !== null) {
    let damp = 0;
    let power = 1;
    for (let j = 0; j < path.length; j++) {
      power *= phi;
      damp += power;
      path[j] = level + damp * trend + season[(i + j) % m]!;
    }
  }
}

function runMultiplicative(series: PreparedSeries, row: Row, state: State, pass: KernelPass): void {
  const { y, censored: c, n } = series;
  const { alpha, beta, gamma, phi } = row;
  const m = WEEK_DAYS;
  const season = runSeasons;
  season.set(state.seasonal);
  const origins = pass.origins;
  const originCount = pass.originCount;
  const horizon = pass.horizon;
  const fitted = pass.fitted;
  let level = state.level;
  let trend = state.trend;
  let sse = 0;
  let count = 0;
  let k = 0;
  let next = originCount > 0 ? origins[0]! : -1;
  let i = 0;
  let ok = true;
  for (let t = 0; t < n; t++) {
    if (t === next) {
      let abs = 0;
      let sq = 0;
      let damp = 0;
      let power = 1;
      let s = i;
      for (let j = 0; j < horizon; j++) {
        power *= phi;
        damp += power;
        const f = (level + damp * trend) * season[s]!;
        if (++s === m) s = 0;
        if (c !== null && c[t + j] !== 0) continue;
        const e = y[t + j]! - Math.max(f, 0);
        abs += Math.abs(e);
        sq += e * e;
      }
      pass.sseAtOrigin[k] = sse;
      pass.absErrAtOrigin[k] = abs;
      pass.sqErrAtOrigin[k] = sq;
      next = ++k < originCount ? origins[k]! : -1;
    }
    const damped = phi * trend;
    const base = level + damped;
    if (!(base > 0)) {
      ok = false;
      break;
    }
    const previous = season[i]!;
    const f = base * previous;
    if (fitted !== null) fitted[t] = f;
    if (c !== null && c[t] !== 0) {
      level = base;
      trend = damped;
    } else {
      const v = y[t]!;
      const e = v - f;
      sse += e * e;
      count++;
      const newLevel = alpha * (v / previous) + (1 - alpha) * base;
      trend = beta * (newLevel - level) + (1 - beta) * damped;
      level = newLevel;
      season[i] = gamma * (v / base) + (1 - gamma) * previous;
    }
    if (++i === m) i = 0;
  }
  pass.sse = ok ? sse : Number.POSITIVE_INFINITY;
  pass.errorCount = count;
  pass.ok = ok && Number.isFinite(sse);
  const path = pass.path;
  if (path !== null) {
    let damp = 0;
    let power = 1;
    for (let j = 0; j < path.length; j++) {
      power *= phi;
      damp += power;
      path[j] = (level + damp * trend) * season[(i + j) % m]!;
    }
  }
}

/** Holt-Winters as kernels (see kernel.ts): one pass per (α, β*, γ, φ). */
export const holtWintersAdditiveKernel = kernelFor('holt_winters_additive', false);
export const holtWintersMultiplicativeKernel = kernelFor('holt_winters_multiplicative', true);

/**
 * Holt-Winters with a damped trend and weekly seasonality (m = 7), in the component form of Hyndman & Athanasopoulos.
 *
 * Additive:  ŷ_{t+h|t} = ℓ_t + φ_h·b_t + s_{t+h−m(k+1)},  with φ_h = φ + … + φʰ and k = ⌊(h − 1)/m⌋;
 *   ℓ_t = α(y_t − s_{t−m}) + (1 − α)(ℓ_{t−1} + φb_{t−1}),
 *   b_t = β*(ℓ_t − ℓ_{t−1}) + (1 − β*)φb_{t−1},
 *   s_t = γ(y_t − ℓ_{t−1} − φb_{t−1}) + (1 − γ)s_{t−m}.
 * Multiplicative:  ŷ_{t+h|t} = (ℓ_t + φ_h·b_t)·s_{t+h−m(k+1)};
 *   ℓ_t = α·y_t/s_{t−m} + (1 − α)(ℓ_{t−1} + φb_{t−1}),
 *   b_t = β*(ℓ_t − ℓ_{t−1}) + (1 − β*)φb_{t−1},
 *   s_t = γ·y_t/(ℓ_{t−1} + φb_{t−1}) + (1 − γ)s_{t−m}.
 *
 * A stock-out day is treated as missing: no error is recorded, ℓ_t = ℓ_{t−1} + φb_{t−1}, b_t = φb_{t−1} and s_t = s_{t−m},
 * so the weekday positions stay aligned. Start-up from the first two weeks (see `initialLevelTrend`; seasonal terms
 * from the detrended first two weeks, normalised). α, β*, γ from HOLT_WINTERS_GRID by the lowest in-sample one-step SSE
 * unless given; φ = 0.98 unless given (β* is not searched either: 0.02). The forecasts averaged into `meanPerDay` are floored at 0.
 * Multiplicative seasonality needs every observed day's demand > 0 (throws LS_VALIDATION otherwise).
 *
 * Sources: Winters (1960); Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 2nd ed. (2018), §7.3
 * (component forms and damped variant). Units: demand units/day; b units/day per day; additive s units/day,
 * multiplicative s dimensionless.
 *
 * @example forecastHoltWinters(weeks, { seasonality: 'additive' }).dailyForecast // next 7 days, weekday pattern kept
 */
export function forecastHoltWinters(dailyDemand: DailyDemand, options: HoltWintersOptions = {}): HoltWintersForecast {
  const series = prepareDemandSeries(dailyDemand, options.stockOutDays);
  const horizon = checkDays('horizon_days', options.horizonDays ?? DEFAULT_HORIZON_DAYS);
  const seasonality = options.seasonality ?? 'additive';
  if (seasonality !== 'additive' && seasonality !== 'multiplicative') {
    throw new DomainError('LS_VALIDATION', "seasonality: must be 'additive' or 'multiplicative'", [
      { field: 'seasonality', message: "must be 'additive' or 'multiplicative'", value: seasonality },
    ]);
  }
  const multiplicative = seasonality === 'multiplicative';
  if (multiplicative && !(series.minObserved > 0)) {
    throw new DomainError(
      'LS_VALIDATION',
      'daily_demand: multiplicative seasonality needs demand > 0 on every observed day',
      [{ field: 'daily_demand', message: 'multiplicative seasonality needs demand > 0 on every observed day' }],
    );
  }
  const kernel = multiplicative ? holtWintersMultiplicativeKernel : holtWintersAdditiveKernel;
  const given = options.alpha !== undefined && options.beta !== undefined && options.gamma !== undefined;
  const grid = gridOf(
    options.alpha === undefined ? HOLT_WINTERS_GRID.alpha : [checkFraction('alpha', options.alpha)],
    options.beta === undefined ? HOLT_WINTERS_GRID.beta : [checkFraction('beta', options.beta, true)],
    options.gamma === undefined ? HOLT_WINTERS_GRID.gamma : [checkFraction('gamma', options.gamma, true)],
    options.phi === undefined ? HOLT_WINTERS_GRID.phi : [checkFraction('phi', options.phi)],
  );
  const start = kernel.initialise(series);
  const state: State = {
    level: options.initialLevel === undefined ? start.level : checkFinite('initial_level', options.initialLevel),
    trend: options.initialTrend === undefined ? start.trend : checkFinite('initial_trend', options.initialTrend),
    seasonal:
      options.initialSeasonal === undefined ? start.seasonal : readSeasonal(options.initialSeasonal, multiplicative),
  };
  return fitForecast(kernel, series, grid, state, horizon, given ? 'given' : 'grid');
}

function readSeasonal(values: readonly number[], multiplicative: boolean): Float64Array {
  const what = multiplicative ? 'numbers > 0' : 'finite numbers';
  if (values.length !== WEEK_DAYS || !values.every((v) => Number.isFinite(v) && (!multiplicative || v > 0))) {
    throw new DomainError('LS_VALIDATION', `initial_seasonal: must be ${WEEK_DAYS} ${what}`, [
      { field: 'initial_seasonal', message: `must be ${WEEK_DAYS} ${what}`, value: values },
    ]);
  }
  return Float64Array.from(values);
}

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
import { type ForecastKernel, fitForecast, initialLevelTrend, type KernelPass, type LevelTrend } from './kernel.js';

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
type State = LevelTrend & { seasonal: Float64Array; work: Float64Array };

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
      return { ...start, seasonal: initialSeasonal(series, start, multiplicative), work: new Float64Array(WEEK_DAYS) };
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
  };
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
  const season = state.work;
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
        abs += e < 0 ? -e : e;
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
  const season = state.work;
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
        abs += e < 0 ? -e : e;
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
    work: start.work,
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

import { DomainError } from '../errors.js';
import { scaleError } from './accuracy.js';
import { crostonKernel } from './croston.js';
import { classifyPrepared, type DemandClass, type DemandClassification } from './demand-class.js';
import {
  checkDays,
  type DailyDemand,
  type PreparedSeries,
  prepareDemandSeries,
  type StockOutDays,
} from './demand-series.js';
import { DEFAULT_HORIZON_DAYS, FORECAST_METHODS, type Forecast, type ForecastMethod } from './forecast.js';
import { holtKernel } from './holt.js';
import { holtWintersAdditiveKernel, holtWintersMultiplicativeKernel } from './holt-winters.js';
import { type ForecastKernel, finishForecast, gridPassFor, segmentsOf } from './kernel.js';
import { sbaKernel } from './sba.js';
import { sesKernel } from './ses.js';
import { tsbKernel } from './tsb.js';
import { testPrepared, type WeeklySeasonality } from './weekly-seasonality.js';

/** Intermittent and lumpy demand skip the weekly-pattern test (Holt-Winters is not a candidate for them). */
const NOT_TESTED: WeeklySeasonality = { acf7: Number.NaN, threshold: Number.NaN, seasonal: false };

export type RankBy = 'mase' | 'rmsse';

export type BacktestOptions = {
  /** Stock-out flags, one per day: flagged days are missing for the methods and left out of every error. */
  stockOutDays?: StockOutDays | undefined;
  /** h, days forecast from each origin (default 7). */
  horizonDays?: number | undefined;
  /** How many origins (default 8); fewer when the history is short. */
  originCount?: number | undefined;
  /** Days between consecutive origins (default 7). */
  stepDays?: number | undefined;
  /** The shortest training window an origin may have (default 28 days). */
  minTrainingDays?: number | undefined;
  /** The methods to compare (default: every method that applies; `selectForecastMethod` narrows it by demand class). */
  methods?: readonly ForecastMethod[] | undefined;
  /** The score that ranks the methods (default 'mase'). */
  rankBy?: RankBy | undefined;
  /** m of the scale's naive forecast y_{t−m}: 1 (default) or 7 for the weekly seasonal naive forecast. */
  scalePeriodDays?: number | undefined;
};

export type MethodScore = {
  method: ForecastMethod;
  /** MAE over every observed test day of every origin, divided by the naive scale Q. */
  mase: number;
  /** RMSE divided by √(mean squared naive one-step difference). */
  rmsse: number;
  /** Units/day. */
  mae: number;
  /** Units/day. */
  rmse: number;
  /** Observed test days compared. */
  points: number;
};

export type BacktestResult = {
  /** The origins: each is the number of days of training data (the forecast starts on that day index). */
  origins: number[];
  horizonDays: number;
  stepDays: number;
  rankBy: RankBy;
  /** Q: the in-sample MAE of the naive forecast over the days before the last origin, units/day. */
  scale: number;
  /** Best first. Ties are broken by MAE, then by the order of FORECAST_METHODS (simplest first). */
  ranking: MethodScore[];
  /** Methods asked for but not scored, with the reason. */
  excluded: { method: ForecastMethod; reason: string }[];
};

const KERNELS = {
  ses: sesKernel,
  holt: holtKernel,
  holt_winters_additive: holtWintersAdditiveKernel,
  holt_winters_multiplicative: holtWintersMultiplicativeKernel,
  croston: crostonKernel,
  sba: sbaKernel,
  tsb: tsbKernel,
} as const;

type Settings = {
  horizon: number;
  originCount: number;
  step: number;
  minTraining: number;
  rankBy: RankBy;
  scalePeriod: number;
};

function readSettings(options: BacktestOptions): Settings {
  const rankBy = options.rankBy ?? 'mase';
  if (rankBy !== 'mase' && rankBy !== 'rmsse') {
    throw new DomainError('LS_VALIDATION', "rank_by: must be 'mase' or 'rmsse'", [
      { field: 'rank_by', message: "must be 'mase' or 'rmsse'", value: rankBy },
    ]);
  }
  for (const method of options.methods ?? []) {
    if (!FORECAST_METHODS.includes(method)) {
      throw new DomainError('LS_VALIDATION', `methods: unknown method ${String(method)}`, [
        { field: 'methods', message: `must be among ${FORECAST_METHODS.join(', ')}`, value: method },
      ]);
    }
  }
  return {
    horizon: checkDays('horizon_days', options.horizonDays ?? DEFAULT_HORIZON_DAYS),
    originCount: checkDays('origin_count', options.originCount ?? 8),
    step: checkDays('step_days', options.stepDays ?? 7),
    minTraining: checkDays('min_training_days', options.minTrainingDays ?? 28),
    rankBy,
    scalePeriod: checkDays('scale_period_days', options.scalePeriodDays ?? 1),
  };
}

/** Origins o_k = n − h − (K − 1 − k)·step for k = 0…K − 1, keeping those with o_k ≥ the minimum training days. */
function originsFor(n: number, s: Settings): Int32Array {
  const last = n - s.horizon;
  const list: number[] = [];
  for (let k = s.originCount - 1; k >= 0; k--) {
    const origin = last - k * s.step;
    if (origin >= s.minTraining) list.push(origin);
  }
  return Int32Array.from(list);
}

/**
 * The origins and the stretches of a series without stock-outs for the last length and settings asked for: a plan
 * backtests many series of one length with one set of settings, and both depend on nothing else. Read-only.
 */
const lastLayout: {
  n: number;
  horizon: number;
  originCount: number;
  step: number;
  minTraining: number;
  origins: Int32Array;
  plain: Int32Array;
} = {
  n: -1,
  horizon: 0,
  originCount: 0,
  step: 0,
  minTraining: 0,
  origins: new Int32Array(0),
  plain: new Int32Array(0),
};

function layoutFor(series: PreparedSeries, s: Settings): { origins: Int32Array; segments: Int32Array } {
  const cached = lastLayout;
  if (
    cached.n !== series.n ||
    cached.horizon !== s.horizon ||
    cached.originCount !== s.originCount ||
    cached.step !== s.step ||
    cached.minTraining !== s.minTraining
  ) {
    cached.n = series.n;
    cached.horizon = s.horizon;
    cached.originCount = s.originCount;
    cached.step = s.step;
    cached.minTraining = s.minTraining;
    cached.origins = originsFor(series.n, s);
    cached.plain = segmentsOf({ ...series, censored: null }, cached.origins);
  }
  return {
    origins: cached.origins,
    segments: series.censored === null ? cached.plain : segmentsOf(series, cached.origins),
  };
}

/** Per origin: the lowest SSE so far over a method's grid rows, and that row's h-step errors (scratch). */
let bestSse = new Float64Array(16);
let bestAbs = new Float64Array(16);
let bestSq = new Float64Array(16);

type AnyKernel = ForecastKernel<ForecastMethod, unknown, unknown, unknown>;

/** A method's kernel with its start-up state for the series and the grid row chosen on the whole history. */
type Fitted = { kernel: AnyKernel; state: unknown; row: number };

type Scored = { result: BacktestResult; fitted: Map<ForecastMethod, Fitted> };

function applicable(method: ForecastMethod, series: PreparedSeries): string | undefined {
  if (method === 'holt_winters_multiplicative' && !(series.minObserved > 0)) {
    return 'multiplicative seasonality needs demand > 0 on every observed day';
  }
  return undefined;
}

function runBacktest(series: PreparedSeries, methods: readonly ForecastMethod[], s: Settings): Scored {
  const { y, censored: c } = series;
  const { origins, segments } = layoutFor(series, s);
  const count = origins.length;
  const excluded: BacktestResult['excluded'] = [];
  const ranking: MethodScore[] = [];
  const fitted = new Map<ForecastMethod, Fitted>();

  // Q and the mean squared naive difference over the training window of the last origin.
  const scaleEnd = count > 0 ? origins[count - 1]! : series.n;
  let absDiff = 0;
  let sqDiff = 0;
  let pairs = 0;
  for (let t = s.scalePeriod; t < scaleEnd; t++) {
    if (c !== null && (c[t] !== 0 || c[t - s.scalePeriod] !== 0)) continue;
    const d = y[t]! - y[t - s.scalePeriod]!;
    absDiff += Math.abs(d);
    sqDiff += d * d;
    pairs++;
  }
  const scale = pairs > 0 ? absDiff / pairs : 0;
  const squaredScale = pairs > 0 ? Math.sqrt(sqDiff / pairs) : 0;

  let points = 0;
  for (let k = 0; k < count; k++) {
    for (let t = origins[k]!, end = t + s.horizon; t < end; t++) if (c === null || c[t] === 0) points++;
  }

  if (bestSse.length < count) {
    bestSse = new Float64Array(count);
    bestAbs = new Float64Array(count);
    bestSq = new Float64Array(count);
  }
  for (const method of methods) {
    const reason = applicable(method, series);
    if (reason !== undefined) {
      excluded.push({ method, reason });
      continue;
    }
    const kernel = KERNELS[method] as AnyKernel;
    const state = kernel.initialise(series);
    const grid = kernel.grid;
    const pass = gridPassFor(s.horizon, origins, segments, grid.length);
    kernel.runGrid(series, grid, state, pass);
    bestSse.fill(Number.POSITIVE_INFINITY, 0, count);
    let finalRow = -1;
    let finalSse = Number.POSITIVE_INFINITY;
    for (let row = 0, cell = 0; row < grid.length; row++, cell += count) {
      if (pass.ok[row] === 0) continue;
      if (pass.sse[row]! < finalSse) {
        finalSse = pass.sse[row]!;
        finalRow = row;
      }
      for (let k = 0; k < count; k++) {
        if (pass.sseAtOrigin[cell + k]! < bestSse[k]!) {
          bestSse[k] = pass.sseAtOrigin[cell + k]!;
          bestAbs[k] = pass.absErrAtOrigin[cell + k]!;
          bestSq[k] = pass.sqErrAtOrigin[cell + k]!;
        }
      }
    }
    if (finalRow < 0) {
      excluded.push({ method, reason: 'breaks down on this series for every parameter set' });
      continue;
    }
    fitted.set(method, { kernel, state, row: finalRow });
    if (points === 0) continue;
    let abs = 0;
    let sq = 0;
    for (let k = 0; k < count; k++) {
      abs += bestAbs[k]!;
      sq += bestSq[k]!;
    }
    const mae = abs / points;
    const rmse = Math.sqrt(sq / points);
    ranking.push({
      method,
      mase: scaleError(mae, scale),
      rmsse: scaleError(rmse, squaredScale),
      mae,
      rmse,
      points,
    });
  }
  const key = s.rankBy;
  ranking.sort(
    (a, b) =>
      a[key] - b[key] || a.mae - b.mae || FORECAST_METHODS.indexOf(a.method) - FORECAST_METHODS.indexOf(b.method),
  );
  return {
    result: {
      origins: Array.from(origins),
      horizonDays: s.horizon,
      stepDays: s.step,
      rankBy: s.rankBy,
      scale,
      ranking,
      excluded,
    },
    fitted,
  };
}

function forecastWith(chosen: Fitted, series: PreparedSeries, horizon: number): Forecast {
  return finishForecast(chosen.kernel, series, chosen.kernel.grid[chosen.row], chosen.state, horizon, 'grid');
}

/**
 * Rolling-origin evaluation of forecasting methods on one daily demand history. For each origin o (o = n − h,
 * n − h − step, …, at most `originCount` of them, each with at least `minTrainingDays` of training data), each method
 * is fitted on days [0, o) — its smoothing parameters chosen from its grid by the lowest one-step SSE on those days
 * only — and forecasts days [o, o + h) from its state at o. Errors over every observed test day of every origin are
 * pooled into MAE and RMSE, and scaled by the in-sample naive forecast's MAE Q (MASE) and RMS difference (RMSSE),
 * taken over the training window of the last origin so that every origin shares one scale. Forecasts are floored at 0.
 *
 * Because a smoothing method's state at o depends only on days before o, one pass per parameter set yields the state,
 * the cumulative SSE and the h-step errors at every origin: the cost is one pass per grid point, however many origins.
 *
 * Sources: Tashman, "Out-of-sample tests of forecasting accuracy: an analysis and review", *International Journal of
 * Forecasting* 16(4) (2000) 437–450 (rolling origin with recalibration); Hyndman & Koehler (2006) (MASE); Hyndman &
 * Athanasopoulos, *Forecasting: Principles and Practice*, 2nd ed. (2018), §3.4 (time-series cross-validation).
 * Units: MAE, RMSE, Q units/day; MASE, RMSSE dimensionless; origins and steps in days.
 *
 * @example backtestForecastMethods(history, { methods: ['ses', 'sba'], horizonDays: 7 }).ranking[0].method
 */
export function backtestForecastMethods(dailyDemand: DailyDemand, options: BacktestOptions = {}): BacktestResult {
  const series = prepareDemandSeries(dailyDemand, options.stockOutDays);
  const settings = readSettings(options);
  return runBacktest(series, options.methods ?? FORECAST_METHODS, settings).result;
}

export type SelectForecastOptions = BacktestOptions;

export type ForecastSelection = {
  method: ForecastMethod;
  /** The chosen method fitted on the whole history (parameters by lowest in-sample SSE), forecasting h days. */
  forecast: Forecast;
  demand: DemandClassification;
  /** The weekly-pattern test (not run, NaN, for intermittent and lumpy demand unless `methods` was given). */
  weeklySeasonality: WeeklySeasonality;
  /** The methods compared. */
  candidates: ForecastMethod[];
  /** The backtest (empty ranking when the history is too short to backtest). */
  backtest: BacktestResult;
  /** Why this method, in words. */
  reason: string;
};

/**
 * The candidate methods for a demand class, simplest first; the backtest decides among them.
 * - smooth: SES and damped Holt; erratic (frequent demand, variable sizes): also SBA and TSB;
 * - Holt-Winters (additive and multiplicative) join smooth and erratic demand only when `weeklySeasonal` (see
 *   `detectWeeklySeasonality`); the multiplicative form is dropped later for a series with a zero day;
 * - intermittent and lumpy: Croston, SBA and TSB, the methods built for demand that is mostly zero (Syntetos, Boylan &
 *   Croston 2005). SES is left out there: Syntetos & Boylan (2005) found SBA more accurate than SES on such series,
 *   and MAE-based scores can prefer SES on mostly-zero data for the wrong reason (the median of such a series is 0);
 * - no demand: SES, which forecasts 0.
 */
export function candidateMethods(demandClass: DemandClass, weeklySeasonal = false): ForecastMethod[] {
  const seasonal: ForecastMethod[] = weeklySeasonal ? ['holt_winters_additive', 'holt_winters_multiplicative'] : [];
  switch (demandClass) {
    case 'smooth':
      return ['ses', 'holt', ...seasonal];
    case 'erratic':
      return ['ses', 'sba', 'tsb', 'holt', ...seasonal];
    case 'intermittent':
    case 'lumpy':
      return ['croston', 'sba', 'tsb'];
    case 'no_demand':
      return ['ses'];
  }
}

function describeClass(d: DemandClassification, w: WeeklySeasonality): string {
  if (d.demandClass === 'no_demand') return `no demand on any of the ${d.observedDays} observed days`;
  const adi = `ADI ${d.adi.toFixed(2)} ${d.adi > 1.32 ? '>' : '≤'} 1.32`;
  const cv2 = `CV² ${d.cv2.toFixed(2)} ${d.cv2 > 0.49 ? '>' : '≤'} 0.49`;
  if (Number.isNaN(w.acf7)) return `demand is ${d.demandClass} (${adi}, ${cv2})`;
  const week = `${w.seasonal ? '' : 'no '}weekly pattern (r₇ ${w.acf7.toFixed(2)})`;
  return `demand is ${d.demandClass} (${adi}, ${cv2}), ${week}`;
}

/**
 * Chooses a forecasting method for one daily demand history: classifies the demand (Syntetos–Boylan ADI/CV²) and tests
 * for a weekly pattern, takes the candidates for both (`candidateMethods`, or `options.methods`), runs `backtestForecastMethods` and picks the lowest MASE (or RMSSE),
 * then fits the winner on the whole history. When the history is too short for one origin (fewer than
 * `minTrainingDays` + h days) it falls back on the class: SES for smooth and erratic demand, SBA for intermittent and
 * lumpy demand (Syntetos, Boylan & Croston 2005). A history without demand gets SES, which forecasts 0.
 *
 * Caveat: MAE-based scores reward forecasts pulled towards the median, which is 0 on mostly-zero series; this favours
 * SBA and TSB on intermittent demand. `rankBy: 'rmsse'` ranks by squared errors instead (unbiased forecasts win).
 *
 * Sources: Syntetos, Boylan & Croston, *JORS* 56 (2005) 495–503; Hyndman & Koehler, *IJF* 22 (2006) 679–688;
 * Tashman, *IJF* 16 (2000) 437–450. Units: demand units/day.
 *
 * @example selectForecastMethod(history).reason
 *   // 'sba: lowest MASE 0.712 over 8 origins × 7 days (next: tsb 0.731); demand is intermittent (ADI 4.10 > 1.32, …)'
 */
export function selectForecastMethod(dailyDemand: DailyDemand, options: SelectForecastOptions = {}): ForecastSelection {
  const series = prepareDemandSeries(dailyDemand, options.stockOutDays);
  const settings = readSettings(options);
  const demand = classifyPrepared(series);
  const weeklySeasonality =
    demand.demandClass === 'smooth' || demand.demandClass === 'erratic' || options.methods !== undefined
      ? testPrepared(series)
      : NOT_TESTED;
  const candidates =
    options.methods === undefined
      ? candidateMethods(demand.demandClass, weeklySeasonality.seasonal)
      : [...options.methods];
  if (candidates.length === 0) {
    throw new DomainError('LS_VALIDATION', 'methods: must name at least one method', [
      { field: 'methods', message: 'must name at least one method' },
    ]);
  }
  const { result, fitted } = runBacktest(series, candidates, settings);
  const classText = describeClass(demand, weeklySeasonality);
  const best = result.ranking[0];
  if (best !== undefined) {
    const chosen = fitted.get(best.method)!;
    const next = result.ranking[1];
    const label = settings.rankBy === 'mase' ? 'MASE' : 'RMSSE';
    const score = (m: MethodScore) => m[settings.rankBy].toFixed(3);
    const runnerUp = next === undefined ? 'the only candidate' : `next: ${next.method} ${score(next)}`;
    return {
      method: best.method,
      forecast: forecastWith(chosen, series, settings.horizon),
      demand,
      weeklySeasonality,
      candidates,
      backtest: result,
      reason:
        `${best.method}: lowest ${label} ${score(best)} over ${result.origins.length} origins × ${settings.horizon} ` +
        `days (${runnerUp}); ${classText}, candidates ${candidates.join(', ')}`,
    };
  }
  const preferred: ForecastMethod =
    demand.demandClass === 'intermittent' || demand.demandClass === 'lumpy' ? 'sba' : 'ses';
  const usable = candidates.filter((m) => fitted.has(m));
  const method = usable.includes(preferred) ? preferred : usable[0];
  if (method === undefined) {
    throw new DomainError('LS_VALIDATION', 'methods: none of the methods can forecast this series', [
      { field: 'methods', message: 'none of the methods can forecast this series', value: candidates },
    ]);
  }
  const chosen = fitted.get(method)!;
  const why =
    demand.demandClass === 'no_demand'
      ? 'every method forecasts 0'
      : result.origins.length === 0
        ? `${series.n} days is too short to backtest (needs ${settings.minTraining} + ${settings.horizon})`
        : 'no observed day in the test windows to score';
  return {
    method,
    forecast: forecastWith(chosen, series, settings.horizon),
    demand,
    weeklySeasonality,
    candidates,
    backtest: result,
    reason: `${method}: ${why}; ${classText}, so the class default`,
  };
}

/**
 * What every forecasting method returns, and the names of the methods. Demand is in units per day throughout.
 */

export type ForecastMethod =
  | 'ses'
  | 'holt'
  | 'holt_winters_additive'
  | 'holt_winters_multiplicative'
  | 'croston'
  | 'sba'
  | 'tsb';

/** Every method, simplest first: the order that breaks ties in a ranking. */
export const FORECAST_METHODS: readonly ForecastMethod[] = [
  'ses',
  'croston',
  'sba',
  'tsb',
  'holt',
  'holt_winters_additive',
  'holt_winters_multiplicative',
];

/** The methods for intermittent demand (they smooth demand sizes and intervals or occurrence separately). */
export const INTERMITTENT_METHODS: readonly ForecastMethod[] = ['croston', 'sba', 'tsb'];

/** Options every method accepts. */
export type ForecastOptions = {
  /** Stock-out flags, one per day; flagged days are treated as missing (see each method). */
  stockOutDays?: ArrayLike<boolean | number> | undefined;
  /** h, the days ahead that `meanPerDay` averages over (default 7, one weekly cycle). */
  horizonDays?: number | undefined;
};

/** The default horizon: a whole week, so a weekly-seasonal forecast averages over every weekday. */
export const DEFAULT_HORIZON_DAYS = 7;

export type Forecast<M extends ForecastMethod = ForecastMethod, P = unknown> = {
  method: M;
  /** Mean of the h forecasts ŷ_{T+1|T} … ŷ_{T+h|T}, each floored at 0, units/day. */
  meanPerDay: number;
  /** σ̂ = √(Σe_t²/N) over the N observed one-step errors e_t = y_t − ŷ_{t|t−1} (after start-up), units/day. */
  sdPerDay: number;
  /** h, days ahead. */
  horizonDays: number;
  /** ŷ_{T+1|T} … ŷ_{T+h|T}, each floored at 0, units/day. */
  dailyForecast: Float64Array;
  /** One-step-ahead in-sample forecasts ŷ_{t|t−1} for every day t (0 before an intermittent method has seen demand). */
  fitted: Float64Array;
  /** N, the one-step errors behind `sdPerDay` (observed days after start-up). */
  errorCount: number;
  /** The smoothing parameters used and the initial state. */
  params: P;
  /** Whether the smoothing parameters were chosen by grid search ('grid') or given ('given'). */
  paramsSource: 'grid' | 'given';
};

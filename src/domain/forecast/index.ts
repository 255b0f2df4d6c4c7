/**
 * Demand forecasting for daily demand histories: exponential smoothing (SES, damped Holt, Holt-Winters with weekly
 * seasonality) and intermittent-demand methods (Croston, SBA, TSB), accuracy measures, Syntetos–Boylan demand
 * classification, method selection by rolling-origin backtest, and demand over a lead time. Pure functions: no I/O,
 * no clock, no randomness. Demand is in units per day throughout.
 */
export * from './accuracy.js';
export {
  type BacktestOptions,
  type BacktestResult,
  backtestForecastMethods,
  candidateMethods,
  type ForecastSelection,
  type MethodScore,
  type RankBy,
  type SelectForecastOptions,
  selectForecastMethod,
} from './backtest.js';
export {
  CROSTON_ALPHA_GRID,
  type CrostonForecast,
  type CrostonOptions,
  type CrostonParams,
  forecastCroston,
} from './croston.js';
export * from './demand-class.js';
export type { DailyDemand, StockOutDays } from './demand-series.js';
export * from './forecast.js';
export { forecastHolt, HOLT_GRID, type HoltForecast, type HoltOptions, type HoltParams } from './holt.js';
export {
  forecastHoltWinters,
  HOLT_WINTERS_GRID,
  type HoltWintersForecast,
  type HoltWintersOptions,
  type HoltWintersParams,
  type Seasonality,
  WEEK_DAYS,
} from './holt-winters.js';
export * from './lead-time-demand.js';
export { forecastSba, type SbaForecast, sbaFactor } from './sba.js';
export { forecastSes, SES_ALPHA_GRID, type SesForecast, type SesOptions, type SesParams } from './ses.js';
export { forecastTsb, TSB_GRID, type TsbForecast, type TsbOptions, type TsbParams } from './tsb.js';
export { detectWeeklySeasonality, type WeeklySeasonality } from './weekly-seasonality.js';

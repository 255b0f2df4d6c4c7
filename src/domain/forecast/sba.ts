import {
  CROSTON_ALPHA_GRID,
  type CrostonOptions,
  type CrostonParams,
  type CrostonRow,
  type CrostonState,
  describeCroston,
  initialiseCroston,
  runCroston,
  runCrostonGrid,
} from './croston.js';
import { checkDays, checkFraction, type DailyDemand, prepareDemandSeries } from './demand-series.js';
import { DEFAULT_HORIZON_DAYS, type Forecast } from './forecast.js';
import { type ForecastKernel, fitForecast } from './kernel.js';

export type SbaForecast = Forecast<'sba', CrostonParams>;

/** SBA's bias correction: Croston's z/p multiplied by 1 − α/2. */
export function sbaFactor(alpha: number): number {
  return 1 - alpha / 2;
}

/** SBA as a kernel: Croston's pass with the bias factor 1 − α/2. */
export const sbaKernel: ForecastKernel<'sba', CrostonRow, CrostonState, CrostonParams> = {
  method: 'sba',
  grid: CROSTON_ALPHA_GRID.map((alpha) => ({ alpha, biasFactor: sbaFactor(alpha) })),
  initialise: initialiseCroston,
  describe: describeCroston,
  run: runCroston,
  runGrid: runCrostonGrid,
};

/**
 * Syntetos–Boylan approximation: Croston's recurrences for the size z and the interval p, with the forecast corrected
 * for Croston's positive bias (E[z/p] > E[z]/E[p]):
 *   ŷ = (1 − α/2)·z_t/p_t, units/day.
 * Same treatment of stock-out days, start-up and α grid as `forecastCroston`. Since 1 − α/2 < 1, SBA never forecasts
 * more than Croston with the same α.
 *
 * Source: Syntetos & Boylan, "The accuracy of intermittent demand estimates", *International Journal of Forecasting*
 * 21(2) (2005) 303–314. Units: y, z units; p days; ŷ units/day.
 *
 * @example forecastSba([0, 0, 3, 0, 5], { alpha: 0.5 }).meanPerDay // Croston's 1.6 × (1 − 0.25) = 1.2
 */
export function forecastSba(dailyDemand: DailyDemand, options: CrostonOptions = {}): SbaForecast {
  const series = prepareDemandSeries(dailyDemand, options.stockOutDays);
  const horizon = checkDays('horizon_days', options.horizonDays ?? DEFAULT_HORIZON_DAYS);
  const given = options.alpha !== undefined;
  const alpha = given ? checkFraction('alpha', options.alpha!) : 0;
  const grid = given ? [{ alpha, biasFactor: sbaFactor(alpha) }] : sbaKernel.grid;
  return fitForecast(sbaKernel, series, grid, initialiseCroston(series), horizon, given ? 'given' : 'grid');
}

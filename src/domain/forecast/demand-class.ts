import { type DailyDemand, type PreparedSeries, prepareDemandSeries, type StockOutDays } from './demand-series.js';

/**
 * The Syntetos–Boylan demand classes, plus `no_demand` for a history without any demand.
 */
export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy' | 'no_demand';

/** ADI cut-off: above it, demand is intermittent (p > 1.32 days between demands on average). */
export const ADI_CUTOFF = 1.32;
/** CV² cut-off: above it, demand sizes are erratic. */
export const CV2_CUTOFF = 0.49;

export type DemandClassification = {
  demandClass: DemandClass;
  /** ADI = observed days / days with demand, the mean interval between demands, days (Infinity with no demand). */
  adi: number;
  /** CV² = (s/z̄)² of the positive demand sizes (sample s.d., n − 1); 0 with fewer than two demands. */
  cv2: number;
  observedDays: number;
  demandDays: number;
  /** Mean positive demand size, units (0 with no demand). */
  meanDemandSize: number;
};

/**
 * Classifies a daily demand history by the average inter-demand interval (ADI) and the squared coefficient of
 * variation of the non-zero demand sizes (CV²), with the cut-offs ADI = 1.32 and CV² = 0.49:
 *   ADI ≤ 1.32, CV² ≤ 0.49 → smooth;   ADI ≤ 1.32, CV² > 0.49 → erratic;
 *   ADI > 1.32, CV² ≤ 0.49 → intermittent;   ADI > 1.32, CV² > 0.49 → lumpy.
 * The cut-offs are where SBA's theoretical MSE falls below Croston's (SBA is expected to do better outside the smooth
 * quadrant). Stock-out days are left out of both measures. A history with no demand on any observed day is
 * `no_demand` (ADI = Infinity).
 *
 * Source: Syntetos, Boylan & Croston, "On the categorization of demand patterns", *Journal of the Operational Research
 * Society* 56(5) (2005) 495–503. Units: ADI days; CV² dimensionless.
 *
 * @example classifyDemand([0, 5, 0, 5, 0, 5]).demandClass // ADI 6/3 = 2 > 1.32, CV² 0 → 'intermittent'
 */
export function classifyDemand(
  dailyDemand: DailyDemand,
  options: { stockOutDays?: StockOutDays | undefined } = {},
): DemandClassification {
  return classifyPrepared(prepareDemandSeries(dailyDemand, options.stockOutDays));
}

/** `classifyDemand` on an already validated series. */
export function classifyPrepared(series: PreparedSeries): DemandClassification {
  const { y, censored: c, n } = series;
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let t = 0; t < n; t++) {
    if (c !== null && c[t] !== 0) continue;
    const v = y[t]!;
    if (v <= 0) continue;
    count++;
    const delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
  }
  const adi = count > 0 ? series.observedDays / count : Number.POSITIVE_INFINITY;
  const cv2 = count > 1 && mean > 0 ? m2 / (count - 1) / (mean * mean) : 0;
  let demandClass: DemandClass;
  if (count === 0) demandClass = 'no_demand';
  else if (adi > ADI_CUTOFF) demandClass = cv2 > CV2_CUTOFF ? 'lumpy' : 'intermittent';
  else demandClass = cv2 > CV2_CUTOFF ? 'erratic' : 'smooth';
  return { demandClass, adi, cv2, observedDays: series.observedDays, demandDays: count, meanDemandSize: mean };
}

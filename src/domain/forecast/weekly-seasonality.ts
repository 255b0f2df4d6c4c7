import { type DailyDemand, type PreparedSeries, prepareDemandSeries, type StockOutDays } from './demand-series.js';

export type WeeklySeasonality = {
  /** r₇, the lag-7 autocorrelation of the detrended series. */
  acf7: number;
  /** 1.645·√((1 + 2·Σ_{k=1..6} r_k²)/N): r₇ above it is significant at the 90% level. */
  threshold: number;
  seasonal: boolean;
};

const NOT_SEASONAL: WeeklySeasonality = { acf7: 0, threshold: Number.POSITIVE_INFINITY, seasonal: false };

/**
 * Tests for a weekly pattern. The series is first detrended by a centred 7-day moving average, x_t = y_t − (1/7)·
 * Σ_{j=−3..3} y_{t+j} (a day with a stock-out in its window is skipped), which removes any locally linear trend and
 * keeps the weekday pattern; then the lag-7 autocorrelation of x is compared with its one-sided 90% limit under
 * Bartlett's formula:
 *   seasonal ⇔ r₇ > 1.645·√((1 + 2·Σ_{k=1..6} r_k²)/N),
 * with r_k = Σ(x_t − x̄)(x_{t−k} − x̄) / Σ(x_t − x̄)² over the N detrended days. On white noise r₇ of x is 0 (the two
 * windows do not overlap), so only a weekly pattern makes it large. The statistic and limit are those of the
 * seasonality test in the M4 competition's statistical benchmarks, which apply it to the raw series; detrending first
 * stops a trend (whose autocorrelations are all near 1) from passing for seasonality. Fewer than four weeks of
 * detrended days, or a constant series, is not seasonal.
 *
 * Sources: Makridakis, Spiliotis & Assimakopoulos, "The M4 Competition: 100,000 time series and 61 forecasting
 * methods", *International Journal of Forecasting* 36(1) (2020) 54–74; Bartlett (1946) for the variance of r_k;
 * Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 2nd ed. (2018), §6.2 (moving-average detrending).
 * Units: r_k dimensionless.
 *
 * @example detectWeeklySeasonality(fourWeeksOf([5, 5, 5, 5, 5, 20, 20])).seasonal // true
 */
export function detectWeeklySeasonality(
  dailyDemand: DailyDemand,
  options: { stockOutDays?: StockOutDays | undefined } = {},
): WeeklySeasonality {
  return testPrepared(prepareDemandSeries(dailyDemand, options.stockOutDays));
}

/**
 * `detectWeeklySeasonality` on an already validated series, in one pass: x_t is computed on the fly and kept in a ring
 * of the last eight values; per lag k the pass accumulates Σx_t·x_{t−k}, Σx_t, Σx_{t−k} and the pair count, from which
 * the centred sums follow (Σ(a − x̄)(b − x̄) = Σab − x̄Σa − x̄Σb + n·x̄²).
 */
export function testPrepared(series: PreparedSeries): WeeklySeasonality {
  const { y, censored: c, n } = series;
  if (n < 35) return NOT_SEASONAL;
  const ring = new Float64Array(8);
  const valid = new Uint8Array(8);
  const sums = new Float64Array(32); // per lag k (1..7): [k] Σab, [8 + k] Σa, [16 + k] Σb, [24 + k] pairs
  let window = 0;
  let flagged = 0;
  for (let t = 0; t < 7; t++) {
    window += y[t]!;
    if (c !== null) flagged += c[t]!;
  }
  let N = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let t = 3, slot = 0; t + 3 < n; t++, slot = (slot + 1) & 7) {
    if (t > 3) {
      window += y[t + 3]! - y[t - 4]!;
      if (c !== null) flagged += c[t + 3]! - c[t - 4]!;
    }
    if (flagged !== 0) {
      valid[slot] = 0;
      continue;
    }
    const x = y[t]! - window / 7;
    ring[slot] = x;
    valid[slot] = 1;
    sum += x;
    sumSquares += x * x;
    N++;
    for (let k = 1; k <= 7; k++) {
      const back = (slot - k) & 7;
      if (valid[back] === 0 || t - k < 3) continue;
      const b = ring[back]!;
      sums[k]! += x * b;
      sums[8 + k]! += x;
      sums[16 + k]! += b;
      sums[24 + k]!++;
    }
  }
  if (N < 28) return NOT_SEASONAL;
  const mean = sum / N;
  const denominator = sumSquares - N * mean * mean;
  if (!(denominator > 1e-9 * sumSquares)) return NOT_SEASONAL;
  let squares = 0;
  let acf7 = 0;
  for (let k = 1; k <= 7; k++) {
    const pairs = sums[24 + k]!;
    const numerator = sums[k]! - mean * sums[8 + k]! - mean * sums[16 + k]! + pairs * mean * mean;
    const r = numerator / denominator;
    if (k < 7) squares += r * r;
    else acf7 = r;
  }
  const threshold = 1.645 * Math.sqrt((1 + 2 * squares) / N);
  return { acf7, threshold, seasonal: acf7 > threshold };
}

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
 * Scratch for `testPrepared`, grown to the longest series seen: x_t (0 on a day without one), 1 on a day with one (else
 * 0), and Σ_{u=3..t} x_u.
 */
let detrended = new Float64Array(0);
let weights = new Float64Array(0);
let prefixSums = new Float64Array(0);

/** Per lag k (1…7): Σx_t·x_{t−k} at [k], Σx_t at [8 + k], Σx_{t−k} at [16 + k], the pair count at [24 + k]. */
const lagSums = new Float64Array(32);

/**
 * `detectWeeklySeasonality` on an already validated series. A first pass computes x_t (the 7-day window kept as a
 * running sum) into scratch, with Σx and Σx²; then, per lag k, Σx_t·x_{t−k}, Σx_t, Σx_{t−k} and the pair count over the
 * days where both values exist, from which the centred sums follow (Σ(a − x̄)(b − x̄) = Σab − x̄Σa − x̄Σb + n·x̄²). Every
 * sum is taken in day order. When no day is a stock-out, Σx_{t−k} = x₃ + … + x_{end−1−k} is a running total of the
 * first pass (the same additions in the same order), and the other sums take three lags per pass.
 */
export function testPrepared(series: PreparedSeries): WeeklySeasonality {
  const { y, censored: c, n } = series;
  if (n < 35) return NOT_SEASONAL;
  if (detrended.length < n) {
    detrended = new Float64Array(n);
    weights = new Float64Array(n);
    prefixSums = new Float64Array(n);
  }
  const x = detrended;
  const w = weights;
  const prefix = prefixSums;
  let window = 0;
  for (let t = 0; t < 7; t++) window += y[t]!;
  let N = 0;
  let sum = 0;
  let sumSquares = 0;
  const end = n - 3;
  if (c === null) {
    // Every day has a value: the same sums as below without the stock-out bookkeeping.
    const v = y[3]! - window / 7;
    x[3] = v;
    sum += v;
    prefix[3] = sum;
    sumSquares += v * v;
    for (let t = 4; t < end; t++) {
      window += y[t + 3]! - y[t - 4]!;
      const u = y[t]! - window / 7;
      x[t] = u;
      sum += u;
      prefix[t] = sum;
      sumSquares += u * u;
    }
    N = end - 3;
  } else {
    let flagged = 0;
    for (let t = 0; t < 7; t++) flagged += c[t]!;
    x.fill(0, 0, 3);
    w.fill(0, 0, 3);
    for (let t = 3; t < end; t++) {
      if (t > 3) {
        window += y[t + 3]! - y[t - 4]!;
        flagged += c[t + 3]! - c[t - 4]!;
      }
      if (flagged !== 0) {
        x[t] = 0;
        w[t] = 0;
        continue;
      }
      const v = y[t]! - window / 7;
      x[t] = v;
      w[t] = 1;
      sum += v;
      sumSquares += v * v;
      N++;
    }
  }
  if (N < 28) return NOT_SEASONAL;
  const mean = sum / N;
  const denominator = sumSquares - N * mean * mean;
  if (!(denominator > 1e-9 * sumSquares)) return NOT_SEASONAL;
  if (c === null) {
    accumulateLags(x, 1, end);
    accumulateLags(x, 4, end);
    for (let k = 1; k <= 7; k++) {
      lagSums[16 + k] = prefix[end - 1 - k]!;
      lagSums[24 + k] = end - 3 - k;
    }
  } else {
    for (let k = 1; k <= 7; k += 2) accumulateWeightedLags(x, w, k, end);
  }
  let squares = 0;
  let acf7 = 0;
  for (let k = 1; k <= 7; k++) {
    const pairs = lagSums[24 + k]!;
    const numerator = lagSums[k]! - mean * lagSums[8 + k]! - mean * lagSums[16 + k]! + pairs * mean * mean;
    const r = numerator / denominator;
    if (k < 7) squares += r * r;
    else acf7 = r;
  }
  const threshold = 1.645 * Math.sqrt((1 + 2 * squares) / N);
  return { acf7, threshold, seasonal: acf7 > threshold };
}

/**
 * The sums of lags k and k + 1 (when ≤ 7) into `lagSums` over the pairs t, t − j ≥ 3 where both days have a value, as
 * Σx_t·x_{t−j}, Σx_t·w_{t−j}, Σx_{t−j}·w_t and Σw_t·w_{t−j}: a day without a value (and days 0–2) has x = w = 0, so
 * its pairs add exactly 0 (a sum that starts from 0 never becomes −0) and no day needs a test. Lag k + 1 starts a day
 * early, on a pair with day 2, which adds 0 too.
 */
function accumulateWeightedLags(x: Float64Array, w: Float64Array, k: number, end: number): void {
  const two = k < 7;
  let products0 = 0;
  let sumA0 = 0;
  let sumB0 = 0;
  let pairs0 = 0;
  let products1 = 0;
  let sumA1 = 0;
  let sumB1 = 0;
  let pairs1 = 0;
  let backX = x[2]!;
  let backW = w[2]!;
  for (let t = 3 + k; t < end; t++) {
    const a = x[t]!;
    const wa = w[t]!;
    const b = x[t - k]!;
    const wb = w[t - k]!;
    products0 += a * b;
    sumA0 += a * wb;
    sumB0 += b * wa;
    pairs0 += wa * wb;
    products1 += a * backX;
    sumA1 += a * backW;
    sumB1 += backX * wa;
    pairs1 += wa * backW;
    backX = b;
    backW = wb;
  }
  lagSums[k] = products0;
  lagSums[8 + k] = sumA0;
  lagSums[16 + k] = sumB0;
  lagSums[24 + k] = pairs0;
  if (two) {
    lagSums[k + 1] = products1;
    lagSums[9 + k] = sumA1;
    lagSums[17 + k] = sumB1;
    lagSums[25 + k] = pairs1;
  }
}

/**
 * Σx_t·x_{t−j} and Σx_t over t ∈ [3 + j, end) for j = 1, 2, 3 (first 1) or 4…7 (first 4), every day having a value:
 * lag j's pairs start at t = 3 + j, so the first days are taken for the lags that have begun. Each sum starts from 0
 * as a loop over its own pairs does (0 + −0 is 0); x_{t−first−1} … are carried from the previous days, so each day
 * loads two values.
 */
function accumulateLags(x: Float64Array, first: number, end: number): void {
  const four = first === 4;
  let products0 = 0;
  let products1 = 0;
  let products2 = 0;
  let products3 = 0;
  let sumA0 = 0;
  let sumA1 = 0;
  let sumA2 = 0;
  let sumA3 = 0;
  // Days 3 + first … 5 + first (6 + first with four lags): lags first … first + (t − 3 − first).
  let t = 3 + first;
  const started = four ? 6 + first : 5 + first;
  for (; t < started; t++) {
    const v = x[t]!;
    const lags = t - 3 - first;
    products0 += v * x[t - first]!;
    sumA0 += v;
    if (lags >= 1) {
      products1 += v * x[t - first - 1]!;
      sumA1 += v;
    }
    if (lags >= 2) {
      products2 += v * x[t - first - 2]!;
      sumA2 += v;
    }
    if (lags >= 3) {
      products3 += v * x[t - first - 3]!;
      sumA3 += v;
    }
  }
  let back1 = x[t - first - 1]!;
  let back2 = x[t - first - 2]!;
  if (four) {
    let back3 = x[t - first - 3]!;
    for (; t < end; t++) {
      const v = x[t]!;
      const back0 = x[t - first]!;
      products0 += v * back0;
      sumA0 += v;
      products1 += v * back1;
      sumA1 += v;
      products2 += v * back2;
      sumA2 += v;
      products3 += v * back3;
      sumA3 += v;
      back3 = back2;
      back2 = back1;
      back1 = back0;
    }
    lagSums[7] = products3;
    lagSums[15] = sumA3;
  } else {
    for (; t < end; t++) {
      const v = x[t]!;
      const back0 = x[t - first]!;
      products0 += v * back0;
      sumA0 += v;
      products1 += v * back1;
      sumA1 += v;
      products2 += v * back2;
      sumA2 += v;
      back2 = back1;
      back1 = back0;
    }
  }
  lagSums[first] = products0;
  lagSums[8 + first] = sumA0;
  lagSums[first + 1] = products1;
  lagSums[9 + first] = sumA1;
  lagSums[first + 2] = products2;
  lagSums[10 + first] = sumA2;
}

/**
 * Probability distributions for the inventory calculators: the normal, lognormal and Poisson
 * distributions and finite discrete ones, with the first- and second-order loss functions the models use.
 *
 * Notation follows Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed. (2019), chapter 4 and the
 * loss-function appendix. For demand D, the loss function is n(x) = E[(D − x)⁺] and the complementary loss function is
 * n̄(x) = E[(x − D)⁺] = x − E[D] + n(x); the second-order loss function is n⁽²⁾(x) = ½E[((D − x)⁺)²].
 * Hand-written (no dependency) and tested against published table values; accurate to about 1e-14.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard normal density φ(z) = e^(−z²/2) / √(2π). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/**
 * Standard normal upper tail 1 − Φ(z), accurate in relative terms far into the tail.
 *
 * For |z| < 3 the everywhere-positive series Φ(z) = ½ + φ(z)(z + z³/3 + z⁵/(3·5) + …) (Marsaglia, *J. Stat.
 * Software* 11(4), 2004); beyond, the continued fraction of Mills' ratio (1 − Φ(z))/φ(z) = 1/(z+1/(z+2/(z+3/(z+…)))).
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalSf(-z);
  if (z < 3) {
    let term = z;
    let sum = z;
    const z2 = z * z;
    for (let i = 3; Math.abs(term) > 1e-17 * Math.abs(sum); i += 2) {
      term *= z2 / i;
      sum += term;
    }
    return 0.5 - normalPdf(z) * sum;
  }
  if (z > 40) return 0;
  return normalPdf(z) * millsRatio(z);
}

/** Standard normal distribution function Φ(z). */
export function normalCdf(z: number): number {
  return z < 0 ? normalSf(-z) : 1 - normalSf(z);
}

/** (1 − Φ(z))/φ(z) for z ≥ 3 by the modified Lentz method. */
function millsRatio(z: number): number {
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    d = z + k * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = z + k / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/**
 * Inverse standard normal distribution function z = Φ⁻¹(p) for 0 < p < 1.
 *
 * Acklam's rational approximation (relative error 1.15e-9) refined by Halley steps on `normalCdf`,
 * which brings it to machine precision. Φ⁻¹(0.975) = 1.959963984540054.
 */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let z: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    z =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    z =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    z =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  for (let i = 0; i < 3; i++) {
    // Work on the smaller tail so the error is measured in relative terms.
    const e = p < 0.5 ? normalCdf(z) - p : 1 - p - normalSf(z);
    const u = e / normalPdf(z);
    const step = u / (1 + (z * u) / 2);
    z -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}

/**
 * Standard normal first-order loss function L(z) = E[(Z − z)⁺] = φ(z) − z(1 − Φ(z)).
 * Snyder & Shen (2019), loss-function appendix; Silver, Pyke & Thomas call it G(z). L(0) = 0.3989, L(1) = 0.0833.
 */
export function standardNormalLoss(z: number): number {
  return normalPdf(z) - z * normalSf(z);
}

/**
 * Standard normal second-order loss function L⁽²⁾(z) = ½E[((Z − z)⁺)²] = ½[(z² + 1)(1 − Φ(z)) − zφ(z)].
 * Snyder & Shen (2019), loss-function appendix. L⁽²⁾(0) = 0.25.
 */
export function standardNormalSecondLoss(z: number): number {
  return 0.5 * ((z * z + 1) * normalSf(z) - z * normalPdf(z));
}

/** Loss function values of a random variable at one point x (all in the units of the variable). */
export type LossValues = {
  /** n(x) = E[(D − x)⁺], expected shortfall. */
  loss: number;
  /** n̄(x) = E[(x − D)⁺], expected leftover. */
  complementaryLoss: number;
};

/**
 * Loss functions of N(mean, sd²) at x: n(x) = σL((x − μ)/σ) and n̄(x) = x − μ + n(x)
 * (Snyder & Shen 2019, loss-function appendix). With sd = 0 the demand is the constant `mean`.
 */
export function normalLoss(x: number, mean: number, sd: number): LossValues {
  if (sd === 0) return { loss: Math.max(mean - x, 0), complementaryLoss: Math.max(x - mean, 0) };
  const loss = sd * standardNormalLoss((x - mean) / sd);
  return { loss, complementaryLoss: x - mean + loss };
}

/** Second-order loss n⁽²⁾(x) = σ²L⁽²⁾((x − μ)/σ) of N(mean, sd²). */
export function normalSecondLoss(x: number, mean: number, sd: number): number {
  if (sd === 0) return 0.5 * Math.max(mean - x, 0) ** 2;
  return sd * sd * standardNormalSecondLoss((x - mean) / sd);
}

/**
 * Lognormal distribution function: P(D ≤ x) = Φ((ln x − μ)/σ), where μ and σ are the mean and standard
 * deviation of ln D (the convention of Snyder & Shen 2019).
 */
export function lognormalCdf(x: number, logMean: number, logSd: number): number {
  if (x <= 0) return 0;
  return normalCdf((Math.log(x) - logMean) / logSd);
}

/** Lognormal quantile F⁻¹(p) = exp(μ + σΦ⁻¹(p)). */
export function lognormalQuantile(p: number, logMean: number, logSd: number): number {
  return Math.exp(logMean + logSd * inverseNormalCdf(p));
}

/**
 * Lognormal loss functions: n̄(x) = xΦ(z) − e^(μ+σ²/2)Φ(z − σ) with z = (ln x − μ)/σ, and
 * n(x) = E[D] − x + n̄(x) where E[D] = e^(μ+σ²/2).
 */
export function lognormalLoss(x: number, logMean: number, logSd: number): LossValues {
  const mean = Math.exp(logMean + (logSd * logSd) / 2);
  if (x <= 0) return { loss: mean - x, complementaryLoss: 0 };
  const z = (Math.log(x) - logMean) / logSd;
  const complementaryLoss = x * normalCdf(z) - mean * normalCdf(z - logSd);
  return { loss: mean - x + complementaryLoss, complementaryLoss };
}

/** Lognormal parameters (of ln D) that give demand the stated mean and standard deviation. */
export function lognormalParametersOf(mean: number, sd: number): { logMean: number; logSd: number } {
  const logVariance = Math.log(1 + (sd / mean) ** 2);
  return { logMean: Math.log(mean) - logVariance / 2, logSd: Math.sqrt(logVariance) };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const g = 7;
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const y = x - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < g + 2; i++) sum += coefficients[i]! / (y + i);
  const t = y + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Poisson probability P(D = k) = e^(−λ)λᵏ/k! for integer k ≥ 0, by Loader's saddle-point form
 * f(k) = e^(−δ(k) − D(k, λ))/√(2πk), with δ the Stirling error and D(k, λ) = k·ln(k/λ) + λ − k computed without
 * cancellation, so it keeps full relative precision for large λ (C. Loader, "Fast and accurate computation of
 * binomial probabilities", 2000; the method of R's dpois).
 */
export function poissonPmf(k: number, mean: number): number {
  if (!Number.isInteger(k) || k < 0) return 0;
  if (mean === 0) return k === 0 ? 1 : 0;
  if (k === 0) return Math.exp(-mean);
  return Math.exp(-stirlingError(k) - deviance(k, mean)) / Math.sqrt(2 * Math.PI * k);
}

/** δ(n) = ln n! − [(n + ½)ln n − n + ½ln(2π)]. */
function stirlingError(n: number): number {
  if (n <= 15) return logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - 0.5 * Math.log(2 * Math.PI);
  const s0 = 1 / 12;
  const s1 = 1 / 360;
  const s2 = 1 / 1260;
  const s3 = 1 / 1680;
  const s4 = 1 / 1188;
  const nn = n * n;
  if (n > 500) return (s0 - s1 / nn) / n;
  if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
  if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
  return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/** D(x, m) = x·ln(x/m) + m − x, by its series when x is near m. */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let sum = (x - m) * v;
    let term = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      term *= v;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * A distribution on the integers 0..last, tabulated: probabilities, distribution function and upper tail.
 * The tail beyond `last` is below 1e-17 for a Poisson table. Evaluating n(x) at integer x is O(1).
 */
export type IntegerDistribution = {
  mean: number;
  /** pmf[k] = P(D = k). */
  pmf: Float64Array;
  /** cdf[k] = P(D ≤ k). */
  cdf: Float64Array;
  /** sf[k] = P(D > k), summed from the top so it stays accurate in the tail. */
  sf: Float64Array;
};

/** Tabulates Poisson(mean) far enough (mean + 12√mean + 30) that the remaining tail is negligible. */
export function tabulatePoisson(mean: number): IntegerDistribution {
  const last = Math.ceil(mean + 12 * Math.sqrt(mean) + 30);
  const pmf = new Float64Array(last + 1);
  for (let k = 0; k <= last; k++) pmf[k] = poissonPmf(k, mean);
  return tabulateIntegerPmf(pmf, mean);
}

/** Tabulates a distribution on 0..pmf.length−1 given its probabilities. */
export function tabulateIntegerPmf(pmf: Float64Array, mean?: number): IntegerDistribution {
  const last = pmf.length - 1;
  const cdf = new Float64Array(last + 1);
  const sf = new Float64Array(last + 1);
  let below = 0;
  for (let k = 0; k <= last; k++) {
    below += pmf[k]!;
    cdf[k] = Math.min(below, 1);
  }
  let above = 0;
  for (let k = last; k >= 0; k--) {
    sf[k] = above;
    above += pmf[k]!;
  }
  let computedMean = 0;
  for (let k = 0; k <= last; k++) computedMean += k * pmf[k]!;
  return { mean: mean ?? computedMean, pmf, cdf, sf };
}

/** P(D ≤ x) of a tabulated integer distribution, for any real x. */
export function integerCdf(dist: IntegerDistribution, x: number): number {
  const k = Math.floor(x);
  if (k < 0) return 0;
  if (k >= dist.cdf.length) return 1;
  return dist.cdf[k]!;
}

/** Smallest integer y with P(D ≤ y) ≥ p (the quantile F⁻¹(p) of a discrete distribution). */
export function integerQuantile(dist: IntegerDistribution, p: number): number {
  for (let k = 0; k < dist.cdf.length; k++) {
    // The tolerance keeps a critical ratio such as 0.8 from missing a cdf that rounds to 0.79999999999.
    if (dist.cdf[k]! >= p - 1e-12) return k;
  }
  return dist.cdf.length - 1;
}

/**
 * Loss functions of a tabulated integer distribution: n(x) = E[(D − x)⁺] = Σ_{k ≥ x} P(D > k) for integer x, and
 * n̄(x) = x − E[D] + n(x). For the Poisson distribution this equals −(x − λ)(1 − F(x)) + λf(x) (Snyder & Shen 2019).
 * Non-integer x interpolates linearly, which is exact because n is piecewise linear between integers.
 */
export function integerLoss(dist: IntegerDistribution, x: number): LossValues {
  const k = Math.floor(x);
  if (k < x) {
    const lo = integerLoss(dist, k);
    const hi = integerLoss(dist, k + 1);
    const t = x - k;
    const loss = lo.loss + t * (hi.loss - lo.loss);
    return { loss, complementaryLoss: x - dist.mean + loss };
  }
  if (x < 0) return { loss: dist.mean - x, complementaryLoss: 0 };
  const loss = tailLoss(dist, x);
  return { loss, complementaryLoss: x - dist.mean + loss };
}

/** n(x) = Σ_{k ≥ x} P(D > k) for integer x ≥ 0, cached per table as suffix sums. */
function tailLoss(dist: IntegerDistribution, x: number): number {
  const suffix = suffixSums(dist);
  return x >= suffix.length ? 0 : suffix[x]!;
}

const suffixCache = new WeakMap<IntegerDistribution, Float64Array>();

function suffixSums(dist: IntegerDistribution): Float64Array {
  let suffix = suffixCache.get(dist);
  if (suffix) return suffix;
  suffix = new Float64Array(dist.sf.length);
  let sum = 0;
  for (let k = dist.sf.length - 1; k >= 0; k--) {
    sum += dist.sf[k]!;
    suffix[k] = sum;
  }
  suffixCache.set(dist, suffix);
  return suffix;
}

/** A finite discrete distribution: `values[i]` occurs with probability `probabilities[i]` (summing to 1). */
export type FiniteDistribution = { values: readonly number[]; probabilities: readonly number[] };

/** E[D] of a finite distribution. */
export function finiteMean(dist: FiniteDistribution): number {
  return dist.values.reduce((sum, v, i) => sum + v * dist.probabilities[i]!, 0);
}

/** P(D ≤ x) of a finite distribution. */
export function finiteCdf(dist: FiniteDistribution, x: number): number {
  return dist.values.reduce((sum, v, i) => (v <= x ? sum + dist.probabilities[i]! : sum), 0);
}

/** Loss functions of a finite distribution: n(x) = Σ p_i(v_i − x)⁺, n̄(x) = Σ p_i(x − v_i)⁺. */
export function finiteLoss(dist: FiniteDistribution, x: number): LossValues {
  let loss = 0;
  let complementaryLoss = 0;
  dist.values.forEach((v, i) => {
    const p = dist.probabilities[i]!;
    if (v > x) loss += p * (v - x);
    else complementaryLoss += p * (x - v);
  });
  return { loss, complementaryLoss };
}

/** A demand distribution as the calculators accept it (all in units of demand per period). */
export type DemandDistribution =
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'poisson'; mean: number }
  | { kind: 'lognormal'; logMean: number; logSd: number }
  | { kind: 'discrete'; values: readonly number[]; probabilities: readonly number[] };

/** The functions the single-period models need of a demand distribution. */
export type DemandFunctions = {
  /** Whether demand (and hence sensible stock levels) takes only integer values. */
  integer: boolean;
  mean: number;
  cdf: (x: number) => number;
  /** F⁻¹(p): the exact quantile, or for discrete demand the smallest support point with F ≥ p. */
  quantile: (p: number) => number;
  loss: (x: number) => LossValues;
};

/** Binds `DemandFunctions` to one distribution (tabulating a Poisson distribution once). */
export function demandFunctionsOf(demand: DemandDistribution): DemandFunctions {
  switch (demand.kind) {
    case 'normal':
      return {
        integer: false,
        mean: demand.mean,
        cdf: (x) => (demand.sd === 0 ? (x >= demand.mean ? 1 : 0) : normalCdf((x - demand.mean) / demand.sd)),
        quantile: (p) => demand.mean + demand.sd * inverseNormalCdf(p),
        loss: (x) => normalLoss(x, demand.mean, demand.sd),
      };
    case 'poisson': {
      const table = tabulatePoisson(demand.mean);
      return {
        integer: true,
        mean: demand.mean,
        cdf: (x) => integerCdf(table, x),
        quantile: (p) => integerQuantile(table, p),
        loss: (x) => integerLoss(table, x),
      };
    }
    case 'lognormal':
      return {
        integer: false,
        mean: Math.exp(demand.logMean + (demand.logSd * demand.logSd) / 2),
        cdf: (x) => lognormalCdf(x, demand.logMean, demand.logSd),
        quantile: (p) => lognormalQuantile(p, demand.logMean, demand.logSd),
        loss: (x) => lognormalLoss(x, demand.logMean, demand.logSd),
      };
    case 'discrete': {
      const order = demand.values.map((_, i) => i).sort((a, b) => demand.values[a]! - demand.values[b]!);
      return {
        integer: demand.values.every(Number.isInteger),
        mean: finiteMean(demand),
        cdf: (x) => finiteCdf(demand, x),
        quantile: (p) => {
          let cumulative = 0;
          for (const i of order) {
            cumulative += demand.probabilities[i]!;
            if (cumulative >= p - 1e-12) return demand.values[i]!;
          }
          return demand.values[order[order.length - 1]!]!;
        },
        loss: (x) => finiteLoss(demand, x),
      };
    }
  }
}

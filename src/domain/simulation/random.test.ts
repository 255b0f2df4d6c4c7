import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed, type RandomSource } from './random.js';

const N = 200_000;

/** Sample mean and variance with their standard errors (SE of the variance from the fourth central moment). */
function moments(draw: () => number, n = N) {
  const xs = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    xs[i] = draw();
    sum += xs[i]!;
  }
  const mean = sum / n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - mean;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  const variance = m2 / (n - 1);
  m4 /= n;
  return {
    mean,
    variance,
    meanSe: Math.sqrt(variance / n),
    varianceSe: Math.sqrt(Math.max(m4 - variance * variance, 0) / n),
  };
}

/** Within 5 standard errors: a false alarm about once in 3.5 million. */
function expectMoments(draw: () => number, mean: number, variance: number, n = N) {
  const m = moments(draw, n);
  expect(Math.abs(m.mean - mean)).toBeLessThan(5 * m.meanSe);
  expect(Math.abs(m.variance - variance)).toBeLessThan(5 * m.varianceSe);
}

function stream(random: RandomSource, n: number): number[] {
  return Array.from({ length: n }, () => random.next());
}

describe('createRandom', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    expect(stream(createRandom(42), 100)).toEqual(stream(createRandom(42), 100));
    expect(stream(createRandom(42), 100)).not.toEqual(stream(createRandom(43), 100));
  });

  it('gives the same samples of every kind for the same seed', () => {
    const draw = (r: RandomSource) => [
      r.poisson(3),
      r.poisson(40),
      r.normal(),
      r.gamma(2, 3),
      r.negativeBinomial(5, 4),
    ];
    const a = createRandom(7);
    const b = createRandom(7);
    for (let i = 0; i < 1000; i++) expect(draw(a)).toEqual(draw(b));
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const random = createRandom(1);
    let min = 1;
    let max = 0;
    const m = moments(() => {
      const u = random.next();
      min = Math.min(min, u);
      max = Math.max(max, u);
      return u;
    });
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(5 * m.meanSe);
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(5 * m.varianceSe);
  });

  it('spreads uniforms evenly over 20 bins (chi-square, 19 degrees of freedom, p = 0.001 critical value 43.8)', () => {
    const random = createRandom(2);
    const bins = new Array<number>(20).fill(0);
    for (let i = 0; i < N; i++) bins[Math.floor(random.next() * 20)]!++;
    const expected = N / 20;
    const chi2 = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8);
  });

  it.each([0.3, 3, 9.99, 10, 25, 29.99, 30, 500])('draws Poisson(%s) with mean and variance λ', (lambda) => {
    const random = createRandom(3);
    expectMoments(() => random.poisson(lambda), lambda, lambda);
  });

  /**
   * χ² of draws against the Poisson probabilities: one bin per k from lo to top, the tails folded into the end bins
   * (top − lo degrees of freedom), compared with the p = 0.001 critical value by the Wilson–Hilferty approximation
   * k(1 − 2/(9k) + z√(2/(9k)))³, z = 3.0902 (within 1 % of the tables from 10 degrees of freedom: 29.76 against
   * 29.59 for 10, NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.4).
   */
  function expectPoissonShape(draw: () => number, lambda: number) {
    const lo = Math.max(0, Math.floor(lambda - 4 * Math.sqrt(lambda)));
    const top = Math.ceil(lambda + 4 * Math.sqrt(lambda));
    const counts = new Array<number>(top + 1).fill(0);
    for (let i = 0; i < N; i++) counts[Math.max(lo, Math.min(draw(), top))]!++;
    const pmf: number[] = [Math.exp(-lambda)];
    for (let k = 1; k <= top; k++) pmf.push((pmf[k - 1]! * lambda) / k);
    let chi2 = 0;
    for (let k = lo; k <= top; k++) {
      let probability = pmf[k]!;
      if (k === lo) probability = pmf.slice(0, lo + 1).reduce((a, b) => a + b, 0);
      if (k === top) probability = 1 - pmf.slice(0, top).reduce((a, b) => a + b, 0);
      const expected = probability * N;
      chi2 += (counts[k]! - expected) ** 2 / expected;
    }
    const df = top - lo;
    const critical = df * (1 - 2 / (9 * df) + 3.0902 * Math.sqrt(2 / (9 * df))) ** 3;
    expect(chi2).toBeLessThan(critical);
  }

  it.each([0.7, 3, 25, 29.9, 30, 40, 200])(
    'draws Poisson(%s) with the Poisson probabilities (chi-square, p = 0.001)',
    (lambda) => {
      const random = createRandom(4);
      expectPoissonShape(() => random.poisson(lambda), lambda);
    },
  );

  it('draws the same Poisson probabilities when the mean changes on every call (no table is built)', () => {
    const random = createRandom(11);
    let call = 0;
    expectPoissonShape(() => random.poisson(call++ % 2 === 0 ? 3 : 3 + 1e-12), 3);
    expectPoissonShape(() => random.poisson(call++ % 2 === 0 ? 20 : 20 + 1e-12), 20);
  });

  it('gives the same draw for the same uniform with or without the table', () => {
    // Two sources in step: one asks for the same mean every time (table from the second call), the other alternates
    // between two means that differ by 1e-13 (sequential search every time); the mean's probabilities agree to 1e-12.
    const steady = createRandom(12);
    const alternating = createRandom(12);
    for (let i = 0; i < 20_000; i++) {
      expect(steady.poisson(12)).toBe(alternating.poisson(i % 2 === 0 ? 12 : 12 + 1e-13));
    }
  });

  it('draws Poisson 0 for a mean of 0 or less', () => {
    const random = createRandom(5);
    expect(random.poisson(0)).toBe(0);
    expect(random.poisson(-1)).toBe(0);
  });

  it('draws standard normals with mean 0, variance 1 and 68.3 % within one sd', () => {
    const random = createRandom(6);
    let inside = 0;
    expectMoments(
      () => {
        const z = random.normal();
        if (Math.abs(z) < 1) inside++;
        return z;
      },
      0,
      1,
    );
    // P(|Z| < 1) = 0.682689; binomial sd √(p(1 − p)/N) ≈ 0.00104.
    expect(Math.abs(inside / N - 0.682689)).toBeLessThan(5 * 0.00104);
  });

  it.each([
    [0.5, 2],
    [1, 1],
    [2.5, 4],
    [30, 0.1],
  ])('draws Gamma(shape %s, scale %s) with mean kθ and variance kθ²', (shape, scale) => {
    const random = createRandom(7);
    expectMoments(() => random.gamma(shape, scale), shape * scale, shape * scale * scale);
  });

  it.each([
    [2, 3],
    [20, 10],
  ])('draws negative binomials with mean %s and sd %s', (mean, sd) => {
    const random = createRandom(8);
    expectMoments(() => random.negativeBinomial(mean, sd), mean, sd * sd);
  });

  it('draws a Poisson when the negative binomial is not over-dispersed (sd² ≤ mean)', () => {
    const random = createRandom(9);
    expectMoments(() => random.negativeBinomial(4, 1), 4, 4);
  });

  it('draws lognormals whose own mean and sd are the ones given', () => {
    const random = createRandom(10);
    expectMoments(() => random.lognormal(10, 3), 10, 9);
  });
});

describe('deriveSeed', () => {
  it('depends on the seed, the key and the run, and on nothing else', () => {
    const base = deriveSeed(1, 'BOLT-M8@MAIN', 0);
    expect(deriveSeed(1, 'BOLT-M8@MAIN', 0)).toBe(base);
    expect(deriveSeed(2, 'BOLT-M8@MAIN', 0)).not.toBe(base);
    expect(deriveSeed(1, 'BOLT-M8@MAIN', 1)).not.toBe(base);
    expect(deriveSeed(1, 'BOLT-M10@MAIN', 0)).not.toBe(base);
    expect(deriveSeed(1 + 2 ** 32, 'BOLT-M8@MAIN', 0)).not.toBe(base);
  });

  it('is an unsigned 32-bit integer and spreads 10,000 runs of one item over distinct seeds', () => {
    const seeds = new Set<number>();
    for (let run = 0; run < 10_000; run++) {
      const seed = deriveSeed(42, 'A@B', run);
      expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
      seeds.add(seed);
    }
    // Birthday bound: 10,000 draws from 2³² collide with probability ≈ 1.2 %; more than 2 collisions ≈ 2e-6.
    expect(seeds.size).toBeGreaterThanOrEqual(9_998);
  });

  it('gives uncorrelated first draws to neighbouring runs', () => {
    const firsts = Array.from({ length: 5000 }, (_, run) => createRandom(deriveSeed(1, 'X', run)).next());
    let sxy = 0;
    for (let i = 1; i < firsts.length; i++) sxy += (firsts[i]! - 0.5) * (firsts[i - 1]! - 0.5);
    // Lag-1 correlation of independent uniforms: sd ≈ 1/√n ≈ 0.014.
    const correlation = sxy / (firsts.length - 1) / (1 / 12);
    expect(Math.abs(correlation)).toBeLessThan(5 / Math.sqrt(firsts.length));
  });
});

import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';
import { EXACT_QUANTILE_RUNS, quantileOfSorted, RunSummary } from './summarize.js';

describe('quantileOfSorted', () => {
  it('interpolates between order statistics as R and NumPy do by default (Hyndman & Fan type 7)', () => {
    const oneToTen = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    // h = (n − 1)p: p5 → h = 0.45 → 1 + 0.45·(2 − 1) = 1.45; p50 → h = 4.5 → 5.5; p95 → h = 8.55 → 9.55.
    // R: quantile(1:10, c(.05, .5, .95)) gives 1.45 5.50 9.55.
    expect(quantileOfSorted(oneToTen, 0.05)).toBeCloseTo(1.45, 12);
    expect(quantileOfSorted(oneToTen, 0.5)).toBe(5.5);
    expect(quantileOfSorted(oneToTen, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantileOfSorted([7], 0.95)).toBe(7);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });
});

describe('RunSummary', () => {
  it('gives the exact mean, sample standard deviation and quantiles of a few runs', () => {
    const summary = new RunSummary(2, 4);
    for (const run of [
      [4, 10],
      [1, 10],
      [3, 10],
      [2, 10],
    ])
      summary.add(run);
    const [first, constant] = summary.spreads();
    // 1, 2, 3, 4: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3; p5: h = 0.15 → 1.15; p95: h = 2.85 → 3.85.
    expect(first!.mean).toBe(2.5);
    expect(first!.sd).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(first!.p5).toBeCloseTo(1.15, 12);
    expect(first!.p50).toBe(2.5);
    expect(first!.p95).toBeCloseTo(3.85, 12);
    expect(constant).toEqual({ mean: 10, sd: 0, p5: 10, p50: 10, p95: 10 });
    expect(summary.exact).toBe(true);
  });

  it('refuses more runs than announced', () => {
    const summary = new RunSummary(1, 1);
    summary.add([1]);
    expect(() => summary.add([2])).toThrow(RangeError);
  });

  it('estimates the median of the worked example of Jain & Chlamtac (1985) as the paper does', () => {
    // R. Jain and I. Chlamtac, "The P² algorithm for dynamic calculation of quantiles and histograms without storing
    // observations", CACM 28(10), 1985, table I: after these 20 observations the middle marker stands at 4.44
    // (markers 0.02, 0.49, 4.44, 17.20, 38.62 at positions 1, 6, 10, 16, 20).
    const data = [
      0.02, 0.15, 0.74, 3.39, 0.83, 22.37, 10.15, 15.43, 38.62, 15.92, 34.6, 10.28, 1.47, 0.4, 0.05, 11.39, 0.27, 0.42,
      0.09, 11.37,
    ];
    const summary = new RunSummary(1, EXACT_QUANTILE_RUNS + 1);
    expect(summary.exact).toBe(false);
    for (const x of data) summary.add([x]);
    expect(summary.spreads()[0]!.p50).toBeCloseTo(4.44, 2);
  });

  it('keeps P² estimates of many runs within three standard errors of the sample quantiles', () => {
    const runs = 20_000;
    const random = createRandom(11);
    const normal = new Float64Array(runs);
    const poisson = new Float64Array(runs);
    const estimated = new RunSummary(2, runs);
    for (let r = 0; r < runs; r++) {
      normal[r] = 100 + 15 * random.normal();
      poisson[r] = random.poisson(4);
      estimated.add([normal[r]!, poisson[r]!]);
    }
    const [normalSpread, poissonSpread] = estimated.spreads();
    normal.sort();
    poisson.sort();
    // Standard error of a sample p-quantile: √(p(1 − p)/n) / f(x_p) (e.g. Stuart & Ord, Kendall's Advanced Theory of
    // Statistics, vol. 1, 6th ed., 10.10); for N(100, 15²), f(x_p) = φ(z_p)/15.
    const phi = (z: number) => Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
    const se = (p: number, z: number) => Math.sqrt((p * (1 - p)) / runs) / (phi(z) / 15);
    expect(Math.abs(normalSpread!.p5 - quantileOfSorted(normal, 0.05))).toBeLessThan(3 * se(0.05, 1.6449));
    expect(Math.abs(normalSpread!.p50 - quantileOfSorted(normal, 0.5))).toBeLessThan(3 * se(0.5, 0));
    expect(Math.abs(normalSpread!.p95 - quantileOfSorted(normal, 0.95))).toBeLessThan(3 * se(0.95, 1.6449));
    // Poisson(4): p5 = 1, p50 = 4, p95 = 8 on integers; P² lands within one unit (one step of the distribution).
    expect(Math.abs(poissonSpread!.p5 - quantileOfSorted(poisson, 0.05))).toBeLessThanOrEqual(1);
    expect(Math.abs(poissonSpread!.p50 - quantileOfSorted(poisson, 0.5))).toBeLessThanOrEqual(1);
    expect(Math.abs(poissonSpread!.p95 - quantileOfSorted(poisson, 0.95))).toBeLessThanOrEqual(1);
    // The moments stay exact whatever the quantiles.
    const mean = normal.reduce((sum, x) => sum + x, 0) / runs;
    expect(normalSpread!.mean).toBeCloseTo(mean, 9);
  });

  it('holds the same amount of state for 2,000 runs as for 200,000, and width × runs values up to the exact bound', () => {
    const width = 20;
    expect(new RunSummary(width, 2_000).retainedNumbers).toBe(new RunSummary(width, 200_000).retainedNumbers);
    expect(new RunSummary(width, 2_000).retainedNumbers).toBeLessThan(width * 30);
    expect(new RunSummary(width, EXACT_QUANTILE_RUNS).retainedNumbers).toBe(width * (EXACT_QUANTILE_RUNS + 2));
  });

  it('gives the same bits for the same values in the same order', () => {
    const values = Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 1000);
    const a = new RunSummary(1, values.length);
    const b = new RunSummary(1, values.length);
    for (const x of values) {
      a.add([x]);
      b.add([x]);
    }
    expect(Object.is(a.spreads()[0]!.p95, b.spreads()[0]!.p95)).toBe(true);
    expect(a.spreads()).toEqual(b.spreads());
  });
});

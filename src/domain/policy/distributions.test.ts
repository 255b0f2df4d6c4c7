import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  demandFunctionsOf,
  finiteLoss,
  integerCdf,
  integerLoss,
  integerQuantile,
  inverseNormalCdf,
  lognormalLoss,
  lognormalParametersOf,
  normalCdf,
  normalLoss,
  normalPdf,
  normalSecondLoss,
  normalSf,
  poissonPmf,
  standardNormalLoss,
  standardNormalSecondLoss,
  tabulatePoisson,
} from './distributions.js';

describe('the standard normal distribution', () => {
  it('matches published table values of Φ and its tail', () => {
    // Abramowitz & Stegun, table 26.1: Φ(1.96) = 0.9750021048517795; Φ(−5) = 2.866515718791939e-7.
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 15);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalSf(5) / 2.866515718791939e-7).toBeCloseTo(1, 12);
    expect(normalSf(10) / 7.619853024160527e-24).toBeCloseTo(1, 10);
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15);
  });

  it('is continuous where the series hands over to the continued fraction at z = 3', () => {
    expect(normalSf(3 - 1e-12)).toBeCloseTo(normalSf(3), 14);
    expect(normalSf(3) / 0.0013498980316301).toBeCloseTo(1, 12);
  });

  it('inverts Φ to machine precision: Φ⁻¹(0.975) = 1.959963984540054, Φ⁻¹(0.95) = 1.644853626951472', () => {
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(inverseNormalCdf(0.95)).toBeCloseTo(1.644853626951472, 13);
    expect(inverseNormalCdf(0.5)).toBe(0);
    expect(inverseNormalCdf(1e-10)).toBeCloseTo(-6.361340902404056, 10);
  });

  it('round-trips Φ(Φ⁻¹(p)) = p for any p in (0, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        const z = inverseNormalCdf(p);
        const back = p < 0.5 ? normalCdf(z) : 1 - normalSf(z);
        expect(Math.abs(back - p)).toBeLessThan(1e-12 * Math.min(p, 1 - p) + 4e-16);
      }),
    );
  });

  it('gives the loss functions of the tables: L(0) = φ(0), L(1) = 0.0833155, L(−1) = 1 + L(1), L⁽²⁾(0) = 1/4', () => {
    // L(1) = φ(1) − 1·(1 − Φ(1)) = 0.2419707245 − 0.1586552539 = 0.0833154706.
    expect(standardNormalLoss(0)).toBeCloseTo(0.3989422804014327, 15);
    expect(standardNormalLoss(1)).toBeCloseTo(0.0833154706, 10);
    expect(standardNormalLoss(-1)).toBeCloseTo(1.0833154706, 10);
    expect(standardNormalSecondLoss(0)).toBeCloseTo(0.25, 15);
  });

  it('agrees with numerical integration for the first- and second-order loss of N(50, 8²)', () => {
    // n(x) = ∫_x^∞ (y − x) f(y) dy and n⁽²⁾(x) = ½∫_x^∞ (y − x)² f(y) dy, by the midpoint rule on [x, 50 + 12·8].
    const integrate = (power: number, x: number) => {
      let sum = 0;
      const steps = 200_000;
      const width = (50 + 96 - x) / steps;
      for (let i = 0; i < steps; i++) {
        const y = x + (i + 0.5) * width;
        sum += (y - x) ** power * (normalPdf((y - 50) / 8) / 8) * width;
      }
      return sum;
    };
    for (const x of [40, 56.6, 70]) {
      expect(normalLoss(x, 50, 8).loss).toBeCloseTo(integrate(1, x), 8);
      expect(normalSecondLoss(x, 50, 8)).toBeCloseTo(integrate(2, x) / 2, 7);
    }
  });

  it('keeps n̄(x) − n(x) = x − μ', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 200, noNaN: true }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        (x, sd) => {
          const { loss, complementaryLoss } = normalLoss(x, 50, sd);
          expect(complementaryLoss - loss).toBeCloseTo(x - 50, 9);
        },
      ),
    );
  });
});

describe('the Poisson distribution', () => {
  it('gives the pmf and cdf by hand: P(D = 0) = e^−2, P(D ≤ 3) = e^−2(1 + 2 + 2 + 4/3) for λ = 2', () => {
    expect(poissonPmf(0, 2)).toBeCloseTo(Math.exp(-2), 15);
    expect(poissonPmf(3, 2)).toBeCloseTo((Math.exp(-2) * 8) / 6, 15);
    expect(integerCdf(tabulatePoisson(2), 3)).toBeCloseTo(Math.exp(-2) * (1 + 2 + 2 + 4 / 3), 14);
  });

  it('does not underflow for a large mean: the pmf of Poisson(5000) sums to 1 and peaks near the mean', () => {
    const table = tabulatePoisson(5000);
    const total = table.pmf.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 12);
    expect(poissonPmf(5000, 5000)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI * 5000), 5);
  });

  it('gives n(x) = −(x − λ)(1 − F(x)) + λf(x), the closed form, for every integer x', () => {
    const lambda = 6;
    const table = tabulatePoisson(lambda);
    for (let x = 0; x <= 20; x++) {
      const closedForm = -(x - lambda) * (1 - integerCdf(table, x)) + lambda * poissonPmf(x, lambda);
      expect(integerLoss(table, x).loss).toBeCloseTo(closedForm, 13);
    }
    expect(integerLoss(table, -3)).toEqual({ loss: 9, complementaryLoss: 0 });
  });

  it('takes the smallest y with F(y) ≥ p as the quantile: F(7) = 0.744 < 0.8 ≤ F(8) = 0.847 for λ = 6', () => {
    const table = tabulatePoisson(6);
    expect(integerCdf(table, 7)).toBeCloseTo(0.7439798, 6);
    expect(integerCdf(table, 8)).toBeCloseTo(0.8472374, 6);
    expect(integerQuantile(table, 0.8)).toBe(8);
  });
});

describe('the lognormal and finite distributions', () => {
  it('computes lognormal loss functions that agree with numerical integration', () => {
    // D = e^X, X ~ N(6, 0.3²); n̄(x) = ∫_0^x (x − y) f(y) dy integrated over X by the midpoint rule.
    const x = 400;
    let integral = 0;
    const steps = 200_000;
    const width = 12 * 0.3;
    for (let i = 0; i < steps; i++) {
      const t = 6 - 6 * 0.3 + ((i + 0.5) * width) / steps;
      const y = Math.exp(t);
      if (y < x) integral += (x - y) * (normalPdf((t - 6) / 0.3) / 0.3) * (width / steps);
    }
    expect(lognormalLoss(x, 6, 0.3).complementaryLoss).toBeCloseTo(integral, 5);
  });

  it('converts a demand mean and sd to lognormal parameters that give them back', () => {
    const { logMean, logSd } = lognormalParametersOf(100, 30);
    expect(Math.exp(logMean + logSd ** 2 / 2)).toBeCloseTo(100, 10);
    expect(Math.sqrt((Math.exp(logSd ** 2) - 1) * Math.exp(2 * logMean + logSd ** 2))).toBeCloseTo(30, 10);
  });

  it('computes finite losses by hand: D ∈ {0, 10, 20} w.p. ¼, ½, ¼ gives n(5) = ½·5 + ¼·15 = 6.25', () => {
    const dist = { values: [0, 10, 20], probabilities: [0.25, 0.5, 0.25] };
    expect(finiteLoss(dist, 5)).toEqual({ loss: 6.25, complementaryLoss: 1.25 });
    const functions = demandFunctionsOf({ kind: 'discrete', ...dist });
    expect(functions.quantile(0.75)).toBe(10);
    expect(functions.quantile(0.76)).toBe(20);
    expect(functions.mean).toBe(10);
  });
});

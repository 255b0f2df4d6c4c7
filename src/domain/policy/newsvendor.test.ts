import { describe, expect, it } from 'vitest';
import { poissonPmf } from './distributions.js';
import { solveNewsvendor, solveNewsvendorForProfit } from './newsvendor.js';

const normal = { kind: 'normal' as const, mean: 50, sd: 8 };

describe('solveNewsvendor', () => {
  it('reproduces Snyder & Shen (2019, 2nd ed.), Example 4.3: S* = 56.60, g(S*) = 2.00', () => {
    // h = 0.18, p = 0.70, D ~ N(50, 8²). α = 0.70/0.88 = 0.7955, z_α = 0.8255, S* = 50 + 0.8255·8 = 56.60;
    // g* = (h + p)φ(z_α)σ = 0.88·0.2838·8 = 1.998.
    const result = solveNewsvendor({ holdingCost: 0.18, stockoutCost: 0.7, demand: normal });
    expect(result.baseStockLevel).toBeCloseTo(56.60395592743389, 9);
    expect(result.cost).toBeCloseTo(1.9976051931766445, 9);
    expect(result.criticalRatio).toBeCloseTo(0.7954545454545454, 14);
    expect(result.cycleServiceLevel).toBeCloseTo(result.criticalRatio, 12);
  });

  it('evaluates S = 60 for the data of Snyder & Shen Example 4.1: g(60) = 2.156', () => {
    // z = (60 − 50)/8 = 1.25, L(1.25) = φ(1.25) − 1.25(1 − Φ(1.25)) = 0.182649 − 0.132063 = 0.050587;
    // n(60) = 8·0.050587 = 0.40469, n̄(60) = 10 + 0.40469; g = 0.18·10.40469 + 0.70·0.40469 = 2.1561.
    const result = solveNewsvendor({ holdingCost: 0.18, stockoutCost: 0.7, demand: normal, baseStockLevel: 60 });
    expect(result.cost).toBeCloseTo(2.156131552870387, 9);
    expect(result.mode).toBe('evaluated');
  });

  it('takes the smallest S with F(S) ≥ α for Poisson demand (the y* of Snyder & Shen Example 4.7)', () => {
    // h = 1, p = 4, D ~ Poisson(6): α = 0.8; F(7) = 0.744 < 0.8 ≤ F(8) = 0.847, so S* = 8 and
    // g(8) = 1·n̄(8) + 4·n(8) = 3.570 (independent computation; matches the authors' stockpyl library).
    const result = solveNewsvendor({ holdingCost: 1, stockoutCost: 4, demand: { kind: 'poisson', mean: 6 } });
    expect(result.baseStockLevel).toBe(8);
    expect(result.cost).toBeCloseTo(3.5701069457709416, 10);
    const at5 = solveNewsvendor({
      holdingCost: 1,
      stockoutCost: 4,
      demand: { kind: 'poisson', mean: 6 },
      baseStockLevel: 5,
    });
    expect(at5.cost).toBeCloseTo(6.590296024616343, 10);
  });

  it('agrees for a discrete pmf that lists the same Poisson(6) probabilities', () => {
    const values = Array.from({ length: 41 }, (_, d) => d);
    const probabilities = values.map((d) => poissonPmf(d, 6));
    const result = solveNewsvendor({
      holdingCost: 1,
      stockoutCost: 4,
      demand: { kind: 'discrete', values, probabilities },
    });
    expect(result.baseStockLevel).toBe(8);
    expect(result.cost).toBeCloseTo(3.570106945770941, 10);
  });

  it('solves a small discrete case by hand', () => {
    // D ∈ {10, 20, 30} w.p. 0.3, 0.5, 0.2; h = 1, p = 3 → α = 0.75; F(10) = 0.3, F(20) = 0.8 ≥ 0.75, so S* = 20.
    // n̄(20) = 0.3·10 = 3, n(20) = 0.2·10 = 2; g = 1·3 + 3·2 = 9.
    const demand = { kind: 'discrete' as const, values: [10, 20, 30], probabilities: [0.3, 0.5, 0.2] };
    const result = solveNewsvendor({ holdingCost: 1, stockoutCost: 3, demand });
    expect(result.baseStockLevel).toBe(20);
    expect(result.cost).toBeCloseTo(9, 12);
    expect(result.fillRate).toBeCloseTo(1 - 2 / 19, 12);
  });

  it('handles lognormal demand: S* = exp(μ + σz_α) (independent computation, data of S&S Problem 4.8(b))', () => {
    // ln D ~ N(6, 0.3²), h = 1, p = 0.1765: α = 0.1765/1.1765 = 0.15002, z_α = −1.03630,
    // S* = e^(6 − 0.31089) = 295.63; g = n̄(S*) + 0.1765·n(S*) = 29.44.
    const result = solveNewsvendor({
      holdingCost: 1,
      stockoutCost: 0.1765,
      demand: { kind: 'lognormal', logMean: 6, logSd: 0.3 },
    });
    expect(result.baseStockLevel).toBeCloseTo(295.6266448071368, 8);
    expect(result.cost).toBeCloseTo(29.44254351324322, 6);
  });

  it('costs more at any S other than S*', () => {
    const optimum = solveNewsvendor({ holdingCost: 0.18, stockoutCost: 0.7, demand: normal });
    for (const S of [30, 50, 56, 57, 60, 80]) {
      const other = solveNewsvendor({ holdingCost: 0.18, stockoutCost: 0.7, demand: normal, baseStockLevel: S });
      expect(other.cost).toBeGreaterThan(optimum.cost);
    }
  });
});

describe('solveNewsvendorForProfit', () => {
  it('reproduces Snyder & Shen (2019, 2nd ed.), Example 4.2: S* = 56.60, expected profit 33.00', () => {
    // r = 1, c = 0.30, v = 0.12: h = c − v = 0.18, p = r − c = 0.70, the data of Example 4.3;
    // π* = (r − c)μ − g* = 0.70·50 − 1.998 = 33.00.
    const result = solveNewsvendorForProfit({ revenue: 1, purchaseCost: 0.3, salvageValue: 0.12, demand: normal });
    expect(result.baseStockLevel).toBeCloseTo(56.60395592743389, 9);
    expect(result.profit).toBeCloseTo(33.002394806823354, 9);
  });

  it('adds extra holding and goodwill costs to the overage and underage costs', () => {
    const result = solveNewsvendorForProfit({
      revenue: 1,
      purchaseCost: 0.3,
      salvageValue: 0.12,
      holdingCost: 0.02,
      stockoutCost: 0.1,
      demand: normal,
    });
    // Overage 0.18 + 0.02 = 0.20, underage 0.70 + 0.10 = 0.80: α = 0.8.
    expect(result.criticalRatio).toBeCloseTo(0.8, 12);
    expect(result.profit).toBeCloseTo(0.7 * 50 - result.cost, 12);
  });
});

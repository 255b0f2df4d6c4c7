import { describe, expect, it } from 'vitest';
import { integerCdf, integerLoss, poissonPmf, tabulatePoisson } from './distributions.js';
import { approximateSSByPower, computeSS, type SSInput } from './s-s.js';

// Snyder & Shen (2019, 2nd ed.), Example 4.7: h = 1, p = 4, K = 5, demand Poisson(6) per period, no lead time.
const example: SSInput = { holdingCost: 1, stockoutCost: 4, fixedCost: 5, demandMean: 6, leadTime: 0, method: 'exact' };

/**
 * Independent exact cost of (s, S): the inventory position after ordering is a Markov chain on {s+1..S}; its
 * stationary distribution π (by power iteration) gives Σ π(y)[G(y) + K·P(y − D ≤ s)].
 */
function markovCost(input: SSInput, s: number, S: number): number {
  const table = tabulatePoisson(input.demandMean);
  const G = (y: number) => {
    const { loss, complementaryLoss } = integerLoss(table, y);
    return input.holdingCost * complementaryLoss + input.stockoutCost * loss;
  };
  const states = S - s;
  let pi = new Array<number>(states).fill(1 / states);
  for (let iteration = 0; iteration < 5000; iteration++) {
    const next = new Array<number>(states).fill(0);
    pi.forEach((mass, i) => {
      const y = s + 1 + i;
      for (let x = s + 1; x <= y; x++) next[x - s - 1]! += mass * poissonPmf(y - x, input.demandMean);
      next[states - 1]! += mass * (1 - integerCdf(table, y - s - 1));
    });
    pi = next;
  }
  return pi.reduce((sum, mass, i) => {
    const y = s + 1 + i;
    return sum + mass * (G(y) + input.fixedCost * (1 - integerCdf(table, y - s - 1)));
  }, 0);
}

describe('computeSS', () => {
  it('reproduces Snyder & Shen Example 4.7 with the Zheng–Federgruen algorithm: s = 4, S = 10, cost 8.034', () => {
    // y* = 8 (the newsvendor optimum, F(7) = 0.744 < 0.8 ≤ F(8)); the algorithm then settles on (4, 10).
    const result = computeSS(example);
    expect(result.s).toBe(4);
    expect(result.S).toBe(10);
    expect(result.cost).toBeCloseTo(8.034111561471642, 10);
  });

  it('costs a policy exactly as the Markov chain of the inventory position does', () => {
    for (const [s, S] of [
      [4, 10],
      [2, 12],
      [6, 8],
    ] as const) {
      expect(computeSS({ ...example, s, S }).cost).toBeCloseTo(markovCost(example, s, S), 10);
    }
  });

  it('is optimal against every policy with −5 ≤ s < S ≤ 25 (brute force)', () => {
    const best = computeSS(example).cost;
    for (let s = -5; s < 25; s++) {
      for (let S = s + 1; S <= 25; S++)
        expect(computeSS({ ...example, s, S }).cost).toBeGreaterThanOrEqual(best - 1e-12);
    }
  });

  it('gives the power approximation of Snyder & Shen eqs. (4.77)–(4.80) for N(50, 8²), K = 2.5, h = 0.18, p = 0.70', () => {
    // Independent computation: Q = 1.30·50^0.494·(2.5/0.18)^0.506·(1 + 64/2500)^0.116 = 34.0956;
    // z = √(34.0956·0.18/(8·0.70)) = 1.04685; s = 0.973·50 + 8(0.183/1.04685 + 1.063 − 2.192·1.04685) = 40.195;
    // S = s + Q = 74.290.
    const { s, S } = approximateSSByPower({
      holdingCost: 0.18,
      stockoutCost: 0.7,
      fixedCost: 2.5,
      demandMean: 50,
      demandSd: 8,
      leadTime: 0,
    });
    expect(s).toBeCloseTo(40.19461695647407, 9);
    expect(S).toBeCloseTo(74.29017010980579, 9);
  });

  it('rounds the power approximation for Poisson demand and costs it exactly, never below the optimum', () => {
    const result = computeSS({ ...example, method: 'power' });
    expect(result.s).toBe(Math.round(result.sUnrounded!));
    expect(result.S).toBe(Math.round(result.SUnrounded!));
    expect(result.cost).toBeCloseTo(computeSS({ ...example, s: result.s, S: result.S }).cost, 12);
    expect(result.cost).toBeGreaterThanOrEqual(computeSS(example).cost);
  });

  it('uses demand over L + 1 periods for the period cost when there is a lead time', () => {
    const withLead = { ...example, leadTime: 1 };
    const result = computeSS(withLead);
    // With L = 1 the policy protects two periods of demand (mean 12), so both levels rise by about 6.
    expect(result.s).toBeGreaterThan(8);
    expect(result.S - result.s).toBeGreaterThan(2);
    for (let s = result.s - 3; s <= result.s + 3; s++) {
      for (let S = s + 1; S <= s + 15; S++)
        expect(computeSS({ ...withLead, s, S }).cost).toBeGreaterThanOrEqual(result.cost - 1e-12);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeEoqWithBackorders } from './eoq.js';
import { computeRQ, type RQInput } from './r-q.js';

// Snyder & Shen (2019, 2nd ed.), Examples 5.1–5.6: h = 0.225, p = 7.5, K = 8, λ = 1300 a year, τ = 150,
// L = 1/12 year, so lead-time demand has μ = 1300/12 = 108.33 and σ = 150·√(1/12) = 43.30.
// Figures to two decimals as in the book; the finer digits are those of the authors' stockpyl library.
const example: RQInput = {
  holdingCost: 0.225,
  stockoutCost: 7.5,
  fixedCost: 8,
  demandMean: 1300,
  demandSd: 150,
  leadTime: 1 / 12,
  distribution: 'normal',
  method: 'exact',
};

describe('computeRQ with normal demand', () => {
  it('evaluates the policy of Snyder & Shen Example 5.1: g(126.8, 328.5) = 78.07', () => {
    const result = computeRQ({ ...example, reorderPoint: 126.8, orderQuantity: 328.5 });
    expect(result.cost).toBeCloseTo(78.07116250928294, 8);
    expect(result.mode).toBe('evaluated');
  });

  it('finds the exact optimum r = 126.87, Q = 328.45, g = 78.07 (Snyder & Shen Example 5.1)', () => {
    const result = computeRQ(example);
    expect(result.reorderPoint).toBeCloseTo(126.8670634479628, 5);
    expect(result.orderQuantity).toBeCloseTo(328.4491421980451, 5);
    expect(result.cost).toBeCloseTo(78.0711, 4);
  });

  it('finds r(Q) with g(r) = g(r + Q): r(300) = 129.43 (Snyder & Shen Example 5.2)', () => {
    expect(computeRQ({ ...example, orderQuantity: 300 }).reorderPoint).toBeCloseTo(129.4272799263067, 6);
  });

  it('reproduces the EOQB approximation of Snyder & Shen Example 5.2: Q = 308.57, r = 128.64', () => {
    const result = computeRQ({ ...example, method: 'eoqb' });
    expect(result.orderQuantity).toBeCloseTo(308.5737801203754, 9);
    expect(result.reorderPoint).toBeCloseTo(128.63781442427097, 6);
  });

  it('reproduces the EIL approximation of Snyder & Shen Example 5.2: r = 213.97, Q = 318.59, g̃ = 95.45', () => {
    const result = computeRQ({ ...example, method: 'eil' });
    expect(result.reorderPoint).toBeCloseTo(213.97044213580244, 5);
    expect(result.orderQuantity).toBeCloseTo(318.5901810768729, 5);
    expect(result.approximateCost).toBeCloseTo(95.45114022285196, 5);
    expect(result.cost).toBeGreaterThan(computeRQ(example).cost);
  });

  it('reproduces EOQ + safety stock of Snyder & Shen Example 5.5: Q = 304.05, r = 108.33 + 1.894·43.30 = 190.34', () => {
    const result = computeRQ({ ...example, method: 'eoq_ss' });
    expect(result.orderQuantity).toBeCloseTo(304.0467800264368, 9);
    expect(result.reorderPoint).toBeCloseTo(190.3369965715624, 8);
  });

  it('reproduces the loss-function approximation of Snyder & Shen Example 5.6: r = 126.87, Q = 328.45', () => {
    const result = computeRQ({ ...example, method: 'loss_function' });
    expect(result.reorderPoint).toBeCloseTo(126.8670634479628, 5);
    expect(result.orderQuantity).toBeCloseTo(328.4491421980451, 5);
  });

  it('costs no more than any of the approximations, and no more than nearby policies', () => {
    const optimum = computeRQ(example);
    for (const method of ['eoq_ss', 'eoqb', 'eil', 'loss_function'] as const)
      expect(computeRQ({ ...example, method }).cost).toBeGreaterThanOrEqual(optimum.cost - 1e-9);
    for (const [dr, dq] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
      [1, 1],
    ] as const) {
      const near = computeRQ({
        ...example,
        reorderPoint: optimum.reorderPoint + dr,
        orderQuantity: optimum.orderQuantity + dq,
      });
      expect(near.cost).toBeGreaterThan(optimum.cost);
    }
  });

  it('becomes the EOQ with planned backorders when demand is deterministic', () => {
    // σ = 0: Q* = EOQB, the largest backorder is xQ below the lead-time demand, and g* is the EOQB cost.
    const result = computeRQ({ ...example, demandSd: 0 });
    const eoqb = computeEoqWithBackorders({ fixedCost: 8, holdingCost: 0.225, stockoutCost: 7.5, demandRate: 1300 });
    expect(result.orderQuantity).toBeCloseTo(eoqb.orderQuantity, 6);
    expect(result.reorderPoint).toBeCloseTo(1300 / 12 - eoqb.maxBackorders, 6);
    expect(result.cost).toBeCloseTo(eoqb.cost, 8);
  });

  it('has fill rate p/(h + p) whenever r is the best r for its Q (since g(r) = g(r + Q) ⇔ (n(r) − n(r+Q))/Q = h/(h+p))', () => {
    fc.assert(
      fc.property(fc.double({ min: 10, max: 2000, noNaN: true }), (Q) => {
        const result = computeRQ({ ...example, orderQuantity: Q });
        expect(result.fillRate).toBeCloseTo(7.5 / 7.725, 8);
      }),
      { numRuns: 30 },
    );
  });

  it('finds the best Q for a given r', () => {
    const optimum = computeRQ(example);
    const result = computeRQ({ ...example, reorderPoint: optimum.reorderPoint });
    expect(result.orderQuantity).toBeCloseTo(optimum.orderQuantity, 4);
  });
});

describe('computeRQ with Poisson demand', () => {
  // Snyder & Shen (2019, 2nd ed.), Example 5.8: h = 20, p = 150, K = 100, λ = 1.5, L = 2 (lead-time demand Poisson(3)).
  const poisson: RQInput = {
    holdingCost: 20,
    stockoutCost: 150,
    fixedCost: 100,
    demandMean: 1.5,
    demandSd: 0,
    leadTime: 2,
    distribution: 'poisson',
    method: 'exact',
  };

  it('reproduces Snyder & Shen Example 5.8: r = 3, Q = 5, g = 107.92', () => {
    const result = computeRQ(poisson);
    expect(result.reorderPoint).toBe(3);
    expect(result.orderQuantity).toBe(5);
    expect(result.cost).toBeCloseTo(107.92358063314975, 10);
  });

  it('is optimal against every integer policy with |r| ≤ 10 and Q ≤ 30 (brute force)', () => {
    const best = computeRQ(poisson).cost;
    for (let r = -10; r <= 10; r++) {
      for (let Q = 1; Q <= 30; Q++) {
        expect(computeRQ({ ...poisson, reorderPoint: r, orderQuantity: Q }).cost).toBeGreaterThanOrEqual(best - 1e-12);
      }
    }
  });

  it('finds the best r for a given Q and the best Q for a given r', () => {
    expect(computeRQ({ ...poisson, orderQuantity: 5 }).reorderPoint).toBe(3);
    expect(computeRQ({ ...poisson, reorderPoint: 3 }).orderQuantity).toBe(5);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findFirstShortage, solveWagnerWhitin } from './wagner-whitin.js';

describe('solveWagnerWhitin', () => {
  it('reproduces Snyder & Shen (2019, 2nd ed.), Example 3.9: order 210 in period 1 and 150 in period 3, cost 1380', () => {
    // K = 500, h = 2, d = (90, 120, 80, 70). Ordering 90 + 120 in period 1 costs 500 + 2·120 = 740;
    // 80 + 70 in period 3 costs 500 + 2·70 = 640; total 1380, against 2000 for ordering every period.
    const result = solveWagnerWhitin({ fixedCost: 500, holdingCost: 2, demands: [90, 120, 80, 70] });
    expect(result.orderQuantities).toEqual([210, 0, 150, 0]);
    expect(result.cost).toBe(1380);
    expect(result.orderPeriods).toEqual([1, 3]);
    expect(result.endingInventory).toEqual([120, 0, 70, 0]);
  });

  it('evaluates a given plan: ordering every period costs 4·500 = 2000', () => {
    const result = solveWagnerWhitin({
      fixedCost: 500,
      holdingCost: 2,
      demands: [90, 120, 80, 70],
      orderQuantities: [90, 120, 80, 70],
    });
    expect(result.cost).toBe(2000);
    expect(result.mode).toBe('evaluated');
  });

  it('skips periods without demand and orders nothing for an all-zero horizon', () => {
    expect(solveWagnerWhitin({ fixedCost: 100, holdingCost: 1, demands: [0, 0, 5, 0] }).orderQuantities).toEqual([
      0, 0, 5, 0,
    ]);
    expect(solveWagnerWhitin({ fixedCost: 100, holdingCost: 1, demands: [0, 0] }).cost).toBe(0);
  });

  it('finds the cheapest of all 2^(T−1) zero-inventory plans (brute force on random instances)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 9 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 20 }),
        (demands, K, h) => {
          const T = demands.length;
          let best = Number.POSITIVE_INFINITY;
          for (let mask = 0; mask < 2 ** (T - 1); mask++) {
            const quantities = new Array<number>(T).fill(0);
            let start = 0;
            for (let t = 1; t <= T; t++) {
              if (t === T || mask & (1 << (t - 1))) {
                quantities[start] = demands.slice(start, t).reduce((a, b) => a + b, 0);
                start = t;
              }
            }
            best = Math.min(
              best,
              solveWagnerWhitin({ fixedCost: K, holdingCost: h, demands, orderQuantities: quantities }).cost,
            );
          }
          const result = solveWagnerWhitin({ fixedCost: K, holdingCost: h, demands });
          expect(result.cost).toBe(best);
          expect(findFirstShortage(demands, result.orderQuantities)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names the first period a plan leaves short', () => {
    expect(findFirstShortage([10, 10, 10], [20, 0, 5])).toBe(3);
    expect(findFirstShortage([10, 10], [20, 0])).toBeUndefined();
  });
});

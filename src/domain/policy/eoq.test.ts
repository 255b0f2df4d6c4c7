import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeAllUnitsDiscountEoq,
  computeEoq,
  computeEoqWithBackorders,
  computeEpq,
  computeIncrementalDiscountEoq,
} from './eoq.js';

describe('computeEoq', () => {
  it('reproduces Snyder & Shen (2019, 2nd ed.), Example 3.1: Q* = 304.05, g* = 68.41', () => {
    // K = 8, h = 0.75 × 0.30 = 0.225, λ = 1300. Q* = √(2·8·1300/0.225) = √92444.4 = 304.05;
    // g* = √(2·8·1300·0.225) = √4680 = 68.41.
    const result = computeEoq({ fixedCost: 8, holdingCost: 0.225, demandRate: 1300 });
    expect(result.orderQuantity).toBeCloseTo(304.0467800264368, 10);
    expect(result.cost).toBeCloseTo(68.41052550594829, 10);
    expect(result.mode).toBe('optimized');
  });

  it('evaluates a given Q: g(400) = 8·1300/400 + 0.225·400/2 = 26 + 45 = 71', () => {
    const result = computeEoq({ fixedCost: 8, holdingCost: 0.225, demandRate: 1300, orderQuantity: 400 });
    expect(result.cost).toBeCloseTo(71, 12);
    expect(result.mode).toBe('evaluated');
    expect(result.optimalCost).toBeCloseTo(68.41, 2);
  });

  it('has its minimum cost at the EOQ: no other Q costs less', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e4, noNaN: true }),
        fc.double({ min: 0.001, max: 1e3, noNaN: true }),
        fc.double({ min: 0.01, max: 1e6, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (K, h, lambda, factor) => {
          const optimal = computeEoq({ fixedCost: K, holdingCost: h, demandRate: lambda });
          const other = computeEoq({
            fixedCost: K,
            holdingCost: h,
            demandRate: lambda,
            orderQuantity: optimal.orderQuantity * factor,
          });
          expect(other.cost).toBeGreaterThanOrEqual(optimal.cost * (1 - 1e-12));
          // And the textbook sensitivity identity g(Q)/g* = ½(Q*/Q + Q/Q*).
          expect(other.cost / optimal.cost).toBeCloseTo((1 / factor + factor) / 2, 8);
        },
      ),
    );
  });
});

describe('computeEoqWithBackorders', () => {
  it('reproduces Snyder & Shen (2019, 2nd ed.), Example 3.8: Q* = 310.81, x* = 0.0431, g* = 66.92', () => {
    // K = 8, h = 0.225, p = 5, λ = 1300. Q* = √(2·8·1300·5.225/(0.225·5)) = √96604.4 = 310.81;
    // x* = 0.225/5.225 = 0.0431; g* = √(2·8·1300·0.225·5/5.225) = √4478.5 = 66.92.
    const result = computeEoqWithBackorders({ fixedCost: 8, holdingCost: 0.225, stockoutCost: 5, demandRate: 1300 });
    expect(result.orderQuantity).toBeCloseTo(310.81255515896464, 10);
    expect(result.stockoutFraction).toBeCloseTo(0.0430622009569378, 12);
    expect(result.cost).toBeCloseTo(66.92136355097325, 10);
  });

  it('costs a given (Q, x) as hQ(1 − x)²/2 + pQx²/2 + Kλ/Q, which at the optimum equals g*', () => {
    const base = { fixedCost: 8, holdingCost: 0.225, stockoutCost: 5, demandRate: 1300 };
    const optimum = computeEoqWithBackorders(base);
    const atOptimum = computeEoqWithBackorders({
      ...base,
      orderQuantity: optimum.orderQuantity,
      stockoutFraction: optimum.stockoutFraction,
    });
    expect(atOptimum.cost).toBeCloseTo(optimum.cost, 10);
    // Q = 300, x = 0.1: 0.225·300·0.81/2 + 5·300·0.01/2 + 8·1300/300 = 27.3375 + 7.5 + 34.6667 = 69.5042.
    expect(computeEoqWithBackorders({ ...base, orderQuantity: 300, stockoutFraction: 0.1 }).cost).toBeCloseTo(
      69.50416666666666,
      10,
    );
  });

  it('tends to the plain EOQ as backorders become very expensive', () => {
    const result = computeEoqWithBackorders({ fixedCost: 8, holdingCost: 0.225, stockoutCost: 1e9, demandRate: 1300 });
    expect(result.orderQuantity).toBeCloseTo(304.0467800264368, 3);
  });
});

describe('computeEpq', () => {
  it('divides h by 1 − ρ (independent computation: K = 8, h = 0.225, λ = 1300, μ = 1700)', () => {
    // ρ = 1300/1700 = 0.76471; Q* = √(2·8·1300/(0.225·0.23529)) = √392889 = 626.81;
    // g* = √(2·8·1300·0.225·0.23529) = 33.18. (Not a numbered textbook example; recomputed here.)
    const result = computeEpq({ fixedCost: 8, holdingCost: 0.225, demandRate: 1300, productionRate: 1700 });
    expect(result.orderQuantity).toBeCloseTo(626.8084945889684, 9);
    expect(result.cost).toBeCloseTo(33.183979125298336, 9);
    expect(result.maxInventory).toBeCloseTo(626.8084945889684 * (400 / 1700), 9);
  });
});

describe('quantity discounts', () => {
  // Independent computation on the classic three-price data (K = 8, i = 0.2, λ = 600 a year; 0.30 below 500 units,
  // 0.29 from 500, 0.28 from 1000), worked by hand below.
  const data = {
    fixedCost: 8,
    holdingCostRate: 0.2,
    demandRate: 600,
    breakpoints: [0, 500, 1000],
    unitCosts: [0.3, 0.29, 0.28],
  };

  it('all-units: compares the realizable EOQ with each breakpoint and picks Q = 500 at 198.10 a year', () => {
    // Q₀ = √(2·8·600/(0.2·0.30)) = 400 (realizable): 0.30·600 + 8·600/400 + 0.2·0.30·400/2 = 180 + 12 + 12 = 204.
    // Q₁ = √(9600/0.058) = 406.8 < 500, so Q = 500: 174 + 9.6 + 14.5 = 198.10.
    // Q₂ = √(9600/0.056) = 414.0 < 1000, so Q = 1000: 168 + 4.8 + 28 = 200.80.
    const result = computeAllUnitsDiscountEoq(data);
    expect(result.orderQuantity).toBe(500);
    expect(result.cost).toBeCloseTo(198.1, 10);
    expect(result.segment).toBe(1);
    expect(computeAllUnitsDiscountEoq({ ...data, orderQuantity: 1000 }).cost).toBeCloseTo(200.8, 10);
    expect(computeAllUnitsDiscountEoq({ ...data, orderQuantity: 400 }).cost).toBeCloseTo(204, 10);
  });

  it('incremental: finds the realizable stationary points and picks Q = 400 at 204.00 a year', () => {
    // C(500) = 150, C(1000) = 150 + 145 = 295; β₁ = 150 − 0.29·500 = 5, β₂ = 295 − 0.28·1000 = 15.
    // Q₀ = 400 (in [0, 500)): 204. Q₁ = √(2·600·13/0.058) = 518.6 (in [500, 1000)):
    // 0.29·600 + 13·600/518.6 + 0.2·5/2 + 0.2·0.29·518.6/2 = 174 + 15.04 + 0.5 + 15.04 = 204.58.
    // Q₂ = √(2·600·23/0.056) = 702.0, not in [1000, ∞).
    const result = computeIncrementalDiscountEoq(data);
    expect(result.orderQuantity).toBeCloseTo(400, 10);
    expect(result.cost).toBeCloseTo(204, 10);
    const q1 = Math.sqrt((2 * 600 * 13) / 0.058);
    expect(computeIncrementalDiscountEoq({ ...data, orderQuantity: q1 }).cost).toBeCloseTo(
      174 + (13 * 600) / q1 + 0.5 + (0.2 * 0.29 * q1) / 2,
      10,
    );
  });

  it('incremental cost is continuous at the breakpoints, all-units cost jumps down', () => {
    const below = computeIncrementalDiscountEoq({ ...data, orderQuantity: 500 - 1e-9 }).cost;
    const at = computeIncrementalDiscountEoq({ ...data, orderQuantity: 500 }).cost;
    expect(at).toBeCloseTo(below, 6);
    expect(computeAllUnitsDiscountEoq({ ...data, orderQuantity: 500 }).cost).toBeLessThan(
      computeAllUnitsDiscountEoq({ ...data, orderQuantity: 500 - 1e-9 }).cost,
    );
  });

  it('finds an optimum no worse than any order size on a fine grid (both kinds)', () => {
    for (const solve of [computeAllUnitsDiscountEoq, computeIncrementalDiscountEoq]) {
      const best = solve(data).cost;
      for (let Q = 10; Q <= 3000; Q += 5)
        expect(solve({ ...data, orderQuantity: Q }).cost).toBeGreaterThanOrEqual(best - 1e-9);
    }
  });
});

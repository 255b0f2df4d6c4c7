import { describe, expect, it } from 'vitest';
import { forecastTsb } from './tsb.js';

// No published table is reproduced: the expected values are the recurrences of Teunter, Syntetos & Babai (2011)
// worked by hand.
describe('forecastTsb', () => {
  it('follows the TSB recurrences on a hand-computed series (α = β = 0.1)', () => {
    // First demand on day 2: z = 3, π = 1/3, ŷ = 1.
    // Days 3–5 have no demand: π = 0.3, 0.27, 0.243 (×(1 − β) each day), ŷ = 0.9, 0.81, 0.729.
    // Day 6: y = 2: π = 0.243 + 0.1·(1 − 0.243) = 0.3187, z = 3 + 0.1·(2 − 3) = 2.9, ŷ = 0.92423.
    // Day 7: π = 0.28683, ŷ = 0.831807. Day 8: y = 4: π = 0.28683 + 0.1·0.71317 = 0.358147, z = 3.01,
    // ŷ = 0.358147·3.01 = 1.07802247.
    const result = forecastTsb([0, 0, 3, 0, 0, 0, 2, 0, 4], { alpha: 0.1, beta: 0.1, horizonDays: 1 });
    [0, 0, 0, 1, 0.9, 0.81, 0.729, 0.92423, 0.831807].forEach((v, t) => {
      expect(result.fitted[t]).toBeCloseTo(v, 12);
    });
    expect(result.meanPerDay).toBeCloseTo(1.07802247, 12);
    expect(result.params.initialProbability).toBeCloseTo(1 / 3, 15);
  });

  it('decays the forecast through a run without demand, unlike Croston (obsolescence)', () => {
    // After the last demand, each zero day multiplies π by 1 − β = 0.8: twenty zero days leave 0.8²⁰ ≈ 1.2% of it.
    const active = forecastTsb([5, 5, 5, 5], { alpha: 0.2, beta: 0.2 }).meanPerDay;
    const dormant = forecastTsb([5, 5, 5, 5, ...new Array(20).fill(0)], { alpha: 0.2, beta: 0.2 }).meanPerDay;
    expect(active).toBeCloseTo(5, 12);
    expect(dormant).toBeCloseTo(5 * 0.8 ** 20, 12);
  });

  it('does not decay the probability on stock-out days', () => {
    // Days 4 and 5 flagged: π decays only on day 3, 1/3 → 0.3, so ŷ = 0.3·3 = 0.9 (not 0.729).
    const result = forecastTsb([0, 0, 3, 0, 0, 0], {
      alpha: 0.1,
      beta: 0.1,
      stockOutDays: [0, 0, 0, 0, 1, 1],
    });
    expect(result.meanPerDay).toBeCloseTo(0.9, 12);
  });

  it('rejects β = 0 and β > 1', () => {
    expect(() => forecastTsb([1, 0, 2], { alpha: 0.1, beta: 0 })).toThrow(/^beta/);
    expect(() => forecastTsb([1, 0, 2], { alpha: 0.1, beta: 1.1 })).toThrow(/^beta/);
  });
});

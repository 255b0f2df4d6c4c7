import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { forecastSes, SES_ALPHA_GRID } from './ses.js';

// Saudi Arabian oil production, millions of tonnes, 1996–2013: `window(oil, start = 1996)` from the fpp2 R package.
const OIL = [
  445.3641, 453.195, 454.4096, 422.3789, 456.0371, 440.3866, 425.1944, 486.2052, 500.4291, 521.2759, 508.9476, 488.8889,
  509.8706, 456.7229, 473.8166, 525.9509, 549.8338, 542.3405,
];

describe('forecastSes', () => {
  it('reproduces the oil example of Hyndman & Athanasopoulos, FPP 2nd ed. (2018), §7.1 (Table 7.1)', () => {
    // ses(oildata) estimates α = 0.8339 (0.8338901) and ℓ₀ = 446.59 (446.5867935). The one-step forecasts are
    // ŷ₁ = ℓ₀ = 446.5868, ŷ₂ = ℓ₁ = 0.8338901·445.3641 + 0.1661099·446.5868 = 445.5672, …, and the forecast for 2014 is
    // ℓ₁₈ = 542.68 (Table 7.1). The expected values are R's `fitted(ses(oildata))`, printed to 4 decimals.
    const result = forecastSes(OIL, { alpha: 0.8338901, initialLevel: 446.5867935, horizonDays: 1 });
    const fromR = [
      446.5868, 445.5672, 451.928, 453.9974, 427.6311, 451.3186, 442.2025, 428.0196, 476.54, 496.4609, 517.1539,
      510.3108, 492.4472, 506.9764, 465.0705, 472.3638, 517.0495, 544.388,
    ];
    fromR.forEach((value, t) => {
      expect(result.fitted[t]).toBeCloseTo(value, 3);
    });
    expect(result.meanPerDay).toBeCloseTo(542.68, 2);
    expect(result.paramsSource).toBe('given');
  });

  it('follows the recurrence ℓ_t = αy_t + (1 − α)ℓ_{t−1} on a hand-computed series', () => {
    // α = 0.5, ℓ₀ = 10, y = 10, 12, 8, 10: ℓ = 10, 11, 9.5, 9.75. One-step errors 0, 2, −3, 0.5, so
    // σ̂ = √((0 + 4 + 9 + 0.25)/4) = √3.3125 = 1.8200.
    const result = forecastSes([10, 12, 8, 10], { alpha: 0.5, initialLevel: 10, horizonDays: 3 });
    expect(Array.from(result.fitted)).toEqual([10, 10, 11, 9.5]);
    expect(result.meanPerDay).toBe(9.75);
    expect(Array.from(result.dailyForecast)).toEqual([9.75, 9.75, 9.75]);
    expect(result.sdPerDay).toBeCloseTo(Math.sqrt(3.3125), 12);
    expect(result.errorCount).toBe(4);
  });

  it('starts from the mean of the first seven observed days when ℓ₀ is not given', () => {
    // ℓ₀ = (1 + 2 + … + 7)/7 = 4; the stock-out on day 1 is skipped, so it is (1 + 3 + … + 8)/7 = 34/7.
    expect(forecastSes([1, 2, 3, 4, 5, 6, 7, 8], { alpha: 0.1 }).params.initialLevel).toBe(4);
    const flags = [0, 1, 0, 0, 0, 0, 0, 0];
    expect(forecastSes([1, 2, 3, 4, 5, 6, 7, 8], { alpha: 0.1, stockOutDays: flags }).params.initialLevel).toBe(34 / 7);
  });

  it('treats a stock-out day as missing: the level is carried forward and no error is counted', () => {
    // α = 0.5, ℓ₀ = 10, y = 10, 0 (stock-out), 20: ℓ stays 10 through day 1, then 0.5·20 + 0.5·10 = 15.
    // Errors 0 and 10 (day 1 skipped): σ̂ = √(100/2).
    const result = forecastSes([10, 0, 20], { alpha: 0.5, initialLevel: 10, stockOutDays: [false, true, false] });
    expect(Array.from(result.fitted)).toEqual([10, 10, 10]);
    expect(result.meanPerDay).toBe(15);
    expect(result.errorCount).toBe(2);
    expect(result.sdPerDay).toBeCloseTo(Math.sqrt(50), 12);
  });

  it('chooses the α of its grid with the lowest in-sample SSE', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 8, maxLength: 60 }), (demand) => {
        const chosen = forecastSes(demand);
        expect(chosen.paramsSource).toBe('grid');
        const sse = (alpha: number) => {
          const r = forecastSes(demand, { alpha });
          return r.sdPerDay ** 2 * r.errorCount;
        };
        for (const alpha of SES_ALPHA_GRID) expect(sse(chosen.params.alpha)).toBeLessThanOrEqual(sse(alpha) + 1e-9);
      }),
      { seed: 7, numRuns: 50 },
    );
  });

  it('rejects α outside (0, 1] and a non-finite ℓ₀ with LS_VALIDATION', () => {
    expect(() => forecastSes([1, 2], { alpha: 0 })).toThrow(/^alpha: must be greater than 0 and at most 1$/);
    expect(() => forecastSes([1, 2], { alpha: 1.5 })).toThrow(DomainError);
    expect(() => forecastSes([1, 2], { initialLevel: Number.NaN })).toThrow(/^initial_level/);
    expect(() => forecastSes([1, 2], { horizonDays: 0 })).toThrow(/^horizon_days/);
  });
});

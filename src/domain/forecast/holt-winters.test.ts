import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { forecastHoltWinters } from './holt-winters.js';

describe('forecastHoltWinters', () => {
  it('follows the additive component form on a hand-computed series (no published daily example; recurrences by hand)', () => {
    // α = 0.5, β* = 0.2, γ = 0.3, φ = 1, ℓ₀ = 10, b₀ = 0.5, s = (2, −2, 0, 0, 0, 0, 0), y = 12, 9.
    // Day 0: ŷ = 10 + 0.5 + 2 = 12.5; ℓ = 0.5·(12 − 2) + 0.5·(10 + 0.5) = 10.25; b = 0.2·(10.25 − 10) + 0.8·0.5 = 0.45;
    //        s₀ = 0.3·(12 − 10 − 0.5) + 0.7·2 = 1.85.
    // Day 1: ŷ = 10.25 + 0.45 − 2 = 8.7; ℓ = 0.5·(9 + 2) + 0.5·10.7 = 10.85; b = 0.2·0.6 + 0.8·0.45 = 0.48;
    //        s₁ = 0.3·(9 − 10.7) + 0.7·(−2) = −1.91.
    // Forecasts for days 2…8: 10.85 + h·0.48 + s: 11.33, 11.81, 12.29, 12.77, 13.25, then 13.73 + 1.85 = 15.58 and
    // 14.21 − 1.91 = 12.30.
    const result = forecastHoltWinters([12, 9], {
      alpha: 0.5,
      beta: 0.2,
      gamma: 0.3,
      phi: 1,
      initialLevel: 10,
      initialTrend: 0.5,
      initialSeasonal: [2, -2, 0, 0, 0, 0, 0],
    });
    expect(result.method).toBe('holt_winters_additive');
    expect(Array.from(result.fitted)).toEqual([12.5, 8.7]);
    [11.33, 11.81, 12.29, 12.77, 13.25, 15.58, 12.3].forEach((v, h) => {
      expect(result.dailyForecast[h]).toBeCloseTo(v, 12);
    });
    expect(result.meanPerDay).toBeCloseTo((11.33 + 11.81 + 12.29 + 12.77 + 13.25 + 15.58 + 12.3) / 7, 12);
  });

  it('follows the multiplicative component form on a hand-computed series (recurrences by hand)', () => {
    // α = 0.5, β* = 0.2, γ = 0.3, φ = 1, ℓ₀ = 10, b₀ = 0.5, s = (1.2, 0.8, 1, 1, 1, 1, 1), y = 12, 9.
    // Day 0: ŷ = 10.5·1.2 = 12.6; ℓ = 0.5·12/1.2 + 0.5·10.5 = 10.25; b = 0.2·0.25 + 0.8·0.5 = 0.45;
    //        s₀ = 0.3·12/10.5 + 0.7·1.2 = 1.1828571.
    // Day 1: ŷ = 10.7·0.8 = 8.56; ℓ = 0.5·9/0.8 + 0.5·10.7 = 10.975; b = 0.2·0.725 + 0.8·0.45 = 0.505;
    //        s₁ = 0.3·9/10.7 + 0.7·0.8 = 0.8123364.
    // Forecasts: (10.975 + 0.505h)·s: 11.48 (h = 1), …, 14.005·1.1828571 = 16.565914 (h = 6), 14.51·0.8123364 = 11.787002.
    const result = forecastHoltWinters([12, 9], {
      seasonality: 'multiplicative',
      alpha: 0.5,
      beta: 0.2,
      gamma: 0.3,
      phi: 1,
      initialLevel: 10,
      initialTrend: 0.5,
      initialSeasonal: [1.2, 0.8, 1, 1, 1, 1, 1],
    });
    expect(result.method).toBe('holt_winters_multiplicative');
    expect(result.fitted[0]).toBeCloseTo(12.6, 12);
    expect(result.fitted[1]).toBeCloseTo(8.56, 12);
    expect(result.dailyForecast[0]).toBeCloseTo(11.48, 12);
    expect(result.dailyForecast[5]).toBeCloseTo(14.005 * (0.3 * (12 / 10.5) + 0.84), 12);
    expect(result.dailyForecast[6]).toBeCloseTo(14.51 * (0.3 * (9 / 10.7) + 0.56), 12);
  });

  it('reproduces trend plus an additive weekly pattern exactly from its own start-up, whatever the parameters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 7, maxLength: 7 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (raw, slope, alpha, beta, gamma) => {
          const mean = raw.reduce((a, b) => a + b, 0) / 7;
          const pattern = raw.map((v) => v - mean);
          const demand = Array.from({ length: 70 }, (_, t) => 20 + slope * t + pattern[t % 7]!);
          const result = forecastHoltWinters(demand, { alpha, beta, gamma, phi: 1 });
          expect(result.sdPerDay).toBeLessThan(1e-8);
          for (let h = 0; h < 7; h++) {
            expect(result.dailyForecast[h]).toBeCloseTo(20 + slope * (70 + h) + pattern[(70 + h) % 7]!, 7);
          }
        },
      ),
      { seed: 5, numRuns: 60 },
    );
  });

  it('keeps weekday positions aligned across stock-out days', () => {
    // A pure multiplicative pattern with two flagged days (recorded 0): the flagged days are skipped, the pattern
    // is still forecast exactly for the right weekdays.
    const pattern = [1.5, 1, 1, 1, 1, 0.75, 0.75];
    const demand = Array.from({ length: 42 }, (_, t) => 20 * pattern[t % 7]!);
    const flags = demand.map((_, t) => (t === 20 || t === 33 ? 1 : 0));
    demand[20] = 0;
    demand[33] = 0;
    const result = forecastHoltWinters(demand, { seasonality: 'multiplicative', stockOutDays: flags });
    for (let h = 0; h < 7; h++) expect(result.dailyForecast[h]).toBeCloseTo(20 * pattern[(42 + h) % 7]!, 9);
    expect(result.errorCount).toBe(40);
  });

  it('refuses multiplicative seasonality when an observed day has no demand', () => {
    expect(() => forecastHoltWinters([5, 0, 5, 5, 5, 5, 5], { seasonality: 'multiplicative' })).toThrow(DomainError);
    // The same zero on a stock-out day is not observed, so it is fine.
    const flags = [0, 1, 0, 0, 0, 0, 0];
    expect(
      forecastHoltWinters([5, 0, 5, 5, 5, 5, 5], { seasonality: 'multiplicative', stockOutDays: flags }).meanPerDay,
    ).toBeCloseTo(5, 9);
  });

  it('rejects seven seasonal terms that are not positive for the multiplicative form, and a wrong count for either', () => {
    expect(() => forecastHoltWinters([5, 6], { initialSeasonal: [1, 2, 3] })).toThrow(/^initial_seasonal/);
    expect(() =>
      forecastHoltWinters([5, 6], { seasonality: 'multiplicative', initialSeasonal: [1, 1, 1, 1, 1, 1, 0] }),
    ).toThrow(/^initial_seasonal: must be 7 numbers > 0/);
  });
});

import { describe, expect, it } from 'vitest';
import { forecastCroston } from './croston.js';

// A short intermittent series. No published table is reproduced here: the expected values are Croston's recurrences
// (Croston 1972, in the notation of Syntetos & Boylan 2005) worked by hand, as spelled out in each test.
const SERIES = [0, 0, 3, 0, 0, 0, 2, 0, 4];

describe('forecastCroston', () => {
  it("follows Croston's recurrences on a hand-computed series (α = 0.1)", () => {
    // First demand on day 2: z = 3, p = 3 (three observed days up to it), ŷ = 3/3 = 1.
    // Day 6: y = 2 after q = 4 days: z = 3 + 0.1·(2 − 3) = 2.9, p = 3 + 0.1·(4 − 3) = 3.1, ŷ = 2.9/3.1 = 0.9354839.
    // Day 8: y = 4 after q = 2 days: z = 2.9 + 0.1·(4 − 2.9) = 3.01, p = 3.1 + 0.1·(2 − 3.1) = 2.99,
    //        ŷ = 3.01/2.99 = 1.0066890.
    const result = forecastCroston(SERIES, { alpha: 0.1, horizonDays: 1 });
    const rate6 = 2.9 / 3.1;
    [0, 0, 0, 1, 1, 1, 1, rate6, rate6].forEach((v, t) => {
      expect(result.fitted[t]).toBeCloseTo(v, 12);
    });
    expect(result.meanPerDay).toBeCloseTo(3.01 / 2.99, 12);
    // Errors from day 3 on: −1, −1, −1, 1, −0.9354839, 3.0645161.
    const sse = 3 + 1 + rate6 ** 2 + (4 - rate6) ** 2;
    expect(result.errorCount).toBe(6);
    expect(result.sdPerDay).toBeCloseTo(Math.sqrt(sse / 6), 12);
    expect(result.params).toEqual({
      alpha: 0.1,
      biasFactor: 1,
      firstDemandDay: 2,
      initialSize: 3,
      initialInterval: 3,
    });
  });

  it('forecasts a flat rate z/p for every day of the horizon', () => {
    const result = forecastCroston(SERIES, { alpha: 0.1, horizonDays: 5 });
    expect(Array.from(result.dailyForecast)).toEqual(new Array(5).fill(3.01 / 2.99));
  });

  it('does not count stock-out days in the interval between demands', () => {
    // Days 4 and 5 are flagged: the interval to the demand on day 6 is 2 observed days, not 4, so
    // p = 3 + 0.1·(2 − 3) = 2.9 and z = 2.9: ŷ = 1 (without the flags it would be 2.9/3.1 = 0.935).
    const result = forecastCroston([0, 0, 3, 0, 0, 0, 2], {
      alpha: 0.1,
      stockOutDays: [0, 0, 0, 0, 1, 1, 0],
    });
    expect(result.meanPerDay).toBeCloseTo(1, 12);
    expect(result.errorCount).toBe(2);
  });

  it('forecasts zero, with zero spread, when there has been no demand', () => {
    const result = forecastCroston([0, 0, 0, 0]);
    expect(result.meanPerDay).toBe(0);
    expect(result.sdPerDay).toBe(0);
    expect(result.params.firstDemandDay).toBe(-1);
    expect(Array.from(result.fitted)).toEqual([0, 0, 0, 0]);
  });
});

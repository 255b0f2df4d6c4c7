import { describe, expect, it } from 'vitest';
import { forecastCroston } from './croston.js';
import { forecastSba, sbaFactor } from './sba.js';

describe('forecastSba', () => {
  it("scales Croston's z/p by 1 − α/2 (Syntetos & Boylan 2005), on a hand-computed series", () => {
    // Same series and α = 0.1 as the Croston test: z = 3.01, p = 2.99 after day 8, so
    // ŷ = (1 − 0.05)·3.01/2.99 = 0.95·1.0066890 = 0.9563545.
    const result = forecastSba([0, 0, 3, 0, 0, 0, 2, 0, 4], { alpha: 0.1, horizonDays: 1 });
    expect(result.meanPerDay).toBeCloseTo((0.95 * 3.01) / 2.99, 12);
    expect(result.fitted[3]).toBeCloseTo(0.95, 12);
    expect(result.params.biasFactor).toBe(0.95);
  });

  it('gives the factor 1 − α/2: 0.95 at α = 0.1, 0.5 at α = 1', () => {
    expect(sbaFactor(0.1)).toBeCloseTo(0.95, 15);
    expect(sbaFactor(1)).toBe(0.5);
  });

  it('forecasts exactly (1 − α/2) times Croston with the same α', () => {
    const demand = [0, 4, 0, 0, 1, 0, 0, 0, 7, 0, 2];
    for (const alpha of [0.05, 0.2, 0.5]) {
      const croston = forecastCroston(demand, { alpha }).meanPerDay;
      expect(forecastSba(demand, { alpha }).meanPerDay).toBeCloseTo((1 - alpha / 2) * croston, 12);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forecastCroston } from './croston.js';
import { forecastHolt } from './holt.js';
import { forecastHoltWinters } from './holt-winters.js';
import { forecastSba } from './sba.js';
import { forecastSes } from './ses.js';
import { forecastTsb } from './tsb.js';

const METHODS = {
  ses: forecastSes,
  holt: forecastHolt,
  holt_winters_additive: (d: number[]) => forecastHoltWinters(d),
  holt_winters_multiplicative: (d: number[]) => forecastHoltWinters(d, { seasonality: 'multiplicative' }),
  croston: forecastCroston,
  sba: forecastSba,
  tsb: forecastTsb,
};

describe('every forecasting method', () => {
  it('forecasts a constant series as that constant, with no spread', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1e5, noNaN: true }),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom(...(Object.keys(METHODS) as (keyof typeof METHODS)[])),
        (level, days, method) => {
          const result = METHODS[method](new Array(days).fill(level));
          // SBA forecasts (1 − α/2)·level by design: its bias correction applies to every series.
          const expected = method === 'sba' ? (1 - result.params.alpha / 2) * level : level;
          expect(result.meanPerDay).toBeCloseTo(expected, 6);
          if (method !== 'sba') expect(result.sdPerDay).toBeLessThan(1e-6 * level);
        },
      ),
      { seed: 17, numRuns: 200 },
    );
  });

  it('returns finite, non-negative forecasts and one fitted value per day for any non-negative history', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom('ses', 'holt', 'holt_winters_additive', 'croston', 'sba', 'tsb' as const),
        (demand, method) => {
          const result = METHODS[method as keyof typeof METHODS](demand);
          expect(Number.isFinite(result.meanPerDay)).toBe(true);
          expect(result.meanPerDay).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(result.sdPerDay)).toBe(true);
          expect(result.fitted).toHaveLength(demand.length);
          expect(result.dailyForecast.every((v) => v >= 0)).toBe(true);
        },
      ),
      { seed: 19, numRuns: 200 },
    );
  });
});

describe('SBA against Croston', () => {
  it('never forecasts more than Croston with the same α', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (demand, alpha) => {
          const sba = forecastSba(demand, { alpha });
          const croston = forecastCroston(demand, { alpha });
          expect(sba.meanPerDay).toBeLessThanOrEqual(croston.meanPerDay);
          sba.fitted.forEach((v, t) => {
            expect(v).toBeLessThanOrEqual(croston.fitted[t]!);
          });
        },
      ),
      { seed: 23, numRuns: 200 },
    );
  });
});

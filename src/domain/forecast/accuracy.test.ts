import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import {
  meanAbsoluteError,
  meanAbsoluteScaledError,
  naiveScale,
  rootMeanSquaredError,
  scaleError,
} from './accuracy.js';
import { forecastSes } from './ses.js';

const OIL = [
  445.3641, 453.195, 454.4096, 422.3789, 456.0371, 440.3866, 425.1944, 486.2052, 500.4291, 521.2759, 508.9476, 488.8889,
  509.8706, 456.7229, 473.8166, 525.9509, 549.8338, 542.3405,
];

describe('accuracy measures', () => {
  it('reproduce the training-set accuracy of the oil example in Hyndman & Athanasopoulos, FPP 2nd ed. (2018), §7.1', () => {
    // round(accuracy(ses(oildata)), 2) prints RMSE 28.12, MAE 22.26, MASE 0.93 for the one-step errors of
    // α = 0.8339, ℓ₀ = 446.59; MASE scales by the MAE of the naive forecast y_{t−1} over the same 18 years.
    const fitted = forecastSes(OIL, { alpha: 0.8338901, initialLevel: 446.5867935 }).fitted;
    expect(meanAbsoluteError(OIL, fitted)).toBeCloseTo(22.26, 2);
    expect(rootMeanSquaredError(OIL, fitted)).toBeCloseTo(28.12, 2);
    expect(meanAbsoluteScaledError(OIL, fitted, OIL)).toBeCloseTo(0.93, 2);
  });

  it('compute MAE and RMSE by their definitions on a small example', () => {
    // Errors 1, 0, −1: MAE = 2/3, RMSE = √(2/3).
    expect(meanAbsoluteError([1, 2, 3], [2, 2, 2])).toBeCloseTo(2 / 3, 15);
    expect(rootMeanSquaredError([1, 2, 3], [2, 2, 2])).toBeCloseTo(Math.sqrt(2 / 3), 15);
  });

  it('leave stock-out days out of every measure', () => {
    // Day 1 (error 10) is flagged: errors 1 and 1 remain.
    expect(meanAbsoluteError([1, 12, 3], [2, 2, 2], { stockOutDays: [0, 1, 0] })).toBe(1);
    expect(rootMeanSquaredError([1, 12, 3], [2, 2, 2], { stockOutDays: [false, true, false] })).toBe(1);
    // The naive scale skips every pair that touches a flagged day: pairs (0, 1) and (1, 2) touch day 1, so only
    // (2, 3) counts: |4 − 3| = 1.
    expect(naiveScale([1, 9, 3, 4], { stockOutDays: [0, 1, 0, 0] })).toBe(1);
  });

  it('scale by the in-sample naive MAE, or the seasonal naive one with m = 7', () => {
    // Naive: (|3 − 1| + |2 − 3|)/2 = 1.5. MASE of errors 1, 1 is then 1/1.5.
    expect(naiveScale([1, 3, 2])).toBe(1.5);
    expect(meanAbsoluteScaledError([4, 6], [5, 5], [1, 3, 2])).toBeCloseTo(2 / 3, 15);
    // Seasonal naive, m = 7, over two weeks: y_{t} − y_{t−7} = 1 for every t ≥ 7, so Q = 1, whatever the weekday
    // pattern; the naive scale of the same series is large (the pattern jumps by 10).
    const weeks = [10, 20, 10, 20, 10, 20, 10, 11, 21, 11, 21, 11, 21, 11];
    expect(naiveScale(weeks, { seasonalPeriodDays: 7 })).toBe(1);
    expect(naiveScale(weeks)).toBeCloseTo((6 * 10 + 1 + 6 * 10) / 13, 12);
  });

  it('handle a constant training series (all zeros) explicitly: 0 for a perfect forecast, Infinity otherwise', () => {
    expect(naiveScale([0, 0, 0, 0])).toBe(0);
    expect(meanAbsoluteScaledError([0, 0], [0, 0], [0, 0, 0, 0])).toBe(0);
    expect(meanAbsoluteScaledError([1, 0], [0, 0], [0, 0, 0, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(scaleError(0, 0)).toBe(0);
    expect(Number.isNaN(scaleError(0, 0))).toBe(false);
  });

  it('give a MASE of 0 for a perfect forecast of any non-constant series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 50 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 20 }),
        (training, actual) => {
          expect(meanAbsoluteScaledError(actual, actual, training)).toBe(0);
        },
      ),
      { seed: 3 },
    );
  });

  it('refuse to average over nothing and mismatched lengths with LS_VALIDATION', () => {
    expect(() => meanAbsoluteError([], [])).toThrow(DomainError);
    expect(() => meanAbsoluteError([1], [1], { stockOutDays: [1] })).toThrow(/no unflagged day/);
    expect(() => rootMeanSquaredError([1, 2], [1])).toThrow(/^forecast/);
    expect(() => naiveScale([5])).toThrow(/^training/);
    expect(() => naiveScale([5, 6], { seasonalPeriodDays: 0 })).toThrow(/^seasonal_period_days/);
  });
});

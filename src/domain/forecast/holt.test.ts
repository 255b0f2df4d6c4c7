import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forecastHolt } from './holt.js';

// Air passengers in Australia, millions, 1990–2016: `window(ausair, start = 1990)` from the fpp2 R package.
const AUSAIR = [
  17.5534, 21.8601, 23.8866, 26.9293, 26.8885, 28.8314, 30.0751, 30.9535, 30.1857, 31.5797, 32.577569, 33.477398,
  39.021581, 41.386432, 41.596552, 44.657324, 46.951775, 48.728837, 51.488427, 50.026967, 60.640913, 63.3603103378,
  66.355274, 68.197955, 68.1232376693, 69.7793454797, 72.597700806,
];

describe('forecastHolt', () => {
  it('reproduces the air-passenger example of Hyndman & Athanasopoulos, FPP 1st ed. (2013), §7.2 (α = 0.8, β* = 0.2)', () => {
    // 1990–2004, ℓ₀ = y₁ = 17.5534, b₀ = y₂ − y₁ = 4.3067. ŷ₁ = ℓ₀ + b₀ = 21.8601; ℓ₁ = 0.8·17.5534 + 0.2·21.8601 =
    // 18.41474, b₁ = 0.2·(18.41474 − 17.5534) + 0.8·4.3067 = 3.617628, so ŷ₂ = 22.032368; … The book's forecasts for
    // 2005–2009 are 43.76, 45.59, 47.43, 49.27, 51.10; the one-step forecasts below to 8 digits are the ones statsmodels
    // asserts for the same example (statsmodels/tsa/tests/test_holtwinters.py, test_holt, fittedfcast).
    const result = forecastHolt(AUSAIR.slice(0, 15), {
      alpha: 0.8,
      beta: 0.2,
      phi: 1,
      initialLevel: 17.5534,
      initialTrend: 21.8601 - 17.5534,
      horizonDays: 5,
    });
    const oneStep = [
      21.8601, 22.032368, 25.48461872, 27.54058587, 30.28813356, 30.26106173, 31.58122149, 32.599234, 33.24223906,
      32.26755382, 33.07776017, 33.95806605, 34.77708354, 40.05535303, 43.21586036,
    ];
    oneStep.forEach((value, t) => {
      expect(result.fitted[t]).toBeCloseTo(value, 6);
    });
    [43.76, 45.59, 47.43, 49.27, 51.1].forEach((value, h) => {
      expect(result.dailyForecast[h]).toBeCloseTo(value, 2);
    });
    expect(result.dailyForecast[0]).toBeCloseTo(43.75696849, 6);
  });

  it('reproduces the air-passenger example of Hyndman & Athanasopoulos, FPP 2nd ed. (2018), §7.2 (Table 7.2)', () => {
    // holt(window(ausair, start = 1990), h = 5) estimates α = 0.8302, β = 0.0001, ℓ₀ = 15.57, b₀ = 2.10 and forecasts
    // 74.60, 76.70, 78.80, 80.91, 83.01 for 2017–2021. R reports the ETS β of b_t = b_{t−1} + βe_t, which is αβ* in
    // the component form used here, so β* = β/α. Full-precision parameters, forecasts and the in-sample MSE 4.7626 are
    // R's, as recorded in the tests of TSeriesForecast.jl.
    const alpha = 0.830216559778346;
    const result = forecastHolt(AUSAIR, {
      alpha,
      beta: 0.000100014855685128 / alpha,
      phi: 1,
      initialLevel: 15.5715222051655,
      initialTrend: 2.10171710376136,
      horizonDays: 5,
    });
    const fromR = [74.6013036045367, 76.7030432818444, 78.8047829591522, 80.90652263646, 83.0082623137678];
    fromR.forEach((value, h) => {
      expect(result.dailyForecast[h]).toBeCloseTo(value, 8);
    });
    expect(result.sdPerDay ** 2).toBeCloseTo(4.76261989118118, 8);
  });

  it('damps the trend: ŷ_{T+h} = ℓ_T + (φ + … + φʰ)b_T, on a hand-computed series', () => {
    // α = 0.5, β* = 0.5, φ = 0.8, ℓ₀ = 10, b₀ = 1, y = 10, 12.
    // Day 0: ŷ = 10 + 0.8 = 10.8, e = −0.8, ℓ = 10.8 − 0.4 = 10.4, b = 0.8 + 0.25·(−0.8) = 0.6.
    // Day 1: ŷ = 10.4 + 0.48 = 10.88, e = 1.12, ℓ = 10.88 + 0.56 = 11.44, b = 0.48 + 0.25·1.12 = 0.76.
    // Forecasts: 11.44 + 0.8·0.76 = 12.048, 11.44 + 1.44·0.76 = 12.5344, 11.44 + 1.952·0.76 = 12.92352.
    const result = forecastHolt([10, 12], {
      alpha: 0.5,
      beta: 0.5,
      phi: 0.8,
      initialLevel: 10,
      initialTrend: 1,
      horizonDays: 3,
    });
    expect(result.fitted[0]).toBeCloseTo(10.8, 12);
    expect(result.fitted[1]).toBeCloseTo(10.88, 12);
    expect(result.dailyForecast[0]).toBeCloseTo(12.048, 12);
    expect(result.dailyForecast[1]).toBeCloseTo(12.5344, 12);
    expect(result.dailyForecast[2]).toBeCloseTo(12.92352, 12);
    expect(result.meanPerDay).toBeCloseTo((12.048 + 12.5344 + 12.92352) / 3, 12);
    // σ̂ = √((0.8² + 1.12²)/2)
    expect(result.sdPerDay).toBeCloseTo(Math.sqrt((0.64 + 1.2544) / 2), 12);
  });

  it('recovers a straight line exactly from its own start-up, whatever the parameters', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: -0.4, max: 2, noNaN: true }),
        fc.integer({ min: 14, max: 120 }),
        (intercept, slope, days) => {
          const line = Array.from({ length: days }, (_, t) => intercept + slope * t + 50);
          const result = forecastHolt(line, { phi: 1, horizonDays: 1 });
          expect(result.params.initialTrend).toBeCloseTo(slope, 9);
          expect(result.sdPerDay).toBeLessThan(1e-8);
          expect(result.meanPerDay).toBeCloseTo(intercept + slope * days + 50, 7);
        },
      ),
      { seed: 11, numRuns: 60 },
    );
  });

  it('floors forecasts at zero where the trend would take demand below it', () => {
    // ℓ₀ = 70, b₀ = −10 fits y = 60, 50, …, 10 exactly; the next forecasts 0, −10, −20 are floored to 0.
    const result = forecastHolt([60, 50, 40, 30, 20, 10], {
      alpha: 0.5,
      beta: 0.5,
      phi: 1,
      initialLevel: 70,
      initialTrend: -10,
      horizonDays: 3,
    });
    expect(Array.from(result.dailyForecast)).toEqual([0, 0, 0]);
    expect(result.meanPerDay).toBe(0);
  });

  it('lets time pass for the trend on a stock-out day: ℓ_t = ℓ_{t−1} + φb_{t−1}, b_t = φb_{t−1}', () => {
    // ℓ₀ = 0, b₀ = 1 on the line 1, 2, 3, 4 with day 2 flagged (recorded 0): the state follows its forecast through
    // day 2, so the forecast for day 3 is still 4 and the line goes on to 5.
    const result = forecastHolt([1, 2, 0, 4], {
      alpha: 0.5,
      beta: 0.5,
      phi: 1,
      initialLevel: 0,
      initialTrend: 1,
      horizonDays: 1,
      stockOutDays: [0, 0, 1, 0],
    });
    expect(Array.from(result.fitted)).toEqual([1, 2, 3, 4]);
    expect(result.meanPerDay).toBe(5);
    expect(result.errorCount).toBe(3);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { meanAbsoluteError, naiveScale, rootMeanSquaredError } from './accuracy.js';
import { backtestForecastMethods, candidateMethods, selectForecastMethod } from './backtest.js';
import { forecastCroston } from './croston.js';
import type { Forecast, ForecastMethod, ForecastOptions } from './forecast.js';
import { forecastHolt } from './holt.js';
import { forecastHoltWinters } from './holt-winters.js';
import { forecastSba } from './sba.js';
import { forecastSes } from './ses.js';
import { forecastTsb } from './tsb.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Demand on a day with probability p, of 1…maxSize units. */
function intermittent(seed: number, days: number, p: number, maxSize: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: days }, () => (random() < p ? 1 + Math.floor(random() * maxSize) : 0));
}

const FORECASTERS: Record<ForecastMethod, (demand: number[], options: ForecastOptions) => Forecast> = {
  ses: forecastSes,
  holt: forecastHolt,
  holt_winters_additive: (d, o) => forecastHoltWinters(d, { ...o, seasonality: 'additive' }),
  holt_winters_multiplicative: (d, o) => forecastHoltWinters(d, { ...o, seasonality: 'multiplicative' }),
  croston: forecastCroston,
  sba: forecastSba,
  tsb: forecastTsb,
};

describe('backtestForecastMethods', () => {
  it('places the origins at n − h, n − h − step, … and keeps only those with enough training days', () => {
    const demand = new Array(100).fill(3);
    expect(backtestForecastMethods(demand, { methods: ['ses'] }).origins).toEqual([44, 51, 58, 65, 72, 79, 86, 93]);
    expect(backtestForecastMethods(demand.slice(0, 40), { methods: ['ses'] }).origins).toEqual([33]);
    expect(backtestForecastMethods(demand.slice(0, 30), { methods: ['ses'] }).origins).toEqual([]);
    const custom = backtestForecastMethods(demand, { methods: ['ses'], horizonDays: 3, stepDays: 1, originCount: 3 });
    expect(custom.origins).toEqual([95, 96, 97]);
  });

  it('scores each method exactly as refitting it from scratch on the days before every origin would', () => {
    // The single pass claims to equal, per origin o: choose the parameters by lowest SSE on days [0, o), forecast
    // days [o, o + h), compare. Here that is done literally with the public forecast functions on truncated copies.
    const random = mulberry32(42);
    const days = 200;
    const demand = Array.from({ length: days }, (_, t) =>
      Math.round((t % 7 === 5 ? 18 : 9) + 0.02 * t + random() * 6 + (random() < 0.05 ? 1 : 0)),
    );
    const flags = demand.map((_, t) => (t % 37 === 11 || t === 190 ? 1 : 0));
    const options = { horizonDays: 7, stepDays: 7, originCount: 5, stockOutDays: flags };
    const result = backtestForecastMethods(demand, options);
    expect(result.origins).toEqual([165, 172, 179, 186, 193]);
    expect(result.scale).toBeCloseTo(naiveScale(demand.slice(0, 193), { stockOutDays: flags.slice(0, 193) }), 12);
    expect(result.ranking.map((s) => s.method).sort()).toEqual([
      'croston',
      'holt',
      'holt_winters_additive',
      'holt_winters_multiplicative',
      'sba',
      'ses',
      'tsb',
    ]);
    for (const score of result.ranking) {
      const actual: number[] = [];
      const forecast: number[] = [];
      const testFlags: number[] = [];
      for (const origin of result.origins) {
        const fit = FORECASTERS[score.method](demand.slice(0, origin), {
          horizonDays: 7,
          stockOutDays: flags.slice(0, origin),
        });
        actual.push(...demand.slice(origin, origin + 7));
        forecast.push(...fit.dailyForecast);
        testFlags.push(...flags.slice(origin, origin + 7));
      }
      const mae = meanAbsoluteError(actual, forecast, { stockOutDays: testFlags });
      expect(score.mae, score.method).toBeCloseTo(mae, 9);
      expect(score.rmse, score.method).toBeCloseTo(
        rootMeanSquaredError(actual, forecast, { stockOutDays: testFlags }),
        9,
      );
      expect(score.mase, score.method).toBeCloseTo(mae / result.scale, 9);
      expect(score.points).toBe(testFlags.filter((f) => f === 0).length);
    }
  });

  it('ranks by MASE, breaking ties by the simpler method, with no NaN when the naive scale is 0', () => {
    // A constant series: the naive scale is 0. Every method but SBA forecasts it perfectly (MASE 0/0 := 0) and ties,
    // so the simpler methods come first; SBA forecasts (1 − α/2)·6 by design, so its MASE is x/0 := Infinity.
    const result = backtestForecastMethods(new Array(120).fill(6));
    expect(result.scale).toBe(0);
    expect(result.ranking.map((s) => s.method)).toEqual([
      'ses',
      'croston',
      'tsb',
      'holt',
      'holt_winters_additive',
      'holt_winters_multiplicative',
      'sba',
    ]);
    expect(result.ranking.slice(0, 6).every((s) => s.mase === 0 && s.mae === 0)).toBe(true);
    expect(result.ranking[6]!.mase).toBe(Number.POSITIVE_INFINITY);
  });

  it('excludes multiplicative Holt-Winters, with the reason, when an observed day had no demand', () => {
    const result = backtestForecastMethods([0, ...new Array(99).fill(5)]);
    expect(result.excluded).toEqual([
      {
        method: 'holt_winters_multiplicative',
        reason: 'multiplicative seasonality needs demand > 0 on every observed day',
      },
    ]);
  });

  it('rejects unknown methods and rankings with LS_VALIDATION', () => {
    expect(() => backtestForecastMethods([1, 2], { methods: ['arima' as ForecastMethod] })).toThrow(DomainError);
    expect(() => backtestForecastMethods([1, 2], { rankBy: 'mape' as 'mase' })).toThrow(/^rank_by/);
    expect(() => backtestForecastMethods([1, 2], { stepDays: 0 })).toThrow(/^step_days/);
  });
});

describe('selectForecastMethod', () => {
  it('picks an intermittent method (Croston, SBA or TSB) for generated intermittent series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 90, max: 730 }),
        fc.double({ min: 0.03, max: 0.35, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        (seed, days, p, maxSize) => {
          const demand = intermittent(seed, days, p, maxSize);
          fc.pre(demand.some((v) => v > 0));
          const selection = selectForecastMethod(demand);
          expect(['intermittent', 'lumpy']).toContain(selection.demand.demandClass);
          expect(['croston', 'sba', 'tsb']).toContain(selection.method);
        },
      ),
      { seed: 20_240_501, numRuns: 100 },
    );
  });

  it('picks Holt-Winters for a strong weekly pattern and damped Holt for a strong trend', () => {
    const random = mulberry32(9);
    const weekly = Array.from({ length: 365 }, (_, t) => Math.round((t % 7 >= 5 ? 40 : 15) + (random() - 0.5) * 8));
    expect(selectForecastMethod(weekly).method).toMatch(/^holt_winters_/);
    const trend = Array.from({ length: 365 }, (_, t) => Math.round(10 + 0.3 * t + (random() - 0.5) * 6));
    expect(selectForecastMethod(trend).method).toBe('holt');
  });

  it('returns the winner fitted on the whole history, with the ranking and the reason in words', () => {
    const demand = intermittent(77, 400, 0.15, 8);
    const selection = selectForecastMethod(demand, { horizonDays: 14 });
    const refit = FORECASTERS[selection.method](demand, { horizonDays: 14 });
    expect(selection.forecast.meanPerDay).toBeCloseTo(refit.meanPerDay, 12);
    expect(selection.forecast.params).toEqual(refit.params);
    expect(selection.backtest.ranking[0]!.method).toBe(selection.method);
    expect(selection.candidates).toEqual(['croston', 'sba', 'tsb']);
    expect(selection.reason).toMatch(
      new RegExp(
        `^${selection.method}: lowest MASE \\d+\\.\\d{3} over 8 origins × 14 days \\(next: \\w+ \\d+\\.\\d{3}\\); demand is (intermittent|lumpy) \\(ADI`,
      ),
    );
  });

  it('is deterministic: the same history gives the same choice and numbers', () => {
    const demand = intermittent(5, 300, 0.2, 5);
    const a = selectForecastMethod(demand);
    const b = selectForecastMethod(Float64Array.from(demand));
    expect(b.method).toBe(a.method);
    expect(b.forecast.meanPerDay).toBe(a.forecast.meanPerDay);
    expect(b.backtest.ranking).toEqual(a.backtest.ranking);
  });

  it('falls back on the demand class when the history is too short to backtest', () => {
    const short = selectForecastMethod([0, 0, 4, 0, 0, 0, 3, 0, 0, 5]);
    expect(short.method).toBe('sba');
    expect(short.backtest.origins).toEqual([]);
    expect(short.reason).toMatch(/^sba: 10 days is too short to backtest \(needs 28 \+ 7\); demand is intermittent/);
    expect(selectForecastMethod([5, 6, 5, 7, 6]).method).toBe('ses');
  });

  it('forecasts zero with SES for a history without demand', () => {
    const selection = selectForecastMethod(new Array(60).fill(0));
    expect(selection.method).toBe('ses');
    expect(selection.forecast.meanPerDay).toBe(0);
    expect(selection.forecast.sdPerDay).toBe(0);
    expect(selection.reason).toMatch(/no demand on any of the 60 observed days/);
  });

  it('does not let stock-out days drag the forecast down', () => {
    // Five units a day, but the last 30 days were out of stock (recorded 0). Flagged, they are missing, and the
    // forecast stays near 5; unflagged, the zeros pull it down.
    const demand = [...new Array(150).fill(5), ...new Array(30).fill(0)];
    const flags = demand.map((_, t) => (t >= 150 ? 1 : 0));
    expect(selectForecastMethod(demand, { stockOutDays: flags }).forecast.meanPerDay).toBeCloseTo(5, 9);
    expect(selectForecastMethod(demand).forecast.meanPerDay).toBeLessThan(4);
  });

  it('narrows the candidates by class and weekly pattern', () => {
    expect(candidateMethods('smooth')).toEqual(['ses', 'holt']);
    expect(candidateMethods('smooth', true)).toEqual([
      'ses',
      'holt',
      'holt_winters_additive',
      'holt_winters_multiplicative',
    ]);
    expect(candidateMethods('erratic')).toEqual(['ses', 'sba', 'tsb', 'holt']);
    expect(candidateMethods('lumpy')).toEqual(['croston', 'sba', 'tsb']);
    expect(candidateMethods('no_demand')).toEqual(['ses']);
  });
});

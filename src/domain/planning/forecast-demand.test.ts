import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { INTERMITTENT_METHODS, selectForecastMethod } from '../forecast/index.js';
import { forecastDemand, MIN_CV_WEEKS, MIN_FORECAST_OBSERVED_DAYS } from './forecast-demand.js';

const none = (n: number) => new Uint8Array(n);

function validationError(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('LS_VALIDATION');
    return error as DomainError;
  }
  throw new Error('expected LS_VALIDATION');
}

/** A weekly-patterned demand with a slow trend and no randomness, long enough to backtest. */
function steadyDemand(days: number): Float64Array {
  return Float64Array.from({ length: days }, (_, t) => 10 + ((t * 7) % 5) + t / 100);
}

describe('forecastDemand', () => {
  it('uses the mean and sample standard deviation of the observed days when the history is short', () => {
    // Observed days 3, 5, 4, 6, 2 (the 9 on day 2 is a stock-out day, left out): mean 20/5 = 4,
    // sample variance ((−1)² + 1² + 0² + 2² + (−2)²)/4 = 10/4 = 2.5, s.d. √2.5 = 1.5811.
    const demand = Float64Array.from([3, 5, 9, 4, 6, 2]);
    const stockOut = Uint8Array.from([0, 0, 1, 0, 0, 0]);
    const result = forecastDemand(demand, stockOut);
    expect(result.method).toBeNull();
    expect(result.observedDays).toBe(5);
    expect(result.meanPerDay).toBeCloseTo(4, 12);
    expect(result.sdPerDay).toBeCloseTo(Math.sqrt(2.5), 12);
    // No complete week: cv is the daily one ÷ √7.
    expect(result.cv).toBeCloseTo(Math.sqrt(2.5) / 4 / Math.sqrt(7), 12);
    expect(result.demandClass).toBe('smooth');
    expect(result.reason).toBe(
      `only 5 observed days (fewer than ${MIN_FORECAST_OBSERVED_DAYS}): the mean and standard deviation of those days, no forecasting method; cv is the daily coefficient of variation ÷ √7 (no complete week without a stock-out, fewer than ${MIN_CV_WEEKS})`,
    );
  });

  it('says there is no demand, with no method and a NaN cv, when every observed day is zero', () => {
    // The 7 on the stock-out day is not observed demand.
    const demand = new Float64Array(60);
    demand[10] = 7;
    const stockOut = none(60);
    stockOut[10] = 1;
    const result = forecastDemand(demand, stockOut);
    expect(result).toMatchObject({
      method: null,
      demandClass: 'no_demand',
      meanPerDay: 0,
      sdPerDay: 0,
      observedDays: 59,
    });
    expect(result.cv).toBeNaN();
    expect(result.reason).toBe('no demand on any of the 59 observed days');
  });

  it('falls back on the recorded demand, a lower bound, when every day was a stock-out', () => {
    const demand = Float64Array.from([1, 0, 2, 1]);
    const result = forecastDemand(demand, Uint8Array.from([1, 1, 1, 1]));
    // Mean 4/4 = 1; sample variance (0 + 1 + 1 + 0)/3 = 2/3.
    expect(result.method).toBeNull();
    expect(result.observedDays).toBe(0);
    expect(result.meanPerDay).toBeCloseTo(1, 12);
    expect(result.sdPerDay).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(result.cv).toBeCloseTo(Math.sqrt(2 / 3) / Math.sqrt(7), 12);
    expect(result.reason).toContain('every one of the 4 days was a stock-out');
    expect(result.reason).toContain('cv is its daily coefficient of variation ÷ √7');
  });

  it('chooses the method selectForecastMethod chooses with the stock-out days censored, and reports its forecast', () => {
    const demand = steadyDemand(200);
    const stockOut = none(200);
    for (const t of [40, 41, 42, 120, 121]) {
      stockOut[t] = 1;
      demand[t] = 0;
    }
    const result = forecastDemand(demand, stockOut);
    const selection = selectForecastMethod(demand, { stockOutDays: stockOut });
    expect(result.method).toBe(selection.method);
    expect(result.demandClass).toBe(selection.demand.demandClass);
    expect(result.meanPerDay).toBe(selection.forecast.meanPerDay);
    expect(result.sdPerDay).toBe(selection.forecast.sdPerDay);
    // 28 complete weeks back from day 200 (from day 4); the two holding days 40–42 and 120–121 are left out: 26 weeks,
    // enough for the weekly cv, so the reason is the selection's alone.
    expect(result.reason).toBe(selection.reason);
    expect(result.observedDays).toBe(195);
  });

  it('does not let stock-out days drag the forecast down', () => {
    // 10 a day for 150 days; the last 20 days are stock-outs recorded as 0 sold.
    const demand = new Float64Array(150).fill(10);
    const stockOut = none(150);
    for (let t = 130; t < 150; t++) {
      demand[t] = 0;
      stockOut[t] = 1;
    }
    const censored = forecastDemand(demand, stockOut);
    expect(censored.meanPerDay).toBeCloseTo(10, 9);
    expect(censored.sdPerDay).toBeCloseTo(0, 9);
    // 17 complete weeks before the one holding day 130, each 70: cv exactly 0.
    expect(censored.cv).toBe(0);
    const naive = forecastDemand(demand, none(150));
    expect(naive.meanPerDay).toBeLessThan(5);
  });

  it('computes cv on weekly totals: complete weeks without a stock-out, counted back from the last day', () => {
    // 64 days: day 0 is left of the first complete week (64 = 1 + 9 × 7). The weeks, from the last one back, start on
    // days 57, 50, 43, 36, 29, 22, 15, 8, 1 and hold 10, 14, (999 with a stock-out: left out), 6, 10, 14, 6, 10, 10.
    // Eight weeks: mean 80/8 = 10, deviations 0, 4, −4, 0, 4, −4, 0, 0, sample variance 64/7, cv = √(64/7)/10.
    const demand = new Float64Array(64);
    const stockOut = none(64);
    demand[0] = 500;
    const totals = [10, 14, 999, 6, 10, 14, 6, 10, 10];
    for (const [k, total] of totals.entries()) demand[57 - 7 * k] = total;
    stockOut[44] = 1;
    const result = forecastDemand(demand, stockOut);
    expect(result.cv).toBeCloseTo(Math.sqrt(64 / 7) / 10, 12);
    expect(result.reason).not.toContain('÷ √7');
  });

  it('hides day-to-day noise that cancels within the week: the weekly cv is far below the daily one', () => {
    // Alternating 0 and 4 over 56 days: the daily cv is about 1, but every week holds 12 or 16, mean 14, sample
    // variance 8 · 2² / 7 = 32/7, cv = √(32/7)/14 ≈ 0.15 (class X, not Z).
    const demand = Float64Array.from({ length: 56 }, (_, t) => (t % 2 === 0 ? 0 : 4));
    const result = forecastDemand(demand, none(56));
    expect(result.cv).toBeCloseTo(Math.sqrt(32 / 7) / 14, 12);
    expect(result.method).not.toBeNull();
  });

  it(`falls back on the daily cv ÷ √7 with fewer than ${MIN_CV_WEEKS} clean weeks, and says so in the reason`, () => {
    // The same alternating days with a stock-out on day 20 (a zero day): 7 clean weeks. Observed 55 days, 28 of them
    // 4: mean 112/55, Σ(x − mean)² = 28 · 16 − 112²/55 = 12096/55, sample variance 12096/55/54.
    const demand = Float64Array.from({ length: 56 }, (_, t) => (t % 2 === 0 ? 0 : 4));
    const stockOut = none(56);
    stockOut[20] = 1;
    const result = forecastDemand(demand, stockOut);
    const dailyCv = Math.sqrt(12096 / 55 / 54) / (112 / 55);
    expect(result.cv).toBeCloseTo(dailyCv / Math.sqrt(7), 12);
    expect(result.method).not.toBeNull();
    const selection = selectForecastMethod(demand, { stockOutDays: stockOut });
    expect(result.reason).toBe(
      `${selection.reason}; cv is the daily coefficient of variation ÷ √7 (only 7 complete weeks without a stock-out, fewer than ${MIN_CV_WEEKS})`,
    );
  });

  it('falls back on the daily cv ÷ √7 when the clean weeks hold no demand', () => {
    // 70 days, 10 weeks: the only demand, 5 on day 63, shares its week with the stock-out on day 64. The 9 clean
    // weeks hold nothing; the 69 observed days have mean 5/69 and sample variance (25 − 25/69)/68.
    const demand = new Float64Array(70);
    demand[63] = 5;
    const stockOut = none(70);
    stockOut[64] = 1;
    const result = forecastDemand(demand, stockOut);
    expect(result.cv).toBeCloseTo(Math.sqrt((25 - 25 / 69) / 68) / (5 / 69) / Math.sqrt(7), 12);
    expect(result.reason).toContain('(no demand in the 9 complete weeks without a stock-out)');
  });

  it('reads cv from the complete weeks only: days before the first of them do not change it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 7 * MIN_CV_WEEKS, maxLength: 120 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 }),
        (days, before) => {
          const weeks = days.slice(days.length % 7);
          if (weeks.every((v) => v === 0)) return;
          const alone = forecastDemand(Float64Array.from(weeks), none(weeks.length), { horizonDays: 1 });
          const longer = forecastDemand(Float64Array.from([...before, ...weeks]), none(before.length + weeks.length), {
            horizonDays: 1,
          });
          expect(longer.cv).toBe(alone.cv);
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });

  it('passes the horizon on to the backtest', () => {
    const result = forecastDemand(steadyDemand(120), none(120), { horizonDays: 14 });
    expect(result.reason).toMatch(/origins × 14 days/);
  });

  it('refuses a bad history, naming the field', () => {
    expect(validationError(() => forecastDemand(new Float64Array(0), none(0))).message).toBe(
      'daily_demand: needs at least one day',
    );
    expect(validationError(() => forecastDemand(new Float64Array(5), none(4))).message).toMatch(/^stock_out_days:/);
    const bad = Float64Array.from([1, 2, 3, -1, Number.NaN]);
    const error = validationError(() => forecastDemand(bad, none(5)));
    expect(error.message).toBe('daily_demand[3]: must be a finite number ≥ 0 (and 1 more problem)');
    expect(error.details?.map((p) => p.field)).toEqual(['daily_demand[3]', 'daily_demand[4]']);
    expect(validationError(() => forecastDemand(new Float64Array(5), none(5), { horizonDays: 0 })).message).toMatch(
      /^horizon_days:/,
    );
  });
});

describe('forecastDemand on intermittent demand', () => {
  it('picks an intermittent method (Croston, SBA or TSB) for a series with demand on at most a third of its days', () => {
    const series = fc.integer({ min: 60, max: 300 }).chain((days) =>
      fc.record({
        days: fc.constant(days),
        demandDays: fc.uniqueArray(fc.integer({ min: 0, max: days - 1 }), {
          minLength: 1,
          maxLength: Math.floor(days / 3),
        }),
        sizes: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: days, maxLength: days }),
        stockOuts: fc.uniqueArray(fc.integer({ min: 0, max: days - 1 }), { maxLength: Math.floor(days / 10) }),
      }),
    );
    fc.assert(
      fc.property(series, ({ days, demandDays, sizes, stockOuts }) => {
        const demand = new Float64Array(days);
        for (const t of demandDays) demand[t] = sizes[t]!;
        const stockOut = new Uint8Array(days);
        // Stock-outs fall on zero days only, so that demand stays on at most a third of the observed days.
        for (const t of stockOuts) if (demand[t] === 0) stockOut[t] = 1;
        const result = forecastDemand(demand, stockOut);
        expect(['intermittent', 'lumpy']).toContain(result.demandClass);
        expect(INTERMITTENT_METHODS).toContain(result.method);
      }),
      { seed: 4, numRuns: 150 },
    );
  });
});

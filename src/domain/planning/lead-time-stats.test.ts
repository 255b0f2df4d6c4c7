import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeLeadTimeStats,
  detectLeadTimeShift,
  detectLeadTimeShiftFrom,
  type LeadTimeObservation,
  quantile,
  studentTTwoSidedP,
  summarizeSample,
  welchTTest,
} from './lead-time-stats.js';

const line = (leadTimeDays: number | null, onTime: boolean | null, inFull: boolean | null): LeadTimeObservation => ({
  leadTimeDays,
  onTime,
  inFull,
});

describe('computeLeadTimeStats', () => {
  it('gives mean, sample s.d., p90 and the on-time, in-full and OTIF rates of a hand-worked example', () => {
    // Lead times 4 6 5 9 7 5 8 6 10 5: Σ = 65, mean 6.5; Σ(x − 6.5)² = 6.25 + .25 + 2.25 + 6.25 + .25 + 2.25 + 2.25
    // + .25 + 12.25 + 2.25 = 34.5, s² = 34.5/9 = 3.8333, s = 1.95789. Sorted 4 5 5 5 6 6 7 8 9 10, h = 9 × 0.9 = 8.1,
    // p90 = x[8] + 0.1(x[9] − x[8]) = 9 + 0.1 = 9.1. Late: the 9, 8 and 10-day lines (on time 7/10); short: the 7
    // and 10-day lines (in full 8/10); on time and in full on the same line: 10 − 3 late − 1 short but on time = 6.
    const observations = [
      line(4, true, true),
      line(6, true, true),
      line(5, true, true),
      line(9, false, true),
      line(7, true, false),
      line(5, true, true),
      line(8, false, true),
      line(6, true, true),
      line(10, false, false),
      line(5, true, true),
    ];
    const stats = computeLeadTimeStats(observations);
    expect(stats.receipts).toBe(10);
    expect(stats.meanDays).toBeCloseTo(6.5, 12);
    expect(stats.sdDays).toBeCloseTo(Math.sqrt(34.5 / 9), 12);
    expect(stats.sdDays).toBeCloseTo(1.95789, 5);
    expect(stats.p90Days).toBeCloseTo(9.1, 12);
    expect(stats.onTimeRate).toBeCloseTo(0.7, 12);
    expect(stats.inFullRate).toBeCloseTo(0.8, 12);
    expect(stats.otif).toBeCloseTo(0.6, 12);
  });

  it('counts OTIF on the same line, not as the product of the rates', () => {
    // One line late but complete, one on time but short: each rate is 1/2, their product 1/4, OTIF 0.
    const stats = computeLeadTimeStats([line(3, false, true), line(4, true, false)]);
    expect(stats.onTimeRate).toBe(0.5);
    expect(stats.inFullRate).toBe(0.5);
    expect(stats.otif).toBe(0);
  });

  it('leaves unknown flags and undelivered lines out of the denominators they cannot inform', () => {
    // The line with nothing delivered has no lead time but is neither on time nor in full; the line without a due
    // date has no on-time verdict: on time 1/2, in full 2/3, OTIF over the two lines with both flags = 1/2.
    const stats = computeLeadTimeStats([line(5, true, true), line(7, null, true), line(null, false, false)]);
    expect(stats.receipts).toBe(2);
    expect(stats.meanDays).toBe(6);
    expect(stats.onTimeRate).toBe(0.5);
    expect(stats.inFullRate).toBeCloseTo(2 / 3, 12);
    expect(stats.otif).toBe(0.5);
  });

  it('answers nulls without receipts and no spread from a single receipt', () => {
    expect(computeLeadTimeStats([])).toEqual({
      receipts: 0,
      meanDays: null,
      sdDays: null,
      p90Days: null,
      onTimeRate: null,
      inFullRate: null,
      otif: null,
    });
    const one = computeLeadTimeStats([line(12, true, true)]);
    expect([one.meanDays, one.sdDays, one.p90Days]).toEqual([12, null, 12]);
  });

  it('keeps every statistic within the range of the data', () => {
    const observation = fc.record({
      leadTimeDays: fc.option(fc.double({ min: 0, max: 200, noNaN: true }), { nil: null }),
      onTime: fc.option(fc.boolean(), { nil: null }),
      inFull: fc.option(fc.boolean(), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 40 }), (observations) => {
        const stats = computeLeadTimeStats(observations);
        const days = observations.flatMap((o) => (o.leadTimeDays === null ? [] : [o.leadTimeDays]));
        expect(stats.receipts).toBe(days.length);
        if (days.length > 0) {
          const [low, high] = [Math.min(...days), Math.max(...days)];
          expect(stats.meanDays!).toBeGreaterThanOrEqual(low - 1e-9);
          expect(stats.meanDays!).toBeLessThanOrEqual(high + 1e-9);
          expect(stats.p90Days!).toBeGreaterThanOrEqual(low);
          expect(stats.p90Days!).toBeLessThanOrEqual(high);
        }
        if (days.length > 1) expect(stats.sdDays!).toBeGreaterThanOrEqual(0);
        for (const rate of [stats.onTimeRate, stats.inFullRate, stats.otif]) {
          if (rate !== null) {
            expect(rate).toBeGreaterThanOrEqual(0);
            expect(rate).toBeLessThanOrEqual(1);
          }
        }
        if (observations.every((o) => o.onTime !== null && o.inFull !== null) && observations.length > 0) {
          expect(stats.otif!).toBeLessThanOrEqual(Math.min(stats.onTimeRate!, stats.inFullRate!));
        }
      }),
    );
  });
});

describe('quantile', () => {
  it('interpolates between order statistics as R, NumPy and PERCENTILE.INC do (Hyndman & Fan type 7)', () => {
    // R: quantile(c(1, 2, 3, 4), 0.9) = 3.7 (h = 3 × 0.9 = 2.7: 3 + 0.7 × (4 − 3)).
    expect(quantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12);
    expect(quantile([4, 1, 3, 2], 0)).toBe(1);
    expect(quantile([4, 1, 3, 2], 1)).toBe(4);
    expect(quantile([7], 0.9)).toBe(7);
  });
});

describe('studentTTwoSidedP', () => {
  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    // ν = 1 (Cauchy): P(|T| ≥ t) = 1 − (2/π)·atan t; ν = 2: P(|T| ≥ t) = 1 − t/√(2 + t²).
    for (const t of [0, 0.3, 1, 2.5, 12.706, 100]) {
      expect(studentTTwoSidedP(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 12);
      expect(studentTTwoSidedP(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12);
    }
  });

  it('gives the tail probabilities of the published critical values', () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2, upper critical values of Student's t:
    // ν = 4: t.975 = 2.776, t.995 = 4.604; ν = 10: t.975 = 2.228, t.995 = 3.169; ν = 100: t.975 = 1.984.
    expect(studentTTwoSidedP(2.776, 4)).toBeCloseTo(0.05, 3);
    expect(studentTTwoSidedP(4.604, 4)).toBeCloseTo(0.01, 4);
    expect(studentTTwoSidedP(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(studentTTwoSidedP(3.169, 10)).toBeCloseTo(0.01, 4);
    expect(studentTTwoSidedP(-1.984, 100)).toBeCloseTo(0.05, 3);
    expect(studentTTwoSidedP(Number.POSITIVE_INFINITY, 3)).toBe(0);
  });
});

describe('welchTTest', () => {
  it('reproduces the NIST e-Handbook two-sample example with unequal variances', () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.5.3 (AUTO83B.DAT, US vs Japanese cars' mpg):
    // N1 = 249, mean 20.14458, s.d. 6.41470; N2 = 79, mean 30.48101, s.d. 6.10771; unequal variances:
    // T = −12.94627, ν = 136.8750, and the p-value is far below 0.05.
    const result = welchTTest({ count: 249, mean: 20.14458, sd: 6.4147 }, { count: 79, mean: 30.48101, sd: 6.10771 });
    expect(result.t).toBeCloseTo(-12.94627, 4);
    expect(result.degreesOfFreedom).toBeCloseTo(136.875, 3);
    expect(result.pValue).toBeLessThan(1e-20);
  });

  it('calls a difference certain when neither sample varies, and none impossible', () => {
    expect(welchTTest({ count: 5, mean: 7, sd: 0 }, { count: 3, mean: 9, sd: 0 })).toEqual({
      t: Number.NEGATIVE_INFINITY,
      degreesOfFreedom: 6,
      pValue: 0,
    });
    expect(welchTTest({ count: 5, mean: 7, sd: 0 }, { count: 3, mean: 7, sd: 0 }).pValue).toBe(1);
  });
});

describe('detectLeadTimeShift', () => {
  it('detects a hand-worked lengthening of the lead time', () => {
    // Long run 7 7 8 6 7 7: mean 7, s² = (0 + 0 + 1 + 1 + 0 + 0)/5 = 0.4. Recent 12 11 13: mean 12, s² = 1.
    // Difference +5 ≥ max(1, 0.2 × 7 = 1.4). Welch: s²/n = 1/3 and 0.4/6 = 1/15, SE = √0.4 = 0.63246,
    // t = 5/0.63246 = 7.9057; ν = 0.4² / ((1/3)²/2 + (1/15)²/5) = 0.16/0.056444 = 2.8346; p(|T| ≥ 7.9057) ≈ 0.0052.
    const shift = detectLeadTimeShift([7, 7, 8, 6, 7, 7], [12, 11, 13]);
    expect(shift.shifted).toBe(true);
    expect(shift.longRunMean).toBe(7);
    expect(shift.recentMean).toBe(12);
    expect(shift.differenceDays).toBe(5);
    expect(shift.thresholdDays).toBeCloseTo(1.4, 12);
    expect(shift.tStatistic).toBeCloseTo(5 / Math.sqrt(0.4), 10);
    expect(shift.degreesOfFreedom).toBeCloseTo(0.16 / (1 / 18 + 1 / 1125), 10);
    expect(shift.pValue).toBeGreaterThan(0.004);
    expect(shift.pValue).toBeLessThan(0.006);
    expect(shift.reason).toMatch(/lengthened.*\+5\.0 days/);
  });

  it('ignores a significant change smaller than a day or 20 %', () => {
    // 10 → 11.5 days is +15 % (< 2 days = 20 % of 10), however steady the deliveries.
    const shift = detectLeadTimeShift([10, 10, 10, 10, 10, 10], [11.5, 11.5, 11.5]);
    expect(shift.pValue).toBe(0);
    expect(shift.thresholdDays).toBe(2);
    expect(shift.shifted).toBe(false);
    expect(shift.reason).toMatch(/No material shift/);
    // Short lead times: 2 → 2.9 days is +45 % but less than one day.
    expect(detectLeadTimeShift([2, 2, 2, 2, 2], [2.9, 2.9, 2.9]).shifted).toBe(false);
  });

  it('ignores a large change that noisy deliveries explain', () => {
    // Long run mean 10 with s.d. ≈ 5.2; recent 9 12 27: +6 days but p ≈ 0.4.
    const shift = detectLeadTimeShift([3, 15, 6, 17, 9, 10], [9, 12, 27]);
    expect(shift.differenceDays).toBeCloseTo(6, 12);
    expect(shift.pValue!).toBeGreaterThan(0.2);
    expect(shift.shifted).toBe(false);
    expect(shift.reason).toMatch(/not below 0.01/);
  });

  it('needs 5 long-run and 3 recent receipts', () => {
    expect(detectLeadTimeShift([7, 7, 7, 7], [20, 20, 20]).shifted).toBe(false);
    expect(detectLeadTimeShift([7, 7, 7, 7, 7], [20, 20]).reason).toMatch(/Too few receipts/);
    expect(detectLeadTimeShift([7, 7, 7, 7, 7], [20, 20, 20]).shifted).toBe(true);
    expect(detectLeadTimeShift([7, 7, 7, 7], [20, 20, 20], { minLongRunReceipts: 4 }).shifted).toBe(true);
  });

  it('detects a shortening as well as a lengthening', () => {
    const shift = detectLeadTimeShift([20, 21, 19, 20, 22, 18], [10, 11, 9, 10]);
    expect(shift.shifted).toBe(true);
    expect(shift.reason).toMatch(/shortened/);
  });

  it('judges a stored baseline given as a summary like the sample it summarizes', () => {
    const longRun = [7, 7, 8, 6, 7, 7];
    const recent = [12, 11, 13];
    expect(detectLeadTimeShiftFrom(summarizeSample(longRun), summarizeSample(recent))).toEqual(
      detectLeadTimeShift(longRun, recent),
    );
  });

  const leadTime = fc.double({ min: 0.5, max: 120, noNaN: true });

  it('never triggers on a recent window at the long-run mean', () => {
    fc.assert(
      fc.property(
        fc.array(leadTime, { minLength: 5, maxLength: 30 }),
        fc.integer({ min: 3, max: 10 }),
        (longRun, n) => {
          const mean = summarizeSample(longRun).mean;
          expect(detectLeadTimeShift(longRun, Array(n).fill(mean)).shifted).toBe(false);
        },
      ),
    );
  });

  it('never triggers because a receipt at the long-run mean arrived', () => {
    fc.assert(
      fc.property(
        fc.array(leadTime, { minLength: 5, maxLength: 30 }),
        fc.array(leadTime, { minLength: 3, maxLength: 8 }),
        (longRun, recent) => {
          fc.pre(!detectLeadTimeShift(longRun, recent).shifted);
          const mean = summarizeSample(longRun).mean;
          expect(detectLeadTimeShift(longRun, [...recent, mean]).shifted).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('calls every shift it reports material: at least a day and 20 % of the long-run mean', () => {
    fc.assert(
      fc.property(
        fc.array(leadTime, { minLength: 5, maxLength: 30 }),
        fc.array(leadTime, { minLength: 3, maxLength: 10 }),
        (longRun, recent) => {
          const shift = detectLeadTimeShift(longRun, recent);
          if (!shift.shifted) return;
          expect(Math.abs(shift.differenceDays!)).toBeGreaterThanOrEqual(1 - 1e-9);
          expect(Math.abs(shift.differenceDays!)).toBeGreaterThanOrEqual(0.2 * shift.longRunMean! - 1e-9);
          expect(shift.pValue!).toBeLessThan(0.01);
        },
      ),
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  assessStockDrift,
  DEFAULT_DRIFT_RULES,
  detectDemandShift,
  pooledTTest,
  type StockDriftInput,
} from './drift.js';

/** `n` days repeating `pattern`, none out of stock unless `outDays` says so. */
function window(n: number, pattern: number[], outDays: number[] = []) {
  const demand = Float64Array.from({ length: n }, (_, d) => pattern[d % pattern.length]!);
  const stockOut = new Uint8Array(n);
  for (const d of outDays) stockOut[d] = 1;
  return { demand, stockOut };
}

describe('detectDemandShift', () => {
  it('calls a shift of the mean from 5 to 8 a day and says the numbers', () => {
    // Before: 4, 6, 4, 6, … (mean 5, s ≈ 1.003); last 28 days: 7, 9, … (mean 8, s ≈ 1.018). +60 %.
    // Welch: t = 3 / √(1.018²/28 + 1.003²/180) ≈ 14.5; pooled: s² = (27 · 1.037 + 179 · 1.006) / 206 ≈ 1.010,
    // t = 3 / (1.005 · √(1/28 + 1/180)) ≈ 14.7: both p far below 0.01.
    const shift = detectDemandShift(window(180, [4, 6]), window(28, [7, 9]), 'pcs');
    expect(shift.shifted).toBe(true);
    expect(shift.baselineMeanPerDay).toBe(5);
    expect(shift.recentMeanPerDay).toBe(8);
    expect(shift.change).toBeCloseTo(0.6, 12);
    expect(shift.message).toMatch(
      /^Demand rose 60 %: 8 pcs a day over the last 28 days \(28 in stock\) against 5 pcs a day over the 180 days before \(180 in stock\); Welch t = 14\.\d+ \(p < 0\.001\), pooled t = 14\.\d+ \(p < 0\.001\)\.$/,
    );
  });

  it('calls a fall too', () => {
    const shift = detectDemandShift(window(180, [9, 11]), window(28, [4, 6]), 'kg');
    expect(shift.shifted).toBe(true);
    expect(shift.message).toMatch(/^Demand fell 50 %: 5 kg a day/);
  });

  it('does not call one large issue in the recent window a shift (t = 1)', () => {
    const recent = window(28, [0]);
    recent.demand[27] = 500;
    const shift = detectDemandShift(window(180, [0, 2]), recent, 'pcs');
    expect(shift.shifted).toBe(false);
    // Student's pooled test alone would nearly call it (t ≈ 2.43, p ≈ 0.016); Welch's sees one day of 28: t ≈ 0.94.
    expect(shift.message).toMatch(
      /^No change beyond noise: 17\.86 pcs a day .*; Welch t = 0\.94 \(p = 0\.3\d\d\), pooled t = 2\.4\d \(p = 0\.01\d\)\.$/,
    );
    expect(shift.pValue).toBeGreaterThan(0.3);
  });

  it('does not call four quiet weeks of a slow mover a fall (Welch alone would: no spread in the 28 days)', () => {
    // One unit every 18th day before (mean 0.056, s ≈ 0.23), none in the last 28 days. Welch: t = −0.056 / (0.23 /
    // √180) ≈ −3.2, p ≈ 0.001; pooled: s² = 179 · 0.0528 / 206 ≈ 0.046, t = −0.056 / (0.214 · 0.203) ≈ −1.28,
    // p ≈ 0.2. 28 empty days happen by chance one time in five at this rate (e^(−28 · 0.056) ≈ 0.21).
    const baseline = window(180, [1, ...Array<number>(17).fill(0)]);
    const shift = detectDemandShift(baseline, window(28, [0]), 'pcs');
    expect(shift.shifted).toBe(false);
    expect(shift.message).toMatch(
      /^No change beyond noise: 0 pcs a day .*Welch t = -3\.2\d \(p = 0\.00\d\), pooled t = -1\.2\d/,
    );
  });

  it('leaves stock-out days out, so demand lost while out of stock is not a fall', () => {
    // The last 28 days: 14 days out of stock with no demand recorded, the other 14 at the old rate.
    const recent = window(
      28,
      [4, 6],
      Array.from({ length: 14 }, (_, d) => d * 2 + 1),
    );
    for (let d = 1; d < 28; d += 2) recent.demand[d] = 0;
    const shift = detectDemandShift(window(180, [4, 6]), recent, 'pcs');
    expect(shift.recentObservedDays).toBe(14);
    expect(shift.recentMeanPerDay).toBe(4);
    // 4 against 5 is −20 %, less than the 30 % that matters.
    expect(shift.shifted).toBe(false);
    expect(shift.message).toMatch(/^No material change/);
  });

  it('does not call a change smaller than 30 % however certain', () => {
    const shift = detectDemandShift(window(180, [10]), window(28, [12]), 'pcs');
    expect(shift.pValue).toBe(0);
    expect(shift.shifted).toBe(false);
  });

  it('needs 14 observed recent days and 56 before', () => {
    const recent = window(
      28,
      [7, 9],
      Array.from({ length: 15 }, (_, d) => d),
    );
    const shift = detectDemandShift(window(180, [4, 6]), recent, 'pcs');
    expect(shift.shifted).toBe(false);
    expect(shift.message).toBe(
      'Too few days in stock to judge: 13 of the last 28 (need 14) and 180 of the 180 before (need 56).',
    );
  });

  it('calls demand where there was none a shift', () => {
    const shift = detectDemandShift(window(180, [0]), window(28, [2, 3]), 'pcs');
    expect(shift.shifted).toBe(true);
    expect(shift.change).toBeNull();
    expect(shift.message).toMatch(/^Demand rose from none: 2\.5 pcs a day/);
  });
});

describe('pooledTTest', () => {
  it('reproduces the NIST e-Handbook two-sample t-test with equal variances: T = −12.62059', () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.5.3 (AUTO83B.DAT): US cars n = 249, mean 20.14458,
    // s = 6.41470; Japanese cars n = 79, mean 30.48101, s = 6.10771. "Equal variances assumed": T = −12.62059 with
    // 326 degrees of freedom, p far below 0.001.
    const test = pooledTTest({ count: 249, mean: 20.14458, sd: 6.4147 }, { count: 79, mean: 30.48101, sd: 6.10771 });
    expect(test.t).toBeCloseTo(-12.62059, 4);
    expect(test.pValue).toBeLessThan(1e-20);
  });

  it('is certain of a difference without spread and sure of none between equal constants', () => {
    expect(pooledTTest({ count: 5, mean: 2, sd: 0 }, { count: 5, mean: 3, sd: 0 })).toEqual({
      t: Number.NEGATIVE_INFINITY,
      pValue: 0,
    });
    expect(pooledTTest({ count: 5, mean: 2, sd: 0 }, { count: 5, mean: 2, sd: 0 })).toEqual({ t: 0, pValue: 1 });
  });
});

describe('assessStockDrift', () => {
  const base: StockDriftInput = {
    unit: 'pcs',
    onHand: 50,
    holdsStock: true,
    target: 100,
    meanPerDay: 2,
    meanSource: 'history',
    stockOutEpisodes: 0,
    stockOutDays: 0,
    recentDemand: 360,
    stockedThroughout: true,
  };

  it('finds nothing for a pair in step with its plan', () => {
    expect(assessStockDrift(base)).toEqual([]);
  });

  it('calls three stock-out episodes in 90 days repeated, two not', () => {
    expect(assessStockDrift({ ...base, stockOutEpisodes: 3, stockOutDays: 5 })).toEqual([
      {
        reason: 'repeated_stockouts',
        message: 'Ran out of stock 3 times in the last 90 days (at least 3 is repeated), on 5 days in all.',
      },
    ]);
    expect(assessStockDrift({ ...base, stockOutEpisodes: 2, stockOutDays: 5 })).toEqual([]);
    // Make-to-order pairs hold no stock: running out is how they work.
    expect(assessStockDrift({ ...base, holdsStock: false, stockOutEpisodes: 4 })).toEqual([]);
  });

  it('calls stock above target + 90 days of demand excess', () => {
    // Limit 100 + 90 × 2 = 280: 280 is not excess, 281 is (1 above).
    expect(assessStockDrift({ ...base, onHand: 280 })).toEqual([]);
    expect(assessStockDrift({ ...base, onHand: 281, meanSource: 'forecast' })).toEqual([
      {
        reason: 'excess',
        message:
          "On hand 281 pcs is 1 pcs above the target 100 pcs plus 90 days of demand (90 × 2 pcs a day from the plan's forecast = 180 pcs).",
      },
    ]);
    // Without a policy the target is 0: 181 > 0 + 180.
    expect(assessStockDrift({ ...base, onHand: 181, target: null }).map((f) => f.reason)).toEqual(['excess']);
  });

  it('calls stock without demand for 180 days dead, and not also excess', () => {
    const dead = { ...base, onHand: 400, recentDemand: 0, meanPerDay: 0 };
    expect(assessStockDrift(dead)).toEqual([
      { reason: 'dead_stock', message: 'On hand 400 pcs and no demand in the last 180 days.' },
    ]);
    // Stocked for less than 180 days: too new to call dead, but excess.
    expect(assessStockDrift({ ...dead, stockedThroughout: false }).map((f) => f.reason)).toEqual(['excess']);
    expect(assessStockDrift({ ...dead, onHand: 0 })).toEqual([]);
  });

  it('uses the documented default windows', () => {
    expect(DEFAULT_DRIFT_RULES).toMatchObject({
      recentDays: 28,
      baselineDays: 180,
      stockOutWindowDays: 90,
      minStockOutEpisodes: 3,
      excessCoverDays: 90,
      deadStockDays: 180,
    });
  });
});

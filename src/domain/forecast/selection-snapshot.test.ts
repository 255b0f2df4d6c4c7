import { describe, expect, it } from 'vitest';
import { type SelectForecastOptions, selectForecastMethod } from './backtest.js';

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

const SHAPES = ['smooth', 'trend', 'weekly', 'erratic', 'intermittent', 'lumpy'] as const;
const LENGTHS = [40, 120, 365, 730];

type Case = { name: string; demand: Float64Array; options: SelectForecastOptions };

/** Seeded whole-unit histories of every shape and length; every third has a stock-out run, some ask h 14 or RMSSE. */
function cases(): Case[] {
  const list: Case[] = [];
  for (const shape of SHAPES) {
    for (const days of LENGTHS) {
      for (let copy = 0; copy < 2; copy++) {
        const index = list.length;
        const random = mulberry32(1000 + index);
        const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const level = 5 + random() * 30;
        const noise = 0.1 + random() * 0.3;
        const slope = ((random() - 0.3) * (2 * level)) / days;
        const p = 0.05 + random() * 0.3;
        const demand = new Float64Array(days);
        for (let t = 0; t < days; t++) {
          let v = 0;
          if (shape === 'smooth') v = level * (1 + noise * normal());
          else if (shape === 'trend') v = (level + slope * t) * (1 + noise * normal());
          else if (shape === 'weekly') v = level * (t % 7 >= 5 ? 2.2 : 1) * (1 + noise * normal());
          else if (shape === 'erratic') v = random() < 0.9 ? Math.exp(2 + 1.1 * normal()) : 0;
          else if (shape === 'intermittent') v = random() < p ? 1 + Math.floor(random() * 5) : 0;
          else v = random() < p ? Math.exp(1 + 1.2 * normal()) : 0;
          demand[t] = Math.max(0, Math.round(v));
        }
        const options: SelectForecastOptions = {};
        if (index % 3 === 1) {
          const flags = new Uint8Array(days);
          const start = Math.floor(random() * (days - 10));
          for (let t = start; t < Math.min(days, start + 3 + Math.floor(random() * 15)); t++) flags[t] = 1;
          options.stockOutDays = flags;
        }
        if (index % 4 === 3) options.horizonDays = 14;
        if (index % 5 === 4) options.rankBy = 'rmsse';
        list.push({ name: `${shape} ${days} days #${copy}`, demand, options });
      }
    }
  }
  return list;
}

/**
 * What `selectForecastMethod` chose on each case before the selection was made faster (commit 521b399): the method,
 * meanPerDay and sdPerDay to 12 significant digits, and the reason (which carries the winner's and the runner-up's
 * score to 3 decimals). A faster selection must choose, forecast and explain exactly the same.
 */
const BEFORE: [string, string, number, number, string][] = [
  [
    'smooth 40 days #0',
    'ses',
    28.5764049412,
    8.52344219225,
    'ses: lowest MASE 0.645 over 1 origins × 7 days (next: holt 0.653); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.09 ≤ 0.49), no weekly pattern (r₇ 0.16), candidates ses, holt',
  ],
  [
    'smooth 40 days #1',
    'holt',
    9.10227599649,
    1.69641869343,
    'holt: lowest MASE 0.602 over 1 origins × 7 days (next: ses 0.612); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.03 ≤ 0.49), no weekly pattern (r₇ 0.00), candidates ses, holt',
  ],
  [
    'smooth 120 days #0',
    'ses',
    17.7667822721,
    5.02578134471,
    'ses: lowest MASE 0.673 over 8 origins × 7 days (next: holt 0.685); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.08 ≤ 0.49), no weekly pattern (r₇ -0.11), candidates ses, holt',
  ],
  [
    'smooth 120 days #1',
    'holt',
    15.0145017812,
    2.29325668634,
    'holt: lowest MASE 0.693 over 8 origins × 14 days (next: ses 0.720); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.02 ≤ 0.49), weekly pattern (r₇ 0.18), candidates ses, holt, holt_winters_additive, holt_winters_multiplicative',
  ],
  [
    'smooth 365 days #0',
    'ses',
    10.0385590882,
    1.85976862063,
    'ses: lowest RMSSE 0.689 over 8 origins × 7 days (next: holt 0.693); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.03 ≤ 0.49), no weekly pattern (r₇ -0.07), candidates ses, holt',
  ],
  [
    'smooth 365 days #1',
    'holt',
    18.516443067,
    5.22379586499,
    'holt: lowest MASE 0.630 over 8 origins × 7 days (next: ses 0.635); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.09 ≤ 0.49), no weekly pattern (r₇ -0.02), candidates ses, holt',
  ],
  [
    'smooth 730 days #0',
    'ses',
    15.4842720854,
    2.6186814316,
    'ses: lowest MASE 0.794 over 8 origins × 7 days (next: holt 0.799); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.03 ≤ 0.49), no weekly pattern (r₇ 0.01), candidates ses, holt',
  ],
  [
    'smooth 730 days #1',
    'ses',
    32.3329650682,
    5.34246377137,
    'ses: lowest MASE 0.823 over 8 origins × 14 days (next: holt 0.823); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.03 ≤ 0.49), no weekly pattern (r₇ -0.05), candidates ses, holt',
  ],
  [
    'trend 40 days #0',
    'holt',
    36.3753843488,
    9.88684841494,
    'holt: lowest MASE 1.003 over 1 origins × 7 days (next: ses 1.145); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.11 ≤ 0.49), no weekly pattern (r₇ -0.23), candidates ses, holt',
  ],
  [
    'trend 40 days #1',
    'holt',
    35.1013109241,
    7.47730795719,
    'holt: lowest RMSSE 1.275 over 1 origins × 7 days (next: ses 1.344); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.08 ≤ 0.49), no weekly pattern (r₇ 0.02), candidates ses, holt',
  ],
  [
    'trend 120 days #0',
    'holt',
    36.2222890543,
    9.78256916932,
    'holt: lowest MASE 0.709 over 8 origins × 7 days (next: ses 0.727); demand is smooth (ADI 1.01 ≤ 1.32, CV² 0.14 ≤ 0.49), no weekly pattern (r₇ 0.09), candidates ses, holt',
  ],
  [
    'trend 120 days #1',
    'holt',
    71.008746411,
    17.6202276733,
    'holt: lowest MASE 0.929 over 8 origins × 14 days (next: ses 0.949); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.14 ≤ 0.49), no weekly pattern (r₇ 0.15), candidates ses, holt',
  ],
  [
    'trend 365 days #0',
    'ses',
    18.0127355889,
    4.41540493427,
    'ses: lowest MASE 0.726 over 8 origins × 7 days (next: holt 0.736); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.08 ≤ 0.49), no weekly pattern (r₇ -0.04), candidates ses, holt',
  ],
  [
    'trend 365 days #1',
    'holt',
    9.7168215163,
    1.21937151204,
    'holt: lowest MASE 0.910 over 8 origins × 7 days (next: ses 0.934); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.05 ≤ 0.49), weekly pattern (r₇ 0.11), candidates ses, holt, holt_winters_additive, holt_winters_multiplicative',
  ],
  [
    'trend 730 days #0',
    'ses',
    20.1761244611,
    5.43810570217,
    'ses: lowest RMSSE 1.001 over 8 origins × 7 days (next: holt 1.008); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.16 ≤ 0.49), no weekly pattern (r₇ 0.01), candidates ses, holt',
  ],
  [
    'trend 730 days #1',
    'ses',
    14.2542004272,
    5.39824054443,
    'ses: lowest MASE 0.860 over 8 origins × 14 days (next: holt 0.867); demand is smooth (ADI 1.01 ≤ 1.32, CV² 0.15 ≤ 0.49), no weekly pattern (r₇ -0.07), candidates ses, holt',
  ],
  [
    'weekly 40 days #0',
    'holt',
    42.8726048424,
    34.4989018889,
    'holt: lowest MASE 1.405 over 1 origins × 7 days (next: ses 1.453); demand is smooth (ADI 1.03 ≤ 1.32, CV² 0.43 ≤ 0.49), no weekly pattern (r₇ 0.00), candidates ses, holt',
  ],
  [
    'weekly 40 days #1',
    'holt_winters_multiplicative',
    15.1093358649,
    2.36922324196,
    'holt_winters_multiplicative: lowest MASE 0.197 over 1 origins × 7 days (next: holt_winters_additive 0.251); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.20 ≤ 0.49), weekly pattern (r₇ 0.71), candidates ses, holt, holt_winters_additive, holt_winters_multiplicative',
  ],
  [
    'weekly 120 days #0',
    'holt_winters_additive',
    35.2950706325,
    15.9300347891,
    'holt_winters_additive: lowest MASE 0.555 over 8 origins × 7 days (next: holt_winters_multiplicative 0.557); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.36 ≤ 0.49), weekly pattern (r₇ 0.57), candidates ses, holt, holt_winters_additive, holt_winters_multiplicative',
  ],
  [
    'weekly 120 days #1',
    'holt_winters_additive',
    11.2092633184,
    4.53134602264,
    'holt_winters_additive: lowest RMSSE 0.836 over 8 origins × 14 days (next: ses 0.869); demand is smooth (ADI 1.01 ≤ 1.32, CV² 0.29 ≤ 0.49), weekly pattern (r₇ 0.44), candidates ses, holt, holt_winters_additive, holt_winters_multiplicative',
  ],
  [
    'weekly 365 days #0',
    'holt_winters_additive',
    11.0259779521,
    5.22424248271,
    'holt_winters_additive: lowest MASE 0.601 over 8 origins × 7 days (next: ses 0.813); demand is smooth (ADI 1.01 ≤ 1.32, CV² 0.32 ≤ 0.49), weekly pattern (r₇ 0.46), candidates ses, holt, holt_winters_additive, holt_winters_multiplicative',
  ],
  [
    'weekly 365 days #1',
    'holt_winters_multiplicative',
    43.1447108362,
    18.1938789659,
    'holt_winters_multiplicative: lowest MASE 0.528 over 8 origins × 7 days (next: holt_winters_additive 0.529); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.29 ≤ 0.49), weekly pattern (r₇ 0.56), candidates ses, holt, holt_winters_additive, holt_winters_multiplicative',
  ],
  [
    'weekly 730 days #0',
    'holt_winters_additive',
    44.0292574877,
    10.3652438716,
    'holt_winters_additive: lowest MASE 0.340 over 8 origins × 7 days (next: holt_winters_multiplicative 0.342); demand is smooth (ADI 1.00 ≤ 1.32, CV² 0.21 ≤ 0.49), weekly pattern (r₇ 0.77), candidates ses, holt, holt_winters_additive, holt_winters_multiplicative',
  ],
  [
    'weekly 730 days #1',
    'holt_winters_additive',
    29.0807720365,
    12.146064823,
    'holt_winters_additive: lowest MASE 0.511 over 8 origins × 14 days (next: ses 0.756); demand is smooth (ADI 1.01 ≤ 1.32, CV² 0.32 ≤ 0.49), weekly pattern (r₇ 0.55), candidates ses, holt, holt_winters_additive, holt_winters_multiplicative',
  ],
  [
    'erratic 40 days #0',
    'ses',
    32.1870552444,
    34.654546713,
    'ses: lowest RMSSE 0.613 over 1 origins × 7 days (next: sba 0.616); demand is erratic (ADI 1.08 ≤ 1.32, CV² 1.98 > 0.49), no weekly pattern (r₇ -0.10), candidates ses, sba, tsb, holt',
  ],
  [
    'erratic 40 days #1',
    'ses',
    12.2618374903,
    22.3910975565,
    'ses: lowest MASE 0.890 over 1 origins × 7 days (next: sba 0.943); demand is erratic (ADI 1.16 ≤ 1.32, CV² 2.09 > 0.49), no weekly pattern (r₇ 0.00), candidates ses, sba, tsb, holt',
  ],
  [
    'erratic 120 days #0',
    'ses',
    9.69860007778,
    10.7389048261,
    'ses: lowest MASE 0.786 over 8 origins × 7 days (next: sba 0.801); demand is erratic (ADI 1.08 ≤ 1.32, CV² 1.08 > 0.49), no weekly pattern (r₇ -0.04), candidates ses, sba, tsb, holt',
  ],
  [
    'erratic 120 days #1',
    'holt',
    14.6296037472,
    38.6005977527,
    'holt: lowest MASE 0.571 over 8 origins × 14 days (next: sba 0.592); demand is erratic (ADI 1.15 ≤ 1.32, CV² 4.44 > 0.49), no weekly pattern (r₇ 0.00), candidates ses, sba, tsb, holt',
  ],
  [
    'erratic 365 days #0',
    'ses',
    10.2793169921,
    28.6582550004,
    'ses: lowest MASE 0.599 over 8 origins × 7 days (next: sba 0.606); demand is erratic (ADI 1.13 ≤ 1.32, CV² 4.18 > 0.49), no weekly pattern (r₇ 0.08), candidates ses, sba, tsb, holt',
  ],
  [
    'erratic 365 days #1',
    'holt',
    10.1064618566,
    17.3009808191,
    'holt: lowest RMSSE 0.338 over 8 origins × 7 days (next: sba 0.338); demand is erratic (ADI 1.10 ≤ 1.32, CV² 2.11 > 0.49), no weekly pattern (r₇ 0.01), candidates ses, sba, tsb, holt',
  ],
  [
    'erratic 730 days #0',
    'sba',
    10.7113019416,
    18.6013351002,
    'sba: lowest MASE 0.756 over 8 origins × 7 days (next: holt 0.761); demand is erratic (ADI 1.15 ≤ 1.32, CV² 2.08 > 0.49), no weekly pattern (r₇ -0.02), candidates ses, sba, tsb, holt',
  ],
  [
    'erratic 730 days #1',
    'holt',
    8.4232310606,
    15.5404740746,
    'holt: lowest MASE 0.512 over 8 origins × 14 days (next: sba 0.526); demand is erratic (ADI 1.12 ≤ 1.32, CV² 1.59 > 0.49), no weekly pattern (r₇ 0.01), candidates ses, sba, tsb, holt',
  ],
  [
    'intermittent 40 days #0',
    'tsb',
    0.232060817425,
    0.812635872882,
    'tsb: lowest MASE 0.747 over 1 origins × 7 days (next: sba 0.953); demand is intermittent (ADI 5.71 > 1.32, CV² 0.23 ≤ 0.49), candidates croston, sba, tsb',
  ],
  [
    'intermittent 40 days #1',
    'tsb',
    0.398676178068,
    2.00359678586,
    'tsb: lowest MASE 0.699 over 1 origins × 7 days (next: sba 1.276); demand is intermittent (ADI 6.67 > 1.32, CV² 0.04 ≤ 0.49), candidates croston, sba, tsb',
  ],
  [
    'intermittent 120 days #0',
    'sba',
    1.06955739312,
    1.76558356315,
    'sba: lowest RMSSE 0.655 over 8 origins × 7 days (next: croston 0.657); demand is intermittent (ADI 3.08 > 1.32, CV² 0.13 ≤ 0.49), candidates croston, sba, tsb',
  ],
  [
    'intermittent 120 days #1',
    'sba',
    0.452769584113,
    1.17269349467,
    'sba: lowest MASE 0.876 over 8 origins × 14 days (next: croston 0.964); demand is intermittent (ADI 9.23 > 1.32, CV² 0.18 ≤ 0.49), candidates croston, sba, tsb',
  ],
  [
    'intermittent 365 days #0',
    'sba',
    1.15306911129,
    1.77236611884,
    'sba: lowest MASE 1.052 over 8 origins × 7 days (next: croston 1.058); demand is intermittent (ADI 3.26 > 1.32, CV² 0.19 ≤ 0.49), candidates croston, sba, tsb',
  ],
  [
    'intermittent 365 days #1',
    'sba',
    0.767107690872,
    1.50692457493,
    'sba: lowest MASE 0.923 over 8 origins × 7 days (next: tsb 0.923); demand is intermittent (ADI 3.41 > 1.32, CV² 0.23 ≤ 0.49), candidates croston, sba, tsb',
  ],
  [
    'intermittent 730 days #0',
    'sba',
    1.01564393891,
    1.62437492674,
    'sba: lowest MASE 0.902 over 8 origins × 7 days (next: croston 0.907); demand is intermittent (ADI 3.05 > 1.32, CV² 0.26 ≤ 0.49), candidates croston, sba, tsb',
  ],
  [
    'intermittent 730 days #1',
    'sba',
    0.895158374159,
    1.59631001198,
    'sba: lowest RMSSE 0.756 over 8 origins × 14 days (next: croston 0.758); demand is intermittent (ADI 3.56 > 1.32, CV² 0.21 ≤ 0.49), candidates croston, sba, tsb',
  ],
  [
    'lumpy 40 days #0',
    'tsb',
    0.0236950266833,
    1.63124269598,
    'tsb: lowest MASE 0.751 over 1 origins × 7 days (next: sba 1.287); demand is lumpy (ADI 16.50 > 1.32, CV² 0.81 > 0.49), candidates croston, sba, tsb',
  ],
  [
    'lumpy 40 days #1',
    'tsb',
    0.775284710847,
    2.09211853287,
    'tsb: lowest MASE 0.960 over 1 origins × 7 days (next: sba 0.982); demand is intermittent (ADI 5.71 > 1.32, CV² 0.39 ≤ 0.49), candidates croston, sba, tsb',
  ],
  [
    'lumpy 120 days #0',
    'sba',
    0.442934482235,
    3.33643092099,
    'sba: lowest MASE 0.952 over 8 origins × 7 days (next: croston 0.985); demand is lumpy (ADI 10.00 > 1.32, CV² 1.19 > 0.49), candidates croston, sba, tsb',
  ],
  [
    'lumpy 120 days #1',
    'sba',
    1.12512262256,
    3.8911306438,
    'sba: lowest MASE 0.827 over 8 origins × 14 days (next: tsb 0.848); demand is lumpy (ADI 4.96 > 1.32, CV² 1.41 > 0.49), candidates croston, sba, tsb',
  ],
  [
    'lumpy 365 days #0',
    'tsb',
    1.6609470568,
    5.37024373131,
    'tsb: lowest RMSSE 0.383 over 8 origins × 7 days (next: sba 0.385); demand is lumpy (ADI 5.00 > 1.32, CV² 3.05 > 0.49), candidates croston, sba, tsb',
  ],
  [
    'lumpy 365 days #1',
    'sba',
    2.23588267735,
    4.83855077326,
    'sba: lowest MASE 1.161 over 8 origins × 7 days (next: croston 1.169); demand is lumpy (ADI 2.68 > 1.32, CV² 1.63 > 0.49), candidates croston, sba, tsb',
  ],
  [
    'lumpy 730 days #0',
    'sba',
    0.224129283505,
    1.67773626871,
    'sba: lowest MASE 0.723 over 8 origins × 7 days (next: croston 0.732); demand is lumpy (ADI 19.05 > 1.32, CV² 1.04 > 0.49), candidates croston, sba, tsb',
  ],
  [
    'lumpy 730 days #1',
    'tsb',
    1.84713586451,
    6.57965000622,
    'tsb: lowest MASE 0.775 over 8 origins × 14 days (next: sba 0.783); demand is lumpy (ADI 3.38 > 1.32, CV² 2.61 > 0.49), candidates croston, sba, tsb',
  ],
];

describe('selectForecastMethod on seeded histories', () => {
  it('chooses, forecasts and explains exactly as before the selection was made faster', () => {
    const actual = cases().map(({ name, demand, options }) => {
      const s = selectForecastMethod(demand, options);
      return [name, s.method, s.forecast.meanPerDay, s.forecast.sdPerDay, s.reason] as const;
    });
    expect(actual.map((row) => row[0])).toEqual(BEFORE.map((row) => row[0]));
    for (let i = 0; i < actual.length; i++) {
      const [name, method, mean, sd, reason] = actual[i]!;
      const before = BEFORE[i]!;
      expect(method, name).toBe(before[1]);
      expect(mean, name).toBeCloseTo(before[2], 9);
      expect(sd, name).toBeCloseTo(before[3], 9);
      expect(reason, name).toBe(before[4]);
    }
  });

  it('is deterministic: the same histories give identical selections, rankings included', () => {
    const first = cases().map(({ demand, options }) => selectForecastMethod(demand, options));
    const second = cases().map(({ demand, options }) => selectForecastMethod(Array.from(demand), options));
    for (let i = 0; i < first.length; i++) {
      expect(second[i]!.method).toBe(first[i]!.method);
      expect(second[i]!.forecast.meanPerDay).toBe(first[i]!.forecast.meanPerDay);
      expect(second[i]!.backtest).toEqual(first[i]!.backtest);
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crostonKernel } from './croston.js';
import { prepareDemandSeries } from './demand-series.js';
import type { ForecastMethod } from './forecast.js';
import { holtKernel } from './holt.js';
import { holtWintersAdditiveKernel, holtWintersMultiplicativeKernel } from './holt-winters.js';
import { createPass, type ForecastKernel, gridPassFor, segmentsOf } from './kernel.js';
import { sbaKernel } from './sba.js';
import { sesKernel } from './ses.js';
import { tsbKernel } from './tsb.js';

const KERNELS = [
  sesKernel,
  holtKernel,
  holtWintersAdditiveKernel,
  holtWintersMultiplicativeKernel,
  crostonKernel,
  sbaKernel,
  tsbKernel,
] as unknown as ForecastKernel<ForecastMethod, unknown, unknown, unknown>[];

/** Origins as the backtest places them: every `step` days back from n − h, none before day `minTraining`. */
function originsOf(n: number, horizon: number, step: number, count: number, minTraining: number): Int32Array {
  const list: number[] = [];
  for (let k = count - 1; k >= 0; k--) {
    const origin = n - horizon - k * step;
    if (origin >= minTraining) list.push(origin);
  }
  return Int32Array.from(list);
}

const histories = fc.record({
  demand: fc.oneof(
    fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 160 }),
    fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 9 })), {
      minLength: 1,
      maxLength: 160,
    }),
    // A weekly pattern that falls off a cliff: some multiplicative Holt-Winters rows break down, others do not.
    fc
      .tuple(fc.integer({ min: 20, max: 160 }), fc.double({ min: 0.3, max: 0.8, noNaN: true }))
      .map(([n, cut]) => Array.from({ length: n }, (_, t) => (t < cut * n ? 30 + (t % 7) * 3 : 0.2))),
  ),
  flags: fc.array(fc.boolean(), { minLength: 160, maxLength: 160 }),
  flagged: fc.boolean(),
  horizon: fc.integer({ min: 1, max: 10 }),
  step: fc.integer({ min: 1, max: 9 }),
  count: fc.integer({ min: 0, max: 9 }),
  minTraining: fc.integer({ min: 1, max: 30 }),
});

describe('runGrid', () => {
  it('scores every grid row bit for bit as `run` does one row at a time, stock-out days and breakdowns included', () => {
    fc.assert(
      fc.property(histories, ({ demand, flags, flagged, horizon, step, count, minTraining }) => {
        const stockOut = flags.slice(0, demand.length).map((f, t) => f && t % 3 !== 0);
        fc.pre(!flagged || stockOut.some((f) => !f));
        const series = prepareDemandSeries(demand, flagged ? stockOut : undefined);
        const origins = originsOf(series.n, horizon, step, count, minTraining);
        const segments = segmentsOf(series, origins);
        for (const kernel of KERNELS) {
          if (kernel.method === 'holt_winters_multiplicative' && !(series.minObserved > 0)) continue;
          const state = kernel.initialise(series);
          const rows = kernel.grid.length;
          const grid = gridPassFor(horizon, origins, segments, rows);
          kernel.runGrid(series, kernel.grid, state, grid);
          for (let row = 0; row < rows; row++) {
            const one = createPass(horizon, origins);
            kernel.run(series, kernel.grid[row], state, one);
            const where = `${kernel.method} row ${row}`;
            expect(grid.ok[row], where).toBe(one.ok ? 1 : 0);
            if (!one.ok) continue;
            expect(grid.sse[row], where).toBe(one.sse);
            for (let k = 0; k < origins.length; k++) {
              const cell = row * origins.length + k;
              expect(grid.sseAtOrigin[cell], `${where} origin ${k}`).toBe(one.sseAtOrigin[k]);
              expect(grid.absErrAtOrigin[cell], `${where} origin ${k}`).toBe(one.absErrAtOrigin[k]);
              expect(grid.sqErrAtOrigin[cell], `${where} origin ${k}`).toBe(one.sqErrAtOrigin[k]);
            }
          }
        }
      }),
      { seed: 4, numRuns: 300 },
    );
  });
});

describe('segmentsOf', () => {
  it('cuts the series at every origin and at every start and end of a stock-out run', () => {
    const flags = [0, 0, 1, 1, 0, 0, 0, 1, 0, 0].map((f) => f === 1);
    const series = prepareDemandSeries(new Array(10).fill(2), flags);
    expect(Array.from(segmentsOf(series, Int32Array.from([3, 5, 8])))).toEqual([
      ...[2, 0, -1],
      ...[3, 1, 0],
      ...[4, 1, -1],
      ...[5, 0, 1],
      ...[7, 0, -1],
      ...[8, 1, 2],
      ...[10, 0, -1],
    ]);
    const plain = prepareDemandSeries(new Array(10).fill(2));
    expect(Array.from(segmentsOf(plain, Int32Array.from([4, 10 - 1])))).toEqual([4, 0, 0, 9, 0, 1, 10, 0, -1]);
  });
});

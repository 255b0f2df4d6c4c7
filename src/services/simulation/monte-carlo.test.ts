import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors.js';
import { createRandom, deriveSeed } from '../../domain/simulation/random.js';
import { simulateItem } from '../../domain/simulation/simulate-item.js';
import { CATALOGUE_OUTPUTS, RunSummary, SIM_OUTPUTS } from '../../domain/simulation/summarize.js';
import type { Disruptions, SimConfig, SimItem } from '../../domain/simulation/types.js';
import { runMonteCarlo } from './monte-carlo.js';
import { SimulationBatch } from './simulation-worker.js';

const noDisruptions: Disruptions = { outages: [], leadTimeFactors: [], demandFactors: [] };

function item(key: string, overrides: Partial<SimItem> = {}): SimItem {
  return {
    key,
    supplier: 'ACME',
    policy: { kind: 'reorder_point', reorderPointMilli: 30_000, targetMilli: 80_000 },
    extraSafetyStockMilli: 0,
    demand: { kind: 'poisson', meanPerDay: 4 },
    leadTime: { kind: 'gamma', meanDays: 5, sdDays: 2 },
    moqMilli: null,
    packSizeMilli: null,
    initialOnHandMilli: 60_000,
    unitCostMinor: 1250,
    holdingRatePerYear: 0.25,
    orderingCostMinor: 4000,
    stockoutCostMinor: 900,
    ...overrides,
  };
}

/** Seven items of different policies, demand and supply, and an outage of one supplier. */
const catalogue: SimItem[] = [
  item('BOLT@MAIN'),
  item('NUT@MAIN', { demand: { kind: 'negative_binomial', meanPerDay: 6, sdPerDay: 5 }, packSizeMilli: 10_000 }),
  item('GEAR@MAIN', { policy: { kind: 'kanban', cards: 4, containerQuantityMilli: 15_000 }, supplier: 'BETA' }),
  item('BELT@EAST', { policy: { kind: 'periodic_review', reviewDays: 7, targetMilli: 70_000 } }),
  item('PUMP@EAST', {
    policy: { kind: 'make_to_order' },
    demand: { kind: 'intermittent', probability: 0.1, sizeMean: 2, sizeSd: 1 },
  }),
  item('SEAL@EAST', { extraSafetyStockMilli: 20_000, leadTime: { kind: 'empirical', samplesDays: [3, 4, 4, 5, 9] } }),
  item('VALVE@EAST', { demand: { kind: 'normal', meanPerDay: 3.5, sdPerDay: 1.2 }, supplier: 'BETA' }),
];
const outage: Disruptions = { ...noDisruptions, outages: [{ supplier: 'BETA', fromDay: 100, days: 21 }] };
const config: SimConfig = { horizonDays: 365, unmetDemand: 'lost_sales', trajectories: false };

describe('runMonteCarlo', () => {
  it('gives the same result bit for bit inline and on 1, 2 and 3 worker threads', async () => {
    const options = { runs: 40, seed: 2024 };
    const inline = await runMonteCarlo(catalogue, config, outage, { ...options, threads: 0 });
    for (const threads of [1, 2, 3]) {
      const threaded = await runMonteCarlo(catalogue, config, outage, { ...options, threads });
      expect(threaded).toEqual(inline);
    }
    expect(inline.quantiles).toBe('exact');
    expect(inline.items.map((i) => i.key)).toEqual(catalogue.map((i) => i.key));
    const other = await runMonteCarlo(catalogue, config, outage, { runs: 40, seed: 2025, threads: 0 });
    expect(other.catalogue.totalCostMinor.mean).not.toBe(inline.catalogue.totalCostMinor.mean);
  });

  it("summarises each item from its own runs only: alone or in a catalogue, an item's spread is the same", async () => {
    const runs = 25;
    const seed = 7;
    const whole = await runMonteCarlo(catalogue, config, outage, { runs, seed, threads: 2 });
    const gear = catalogue[2]!;
    const expected = new RunSummary(SIM_OUTPUTS.length, runs);
    for (let run = 0; run < runs; run++) {
      const result = simulateItem(gear, config, outage, createRandom(deriveSeed(seed, gear.key, run)));
      expected.add(SIM_OUTPUTS.map((name) => result[name]));
    }
    const spreads = expected.spreads();
    SIM_OUTPUTS.forEach((name, j) => {
      expect(whole.items[2]!.outputs[name]).toEqual(spreads[j]);
    });
    const alone = await runMonteCarlo([gear], config, outage, { runs, seed, threads: 0 });
    expect(alone.items[0]).toEqual(whole.items[2]);
  });

  it('sums the catalogue per run over items, in integers, then spreads the runs', async () => {
    const runs = 30;
    const seed = 99;
    const result = await runMonteCarlo(catalogue, config, outage, { runs, seed, threads: 2 });
    const totals: number[] = [];
    const fillRates: number[] = [];
    const withStockout: number[] = [];
    for (let run = 0; run < runs; run++) {
      let cost = 0;
      let served = 0;
      let demand = 0;
      let out = 0;
      for (const it of catalogue) {
        const r = simulateItem(it, config, outage, createRandom(deriveSeed(seed, it.key, run)));
        cost += r.totalCostMinor;
        served += r.servedMilli;
        demand += r.demandMilli;
        if (r.stockoutDays > 0) out++;
      }
      totals.push(cost);
      fillRates.push(served / demand);
      withStockout.push(out);
    }
    const spreadOf = (values: number[]) => {
      const s = new RunSummary(1, values.length);
      for (const v of values) s.add([v]);
      return s.spreads()[0];
    };
    expect(result.catalogue.totalCostMinor).toEqual(spreadOf(totals));
    expect(result.catalogue.fillRate).toEqual(spreadOf(fillRates));
    expect(result.catalogue.itemsWithStockout).toEqual(spreadOf(withStockout));
    expect(Object.keys(result.catalogue)).toEqual([...CATALOGUE_OUTPUTS]);
    // The mean of the sums is the sum of the items' means.
    const itemMeans = result.items.reduce((sum, i) => sum + i.outputs.totalCostMinor.mean, 0);
    expect(result.catalogue.totalCostMinor.mean).toBeCloseTo(itemMeans, 6);
  });

  it('keeps P² estimates above 1,000 runs, still the same bits whatever the threads', async () => {
    const short: SimConfig = { horizonDays: 20, unmetDemand: 'backorders', trajectories: false };
    const items = catalogue.slice(0, 3);
    const inline = await runMonteCarlo(items, short, noDisruptions, { runs: 2_300, seed: 5, threads: 0 });
    const threaded = await runMonteCarlo(items, short, noDisruptions, { runs: 2_300, seed: 5, threads: 2 });
    expect(threaded).toEqual(inline);
    expect(inline.quantiles).toBe('p2');
    const demand = inline.items[0]!.outputs.demandMilli;
    // 20 days of Poisson(4) demand: mean 80 units, sd √80 ≈ 8.94; p5 ≈ 80 − 1.645·8.94 ≈ 65, p95 ≈ 95 (units).
    expect(demand.mean / 1000).toBeCloseTo(80, 0);
    expect(demand.sd / 1000).toBeCloseTo(Math.sqrt(80), 0);
    expect(Math.abs(demand.p5 / 1000 - 65.3)).toBeLessThan(2);
    expect(Math.abs(demand.p95 / 1000 - 94.7)).toBeLessThan(2);
  });

  it('holds as much state for 20,000 runs as for 2,000 (without trajectories)', () => {
    const short: SimConfig = { horizonDays: 5, unmetDemand: 'lost_sales', trajectories: false };
    const retained = (runs: number) => {
      const batch = new SimulationBatch({ items: catalogue, config: short, disruptions: noDisruptions, seed: 1, runs });
      const sizes: number[] = [];
      for (let from = 0; from < runs; from += 1000) {
        batch.runBlock(from, Math.min(runs, from + 1000));
        sizes.push(batch.retainedNumbers);
      }
      return sizes;
    };
    const few = retained(2_000);
    const many = retained(20_000);
    // After the first block each item holds its P² state; it does not grow with the blocks that follow.
    expect(new Set(many.slice(0, -1)).size).toBe(1);
    expect(many[0]).toBe(few[0]);
    expect(many.at(-1)).toBe(few.at(-1));
  });

  it('draws p5, p50 and p95 of the on hand per day when trajectories are asked for', async () => {
    const withTrajectories: SimConfig = { ...config, horizonDays: 60, trajectories: true };
    const runs = 21;
    const result = await runMonteCarlo(catalogue.slice(0, 2), withTrajectories, noDisruptions, {
      runs,
      seed: 3,
      threads: 2,
    });
    const inline = await runMonteCarlo(catalogue.slice(0, 2), withTrajectories, noDisruptions, {
      runs,
      seed: 3,
      threads: 0,
    });
    expect(result).toEqual(inline);
    const bands = result.items[1]!.onHandBands!;
    expect(bands.p50).toHaveLength(60);
    const day10 = Array.from({ length: runs }, (_, run) => {
      const r = simulateItem(
        catalogue[1]!,
        withTrajectories,
        noDisruptions,
        createRandom(deriveSeed(3, 'NUT@MAIN', run)),
      );
      return r.trajectory!.onHandMilli[10]!;
    }).sort((a, b) => a - b);
    // 21 runs: p5 at h = 20·0.05 = 1, p50 at h = 10, p95 at h = 19 (type 7).
    expect(bands.p5[10]).toBe(day10[1]);
    expect(bands.p50[10]).toBe(day10[10]);
    expect(bands.p95[10]).toBe(day10[19]);
    const without = await runMonteCarlo(catalogue.slice(0, 2), config, noDisruptions, { runs: 3, seed: 3, threads: 0 });
    expect(without.items[0]!.onHandBands).toBeUndefined();
  });

  it('reports progress up to items × runs from the workers', async () => {
    const calls: [number, number][] = [];
    await runMonteCarlo(catalogue, config, noDisruptions, {
      runs: 12,
      seed: 1,
      threads: 2,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toEqual([catalogue.length * 12, catalogue.length * 12]);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
  });

  it('refuses bad options and inputs with one error naming every field, before any run', async () => {
    const refused = await runMonteCarlo(catalogue, config, noDisruptions, { runs: 0, seed: -1, threads: 1.5 }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('LS_VALIDATION');
    expect((refused as DomainError).message).toMatch(/^runs: must be a whole number ≥ 1/);
    expect((refused as DomainError).details!.map((d) => d.field)).toEqual(['runs', 'seed', 'threads']);
    const badItem = { ...catalogue[0]!, leadTime: { kind: 'fixed' as const, days: -2 } };
    await expect(runMonteCarlo([badItem], config, noDisruptions, { runs: 5, seed: 1 })).rejects.toThrow(
      /items\[0\]\.leadTime/,
    );
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    const long: SimConfig = { ...config, horizonDays: 3650 };
    const running = runMonteCarlo(catalogue, long, noDisruptions, {
      runs: 500,
      seed: 1,
      threads: 2,
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 0) controller.abort(new Error('stopped by the test'));
      },
    });
    await expect(running).rejects.toThrow('stopped by the test');
  });

  it('answers an empty catalogue with no items and a catalogue of zeros', async () => {
    const result = await runMonteCarlo([], config, noDisruptions, { runs: 3, seed: 1, threads: 2 });
    expect(result.items).toEqual([]);
    expect(result.catalogue.totalCostMinor).toEqual({ mean: 0, sd: 0, p5: 0, p50: 0, p95: 0 });
    expect(result.catalogue.fillRate.mean).toBe(1);
  });
});

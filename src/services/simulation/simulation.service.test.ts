import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import {
  SIMULATION_NOW,
  SIMULATION_ON_HAND,
  seedSimulationCatalogue,
} from '../../../test/support/simulation-catalogue.js';
import { DomainError, type FieldProblem } from '../../domain/errors.js';
import { createRandom, deriveSeed } from '../../domain/simulation/random.js';
import { parseScenario } from '../../domain/simulation/scenario.js';
import { simulateItem } from '../../domain/simulation/simulate-item.js';
import type { Database } from '../../store/database.js';
import { checkScenarioAgainstCatalogue, loadScenario, prepareSimulation, runScenario } from './simulation.service.js';

const now = SIMULATION_NOW;

/** 90 days, 24 runs, quoted lead times (ACME 5 days, BETA 8): small and quick. */
function scenarioOf(fields: Record<string, unknown> = {}) {
  return parseScenario({
    name: 'test',
    horizon_days: 90,
    runs: 24,
    seed: 11,
    lead_time: 'quoted',
    policies: ['current', 'lean', { name: 'buffered', extra_days: 14 }],
    ...fields,
  });
}

const acmeClosed = { disruptions: { outages: [{ supplier: 'ACME', from_day: 20, days: 21 }] } };

async function refusal(work: Promise<unknown>): Promise<FieldProblem[]> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe('LS_VALIDATION');
  return (error as DomainError).details ?? [];
}

/** What a simulation could write: the demand-history cache and its state, saved scenarios, jobs, the audit log. */
async function writableState(database: Database) {
  const db = database.db;
  const count = async (table: 'demand_history' | 'simulation_scenarios' | 'simulation_jobs' | 'audit_log') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    demandHistory: await count('demand_history'),
    planningState: await db.selectFrom('planning_state').select(['name', 'value']).orderBy('name').execute(),
    scenarios: await count('simulation_scenarios'),
    jobs: await count('simulation_jobs'),
    audit: await count('audit_log'),
  };
}

describeEachDialect('simulation service', ({ database }) => {
  it('runs a scenario over the catalogue: every pair with a policy and a source, the others skipped with the reason', async () => {
    await seedSimulationCatalogue(database());
    const report = await runScenario(database(), scenarioOf(acmeClosed), { now, threads: 0 });
    expect(report.start_date).toBe('2026-04-10');
    expect(report.data_through).toBe('2026-04-09');
    expect(report.items.map((i) => [i.sku, i.supplier, i.category, i.lead_time])).toEqual([
      ['BOLT', 'ACME', 'fasteners', '5 d'],
      ['GEAR', 'BETA', 'drives', '8 d'],
      ['NUT', 'ACME', 'fasteners', '5 d'],
      ['SEAL', 'BETA', null, '8 d'],
    ]);
    expect(report.skipped).toEqual([
      { sku: 'WASHER', location: 'BER', reason: 'no active source: no supplier to order from' },
    ]);
    // BOLT: 8 a day; buffered holds 14 days of it on top: 112 units.
    const bolt = report.items[0]!;
    expect(bolt.demand_per_day).toBe(8);
    expect(bolt.variants['current']!.policy).toEqual({ kind: 'reorder_point', reorder_point: 50, target: 150 });
    expect(bolt.variants['buffered']).toMatchObject({ extra_safety_stock: 112 });
    expect(report.variants.map((v) => [v.name, v.extra_days])).toEqual([
      ['current', 0],
      ['lean', 0],
      ['buffered', 14],
    ]);
    // Without a plan, lean is the policy in force: the same seed gives it the same outcome as current.
    for (const item of report.items) {
      const { policy: _lean, ...lean } = item.variants['lean']!;
      const { policy: _current, ...current } = item.variants['current']!;
      expect(lean).toEqual(current);
    }
    expect(report.categories.map((g) => [g.group, g.items])).toEqual([
      ['(none)', 1],
      ['drives', 1],
      ['fasteners', 2],
    ]);
    expect(report.findings.at(-1)).toBe('1 item × location pair was not simulated (see skipped).');
    expect(report.chart.windows).toEqual([{ from_day: 20, days: 21, label: 'ACME closed' }]);
  });

  it('gives the same report for the same seed, inline and on 1 and 2 threads, and another for another seed', async () => {
    await seedSimulationCatalogue(database());
    const scenario = scenarioOf(acmeClosed);
    const inline = await runScenario(database(), scenario, { now, threads: 0 });
    expect(await runScenario(database(), scenario, { now, threads: 1 })).toEqual(inline);
    expect(await runScenario(database(), scenario, { now, threads: 2 })).toEqual(inline);
    const reseeded = await runScenario(database(), { ...scenario, seed: 12 }, { now, threads: 0 });
    expect(reseeded.catalogue.variants[0]!.total_cost_per_year).not.toBe(
      inline.catalogue.variants[0]!.total_cost_per_year,
    );
  });

  it('reports progress up to items × runs × variants', async () => {
    await seedSimulationCatalogue(database());
    const seen: Array<[number, number]> = [];
    await runScenario(database(), scenarioOf(), {
      now,
      threads: 0,
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(seen.at(-1)).toEqual([4 * 24 * 3, 4 * 24 * 3]);
    expect(seen.every(([done], i) => i === 0 || done >= seen[i - 1]![0])).toBe(true);
  });

  it('changes only the items sourced from a closed supplier: the others are bit-identical to the run without it', async () => {
    await seedSimulationCatalogue(database());
    const open = await runScenario(database(), scenarioOf(), { now, threads: 0 });
    const closed = await runScenario(database(), scenarioOf(acmeClosed), { now, threads: 0 });
    const bySku = (report: typeof open) => new Map(report.items.map((item) => [item.sku, item]));
    const before = bySku(open);
    const after = bySku(closed);
    for (const sku of ['GEAR', 'SEAL']) {
      expect(after.get(sku)).toEqual(before.get(sku));
      expect(after.get(sku)!.variants['current']!.disrupted_stockout_days).toBeNull();
    }
    for (const sku of ['BOLT', 'NUT']) {
      expect(after.get(sku)!.variants['current']!.total_cost_per_year).not.toBe(
        before.get(sku)!.variants['current']!.total_cost_per_year,
      );
      expect(after.get(sku)!.variants['current']!.disrupted_stockout_days).toEqual(expect.any(Number));
      expect(before.get(sku)!.variants['current']!.disrupted_stockout_days).toBeNull();
    }
    expect(open.stops_work).toBeNull();
    expect(closed.stops_work).not.toBeNull();
  });

  it('conserves stock in every run of every item and variant: received = ordered − open, demand = served + short', async () => {
    await seedSimulationCatalogue(database());
    for (const unmet of ['lost_sales', 'backorders'] as const) {
      const scenario = scenarioOf({
        ...acmeClosed,
        unmet_demand: unmet,
        partial_deliveries: { probability: 0.3, fraction: 0.5 },
      });
      const prepared = await prepareSimulation(database(), scenario, now);
      expect(prepared.disruptions.outages).toEqual([{ supplier: 'ACME', fromDay: 20, days: 21 }]);
      const config = { horizonDays: scenario.horizonDays, unmetDemand: unmet, trajectories: false };
      let ordered = 0;
      for (const item of prepared.items) {
        expect(item.sim[0]!.initialOnHandMilli).toBe(SIMULATION_ON_HAND[item.sku]! * 1000);
        for (const sim of item.sim) {
          for (let run = 0; run < 10; run++) {
            const random = createRandom(deriveSeed(scenario.seed, sim.key, run));
            const result = simulateItem(sim, config, prepared.disruptions, random);
            expect(result.receivedMilli).toBe(result.orderedMilli - result.openOnOrderMilli);
            expect(result.demandMilli).toBe(result.servedMilli + result.shortMilli);
            if (unmet === 'lost_sales') expect(result.backordersEndMilli).toBe(0);
            expect(result.onHandEndMilli).toBeGreaterThanOrEqual(0);
            ordered += result.orderedMilli;
          }
        }
      }
      // Not vacuous: the items do order.
      expect(ordered).toBeGreaterThan(0);
    }
  });

  it('refuses SKUs, categories, locations and suppliers the catalogue does not know, naming each field, and writes nothing', async () => {
    await seedSimulationCatalogue(database());
    const before = await writableState(database());
    const scenario = scenarioOf({
      items: { skus: ['BOLT', 'BOLTT'], category: 'fastners', location: 'PAR' },
      disruptions: {
        outages: [{ supplier: 'ACNE', from_day: 10, days: 5 }],
        lead_time_factors: [{ supplier: 'BETTA', from_day: 0, days: 5, factor: 2 }],
        demand_factors: [{ skus: ['GEER'], from_day: 0, days: 5, factor: 2 }],
      },
      policies: [
        'current',
        { name: 'custom', set: [{ sku: 'SEEL', location: 'MUC', kind: 'reorder_point', reorder_point: 1, target: 2 }] },
      ],
    });
    const expected = [
      { field: 'items.skus[1]', message: 'unknown SKU BOLTT', value: 'BOLTT' },
      { field: 'items.category', message: 'no active item has category fastners', value: 'fastners' },
      { field: 'items.location', message: 'unknown location PAR', value: 'PAR' },
      { field: 'disruptions.outages[0].supplier', message: 'unknown supplier ACNE', value: 'ACNE' },
      { field: 'disruptions.lead_time_factors[0].supplier', message: 'unknown supplier BETTA', value: 'BETTA' },
      { field: 'disruptions.demand_factors[0].skus[0]', message: 'unknown SKU GEER', value: 'GEER' },
      { field: 'policies[1].set[0].sku', message: 'unknown SKU SEEL', value: 'SEEL' },
      { field: 'policies[1].set[0].location', message: 'unknown location MUC', value: 'MUC' },
    ];
    expect(await refusal(runScenario(database(), scenario, { now, threads: 0 }))).toEqual(expected);
    expect(await refusal(checkScenarioAgainstCatalogue(database(), scenario))).toEqual(expected);
    expect(await refusal(loadScenario(database(), { name: 'x', items: { skus: ['NOPE'] } }))).toEqual([
      { field: 'items.skus[0]', message: 'unknown SKU NOPE', value: 'NOPE' },
    ]);
    expect(await writableState(database())).toEqual(before);
  });

  it('refuses an outage of a supplier that supplies none of the simulated items, and a filter that selects nothing', async () => {
    await seedSimulationCatalogue(database());
    const idle = scenarioOf({ disruptions: { outages: [{ supplier: 'IDLE', from_day: 10, days: 5 }] } });
    expect(await refusal(runScenario(database(), idle, { now, threads: 0 }))).toEqual([
      { field: 'disruptions.outages[0].supplier', message: 'IDLE supplies none of the simulated items', value: 'IDLE' },
    ]);
    // BETA supplies GEAR and SEAL, neither of them a fastener.
    const elsewhere = scenarioOf({
      items: { category: 'fasteners' },
      disruptions: { outages: [{ supplier: 'BETA', from_day: 10, days: 5 }] },
    });
    expect((await refusal(runScenario(database(), elsewhere, { now, threads: 0 })))[0]!.field).toBe(
      'disruptions.outages[0].supplier',
    );
    const before = await writableState(database());
    await database().db.deleteFrom('policies').where('kind', '=', 'kanban').execute();
    const nuts = scenarioOf({ items: { skus: ['NUT'] } });
    expect(await refusal(runScenario(database(), nuts, { now, threads: 0 }))).toEqual([
      { field: 'items', message: 'no item × location with a policy matches the filter' },
    ]);
    expect((await writableState(database())).demandHistory).toBe(before.demandHistory);
  });

  it('refuses a scenario none of whose items can be simulated, saying why for the first', async () => {
    await seedSimulationCatalogue(database());
    const error = await runScenario(database(), scenarioOf({ policies: ['recommended'] }), { now, threads: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toBe(
      'items: none of the 5 selected item × location pairs can be simulated (first: BOLT at BER: recommended: no recommendation (run leanstock plan first))',
    );
  });

  it('narrows to the items of a category, a location or a list of SKUs', async () => {
    await seedSimulationCatalogue(database());
    const skusOf = async (items: Record<string, unknown>) =>
      (await runScenario(database(), scenarioOf({ items, runs: 2 }), { now, threads: 0 })).items.map((i) => i.sku);
    expect(await skusOf({ category: 'fasteners' })).toEqual(['BOLT', 'NUT']);
    expect(await skusOf({ skus: ['SEAL', 'GEAR'] })).toEqual(['GEAR', 'SEAL']);
    expect(await skusOf({ location: 'BER', skus: ['NUT'] })).toEqual(['NUT']);
  });

  it('uses an explicit policy of a variant for its SKU and the base policy for the others', async () => {
    await seedSimulationCatalogue(database());
    const scenario = scenarioOf({
      policies: [
        'current',
        { name: 'big-bolts', set: [{ sku: 'BOLT', kind: 'reorder_point', reorder_point: 200, target: 400 }] },
      ],
    });
    const report = await runScenario(database(), scenario, { now, threads: 0 });
    const bolt = report.items.find((i) => i.sku === 'BOLT')!;
    expect(bolt.variants['big-bolts']!.policy).toEqual({ kind: 'reorder_point', reorder_point: 200, target: 400 });
    expect(bolt.variants['big-bolts']!.holding_cost_per_year).toBeGreaterThan(
      bolt.variants['current']!.holding_cost_per_year,
    );
    const gear = report.items.find((i) => i.sku === 'GEAR')!;
    const { policy: _a, ...custom } = gear.variants['big-bolts']!;
    const { policy: _b, ...current } = gear.variants['current']!;
    expect(custom).toEqual(current);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { DomainError, type FieldProblem } from '../errors.js';
import {
  formatScenario,
  MAX_SCENARIO_HORIZON_DAYS,
  MAX_SCENARIO_RUNS,
  parseScenario,
  parseScenarioText,
  type Scenario,
} from './scenario.js';

/** The problems a bad scenario is refused with (the test fails when it is accepted). */
function problemsOf(raw: unknown, defaultName?: string): FieldProblem[] {
  try {
    parseScenario(raw, defaultName);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('LS_VALIDATION');
    return (error as DomainError).details ?? [];
  }
  throw new Error(`accepted: ${JSON.stringify(raw)}`);
}

function fieldsOf(raw: unknown): string[] {
  return problemsOf(raw).map((p) => p.field);
}

const FULL_YAML = `
# Every field written out.
name: acme-closed
description: ACME closed for three weeks
horizon_days: 180
runs: 500
seed: 42
unmet_demand: backorders
items:
  skus: [BOLT, NUT]
  category: fasteners
  location: BER
demand:
  model: parametric
  distribution: negative_binomial
  weekly: [1.2, 1.1, 1, 1, 0.9, 0.4, 0.4]
  spikes: { probability: 0.02, multiplier: 3 }
lead_time:
  source: given
  days: 12
  sd_days: 3
partial_deliveries: { probability: 0.1, fraction: 0.6 }
disruptions:
  outages:
    - { supplier: ACME, from_day: 100, days: 21 }
  lead_time_factors:
    - { supplier: BETA, from_day: 30, days: 60, factor: 3 }
    - { from_day: 0, days: 10, factor: 1.5 }
  demand_factors:
    - { skus: [BOLT], from_day: 50, days: 14, factor: 1.8 }
    - { from_day: 170, days: 10, factor: 0.5 }
policies:
  - current
  - lean
  - name: buffered
    extra_days: 14
  - name: big-bolts
    base: recommended
    set:
      - { sku: BOLT, kind: reorder_point, reorder_point: 40, target: 120.5 }
      - { sku: NUT, location: BER, kind: kanban, cards: 3, container_quantity: 25 }
service_floor: { measure: cycle_service, level: 0.9 }
stockout_cost: { per_unit: 12.5 }
holding_rate_per_year: 0.22
`;

const FULL: Scenario = {
  name: 'acme-closed',
  description: 'ACME closed for three weeks',
  horizonDays: 180,
  runs: 500,
  seed: 42,
  unmetDemand: 'backorders',
  items: { skus: ['BOLT', 'NUT'], category: 'fasteners', location: 'BER' },
  demand: {
    model: 'parametric',
    distribution: 'negative_binomial',
    weekly: [1.2, 1.1, 1, 1, 0.9, 0.4, 0.4],
    spikes: { probability: 0.02, multiplier: 3 },
  },
  leadTime: { source: 'given', days: 12, sdDays: 3 },
  partialDeliveries: { probability: 0.1, fraction: 0.6 },
  disruptions: {
    outages: [{ supplier: 'ACME', fromDay: 100, days: 21 }],
    leadTimeFactors: [
      { supplier: 'BETA', fromDay: 30, days: 60, factor: 3 },
      { supplier: null, fromDay: 0, days: 10, factor: 1.5 },
    ],
    demandFactors: [
      { skus: ['BOLT'], fromDay: 50, days: 14, factor: 1.8 },
      { skus: null, fromDay: 170, days: 10, factor: 0.5 },
    ],
  },
  policies: [
    { name: 'current', base: 'current', extraDays: 0, set: [] },
    { name: 'lean', base: 'lean', extraDays: 0, set: [] },
    { name: 'buffered', base: 'lean', extraDays: 14, set: [] },
    {
      name: 'big-bolts',
      base: 'recommended',
      extraDays: 0,
      set: [
        {
          sku: 'BOLT',
          location: null,
          policy: { kind: 'reorder_point', reorderPointMilli: 40_000, targetMilli: 120_500 },
        },
        { sku: 'NUT', location: 'BER', policy: { kind: 'kanban', cards: 3, containerQuantityMilli: 25_000 } },
      ],
    },
  ],
  serviceFloor: { measure: 'cycle_service', level: 0.9 },
  stockoutCost: { kind: 'per_unit', amount: 12.5 },
  holdingRatePerYear: 0.22,
};

describe('parseScenario', () => {
  it('reads a YAML scenario with every field to the plain scenario', () => {
    expect(parseScenario(parseScenarioText(FULL_YAML))).toEqual(FULL);
  });

  it('reads the same scenario from JSON', () => {
    const json = JSON.stringify(parseScenarioText(FULL_YAML));
    expect(parseScenario(parseScenarioText(json))).toEqual(FULL);
    expect(parseScenario(parseScenarioText(` \n${json}`, 'json'))).toEqual(FULL);
  });

  it('fills in the defaults: a year, 200 runs, seed 1, lost sales, all items, weekly bootstrap, measured lead times', () => {
    expect(parseScenario({ name: 'plain' })).toEqual({
      name: 'plain',
      description: null,
      horizonDays: 365,
      runs: 200,
      seed: 1,
      unmetDemand: 'lost_sales',
      items: {},
      demand: { model: 'bootstrap', blockDays: 7 },
      leadTime: { source: 'measured' },
      partialDeliveries: null,
      disruptions: { outages: [], leadTimeFactors: [], demandFactors: [] },
      policies: [
        { name: 'current', base: 'current', extraDays: 0, set: [] },
        { name: 'lean', base: 'lean', extraDays: 0, set: [] },
        // null: the planning setting buffer_days, resolved when the scenario runs.
        { name: 'buffered', base: 'lean', extraDays: null, set: [] },
      ],
      serviceFloor: { measure: 'fill_rate', level: 0.95 },
      stockoutCost: { kind: 'unit_cost_multiple', multiple: 1 },
      holdingRatePerYear: null,
    } satisfies Scenario);
  });

  it('takes the short forms: a string demand model or lead-time source, a number as the fill-rate floor, items: all', () => {
    const scenario = parseScenario({
      name: 'short',
      items: 'all',
      demand: 'replay',
      lead_time: 'quoted',
      service_floor: 0.98,
      policies: ['recommended'],
    });
    expect(scenario.items).toEqual({});
    expect(scenario.demand).toEqual({ model: 'replay' });
    expect(scenario.leadTime).toEqual({ source: 'quoted' });
    expect(scenario.serviceFloor).toEqual({ measure: 'fill_rate', level: 0.98 });
    expect(scenario.policies).toEqual([{ name: 'recommended', base: 'recommended', extraDays: 0, set: [] }]);
    expect(parseScenario({ name: 'p', demand: { model: 'parametric' } }).demand).toEqual({
      model: 'parametric',
      distribution: 'auto',
      weekly: false,
      spikes: null,
    });
    expect(parseScenario({ name: 'g', lead_time: { days: 5 } }).leadTime).toEqual({
      source: 'given',
      days: 5,
      sdDays: 0,
    });
  });

  it('names a scenario without a name after the default (a file name), and the inner name wins', () => {
    expect(parseScenario({}, 'main-supplier-closed').name).toBe('main-supplier-closed');
    expect(parseScenario({ name: 'inner' }, 'file').name).toBe('inner');
    expect(fieldsOf({})).toEqual(['name']);
    expect(problemsOf({}, 'my scenario.v2')[0]).toMatchObject({ field: 'name', value: 'my scenario.v2' });
  });

  it('accepts an outage on the last day of the horizon and one that ends on it', () => {
    const scenario = parseScenario({
      name: 'edges',
      horizon_days: 100,
      disruptions: {
        outages: [
          { supplier: 'ACME', from_day: 99, days: 1 },
          { supplier: 'ACME', from_day: 0, days: 100 },
        ],
      },
    });
    expect(scenario.disruptions.outages).toEqual([
      { supplier: 'ACME', fromDay: 99, days: 1 },
      { supplier: 'ACME', fromDay: 0, days: 100 },
    ]);
  });
});

describe('parseScenario refuses a bad scenario naming every bad field', () => {
  it('refuses a negative lead time', () => {
    const problems = problemsOf({ name: 'x', lead_time: { source: 'given', days: -2 } });
    expect(problems).toEqual([{ field: 'lead_time.days', message: 'must be ≥ 0 and ≤ 3650', value: -2 }]);
    expect(fieldsOf({ name: 'x', lead_time: { source: 'given', days: 5, sd_days: -1 } })).toEqual([
      'lead_time.sd_days',
    ]);
    expect(fieldsOf({ name: 'x', lead_time: { source: 'given' } })).toEqual(['lead_time.days']);
    expect(fieldsOf({ name: 'x', lead_time: { source: 'given', days: 0, sd_days: 2 } })).toEqual(['lead_time.sd_days']);
    expect(fieldsOf({ name: 'x', lead_time: 'promised' })).toEqual(['lead_time.source']);
    expect(fieldsOf({ name: 'x', lead_time: { source: 'quoted', days: 3 } })).toEqual(['lead_time.days']);
  });

  it('refuses an outage that starts outside the horizon, runs past it, or lasts no day', () => {
    const outage = (from_day: unknown, days: unknown) => ({
      name: 'x',
      horizon_days: 90,
      disruptions: { outages: [{ supplier: 'ACME', from_day, days }] },
    });
    expect(problemsOf(outage(90, 5))).toEqual([
      {
        field: 'disruptions.outages[0].from_day',
        message: 'is outside the horizon: the simulation covers days 0 to 89 (horizon_days 90)',
        value: 90,
      },
    ]);
    expect(problemsOf(outage(80, 11))).toEqual([
      {
        field: 'disruptions.outages[0].days',
        message: 'runs past the horizon: days 80 to 90, but the simulation ends on day 89',
        value: 11,
      },
    ]);
    expect(problemsOf(outage(10, 0))[0]).toMatchObject({
      field: 'disruptions.outages[0].days',
      message: 'must be a whole number ≥ 1',
    });
    expect(fieldsOf(outage(10, -3))).toEqual(['disruptions.outages[0].days']);
    expect(fieldsOf(outage(-1, 3))).toEqual(['disruptions.outages[0].from_day']);
    expect(fieldsOf(outage(2.5, 3))).toEqual(['disruptions.outages[0].from_day']);
    expect(fieldsOf(outage(undefined, 3))).toEqual(['disruptions.outages[0].from_day']);
    // The default horizon is a year: day 365 is outside it.
    expect(fieldsOf({ name: 'x', disruptions: { outages: [{ supplier: 'A', from_day: 365, days: 1 }] } })).toEqual([
      'disruptions.outages[0].from_day',
    ]);
  });

  it('checks every kind of disruption window against the horizon, and their factors', () => {
    const fields = fieldsOf({
      name: 'x',
      horizon_days: 30,
      disruptions: {
        outages: [{ from_day: 1, days: 2 }],
        lead_time_factors: [
          { supplier: 'A', from_day: 30, days: 1, factor: 2 },
          { from_day: 1, days: 1, factor: 0 },
          { from_day: 1, days: 1, factor: 100 },
        ],
        demand_factors: [
          { skus: [], from_day: 0, days: 1, factor: 2 },
          { from_day: 25, days: 6, factor: 2 },
          { from_day: 0, days: 1, factor: -1 },
        ],
        strikes: [],
      },
    });
    expect(fields).toEqual([
      'disruptions.strikes',
      'disruptions.outages[0].supplier',
      'disruptions.lead_time_factors[0].from_day',
      'disruptions.lead_time_factors[1].factor',
      'disruptions.lead_time_factors[2].factor',
      'disruptions.demand_factors[0].skus',
      'disruptions.demand_factors[1].days',
      'disruptions.demand_factors[2].factor',
    ]);
    expect(fieldsOf({ name: 'x', disruptions: { outages: { supplier: 'A' } } })).toEqual(['disruptions.outages']);
    expect(fieldsOf({ name: 'x', disruptions: { outages: ['ACME'] } })).toEqual(['disruptions.outages[0]']);
  });

  it(`refuses runs of 0, above ${MAX_SCENARIO_RUNS}, or not whole; a horizon of 0 or above ${MAX_SCENARIO_HORIZON_DAYS}; a bad seed`, () => {
    expect(problemsOf({ name: 'x', runs: 0 })).toEqual([
      { field: 'runs', message: `must be a whole number from 1 to ${MAX_SCENARIO_RUNS}`, value: 0 },
    ]);
    expect(fieldsOf({ name: 'x', runs: MAX_SCENARIO_RUNS + 1 })).toEqual(['runs']);
    expect(fieldsOf({ name: 'x', runs: 10.5 })).toEqual(['runs']);
    expect(fieldsOf({ name: 'x', runs: '100' })).toEqual(['runs']);
    expect(parseScenario({ name: 'x', runs: MAX_SCENARIO_RUNS }).runs).toBe(MAX_SCENARIO_RUNS);
    expect(fieldsOf({ name: 'x', horizon_days: 0 })).toEqual(['horizon_days']);
    expect(fieldsOf({ name: 'x', horizon_days: MAX_SCENARIO_HORIZON_DAYS + 1 })).toEqual(['horizon_days']);
    expect(fieldsOf({ name: 'x', seed: -1 })).toEqual(['seed']);
    expect(fieldsOf({ name: 'x', seed: 2 ** 32 })).toEqual(['seed']);
    expect(parseScenario({ name: 'x', seed: 2 ** 32 - 1 }).seed).toBe(2 ** 32 - 1);
  });

  it('refuses a service floor that is not a rate in (0, 1] or measures something else', () => {
    expect(problemsOf({ name: 'x', service_floor: 0 })).toEqual([
      { field: 'service_floor', message: 'must be a fill rate from 0 (excluded) to 1', value: 0 },
    ]);
    expect(fieldsOf({ name: 'x', service_floor: 95 })).toEqual(['service_floor']);
    expect(fieldsOf({ name: 'x', service_floor: '95 %' })).toEqual(['service_floor']);
    expect(fieldsOf({ name: 'x', service_floor: { measure: 'ready_rate', level: 0.9 } })).toEqual([
      'service_floor.measure',
    ]);
    expect(fieldsOf({ name: 'x', service_floor: { measure: 'fill_rate', level: 1.01 } })).toEqual([
      'service_floor.level',
    ]);
    expect(fieldsOf({ name: 'x', service_floor: { measure: 'fill_rate' } })).toEqual(['service_floor.level']);
    expect(fieldsOf({ name: 'x', service_floor: { level: 0.9, target: 1 } })).toEqual(['service_floor.target']);
    expect(parseScenario({ name: 'x', service_floor: 1 }).serviceFloor.level).toBe(1);
  });

  it('refuses a bad demand model, distribution, weekly pattern or spikes', () => {
    expect(problemsOf({ name: 'x', demand: 'gaussian' })).toEqual([
      { field: 'demand.model', message: 'must be one of replay, bootstrap, parametric', value: 'gaussian' },
    ]);
    expect(fieldsOf({ name: 'x', demand: { model: 'parametric', distribution: 'gamma' } })).toEqual([
      'demand.distribution',
    ]);
    expect(fieldsOf({ name: 'x', demand: { model: 'parametric', weekly: [1, 1, 1, 1, 1, 1] } })).toEqual([
      'demand.weekly',
    ]);
    expect(fieldsOf({ name: 'x', demand: { model: 'parametric', weekly: [1, 1, 1, -1, 1, 1, 1] } })).toEqual([
      'demand.weekly[3]',
    ]);
    expect(fieldsOf({ name: 'x', demand: { model: 'parametric', spikes: { probability: 2, multiplier: 3 } } })).toEqual(
      ['demand.spikes.probability'],
    );
    expect(fieldsOf({ name: 'x', demand: { model: 'parametric', spikes: { probability: 0.1 } } })).toEqual([
      'demand.spikes.multiplier',
    ]);
    expect(fieldsOf({ name: 'x', demand: { model: 'bootstrap', block_days: 0 } })).toEqual(['demand.block_days']);
    expect(fieldsOf({ name: 'x', demand: { model: 'replay', block_days: 7 } })).toEqual(['demand.block_days']);
    expect(fieldsOf({ name: 'x', demand: { block_days: 7 } })).toEqual(['demand.model']);
    expect(fieldsOf({ name: 'x', demand: 7 })).toEqual(['demand']);
  });

  it('refuses unknown fields at every level rather than fall back to a default', () => {
    expect(problemsOf({ name: 'x', horizon: 90 })).toEqual([
      {
        field: 'horizon',
        message: expect.stringMatching(/^is not a scenario field; expected name, description, horizon_days, /),
      },
    ]);
    expect(fieldsOf({ name: 'x', items: { sku: ['BOLT'] } })).toEqual(['items.sku']);
    expect(fieldsOf({ name: 'x', partial_deliveries: { probability: 0.1, fraction: 0.5, delay: 3 } })).toEqual([
      'partial_deliveries.delay',
    ]);
    expect(fieldsOf({ name: 'x', policies: [{ name: 'v', extra: 3 }] })).toEqual(['policies[0].extra']);
  });

  it('refuses bad items, partial deliveries, stock-out costs and holding rates', () => {
    expect(fieldsOf({ name: 'x', items: 'some' })).toEqual(['items']);
    expect(fieldsOf({ name: 'x', items: { skus: [] } })).toEqual(['items.skus']);
    expect(fieldsOf({ name: 'x', items: { skus: ['A', ''] } })).toEqual(['items.skus[1]']);
    expect(fieldsOf({ name: 'x', items: { category: '  ' } })).toEqual(['items.category']);
    expect(fieldsOf({ name: 'x', partial_deliveries: { probability: 0.1, fraction: 1 } })).toEqual([
      'partial_deliveries.fraction',
    ]);
    expect(fieldsOf({ name: 'x', partial_deliveries: { probability: -0.1, fraction: 0.5 } })).toEqual([
      'partial_deliveries.probability',
    ]);
    expect(fieldsOf({ name: 'x', stockout_cost: { per_unit: -1 } })).toEqual(['stockout_cost.per_unit']);
    expect(fieldsOf({ name: 'x', stockout_cost: { per_unit: 1, unit_cost_multiple: 2 } })).toEqual(['stockout_cost']);
    expect(fieldsOf({ name: 'x', stockout_cost: 5 })).toEqual(['stockout_cost']);
    expect(fieldsOf({ name: 'x', holding_rate_per_year: -0.1 })).toEqual(['holding_rate_per_year']);
    expect(fieldsOf({ name: 'x', unmet_demand: 'lost' })).toEqual(['unmet_demand']);
    expect(fieldsOf({ name: 'x', description: 42 })).toEqual(['description']);
  });

  it('refuses bad policy variants: unknown names, duplicates, manual, bad levels, too many', () => {
    expect(fieldsOf({ name: 'x', policies: [] })).toEqual(['policies']);
    expect(fieldsOf({ name: 'x', policies: 'current' })).toEqual(['policies']);
    expect(fieldsOf({ name: 'x', policies: ['current', 'jit'] })).toEqual(['policies[1]']);
    expect(problemsOf({ name: 'x', policies: ['lean', { name: 'lean', extra_days: 3 }] })).toEqual([
      { field: 'policies[1].name', message: 'must be unique; lean appears twice', value: 'lean' },
    ]);
    expect(fieldsOf({ name: 'x', policies: [{ base: 'current' }] })).toEqual(['policies[0].name']);
    expect(fieldsOf({ name: 'x', policies: [{ name: 'a b' }] })).toEqual(['policies[0].name']);
    expect(fieldsOf({ name: 'x', policies: [{ name: 'v', base: 'cheapest' }] })).toEqual(['policies[0].base']);
    expect(fieldsOf({ name: 'x', policies: [{ name: 'v', extra_days: -1 }] })).toEqual(['policies[0].extra_days']);
    expect(
      fieldsOf({
        name: 'x',
        policies: [
          {
            name: 'v',
            set: [
              { sku: 'A', kind: 'manual' },
              { sku: 'B', kind: 'reorder_point', reorder_point: 50, target: 10 },
              { kind: 'make_to_order' },
              { sku: 'C', location: '', kind: 'make_to_order' },
              { sku: 'D', kind: 'reorder_point', reorder_point: 1.2345, target: 10 },
            ],
          },
        ],
      }),
    ).toEqual([
      'policies[0].set[0].kind',
      'policies[0].set[1].reorder_point',
      'policies[0].set[2].sku',
      'policies[0].set[3].location',
      'policies[0].set[4].reorder_point',
    ]);
    expect(fieldsOf({ name: 'x', policies: Array.from({ length: 9 }, (_, i) => ({ name: `v${i}` })) })).toEqual([
      'policies',
    ]);
  });

  it('lists every problem in one error whose message names the first field', () => {
    let error: unknown;
    try {
      parseScenario({ name: 'x', runs: 0, lead_time: { days: -1 }, service_floor: 2 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toBe('runs: must be a whole number from 1 to 100000 (and 2 more problems)');
    expect((error as DomainError).details!.map((p) => p.field)).toEqual(['runs', 'lead_time.days', 'service_floor']);
  });

  it('refuses what is not a mapping', () => {
    for (const raw of [null, 'name: x', [], 42]) {
      expect(fieldsOf(raw)).toEqual(['scenario']);
    }
  });
});

describe('parseScenarioText', () => {
  it('refuses bad YAML and bad JSON naming the line and column', () => {
    expect(() => parseScenarioText('name: x\n  horizon_days: [90\n')).toThrow(
      'scenario: not valid YAML (line 1, column 7): Nested mappings are not allowed in compact mappings',
    );
    expect(() => parseScenarioText('name: x\nruns: 5\nname: y\n')).toThrow(
      'scenario: not valid YAML (line 3, column 1): Map keys must be unique',
    );
    expect(() => parseScenarioText('{"name": "x",}')).toThrow(/^scenario: not valid JSON: /);
    expect(() => parseScenarioText('name: x', 'json')).toThrow(/^scenario: not valid JSON: /);
  });

  it('reads an empty file as nothing, which parseScenario refuses', () => {
    expect(fieldsOf(parseScenarioText(''))).toEqual(['scenario']);
  });
});

const code = fc.stringMatching(/^[A-Z][A-Z0-9-]{0,7}$/);
const name = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
const milliQuantity = (min: number) => fc.integer({ min, max: 10_000_000 }).map((milli) => milli / 1000);
const rate = fc.double({ min: 0.001, max: 1, noNaN: true });
const windowOf = (horizon: number) =>
  fc
    .integer({ min: 0, max: horizon - 1 })
    .chain((from) => fc.record({ from_day: fc.constant(from), days: fc.integer({ min: 1, max: horizon - from }) }));

const policyInput = fc.oneof(
  fc
    .tuple(milliQuantity(0), milliQuantity(1))
    .map(([s, extra]) => ({ kind: 'reorder_point', reorder_point: s, target: Math.round((s + extra) * 1000) / 1000 })),
  fc.record({
    kind: fc.constant('kanban'),
    cards: fc.integer({ min: 1, max: 999 }),
    container_quantity: milliQuantity(1),
  }),
  fc.record({
    kind: fc.constant('periodic_review'),
    review_days: fc.integer({ min: 1, max: 3650 }),
    target: milliQuantity(1),
    review_time: fc.constantFrom('06:00', '23:59'),
  }),
  fc.constant({ kind: 'make_to_order' }),
);

/** A valid scenario in its file form, any shape the parser accepts. */
const rawScenario = fc.integer({ min: 1, max: MAX_SCENARIO_HORIZON_DAYS }).chain((horizon) =>
  fc.record(
    {
      name,
      description: fc.option(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
        {
          nil: null,
        },
      ),
      horizon_days: fc.constant(horizon),
      runs: fc.integer({ min: 1, max: MAX_SCENARIO_RUNS }),
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      unmet_demand: fc.constantFrom('lost_sales', 'backorders'),
      items: fc.oneof(
        fc.constant('all'),
        fc.record(
          { skus: fc.array(code, { minLength: 1, maxLength: 3 }), category: name, location: code },
          { requiredKeys: [] },
        ),
      ),
      demand: fc.oneof(
        fc.constant('replay'),
        fc.record({ model: fc.constant('bootstrap'), block_days: fc.integer({ min: 1, max: 365 }) }),
        fc.record({
          model: fc.constant('parametric'),
          distribution: fc.constantFrom('auto', 'poisson', 'negative_binomial', 'normal', 'intermittent'),
          weekly: fc.oneof(
            fc.boolean(),
            fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 7, maxLength: 7 }),
          ),
          spikes: fc.option(
            fc.record({ probability: rate, multiplier: fc.double({ min: 0, max: 1000, noNaN: true }) }),
            {
              nil: null,
            },
          ),
        }),
      ),
      lead_time: fc.oneof(
        fc.constantFrom('measured', 'quoted'),
        fc.record({
          source: fc.constant('given'),
          days: fc.integer({ min: 1, max: 60 }),
          sd_days: fc.integer({ min: 0, max: 20 }),
        }),
      ),
      partial_deliveries: fc.option(
        fc.record({ probability: rate, fraction: fc.double({ min: 0.01, max: 0.99, noNaN: true }) }),
        {
          nil: null,
        },
      ),
      disruptions: fc.record({
        outages: fc.array(
          windowOf(horizon).map((w) => ({ supplier: 'ACME', ...w })),
          { maxLength: 2 },
        ),
        lead_time_factors: fc.array(
          fc
            .tuple(
              windowOf(horizon),
              fc.option(code, { nil: undefined }),
              fc.double({ min: 0.1, max: 99, noNaN: true }),
            )
            .map(([w, supplier, factor]) => ({ ...(supplier === undefined ? {} : { supplier }), ...w, factor })),
          { maxLength: 2 },
        ),
        demand_factors: fc.array(
          fc
            .tuple(windowOf(horizon), fc.option(fc.array(code, { minLength: 1, maxLength: 2 }), { nil: undefined }))
            .map(([w, skus]) => ({ ...(skus === undefined ? {} : { skus }), ...w, factor: 1.8 })),
          { maxLength: 2 },
        ),
      }),
      policies: fc.uniqueArray(
        fc.oneof(
          fc.constantFrom('current', 'recommended', 'lean', 'buffered'),
          fc.record(
            {
              name,
              base: fc.constantFrom('current', 'recommended', 'lean'),
              extra_days: fc.integer({ min: 0, max: 60 }),
              set: fc.array(
                fc.tuple(code, fc.option(code, { nil: undefined }), policyInput).map(([sku, location, policy]) => ({
                  sku,
                  ...(location === undefined ? {} : { location }),
                  ...policy,
                })),
                { maxLength: 2 },
              ),
            },
            { requiredKeys: ['name'] },
          ),
        ),
        { minLength: 1, maxLength: 8, selector: (v) => (typeof v === 'string' ? v : v.name) },
      ),
      service_floor: fc.oneof(rate, fc.record({ measure: fc.constantFrom('fill_rate', 'cycle_service'), level: rate })),
      stockout_cost: fc.oneof(
        fc.record({ per_unit: fc.double({ min: 0, max: 1e6, noNaN: true }) }),
        fc.record({ unit_cost_multiple: fc.double({ min: 0, max: 1000, noNaN: true }) }),
      ),
      holding_rate_per_year: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: null }),
    },
    { requiredKeys: ['name', 'horizon_days'] },
  ),
);

describe('formatScenario', () => {
  it('writes the full scenario back in its file form', () => {
    const formatted = formatScenario(FULL);
    expect(formatted).toMatchObject({
      name: 'acme-closed',
      items: { skus: ['BOLT', 'NUT'], category: 'fasteners', location: 'BER' },
      lead_time: { source: 'given', days: 12, sd_days: 3 },
      disruptions: {
        outages: [{ supplier: 'ACME', from_day: 100, days: 21 }],
        lead_time_factors: [
          { supplier: 'BETA', from_day: 30, days: 60, factor: 3 },
          { from_day: 0, days: 10, factor: 1.5 },
        ],
      },
      policies: [
        { name: 'current', base: 'current', extra_days: 0 },
        { name: 'lean', base: 'lean', extra_days: 0 },
        { name: 'buffered', base: 'lean', extra_days: 14 },
        {
          name: 'big-bolts',
          base: 'recommended',
          extra_days: 0,
          set: [
            { sku: 'BOLT', kind: 'reorder_point', reorder_point: 40, target: 120.5 },
            { sku: 'NUT', location: 'BER', kind: 'kanban', cards: 3, container_quantity: 25 },
          ],
        },
      ],
      service_floor: { measure: 'cycle_service', level: 0.9 },
      stockout_cost: { per_unit: 12.5 },
    });
    expect(formatScenario(parseScenario({ name: 'plain' })).policies).toEqual([
      { name: 'current', base: 'current', extra_days: 0 },
      { name: 'lean', base: 'lean', extra_days: 0 },
      { name: 'buffered', base: 'lean' },
    ]);
  });

  it('round-trips: any valid scenario, formatted and read back (as is, as JSON or as YAML), is the same scenario', () => {
    fc.assert(
      fc.property(rawScenario, (raw) => {
        const scenario = parseScenario(raw);
        const formatted = formatScenario(scenario);
        expect(parseScenario(formatted)).toEqual(scenario);
        expect(parseScenario(parseScenarioText(JSON.stringify(formatted), 'json'))).toEqual(scenario);
        expect(parseScenario(parseScenarioText(stringifyYaml(formatted), 'yaml'))).toEqual(scenario);
        expect(formatScenario(parseScenario(formatted))).toEqual(formatted);
      }),
      { numRuns: 300 },
    );
  });
});

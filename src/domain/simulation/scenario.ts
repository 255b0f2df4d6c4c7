import { parse as parseYaml } from 'yaml';
import { DomainError, type FieldProblem, throwIfProblems } from '../errors.js';
import { formatPolicy, parsePolicyInput, type ReplenishmentPolicy } from '../replenishment/policy.js';

/**
 * A what-if scenario as an owner writes it (YAML or JSON, snake_case): which items, how demand and lead times are
 * modelled, the disruptions, and the policy variants to compare. `parseScenario` checks everything that needs no
 * database and names each problem by its path (`disruptions.outages[0].days: must be a whole number ≥ 1`); the
 * simulation service checks the names (suppliers, SKUs, categories, locations) against the catalogue.
 */
export type Scenario = {
  name: string;
  description: string | null;
  horizonDays: number;
  runs: number;
  seed: number;
  unmetDemand: 'lost_sales' | 'backorders';
  /** Which item × location pairs (those with a policy); every filter given must hold, none = all. */
  items: ScenarioItems;
  demand: ScenarioDemand;
  leadTime: ScenarioLeadTime;
  /** Share of deliveries that come short, and the share delivered then (the rest one lead time later). */
  partialDeliveries: { probability: number; fraction: number } | null;
  disruptions: ScenarioDisruptions;
  policies: PolicyVariantSpec[];
  serviceFloor: ServiceFloor;
  stockoutCost: StockoutCostRule;
  /** Holding cost per year as a fraction of unit cost; null: the planning setting. */
  holdingRatePerYear: number | null;
};

export type ScenarioItems = { skus?: string[]; category?: string; location?: string };

export const PARAMETRIC_DISTRIBUTIONS = ['auto', 'poisson', 'negative_binomial', 'normal', 'intermittent'] as const;
export type ParametricDistribution = (typeof PARAMETRIC_DISTRIBUTIONS)[number];

export type ScenarioDemand =
  | { model: 'replay' }
  | { model: 'bootstrap'; blockDays: number }
  | {
      model: 'parametric';
      distribution: ParametricDistribution;
      /** true: the weekday pattern measured from the history; seven multipliers, Monday first; false: none. */
      weekly: boolean | number[];
      spikes: { probability: number; multiplier: number } | null;
    };

export type ScenarioLeadTime =
  | { source: 'measured' }
  | { source: 'quoted' }
  | { source: 'given'; days: number; sdDays: number };

export type ScenarioDisruptions = {
  outages: Array<{ supplier: string; fromDay: number; days: number }>;
  leadTimeFactors: Array<{ supplier: string | null; fromDay: number; days: number; factor: number }>;
  demandFactors: Array<{ skus: string[] | null; fromDay: number; days: number; factor: number }>;
};

/**
 * Where a variant's policies come from: the policy in force, the plan's recommendation, or `lean` (the
 * recommendation without its buffer; the policy in force where the plan recommends make-to-order or nothing).
 */
export const POLICY_BASES = ['current', 'recommended', 'lean'] as const;
export type PolicyBase = (typeof POLICY_BASES)[number];

/** The names that stand for a variant by themselves. */
export const NAMED_VARIANTS = ['current', 'recommended', 'lean', 'buffered'] as const;

export type PolicyVariantSpec = {
  name: string;
  base: PolicyBase;
  /** Days of mean demand held on top as just-in-case stock; null: the planning setting `buffer_days`. */
  extraDays: number | null;
  /** Explicit policies for some pairs (all locations of the SKU when `location` is null). */
  set: Array<{ sku: string; location: string | null; policy: Exclude<ReplenishmentPolicy, { kind: 'manual' }> }>;
};

export type ServiceFloor = { measure: 'fill_rate' | 'cycle_service'; level: number };

/** Cost of one unit short: a multiple of the item's unit cost, or an amount in money units. */
export type StockoutCostRule = { kind: 'unit_cost_multiple'; multiple: number } | { kind: 'per_unit'; amount: number };

export const SCENARIO_DEFAULTS = {
  horizonDays: 365,
  runs: 200,
  seed: 1,
  blockDays: 7,
  serviceFloor: { measure: 'fill_rate', level: 0.95 } as ServiceFloor,
  /** A unit short costs its unit cost again: the margin lost plus the expediting and idle time it causes. */
  stockoutCost: { kind: 'unit_cost_multiple', multiple: 1 } as StockoutCostRule,
  policies: ['current', 'lean', 'buffered'],
};

export const MAX_SCENARIO_HORIZON_DAYS = 3650;
export const MAX_SCENARIO_RUNS = 100_000;
export const MAX_SEED = 4_294_967_295;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const TOP_FIELDS = [
  'name',
  'description',
  'horizon_days',
  'runs',
  'seed',
  'unmet_demand',
  'items',
  'demand',
  'lead_time',
  'partial_deliveries',
  'disruptions',
  'policies',
  'service_floor',
  'stockout_cost',
  'holding_rate_per_year',
];

/**
 * Reads a scenario file's text: JSON when `format` is json (or the text starts with `{`), YAML otherwise. A syntax
 * error is LS_VALIDATION naming the line and column.
 *
 * @example parseScenarioText('name: closed\nhorizon_days: 90\n') // { name: 'closed', horizon_days: 90 }
 */
export function parseScenarioText(text: string, format?: 'yaml' | 'json'): unknown {
  const json = format === 'json' || (format === undefined && text.trimStart().startsWith('{'));
  try {
    return json ? JSON.parse(text) : parseYaml(text, { prettyErrors: false, maxAliasCount: 100 });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    const offset = json ? undefined : (error as { pos?: [number, number] }).pos?.[0];
    const where = offset === undefined ? '' : ` (${linePosition(text, offset)})`;
    throw new DomainError('LS_VALIDATION', `scenario: not valid ${json ? 'JSON' : 'YAML'}${where}: ${message}`, [
      { field: 'scenario', message: `not valid ${json ? 'JSON' : 'YAML'}${where}: ${message}` },
    ]);
  }
}

/**
 * Validates a scenario (the parsed YAML or JSON) and fills in the defaults: horizon 365 days, 200 runs, seed 1,
 * lost sales, every item, bootstrap demand in 7-day blocks, measured lead times, no disruptions, the variants
 * current, lean and buffered, a fill-rate floor of 95 %, a unit short costing its unit cost. Unknown fields are
 * refused (a typo must not silently fall back to a default). Throws one LS_VALIDATION listing every problem, each
 * naming its path; `defaultName` names a scenario that has no `name` (a file's base name).
 *
 * @example parseScenario({ name: 'closed', disruptions: { outages: [{ supplier: 'ACME', from_day: 100, days: 21 }] } })
 */
export function parseScenario(raw: unknown, defaultName?: string): Scenario {
  const problems: FieldProblem[] = [];
  const r = new Reader(problems);
  if (!isObject(raw)) {
    throw new DomainError('LS_VALIDATION', 'scenario: must be a mapping of fields (name, horizon_days, …)', [
      { field: 'scenario', message: 'must be a mapping of fields (name, horizon_days, …)' },
    ]);
  }
  r.unknownFields(raw, '', TOP_FIELDS, 'a scenario field');

  let name = r.optionalString(raw, 'name', 'name', 64);
  if (name === undefined && defaultName !== undefined) name = defaultName;
  if (name === undefined) r.report('name', 'is required');
  else if (!NAME.test(name)) {
    r.report(
      'name',
      'must be 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
      name,
    );
  }
  const description = r.optionalString(raw, 'description', 'description', 2000) ?? null;
  const horizonDays = r.wholeNumber(raw, 'horizon_days', 'horizon_days', 1, MAX_SCENARIO_HORIZON_DAYS);
  const runs = r.wholeNumber(raw, 'runs', 'runs', 1, MAX_SCENARIO_RUNS);
  const seed = r.wholeNumber(raw, 'seed', 'seed', 0, MAX_SEED);
  const unmetDemand = r.choice(raw, 'unmet_demand', 'unmet_demand', ['lost_sales', 'backorders'] as const);
  const horizon = horizonDays ?? SCENARIO_DEFAULTS.horizonDays;

  const scenario: Scenario = {
    name: name ?? '',
    description,
    horizonDays: horizon,
    runs: runs ?? SCENARIO_DEFAULTS.runs,
    seed: seed ?? SCENARIO_DEFAULTS.seed,
    unmetDemand: unmetDemand ?? 'lost_sales',
    items: readItems(r, raw['items']),
    demand: readDemand(r, raw['demand']),
    leadTime: readLeadTime(r, raw['lead_time']),
    partialDeliveries: readPartialDeliveries(r, raw['partial_deliveries']),
    disruptions: readDisruptions(r, raw['disruptions'], horizon),
    policies: readPolicies(r, raw['policies']),
    serviceFloor: readServiceFloor(r, raw['service_floor']),
    stockoutCost: readStockoutCost(r, raw['stockout_cost']),
    holdingRatePerYear: r.number(raw, 'holding_rate_per_year', 'holding_rate_per_year', { min: 0, max: 10 }) ?? null,
  };
  throwIfProblems(problems);
  return scenario;
}

function readItems(r: Reader, value: unknown): ScenarioItems {
  if (value === undefined || value === null || value === 'all') return {};
  if (!isObject(value)) {
    r.report('items', 'must be all, or a mapping with skus, category and/or location', value);
    return {};
  }
  r.unknownFields(value, 'items', ['skus', 'category', 'location'], 'an item filter');
  const items: ScenarioItems = {};
  const skus = r.stringList(value, 'skus', 'items.skus');
  if (skus !== undefined) items.skus = skus;
  const category = r.optionalString(value, 'category', 'items.category', 100);
  if (category !== undefined) items.category = category;
  const location = r.optionalString(value, 'location', 'items.location', 64);
  if (location !== undefined) items.location = location;
  return items;
}

function readDemand(r: Reader, value: unknown): ScenarioDemand {
  const fallback: ScenarioDemand = { model: 'bootstrap', blockDays: SCENARIO_DEFAULTS.blockDays };
  if (value === undefined || value === null) return fallback;
  const input = typeof value === 'string' ? { model: value } : value;
  if (!isObject(input)) {
    r.report('demand', 'must be replay, bootstrap, parametric, or a mapping with model', value);
    return fallback;
  }
  const model = r.choice(input, 'model', 'demand.model', ['replay', 'bootstrap', 'parametric'] as const);
  switch (model) {
    case 'replay':
      r.unknownFields(input, 'demand', ['model'], 'a field of replayed demand');
      return { model };
    case 'parametric': {
      r.unknownFields(input, 'demand', ['model', 'distribution', 'weekly', 'spikes'], 'a field of parametric demand');
      const distribution = r.choice(input, 'distribution', 'demand.distribution', PARAMETRIC_DISTRIBUTIONS) ?? 'auto';
      return { model, distribution, weekly: readWeekly(r, input['weekly']), spikes: readSpikes(r, input['spikes']) };
    }
    case 'bootstrap':
    case undefined: {
      if (input['model'] === undefined) r.report('demand.model', 'is required: replay, bootstrap or parametric');
      r.unknownFields(input, 'demand', ['model', 'block_days'], 'a field of bootstrapped demand');
      const blockDays = r.wholeNumber(input, 'block_days', 'demand.block_days', 1, 365);
      return { model: 'bootstrap', blockDays: blockDays ?? SCENARIO_DEFAULTS.blockDays };
    }
  }
}

function readWeekly(r: Reader, value: unknown): boolean | number[] {
  if (value === undefined || value === null || value === false) return false;
  if (value === true) return true;
  if (!Array.isArray(value) || value.length !== 7) {
    r.report(
      'demand.weekly',
      'must be true (measured from the history), false, or seven multipliers from Monday',
      value,
    );
    return false;
  }
  const multipliers: number[] = [];
  value.forEach((entry, i) => {
    if (typeof entry !== 'number' || !Number.isFinite(entry) || entry < 0) {
      r.report(`demand.weekly[${i}]`, 'must be a number ≥ 0', entry);
    } else multipliers.push(entry);
  });
  return multipliers.length === 7 ? multipliers : false;
}

function readSpikes(r: Reader, value: unknown): { probability: number; multiplier: number } | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) {
    r.report('demand.spikes', 'must be a mapping with probability and multiplier', value);
    return null;
  }
  r.unknownFields(value, 'demand.spikes', ['probability', 'multiplier'], 'a field of spikes');
  const probability = r.requiredNumber(value, 'probability', 'demand.spikes.probability', { min: 0, max: 1 });
  const multiplier = r.requiredNumber(value, 'multiplier', 'demand.spikes.multiplier', { min: 0, max: 1000 });
  return probability === undefined || multiplier === undefined ? null : { probability, multiplier };
}

function readLeadTime(r: Reader, value: unknown): ScenarioLeadTime {
  if (value === undefined || value === null) return { source: 'measured' };
  const input = typeof value === 'string' ? { source: value } : value;
  if (!isObject(input)) {
    r.report('lead_time', 'must be measured, quoted, or a mapping with source: given and days', value);
    return { source: 'measured' };
  }
  const source = r.choice(input, 'source', 'lead_time.source', ['measured', 'quoted', 'given'] as const);
  if (source === 'given' || (source === undefined && input['days'] !== undefined)) {
    r.unknownFields(input, 'lead_time', ['source', 'days', 'sd_days'], 'a field of a given lead time');
    const days = r.requiredNumber(input, 'days', 'lead_time.days', { min: 0, max: 3650 });
    const sdDays = r.number(input, 'sd_days', 'lead_time.sd_days', { min: 0, max: 3650 }) ?? 0;
    if (days === 0 && sdDays > 0) r.report('lead_time.sd_days', 'must be 0 when days is 0', sdDays);
    return { source: 'given', days: days ?? 0, sdDays };
  }
  r.unknownFields(input, 'lead_time', ['source'], `a field of a ${source ?? 'measured'} lead time`);
  if (source === undefined && input['source'] === undefined) r.report('lead_time.source', 'is required');
  return { source: source ?? 'measured' };
}

function readPartialDeliveries(r: Reader, value: unknown): Scenario['partialDeliveries'] {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) {
    r.report('partial_deliveries', 'must be a mapping with probability and fraction', value);
    return null;
  }
  r.unknownFields(value, 'partial_deliveries', ['probability', 'fraction'], 'a field of partial deliveries');
  const probability = r.requiredNumber(value, 'probability', 'partial_deliveries.probability', { min: 0, max: 1 });
  const fraction = r.requiredNumber(value, 'fraction', 'partial_deliveries.fraction', {
    min: 0,
    max: 1,
    exclusive: true,
  });
  return probability === undefined || fraction === undefined ? null : { probability, fraction };
}

function readDisruptions(r: Reader, value: unknown, horizonDays: number): ScenarioDisruptions {
  const disruptions: ScenarioDisruptions = { outages: [], leadTimeFactors: [], demandFactors: [] };
  if (value === undefined || value === null) return disruptions;
  if (!isObject(value)) {
    r.report('disruptions', 'must be a mapping with outages, lead_time_factors and/or demand_factors', value);
    return disruptions;
  }
  r.unknownFields(value, 'disruptions', ['outages', 'lead_time_factors', 'demand_factors'], 'a kind of disruption');
  r.list(value, 'outages', 'disruptions.outages', (entry, at) => {
    r.unknownFields(entry, at, ['supplier', 'from_day', 'days'], 'a field of an outage');
    const supplier = r.requiredString(entry, 'supplier', `${at}.supplier`, 64);
    const window = readWindow(r, entry, at, horizonDays);
    if (supplier !== undefined && window !== undefined) disruptions.outages.push({ supplier, ...window });
  });
  r.list(value, 'lead_time_factors', 'disruptions.lead_time_factors', (entry, at) => {
    r.unknownFields(entry, at, ['supplier', 'from_day', 'days', 'factor'], 'a field of a lead-time factor');
    const supplier = r.optionalString(entry, 'supplier', `${at}.supplier`, 64) ?? null;
    const window = readWindow(r, entry, at, horizonDays);
    const factor = r.requiredNumber(entry, 'factor', `${at}.factor`, { min: 0, max: 100, exclusive: true });
    if (window !== undefined && factor !== undefined) disruptions.leadTimeFactors.push({ supplier, ...window, factor });
  });
  r.list(value, 'demand_factors', 'disruptions.demand_factors', (entry, at) => {
    r.unknownFields(entry, at, ['skus', 'from_day', 'days', 'factor'], 'a field of a demand factor');
    const skus = r.stringList(entry, 'skus', `${at}.skus`) ?? null;
    const window = readWindow(r, entry, at, horizonDays);
    const factor = r.requiredNumber(entry, 'factor', `${at}.factor`, { min: 0, max: 1000 });
    if (window !== undefined && factor !== undefined) disruptions.demandFactors.push({ skus, ...window, factor });
  });
  return disruptions;
}

/** A window must lie inside the horizon: day 0 is the first simulated day (tomorrow's demand is day 0's). */
function readWindow(
  r: Reader,
  entry: Record<string, unknown>,
  at: string,
  horizonDays: number,
): { fromDay: number; days: number } | undefined {
  const fromDay = r.requiredWhole(entry, 'from_day', `${at}.from_day`, 0);
  const days = r.requiredWhole(entry, 'days', `${at}.days`, 1);
  if (fromDay === undefined || days === undefined) return undefined;
  if (fromDay >= horizonDays) {
    r.report(
      `${at}.from_day`,
      `is outside the horizon: the simulation covers days 0 to ${horizonDays - 1} (horizon_days ${horizonDays})`,
      fromDay,
    );
    return undefined;
  }
  if (fromDay + days > horizonDays) {
    r.report(
      `${at}.days`,
      `runs past the horizon: days ${fromDay} to ${fromDay + days - 1}, but the simulation ends on day ${horizonDays - 1}`,
      days,
    );
    return undefined;
  }
  return { fromDay, days };
}

function readPolicies(r: Reader, value: unknown): PolicyVariantSpec[] {
  const entries = value === undefined || value === null ? SCENARIO_DEFAULTS.policies : value;
  if (!Array.isArray(entries) || entries.length === 0) {
    r.report('policies', 'must be a non-empty list of variants (current, recommended, lean, buffered, or explicit)');
    return [];
  }
  if (entries.length > 8) r.report('policies', 'must list at most 8 variants', entries.length);
  const variants: PolicyVariantSpec[] = [];
  const names = new Set<string>();
  entries.forEach((entry, i) => {
    const at = `policies[${i}]`;
    const variant = readVariant(r, entry, at);
    if (variant === undefined) return;
    if (names.has(variant.name)) {
      r.report(`${at}.name`, `must be unique; ${variant.name} appears twice`, variant.name);
      return;
    }
    names.add(variant.name);
    variants.push(variant);
  });
  return variants;
}

function readVariant(r: Reader, entry: unknown, at: string): PolicyVariantSpec | undefined {
  if (typeof entry === 'string') {
    if (!(NAMED_VARIANTS as readonly string[]).includes(entry)) {
      r.report(at, `must be ${NAMED_VARIANTS.join(', ')}, or a mapping with a name`, entry);
      return undefined;
    }
    return namedVariant(entry as (typeof NAMED_VARIANTS)[number]);
  }
  if (!isObject(entry)) {
    r.report(at, `must be ${NAMED_VARIANTS.join(', ')}, or a mapping with a name`, entry);
    return undefined;
  }
  r.unknownFields(entry, at, ['name', 'base', 'extra_days', 'set'], 'a field of a policy variant');
  const name = r.requiredString(entry, 'name', `${at}.name`, 40);
  if (name === undefined) return undefined;
  if (!NAME.test(name)) {
    r.report(`${at}.name`, 'must be letters, digits, dots, dashes or underscores', name);
    return undefined;
  }
  const named = (NAMED_VARIANTS as readonly string[]).includes(name)
    ? namedVariant(name as (typeof NAMED_VARIANTS)[number])
    : { name, base: 'current' as const, extraDays: 0, set: [] };
  const base = r.choice(entry, 'base', `${at}.base`, POLICY_BASES) ?? named.base;
  const extraDays = r.number(entry, 'extra_days', `${at}.extra_days`, { min: 0, max: 3650 }) ?? named.extraDays;
  const set: PolicyVariantSpec['set'] = [];
  r.list(entry, 'set', `${at}.set`, (item, itemAt) => {
    const { sku, location, ...levels } = item;
    if (typeof sku !== 'string' || sku.length === 0) r.report(`${itemAt}.sku`, 'is required (a SKU)', sku);
    if (location !== undefined && (typeof location !== 'string' || location.length === 0)) {
      r.report(`${itemAt}.location`, 'must be a location code', location);
    }
    const parsed = parsePolicyInput(levels);
    if (!parsed.ok) {
      for (const problem of parsed.problems) r.report(`${itemAt}.${problem.field}`, problem.message, problem.value);
      return;
    }
    if (parsed.value.kind === 'manual') {
      r.report(`${itemAt}.kind`, 'manual never orders: choose reorder_point, kanban, periodic_review or make_to_order');
      return;
    }
    if (typeof sku === 'string' && sku.length > 0) {
      set.push({ sku, location: typeof location === 'string' ? location : null, policy: parsed.value });
    }
  });
  return { name, base, extraDays, set };
}

function namedVariant(name: (typeof NAMED_VARIANTS)[number]): PolicyVariantSpec {
  if (name === 'buffered') return { name, base: 'lean', extraDays: null, set: [] };
  return { name, base: name, extraDays: 0, set: [] };
}

function readServiceFloor(r: Reader, value: unknown): ServiceFloor {
  if (value === undefined || value === null) return SCENARIO_DEFAULTS.serviceFloor;
  if (typeof value === 'number') {
    if (!(value > 0 && value <= 1)) r.report('service_floor', 'must be a fill rate from 0 (excluded) to 1', value);
    return { measure: 'fill_rate', level: value };
  }
  if (!isObject(value)) {
    r.report('service_floor', 'must be a fill rate (0.95) or a mapping with measure and level', value);
    return SCENARIO_DEFAULTS.serviceFloor;
  }
  r.unknownFields(value, 'service_floor', ['measure', 'level'], 'a field of the service floor');
  const measure = r.choice(value, 'measure', 'service_floor.measure', ['fill_rate', 'cycle_service'] as const);
  const level = r.requiredNumber(value, 'level', 'service_floor.level', { min: 0, max: 1, minExclusive: true });
  return { measure: measure ?? 'fill_rate', level: level ?? SCENARIO_DEFAULTS.serviceFloor.level };
}

function readStockoutCost(r: Reader, value: unknown): StockoutCostRule {
  if (value === undefined || value === null) return SCENARIO_DEFAULTS.stockoutCost;
  if (!isObject(value) || Object.keys(value).length !== 1) {
    r.report('stockout_cost', 'must be a mapping with one of unit_cost_multiple or per_unit', value);
    return SCENARIO_DEFAULTS.stockoutCost;
  }
  r.unknownFields(value, 'stockout_cost', ['unit_cost_multiple', 'per_unit'], 'a way to cost a stock-out');
  if ('per_unit' in value) {
    const amount = r.requiredNumber(value, 'per_unit', 'stockout_cost.per_unit', { min: 0, max: 1e9 });
    return { kind: 'per_unit', amount: amount ?? 0 };
  }
  const multiple = r.requiredNumber(value, 'unit_cost_multiple', 'stockout_cost.unit_cost_multiple', {
    min: 0,
    max: 1000,
  });
  return { kind: 'unit_cost_multiple', multiple: multiple ?? 1 };
}

/**
 * The scenario in its file form (snake_case, every default written out): what is saved, shown and given back, and
 * what `parseScenario` reads back to the same scenario.
 */
export function formatScenario(scenario: Scenario): Record<string, unknown> {
  const demand = scenario.demand;
  const window = (w: { fromDay: number; days: number }) => ({ from_day: w.fromDay, days: w.days });
  return {
    name: scenario.name,
    description: scenario.description,
    horizon_days: scenario.horizonDays,
    runs: scenario.runs,
    seed: scenario.seed,
    unmet_demand: scenario.unmetDemand,
    items: Object.keys(scenario.items).length === 0 ? 'all' : { ...scenario.items },
    demand:
      demand.model === 'replay'
        ? { model: 'replay' }
        : demand.model === 'bootstrap'
          ? { model: 'bootstrap', block_days: demand.blockDays }
          : {
              model: 'parametric',
              distribution: demand.distribution,
              weekly: demand.weekly,
              spikes: demand.spikes,
            },
    lead_time:
      scenario.leadTime.source === 'given'
        ? { source: 'given', days: scenario.leadTime.days, sd_days: scenario.leadTime.sdDays }
        : { source: scenario.leadTime.source },
    partial_deliveries: scenario.partialDeliveries,
    disruptions: {
      outages: scenario.disruptions.outages.map((o) => ({ supplier: o.supplier, ...window(o) })),
      lead_time_factors: scenario.disruptions.leadTimeFactors.map((w) => ({
        ...(w.supplier === null ? {} : { supplier: w.supplier }),
        ...window(w),
        factor: w.factor,
      })),
      demand_factors: scenario.disruptions.demandFactors.map((w) => ({
        ...(w.skus === null ? {} : { skus: w.skus }),
        ...window(w),
        factor: w.factor,
      })),
    },
    policies: scenario.policies.map((v) => ({
      name: v.name,
      base: v.base,
      ...(v.extraDays === null ? {} : { extra_days: v.extraDays }),
      ...(v.set.length === 0
        ? {}
        : {
            set: v.set.map((s) => ({
              sku: s.sku,
              ...(s.location === null ? {} : { location: s.location }),
              ...formatPolicy(s.policy),
            })),
          }),
    })),
    service_floor: { measure: scenario.serviceFloor.measure, level: scenario.serviceFloor.level },
    stockout_cost:
      scenario.stockoutCost.kind === 'per_unit'
        ? { per_unit: scenario.stockoutCost.amount }
        : { unit_cost_multiple: scenario.stockoutCost.multiple },
    holding_rate_per_year: scenario.holdingRatePerYear,
  };
}

/** The last day of a window (inclusive) and every disruption window of a scenario, for reports and charts. */
export function disruptionWindows(disruptions: ScenarioDisruptions): Array<{ fromDay: number; days: number }> {
  return [...disruptions.outages, ...disruptions.leadTimeFactors, ...disruptions.demandFactors].map((w) => ({
    fromDay: w.fromDay,
    days: w.days,
  }));
}

/** "line 3, column 7" of a character offset (both from 1), as an editor shows it. */
function linePosition(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type NumberRule = { min: number; max: number; exclusive?: boolean; minExclusive?: boolean };

/** Field readers that report into one list, each problem naming its path. */
class Reader {
  constructor(private readonly problems: FieldProblem[]) {}

  report(field: string, message: string, value?: unknown): void {
    this.problems.push(value === undefined ? { field, message } : { field, message, value });
  }

  unknownFields(input: Record<string, unknown>, at: string, allowed: readonly string[], what: string): void {
    for (const key of Object.keys(input)) {
      if (!allowed.includes(key)) {
        this.report(at === '' ? key : `${at}.${key}`, `is not ${what}; expected ${allowed.join(', ')}`);
      }
    }
  }

  optionalString(input: Record<string, unknown>, key: string, field: string, maxLength: number): string | undefined {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim().length === 0) {
      this.report(field, 'must be a non-empty string', value);
      return undefined;
    }
    if (value.length > maxLength) {
      this.report(field, `must be at most ${maxLength} characters`);
      return undefined;
    }
    return value;
  }

  requiredString(input: Record<string, unknown>, key: string, field: string, maxLength: number): string | undefined {
    if (input[key] === undefined || input[key] === null) {
      this.report(field, 'is required');
      return undefined;
    }
    return this.optionalString(input, key, field, maxLength);
  }

  stringList(input: Record<string, unknown>, key: string, field: string): string[] | undefined {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.length === 0) {
      this.report(field, 'must be a non-empty list', value);
      return undefined;
    }
    const out: string[] = [];
    value.forEach((entry, i) => {
      if (typeof entry !== 'string' || entry.length === 0 || entry.length > 64) {
        this.report(`${field}[${i}]`, 'must be a code of 1–64 characters', entry);
      } else out.push(entry);
    });
    return out.length === value.length ? out : undefined;
  }

  list(
    input: Record<string, unknown>,
    key: string,
    field: string,
    each: (entry: Record<string, unknown>, at: string) => void,
  ): void {
    const value = input[key];
    if (value === undefined || value === null) return;
    if (!Array.isArray(value)) {
      this.report(field, 'must be a list', value);
      return;
    }
    value.forEach((entry, i) => {
      if (!isObject(entry)) this.report(`${field}[${i}]`, 'must be a mapping of fields', entry);
      else each(entry, `${field}[${i}]`);
    });
  }

  choice<T extends string>(
    input: Record<string, unknown>,
    key: string,
    field: string,
    choices: readonly T[],
  ): T | undefined {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.report(field, `must be one of ${choices.join(', ')}`, value);
      return undefined;
    }
    return value as T;
  }

  wholeNumber(input: Record<string, unknown>, key: string, field: string, min: number, max: number) {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      this.report(field, `must be a whole number from ${min} to ${max}`, value);
      return undefined;
    }
    return value;
  }

  requiredWhole(input: Record<string, unknown>, key: string, field: string, min: number): number | undefined {
    const value = input[key];
    if (value === undefined || value === null) {
      this.report(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      this.report(field, `must be a whole number ≥ ${min}`, value);
      return undefined;
    }
    return value;
  }

  number(input: Record<string, unknown>, key: string, field: string, rule: NumberRule): number | undefined {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    const low = rule.exclusive || rule.minExclusive ? `> ${rule.min}` : `≥ ${rule.min}`;
    const high = rule.exclusive ? `< ${rule.max}` : `≤ ${rule.max}`;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.report(field, 'must be a number', value);
      return undefined;
    }
    const tooLow = rule.exclusive || rule.minExclusive ? value <= rule.min : value < rule.min;
    const tooHigh = rule.exclusive ? value >= rule.max : value > rule.max;
    if (tooLow || tooHigh) {
      this.report(field, `must be ${low} and ${high}`, value);
      return undefined;
    }
    return value;
  }

  requiredNumber(input: Record<string, unknown>, key: string, field: string, rule: NumberRule): number | undefined {
    if (input[key] === undefined || input[key] === null) {
      this.report(field, 'is required');
      return undefined;
    }
    return this.number(input, key, field, rule);
  }
}

import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { minorDigits, toMoney } from '../../domain/money.js';
import { type PolicyVariantSpec, parseScenario, type Scenario } from '../../domain/simulation/scenario.js';
import type { MonteCarloResult } from '../../domain/simulation/summarize.js';
import type {
  DemandModel,
  DemandShape,
  Disruptions,
  LeadTimeModel,
  SimConfig,
  SimItem,
  SimPolicy,
} from '../../domain/simulation/types.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import {
  listPlanPolicies,
  listPlanSources,
  type PlanPolicyRow,
  type PlanSourceRow,
} from '../../store/planning/plan.repository.js';
import type { PlanRecommendationTable } from '../../store/schema.js';
import { type DemandHistory, readDemandHistories, refreshDemandHistory } from '../planning/demand-history.js';
import { DAY_MS, LEAD_TIME_HISTORY_DAYS, observationGroups } from '../planning/lead-time.service.js';
import { MIN_MEASURED_RECEIPTS } from '../planning/plan.service.js';
import { getPlanningSettings } from '../planning/settings.service.js';
import { runMonteCarlo } from './monte-carlo.js';
import { buildReport, compareText, round, type SimulationReport } from './simulation-report.js';

export type { SimulationReport } from './simulation-report.js';

/**
 * What-if simulation of the catalogue: a scenario's items are read from the database (demand history, lead times
 * measured from receipts, the policies in force and the plan's recommendations, sources, costs), every policy variant
 * is simulated with the Monte Carlo engine, and the variants are compared per item, category and catalogue. The rules
 * (which pairs, how demand and lead times are modelled, what lean and buffered mean, costs) are in docs/simulation.md.
 */

export type RunScenarioOptions = {
  now: number;
  /** Worker threads (0: inline); default the machine's parallelism. */
  threads?: number | undefined;
  /** Item-runs done and in all, over every variant. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
};

/**
 * Runs a scenario against the database as of `now`: refreshes the demand history, builds the simulated items, runs
 * every policy variant with `runMonteCarlo` (same seed for each, so the variants see the same demand) and compares
 * them. Names the scenario uses that the catalogue does not know → LS_VALIDATION naming the field.
 */
export async function runScenario(
  database: Database,
  scenario: Scenario,
  options: RunScenarioOptions,
): Promise<SimulationReport> {
  const prepared = await prepareSimulation(database, scenario, options.now);
  const config: SimConfig = {
    horizonDays: scenario.horizonDays,
    unmetDemand: scenario.unmetDemand,
    trajectories: true,
  };
  const perVariant = prepared.items.length * scenario.runs;
  const total = perVariant * prepared.variants.length;
  const results: MonteCarloResult[] = [];
  for (let v = 0; v < prepared.variants.length; v++) {
    const items = prepared.items.map((item) => item.sim[v]!);
    results.push(
      await runMonteCarlo(items, config, prepared.disruptions, {
        runs: scenario.runs,
        seed: scenario.seed,
        threads: options.threads,
        signal: options.signal,
        onProgress: (done) => options.onProgress?.(v * perVariant + done, total),
      }),
    );
  }
  return buildReport(scenario, prepared, results);
}

/** A pair ready to simulate: its facts and one SimItem per variant. */
export type PreparedItem = {
  sku: string;
  location: string;
  category: string | null;
  supplier: string;
  leadTimeText: string;
  meanPerDay: number;
  /** Days of the disrupted period (the disruption windows that touch the item, each with its lead time after). */
  disruptedDays: Uint8Array | null;
  sim: SimItem[];
};

export type PreparedSimulation = {
  currency: string;
  startDate: string;
  dataThrough: string;
  variants: Array<PolicyVariantSpec & { extraDaysResolved: number }>;
  items: PreparedItem[];
  skipped: Array<{ sku: string; location: string; reason: string }>;
  disruptions: Disruptions;
};

type Catalogue = {
  items: Map<
    number,
    { id: number; sku: string; category: string | null; unitCostMinor: number | null; currency: string }
  >;
  itemIdBySku: Map<string, number>;
  locations: Map<number, { id: number; code: string; siteId: number | null }>;
  locationIdByCode: Map<string, number>;
  suppliers: Map<number, { id: number; code: string }>;
  supplierIdByCode: Map<string, number>;
  categories: Set<string>;
  sources: Map<number, PlanSourceRow[]>;
  policies: PlanPolicyRow[];
  balances: Map<string, number>;
  recommendations: Map<string, PlanRecommendationTable>;
};

/**
 * Reads what a scenario needs and builds the simulated items (exported for tests). Pairs are the item × location
 * pairs with a policy that the scenario's item filter selects; one that cannot be simulated under every variant is
 * skipped with the reason (so every variant covers the same items).
 */
export async function prepareSimulation(
  database: Database,
  scenario: Scenario,
  now: number,
): Promise<PreparedSimulation> {
  const catalogue = await readTransaction(database, readCatalogue);
  // Names first: a scenario refused leaves even the demand-history cache as it was.
  checkScenarioNames(scenario, catalogue);
  const selected = selectPairs(scenario, catalogue);
  if (selected.length === 0) {
    throw new DomainError('LS_VALIDATION', 'items: no item × location with a policy matches the filter', [
      { field: 'items', message: 'no item × location with a policy matches the filter' },
    ]);
  }
  const settings = await getPlanningSettings(database);
  await refreshDemandHistory(database, { now, historyDays: settings.historyDays });

  const variants = scenario.policies.map((v) => ({ ...v, extraDaysResolved: v.extraDays ?? settings.bufferDays }));
  const holdingRate = scenario.holdingRatePerYear ?? settings.holdingRatePerYear;
  const currency = mainCurrency(selected.map((p) => catalogue.items.get(Number(p.item_id))!.currency));

  const histories = new Map<string, DemandHistory>();
  for await (const batch of readDemandHistories(database, {
    pairs: selected.map((p) => ({ itemId: Number(p.item_id), locationId: Number(p.location_id) })),
  })) {
    for (const history of batch) histories.set(pairKey(history.itemId, history.locationId), history);
  }

  const sourceOf = new Map<string, PlanSourceRow | null>();
  for (const policy of selected)
    sourceOf.set(pairKey(policy.item_id, policy.location_id), chooseSource(policy, catalogue));
  const samples = await readLeadTimeSamples(
    database,
    scenario,
    now,
    [...sourceOf.values()].filter((s): s is PlanSourceRow => s !== null).map((s) => Number(s.id)),
  );

  const prepared: PreparedItem[] = [];
  const skipped: PreparedSimulation['skipped'] = [];
  let dataThrough = '';
  for (const policy of selected) {
    const item = catalogue.items.get(Number(policy.item_id))!;
    const location = catalogue.locations.get(Number(policy.location_id))!;
    const key = pairKey(policy.item_id, policy.location_id);
    const skip = (reason: string) => skipped.push({ sku: item.sku, location: location.code, reason });
    if (item.currency !== currency) {
      skip(`priced in ${item.currency}; this simulation reports ${currency}`);
      continue;
    }
    const source = sourceOf.get(key)!;
    if (source === null) {
      skip('no active source: no supplier to order from');
      continue;
    }
    const history = histories.get(key);
    if (history === undefined || history.demand.length === 0) {
      skip('no demand history');
      continue;
    }
    const through = addDays(history.startDate, history.demand.length - 1);
    if (through > dataThrough) dataThrough = through;
    const leadTime = leadTimeOf(scenario, source, samples.get(Number(source.id)));
    if (leadTime === null) {
      skip('no lead time: none quoted for the source or its supplier, and too few receipts to measure one');
      continue;
    }
    const stats = historyStats(history);
    const recommendation = catalogue.recommendations.get(key) ?? null;
    const meanPerDay = recommendation?.mean_per_day ?? stats.observedMean;
    const policies = variants.map((variant) => variantPolicy(variant, policy, recommendation, item.sku, location.code));
    const unusable = policies.findIndex((p) => typeof p === 'string');
    if (unusable >= 0) {
      skip(`${variants[unusable]!.name}: ${policies[unusable] as string}`);
      continue;
    }
    const simPolicies = policies as SimPolicy[];
    if (simPolicies.every((p) => p.kind === 'make_to_order')) {
      skip('make-to-order under every variant: no stock to compare');
      continue;
    }
    const supplier = catalogue.suppliers.get(Number(source.supplier_id))!.code;
    const { demand, shape } = demandModelOf(scenario, history, stats, recommendation);
    const unitCostMinor = Number(item.unitCostMinor ?? 0);
    const digits = minorDigits(currency);
    const orderingCostMinor =
      source.ordering_cost_minor != null
        ? Math.round(toMoney(Number(source.ordering_cost_minor), source.supplier_currency) * 10 ** digits)
        : Math.round(settings.orderingCost * 10 ** digits);
    const stockoutCostMinor =
      scenario.stockoutCost.kind === 'per_unit'
        ? Math.round(scenario.stockoutCost.amount * 10 ** digits)
        : Math.round(scenario.stockoutCost.multiple * unitCostMinor);
    const base: Omit<SimItem, 'policy' | 'extraSafetyStockMilli'> = {
      key: `${item.sku}@${location.code}`,
      supplier,
      demand,
      shape,
      leadTime,
      moqMilli: source.moq_milli === null ? null : Number(source.moq_milli),
      packSizeMilli: source.pack_size_milli === null ? null : Number(source.pack_size_milli),
      partialDelivery: scenario.partialDeliveries ?? undefined,
      initialOnHandMilli: Math.max(0, catalogue.balances.get(key) ?? 0),
      unitCostMinor,
      holdingRatePerYear: holdingRate,
      orderingCostMinor,
      stockoutCostMinor,
    };
    prepared.push({
      sku: item.sku,
      location: location.code,
      category: item.category,
      supplier,
      leadTimeText: describeLeadTime(leadTime),
      meanPerDay,
      disruptedDays: disruptedDaysOf(scenario, supplier, item.sku, leadTime),
      sim: simPolicies.map((simPolicy, v) => ({
        ...base,
        policy: simPolicy,
        extraSafetyStockMilli:
          simPolicy.kind === 'make_to_order' ? 0 : Math.ceil(variants[v]!.extraDaysResolved * meanPerDay * 1000),
      })),
    });
  }
  if (prepared.length === 0) {
    throw new DomainError(
      'LS_VALIDATION',
      `items: none of the ${selected.length} selected item × location pairs can be simulated (first: ${skipped[0]?.sku} at ${skipped[0]?.location}: ${skipped[0]?.reason})`,
      [{ field: 'items', message: 'no pair can be simulated' }],
    );
  }
  const disruptions = simDisruptions(scenario, prepared);
  return {
    currency,
    startDate: addDays(dataThrough, 1),
    dataThrough,
    variants,
    items: prepared,
    skipped,
    disruptions,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and checking

async function readCatalogue(tx: Tx): Promise<Catalogue> {
  const itemRows = await tx
    .selectFrom('items')
    .select(['id', 'sku', 'category', 'unit_cost_minor', 'currency'])
    .where('active', '=', 1)
    .execute();
  const locationRows = await tx.selectFrom('locations').select(['id', 'code', 'site_id']).execute();
  const supplierRows = await tx.selectFrom('suppliers').select(['id', 'code']).execute();
  const sources = new Map<number, PlanSourceRow[]>();
  for (const source of await listPlanSources(tx)) {
    const list = sources.get(Number(source.item_id));
    if (list) list.push(source);
    else sources.set(Number(source.item_id), [source]);
  }
  for (const list of sources.values())
    list.sort((a, b) => Number(a.rank) - Number(b.rank) || Number(a.id) - Number(b.id));
  const balances = new Map<string, number>();
  for (const row of await tx
    .selectFrom('balances')
    .select(['item_id', 'location_id', 'on_hand_milli', 'on_order_milli'])
    .execute()) {
    balances.set(pairKey(row.item_id, row.location_id), Number(row.on_hand_milli) + Number(row.on_order_milli));
  }
  const recommendations = new Map<string, PlanRecommendationTable>();
  for (const row of await tx.selectFrom('plan_recommendations').selectAll().execute()) {
    recommendations.set(pairKey(row.item_id, row.location_id), row);
  }
  const items = new Map(
    itemRows.map((row) => [
      Number(row.id),
      {
        id: Number(row.id),
        sku: row.sku,
        category: row.category,
        unitCostMinor: row.unit_cost_minor === null ? null : Number(row.unit_cost_minor),
        currency: row.currency,
      },
    ]),
  );
  return {
    items,
    itemIdBySku: new Map(itemRows.map((row) => [row.sku, Number(row.id)])),
    locations: new Map(
      locationRows.map((row) => [
        Number(row.id),
        { id: Number(row.id), code: row.code, siteId: row.site_id === null ? null : Number(row.site_id) },
      ]),
    ),
    locationIdByCode: new Map(locationRows.map((row) => [row.code, Number(row.id)])),
    suppliers: new Map(supplierRows.map((row) => [Number(row.id), { id: Number(row.id), code: row.code }])),
    supplierIdByCode: new Map(supplierRows.map((row) => [row.code, Number(row.id)])),
    categories: new Set(itemRows.map((row) => row.category).filter((c): c is string => c !== null)),
    sources,
    policies: (await listPlanPolicies(tx)).filter((p) => items.has(Number(p.item_id))),
    balances,
    recommendations,
  };
}

/**
 * Every name in the scenario must be in the catalogue: SKUs, the category, the location, suppliers. Saved scenarios
 * are checked this way too, so a typo is refused when saved, not when run.
 */
export async function checkScenarioAgainstCatalogue(database: Database, scenario: Scenario): Promise<void> {
  checkScenarioNames(scenario, await readTransaction(database, readCatalogue));
}

function checkScenarioNames(scenario: Scenario, catalogue: Catalogue): void {
  const problems: FieldProblem[] = [];
  const sku = (field: string, value: string) => {
    if (!catalogue.itemIdBySku.has(value)) problems.push({ field, message: `unknown SKU ${value}`, value });
  };
  const supplier = (field: string, value: string) => {
    if (!catalogue.supplierIdByCode.has(value)) problems.push({ field, message: `unknown supplier ${value}`, value });
  };
  const location = (field: string, value: string) => {
    if (!catalogue.locationIdByCode.has(value)) problems.push({ field, message: `unknown location ${value}`, value });
  };
  scenario.items.skus?.forEach((value, i) => {
    sku(`items.skus[${i}]`, value);
  });
  if (scenario.items.category !== undefined && !catalogue.categories.has(scenario.items.category)) {
    problems.push({
      field: 'items.category',
      message: `no active item has category ${scenario.items.category}`,
      value: scenario.items.category,
    });
  }
  if (scenario.items.location !== undefined) location('items.location', scenario.items.location);
  scenario.disruptions.outages.forEach((o, i) => {
    supplier(`disruptions.outages[${i}].supplier`, o.supplier);
  });
  scenario.disruptions.leadTimeFactors.forEach((w, i) => {
    if (w.supplier !== null) supplier(`disruptions.lead_time_factors[${i}].supplier`, w.supplier);
  });
  scenario.disruptions.demandFactors.forEach((w, i) => {
    w.skus?.forEach((value, j) => {
      sku(`disruptions.demand_factors[${i}].skus[${j}]`, value);
    });
  });
  scenario.policies.forEach((variant, i) => {
    variant.set.forEach((entry, j) => {
      sku(`policies[${i}].set[${j}].sku`, entry.sku);
      if (entry.location !== null) location(`policies[${i}].set[${j}].location`, entry.location);
    });
  });
  throwIfProblems(problems);
}

function selectPairs(scenario: Scenario, catalogue: Catalogue): PlanPolicyRow[] {
  const filter = scenario.items;
  const skus = filter.skus === undefined ? undefined : new Set(filter.skus);
  const locationId = filter.location === undefined ? undefined : catalogue.locationIdByCode.get(filter.location);
  return catalogue.policies
    .filter((policy) => {
      const item = catalogue.items.get(Number(policy.item_id))!;
      if (skus !== undefined && !skus.has(item.sku)) return false;
      if (filter.category !== undefined && item.category !== filter.category) return false;
      if (locationId !== undefined) {
        const location = catalogue.locations.get(Number(policy.location_id));
        if (location === undefined || (location.id !== locationId && location.siteId !== locationId)) return false;
      }
      return true;
    })
    .sort((a, b) => {
      const skuA = catalogue.items.get(Number(a.item_id))!.sku;
      const skuB = catalogue.items.get(Number(b.item_id))!.sku;
      const codeA = catalogue.locations.get(Number(a.location_id))!.code;
      const codeB = catalogue.locations.get(Number(b.location_id))!.code;
      return compareText(skuA, skuB) || compareText(codeA, codeB);
    });
}

/** The currency most of the items are priced in (ties: alphabetical); items in another are skipped. */
function mainCurrency(currencies: string[]): string {
  const counts = new Map<string, number>();
  for (const c of currencies) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0]![0];
}

/** A kanban loop's own supplier when it names one and sources the item, else the primary (lowest-rank) source. */
function chooseSource(policy: PlanPolicyRow, catalogue: Catalogue): PlanSourceRow | null {
  const sources = catalogue.sources.get(Number(policy.item_id)) ?? [];
  if (policy.supplier_id !== null) {
    const own = sources.find((s) => Number(s.supplier_id) === Number(policy.supplier_id));
    if (own !== undefined) return own;
  }
  return sources[0] ?? null;
}

/** Measured lead times (days) per supplier item in its current regime (the last 730 days since its last shift). */
async function readLeadTimeSamples(
  database: Database,
  scenario: Scenario,
  now: number,
  supplierItemIds: number[],
): Promise<Map<number, number[]>> {
  const samples = new Map<number, number[]>();
  if (scenario.leadTime.source !== 'measured' || supplierItemIds.length === 0) return samples;
  for await (const [id, observations] of observationGroups(database, {
    since: now - LEAD_TIME_HISTORY_DAYS * DAY_MS,
    regime: true,
    supplierItemIds: [...new Set(supplierItemIds)],
  })) {
    const days = observations.map((o) => o.leadTimeDays).filter((d): d is number => d !== null && d >= 0);
    if (days.length > 0) samples.set(id, days);
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------------------------
// Models

/**
 * measured: the receipts' lead times drawn with replacement when there are at least 3, else the quoted one; quoted:
 * the source's quoted lead time, else its supplier's, fixed; given: fixed, or gamma when sd_days > 0. Null when none
 * is known.
 */
function leadTimeOf(scenario: Scenario, source: PlanSourceRow, samples: number[] | undefined): LeadTimeModel | null {
  const spec = scenario.leadTime;
  if (spec.source === 'given') {
    return spec.sdDays > 0
      ? { kind: 'gamma', meanDays: spec.days, sdDays: spec.sdDays }
      : { kind: 'fixed', days: spec.days };
  }
  if (spec.source === 'measured' && samples !== undefined && samples.length >= MIN_MEASURED_RECEIPTS) {
    return { kind: 'empirical', samplesDays: samples };
  }
  const quoted = source.lead_time_days ?? source.supplier_lead_time_days;
  return quoted === null ? null : { kind: 'fixed', days: Number(quoted) };
}

function describeLeadTime(model: LeadTimeModel): string {
  switch (model.kind) {
    case 'fixed':
      return `${round(model.days, 2)} d`;
    case 'empirical': {
      const mean = model.samplesDays.reduce((a, b) => a + b, 0) / model.samplesDays.length;
      return `${round(mean, 1)} d (${model.samplesDays.length} receipts)`;
    }
    default:
      return `${round(model.meanDays, 2)} ± ${round(model.sdDays, 2)} d`;
  }
}

/** Longest lead time an order can take in days (before any factor). */
function maxLeadTimeDays(model: LeadTimeModel): number {
  switch (model.kind) {
    case 'fixed':
      return model.days;
    case 'empirical':
      return Math.max(...model.samplesDays);
    default:
      return model.meanDays + 2 * model.sdDays;
  }
}

type HistoryStats = {
  /** Mean and s.d. of daily demand over the days in stock (units). */
  observedMean: number;
  observedSd: number;
  /** Share of in-stock days with demand, and the mean and s.d. of the demand on those days. */
  demandDayShare: number;
  sizeMean: number;
  sizeSd: number;
  /** Mean demand by weekday (Monday first) ÷ the overall mean, over the days in stock; 1 where unknown. */
  weekdayIndex: number[];
  /** Weekday (0 = Monday) of simulation day 0: the day after the history. */
  firstWeekday: number;
};

function historyStats(history: DemandHistory): HistoryStats {
  const startWeekday = weekdayOf(history.startDate);
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let demandDays = 0;
  let sizeSum = 0;
  let sizeSq = 0;
  const byWeekday = new Float64Array(7);
  const daysByWeekday = new Float64Array(7);
  for (let day = 0; day < history.demand.length; day++) {
    if (history.stockOut[day] === 1) continue;
    const units = history.demand[day]!;
    n++;
    sum += units;
    sumSq += units * units;
    if (units > 0) {
      demandDays++;
      sizeSum += units;
      sizeSq += units * units;
    }
    const weekday = (startWeekday + day) % 7;
    byWeekday[weekday] = byWeekday[weekday]! + units;
    daysByWeekday[weekday] = daysByWeekday[weekday]! + 1;
  }
  const mean = n > 0 ? sum / n : 0;
  const sizeMean = demandDays > 0 ? sizeSum / demandDays : 0;
  return {
    observedMean: mean,
    observedSd: n > 1 ? Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))) : 0,
    demandDayShare: n > 0 ? demandDays / n : 0,
    sizeMean,
    sizeSd: demandDays > 1 ? Math.sqrt(Math.max(0, (sizeSq - demandDays * sizeMean * sizeMean) / (demandDays - 1))) : 0,
    weekdayIndex: Array.from(byWeekday, (total, w) =>
      mean > 0 && daysByWeekday[w]! > 0 ? total / daysByWeekday[w]! / mean : 1,
    ),
    firstWeekday: (startWeekday + history.demand.length) % 7,
  };
}

/**
 * The history with its stock-out days (censored: the demand that could not be served was not recorded) replaced by
 * the mean of the days in stock.
 */
function uncensoredHistory(history: DemandHistory, stats: HistoryStats): Float64Array {
  const out = new Float64Array(history.demand);
  for (let day = 0; day < out.length; day++)
    if (history.stockOut[day] === 1) out[day] = Math.max(out[day]!, stats.observedMean);
  return out;
}

function demandModelOf(
  scenario: Scenario,
  history: DemandHistory,
  stats: HistoryStats,
  recommendation: PlanRecommendationTable | null,
): { demand: DemandModel; shape: DemandShape | undefined } {
  const spec = scenario.demand;
  if (spec.model === 'bootstrap') {
    return {
      demand: { kind: 'bootstrap', history: uncensoredHistory(history, stats), blockDays: spec.blockDays },
      shape: undefined,
    };
  }
  if (spec.model === 'replay') {
    // The last whole weeks before day 0 (52 weeks for a year), so each simulated day replays the same weekday.
    const full = uncensoredHistory(history, stats);
    const weeks = Math.min(Math.floor(full.length / 7), Math.ceil(scenario.horizonDays / 7));
    return { demand: { kind: 'replay', history: full.slice(full.length - weeks * 7) }, shape: undefined };
  }
  const mean = recommendation?.mean_per_day ?? stats.observedMean;
  const sd = recommendation?.sd_per_day ?? stats.observedSd;
  let distribution = spec.distribution;
  if (distribution === 'auto') {
    const demandClass = recommendation?.demand_class;
    distribution = demandClass === 'intermittent' || demandClass === 'lumpy' ? 'intermittent' : 'negative_binomial';
  }
  let demand: DemandModel;
  switch (distribution) {
    case 'poisson':
      demand = { kind: 'poisson', meanPerDay: mean };
      break;
    case 'normal':
      demand = { kind: 'normal', meanPerDay: mean, sdPerDay: sd };
      break;
    case 'intermittent':
      demand =
        stats.sizeMean > 0
          ? { kind: 'intermittent', probability: stats.demandDayShare, sizeMean: stats.sizeMean, sizeSd: stats.sizeSd }
          : { kind: 'poisson', meanPerDay: 0 };
      break;
    default:
      demand = { kind: 'negative_binomial', meanPerDay: mean, sdPerDay: sd };
  }
  const shape: DemandShape = {};
  if (spec.weekly !== false) {
    const mondayFirst = spec.weekly === true ? stats.weekdayIndex : spec.weekly;
    shape.weekly = Array.from({ length: 7 }, (_, day) => mondayFirst[(stats.firstWeekday + day) % 7]!);
  }
  if (spec.spikes !== null) shape.spikes = spec.spikes;
  return { demand, shape: shape.weekly === undefined && shape.spikes === undefined ? undefined : shape };
}

/** A stored policy as the simulator takes it; a string says why it cannot be simulated. */
function simPolicyOf(row: {
  kind: string;
  reorder_point_milli: number | null;
  target_milli: number | null;
  cards: number | null;
  container_quantity_milli: number | null;
  review_days: number | null;
}): SimPolicy | string {
  const n = (value: number | null) => (value === null ? null : Number(value));
  switch (row.kind) {
    case 'reorder_point': {
      const s = n(row.reorder_point_milli);
      const target = n(row.target_milli);
      if (s === null || target === null) return 'a reorder point policy without levels';
      return { kind: 'reorder_point', reorderPointMilli: s, targetMilli: Math.max(target, s, 1) };
    }
    case 'kanban': {
      const cards = n(row.cards);
      const container = n(row.container_quantity_milli);
      if (cards === null || container === null) return 'a kanban policy without cards';
      return { kind: 'kanban', cards, containerQuantityMilli: container };
    }
    case 'periodic_review': {
      const days = n(row.review_days);
      const target = n(row.target_milli);
      if (days === null || target === null) return 'a periodic review without levels';
      return { kind: 'periodic_review', reviewDays: days, targetMilli: Math.max(target, 1) };
    }
    case 'make_to_order':
      return { kind: 'make_to_order' };
    case 'manual':
      return 'manual policy: ordered by hand, nothing to simulate';
    default:
      return `unknown policy kind ${row.kind}`;
  }
}

/**
 * A stocking policy without `bufferMilli` of its just-in-case stock: s and S (or the periodic S) lowered by it, or a
 * kanban loop short of as many whole containers as the buffer holds (at least one card is kept).
 */
function withoutBuffer(policy: SimPolicy, bufferMilli: number): SimPolicy {
  if (bufferMilli <= 0) return policy;
  switch (policy.kind) {
    case 'reorder_point': {
      const s = Math.max(0, policy.reorderPointMilli - bufferMilli);
      return {
        kind: 'reorder_point',
        reorderPointMilli: s,
        targetMilli: Math.max(s, policy.targetMilli - bufferMilli, 1),
      };
    }
    case 'kanban':
      return { ...policy, cards: Math.max(1, policy.cards - Math.floor(bufferMilli / policy.containerQuantityMilli)) };
    case 'periodic_review':
      return { ...policy, targetMilli: Math.max(1, policy.targetMilli - bufferMilli) };
    case 'make_to_order':
      return policy;
  }
}

function variantPolicy(
  variant: PolicyVariantSpec,
  current: PlanPolicyRow,
  recommendation: PlanRecommendationTable | null,
  sku: string,
  location: string,
): SimPolicy | string {
  const explicit = [...variant.set]
    .reverse()
    .find((entry) => entry.sku === sku && (entry.location === null || entry.location === location));
  if (explicit !== undefined) {
    const policy = explicit.policy;
    switch (policy.kind) {
      case 'reorder_point':
        return { kind: 'reorder_point', reorderPointMilli: policy.reorderPointMilli, targetMilli: policy.targetMilli };
      case 'kanban':
        return { kind: 'kanban', cards: policy.cards, containerQuantityMilli: policy.containerQuantityMilli };
      case 'periodic_review':
        return { kind: 'periodic_review', reviewDays: policy.reviewDays, targetMilli: policy.targetMilli };
      case 'make_to_order':
        return { kind: 'make_to_order' };
    }
  }
  switch (variant.base) {
    case 'current':
      return simPolicyOf(current);
    case 'recommended':
      return recommendation === null ? 'no recommendation (run leanstock plan first)' : simPolicyOf(recommendation);
    case 'lean': {
      if (recommendation === null || recommendation.kind === 'make_to_order' || recommendation.kind === 'manual') {
        return simPolicyOf(current);
      }
      const planned = simPolicyOf(recommendation);
      if (typeof planned === 'string') return planned;
      const buffer = Math.round(
        Number(recommendation.buffer_days ?? 0) * Number(recommendation.mean_per_day ?? 0) * 1000,
      );
      return withoutBuffer(planned, buffer);
    }
  }
}

/**
 * For each day, whether it is in the item's disrupted period: the windows of its supplier's outages and lead-time
 * factors (and the demand factors naming it), each followed by the longest lead time (× the factor), since an order
 * sent when a window ends arrives that much later. Null when no disruption touches the item.
 */
function disruptedDaysOf(
  scenario: Scenario,
  supplier: string,
  sku: string,
  leadTime: LeadTimeModel,
): Uint8Array | null {
  const horizon = scenario.horizonDays;
  const longest = maxLeadTimeDays(leadTime);
  const days = new Uint8Array(horizon);
  let any = false;
  const mark = (fromDay: number, length: number, factor: number) => {
    any = true;
    const end = Math.min(horizon, fromDay + length + Math.ceil(longest * factor));
    for (let day = fromDay; day < end; day++) days[day] = 1;
  };
  const d = scenario.disruptions;
  for (const o of d.outages) if (o.supplier === supplier) mark(o.fromDay, o.days, 1);
  for (const w of d.leadTimeFactors)
    if (w.supplier === null || w.supplier === supplier) mark(w.fromDay, w.days, Math.max(1, w.factor));
  for (const w of d.demandFactors) if (w.skus === null || w.skus.includes(sku)) mark(w.fromDay, w.days, 1);
  return any ? days : null;
}

function simDisruptions(scenario: Scenario, items: PreparedItem[]): Disruptions {
  const suppliers = new Set(items.map((item) => item.supplier));
  const problems: FieldProblem[] = [];
  scenario.disruptions.outages.forEach((o, i) => {
    if (!suppliers.has(o.supplier)) {
      problems.push({
        field: `disruptions.outages[${i}].supplier`,
        message: `${o.supplier} supplies none of the simulated items`,
        value: o.supplier,
      });
    }
  });
  throwIfProblems(problems);
  return {
    outages: scenario.disruptions.outages.map((o) => ({ supplier: o.supplier, fromDay: o.fromDay, days: o.days })),
    leadTimeFactors: scenario.disruptions.leadTimeFactors
      .filter((w) => w.supplier === null || suppliers.has(w.supplier))
      .map((w) => ({
        ...(w.supplier === null ? {} : { supplier: w.supplier }),
        fromDay: w.fromDay,
        days: w.days,
        factor: w.factor,
      })),
    demandFactors: scenario.disruptions.demandFactors.map((w) => ({
      ...(w.skus === null
        ? {}
        : { items: items.filter((item) => w.skus!.includes(item.sku)).map((item) => `${item.sku}@${item.location}`) }),
      fromDay: w.fromDay,
      days: w.days,
      factor: w.factor,
    })),
  };
}
// ---------------------------------------------------------------------------------------------------------------
// Helpers

function pairKey(itemId: number, locationId: number): string {
  return `${Number(itemId)}:${Number(locationId)}`;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
function weekdayOf(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** Parses and checks a scenario (file contents already parsed), then against the catalogue. */
export async function loadScenario(database: Database, raw: unknown, defaultName?: string): Promise<Scenario> {
  const scenario = parseScenario(raw, defaultName);
  await checkScenarioAgainstCatalogue(database, scenario);
  return scenario;
}

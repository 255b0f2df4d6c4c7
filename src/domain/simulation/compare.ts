import type { ServiceFloor } from './scenario.js';
import type { Spread } from './types.js';

/**
 * Policy variants side by side: per item, per category and for the catalogue, the expected cost and service of each
 * variant over the simulated horizon, the recommended variant (the lowest expected total cost among those whose
 * median service meets the floor), by how much it beats the others, and which items stop work under the lean
 * variant in the disrupted period but not when buffered. Pure: the Monte Carlo spreads come in, plain data goes out.
 * Money in minor units (integers, or means of integers); rates 0–1.
 */

/** The spreads of one item under one variant (from the Monte Carlo summary). */
export type VariantOutcome = {
  totalCostMinor: Spread;
  holdingCostMinor: Spread;
  orderingCostMinor: Spread;
  stockoutCostMinor: Spread;
  fillRate: Spread;
  cycleServiceLevel: Spread;
  stockoutDays: Spread;
  averageCashMinor: Spread;
  peakCashMinor: Spread;
  demandMilli: Spread;
  servedMilli: Spread;
  ordersPlaced: Spread;
  /** Days of the disrupted period with no stock in the median run (null: no disruption, or not measured). */
  disruptedStockoutDays: number | null;
};

export type CompareItem = {
  key: string;
  sku: string;
  location: string;
  category: string | null;
  /** By variant name; every item has every variant. */
  outcomes: Record<string, VariantOutcome>;
};

export type CompareInput = {
  /** Variant names in the scenario's order. */
  variants: string[];
  items: CompareItem[];
  horizonDays: number;
  serviceFloor: ServiceFloor;
  /** The variants compared for "stops work under JIT": the lean one and the buffered one (null: not both given). */
  lean: string | null;
  buffered: string | null;
};

/** Expected totals of a group of items under one variant. Money per horizon (minor units, means). */
export type VariantTotals = {
  variant: string;
  items: number;
  totalCostMinor: number;
  holdingCostMinor: number;
  orderingCostMinor: number;
  stockoutCostMinor: number;
  /** Σ expected served ÷ Σ expected demand (1 with no demand). */
  fillRate: number;
  /** Mean over the items of each item's mean cycle service level. */
  cycleServiceLevel: number;
  /** Σ of each item's expected stock-out days (item-days). */
  stockoutDays: number;
  averageCashMinor: number;
  peakCashMinor: number;
  ordersPlaced: number;
  /** Items whose median service meets the floor. */
  itemsMeetingFloor: number;
};

export type VariantDifference = {
  variant: string;
  /** Expected total cost of that variant minus the recommended one's, per year (> 0: the recommendation is cheaper). */
  totalCostPerYearMinor: number;
  holdingCostPerYearMinor: number;
  stockoutCostPerYearMinor: number;
  /** The other variant's service measure (median) minus the recommended one's. */
  serviceDifference: number;
};

export type ItemRecommendation = {
  variant: string;
  meetsFloor: boolean;
  /** The median service of the recommended variant (fill rate or cycle service, as the floor says). */
  service: number;
  totalCostPerYearMinor: number;
  versus: VariantDifference[];
};

export type ItemComparison = {
  key: string;
  sku: string;
  location: string;
  category: string | null;
  recommendation: ItemRecommendation;
  stopsWork: boolean;
};

export type GroupComparison = {
  /** Category name ('(none)' for items without one) or 'catalogue'. */
  group: string;
  totals: VariantTotals[];
  /** The variant with the lowest expected total cost whose pooled service (fill rate, or mean cycle service) meets the floor. */
  recommendation: ItemRecommendation;
  /** Each item on its own recommended variant. */
  bestMix: {
    totalCostPerYearMinor: number;
    holdingCostPerYearMinor: number;
    stockoutCostPerYearMinor: number;
    items: Record<string, number>;
  };
};

export type StopWorkItem = {
  key: string;
  sku: string;
  location: string;
  leanStockoutDays: number;
  bufferedStockoutDays: number;
  /** Buffered minus lean, per year (minor units): what the buffer costs and what it saves. */
  extraHoldingPerYearMinor: number;
  savedStockoutPerYearMinor: number;
};

export type StopWork = {
  lean: string;
  buffered: string;
  items: StopWorkItem[];
  extraHoldingPerYearMinor: number;
  savedStockoutPerYearMinor: number;
};

export type Comparison = {
  catalogue: GroupComparison;
  categories: GroupComparison[];
  items: ItemComparison[];
  /** Null when the scenario has no lean and buffered pair of variants, or no disruption. */
  stopWork: StopWork | null;
  /** What the buffered variant costs and saves on the items it is recommended for (null without lean and buffered). */
  buffering: {
    items: number;
    extraHoldingPerYearMinor: number;
    savedStockoutPerYearMinor: number;
    netPerYearMinor: number;
  } | null;
};

/**
 * Compares the variants. Per item: the recommended variant is the one with the lowest expected (mean) total cost
 * among those whose median (p50) fill rate — or cycle service level, as the floor says — is at least the floor; when
 * none reaches it, the one with the highest median service (ties: the cheaper). Costs are annualised (× 365 ÷
 * horizon). A group (category, catalogue) is compared on its expected totals: pooled fill rate Σ served ÷ Σ demand, or
 * the mean of the items' cycle service levels. An item stops work under JIT when, in the disrupted period, the median
 * run of the lean variant has days without stock and that of the buffered variant has none.
 *
 * @example compareVariants({ variants: ['lean', 'buffered'], items, horizonDays: 365,
 *   serviceFloor: { measure: 'fill_rate', level: 0.95 }, lean: 'lean', buffered: 'buffered' })
 */
export function compareVariants(input: CompareInput): Comparison {
  const perYear = 365 / input.horizonDays;
  const items = input.items.map((item) => compareItem(item, input, perYear));
  const byCategory = new Map<string, CompareItem[]>();
  for (const item of input.items) {
    const group = item.category ?? '(none)';
    const list = byCategory.get(group);
    if (list) list.push(item);
    else byCategory.set(group, [item]);
  }
  const recommended = new Map(items.map((item) => [item.key, item.recommendation.variant]));
  const categories = [...byCategory.keys()]
    .sort()
    .map((group) => compareGroup(group, byCategory.get(group)!, input, perYear, recommended));
  return {
    catalogue: compareGroup('catalogue', input.items, input, perYear, recommended),
    categories,
    items,
    stopWork: stopWorkOf(input, items, perYear),
    buffering: bufferingOf(input, items, perYear),
  };
}

function serviceOf(outcome: VariantOutcome, floor: ServiceFloor): number {
  return floor.measure === 'fill_rate' ? outcome.fillRate.p50 : outcome.cycleServiceLevel.p50;
}

/** The variant to recommend among candidates with a cost and a service: cheapest meeting the floor, else best service. */
function choose<T extends { variant: string; cost: number; service: number }>(candidates: T[], level: number): T {
  const meeting = candidates.filter((c) => c.service >= level);
  if (meeting.length > 0) {
    return meeting.reduce((best, c) => (c.cost < best.cost ? c : best));
  }
  return candidates.reduce((best, c) =>
    c.service > best.service || (c.service === best.service && c.cost < best.cost) ? c : best,
  );
}

function compareItem(item: CompareItem, input: CompareInput, perYear: number): ItemComparison {
  const candidates = input.variants.map((variant) => {
    const outcome = item.outcomes[variant]!;
    return { variant, cost: outcome.totalCostMinor.mean, service: serviceOf(outcome, input.serviceFloor), outcome };
  });
  const best = choose(candidates, input.serviceFloor.level);
  const versus = candidates
    .filter((c) => c.variant !== best.variant)
    .map((c) => ({
      variant: c.variant,
      totalCostPerYearMinor: (c.cost - best.cost) * perYear,
      holdingCostPerYearMinor: (c.outcome.holdingCostMinor.mean - best.outcome.holdingCostMinor.mean) * perYear,
      stockoutCostPerYearMinor: (c.outcome.stockoutCostMinor.mean - best.outcome.stockoutCostMinor.mean) * perYear,
      serviceDifference: c.service - best.service,
    }));
  return {
    key: item.key,
    sku: item.sku,
    location: item.location,
    category: item.category,
    recommendation: {
      variant: best.variant,
      meetsFloor: best.service >= input.serviceFloor.level,
      service: best.service,
      totalCostPerYearMinor: best.cost * perYear,
      versus,
    },
    stopsWork: stopsWork(item, input),
  };
}

function stopsWork(item: CompareItem, input: CompareInput): boolean {
  if (input.lean === null || input.buffered === null) return false;
  const lean = item.outcomes[input.lean]!.disruptedStockoutDays;
  const buffered = item.outcomes[input.buffered]!.disruptedStockoutDays;
  return lean !== null && buffered !== null && lean > 0 && buffered === 0;
}

/** Expected totals of `items` under `variant`. */
export function totalsOf(items: CompareItem[], variant: string, floor: ServiceFloor): VariantTotals {
  const totals: VariantTotals = {
    variant,
    items: items.length,
    totalCostMinor: 0,
    holdingCostMinor: 0,
    orderingCostMinor: 0,
    stockoutCostMinor: 0,
    fillRate: 1,
    cycleServiceLevel: 1,
    stockoutDays: 0,
    averageCashMinor: 0,
    peakCashMinor: 0,
    ordersPlaced: 0,
    itemsMeetingFloor: 0,
  };
  let demand = 0;
  let served = 0;
  let cycleService = 0;
  for (const item of items) {
    const o = item.outcomes[variant]!;
    totals.totalCostMinor += o.totalCostMinor.mean;
    totals.holdingCostMinor += o.holdingCostMinor.mean;
    totals.orderingCostMinor += o.orderingCostMinor.mean;
    totals.stockoutCostMinor += o.stockoutCostMinor.mean;
    totals.stockoutDays += o.stockoutDays.mean;
    totals.averageCashMinor += o.averageCashMinor.mean;
    totals.peakCashMinor += o.peakCashMinor.mean;
    totals.ordersPlaced += o.ordersPlaced.mean;
    demand += o.demandMilli.mean;
    served += o.servedMilli.mean;
    cycleService += o.cycleServiceLevel.mean;
    if (serviceOf(o, floor) >= floor.level) totals.itemsMeetingFloor++;
  }
  if (demand > 0) totals.fillRate = served / demand;
  if (items.length > 0) totals.cycleServiceLevel = cycleService / items.length;
  return totals;
}

function compareGroup(
  group: string,
  items: CompareItem[],
  input: CompareInput,
  perYear: number,
  recommended: Map<string, string>,
): GroupComparison {
  const totals = input.variants.map((variant) => totalsOf(items, variant, input.serviceFloor));
  const candidates = totals.map((t) => ({
    variant: t.variant,
    cost: t.totalCostMinor,
    service: input.serviceFloor.measure === 'fill_rate' ? t.fillRate : t.cycleServiceLevel,
    totals: t,
  }));
  const best = choose(candidates, input.serviceFloor.level);
  const bestMix = {
    totalCostPerYearMinor: 0,
    holdingCostPerYearMinor: 0,
    stockoutCostPerYearMinor: 0,
    items: {} as Record<string, number>,
  };
  for (const variant of input.variants) bestMix.items[variant] = 0;
  for (const item of items) {
    const variant = recommended.get(item.key)!;
    const o = item.outcomes[variant]!;
    bestMix.totalCostPerYearMinor += o.totalCostMinor.mean * perYear;
    bestMix.holdingCostPerYearMinor += o.holdingCostMinor.mean * perYear;
    bestMix.stockoutCostPerYearMinor += o.stockoutCostMinor.mean * perYear;
    bestMix.items[variant] = (bestMix.items[variant] ?? 0) + 1;
  }
  return {
    group,
    totals,
    recommendation: {
      variant: best.variant,
      meetsFloor: best.service >= input.serviceFloor.level,
      service: best.service,
      totalCostPerYearMinor: best.cost * perYear,
      versus: candidates
        .filter((c) => c.variant !== best.variant)
        .map((c) => ({
          variant: c.variant,
          totalCostPerYearMinor: (c.cost - best.cost) * perYear,
          holdingCostPerYearMinor: (c.totals.holdingCostMinor - best.totals.holdingCostMinor) * perYear,
          stockoutCostPerYearMinor: (c.totals.stockoutCostMinor - best.totals.stockoutCostMinor) * perYear,
          serviceDifference: c.service - best.service,
        })),
    },
    bestMix,
  };
}

function stopWorkOf(input: CompareInput, items: ItemComparison[], perYear: number): StopWork | null {
  const { lean, buffered } = input;
  if (lean === null || buffered === null) return null;
  const measured = input.items.some((item) => item.outcomes[lean]!.disruptedStockoutDays !== null);
  if (!measured) return null;
  const byKey = new Map(input.items.map((item) => [item.key, item]));
  const stopWork: StopWork = { lean, buffered, items: [], extraHoldingPerYearMinor: 0, savedStockoutPerYearMinor: 0 };
  for (const comparison of items) {
    if (!comparison.stopsWork) continue;
    const item = byKey.get(comparison.key)!;
    const l = item.outcomes[lean]!;
    const b = item.outcomes[buffered]!;
    const entry: StopWorkItem = {
      key: item.key,
      sku: item.sku,
      location: item.location,
      leanStockoutDays: l.disruptedStockoutDays!,
      bufferedStockoutDays: b.disruptedStockoutDays!,
      extraHoldingPerYearMinor: (b.holdingCostMinor.mean - l.holdingCostMinor.mean) * perYear,
      savedStockoutPerYearMinor: (l.stockoutCostMinor.mean - b.stockoutCostMinor.mean) * perYear,
    };
    stopWork.items.push(entry);
    stopWork.extraHoldingPerYearMinor += entry.extraHoldingPerYearMinor;
    stopWork.savedStockoutPerYearMinor += entry.savedStockoutPerYearMinor;
  }
  stopWork.items.sort((a, b) => b.leanStockoutDays - a.leanStockoutDays || (a.key < b.key ? -1 : 1));
  return stopWork;
}

function bufferingOf(input: CompareInput, items: ItemComparison[], perYear: number): Comparison['buffering'] {
  const { lean, buffered } = input;
  if (lean === null || buffered === null) return null;
  const byKey = new Map(input.items.map((item) => [item.key, item]));
  const result = { items: 0, extraHoldingPerYearMinor: 0, savedStockoutPerYearMinor: 0, netPerYearMinor: 0 };
  for (const comparison of items) {
    if (comparison.recommendation.variant !== buffered) continue;
    const item = byKey.get(comparison.key)!;
    const l = item.outcomes[lean]!;
    const b = item.outcomes[buffered]!;
    result.items++;
    result.extraHoldingPerYearMinor += (b.holdingCostMinor.mean - l.holdingCostMinor.mean) * perYear;
    result.savedStockoutPerYearMinor += (l.stockoutCostMinor.mean - b.stockoutCostMinor.mean) * perYear;
    result.netPerYearMinor += (l.totalCostMinor.mean - b.totalCostMinor.mean) * perYear;
  }
  return result;
}

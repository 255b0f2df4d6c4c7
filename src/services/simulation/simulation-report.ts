import { minorDigits, toMoney } from '../../domain/money.js';
import { toQuantity } from '../../domain/quantity.js';
import { formatPolicy } from '../../domain/replenishment/policy.js';
import {
  type CompareItem,
  type Comparison,
  compareVariants,
  type VariantOutcome,
} from '../../domain/simulation/compare.js';
import { formatScenario, type Scenario } from '../../domain/simulation/scenario.js';
import type { MonteCarloResult, OnHandBands } from '../../domain/simulation/summarize.js';
import type { SimPolicy } from '../../domain/simulation/types.js';
import type { PreparedSimulation } from './simulation.service.js';

/**
 * The report of a simulation: the Monte Carlo results of every variant compared (domain/simulation/compare.ts) and
 * put in the words and units an owner reads — money in major units a year, rates 0–1, the items that stop work, the
 * findings, and the data of the chart.
 */

/** Items whose trajectories the chart draws. */
const CHART_ITEMS = 4;

/** The report of one simulation: what `simulate --json` prints and a finished job holds. Money in major units. */
export type SimulationReport = {
  scenario: Record<string, unknown>;
  currency: string;
  /** Site-local date of simulation day 0 (the day after the last day of history). */
  start_date: string;
  data_through: string;
  horizon_days: number;
  runs: number;
  seed: number;
  quantiles: 'exact' | 'p2';
  service_floor: { measure: 'fill_rate' | 'cycle_service'; level: number };
  variants: VariantView[];
  items_simulated: number;
  skipped: Array<{ sku: string; location: string; reason: string }>;
  catalogue: GroupView;
  categories: GroupView[];
  items: ItemView[];
  stops_work: StopWorkView | null;
  buffering: {
    items: number;
    extra_holding_per_year: number;
    saved_stockout_per_year: number;
    net_per_year: number;
  } | null;
  findings: string[];
  chart: ChartData;
};

export type VariantView = { name: string; base: string; extra_days: number; description: string };

export type VariantTotalsView = {
  variant: string;
  total_cost_per_year: number;
  /** Only for the catalogue: the spread of the catalogue's total cost over the runs, per year. */
  total_cost_per_year_spread: { p5: number; p50: number; p95: number } | null;
  holding_cost_per_year: number;
  ordering_cost_per_year: number;
  stockout_cost_per_year: number;
  fill_rate: number;
  cycle_service_level: number;
  /** Σ over the items of their expected stock-out days over the horizon. */
  stockout_item_days: number;
  cash_tied_up_average: number;
  orders_per_year: number;
  items_meeting_floor: number;
};

export type RecommendationView = {
  variant: string;
  meets_floor: boolean;
  service: number;
  total_cost_per_year: number;
  versus: Array<{
    variant: string;
    extra_cost_per_year: number;
    extra_holding_per_year: number;
    extra_stockout_per_year: number;
    service_difference: number;
  }>;
};

export type GroupView = {
  group: string;
  items: number;
  variants: VariantTotalsView[];
  recommendation: RecommendationView;
  best_mix: {
    total_cost_per_year: number;
    holding_cost_per_year: number;
    stockout_cost_per_year: number;
    items: Record<string, number>;
  };
};

export type ItemVariantView = {
  policy: Record<string, unknown>;
  extra_safety_stock: number;
  total_cost_per_year: number;
  holding_cost_per_year: number;
  stockout_cost_per_year: number;
  fill_rate_p50: number;
  cycle_service_p50: number;
  stockout_days_mean: number;
  disrupted_stockout_days: number | null;
  cash_tied_up_average: number;
};

export type ItemView = {
  sku: string;
  location: string;
  category: string | null;
  supplier: string;
  lead_time: string;
  demand_per_day: number;
  variants: Record<string, ItemVariantView>;
  recommendation: RecommendationView;
  stops_work: boolean;
};

export type StopWorkView = {
  lean: string;
  buffered: string;
  items: Array<{
    sku: string;
    location: string;
    lean_stockout_days: number;
    buffered_stockout_days: number;
    extra_holding_per_year: number;
    saved_stockout_per_year: number;
  }>;
  extra_holding_per_year: number;
  saved_stockout_per_year: number;
};

/** On-hand bands (units, per day) of the items with the most stock-out days, per variant; and the disruptions. */
export type ChartData = {
  items: Array<{ sku: string; location: string; variant: string; p5: number[]; p50: number[]; p95: number[] }>;
  windows: Array<{ from_day: number; days: number; label: string }>;
};

/** The variants compared for "stops work under JIT": the one named lean (else based on lean with no extra days) and
 * the one named buffered (else the first with extra days). */
function leanAndBuffered(variants: PreparedSimulation['variants']): { lean: string | null; buffered: string | null } {
  const lean =
    variants.find((v) => v.name === 'lean') ?? variants.find((v) => v.base === 'lean' && v.extraDaysResolved === 0);
  const buffered = variants.find((v) => v.name === 'buffered') ?? variants.find((v) => v.extraDaysResolved > 0);
  return { lean: lean?.name ?? null, buffered: buffered === undefined || buffered === lean ? null : buffered.name };
}

function disruptedStockoutDays(bands: OnHandBands | undefined, days: Uint8Array | null): number | null {
  if (days === null || bands === undefined) return null;
  let count = 0;
  for (let day = 0; day < days.length; day++) if (days[day] === 1 && bands.p50[day]! <= 0) count++;
  return count;
}

export function buildReport(
  scenario: Scenario,
  prepared: PreparedSimulation,
  results: MonteCarloResult[],
): SimulationReport {
  const names = prepared.variants.map((v) => v.name);
  const { lean, buffered } = leanAndBuffered(prepared.variants);
  const compareItems: CompareItem[] = prepared.items.map((item, i) => {
    const outcomes: Record<string, VariantOutcome> = {};
    names.forEach((name, v) => {
      const summary = results[v]!.items[i]!;
      outcomes[name] = {
        ...summary.outputs,
        disruptedStockoutDays: disruptedStockoutDays(summary.onHandBands, item.disruptedDays),
      };
    });
    return {
      key: `${item.sku}@${item.location}`,
      sku: item.sku,
      location: item.location,
      category: item.category,
      outcomes,
    };
  });
  const comparison = compareVariants({
    variants: names,
    items: compareItems,
    horizonDays: scenario.horizonDays,
    serviceFloor: scenario.serviceFloor,
    lean,
    buffered,
  });
  const money = moneyOf(prepared.currency);
  const perYear = 365 / scenario.horizonDays;
  const catalogueSpreads = new Map(
    names.map((name, v) => {
      const spread = results[v]!.catalogue.totalCostMinor;
      return [
        name,
        { p5: money(spread.p5 * perYear), p50: money(spread.p50 * perYear), p95: money(spread.p95 * perYear) },
      ];
    }),
  );
  const groupView = (group: Comparison['catalogue'], withSpread: boolean): GroupView => ({
    group: group.group,
    items: group.totals[0]?.items ?? 0,
    variants: group.totals.map((t) => ({
      variant: t.variant,
      total_cost_per_year: money(t.totalCostMinor * perYear),
      total_cost_per_year_spread: withSpread ? catalogueSpreads.get(t.variant)! : null,
      holding_cost_per_year: money(t.holdingCostMinor * perYear),
      ordering_cost_per_year: money(t.orderingCostMinor * perYear),
      stockout_cost_per_year: money(t.stockoutCostMinor * perYear),
      fill_rate: round(t.fillRate, 4),
      cycle_service_level: round(t.cycleServiceLevel, 4),
      stockout_item_days: round(t.stockoutDays, 1),
      cash_tied_up_average: money(t.averageCashMinor),
      orders_per_year: round(t.ordersPlaced * perYear, 1),
      items_meeting_floor: t.itemsMeetingFloor,
    })),
    recommendation: recommendationView(group.recommendation, money),
    best_mix: {
      total_cost_per_year: money(group.bestMix.totalCostPerYearMinor),
      holding_cost_per_year: money(group.bestMix.holdingCostPerYearMinor),
      stockout_cost_per_year: money(group.bestMix.stockoutCostPerYearMinor),
      items: group.bestMix.items,
    },
  });

  const items: ItemView[] = prepared.items.map((item, i) => {
    const compared = comparison.items[i]!;
    const variants: Record<string, ItemVariantView> = {};
    names.forEach((name, v) => {
      const sim = item.sim[v]!;
      const o = compareItems[i]!.outcomes[name]!;
      variants[name] = {
        policy: formatSimPolicy(sim.policy),
        extra_safety_stock: toQuantity(sim.extraSafetyStockMilli),
        total_cost_per_year: money(o.totalCostMinor.mean * perYear),
        holding_cost_per_year: money(o.holdingCostMinor.mean * perYear),
        stockout_cost_per_year: money(o.stockoutCostMinor.mean * perYear),
        fill_rate_p50: round(o.fillRate.p50, 4),
        cycle_service_p50: round(o.cycleServiceLevel.p50, 4),
        stockout_days_mean: round(o.stockoutDays.mean, 2),
        disrupted_stockout_days: o.disruptedStockoutDays,
        cash_tied_up_average: money(o.averageCashMinor.mean),
      };
    });
    return {
      sku: item.sku,
      location: item.location,
      category: item.category,
      supplier: item.supplier,
      lead_time: item.leadTimeText,
      demand_per_day: round(item.meanPerDay, 3),
      variants,
      recommendation: recommendationView(compared.recommendation, money),
      stops_work: compared.stopsWork,
    };
  });

  const stopWork: StopWorkView | null =
    comparison.stopWork === null
      ? null
      : {
          lean: comparison.stopWork.lean,
          buffered: comparison.stopWork.buffered,
          items: comparison.stopWork.items.map((s) => ({
            sku: s.sku,
            location: s.location,
            lean_stockout_days: s.leanStockoutDays,
            buffered_stockout_days: s.bufferedStockoutDays,
            extra_holding_per_year: money(s.extraHoldingPerYearMinor),
            saved_stockout_per_year: money(s.savedStockoutPerYearMinor),
          })),
          extra_holding_per_year: money(comparison.stopWork.extraHoldingPerYearMinor),
          saved_stockout_per_year: money(comparison.stopWork.savedStockoutPerYearMinor),
        };
  const buffering =
    comparison.buffering === null
      ? null
      : {
          items: comparison.buffering.items,
          extra_holding_per_year: money(comparison.buffering.extraHoldingPerYearMinor),
          saved_stockout_per_year: money(comparison.buffering.savedStockoutPerYearMinor),
          net_per_year: money(comparison.buffering.netPerYearMinor),
        };
  const catalogue = groupView(comparison.catalogue, true);
  const report: SimulationReport = {
    scenario: formatScenario(scenario),
    currency: prepared.currency,
    start_date: prepared.startDate,
    data_through: prepared.dataThrough,
    horizon_days: scenario.horizonDays,
    runs: scenario.runs,
    seed: scenario.seed,
    quantiles: results[0]!.quantiles,
    service_floor: { ...scenario.serviceFloor },
    variants: prepared.variants.map((v) => ({
      name: v.name,
      base: v.base,
      extra_days: v.extraDaysResolved,
      description: describeVariant(v),
    })),
    items_simulated: prepared.items.length,
    skipped: prepared.skipped,
    catalogue,
    categories: comparison.categories.map((group) => groupView(group, false)),
    items,
    stops_work: stopWork,
    buffering,
    findings: [],
    chart: chartData(scenario, prepared, results, lean ?? names[0]!, comparison, compareItems),
  };
  report.findings = findingsOf(report);
  return report;
}

function recommendationView(
  r: Comparison['catalogue']['recommendation'],
  money: (minor: number) => number,
): RecommendationView {
  return {
    variant: r.variant,
    meets_floor: r.meetsFloor,
    service: round(r.service, 4),
    total_cost_per_year: money(r.totalCostPerYearMinor),
    versus: r.versus.map((d) => ({
      variant: d.variant,
      extra_cost_per_year: money(d.totalCostPerYearMinor),
      extra_holding_per_year: money(d.holdingCostPerYearMinor),
      extra_stockout_per_year: money(d.stockoutCostPerYearMinor),
      service_difference: round(d.serviceDifference, 4),
    })),
  };
}

function describeVariant(v: PreparedSimulation['variants'][number]): string {
  const base =
    v.base === 'current'
      ? 'the policies in force'
      : v.base === 'recommended'
        ? "the plan's recommendations"
        : "the plan's levels without their buffer (the policy in force where the plan recommends make-to-order or nothing)";
  const set = v.set.length > 0 ? `; ${v.set.length} set explicitly` : '';
  if (v.extraDaysResolved > 0) {
    const on = v.name === v.base ? base : v.base;
    return `${on} + ${round(v.extraDaysResolved, 2)} days of demand just in case${set}`;
  }
  return `${base}${set}`;
}

function formatSimPolicy(policy: SimPolicy): Record<string, unknown> {
  switch (policy.kind) {
    case 'reorder_point':
      return formatPolicy(policy);
    case 'kanban':
      return formatPolicy(policy);
    case 'periodic_review':
      return { kind: policy.kind, review_days: policy.reviewDays, target: toQuantity(policy.targetMilli) };
    case 'make_to_order':
      return { kind: policy.kind };
  }
}

/**
 * The worst items and their bands under every variant: those that stop work, most days without stock first, then
 * those with the most expected stock-out days under `focus` (ties: by SKU and location).
 */
function chartData(
  scenario: Scenario,
  prepared: PreparedSimulation,
  results: MonteCarloResult[],
  focus: string,
  comparison: Comparison,
  compareItems: CompareItem[],
): ChartData {
  const focusIndex = Math.max(
    0,
    prepared.variants.findIndex((v) => v.name === focus),
  );
  const ranked = prepared.items
    .map((item, i) => ({
      item,
      i,
      stops: comparison.items[i]!.stopsWork ? (compareItems[i]!.outcomes[focus]!.disruptedStockoutDays ?? 0) : -1,
      days: results[focusIndex]!.items[i]!.outputs.stockoutDays.mean,
    }))
    .filter((entry) => entry.days > 0)
    .sort(
      (a, b) =>
        b.stops - a.stops ||
        b.days - a.days ||
        compareText(a.item.sku, b.item.sku) ||
        compareText(a.item.location, b.item.location),
    )
    .slice(0, CHART_ITEMS);
  const units = (values: Float64Array) => Array.from(values, (milli) => toQuantity(Math.round(milli)));
  const items: ChartData['items'] = [];
  for (const { item, i } of ranked) {
    prepared.variants.forEach((variant, v) => {
      const bands = results[v]!.items[i]!.onHandBands;
      if (bands === undefined) return;
      items.push({
        sku: item.sku,
        location: item.location,
        variant: variant.name,
        p5: units(bands.p5),
        p50: units(bands.p50),
        p95: units(bands.p95),
      });
    });
  }
  const d = scenario.disruptions;
  return {
    items,
    windows: [
      ...d.outages.map((o) => ({ from_day: o.fromDay, days: o.days, label: `${o.supplier} closed` })),
      ...d.leadTimeFactors.map((w) => ({
        from_day: w.fromDay,
        days: w.days,
        label: `lead times × ${w.factor}${w.supplier === null ? '' : ` (${w.supplier})`}`,
      })),
      ...d.demandFactors.map((w) => ({
        from_day: w.fromDay,
        days: w.days,
        label: `demand × ${w.factor}${w.skus === null ? '' : ` (${w.skus.length} SKUs)`}`,
      })),
    ],
  };
}

/** Sentences for the owner: the recommendation and by how much, what buffering costs and saves, what stops work. */
function findingsOf(report: SimulationReport): string[] {
  const c = report.currency;
  const amount = (value: number) => formatAmount(value, c);
  const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;
  const measure = report.service_floor.measure === 'fill_rate' ? 'fill rate' : 'cycle service level';
  const findings: string[] = [];
  const rec = report.catalogue.recommendation;
  const totals = new Map(report.catalogue.variants.map((v) => [v.variant, v]));
  const chosen = totals.get(rec.variant)!;
  const service = report.service_floor.measure === 'fill_rate' ? chosen.fill_rate : chosen.cycle_service_level;
  const others = rec.versus
    .map((d) =>
      d.extra_cost_per_year >= 0
        ? `${amount(d.extra_cost_per_year)} less than ${d.variant}`
        : `${amount(-d.extra_cost_per_year)} more than ${d.variant}`,
    )
    .join(', ');
  findings.push(
    rec.meets_floor
      ? `Across the catalogue, ${rec.variant} is the cheapest variant that meets the ${measure} floor of ${pct(report.service_floor.level)}: ${amount(rec.total_cost_per_year)} a year at a ${measure} of ${pct(service)}${others ? `, ${others}` : ''}.`
      : `No variant meets the ${measure} floor of ${pct(report.service_floor.level)} across the catalogue; ${rec.variant} comes closest (${pct(service)}) at ${amount(rec.total_cost_per_year)} a year.`,
  );
  const mix = report.catalogue.best_mix;
  const mixCounts = Object.entries(mix.items)
    .filter(([, n]) => n > 0)
    .map(([variant, n]) => `${n} ${variant}`)
    .join(', ');
  findings.push(
    `Choosing per item (${mixCounts}) costs ${amount(mix.total_cost_per_year)} a year, ${amount(chosen.total_cost_per_year - mix.total_cost_per_year)} less than ${rec.variant} everywhere.`,
  );
  if (report.buffering !== null && report.buffering.items > 0) {
    const b = report.buffering;
    findings.push(
      `Buffering the ${b.items} item${b.items === 1 ? '' : 's'} for which ${report.stops_work?.buffered ?? 'buffered'} is best costs ${amount(b.extra_holding_per_year)} a year more in holding and saves ${amount(b.saved_stockout_per_year)} in stock-outs (net ${amount(b.net_per_year)} a year).`,
    );
  }
  if (report.stops_work !== null) {
    const s = report.stops_work;
    findings.push(
      s.items.length === 0
        ? `No item runs out in the disrupted period under ${s.lean} that ${s.buffered} would have kept in stock.`
        : `${s.items.length} item${s.items.length === 1 ? '' : 's'} would stop work under ${s.lean} (no stock in the median run during the disrupted period) but not under ${s.buffered}; buffering ${s.items.length === 1 ? 'it' : 'them'} costs ${amount(s.extra_holding_per_year)} a year in holding and saves ${amount(s.saved_stockout_per_year)} in stock-outs.`,
    );
  }
  if (report.skipped.length > 0) {
    findings.push(
      `${report.skipped.length} item × location pair${report.skipped.length === 1 ? ' was' : 's were'} not simulated (see skipped).`,
    );
  }
  return findings;
}

function moneyOf(currency: string): (minor: number) => number {
  const digits = minorDigits(currency);
  return (minor) => round(toMoney(minor, currency), digits);
}

/** "€1,234" style without locale data: the amount with thousands separators and the currency code. */
export function formatAmount(value: number, currency: string): string {
  const sign = value < 0 ? '−' : '';
  const whole = Math.round(Math.abs(value));
  return `${sign}${currency} ${whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

/** `value` rounded to `digits` decimals (−0 as 0). */
export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  const rounded = Math.round(value * scale) / scale;
  return rounded === 0 ? 0 : rounded;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

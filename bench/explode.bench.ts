/**
 * Requirement explosion (issue 7): `explode` over 1,000 customer orders (1–3 lines each) for a synthetic catalogue of
 * finished products whose BOMs go five levels deep over 2,000 distinct shared components, with stock and open supply
 * to net against and pegging. Reports the median of several timed runs after a warm-up, against a baseline from the
 * same run: a plain recursive BOM walk that only totals each demand's gross requirements (no netting, dates, pegs or
 * planned orders). Target: < 1 s on this 2-core machine.
 *
 * Run alone: `npx tsx bench/explode.bench.ts` (or `BENCH_ONLY=explode npm run bench`). Writes bench/results/explode.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  componentRequirementMilli,
  type ExplosionDemand,
  type ExplosionInput,
  type ExplosionItem,
  type ExplosionResult,
  explode,
} from '../src/domain/production/index.js';
import { describeEnvironment, projectRoot, round } from './support/environment.js';
import { mulberry32 } from './support/workload.js';

/** Issue 7: 1,000 customer orders over five-level BOMs with 2,000 components, netted and pegged, in under a second. */
export const EXPLODE_TARGET_SECONDS = 1;
const SEED = 7;
const TODAY = '2026-06-01';
/** Components per BOM level 1 … 5 (2,000 in all); level 5 is bought, levels 1–4 are made. */
const LEVEL_SIZES = [150, 250, 400, 500, 700];
const PRODUCTS = 300;

export type ExplodeBenchOptions = { orders: number; runs: number; warmupRuns: number };

export type ExplodeBenchResult = {
  catalogue: { products: number; components: number; levels: number; bom_lines: number; mean_lines_per_bom: number };
  orders: number;
  demands: number;
  runs: number;
  warmup_runs: number;
  /** `explode` wall-clock seconds per run, and their median. */
  explode_seconds: number[];
  median_seconds: number;
  /** The plain BOM walk (gross requirements only) on the same demands: median seconds and explode ÷ walk. */
  baseline: { method: string; median_seconds: number; gross_requirements: number };
  ratio_to_baseline: number;
  output: {
    planned_orders: number;
    production_orders: number;
    purchase_orders: number;
    late_orders: number;
    pegs: number;
    pegs_to_stock: number;
    pegs_to_open_supply: number;
    pegs_per_second: number;
    demands_promised_late: number;
    problems: number;
  };
  /** Every demand × item's pegged quantity equals the walk's gross requirement for it. */
  check: { ok: boolean; mismatches: number };
  target_seconds: number;
  met: boolean;
};

/**
 * The synthetic catalogue: components in five levels, each made component with 2–4 lines to the next level (one in
 * five lines skips a level), so parts are shared widely; products with 2–4 lines into levels 1–2; quantities per
 * 1–3 (one in five with a quarter more), scrap 1–5 % on three lines in ten. 85 % of items are stocked and about a
 * third of those have 0–200 units available; one in five has open supply; one in ten is divisible (not counted in
 * whole units); lead times 1–10 days to make, 3–30 to buy. Seeded: the same every run.
 */
export function explodeBenchCatalogue(seed = SEED): { items: Map<number, ExplosionItem>; products: number[] } {
  const random = mulberry32(seed);
  const pick = (from: number[]) => from[Math.floor(random() * from.length)]!;
  const levels: number[][] = [];
  let nextId = 1;
  const products = Array.from({ length: PRODUCTS }, () => nextId++);
  for (const size of LEVEL_SIZES) levels.push(Array.from({ length: size }, () => nextId++));
  const items = new Map<number, ExplosionItem>();
  const supplyDate = (offset: number) => dayString(dayNumber(TODAY) + offset);
  let supplyId = 1;
  const add = (itemId: number, componentLevels: number[][] | null) => {
    const used = new Set<number>();
    const lines = componentLevels
      ? Array.from({ length: 2 + Math.floor(random() * 3) }, () => {
          const level = componentLevels.length > 1 && random() < 0.2 ? componentLevels[1]! : componentLevels[0]!;
          let component = pick(level);
          while (used.has(component)) component = pick(level);
          used.add(component);
          return {
            componentItemId: component,
            quantityPerMilli: 1000 * (1 + Math.floor(random() * 3)) + (random() < 0.2 ? 250 : 0),
            scrapBp: random() < 0.3 ? 100 + Math.floor(random() * 400) : 0,
          };
        })
      : [];
    const stocked = random() < 0.85;
    const openSupply =
      random() < 0.2
        ? Array.from({ length: 1 + Math.floor(random() * 2) }, (_, i) => ({
            kind: componentLevels ? ('production_order' as const) : ('purchase_order_line' as const),
            id: supplyId++,
            dueDate: supplyDate(3 + i * 10 + Math.floor(random() * 10)),
            freeMilli: 1000 * (10 + Math.floor(random() * 100)),
          }))
        : [];
    items.set(itemId, {
      itemId,
      bom: componentLevels ? { bomId: itemId, leadTimeDays: 1 + Math.floor(random() * 10), lines } : null,
      purchaseLeadTimeDays: componentLevels ? null : 3 + Math.floor(random() * 28),
      countUnit: random() < 0.9,
      stocked,
      availableMilli: stocked && random() < 0.33 ? 1000 * Math.floor(random() * 200) : 0,
      openSupply,
    });
  };
  for (const product of products) add(product, [levels[0]!, levels[1]!]);
  for (let level = 0; level < levels.length; level++) {
    const below = levels.slice(level + 1, level + 3);
    for (const itemId of levels[level]!) add(itemId, below.length > 0 ? below : null);
  }
  return { items, products };
}

/** 1,000 orders of 1–3 lines, products drawn at random, 1–20 units, needed in 5–60 days. */
export function explodeBenchDemands(products: number[], orders: number, seed = SEED + 1): ExplosionDemand[] {
  const random = mulberry32(seed);
  const demands: ExplosionDemand[] = [];
  for (let order = 0; order < orders; order++) {
    const lines = 1 + Math.floor(random() * 3);
    for (let line = 0; line < lines; line++) {
      demands.push({
        demandId: demands.length + 1,
        itemId: products[Math.floor(random() * products.length)]!,
        quantityMilli: 1000 * (1 + Math.floor(random() * 20)),
        needDate: dayString(dayNumber(TODAY) + 5 + Math.floor(random() * 56)),
      });
    }
  }
  return demands;
}

/**
 * The baseline: each demand's BOM walked recursively, gross requirement of every component for the full quantity
 * (componentRequirementMilli per line), totalled per demand × item in one map — the bare explosion every MRP does
 * before it nets anything. Stock, supply and dates are ignored, so it walks every branch.
 */
export function walkGrossRequirements(input: ExplosionInput): Map<string, number> {
  const totals = new Map<string, number>();
  const walk = (demandId: number, itemId: number, quantityMilli: number) => {
    const key = `${demandId}:${itemId}`;
    totals.set(key, (totals.get(key) ?? 0) + quantityMilli);
    const bom = input.items.get(itemId)?.bom;
    if (!bom) return;
    for (const line of bom.lines) {
      const component = input.items.get(line.componentItemId)!;
      walk(
        demandId,
        line.componentItemId,
        componentRequirementMilli(quantityMilli, line.quantityPerMilli, line.scrapBp, component.countUnit),
      );
    }
  };
  for (const demand of input.demands) walk(demand.demandId, demand.itemId, demand.quantityMilli);
  return totals;
}

/**
 * The netted plan orders only what stock and supply do not cover, so its gross requirements below a covered item
 * are smaller than the walk's; the check recomputes each demand × item's gross requirement from the planned
 * production orders (as the property tests do) and compares it with what is pegged.
 */
function checkPegging(input: ExplosionInput, result: ExplosionResult): { ok: boolean; mismatches: number } {
  const gross = new Map<string, number>();
  const add = (key: string, milli: number) => gross.set(key, (gross.get(key) ?? 0) + milli);
  for (const demand of input.demands) add(`${demand.demandId}:${demand.itemId}`, demand.quantityMilli);
  for (const order of result.plannedOrders) {
    if (order.kind !== 'production') continue;
    for (const line of input.items.get(order.itemId)!.bom!.lines) {
      const countUnit = input.items.get(line.componentItemId)!.countUnit;
      add(
        `${order.rootDemandId}:${line.componentItemId}`,
        componentRequirementMilli(order.quantityMilli, line.quantityPerMilli, line.scrapBp, countUnit),
      );
    }
  }
  const pegged = new Map<string, number>();
  for (const peg of result.pegs) {
    const key = `${peg.rootDemandId}:${peg.itemId}`;
    pegged.set(key, (pegged.get(key) ?? 0) + peg.quantityMilli);
  }
  let mismatches = 0;
  for (const [key, milli] of gross) if (pegged.get(key) !== milli) mismatches++;
  for (const key of pegged.keys()) if (!gross.has(key)) mismatches++;
  return { ok: mismatches === 0 && result.problems.length === 0, mismatches };
}

export function benchExplode(options: ExplodeBenchOptions): ExplodeBenchResult {
  const { items, products } = explodeBenchCatalogue();
  const demands = explodeBenchDemands(products, options.orders);
  const input: ExplosionInput = { today: TODAY, items, demands };

  let result: ExplosionResult | undefined;
  let walked: Map<string, number> | undefined;
  for (let i = 0; i < options.warmupRuns; i++) {
    explode(input);
    walkGrossRequirements(input);
  }
  const explodeSeconds: number[] = [];
  const walkSeconds: number[] = [];
  // Interleaved, so drift in the machine's load falls on both.
  for (let i = 0; i < options.runs; i++) {
    let started = performance.now();
    result = explode(input);
    explodeSeconds.push((performance.now() - started) / 1000);
    started = performance.now();
    walked = walkGrossRequirements(input);
    walkSeconds.push((performance.now() - started) / 1000);
  }
  const explodeMedian = median(explodeSeconds);
  const walkMedian = median(walkSeconds);
  const plan = result!;
  const bomLines = [...items.values()].reduce((sum, item) => sum + (item.bom?.lines.length ?? 0), 0);
  const boms = [...items.values()].filter((item) => item.bom !== null).length;
  const supplyKinds = plan.pegs.map((peg) => peg.supply.kind);
  const check = checkPegging(input, plan);
  return {
    catalogue: {
      products: products.length,
      components: items.size - products.length,
      levels: LEVEL_SIZES.length,
      bom_lines: bomLines,
      mean_lines_per_bom: round(bomLines / boms, 2),
    },
    orders: options.orders,
    demands: demands.length,
    runs: options.runs,
    warmup_runs: options.warmupRuns,
    explode_seconds: explodeSeconds.map((seconds) => round(seconds, 4)),
    median_seconds: round(explodeMedian, 4),
    baseline: {
      method: 'recursive BOM walk totalling gross requirements per demand × item (no netting, dates, pegs)',
      median_seconds: round(walkMedian, 4),
      gross_requirements: walked!.size,
    },
    ratio_to_baseline: round(explodeMedian / walkMedian, 2),
    output: {
      planned_orders: plan.plannedOrders.length,
      production_orders: plan.plannedOrders.filter((order) => order.kind === 'production').length,
      purchase_orders: plan.plannedOrders.filter((order) => order.kind === 'purchase').length,
      late_orders: plan.plannedOrders.filter((order) => order.late).length,
      pegs: plan.pegs.length,
      pegs_to_stock: supplyKinds.filter((kind) => kind === 'stock').length,
      pegs_to_open_supply: supplyKinds.filter((kind) => kind === 'purchase_order_line' || kind === 'production_order')
        .length,
      pegs_per_second: Math.round(plan.pegs.length / explodeMedian),
      demands_promised_late: plan.promises.filter((promise, i) => promise.promisedDate > demands[i]!.needDate).length,
      problems: plan.problems.length,
    },
    check,
    target_seconds: EXPLODE_TARGET_SECONDS,
    met: explodeMedian < EXPLODE_TARGET_SECONDS && check.ok,
  };
}

export function printExplode(result: ExplodeBenchResult): void {
  const n = (value: number) => value.toLocaleString('en');
  const c = result.catalogue;
  const o = result.output;
  console.log(
    `  catalogue: ${n(c.products)} products, ${n(c.components)} components in ${c.levels} levels, ${n(c.bom_lines)} BOM lines (${c.mean_lines_per_bom} per BOM); ${n(result.orders)} orders, ${n(result.demands)} lines`,
  );
  console.log(
    `  explode: median ${result.median_seconds} s over ${result.runs} runs after ${result.warmup_runs} warm-up (${result.explode_seconds.join(', ')} s)`,
  );
  console.log(
    `  baseline (${result.baseline.method}): median ${result.baseline.median_seconds} s, ${n(result.baseline.gross_requirements)} demand × item totals; explode ÷ baseline ${result.ratio_to_baseline}`,
  );
  console.log(
    `  output: ${n(o.planned_orders)} planned orders (${n(o.production_orders)} production, ${n(o.purchase_orders)} purchase, ${n(o.late_orders)} late), ${n(o.pegs)} pegs (${n(o.pegs_to_stock)} to stock, ${n(o.pegs_to_open_supply)} to open supply), ${n(o.pegs_per_second)} pegs/s; ${n(o.demands_promised_late)} lines promised after their need date; ${o.problems} problems`,
  );
  console.log(
    `  check ${result.check.ok ? 'ok' : `FAILED (${result.check.mismatches} mismatches)`}; target < ${result.target_seconds} s: ${result.met ? 'MET' : 'NOT MET'}`,
  );
}

/** Writes bench/results/explode.json with the environment around the result. */
export function writeExplodeResult(
  root: string,
  result: ExplodeBenchResult,
  startedAt: Date,
  environment = describeEnvironment(),
): string {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'explode.json');
  writeFileSync(
    file,
    `${JSON.stringify({ started_at: startedAt.toISOString(), environment, finished_at: new Date().toISOString(), explode: result }, null, 2)}\n`,
  );
  return file;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

function dayString(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function main(): void {
  const started = new Date();
  const environment = describeEnvironment();
  console.log(
    `Explode: 1,000 customer orders over five-level BOMs, 2,000 components — node ${environment.node}, ${environment.cpus} cores, load average ${environment.load_average.join(' ')}`,
  );
  const result = benchExplode({ orders: 1000, runs: 7, warmupRuns: 2 });
  printExplode(result);
  const file = writeExplodeResult(projectRoot(dirname(fileURLToPath(import.meta.url))), result, started, environment);
  console.log(`  written to ${relative(process.cwd(), file)}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();

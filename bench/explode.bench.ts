/**
 * Requirement explosion (issue 7): `explode` over 1,000 customer orders (1–3 lines each) for a synthetic catalogue of
 * finished products whose BOMs go five levels deep over 2,000 distinct shared components, with stock and open supply
 * to net against and pegging. Reports the median of several timed runs after a warm-up, against a baseline from the
 * same run: a plain recursive BOM walk that only totals each demand's gross requirements (no netting, dates, pegs or
 * planned orders). Target: < 1 s on this 2-core machine.
 *
 * Run alone: `npx tsx bench/explode.bench.ts` (or `BENCH_ONLY=explode npm run bench`). Writes bench/results/explode.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DomainError } from '../src/domain/errors.js';
import {
  componentRequirementMilli,
  type ExplosionDemand,
  type ExplosionInput,
  type ExplosionItem,
  type ExplosionResult,
  explode,
} from '../src/domain/production/index.js';
import { postMovements } from '../src/services/ledger.service.js';
import { createLocation } from '../src/services/location.service.js';
import { createCustomer } from '../src/services/production/customer.service.js';
import { createCustomerOrder } from '../src/services/production/customer-order.service.js';
import { createSupplier } from '../src/services/supplier.service.js';
import { type Database, type Dialect, openDatabase } from '../src/store/database.js';
import { redact } from './ingest.bench.js';
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
  /** The same kind of catalogue in a database, orders confirmed one by one through the service (SQLite, PostgreSQL). */
  end_to_end?: ExplodeEndToEndResult[];
};

/**
 * The synthetic catalogue: components in five levels, each made component with 2–4 lines to the next level (one in
 * five lines skips a level), so parts are shared widely; products with 2–4 lines into levels 1–2; quantities per
 * 1–3 (one in five with a quarter more), scrap 1–5 % on three lines in ten. 85 % of items are stocked and about a
 * third of those have 0–200 units available; one in five has open supply; one in ten is divisible (not counted in
 * whole units); lead times 1–10 days to make, 3–30 to buy. Seeded: the same every run.
 */
export function explodeBenchCatalogue(
  seed = SEED,
  linesPerBom: [number, number] = [2, 4],
): { items: Map<number, ExplosionItem>; products: number[] } {
  const random = mulberry32(seed);
  const [fewestLines, mostLines] = linesPerBom;
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
      ? Array.from({ length: fewestLines + Math.floor(random() * (mostLines - fewestLines + 1)) }, () => {
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
  return explodeBenchOrders(products, orders, seed)
    .flat()
    .map((line, i) => ({ demandId: i + 1, ...line }));
}

/** The same orders, each as its lines. */
export function explodeBenchOrders(
  products: number[],
  orders: number,
  seed = SEED + 1,
): Array<Array<Omit<ExplosionDemand, 'demandId'>>> {
  const random = mulberry32(seed);
  return Array.from({ length: orders }, () =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
      itemId: products[Math.floor(random() * products.length)]!,
      quantityMilli: 1000 * (1 + Math.floor(random() * 20)),
      needDate: dayString(dayNumber(TODAY) + 5 + Math.floor(random() * 56)),
    })),
  );
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

/** The service catalogue's BOMs have 1–2 lines (the pure figure's 2–4 make every order create hundreds of supplies). */
export const END_TO_END_LINES_PER_BOM: [number, number] = [1, 2];
const SUPPLIERS = 10;
const CUSTOMERS = 20;
/** 2026-06-01 10:00 in Berlin, the plant's zone: the catalogue's today. */
const END_TO_END_NOW = Date.UTC(2026, 5, 1, 8, 0, 0);

export type ExplodeEndToEndResult =
  | { dialect: Dialect; skipped: string }
  | {
      dialect: Dialect;
      catalogue: {
        products: number;
        components: number;
        levels: number;
        lines_per_bom: string;
        bom_lines: number;
        mean_lines_per_bom: number;
        made_to_order_policies: number;
        stocked_bought_items: number;
        items_with_stock: number;
        sources_with_packs: number;
      };
      setup_seconds: number;
      orders: number;
      order_lines: number;
      refused: number;
      first_refusal: string | null;
      seconds: number;
      orders_per_second: number;
      median_ms: number;
      p95_ms: number;
      max_ms: number;
      /** Median ms of the first and of the last tenth of the orders: whether confirmations slow as supplies pile up. */
      median_ms_first_tenth: number;
      median_ms_last_tenth: number;
      written: {
        production_orders: number;
        production_components: number;
        purchase_lines: number;
        purchase_orders: number;
        order_supplies: number;
        order_supplies_purchase: number;
        pegs: number;
        pegs_allocated: number;
        pegs_waiting: number;
      };
      per_order: { production_orders: number; purchase_supplies: number; pegs: number };
      orders_promised_late: number;
      /** Balances, order lines and components equal their pegs; allocated ≤ on hand; on order = open lines + open production. */
      check: { ok: boolean; balances: number; problems: string[] };
      load_average_before: number[];
      load_average_after: number[];
    };

/**
 * The end-to-end figure: the same kind of catalogue (narrower BOMs, still five levels over 2,000 components) written
 * into a fresh database, then `orders` customer orders confirmed through `createCustomerOrder`, one call (one
 * transaction) each, in order, as users would. Only the calls are timed.
 */
export async function benchExplodeEndToEnd(options: {
  dialect: Dialect;
  orders: number;
  pgUrl: string;
}): Promise<ExplodeEndToEndResult> {
  const opened = await openExplodeDatabase(options.dialect, options.pgUrl);
  if ('skipped' in opened) return { dialect: options.dialect, skipped: opened.skipped };
  const { database } = opened;
  try {
    const setupStarted = performance.now();
    const { items, products } = explodeBenchCatalogue(SEED, END_TO_END_LINES_PER_BOM);
    const seeded = await seedEndToEndCatalogue(database, items);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const orders = explodeBenchOrders(products, options.orders);
    const skuOf = skuNamer(products.length);
    const loadBefore = os.loadavg().map((load) => round(load, 2));
    const milliseconds: number[] = [];
    let refused = 0;
    let firstRefusal: string | null = null;
    let promisedLate = 0;
    const started = performance.now();
    for (const [i, lines] of orders.entries()) {
      const request = {
        customer: `CU${String((i % CUSTOMERS) + 1).padStart(2, '0')}`,
        confirm: true,
        lines: lines.map((line) => ({
          sku: skuOf(line.itemId),
          location: 'MAIN',
          quantity: line.quantityMilli / 1000,
          requested_date: line.needDate,
        })),
      };
      const callStarted = performance.now();
      try {
        const outcome = await createCustomerOrder(database, request, { actor: 'bench', now: END_TO_END_NOW });
        milliseconds.push(performance.now() - callStarted);
        if (outcome.lines.some((line) => line.promised_date !== null && line.promised_date > line.requested_date)) {
          promisedLate++;
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refused++;
        firstRefusal ??= error.message;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const loadAfter = os.loadavg().map((load) => round(load, 2));
    const written = await countWritten(database);
    const check = await checkReservations(database);
    const confirmed = milliseconds.length;
    const sorted = [...milliseconds].sort((a, b) => a - b);
    const tenth = Math.max(1, Math.floor(confirmed / 10));
    const bomLines = [...items.values()].reduce((sum, item) => sum + (item.bom?.lines.length ?? 0), 0);
    const boms = [...items.values()].filter((item) => item.bom !== null).length;
    return {
      dialect: options.dialect,
      catalogue: {
        products: products.length,
        components: items.size - products.length,
        levels: LEVEL_SIZES.length,
        lines_per_bom: `${END_TO_END_LINES_PER_BOM[0]}–${END_TO_END_LINES_PER_BOM[1]}`,
        bom_lines: bomLines,
        mean_lines_per_bom: round(bomLines / boms, 2),
        ...seeded,
      },
      setup_seconds: round(setupSeconds, 1),
      orders: options.orders,
      order_lines: orders.reduce((sum, lines) => sum + lines.length, 0),
      refused,
      first_refusal: firstRefusal,
      seconds: round(seconds, 2),
      orders_per_second: round(confirmed / seconds, 1),
      median_ms: round(median(milliseconds), 2),
      p95_ms: round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0, 2),
      max_ms: round(sorted.at(-1) ?? 0, 2),
      median_ms_first_tenth: round(median(milliseconds.slice(0, tenth)), 2),
      median_ms_last_tenth: round(median(milliseconds.slice(-tenth)), 2),
      written,
      per_order: {
        production_orders: round(written.production_orders / Math.max(1, confirmed), 1),
        purchase_supplies: round(written.order_supplies_purchase / Math.max(1, confirmed), 1),
        pegs: round(written.pegs / Math.max(1, confirmed), 1),
      },
      orders_promised_late: promisedLate,
      check: { ...check, ok: check.ok && refused === 0 },
      load_average_before: loadBefore,
      load_average_after: loadAfter,
    };
  } finally {
    await database.close();
    await opened.drop();
  }
}

/** SKUs: FG-0001… for products, C1-0001… to C5-0700 for the components of each level. */
function skuNamer(products: number): (itemId: number) => string {
  return (itemId) => {
    if (itemId <= products) return `FG-${String(itemId).padStart(4, '0')}`;
    let first = products + 1;
    for (const [level, size] of LEVEL_SIZES.entries()) {
      if (itemId < first + size) return `C${level + 1}-${String(itemId - first + 1).padStart(4, '0')}`;
      first += size;
    }
    throw new RangeError(`no item ${itemId}`);
  };
}

/**
 * Writes the catalogue (not timed): items, BOMs, sources and policies straight into the tables, the site, suppliers,
 * customers and opening stock through the services. Made items and the bought items the catalogue does not stock
 * are make-to-order; the stocked bought items have no policy (taken from stock, never reordered) and their available
 * quantity is received. Each bought item has one source (lead time as in the catalogue), one in three with packs of
 * 10, so purchase lines round up and later orders net against what earlier ones left free. The pure catalogue's open
 * supply is not written: open supply here is what the confirmations create.
 */
async function seedEndToEndCatalogue(
  database: Database,
  items: Map<number, ExplosionItem>,
): Promise<{
  made_to_order_policies: number;
  stocked_bought_items: number;
  items_with_stock: number;
  sources_with_packs: number;
}> {
  const ctx = { actor: 'bench', now: END_TO_END_NOW };
  const now = END_TO_END_NOW;
  const catalogue = [...items.values()];
  const products = catalogue.filter((item) => item.itemId <= PRODUCTS).length;
  const skuOf = skuNamer(products);
  await createLocation(database, { code: 'MAIN', name: 'Main plant', time_zone: 'Europe/Berlin' }, ctx);
  for (let s = 1; s <= SUPPLIERS; s++) {
    await createSupplier(database, { code: `SUP${String(s).padStart(2, '0')}`, name: `Supplier ${s}` }, ctx);
  }
  for (let c = 1; c <= CUSTOMERS; c++) {
    await createCustomer(database, { code: `CU${String(c).padStart(2, '0')}`, name: `Customer ${c}` }, ctx);
  }
  const db = database.db;
  const location = await db.selectFrom('locations').select('id').where('code', '=', 'MAIN').executeTakeFirstOrThrow();
  const suppliers = await db.selectFrom('suppliers').select('id').orderBy('code').execute();
  const chunks = <T>(rows: T[], size = 500) =>
    Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));
  const unitOf = (item: ExplosionItem) => (item.countUnit ? 'pcs' : 'kg');
  for (const chunk of chunks(catalogue)) {
    await db
      .insertInto('items')
      .values(
        chunk.map((item) => ({
          sku: skuOf(item.itemId),
          name: `Item ${skuOf(item.itemId)}`,
          unit: unitOf(item),
          category: null,
          unit_cost_minor: 250,
          currency: 'EUR',
          shelf_life_days: null,
          criticality: 'medium',
          allow_negative: 0 as const,
          active: 1 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  const rows = await db.selectFrom('items').select(['id', 'sku']).execute();
  const idBySku = new Map(rows.map((row) => [row.sku, Number(row.id)]));
  const idOf = (itemId: number) => idBySku.get(skuOf(itemId))!;
  for (const item of catalogue) {
    if (!item.bom) continue;
    const bom = await db
      .insertInto('boms')
      .values({
        item_id: idOf(item.itemId),
        version: 1,
        valid_from: null,
        valid_to: null,
        lead_time_days: item.bom.leadTimeDays,
        note: null,
        created_by: 'bench',
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('bom_lines')
      .values(
        item.bom.lines.map((line, i) => ({
          bom_id: Number(bom.id),
          position: i + 1,
          component_item_id: idOf(line.componentItemId),
          quantity_per_milli: line.quantityPerMilli,
          scrap_bp: line.scrapBp,
          unit: unitOf(items.get(line.componentItemId)!),
        })),
      )
      .execute();
  }
  const bought = catalogue.filter((item) => !item.bom);
  const sources = bought.map((item, i) => ({
    item_id: idOf(item.itemId),
    supplier_id: Number(suppliers[i % suppliers.length]!.id),
    supplier_sku: null,
    unit_price_minor: 100,
    currency: 'EUR',
    price_breaks: '[]',
    lead_time_days: item.purchaseLeadTimeDays,
    moq_milli: null,
    pack_size_milli: i % 3 === 0 ? 10_000 : null,
    rank: 1,
    active: 1 as const,
    created_at: now,
    updated_at: now,
  }));
  for (const chunk of chunks(sources)) await db.insertInto('supplier_items').values(chunk).execute();
  const madeToOrder = catalogue.filter((item) => item.bom || !item.stocked);
  const policies = madeToOrder.map((item) => ({
    item_id: idOf(item.itemId),
    location_id: Number(location.id),
    kind: 'make_to_order',
    reorder_point_milli: null,
    target_milli: null,
    cards: null,
    container_quantity_milli: null,
    supplier_id: null,
    review_days: null,
    review_time: null,
    review_anchor_date: null,
    next_review_at: null,
    created_at: now,
    updated_at: now,
  }));
  for (const chunk of chunks(policies)) await db.insertInto('policies').values(chunk).execute();
  const stocked = bought.filter((item) => item.stocked);
  const withStock = stocked.filter((item) => item.availableMilli > 0);
  await postMovements(
    database,
    withStock.map((item) => ({
      type: 'receipt',
      sku: skuOf(item.itemId),
      location: 'MAIN',
      quantity: item.availableMilli / 1000,
    })),
    ctx,
  );
  return {
    made_to_order_policies: policies.length,
    stocked_bought_items: stocked.length,
    items_with_stock: withStock.length,
    sources_with_packs: sources.filter((source) => source.pack_size_milli !== null).length,
  };
}

async function countWritten(database: Database) {
  const db = database.db;
  const count = async (
    table: 'production_orders' | 'production_order_components' | 'purchase_order_lines' | 'purchase_orders',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const supplies = await db
    .selectFrom('order_supplies')
    .select(['kind', (eb) => eb.fn.countAll().as('n')])
    .groupBy('kind')
    .execute();
  const pegs = await db
    .selectFrom('pegs')
    .select(['status', (eb) => eb.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  const pegsOf = (status: string) => Number(pegs.find((row) => row.status === status)?.n ?? 0);
  return {
    production_orders: await count('production_orders'),
    production_components: await count('production_order_components'),
    purchase_lines: await count('purchase_order_lines'),
    purchase_orders: await count('purchase_orders'),
    order_supplies: supplies.reduce((sum, row) => sum + Number(row.n), 0),
    order_supplies_purchase: Number(supplies.find((row) => row.kind === 'purchase_order_line')?.n ?? 0),
    pegs: pegs.reduce((sum, row) => sum + Number(row.n), 0),
    pegs_allocated: pegsOf('allocated'),
    pegs_waiting: pegsOf('waiting'),
  };
}

/**
 * The reservation invariants after the run (as test/support/make-to-order.ts checks them, summed in SQL): every
 * balance's allocated is its allocated pegs and at most on hand, its backordered its waiting pegs, its on order the
 * open purchase lines plus open production; every order line's and component's allocated and backordered are their pegs.
 */
async function checkReservations(database: Database): Promise<{ ok: boolean; balances: number; problems: string[] }> {
  const db = database.db;
  const problems: string[] = [];
  const key = (itemId: unknown, locationId: unknown) => `${Number(itemId)}:${Number(locationId)}`;
  const pegSums = await db
    .selectFrom('pegs')
    .select(['item_id', 'location_id', 'status', (eb) => eb.fn.sum<string | number>('quantity_milli').as('milli')])
    .where('status', 'in', ['allocated', 'waiting'])
    .groupBy(['item_id', 'location_id', 'status'])
    .execute();
  const pegged = new Map(
    pegSums.map((row) => [`${key(row.item_id, row.location_id)}:${row.status}`, Number(row.milli)]),
  );
  const openLines = await db
    .selectFrom('purchase_order_lines as l')
    .innerJoin('purchase_orders as po', 'po.id', 'l.purchase_order_id')
    .select(['l.item_id', 'l.location_id', 'l.quantity_milli', 'l.received_milli'])
    .where('po.status', 'in', ['draft', 'sent', 'confirmed', 'partly_received'])
    .execute();
  const openProduction = await db
    .selectFrom('production_orders')
    .select(['item_id', 'location_id', 'quantity_milli', 'completed_milli', 'scrapped_milli'])
    .where('status', 'in', ['planned', 'released'])
    .execute();
  const onOrder = new Map<string, number>();
  const addOnOrder = (k: string, milli: number) => onOrder.set(k, (onOrder.get(k) ?? 0) + milli);
  for (const l of openLines) {
    addOnOrder(key(l.item_id, l.location_id), Math.max(0, Number(l.quantity_milli) - Number(l.received_milli)));
  }
  for (const o of openProduction) {
    addOnOrder(
      key(o.item_id, o.location_id),
      Number(o.quantity_milli) - Number(o.completed_milli) - Number(o.scrapped_milli),
    );
  }
  const balances = await db.selectFrom('balances').selectAll().execute();
  for (const b of balances) {
    const k = key(b.item_id, b.location_id);
    const expect = (what: string, actual: number, wanted: number) => {
      if (actual !== wanted) problems.push(`balance ${k}: ${what} ${actual}, expected ${wanted}`);
    };
    if (Number(b.allocated_milli) > Number(b.on_hand_milli)) problems.push(`balance ${k}: allocated > on hand`);
    expect('allocated', Number(b.allocated_milli), pegged.get(`${k}:allocated`) ?? 0);
    expect('backordered', Number(b.backordered_milli), pegged.get(`${k}:waiting`) ?? 0);
    expect('on order', Number(b.on_order_milli), onOrder.get(k) ?? 0);
  }
  const byDemand = await db
    .selectFrom('pegs')
    .select(['demand_kind', 'demand_id', 'status', (eb) => eb.fn.sum<string | number>('quantity_milli').as('milli')])
    .where('status', 'in', ['allocated', 'waiting'])
    .groupBy(['demand_kind', 'demand_id', 'status'])
    .execute();
  const demandPegs = new Map(
    byDemand.map((row) => [`${row.demand_kind}:${Number(row.demand_id)}:${row.status}`, Number(row.milli)]),
  );
  const orderLines = await db
    .selectFrom('customer_order_lines')
    .select(['id', 'allocated_milli', 'backordered_milli'])
    .execute();
  const components = await db
    .selectFrom('production_order_components')
    .select(['id', 'allocated_milli', 'backordered_milli'])
    .execute();
  for (const [kind, rows] of [
    ['customer_order_line', orderLines],
    ['production_component', components],
  ] as const) {
    for (const row of rows) {
      const own = `${kind}:${Number(row.id)}`;
      if (Number(row.allocated_milli) !== (demandPegs.get(`${own}:allocated`) ?? 0))
        problems.push(`${own}: allocated ≠ pegs`);
      if (Number(row.backordered_milli) !== (demandPegs.get(`${own}:waiting`) ?? 0))
        problems.push(`${own}: backordered ≠ pegs`);
    }
  }
  return { ok: problems.length === 0, balances: balances.length, problems: problems.slice(0, 10) };
}

/** A fresh SQLite file, or a fresh schema on the bench PostgreSQL (skipped, with the reason, when unreachable). */
async function openExplodeDatabase(
  dialect: Dialect,
  pgUrl: string,
): Promise<{ database: Database; drop(): Promise<void> } | { skipped: string }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'leanstock-bench-explode-'));
    const database = await openDatabase({ dialect: 'sqlite', path: join(dir, 'explode.db') });
    return { database, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_explode_${process.pid}_${Date.now().toString(36)}`;
  try {
    await admin(pgUrl, `CREATE SCHEMA ${schema}`);
  } catch (error) {
    return { skipped: `PostgreSQL at ${redact(pgUrl)} unreachable: ${(error as Error).message || String(error)}` };
  }
  const database = await openDatabase({ dialect: 'postgres', url: pgUrl, schema });
  return { database, drop: () => admin(pgUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {}) };
}

async function admin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** LEANSTOCK_BENCH_PG_URL, else LEANSTOCK_TEST_PG_URL, else a postgres DATABASE_URL, else the local test database. */
export function explodePgUrl(env: NodeJS.ProcessEnv = process.env): string {
  const databaseUrl = env['DATABASE_URL'];
  return (
    env['LEANSTOCK_BENCH_PG_URL'] ||
    env['LEANSTOCK_TEST_PG_URL'] ||
    (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl) ? databaseUrl : undefined) ||
    'postgres://postgres@127.0.0.1:5432/test'
  );
}

/** BENCH_EXPLODE_ORDERS (default 1,000). */
export function endToEndOrders(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env['BENCH_EXPLODE_ORDERS'] ?? 1000);
  return Number.isInteger(value) && value > 0 ? value : 1000;
}

export function printExplodeEndToEnd(result: ExplodeEndToEndResult): void {
  if ('skipped' in result) {
    console.log(`  end to end, ${result.dialect}: skipped: ${result.skipped}`);
    return;
  }
  const n = (value: number) => value.toLocaleString('en');
  const w = result.written;
  console.log(
    `  end to end, ${result.dialect} (BOMs of ${result.catalogue.lines_per_bom} lines, ${n(result.catalogue.bom_lines)} in all; set-up ${result.setup_seconds} s): ${n(result.orders)} orders (${n(result.order_lines)} lines) confirmed by createCustomerOrder in ${result.seconds} s — ${result.orders_per_second} orders/s, median ${result.median_ms} ms, p95 ${result.p95_ms} ms, max ${result.max_ms} ms (first tenth median ${result.median_ms_first_tenth} ms, last tenth ${result.median_ms_last_tenth} ms); ${result.refused} refused`,
  );
  console.log(
    `    written: ${n(w.production_orders)} production orders (${n(w.production_components)} components), ${n(w.purchase_lines)} purchase lines on ${n(w.purchase_orders)} purchase orders, ${n(w.order_supplies)} order supplies, ${n(w.pegs)} pegs (${n(w.pegs_allocated)} allocated, ${n(w.pegs_waiting)} waiting); per order ${result.per_order.production_orders} production orders, ${result.per_order.purchase_supplies} purchase supplies, ${result.per_order.pegs} pegs; ${n(result.orders_promised_late)} orders promised late`,
  );
  console.log(
    `    check over ${n(result.check.balances)} balances ${result.check.ok ? 'ok' : `FAILED: ${result.check.problems.join('; ')}${result.first_refusal ? ` (refused: ${result.first_refusal})` : ''}`}; load average ${result.load_average_before.join(' ')} → ${result.load_average_after.join(' ')}`,
  );
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

async function main(): Promise<void> {
  const started = new Date();
  const environment = describeEnvironment();
  console.log(
    `Explode: 1,000 customer orders over five-level BOMs, 2,000 components — node ${environment.node}, ${environment.cpus} cores, load average ${environment.load_average.join(' ')}`,
  );
  const result = benchExplode({ orders: 1000, runs: 7, warmupRuns: 2 });
  printExplode(result);
  result.end_to_end = [];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    result.end_to_end.push(await benchExplodeEndToEnd({ dialect, orders: endToEndOrders(), pgUrl: explodePgUrl() }));
    printExplodeEndToEnd(result.end_to_end.at(-1)!);
  }
  const file = writeExplodeResult(projectRoot(dirname(fileURLToPath(import.meta.url))), result, started, environment);
  console.log(`  written to ${relative(process.cwd(), file)}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}

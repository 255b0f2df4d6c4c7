import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp } from '../src/api/app.js';
import type { ServiceContext } from '../src/services/context.js';
import { type PostOutcome, postMovements } from '../src/services/ledger.service.js';
import { receivePurchaseOrder, sendPurchaseOrder } from '../src/services/purchasing/purchase-order.service.js';
import { createSupplier } from '../src/services/supplier.service.js';
import { type Database, type Dialect, openDatabase } from '../src/store/database.js';
import { seedBenchCatalogue } from './support/catalogue.js';
import { round } from './support/environment.js';
import { LOCATION_CODES, mulberry32, rawMovement, skuOf, type Workload } from './support/workload.js';

/** Issue 3: a movement that drafts a line costs at most 1.5 × one that does not. */
export const TRIGGER_LATENCY_TARGET_RATIO = 1.5;
/** Issue 3: ingest with policies on every item keeps at least 0.8 × the Foundation's throughput. */
export const TRIGGER_INGEST_TARGET_RATIO = 0.8;

export type Latency = { samples: number; mean: number; p50: number; p90: number; p99: number; max: number };

/** Cross against no-cross latencies of one way in (the service call, or an in-process HTTP request). */
export type LatencyPair = {
  no_cross_ms: Latency;
  cross_ms: Latency;
  ratio_p50: number;
  ratio_p99: number;
};

export type TriggerLatencyResult =
  | {
      dialect: Dialect;
      items: number;
      suppliers: number;
      policy: string;
      rounds: number;
      warmup_rounds: number;
      service: LatencyPair;
      /** The same alternation through `app.inject` (routing, validation, serialisation; no sockets). */
      http: LatencyPair;
      target_ratio: number;
      met: boolean;
      check: { crossings: number; lines_drafted: number; unexpected_outcomes: number; ok: boolean };
    }
  | { dialect: 'postgres'; skipped: string };

/** Wall-clock time of the timed calls, and the CPU time this process spent in them. */
export type IngestMeasurement = { seconds: number; per_second: number; cpu_seconds: number };

export type TriggerIngestResult =
  | {
      dialect: Dialect;
      movements: number;
      items: number;
      locations: number;
      batch_size: number;
      policies: number;
      policy: string;
      foundation: IngestMeasurement;
      with_policies: IngestMeasurement;
      /** Purchase order lines the trigger drafted during the run (one per crossing item × site). */
      lines_drafted: number;
      /** With policies ÷ Foundation, movements per second. */
      ratio: number;
      /** The same from this process's CPU time: less moved by other work on the machine (SQLite runs in-process). */
      cpu_ratio: number;
      target_ratio: number;
      met: boolean;
      check: {
        movements: number;
        ledger_sum_milli: number;
        balance_sum_milli: number;
        on_order_milli: number;
        line_sum_milli: number;
        ok: boolean;
      };
    }
  | { dialect: 'postgres'; skipped: string };

const SUPPLIERS = 20;
const PACK_MILLI = 5000;
const UNIT_PRICE_MINOR = 250;
/** Latency: every item sits at OPENING units, s below it; an issue of CROSSING units takes it to s − 5. */
const LATENCY_POLICY = { reorderPointMilli: 100_000, targetMilli: 300_000 };
const OPENING_MILLI = 105_000;
const NO_CROSS_MILLI = 1000;
const CROSS_MILLI = 10_000;
/** Ingest: s and S low enough that most movements leave their item above s (see docs/benchmarks.md). */
const INGEST_POLICY = { reorderPointMilli: 10_000, targetMilli: 40_000 };
const SITE = LOCATION_CODES[0]!;

type BenchDatabase = { database: Database; drop(): Promise<void> };

/**
 * Latency of single-movement `postMovements` calls (one movement per call, as POST /movements does)
 * alternating a "no-cross" issue (the item stays above s) and a "cross" issue (from above s to at or
 * below it, which drafts a line into the supplier's collecting draft). Each round issues from every
 * item once in a seeded random order; between rounds, untimed, every draft is sent and received and
 * every item brought back to its opening stock, so each measured crossing is a fresh one.
 */
export async function benchTriggerLatency(options: {
  dialect: Dialect;
  pgUrl: string;
  items: number;
  rounds: number;
  warmupRounds: number;
  httpRounds: number;
}): Promise<TriggerLatencyResult> {
  const opened = await openBenchDatabase(options.dialect, options.pgUrl, 'latency');
  if ('skipped' in opened) return { dialect: 'postgres', skipped: opened.skipped };
  const { database } = opened;
  try {
    const skus = Array.from({ length: options.items }, (_, i) => skuOf(i));
    const now = Date.now();
    const ids = await seedBenchCatalogue(database, skus, [SITE], now);
    await seedSourcesAndPolicies(database, ids, LATENCY_POLICY, now);
    await restock(database, skus);

    const random = mulberry32(11);
    const service = { noCross: [] as number[], cross: [] as number[] };
    const http = { noCross: [] as number[], cross: [] as number[] };
    const check = { crossings: 0, unexpected: 0 };
    const serviceCall = async (body: Record<string, unknown>) => {
      const began = performance.now();
      const [outcome] = await postMovements(database, [body], context());
      return { ms: performance.now() - began, triggered: outcome!.triggered };
    };
    const app = await buildApp({ database });
    const httpCall = async (body: Record<string, unknown>) => {
      const began = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/movements',
        headers: { 'content-type': 'application/json', 'x-actor': 'bench' },
        payload: JSON.stringify(body),
      });
      const ms = performance.now() - began;
      if (response.statusCode !== 201)
        throw new Error(`POST /movements answered ${response.statusCode}: ${response.body}`);
      return { ms, triggered: (response.json() as Pick<PostOutcome, 'triggered'>).triggered };
    };
    const total = options.warmupRounds + options.rounds + options.httpRounds;
    for (let r = 0; r < total; r++) {
      const isHttp = r >= options.warmupRounds + options.rounds;
      const into = r < options.warmupRounds ? undefined : isHttp ? http : service;
      const call = isHttp ? httpCall : serviceCall;
      const order = shuffled(options.items, random);
      for (let m = 0; m + 1 < order.length; m += 2) {
        const calm = await call(issue(skus[order[m]!]!, NO_CROSS_MILLI, `${r}-${m}`));
        if (calm.triggered.length !== 0) check.unexpected++;
        const dip = await call(issue(skus[order[m + 1]!]!, CROSS_MILLI, `${r}-${m + 1}`));
        if (dip.triggered.length !== 1 || dip.triggered[0]!.kind !== 'order_line') check.unexpected++;
        check.crossings++;
        into?.noCross.push(calm.ms);
        into?.cross.push(dip.ms);
      }
      await restock(database, skus);
    }
    await app.close();

    const [{ lines }] = (await database.db
      .selectFrom('purchase_order_lines')
      .select((eb) => eb.fn.countAll<number>().as('lines'))
      .execute()) as [{ lines: number }];
    const servicePair = pairOf(service);
    const ok = check.unexpected === 0 && Number(lines) === check.crossings;
    return {
      dialect: options.dialect,
      items: options.items,
      suppliers: SUPPLIERS,
      policy: `reorder_point s ${LATENCY_POLICY.reorderPointMilli / 1000}, S ${LATENCY_POLICY.targetMilli / 1000}; opening ${OPENING_MILLI / 1000}; no-cross issue ${NO_CROSS_MILLI / 1000}, cross issue ${CROSS_MILLI / 1000}; pack ${PACK_MILLI / 1000}`,
      rounds: options.rounds,
      warmup_rounds: options.warmupRounds,
      service: servicePair,
      http: pairOf(http),
      target_ratio: TRIGGER_LATENCY_TARGET_RATIO,
      met:
        ok &&
        servicePair.ratio_p50 <= TRIGGER_LATENCY_TARGET_RATIO &&
        servicePair.ratio_p99 <= TRIGGER_LATENCY_TARGET_RATIO,
      check: { crossings: check.crossings, lines_drafted: Number(lines), unexpected_outcomes: check.unexpected, ok },
    };
  } finally {
    await database.close();
    await opened.drop();
  }
}

/**
 * The Foundation's ingest workload posted twice in the same run, batch by batch in alternating order:
 * once into a ledger without policies (the Foundation's figure) and once into one with a reorder-point
 * policy on every item × site, sourced from 20 suppliers. Only the `postMovements` calls are timed.
 */
export async function benchTriggerIngest(
  workload: Workload,
  batchSize: number,
  dialect: Dialect,
  pgUrl: string,
): Promise<TriggerIngestResult> {
  const foundation = await openBenchDatabase(dialect, pgUrl, 'foundation');
  if ('skipped' in foundation) return { dialect: 'postgres', skipped: foundation.skipped };
  const withPolicies = await openBenchDatabase(dialect, pgUrl, 'policies');
  if ('skipped' in withPolicies) {
    await foundation.database.close();
    await foundation.drop();
    return { dialect: 'postgres', skipped: withPolicies.skipped };
  }
  try {
    const now = Date.UTC(2026, 5, 1, 12);
    await seedBenchCatalogue(foundation.database, workload.skus, workload.locations, now);
    const ids = await seedBenchCatalogue(withPolicies.database, workload.skus, workload.locations, now);
    const policies = await seedSourcesAndPolicies(withPolicies.database, ids, INGEST_POLICY, now);
    const elapsed = { foundation: 0, policies: 0 };
    const cpu = { foundation: 0, policies: 0 };
    const ctx: ServiceContext = { actor: 'bench', now };
    for (let start = 0, batch = 0; start < workload.count; start += batchSize, batch++) {
      const end = Math.min(workload.count, start + batchSize);
      const raws = new Array<unknown>(end - start);
      for (let i = start; i < end; i++) raws[i - start] = rawMovement(workload, i);
      // Alternating which goes first spreads any drift in the machine's load over both.
      const order = batch % 2 === 0 ? (['foundation', 'policies'] as const) : (['policies', 'foundation'] as const);
      for (const which of order) {
        const database = which === 'foundation' ? foundation.database : withPolicies.database;
        const began = performance.now();
        const cpuBefore = process.cpuUsage();
        await postMovements(database, raws, ctx);
        elapsed[which] += performance.now() - began;
        const used = process.cpuUsage(cpuBefore);
        cpu[which] += (used.user + used.system) / 1000;
      }
    }
    const expectedSum = workload.changeMilli.reduce((sum, change) => sum + change, 0);
    const base = await ledgerSums(foundation.database);
    const sums = await ledgerSums(withPolicies.database);
    const [lines] = await withPolicies.database.db
      .selectFrom('purchase_order_lines')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('quantity_milli').as('total')])
      .execute();
    const measure = (which: 'foundation' | 'policies'): IngestMeasurement => ({
      seconds: round(elapsed[which] / 1000, 3),
      per_second: Math.round(workload.count / (elapsed[which] / 1000)),
      cpu_seconds: round(cpu[which] / 1000, 3),
    });
    const foundationRate = measure('foundation');
    const policiesRate = measure('policies');
    const ratio = round(policiesRate.per_second / foundationRate.per_second, 3);
    const check = {
      movements: sums.movements,
      ledger_sum_milli: sums.ledger,
      balance_sum_milli: sums.onHand,
      on_order_milli: sums.onOrder,
      line_sum_milli: Number(lines!.total ?? 0),
    };
    const ok =
      [base, sums].every(
        (s) => s.movements === workload.count && s.ledger === expectedSum && s.onHand === expectedSum,
      ) && check.on_order_milli === check.line_sum_milli;
    return {
      dialect,
      movements: workload.count,
      items: workload.skus.length,
      locations: workload.locations.length,
      batch_size: batchSize,
      policies,
      policy: `reorder_point s ${INGEST_POLICY.reorderPointMilli / 1000}, S ${INGEST_POLICY.targetMilli / 1000} on every item × site; ${SUPPLIERS} suppliers, pack ${PACK_MILLI / 1000}`,
      foundation: foundationRate,
      with_policies: policiesRate,
      lines_drafted: Number(lines!.n),
      ratio,
      cpu_ratio: round(foundationRate.cpu_seconds / policiesRate.cpu_seconds, 3),
      target_ratio: TRIGGER_INGEST_TARGET_RATIO,
      met: ok && ratio >= TRIGGER_INGEST_TARGET_RATIO,
      check: { ...check, ok },
    };
  } finally {
    await foundation.database.close();
    await withPolicies.database.close();
    await foundation.drop();
    await withPolicies.drop();
  }
}

function context(): ServiceContext {
  return { actor: 'bench', now: Date.now() };
}

function issue(sku: string, quantityMilli: number, serial: string): Record<string, unknown> {
  return {
    type: 'issue',
    sku,
    location: SITE,
    quantity: quantityMilli / 1000,
    reference: `WO-${serial}`,
    idempotency_key: `trigger-${process.pid}-${serial}`,
  };
}

/**
 * Untimed reset between rounds: sends and receives every draft (on order goes back to zero through the
 * purchase order service), then posts receipts and issues that bring every item back to its opening stock.
 */
async function restock(database: Database, skus: string[]): Promise<void> {
  const drafts = await database.db
    .selectFrom('purchase_orders')
    .select('id')
    .where('status', '=', 'draft')
    .orderBy('id')
    .execute();
  for (const { id } of drafts) {
    const sent = await sendPurchaseOrder(database, Number(id), context());
    const lines = sent.lines.map((line) => ({ sku: line.sku, location: line.location, quantity: line.quantity }));
    const received = await receivePurchaseOrder(database, Number(id), { lines }, context());
    if (received.status !== 'received') throw new Error(`${received.number} is ${received.status} after receiving`);
  }
  const balances = await database.db
    .selectFrom('balances as b')
    .innerJoin('items as i', 'i.id', 'b.item_id')
    .select(['i.sku', 'b.on_hand_milli', 'b.on_order_milli'])
    .execute();
  const onHand = new Map(balances.map((b) => [b.sku, Number(b.on_hand_milli)]));
  if (balances.some((b) => Number(b.on_order_milli) !== 0)) throw new Error('on order left after receiving');
  const corrections = skus.flatMap((sku) => {
    const change = OPENING_MILLI - (onHand.get(sku) ?? 0);
    if (change === 0) return [];
    return [
      {
        type: change > 0 ? 'receipt' : 'issue',
        sku,
        location: SITE,
        quantity: Math.abs(change) / 1000,
        reference: 'restock',
      },
    ];
  });
  for (let start = 0; start < corrections.length; start += 5000) {
    const outcomes = await postMovements(database, corrections.slice(start, start + 5000), context());
    if (outcomes.some((o) => o.triggered.length > 0)) throw new Error('restocking triggered an order');
  }
}

/** Suppliers through the service, one source per item (round robin) and a reorder-point policy per item × site. */
async function seedSourcesAndPolicies(
  database: Database,
  ids: { itemIds: number[]; locationIds: number[] },
  policy: { reorderPointMilli: number; targetMilli: number },
  now: number,
): Promise<number> {
  const supplierIds: number[] = [];
  for (let s = 0; s < SUPPLIERS; s++) {
    const code = `SUP-${String(s + 1).padStart(2, '0')}`;
    await createSupplier(database, { code, name: `Supplier ${code}`, lead_time_days: 5 }, { actor: 'bench', now });
    supplierIds.push(await supplierId(database, code));
  }
  const sources = ids.itemIds.map((itemId, i) => ({
    item_id: itemId,
    supplier_id: supplierIds[i % SUPPLIERS]!,
    supplier_sku: `S-${i}`,
    unit_price_minor: UNIT_PRICE_MINOR,
    currency: 'EUR',
    price_breaks: JSON.stringify([{ min_quantity_milli: 1_000_000, unit_price_minor: 220 }]),
    lead_time_days: null,
    moq_milli: null,
    pack_size_milli: PACK_MILLI,
    rank: 1,
    active: 1 as const,
    created_at: now,
    updated_at: now,
  }));
  const policies = ids.itemIds.flatMap((itemId) =>
    ids.locationIds.map((locationId) => ({
      item_id: itemId,
      location_id: locationId,
      kind: 'reorder_point',
      reorder_point_milli: policy.reorderPointMilli,
      target_milli: policy.targetMilli,
      cards: null,
      container_quantity_milli: null,
      supplier_id: null,
      review_days: null,
      review_time: null,
      review_anchor_date: null,
      next_review_at: null,
      created_at: now,
      updated_at: now,
    })),
  );
  for (let start = 0; start < sources.length; start += 2000) {
    await database.db
      .insertInto('supplier_items')
      .values(sources.slice(start, start + 2000))
      .execute();
  }
  for (let start = 0; start < policies.length; start += 2000) {
    await database.db
      .insertInto('policies')
      .values(policies.slice(start, start + 2000))
      .execute();
  }
  return policies.length;
}

async function supplierId(database: Database, code: string): Promise<number> {
  const row = await database.db.selectFrom('suppliers').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return Number(row.id);
}

async function ledgerSums(database: Database) {
  const [movements] = await database.db
    .selectFrom('movements')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('quantity_milli').as('total')])
    .execute();
  const [balances] = await database.db
    .selectFrom('balances')
    .select((eb) => [
      eb.fn.sum<number>('on_hand_milli').as('on_hand'),
      eb.fn.sum<number>('on_order_milli').as('on_order'),
    ])
    .execute();
  return {
    movements: Number(movements!.n),
    ledger: Number(movements!.total),
    onHand: Number(balances!.on_hand),
    onOrder: Number(balances!.on_order),
  };
}

function pairOf(samples: { noCross: number[]; cross: number[] }): LatencyPair {
  const noCross = latency(samples.noCross);
  const cross = latency(samples.cross);
  return {
    no_cross_ms: noCross,
    cross_ms: cross,
    ratio_p50: noCross.p50 > 0 ? round(cross.p50 / noCross.p50, 2) : 0,
    ratio_p99: noCross.p99 > 0 ? round(cross.p99 / noCross.p99, 2) : 0,
  };
}

function latency(samples: number[]): Latency {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) =>
    sorted.length === 0 ? 0 : round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!, 3);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  return { samples: sorted.length, mean: round(mean, 3), p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

function shuffled(count: number, random: () => number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** A fresh SQLite file, or a fresh schema on the bench PostgreSQL (skipped, with the reason, when unreachable). */
async function openBenchDatabase(
  dialect: Dialect,
  pgUrl: string,
  name: string,
): Promise<BenchDatabase | { skipped: string }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `leanstock-bench-trigger-${name}-`));
    const database = await openDatabase({ dialect: 'sqlite', path: join(dir, `${name}.db`) });
    return { database, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_trigger_${name}_${process.pid}_${Date.now().toString(36)}`;
  try {
    await admin(pgUrl, `CREATE SCHEMA ${schema}`);
  } catch (error) {
    return { skipped: `PostgreSQL at ${redactUrl(pgUrl)} unreachable: ${(error as Error).message || String(error)}` };
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

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

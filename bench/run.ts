/**
 * `npm run bench`: ledger ingest on SQLite and PostgreSQL against raw-driver baselines, HTTP movement
 * posts against a real server, the server's peak memory, and the replenishment trigger's cost (latency
 * of a crossing movement, ingest with policies). Writes bench/results/<timestamp>.json (and
 * trigger-<dialect>.json) and prints a summary. BENCH_SCALE=0.1 for a quick run;
 * BENCH_ONLY=ingest-sqlite,ingest-postgres,http,trigger-sqlite,trigger-postgres to pick parts;
 * BENCH_TRIGGER=latency or ingest for half of a trigger part; plan-sqlite times the catalogue plan over
 * BENCH_PLAN_ITEMS (default 100,000) items × 730 days; simulation times runMonteCarlo over BENCH_SIM_ITEMS
 * (default 10,000) items × 730 days × 10 runs and compares peak memory at 10 and 100 runs
 * (BENCH_SIM_MEMORY_RUNS); web times a usable dashboard on the demo in Chromium and sizes the initial JavaScript;
 * explode times the requirement explosion of 1,000 customer orders over five-level BOMs (issue 7), then confirms
 * BENCH_EXPLODE_ORDERS (default 1,000) orders one by one through the customer order service on both dialects;
 * LEANSTOCK_BENCH_PG_URL (else
 * LEANSTOCK_TEST_PG_URL, else the local test database) for PostgreSQL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  benchExplode,
  benchExplodeEndToEnd,
  type ExplodeBenchResult,
  endToEndOrders,
  printExplode,
  printExplodeEndToEnd,
  writeExplodeResult,
} from './explode.bench.js';
import { benchHttp, type HttpResult } from './http.bench.js';
import { benchPostgresIngest, benchSqliteIngest, type IngestResult, redact } from './ingest.bench.js';
import { benchPlan, PLAN_HISTORY_DAYS, type PlanBenchResult, type PlanRun, planBenchItems } from './plan.bench.js';
import {
  benchSimulation,
  memoryRunsFromEnv,
  printSimulation,
  type SimulationBenchResult,
  simulationBenchItems,
  writeSimulationResult,
} from './simulation.bench.js';
import { benchScale, describeEnvironment, projectRoot } from './support/environment.js';
import { generateWorkload } from './support/workload.js';
import {
  benchTriggerIngest,
  benchTriggerLatency,
  type LatencyPair,
  type TriggerIngestResult,
  type TriggerLatencyResult,
} from './trigger.bench.js';
import { benchWeb, printWeb, type WebBenchResult } from './web.bench.js';

const PARTS = [
  'ingest-sqlite',
  'ingest-postgres',
  'http',
  'trigger-sqlite',
  'trigger-postgres',
  'plan-sqlite',
  'simulation',
  'web',
  'explode',
] as const;
type Part = (typeof PARTS)[number];

async function main(): Promise<void> {
  const root = projectRoot(dirname(fileURLToPath(import.meta.url)));
  const scale = benchScale();
  const only = (process.env['BENCH_ONLY'] ?? PARTS.join(',')).split(',').map((p) => p.trim()) as Part[];
  const pgUrl =
    process.env['LEANSTOCK_BENCH_PG_URL'] ||
    process.env['LEANSTOCK_TEST_PG_URL'] ||
    pgFromDatabaseUrl() ||
    'postgres://postgres@127.0.0.1:5432/test';
  const movements = Math.round(1_000_000 * scale);
  const items = 10_000;
  const batchSize = 10_000;
  const started = new Date();
  const report: {
    started_at: string;
    scale: number;
    environment: ReturnType<typeof describeEnvironment>;
    ingest: IngestResult[];
    http: HttpResult | null;
    trigger: TriggerReport[];
    plan: PlanBenchResult | null;
    simulation: SimulationBenchResult | null;
    web: WebBenchResult | null;
    explode: ExplodeBenchResult | null;
    finished_at?: string;
    load_average_at_end?: number[];
  } = {
    started_at: started.toISOString(),
    scale,
    environment: describeEnvironment(),
    ingest: [],
    http: null,
    trigger: [],
    plan: null,
    simulation: null,
    web: null,
    explode: null,
  };

  const env = report.environment;
  console.log(
    `Leanstock benchmarks — scale ${scale}, node ${env.node}, ${env.cpus} cores (${env.cpu_model}), load average ${env.load_average.join(' ')}, commit ${env.git_commit ?? '?'}`,
  );
  const workload = generateWorkload({ count: movements, items, locations: 2 });
  if (only.includes('ingest-sqlite')) {
    console.log(
      `\nIngest ${movements.toLocaleString('en')} movements over ${items.toLocaleString('en')} items × 2 sites, SQLite …`,
    );
    report.ingest.push(await benchSqliteIngest(workload, batchSize));
    printIngest(report.ingest.at(-1)!);
  }
  if (only.includes('ingest-postgres')) {
    console.log(`\nIngest ${movements.toLocaleString('en')} movements, PostgreSQL (${redact(pgUrl)}) …`);
    report.ingest.push(await benchPostgresIngest(workload, batchSize, pgUrl));
    printIngest(report.ingest.at(-1)!);
  }
  if (only.includes('http')) {
    const duration = Math.max(5, Math.round(20 * scale));
    console.log(`\nHTTP: single-movement POSTs, 32 connections, ${duration} s (after a warm-up) …`);
    report.http = await benchHttp({
      root,
      items,
      connections: 32,
      durationSeconds: duration,
      warmupSeconds: Math.max(2, Math.round(5 * scale)),
    });
    printHttp(report.http);
  }
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const halves = (process.env['BENCH_TRIGGER'] ?? 'latency,ingest').split(',').map((h) => h.trim());
  for (const dialect of ['sqlite', 'postgres'] as const) {
    if (!only.includes(`trigger-${dialect}`)) continue;
    const where = dialect === 'sqlite' ? 'SQLite' : `PostgreSQL (${redact(pgUrl)})`;
    const entry: TriggerReport = { dialect, latency: null, ingest: null };
    if (halves.includes('latency')) {
      const rounds = Math.max(2, Math.round(4 * scale));
      console.log(
        `\nTrigger latency, ${where}: 2,000 items with reorder-point policies, single-movement calls alternating no-cross and cross issues, ${rounds} rounds after a warm-up …`,
      );
      entry.latency = await benchTriggerLatency({
        dialect,
        pgUrl,
        items: 2000,
        rounds,
        warmupRounds: 1,
        httpRounds: 1,
      });
      printTriggerLatency(entry.latency);
    }
    if (halves.includes('ingest')) {
      console.log(
        `\nTrigger ingest, ${where}: ${movements.toLocaleString('en')} movements with a policy on every item × site, against the Foundation (no policies), batches interleaved …`,
      );
      entry.ingest = await benchTriggerIngest(workload, batchSize, dialect, pgUrl);
      printTriggerIngest(entry.ingest);
    }
    report.trigger.push(entry);
    const file = join(dir, `trigger-${dialect}.json`);
    const { ingest: _ingest, http: _http, trigger: _trigger, ...header } = report;
    writeFileSync(
      file,
      `${JSON.stringify({ ...header, finished_at: new Date().toISOString(), load_average_at_end: loadAverage(), trigger: entry }, null, 2)}\n`,
    );
    console.log(`  written to ${relative(process.cwd(), file)}`);
  }

  if (only.includes('plan-sqlite')) {
    const planItems = planBenchItems();
    console.log(
      `\nPlan, SQLite: ${planItems.toLocaleString('en')} items × ${PLAN_HISTORY_DAYS} days of history, planCatalogue without and with apply …`,
    );
    report.plan = await benchPlan({ items: planItems });
    printPlan(report.plan);
    const file = join(dir, 'plan-sqlite.json');
    const { ingest: _ingest, http: _http, trigger: _trigger, plan, ...header } = report;
    writeFileSync(
      file,
      `${JSON.stringify({ ...header, finished_at: new Date().toISOString(), load_average_at_end: loadAverage(), plan }, null, 2)}\n`,
    );
    console.log(`  written to ${relative(process.cwd(), file)}`);
  }

  if (only.includes('simulation')) {
    const simulationItems = simulationBenchItems(process.env, scale);
    console.log(
      `\nSimulation: ${simulationItems.toLocaleString('en')} items × 730 days × 10 runs, runMonteCarlo on 1 thread and on all, then peak memory by runs in fresh processes …`,
    );
    report.simulation = await benchSimulation({ items: simulationItems, memoryRuns: memoryRunsFromEnv() });
    printSimulation(report.simulation);
    const file = writeSimulationResult(root, report.simulation, started, report.environment);
    console.log(`  written to ${relative(process.cwd(), file)}`);
  }

  if (only.includes('web')) {
    console.log('\nWeb app: the demo (300 items, 730 days), time to a usable dashboard in Chromium, cold page loads …');
    report.web = await benchWeb();
    printWeb(report.web);
    const file = join(dir, 'web.json');
    writeFileSync(
      file,
      `${JSON.stringify({ started_at: report.started_at, environment: report.environment, finished_at: new Date().toISOString(), web: report.web }, null, 2)}\n`,
    );
    console.log(`  written to ${relative(process.cwd(), file)}`);
  }

  if (only.includes('explode')) {
    console.log(
      '\nExplode: 1,000 customer orders (1–3 lines) over five-level BOMs with 2,000 components, netting and pegging, median of 7 runs …',
    );
    report.explode = benchExplode({ orders: 1000, runs: 7, warmupRuns: 2 });
    printExplode(report.explode);
    report.explode.end_to_end = [];
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const result = await benchExplodeEndToEnd({ dialect, orders: endToEndOrders(), pgUrl });
      report.explode.end_to_end.push(result);
      printExplodeEndToEnd(result);
    }
    const file = writeExplodeResult(root, report.explode, started, report.environment);
    console.log(`  written to ${relative(process.cwd(), file)}`);
  }

  report.finished_at = new Date().toISOString();
  report.load_average_at_end = loadAverage();
  const file = join(dir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nResults: ${relative(process.cwd(), file)}`);
}

type TriggerReport = {
  dialect: 'sqlite' | 'postgres';
  latency: TriggerLatencyResult | null;
  ingest: TriggerIngestResult | null;
};

function loadAverage(): number[] {
  return os.loadavg().map((load) => Math.round(load * 100) / 100);
}

function pgFromDatabaseUrl(): string | undefined {
  const url = process.env['DATABASE_URL'];
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

const n = (value: number) => value.toLocaleString('en');

function printIngest(result: IngestResult): void {
  if ('skipped' in result) {
    console.log(`  skipped: ${result.skipped}`);
    return;
  }
  console.log(
    `  service (postMovements, batches of ${n(result.batch_size)}): ${n(result.service.per_second)} movements/s (${result.service.seconds} s)`,
  );
  console.log(`  raw baseline (${result.raw.method}): ${n(result.raw.per_second)} rows/s (${result.raw.seconds} s)`);
  console.log(
    `  ratio ${result.ratio} (target ≥ ${result.target_ratio}) ${result.met ? 'MET' : 'NOT MET'}; ledger check ${result.check.ok ? 'ok' : 'FAILED'}`,
  );
}

function printHttp(result: HttpResult): void {
  console.log(
    `  ${n(result.requests_per_second)} req/s, latency p50 ${result.latency_ms.p50} ms, p99 ${result.latency_ms.p99} ms, max ${result.latency_ms.max} ms`,
  );
  console.log(
    `  ${n(result.requests)} requests answered 201, ${result.non_2xx} non-2xx, ${result.errors} errors; ${n(result.movements_recorded)} movements recorded (requests still in flight when a run stops are recorded but not counted)`,
  );
  console.log(
    `  targets ≥ ${n(result.targets.requests_per_second)} req/s and p99 ≤ ${result.targets.p99_ms} ms: ${result.met ? 'MET' : 'NOT MET'}`,
  );
  const memory = result.memory;
  console.log(
    `  server memory (${n(result.items)}-item catalogue): peak RSS ${memory.after_start?.peak_rss_mib ?? '?'} MiB after start, ${memory.after_load?.peak_rss_mib ?? '?'} MiB after the load (VmHWM)`,
  );
}

function printTriggerLatency(result: TriggerLatencyResult): void {
  if ('skipped' in result) {
    console.log(`  skipped: ${result.skipped}`);
    return;
  }
  const line = (label: string, pair: LatencyPair) =>
    console.log(
      `  ${label}: no-cross p50 ${pair.no_cross_ms.p50} ms, p99 ${pair.no_cross_ms.p99} ms; cross p50 ${pair.cross_ms.p50} ms, p99 ${pair.cross_ms.p99} ms; ratio p50 ${pair.ratio_p50}, p99 ${pair.ratio_p99} (${n(pair.cross_ms.samples)} of each)`,
    );
  line('service', result.service);
  line('HTTP (inject)', result.http);
  console.log(
    `  target ratio ≤ ${result.target_ratio}: ${result.met ? 'MET' : 'NOT MET'}; check ${result.check.ok ? 'ok' : 'FAILED'} (${n(result.check.crossings)} crossings, ${n(result.check.lines_drafted)} lines, ${result.check.unexpected_outcomes} unexpected outcomes)`,
  );
}

function printTriggerIngest(result: TriggerIngestResult): void {
  if ('skipped' in result) {
    console.log(`  skipped: ${result.skipped}`);
    return;
  }
  console.log(
    `  Foundation: ${n(result.foundation.per_second)} movements/s (${result.foundation.seconds} s); with ${n(result.policies)} policies: ${n(result.with_policies.per_second)} movements/s (${result.with_policies.seconds} s), ${n(result.lines_drafted)} lines drafted`,
  );
  console.log(
    `  ratio ${result.ratio} (target ≥ ${result.target_ratio}) ${result.met ? 'MET' : 'NOT MET'}; by this process's CPU time ${result.cpu_ratio}; check ${result.check.ok ? 'ok' : 'FAILED'}`,
  );
}

function printPlan(result: PlanBenchResult): void {
  const line = (label: string, run: PlanRun) => {
    const phases = Object.entries(run.phases)
      .map(([phase, seconds]) => `${phase} ${seconds}`)
      .join(', ');
    console.log(
      `  ${label}: ${run.seconds} s (${phases}); ${n(run.forecasts_per_second)} forecasts/s in the forecast phase, ${n(run.pairs_per_second)} pairs/s overall; peak RSS ${run.peak_rss_mib} MiB; CPU ${run.cpu_seconds} s`,
    );
  };
  console.log(
    `  ${result.threads} forecasting threads; series ${Object.entries(result.series)
      .map(([kind, count]) => `${n(count)} ${kind}`)
      .join(', ')}; setup ${result.setup_seconds} s (not timed)`,
  );
  line('plan', result.plan);
  line(
    `plan --apply (${n(result.plan_apply.applied)} policies, ${n(result.plan_apply.triggered)} lines drafted)`,
    result.plan_apply,
  );
  console.log(
    `  methods: ${Object.entries(result.methods)
      .map(([method, count]) => `${method} ${n(count)}`)
      .join(', ')}`,
  );
  console.log(
    `  target ≤ ${result.target_seconds} s each: ${result.met ? 'MET' : 'NOT MET'}; check ${result.check.ok ? 'ok' : 'FAILED'} (${n(result.check.recommendations)} recommendations, ${n(result.check.policies)} policies)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

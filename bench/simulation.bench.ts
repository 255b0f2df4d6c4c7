/**
 * Monte Carlo simulation throughput (issue 5): a seeded catalogue of reorder-point items with Poisson demand and gamma
 * lead times, `runMonteCarlo` over 730 days × 10 runs on one worker thread and on all of them; item-days per second
 * (best of `BENCH_SIM_ROUNDS`, default 3), wall and CPU time, the process's peak RSS, the same result bit for bit on
 * every thread count; then, each in a fresh child process, the peak RSS with 10 and with 100 runs (memory must not
 * grow with the runs).
 *
 * Run: `npx tsx bench/simulation.bench.ts` or as part `simulation` of `npm run bench`. `BENCH_SIM_ITEMS` (default
 * 10,000) scales the catalogue; `BENCH_SIM_MEMORY_RUNS=10,100` the runs of the memory comparison (empty to skip it).
 * Writes bench/results/simulation.json.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MonteCarloResult } from '../src/domain/simulation/summarize.js';
import type { Disruptions, SimConfig, SimItem } from '../src/domain/simulation/types.js';
import { runMonteCarlo } from '../src/services/simulation/monte-carlo.js';
import { defaultThreads } from '../src/services/worker-threads.js';
import { benchScale, describeEnvironment, memoryOf, projectRoot, round } from './support/environment.js';
import { mulberry32 } from './support/workload.js';

/** Issue 5: 10,000 items × 730 days × 10 runs in under 4 s with all threads on a 2-core machine. */
export const SIM_TARGET_ITEM_DAYS_PER_SECOND = 20_000_000;
export const SIM_DEFAULT_ITEMS = 10_000;
export const SIM_HORIZON_DAYS = 730;
export const SIM_RUNS = 10;
const SEED = 20_250_101;
const CHILD_ENV = 'LEANSTOCK_SIM_BENCH_CHILD';

const noDisruptions: Disruptions = { outages: [], leadTimeFactors: [], demandFactors: [] };

/** `BENCH_SIM_ITEMS`, else 10,000 × `scale` (BENCH_SCALE). */
export function simulationBenchItems(env: NodeJS.ProcessEnv = process.env, scale = 1): number {
  const items = Number(env['BENCH_SIM_ITEMS'] ?? Math.max(1, Math.round(SIM_DEFAULT_ITEMS * scale)));
  if (!Number.isSafeInteger(items) || items < 1) {
    throw new Error(`BENCH_SIM_ITEMS: not a number of items: ${env['BENCH_SIM_ITEMS']}`);
  }
  return items;
}

/**
 * A seeded catalogue: demand Poisson with a mean from 0.5 to 20 a day (log-uniform), lead times gamma with a mean of
 * 3 to 15 days and a coefficient of variation of 0.3, s = mean lead-time demand + 1.65 sd (demand and lead-time
 * variance), S = s + two weeks of demand, one item in four sold in packs of 5, 20 suppliers, lost sales.
 */
export function simulationBenchCatalogue(items: number): SimItem[] {
  const random = mulberry32(SEED);
  return Array.from({ length: items }, (_, i) => {
    const meanPerDay = 0.5 * 40 ** random();
    const leadDays = 3 + 12 * random();
    const leadSd = 0.3 * leadDays;
    const leadDemandSd = Math.sqrt(meanPerDay * leadDays + meanPerDay * meanPerDay * leadSd * leadSd);
    const s = Math.ceil(meanPerDay * leadDays + 1.65 * leadDemandSd);
    const S = s + Math.max(1, Math.round(14 * meanPerDay));
    return {
      key: `SKU-${String(i).padStart(6, '0')}@MAIN`,
      supplier: `SUP-${i % 20}`,
      policy: { kind: 'reorder_point', reorderPointMilli: s * 1000, targetMilli: S * 1000 },
      extraSafetyStockMilli: 0,
      demand: { kind: 'poisson', meanPerDay },
      leadTime: { kind: 'gamma', meanDays: leadDays, sdDays: leadSd },
      moqMilli: null,
      packSizeMilli: i % 4 === 0 ? 5000 : null,
      initialOnHandMilli: S * 1000,
      unitCostMinor: Math.round(100 + 9900 * random()),
      holdingRatePerYear: 0.25,
      orderingCostMinor: 2500,
      stockoutCostMinor: 500,
    } satisfies SimItem;
  });
}

export type SimulationRun = {
  threads: number;
  /** Best round. */
  seconds: number;
  item_days_per_second: number;
  /** Every round's wall time, s. */
  rounds_seconds: number[];
  /** This process's CPU time in the best round (the worker threads included), s. */
  cpu_seconds: number;
};

export type MemoryRun = { runs: number; seconds: number; item_days_per_second: number; peak_rss_mib: number | null };

export type SimulationBenchResult = {
  items: number;
  horizon_days: number;
  runs: number;
  item_days: number;
  one_thread: SimulationRun;
  all_threads: SimulationRun;
  speed_up: number;
  /** This process's peak resident set (worker threads included) after the timed runs, MiB. */
  peak_rss_mib: number | null;
  /** Runs in fresh processes on all threads, to compare peak memory by the number of runs. */
  memory: MemoryRun[];
  /** The largest peak divided by the smallest (1 = flat). */
  memory_ratio: number | null;
  same_result_every_thread_count: boolean;
  catalogue_total_cost_p50_minor: number;
  catalogue_fill_rate_mean: number;
  target_item_days_per_second: number;
  met: boolean;
};

const config = (horizonDays: number): SimConfig => ({ horizonDays, unmetDemand: 'lost_sales', trajectories: false });

/** Runs the benchmark; `memoryRuns` empty skips the memory comparison. */
export async function benchSimulation(options: {
  items: number;
  runs?: number;
  horizonDays?: number;
  rounds?: number;
  memoryRuns?: number[];
}): Promise<SimulationBenchResult> {
  const runs = options.runs ?? SIM_RUNS;
  const horizonDays = options.horizonDays ?? SIM_HORIZON_DAYS;
  const rounds = options.rounds ?? 3;
  const catalogue = simulationBenchCatalogue(options.items);
  const itemDays = options.items * horizonDays * runs;
  const allThreads = Math.max(1, defaultThreads(undefined));
  const fingerprints = new Set<string>();
  let last: MonteCarloResult | undefined;

  const timed = async (threads: number): Promise<SimulationRun> => {
    const roundsSeconds: number[] = [];
    let best = { seconds: Number.POSITIVE_INFINITY, cpu: 0 };
    for (let round = 0; round < rounds; round++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      last = await runMonteCarlo(catalogue, config(horizonDays), noDisruptions, { runs, seed: SEED, threads });
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      roundsSeconds.push(roundTo(seconds, 3));
      if (seconds < best.seconds) best = { seconds, cpu: (cpu.user + cpu.system) / 1e6 };
      fingerprints.add(fingerprint(last));
    }
    return {
      threads,
      seconds: roundTo(best.seconds, 3),
      item_days_per_second: Math.round(itemDays / best.seconds),
      rounds_seconds: roundsSeconds,
      cpu_seconds: roundTo(best.cpu, 2),
    };
  };

  const oneThread = await timed(1);
  const all = await timed(allThreads);
  const peak = memoryOf(process.pid)?.peak_rss_mib ?? null;
  const memory = (options.memoryRuns ?? []).map((memoryRuns) => measureInChild(options.items, memoryRuns, horizonDays));
  const peaks = memory.map((m) => m.peak_rss_mib).filter((m): m is number => m !== null);
  return {
    items: options.items,
    horizon_days: horizonDays,
    runs,
    item_days: itemDays,
    one_thread: oneThread,
    all_threads: all,
    speed_up: roundTo(oneThread.seconds / all.seconds, 2),
    peak_rss_mib: peak,
    memory,
    memory_ratio: peaks.length >= 2 ? roundTo(Math.max(...peaks) / Math.min(...peaks), 2) : null,
    same_result_every_thread_count: fingerprints.size === 1,
    catalogue_total_cost_p50_minor: last!.catalogue.totalCostMinor.p50,
    catalogue_fill_rate_mean: roundTo(last!.catalogue.fillRate.mean, 4),
    target_item_days_per_second: SIM_TARGET_ITEM_DAYS_PER_SECOND,
    met: all.item_days_per_second >= SIM_TARGET_ITEM_DAYS_PER_SECOND && fingerprints.size === 1,
  };
}

/** A fresh process (this file, with the same loader flags) runs once on all threads and reports its peak RSS. */
function measureInChild(items: number, runs: number, horizonDays: number): MemoryRun {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD_ENV]: JSON.stringify({ items, runs, horizonDays }) },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`simulation memory child (${runs} runs) failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as MemoryRun;
}

async function runChild(spec: { items: number; runs: number; horizonDays: number }): Promise<void> {
  const catalogue = simulationBenchCatalogue(spec.items);
  const started = performance.now();
  await runMonteCarlo(catalogue, config(spec.horizonDays), noDisruptions, { runs: spec.runs, seed: SEED });
  const seconds = (performance.now() - started) / 1000;
  const result: MemoryRun = {
    runs: spec.runs,
    seconds: roundTo(seconds, 3),
    item_days_per_second: Math.round((spec.items * spec.horizonDays * spec.runs) / seconds),
    peak_rss_mib: memoryOf(process.pid)?.peak_rss_mib ?? null,
  };
  console.log(JSON.stringify(result));
}

/** SHA-256 of every number of the result, in order: equal fingerprints are equal results bit for bit. */
function fingerprint(result: MonteCarloResult): string {
  const hash = createHash('sha256');
  const numbers: number[] = [];
  for (const item of result.items) {
    hash.update(item.key);
    for (const spread of Object.values(item.outputs))
      numbers.push(spread.mean, spread.sd, spread.p5, spread.p50, spread.p95);
  }
  for (const spread of Object.values(result.catalogue))
    numbers.push(spread.mean, spread.sd, spread.p5, spread.p50, spread.p95);
  hash.update(new Uint8Array(Float64Array.from(numbers).buffer));
  return hash.digest('hex');
}

function roundTo(value: number, digits: number): number {
  return round(value, digits);
}

export function printSimulation(result: SimulationBenchResult): void {
  const n = (value: number) => value.toLocaleString('en');
  const line = (label: string, run: SimulationRun) =>
    console.log(
      `  ${label}: ${n(run.item_days_per_second)} item-days/s, ${run.seconds} s (rounds ${run.rounds_seconds.join(', ')} s; CPU ${run.cpu_seconds} s)`,
    );
  line('1 thread', result.one_thread);
  line(`${result.all_threads.threads} threads`, result.all_threads);
  console.log(
    `  speed-up ${result.speed_up}×; peak RSS ${result.peak_rss_mib ?? '?'} MiB; same result bit for bit on every thread count: ${result.same_result_every_thread_count ? 'yes' : 'NO'}`,
  );
  for (const m of result.memory) {
    console.log(
      `  fresh process, ${n(m.runs)} runs: peak RSS ${m.peak_rss_mib ?? '?'} MiB (${m.seconds} s, ${n(m.item_days_per_second)} item-days/s)`,
    );
  }
  if (result.memory_ratio !== null) console.log(`  peak RSS ratio across run counts: ${result.memory_ratio}`);
  console.log(
    `  catalogue: total cost p50 ${n(result.catalogue_total_cost_p50_minor)} minor units over ${result.horizon_days} days, fill rate ${result.catalogue_fill_rate_mean}`,
  );
  console.log(
    `  target ≥ ${n(result.target_item_days_per_second)} item-days/s with all threads: ${result.met ? 'MET' : 'NOT MET'}`,
  );
}

export function memoryRunsFromEnv(env: NodeJS.ProcessEnv = process.env): number[] {
  const raw = env['BENCH_SIM_MEMORY_RUNS'] ?? '10,100';
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number);
}

/** Writes bench/results/simulation.json with the environment around the result. */
export function writeSimulationResult(
  root: string,
  result: SimulationBenchResult,
  startedAt: Date,
  environment = describeEnvironment(),
): string {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'simulation.json');
  writeFileSync(
    file,
    `${JSON.stringify({ started_at: startedAt.toISOString(), environment, finished_at: new Date().toISOString(), simulation: result }, null, 2)}\n`,
  );
  return file;
}

async function main(): Promise<void> {
  const child = process.env[CHILD_ENV];
  if (child !== undefined) {
    await runChild(JSON.parse(child) as { items: number; runs: number; horizonDays: number });
    return;
  }
  const started = new Date();
  const environment = describeEnvironment();
  const items = simulationBenchItems(process.env, benchScale());
  console.log(
    `Simulation: ${n(items)} items × ${SIM_HORIZON_DAYS} days × ${SIM_RUNS} runs, reorder point, Poisson demand, gamma lead times — node ${environment.node}, ${environment.cpus} cores, load average ${environment.load_average.join(' ')}`,
  );
  const result = await benchSimulation({ items, memoryRuns: memoryRunsFromEnv() });
  printSimulation(result);
  const file = writeSimulationResult(
    projectRoot(dirname(fileURLToPath(import.meta.url))),
    result,
    started,
    environment,
  );
  console.log(`  written to ${relative(process.cwd(), file)}`);
}

function n(value: number): string {
  return value.toLocaleString('en');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}

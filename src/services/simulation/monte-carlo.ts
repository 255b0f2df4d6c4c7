import { Worker } from 'node:worker_threads';
import { DomainError, type ErrorCode, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import {
  CATALOGUE_OUTPUTS,
  CATALOGUE_SUMS,
  type CatalogueOutput,
  EXACT_QUANTILE_RUNS,
  type ItemSummary,
  type MonteCarloResult,
  RunSummary,
  SIM_OUTPUTS,
  type SimOutput,
} from '../../domain/simulation/summarize.js';
import type { Disruptions, SimConfig, SimItem, Spread } from '../../domain/simulation/types.js';
import { validateSimulation } from '../../domain/simulation/validate-simulation.js';
import { defaultThreads, workerEntry } from '../worker-threads.js';
import {
  type BlockResult,
  CATALOGUE_PARTIAL_WIDTH,
  SIMULATION_WORKER_ROLE,
  SimulationBatch,
  type SimulationJob,
  SPREAD_WIDTH,
  type WorkerRequest,
  type WorkerResponse,
} from './simulation-worker.js';

export type MonteCarloOptions = {
  /** Runs per item, a whole number ≥ 1. */
  runs: number;
  /** A whole number from 0 to 2^53 − 1; the same seed and inputs give the same result bit for bit. */
  seed: number;
  /** Worker threads; 0 runs on the calling thread; default the machine's parallelism (at most 8). */
  threads?: number | undefined;
  /** After each item (inline) or each progress message of a worker: item-runs done and in all (items × runs). */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Stops the simulation: the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
};

/** Runs per block above `EXACT_QUANTILE_RUNS`: the catalogue's per-run sums are folded a block at a time. */
export const BLOCK_RUNS = EXACT_QUANTILE_RUNS;

/**
 * Monte Carlo simulation of a catalogue: `runs` runs of every item, each from its own seeded stream
 * (`deriveSeed(seed, item.key, run)`), summarised per item (the spread of every output of `SimRunResult`) and for the
 * catalogue (per run, the integer sums over items of the money and quantity outputs, the catalogue fill rate and the
 * items with a stock-out; then their spread over the runs), plus per-day on-hand bands when `config.trajectories`.
 *
 * The items are dealt round-robin to the worker threads; each thread runs every run of its items. The result is the
 * same bit for bit whatever the thread count: an item's summary is computed from its own runs in run order on one
 * thread, the catalogue sums are integers (exact in any order below 2^53), and the catalogue's spread is folded on
 * the calling thread in run order. Memory does not grow with the runs (without trajectories): the runs go in blocks of
 * `BLOCK_RUNS`, exact quantiles up to `EXACT_QUANTILE_RUNS` runs and P² estimates above (see summarize.ts).
 *
 * Bad options or inputs throw one LS_VALIDATION DomainError naming every field (`runs`, `items[2].leadTime.days`, …).
 *
 * @example await runMonteCarlo(items, { horizonDays: 730, unmetDemand: 'lost_sales', trajectories: false },
 *   { outages: [], leadTimeFactors: [], demandFactors: [] }, { runs: 200, seed: 42 })
 */
export async function runMonteCarlo(
  items: SimItem[],
  config: SimConfig,
  disruptions: Disruptions,
  options: MonteCarloOptions,
): Promise<MonteCarloResult> {
  validateOptions(options);
  validateSimulation(items, config, disruptions);
  const { runs, seed, signal } = options;
  signal?.throwIfAborted();
  const threads = Math.min(defaultThreads(options.threads), items.length);
  const blockRuns = config.trajectories ? runs : Math.min(runs, BLOCK_RUNS);
  const total = items.length * runs;
  let done = 0;
  const progress = (itemRuns: number) => {
    done += itemRuns;
    options.onProgress?.(done, total);
  };

  const catalogue = new RunSummary(CATALOGUE_OUTPUTS.length, runs);
  const spreads = new Array<Float64Array>(Math.max(threads, 1));
  const bands = new Array<Float64Array[] | undefined>(Math.max(threads, 1));
  const fold = (partials: BlockResult[]) => {
    foldCatalogue(catalogue, partials);
    partials.forEach((partial, w) => {
      if (partial.spreads !== undefined) spreads[w] = partial.spreads;
      if (partial.bands !== undefined) bands[w] = partial.bands;
    });
  };

  if (threads === 0) {
    const batch = new SimulationBatch({ items, config, disruptions, seed, runs });
    for (let from = 0; from < runs; from += blockRuns) {
      const to = Math.min(runs, from + blockRuns);
      const block = batch.runBlock(from, to, progress, () => signal?.aborted === true);
      signal?.throwIfAborted();
      fold([block]);
    }
  } else {
    await runInWorkers(
      items,
      threads,
      { items: [], config, disruptions, seed, runs },
      blockRuns,
      progress,
      fold,
      signal,
    );
  }

  const width = Math.max(threads, 1);
  const summaries: ItemSummary[] = items.map((item, i) => {
    const worker = i % width;
    const local = (i - worker) / width;
    const itemBands = bands[worker]?.[local];
    const horizon = config.horizonDays;
    return {
      key: item.key,
      outputs: unpackSpreads(spreads[worker]!, local),
      ...(itemBands === undefined
        ? {}
        : {
            onHandBands: {
              p5: itemBands.slice(0, horizon),
              p50: itemBands.slice(horizon, 2 * horizon),
              p95: itemBands.slice(2 * horizon, 3 * horizon),
            },
          }),
    };
  });
  const catalogueSpreads = catalogue.spreads();
  return {
    runs,
    seed,
    horizonDays: config.horizonDays,
    quantiles: runs <= EXACT_QUANTILE_RUNS ? 'exact' : 'p2',
    items: summaries,
    catalogue: Object.fromEntries(CATALOGUE_OUTPUTS.map((name, j) => [name, catalogueSpreads[j]!])) as Record<
      CatalogueOutput,
      Spread
    >,
  };
}

function validateOptions(options: MonteCarloOptions): void {
  const problems: FieldProblem[] = [];
  const { runs, seed, threads } = options;
  if (!Number.isSafeInteger(runs) || runs < 1)
    problems.push({ field: 'runs', message: 'must be a whole number ≥ 1', value: runs });
  if (!Number.isSafeInteger(seed) || seed < 0) {
    problems.push({ field: 'seed', message: 'must be a whole number from 0 to 2^53 − 1', value: seed });
  }
  if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 0)) {
    problems.push({ field: 'threads', message: 'must be a whole number ≥ 0', value: threads });
  }
  throwIfProblems(problems);
}

const SERVED = CATALOGUE_SUMS.indexOf('servedMilli');
const DEMAND = CATALOGUE_SUMS.indexOf('demandMilli');

/** Adds the block's runs to the catalogue summary in run order, each run the sum of the threads' partial sums. */
function foldCatalogue(catalogue: RunSummary, partials: BlockResult[]): void {
  const blockRuns = partials[0]!.cataloguePartial.length / CATALOGUE_PARTIAL_WIDTH;
  const sums = new Float64Array(CATALOGUE_PARTIAL_WIDTH);
  const values = new Float64Array(CATALOGUE_OUTPUTS.length);
  for (let r = 0; r < blockRuns; r++) {
    sums.fill(0);
    for (const partial of partials) {
      for (let k = 0; k < CATALOGUE_PARTIAL_WIDTH; k++)
        sums[k] = sums[k]! + partial.cataloguePartial[r * CATALOGUE_PARTIAL_WIDTH + k]!;
    }
    for (let k = 0; k < CATALOGUE_SUMS.length; k++) values[k] = sums[k]!;
    values[CATALOGUE_SUMS.length] = sums[DEMAND]! > 0 ? sums[SERVED]! / sums[DEMAND]! : 1;
    values[CATALOGUE_SUMS.length + 1] = sums[CATALOGUE_SUMS.length]!;
    catalogue.add(values);
  }
}

function unpackSpreads(packed: Float64Array, item: number): Record<SimOutput, Spread> {
  const out = {} as Record<SimOutput, Spread>;
  let at = item * SIM_OUTPUTS.length * SPREAD_WIDTH;
  for (const name of SIM_OUTPUTS) {
    out[name] = {
      mean: packed[at]!,
      sd: packed[at + 1]!,
      p5: packed[at + 2]!,
      p50: packed[at + 3]!,
      p95: packed[at + 4]!,
    };
    at += SPREAD_WIDTH;
  }
  return out;
}

/**
 * Deals the items to `threads` workers (item i to worker i mod threads) and runs the blocks: every worker runs block b,
 * the partial sums are folded in run order, then block b + 1 starts.
 */
function runInWorkers(
  items: SimItem[],
  threads: number,
  shared: SimulationJob,
  blockRuns: number,
  progress: (itemRuns: number) => void,
  fold: (partials: BlockResult[]) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const entry = workerEntry(new URL(`./simulation-worker${extension()}`, import.meta.url).href);
  const workers: Worker[] = [];
  for (let w = 0; w < threads; w++) {
    const job: SimulationJob = { ...shared, items: items.filter((_, i) => i % threads === w) };
    workers.push(new Worker(entry.code, { eval: entry.eval, workerData: { role: SIMULATION_WORKER_ROLE, job } }));
  }
  const runs = shared.runs;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let from = 0;
    let answered = 0;
    let partials: BlockResult[] = [];
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      Promise.all(workers.map((worker) => worker.terminate())).then(
        () => (error === undefined ? resolve() : reject(error)),
        reject,
      );
    };
    const onAbort = () => finish(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const startBlock = () => {
      answered = 0;
      partials = new Array(threads);
      const request: WorkerRequest = { kind: 'block', from, to: Math.min(runs, from + blockRuns) };
      for (const worker of workers) worker.postMessage(request);
    };
    workers.forEach((worker, w) => {
      worker.on('message', (message: WorkerResponse) => {
        if (settled) return;
        if (message.kind === 'progress') progress(message.itemRuns);
        else if (message.kind === 'error') finish(workerError(message));
        else {
          progress(message.itemRuns);
          partials[w] = message;
          answered++;
          if (answered < threads) return;
          try {
            fold(partials);
          } catch (error) {
            finish(error);
            return;
          }
          from += blockRuns;
          if (from < runs) startBlock();
          else finish();
        }
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (!settled) finish(new Error(`simulation worker ${w} exited with code ${code}`));
      });
    });
    startBlock();
  });
}

/** The worker module's extension: .ts under Vitest or tsx, .js when compiled. */
function extension(): string {
  return import.meta.url.endsWith('.ts') ? '.ts' : '.js';
}

function workerError(message: { message: string; code?: string | undefined; details?: unknown }): Error {
  if (message.code !== undefined) {
    return new DomainError(message.code as ErrorCode, message.message, message.details as FieldProblem[] | undefined);
  }
  return new Error(`simulation worker: ${message.message}`);
}

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { isDomainError } from '../../domain/errors.js';
import { createRandom, deriveSeed } from '../../domain/simulation/random.js';
import { simulateItem } from '../../domain/simulation/simulate-item.js';
import {
  CATALOGUE_SUMS,
  quantileOfSorted,
  RunSummary,
  SIM_OUTPUTS,
  SPREAD_QUANTILES,
} from '../../domain/simulation/summarize.js';
import type { Disruptions, SimConfig, SimItem, SimRunResult } from '../../domain/simulation/types.js';

/**
 * The work of one thread of a Monte Carlo simulation: every run of some of the items, a block of runs at a time.
 * Used inline (`threads: 0`) and as a worker's entry (`workerData.role === SIMULATION_WORKER_ROLE`). Run r of an
 * item draws from `createRandom(deriveSeed(seed, item.key, r))`, so what an item gives depends only on the seed, the
 * item and the run, never on the thread or the other items.
 */

export const SIMULATION_WORKER_ROLE = 'leanstock-simulation';

export type SimulationJob = {
  items: SimItem[];
  config: SimConfig;
  disruptions: Disruptions;
  seed: number;
  runs: number;
};

/** Per run of a block: the integer sums of `CATALOGUE_SUMS` over this batch's items, then the items with a stock-out. */
export const CATALOGUE_PARTIAL_WIDTH = CATALOGUE_SUMS.length + 1;
/** Per item and output in a packed summary: mean, sd, then the quantiles of `SPREAD_QUANTILES`. */
export const SPREAD_WIDTH = 2 + SPREAD_QUANTILES.length;

export type BlockResult = {
  /** (to − from) × `CATALOGUE_PARTIAL_WIDTH`, run-major. */
  cataloguePartial: Float64Array;
  /** After the last block: items × `SIM_OUTPUTS` × `SPREAD_WIDTH`, in this batch's item order. */
  spreads?: Float64Array | undefined;
  /** After the last block, with trajectories: per item the on-hand bands, 3 × horizon (p5, p50, p95). */
  bands?: Float64Array[] | undefined;
};

const SUM_INDEX = CATALOGUE_SUMS.map((name) => SIM_OUTPUTS.indexOf(name));
const STOCKOUT_DAYS = SIM_OUTPUTS.indexOf('stockoutDays');

/**
 * Simulates a batch of items block by block. Within a block, item by item: one item's runs one after the other, so
 * only that item's values (at most `EXACT_QUANTILE_RUNS` per output) or, over several blocks, every item's P² state is
 * held. With trajectories the whole of the runs must be one block (the bands need every run of a day at once).
 */
export class SimulationBatch {
  readonly #job: SimulationJob;
  readonly #summaries: (RunSummary | undefined)[];
  readonly #spreads: Float64Array;
  readonly #bands: Float64Array[] | undefined;
  readonly #values = new Float64Array(SIM_OUTPUTS.length);

  constructor(job: SimulationJob) {
    this.#job = job;
    this.#summaries = new Array(job.items.length).fill(undefined);
    this.#spreads = new Float64Array(job.items.length * SIM_OUTPUTS.length * SPREAD_WIDTH);
    this.#bands = job.config.trajectories ? [] : undefined;
  }

  /**
   * Runs `from` … `to` − 1 of every item. `onItemRuns(n)` after each item, with the runs it made; `isStopped` is asked
   * between items (an abandoned simulation stops there).
   */
  runBlock(from: number, to: number, onItemRuns?: (runs: number) => void, isStopped?: () => boolean): BlockResult {
    const { items, config, disruptions, seed, runs } = this.#job;
    if (config.trajectories && (from !== 0 || to !== runs)) {
      throw new RangeError('SimulationBatch: with trajectories every run is one block');
    }
    const horizon = config.horizonDays;
    const partial = new Float64Array((to - from) * CATALOGUE_PARTIAL_WIDTH);
    const values = this.#values;
    for (let i = 0; i < items.length; i++) {
      if (isStopped?.()) break;
      const item = items[i]!;
      const summary = this.#summaries[i] ?? new RunSummary(SIM_OUTPUTS.length, runs);
      const onHand = config.trajectories ? new Float64Array(runs * horizon) : undefined;
      for (let run = from; run < to; run++) {
        const result = simulateItem(item, config, disruptions, createRandom(deriveSeed(seed, item.key, run)));
        for (let j = 0; j < SIM_OUTPUTS.length; j++) values[j] = result[SIM_OUTPUTS[j]!];
        summary.add(values);
        const row = (run - from) * CATALOGUE_PARTIAL_WIDTH;
        for (let k = 0; k < SUM_INDEX.length; k++)
          partial[row + k] = partial[row + k]! + Math.round(values[SUM_INDEX[k]!]!);
        if (values[STOCKOUT_DAYS]! > 0) partial[row + SUM_INDEX.length] = partial[row + SUM_INDEX.length]! + 1;
        if (onHand !== undefined) keepOnHand(onHand, run, horizon, result);
      }
      if (to === runs) {
        this.#pack(i, summary);
        this.#summaries[i] = undefined;
        if (onHand !== undefined) this.#bands!.push(onHandBands(onHand, runs, horizon));
      } else this.#summaries[i] = summary;
      onItemRuns?.(to - from);
    }
    if (to < runs) return { cataloguePartial: partial };
    return { cataloguePartial: partial, spreads: this.#spreads, bands: this.#bands };
  }

  /** Numbers held between blocks: the items' summaries (P² state over several blocks), the packed spreads, the bands. */
  get retainedNumbers(): number {
    let numbers = this.#spreads.length;
    for (const summary of this.#summaries) numbers += summary?.retainedNumbers ?? 0;
    for (const band of this.#bands ?? []) numbers += band.length;
    return numbers;
  }

  #pack(item: number, summary: RunSummary): void {
    const spreads = summary.spreads();
    let at = item * SIM_OUTPUTS.length * SPREAD_WIDTH;
    for (const spread of spreads) {
      this.#spreads[at++] = spread.mean;
      this.#spreads[at++] = spread.sd;
      this.#spreads[at++] = spread.p5;
      this.#spreads[at++] = spread.p50;
      this.#spreads[at++] = spread.p95;
    }
  }
}

function keepOnHand(onHand: Float64Array, run: number, horizon: number, result: SimRunResult): void {
  const trajectory = result.trajectory;
  if (trajectory === undefined) throw new Error('simulateItem returned no trajectory although one was asked for');
  onHand.set(trajectory.onHandMilli.subarray(0, horizon), run * horizon);
}

/** Per day, the p5, p50 and p95 of the runs' on hand (exact, type 7): 3 × horizon, p5 first. */
function onHandBands(onHand: Float64Array, runs: number, horizon: number): Float64Array {
  const bands = new Float64Array(SPREAD_QUANTILES.length * horizon);
  const day = new Float64Array(runs);
  for (let d = 0; d < horizon; d++) {
    for (let run = 0; run < runs; run++) day[run] = onHand[run * horizon + d]!;
    day.sort();
    for (let q = 0; q < SPREAD_QUANTILES.length; q++)
      bands[q * horizon + d] = quantileOfSorted(day, SPREAD_QUANTILES[q]!);
  }
  return bands;
}

/** Messages between the pool and a worker. */
export type WorkerRequest = { kind: 'block'; from: number; to: number };
export type WorkerResponse =
  | { kind: 'progress'; itemRuns: number }
  | ({ kind: 'block'; from: number; itemRuns: number } & BlockResult)
  | { kind: 'error'; message: string; code?: string | undefined; details?: unknown };

/** Progress messages per block and worker, at most (each carries the item-runs since the last). */
const PROGRESS_MESSAGES = 100;

if (!isMainThread && (workerData as { role?: string } | null)?.role === SIMULATION_WORKER_ROLE && parentPort) {
  const port = parentPort;
  const batch = new SimulationBatch((workerData as { job: SimulationJob }).job);
  const itemCount = (workerData as { job: SimulationJob }).job.items.length;
  port.on('message', (request: WorkerRequest) => {
    try {
      const blockRuns = request.to - request.from;
      const every = Math.max(1, Math.ceil((itemCount * blockRuns) / PROGRESS_MESSAGES));
      let unreported = 0;
      const result = batch.runBlock(request.from, request.to, (runs) => {
        unreported += runs;
        if (unreported >= every) {
          port.postMessage({ kind: 'progress', itemRuns: unreported } satisfies WorkerResponse);
          unreported = 0;
        }
      });
      const transfer: ArrayBuffer[] = [result.cataloguePartial.buffer as ArrayBuffer];
      if (result.spreads !== undefined) transfer.push(result.spreads.buffer as ArrayBuffer);
      for (const band of result.bands ?? []) transfer.push(band.buffer as ArrayBuffer);
      port.postMessage(
        { kind: 'block', from: request.from, itemRuns: unreported, ...result } satisfies WorkerResponse,
        transfer,
      );
    } catch (error) {
      port.postMessage({
        kind: 'error',
        message: error instanceof Error ? error.message : String(error),
        code: isDomainError(error) ? error.code : undefined,
        details: isDomainError(error) ? error.details : undefined,
      } satisfies WorkerResponse);
    }
  });
}

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { forecastDemand } from '../../domain/planning/forecast-demand.js';
import { recommendLevels } from '../../domain/planning/recommend.js';
import type { DemandForecast, Recommendation, RecommendInput } from '../../domain/planning/types.js';
import { type Database, openDatabase } from '../../store/database.js';
import { type NewRecommendationRow, storedRecommendInput } from '../../store/planning/plan.repository.js';
import { defaultThreads, MAX_DEFAULT_THREADS, ownBuffer, workerEntry } from '../worker-threads.js';
import { readDemandHistories } from './demand-history.js';

/**
 * The CPU-heavy parts of a plan spread over worker threads: forecasting (the main thread sends batches of demand
 * histories whose buffers are transferred, not copied — a 730-day history is 5.8 kB of Float64 plus its stock-out
 * bytes) and, once the portfolio is classified, recommending (the policy engine and its explanation, answered as
 * row ready to store). Each worker answers one outcome (or the error message) per job, in order. This file is
 * both the pool (on the main thread) and the worker's entry (`workerData.role === ROLE`).
 */

const ROLE = 'leanstock-plan';

export { MAX_DEFAULT_THREADS };

export type ForecastJob = { demand: Float64Array; stockOut: Uint8Array };

/** A forecast, or why there is none (bad history data). */
export type ForecastOutcome = { ok: true; forecast: DemandForecast } | { ok: false; message: string };

/** One pair to recommend for, with what its stored row needs besides the engine's answer. */
export type RecommendJob = {
  input: RecommendInput;
  itemId: number;
  locationId: number;
  /** The last local date of the history the forecast used. */
  dataThrough: string;
  unitCostMinor: number | null;
  /** False when no lead time is known (the engine then ran with 0 days; the row stores none). */
  leadTimeKnown: boolean;
  now: number;
};

/** A recommendation's numbers (its explanation is made again from the stored input when asked for). */
export type RecommendationNumbers = Omit<Recommendation, 'explanation'>;

/** The recommendation and its `plan_recommendations` row, ready to store. */
export type RecommendOutcome =
  | { ok: true; recommendation: RecommendationNumbers; row: NewRecommendationRow }
  | { ok: false; message: string };

/** A pair's forecast read and made on a worker: `dataThrough` is the last local date of its history (none: no row). */
export type PairForecastOutcome = ForecastOutcome & { dataThrough: string | null };

type Request =
  | { kind: 'forecast'; id: number; demands: Float64Array[]; stockOuts: Uint8Array[]; horizonDays: number | undefined }
  | {
      kind: 'forecast-pairs';
      id: number;
      path: string;
      /** Item and location ids, interleaved. */
      pairs: number[];
      horizonDays: number | undefined;
    }
  | { kind: 'recommend'; id: number; jobs: RecommendJob[] };
type Response = { id: number; outcomes: ForecastOutcome[] | PairForecastOutcome[] | RecommendOutcome[] };

/** Forecasts one history, turning a refused one into an outcome instead of an exception. */
export function forecastOne(demand: Float64Array, stockOut: Uint8Array, horizonDays?: number): ForecastOutcome {
  try {
    return { ok: true, forecast: forecastDemand(demand, stockOut, horizonDays === undefined ? {} : { horizonDays }) };
  } catch (error) {
    return { ok: false, message: messageOf(error) };
  }
}

/** Recommends for one pair and builds its row, turning a refused input into an outcome instead of an exception. */
export function recommendOne(job: RecommendJob): RecommendOutcome {
  try {
    const recommendation = recommendLevels(job.input);
    return { ok: true, recommendation, row: recommendationRow(job, recommendation) };
  } catch (error) {
    return { ok: false, message: messageOf(error) };
  }
}

const toMilli = (units: number | null): number | null => (units === null ? null : Math.round(units * 1000));

function recommendationRow(job: RecommendJob, recommendation: RecommendationNumbers): NewRecommendationRow {
  const { forecast, strategy, leadTime } = job.input;
  return {
    item_id: job.itemId,
    location_id: job.locationId,
    computed_at: job.now,
    data_through: job.dataThrough,
    kind: recommendation.kind,
    reorder_point_milli: toMilli(recommendation.reorderPoint),
    target_milli: toMilli(recommendation.target),
    cards: recommendation.cards,
    container_quantity_milli: toMilli(recommendation.containerQuantity),
    review_days: recommendation.reviewDays,
    safety_stock_milli: toMilli(recommendation.safetyStock),
    order_quantity_milli: toMilli(recommendation.orderQuantity),
    forecast_method: forecast.method,
    demand_class: forecast.demandClass,
    mean_per_day: forecast.meanPerDay,
    sd_per_day: forecast.sdPerDay,
    lead_time_days: job.leadTimeKnown ? leadTime.meanDays : null,
    lead_time_sd_days: job.leadTimeKnown ? leadTime.sdDays : null,
    lead_time_source: job.leadTimeKnown ? leadTime.source : null,
    service_level: job.input.serviceLevel,
    service_type: job.input.serviceType,
    abc: strategy.abc,
    xyz: strategy.xyz,
    strategy: strategy.strategy,
    buffer_days: strategy.bufferDays,
    annual_value_minor:
      job.unitCostMinor === null ? null : Math.round(forecast.meanPerDay * 365 * Number(job.unitCostMinor)),
    risk_flags: JSON.stringify(strategy.riskFlags),
    reasons: JSON.stringify(strategy.reasons),
    recommend_input: storedRecommendInput(job.input),
  };
}

/** The threads a plan uses: `requested` if given (0 = inline), else the machine's parallelism capped at 8. */
export function planThreads(requested: number | undefined): number {
  return defaultThreads(requested);
}

/**
 * A pool of planning threads; with 0 threads every call runs inline on the calling thread. Each batch goes to the
 * least busy worker; the promise settles with the outcomes in the order of the jobs. The same workers forecast and
 * then recommend, so the second phase runs on warmed-up code.
 */
export class PlanPool {
  readonly threads: number;
  readonly #workers: Worker[] = [];
  readonly #busy: number[] = [];
  readonly #pending = new Map<number, { resolve: (o: never[]) => void; reject: (e: Error) => void }>();
  readonly #horizonDays: number | undefined;
  #nextId = 1;
  #failure: Error | undefined;
  #closing = false;

  constructor(threads: number, options: { horizonDays?: number } = {}) {
    this.threads = threads;
    this.#horizonDays = options.horizonDays;
    const entry = workerEntry(import.meta.url);
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(entry.code, { eval: entry.eval, workerData: { role: ROLE } });
      worker.on('message', (response: Response) => this.#settle(i, response));
      worker.on('error', (error) => this.#fail(error));
      worker.on('exit', (code) => {
        if (code !== 0 && !this.#closing) this.#fail(new Error(`planning worker ${i} exited with code ${code}`));
      });
      this.#workers.push(worker);
      this.#busy.push(0);
    }
  }

  /** Forecasts a batch; the jobs' buffers are transferred to the worker and unusable afterwards. */
  forecast(jobs: ForecastJob[]): Promise<ForecastOutcome[]> {
    if (this.threads === 0) {
      return Promise.resolve(jobs.map((job) => forecastOne(job.demand, job.stockOut, this.#horizonDays)));
    }
    const demands = jobs.map((job) => ownBuffer(job.demand));
    const stockOuts = jobs.map((job) => ownBuffer(job.stockOut));
    const transfer = new Set<ArrayBuffer>();
    for (let i = 0; i < jobs.length; i++) {
      transfer.add(demands[i]!.buffer as ArrayBuffer);
      transfer.add(stockOuts[i]!.buffer as ArrayBuffer);
    }
    return this.#send(
      (id) => ({ kind: 'forecast', id, demands, stockOuts, horizonDays: this.#horizonDays }),
      [...transfer],
    );
  }

  /**
   * Reads the demand histories of these pairs from the SQLite file at `path` on the worker (its own read connection)
   * and forecasts them: nothing crosses threads but the pairs and the forecasts. In the pairs' order; a pair without a
   * history row answers `{ ok: false, message: 'no history', dataThrough: null }`.
   */
  forecastPairs(
    path: string,
    pairs: ReadonlyArray<{ itemId: number; locationId: number }>,
  ): Promise<PairForecastOutcome[]> {
    const flat = new Array<number>(pairs.length * 2);
    for (let i = 0; i < pairs.length; i++) {
      flat[i * 2] = pairs[i]!.itemId;
      flat[i * 2 + 1] = pairs[i]!.locationId;
    }
    return this.#send((id) => ({ kind: 'forecast-pairs', id, path, pairs: flat, horizonDays: this.#horizonDays }), []);
  }

  /** Recommends for a batch of pairs. */
  recommend(jobs: RecommendJob[]): Promise<RecommendOutcome[]> {
    if (this.threads === 0) return Promise.resolve(jobs.map(recommendOne));
    return this.#send((id) => ({ kind: 'recommend', id, jobs }), []);
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
    this.#workers.length = 0;
  }

  #send<T>(request: (id: number) => Request, transfer: ArrayBuffer[]): Promise<T[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    let target = 0;
    for (let i = 1; i < this.#busy.length; i++) if (this.#busy[i]! < this.#busy[target]!) target = i;
    this.#busy[target]! += 1;
    return new Promise<T[]>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (o: never[]) => void, reject });
      this.#workers[target]!.postMessage(request(id), transfer);
    });
  }

  #settle(worker: number, response: Response): void {
    this.#busy[worker]! -= 1;
    const pending = this.#pending.get(response.id);
    this.#pending.delete(response.id);
    pending?.resolve(response.outcomes as never[]);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The last local date of a history of `days` days from `startDate` (YYYY-MM-DD). */
export function lastHistoryDate(startDate: string, days: number): string {
  const [y, m, d] = startDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days - 1)).toISOString().slice(0, 10);
}

/** This worker's read connections, by SQLite file. */
const connections = new Map<string, Promise<Database>>();

async function forecastStoredPairs(
  request: Extract<Request, { kind: 'forecast-pairs' }>,
): Promise<PairForecastOutcome[]> {
  let connection = connections.get(request.path);
  if (connection === undefined) {
    connection = openDatabase({ dialect: 'sqlite', path: request.path }, { migrate: false });
    connections.set(request.path, connection);
  }
  const database = await connection;
  const pairs: Array<{ itemId: number; locationId: number }> = [];
  const at = new Map<string, number>();
  for (let i = 0; i < request.pairs.length; i += 2) {
    at.set(`${request.pairs[i]}:${request.pairs[i + 1]}`, pairs.length);
    pairs.push({ itemId: request.pairs[i]!, locationId: request.pairs[i + 1]! });
  }
  const outcomes: PairForecastOutcome[] = pairs.map(() => ({ ok: false, message: 'no history', dataThrough: null }));
  for await (const batch of readDemandHistories(database, { pairs, batchSize: pairs.length })) {
    for (const history of batch) {
      const index = at.get(`${history.itemId}:${history.locationId}`);
      if (index === undefined) continue;
      outcomes[index] = {
        ...forecastOne(history.demand, history.stockOut, request.horizonDays),
        dataThrough: lastHistoryDate(history.startDate, history.demand.length),
      };
    }
  }
  return outcomes;
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE && parentPort) {
  const port = parentPort;
  port.on('message', async (request: Request) => {
    const outcomes =
      request.kind === 'forecast'
        ? request.demands.map((demand, i) => forecastOne(demand, request.stockOuts[i]!, request.horizonDays))
        : request.kind === 'forecast-pairs'
          ? await forecastStoredPairs(request)
          : request.jobs.map(recommendOne);
    port.postMessage({ id: request.id, outcomes } satisfies Response);
  });
}

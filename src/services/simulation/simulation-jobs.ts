import type { Selectable } from 'kysely';
import { renderSimulationChart } from '../../documents/simulation-chart.js';
import { DomainError } from '../../domain/errors.js';
import { formatScenario, parseScenario, type Scenario } from '../../domain/simulation/scenario.js';
import type { Database } from '../../store/database.js';
import type { SimulationJobStatus, SimulationJobTable } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { readSavedScenario } from './scenario.service.js';
import { checkScenarioAgainstCatalogue, runScenario, type SimulationReport } from './simulation.service.js';

/** A simulation job as the API shows it; `result` (the report, as `simulate --json` prints it) once done. */
export type SimulationJobView = {
  id: number;
  status: SimulationJobStatus;
  progress: number;
  scenario_name: string | null;
  scenario: Record<string, unknown>;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  created_by: string;
  error: string | null;
  result?: SimulationReport;
};

/** A job in a list: everything but the result. */
export type SimulationJobSummary = Omit<SimulationJobView, 'result'>;

export type SimulationJobRequest = { scenario?: unknown; scenario_name?: unknown };

export const SIMULATION_JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const satisfies SimulationJobStatus[];

export type SimulationJobOptions = {
  clock: () => number;
  /** Worker threads per simulation (default: the machine's parallelism). */
  threads?: number | undefined;
  /** How often a live process marks its jobs as alive (default 5 s), and after how long without a mark a job counts as interrupted (default 60 s). */
  heartbeatMs?: number;
  staleMs?: number;
};

const PROGRESS_WRITE_MS = 500;

/**
 * Runs simulations in the server process, one at a time in the order they came, with their status, progress and
 * result in `simulation_jobs` so the result outlives the request (and is served by any process). A job whose process
 * stopped — no heartbeat for `staleMs` — is marked failed when the server starts and when it is read.
 */
export class SimulationJobRunner {
  readonly #database: Database;
  readonly #options: Required<Omit<SimulationJobOptions, 'threads'>> & { threads: number | undefined };
  readonly #queue: Array<{ id: number; scenario: Scenario; now: number }> = [];
  readonly #owned = new Set<number>();
  #running: Promise<void> | undefined;
  #abort: AbortController | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(database: Database, options: SimulationJobOptions) {
    this.#database = database;
    this.#options = {
      clock: options.clock,
      threads: options.threads,
      heartbeatMs: options.heartbeatMs ?? 5_000,
      staleMs: options.staleMs ?? 60_000,
    };
  }

  /** Marks the jobs of processes that stopped as failed; returns how many. */
  async recoverInterrupted(): Promise<number> {
    const now = this.#options.clock();
    const rows = await this.#database.db
      .updateTable('simulation_jobs')
      .set({
        status: 'failed',
        error: 'interrupted: the server stopped before the simulation finished',
        finished_at: now,
      })
      .where('status', 'in', ['queued', 'running'])
      .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', now - this.#options.staleMs)]))
      .executeTakeFirst();
    return Number(rows.numUpdatedRows);
  }

  /**
   * Accepts a job: `{ scenario: {...} }` or `{ scenario_name }` (exactly one), checked in full before anything is
   * stored (LS_VALIDATION naming the field, or LS_NOT_FOUND for an unknown saved scenario). Answers the queued job;
   * a retry with the same Idempotency-Key answers the job the first request queued and queues nothing.
   */
  async submit(ctx: ServiceContext, request: SimulationJobRequest): Promise<SimulationJobView> {
    if (this.#closed) throw new DomainError('LS_INVALID_STATE', 'simulations: the server is stopping');
    const hasScenario = request.scenario !== undefined && request.scenario !== null;
    const hasName = request.scenario_name !== undefined && request.scenario_name !== null;
    if (hasScenario === hasName) {
      throw new DomainError('LS_VALIDATION', 'scenario: give either scenario (the scenario itself) or scenario_name', [
        { field: 'scenario', message: 'give either scenario (the scenario itself) or scenario_name' },
      ]);
    }
    let scenario: Scenario;
    let scenarioName: string | null = null;
    if (hasName) {
      if (typeof request.scenario_name !== 'string' || request.scenario_name.length === 0) {
        throw new DomainError('LS_VALIDATION', 'scenario_name: must be the name of a saved scenario', [
          { field: 'scenario_name', message: 'must be the name of a saved scenario', value: request.scenario_name },
        ]);
      }
      scenarioName = request.scenario_name;
      scenario = await readSavedScenario(this.#database, scenarioName);
    } else {
      scenario = parseScenario(request.scenario, 'simulation');
    }
    await checkScenarioAgainstCatalogue(this.#database, scenario);
    let accepted = false;
    const { id } = await idempotentWrite(
      this.#database,
      ctx,
      'POST /simulations',
      { scenario: request.scenario ?? null, scenario_name: request.scenario_name ?? null },
      async (tx) => {
        const row = await tx
          .insertInto('simulation_jobs')
          .values({
            status: 'queued',
            progress: 0,
            scenario_name: scenarioName,
            scenario: JSON.stringify(formatScenario(scenario)),
            result: null,
            error: null,
            created_by: ctx.actor,
            created_at: ctx.now,
            started_at: null,
            finished_at: null,
            heartbeat_at: ctx.now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        accepted = true;
        return { id: Number(row.id) };
      },
    );
    if (!accepted) return this.get(id);
    // Read before the queue starts, so the answer is the job as accepted: queued, progress 0.
    const view = await this.get(id);
    this.#owned.add(id);
    this.#queue.push({ id, scenario, now: ctx.now });
    this.#startHeartbeat();
    if (this.#running === undefined) this.#running = this.#drain();
    return view;
  }

  /**
   * Jobs newest first, without their results, a page at a time (the cursor is the last id); jobs of processes that
   * stopped are marked failed first.
   */
  async list(
    query: { cursor?: string | undefined; limit?: number | undefined; status?: SimulationJobStatus | undefined } = {},
  ): Promise<Page<SimulationJobSummary>> {
    const limit = checkPageLimit(query.limit);
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1, 'cursor')[0];
    if (before !== undefined && typeof before !== 'number') {
      throw new DomainError('LS_VALIDATION', 'cursor: is not a cursor this list returned', [
        { field: 'cursor', message: 'is not a cursor this list returned', value: query.cursor },
      ]);
    }
    await this.recoverInterrupted();
    let select = this.#database.db
      .selectFrom('simulation_jobs')
      .select([
        'id',
        'status',
        'progress',
        'scenario_name',
        'scenario',
        'error',
        'created_by',
        'created_at',
        'started_at',
        'finished_at',
      ])
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (before !== undefined) select = select.where('id', '<', before);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    const rows = await select.execute();
    const page = rows.slice(0, limit);
    return {
      data: page.map((row) => summaryOf(row)),
      next_cursor: rows.length > limit ? encodeCursor([Number(page.at(-1)!.id)]) : null,
    };
  }

  /** A job with its result when done; LS_NOT_FOUND naming the id. */
  async get(id: number): Promise<SimulationJobView> {
    let row = await this.#row(id);
    if ((row.status === 'queued' || row.status === 'running') && !this.#owned.has(id)) {
      const heartbeat = row.heartbeat_at === null ? 0 : Number(row.heartbeat_at);
      if (heartbeat < this.#options.clock() - this.#options.staleMs) {
        await this.#finish(id, 'failed', { error: 'interrupted: the server stopped before the simulation finished' });
        row = await this.#row(id);
      }
    }
    return {
      ...summaryOf(row),
      ...(row.result === null ? {} : { result: JSON.parse(row.result) as SimulationReport }),
    };
  }

  /** The SVG chart of a finished job; LS_INVALID_STATE while it is not done. */
  async chart(id: number): Promise<string> {
    const job = await this.get(id);
    if (job.status !== 'done' || job.result === undefined) {
      throw new DomainError(
        'LS_INVALID_STATE',
        `status: simulation ${id} is ${job.status}; the chart comes with its result`,
        [{ field: 'status', message: `is ${job.status}`, value: job.status }],
      );
    }
    return renderSimulationChart(job.result);
  }

  /** Waits until every accepted job has finished (tests). */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  /** Stops: the running simulation is aborted and it and the queued ones are marked failed. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#abort?.abort(new Error('the server stopped'));
    const queued = this.#queue.splice(0);
    for (const job of queued) await this.#finish(job.id, 'failed', { error: 'interrupted: the server stopped' });
    await this.#running?.catch(() => {});
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
  }

  async #row(id: number) {
    const row = Number.isSafeInteger(id)
      ? await this.#database.db.selectFrom('simulation_jobs').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined;
    if (row === undefined) {
      throw new DomainError('LS_NOT_FOUND', `id: no simulation ${id}`, [
        { field: 'id', message: `no simulation ${id}`, value: id },
      ]);
    }
    return row;
  }

  async #drain(): Promise<void> {
    try {
      for (let job = this.#queue.shift(); job !== undefined; job = this.#queue.shift()) await this.#run(job);
    } finally {
      this.#running = undefined;
      if (this.#owned.size === 0 && this.#heartbeat !== undefined) {
        clearInterval(this.#heartbeat);
        this.#heartbeat = undefined;
      }
    }
  }

  async #run(job: { id: number; scenario: Scenario; now: number }): Promise<void> {
    const db = this.#database.db;
    const clock = this.#options.clock;
    // Set before the first await: a close() from now on aborts this job instead of waiting for all of it.
    const abort = new AbortController();
    this.#abort = abort;
    let lastWrite = 0;
    let writing: Promise<unknown> = Promise.resolve();
    try {
      await db
        .updateTable('simulation_jobs')
        .set({ status: 'running', started_at: clock(), heartbeat_at: clock() })
        .where('id', '=', job.id)
        .where('status', '=', 'queued')
        .execute();
      abort.signal.throwIfAborted();
      const report = await runScenario(this.#database, job.scenario, {
        now: job.now,
        threads: this.#options.threads,
        signal: abort.signal,
        onProgress: (done, total) => {
          const at = Date.now();
          if (at - lastWrite < PROGRESS_WRITE_MS || done >= total) return;
          lastWrite = at;
          const progress = Math.floor((done / total) * 1000) / 1000;
          writing = writing.then(() =>
            db
              .updateTable('simulation_jobs')
              .set({ progress })
              .where('id', '=', job.id)
              .where('status', '=', 'running')
              .execute(),
          );
        },
      });
      await writing;
      await this.#finish(job.id, 'done', { result: JSON.stringify(report) });
    } catch (error) {
      await writing.catch(() => {});
      const message = error instanceof DomainError ? `${error.code}: ${error.message}` : `${(error as Error).message}`;
      await this.#finish(job.id, 'failed', { error: message });
    } finally {
      this.#abort = undefined;
    }
  }

  async #finish(id: number, status: 'done' | 'failed', outcome: { result?: string; error?: string }): Promise<void> {
    this.#owned.delete(id);
    await this.#database.db
      .updateTable('simulation_jobs')
      .set({
        status,
        ...(status === 'done' ? { progress: 1 } : {}),
        result: outcome.result ?? null,
        error: outcome.error ?? null,
        finished_at: this.#options.clock(),
      })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .execute();
  }

  #startHeartbeat(): void {
    if (this.#heartbeat !== undefined) return;
    this.#heartbeat = setInterval(() => {
      const ids = [...this.#owned];
      if (ids.length === 0) return;
      this.#database.db
        .updateTable('simulation_jobs')
        .set({ heartbeat_at: this.#options.clock() })
        .where('id', 'in', ids)
        .execute()
        .catch(() => {});
    }, this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }
}

type SimulationJobRow = Pick<
  Selectable<SimulationJobTable>,
  | 'id'
  | 'status'
  | 'progress'
  | 'scenario_name'
  | 'scenario'
  | 'error'
  | 'created_by'
  | 'created_at'
  | 'started_at'
  | 'finished_at'
>;

function summaryOf(row: SimulationJobRow): SimulationJobSummary {
  return {
    id: Number(row.id),
    status: row.status,
    progress: Number(row.progress),
    scenario_name: row.scenario_name,
    scenario: JSON.parse(row.scenario),
    created_at: new Date(Number(row.created_at)).toISOString(),
    started_at: row.started_at === null ? null : new Date(Number(row.started_at)).toISOString(),
    finished_at: row.finished_at === null ? null : new Date(Number(row.finished_at)).toISOString(),
    created_by: row.created_by,
    error: row.error,
  };
}

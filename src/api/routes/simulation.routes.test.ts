import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { run } from '../../cli/main.js';
import { parseScenario } from '../../domain/simulation/scenario.js';
import type { ServiceContext } from '../../services/context.js';
import { createItem } from '../../services/item.service.js';
import { postMovements } from '../../services/ledger.service.js';
import { createLocation } from '../../services/location.service.js';
import { setPolicy } from '../../services/policy.service.js';
import { runScenario } from '../../services/simulation/simulation.service.js';
import { createSupplier } from '../../services/supplier.service.js';
import { addSupplierItem } from '../../services/supplier-item.service.js';
import { type Database, openDatabase } from '../../store/database.js';
import { buildApp } from '../app.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 3, 10, 10);
const ctx = (at: number): ServiceContext => ({ actor: 'seed', now: at });
const SKUS = ['BOLT', 'NUT', 'WASHER'];

/**
 * Three items at BER from ACME (7 days, packs of 10), 90 days of history (BOLT 4–8 a day, NUT 1–3, WASHER every
 * third day 6) and a reorder-point policy each.
 */
async function seedCatalogue(db: Database): Promise<void> {
  const at = ctx(now - 100 * DAY);
  await createLocation(db, { code: 'BER', name: 'Berlin', time_zone: 'Europe/Berlin' }, at);
  await createSupplier(db, { code: 'ACME', name: 'Acme', lead_time_days: 7, ordering_cost: 20 }, at);
  for (const sku of SKUS) {
    await createItem(db, { sku, name: sku, unit: 'pcs', unit_cost: 2, category: 'fasteners' }, at);
    await addSupplierItem(db, sku, { supplier: 'ACME', pack_size: 10 }, at);
  }
  const movements: unknown[] = SKUS.map((sku) => ({
    type: 'receipt',
    sku,
    location: 'BER',
    quantity: 900,
    occurred_at: iso(now - 95 * DAY),
  }));
  for (let k = 1; k <= 90; k++) {
    const day = iso(now - k * DAY);
    movements.push({ type: 'issue', sku: 'BOLT', location: 'BER', quantity: 4 + (k % 5), occurred_at: day });
    movements.push({ type: 'issue', sku: 'NUT', location: 'BER', quantity: 1 + (k % 3), occurred_at: day });
    if (k % 3 === 0) movements.push({ type: 'issue', sku: 'WASHER', location: 'BER', quantity: 6, occurred_at: day });
  }
  await postMovements(db, movements, ctx(now - DAY / 2));
  for (const sku of SKUS) {
    await setPolicy(db, sku, 'BER', { kind: 'reorder_point', reorder_point: 40, target: 120 }, at);
  }
}

/** ACME closed for two weeks from day 10 of 60; 20 runs. */
const scenario = {
  name: 'acme-closed',
  description: 'ACME closed for two weeks',
  horizon_days: 60,
  runs: 20,
  seed: 7,
  items: { skus: SKUS },
  demand: { model: 'bootstrap', block_days: 7 },
  lead_time: 'quoted',
  disruptions: { outages: [{ supplier: 'ACME', from_day: 10, days: 14 }] },
  policies: ['current', { name: 'buffered', base: 'current', extra_days: 14 }],
};

type Job = {
  id: number;
  status: string;
  progress: number;
  error: string | null;
  result?: Record<string, unknown>;
};

describeEachDialect('simulation routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    await seedCatalogue(database());
    app = await buildApp({ database: database(), clock: () => now, simulationThreads: 1 });
  });
  afterEach(async () => {
    await app.close();
  });

  const send = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      ...(payload !== undefined && { payload: payload as object }),
      headers: { 'x-actor': 'ana', ...headers },
    });

  const jobRows = async () =>
    Number(
      (
        await database()
          .db.selectFrom('simulation_jobs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Polls the job until it has finished; every answer seen, in order. */
  async function follow(id: number): Promise<Job[]> {
    const seen: Job[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await send('GET', `/api/v1/simulations/${id}`);
      expect(response.statusCode).toBe(200);
      const job = response.json() as Job;
      seen.push(job);
      if (job.status === 'done' || job.status === 'failed') return seen;
      if (Date.now() > deadline) throw new Error(`simulation ${id} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  it('a job goes queued → running → done with rising progress, and its result is runScenario’s report bit for bit', async () => {
    const accepted = await send('POST', '/api/v1/simulations', { scenario });
    expect(accepted.statusCode).toBe(202);
    const job = accepted.json() as Job;
    expect(job).toMatchObject({ status: 'queued', progress: 0, error: null, scenario_name: null, created_by: 'ana' });
    expect(job).not.toHaveProperty('result');
    expect(accepted.headers['location']).toBe(`/api/v1/simulations/${job.id}`);

    const seen = await follow(job.id);
    const last = seen.at(-1)!;
    expect(last.error).toBeNull();
    expect(last.status).toBe('done');
    expect(last.progress).toBe(1);
    const statuses = seen.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]);
    expect(['queued', 'running', 'done']).toEqual(expect.arrayContaining(statuses));
    expect(statuses).toContain('running');
    expect(statuses.indexOf('running')).toBeLessThan(statuses.indexOf('done'));
    const progress = seen.map((s) => s.progress);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);

    // The same scenario and seed run in this process on no worker thread: the same report, to the last bit.
    const direct = await runScenario(database(), parseScenario(scenario), { now, threads: 0 });
    expect(JSON.stringify(last.result)).toBe(JSON.stringify(direct));
    expect(last.result).toMatchObject({ runs: 20, horizon_days: 60, seed: 7, items_simulated: 3 });
  });

  it('refuses bad requests with a 4xx naming the field, and stores no job', async () => {
    const cases: Array<{ body: unknown; status: number; message: string }> = [
      {
        body: { scenario, scenario_name: 'acme-closed' },
        status: 400,
        message: 'scenario: give either scenario (the scenario itself) or scenario_name',
      },
      { body: {}, status: 400, message: 'scenario: give either scenario' },
      {
        body: { scenario: { ...scenario, lead_time: { source: 'given', days: -2 } } },
        status: 400,
        message: 'lead_time.days',
      },
      {
        body: {
          scenario: { ...scenario, disruptions: { outages: [{ supplier: 'ACME', from_day: 70, days: 5 }] } },
        },
        status: 400,
        message: 'disruptions.outages[0].from_day',
      },
      {
        body: { scenario: { ...scenario, disruptions: { outages: [{ supplier: 'NOPE', from_day: 10, days: 5 }] } } },
        status: 400,
        message: 'disruptions.outages[0].supplier: unknown supplier NOPE',
      },
      { body: { scenario: { ...scenario, runs: 100_001 } }, status: 400, message: 'runs: must be a whole number' },
      { body: { scenario: { ...scenario, horizon: 30 } }, status: 400, message: 'horizon' },
      { body: { scenario, priority: 'high' }, status: 400, message: 'priority: is not a field here' },
      { body: { scenario: 'acme-closed' }, status: 400, message: 'scenario: must be a mapping' },
      {
        body: { scenario_name: 'nothing-saved' },
        status: 404,
        message: 'scenario: no saved scenario named nothing-saved',
      },
      { body: { scenario_name: '' }, status: 400, message: 'scenario_name' },
      { body: [scenario], status: 400, message: 'body' },
    ];
    for (const c of cases) {
      const response = await send('POST', '/api/v1/simulations', c.body);
      expect({ body: c.body, status: response.statusCode }).toEqual({ body: c.body, status: c.status });
      expect(response.json().error.message).toContain(c.message);
    }
    const notJson = await app.inject({
      method: 'POST',
      url: '/api/v1/simulations',
      payload: '{"scenario": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.statusCode).toBe(400);
    expect(await jobRows()).toBe(0);
  });

  it('answers 404 for an unknown job and 400 for an id that is not one', async () => {
    const unknown = await send('GET', '/api/v1/simulations/999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'LS_NOT_FOUND', message: 'id: no simulation 999' });
    expect((await send('GET', '/api/v1/simulations/999/chart.svg')).statusCode).toBe(404);
    const bad = await send('GET', '/api/v1/simulations/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('id');
  });

  it('gives the chart of a done job as SVG, and 409 while the job has not finished', async () => {
    // A longer job (two variants × 3 items × 3,000 runs × 365 days on one worker) stays running for a while.
    const { id } = (
      await send('POST', '/api/v1/simulations', { scenario: { ...scenario, horizon_days: 365, runs: 3000 } })
    ).json() as Job;
    const early = await send('GET', `/api/v1/simulations/${id}/chart.svg`);
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'LS_INVALID_STATE' });
    expect(early.json().error.message).toMatch(/^status: simulation \d+ is (queued|running)/);
    let status = 'queued';
    while (status === 'queued') status = ((await send('GET', `/api/v1/simulations/${id}`)).json() as Job).status;
    expect(status).toBe('running');
    const running = await send('GET', `/api/v1/simulations/${id}/chart.svg`);
    expect(running.statusCode).toBe(409);
    expect(running.json().error.message).toBe(`status: simulation ${id} is running; the chart comes with its result`);
    expect((await follow(id)).at(-1)!.status).toBe('done');
    const chart = await send('GET', `/api/v1/simulations/${id}/chart.svg`);
    expect(chart.statusCode).toBe(200);
    expect(chart.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(chart.body).toMatch(/<svg[\s>]/);
    expect(chart.body).toContain('</svg>');
  });

  it('lists jobs newest first without their reports, a page at a time and by status', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(((await send('POST', '/api/v1/simulations', { scenario: { ...scenario, seed: i } })).json() as Job).id);
    }
    await app.simulationJobs.idle();
    const first = await send('GET', '/api/v1/simulations?limit=2');
    expect(first.statusCode).toBe(200);
    const page = first.json() as { data: Job[]; next_cursor: string | null };
    expect(page.data.map((j) => j.id)).toEqual([ids[2], ids[1]]);
    expect(page.data.every((j) => j.status === 'done' && !('result' in j))).toBe(true);
    expect(page.next_cursor).not.toBeNull();
    const second = (await send('GET', `/api/v1/simulations?limit=2&cursor=${page.next_cursor}`)).json();
    expect(second.data.map((j: Job) => j.id)).toEqual([ids[0]]);
    expect(second.next_cursor).toBeNull();
    expect((await send('GET', '/api/v1/simulations?status=failed')).json()).toEqual({ data: [], next_cursor: null });
    expect((await send('GET', '/api/v1/simulations?status=done')).json().data).toHaveLength(3);
    const badStatus = await send('GET', '/api/v1/simulations?status=finished');
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().error.message).toContain('status');
    const badCursor = await send('GET', '/api/v1/simulations?cursor=nonsense');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.message).toContain('cursor');
  });

  it('a retry with the same Idempotency-Key answers the first job and queues nothing more', async () => {
    const headers = { 'idempotency-key': 'sim-1' };
    const first = await send('POST', '/api/v1/simulations', { scenario }, headers);
    const again = await send('POST', '/api/v1/simulations', { scenario }, headers);
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect((again.json() as Job).id).toBe((first.json() as Job).id);
    const other = await send('POST', '/api/v1/simulations', { scenario: { ...scenario, seed: 8 } }, headers);
    expect(other.statusCode).toBe(409);
    await app.simulationJobs.idle();
    expect(await jobRows()).toBe(1);
  });

  it('saves scenarios as JSON or YAML, lists, shows, runs and deletes them, and refuses a bad one saving nothing', async () => {
    const created = await send('PUT', '/api/v1/simulation-scenarios/acme-closed', scenario);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'acme-closed',
      description: 'ACME closed for two weeks',
      updated_by: 'ana',
      scenario: { name: 'acme-closed', horizon_days: 60, runs: 20, seed: 7 },
    });
    const replaced = await send('PUT', '/api/v1/simulation-scenarios/acme-closed', { ...scenario, runs: 10 });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().scenario.runs).toBe(10);

    const yaml = [
      'description: lead times × 3 for 20 days',
      'horizon_days: 45',
      'runs: 5',
      'items: { skus: [BOLT] }',
      'disruptions:',
      '  lead_time_factors:',
      '    - { supplier: ACME, from_day: 5, days: 20, factor: 3 }',
      '',
    ].join('\n');
    const fromYaml = await app.inject({
      method: 'PUT',
      url: '/api/v1/simulation-scenarios/slow-acme',
      payload: yaml,
      headers: { 'content-type': 'application/yaml', 'x-actor': 'ana' },
    });
    expect(fromYaml.statusCode).toBe(201);
    expect(fromYaml.json().scenario).toMatchObject({ name: 'slow-acme', horizon_days: 45, runs: 5 });
    const badYaml = await app.inject({
      method: 'PUT',
      url: '/api/v1/simulation-scenarios/broken',
      payload: 'runs: [1, 2\n',
      headers: { 'content-type': 'text/yaml' },
    });
    expect(badYaml.statusCode).toBe(400);
    expect(badYaml.json().error.message).toMatch(/^scenario: not valid YAML/);

    for (const [name, body, message] of [
      [
        'nope',
        { ...scenario, name: 'nope', disruptions: { outages: [{ supplier: 'NOPE', from_day: 1, days: 2 }] } },
        'disruptions.outages[0].supplier: unknown supplier NOPE',
      ],
      ['other', scenario, 'name: must be the name in the path, other'],
      ['neg', { horizon_days: -1 }, 'horizon_days'],
    ] as const) {
      const refused = await send('PUT', `/api/v1/simulation-scenarios/${name}`, body);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.message).toContain(message);
      expect((await send('GET', `/api/v1/simulation-scenarios/${name}`)).statusCode).toBe(404);
    }

    const list = (await send('GET', '/api/v1/simulation-scenarios')).json();
    expect(list.data.map((s: { name: string }) => s.name)).toEqual(['acme-closed', 'slow-acme']);
    expect(list.data[0]).not.toHaveProperty('scenario');
    const paged = (await send('GET', '/api/v1/simulation-scenarios?limit=1')).json();
    expect(paged.data).toHaveLength(1);
    expect(
      (await send('GET', `/api/v1/simulation-scenarios?limit=1&cursor=${paged.next_cursor}`)).json().data[0].name,
    ).toBe('slow-acme');
    expect((await send('GET', '/api/v1/simulation-scenarios/slow-acme')).json().scenario.disruptions).toMatchObject({
      lead_time_factors: [{ supplier: 'ACME', from_day: 5, days: 20, factor: 3 }],
    });

    const byName = await send('POST', '/api/v1/simulations', { scenario_name: 'slow-acme' });
    expect(byName.statusCode).toBe(202);
    expect(byName.json()).toMatchObject({ scenario_name: 'slow-acme', scenario: { name: 'slow-acme' } });
    const done = (await follow((byName.json() as Job).id)).at(-1)!;
    expect(done.status).toBe('done');
    expect(done.result).toMatchObject({ runs: 5, horizon_days: 45, items_simulated: 1 });

    const deleted = await send('DELETE', '/api/v1/simulation-scenarios/slow-acme');
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ name: 'slow-acme', deleted: true });
    expect((await send('GET', '/api/v1/simulation-scenarios/slow-acme')).statusCode).toBe(404);
    expect((await send('DELETE', '/api/v1/simulation-scenarios/slow-acme')).statusCode).toBe(404);
    // The job keeps its copy of the scenario it ran.
    expect((await send('GET', `/api/v1/simulations/${(byName.json() as Job).id}`)).json().scenario.name).toBe(
      'slow-acme',
    );
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('entity', '=', 'simulation_scenario')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => `${a.action} ${a.actor}`)).toEqual([
      'create ana',
      'update ana',
      'create ana',
      'delete ana',
    ]);
  });

  it('closing the app aborts the running job and marks it and the queued ones failed', async () => {
    const other = await buildApp({ database: database(), clock: () => now, simulationThreads: 1 });
    const big = { scenario: { ...scenario, horizon_days: 730, runs: 5000 } };
    const running = (await other.inject({ method: 'POST', url: '/api/v1/simulations', payload: big })).json() as Job;
    const queued = (await other.inject({ method: 'POST', url: '/api/v1/simulations', payload: big })).json() as Job;
    let status = 'queued';
    while (status === 'queued') status = (await other.simulationJobs.get(running.id)).status;
    expect(status).toBe('running');
    await other.close();
    const rows = await database()
      .db.selectFrom('simulation_jobs')
      .select(['id', 'status', 'error', 'result'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => ({ ...r, id: Number(r.id) }))).toEqual([
      { id: running.id, status: 'failed', error: 'the server stopped', result: null },
      { id: queued.id, status: 'failed', error: 'interrupted: the server stopped', result: null },
    ]);
    expect((await send('POST', '/api/v1/simulations', { scenario })).statusCode).toBe(202);
  });
});

describe('the same report from the API as from leanstock simulate --json', () => {
  let dir: string;
  let database: Database;
  let app: FastifyInstance;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-simulation-api-'));
    database = await openDatabase({ dialect: 'sqlite', path: join(dir, 'sim.db') });
    await seedCatalogue(database);
    app = await buildApp({ database, clock: () => now });
  });
  afterEach(async () => {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a saved scenario through POST /simulations and through the CLI and gets the same JSON', async () => {
    expect(
      (await app.inject({ method: 'PUT', url: '/api/v1/simulation-scenarios/acme-closed', payload: scenario }))
        .statusCode,
    ).toBe(201);
    const { id } = (
      await app.inject({ method: 'POST', url: '/api/v1/simulations', payload: { scenario_name: 'acme-closed' } })
    ).json() as Job;
    await app.simulationJobs.idle();
    const job = (await app.inject({ method: 'GET', url: `/api/v1/simulations/${id}` })).json() as Job;
    expect(job.status).toBe('done');

    const out: string[] = [];
    const code = await run(['simulate', 'acme-closed', '--json', '--threads', '2', '--db', join(dir, 'sim.db')], {
      env: { USER: 'tester' },
      stdout: (text) => out.push(text),
      stderr: () => {},
      isTty: false,
      now: () => now,
    });
    expect(code).toBe(0);
    expect(JSON.stringify(JSON.parse(out.join('')))).toBe(JSON.stringify(job.result));
  });
});

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

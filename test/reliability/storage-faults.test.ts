import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { StorageFaultCode } from '../../src/api/storage-errors.js';
import { startEventDispatcher } from '../../src/services/events/dispatcher.js';
import { createWebhook } from '../../src/services/events/webhook.service.js';
import { startScheduler } from '../../src/services/scheduler.js';
import { type Database, type Dialect, openDatabase } from '../../src/store/database.js';
import type { Schema } from '../../src/store/schema.js';
import { cliRunner } from '../support/cli.js';
import { testPostgresUrl } from '../support/dialects.js';
import { seedCatalogue } from '../support/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Storage faults, for real: a full disk, a read-only database, a lock held past the busy timeout and an
 * unreachable server. Each refused request must answer 503 with a code naming the fault and a retry-after,
 * change nothing (balances = the sums of their movements, SQLite's integrity_check = ok), and writes must
 * resume once the fault is gone; a write retried with its Idempotency-Key then lands exactly once.
 */

const NOW = Date.UTC(2026, 5, 1, 12);
const MOVEMENTS = '/api/v1/movements';

type Figures = {
  faults_injected: Record<string, number>;
  requests_refused: Partial<Record<StorageFaultCode, number>>;
  requests_accepted_after_recovery: number;
  rows_lost: number;
  sqlite_integrity_checks: number;
};

const figures: Record<Dialect, Figures> = {
  sqlite: emptyFigures(),
  postgres: emptyFigures(),
};

function emptyFigures(): Figures {
  return {
    faults_injected: {},
    requests_refused: {},
    requests_accepted_after_recovery: 0,
    rows_lost: 0,
    sqlite_integrity_checks: 0,
  };
}

function injected(dialect: Dialect, fault: string): void {
  figures[dialect].faults_injected[fault] = (figures[dialect].faults_injected[fault] ?? 0) + 1;
}

/** An HTTP answer, from `app.inject` or from `fetch` to a server in another process. */
type Answer = { statusCode: number; headers: Record<string, unknown>; body: string; json(): unknown };

/** Asserts a storage fault's answer: 503, the code, a message naming the problem, a retry-after. */
function expectRefused(dialect: Dialect, answer: Answer, code: StorageFaultCode, names: RegExp): void {
  expect(answer.statusCode, answer.body).toBe(503);
  expect(answer.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
  const body = answer.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(names);
  figures[dialect].requests_refused[code] = (figures[dialect].requests_refused[code] ?? 0) + 1;
}

type Ledger = { movements: number; onHand: Record<string, number>; sums: Record<string, number>; keys: number };

/** The ledger as stored: movement and idempotency-key counts, each balance and the sum of its movements. */
async function readLedger(database: Database): Promise<Ledger> {
  const db = database.db;
  const balances = await db.selectFrom('balances').select(['item_id', 'location_id', 'on_hand_milli']).execute();
  const sums = await db
    .selectFrom('movements')
    .select((eb) => ['item_id', 'location_id', eb.fn.sum<number>('quantity_milli').as('total')])
    .groupBy(['item_id', 'location_id'])
    .execute();
  const movements = await db
    .selectFrom('movements')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const keys = await db
    .selectFrom('idempotency_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const byPlace = <T extends { item_id: number; location_id: number }>(rows: T[], value: (row: T) => number) =>
    Object.fromEntries(rows.map((row) => [`${row.item_id}@${row.location_id}`, Number(value(row))]));
  return {
    movements: Number(movements?.n),
    onHand: byPlace(balances, (row) => row.on_hand_milli),
    sums: byPlace(sums, (row) => row.total),
    keys: Number(keys?.n),
  };
}

/** Counts accepted movements missing from the ledger (the figure must stay 0), then asserts none is missing or extra. */
function expectMovements(dialect: Dialect, stored: number, accepted: number): void {
  figures[dialect].rows_lost += Math.max(0, accepted - stored);
  expect(stored).toBe(accepted);
}

/** Balances equal the sums of their movements; on SQLite the file also passes integrity_check. */
async function expectConsistent(dialect: Dialect, database: Database): Promise<Ledger> {
  const ledger = await readLedger(database);
  expect(ledger.onHand).toEqual(ledger.sums);
  if (database.sqlite) {
    expect(database.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    figures[dialect].sqlite_integrity_checks++;
  }
  return ledger;
}

const receipt = (quantity: number, reference?: string) => ({
  type: 'receipt',
  sku: 'BOLT',
  location: 'MAIN',
  quantity,
  ...(reference !== undefined && { reference }),
});

describe('storage faults on SQLite', () => {
  let dir: string;
  let database: Database;
  let app: FastifyInstance;
  const post = (payload: object, key?: string) =>
    app.inject({
      method: 'POST',
      url: MOVEMENTS,
      payload,
      ...(key !== undefined && { headers: { 'idempotency-key': key } }),
    });
  const stock = () => app.inject({ method: 'GET', url: '/api/v1/stock?sku=BOLT' });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-storage-faults-'));
    database = await openDatabase({ dialect: 'sqlite', path: join(dir, 'faults.db') });
    await seedCatalogue(database, { items: ['BOLT', 'NUT'], locations: ['MAIN', 'SPARE'] });
    app = await buildApp({ database, clock: () => NOW, simulationThreads: 0 });
  });

  afterEach(async () => {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a full disk refuses writes with 503 LS_STORAGE_FULL, loses nothing, and writes resume once space returns', async () => {
    const sqlite = database.sqlite!;
    const pageCount = sqlite.pragma('page_count', { simple: true }) as number;
    // The file may grow by a few pages only: the next page it needs is "no space left".
    sqlite.pragma(`max_page_count = ${pageCount + 8}`);
    injected('sqlite', 'full disk (max_page_count)');

    let accepted = 0;
    let acceptedMilli = 0;
    let refused: LightMyRequestResponse | undefined;
    for (let n = 1; n <= 2_000 && !refused; n++) {
      const answer = await post(receipt(n, `delivery note ${n} ${'x'.repeat(400)}`));
      if (answer.statusCode === 201) {
        accepted++;
        acceptedMilli += n * 1000;
      } else refused = answer;
    }
    expect(accepted).toBeGreaterThan(0);
    expect(refused, 'the disk never filled').toBeDefined();
    expectRefused('sqlite', refused!, 'LS_STORAGE_FULL', /disk is full.*nothing was written/);

    // Exactly the accepted movements are stored: the refused one left no movement and no balance change.
    const full = await expectConsistent('sqlite', database);
    expect(full.movements).toBe(accepted);
    expect(Object.values(full.onHand)).toEqual([acceptedMilli]);

    // While full, reads answer and every kind of write is refused without a trace.
    expect((await stock()).statusCode).toBe(200);
    expectRefused('sqlite', await post(receipt(1, 'x'.repeat(500)), 'retry-me'), 'LS_STORAGE_FULL', /disk is full/);
    expectRefused(
      'sqlite',
      await app.inject({
        method: 'POST',
        url: `${MOVEMENTS}/batch`,
        payload: { movements: [receipt(2, 'x'.repeat(500)), receipt(3, 'x'.repeat(500))] },
      }),
      'LS_STORAGE_FULL',
      /disk is full/,
    );
    expect(await expectConsistent('sqlite', database)).toEqual(full);

    // Space returns: the same request with the same key lands once, and its retry answers the stored result.
    sqlite.pragma('max_page_count = 1073741823');
    const first = await post(receipt(1, 'x'.repeat(500)), 'retry-me');
    const retried = await post(receipt(1, 'x'.repeat(500)), 'retry-me');
    expect(first.statusCode, first.body).toBe(201);
    expect(retried.json()).toEqual(first.json());
    figures.sqlite.requests_accepted_after_recovery += 2;
    const recovered = await expectConsistent('sqlite', database);
    expectMovements('sqlite', recovered.movements, accepted + 1);
    expect(recovered.keys).toBe(full.keys + 1);
    expect(Object.values(recovered.onHand)).toEqual([acceptedMilli + 1000]);
  });

  it('a read-only database refuses writes with 503 LS_READ_ONLY while reads go on, until it is writable again', async () => {
    expect((await post(receipt(5))).statusCode).toBe(201);
    const before = await expectConsistent('sqlite', database);

    database.sqlite!.pragma('query_only = ON');
    injected('sqlite', 'read-only (query_only)');
    expectRefused('sqlite', await post(receipt(7), 'ro-key'), 'LS_READ_ONLY', /read-only.*nothing was written/);
    expectRefused(
      'sqlite',
      await app.inject({
        method: 'POST',
        url: '/api/v1/items',
        payload: { sku: 'WASHER', name: 'Washer', unit: 'pcs' },
      }),
      'LS_READ_ONLY',
      /read-only/,
    );
    const read = await stock();
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ data: [{ sku: 'BOLT', location: 'MAIN', on_hand: 5 }] });
    expect(await expectConsistent('sqlite', database)).toEqual(before);

    database.sqlite!.pragma('query_only = OFF');
    const after = await post(receipt(7), 'ro-key');
    expect(after.statusCode, after.body).toBe(201);
    expect(after.json()).toMatchObject({ balance: { on_hand: 12 } });
    figures.sqlite.requests_accepted_after_recovery++;
    expectMovements('sqlite', (await expectConsistent('sqlite', database)).movements, before.movements + 1);
  });

  it('a database file opened read-only refuses writes with 503 LS_READ_ONLY and still reads', async () => {
    expect((await post(receipt(5))).statusCode).toBe(201);
    const readOnly = new BetterSqlite3(join(dir, 'faults.db'), { readonly: true, fileMustExist: true });
    const replica: Database = {
      dialect: 'sqlite',
      db: new Kysely<Schema>({ dialect: new SqliteDialect({ database: readOnly }) }),
      sqlite: readOnly,
      describe: 'SQLite read-only',
      close: async () => {},
    };
    const readOnlyApp = await buildApp({ database: replica, clock: () => NOW, simulationThreads: 0 });
    try {
      injected('sqlite', 'read-only open');
      expectRefused(
        'sqlite',
        await readOnlyApp.inject({ method: 'POST', url: MOVEMENTS, payload: receipt(1) }),
        'LS_READ_ONLY',
        /read-only/,
      );
      const read = await readOnlyApp.inject({ method: 'GET', url: '/api/v1/stock?sku=BOLT' });
      expect(read.json()).toMatchObject({ data: [{ sku: 'BOLT', on_hand: 5 }] });
    } finally {
      await readOnlyApp.close();
      await replica.db.destroy();
    }
    expectMovements('sqlite', (await expectConsistent('sqlite', database)).movements, 1);
  });

  it('a writer holding the lock past the busy timeout gives 503 LS_BUSY; reads go on and writes resume when it ends', async () => {
    const other = new BetterSqlite3(join(dir, 'faults.db'));
    try {
      database.sqlite!.pragma('busy_timeout = 20');
      other.exec('BEGIN IMMEDIATE');
      injected('sqlite', 'lock held past the busy timeout');
      expectRefused('sqlite', await post(receipt(3)), 'LS_BUSY', /locked by another writer/);
      expect((await stock()).statusCode).toBe(200);
      other.exec('ROLLBACK');
      expect((await post(receipt(3))).statusCode).toBe(201);
      figures.sqlite.requests_accepted_after_recovery++;
    } finally {
      other.close();
    }
    expectMovements('sqlite', (await expectConsistent('sqlite', database)).movements, 1);
  });

  it('the event dispatcher and the scheduler report storage faults, keep running and catch up once writable', async () => {
    const receiver: WebhookReceiver = await startWebhookReceiver(() => 204);
    const errors = { dispatcher: [] as unknown[], scheduler: [] as unknown[] };
    const dispatched: number[] = [];
    let ticks = 0;
    let notify = () => {};
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise<void>((resolve) => (notify = resolve));
    };
    const onError = (loop: keyof typeof errors) => (error: unknown) => {
      errors[loop].push(error);
      notify();
    };
    await createWebhook(database, { url: receiver.url, events: ['movement.posted'] }, { actor: 'tester', now: NOW });
    expect((await post(receipt(4))).statusCode).toBe(201);

    database.sqlite!.pragma('query_only = ON');
    injected('sqlite', 'read-only under the dispatcher and scheduler');
    const dispatcher = startEventDispatcher(database, {
      intervalMs: 10,
      clock: () => NOW,
      onError: onError('dispatcher'),
      onReport: (report) => {
        dispatched.push(report.delivered);
        notify();
      },
    });
    const scheduler = startScheduler(database, {
      intervalMs: 10,
      clock: () => NOW,
      onError: onError('scheduler'),
      onTick: () => {
        ticks++;
        notify();
      },
    });
    try {
      // Both loops fail more than once (they go on after a failure) and deliver nothing meanwhile.
      await until(() => errors.dispatcher.length >= 2 && errors.scheduler.length >= 2);
      for (const error of [...errors.dispatcher, ...errors.scheduler]) {
        expect((error as { code?: string }).code).toBe('SQLITE_READONLY');
      }
      expect(ticks).toBe(0);
      expect(receiver.requests).toHaveLength(0);

      database.sqlite!.pragma('query_only = OFF');
      await until(() => dispatched.some((delivered) => delivered > 0) && ticks > 0);
      expect(receiver.requests).toHaveLength(1);
      expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ type: 'movement.posted' });
    } finally {
      await dispatcher.stop();
      await scheduler.stop();
      await receiver.close();
    }
  });

  it('the CLI prints the storage fault and its cause, not a stack trace', async () => {
    const blocked = join(dir, 'not-a-directory');
    writeFileSync(blocked, '');
    const cli = cliRunner({ db: join(blocked, 'leanstock.db'), now: NOW });
    injected('sqlite', 'database file cannot be opened');
    const result = await cli('move', 'receipt', 'BOLT', 'MAIN', '1');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error LS_STORAGE_ERROR: the database file could not be opened, read or written; check its disk and path, then retry (SQLITE_CANTOPEN)\n',
    );
  });
});

// A real full disk needs a mount: a small tmpfs in a private mount namespace (root only), which ends with the
// server's shell, so nothing stays mounted whatever happens to the test.
const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', 'true']).status === 0;

describe.skipIf(!canMount)(`a real full disk${canMount ? '' : ' [skipped: needs root and unshare --mount]'}`, () => {
  it('the server answers 503 LS_STORAGE_FULL on ENOSPC, logs a warning, loses nothing and writes once space returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leanstock-full-disk-'));
    const root = join(import.meta.dirname, '..', '..');
    const mainModule = pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href;
    const serve = `import { main } from '${mainModule}'; process.exitCode = await main(process.argv);`;
    const check = `import Database from 'better-sqlite3';
      const db = new Database(process.argv[1] + '/full.db', { readonly: true });
      const one = (q) => db.prepare(q).get();
      console.log('CHECK ' + JSON.stringify({
        integrity: one('PRAGMA integrity_check').integrity_check,
        movements: one('SELECT count(*) AS n FROM movements').n,
        keys: one('SELECT count(*) AS n FROM idempotency_keys').n,
        on_hand: one('SELECT sum(on_hand_milli) AS n FROM balances').n,
        ledger: one('SELECT sum(quantity_milli) AS n FROM movements').n,
        mismatched: one('SELECT count(*) AS n FROM balances b WHERE on_hand_milli <> (SELECT coalesce(sum(quantity_milli), 0) FROM movements m WHERE m.item_id = b.item_id AND m.location_id = b.location_id)').n,
      }));`;
    const script = [
      'set -e',
      'mount -t tmpfs -o size=64m tmpfs "$DIR"',
      'node --import tsx --input-type=module -e "$SERVE" leanstock serve --db "$DIR/full.db" --port 0 &',
      'echo "SERVER $!"',
      'wait $! || true',
      'node --input-type=module -e "$CHECK" "$DIR"',
    ].join('\n');
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
      cwd: root,
      env: { ...process.env, DIR: dir, SERVE: serve, CHECK: check, LOG_LEVEL: 'warn', LEANSTOCK_SCHEDULER: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let notify = () => {};
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      notify();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      notify();
    });
    child.on('exit', () => notify());
    const awaitOutput = async (pattern: RegExp, from: () => string): Promise<RegExpMatchArray> => {
      for (;;) {
        const found = from().match(pattern);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`the server ended: ${stderr}`);
        await new Promise<void>((resolve) => (notify = resolve));
      }
    };
    const inNamespace = (command: string) =>
      execFileSync('nsenter', ['-t', String(child.pid), '-m', 'sh', '-c', command], {
        env: { ...process.env, DIR: dir },
      })
        .toString()
        .trim();
    let serverPid: number | undefined;
    try {
      const base = (await awaitOutput(/API +(http:\/\/\S+)\/api\/v1/, () => stderr))[1]!;
      serverPid = Number((await awaitOutput(/SERVER (\d+)/, () => stdout))[1]);
      const call = async (method: string, path: string, body?: object, key?: string) => {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: {
            ...(body && { 'content-type': 'application/json' }),
            ...(key && { 'idempotency-key': key }),
          },
          ...(body && { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        const answer: Answer = {
          statusCode: response.status,
          headers: Object.fromEntries(response.headers),
          body: text,
          json: () => JSON.parse(text),
        };
        return answer;
      };
      expect((await call('POST', '/api/v1/items', { sku: 'BOLT', name: 'Bolt', unit: 'pcs' })).statusCode).toBe(201);
      expect((await call('POST', '/api/v1/locations', { code: 'MAIN', name: 'Main' })).statusCode).toBe(201);

      // Leave the file system a little room beyond what the database and its WAL already use.
      const used = Number(inNamespace('df --output=used -B1 "$DIR" | tail -1'));
      inNamespace(`mount -o remount,size=${used + 256 * 1024} "$DIR"`);
      injected('sqlite', 'real full disk (ENOSPC on tmpfs)');

      let accepted = 0;
      let refused: Answer | undefined;
      for (let n = 1; n <= 2_000 && !refused; n++) {
        const answer = await call('POST', MOVEMENTS, receipt(1, `delivery note ${n} ${'x'.repeat(400)}`));
        if (answer.statusCode === 201) accepted++;
        else refused = answer;
      }
      expect(refused, 'the disk never filled').toBeDefined();
      expectRefused('sqlite', refused!, 'LS_STORAGE_FULL', /disk is full.*nothing was written/);
      expectRefused(
        'sqlite',
        await call('POST', MOVEMENTS, receipt(1, 'x'.repeat(500)), 'after-full'),
        'LS_STORAGE_FULL',
        /disk is full/,
      );
      const reading = await call('GET', '/api/v1/stock?sku=BOLT');
      expect(reading.statusCode).toBe(200);
      expect(reading.json()).toMatchObject({ data: [{ on_hand: accepted }] });

      inNamespace('mount -o remount,size=64m "$DIR"');
      const first = await call('POST', MOVEMENTS, receipt(1, 'x'.repeat(500)), 'after-full');
      expect(first.statusCode, first.body).toBe(201);
      expect((await call('POST', MOVEMENTS, receipt(1, 'x'.repeat(500)), 'after-full')).json()).toEqual(first.json());
      figures.sqlite.requests_accepted_after_recovery += 2;

      process.kill(serverPid, 'SIGTERM');
      serverPid = undefined;
      const checked = JSON.parse((await awaitOutput(/CHECK (.*)/, () => stdout))[1]!);
      expectMovements('sqlite', checked.movements, accepted + 1);
      expect(checked).toEqual({
        integrity: 'ok',
        movements: accepted + 1,
        keys: 1,
        on_hand: (accepted + 1) * 1000,
        ledger: (accepted + 1) * 1000,
        mismatched: 0,
      });
      figures.sqlite.sqlite_integrity_checks++;
      // The refused requests were logged as warnings naming the fault, none as an internal error.
      const logged = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; code?: string; reqId?: string });
      expect(logged.filter((line) => line.msg === 'storage fault' && line.level === 40)).toHaveLength(2);
      expect(logged.filter((line) => line.level >= 50 && line.reqId !== undefined)).toEqual([]);
      expect(await exited).toBe(0);
    } finally {
      if (serverPid !== undefined) process.kill(serverPid, 'SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const pgUrl = testPostgresUrl();

describe.skipIf(!pgUrl)(`storage faults on PostgreSQL${pgUrl ? '' : ' [skipped, set LEANSTOCK_TEST_PG_URL]'}`, () => {
  // A database of its own: making it read-only must not touch the shared test database.
  const name = `leanstock_faults_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const url = (() => {
    const parsed = new URL(pgUrl ?? 'postgres://localhost/test');
    parsed.pathname = `/${name}`;
    return parsed.toString();
  })();
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  /** Sets the database's default for new sessions and ends the open ones, as a failover to a standby would. */
  const setReadOnly = (on: boolean) =>
    admin(async (client) => {
      await client.query(
        on
          ? `ALTER DATABASE ${name} SET default_transaction_read_only = on`
          : `ALTER DATABASE ${name} RESET default_transaction_read_only`,
      );
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      while ((await client.query('SELECT 1 FROM pg_stat_activity WHERE datname = $1', [name])).rowCount! > 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
  let database: Database;
  let app: FastifyInstance;

  beforeEach(async () => {
    await admin((client) => client.query(`CREATE DATABASE ${name}`));
    database = await openDatabase({ dialect: 'postgres', url, poolSize: 3 });
    await seedCatalogue(database, { items: ['BOLT', 'NUT'], locations: ['MAIN', 'SPARE'] });
    app = await buildApp({ database, clock: () => NOW, simulationThreads: 0 });
  });

  afterEach(async () => {
    await app?.close();
    await database?.close();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  it('a read-only database refuses writes with 503 LS_READ_ONLY while reads go on, until it is writable again', async () => {
    const post = (payload: object, key: string) =>
      app.inject({ method: 'POST', url: MOVEMENTS, payload, headers: { 'idempotency-key': key } });
    expect((await post(receipt(5), 'first')).statusCode).toBe(201);
    const before = await expectConsistent('postgres', database);

    await setReadOnly(true);
    injected('postgres', 'read-only database (default_transaction_read_only), sessions ended');
    // A pooled connection whose session was ended fails once (503 LS_UNAVAILABLE, the pool then drops it);
    // the connections opened after it are read-only.
    let answer = await post(receipt(7), 'during');
    for (let attempt = 0; answer.json().error?.code === 'LS_UNAVAILABLE' && attempt < 3; attempt++) {
      expectRefused('postgres', answer, 'LS_UNAVAILABLE', /unavailable/);
      answer = await post(receipt(7), 'during');
    }
    expectRefused('postgres', answer, 'LS_READ_ONLY', /read-only.*nothing was written/);
    const read = await app.inject({ method: 'GET', url: '/api/v1/stock?sku=BOLT' });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ data: [{ sku: 'BOLT', location: 'MAIN', on_hand: 5 }] });
    expect(await expectConsistent('postgres', database)).toEqual(before);

    const cli = cliRunner({ db: url, now: NOW });
    const refused = await cli('move', 'receipt', 'BOLT', 'MAIN', '1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error LS_READ_ONLY: the database is read-only.*\(25006\)\n$/);

    await setReadOnly(false);
    let after = await post(receipt(7), 'during');
    for (let attempt = 0; after.json().error?.code === 'LS_UNAVAILABLE' && attempt < 3; attempt++) {
      expectRefused('postgres', after, 'LS_UNAVAILABLE', /unavailable/);
      after = await post(receipt(7), 'during');
    }
    expect(after.statusCode, after.body).toBe(201);
    expect(after.json()).toMatchObject({ balance: { on_hand: 12 } });
    expect((await post(receipt(7), 'during')).json()).toEqual(after.json());
    figures.postgres.requests_accepted_after_recovery += 2;
    const recovered = await expectConsistent('postgres', database);
    expectMovements('postgres', recovered.movements, before.movements + 1);
    expect(recovered.keys).toBe(before.keys + 1);
  });
});

describe('an unreachable PostgreSQL server', () => {
  // Nothing listens on port 1: every connection is refused, as when the server is down.
  const url = 'postgres://postgres@127.0.0.1:1/leanstock';

  it('answers 503 LS_UNAVAILABLE from the API and the CLI names the fault', async () => {
    const database = await openDatabase({ dialect: 'postgres', url, poolSize: 1 }, { migrate: false });
    const app = await buildApp({ database, clock: () => NOW, simulationThreads: 0 });
    try {
      injected('postgres', 'server unreachable');
      expectRefused(
        'postgres',
        await app.inject({ method: 'GET', url: '/api/v1/stock' }),
        'LS_UNAVAILABLE',
        /database is unavailable/,
      );
      expectRefused(
        'postgres',
        await app.inject({ method: 'POST', url: MOVEMENTS, payload: receipt(1) }),
        'LS_UNAVAILABLE',
        /database is unavailable/,
      );
    } finally {
      await app.close();
      await database.close();
    }
    const result = await cliRunner({ db: url, now: NOW })('stock');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error LS_UNAVAILABLE: the database is unavailable .*\(ECONNREFUSED\)\n$/);
  });
});

afterAll(() => {
  // Figures for docs/reliability.md, beside the benchmark results (gitignored); a dialect that did not run writes none.
  const results = join(import.meta.dirname, '..', '..', 'bench', 'results');
  mkdirSync(results, { recursive: true });
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const measured = figures[dialect];
    if (Object.keys(measured.faults_injected).length === 0) continue;
    const record = {
      scenario: 'storage-faults',
      dialect,
      ...measured,
      node: process.version,
      measured_at: new Date().toISOString(),
    };
    writeFileSync(join(results, `reliability-storage-faults-${dialect}.json`), `${JSON.stringify(record, null, 2)}\n`);
    const refused = Object.entries(measured.requests_refused).map(([code, count]) => `${count} ${code}`);
    console.log(
      `reliability storage-faults [${dialect}]: ${Object.values(measured.faults_injected).reduce((a, b) => a + b, 0)} faults injected; ` +
        `refused ${refused.join(', ')}; ${measured.requests_accepted_after_recovery} writes accepted after recovery; rows lost ${measured.rows_lost}`,
    );
  }
});

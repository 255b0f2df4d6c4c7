import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { postMovements } from '../src/services/ledger.service.js';
import { type Database, openDatabase } from '../src/store/database.js';
import { seedBenchCatalogue } from './support/catalogue.js';
import { round } from './support/environment.js';
import { rawMovement, type Workload } from './support/workload.js';

export const INGEST_TARGET_RATIO = 0.5;

export type Measurement = { seconds: number; per_second: number };

export type IngestResult =
  | {
      dialect: 'sqlite' | 'postgres';
      movements: number;
      items: number;
      locations: number;
      batch_size: number;
      service: Measurement;
      raw: Measurement & { method: string };
      ratio: number;
      target_ratio: number;
      met: boolean;
      check: { movements: number; ledger_sum_milli: number; balance_sum_milli: number; ok: boolean };
    }
  | { dialect: 'postgres'; skipped: string };

const NOW = Date.UTC(2026, 5, 1, 12);

const INSERT_COLUMNS = `type, item_id, location_id, quantity_milli, counted_milli, occurred_at, recorded_at, reason,
  reference, actor, idempotency_key, transfer_id, reverses_id`;

type Ids = { itemIds: number[]; locationIds: number[] };

/** The same row the service writes for movement `i`, as positional values of INSERT_COLUMNS. */
function rowValues(workload: Workload, ids: Ids, i: number): unknown[] {
  const change = workload.changeMilli[i]!;
  return [
    change > 0 ? 'receipt' : 'issue',
    ids.itemIds[workload.itemIndex[i]!],
    ids.locationIds[workload.locationIndex[i]!],
    change,
    null,
    NOW,
    NOW,
    null,
    change > 0 ? `PO-${1000 + (i % 9000)}` : `WO-${1000 + (i % 9000)}`,
    'bench',
    null,
    null,
    null,
  ];
}

/** Posts the workload through `postMovements` in batches; only the calls are timed. */
async function ingestThroughService(database: Database, workload: Workload, batchSize: number): Promise<Measurement> {
  let elapsed = 0;
  for (let start = 0; start < workload.count; start += batchSize) {
    const end = Math.min(workload.count, start + batchSize);
    const raws = new Array<unknown>(end - start);
    for (let i = start; i < end; i++) raws[i - start] = rawMovement(workload, i);
    const began = performance.now();
    await postMovements(database, raws, { actor: 'bench', now: NOW });
    elapsed += performance.now() - began;
  }
  return measurement(workload.count, elapsed);
}

async function checkLedger(database: Database) {
  const [counts] = await database.db
    .selectFrom('movements')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('quantity_milli').as('total')])
    .execute();
  const [balances] = await database.db
    .selectFrom('balances')
    .select((eb) => eb.fn.sum<number>('on_hand_milli').as('total'))
    .execute();
  return {
    movements: Number(counts!.n),
    ledger_sum_milli: Number(counts!.total),
    balance_sum_milli: Number(balances!.total),
  };
}

export async function benchSqliteIngest(workload: Workload, batchSize: number): Promise<IngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'leanstock-bench-'));
  try {
    // Raw baseline: better-sqlite3, one prepared INSERT, 10k-row transactions, same schema and pragmas.
    const rawDb = await openDatabase({ dialect: 'sqlite', path: join(dir, 'raw.db') });
    const rawIds = await seedBenchCatalogue(rawDb, workload.skus, workload.locations, NOW);
    const sqlite = rawDb.sqlite!;
    const insert = sqlite.prepare(
      `INSERT INTO movements (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertAll = sqlite.transaction((rows: unknown[][]) => {
      for (const r of rows) insert.run(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12]);
    });
    let rawElapsed = 0;
    for (let start = 0; start < workload.count; start += batchSize) {
      const end = Math.min(workload.count, start + batchSize);
      const rows: unknown[][] = [];
      for (let i = start; i < end; i++) rows.push(rowValues(workload, rawIds, i));
      const began = performance.now();
      insertAll(rows);
      rawElapsed += performance.now() - began;
    }
    await rawDb.close();

    const database = await openDatabase({ dialect: 'sqlite', path: join(dir, 'service.db') });
    await seedBenchCatalogue(database, workload.skus, workload.locations, NOW);
    const service = await ingestThroughService(database, workload, batchSize);
    const check = await checkLedger(database);
    await database.close();
    return result(
      'sqlite',
      workload,
      batchSize,
      service,
      {
        ...measurement(workload.count, rawElapsed),
        method: `better-sqlite3 prepared INSERT, ${batchSize}-row transactions`,
      },
      check,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows per multi-row INSERT statement for the raw pg baseline (13 columns × 5,000 stays below 65,535 parameters). */
const PG_ROWS_PER_STATEMENT = 5000;

export async function benchPostgresIngest(workload: Workload, batchSize: number, url: string): Promise<IngestResult> {
  const reason = await unreachable(url);
  if (reason) return { dialect: 'postgres', skipped: `PostgreSQL at ${redact(url)} unreachable: ${reason}` };
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const schemas = [`bench_raw_${suffix}`, `bench_service_${suffix}`];
  await admin(url, schemas.map((s) => `CREATE SCHEMA ${s}`).join('; '));
  try {
    // Raw baseline: pg multi-row INSERTs with bound parameters, batchSize rows per transaction.
    const rawDb = await openDatabase({ dialect: 'postgres', url, schema: schemas[0]! });
    const rawIds = await seedBenchCatalogue(rawDb, workload.skus, workload.locations, NOW);
    await rawDb.close();
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schemas[0]}` });
    await client.connect();
    let rawElapsed = 0;
    for (let start = 0; start < workload.count; start += batchSize) {
      const end = Math.min(workload.count, start + batchSize);
      const statements: Array<{ text: string; values: unknown[] }> = [];
      for (let from = start; from < end; from += PG_ROWS_PER_STATEMENT) {
        const to = Math.min(end, from + PG_ROWS_PER_STATEMENT);
        const values: unknown[] = [];
        const tuples: string[] = [];
        for (let i = from; i < to; i++) {
          const row = rowValues(workload, rawIds, i);
          const base = values.length;
          tuples.push(`(${row.map((_, c) => `$${base + c + 1}`).join(', ')})`);
          values.push(...row);
        }
        statements.push({ text: `INSERT INTO movements (${INSERT_COLUMNS}) VALUES ${tuples.join(', ')}`, values });
      }
      const began = performance.now();
      await client.query('BEGIN');
      for (const statement of statements) await client.query(statement);
      await client.query('COMMIT');
      rawElapsed += performance.now() - began;
    }
    await client.end();

    const database = await openDatabase({ dialect: 'postgres', url, schema: schemas[1]! });
    await seedBenchCatalogue(database, workload.skus, workload.locations, NOW);
    const service = await ingestThroughService(database, workload, batchSize);
    const check = await checkLedger(database);
    await database.close();
    return result(
      'postgres',
      workload,
      batchSize,
      service,
      {
        ...measurement(workload.count, rawElapsed),
        method: `pg multi-row INSERT (${PG_ROWS_PER_STATEMENT} rows per statement), ${batchSize}-row transactions`,
      },
      check,
    );
  } finally {
    await admin(url, schemas.map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE`).join('; ')).catch(() => {});
  }
}

function result(
  dialect: 'sqlite' | 'postgres',
  workload: Workload,
  batchSize: number,
  service: Measurement,
  raw: Measurement & { method: string },
  check: { movements: number; ledger_sum_milli: number; balance_sum_milli: number },
): IngestResult {
  const expectedSum = workload.changeMilli.reduce((sum, change) => sum + change, 0);
  const ratio = round(service.per_second / raw.per_second, 3);
  return {
    dialect,
    movements: workload.count,
    items: workload.skus.length,
    locations: workload.locations.length,
    batch_size: batchSize,
    service,
    raw,
    ratio,
    target_ratio: INGEST_TARGET_RATIO,
    met: ratio >= INGEST_TARGET_RATIO,
    check: {
      ...check,
      ok:
        check.movements === workload.count &&
        check.ledger_sum_milli === expectedSum &&
        check.balance_sum_milli === expectedSum,
    },
  };
}

function measurement(count: number, elapsedMs: number): Measurement {
  return { seconds: round(elapsedMs / 1000, 3), per_second: Math.round(count / (elapsedMs / 1000)) };
}

async function unreachable(url: string): Promise<string | undefined> {
  try {
    await admin(url, 'SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  }
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

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

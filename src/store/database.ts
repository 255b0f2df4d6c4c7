import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect.js';
import { migrateToLatest } from './migrations/index.js';
import type { Schema } from './schema.js';

export type { Dialect } from './dialect.js';

export type DatabaseConfig =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; url: string; schema?: string; poolSize?: number };

/** A transaction (or, outside one, the database) as the repositories see it. */
export type Tx = Kysely<Schema>;

export type Database = {
  dialect: Dialect;
  db: Kysely<Schema>;
  /** The raw SQLite handle, for prepared statements on the hot path; absent on PostgreSQL. */
  sqlite: BetterSqlite3.Database | undefined;
  describe: string;
  close(): Promise<void>;
};

// BIGINT and COUNT(*) come back from pg as strings; every value we store fits a double exactly.
pg.types.setTypeParser(20, (value) => Number(value));

/** Reads `DATABASE_URL` (PostgreSQL) or `LEANSTOCK_DB` (SQLite file, default ./leanstock.db). */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env['DATABASE_URL'];
  if (url && /^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  return { dialect: 'sqlite', path: env['LEANSTOCK_DB'] || './leanstock.db' };
}

/** Opens the database and, unless told otherwise, migrates it to the latest schema. */
export async function openDatabase(config: DatabaseConfig, options: { migrate?: boolean } = {}): Promise<Database> {
  const database = config.dialect === 'sqlite' ? openSqlite(config.path) : openPostgres(config);
  if (options.migrate !== false) {
    try {
      await migrateToLatest(database.db as Kysely<unknown>, database.dialect);
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

function openSqlite(path: string): Database {
  const sqlite = new BetterSqlite3(path, { timeout: 15_000 });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    dialect: 'sqlite',
    db,
    sqlite,
    describe: `SQLite ${path}`,
    close: () => db.destroy(),
  };
}

function openPostgres(config: { url: string; schema?: string; poolSize?: number }): Database {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize ?? 10,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  // A client that loses its server (restart, pg_terminate_backend, network) must not crash the process.
  // The pool listens only while a client is idle; a checked-out client between two queries of a
  // transaction emits 'error' with nobody listening, so every client gets its own listener. Its next
  // query then fails, the request with it, and the pool drops the client on release.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    db,
    sqlite: undefined,
    describe: `PostgreSQL ${redactUrl(config.url)}${config.schema ? ` (schema ${config.schema})` : ''}`,
    close: () => db.destroy(),
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

const RETRYABLE_PG_CODES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

/**
 * Runs `work` as one write transaction: `BEGIN IMMEDIATE` on SQLite (one writer, no upgrade
 * deadlocks between processes), READ COMMITTED with row locks on PostgreSQL. Serialization
 * failures and deadlocks are retried, so `work` must have no effects outside the transaction.
 */
export async function writeTransaction<T>(database: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (database.dialect === 'postgres') {
    for (let attempt = 1; ; attempt++) {
      try {
        return await database.db.transaction().execute(work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE_PG_CODES.has((error as { code?: string }).code ?? '')) throw error;
        await delay(Math.random() * 5 * attempt);
      }
    }
  }
  return database.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      if (database.sqlite?.inTransaction) await sql`rollback`.execute(connection);
      throw error;
    }
  });
}

/** Runs `work` with a consistent snapshot for reads that span several queries. */
export async function readTransaction<T>(database: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (database.dialect === 'postgres') {
    return database.db.transaction().setIsolationLevel('repeatable read').execute(work);
  }
  return database.db.connection().execute(async (connection) => {
    await sql`begin`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      if (database.sqlite?.inTransaction) await sql`rollback`.execute(connection);
      throw error;
    }
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

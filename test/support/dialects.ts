import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe } from 'vitest';
import { type Database, type DatabaseConfig, type Dialect, openDatabase } from '../../src/store/database.js';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** PostgreSQL runs when LEANSTOCK_TEST_PG_URL is set, and always in CI (where an unreachable server fails the run). */
export function testPostgresUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env['LEANSTOCK_TEST_PG_URL'] || (env['CI'] === 'true' ? DEFAULT_TEST_PG_URL : undefined);
}

export type ScratchDatabase = { config: DatabaseConfig; drop(): Promise<void> };

/** A new empty database: a temporary SQLite file, or a fresh schema in the test PostgreSQL database. */
export async function createScratchDatabase(dialect: Dialect): Promise<ScratchDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'leanstock-test-'));
    return {
      config: { dialect: 'sqlite', path: join(dir, 'test.db') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = testPostgresUrl();
  if (!url) throw new Error('PostgreSQL tests need LEANSTOCK_TEST_PG_URL');
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await withAdmin(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
  return {
    config: { dialect: 'postgres', url, schema, poolSize: 5 },
    drop: () => withAdmin(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => {}),
  };
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export type DialectContext = {
  dialect: Dialect;
  /** The fresh, migrated database of the current test. */
  database(): Database;
};

/**
 * Runs the same suite on SQLite and on PostgreSQL, each test on a fresh migrated database. Without
 * PostgreSQL configured (and outside CI) the PostgreSQL half is reported as skipped.
 */
export function describeEachDialect(title: string, suite: (ctx: DialectContext) => void): void {
  const pgUrl = testPostgresUrl();
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const skip = dialect === 'postgres' && !pgUrl;
    describe.skipIf(skip)(`${title} [${dialect}${skip ? ': skipped, set LEANSTOCK_TEST_PG_URL' : ''}]`, () => {
      let current: Database | undefined;
      let scratch: ScratchDatabase | undefined;
      beforeEach(async () => {
        scratch = await createScratchDatabase(dialect);
        current = await openDatabase(scratch.config);
      });
      afterEach(async () => {
        await current?.close();
        await scratch?.drop();
        current = undefined;
      });
      afterAll(async () => {
        await current?.close();
      });
      suite({
        dialect,
        database: () => {
          if (!current) throw new Error('database() is only available inside a test');
          return current;
        },
      });
    });
  }
}

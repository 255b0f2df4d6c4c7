import { randomBytes } from 'node:crypto';
import type { DatabaseConfig, Dialect } from '../../../src/store/database.js';
import { createScratchDatabase } from '../../support/dialects.js';

/** A scratch database as a `serve` process reaches it (its environment) and as the test reads it (a config). */
export type ServerDatabase = {
  dialect: Dialect;
  /** `LEANSTOCK_DB` or `DATABASE_URL` for the server process. */
  env: Record<string, string>;
  /** The same database for the test process: seeding before the load, checks after it. */
  config: DatabaseConfig;
  /**
   * PostgreSQL: the `application_name` every connection of the server processes carries, so a test can
   * terminate their backends without touching anyone else's.
   */
  applicationName: string | undefined;
  drop(): Promise<void>;
};

/**
 * A new empty database for server processes: a SQLite file in its own temporary directory, or a schema of
 * its own in the test PostgreSQL database. `serve` only takes a URL, so the schema travels in the URL as
 * `options=-c search_path=…`, together with an `application_name` naming this database.
 */
export async function createServerDatabase(dialect: Dialect): Promise<ServerDatabase> {
  const scratch = await createScratchDatabase(dialect);
  const { config } = scratch;
  if (config.dialect === 'sqlite') {
    return { dialect, env: { LEANSTOCK_DB: config.path }, config, applicationName: undefined, drop: scratch.drop };
  }
  const applicationName = `leanstock-reliability-${randomBytes(4).toString('hex')}`;
  const url = new URL(config.url);
  url.searchParams.set('application_name', applicationName);
  url.searchParams.set('options', `-c search_path=${config.schema}`);
  return {
    dialect,
    env: { DATABASE_URL: url.toString() },
    config: { ...config, poolSize: 3 },
    applicationName,
    drop: scratch.drop,
  };
}

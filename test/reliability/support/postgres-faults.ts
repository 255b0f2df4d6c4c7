import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { testPostgresUrl } from '../../support/dialects.js';

const run = promisify(execFile);

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Terminates every backend whose connection carries `applicationName` (one server's pool, or one
 * test's), as a restart or a network cut would end them; other connections to the shared server are
 * left alone. Answers how many were terminated.
 */
export async function terminateBackends(applicationName: string): Promise<number> {
  return withAdmin(async (client) => {
    const { rows } = await client.query<{ done: boolean }>(
      'SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    return rows.filter((row) => row.done).length;
  });
}

/** Waits until no backend carries `applicationName` any more (terminated ones take a moment to exit). */
export async function waitForBackendsGone(applicationName: string): Promise<void> {
  for (;;) {
    const left = await withAdmin(async (client) => {
      const { rows } = await client.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [
        applicationName,
      ]);
      return rows.length;
    });
    if (left === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Restarts the local PostgreSQL cluster (`pg_ctlcluster … restart`, which returns once it accepts
 * connections again). The server is shared: this only runs in the full reliability suite, whose files
 * run one at a time. It first waits a little for other clients' statements in progress to finish.
 */
export async function restartPostgres(ownApplicationNames: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const busy = await withAdmin(async (client) => {
      const { rows } = await client.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()
            AND NOT (application_name = ANY($1))`,
        [ownApplicationNames],
      );
      return rows.length;
    });
    if (busy === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const [version] = readdirSync('/etc/postgresql');
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version!, 'main', 'restart']);
}

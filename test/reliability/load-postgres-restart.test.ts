import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { startEventDispatcher } from '../../src/services/events/dispatcher.js';
import { startScheduler } from '../../src/services/scheduler.js';
import { type Database, openDatabase } from '../../src/store/database.js';
import { testPostgresUrl } from '../support/dialects.js';
import { planMovements, seedLoadCatalogue } from './support/load-catalogue.js';
import { inspectLoad } from './support/load-inspection.js';
import { startMovementLoad } from './support/movement-load.js';
import { waitForOutboxRelayed } from './support/outbox-relay.js';
import { restartPostgres, terminateBackends, waitForBackendsGone } from './support/postgres-faults.js';
import { recordReliabilityFigures, reliabilityForm } from './support/reliability-figures.js';
import { createServerDatabase, type ServerDatabase } from './support/server-database.js';
import { killServerProcesses, startServerProcess } from './support/server-process.js';

/*
 * PostgreSQL goes away under a running server: the server must reconnect on its own. The full suite
 * restarts the (shared) cluster for real; the short form, which runs beside other test files, cuts only
 * the server's own connections with pg_terminate_backend, which is what a restart does to them.
 */

const form = reliabilityForm();
const SIZE = form === 'full' ? { clients: 16, movements: 20_000, cuts: 3 } : { clients: 8, movements: 2_000, cuts: 4 };
const TIMEOUT_MS = form === 'full' ? 1_800_000 : 120_000;

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!testPostgresUrl())('the PostgreSQL pool when connections are cut [postgres]', () => {
  const opened: Array<{ scratch: ServerDatabase; database: Database }> = [];
  async function open(): Promise<{ database: Database; applicationName: string }> {
    const scratch = await createServerDatabase('postgres');
    const database = await openDatabase({ dialect: 'postgres', url: scratch.env['DATABASE_URL']! });
    opened.push({ scratch, database });
    return { database, applicationName: scratch.applicationName! };
  }
  afterAll(async () => {
    for (const { scratch, database } of opened) {
      await database.close();
      await scratch.drop();
    }
  });

  it('a connection cut between two statements of a transaction fails that transaction, not the process, and the next one runs', async () => {
    const { database, applicationName } = await open();
    const transaction = database.db.transaction().execute(async (tx) => {
      await sql`select 1`.execute(tx);
      expect(await terminateBackends(applicationName)).toBe(1);
      await waitForBackendsGone(applicationName);
      // No statement runs while the server's goodbye arrives: the pool does not listen to a checked-out client.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await sql`select 2`.execute(tx);
    });
    await expect(transaction).rejects.toThrow(/not queryable|terminat/);
    const { rows } = await sql<{ n: number }>`select 3 as n`.execute(database.db);
    expect(rows).toEqual([{ n: 3 }]);
  });

  it('the scheduler and the event dispatcher keep ticking after their connections are cut again and again', async () => {
    const { database, applicationName } = await open();
    let ticks = 0;
    let reports = 0;
    let errors = 0;
    const scheduler = startScheduler(database, { intervalMs: 50, onTick: () => ticks++, onError: () => errors++ });
    const dispatcher = startEventDispatcher(database, {
      intervalMs: 50,
      onReport: () => reports++,
      onError: () => errors++,
    });
    try {
      let terminated = 0;
      for (let cut = 0; cut < 5; cut++) {
        const [t, r] = [ticks, reports];
        await until(() => ticks > t && reports > r, 'both loops ticked');
        terminated += await terminateBackends(applicationName);
      }
      expect(terminated).toBeGreaterThanOrEqual(5);
      const [t, r] = [ticks, reports];
      await until(() => ticks > t + 1 && reports > r + 1, 'both loops ticked twice after the last cut');
    } finally {
      await scheduler.stop();
      await dispatcher.stop();
    }
    console.log(`scheduler and dispatcher: ${ticks} ticks, ${reports} passes, ${errors} failed by the cuts`);
  });
});

describe.skipIf(!testPostgresUrl())('PostgreSQL lost under a loaded server [postgres]', () => {
  let database: ServerDatabase | undefined;
  afterAll(async () => {
    await killServerProcesses();
    await database?.drop();
  });

  const cut = form === 'full' ? `${SIZE.cuts} restarts of PostgreSQL` : `${SIZE.cuts} cuts of its connections`;
  it(
    `reconnects without a restart of its own across ${cut}, losing and doubling nothing`,
    async () => {
      database = await createServerDatabase('postgres');
      await seedLoadCatalogue(database.config);
      const server = await startServerProcess(database);
      const applicationName = database.applicationName!;
      const plan = planMovements({ prefix: 'pg-lost', clients: SIZE.clients, movements: SIZE.movements });
      const load = startMovementLoad({ plan, target: () => server.url });
      server.exited.then((how) => load.abort(new Error(`the server ended (${how}):\n${server.output()}`)));
      let terminated = 0;
      for (let round = 1; round <= SIZE.cuts; round++) {
        await load.whenAcknowledged(Math.floor((SIZE.movements * round) / (SIZE.cuts + 1)));
        if (form === 'full') await restartPostgres([applicationName]);
        else terminated += await terminateBackends(applicationName);
      }
      const report = await load.done;
      // The dispatcher loop went on after the last fault.
      const relayed = await waitForOutboxRelayed(database.config);
      await server.stop();
      const inspection = await inspectLoad(database.config, report, SIZE.movements);
      recordReliabilityFigures({
        scenario: 'postgres-restart',
        dialect: 'postgres',
        form,
        servers: 1,
        faults: form === 'full' ? { postgres_restarts: SIZE.cuts } : { backend_terminations: terminated },
        report,
        inspection,
      });

      expect(inspection.problems).toEqual([]);
      expect({ lost: inspection.lost, duplicates: inspection.duplicates }).toEqual({ lost: 0, duplicates: 0 });
      expect(relayed, 'the outbox is relayed after the faults').toBe(true);
      // Each cut found the server's pool connected again.
      if (form === 'short') expect(terminated).toBeGreaterThanOrEqual(SIZE.cuts);
      // A request caught on a cut connection is a storage fault (503, retried), never a 500.
      expect(Object.keys(report.failures).filter((kind) => kind !== '503')).toEqual([]);
      expect(inspection.dips).toBeGreaterThan(SIZE.movements / 50);
    },
    TIMEOUT_MS,
  );
});

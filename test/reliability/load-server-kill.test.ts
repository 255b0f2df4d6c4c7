import { afterAll, describe, expect, it } from 'vitest';
import { testPostgresUrl } from '../support/dialects.js';
import { planMovements, seedLoadCatalogue } from './support/load-catalogue.js';
import { inspectLoad } from './support/load-inspection.js';
import { startMovementLoad } from './support/movement-load.js';
import { waitForOutboxRelayed } from './support/outbox-relay.js';
import { recordReliabilityFigures, reliabilityForm } from './support/reliability-figures.js';
import { createServerDatabase, type ServerDatabase } from './support/server-database.js';
import { killServerProcesses, type ServerProcess, startServerProcess } from './support/server-process.js';

/*
 * A real `serve` process is killed with SIGKILL several times while clients post movements over HTTP,
 * and restarted on the same port. Clients retry every unanswered request with its Idempotency-Key until
 * it is answered, so a request the killed process had committed is answered from the idempotency store
 * instead of being posted twice. Items have reorder point policies, so the trigger drafts all along.
 */

const form = reliabilityForm();
const SIZE =
  form === 'full' ? { clients: 16, movements: 20_000, kills: 5 } : { clients: 8, movements: 2_000, kills: 2 };
const TIMEOUT_MS = form === 'full' ? 1_800_000 : 120_000;

for (const dialect of ['sqlite', 'postgres'] as const) {
  const skip = dialect === 'postgres' && !testPostgresUrl();
  describe.skipIf(skip)(`kill -9 of the server under load [${dialect}]`, () => {
    let database: ServerDatabase | undefined;
    afterAll(async () => {
      await killServerProcesses();
      await database?.drop();
    });

    it(
      `keeps every acknowledged movement exactly once, balances equal to the ledger and each dip ordered once across ${SIZE.kills} kills`,
      async () => {
        database = await createServerDatabase(dialect);
        await seedLoadCatalogue(database.config);
        let server = await startServerProcess(database);
        const plan = planMovements({ prefix: `kill-${dialect}`, clients: SIZE.clients, movements: SIZE.movements });
        const load = startMovementLoad({ plan, target: () => server.url });
        // A server that ends when it was not killed has crashed: the load stops there.
        const ended = new Set<ServerProcess>();
        const watch = (watched: ServerProcess) =>
          watched.exited.then((how) => {
            if (!ended.has(watched)) load.abort(new Error(`the server ended (${how}):\n${watched.output()}`));
          });
        watch(server);
        for (let kill = 1; kill <= SIZE.kills; kill++) {
          await load.whenAcknowledged(Math.floor((SIZE.movements * kill) / (SIZE.kills + 1)));
          ended.add(server);
          await server.kill();
          server = await startServerProcess(database, { port: server.port });
          watch(server);
        }
        const report = await load.done;
        // Events the killed processes committed are relayed by the last one.
        const relayed = await waitForOutboxRelayed(database.config);
        ended.add(server);
        await server.stop();
        const inspection = await inspectLoad(database.config, report, SIZE.movements);
        recordReliabilityFigures({
          scenario: 'kill-server',
          dialect,
          form,
          servers: 1,
          faults: { server_kills: SIZE.kills },
          report,
          inspection,
        });

        expect(inspection.problems).toEqual([]);
        expect({ lost: inspection.lost, duplicates: inspection.duplicates }).toEqual({ lost: 0, duplicates: 0 });
        expect(relayed, 'the outbox is relayed after the restarts').toBe(true);
        // Every kill cut requests in flight (each client always has one); no answer was a 500.
        expect(report.retries).toBeGreaterThanOrEqual(SIZE.kills);
        expect(report.failures).not.toHaveProperty('500');
        // The trigger drafted all through the load: about one dip per 25 movements of a pair.
        expect(inspection.dips).toBeGreaterThan(SIZE.movements / 50);
      },
      TIMEOUT_MS,
    );
  });
}

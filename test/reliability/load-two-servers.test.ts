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
 * Two `serve` processes on one PostgreSQL schema share the load: each client sends its requests to
 * the two in turn, so every item × location is moved by both processes at once. Every 25th request is
 * also sent to the other server at the same moment with the same key (a client that gave up waiting
 * on one and asked the other): both must answer the one movement. Nothing may be ordered twice for one
 * dip, and no update may be lost.
 */

const form = reliabilityForm();
const SIZE = form === 'full' ? { clients: 16, movements: 20_000 } : { clients: 8, movements: 2_000 };
const TIMEOUT_MS = form === 'full' ? 1_800_000 : 120_000;
const TWIN_EVERY = 25;

describe.skipIf(!testPostgresUrl())('two server processes on one PostgreSQL under load [postgres]', () => {
  let database: ServerDatabase | undefined;
  afterAll(async () => {
    await killServerProcesses();
    await database?.drop();
  });

  it(
    'orders each dip once and loses no update when both serve the same items, with racing twin requests',
    async () => {
      database = await createServerDatabase('postgres');
      await seedLoadCatalogue(database.config);
      const servers: ServerProcess[] = await Promise.all([startServerProcess(database), startServerProcess(database)]);
      const plan = planMovements({ prefix: 'two-servers', clients: SIZE.clients, movements: SIZE.movements });
      const load = startMovementLoad({
        plan,
        target: (client, index) => servers[(client + index) % 2]!.url,
        twin: (client, index) =>
          index % TWIN_EVERY === TWIN_EVERY - 1 ? servers[(client + index + 1) % 2]!.url : undefined,
      });
      for (const server of servers) {
        server.exited.then((how) => load.abort(new Error(`a server ended (${how}):\n${server.output()}`)));
      }
      const report = await load.done;
      const relayed = await waitForOutboxRelayed(database.config);
      await Promise.all(servers.map((server) => server.stop()));
      const inspection = await inspectLoad(database.config, report, SIZE.movements);
      recordReliabilityFigures({
        scenario: 'two-servers',
        dialect: 'postgres',
        form,
        servers: 2,
        faults: {},
        report,
        inspection,
      });

      expect(inspection.problems).toEqual([]);
      expect({ lost: inspection.lost, duplicates: inspection.duplicates }).toEqual({ lost: 0, duplicates: 0 });
      expect(relayed, 'the outbox is relayed').toBe(true);
      expect(report.twins).toBeGreaterThanOrEqual(Math.floor(SIZE.movements / TWIN_EVERY) - SIZE.clients);
      // No fault was injected: nothing needed a retry.
      expect(report.failures).toEqual({});
      expect(inspection.dips).toBeGreaterThan(SIZE.movements / 50);
    },
    TIMEOUT_MS,
  );
});

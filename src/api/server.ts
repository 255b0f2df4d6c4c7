import type { FastifyInstance } from 'fastify';
import { startEventDispatcher } from '../services/events/dispatcher.js';
import { mailConfigFromEnv } from '../services/purchasing/mailer.js';
import { buyerNameFromEnv, sendAndMailPurchaseOrder } from '../services/purchasing/send.service.js';
import { startScheduler } from '../services/scheduler.js';
import { type Database, type DatabaseConfig, openDatabase } from '../store/database.js';
import { buildApp } from './app.js';

export type ServerOptions = { config: DatabaseConfig; host: string; port: number; logLevel?: string };

export type RunningServer = { app: FastifyInstance; database: Database; url: string; close(): Promise<void> };

/** Opens (and migrates) the database, then listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const database = await openDatabase(options.config);
  const mail = { mail: mailConfigFromEnv(process.env), buyerName: buyerNameFromEnv(process.env) };
  const app = await buildApp({ database, logger: { level: options.logLevel ?? 'info' }, mail });
  // Jobs a stopped process left queued or running (no heartbeat for a minute) are marked failed, not left hanging.
  await app.simulationJobs.recoverInterrupted();
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const dispatcher = startEventDispatcher(database, { onError: (error) => app.log.error(error, 'event dispatcher') });
  const scheduler =
    process.env['LEANSTOCK_SCHEDULER'] === 'off'
      ? undefined
      : startScheduler(database, {
          onError: (error) => app.log.error(error, 'scheduler'),
          // Automatically sent orders are e-mailed like those sent by hand.
          send: (db, id, ctx) => sendAndMailPurchaseOrder(db, id, ctx, mail, { email: true }),
        });
  return {
    app,
    database,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    async close() {
      await scheduler?.stop();
      await dispatcher.stop();
      await app.close();
      await database.close();
    },
  };
}

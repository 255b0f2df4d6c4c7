import type { FastifyInstance } from 'fastify';
import { createSetupLink } from '../services/auth/invitations.service.js';
import { oidcSettingsFromEnv } from '../services/auth/oidc.service.js';
import { hasUsers } from '../services/auth/users.service.js';
import { startEventDispatcher } from '../services/events/dispatcher.js';
import { mailConfigFromEnv } from '../services/purchasing/mailer.js';
import { buyerNameFromEnv, sendAndMailPurchaseOrder } from '../services/purchasing/send.service.js';
import { startScheduler } from '../services/scheduler.js';
import { type Database, type DatabaseConfig, openDatabase } from '../store/database.js';
import { buildApp } from './app.js';
import { isLoopbackHost } from './auth.js';

export type ServerOptions = { config: DatabaseConfig; host: string; port: number; logLevel?: string };

export type RunningServer = {
  app: FastifyInstance;
  database: Database;
  url: string;
  /** The one-time link that creates the first admin, when there are no users yet. */
  setupUrl: string | undefined;
  close(): Promise<void>;
};

/** Opens (and migrates) the database, then listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  // Read before the database opens: a half-configured single sign-on stops the start with the variables it lacks.
  const oidc = oidcSettingsFromEnv(process.env);
  const database = await openDatabase(options.config);
  const localAccess = isLoopbackHost(options.host);
  const usersExist = await hasUsers(database);
  if (!localAccess && !usersExist) {
    await database.close();
    throw new Error(
      `Refusing to listen on ${options.host}: this Leanstock has no users, so anyone who can reach this machine could change its stock. Create the first admin with \`bin/leanstock user add NAME --admin\`, or listen on this computer only (HOST=127.0.0.1) and open the set-up link it prints.`,
    );
  }
  const mail = { mail: mailConfigFromEnv(process.env), buyerName: buyerNameFromEnv(process.env) };
  const app = await buildApp({ database, logger: { level: options.logLevel ?? 'info' }, mail, localAccess, oidc });
  // Jobs a stopped process left queued or running (no heartbeat for a minute) are marked failed, not left hanging.
  await app.simulationJobs.recoverInterrupted();
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  const setup = usersExist ? undefined : await createSetupLink(database, { actor: 'serve', now: Date.now() });
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
    url,
    setupUrl: setup && `${url}${setup.url}`,
    async close() {
      await scheduler?.stop();
      await dispatcher.stop();
      await app.close();
      await database.close();
    },
  };
}

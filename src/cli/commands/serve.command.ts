import type { Command } from 'commander';
import { startServer } from '../../api/server.js';
import { type CliDeps, databaseConfigOf } from '../io.js';

export function registerServeCommand(program: Command, deps: CliDeps): void {
  program
    .command('serve')
    .description('Serve the API (and web app) on PORT (default 3000), migrating the database on first run')
    .option(
      '--db <path-or-url>',
      'SQLite file or postgres:// URL (default: DATABASE_URL, LEANSTOCK_DB, ./leanstock.db)',
    )
    .option('--port <port>', 'port to listen on (default: PORT or 3000)')
    .option('--host <host>', 'address to bind (default: HOST or 127.0.0.1)')
    .action(async (options: { db?: string; port?: string; host?: string }) => {
      await serve(deps, options);
    });
}

export async function serve(deps: CliDeps, options: { db?: string; port?: string; host?: string }): Promise<void> {
  const port = Number(options.port ?? deps.env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: not a port number: ${options.port}`);
  const server = await startServer({
    config: databaseConfigOf(deps, options.db),
    host: options.host ?? deps.env['HOST'] ?? '127.0.0.1',
    port,
    logLevel: deps.env['LOG_LEVEL'] ?? 'info',
  });
  deps.stderr(
    `Leanstock on ${server.database.describe}\n  Web app  ${server.url}/\n  API      ${server.url}/api/v1\n  API docs ${server.url}/api/docs\n`,
  );
  if (server.setupUrl !== undefined) {
    deps.stderr(
      `No users yet: anyone on this computer can use Leanstock. To require sign-in, create the first admin with\n  ${server.setupUrl}\n(valid 24 hours, once) or: bin/leanstock user add NAME --admin\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

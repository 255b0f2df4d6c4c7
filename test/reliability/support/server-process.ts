import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerDatabase } from './server-database.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const READY_TIMEOUT_MS = 30_000;

/** A `bin/leanstock serve` child process listening on 127.0.0.1. */
export type ServerProcess = {
  url: string;
  port: number;
  pid: number;
  /** Resolves with the exit code or signal when the process ends, whoever ended it. */
  exited: Promise<string>;
  /** True once the process has ended. */
  hasExited(): boolean;
  /** What the server wrote to stdout and stderr so far. */
  output(): string;
  /** `kill -9`, and waits until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (the server closes cleanly), and waits until the process is gone. */
  stop(): Promise<void>;
};

const running = new Set<ServerProcess>();

/**
 * Starts `node bin/leanstock serve` on `database` (the compiled dist/, so build first) and waits for the
 * line where it reports its URL. Port 0 lets the system choose; a restart passes the port the first
 * start got, so clients keep their URL.
 */
export async function startServerProcess(
  database: ServerDatabase,
  options: { port?: number } = {},
): Promise<ServerProcess> {
  if (!existsSync(join(root, 'dist/src/cli/main.js'))) {
    throw new Error('bin/leanstock runs dist/: run `npm run build` first');
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...database.env };
  // The test environment must not point the server at another database.
  if (database.dialect === 'sqlite') delete env['DATABASE_URL'];
  else delete env['LEANSTOCK_DB'];
  Object.assign(env, { PORT: String(options.port ?? 0), HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
  const child = spawn(process.execPath, [join(root, 'bin/leanstock'), 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let ended = false;
  const exited = new Promise<string>((done) => {
    child.on('exit', (code, signal) => {
      ended = true;
      done(signal ?? `exit code ${code}`);
    });
  });
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`serve did not report its URL within ${READY_TIMEOUT_MS} ms:\n${output}`));
    }, READY_TIMEOUT_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /API\s+(http:\/\/\S+)\/api\/v1/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('error', fail);
    exited.then((how) => {
      clearTimeout(timer);
      fail(new Error(`serve ended (${how}) before reporting its URL:\n${output}`));
    });
  });
  const server: ServerProcess = {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    exited,
    hasExited: () => ended,
    output: () => output,
    kill: () => end(child, 'SIGKILL', exited),
    stop: () => end(child, 'SIGTERM', exited),
  };
  running.add(server);
  exited.then(() => running.delete(server));
  return server;
}

async function end(child: ChildProcess, signal: NodeJS.Signals, exited: Promise<string>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await exited;
}

/** Kills every server this test process started and that still runs (after a failed test). */
export async function killServerProcesses(): Promise<void> {
  await Promise.all([...running].map((server) => server.kill()));
}

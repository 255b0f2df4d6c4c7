import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Page } from '../services/pagination.js';
import { type Database, type DatabaseConfig, databaseConfigFromEnv, openDatabase } from '../store/database.js';

/** Everything a command touches outside itself, so tests can run commands in-process. */
export type CliDeps = {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether standard error is a terminal (progress bars only then). */
  isTty: boolean;
  now: () => number;
  /** Standard input, for the commands that read a password; absent: empty and not a terminal. */
  stdin?: CliStdin;
};

/** Standard input as the commands that read a secret need it. */
export type CliStdin = {
  /** Whether a person types there, so a password can be asked for. */
  isTty: boolean;
  /** The first line, without its line ending ('' when standard input is empty). */
  readLine(): Promise<string>;
  /** Prints `prompt` on standard error and reads one line from the terminal without echoing it. */
  readHidden(prompt: string): Promise<string>;
};

export function processDeps(): CliDeps {
  return {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: Boolean(process.stderr.isTTY),
    now: Date.now,
    stdin: {
      isTty: Boolean(process.stdin.isTTY),
      readLine: () => readFirstLine(),
      readHidden: (prompt) => readHiddenLine(prompt),
    },
  };
}

function readFirstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  return new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(''));
    process.stdin.once('error', reject);
  }).finally(() => lines.close());
}

function readHiddenLine(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  // A terminal-mode reader whose echo goes nowhere: the terminal is raw, so typed characters are not shown.
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input: process.stdin, output: silent, terminal: true });
  return new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    lines.once('SIGINT', () => reject(new Error('cancelled')));
    lines.once('close', () => reject(new Error('standard input closed before a password was typed')));
  }).finally(() => {
    lines.close();
    process.stderr.write('\n');
  });
}

/** `--db PATH` wins over the environment (DATABASE_URL, then LEANSTOCK_DB). */
export function databaseConfigOf(deps: CliDeps, dbOption?: string): DatabaseConfig {
  if (dbOption) {
    return /^postgres(ql)?:\/\//.test(dbOption)
      ? { dialect: 'postgres', url: dbOption }
      : { dialect: 'sqlite', path: dbOption };
  }
  return databaseConfigFromEnv(deps.env);
}

export function cliActor(deps: CliDeps): string {
  return `cli:${deps.env['USER'] ?? deps.env['LOGNAME'] ?? 'unknown'}`;
}

/** Prints `value` as JSON with `--json`, else as the human text `render` gives. */
export function printResult(deps: CliDeps, json: boolean | undefined, value: unknown, render: () => string): void {
  deps.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${render()}\n`);
}

/**
 * Prints one page of a `list`: JSON with `--json`; else `empty` when the page has no rows, or the table `render` draws
 * followed by the command line that fetches the next page, e.g. `More: leanstock po list --cursor …`.
 */
export function printPage<T>(
  deps: CliDeps,
  json: boolean | undefined,
  page: Page<T>,
  listCommand: string,
  empty: () => string,
  render: (rows: T[]) => string,
): void {
  printResult(deps, json, page, () => {
    if (page.data.length === 0) return empty();
    const table = render(page.data);
    return page.next_cursor ? `${table}\nMore: leanstock ${listCommand} --cursor ${page.next_cursor}` : table;
  });
}

/** A plain aligned text table. */
export function formatTable(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [
    headers,
    ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell)))),
  ];
  const widths = headers.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, col) => (cell ?? '').padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Opens the database for one command and always closes it. */
export async function withDatabase<T>(
  deps: CliDeps,
  db: string | undefined,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(databaseConfigOf(deps, db));
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

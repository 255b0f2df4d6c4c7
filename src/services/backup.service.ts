import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { DomainError } from '../domain/errors.js';
import { type Database, type DatabaseConfig, openDatabase } from '../store/database.js';
import { listMigrations, migrateToLatest } from '../store/migrations/index.js';

/** What a verified copy holds: the figures to compare with the live database. */
export type DatabaseCopyReport = {
  file: string;
  bytes: number;
  integrity: 'ok';
  tables: number;
  movements: number;
  balances: number;
  /** The newest movement in the copy; null when it has none. */
  last_movement_id: number | null;
  /** The newest schema migration applied in the copy. */
  schema: string | null;
};

export type RestoreReport = DatabaseCopyReport & {
  source: string;
  /** Migrations this version applied after the copy, bringing an older backup up to date. */
  migrations_applied: string[];
};

/** Copied pages so far of the pages in the database (the total can grow while writes continue). */
export type BackupProgress = (donePages: number, totalPages: number) => void;

const PAGES_PER_STEP = 256;
const ALL_PAGES = 0x7fffffff;

export const PG_DUMP_COMMAND = 'pg_dump --format=custom --file=leanstock.dump "$DATABASE_URL"';
export const PG_RESTORE_COMMAND = 'pg_restore --clean --if-exists --dbname "$DATABASE_URL" leanstock.dump';

/**
 * Copies the open SQLite database to `targetPath` with SQLite's online backup API while other writers go on, then
 * checks the copy. The copy is consistent: it is the database as of one commit. It is written to a temporary file
 * next to the target, turned into a self-contained file (rollback journal, no -wal beside it), checked
 * (`PRAGMA integrity_check`) and only then renamed over the target, so a failed backup leaves nothing behind.
 *
 * @example
 * const report = await backupDatabase(database, 'backups/leanstock-2026-06-01.db');
 * // { integrity: 'ok', movements: 20000, last_movement_id: 20000, ... }
 */
export async function backupDatabase(
  database: Database,
  targetPath: string,
  options: { force?: boolean; onProgress?: BackupProgress } = {},
): Promise<DatabaseCopyReport> {
  if (database.dialect === 'postgres' || database.sqlite === undefined) throw postgresRefusal('backup');
  checkTarget(targetPath, 'file', options.force === true, 'pass --force to replace it');
  const temp = tempPathFor(targetPath);
  try {
    await copyWithBackupApi(database.sqlite, temp, options.onProgress);
    makeSelfContained(temp);
    inspectCopy(temp, 'file');
    replaceFile(temp, targetPath);
  } finally {
    rmSync(temp, { force: true });
  }
  return inspectCopy(targetPath, 'file');
}

/**
 * Replaces the SQLite database at `target` with the backup `sourcePath`, then migrates it to this version's schema.
 * The source must be a Leanstock database (it has `leanstock_schema_migrations`), pass `PRAGMA integrity_check` and
 * hold no migration this version does not know. An existing target is replaced only with `force`; stop the server
 * that uses it first. PostgreSQL is refused: restore it with pg_restore.
 *
 * @example
 * await restoreDatabase('backups/leanstock-2026-06-01.db', { dialect: 'sqlite', path: 'leanstock.db' }, { force: true });
 */
export async function restoreDatabase(
  sourcePath: string,
  target: DatabaseConfig,
  options: { force?: boolean; onProgress?: BackupProgress } = {},
): Promise<RestoreReport> {
  if (target.dialect === 'postgres') throw postgresRefusal('restore');
  const targetPath = target.path;
  if (!existsSync(sourcePath) || !statSync(sourcePath).isFile()) {
    throw fieldError('file', `no backup file ${sourcePath}`, sourcePath);
  }
  if (resolve(sourcePath) === resolve(targetPath)) {
    throw fieldError('file', `${sourcePath} is the database to restore into; name another file`, sourcePath);
  }
  inspectCopy(sourcePath, 'file');
  checkTarget(targetPath, 'database', options.force === true, 'stop the server that uses it and pass --force');
  const temp = tempPathFor(targetPath);
  try {
    const source = new BetterSqlite3(sourcePath, { readonly: true, fileMustExist: true });
    try {
      await copyWithBackupApi(source, temp, options.onProgress);
    } finally {
      source.close();
    }
    replaceFile(temp, targetPath);
  } finally {
    rmSync(temp, { force: true });
  }
  const restored = await openDatabase({ dialect: 'sqlite', path: targetPath }, { migrate: false });
  let applied: string[];
  try {
    applied = await migrateToLatest(restored.db as Kysely<unknown>, 'sqlite');
  } finally {
    await restored.close();
  }
  return { ...inspectCopy(targetPath, 'database'), source: sourcePath, migrations_applied: applied };
}

/** The error for backup or restore on PostgreSQL, with the pg_dump or pg_restore command to use instead. */
export function postgresRefusal(verb: 'backup' | 'restore'): DomainError {
  const message =
    verb === 'backup'
      ? `backup copies SQLite databases only; back up PostgreSQL with: ${PG_DUMP_COMMAND}`
      : `restore writes SQLite databases only; restore PostgreSQL with: ${PG_RESTORE_COMMAND}`;
  return fieldError('database', message, undefined);
}

function fieldError(field: string, message: string, value: unknown): DomainError {
  return new DomainError('LS_VALIDATION', `${field}: ${message}`, [
    { field, message, ...(value === undefined ? {} : { value }) },
  ]);
}

function checkTarget(path: string, field: string, force: boolean, hint: string): void {
  const directory = dirname(resolve(path));
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw fieldError(field, `the directory ${directory} does not exist`, path);
  }
  if (!existsSync(path)) return;
  if (!statSync(path).isFile()) throw fieldError(field, `${path} exists and is not a file`, path);
  if (!force) throw fieldError(field, `${path} already exists; ${hint}`, path);
}

function tempPathFor(targetPath: string): string {
  const random = Math.random().toString(36).slice(2, 10);
  return join(dirname(resolve(targetPath)), `.${basename(targetPath)}.${process.pid}-${random}.tmp`);
}

/**
 * SQLite's backup restarts when another connection writes between two steps; under a steady stream of writes it
 * would never end. Once it has restarted, the rest goes in one step, which holds a read snapshot and (in WAL mode)
 * blocks no writer.
 */
async function copyWithBackupApi(
  source: BetterSqlite3.Database,
  temp: string,
  onProgress: BackupProgress | undefined,
): Promise<void> {
  let previousRemaining = Number.POSITIVE_INFINITY;
  let restarted = false;
  await source.backup(temp, {
    progress: ({ totalPages, remainingPages }) => {
      if (remainingPages > previousRemaining) restarted = true;
      previousRemaining = remainingPages;
      onProgress?.(totalPages - remainingPages, totalPages);
      return restarted ? ALL_PAGES : PAGES_PER_STEP;
    },
  });
  const pages = (source.pragma('page_count', { simple: true }) as number) ?? 0;
  onProgress?.(pages, pages);
}

/** A copy of a WAL database is marked WAL; a backup file is easier to move about as one file. */
function makeSelfContained(path: string): void {
  const copy = new BetterSqlite3(path, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/** Renames `temp` over `target`; a -wal or -shm left from an earlier database there would corrupt the new one. */
function replaceFile(temp: string, target: string): void {
  rmSync(`${target}-wal`, { force: true });
  rmSync(`${target}-shm`, { force: true });
  renameSync(temp, target);
}

/** Opens `path` read-only and checks it is an intact Leanstock database this version can migrate. */
function inspectCopy(path: string, field: string): DatabaseCopyReport {
  let copy: BetterSqlite3.Database;
  try {
    copy = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw fieldError(field, `cannot open ${path}: ${(error as Error).message}`, path);
  }
  try {
    let integrity: string[];
    try {
      integrity = (copy.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    } catch (error) {
      throw fieldError(field, `${path} is not a SQLite database (${(error as Error).message})`, path);
    }
    if (integrity.join() !== 'ok') {
      throw fieldError(field, `${path} fails SQLite's integrity check: ${integrity.slice(0, 3).join('; ')}`, path);
    }
    const tables = copy
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    if (!tables.includes('leanstock_schema_migrations')) {
      throw fieldError(
        field,
        `${path} is not a Leanstock database (it has no leanstock_schema_migrations table)`,
        path,
      );
    }
    const applied = copy
      .prepare('SELECT name FROM leanstock_schema_migrations ORDER BY name')
      .pluck()
      .all() as string[];
    const known = new Set(Object.keys(listMigrations('sqlite')));
    const unknown = applied.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw fieldError(
        field,
        `${path} was written by a newer Leanstock (schema ${unknown.join(', ')}); upgrade Leanstock to use it`,
        path,
      );
    }
    const count = (table: string) =>
      tables.includes(table) ? (copy.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number) : 0;
    const lastMovementId = tables.includes('movements')
      ? (copy.prepare('SELECT MAX(id) FROM movements').pluck().get() as number | null)
      : null;
    return {
      file: path,
      bytes: statSync(path).size,
      integrity: 'ok',
      tables: tables.length,
      movements: count('movements'),
      balances: count('balances'),
      last_movement_id: lastMovementId,
      schema: applied.at(-1) ?? null,
    };
  } finally {
    copy.close();
  }
}

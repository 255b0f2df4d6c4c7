import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  type BackupProgress,
  backupDatabase,
  type DatabaseCopyReport,
  postgresRefusal,
  type RestoreReport,
  restoreDatabase,
} from '../../services/backup.service.js';
import { type CliDeps, databaseConfigOf, printResult, withDatabase } from '../io.js';

type CopyOptions = { force?: boolean; json?: boolean; db?: string };

export function registerBackupCommands(program: Command, deps: CliDeps): void {
  program
    .command('backup <file>')
    .description(
      'Copy the SQLite database to FILE while the server keeps running (a consistent online backup), then check the copy; PostgreSQL: use pg_dump (see docs/configuration.md)',
    )
    .option('--force', 'replace FILE if it exists')
    .option('--db <path-or-url>', 'SQLite file to back up (default LEANSTOCK_DB)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: CopyOptions) => {
      if (databaseConfigOf(deps, options.db).dialect === 'postgres') throw postgresRefusal('backup');
      await withDatabase(deps, options.db, async (database) => {
        const report = await withCopyProgress(deps, 'Backing up', (onProgress) =>
          backupDatabase(database, file, { force: options.force === true, onProgress }),
        );
        printResult(deps, options.json, report, () => `Backed up ${database.describe} to ${describeCopy(report)}`);
      });
    });

  program
    .command('restore <file>')
    .description(
      'Replace the SQLite database with the backup FILE and migrate it to this version; stop the server first. PostgreSQL: use pg_restore (see docs/configuration.md)',
    )
    .option('--force', 'replace the database if it exists')
    .option('--db <path-or-url>', 'SQLite file to restore into (default LEANSTOCK_DB)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: CopyOptions) => {
      const target = databaseConfigOf(deps, options.db);
      const report = await withCopyProgress(deps, 'Restoring', (onProgress) =>
        restoreDatabase(file, target, { force: options.force === true, onProgress }),
      );
      printResult(deps, options.json, report, () => describeRestore(report));
    });
}

function describeCopy(report: DatabaseCopyReport): string {
  const last = report.last_movement_id === null ? '' : `, last id ${report.last_movement_id}`;
  return `${report.file}: ${formatBytes(report.bytes)}, ${report.tables} tables, ${report.movements.toLocaleString('en-US')} movements${last}, ${report.balances.toLocaleString('en-US')} balances; integrity ok`;
}

function describeRestore(report: RestoreReport): string {
  const migrated =
    report.migrations_applied.length === 0
      ? 'schema already up to date'
      : `migrated: ${report.migrations_applied.join(', ')}`;
  return `Restored ${report.source} into ${describeCopy(report)}; ${migrated}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

async function withCopyProgress<T>(
  deps: CliDeps,
  label: string,
  work: (onProgress: BackupProgress) => Promise<T>,
): Promise<T> {
  if (!deps.isTty) return work(() => {});
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} pages | ETA {eta}s`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    return await work((done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    });
  } finally {
    if (started) bar.stop();
  }
}

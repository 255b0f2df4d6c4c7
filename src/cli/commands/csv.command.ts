import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { csvKind, exportCsv, importCsv } from '../../services/csv/csv.service.js';
import { CSV_KINDS } from '../../services/csv/csv-kind.js';
import { type CliDeps, cliActor, printResult, withDatabase } from '../io.js';

export function registerCsvCommands(program: Command, deps: CliDeps): void {
  program
    .command('export <kind>')
    .description(`Write CSV to standard output; kind is one of ${CSV_KINDS.join(', ')}`)
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .action(async (kind: string, options: { db?: string }) => {
      csvKind(kind);
      await withDatabase(deps, options.db, async (database) => {
        deps.stdout(await exportCsv(database, kind));
      });
    });

  program
    .command('import <kind> <file>')
    .description(`Import a CSV file; kind is one of ${CSV_KINDS.join(', ')}. Any bad row imports nothing.`)
    .option('--dry-run', 'check every row, write nothing')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (kind: string, file: string, options: { dryRun?: boolean; db?: string; json?: boolean }) => {
      csvKind(kind);
      const text = await readFile(file, 'utf8');
      await withDatabase(deps, options.db, async (database) => {
        const report = await importCsv(
          database,
          kind,
          text,
          { actor: cliActor(deps), now: deps.now() },
          {
            dryRun: options.dryRun === true,
          },
        );
        printResult(deps, options.json, report, () =>
          report.dry_run
            ? `${file}: ${report.rows} ${kind} rows are valid (dry run, nothing written)`
            : `${file}: imported ${report.imported} rows of ${kind}`,
        );
      });
    });
}

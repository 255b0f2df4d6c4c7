import type { Command } from 'commander';
import { openDatabase } from '../../store/database.js';
import { type CliDeps, databaseConfigOf, printResult } from '../io.js';

export function registerMigrateCommand(program: Command, deps: CliDeps): void {
  program
    .command('migrate')
    .description('Create or upgrade the database schema')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (options: { db?: string; json?: boolean }) => {
      const database = await openDatabase(databaseConfigOf(deps, options.db));
      await database.close();
      printResult(
        deps,
        options.json,
        { database: database.describe, status: 'up to date' },
        () => `${database.describe}: schema up to date`,
      );
    });
}

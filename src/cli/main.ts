import { Command, CommanderError } from 'commander';
import { classifyStorageError } from '../api/storage-errors.js';
import { isDomainError } from '../domain/errors.js';
import { registerCommands } from './commands/index.js';
import { type CliDeps, processDeps } from './io.js';

/** Builds the `leanstock` program; every verb registers itself in `commands/`. */
export function buildProgram(deps: CliDeps): Command {
  const program = new Command('leanstock')
    .description('Just-In-Time inventory: exact stock records, orders raised the moment stock dips.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr });
  registerCommands(program, deps);
  return program;
}

/** Runs one command line and returns the exit code; errors are printed, never thrown. */
export async function run(argv: string[], deps: CliDeps): Promise<number> {
  const program = buildProgram(deps);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isDomainError(error)) {
      deps.stderr(`error ${error.code}: ${error.message}\n`);
      for (const problem of error.details?.slice(0, 50) ?? []) {
        const where =
          problem.row !== undefined ? `row ${problem.row}, ` : problem.index !== undefined ? `#${problem.index}, ` : '';
        deps.stderr(`  ${where}${problem.field}: ${problem.message}\n`);
      }
      if ((error.details?.length ?? 0) > 50) deps.stderr(`  ... and ${error.details!.length - 50} more\n`);
      return 2;
    }
    const fault = classifyStorageError(error);
    if (fault) {
      deps.stderr(`error ${fault.code}: ${fault.message} (${fault.cause})\n`);
      return 1;
    }
    deps.stderr(`error: ${(error as Error).message}\n`);
    return 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  return run(argv.slice(2), processDeps());
}

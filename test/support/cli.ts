import type { CliDeps } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';

export type CliResult = { code: number; stdout: string; stderr: string };
export type CliRunner = (...argv: string[]) => Promise<CliResult>;

/**
 * Runs `leanstock` in-process on the database `db` (`--db` is appended to every command line), at the fixed instant
 * `now`, as the user `tester` unless `env` says otherwise, and hands back the exit code with everything printed.
 *
 * @example
 * const cli = cliRunner({ db: join(dir, 'cli.db'), now: Date.UTC(2026, 5, 1, 12) });
 * expect(await cli('customer', 'list')).toMatchObject({ code: 0, stderr: '' });
 */
export function cliRunner(options: { db: string; now: number; env?: NodeJS.ProcessEnv }): CliRunner {
  return async (...argv) => {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
      env: options.env ?? { USER: 'tester' },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      isTty: false,
      now: () => options.now,
    };
    const code = await run([...argv, '--db', options.db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  };
}

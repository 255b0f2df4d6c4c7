import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { DEFAULT_DEMO_DAYS, DEFAULT_DEMO_ITEMS, DEFAULT_DEMO_SEED } from '../../demo/generate-demo.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import { type DemoReport, describeExisting, type ExistingData, writeDemo } from '../../services/demo.service.js';
import { openDatabase } from '../../store/database.js';
import { type CliDeps, databaseConfigOf, printResult } from '../io.js';
import { serve } from './serve.command.js';

type DemoCommandOptions = {
  db?: string;
  serve: boolean;
  seed: string;
  force?: boolean;
  days: string;
  items: string;
  port?: string;
  host?: string;
  json?: boolean;
};

export function registerDemoCommand(program: Command, deps: CliDeps): void {
  program
    .command('demo')
    .description(
      'Write a demo: ~300 items, 2 sites, 12 suppliers and two years of daily movements ending today, then serve it',
    )
    .option(
      '--db <path-or-url>',
      'SQLite file or postgres:// URL (default: DATABASE_URL, LEANSTOCK_DB, ./leanstock.db)',
    )
    .option('--no-serve', 'only write the database, do not serve it')
    .option('--seed <n>', 'random seed: the same seed on the same day gives the same demo', String(DEFAULT_DEMO_SEED))
    .option('--force', 'delete everything in the database first (otherwise a database with data is refused)')
    .option('--days <n>', 'days of history, today included', String(DEFAULT_DEMO_DAYS))
    .option('--items <n>', 'items in the catalogue', String(DEFAULT_DEMO_ITEMS))
    .option('--port <port>', 'port to serve on (default: PORT or 3000)')
    .option('--host <host>', 'address to bind (default: HOST or 127.0.0.1)')
    .option('--json', 'machine-readable summary')
    .action(async (options: DemoCommandOptions) => {
      await writeDemoCommand(deps, options);
      if (options.serve) await serve(deps, { db: options.db, port: options.port, host: options.host });
    });
}

async function writeDemoCommand(deps: CliDeps, options: DemoCommandOptions): Promise<DemoReport> {
  const seed = readInteger('--seed', options.seed, 0, 0xffffffff);
  const days = readInteger('--days', options.days, 1, 3660);
  const itemCount = readInteger('--items', options.items, 6, DEFAULT_DEMO_ITEMS);
  const started = deps.now();
  const database = await openDatabase(databaseConfigOf(deps, options.db));
  const bar = deps.isTty
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'Writing history [{bar}] {percentage}% | {value}/{total} movements | ETA {eta}s',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let barStarted = false;
  let report: DemoReport;
  try {
    if (deps.isTty) deps.stderr(`Generating the demo (seed ${seed}, ${itemCount} items, ${days} days)...\n`);
    report = await writeDemo(
      database,
      {
        seed,
        days,
        itemCount,
        force: options.force === true,
        onProgress: (written, total) => {
          if (!bar) return;
          if (!barStarted) bar.start(total, 0);
          barStarted = true;
          bar.update(written);
        },
      },
      { actor: 'demo', now: started },
    );
  } catch (error) {
    if (isDomainError(error) && error.code === 'LS_DUPLICATE') {
      throw new DomainError(
        'LS_DUPLICATE',
        `${database.describe} is not empty (${describeExisting(error.details?.[0]?.value as ExistingData)}); refusing to overwrite it. Run with --force to delete everything in it and write the demo, or choose another --db.`,
      );
    }
    throw error;
  } finally {
    bar?.stop();
    await database.close();
  }
  const seconds = Math.round((deps.now() - started) / 100) / 10;
  const count = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([name, n]) => `${n.toLocaleString('en')} ${name.replaceAll('_', ' ')}`)
      .join(', ');
  printResult(deps, options.json, { database: database.describe, ...report, seconds }, () =>
    [
      `Demo written to ${database.describe} in ${seconds} s (seed ${report.seed})`,
      `  items           ${report.items}`,
      `  locations       ${report.locations} (${report.sites} sites with their bins)`,
      `  suppliers       ${report.suppliers} (${report.supplierItems} supplier items)`,
      `  movements       ${report.movements.toLocaleString('en')} from ${report.firstDay} to ${report.lastDay}`,
      `  purchase orders ${report.purchaseOrders.toLocaleString('en')}: ${count(report.purchaseOrdersByStatus)}`,
      `  draft lines     ${report.draftLines} drafted by the trigger just now`,
      `  policies        ${report.policies}: ${count(report.policiesByKind)}`,
      `  kanban loops    ${report.kanbanLoops} with ${report.kanbanCards} cards`,
      `  make to order   ${report.makeToOrder.items} made items, ${report.makeToOrder.boms} BOMs, ${report.makeToOrder.customers} customers`,
      `  customer orders ${count(report.makeToOrder.customerOrdersByStatus)}`,
      `  production      ${count(report.makeToOrder.productionOrdersByStatus)}`,
    ].join('\n'),
  );
  return report;
}

function readInteger(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DomainError('LS_VALIDATION', `${flag}: must be a whole number from ${min} to ${max}, not "${text}"`, [
      { field: flag, message: `must be a whole number from ${min} to ${max}`, value: text },
    ]);
  }
  return value;
}

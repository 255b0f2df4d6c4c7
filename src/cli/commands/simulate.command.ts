import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { renderSimulationChart } from '../../documents/simulation-chart.js';
import { DomainError } from '../../domain/errors.js';
import {
  MAX_SCENARIO_RUNS,
  MAX_SEED,
  parseScenario,
  parseScenarioText,
  type Scenario,
} from '../../domain/simulation/scenario.js';
import {
  deleteSavedScenario,
  getSavedScenario,
  listSavedScenarios,
  type SavedScenarioSummary,
  saveScenario,
} from '../../services/simulation/scenario.service.js';
import {
  checkScenarioAgainstCatalogue,
  runScenario,
  type SimulationReport,
} from '../../services/simulation/simulation.service.js';
import { formatAmount } from '../../services/simulation/simulation-report.js';
import type { Database } from '../../store/database.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';

type SimulateOptions = {
  json?: boolean;
  chart?: string;
  runs?: string;
  seed?: string;
  threads?: string;
  db?: string;
};

export function registerSimulateCommand(program: Command, deps: CliDeps): void {
  program
    .command('simulate <scenario>')
    .description(
      'Simulate a what-if scenario (a YAML or JSON file, or the name of a saved one) and compare policy variants: cost, service, the items that stop work under JIT, the recommendation; e.g. leanstock simulate examples/scenarios/main-supplier-closed.yaml --chart closed.svg',
    )
    .option('--json', 'machine-readable output: the whole report (as GET /api/v1/simulations/{id} gives it)')
    .option(
      '--chart <file.svg>',
      'also write the chart: on-hand trajectories of the worst items, cost and service per variant',
    )
    .option('--runs <n>', "runs per item and variant (overrides the scenario's runs)")
    .option('--seed <n>', "seed of the random streams (overrides the scenario's seed)")
    .option('--threads <n>', 'worker threads (0: none; default the machine’s parallelism)')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .action(async (source: string, options: SimulateOptions) => {
      const threads = options.threads === undefined ? undefined : wholeOption('--threads', options.threads, 0, 64);
      const overrides: Record<string, number> = {};
      if (options.runs !== undefined) overrides['runs'] = wholeOption('--runs', options.runs, 1, MAX_SCENARIO_RUNS);
      if (options.seed !== undefined) overrides['seed'] = wholeOption('--seed', options.seed, 0, MAX_SEED);
      if (options.chart !== undefined) checkChartFile(options.chart);
      await withDatabase(deps, options.db, async (database) => {
        const scenario = await loadScenarioSource(database, source, overrides);
        const started = performance.now();
        const report = await withSimulationProgress(deps, (onProgress) =>
          runScenario(database, scenario, { now: deps.now(), threads, onProgress }),
        );
        const seconds = (performance.now() - started) / 1000;
        if (options.chart !== undefined) writeFileSync(options.chart, renderSimulationChart(report));
        printResult(deps, options.json, report, () => describeSimulation(report));
        if (!options.json) {
          const itemDays = report.items_simulated * report.variants.length * report.runs * report.horizon_days;
          deps.stderr(
            `Simulated ${itemDays.toLocaleString('en-US')} item-days in ${seconds.toFixed(1)} s${options.chart === undefined ? '' : `; chart written to ${options.chart}`}\n`,
          );
        }
      });
    });

  const scenarios = program
    .command('scenarios')
    .description('Saved what-if scenarios (run one with leanstock simulate NAME)');
  scenarios
    .command('list')
    .description('Saved scenarios by name')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (options: { db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const all: SavedScenarioSummary[] = [];
        let cursor: string | undefined;
        do {
          const page = await listSavedScenarios(database, { cursor, limit: 1000 });
          all.push(...page.data);
          cursor = page.next_cursor ?? undefined;
        } while (cursor !== undefined);
        printResult(deps, options.json, all, () =>
          all.length === 0
            ? 'No saved scenarios.'
            : formatTable(
                ['Name', 'Description', 'Updated', 'By'],
                all.map((s) => [
                  s.name,
                  s.description ?? '',
                  s.updated_at.slice(0, 16).replace('T', ' '),
                  s.updated_by,
                ]),
              ),
        );
      });
    });
  scenarios
    .command('show <name>')
    .description('A saved scenario with every default written out')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const saved = await getSavedScenario(database, name);
        printResult(deps, options.json, saved, () => JSON.stringify(saved.scenario, null, 2));
      });
    });
  scenarios
    .command('save <file>')
    .description('Save (create or replace) a scenario file under its name (or --name), checked against the catalogue')
    .option('--name <name>', 'the name to save it under (default: the name in the file, else the file name)')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: { name?: string; db?: string; json?: boolean }) => {
      const raw = readScenarioFile(file);
      const inner = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['name'] : undefined;
      const name = options.name ?? (typeof inner === 'string' ? inner : fileStem(file));
      const body = options.name !== undefined && typeof raw === 'object' && raw !== null ? { ...raw, name } : raw;
      await withDatabase(deps, options.db, async (database) => {
        const saved = await saveScenario(database, { actor: cliActor(deps), now: deps.now() }, name, body);
        printResult(
          deps,
          options.json,
          saved.scenario,
          () => `Scenario ${name} ${saved.created ? 'saved' : 'replaced'}.`,
        );
      });
    });
  scenarios
    .command('delete <name>')
    .description('Delete a saved scenario')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .action(async (name: string, options: { db?: string }) => {
      await withDatabase(deps, options.db, async (database) => {
        await deleteSavedScenario(database, { actor: cliActor(deps), now: deps.now() }, name);
        deps.stdout(`Scenario ${name} deleted.\n`);
      });
    });
}

/** A scenario file when `source` is one, else the saved scenario of that name; `overrides` replace its fields. */
async function loadScenarioSource(
  database: Database,
  source: string,
  overrides: Record<string, number>,
): Promise<Scenario> {
  let raw: unknown;
  let defaultName: string;
  if (existsSync(source)) {
    raw = readScenarioFile(source);
    defaultName = fileStem(source);
  } else {
    try {
      raw = (await getSavedScenario(database, source)).scenario;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'LS_NOT_FOUND') {
        throw new DomainError('LS_VALIDATION', `scenario: no file ${source} and no saved scenario of that name`, [
          { field: 'scenario', message: `no file ${source} and no saved scenario of that name`, value: source },
        ]);
      }
      throw error;
    }
    defaultName = source;
  }
  const merged = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...raw, ...overrides } : raw;
  const scenario = parseScenario(merged, defaultName);
  await checkScenarioAgainstCatalogue(database, scenario);
  return scenario;
}

function readScenarioFile(file: string): unknown {
  const extension = extname(file).toLowerCase();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const message = `cannot read ${file}: ${(error as Error).message}`;
    throw new DomainError('LS_VALIDATION', `scenario: ${message}`, [{ field: 'scenario', message, value: file }]);
  }
  return parseScenarioText(text, extension === '.json' ? 'json' : extension === '' ? undefined : 'yaml');
}

/** "main-supplier-closed" of "examples/scenarios/main-supplier-closed.yaml". */
function fileStem(file: string): string {
  return basename(file, extname(file));
}

/** The chart is written after the simulation: a path it cannot be written to is refused before, not minutes later. */
function checkChartFile(file: string): void {
  const refuse = (message: string) => {
    throw new DomainError('LS_VALIDATION', `--chart: ${message}`, [{ field: '--chart', message, value: file }]);
  };
  if (extname(file).toLowerCase() !== '.svg') refuse(`must name an .svg file, not ${file}`);
  const directory = dirname(resolve(file));
  try {
    accessSync(directory, constants.W_OK);
  } catch {
    refuse(`cannot write ${file}: ${directory} is not a directory this process can write to`);
  }
}

function wholeOption(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new DomainError('LS_VALIDATION', `${name}: must be a whole number from ${min} to ${max}, not "${text}"`, [
      { field: name, message: `must be a whole number from ${min} to ${max}`, value: text },
    ]);
  }
  return value;
}

async function withSimulationProgress<T>(
  deps: CliDeps,
  work: (onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  if (!deps.isTty) return work(() => {});
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'Simulating [{bar}] {percentage}% | {value}/{total} item-runs | ETA {eta}s',
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
      bar.update(done);
    });
  } finally {
    if (started) bar.stop();
  }
}

/** The report as text: the variants side by side, the recommendation, categories, the items that stop work. */
export function describeSimulation(report: SimulationReport): string {
  const c = report.currency;
  const amount = (value: number) => formatAmount(value, c).replace(`${c} `, '');
  const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;
  const scenario = report.scenario;
  const lines: string[] = [];
  lines.push(`${scenario['name'] as string}${scenario['description'] ? `: ${scenario['description'] as string}` : ''}`);
  const windows = report.chart.windows.map((w) => `${w.label} on days ${w.from_day}–${w.from_day + w.days - 1}`);
  lines.push(
    `${report.items_simulated} item × location pairs${report.skipped.length > 0 ? ` (${report.skipped.length} skipped)` : ''}, ${report.horizon_days} days from ${report.start_date}, ${report.runs} runs, seed ${report.seed}${windows.length > 0 ? `; ${windows.join('; ')}` : '; no disruption'}`,
  );
  lines.push(
    `Money in ${c} a year; service floor: ${report.service_floor.measure.replace('_', ' ')} ≥ ${pct(report.service_floor.level)} (median run).`,
  );
  lines.push('');
  lines.push(
    formatTable(
      [
        'Variant',
        'Total cost p50 (p5–p95)',
        'Holding',
        'Ordering',
        'Stock-outs',
        'Fill rate',
        'Cycle service',
        `Stock-out item-days`,
        'Cash tied up',
        'Meet floor',
      ],
      report.catalogue.variants.map((v) => [
        `${v.variant}${v.variant === report.catalogue.recommendation.variant ? ' *' : ''}`,
        v.total_cost_per_year_spread === null
          ? amount(v.total_cost_per_year)
          : `${amount(v.total_cost_per_year_spread.p50)} (${amount(v.total_cost_per_year_spread.p5)}–${amount(v.total_cost_per_year_spread.p95)})`,
        amount(v.holding_cost_per_year),
        amount(v.ordering_cost_per_year),
        amount(v.stockout_cost_per_year),
        pct(v.fill_rate),
        pct(v.cycle_service_level),
        v.stockout_item_days.toFixed(1),
        amount(v.cash_tied_up_average),
        `${v.items_meeting_floor}/${report.items_simulated}`,
      ]),
    ),
  );
  lines.push('* recommended: the lowest expected total cost that meets the floor');
  for (const v of report.variants) lines.push(`  ${v.name}: ${v.description}`);
  lines.push('');
  lines.push('By category (recommended variant, cost a year, and what the others cost more):');
  lines.push(
    formatTable(
      ['Category', 'Items', 'Recommended', 'Cost', 'Fill rate', 'Others cost more'],
      report.categories.map((g) => {
        const chosen = g.variants.find((v) => v.variant === g.recommendation.variant)!;
        return [
          g.group,
          g.items,
          `${g.recommendation.variant}${g.recommendation.meets_floor ? '' : ' (below floor)'}`,
          amount(g.recommendation.total_cost_per_year),
          pct(chosen.fill_rate),
          g.recommendation.versus.map((d) => `${d.variant} ${signed(d.extra_cost_per_year, amount)}`).join(', '),
        ];
      }),
    ),
  );
  if (report.stops_work !== null) {
    const s = report.stops_work;
    lines.push('');
    if (s.items.length === 0) {
      lines.push(`No item stops work under ${s.lean} in the disrupted period that ${s.buffered} would keep in stock.`);
    } else {
      lines.push(
        `Items that stop work under ${s.lean} (days without stock in the median run, disrupted period) but not under ${s.buffered}: ${s.items.length}`,
      );
      lines.push(
        formatTable(
          ['SKU', 'Location', `Days out (${s.lean})`, `Days out (${s.buffered})`, 'Extra holding', 'Stock-outs saved'],
          [
            ...s.items.map((i) => [
              i.sku,
              i.location,
              i.lean_stockout_days,
              i.buffered_stockout_days,
              amount(i.extra_holding_per_year),
              amount(i.saved_stockout_per_year),
            ]),
            ['total', '', '', '', amount(s.extra_holding_per_year), amount(s.saved_stockout_per_year)],
          ],
        ),
      );
    }
  }
  lines.push('');
  for (const finding of report.findings) lines.push(`- ${finding}`);
  return lines.join('\n');
}

function signed(value: number, amount: (value: number) => string): string {
  return value >= 0 ? `+${amount(value)}` : `−${amount(-value)}`;
}

import type { Command } from 'commander';
import { DomainError } from '../../domain/errors.js';
import {
  type CountTaskView,
  getRecordAccuracy,
  listCountTasks,
  planCycleCounts,
  recordCount,
} from '../../services/planning/cycle-count.service.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';

type Common = { db?: string; json?: boolean };

export function registerCountsCommands(program: Command, deps: CliDeps): void {
  const counts = program
    .command('counts')
    .description('Cycle counting: count tasks by ABC class, recording counts, inventory record accuracy');

  counts
    .command('plan')
    .description(
      'Open a count task for every item x location without one, due by ABC class (planning settings count_interval_days_a|b|c; default A 30, B 91, C 365 days); the never-counted are spread over the interval',
    )
    .option('--today <date>', 'plan as of this date at every site, YYYY-MM-DD (default: each site’s today)')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (options: Common & { today?: string }) => {
      const plan = await withDatabase(deps, options.db, (database) =>
        planCycleCounts(
          database,
          { actor: cliActor(deps), now: deps.now() },
          options.today === undefined ? {} : { today: options.today },
        ),
      );
      printResult(deps, options.json, plan, () => {
        const classes = plan.classes.map((c) => `${c.abc} ${c.created} (every ${c.interval_days} days)`).join(', ');
        return `Opened ${plan.created} count task${plan.created === 1 ? '' : 's'}: ${classes}; ${plan.already_open} already had an open task.`;
      });
    });

  counts
    .command('list')
    .description('Count tasks by due date')
    .option('--status <status>', 'open, counted or cancelled')
    .option('--due-before <date>', 'due on or before this date, YYYY-MM-DD')
    .option('--location <code>', 'only this location (a site with its bins)')
    .option('--sku <sku>', 'only this item')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(
      async (
        options: Common & {
          status?: string;
          dueBefore?: string;
          location?: string;
          sku?: string;
          limit: string;
          cursor?: string;
        },
      ) => {
        const page = await withDatabase(deps, options.db, (database) =>
          listCountTasks(database, {
            status: options.status,
            due_before: options.dueBefore,
            location: options.location,
            sku: options.sku,
            cursor: options.cursor,
            limit: Number(options.limit),
          }),
        );
        printResult(deps, options.json, page, () => {
          if (page.data.length === 0) return 'No count tasks.';
          const table = formatTable(
            ['id', 'sku', 'location', 'class', 'due', 'status', 'expected', 'counted', 'difference'],
            page.data.map((t) => [
              t.id,
              t.sku,
              t.location,
              t.abc,
              t.due_date,
              t.status,
              t.expected,
              t.counted,
              t.difference,
            ]),
          );
          return page.next_cursor ? `${table}\nMore: --cursor ${page.next_cursor}` : table;
        });
      },
    );

  counts
    .command('record')
    .description(
      'Record what a count found: posts a count movement (the ledger books the difference) and closes the task',
    )
    .argument('<id>', 'count task id')
    .argument('<quantity>', 'the quantity counted')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (id: string, quantity: string, options: Common) => {
      const taskId = Number(id);
      if (!Number.isInteger(taskId) || taskId < 1) {
        throw new DomainError('LS_VALIDATION', 'id: must be a count task id (a whole number)', [
          { field: 'id', message: 'must be a whole number ≥ 1', value: id },
        ]);
      }
      const counted = quantity.trim() !== '' && Number.isFinite(Number(quantity)) ? Number(quantity) : quantity;
      const task = await withDatabase(deps, options.db, (database) =>
        recordCount(database, { actor: cliActor(deps), now: deps.now() }, taskId, counted),
      );
      printResult(deps, options.json, task, () => describeRecorded(task));
    });

  counts
    .command('accuracy')
    .description(
      'Inventory record accuracy: the share of counts whose record was within tolerance (A exact, B ±2 %, C ±5 %), by class',
    )
    .option('--from <date>', 'first day, YYYY-MM-DD (default: 365 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: yesterday)')
    .option('--location <code>', 'only this location (a site with its bins)')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (options: Common & { from?: string; to?: string; location?: string }) => {
      const report = await withDatabase(deps, options.db, (database) =>
        getRecordAccuracy(database, { from: options.from, to: options.to, location: options.location }, deps.now()),
      );
      printResult(deps, options.json, report, () => {
        const lines = [
          `Record accuracy ${report.from} to ${report.to}: ${pct(report.accuracy)} of ${report.counts} count${report.counts === 1 ? '' : 's'} within tolerance`,
          formatTable(
            ['class', 'tolerance', 'counts', 'accurate', 'accuracy'],
            report.classes.map((c) => [
              c.abc,
              c.tolerance === 0 ? 'exact' : `±${c.tolerance * 100} %`,
              c.counts,
              c.accurate,
              pct(c.accuracy),
            ]),
          ),
        ];
        if (report.largest_differences.length > 0) {
          lines.push(
            'Largest differences',
            formatTable(
              ['sku', 'location', 'class', 'counted at', 'record', 'counted', 'difference'],
              report.largest_differences.map((d) => [
                d.sku,
                d.location,
                d.abc,
                d.counted_at,
                d.expected,
                d.counted,
                d.difference,
              ]),
            ),
          );
        }
        return lines.join('\n');
      });
    });
}

function describeRecorded(task: CountTaskView): string {
  const tolerance = { A: 'exact', B: '±2 %', C: '±5 %' }[task.abc];
  const verdict = task.within_tolerance ? 'within' : 'outside';
  const difference = task.difference === 0 ? 'no difference' : `${task.difference! > 0 ? '+' : ''}${task.difference}`;
  return `Count task ${task.id}, ${task.sku} at ${task.location}: counted ${task.counted} ${task.unit}, the record said ${task.expected} (${difference}, ${verdict} ${tolerance} for class ${task.abc}).`;
}

function pct(share: number | null): string {
  return share === null ? '-' : `${Number((share * 100).toFixed(1))} %`;
}

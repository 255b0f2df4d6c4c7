import type { Command } from 'commander';
import { DomainError } from '../../domain/errors.js';
import { formatQuantity } from '../../domain/quantity.js';
import { type DemandHistoryView, getDemandHistoryView } from '../../services/planning/demand-history.js';
import { type CliDeps, formatTable, printResult, withDatabase } from '../io.js';

type DemandOptions = { days?: string; db?: string; json?: boolean };

export function registerDemandCommand(program: Command, deps: CliDeps): void {
  program
    .command('demand <sku> <location>')
    .description(
      'Daily demand of an item at a location (issues and sales by the site’s local date, stock-out days), week by week; e.g. leanstock demand BOLT-M8 BER --days 28',
    )
    .option('--days <n>', 'days to show, ending yesterday (default 91, at most the planning history window)')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output: every day')
    .action(async (sku: string, location: string, options: DemandOptions) => {
      const days = options.days === undefined ? undefined : readDays(options.days);
      await withDatabase(deps, options.db, async (database) => {
        const view = await getDemandHistoryView(database, sku, location, { now: deps.now(), days });
        printResult(deps, options.json, view, () => formatDemand(view));
      });
    });
}

function readDays(text: string): number {
  const days = Number(text);
  if (!/^\d+$/.test(text) || days < 1) {
    throw new DomainError('LS_VALIDATION', `--days: must be a whole number ≥ 1, not "${text}"`, [
      { field: '--days', message: 'must be a whole number ≥ 1', value: text },
    ]);
  }
  return days;
}

/** A heading with the totals, then one line per week (Monday to Sunday; the first and last may be partial). */
export function formatDemand(view: DemandHistoryView): string {
  const milli = (units: number) => Math.round(units * 1000);
  const weeks: Array<{ monday: string; days: number; demandMilli: number; demandDays: number; stockOut: number }> = [];
  for (const day of view.days) {
    const monday = mondayOf(day.date);
    let week = weeks.at(-1);
    if (week === undefined || week.monday !== monday) {
      week = { monday, days: 0, demandMilli: 0, demandDays: 0, stockOut: 0 };
      weeks.push(week);
    }
    week.days++;
    week.demandMilli += milli(day.demand);
    if (day.demand > 0) week.demandDays++;
    if (day.stock_out) week.stockOut++;
  }
  const totalMilli = milli(view.total_demand);
  const perDay = (demandMilli: number, days: number) => (demandMilli / 1000 / days).toFixed(3);
  return [
    `${view.sku} at ${view.location} (${view.time_zone}): ${view.days.length} days, ${view.start_date} to ${view.data_through}`,
    `Demand ${formatQuantity(totalMilli)} in total, ${perDay(totalMilli, view.days.length)} a day; ${view.stock_out_days} stock-out ${view.stock_out_days === 1 ? 'day' : 'days'} (no stock at the start or end of the day: censored)`,
    '',
    formatTable(
      ['Week of', 'Days', 'Demand', 'Per day', 'Days with demand', 'Stock-out days'],
      weeks.map((w) => [
        w.monday,
        w.days,
        formatQuantity(w.demandMilli),
        perDay(w.demandMilli, w.days),
        w.demandDays,
        w.stockOut,
      ]),
    ),
  ].join('\n');
}

/** The Monday of the ISO week holding a civil date. */
function mondayOf(date: string): string {
  const at = new Date(`${date}T00:00:00Z`);
  const sinceMonday = (at.getUTCDay() + 6) % 7;
  return new Date(at.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

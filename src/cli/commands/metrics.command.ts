import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { getMetrics, type MetricsReport, type ScopeMetrics } from '../../services/planning/metrics.service.js';
import { type CliDeps, formatTable, printResult, withDatabase } from '../io.js';

type MetricsOptions = {
  from?: string;
  to?: string;
  location?: string;
  category?: string;
  db?: string;
  json?: boolean;
};

export function registerMetricsCommand(program: Command, deps: CliDeps): void {
  program
    .command('metrics')
    .description(
      'How the inventory runs over a period (default the last 365 complete days): turnover, days of supply, cash in stock, holding cost, stock-out days, fill rate, supplier OTIF and orders per month, overall, per site and per category (definitions: docs/metrics.md)',
    )
    .option('--from <date>', 'first day, YYYY-MM-DD (default: 365 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: yesterday)')
    .option('--location <code>', 'only this location (a site with its bins)')
    .option('--category <category>', 'only items of this category')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (options: MetricsOptions) => {
      const report = await withDatabase(deps, options.db, (database) =>
        withProgress(deps, 'Walking the ledger', (onProgress) =>
          getMetrics(
            database,
            {
              from: options.from,
              to: options.to,
              location: options.location,
              category: options.category,
              onProgress,
            },
            deps.now(),
          ),
        ),
      );
      printResult(deps, options.json, report, () => describeMetrics(report));
    });
}

/** Runs `work` with a progress bar on standard error when it is a terminal. */
export async function withProgress<T>(
  deps: CliDeps,
  label: string,
  work: (onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  if (!deps.isTty) return work(() => {});
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} item x locations`,
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

export function describeMetrics(report: MetricsReport): string {
  const scopes: Array<[string, ScopeMetrics]> = [
    ['overall', report.overall],
    ...report.sites.map((s) => [s.site, s] as [string, ScopeMetrics]),
  ];
  const filters = [report.location && `location ${report.location}`, report.category && `category ${report.category}`]
    .filter(Boolean)
    .join(', ');
  const lines = [
    `Metrics ${report.from} to ${report.to} (${report.days} days${filters ? `, ${filters}` : ''}), holding rate ${pct(report.holding_rate_per_year)} a year`,
    '',
    formatTable(['', ...scopes.map(([name]) => name)], metricRows(scopes)),
  ];
  if (report.categories.length > 0) {
    lines.push(
      '',
      'By category',
      formatTable(
        ['category', 'pairs', 'turnover/yr', 'days of supply', 'cash in stock', 'stock-out days', 'fill rate', 'OTIF'],
        report.categories.map((c) => [
          c.category ?? '(none)',
          c.item_locations,
          c.money.map((m) => num(m.inventory_turnover, 2)).join(' / '),
          c.money.map((m) => num(m.days_of_supply, 1)).join(' / '),
          c.money.map((m) => `${money(m.cash_in_stock)} ${m.currency}`).join(' / '),
          c.stock_out_days,
          pct(c.fill_rate),
          pct(c.supplier_otif),
        ]),
      ),
    );
  }
  if (report.suppliers.length > 0) {
    lines.push(
      '',
      'Suppliers (lines settled in the period)',
      formatTable(
        ['supplier', 'lines', 'on time', 'in full', 'OTIF'],
        report.suppliers.map((s) => [s.supplier, s.lines, pct(s.on_time), pct(s.in_full), pct(s.otif)]),
      ),
    );
  }
  if (report.orders_by_month.length > 0) {
    lines.push('', `Purchase orders sent: ${report.orders_by_month.map((m) => `${m.month} ${m.orders}`).join(', ')}`);
  }
  return lines.join('\n');
}

function metricRows(scopes: Array<[string, ScopeMetrics]>): Array<Array<string | number>> {
  const currencies = [...new Set(scopes.flatMap(([, s]) => s.money.map((m) => m.currency)))].sort();
  const moneyRow = (label: string, currency: string, pick: (m: ScopeMetrics['money'][number]) => string) => [
    `${label} ${currency}`,
    ...scopes.map(([, s]) => {
      const m = s.money.find((x) => x.currency === currency);
      return m ? pick(m) : '';
    }),
  ];
  const row = (label: string, pick: (s: ScopeMetrics) => string | number) => [label, ...scopes.map(([, s]) => pick(s))];
  return [
    row('item x locations', (s) => s.item_locations),
    ...currencies.flatMap((c) => [
      moneyRow('cost of goods issued', c, (m) => money(m.cost_of_goods_issued)),
      moneyRow('average inventory', c, (m) => money(m.average_inventory_value)),
      moneyRow('turnover a year', c, (m) => num(m.inventory_turnover, 2)),
      moneyRow('cash in stock', c, (m) => money(m.cash_in_stock)),
      moneyRow('days of supply', c, (m) => num(m.days_of_supply, 1)),
      moneyRow('holding cost', c, (m) => money(m.holding_cost)),
    ]),
    row('stock-out days', (s) => `${s.stock_out_days} (${pct(s.stock_out_rate)})`),
    row('fill rate from stock', (s) => pct(s.fill_rate)),
    row('  with lost demand', (s) => pct(s.estimated_fill_rate)),
    row('supplier OTIF', (s) => `${pct(s.supplier_otif)} of ${s.supplier_lines}`),
    row('orders a month', (s) => num(s.orders_per_month, 1)),
  ];
}

function pct(share: number | null): string {
  return share === null ? '-' : `${Number((share * 100).toFixed(1))} %`;
}

function num(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits);
}

function money(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

import type { Command } from 'commander';
import type { Page } from '../../services/pagination.js';
import {
  getSupplierScorecard,
  listLeadTimes,
  type SupplierItemLeadTimeView,
  type SupplierScorecard,
} from '../../services/planning/lead-time.service.js';
import type { ShiftReport } from '../../services/planning/lead-time-shift.service.js';
import { type CliDeps, formatTable, printResult, withDatabase } from '../io.js';

type LeadTimeOptions = {
  supplier?: string;
  sku?: string;
  limit: string;
  cursor?: string;
  db?: string;
  json?: boolean;
};

/** `leanstock lead-times`: measured lead times per supplier item. */
export function registerLeadTimesCommand(program: Command, deps: CliDeps): void {
  program
    .command('lead-times')
    .description(
      'Measured lead times per supplier item since its last shift: receipts, mean, s.d., p90, on time, in full, OTIF, the quoted lead time and the baseline the policies were planned on',
    )
    .option('--supplier <code>', 'only this supplier')
    .option('--sku <sku>', 'only this item')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (options: LeadTimeOptions) => {
      await withDatabase(deps, options.db, async (database) => {
        const page = await listLeadTimes(database, {
          now: deps.now(),
          ...(options.supplier !== undefined && { supplier: options.supplier }),
          ...(options.sku !== undefined && { sku: options.sku }),
          ...(options.cursor !== undefined && { cursor: options.cursor }),
          limit: Number(options.limit),
        });
        printResult(deps, options.json, page, () => describeLeadTimes(page));
      });
    });
}

/** `leanstock supplier scorecard CODE`, registered on the supplier command. */
export function registerScorecardCommand(supplier: Command, deps: CliDeps): void {
  supplier
    .command('scorecard <code>')
    .description(
      "A supplier's last year: OTIF, on time, in full, lead time (mean, s.d., p90 against the quote), a histogram, the monthly trend and the worst items",
    )
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (code: string, options: { db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const card = await getSupplierScorecard(database, code, { now: deps.now() });
        printResult(deps, options.json, card, () => describeScorecard(card));
      });
    });
}

/** What a shift detection after a receipt did, in a line per shift (empty when nothing shifted). */
export function describeShifts(report: ShiftReport | undefined): string {
  if (!report) return '';
  return report.shifts
    .map(
      (s) =>
        `Lead time of ${s.sku} from ${s.supplier} shifted: ${days(s.before.mean_days)} → ${days(s.after.mean_days)}; ${
          s.pairs.length === 0
            ? 'no policy orders from it'
            : `${s.replanned ? 're-planned' : 'NOT re-planned (see the error)'} ${s.pairs.map((p) => `${p.sku}@${p.location}`).join(', ')}`
        }.`,
    )
    .join('\n');
}

function describeLeadTimes(page: Page<SupplierItemLeadTimeView>): string {
  if (page.data.length === 0) return 'No supplier items match.';
  const table = formatTable(
    ['supplier', 'sku', 'receipts', 'mean', 's.d.', 'p90', 'quoted', 'on time', 'in full', 'OTIF', 'baseline'],
    page.data.map((r) => [
      r.supplier,
      r.sku,
      r.receipts,
      days(r.mean_days),
      days(r.sd_days),
      days(r.p90_days),
      days(r.quoted_lead_time_days),
      percent(r.on_time_rate),
      percent(r.in_full_rate),
      percent(r.otif),
      r.baseline === null
        ? null
        : `${days(r.baseline.mean_days)}${r.baseline.shifted_at ? ` since ${r.baseline.shifted_at.slice(0, 10)}` : ''}`,
    ]),
  );
  return page.next_cursor ? `${table}\nMore: leanstock lead-times --cursor ${page.next_cursor}` : table;
}

function describeScorecard(card: SupplierScorecard): string {
  const lead = card.lead_time;
  const lines = [
    `${card.supplier} — ${card.name}, ${card.from} to ${card.to}: ${card.lines} line${card.lines === 1 ? '' : 's'} delivered or closed`,
    `OTIF ${percent(card.otif)}  on time ${percent(card.on_time_rate)}  in full ${percent(card.in_full_rate)}`,
    `Lead time: mean ${days(lead.mean_days)}, s.d. ${days(lead.sd_days)}, p90 ${days(lead.p90_days)} over ${lead.receipts} receipt${lead.receipts === 1 ? '' : 's'}; quoted ${days(lead.quoted_days)}`,
  ];
  if (card.lines === 0) return [...lines, 'No deliveries in the period.'].join('\n');
  const most = Math.max(...card.histogram.map((b) => b.lines));
  lines.push(
    '',
    'Lead times (days):',
    ...card.histogram.map((b) =>
      `${`${b.from_days}–${b.to_days}`.padStart(9)}  ${'#'.repeat(Math.round((b.lines / most) * 40))} ${b.lines || ''}`.trimEnd(),
    ),
    '',
    formatTable(
      ['month', 'lines', 'mean lead time', 'on time', 'in full', 'OTIF'],
      card.monthly.map((m) => [
        m.month,
        m.lines,
        days(m.mean_lead_time_days),
        percent(m.on_time_rate),
        percent(m.in_full_rate),
        percent(m.otif),
      ]),
    ),
    '',
    'Worst items:',
    formatTable(
      ['sku', 'supplier sku', 'lines', 'late or short', 'OTIF', 'on time', 'in full', 'mean lead time', 'quoted'],
      card.worst_items.map((w) => [
        w.sku,
        w.supplier_sku,
        w.lines,
        w.failed_lines,
        percent(w.otif),
        percent(w.on_time_rate),
        percent(w.in_full_rate),
        days(w.mean_lead_time_days),
        days(w.quoted_lead_time_days),
      ]),
    ),
  );
  return lines.join('\n');
}

function days(value: number | null): string {
  return value === null ? '–' : `${Number(value.toFixed(1))} d`;
}

function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)} %`;
}

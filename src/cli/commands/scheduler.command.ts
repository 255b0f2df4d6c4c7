import type { Command } from 'commander';
import { DomainError } from '../../domain/errors.js';
import type { TriggerOutcome } from '../../services/purchasing/replenish.js';
import { runSchedulerTick, type SchedulerTick } from '../../services/scheduler.js';
import { type CliDeps, printResult, withDatabase } from '../io.js';
import { describeShifts } from './lead-times.command.js';

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function registerSchedulerCommand(program: Command, deps: CliDeps): void {
  const scheduler = program
    .command('scheduler')
    .description(
      'The in-server scheduler: periodic reviews, automatic sending of drafts and the hourly lead-time shift check',
    );

  scheduler
    .command('run-once')
    .description(
      'Run one scheduler tick (the due periodic reviews, then the drafts due for automatic sending) and say what it did; for cron instead of the server, or with LEANSTOCK_SCHEDULER=off',
    )
    .option('--now <instant>', 'act as of this ISO instant, e.g. 2026-03-03T05:00:00Z (default: now)')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output')
    .action(async (options: { now?: string; db?: string; json?: boolean }) => {
      const now = options.now === undefined ? deps.now() : parseInstant(options.now);
      const tick = await withDatabase(deps, options.db, (database) => runSchedulerTick(database, now));
      printResult(deps, options.json, tick, () => describeTick(tick));
      const failed =
        tick.reviews.errors.length + tick.auto_sends.errors.length + (tick.lead_time_shifts?.errors.length ?? 0);
      if (failed > 0) throw new Error(`${failed} scheduled task${failed === 1 ? '' : 's'} failed; see above`);
    });
}

function parseInstant(text: string): number {
  const match = ISO_INSTANT.exec(text);
  // Date.parse alone takes 30 February (as 2 March) and 24:00.
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const date = new Date(Date.UTC(year, month - 1, day));
  const validDate = match !== null && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const ms = Date.parse(text);
  if (!validDate || !Number.isFinite(ms)) {
    throw new DomainError('LS_VALIDATION', 'now: must be an ISO instant with a zone, e.g. 2026-03-03T05:00:00Z', [
      { field: 'now', message: 'must be an ISO instant with a zone, e.g. 2026-03-03T05:00:00Z', value: text },
    ]);
  }
  return ms;
}

function describeTick(tick: SchedulerTick): string {
  const { reviews, auto_sends: sends, lead_time_shifts: shifts } = tick;
  const lines = [`Scheduler tick at ${tick.now}`];
  const idle =
    reviews.reviews.length === 0 &&
    reviews.skipped === 0 &&
    reviews.errors.length === 0 &&
    sends.sent.length === 0 &&
    sends.waiting.length === 0 &&
    sends.errors.length === 0 &&
    (shifts === null || (shifts.shifts.length === 0 && shifts.errors.length === 0)) &&
    (tick.replan === null || tick.replan.moved_pairs === 0);
  if (idle) return `${lines[0]}: nothing was due.`;
  lines.push(
    `Periodic reviews: ${reviews.reviews.length} ran${reviews.skipped ? `, ${reviews.skipped} taken by another process` : ''}`,
  );
  for (const run of reviews.reviews) {
    const missed =
      run.missed > 0 ? ` (caught up ${run.missed} missed review${run.missed === 1 ? '' : 's'} at once)` : '';
    lines.push(
      `  ${run.sku}@${run.location} due ${run.due_at}: ${describeOutcomes(run.triggered)}${missed}; next ${run.next_review_at}`,
    );
  }
  for (const e of reviews.errors) lines.push(`  ${e.sku}@${e.location} failed: ${e.message}`);
  lines.push(`Automatic sending: ${sends.sent.length} sent, ${sends.waiting.length} waiting`);
  for (const s of sends.sent) lines.push(`  ${s.number} to ${s.supplier} sent`);
  for (const w of sends.waiting) lines.push(`  ${w.number} to ${w.supplier} waits until ${w.send_at}`);
  for (const e of sends.errors) lines.push(`  ${e.number} to ${e.supplier} failed: ${e.message}`);
  if (shifts && (shifts.shifts.length > 0 || shifts.errors.length > 0)) {
    lines.push(`Lead-time shifts: ${shifts.shifts.length} of ${shifts.checked} supplier items`);
    if (shifts.shifts.length > 0) lines.push(describeShifts(shifts).replace(/^/gm, '  '));
    for (const e of shifts.errors) lines.push(`  ${e.sku} from ${e.supplier} failed: ${e.message}`);
  }
  const replan = tick.replan;
  if (replan && replan.moved_pairs > 0) {
    lines.push(
      `Re-plan of what moved: ${replan.planned} of ${replan.moved_pairs} pairs planned, ${replan.changed} would change, ${replan.applied} applied`,
    );
    for (const p of replan.problems) lines.push(`  ${p.sku}@${p.location}: ${p.message}`);
  }
  return lines.join('\n');
}

function describeOutcomes(outcomes: TriggerOutcome[]): string {
  if (outcomes.length === 0) return 'at or above S, nothing ordered';
  return outcomes
    .map((o) =>
      o.kind === 'order_line'
        ? `ordered ${o.quantity} on ${o.purchase_order} (${o.supplier})`
        : `below target, not ordered: ${o.message}`,
    )
    .join('; ');
}

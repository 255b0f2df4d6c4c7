import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../../services/context.js';
import {
  type PlanLevels,
  type PlanLine,
  type PlanProgress,
  type PlanReport,
  planCatalogue,
  planPairsOfItem,
} from '../../services/planning/plan.service.js';
import {
  acceptRecommendation,
  getRecommendation,
  listPlanChanges,
  pinPolicy,
  type RecommendationDetail,
  unpinPolicy,
} from '../../services/planning/recommendation.service.js';
import {
  getPlanningSettings,
  type PlanningSettingsView,
  parseSettingAssignments,
  SETTING_KEYS,
  SETTING_RULES,
  toSettingsView,
  updatePlanningSettings,
} from '../../services/planning/settings.service.js';
import { formatRecord } from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';
import { triggeredText } from './po.command.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;
/** Rows of the change table unless --all. */
const SHOWN_LINES = 50;

type PlanCommandOptions = {
  apply?: boolean;
  sku?: string;
  threads?: string;
  note?: string;
  all?: boolean;
  db?: string;
  json?: boolean;
};

export function registerPlanCommands(program: Command, deps: CliDeps): void {
  const context = (): ServiceContext => ({ actor: cliActor(deps), now: deps.now() });
  const plan = program
    .command('plan')
    .description(
      'Re-plan the catalogue from its demand history: forecast, classify, recommend a policy per item and location, and show what would change (--apply sets the auto policies)',
    )
    .configureHelp({ showGlobalOptions: true })
    .option('--apply', "set the recommended policies of 'auto' pairs (pinned and overridden ones are kept)")
    .option('--sku <sku>', 'only this item (all its locations)')
    .option('--threads <n>', 'forecasting threads; 0 runs inline (default: the cores, at most 8)')
    .option('--note <text>', 'recorded with each change --apply makes')
    .option('--all', `list every change, not only the first ${SHOWN_LINES}`)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (options: PlanCommandOptions) => {
      const threads = options.threads === undefined ? undefined : readThreads(options.threads);
      const report = await withDatabase(deps, options.db, async (database) => {
        const pairs = options.sku === undefined ? undefined : await planPairsOfItem(database, options.sku);
        const progress = progressBar(deps);
        try {
          return await planCatalogue(database, context(), {
            apply: options.apply === true,
            ...(pairs !== undefined && { pairs }),
            ...(threads !== undefined && { threads }),
            ...(options.note !== undefined && { note: options.note }),
            ...(progress && { onProgress: progress.update }),
          });
        } finally {
          progress?.stop();
        }
      });
      printResult(deps, options.json, report, () => describePlan(report, options));
    });

  plan
    .command('explain <sku> <location>')
    .description('Why the recommendation is what it is: inputs, each formula with its values, and a summary')
    .action(async (sku: string, location: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ db?: string; json?: boolean }>();
      const detail = await withDatabase(deps, options.db, (database) => getRecommendation(database, sku, location));
      printResult(deps, options.json, detail, () => describeExplanation(detail));
    });

  plan
    .command('accept <sku> <location>')
    .description('Set the recommendation as the policy of this item and location (whatever its planning mode)')
    .option('--note <text>', 'recorded with the change')
    .action(async (sku: string, location: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ note?: string; db?: string; json?: boolean }>();
      const outcome = await withDatabase(deps, options.db, (database) =>
        acceptRecommendation(database, sku, location, context(), options.note),
      );
      printResult(deps, options.json, outcome, () =>
        outcome.changed
          ? `Accepted: ${sku} at ${location} is now ${describeLevels(outcome.recommendation)}.${
              outcome.triggered.length > 0 ? `\n${triggeredText(outcome.triggered)}` : ''
            }`
          : `${sku} at ${location} already has the recommended policy (${describeLevels(outcome.recommendation)}).`,
      );
    });

  for (const [verb, act, done] of [
    ['pin', pinPolicy, 'pinned: the planner keeps it as it is'],
    ['unpin', unpinPolicy, 'back to auto: the planner may change it'],
  ] as const) {
    plan
      .command(`${verb} <sku> <location>`)
      .description(
        verb === 'pin'
          ? 'Keep the policy of this item and location as it is (plan --apply and the server leave it alone)'
          : 'Let the planner change the policy again (ends a pin or an override)',
      )
      .action(async (sku: string, location: string, _options: unknown, command: Command) => {
        const options = command.optsWithGlobals<{ db?: string; json?: boolean }>();
        const policy = await withDatabase(deps, options.db, (database) => act(database, sku, location, context()));
        printResult(deps, options.json, policy, () => `The policy of ${sku} at ${location} is ${done}.`);
      });
  }

  plan
    .command('changes')
    .description(
      'The log of what the planner changed and why (plan --apply, accept, lead-time shifts), newest first; --sku for one item',
    )
    .option('--location <code>', 'only this location')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{
        sku?: string;
        location?: string;
        limit: string;
        cursor?: string;
        db?: string;
        json?: boolean;
      }>();
      const page = await withDatabase(deps, options.db, (database) =>
        listPlanChanges(database, {
          ...(options.sku !== undefined && { sku: options.sku }),
          ...(options.location !== undefined && { location: options.location }),
          ...(options.cursor !== undefined && { cursor: options.cursor }),
          limit: Number(options.limit),
        }),
      );
      printResult(deps, options.json, page, () => {
        if (page.data.length === 0) return 'No planned changes yet.';
        const table = formatTable(
          ['at', 'cause', 'sku', 'location', 'before', 'after', 'by', 'note'],
          page.data.map((c) => [
            c.at,
            c.cause,
            c.sku,
            c.location,
            c.before === null ? '(none)' : describePolicyJson(c.before),
            c.after === null ? '(none)' : describePolicyJson(c.after),
            c.actor,
            c.note,
          ]),
        );
        return page.next_cursor ? `${table}\nMore: leanstock plan changes --cursor ${page.next_cursor}` : table;
      });
    });

  plan
    .command('settings')
    .description(
      `Show the planning settings, or change some: --set key=value (repeatable). Keys: ${SETTING_KEYS.join(', ')}`,
    )
    .option('--set <key=value>', 'change a setting, e.g. --set service_level_a=0.99', collect, [] as string[])
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ set: string[]; db?: string; json?: boolean }>();
      const view = await withDatabase(deps, options.db, async (database) =>
        options.set.length === 0
          ? toSettingsView(await getPlanningSettings(database))
          : updatePlanningSettings(database, context(), parseSettingAssignments(options.set)),
      );
      printResult(deps, options.json, view, () => describeSettings(view));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function readThreads(text: string): number {
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 0 || threads > 64) {
    throw new DomainError('LS_VALIDATION', 'threads: must be a whole number from 0 to 64', [
      { field: 'threads', message: 'must be a whole number from 0 to 64', value: text },
    ]);
  }
  return threads;
}

const PHASE_NAMES: Record<Parameters<PlanProgress>[0], string> = {
  history: 'Demand history',
  forecast: 'Forecasting',
  write: 'Storing',
  apply: 'Applying',
};

/** A progress bar on standard error (terminals only), restarted for each phase. */
function progressBar(deps: CliDeps): { update: PlanProgress; stop: () => void } | undefined {
  if (!deps.isTty) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{phase} [{bar}] {percentage}% | {value}/{total} | ETA {eta}s',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | undefined;
  return {
    update: (next, done, total) => {
      if (next !== phase) {
        if (phase !== undefined) bar.stop();
        phase = next;
        bar.start(Math.max(total, 1), done, { phase: PHASE_NAMES[next].padEnd(14) });
        return;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop: () => {
      if (phase !== undefined) bar.stop();
    },
  };
}

function describePlan(report: PlanReport, options: PlanCommandOptions): string {
  const total = Object.values(report.phases).reduce((sum, seconds) => sum + seconds, 0);
  const skipped = report.lines.filter((line) => line.status === 'skipped');
  const reasons = new Map<string, number>();
  for (const line of skipped) reasons.set(line.skip_reason!, (reasons.get(line.skip_reason!) ?? 0) + 1);
  const { counts } = report;
  const out = [
    `${report.pairs.toLocaleString('en')} item x location pairs planned in ${total.toFixed(1)} s ` +
      `(${report.threads === 0 ? 'inline' : `${report.threads} threads`}): ${counts.new} new, ${counts.changed} changed, ` +
      `${counts.unchanged} unchanged, ${counts.skipped} skipped` +
      (reasons.size > 0 ? ` (${[...reasons].map(([why, n]) => `${n} ${why.replaceAll('_', ' ')}`).join(', ')})` : '') +
      '.',
  ];
  const shown = options.all ? report.lines : report.lines.slice(0, SHOWN_LINES);
  if (shown.length > 0) {
    out.push(
      '',
      formatTable(
        ['sku', 'location', 'change', 's', 'S', 'strategy', 'reason'],
        shown.map((line) => [
          line.sku,
          line.location,
          changeOf(line),
          move(line.before, line.after, 'reorder_point'),
          move(line.before, line.after, 'target'),
          `${line.strategy} ${line.abc}`,
          line.reason,
        ]),
      ),
    );
    if (shown.length < report.lines.length) {
      out.push(`… and ${report.lines.length - shown.length} more (--all lists them, --json gives everything).`);
    }
  }
  for (const problem of report.problems.slice(0, 20)) {
    out.push(`Not planned: ${problem.sku} at ${problem.location}: ${problem.message}`);
  }
  if (report.problems.length > 20) out.push(`… and ${report.problems.length - 20} more not planned.`);
  if (options.apply) {
    out.push(
      '',
      `Applied ${report.applied} polic${report.applied === 1 ? 'y' : 'ies'}; the trigger drafted ${report.triggered} order line${report.triggered === 1 ? '' : 's'}.`,
    );
  } else if (counts.new + counts.changed > 0) {
    out.push('', 'Nothing was changed: run `leanstock plan --apply` to set the new and changed policies.');
  }
  out.push('Why a level is what it is: leanstock plan explain SKU LOCATION');
  return out.join('\n');
}

function changeOf(line: PlanLine): string {
  if (line.status === 'skipped') return `kept (${line.skip_reason!.replaceAll('_', ' ')})`;
  const kind = line.before !== null && line.before.kind !== line.after.kind ? ` → ${line.after.kind}` : '';
  return `${line.applied ? 'applied' : line.status}${kind}`;
}

/** "10 → 140", "→ 42" for a new policy, or the kanban loop "2 × 10 → 4 × 10" in the s column. */
function move(before: PlanLevels | null, after: PlanLevels, field: 'reorder_point' | 'target'): string {
  const value = (levels: PlanLevels | null) => {
    if (levels === null) return '';
    if (levels.kind === 'kanban')
      return field === 'reorder_point' ? `${levels.cards} × ${levels.container_quantity}` : '';
    if (levels.kind === 'periodic_review' && field === 'reorder_point') return `every ${levels.review_days} d`;
    const v = levels[field];
    return v === null ? '' : String(v);
  };
  const was = value(before);
  const now = value(after);
  if (was === now) return now;
  return `${was} → ${now}`.trim();
}

function describeLevels(levels: PlanLevels): string {
  return describePolicyJson(levels as unknown as Record<string, unknown>);
}

function describePolicyJson(policy: Record<string, unknown>): string {
  const parts = [String(policy['kind'])];
  const add = (label: string, field: string) => {
    if (policy[field] !== null && policy[field] !== undefined) parts.push(`${label} ${String(policy[field])}`);
  };
  add('s', 'reorder_point');
  add('S', 'target');
  add('cards', 'cards');
  add('of', 'container_quantity');
  add('every (days)', 'review_days');
  return parts.join(' ');
}

function describeExplanation(detail: RecommendationDetail): string {
  const current = detail.current_policy;
  const head = [
    `${detail.sku} at ${detail.location}: ${describeLevels(detail)} — ${detail.strategy} (${detail.abc}/${detail.xyz})`,
    `Planned ${detail.computed_at} on demand through ${detail.data_through}.`,
    current === null
      ? 'No policy in force yet.'
      : `In force: ${describeLevels(current)} (${current.planning}); the recommendation is ${detail.status}.`,
  ];
  const inputs = formatRecord(
    Object.entries(detail.explanation.inputs)
      .filter(([, value]) => value !== null)
      .map(([name, value]) => [name, typeof value === 'number' ? formatNumber(value) : String(value)]),
  );
  const steps = formatTable(
    ['step', 'formula', 'value', 'unit'],
    detail.explanation.steps.map((step) => [step.name, step.formula, formatNumber(step.value), step.unit]),
  );
  return [
    ...head,
    '',
    'Inputs',
    indent(inputs),
    '',
    'Steps',
    indent(steps),
    '',
    'Summary',
    indent(detail.explanation.summary),
    '',
    `Why ${detail.strategy.replaceAll('_', ' ')}`,
    ...detail.reasons.map((reason) => `  - ${reason}`),
  ].join('\n');
}

function describeSettings(view: PlanningSettingsView): string {
  return formatTable(
    ['setting', 'value', 'meaning'],
    SETTING_KEYS.map((key) => [key, String(view[key]), SETTING_RULES[key].description]),
  );
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}

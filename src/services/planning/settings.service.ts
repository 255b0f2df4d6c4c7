import { type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { DEFAULT_PLANNING_SETTINGS, type PlanningSettings } from '../../domain/planning/types.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';

/**
 * The planning settings as the API and the CLI show and take them: one flat snake_case key per value, so that
 * `PATCH` bodies, `plan settings --set key=value` and the `planning_settings` rows all use the same names.
 */
export type PlanningSettingsView = {
  service_level_a: number;
  service_level_b: number;
  service_level_c: number;
  service_type: 'cycle' | 'fill_rate';
  holding_rate_per_year: number;
  ordering_cost: number;
  target_rule: 'eoq' | 'days_of_cover';
  cover_days: number;
  history_days: number;
  abc_cutoff_a: number;
  abc_cutoff_b: number;
  xyz_cutoff_x: number;
  xyz_cutoff_y: number;
  count_interval_days_a: number;
  count_interval_days_b: number;
  count_interval_days_c: number;
  otif_threshold: number;
  long_lead_time_days: number;
  unstable_lead_time_cv: number;
  buffer_days: number;
  auto_apply: boolean;
};

export type SettingKey = keyof PlanningSettingsView;

type SettingRule =
  | { type: 'fraction'; description: string }
  | { type: 'number'; min: number; minExclusive?: boolean; max?: number; integer?: boolean; description: string }
  | { type: 'choice'; choices: readonly string[]; description: string }
  | { type: 'boolean'; description: string };

const FRACTION = (description: string): SettingRule => ({ type: 'fraction', description });

/** Every setting, its rule, and what it means (the CLI's `plan settings --help` lists them). */
export const SETTING_RULES: Record<SettingKey, SettingRule> = {
  service_level_a: FRACTION('service target of class A items, 0 < x < 1'),
  service_level_b: FRACTION('service target of class B items, 0 < x < 1'),
  service_level_c: FRACTION('service target of class C items, 0 < x < 1'),
  service_type: { type: 'choice', choices: ['cycle', 'fill_rate'], description: 'what the service target means' },
  holding_rate_per_year: {
    type: 'number',
    min: 0,
    minExclusive: true,
    max: 10,
    description: 'holding cost as a fraction of unit cost per year',
  },
  ordering_cost: { type: 'number', min: 0, description: 'cost of one order when the supplier has none, money units' },
  target_rule: { type: 'choice', choices: ['eoq', 'days_of_cover'], description: 'how the order-up-to level is set' },
  cover_days: { type: 'number', min: 0, minExclusive: true, max: 3650, description: 'days of cover of the target' },
  history_days: {
    type: 'number',
    min: 28,
    max: 3660,
    integer: true,
    description: 'days of demand history the planner reads',
  },
  abc_cutoff_a: FRACTION('cumulative share of annual consumption value that closes class A'),
  abc_cutoff_b: FRACTION('cumulative share of annual consumption value that closes class B'),
  xyz_cutoff_x: { type: 'number', min: 0, minExclusive: true, description: 'demand CV that closes class X' },
  xyz_cutoff_y: { type: 'number', min: 0, minExclusive: true, description: 'demand CV that closes class Y' },
  count_interval_days_a: { type: 'number', min: 1, max: 3660, integer: true, description: 'days between counts, A' },
  count_interval_days_b: { type: 'number', min: 1, max: 3660, integer: true, description: 'days between counts, B' },
  count_interval_days_c: { type: 'number', min: 1, max: 3660, integer: true, description: 'days between counts, C' },
  otif_threshold: FRACTION('a supplier OTIF below this is a supply risk'),
  long_lead_time_days: { type: 'number', min: 0, minExclusive: true, description: 'a lead time this long is long' },
  unstable_lead_time_cv: {
    type: 'number',
    min: 0,
    minExclusive: true,
    description: 'lead-time CV at which the lead time is unstable',
  },
  buffer_days: { type: 'number', min: 0, max: 3650, description: 'extra days of demand a buffered item holds' },
  auto_apply: { type: 'boolean', description: "whether the server applies re-plans of 'auto' policies itself" },
};

export const SETTING_KEYS = Object.keys(SETTING_RULES) as SettingKey[];

const ENTITY = 'planning_settings';

/** The settings in force: the defaults, overridden by the stored `planning_settings` rows. */
export async function getPlanningSettings(database: Database): Promise<PlanningSettings> {
  return readTransaction(database, (tx) => readPlanningSettings(tx));
}

/** The same, inside the caller's transaction. */
export async function readPlanningSettings(tx: Tx): Promise<PlanningSettings> {
  const rows = await tx.selectFrom('planning_settings').select(['key', 'value']).execute();
  const view = toSettingsView(DEFAULT_PLANNING_SETTINGS);
  for (const row of rows) {
    if (!(row.key in SETTING_RULES)) continue;
    (view as Record<string, unknown>)[row.key] = JSON.parse(row.value);
  }
  return fromSettingsView(view);
}

/**
 * Changes some settings. Every field is validated (unknown keys, types, ranges, and the pairs that must be ordered:
 * `abc_cutoff_a < abc_cutoff_b`, `xyz_cutoff_x < xyz_cutoff_y`); any problem refuses the whole patch, naming the
 * field. The change is audited with the values before and after; settings set to what they already are write nothing.
 */
export async function updatePlanningSettings(
  database: Database,
  ctx: ServiceContext,
  patch: unknown,
): Promise<PlanningSettingsView> {
  return idempotentWrite(database, ctx, 'PATCH /planning/settings', patch, async (tx) => {
    const current = toSettingsView(await readPlanningSettings(tx));
    const changes = parseSettingsPatch(patch, current);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(changes) as [SettingKey, unknown][]) {
      if (current[key] === value) continue;
      before[key] = current[key];
      after[key] = value;
      await tx
        .insertInto('planning_settings')
        .values({ key, value: JSON.stringify(value), updated_at: ctx.now, updated_by: ctx.actor })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: ctx.now, updated_by: ctx.actor }),
        )
        .execute();
    }
    if (Object.keys(after).length > 0) {
      await recordAudit(tx, ctx, { entity: ENTITY, entityKey: 'planning', action: 'update', before, after });
    }
    return { ...current, ...changes };
  });
}

/** Validates a patch against the settings in force; answers only the keys it sets. */
export function parseSettingsPatch(patch: unknown, current: PlanningSettingsView): Partial<PlanningSettingsView> {
  const problems: FieldProblem[] = [];
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throwIfProblems([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const input = patch as Record<string, unknown>;
  if (Object.keys(input).length === 0) problems.push({ field: 'body', message: 'must set at least one setting' });
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const rule = (SETTING_RULES as Record<string, SettingRule | undefined>)[key];
    if (!rule) {
      problems.push({ field: key, message: `is not a planning setting; expected one of ${SETTING_KEYS.join(', ')}` });
      continue;
    }
    const problem = checkSetting(rule, value);
    if (problem) problems.push({ field: key, message: problem, value });
    else changes[key] = value;
  }
  const merged = { ...current, ...changes } as PlanningSettingsView;
  if (problems.length === 0) {
    if (merged.abc_cutoff_a >= merged.abc_cutoff_b) {
      const field = 'abc_cutoff_b' in changes ? 'abc_cutoff_b' : 'abc_cutoff_a';
      problems.push({
        field,
        message: `abc_cutoff_a (${merged.abc_cutoff_a}) must be below abc_cutoff_b (${merged.abc_cutoff_b})`,
      });
    }
    if (merged.xyz_cutoff_x >= merged.xyz_cutoff_y) {
      const field = 'xyz_cutoff_y' in changes ? 'xyz_cutoff_y' : 'xyz_cutoff_x';
      problems.push({
        field,
        message: `xyz_cutoff_x (${merged.xyz_cutoff_x}) must be below xyz_cutoff_y (${merged.xyz_cutoff_y})`,
      });
    }
  }
  throwIfProblems(problems);
  return changes as Partial<PlanningSettingsView>;
}

function checkSetting(rule: SettingRule, value: unknown): string | undefined {
  switch (rule.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && rule.choices.includes(value)
        ? undefined
        : `must be one of ${rule.choices.join(', ')}`;
    case 'fraction':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (value <= 0) return 'must be > 0';
      if (value >= 1) return 'must be < 1';
      return undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (rule.integer && !Number.isInteger(value)) return 'must be a whole number';
      if (rule.minExclusive ? value <= rule.min : value < rule.min)
        return `must be ${rule.minExclusive ? '>' : '≥'} ${rule.min}`;
      if (rule.max !== undefined && value > rule.max) return `must be ≤ ${rule.max}`;
      return undefined;
  }
}

/**
 * Turns `key=value` strings from the command line into a patch: numbers, `true`/`false` and words by the key's rule
 * (an unknown key or a malformed value is left as text for the validator to name).
 */
export function parseSettingAssignments(assignments: readonly string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    if (at <= 0) {
      problems.push({ field: 'set', message: `expected key=value, got "${assignment}"`, value: assignment });
      continue;
    }
    const key = assignment.slice(0, at).trim().replaceAll('-', '_');
    const text = assignment.slice(at + 1).trim();
    const rule = (SETTING_RULES as Record<string, SettingRule | undefined>)[key];
    if (rule?.type === 'boolean') patch[key] = text === 'true' ? true : text === 'false' ? false : text;
    else if (rule?.type === 'fraction' || rule?.type === 'number')
      patch[key] = text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    else patch[key] = text;
  }
  throwIfProblems(problems);
  return patch;
}

export function toSettingsView(settings: PlanningSettings): PlanningSettingsView {
  return {
    service_level_a: settings.serviceLevels.A,
    service_level_b: settings.serviceLevels.B,
    service_level_c: settings.serviceLevels.C,
    service_type: settings.serviceType,
    holding_rate_per_year: settings.holdingRatePerYear,
    ordering_cost: settings.orderingCost,
    target_rule: settings.targetRule,
    cover_days: settings.coverDays,
    history_days: settings.historyDays,
    abc_cutoff_a: settings.abcCutoffs[0],
    abc_cutoff_b: settings.abcCutoffs[1],
    xyz_cutoff_x: settings.xyzCutoffs[0],
    xyz_cutoff_y: settings.xyzCutoffs[1],
    count_interval_days_a: settings.countIntervalDays.A,
    count_interval_days_b: settings.countIntervalDays.B,
    count_interval_days_c: settings.countIntervalDays.C,
    otif_threshold: settings.otifThreshold,
    long_lead_time_days: settings.longLeadTimeDays,
    unstable_lead_time_cv: settings.unstableLeadTimeCv,
    buffer_days: settings.bufferDays,
    auto_apply: settings.autoApply,
  };
}

export function fromSettingsView(view: PlanningSettingsView): PlanningSettings {
  return {
    serviceLevels: { A: view.service_level_a, B: view.service_level_b, C: view.service_level_c },
    serviceType: view.service_type,
    holdingRatePerYear: view.holding_rate_per_year,
    orderingCost: view.ordering_cost,
    targetRule: view.target_rule,
    coverDays: view.cover_days,
    historyDays: view.history_days,
    abcCutoffs: [view.abc_cutoff_a, view.abc_cutoff_b],
    xyzCutoffs: [view.xyz_cutoff_x, view.xyz_cutoff_y],
    countIntervalDays: { A: view.count_interval_days_a, B: view.count_interval_days_b, C: view.count_interval_days_c },
    otifThreshold: view.otif_threshold,
    longLeadTimeDays: view.long_lead_time_days,
    unstableLeadTimeCv: view.unstable_lead_time_cv,
    bufferDays: view.buffer_days,
    autoApply: view.auto_apply,
  };
}

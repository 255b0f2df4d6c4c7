import { DomainError } from '../../domain/errors.js';
import { toMoney } from '../../domain/money.js';
import { recommendPolicy } from '../../domain/planning/recommend.js';
import type { Explanation, RiskFlag, Strategy } from '../../domain/planning/types.js';
import { toQuantity } from '../../domain/quantity.js';
import { STRATEGIES } from '../../domain/strategy/classify-portfolio.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import {
  findRecommendationRow,
  listPlanChangeRows,
  listRecommendationRows,
  lockPlanPolicies,
  type RecommendationWithPolicyRow,
  restoreRecommendInput,
  setPolicyPlanning,
} from '../../store/planning/plan.repository.js';
import { findPolicyRow } from '../../store/policy.repository.js';
import type { PlanningMode } from '../../store/schema.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { requireItemRow } from '../item.service.js';
import { requireLocationRow } from '../location.service.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { type PolicyView, toPolicyView } from '../policy.service.js';
import type { TriggerOutcome } from '../purchasing/replenish.js';
import {
  applyPlannedChanges,
  levelsOfPolicy,
  type PlanLevels,
  pairKey,
  plannedPolicy,
  sameLevels,
} from './plan.service.js';

/** The policy in force at a recommendation's pair, as the planner compares them. */
export type CurrentPolicyView = PlanLevels & { planning: PlanningMode };

/** A stored recommendation as the API and the CLI show it (quantities in units, money in major units). */
export type RecommendationView = {
  sku: string;
  location: string;
  kind: string;
  reorder_point: number | null;
  target: number | null;
  cards: number | null;
  container_quantity: number | null;
  review_days: number | null;
  safety_stock: number | null;
  order_quantity: number | null;
  forecast_method: string | null;
  demand_class: string | null;
  mean_per_day: number | null;
  sd_per_day: number | null;
  lead_time_days: number | null;
  lead_time_sd_days: number | null;
  lead_time_source: string | null;
  service_level: number | null;
  service_type: string | null;
  abc: string | null;
  xyz: string | null;
  strategy: Strategy;
  buffer_days: number | null;
  /** Annual consumption value in the item's currency, major units. */
  annual_value: number | null;
  currency: string;
  risk_flags: RiskFlag[];
  reasons: string[];
  /** new: no policy yet; changed: differs from the policy in force; unchanged: the same levels. */
  status: 'new' | 'changed' | 'unchanged';
  current_policy: CurrentPolicyView | null;
  computed_at: string;
  data_through: string;
};

export type RecommendationDetail = RecommendationView & { explanation: Explanation };

export type RecommendationQuery = {
  sku?: string;
  location?: string;
  strategy?: string;
  /** Only those that differ from the policy in force (true) or match it (false). */
  changed?: boolean;
  cursor?: string;
  limit?: number;
};

/** Recommendations by SKU and location code, a page at a time. */
export async function listRecommendations(
  database: Database,
  query: RecommendationQuery,
): Promise<Page<RecommendationView>> {
  const limit = checkPageLimit(query.limit);
  if (query.strategy !== undefined && !(STRATEGIES as readonly string[]).includes(query.strategy)) {
    throw new DomainError('LS_VALIDATION', `strategy: must be one of ${STRATEGIES.join(', ')}`, [
      { field: 'strategy', message: `must be one of ${STRATEGIES.join(', ')}`, value: query.strategy },
    ]);
  }
  const after =
    query.cursor === undefined
      ? undefined
      : (([s, l]) => ({ sku: String(s), location: String(l) }))(decodeCursor(query.cursor, 2, 'cursor'));
  const rows = await readTransaction(database, async (tx) => {
    const itemId = query.sku === undefined ? undefined : Number((await requireItemRow(tx, query.sku)).id);
    const locationId =
      query.location === undefined ? undefined : Number((await requireLocationRow(tx, query.location, 'location')).id);
    return listRecommendationRows(tx, {
      ...(itemId !== undefined && { itemId }),
      ...(locationId !== undefined && { locationId }),
      ...(query.strategy !== undefined && { strategy: query.strategy }),
      ...(query.changed !== undefined && { changed: query.changed }),
      ...(after !== undefined && { after }),
      limit: limit + 1,
    });
  });
  const currencies = await currenciesOf(database, rows);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => toRecommendationView(row, currencies.get(Number(row.item_id)) ?? 'EUR')),
    next_cursor: rows.length > limit && last ? encodeCursor([last.sku, last.location_code]) : null,
  };
}

/** One recommendation with its explanation and the policy in force; LS_NOT_FOUND when the pair was never planned. */
export async function getRecommendation(
  database: Database,
  sku: string,
  location: string,
): Promise<RecommendationDetail> {
  return readTransaction(database, async (tx) => {
    const { row, currency } = await requireRecommendation(tx, sku, location);
    const input = restoreRecommendInput(row.recommend_input, JSON.parse(row.reasons) as string[]);
    return { ...toRecommendationView(row, currency), explanation: recommendPolicy(input).explanation };
  });
}

export type AcceptOutcome = {
  recommendation: RecommendationView;
  policy: PolicyView;
  /** False when the policy already had the recommended levels. */
  changed: boolean;
  triggered: TriggerOutcome[];
};

/**
 * Sets the stored recommendation of one pair as its policy (cause 'accept'), whatever its planning mode: the planner
 * chose it; the mode stays as it was. Logged in plan_changes and audited; the trigger runs at once. A recommendation
 * that is no usable policy (e.g. a target of 0: no demand and nothing to order) is refused as LS_INVALID_STATE.
 */
export async function acceptRecommendation(
  database: Database,
  sku: string,
  location: string,
  ctx: ServiceContext,
  note?: string,
): Promise<AcceptOutcome> {
  return idempotentWrite(database, ctx, `POST /recommendations/${sku}/${location}/accept`, { note }, async (tx) => {
    const { row, currency } = await requireRecommendation(tx, sku, location);
    const itemId = Number(row.item_id);
    const locationId = Number(row.location_id);
    const [current] = await lockPlanPolicies(tx, database.dialect, [{ itemId, locationId }]);
    const supplierCodes = new Map<number, string>();
    if (current?.supplier_id != null) {
      const supplier = await tx
        .selectFrom('suppliers')
        .select(['id', 'code'])
        .where('id', '=', current.supplier_id)
        .executeTakeFirst();
      if (supplier) supplierCodes.set(Number(supplier.id), supplier.code);
    }
    const units = (milli: number | null) => (milli === null ? null : toQuantity(Number(milli)));
    const policy = plannedPolicy(
      {
        kind: row.kind as 'reorder_point',
        reorderPoint: units(row.reorder_point_milli),
        target: units(row.target_milli),
        cards: row.cards === null ? null : Number(row.cards),
        containerQuantity: units(row.container_quantity_milli),
        reviewDays: row.review_days === null ? null : Number(row.review_days),
      },
      current ?? null,
      supplierCodes,
    );
    if (!policy.ok) {
      throw new DomainError(
        'LS_INVALID_STATE',
        `recommendation: ${sku} at ${location} is no usable policy (${policy.message})`,
        [{ field: 'recommendation', message: `is no usable policy: ${policy.message}`, value: `${sku}@${location}` }],
      );
    }
    const view = toRecommendationView(row, currency);
    let changed = false;
    let triggered: TriggerOutcome[] = [];
    if (current === undefined || !sameLevels(levelsOfPolicy(current), levelsOfPolicy(recommendedColumns(row)))) {
      const outcome = await applyPlannedChanges(
        tx,
        database,
        ctx,
        [{ itemId, locationId, sku: row.sku, location: row.location_code, before: current ?? null, policy }],
        { cause: 'accept', force: true, ...(note !== undefined && { note }) },
      );
      changed = !outcome.skipped.has(pairKey(itemId, locationId));
      triggered = outcome.triggered;
    }
    const stored = await findPolicyRow(tx, itemId, locationId);
    return { recommendation: view, policy: toPolicyView(stored!), changed, triggered };
  });
}

/** Pins a policy: the planner keeps it as it is (plan --apply, lead-time shifts and the server leave it alone). */
export async function pinPolicy(
  database: Database,
  sku: string,
  location: string,
  ctx: ServiceContext,
): Promise<PolicyView> {
  return setPlanningMode(database, sku, location, 'pinned', ctx);
}

/** Unpins (or ends the override of) a policy: the planner may change it again. */
export async function unpinPolicy(
  database: Database,
  sku: string,
  location: string,
  ctx: ServiceContext,
): Promise<PolicyView> {
  return setPlanningMode(database, sku, location, 'auto', ctx);
}

async function setPlanningMode(
  database: Database,
  sku: string,
  location: string,
  planning: PlanningMode,
  ctx: ServiceContext,
): Promise<PolicyView> {
  const verb = planning === 'pinned' ? 'pin' : 'unpin';
  return idempotentWrite(database, ctx, `POST /recommendations/${sku}/${location}/${verb}`, null, async (tx) => {
    const item = await requireItemRow(tx, sku);
    const place = await requireLocationRow(tx, location, 'location');
    const row = await findPolicyRow(tx, item.id, place.id);
    if (!row) {
      throw new DomainError('LS_NOT_FOUND', `policy: ${sku} has no policy at ${location} to ${verb}`, [
        {
          field: 'policy',
          message: `none set for this item and location; nothing to ${verb}`,
          value: `${sku}@${location}`,
        },
      ]);
    }
    if (row.planning === planning) return toPolicyView(row);
    await setPolicyPlanning(tx, item.id, place.id, planning, ctx.now);
    await recordAudit(tx, ctx, {
      entity: 'policy',
      entityKey: `${item.sku}@${place.code}`,
      action: 'update',
      before: { planning: row.planning },
      after: { planning },
    });
    return toPolicyView((await findPolicyRow(tx, item.id, place.id))!);
  });
}

/** One entry of the plan change log. */
export type PlanChangeView = {
  id: number;
  at: string;
  actor: string;
  cause: string;
  sku: string;
  location: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  note: string | null;
};

export type PlanChangeQuery = { sku?: string; location?: string; cursor?: string; limit?: number };

/** What the planner changed and why (cause, note), newest first. */
export async function listPlanChanges(database: Database, query: PlanChangeQuery): Promise<Page<PlanChangeView>> {
  const limit = checkPageLimit(query.limit);
  const beforeId = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, async (tx) => {
    const itemId = query.sku === undefined ? undefined : Number((await requireItemRow(tx, query.sku)).id);
    const locationId =
      query.location === undefined ? undefined : Number((await requireLocationRow(tx, query.location, 'location')).id);
    return listPlanChangeRows(tx, {
      ...(itemId !== undefined && { itemId }),
      ...(locationId !== undefined && { locationId }),
      ...(beforeId !== undefined && { beforeId }),
      limit: limit + 1,
    });
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => ({
      id: Number(row.id),
      at: new Date(Number(row.at)).toISOString(),
      actor: row.actor,
      cause: row.cause,
      sku: row.sku,
      location: row.location_code,
      before: row.before === null ? null : (JSON.parse(row.before) as Record<string, unknown>),
      after: row.after === null ? null : (JSON.parse(row.after) as Record<string, unknown>),
      note: row.note,
    })),
    next_cursor: rows.length > limit && last ? encodeCursor([Number(last.id)]) : null,
  };
}

async function requireRecommendation(
  tx: Tx,
  sku: string,
  location: string,
): Promise<{ row: RecommendationWithPolicyRow; currency: string }> {
  const item = await requireItemRow(tx, sku);
  const place = await requireLocationRow(tx, location, 'location');
  const row = await findRecommendationRow(tx, item.id, place.id);
  if (!row) {
    throw new DomainError(
      'LS_NOT_FOUND',
      `recommendation: none for ${sku} at ${location}; run leanstock plan (or POST /api/v1/plan) first`,
      [{ field: 'recommendation', message: 'none for this item and location yet', value: `${sku}@${location}` }],
    );
  }
  return { row, currency: item.currency };
}

async function currenciesOf(database: Database, rows: RecommendationWithPolicyRow[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.map((row) => Number(row.item_id)))];
  if (ids.length === 0) return new Map();
  const items = await database.db.selectFrom('items').select(['id', 'currency']).where('id', 'in', ids).execute();
  return new Map(items.map((item) => [Number(item.id), item.currency]));
}

function recommendedColumns(row: RecommendationWithPolicyRow) {
  return {
    kind: row.kind,
    reorder_point_milli: row.reorder_point_milli,
    target_milli: row.target_milli,
    cards: row.cards,
    container_quantity_milli: row.container_quantity_milli,
    review_days: row.review_days,
  };
}

function toRecommendationView(row: RecommendationWithPolicyRow, currency: string): RecommendationView {
  const units = (milli: number | null) => (milli === null ? null : toQuantity(Number(milli)));
  const levels = levelsOfPolicy(recommendedColumns(row));
  const current: CurrentPolicyView | null =
    row.policy_kind === null
      ? null
      : {
          ...levelsOfPolicy({
            kind: row.policy_kind,
            reorder_point_milli: row.policy_reorder_point_milli,
            target_milli: row.policy_target_milli,
            cards: row.policy_cards,
            container_quantity_milli: row.policy_container_quantity_milli,
            review_days: row.policy_review_days,
          }),
          planning: row.policy_planning ?? 'auto',
        };
  const numberOrNull = (value: number | null) => (value === null ? null : Number(value));
  return {
    sku: row.sku,
    location: row.location_code,
    kind: row.kind,
    reorder_point: levels.reorder_point,
    target: levels.target,
    cards: levels.cards,
    container_quantity: levels.container_quantity,
    review_days: levels.review_days,
    safety_stock: units(row.safety_stock_milli),
    order_quantity: units(row.order_quantity_milli),
    forecast_method: row.forecast_method,
    demand_class: row.demand_class,
    mean_per_day: numberOrNull(row.mean_per_day),
    sd_per_day: numberOrNull(row.sd_per_day),
    lead_time_days: numberOrNull(row.lead_time_days),
    lead_time_sd_days: numberOrNull(row.lead_time_sd_days),
    lead_time_source: row.lead_time_source,
    service_level: numberOrNull(row.service_level),
    service_type: row.service_type,
    abc: row.abc,
    xyz: row.xyz,
    strategy: row.strategy as Strategy,
    buffer_days: numberOrNull(row.buffer_days),
    annual_value: row.annual_value_minor === null ? null : toMoney(Number(row.annual_value_minor), currency),
    currency,
    risk_flags: JSON.parse(row.risk_flags) as RiskFlag[],
    reasons: JSON.parse(row.reasons) as string[],
    status: current === null ? 'new' : sameLevels(current, levels) ? 'unchanged' : 'changed',
    current_policy: current,
    computed_at: new Date(Number(row.computed_at)).toISOString(),
    data_through: row.data_through,
  };
}

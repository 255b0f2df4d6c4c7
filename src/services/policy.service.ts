import { valueOrThrow } from '../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem, throwIfProblems } from '../domain/errors.js';
import { positionOf } from '../domain/ledger/balance.js';
import { toQuantity } from '../domain/quantity.js';
import {
  formatPolicy,
  POLICY_KINDS,
  type PolicyKind,
  parsePolicyInput,
  type ReplenishmentPolicy,
} from '../domain/replenishment/policy.js';
import { type Database, readTransaction, type Tx } from '../store/database.js';
import { appendEvents } from '../store/outbox.repository.js';
import {
  deletePolicyRow,
  findPolicyRow,
  listPolicyRows,
  type PolicyRowWithBalance,
  policyColumns,
  upsertPolicyRow,
} from '../store/policy.repository.js';
import type { PlanningMode } from '../store/schema.js';
import { recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { idempotentWrite } from './idempotent-write.js';
import { requireItemRow } from './item.service.js';
import { syncKanbanLoop } from './kanban/kanban.service.js';
import { requireLocationRow } from './location.service.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from './pagination.js';
import { reevaluatePairs } from './purchasing/reevaluate.js';
import type { TriggerOutcome } from './purchasing/replenish.js';
import { scheduleReviews } from './purchasing/review.service.js';
import { requireSupplierRow } from './supplier.service.js';

/**
 * A policy as the API and the CLI show it: the contract fields of its kind (the names and values `PUT`
 * accepts) plus the item, the location, the balance there and
 * whether the inventory position is at or below the reorder point.
 */
export type PolicyView = {
  sku: string;
  location: string;
  kind: PolicyKind;
  /** Whether the planner may change it: 'auto', 'pinned' or 'override'. */
  planning: PlanningMode;
  [field: string]: unknown;
  balance: { on_hand: number; allocated: number; on_order: number; backordered: number; inventory_position: number };
  below_reorder_point: boolean;
  created_at: string;
  updated_at: string;
};

export type PolicyQuery = { sku?: string; location?: string; kind?: string; cursor?: string; limit?: number };

const ENTITY = 'policy';

/**
 * Sets (creates or replaces) the policy of an item at a location. Validates every field with the
 * domain parser; an unknown SKU, location or kanban supplier is refused naming its field; the
 * change is audited as `SKU@LOCATION`. Setting the same policy again writes nothing.
 */
export async function setPolicy(
  database: Database,
  sku: string,
  location: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PolicyView & { triggered: TriggerOutcome[] }> {
  return idempotentWrite(database, ctx, `PUT /policies/${sku}/${location}`, raw, async (tx) => {
    const item = await requireItemRow(tx, sku);
    const place = await requireLocationRow(tx, location, 'location');
    const { policy, planning } = parsePolicyBody(raw);
    const supplierId =
      policy.kind === 'kanban' && policy.supplier !== undefined
        ? (await requireSupplierRow(tx, policy.supplier, 'supplier')).id
        : null;
    const before = await findPolicyRow(tx, item.id, place.id);
    const beforeView = before ? auditView(before) : null;
    const afterView = {
      sku: item.sku,
      location: place.code,
      ...formatPolicy(policy),
      planning: planning ?? before?.planning ?? 'auto',
    };
    if (before && JSON.stringify(beforeView) === JSON.stringify(afterView)) {
      // A kanban policy stored before loops existed gets its loop when set again (a no-op otherwise).
      await syncKanbanLoop(tx, { itemId: item.id, locationId: place.id, policy, supplierId }, ctx);
      return { ...toPolicyView(before), triggered: [] };
    }
    await upsertPolicyRow(tx, {
      item_id: item.id,
      location_id: place.id,
      ...policyColumns(policy),
      ...(planning !== undefined && { planning }),
      supplier_id: supplierId,
      created_at: before ? Number(before.created_at) : ctx.now,
      updated_at: ctx.now,
    });
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: `${item.sku}@${place.code}`,
      action: before ? 'update' : 'create',
      before: beforeView,
      after: afterView,
    });
    await appendEvents(
      tx,
      [{ type: 'policy.changed', subject: `${item.sku}@${place.code}`, payload: afterView }],
      ctx.now,
    );
    await scheduleReviews(tx, { itemId: item.id, locationId: place.id }, policy, before, ctx.now);
    await syncKanbanLoop(tx, { itemId: item.id, locationId: place.id, policy, supplierId }, ctx);
    const triggered = await reevaluatePairs(tx, database, [[item.id, place.id]], ctx);
    return { ...toPolicyView(await requirePolicyRow(tx, item.id, place.id, sku, location)), triggered };
  });
}

/** The policy of an item at a location; LS_NOT_FOUND when it has none. */
export async function getPolicy(database: Database, sku: string, location: string): Promise<PolicyView> {
  return readTransaction(database, async (tx) => {
    const item = await requireItemRow(tx, sku);
    const place = await requireLocationRow(tx, location, 'location');
    return toPolicyView(await requirePolicyRow(tx, item.id, place.id, sku, location));
  });
}

/** Policies by SKU and location code, a page at a time, filtered by item, location or kind. */
export async function listPolicies(database: Database, query: PolicyQuery): Promise<Page<PolicyView>> {
  const limit = checkPageLimit(query.limit);
  const kind = checkKind(query.kind);
  const after =
    query.cursor === undefined
      ? undefined
      : (([s, l]) => ({ sku: String(s), location: String(l) }))(decodeCursor(query.cursor, 2, 'cursor'));
  const rows = await readTransaction(database, async (tx) => {
    const itemId = query.sku === undefined ? undefined : (await requireItemRow(tx, query.sku)).id;
    const locationId =
      query.location === undefined ? undefined : (await requireLocationRow(tx, query.location, 'location')).id;
    return listPolicyRows(tx, {
      ...(itemId !== undefined && { itemId }),
      ...(locationId !== undefined && { locationId }),
      ...(kind !== undefined && { kind }),
      ...(after !== undefined && { after }),
      limit: limit + 1,
    });
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toPolicyView),
    next_cursor: rows.length > limit && last ? encodeCursor([last.sku, last.location_code]) : null,
  };
}

/** Removes the policy of an item at a location (audited) and answers it as it was. */
export async function removePolicy(
  database: Database,
  sku: string,
  location: string,
  ctx: ServiceContext,
): Promise<PolicyView> {
  return idempotentWrite(database, ctx, `DELETE /policies/${sku}/${location}`, null, async (tx) => {
    const item = await requireItemRow(tx, sku);
    const place = await requireLocationRow(tx, location, 'location');
    const row = await requirePolicyRow(tx, item.id, place.id, sku, location);
    await deletePolicyRow(tx, item.id, place.id);
    await syncKanbanLoop(tx, { itemId: item.id, locationId: place.id, policy: null, supplierId: null }, ctx);
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: `${item.sku}@${place.code}`,
      action: 'delete',
      before: auditView(row),
      after: null,
    });
    return toPolicyView(row);
  });
}

async function requirePolicyRow(
  tx: Tx,
  itemId: number,
  locationId: number,
  sku: string,
  location: string,
): Promise<PolicyRowWithBalance> {
  const row = await findPolicyRow(tx, itemId, locationId);
  if (!row) {
    throw new DomainError('LS_NOT_FOUND', `policy: ${sku} has no policy at ${location}`, [
      { field: 'policy', message: 'none set for this item and location', value: `${sku}@${location}` },
    ]);
  }
  return row;
}

/**
 * A `PUT` body: the policy of its kind, and the optional `planning` mode ('auto': the planner may change it,
 * 'pinned': kept as it is, 'override': the planner's own values, kept). Every problem of both is reported at once.
 */
function parsePolicyBody(raw: unknown): { policy: ReplenishmentPolicy; planning: PlanningMode | undefined } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('planning' in raw)) {
    return { policy: valueOrThrow(parsePolicyInput(raw)), planning: undefined };
  }
  const { planning, ...rest } = raw as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const parsed = parsePolicyInput(rest);
  if (!parsed.ok) problems.push(...parsed.problems);
  if (!(PLANNING_MODES as readonly unknown[]).includes(planning)) {
    problems.push({ field: 'planning', message: `must be one of ${PLANNING_MODES.join(', ')}`, value: planning });
  }
  throwIfProblems(problems);
  return { policy: (parsed as { value: ReplenishmentPolicy }).value, planning: planning as PlanningMode };
}

export const PLANNING_MODES: readonly PlanningMode[] = ['auto', 'pinned', 'override'];

function checkKind(kind: string | undefined): PolicyKind | undefined {
  if (kind === undefined || (POLICY_KINDS as readonly string[]).includes(kind)) return kind as PolicyKind | undefined;
  throw new DomainError('LS_VALIDATION', `kind: must be one of ${POLICY_KINDS.join(', ')}`, [
    { field: 'kind', message: `must be one of ${POLICY_KINDS.join(', ')}`, value: kind },
  ]);
}

const num = (value: number | string | null): number => Number(value ?? 0);

export type PolicyColumns = Pick<
  PolicyRowWithBalance,
  | 'kind'
  | 'reorder_point_milli'
  | 'target_milli'
  | 'cards'
  | 'container_quantity_milli'
  | 'supplier_code'
  | 'review_days'
  | 'review_time'
>;

export function policyFromRow(row: PolicyColumns): ReplenishmentPolicy {
  switch (row.kind as PolicyKind) {
    case 'reorder_point':
      return {
        kind: 'reorder_point',
        reorderPointMilli: num(row.reorder_point_milli),
        targetMilli: num(row.target_milli),
      };
    case 'kanban':
      return {
        kind: 'kanban',
        cards: num(row.cards),
        containerQuantityMilli: num(row.container_quantity_milli),
        ...(row.supplier_code !== null && { supplier: row.supplier_code }),
      };
    case 'periodic_review':
      return {
        kind: 'periodic_review',
        reviewDays: num(row.review_days),
        reviewTime: row.review_time ?? '06:00',
        targetMilli: num(row.target_milli),
      };
    case 'make_to_order':
      return { kind: 'make_to_order' };
    case 'manual':
      return row.reorder_point_milli === null
        ? { kind: 'manual' }
        : { kind: 'manual', reorderPointMilli: num(row.reorder_point_milli) };
  }
}

/** The reorder point s a position is compared with: `reorder_point` and `manual` with one; none otherwise. */
export function reorderPointOf(policy: ReplenishmentPolicy): number | undefined {
  if (policy.kind === 'reorder_point') return policy.reorderPointMilli;
  if (policy.kind === 'manual') return policy.reorderPointMilli;
  return undefined;
}

function auditView(row: PolicyRowWithBalance) {
  return { sku: row.sku, location: row.location_code, ...formatPolicy(policyFromRow(row)), planning: row.planning };
}

export function toPolicyView(row: PolicyRowWithBalance): PolicyView {
  const policy = policyFromRow(row);
  const onHand = num(row.on_hand_milli);
  const allocated = num(row.allocated_milli);
  const onOrder = num(row.on_order_milli);
  const backordered = num(row.backordered_milli);
  const position = positionOf(onHand, onOrder, allocated, backordered);
  const s = reorderPointOf(policy);
  return {
    sku: row.sku,
    location: row.location_code,
    ...(formatPolicy(policy) as { kind: PolicyKind }),
    ...(policy.kind === 'periodic_review' && {
      next_review_at: row.next_review_at === null ? null : new Date(Number(row.next_review_at)).toISOString(),
    }),
    planning: row.planning,
    balance: {
      on_hand: toQuantity(onHand),
      allocated: toQuantity(allocated),
      on_order: toQuantity(onOrder),
      backordered: toQuantity(backordered),
      inventory_position: toQuantity(position),
    },
    below_reorder_point: s !== undefined && position <= s,
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
  };
}

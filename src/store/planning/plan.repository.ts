import type BetterSqlite3 from 'better-sqlite3';
import { type Insertable, type Selectable, sql } from 'kysely';
import type { RecommendInput } from '../../domain/planning/types.js';
import type { Tx } from '../database.js';
import type { Dialect } from '../dialect.js';
import type { PlanChangeTable, PlanningMode, PlanRecommendationTable } from '../schema.js';

export type RecommendationRow = Selectable<PlanRecommendationTable>;
export type NewRecommendationRow = Insertable<PlanRecommendationTable>;
export type NewPlanChangeRow = Insertable<PlanChangeTable>;

/** Items per `IN (...)` list: well under SQLite's and PostgreSQL's parameter limits. */
const IDS_PER_QUERY = 1000;

/** An active item as the planner needs it. */
export type PlanItemRow = {
  id: number;
  sku: string;
  unit: string;
  unit_cost_minor: number | null;
  currency: string;
  criticality: string;
};

/** The policy in force at a pair, with whether the planner may change it. */
export type PlanPolicyRow = {
  item_id: number;
  location_id: number;
  kind: string;
  reorder_point_milli: number | null;
  target_milli: number | null;
  cards: number | null;
  container_quantity_milli: number | null;
  review_days: number | null;
  review_time: string | null;
  supplier_id: number | null;
  planning: PlanningMode;
  next_review_at: number | null;
  created_at: number;
};

/** An active source of an active supplier, with the supplier's quoted lead time and ordering cost. */
export type PlanSourceRow = {
  id: number;
  item_id: number;
  supplier_id: number;
  rank: number;
  moq_milli: number | null;
  pack_size_milli: number | null;
  lead_time_days: number | null;
  supplier_lead_time_days: number | null;
  ordering_cost_minor: number | null;
  supplier_currency: string;
};

async function perIdChunk<T>(ids: readonly number[] | undefined, work: (ids?: number[]) => Promise<T[]>): Promise<T[]> {
  if (ids === undefined) return work();
  const out: T[] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
    for (const row of await work(ids.slice(start, start + IDS_PER_QUERY))) out.push(row);
  }
  return out;
}

/** Active items (all, or those of `itemIds`). */
export async function listPlanItems(tx: Tx, itemIds?: readonly number[]): Promise<PlanItemRow[]> {
  return perIdChunk(itemIds, async (ids) => {
    let select = tx
      .selectFrom('items')
      .select(['id', 'sku', 'unit', 'unit_cost_minor', 'currency', 'criticality'])
      .where('active', '=', 1);
    if (ids !== undefined) select = select.where('id', 'in', ids);
    return select.execute();
  });
}

/** Active locations by id with their codes. */
export async function listPlanLocations(tx: Tx): Promise<Array<{ id: number; code: string }>> {
  return tx.selectFrom('locations').select(['id', 'code']).where('active', '=', 1).execute();
}

/** The columns of a policy the plan reads (`PlanPolicyRow`). */
const PLAN_POLICY_COLUMNS = [
  'item_id',
  'location_id',
  'kind',
  'reorder_point_milli',
  'target_milli',
  'cards',
  'container_quantity_milli',
  'review_days',
  'review_time',
  'supplier_id',
  'planning',
  'next_review_at',
  'created_at',
] as const;

/** The policies of all items (or of `itemIds`). */
export async function listPlanPolicies(tx: Tx, itemIds?: readonly number[]): Promise<PlanPolicyRow[]> {
  return perIdChunk(itemIds, async (ids) => {
    let select = tx.selectFrom('policies').select(PLAN_POLICY_COLUMNS);
    if (ids !== undefined) select = select.where('item_id', 'in', ids);
    return select.execute();
  });
}

/** The pairs that have a demand history row (all, or those of `itemIds`). */
export async function listDemandHistoryPairs(
  tx: Tx,
  itemIds?: readonly number[],
): Promise<Array<{ item_id: number; location_id: number }>> {
  return perIdChunk(itemIds, async (ids) => {
    let select = tx.selectFrom('demand_history').select(['item_id', 'location_id']);
    if (ids !== undefined) select = select.where('item_id', 'in', ids);
    return select.execute();
  });
}

/** Active sources of active suppliers (all, or of `itemIds`). */
export async function listPlanSources(tx: Tx, itemIds?: readonly number[]): Promise<PlanSourceRow[]> {
  return perIdChunk(itemIds, async (ids) => {
    let select = tx
      .selectFrom('supplier_items as si')
      .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
      .select([
        'si.id as id',
        'si.item_id as item_id',
        'si.supplier_id as supplier_id',
        'si.rank as rank',
        'si.moq_milli as moq_milli',
        'si.pack_size_milli as pack_size_milli',
        'si.lead_time_days as lead_time_days',
        's.lead_time_days as supplier_lead_time_days',
        's.ordering_cost_minor as ordering_cost_minor',
        's.currency as supplier_currency',
      ])
      .where('si.active', '=', 1)
      .where('s.active', '=', 1);
    if (ids !== undefined) select = select.where('si.item_id', 'in', ids);
    return select.execute();
  });
}

/** What the previous plan said about each pair (for the one-line reason of what moved), all or of `itemIds`. */
export type PreviousRecommendationRow = {
  item_id: number;
  location_id: number;
  mean_per_day: number | null;
  lead_time_days: number | null;
  service_level: number | null;
  abc: string | null;
  strategy: string;
};

export async function listPreviousRecommendations(
  tx: Tx,
  itemIds?: readonly number[],
): Promise<PreviousRecommendationRow[]> {
  return perIdChunk(itemIds, async (ids) => {
    let select = tx
      .selectFrom('plan_recommendations')
      .select(['item_id', 'location_id', 'mean_per_day', 'lead_time_days', 'service_level', 'abc', 'strategy']);
    if (ids !== undefined) select = select.where('item_id', 'in', ids);
    return select.execute();
  });
}

/** Every stored recommendation's annual consumption value with its item's currency (the ABC context of a re-plan). */
export async function listStoredAnnualValues(
  tx: Tx,
): Promise<Array<{ item_id: number; location_id: number; annual_value_minor: number | null; currency: string }>> {
  return tx
    .selectFrom('plan_recommendations as r')
    .innerJoin('items as i', 'i.id', 'r.item_id')
    .select([
      'r.item_id as item_id',
      'r.location_id as location_id',
      'r.annual_value_minor as annual_value_minor',
      'i.currency as currency',
    ])
    .where('i.active', '=', 1)
    .execute();
}

const RECOMMENDATION_COLUMNS = [
  'item_id',
  'location_id',
  'computed_at',
  'data_through',
  'kind',
  'reorder_point_milli',
  'target_milli',
  'cards',
  'container_quantity_milli',
  'review_days',
  'safety_stock_milli',
  'order_quantity_milli',
  'forecast_method',
  'demand_class',
  'mean_per_day',
  'sd_per_day',
  'lead_time_days',
  'lead_time_sd_days',
  'lead_time_source',
  'service_level',
  'service_type',
  'abc',
  'xyz',
  'strategy',
  'buffer_days',
  'annual_value_minor',
  'risk_flags',
  'reasons',
  'recommend_input',
] as const satisfies readonly (keyof PlanRecommendationTable)[];

/** Rows per INSERT: 29 columns × 500 = 14,500 parameters, under both dialects' limits. */
const RECOMMENDATIONS_PER_STATEMENT = 500;

/**
 * Inserts or replaces recommendations, several hundred rows per statement. On SQLite (`sqlite`: the raw handle of the
 * caller's transaction) through cached prepared statements: building and compiling a 29-column, 500-row query costs
 * more than running it.
 */
export async function upsertRecommendations(
  tx: Tx,
  rows: readonly NewRecommendationRow[],
  sqlite?: BetterSqlite3.Database,
): Promise<void> {
  if (sqlite !== undefined) {
    upsertRecommendationsSqlite(sqlite, rows);
    return;
  }
  for (let start = 0; start < rows.length; start += RECOMMENDATIONS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + RECOMMENDATIONS_PER_STATEMENT);
    await tx
      .insertInto('plan_recommendations')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['item_id', 'location_id']).doUpdateSet((eb) => {
          const set: Record<string, unknown> = {};
          for (const column of RECOMMENDATION_COLUMNS) {
            if (column === 'item_id' || column === 'location_id') continue;
            set[column] = eb.ref(`excluded.${column}`);
          }
          return set as never;
        }),
      )
      .execute();
  }
}

const sqliteStatements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/**
 * Inserts rows through cached prepared multi-row statements on SQLite (`tail`: an ON CONFLICT clause), about 2,000
 * parameters per statement: compiling a query-builder INSERT of hundreds of rows costs more than running it.
 */
function insertRowsSqlite(
  sqlite: BetterSqlite3.Database,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<object>,
  tail = '',
): void {
  let statements = sqliteStatements.get(sqlite);
  if (statements === undefined) {
    statements = new Map();
    sqliteStatements.set(sqlite, statements);
  }
  const width = columns.length;
  const perStatement = Math.max(1, Math.floor(2000 / width));
  for (let start = 0; start < rows.length; start += perStatement) {
    const count = Math.min(perStatement, rows.length - start);
    const key = `${table}|${count}|${tail}`;
    let statement = statements.get(key);
    if (statement === undefined) {
      const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
      statement = sqlite.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: count }, () => tuple).join(', ')} ${tail}`,
      );
      statements.set(key, statement);
    }
    const params = new Array<unknown>(count * width);
    for (let r = 0; r < count; r++) {
      const row = rows[start + r] as Record<string, unknown>;
      for (let c = 0; c < width; c++) params[r * width + c] = row[columns[c]!] ?? null;
    }
    statement.run(...params);
  }
}

function upsertRecommendationsSqlite(sqlite: BetterSqlite3.Database, rows: readonly NewRecommendationRow[]): void {
  insertRowsSqlite(
    sqlite,
    'plan_recommendations',
    RECOMMENDATION_COLUMNS,
    rows,
    `ON CONFLICT (item_id, location_id) DO UPDATE SET ${RECOMMENDATION_COLUMNS.filter(
      (c) => c !== 'item_id' && c !== 'location_id',
    )
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`,
  );
}

/** One recommendation with the item, the location and the policy in force (null columns: no policy). */
export type RecommendationWithPolicyRow = RecommendationRow & {
  sku: string;
  location_code: string;
  policy_kind: string | null;
  policy_reorder_point_milli: number | null;
  policy_target_milli: number | null;
  policy_cards: number | null;
  policy_container_quantity_milli: number | null;
  policy_review_days: number | null;
  policy_planning: PlanningMode | null;
};

export type RecommendationFilter = {
  itemId?: number;
  locationId?: number;
  strategy?: string;
  /** Only those that differ from the policy in force (or have none). */
  changed?: boolean;
  after?: { sku: string; location: string };
  limit: number;
};

function selectRecommendations(tx: Tx) {
  return tx
    .selectFrom('plan_recommendations as r')
    .innerJoin('items as i', 'i.id', 'r.item_id')
    .innerJoin('locations as l', 'l.id', 'r.location_id')
    .leftJoin('policies as p', (join) =>
      join.onRef('p.item_id', '=', 'r.item_id').onRef('p.location_id', '=', 'r.location_id'),
    )
    .selectAll('r')
    .select([
      'i.sku as sku',
      'l.code as location_code',
      'p.kind as policy_kind',
      'p.reorder_point_milli as policy_reorder_point_milli',
      'p.target_milli as policy_target_milli',
      'p.cards as policy_cards',
      'p.container_quantity_milli as policy_container_quantity_milli',
      'p.review_days as policy_review_days',
      'p.planning as policy_planning',
    ]);
}

/**
 * Whether a recommendation differs from the policy in force in the fields its kind uses (or there is none), null-safe
 * (`IS DISTINCT FROM`, which SQLite ≥ 3.39 and PostgreSQL both have).
 */
const DIFFERS_FROM_POLICY = sql<boolean>`(p.item_id IS NULL OR p.kind <> r.kind
  OR (r.kind IN ('reorder_point', 'manual') AND p.reorder_point_milli IS DISTINCT FROM r.reorder_point_milli)
  OR (r.kind IN ('reorder_point', 'periodic_review') AND p.target_milli IS DISTINCT FROM r.target_milli)
  OR (r.kind = 'periodic_review' AND p.review_days IS DISTINCT FROM r.review_days)
  OR (r.kind = 'kanban' AND (p.cards IS DISTINCT FROM r.cards
    OR p.container_quantity_milli IS DISTINCT FROM r.container_quantity_milli)))`;

/** A page of recommendations by SKU, then location code. */
export async function listRecommendationRows(
  tx: Tx,
  filter: RecommendationFilter,
): Promise<RecommendationWithPolicyRow[]> {
  let select = selectRecommendations(tx).where('i.active', '=', 1);
  if (filter.itemId !== undefined) select = select.where('r.item_id', '=', filter.itemId);
  if (filter.locationId !== undefined) select = select.where('r.location_id', '=', filter.locationId);
  if (filter.strategy !== undefined) select = select.where('r.strategy', '=', filter.strategy);
  if (filter.changed === true) select = select.where(DIFFERS_FROM_POLICY);
  if (filter.changed === false) select = select.where(sql<boolean>`NOT ${DIFFERS_FROM_POLICY}`);
  const after = filter.after;
  if (after !== undefined) {
    select = select.where((eb) =>
      eb.or([eb('i.sku', '>', after.sku), eb.and([eb('i.sku', '=', after.sku), eb('l.code', '>', after.location)])]),
    );
  }
  return select.orderBy('i.sku').orderBy('l.code').limit(filter.limit).execute() as Promise<
    RecommendationWithPolicyRow[]
  >;
}

export async function findRecommendationRow(
  tx: Tx,
  itemId: number,
  locationId: number,
): Promise<RecommendationWithPolicyRow | undefined> {
  return selectRecommendations(tx)
    .where('r.item_id', '=', itemId)
    .where('r.location_id', '=', locationId)
    .executeTakeFirst() as Promise<RecommendationWithPolicyRow | undefined>;
}

/** The policies of these pairs, locked for the rest of the transaction on PostgreSQL. */
export async function lockPlanPolicies(
  tx: Tx,
  dialect: Dialect,
  pairs: ReadonlyArray<{ itemId: number; locationId: number }>,
): Promise<PlanPolicyRow[]> {
  const out: PlanPolicyRow[] = [];
  for (let start = 0; start < pairs.length; start += IDS_PER_QUERY) {
    const chunk = pairs.slice(start, start + IDS_PER_QUERY);
    const itemIds = [...new Set(chunk.map((p) => p.itemId))];
    const wanted = new Set(chunk.map((p) => `${p.itemId}:${p.locationId}`));
    let select = tx.selectFrom('policies').select(PLAN_POLICY_COLUMNS).where('item_id', 'in', itemIds);
    if (dialect === 'postgres') select = select.forUpdate();
    for (const row of await select.execute()) {
      if (wanted.has(`${row.item_id}:${row.location_id}`)) out.push(row);
    }
  }
  return out;
}

/** The policy columns the planner writes; `planning` and the review schedule are left as they are on an update. */
export type PlannedPolicyRow = {
  item_id: number;
  location_id: number;
  kind: string;
  reorder_point_milli: number | null;
  target_milli: number | null;
  cards: number | null;
  container_quantity_milli: number | null;
  review_days: number | null;
  review_time: string | null;
  supplier_id: number | null;
  created_at: number;
  updated_at: number;
};

const PLANNED_POLICY_COLUMNS = [
  'item_id',
  'location_id',
  'kind',
  'reorder_point_milli',
  'target_milli',
  'cards',
  'container_quantity_milli',
  'review_days',
  'review_time',
  'supplier_id',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof PlannedPolicyRow)[];

/** Inserts or replaces many policies at once (on SQLite through prepared statements: pass the raw handle). */
export async function upsertPlannedPolicies(
  tx: Tx,
  rows: readonly PlannedPolicyRow[],
  sqlite?: BetterSqlite3.Database,
): Promise<void> {
  if (sqlite !== undefined) {
    const updated = PLANNED_POLICY_COLUMNS.filter((c) => c !== 'item_id' && c !== 'location_id' && c !== 'created_at');
    insertRowsSqlite(
      sqlite,
      'policies',
      PLANNED_POLICY_COLUMNS,
      rows,
      `ON CONFLICT (item_id, location_id) DO UPDATE SET ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    return;
  }
  for (let start = 0; start < rows.length; start += RECOMMENDATIONS_PER_STATEMENT) {
    await tx
      .insertInto('policies')
      .values(rows.slice(start, start + RECOMMENDATIONS_PER_STATEMENT))
      .onConflict((oc) =>
        oc.columns(['item_id', 'location_id']).doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          reorder_point_milli: eb.ref('excluded.reorder_point_milli'),
          target_milli: eb.ref('excluded.target_milli'),
          cards: eb.ref('excluded.cards'),
          container_quantity_milli: eb.ref('excluded.container_quantity_milli'),
          review_days: eb.ref('excluded.review_days'),
          review_time: eb.ref('excluded.review_time'),
          supplier_id: eb.ref('excluded.supplier_id'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/** Sets whether the planner may change a policy; answers whether there was one. */
export async function setPolicyPlanning(
  tx: Tx,
  itemId: number,
  locationId: number,
  planning: PlanningMode,
  now: number,
): Promise<void> {
  await tx
    .updateTable('policies')
    .set({ planning, updated_at: now })
    .where('item_id', '=', itemId)
    .where('location_id', '=', locationId)
    .execute();
}

/** Rows per statement for the audit, change-log and event inserts of an apply. */
const LOG_ROWS_PER_STATEMENT = 1000;

export async function insertPlanChanges(
  tx: Tx,
  rows: readonly NewPlanChangeRow[],
  sqlite?: BetterSqlite3.Database,
): Promise<void> {
  if (sqlite !== undefined) {
    insertRowsSqlite(sqlite, 'plan_changes', PLAN_CHANGE_COLUMNS, rows);
    return;
  }
  for (let start = 0; start < rows.length; start += LOG_ROWS_PER_STATEMENT) {
    await tx
      .insertInto('plan_changes')
      .values(rows.slice(start, start + LOG_ROWS_PER_STATEMENT))
      .execute();
  }
}

const PLAN_CHANGE_COLUMNS = ['at', 'actor', 'cause', 'item_id', 'location_id', 'before', 'after', 'note'] as const;
const AUDIT_COLUMNS = ['at', 'actor', 'entity', 'entity_key', 'action', 'before', 'after'] as const;

export async function insertAuditRows(
  tx: Tx,
  rows: ReadonlyArray<{
    at: number;
    actor: string;
    entity: string;
    entity_key: string;
    action: string;
    before: string | null;
    after: string | null;
  }>,
  sqlite?: BetterSqlite3.Database,
): Promise<void> {
  if (sqlite !== undefined) {
    insertRowsSqlite(sqlite, 'audit_log', AUDIT_COLUMNS, rows);
    return;
  }
  for (let start = 0; start < rows.length; start += LOG_ROWS_PER_STATEMENT) {
    await tx
      .insertInto('audit_log')
      .values(rows.slice(start, start + LOG_ROWS_PER_STATEMENT))
      .execute();
  }
}

export type PlanChangeFilter = { itemId?: number; locationId?: number; beforeId?: number; limit: number };

export type PlanChangeWithCodesRow = Selectable<PlanChangeTable> & { sku: string; location_code: string };

/** The change log, newest first (keyset on id). */
export async function listPlanChangeRows(tx: Tx, filter: PlanChangeFilter): Promise<PlanChangeWithCodesRow[]> {
  let select = tx
    .selectFrom('plan_changes as c')
    .innerJoin('items as i', 'i.id', 'c.item_id')
    .innerJoin('locations as l', 'l.id', 'c.location_id')
    .selectAll('c')
    .select(['i.sku as sku', 'l.code as location_code']);
  if (filter.itemId !== undefined) select = select.where('c.item_id', '=', filter.itemId);
  if (filter.locationId !== undefined) select = select.where('c.location_id', '=', filter.locationId);
  if (filter.beforeId !== undefined) select = select.where('c.id', '<', filter.beforeId);
  return select.orderBy('c.id', 'desc').limit(filter.limit).execute();
}

/** The item × location pairs of the movements with ids in (afterId, throughId]. */
export async function listPairsMovedBetween(
  tx: Tx,
  afterId: number,
  throughId: number,
): Promise<Array<{ item_id: number; location_id: number }>> {
  return tx
    .selectFrom('movements')
    .select(['item_id', 'location_id'])
    .where('id', '>', afterId)
    .where('id', '<=', throughId)
    .groupBy(['item_id', 'location_id'])
    .execute();
}

/** The newest movement id (0 with none). */
export async function maxMovementId(tx: Tx): Promise<number> {
  const head = await tx
    .selectFrom('movements')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(head?.id ?? 0);
}

/** The engine's input as stored with the recommendation, without the strategy's reasons (stored beside it). */
export function storedRecommendInput(input: RecommendInput): string {
  return JSON.stringify({ ...input, strategy: { ...input.strategy, key: '', reasons: [] } });
}

/**
 * The engine's input back from its stored form and the stored reasons; a demand CV of NaN (no demand) was stored as
 * null.
 */
export function restoreRecommendInput(stored: string, reasons: string[]): RecommendInput {
  const input = JSON.parse(stored) as RecommendInput;
  if (input.forecast.cv === null) input.forecast.cv = Number.NaN;
  input.strategy.reasons = reasons;
  return input;
}

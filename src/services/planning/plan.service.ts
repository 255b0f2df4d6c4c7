import { toMoney } from '../../domain/money.js';
import type {
  AbcClass,
  Criticality,
  CurrentPolicy,
  DemandForecast,
  LeadTimeInput,
  LeadTimeStats,
  PlanningSettings,
  Recommendation,
  RecommendInput,
  StrategyInput,
  StrategyResult,
} from '../../domain/planning/types.js';
import { isCountUnit, toQuantity } from '../../domain/quantity.js';
import { formatPolicy, parsePolicyInput, type ReplenishmentPolicy } from '../../domain/replenishment/policy.js';
import { classifyPortfolio } from '../../domain/strategy/classify-portfolio.js';
import { type Database, readTransaction, type Tx, writeTransaction } from '../../store/database.js';
import { appendEvents } from '../../store/outbox.repository.js';
import {
  insertAuditRows,
  insertPlanChanges,
  listDemandHistoryPairs,
  listPairsMovedBetween,
  listPlanItems,
  listPlanLocations,
  listPlanPolicies,
  listPlanSources,
  listPreviousRecommendations,
  listStoredAnnualValues,
  lockPlanPolicies,
  maxMovementId,
  type NewRecommendationRow,
  type PlanItemRow,
  type PlanPolicyRow,
  type PlanSourceRow,
  type PreviousRecommendationRow,
  upsertPlannedPolicies,
  upsertRecommendations,
} from '../../store/planning/plan.repository.js';
import { policyColumns } from '../../store/policy.repository.js';
import type { ServiceContext } from '../context.js';
import { requireItemRow } from '../item.service.js';
import { syncKanbanLoop } from '../kanban/kanban.service.js';
import { reevaluatePairs } from '../purchasing/reevaluate.js';
import type { TriggerOutcome } from '../purchasing/replenish.js';
import { scheduleReviews } from '../purchasing/review.service.js';
import { readDemandHistories, refreshDemandHistory } from './demand-history.js';
import { leadTimeStatsBySupplier, leadTimeStatsBySupplierItem } from './lead-time.service.js';
import {
  type ForecastJob,
  lastHistoryDate,
  type PairForecastOutcome,
  PlanPool,
  planThreads,
  type RecommendationNumbers,
  type RecommendJob,
  type RecommendOutcome,
} from './plan-worker.js';
import { getPlanningSettings } from './settings.service.js';

/** Why a policy was changed by the planner (plan_changes.cause). */
export type PlanCause = 'plan_apply' | 'accept' | 'lead_time_shift' | 'auto_replan';

export type PlanPair = { itemId: number; locationId: number };

/** The levels of a policy as the plan report compares them (units, not thousandths). */
export type PlanLevels = {
  kind: string;
  reorder_point: number | null;
  target: number | null;
  cards: number | null;
  container_quantity: number | null;
  review_days: number | null;
};

export type PlanLineStatus = 'new' | 'changed' | 'unchanged' | 'skipped';

/**
 * Why a pair that would change was left alone: its policy is pinned or overridden by the planner, the recommendation
 * is no usable policy (e.g. no demand and nothing to order), or the policy changed while the plan ran.
 */
export type PlanSkipReason = 'pinned' | 'override' | 'unusable' | 'changed_meanwhile';

/** One item × location of the plan: the policy in force, the recommendation, and what applying did. */
export type PlanLine = {
  sku: string;
  location: string;
  status: PlanLineStatus;
  skip_reason: PlanSkipReason | null;
  before: PlanLevels | null;
  after: PlanLevels;
  strategy: StrategyResult['strategy'];
  abc: AbcClass;
  /** One line: what the levels rest on, and what moved since the last plan. */
  reason: string;
  applied: boolean;
};

/** A pair the plan could not recommend for, and why. */
export type PlanProblem = { sku: string; location: string; message: string };

export type PlanPhases = {
  read: number;
  forecast: number;
  classify: number;
  recommend: number;
  write: number;
  apply: number;
};

export type PlanReport = {
  computed_at: string;
  pairs: number;
  counts: Record<PlanLineStatus, number>;
  applied: number;
  /** Purchase order lines the trigger drafted or raised after applying (a lowered s may order now). */
  triggered: number;
  /** Forecasting threads used (0: inline). */
  threads: number;
  /** Forecasting methods chosen, by name ('none': too little or no demand). */
  methods: Record<string, number>;
  /** Seconds per phase. */
  phases: PlanPhases;
  /** The new, changed and skipped pairs, by SKU and location (unchanged ones are only counted). */
  lines: PlanLine[];
  problems: PlanProblem[];
};

export type PlanProgress = (phase: 'history' | 'forecast' | 'write' | 'apply', done: number, total: number) => void;

export type PlanOptions = {
  apply: boolean;
  /** Only these pairs (the rest of the catalogue keeps its stored recommendations and classes). */
  pairs?: PlanPair[];
  /** Forecasting threads; 0 runs inline; default: the machine's parallelism, at most 8. */
  threads?: number;
  cause?: PlanCause;
  note?: string;
  onProgress?: PlanProgress;
  /** False when the caller has just refreshed the demand history (default true). */
  refreshHistory?: boolean;
};

/** Histories per worker message, and recommendations and policies per write transaction. */
const FORECAST_BATCH = 500;
const WRITE_CHUNK = 1000;
const APPLY_CHUNK = 500;
/** A pair re-planned by itself runs inline: starting threads costs more than forecasting a few series. */
const INLINE_BELOW_PAIRS = 2000;
/** Measured lead times replace the quoted one from this many receipts. */
export const MIN_MEASURED_RECEIPTS = 3;

/**
 * Re-plans the catalogue (or `pairs`): refreshes the demand history, forecasts every item × location with a policy
 * or a history (across worker threads), classifies the portfolio (ABC needs all of it: a re-plan of a few pairs ranks
 * them among the others' stored annual values), recommends a policy for each with the service level of its class,
 * stores every recommendation, and compares it with the policy in force. With `apply`, the 'auto' policies (and pairs
 * without one) that would change are set, one transaction per chunk, audited and logged in plan_changes with `cause`,
 * and the trigger runs for them (a lowered reorder point may order at once). Pinned and overridden policies are
 * never changed. Pairs whose history cannot be forecast are reported as problems, not thrown.
 */
export async function planCatalogue(
  database: Database,
  ctx: ServiceContext,
  options: PlanOptions,
): Promise<PlanReport> {
  const phases: PlanPhases = { read: 0, forecast: 0, classify: 0, recommend: 0, write: 0, apply: 0 };
  let mark = performance.now();
  const lap = (phase: keyof PlanPhases) => {
    const now = performance.now();
    phases[phase] += (now - mark) / 1000;
    mark = now;
  };
  const progress = options.onProgress;
  const settings = await getPlanningSettings(database);
  const scope = options.pairs === undefined ? undefined : uniquePairs(options.pairs);

  if (options.refreshHistory !== false) {
    await refreshDemandHistory(database, {
      now: ctx.now,
      historyDays: settings.historyDays,
      ...(scope !== undefined && { pairs: scope }),
      ...(progress !== undefined && { onProgress: (done: number, total: number) => progress('history', done, total) }),
    });
  }
  const threads = planThreads(
    options.threads ?? (scope !== undefined && scope.length < INLINE_BELOW_PAIRS ? 0 : undefined),
  );
  const pool = new PlanPool(threads);
  let facts: PlanFacts;
  let stored: Promise<StoredForecasts> | undefined;
  try {
    // On SQLite the workers read and forecast the stored histories while this thread reads everything else.
    stored = startStoredForecasts(database, pool, scope, progress);
    stored?.catch(() => {});
    facts = await readPlanFacts(database, ctx, scope);
  } catch (error) {
    await pool.close();
    throw error;
  }
  lap('read');

  const report: PlanReport = {
    computed_at: new Date(ctx.now).toISOString(),
    pairs: 0,
    counts: { new: 0, changed: 0, unchanged: 0, skipped: 0 },
    applied: 0,
    triggered: 0,
    threads,
    methods: {},
    phases,
    lines: [],
    problems: [],
  };
  const toApply: PlannedChange[] = [];
  const linesByKey = new Map<string, PlanLine>();
  try {
    if (stored !== undefined) assignStoredForecasts(facts, await stored);
    else await forecastPairs(database, facts, pool, scope, progress);
    lap('forecast');
    for (const pair of facts.pairs) {
      if (pair.problem !== undefined)
        report.problems.push({ sku: pair.sku, location: pair.location, message: pair.problem });
    }

    const planned = facts.pairs.filter((pair) => pair.forecast !== undefined);
    const strategies = await classifyPairs(database, planned, settings, scope !== undefined);
    lap('classify');

    // Workers recommend the next chunks while this thread stores the last one.
    const started = performance.now();
    const yesterday = addDays(new Date(ctx.now).toISOString().slice(0, 10), -1);
    let writeSeconds = 0;
    const chunks = Math.ceil(planned.length / WRITE_CHUNK);
    const inFlight: Array<Promise<RecommendOutcome[]>> = [];
    let submitted = 0;
    const submit = () => {
      const from = submitted * WRITE_CHUNK;
      const jobs = planned.slice(from, from + WRITE_CHUNK).map((pair, i): RecommendJob => {
        const strategy = strategies[from + i]!;
        return {
          input: recommendInput(pair, strategy, settings.serviceLevels[strategy.abc], settings),
          itemId: pair.itemId,
          locationId: pair.locationId,
          dataThrough: pair.dataThrough ?? yesterday,
          unitCostMinor: pair.item.unit_cost_minor === null ? null : Number(pair.item.unit_cost_minor),
          leadTimeKnown: pair.leadTime !== null,
          now: ctx.now,
        };
      });
      inFlight.push(pool.recommend(jobs));
      submitted++;
    };
    const maxInFlight = Math.max(2, threads * 2);
    while (submitted < chunks && inFlight.length < maxInFlight) submit();
    for (let chunk = 0; chunk < chunks; chunk++) {
      const outcomes = await inFlight.shift()!;
      if (submitted < chunks) submit();
      const rows: NewRecommendationRow[] = [];
      const from = chunk * WRITE_CHUNK;
      for (let i = 0; i < outcomes.length; i++) {
        const pair = planned[from + i]!;
        const strategy = strategies[from + i]!;
        const outcome = outcomes[i]!;
        if (!outcome.ok) {
          report.problems.push({ sku: pair.sku, location: pair.location, message: outcome.message });
          continue;
        }
        const { recommendation, row } = outcome;
        const serviceLevel = settings.serviceLevels[strategy.abc];
        rows.push(row);
        const method = pair.forecast!.method ?? 'none';
        report.methods[method] = (report.methods[method] ?? 0) + 1;
        const line = diffLine(pair, strategy, recommendation, serviceLevel);
        report.pairs++;
        report.counts[line.status]++;
        if (line.status !== 'unchanged') {
          report.lines.push(line);
          linesByKey.set(pairKey(pair.itemId, pair.locationId), line);
        }
        if (line.status === 'new' || line.status === 'changed') {
          toApply.push(plannedChange(pair, recommendation, facts.supplierCodes));
        }
      }
      const writeStart = performance.now();
      await writeTransaction(database, (tx) => upsertRecommendations(tx, rows, database.sqlite));
      writeSeconds += (performance.now() - writeStart) / 1000;
      progress?.('write', Math.min(planned.length, from + WRITE_CHUNK), planned.length);
    }
    report.lines.sort((a, b) => compareText(a.sku, b.sku) || compareText(a.location, b.location));
    phases.recommend += (performance.now() - started) / 1000 - writeSeconds;
    phases.write += writeSeconds;
    mark = performance.now();
  } finally {
    await pool.close();
  }

  if (options.apply && toApply.length > 0) {
    const cause = options.cause ?? 'plan_apply';
    for (let start = 0; start < toApply.length; start += APPLY_CHUNK) {
      const chunk = toApply.slice(start, start + APPLY_CHUNK);
      const outcome = await writeTransaction(database, (tx) =>
        applyPlannedChanges(tx, database, ctx, chunk, {
          cause,
          ...(options.note !== undefined && { note: options.note }),
        }),
      );
      for (const change of chunk) {
        const line = linesByKey.get(pairKey(change.itemId, change.locationId))!;
        const skipped = outcome.skipped.get(pairKey(change.itemId, change.locationId));
        if (skipped !== undefined) {
          report.counts[line.status]--;
          report.counts.skipped++;
          line.status = 'skipped';
          line.skip_reason = skipped;
        } else {
          line.applied = true;
          report.applied++;
        }
      }
      report.triggered += outcome.triggered.filter((t) => t.kind === 'order_line').length;
      progress?.('apply', Math.min(toApply.length, start + APPLY_CHUNK), toApply.length);
    }
  }
  lap('apply');
  return report;
}

/**
 * Re-plans a few pairs (ranked among the other pairs' stored annual values for ABC) and, when `apply`, sets the 'auto'
 * policies among them that would change, logging each change with `cause` and `note`.
 */
export async function replanPairs(
  database: Database,
  ctx: ServiceContext,
  pairs: PlanPair[],
  options: { cause: PlanCause; apply: boolean; note?: string },
): Promise<PlanReport> {
  return planCatalogue(database, ctx, { ...options, pairs });
}

/** What the scheduler's incremental re-plan did. */
export type ReplanTick = {
  /** Item × location pairs with movements since the run before last. */
  moved_pairs: number;
  planned: number;
  /** Recommendations that differ from the policy in force (new or changed). */
  changed: number;
  /** Policies set (only with the `auto_apply` setting). */
  applied: number;
  triggered: number;
  problems: PlanProblem[];
};

/** How often the server re-plans what moved. */
export const REPLAN_INTERVAL_MS = 5 * 60_000;
const REPLAN_STATE = 'plan_incremental';

type ReplanState = { at: number; through_movement_id: number; previous_through_id: number };

/**
 * The server's incremental re-plan, due every `intervalMs`: refreshes the demand history and re-plans the pairs with
 * movements since the run before last (one run of overlap, so a movement committed late on PostgreSQL, after an id
 * drawn later was seen, is still caught), storing recommendations; the 'auto' policies among them are applied only
 * when the `auto_apply` setting is on (cause 'auto_replan'). The run is claimed by compare-and-set on `planning_state`,
 * so of several processes one runs it. The first run only sets the watermark. Null when not due.
 */
export async function runDueReplan(
  database: Database,
  now: number,
  intervalMs = REPLAN_INTERVAL_MS,
): Promise<ReplanTick | null> {
  const claim = await writeTransaction(database, async (tx) => {
    const throughId = await maxMovementId(tx);
    const row = await tx
      .selectFrom('planning_state')
      .select('value')
      .where('name', '=', REPLAN_STATE)
      .executeTakeFirst();
    if (row === undefined) {
      const first: ReplanState = { at: now, through_movement_id: throughId, previous_through_id: throughId };
      await tx
        .insertInto('planning_state')
        .values({ name: REPLAN_STATE, value: JSON.stringify(first), updated_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      return null;
    }
    const saved = JSON.parse(row.value) as ReplanState;
    if (now - saved.at < intervalMs) return null;
    const next: ReplanState = {
      at: now,
      through_movement_id: throughId,
      previous_through_id: saved.through_movement_id,
    };
    const updated = await tx
      .updateTable('planning_state')
      .set({ value: JSON.stringify(next), updated_at: now })
      .where('name', '=', REPLAN_STATE)
      .where('value', '=', row.value)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return null;
    return { afterId: Math.min(saved.previous_through_id, saved.through_movement_id), throughId };
  });
  if (claim === null) return null;
  const settings = await getPlanningSettings(database);
  const moved = await readTransaction(database, (tx) => listPairsMovedBetween(tx, claim.afterId, claim.throughId));
  await refreshDemandHistory(database, { now, historyDays: settings.historyDays });
  const tick: ReplanTick = {
    moved_pairs: moved.length,
    planned: 0,
    changed: 0,
    applied: 0,
    triggered: 0,
    problems: [],
  };
  if (moved.length === 0) return tick;
  const report = await planCatalogue(
    database,
    { actor: 'scheduler', now },
    {
      pairs: moved.map((row) => ({ itemId: Number(row.item_id), locationId: Number(row.location_id) })),
      apply: settings.autoApply,
      cause: 'auto_replan',
      refreshHistory: false,
    },
  );
  return {
    ...tick,
    planned: report.pairs,
    changed: report.counts.new + report.counts.changed,
    applied: report.applied,
    triggered: report.triggered,
    problems: report.problems,
  };
}

/** The pairs of one item the planner plans: its locations with a policy or a demand history; LS_UNKNOWN_ITEM naming sku. */
export async function planPairsOfItem(database: Database, sku: string): Promise<PlanPair[]> {
  return readTransaction(database, async (tx) => {
    const item = await requireItemRow(tx, sku);
    const ids = [Number(item.id)];
    const pairs = [...(await listPlanPolicies(tx, ids)), ...(await listDemandHistoryPairs(tx, ids))].map((row) => ({
      itemId: Number(row.item_id),
      locationId: Number(row.location_id),
    }));
    return uniquePairs(pairs);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** Everything the plan knows about one item × location before forecasting. */
type PairFacts = {
  itemId: number;
  locationId: number;
  sku: string;
  location: string;
  item: PlanItemRow;
  policy: PlanPolicyRow | null;
  source: PlanSourceRow | null;
  sourceCount: number;
  leadTime: LeadTimeInput | null;
  supplierOtif: number | null;
  previous: PreviousRecommendationRow | null;
  forecast?: DemandForecast;
  /** The last local date of the history the forecast used. */
  dataThrough?: string;
  problem?: string;
};

type PlanFacts = {
  pairs: PairFacts[];
  index: Map<string, number>;
  supplierCodes: Map<number, string>;
};

async function readPlanFacts(
  database: Database,
  ctx: ServiceContext,
  scope: PlanPair[] | undefined,
): Promise<PlanFacts> {
  const itemIds = scope === undefined ? undefined : [...new Set(scope.map((p) => p.itemId))];
  const [measured, bySupplier] = await Promise.all([
    leadTimeStatsBySupplierItem(database, { now: ctx.now }),
    leadTimeStatsBySupplier(database, { now: ctx.now }),
  ]);
  return readTransaction(database, async (tx) => {
    const items = new Map((await listPlanItems(tx, itemIds)).map((item) => [Number(item.id), item]));
    const locations = new Map((await listPlanLocations(tx)).map((l) => [Number(l.id), l.code]));
    const supplierCodes = new Map(
      (await tx.selectFrom('suppliers').select(['id', 'code']).execute()).map((s) => [Number(s.id), s.code]),
    );
    const sources = new Map<number, PlanSourceRow[]>();
    for (const source of await listPlanSources(tx, itemIds)) {
      const list = sources.get(Number(source.item_id));
      if (list) list.push(source);
      else sources.set(Number(source.item_id), [source]);
    }
    const previous = new Map(
      (await listPreviousRecommendations(tx, itemIds)).map((row) => [pairKey(row.item_id, row.location_id), row]),
    );
    const wanted = scope === undefined ? undefined : new Set(scope.map((p) => pairKey(p.itemId, p.locationId)));
    const pairs: PairFacts[] = [];
    const index = new Map<string, number>();
    const add = (itemId: number, locationId: number, policy: PlanPolicyRow | null) => {
      const key = pairKey(itemId, locationId);
      if (wanted !== undefined && !wanted.has(key)) return;
      const existing = index.get(key);
      if (existing !== undefined) {
        if (policy !== null) pairs[existing]!.policy = policy;
        return;
      }
      const item = items.get(itemId);
      const location = locations.get(locationId);
      if (item === undefined || location === undefined) return;
      const itemSources = (sources.get(itemId) ?? []).sort(
        (a, b) => Number(a.rank) - Number(b.rank) || Number(a.id) - Number(b.id),
      );
      const source = itemSources[0] ?? null;
      index.set(key, pairs.length);
      pairs.push({
        itemId,
        locationId,
        sku: item.sku,
        location,
        item,
        policy,
        source,
        sourceCount: itemSources.length,
        leadTime: source === null ? null : leadTimeOf(source, measured.get(Number(source.id))),
        supplierOtif: source === null ? null : (bySupplier.get(Number(source.supplier_id))?.otif ?? null),
        previous: previous.get(key) ?? null,
      });
    };
    for (const policy of await listPlanPolicies(tx, itemIds)) {
      add(Number(policy.item_id), Number(policy.location_id), policy);
    }
    for (const row of await listDemandHistoryPairs(tx, itemIds))
      add(Number(row.item_id), Number(row.location_id), null);
    return { pairs, index, supplierCodes };
  });
}

/**
 * The lead time the engine uses: the measured mean and s.d. from at least `MIN_MEASURED_RECEIPTS` receipts, else the
 * quoted one (the source's, else the supplier's) with σ = 0; null when nothing is known.
 */
function leadTimeOf(source: PlanSourceRow, stats: LeadTimeStats | undefined): LeadTimeInput | null {
  if (stats !== undefined && stats.receipts >= MIN_MEASURED_RECEIPTS && stats.meanDays !== null) {
    return { meanDays: stats.meanDays, sdDays: stats.sdDays ?? 0, source: 'measured' };
  }
  const quoted = source.lead_time_days ?? source.supplier_lead_time_days;
  return quoted === null ? null : { meanDays: Number(quoted), sdDays: 0, source: 'quoted' };
}

// ---------------------------------------------------------------------------------------------------------------
// Forecasting

const NO_HISTORY: DemandForecast = {
  method: null,
  demandClass: 'no_demand',
  meanPerDay: 0,
  sdPerDay: 0,
  cv: Number.NaN,
  observedDays: 0,
  reason: 'no demand history: no movement in the history window',
};

/** The forecasts the workers made from the stored histories, by pair key (a pair without history is absent). */
type StoredForecasts = Map<string, PairForecastOutcome>;

/**
 * On SQLite with worker threads: starts forecasting every stored history (of `scope`) on the workers, each reading its
 * pairs' histories through its own connection so only ids and forecasts travel; undefined otherwise.
 */
function startStoredForecasts(
  database: Database,
  pool: PlanPool,
  scope: PlanPair[] | undefined,
  progress: PlanProgress | undefined,
): Promise<StoredForecasts> | undefined {
  const path = sqliteFile(database);
  if (pool.threads === 0 || path === undefined) return undefined;
  return (async () => {
    const itemIds = scope === undefined ? undefined : [...new Set(scope.map((p) => p.itemId))];
    const wanted = scope === undefined ? undefined : new Set(scope.map((p) => pairKey(p.itemId, p.locationId)));
    const targets = (await readTransaction(database, (tx) => listDemandHistoryPairs(tx, itemIds)))
      .map((row) => ({ itemId: Number(row.item_id), locationId: Number(row.location_id) }))
      .filter((pair) => wanted === undefined || wanted.has(pairKey(pair.itemId, pair.locationId)));
    const forecasts: StoredForecasts = new Map();
    const maxInFlight = Math.max(2, pool.threads * 2);
    const inFlight: Promise<void>[] = [];
    let done = 0;
    for (let start = 0; start < targets.length; start += FORECAST_BATCH) {
      const batch = targets.slice(start, start + FORECAST_BATCH);
      inFlight.push(
        pool.forecastPairs(path, batch).then((outcomes) => {
          for (let i = 0; i < outcomes.length; i++) {
            forecasts.set(pairKey(batch[i]!.itemId, batch[i]!.locationId), outcomes[i]!);
          }
          done += outcomes.length;
          progress?.('forecast', done, targets.length);
        }),
      );
      while (inFlight.length >= maxInFlight) await inFlight.shift();
    }
    await Promise.all(inFlight);
    return forecasts;
  })();
}

function assignStoredForecasts(facts: PlanFacts, forecasts: StoredForecasts): void {
  for (const pair of facts.pairs) {
    const outcome = forecasts.get(pairKey(pair.itemId, pair.locationId));
    if (outcome === undefined || outcome.dataThrough === null) {
      pair.forecast = NO_HISTORY;
      continue;
    }
    pair.dataThrough = outcome.dataThrough;
    if (outcome.ok) pair.forecast = outcome.forecast;
    else pair.problem = `demand history: ${outcome.message}`;
  }
}

/** Reads the histories on this thread and forecasts them on the workers (PostgreSQL) or inline (no threads). */
async function forecastPairs(
  database: Database,
  facts: PlanFacts,
  pool: PlanPool,
  scope: PlanPair[] | undefined,
  progress: PlanProgress | undefined,
): Promise<void> {
  const total = facts.pairs.length;
  let done = 0;
  const maxInFlight = Math.max(2, pool.threads * 2);
  const inFlight: Promise<void>[] = [];
  for await (const batch of readDemandHistories(database, {
    ...(scope !== undefined && { pairs: scope }),
    batchSize: FORECAST_BATCH,
  })) {
    const jobs: ForecastJob[] = [];
    const targets: PairFacts[] = [];
    for (const history of batch) {
      const at = facts.index.get(pairKey(history.itemId, history.locationId));
      if (at === undefined) continue;
      const pair = facts.pairs[at]!;
      pair.dataThrough = lastHistoryDate(history.startDate, history.demand.length);
      jobs.push({ demand: history.demand, stockOut: history.stockOut });
      targets.push(pair);
    }
    if (jobs.length === 0) continue;
    inFlight.push(
      pool.forecast(jobs).then((outcomes) => {
        for (let i = 0; i < outcomes.length; i++) {
          const outcome = outcomes[i]!;
          if (outcome.ok) targets[i]!.forecast = outcome.forecast;
          else targets[i]!.problem = `demand history: ${outcome.message}`;
        }
        done += outcomes.length;
        progress?.('forecast', done, total);
      }),
    );
    while (inFlight.length >= maxInFlight) await inFlight.shift();
  }
  await Promise.all(inFlight);
  for (const pair of facts.pairs) {
    if (pair.forecast === undefined && pair.problem === undefined) {
      pair.forecast = NO_HISTORY;
      done++;
    }
  }
  progress?.('forecast', total, total);
}

// ---------------------------------------------------------------------------------------------------------------
// Classifying

function criticalityOf(value: string): Criticality {
  if (value === 'high' || value === 'critical') return 'high';
  if (value === 'low') return 'low';
  return 'medium';
}

function unitCostOf(item: PlanItemRow): number | null {
  return item.unit_cost_minor === null ? null : toMoney(Number(item.unit_cost_minor), item.currency);
}

/** Annual consumption value, money units a year: d × 365 × unit cost (0 without a cost). */
function annualValueOf(pair: PairFacts): number {
  const cost = unitCostOf(pair.item);
  return cost === null ? 0 : pair.forecast!.meanPerDay * 365 * cost;
}

function strategyInput(pair: PairFacts): StrategyInput {
  const forecast = pair.forecast!;
  return {
    key: pairKey(pair.itemId, pair.locationId),
    annualValue: annualValueOf(pair),
    demandCv: forecast.cv,
    demandClass: forecast.demandClass,
    criticality: criticalityOf(pair.item.criticality),
    currentPolicyKind: pair.policy?.kind ?? null,
    sourceCount: pair.sourceCount,
    leadTime: pair.leadTime,
    supplierOtif: pair.supplierOtif,
    // Suppliers carry no country or shipping calendar yet: neither risk can be known.
    overseas: false,
    seasonalAvailability: false,
  };
}

/**
 * Classifies the planned pairs. A partial re-plan ranks them among the stored annual values of every other pair (the
 * other pairs' rows are not rewritten, so they keep their stored classes).
 */
async function classifyPairs(
  database: Database,
  planned: PairFacts[],
  settings: PlanningSettings,
  partial: boolean,
): Promise<StrategyResult[]> {
  const inputs = planned.map(strategyInput);
  if (partial) {
    const own = new Set(inputs.map((input) => input.key));
    const stored = await readTransaction(database, (tx) => listStoredAnnualValues(tx));
    for (const row of stored) {
      const key = pairKey(row.item_id, row.location_id);
      if (own.has(key)) continue;
      inputs.push({
        key,
        annualValue: row.annual_value_minor === null ? 0 : toMoney(Number(row.annual_value_minor), row.currency),
        demandCv: Number.NaN,
        demandClass: 'no_demand',
        criticality: 'medium',
        currentPolicyKind: null,
        sourceCount: 2,
        leadTime: null,
        supplierOtif: null,
        overseas: false,
        seasonalAvailability: false,
      });
    }
  }
  return classifyPortfolio(inputs, settings).slice(0, planned.length);
}

// ---------------------------------------------------------------------------------------------------------------
// Recommending and comparing

function currentPolicyOf(policy: PlanPolicyRow | null): CurrentPolicy | null {
  if (policy === null) return null;
  const units = (milli: number | null) => (milli === null ? null : toQuantity(Number(milli)));
  return {
    kind: policy.kind as CurrentPolicy['kind'],
    reorderPoint: units(policy.reorder_point_milli),
    target: units(policy.target_milli),
    cards: policy.cards === null ? null : Number(policy.cards),
    containerQuantity: units(policy.container_quantity_milli),
    reviewDays: policy.review_days === null ? null : Number(policy.review_days),
  };
}

function recommendInput(
  pair: PairFacts,
  strategy: StrategyResult,
  serviceLevel: number,
  settings: PlanningSettings,
): RecommendInput {
  const source = pair.source;
  const orderingCost =
    source?.ordering_cost_minor != null
      ? toMoney(Number(source.ordering_cost_minor), source.supplier_currency)
      : settings.orderingCost;
  return {
    forecast: pair.forecast!,
    leadTime: pair.leadTime ?? { meanDays: 0, sdDays: 0, source: 'quoted' as const },
    strategy,
    serviceLevel,
    serviceType: settings.serviceType,
    unitCost: unitCostOf(pair.item),
    orderingCost,
    holdingRatePerYear: settings.holdingRatePerYear,
    targetRule: settings.targetRule,
    coverDays: settings.coverDays,
    moq: source?.moq_milli == null ? null : toQuantity(Number(source.moq_milli)),
    packSize: source?.pack_size_milli == null ? null : toQuantity(Number(source.pack_size_milli)),
    wholeUnits: isCountUnit(pair.item.unit),
    current: currentPolicyOf(pair.policy),
  };
}

const toMilli = (units: number | null): number | null => (units === null ? null : Math.round(units * 1000));

export function levelsOfPolicy(policy: {
  kind: string;
  reorder_point_milli: number | null;
  target_milli: number | null;
  cards: number | null;
  container_quantity_milli: number | null;
  review_days: number | null;
}): PlanLevels {
  const units = (milli: number | null) => (milli === null ? null : toQuantity(Number(milli)));
  const kind = policy.kind;
  return {
    kind,
    reorder_point: kind === 'reorder_point' || kind === 'manual' ? units(policy.reorder_point_milli) : null,
    target: kind === 'reorder_point' || kind === 'periodic_review' ? units(policy.target_milli) : null,
    cards: kind === 'kanban' && policy.cards !== null ? Number(policy.cards) : null,
    container_quantity: kind === 'kanban' ? units(policy.container_quantity_milli) : null,
    review_days: kind === 'periodic_review' && policy.review_days !== null ? Number(policy.review_days) : null,
  };
}

function levelsOfRecommendation(recommendation: RecommendationNumbers): PlanLevels {
  return levelsOfPolicy({
    kind: recommendation.kind,
    reorder_point_milli: toMilli(recommendation.reorderPoint),
    target_milli: toMilli(recommendation.target),
    cards: recommendation.cards,
    container_quantity_milli: toMilli(recommendation.containerQuantity),
    review_days: recommendation.reviewDays,
  });
}

export function sameLevels(a: PlanLevels, b: PlanLevels): boolean {
  return (
    a.kind === b.kind &&
    a.reorder_point === b.reorder_point &&
    a.target === b.target &&
    a.cards === b.cards &&
    a.container_quantity === b.container_quantity &&
    a.review_days === b.review_days
  );
}

function diffLine(
  pair: PairFacts,
  strategy: StrategyResult,
  recommendation: RecommendationNumbers,
  serviceLevel: number,
): PlanLine {
  const after = levelsOfRecommendation(recommendation);
  const before = pair.policy === null ? null : levelsOfPolicy(pair.policy);
  let status: PlanLineStatus;
  let skipReason: PlanSkipReason | null = null;
  if (before !== null && sameLevels(before, after)) status = 'unchanged';
  else if (pair.policy !== null && pair.policy.planning !== 'auto') {
    status = 'skipped';
    skipReason = pair.policy.planning;
  } else if (plannedPolicy(recommendation, pair.policy, new Map()).ok === false) {
    status = 'skipped';
    skipReason = 'unusable';
  } else status = before === null ? 'new' : 'changed';
  return {
    sku: pair.sku,
    location: pair.location,
    status,
    skip_reason: skipReason,
    before,
    after,
    strategy: strategy.strategy,
    abc: strategy.abc,
    reason: reasonLine(pair, strategy, serviceLevel),
    applied: false,
  };
}

/** "demand 3.9 → 4.2/day (sba); lead time 7 d quoted; A/Y lean at 98 %": what the levels rest on, what moved. */
function reasonLine(pair: PairFacts, strategy: StrategyResult, serviceLevel: number): string {
  const forecast = pair.forecast!;
  const previous = pair.previous;
  const parts: string[] = [];
  const moved = (before: number | null | undefined, now: number) =>
    before !== null && before !== undefined && Math.abs(before - now) > Math.max(1e-9, 0.005 * Math.abs(now));
  const demand = `${shortNumber(forecast.meanPerDay)}/day (${forecast.method ?? forecast.demandClass})`;
  parts.push(
    moved(previous?.mean_per_day, forecast.meanPerDay)
      ? `demand ${shortNumber(previous!.mean_per_day!)} → ${demand}`
      : `demand ${demand}`,
  );
  const leadTime = pair.leadTime;
  if (leadTime === null) parts.push('no lead time known');
  else {
    const days = `${shortNumber(leadTime.meanDays)} d ${leadTime.source}`;
    parts.push(
      moved(previous?.lead_time_days, leadTime.meanDays)
        ? `lead time ${shortNumber(previous!.lead_time_days!)} → ${days}`
        : `lead time ${days}`,
    );
  }
  const level = `${shortNumber(serviceLevel * 100)} %`;
  parts.push(
    `${strategy.abc}/${strategy.xyz} ${strategy.strategy}` +
      (moved(previous?.service_level, serviceLevel)
        ? ` at ${shortNumber((previous!.service_level ?? 0) * 100)} → ${level}`
        : ` at ${level}`),
  );
  return parts.join('; ');
}

function shortNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

// ---------------------------------------------------------------------------------------------------------------
// Applying

/** A policy the planner sets at one pair, against the policy it saw there. */
export type PlannedChange = {
  itemId: number;
  locationId: number;
  sku: string;
  location: string;
  /** The policy the plan compared with (null: none); a different one at apply time skips the pair. */
  before: PlanPolicyRow | null;
  policy: { ok: true; value: ReplenishmentPolicy; supplierId: number | null } | { ok: false; message: string };
};

function plannedChange(
  pair: PairFacts,
  recommendation: RecommendationNumbers,
  supplierCodes: Map<number, string>,
): PlannedChange {
  return {
    itemId: pair.itemId,
    locationId: pair.locationId,
    sku: pair.sku,
    location: pair.location,
    before: pair.policy,
    policy: plannedPolicy(recommendation, pair.policy, supplierCodes),
  };
}

/**
 * The policy a recommendation becomes, validated like a `PUT /policies` body: a kanban loop keeps its supplier, a
 * periodic review its review time. A recommendation that is no valid policy (e.g. a target of 0 with no demand and
 * nothing to order) answers why.
 */
export function plannedPolicy(
  recommendation: Pick<
    Recommendation,
    'kind' | 'reorderPoint' | 'target' | 'cards' | 'containerQuantity' | 'reviewDays'
  >,
  current: Pick<PlanPolicyRow, 'kind' | 'supplier_id' | 'review_time'> | null,
  supplierCodes: Map<number, string>,
): PlannedChange['policy'] {
  const body: Record<string, unknown> = { kind: recommendation.kind };
  let supplierId: number | null = null;
  switch (recommendation.kind) {
    case 'reorder_point':
      body['reorder_point'] = recommendation.reorderPoint;
      body['target'] = recommendation.target;
      break;
    case 'kanban':
      body['cards'] = recommendation.cards;
      body['container_quantity'] = recommendation.containerQuantity;
      if (current?.kind === 'kanban' && current.supplier_id !== null) {
        supplierId = Number(current.supplier_id);
        const code = supplierCodes.get(supplierId);
        if (code !== undefined) body['supplier'] = code;
      }
      break;
    case 'periodic_review':
      body['review_days'] = recommendation.reviewDays;
      body['target'] = recommendation.target;
      if (current?.kind === 'periodic_review' && current.review_time !== null)
        body['review_time'] = current.review_time;
      break;
    case 'manual':
      if (recommendation.reorderPoint !== null) body['reorder_point'] = recommendation.reorderPoint;
      break;
    case 'make_to_order':
      break;
  }
  const parsed = parsePolicyInput(body);
  if (!parsed.ok) {
    const first = parsed.problems[0]!;
    return { ok: false, message: `${first.field}: ${first.message}` };
  }
  return { ok: true, value: parsed.value, supplierId };
}

export type ApplyOutcome = {
  /** Pairs left alone, by pairKey, and why. */
  skipped: Map<string, PlanSkipReason>;
  triggered: TriggerOutcome[];
};

/**
 * Sets the planned policies in the caller's transaction: each pair's policy is read again (locked on PostgreSQL) and
 * left alone when it is no longer what the plan saw or no longer 'auto' (unless `force`, which accepting uses: the
 * planner chose this recommendation), then all of them are written set-wise, audited, logged in plan_changes with
 * before and after, announced as `policy.changed`, their review calendars and kanban loops kept in step, and the
 * trigger re-run for them.
 */
export async function applyPlannedChanges(
  tx: Tx,
  database: Database,
  ctx: ServiceContext,
  changes: readonly PlannedChange[],
  options: { cause: PlanCause; note?: string; force?: boolean },
): Promise<ApplyOutcome> {
  const skipped = new Map<string, PlanSkipReason>();
  const locked = new Map(
    (await lockPlanPolicies(tx, database.dialect, changes)).map((row) => [pairKey(row.item_id, row.location_id), row]),
  );
  const supplierCodes = new Map<number, string>();
  const supplierIds = [...new Set([...locked.values()].map((row) => row.supplier_id).filter((id) => id !== null))];
  if (supplierIds.length > 0) {
    for (const row of await tx.selectFrom('suppliers').select(['id', 'code']).where('id', 'in', supplierIds).execute())
      supplierCodes.set(Number(row.id), row.code);
  }
  const writes: Array<{
    change: PlannedChange;
    policy: ReplenishmentPolicy;
    supplierId: number | null;
    now: PlanPolicyRow | null;
  }> = [];
  for (const change of changes) {
    const key = pairKey(change.itemId, change.locationId);
    const now = locked.get(key) ?? null;
    if (!change.policy.ok) {
      skipped.set(key, 'unusable');
      continue;
    }
    if (!samePolicyRow(now, change.before)) {
      skipped.set(key, 'changed_meanwhile');
      continue;
    }
    if (now !== null && now.planning !== 'auto' && options.force !== true) {
      skipped.set(key, now.planning);
      continue;
    }
    writes.push({ change, policy: change.policy.value, supplierId: change.policy.supplierId, now });
  }
  if (writes.length === 0) return { skipped, triggered: [] };

  await upsertPlannedPolicies(
    tx,
    writes.map(({ change, policy, supplierId, now }) => ({
      item_id: change.itemId,
      location_id: change.locationId,
      ...policyColumns(policy),
      supplier_id: supplierId,
      created_at: now === null ? ctx.now : Number(now.created_at),
      updated_at: ctx.now,
    })),
    database.sqlite,
  );
  const views = writes.map(({ change, policy, now }) => {
    const after = { sku: change.sku, location: change.location, ...formatPolicy(policy) };
    return {
      key: `${change.sku}@${change.location}`,
      change,
      after,
      beforeJson:
        now === null
          ? null
          : JSON.stringify({ sku: change.sku, location: change.location, ...policyView(now, supplierCodes) }),
      afterJson: JSON.stringify(after),
    };
  });
  await insertAuditRows(
    tx,
    views.map((view) => ({
      at: ctx.now,
      actor: ctx.actor,
      entity: 'policy',
      entity_key: view.key,
      action: view.beforeJson === null ? 'create' : 'update',
      before: view.beforeJson,
      after: view.afterJson,
    })),
    database.sqlite,
  );
  await insertPlanChanges(
    tx,
    views.map((view) => ({
      at: ctx.now,
      actor: ctx.actor,
      cause: options.cause,
      item_id: view.change.itemId,
      location_id: view.change.locationId,
      before: view.beforeJson,
      after: view.afterJson,
      note: options.note ?? null,
    })),
    database.sqlite,
  );
  await appendEvents(
    tx,
    views.map((view) => ({ type: 'policy.changed', subject: view.key, payload: view.after })),
    ctx.now,
  );
  for (const { change, policy, supplierId, now } of writes) {
    const pair = { itemId: change.itemId, locationId: change.locationId };
    if (policy.kind === 'periodic_review' || now?.kind === 'periodic_review') {
      await scheduleReviews(tx, pair, policy, now ?? undefined, ctx.now);
    }
    if (policy.kind === 'kanban' || now?.kind === 'kanban') {
      await syncKanbanLoop(tx, { ...pair, policy, supplierId }, ctx);
    }
  }
  const triggered = await reevaluatePairs(
    tx,
    database,
    writes.map(({ change }) => [change.itemId, change.locationId] as [number, number]),
    ctx,
  );
  return { skipped, triggered };
}

function samePolicyRow(a: PlanPolicyRow | null, b: PlanPolicyRow | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.planning === b.planning &&
    sameLevels(levelsOfPolicy(a), levelsOfPolicy(b)) &&
    (a.supplier_id === null ? null : Number(a.supplier_id)) === (b.supplier_id === null ? null : Number(b.supplier_id))
  );
}

/** A stored policy row in the contract's JSON shape (as the audit log and plan_changes record it). */
export function policyView(row: PlanPolicyRow, supplierCodes: Map<number, string>): Record<string, unknown> {
  const levels = levelsOfPolicy(row);
  switch (row.kind) {
    case 'reorder_point':
      return { kind: row.kind, reorder_point: levels.reorder_point, target: levels.target };
    case 'kanban': {
      const supplier = row.supplier_id === null ? undefined : supplierCodes.get(Number(row.supplier_id));
      return {
        kind: row.kind,
        cards: levels.cards,
        container_quantity: levels.container_quantity,
        ...(supplier !== undefined && { supplier }),
      };
    }
    case 'periodic_review':
      return { kind: row.kind, review_days: levels.review_days, target: levels.target, review_time: row.review_time };
    case 'manual':
      return levels.reorder_point === null
        ? { kind: row.kind }
        : { kind: row.kind, reorder_point: levels.reorder_point };
    default:
      return { kind: row.kind };
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** The file of an SQLite database that other connections can open (not an in-memory or temporary one). */
function sqliteFile(database: Database): string | undefined {
  const name = database.sqlite?.name;
  if (name === undefined || name === '' || name === ':memory:' || database.sqlite?.memory) return undefined;
  return name;
}

export function pairKey(itemId: number, locationId: number): string {
  return `${Number(itemId)}:${Number(locationId)}`;
}

function uniquePairs(pairs: PlanPair[]): PlanPair[] {
  return [...new Map(pairs.map((p) => [pairKey(p.itemId, p.locationId), p])).values()];
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

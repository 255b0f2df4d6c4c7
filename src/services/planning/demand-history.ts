import { sql } from 'kysely';
import { DEFAULT_TIME_ZONE } from '../../domain/catalogue/location.js';
import { DomainError } from '../../domain/errors.js';
import { isDemandMovement } from '../../domain/ledger/movement.js';
import {
  DailyDemandBuilder,
  formatDayNumber,
  localDayNumber,
  localDayStarts,
  shiftDailyDemand,
} from '../../domain/planning/daily-demand.js';
import { localDateTimeToInstant, parseLocalDate } from '../../domain/replenishment/local-time.js';
import { type Database, readTransaction, type Tx, writeTransaction } from '../../store/database.js';
import { snapshotXmax, snapshotXmin } from '../../store/event.repository.js';
import {
  type DemandHistoryHead,
  type DemandHistoryRow,
  type DemandHistoryState,
  deleteDemandHistoryRows,
  findMovementHeads,
  findOnHand,
  lastMovementAt,
  listDemandHistoryHeads,
  listDemandHistoryRowsAfter,
  listLocationTimeZones,
  listMovementHeadsAfter,
  listPairsMovedSince,
  listPolicyPairs,
  type MovementGap,
  type MovementHead,
  maxMovementId,
  type NewDemandHistoryRow,
  type PairRef,
  readDemandHistoryRows,
  readDemandHistoryState,
  saveDemandHistoryState,
  upsertDemandHistoryRows,
  visitWindowMovements,
} from '../../store/planning/demand-history.repository.js';
import { getPlanningSettings } from './settings.service.js';

/**
 * The daily demand history of every item × location, cached in `demand_history` and kept in step with the ledger.
 * The rules (what counts as demand, local days, the window, stock-out days, which pairs) are in docs/demand-history.md.
 */

export type DemandHistory = {
  itemId: number;
  locationId: number;
  /** Site-local YYYY-MM-DD of day 0. */
  startDate: string;
  /** Units per day, oldest first; the last day is yesterday in the site's zone. */
  demand: Float64Array;
  /**
   * 1 = no stock that day (on hand ≤ 0 at its start or end): censored demand. Always 0 for a make-to-order pair, whose
   * sales are backorders (recorded whether or not there is stock), so none of its demand is lost.
   */
  stockOut: Uint8Array;
};

export type DemandHistoryRefresh = {
  /** Pairs whose history was rebuilt from the ledger. */
  pairsRebuilt: number;
  /** Pairs only moved forward to a new day (no ledger read). */
  pairsShifted: number;
  /** Rows deleted: no movement in the window any more and no policy. */
  pairsRemoved: number;
  /** Every movement with an id up to this one is in the cache (but ids not yet committed on PostgreSQL). */
  throughMovementId: number;
};

export const MAX_HISTORY_DAYS = 3660;
/** Pairs rebuilt per read-and-write round. */
const REBUILD_CHUNK = 1000;
/** PostgreSQL: ids awaited at most, and how long one is awaited at least (see the event relay). */
const MAX_GAPS = 10_000;
const GAP_GRACE_MS = 2_000;
/** `pg_advisory_lock` key of the refresh: "LSDH". */
const REFRESH_LOCK_KEY = 0x4c534448;

/**
 * Brings the cache up to date with the ledger as of `now`.
 *
 * Without `pairs`: the first refresh (or one with another `historyDays`) builds every item × location with a movement
 * in the window or a policy; later ones rebuild only the pairs with movements recorded since the last (backdated ones
 * included), move the others forward when a new local day has begun (without reading the ledger unless they had
 * movements on the day that just ended) and delete the rows of pairs left with neither movements nor a policy.
 * Refreshes in several processes run one at a time on PostgreSQL (an advisory lock); on SQLite a row or state written
 * from a later look at the ledger is never overwritten by an earlier one.
 *
 * With `pairs`: rebuilds just those from the ledger (cheap for a few); the global watermark is left alone.
 */
export async function refreshDemandHistory(
  database: Database,
  options: {
    now: number;
    historyDays: number;
    pairs?: PairRef[];
    onProgress?: (done: number, total: number) => void;
  },
): Promise<DemandHistoryRefresh> {
  checkHistoryDays(options.historyDays);
  if (options.pairs !== undefined) {
    const pairs = uniquePairs(options.pairs);
    const { throughMovementId, windows, policies } = await readTransaction(database, async (tx) => ({
      throughMovementId: await maxMovementId(tx),
      windows: new Windows(await listLocationTimeZones(tx), options.now, options.historyDays),
      policies: pairSet(await listPolicyPairs(tx)),
    }));
    const report = emptyReport(throughMovementId);
    for (let start = 0; start < pairs.length; start += REBUILD_CHUNK) {
      const chunk = pairs.slice(start, start + REBUILD_CHUNK);
      const built = await rebuildPairs(database, windows, chunk, policies, throughMovementId, options.now);
      report.pairsRebuilt += built.rows.length;
      report.pairsRemoved += built.removed;
      options.onProgress?.(Math.min(pairs.length, start + REBUILD_CHUNK), pairs.length);
    }
    return report;
  }
  return withRefreshLock(database, () => refreshAll(database, options));
}

async function refreshAll(
  database: Database,
  options: { now: number; historyDays: number; onProgress?: (done: number, total: number) => void },
): Promise<DemandHistoryRefresh> {
  const { now, historyDays } = options;
  const saved = await readDemandHistoryState(database.db);
  const plan = await readTransaction(database, (tx) => planRefresh(tx, database, saved?.state, now, historyDays));
  const report = emptyReport(plan.throughMovementId);
  const total = plan.rebuild.length + plan.shift.length + plan.remove.length;
  let done = 0;
  for (let start = 0; start < plan.rebuild.length; start += REBUILD_CHUNK) {
    const chunk = plan.rebuild.slice(start, start + REBUILD_CHUNK);
    const built = await rebuildPairs(database, plan.windows, chunk, plan.policies, plan.throughMovementId, now);
    report.pairsRebuilt += built.rows.length;
    report.pairsRemoved += built.removed;
    done += chunk.length;
    options.onProgress?.(done, total);
  }
  for (let start = 0; start < plan.shift.length; start += REBUILD_CHUNK) {
    const chunk = plan.shift.slice(start, start + REBUILD_CHUNK);
    report.pairsShifted += await shiftPairs(database, plan.windows, chunk, plan.throughMovementId, now);
    done += chunk.length;
    options.onProgress?.(done, total);
  }
  if (plan.remove.length > 0) {
    await writeTransaction(database, (tx) => deleteDemandHistoryRows(tx, plan.remove, plan.throughMovementId));
    report.pairsRemoved += plan.remove.length;
    done += plan.remove.length;
    options.onProgress?.(done, total);
  }
  const state: DemandHistoryState = {
    through_movement_id: plan.throughMovementId,
    history_days: historyDays,
    gaps: plan.gaps,
  };
  // Lost to a refresh that finished meanwhile: its state stands, and at worst the next refresh repeats some work.
  await writeTransaction(database, (tx) => saveDemandHistoryState(tx, saved?.value, state, now));
  return report;
}

type RefreshPlan = {
  throughMovementId: number;
  windows: Windows;
  policies: Set<number | string>;
  rebuild: PairRef[];
  shift: PairRef[];
  remove: PairRef[];
  gaps: MovementGap[];
};

/** What a refresh must do, decided from one consistent read of the ledger's head, the policies and the cache. */
async function planRefresh(
  tx: Tx,
  database: Database,
  saved: DemandHistoryState | undefined,
  now: number,
  historyDays: number,
): Promise<RefreshPlan> {
  const isPostgres = database.dialect === 'postgres';
  const throughMovementId = await maxMovementId(tx);
  const windows = new Windows(await listLocationTimeZones(tx), now, historyDays);
  const policyPairs = await listPolicyPairs(tx);
  const policies = pairSet(policyPairs);
  const heads = await listDemandHistoryHeads(tx);
  const rebuild = new PairMap();
  const shift: PairRef[] = [];
  const remove: PairRef[] = [];
  let gaps: MovementGap[] = [];
  // No state, another window length, a ledger whose ids went back (its data was cleared) or an emptied cache:
  // build everything.
  const full =
    saved === undefined ||
    saved.history_days !== historyDays ||
    saved.through_movement_id > throughMovementId ||
    heads.length === 0;

  if (full) {
    for (const moved of await listPairsMovedSince(tx, windows.earliestStart())) {
      if (moved.last_at >= windows.of(moved.location_id).dayStarts[0]!) rebuild.add(moved.item_id, moved.location_id);
    }
    for (const policy of policyPairs) rebuild.add(policy.item_id, policy.location_id);
    for (const head of heads) {
      if (!rebuild.has(head.item_id, head.location_id)) {
        remove.push({ itemId: head.item_id, locationId: head.location_id });
      }
    }
    if (isPostgres) {
      const floor = Math.max(0, throughMovementId - MAX_GAPS);
      const recent = await listMovementHeadsAfter(tx, floor, throughMovementId);
      gaps = await newGaps(tx, missingIds(floor, recent), now);
    }
    return { throughMovementId, windows, policies, rebuild: rebuild.list(), shift, remove, gaps };
  }

  const fresh = await listMovementHeadsAfter(tx, saved.through_movement_id, throughMovementId);
  for (const movement of fresh) rebuild.add(movement.item_id, movement.location_id);
  if (isPostgres) {
    if (saved.gaps.length > 0) {
      // Read xmin before looking: a transaction that ended before this point is visible to the look.
      const xmin = BigInt(await snapshotXmin(tx));
      const found = await findMovementHeads(
        tx,
        saved.gaps.map((gap) => gap.id),
      );
      const foundIds = new Set(found.map((movement) => movement.id));
      for (const movement of found) rebuild.add(movement.item_id, movement.location_id);
      gaps = saved.gaps.filter((gap) => !foundIds.has(gap.id) && !isLost(gap, xmin, now));
    }
    gaps = [...gaps, ...(await newGaps(tx, missingIds(saved.through_movement_id, fresh), now))].slice(-MAX_GAPS);
  }

  const cached = new PairMap();
  for (const head of heads) cached.add(head.item_id, head.location_id);
  for (const policy of policyPairs) {
    if (!cached.has(policy.item_id, policy.location_id)) rebuild.add(policy.item_id, policy.location_id);
  }
  const moved: DemandHistoryHead[] = [];
  for (const head of heads) {
    if (rebuild.has(head.item_id, head.location_id)) continue;
    const firstDay = windows.of(head.location_id).firstDay;
    const cachedFirstDay = parseLocalDate(head.start_date);
    if (head.days !== historyDays || cachedFirstDay === undefined || cachedFirstDay > firstDay) {
      rebuild.add(head.item_id, head.location_id);
    } else if (cachedFirstDay < firstDay) {
      moved.push(head);
    }
  }
  if (moved.length > 0) {
    const lastAt = new Map<number | string, number | null>();
    const pairs = moved.map((head) => ({ itemId: head.item_id, locationId: head.location_id }));
    for (const row of await lastMovementAt(tx, database.dialect, pairs)) {
      lastAt.set(pairKey(row.item_id, row.location_id), row.last_at);
    }
    for (const head of moved) {
      const window = windows.of(head.location_id);
      const last = lastAt.get(pairKey(head.item_id, head.location_id)) ?? null;
      // Movements of the day that just ended (or later) are not in the row yet: read the ledger for them.
      const cachedEnd = localDateTimeToInstant(parseLocalDate(head.start_date)! + head.days, 0, window.timeZone);
      const pair = { itemId: head.item_id, locationId: head.location_id };
      if (last !== null && last >= cachedEnd) rebuild.add(head.item_id, head.location_id);
      else if (
        !policies.has(pairKey(head.item_id, head.location_id)) &&
        (last === null || last < window.dayStarts[0]!)
      ) {
        remove.push(pair);
      } else shift.push(pair);
    }
  }
  return { throughMovementId, windows, policies, rebuild: rebuild.list(), shift, remove, gaps };
}

/** PostgreSQL draws identity ids before commit: the ids skipped over may still appear. */
function missingIds(afterId: number, heads: MovementHead[]): number[] {
  const missing: number[] = [];
  let previous = afterId;
  for (const head of heads) {
    for (let id = previous + 1; id < head.id && missing.length < MAX_GAPS; id++) missing.push(id);
    previous = head.id;
  }
  return missing;
}

async function newGaps(tx: Tx, ids: number[], now: number): Promise<MovementGap[]> {
  if (ids.length === 0) return [];
  const xmax = await snapshotXmax(tx);
  return ids.map((id) => ({ id, seen_at: now, xmax }));
}

/** Given up once every transaction that could have drawn the id has ended (and a grace period passed). */
function isLost(gap: MovementGap, xmin: bigint, now: number): boolean {
  return gap.xmax !== null && xmin >= BigInt(gap.xmax) && now - gap.seen_at >= GAP_GRACE_MS;
}

/**
 * Rebuilds pairs from the ledger: their movements since the start of their window and the balance now, read in one
 * snapshot, then written in one transaction. A pair with no movement since its window began and no policy has no row.
 */
async function rebuildPairs(
  database: Database,
  windows: Windows,
  pairs: PairRef[],
  policies: Set<number | string>,
  throughMovementId: number,
  now: number,
): Promise<{ rows: NewDemandHistoryRow[]; histories: DemandHistory[]; removed: number }> {
  const builders = new Map<number | string, DailyDemandBuilder>();
  for (const pair of pairs) {
    builders.set(pairKey(pair.itemId, pair.locationId), new DailyDemandBuilder(windows.of(pair.locationId).dayStarts));
  }
  const onHand = await readTransaction(database, async (tx) => {
    await visitWindowMovements(
      tx,
      database.sqlite,
      pairs.map((pair) => ({ ...pair, fromAt: windows.of(pair.locationId).dayStarts[0]! })),
      (itemId, locationId, type, quantityMilli, occurredAt, reversedOccurredAt) =>
        builders
          .get(pairKey(itemId, locationId))!
          .add(isDemandMovement(type), quantityMilli, occurredAt, reversedOccurredAt),
    );
    return findOnHand(tx, database.dialect, pairs);
  });
  const onHandOf = new Map<number | string, number>();
  for (const row of onHand) onHandOf.set(pairKey(row.item_id, row.location_id), Number(row.on_hand_milli));
  const rows: NewDemandHistoryRow[] = [];
  const histories: DemandHistory[] = [];
  const removed: PairRef[] = [];
  for (const pair of pairs) {
    const key = pairKey(pair.itemId, pair.locationId);
    const builder = builders.get(key)!;
    const built = builder.finish(onHandOf.get(key) ?? 0);
    const startDate = formatDayNumber(windows.of(pair.locationId).firstDay);
    histories.push({ ...pair, startDate, demand: built.demand, stockOut: built.stockOut });
    if (builder.movementsSinceStart === 0 && !policies.has(key)) {
      removed.push(pair);
      continue;
    }
    rows.push(newRow(pair, startDate, built, throughMovementId, now));
  }
  await writeTransaction(database, async (tx) => {
    await upsertDemandHistoryRows(tx, rows);
    if (removed.length > 0) await deleteDemandHistoryRows(tx, removed, throughMovementId);
  });
  return { rows, histories, removed: removed.length };
}

/** Moves cached rows to the current window: the pairs had no movement since their window's old end. */
async function shiftPairs(
  database: Database,
  windows: Windows,
  pairs: PairRef[],
  throughMovementId: number,
  now: number,
): Promise<number> {
  const { cached, onHand } = await readTransaction(database, async (tx) => ({
    cached: await readDemandHistoryRows(tx, database.dialect, pairs),
    onHand: await findOnHand(tx, database.dialect, pairs),
  }));
  const onHandOf = new Map<number | string, number>();
  for (const row of onHand) onHandOf.set(pairKey(row.item_id, row.location_id), Number(row.on_hand_milli));
  const rows: NewDemandHistoryRow[] = [];
  for (const row of cached) {
    const pair = { itemId: Number(row.item_id), locationId: Number(row.location_id) };
    const window = windows.of(pair.locationId);
    const shifted = shiftDailyDemand(
      { demand: decodeDemand(row.demand), stockOut: new Uint8Array(row.stock_out) },
      window.firstDay - parseLocalDate(row.start_date)!,
      onHandOf.get(pairKey(pair.itemId, pair.locationId)) ?? 0,
    );
    rows.push(newRow(pair, formatDayNumber(window.firstDay), shifted, throughMovementId, now));
  }
  await writeTransaction(database, (tx) => upsertDemandHistoryRows(tx, rows));
  return rows.length;
}

function newRow(
  pair: PairRef,
  startDate: string,
  history: { demand: Float64Array; stockOut: Uint8Array },
  throughMovementId: number,
  now: number,
): NewDemandHistoryRow {
  return {
    item_id: pair.itemId,
    location_id: pair.locationId,
    start_date: startDate,
    days: history.demand.length,
    demand: encodeDemand(history.demand),
    stock_out: Buffer.from(history.stockOut),
    through_movement_id: throughMovementId,
    updated_at: now,
  };
}

/**
 * Reads cached histories in batches (`batchSize`, default 1000): every row by item and location, or the rows of
 * `pairs` (pairs without a row are left out). Each batch is one query; call `refreshDemandHistory` first.
 */
export async function* readDemandHistories(
  database: Database,
  options: { pairs?: PairRef[]; batchSize?: number } = {},
): AsyncGenerator<DemandHistory[]> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new DomainError('LS_VALIDATION', 'batch_size: must be a whole number ≥ 1', [
      { field: 'batch_size', message: 'must be a whole number ≥ 1', value: batchSize },
    ]);
  }
  if (options.pairs !== undefined) {
    for (let start = 0; start < options.pairs.length; start += batchSize) {
      const rows = await readDemandHistoryRows(
        database.db,
        database.dialect,
        options.pairs.slice(start, start + batchSize),
      );
      if (rows.length > 0) yield rows.map(toDemandHistory);
    }
    return;
  }
  let after: PairRef | undefined;
  for (;;) {
    const rows = await listDemandHistoryRowsAfter(database.db, database.sqlite, after, batchSize);
    if (rows.length === 0) return;
    yield rows.map(toDemandHistory);
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    after = { itemId: Number(last.item_id), locationId: Number(last.location_id) };
  }
}

function toDemandHistory(row: DemandHistoryRow): DemandHistory {
  const demand = decodeDemand(row.demand);
  return {
    itemId: Number(row.item_id),
    locationId: Number(row.location_id),
    startDate: row.start_date,
    demand,
    stockOut: row.policy_kind === 'make_to_order' ? new Uint8Array(demand.length) : new Uint8Array(row.stock_out),
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Float64 little-endian bytes of a demand array, as `demand_history.demand` stores it (a copy). */
export function encodeDemand(values: Float64Array): Uint8Array {
  const bytes = Buffer.alloc(values.length * 8);
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  }
  return bytes;
}

/** The demand array of `demand_history.demand` bytes, in a buffer of its own (safe to transfer to a worker). */
export function decodeDemand(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) {
    throw new Error(`demand_history.demand: ${bytes.byteLength} bytes is not a whole number of Float64 values`);
  }
  const values = new Float64Array(bytes.byteLength / 8);
  if (LITTLE_ENDIAN) {
    new Uint8Array(values.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(i * 8, true);
  }
  return values;
}

/** One item × location's recent daily demand as the API and the CLI show it. */
export type DemandHistoryView = {
  sku: string;
  location: string;
  time_zone: string;
  /** The first day shown, site-local YYYY-MM-DD. */
  start_date: string;
  /** The last complete day: yesterday in the site's zone. */
  data_through: string;
  days: Array<{ date: string; demand: number; stock_out: boolean }>;
  total_demand: number;
  stock_out_days: number;
};

/** Days the API and the CLI show when not told: 13 weeks. */
export const DEFAULT_VIEW_DAYS = 91;

/**
 * The last `days` days (default 91, at most the planning history window) of an item's demand at a location, after
 * rebuilding that pair's history from the ledger. Unknown SKU or location → LS_UNKNOWN_ITEM / LS_UNKNOWN_LOCATION
 * naming it.
 */
export async function getDemandHistoryView(
  database: Database,
  sku: string,
  location: string,
  options: { now: number; days?: number | undefined },
): Promise<DemandHistoryView> {
  const { historyDays } = await getPlanningSettings(database);
  const days = options.days ?? Math.min(DEFAULT_VIEW_DAYS, historyDays);
  if (!Number.isInteger(days) || days < 1 || days > historyDays) {
    throw new DomainError(
      'LS_VALIDATION',
      `days: must be a whole number from 1 to ${historyDays} (the planning history window, history_days)`,
      [{ field: 'days', message: `must be a whole number from 1 to ${historyDays}`, value: days }],
    );
  }
  const found = await readTransaction(database, async (tx) => {
    const item = await tx.selectFrom('items').select('id').where('sku', '=', sku).executeTakeFirst();
    const place = await tx.selectFrom('locations').select('id').where('code', '=', location).executeTakeFirst();
    return {
      item,
      place,
      throughMovementId: await maxMovementId(tx),
      windows: new Windows(await listLocationTimeZones(tx), options.now, historyDays),
      policy: item && place ? await findPolicyKind(tx, Number(item.id), Number(place.id)) : undefined,
    };
  });
  const problems = [
    ...(found.item ? [] : [{ field: 'sku', message: 'unknown SKU', value: sku }]),
    ...(found.place ? [] : [{ field: 'location', message: 'unknown location', value: location }]),
  ];
  if (!found.item) throw new DomainError('LS_UNKNOWN_ITEM', `sku: unknown SKU "${sku}"`, problems);
  if (!found.place) throw new DomainError('LS_UNKNOWN_LOCATION', `location: unknown location "${location}"`, problems);
  const pair = { itemId: Number(found.item.id), locationId: Number(found.place.id) };
  const policies = new Set<number | string>(found.policy === undefined ? [] : [pairKey(pair.itemId, pair.locationId)]);
  const { histories } = await rebuildPairs(
    database,
    found.windows,
    [pair],
    policies,
    found.throughMovementId,
    options.now,
  );
  const history = histories[0]!;
  const window = found.windows.of(pair.locationId);
  const exempt = found.policy === 'make_to_order';
  const shown: DemandHistoryView['days'] = [];
  let totalMilli = 0;
  let stockOutDays = 0;
  for (let day = historyDays - days; day < historyDays; day++) {
    const stockOut = !exempt && history.stockOut[day] === 1;
    const demand = history.demand[day]!;
    totalMilli += Math.round(demand * 1000);
    if (stockOut) stockOutDays++;
    shown.push({ date: formatDayNumber(window.firstDay + day), demand, stock_out: stockOut });
  }
  return {
    sku,
    location,
    time_zone: window.timeZone,
    start_date: shown[0]!.date,
    data_through: shown.at(-1)!.date,
    days: shown,
    total_demand: totalMilli / 1000,
    stock_out_days: stockOutDays,
  };
}

async function findPolicyKind(tx: Tx, itemId: number, locationId: number): Promise<string | undefined> {
  const row = await tx
    .selectFrom('policies')
    .select('kind')
    .where('item_id', '=', itemId)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  return row?.kind;
}

function checkHistoryDays(historyDays: number): void {
  if (!Number.isInteger(historyDays) || historyDays < 1 || historyDays > MAX_HISTORY_DAYS) {
    throw new DomainError('LS_VALIDATION', `history_days: must be a whole number from 1 to ${MAX_HISTORY_DAYS}`, [
      { field: 'history_days', message: `must be a whole number from 1 to ${MAX_HISTORY_DAYS}`, value: historyDays },
    ]);
  }
}

type Window = { timeZone: string; firstDay: number; dayStarts: Float64Array };

/** The history window of each location as of `now`: the `historyDays` local days that end yesterday in its zone. */
class Windows {
  private readonly zoneOf = new Map<number, string>();
  private readonly byZone = new Map<string, Window>();

  constructor(
    zones: Array<{ id: number; time_zone: string | null }>,
    private readonly now: number,
    private readonly historyDays: number,
  ) {
    for (const row of zones) this.zoneOf.set(Number(row.id), row.time_zone ?? DEFAULT_TIME_ZONE);
  }

  of(locationId: number): Window {
    const timeZone = this.zoneOf.get(locationId) ?? DEFAULT_TIME_ZONE;
    let window = this.byZone.get(timeZone);
    if (window === undefined) {
      const firstDay = localDayNumber(this.now, timeZone) - this.historyDays;
      window = { timeZone, firstDay, dayStarts: localDayStarts(firstDay, this.historyDays, timeZone) };
      this.byZone.set(timeZone, window);
    }
    return window;
  }

  /** The earliest start of any location's window. */
  earliestStart(): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const locationId of this.zoneOf.keys()) earliest = Math.min(earliest, this.of(locationId).dayStarts[0]!);
    return Number.isFinite(earliest) ? earliest : this.now;
  }
}

/** PostgreSQL: one refresh at a time across processes (a session advisory lock on a connection of its own). */
async function withRefreshLock<T>(database: Database, work: () => Promise<T>): Promise<T> {
  if (database.dialect !== 'postgres') return work();
  return database.db.connection().execute(async (connection) => {
    await sql`SELECT pg_advisory_lock(${sql.lit(REFRESH_LOCK_KEY)})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`SELECT pg_advisory_unlock(${sql.lit(REFRESH_LOCK_KEY)})`.execute(connection);
    }
  });
}

function emptyReport(throughMovementId: number): DemandHistoryRefresh {
  return { pairsRebuilt: 0, pairsShifted: 0, pairsRemoved: 0, throughMovementId };
}

/** A number while ids are small enough to pack exactly (always, in practice), a string otherwise. */
function pairKey(itemId: number, locationId: number): number | string {
  return locationId < 2_097_152 && itemId < 2_147_483_648 ? itemId * 2_097_152 + locationId : `${itemId}:${locationId}`;
}

function pairSet(rows: Array<{ item_id: number; location_id: number }>): Set<number | string> {
  return new Set(rows.map((row) => pairKey(Number(row.item_id), Number(row.location_id))));
}

function uniquePairs(pairs: PairRef[]): PairRef[] {
  const map = new PairMap();
  for (const pair of pairs) map.add(pair.itemId, pair.locationId);
  return map.list();
}

class PairMap {
  private readonly pairs = new Map<number | string, PairRef>();
  add(itemId: number, locationId: number): void {
    const key = pairKey(Number(itemId), Number(locationId));
    if (!this.pairs.has(key)) this.pairs.set(key, { itemId: Number(itemId), locationId: Number(locationId) });
  }
  has(itemId: number, locationId: number): boolean {
    return this.pairs.has(pairKey(Number(itemId), Number(locationId)));
  }
  list(): PairRef[] {
    return [...this.pairs.values()];
  }
}

import { randomUUID } from 'node:crypto';
import { DomainError, type ErrorCode, type FieldProblem, moreProblems, throwIfProblems } from '../domain/errors.js';
import {
  availableMilli,
  type Balance,
  computeOnHandChange,
  inventoryPositionMilli,
  type MovementRequest,
  type MovementType,
  parseMovementRequest,
  positionOf,
  type StockMovementType,
} from '../domain/ledger/index.js';
import { toQuantity } from '../domain/quantity.js';
import type { Database, Tx } from '../store/database.js';
import { groupedWriteTransaction } from '../store/group-commit.js';
import {
  type BalanceRow,
  balanceKey,
  createLedgerRepository,
  type LedgerRepository,
  type LocationRef,
  type MovementRow,
  type NewMovementRow,
  type PolicyRef,
} from '../store/ledger.repository.js';
import { appendEvents, type NewEvent } from '../store/outbox.repository.js';
import { type DraftingRepository, draftingRepository } from '../store/purchasing.repository.js';
import type { ServiceContext } from './context.js';
import { idempotentWrite } from './idempotent-write.js';
import { policyFromRow } from './policy.service.js';
import { type ReplenishmentCandidate, replenish, type TriggerOutcome } from './purchasing/replenish.js';

export const MAX_BATCH_SIZE = 10_000;

export type MovementView = {
  id: number;
  type: MovementType;
  sku: string;
  location: string;
  /** As entered: positive for receipts and issues, signed for adjustments, the counted quantity for counts. */
  quantity: number;
  on_hand_change: number;
  counted_quantity: number | null;
  occurred_at: string;
  recorded_at: string;
  reason: string | null;
  reference: string | null;
  actor: string;
  idempotency_key: string | null;
  transfer_id: string | null;
  reverses_id: number | null;
};

export type BalanceView = {
  sku: string;
  location: string;
  on_hand: number;
  allocated: number;
  on_order: number;
  backordered: number;
  available: number;
  inventory_position: number;
};

/** What one posted request did: one movement, or the two legs of a transfer, and the balances after it. */
export type PostOutcome = {
  movements: MovementView[];
  balances: BalanceView[];
  /** True when an idempotency key matched an earlier movement and nothing new was written. */
  replayed: boolean;
  /** What the replenishment trigger did because of it (drafted lines, items left for review). */
  triggered: TriggerOutcome[];
};

/** A `movement.posted` event lists at most this many movements; a bigger batch is summarised. */
export const MAX_MOVEMENTS_PER_EVENT = 100;

const repositories = new WeakMap<Database, LedgerRepository>();

export function ledgerRepository(database: Database): LedgerRepository {
  let repository = repositories.get(database);
  if (!repository) {
    repository = createLedgerRepository(database);
    repositories.set(database, repository);
  }
  return repository;
}

/**
 * Posts movements all-or-nothing in one transaction: every movement and every balance change
 * commits together, or none does. Problems are reported all at once, each with its index.
 */
export async function postMovements(database: Database, raws: unknown[], ctx: ServiceContext): Promise<PostOutcome[]> {
  if (raws.length > MAX_BATCH_SIZE) {
    throw new DomainError('LS_BATCH_TOO_LARGE', `movements: at most ${MAX_BATCH_SIZE} movements per batch`, [
      { field: 'movements', message: `has ${raws.length} entries; the limit is ${MAX_BATCH_SIZE}` },
    ]);
  }
  if (raws.length === 0) {
    throw new DomainError('LS_VALIDATION', 'movements: must contain at least one movement', [
      { field: 'movements', message: 'must contain at least one movement' },
    ]);
  }
  const requests = parseAll(raws, ctx.now);
  const work = (tx: Tx) => postParsed(tx, database, requests, ctx);
  return retryUniqueRace('movements_idempotency_key_key', () =>
    // Without a request key there is nothing to store: concurrent posts may share one SQLite commit.
    ctx.idempotencyKey
      ? idempotentWrite(database, ctx, 'POST /movements', raws, work)
      : groupedWriteTransaction(database, work),
  );
}

/**
 * On PostgreSQL two transactions can both look for a movement key (or an earlier reversal), both find
 * none, and both insert: the second then fails on the unique constraint. Running it again, it sees the
 * first one's row and answers as a replay (or as "already reversed"). SQLite's single writer never races.
 */
async function retryUniqueRace<T>(constraint: string, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const { code, constraint: violated } = error as { code?: string; constraint?: string };
      if (attempt >= 3 || code !== '23505' || violated !== constraint) throw error;
    }
  }
}

/** How an internal caller posts. */
export type PostOptions = {
  /**
   * The issues and sales take stock that was allocated to them (a shipment of a customer order, components issued
   * to a production order): allocated falls with on hand, and a make-to-order sale is not new demand to order for.
   */
  consumeAllocation?: boolean;
};

/**
 * The same as `postMovements`, inside a transaction the caller already holds (an import that posts
 * opening stock together with other writes). Throws on any problem; the caller's transaction then rolls back.
 */
export async function postMovementsWithin(
  tx: Tx,
  database: Database,
  raws: unknown[],
  ctx: ServiceContext,
  options: PostOptions = {},
): Promise<PostOutcome[]> {
  return postParsed(tx, database, parseAll(raws, ctx.now), ctx, options);
}

function parseAll(raws: unknown[], now: number): MovementRequest[] {
  const requests: MovementRequest[] = [];
  const problems: FieldProblem[] = [];
  const keys = new Set<string>();
  for (let index = 0; index < raws.length; index++) {
    const parsed = parseMovementRequest(raws[index], now);
    if (!parsed.ok) {
      for (const problem of parsed.problems) problems.push({ ...problem, index });
      continue;
    }
    const key = parsed.value.idempotencyKey;
    if (key !== null) {
      if (keys.has(key)) problems.push({ field: 'idempotency_key', message: 'appears twice in this batch', index });
      keys.add(key);
    }
    requests.push(parsed.value);
  }
  throwIfProblems(raws.length === 1 ? problems.map(({ index: _index, ...rest }) => rest) : problems);
  return requests;
}

type CodedProblem = FieldProblem & { code: ErrorCode };

/** Where a request posts: its item and one location (two for a transfer), as indexes into the batch's balances. */
type Target = { itemId: number; allowNegative: boolean; pair: number; toPair: number };

/**
 * The balances one call touches, held in parallel arrays indexed by a dense pair number so the
 * per-movement loop allocates nothing.
 */
class WorkingBalances {
  readonly itemIds: number[] = [];
  readonly locationIds: number[] = [];
  readonly rows: BalanceRow[] = [];
  readonly changed: boolean[] = [];
  readonly positionBefore: number[] = [];
  readonly policies: Array<PolicyRef | undefined> = [];
  /** Make-to-order: the quantity sold in this call, per pair. */
  readonly demand: number[] = [];
  /** The last request of the call that touched the pair: the trigger's outcome is reported there. */
  readonly lastRequest: number[] = [];
  private readonly index = new Map<number | string, number>();

  /** The pair number of item × location, added on first sight. */
  intern(itemId: number, locationId: number): number {
    const key = pairKey(itemId, locationId);
    let pair = this.index.get(key);
    if (pair === undefined) {
      pair = this.itemIds.length;
      this.index.set(key, pair);
      this.itemIds.push(itemId);
      this.locationIds.push(locationId);
    }
    return pair;
  }

  pairs(): Array<[number, number]> {
    return this.itemIds.map((itemId, pair) => [itemId, this.locationIds[pair]!]);
  }

  load(locked: Map<string, BalanceRow>): void {
    for (let pair = 0; pair < this.itemIds.length; pair++) {
      const itemId = this.itemIds[pair]!;
      const locationId = this.locationIds[pair]!;
      this.rows.push(
        locked.get(balanceKey(itemId, locationId)) ?? {
          item_id: itemId,
          location_id: locationId,
          on_hand_milli: 0,
          allocated_milli: 0,
          on_order_milli: 0,
          backordered_milli: 0,
        },
      );
      this.changed.push(false);
      const row = this.rows[pair]!;
      this.positionBefore.push(
        positionOf(row.on_hand_milli, row.on_order_milli, row.allocated_milli, row.backordered_milli),
      );
      this.demand.push(0);
      this.lastRequest.push(-1);
    }
  }

  loadPolicies(found: Map<string, PolicyRef>): void {
    if (found.size === 0) return;
    for (let pair = 0; pair < this.itemIds.length; pair++) {
      this.policies[pair] = found.get(balanceKey(this.itemIds[pair]!, this.locationIds[pair]!));
    }
  }

  changedRows(): BalanceRow[] {
    return this.rows.filter((_, pair) => this.changed[pair]);
  }
}

/** A number while ids are small enough to pack exactly (always, in practice), a string otherwise. */
function pairKey(itemId: number, locationId: number): number | string {
  return locationId < 2_097_152 && itemId < 2_147_483_648 ? itemId * 2_097_152 + locationId : `${itemId}:${locationId}`;
}

async function postParsed(
  tx: Tx,
  database: Database,
  requests: MovementRequest[],
  ctx: ServiceContext,
  options: PostOptions = {},
): Promise<PostOutcome[]> {
  const repository = ledgerRepository(database);
  const consumeAllocation = options.consumeAllocation === true;
  const count = requests.length;
  const problems: CodedProblem[] = [];
  const where = (index: number) => (count === 1 ? undefined : index);

  const keys: string[] = [];
  const skus = new Set<string>();
  const codes = new Set<string>();
  for (const request of requests) {
    if (request.idempotencyKey !== null) keys.push(request.idempotencyKey);
    skus.add(request.sku);
    if (request.kind === 'stock') codes.add(request.location);
    else {
      codes.add(request.from);
      codes.add(request.to);
    }
  }
  const earlier = keys.length > 0 ? await repository.findMovementsByIdempotencyKey(tx, keys) : undefined;
  const items = await repository.findItems(tx, [...skus]);
  const locations = await repository.findLocations(tx, [...codes]);

  // Resolve codes to ids; every unknown or deactivated reference is a problem.
  const working = new WorkingBalances();
  const targets = new Array<Target | null>(count);
  for (let index = 0; index < count; index++) {
    const request = requests[index]!;
    const replay = earlier !== undefined && request.idempotencyKey !== null && earlier.has(request.idempotencyKey);
    const item = items.get(request.sku);
    if (!item) {
      problems.push({
        code: 'LS_UNKNOWN_ITEM',
        field: 'sku',
        message: `unknown SKU "${request.sku}"`,
        ...at(where(index)),
      });
    } else if (!item.active && !replay) {
      problems.push({
        code: 'LS_INACTIVE',
        field: 'sku',
        message: `item "${request.sku}" is deactivated`,
        ...at(where(index)),
      });
    }
    const fromId =
      request.kind === 'stock'
        ? resolveLocation(locations, 'location', request.location, replay, problems, where(index))
        : resolveLocation(locations, 'from', request.from, replay, problems, where(index));
    const toId =
      request.kind === 'stock'
        ? undefined
        : resolveLocation(locations, 'to', request.to, replay, problems, where(index));
    if (!item || fromId === undefined || (request.kind === 'transfer' && toId === undefined)) {
      targets[index] = null;
      continue;
    }
    targets[index] = {
      itemId: item.id,
      allowNegative: item.allow_negative === 1,
      pair: working.intern(item.id, fromId),
      toPair: toId === undefined ? -1 : working.intern(item.id, toId),
    };
  }
  throwCoded(problems);

  const locked = await repository.lockBalancesWithPolicies(tx, working.pairs());
  working.load(locked.balances);
  working.loadPolicies(locked.policies);

  // Apply each movement to the working balances in order; refuse any that would go below zero.
  const rows: NewMovementRow[] = [];
  const rowPairs: number[] = [];
  const rowOnHand: number[] = [];
  const firstRow = new Int32Array(count);
  const replays = new Array<MovementRow | undefined>(count);
  const replayOnHand: Array<number[] | undefined> = new Array(count);
  for (let index = 0; index < count; index++) {
    const request = requests[index]!;
    const target = targets[index]!;
    firstRow[index] = rows.length;
    const previous = request.idempotencyKey === null ? undefined : earlier?.get(request.idempotencyKey);
    if (previous) {
      if (!isSameRequest(previous, request)) {
        problems.push({
          code: 'LS_IDEMPOTENCY_CONFLICT',
          field: 'idempotency_key',
          message: `"${request.idempotencyKey}" was already used for a different movement`,
          ...at(where(index)),
        });
      }
      replays[index] = previous;
      const legs = target.toPair < 0 ? [target.pair] : [target.pair, target.toPair];
      replayOnHand[index] = legs.map((pair) => working.rows[pair]!.on_hand_milli);
      continue;
    }
    const transferId = request.kind === 'transfer' ? `TR-${randomUUID()}` : null;
    const legs = request.kind === 'stock' ? 1 : 2;
    for (let leg = 0; leg < legs; leg++) {
      const pair = leg === 0 ? target.pair : target.toPair;
      const balance = working.rows[pair]!;
      const change =
        request.kind === 'stock'
          ? computeOnHandChange(request.type, request.quantityMilli, balance.on_hand_milli)
          : leg === 0
            ? -request.quantityMilli
            : request.quantityMilli;
      const onHandAfter = balance.on_hand_milli + change;
      const consumes = consumeAllocation && change < 0;
      // A make-to-order sale is a backorder: the drafted line brings what was sold.
      const isBackorder =
        !consumeAllocation && request.type === 'sale' && working.policies[pair]?.kind === 'make_to_order';
      if (isBackorder) working.demand[pair]! += -change;
      if (onHandAfter < 0 && change < 0 && !target.allowNegative && !isBackorder) {
        problems.push({
          code: 'LS_NEGATIVE_STOCK',
          field: 'quantity',
          message: `would take on hand of "${request.sku}" at "${legCode(request, leg)}" below zero (on hand ${toQuantity(balance.on_hand_milli)}, change ${toQuantity(change)})`,
          ...at(where(index)),
        });
        continue;
      }
      if (consumes && -change > balance.allocated_milli) {
        problems.push({
          code: 'LS_VALIDATION',
          field: 'quantity',
          message: `is more than the ${toQuantity(balance.allocated_milli)} allocated of "${request.sku}" at "${legCode(request, leg)}"`,
          ...at(where(index)),
        });
        continue;
      }
      // Stock allocated to an order is not there to take: counts and adjustments record what is, the rest may not.
      if (
        !consumes &&
        change < 0 &&
        balance.allocated_milli > 0 &&
        onHandAfter < balance.allocated_milli &&
        request.type !== 'count' &&
        request.type !== 'adjustment' &&
        !target.allowNegative &&
        !isBackorder
      ) {
        problems.push({
          code: 'LS_NEGATIVE_STOCK',
          field: 'quantity',
          message: `would take on hand of "${request.sku}" at "${legCode(request, leg)}" below the ${toQuantity(balance.allocated_milli)} allocated to orders (on hand ${toQuantity(balance.on_hand_milli)}, change ${toQuantity(change)})`,
          ...at(where(index)),
        });
        continue;
      }
      if (consumes) balance.allocated_milli += change;
      balance.on_hand_milli = onHandAfter;
      working.changed[pair] = true;
      working.lastRequest[pair] = index;
      rowPairs.push(pair);
      rowOnHand.push(onHandAfter);
      rows.push({
        type: request.type,
        item_id: target.itemId,
        location_id: working.locationIds[pair]!,
        quantity_milli: change,
        counted_milli: request.type === 'count' ? request.quantityMilli : null,
        occurred_at: request.occurredAt ?? ctx.now,
        recorded_at: ctx.now,
        reason: request.reason,
        reference: request.reference,
        actor: ctx.actor,
        idempotency_key: leg === 0 ? request.idempotencyKey : null,
        transfer_id: transferId,
        reverses_id: null,
      });
    }
  }
  throwCoded(problems);

  const locationCodes = new Map<number, string>();
  for (const location of locations.values()) locationCodes.set(location.id, location.code);
  const trigger = await runTrigger(tx, draftingRepository(database), working, requests, locationCodes, ctx);
  const ids = rows.length > 0 ? await repository.insertMovements(tx, rows) : [];
  const changed = working.changedRows();
  if (changed.length > 0) await repository.saveBalances(tx, changed, ctx.now);
  const outcomes = new Array<PostOutcome>(count);
  for (let index = 0; index < count; index++) {
    const request = requests[index]!;
    const replay = replays[index];
    if (replay) {
      const legs = await replayedLegs(tx, replay);
      const onHand = replayOnHand[index]!;
      const target = targets[index]!;
      const balances = onHand.map((onHandMilli, leg) =>
        balanceView(
          onHandMilli,
          working.rows[leg === 0 ? target.pair : target.toPair]!,
          request.sku,
          legCode(request, leg),
        ),
      );
      outcomes[index] = { movements: legs.map(toMovementView), balances, replayed: true, triggered: [] };
      continue;
    }
    const end = index + 1 < count ? firstRow[index + 1]! : rows.length;
    const movements: MovementView[] = [];
    const balances: BalanceView[] = [];
    for (let r = firstRow[index]!; r < end; r++) {
      const row = rows[r]!;
      const code = locationCodes.get(row.location_id)!;
      movements.push(movementView(row, ids[r]!, request.sku, code));
      balances.push(balanceView(rowOnHand[r]!, working.rows[rowPairs[r]!]!, request.sku, code));
    }
    outcomes[index] = { movements, balances, replayed: false, triggered: trigger.byRequest.get(index) ?? [] };
  }
  await appendMovementsPosted(tx, outcomes, trigger.events, ctx.now);
  return outcomes;
}

/**
 * Checks the policy of every item × location this call changed, on the positions after all its
 * movements (a batch that dips twice is one dip), and drafts what they need. The balances carry the
 * drafted quantities on order before they are saved, in the same transaction as the movements. The
 * trigger's events are returned, for the caller to append before its `movement.posted`.
 */
async function runTrigger(
  tx: Tx,
  drafting: DraftingRepository,
  working: WorkingBalances,
  requests: MovementRequest[],
  locationCodes: Map<number, string>,
  ctx: ServiceContext,
): Promise<{ byRequest: Map<number, TriggerOutcome[]>; events: NewEvent[] }> {
  const byRequest = new Map<number, TriggerOutcome[]>();
  if (working.policies.length === 0) return { byRequest, events: [] };
  const candidates: ReplenishmentCandidate[] = [];
  const candidatePairs: number[] = [];
  for (let pair = 0; pair < working.rows.length; pair++) {
    const policy = working.policies[pair];
    if (policy === undefined || !working.changed[pair]) continue;
    // Kanban loops order on card signals and periodic reviews on their calendar, not on movements.
    if (policy.kind !== 'reorder_point' && policy.kind !== 'make_to_order' && policy.kind !== 'manual') continue;
    if (policy.kind === 'make_to_order' && working.demand[pair] === 0) continue;
    const row = working.rows[pair]!;
    const positionMilli = positionOf(row.on_hand_milli, row.on_order_milli, row.allocated_milli, row.backordered_milli);
    // Above s a reorder point never orders: most movements of a busy ledger stop here.
    if (policy.kind === 'reorder_point' && positionMilli > Number(policy.reorder_point_milli ?? 0)) continue;
    const request = requests[working.lastRequest[pair]!]!;
    candidates.push({
      itemId: row.item_id,
      locationId: row.location_id,
      sku: request.sku,
      location: locationCodes.get(row.location_id)!,
      policy: policyFromRow(policy),
      positionMilli,
      positionBeforeMilli: working.positionBefore[pair]!,
      demandMilli: working.demand[pair]!,
    });
    candidatePairs.push(pair);
  }
  if (candidates.length === 0) return { byRequest, events: [] };
  const result = await replenish(tx, candidates, ctx, { repository: drafting, returnEvents: true });
  const candidateOf = new Map<string, number>();
  for (let i = 0; i < candidates.length; i++) {
    const added = result.onOrderAddedMilli[i]!;
    if (added !== 0) working.rows[candidatePairs[i]!]!.on_order_milli += added;
    const key = `${candidates[i]!.sku}\u0000${candidates[i]!.location}`;
    if (!candidateOf.has(key)) candidateOf.set(key, i);
  }
  for (const outcome of result.outcomes) {
    const i = candidateOf.get(`${outcome.sku}\u0000${outcome.location}`)!;
    const index = working.lastRequest[candidatePairs[i]!]!;
    const list = byRequest.get(index) ?? [];
    list.push(outcome);
    byRequest.set(index, list);
  }
  return { byRequest, events: result.events };
}

/** Appends the trigger's events and then `movement.posted`, in one statement. */
async function appendMovementsPosted(
  tx: Tx,
  outcomes: PostOutcome[],
  triggerEvents: NewEvent[],
  now: number,
): Promise<void> {
  const posted = outcomes.filter((o) => !o.replayed).flatMap((o) => o.movements);
  if (posted.length === 0) {
    await appendEvents(tx, triggerEvents, now);
    return;
  }
  const listed = posted.slice(0, MAX_MOVEMENTS_PER_EVENT).map((m) => ({
    id: m.id,
    type: m.type,
    sku: m.sku,
    location: m.location,
    on_hand_change: m.on_hand_change,
  }));
  await appendEvents(
    tx,
    [
      ...triggerEvents,
      {
        type: 'movement.posted',
        subject: posted.length === 1 ? `${posted[0]!.sku}@${posted[0]!.location}` : null,
        payload: { count: posted.length, movements: listed, truncated: posted.length > listed.length },
      },
    ],
    now,
  );
}

/** A location's id; an unknown one (or a deactivated one, unless replaying) is a problem. */
function resolveLocation(
  locations: Map<string, LocationRef>,
  field: string,
  code: string,
  replay: boolean,
  problems: CodedProblem[],
  index: number | undefined,
): number | undefined {
  const location = locations.get(code);
  if (!location) {
    problems.push({ code: 'LS_UNKNOWN_LOCATION', field, message: `unknown location "${code}"`, ...at(index) });
    return undefined;
  }
  if (!location.active && !replay) {
    problems.push({ code: 'LS_INACTIVE', field, message: `location "${code}" is deactivated`, ...at(index) });
    return undefined;
  }
  return location.id;
}

function at(index: number | undefined): { index?: number } {
  return index === undefined ? {} : { index };
}

function legCode(request: MovementRequest, leg: number): string {
  if (request.kind === 'stock') return request.location;
  return leg === 0 ? request.from : request.to;
}

function isSameRequest(previous: MovementRow, request: MovementRequest): boolean {
  if (previous.sku !== request.sku || previous.type !== request.type) return false;
  if (request.kind === 'transfer') {
    return previous.location_code === request.from && previous.quantity_milli === -request.quantityMilli;
  }
  if (previous.location_code !== request.location) return false;
  if (request.type === 'count') return previous.counted_milli === request.quantityMilli;
  return quantityEntered(previous) === request.quantityMilli;
}

async function replayedLegs(tx: Tx, first: MovementRow): Promise<MovementRow[]> {
  if (first.transfer_id === null) return [first];
  const rows = await tx
    .selectFrom('movements as m')
    .innerJoin('items as i', 'i.id', 'm.item_id')
    .innerJoin('locations as l', 'l.id', 'm.location_id')
    .selectAll('m')
    .select(['i.sku', 'l.code as location_code'])
    .where('m.transfer_id', '=', first.transfer_id)
    .orderBy('m.id')
    .execute();
  return rows as MovementRow[];
}

function throwCoded(problems: CodedProblem[]): void {
  if (problems.length === 0) return;
  const first = problems[0]!;
  const details = problems.map(({ code: _code, ...problem }) => problem);
  const where = first.index === undefined ? '' : `movements[${first.index}].`;
  const more = moreProblems(problems.length - 1);
  throw new DomainError(first.code, `${where}${first.field}: ${first.message}${more}`, details);
}

/** The quantity as the user entered it, recovered from the stored signed change. */
export function quantityEntered(row: Pick<MovementRow, 'type' | 'quantity_milli' | 'counted_milli'>): number {
  switch (row.type as MovementType) {
    case 'count':
      return row.counted_milli ?? row.quantity_milli;
    case 'issue':
    case 'sale':
    case 'scrap':
      return -row.quantity_milli;
    case 'transfer':
      return Math.abs(row.quantity_milli);
    default:
      return row.quantity_milli;
  }
}

export function toMovementView(row: MovementRow): MovementView {
  return movementView(row, row.id, row.sku, row.location_code);
}

function movementView(row: NewMovementRow, id: number, sku: string, location: string): MovementView {
  return {
    id,
    type: row.type as MovementType,
    sku,
    location,
    quantity: toQuantity(quantityEntered(row)),
    on_hand_change: toQuantity(row.quantity_milli),
    counted_quantity: row.counted_milli === null ? null : toQuantity(row.counted_milli),
    occurred_at: isoInstant(row.occurred_at),
    recorded_at: isoInstant(row.recorded_at),
    reason: row.reason,
    reference: row.reference,
    actor: row.actor,
    idempotency_key: row.idempotency_key,
    transfer_id: row.transfer_id,
    reverses_id: row.reverses_id,
  };
}

let lastInstant = Number.NaN;
let lastIso = '';

/** `new Date(ms).toISOString()`, remembering the last answer: a batch mostly repeats one instant. */
function isoInstant(ms: number): string {
  if (ms !== lastInstant) {
    lastIso = new Date(ms).toISOString();
    lastInstant = ms;
  }
  return lastIso;
}

export function toBalanceView(
  row: Omit<BalanceRow, 'item_id' | 'location_id'>,
  sku: string,
  location: string,
): BalanceView {
  return balanceView(row.on_hand_milli, row, sku, location);
}

function balanceView(
  onHandMilli: number,
  row: Pick<BalanceRow, 'allocated_milli' | 'on_order_milli' | 'backordered_milli'>,
  sku: string,
  location: string,
): BalanceView {
  const balance: Balance = {
    onHandMilli,
    allocatedMilli: row.allocated_milli,
    onOrderMilli: row.on_order_milli,
    backorderedMilli: row.backordered_milli,
  };
  return {
    sku,
    location,
    on_hand: toQuantity(balance.onHandMilli),
    allocated: toQuantity(balance.allocatedMilli),
    on_order: toQuantity(balance.onOrderMilli),
    backordered: toQuantity(balance.backorderedMilli),
    available: toQuantity(availableMilli(balance)),
    inventory_position: toQuantity(inventoryPositionMilli(balance)),
  };
}

export type { StockMovementType };

/**
 * Corrects a mistake: posts the opposite of a movement (both legs of a transfer), pointing at the
 * original. The original stays in the ledger; a movement can be reversed once.
 */
export async function reverseMovement(
  database: Database,
  movementId: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PostOutcome> {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const reason = body['reason'];
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500) {
    throw new DomainError('LS_VALIDATION', 'reason: is required (at most 500 characters) to reverse a movement', [
      { field: 'reason', message: 'is required (at most 500 characters)', value: reason },
    ]);
  }
  const repository = ledgerRepository(database);
  const reverse = () =>
    idempotentWrite(database, ctx, `POST /movements/${movementId}/reverse`, body, async (tx) => {
      const first = (await tx
        .selectFrom('movements as m')
        .innerJoin('items as i', 'i.id', 'm.item_id')
        .innerJoin('locations as l', 'l.id', 'm.location_id')
        .selectAll('m')
        .select(['i.sku', 'l.code as location_code', 'i.allow_negative'])
        .where('m.id', '=', movementId)
        .executeTakeFirst()) as (MovementRow & { allow_negative: number }) | undefined;
      if (!first) {
        throw new DomainError('LS_UNKNOWN_MOVEMENT', `id: no movement ${movementId}`, [
          { field: 'id', message: 'unknown movement', value: movementId },
        ]);
      }
      if (first.reverses_id !== null) {
        throw new DomainError(
          'LS_VALIDATION',
          'id: a reversal cannot itself be reversed; post a new movement instead',
          [{ field: 'id', message: 'is a reversal', value: movementId }],
        );
      }
      const legs = await replayedLegs(tx, first);
      // Lock first: a racing reversal of the same movement locks the same rows, so once we hold them,
      // its reversal (if it committed) is visible to the check below.
      const locked = await repository.lockBalances(
        tx,
        legs.map((leg) => [leg.item_id, leg.location_id]),
      );
      const reversed = await tx
        .selectFrom('movements')
        .select('id')
        .where(
          'reverses_id',
          'in',
          legs.map((leg) => leg.id),
        )
        .executeTakeFirst();
      if (reversed) {
        throw new DomainError(
          'LS_ALREADY_REVERSED',
          `id: movement ${movementId} was already reversed by ${reversed.id}`,
          [{ field: 'id', message: `already reversed by movement ${reversed.id}`, value: movementId }],
        );
      }
      const working = new WorkingBalances();
      for (const leg of legs) working.intern(leg.item_id, leg.location_id);
      working.load(locked);
      working.loadPolicies(await repository.findPolicies(tx, working.pairs()));
      const rows: NewMovementRow[] = [];
      const onHandAfter: number[] = [];
      for (const leg of legs) {
        const pair = working.intern(leg.item_id, leg.location_id);
        const balance = working.rows[pair]!;
        const after = balance.on_hand_milli - leg.quantity_milli;
        if (after < 0 && leg.quantity_milli > 0 && first.allow_negative !== 1) {
          throw new DomainError(
            'LS_NEGATIVE_STOCK',
            `id: reversing would take on hand of "${leg.sku}" at "${leg.location_code}" below zero (on hand ${toQuantity(balance.on_hand_milli)})`,
            [{ field: 'id', message: 'reversal would take on hand below zero', value: movementId }],
          );
        }
        balance.on_hand_milli = after;
        onHandAfter.push(after);
        working.changed[pair] = true;
        working.lastRequest[pair] = 0;
        rows.push({
          type: leg.type,
          item_id: leg.item_id,
          location_id: leg.location_id,
          quantity_milli: -leg.quantity_milli,
          counted_milli: null,
          occurred_at: ctx.now,
          recorded_at: ctx.now,
          reason,
          reference: leg.reference,
          actor: ctx.actor,
          idempotency_key: null,
          transfer_id: leg.transfer_id === null ? null : `${leg.transfer_id}-R`,
          reverses_id: leg.id,
        });
      }
      const locationCodes = new Map(legs.map((leg) => [leg.location_id, leg.location_code]));
      const asRequest = { kind: 'stock', sku: first.sku } as MovementRequest;
      const trigger = await runTrigger(tx, draftingRepository(database), working, [asRequest], locationCodes, ctx);
      const ids = await repository.insertMovements(tx, rows);
      await repository.saveBalances(tx, working.changedRows(), ctx.now);
      const movements = rows.map((row, i) =>
        toMovementView({ ...row, id: ids[i]!, sku: legs[i]!.sku, location_code: legs[i]!.location_code }),
      );
      const balances = legs.map((leg, i) =>
        balanceView(
          onHandAfter[i]!,
          working.rows[working.intern(leg.item_id, leg.location_id)]!,
          leg.sku,
          leg.location_code,
        ),
      );
      const outcome: PostOutcome = { movements, balances, replayed: false, triggered: trigger.byRequest.get(0) ?? [] };
      await appendMovementsPosted(tx, [outcome], trigger.events, ctx.now);
      return outcome;
    });
  return retryUniqueRace('movements_reverses_id_key', reverse);
}

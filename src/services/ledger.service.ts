import { randomUUID } from 'node:crypto';
import { DomainError, type ErrorCode, type FieldProblem, throwIfProblems } from '../domain/errors.js';
import {
  availableMilli,
  type Balance,
  computeOnHandChange,
  inventoryPositionMilli,
  type MovementRequest,
  type MovementType,
  parseMovementRequest,
  type StockMovementType,
} from '../domain/ledger/index.js';
import { toQuantity } from '../domain/quantity.js';
import type { Database, Tx } from '../store/database.js';
import {
  type BalanceRow,
  balanceKey,
  createLedgerRepository,
  type LedgerRepository,
  type MovementRow,
  type NewMovementRow,
} from '../store/ledger.repository.js';
import type { ServiceContext } from './context.js';
import { idempotentWrite } from './idempotent-write.js';

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
  available: number;
  inventory_position: number;
};

/** What one posted request did: one movement, or the two legs of a transfer, and the balances after it. */
export type PostOutcome = {
  movements: MovementView[];
  balances: BalanceView[];
  /** True when an idempotency key matched an earlier movement and nothing new was written. */
  replayed: boolean;
};

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
  const repository = ledgerRepository(database);
  return retryUniqueRace('movements_idempotency_key_key', () =>
    idempotentWrite(database, ctx, 'POST /movements', raws, (tx) => postParsed(tx, repository, requests, ctx)),
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

/**
 * The same as `postMovements`, inside a transaction the caller already holds (an import that posts
 * opening stock together with other writes). Throws on any problem; the caller's transaction then rolls back.
 */
export async function postMovementsWithin(
  tx: Tx,
  database: Database,
  raws: unknown[],
  ctx: ServiceContext,
): Promise<PostOutcome[]> {
  return postParsed(tx, ledgerRepository(database), parseAll(raws, ctx.now), ctx);
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

async function postParsed(
  tx: Tx,
  repository: LedgerRepository,
  requests: MovementRequest[],
  ctx: ServiceContext,
): Promise<PostOutcome[]> {
  const problems: CodedProblem[] = [];
  const single = requests.length === 1;
  const at = (index: number) => (single ? {} : { index });

  const keys = requests.flatMap((r) => (r.idempotencyKey === null ? [] : [r.idempotencyKey]));
  const earlier = keys.length > 0 ? await repository.findMovementsByIdempotencyKey(tx, keys) : new Map();

  const skus = new Set<string>();
  const codes = new Set<string>();
  for (const request of requests) {
    skus.add(request.sku);
    if (request.kind === 'stock') codes.add(request.location);
    else {
      codes.add(request.from);
      codes.add(request.to);
    }
  }
  const [items, locations] = await Promise.all([
    repository.findItems(tx, [...skus]),
    repository.findLocations(tx, [...codes]),
  ]);

  const pairs = new Map<string, [number, number]>();
  const resolved: Array<{ itemId: number; allowNegative: boolean; locationIds: number[] } | null> = [];
  for (let index = 0; index < requests.length; index++) {
    const request = requests[index]!;
    const item = items.get(request.sku);
    const fields = request.kind === 'stock' ? (['location'] as const) : (['from', 'to'] as const);
    const locationIds: number[] = [];
    if (!item) {
      problems.push({ code: 'LS_UNKNOWN_ITEM', field: 'sku', message: `unknown SKU "${request.sku}"`, ...at(index) });
    } else if (!item.active && !earlier.has(request.idempotencyKey)) {
      problems.push({
        code: 'LS_INACTIVE',
        field: 'sku',
        message: `item "${request.sku}" is deactivated`,
        ...at(index),
      });
    }
    for (const field of fields) {
      const code = (request as Record<string, unknown>)[field] as string;
      const location = locations.get(code);
      if (!location) {
        problems.push({ code: 'LS_UNKNOWN_LOCATION', field, message: `unknown location "${code}"`, ...at(index) });
      } else if (!location.active && !earlier.has(request.idempotencyKey)) {
        problems.push({ code: 'LS_INACTIVE', field, message: `location "${code}" is deactivated`, ...at(index) });
      } else {
        locationIds.push(location.id);
      }
    }
    if (!item || locationIds.length !== fields.length) {
      resolved.push(null);
      continue;
    }
    resolved.push({ itemId: item.id, allowNegative: item.allow_negative === 1, locationIds });
    for (const locationId of locationIds) pairs.set(balanceKey(item.id, locationId), [item.id, locationId]);
  }
  throwCoded(problems);

  const locked = await repository.lockBalances(tx, [...pairs.values()]);
  const working = new Map<string, BalanceRow>();
  for (const [key, [itemId, locationId]] of pairs) {
    const row = locked.get(key);
    working.set(
      key,
      row
        ? { ...row }
        : { item_id: itemId, location_id: locationId, on_hand_milli: 0, allocated_milli: 0, on_order_milli: 0 },
    );
  }

  const newRows: NewMovementRow[] = [];
  const plans: Array<{ rowIndexes: number[]; balances: BalanceView[]; replay: MovementRow | undefined }> = [];
  for (let index = 0; index < requests.length; index++) {
    const request = requests[index]!;
    const target = resolved[index]!;
    const previous = request.idempotencyKey === null ? undefined : earlier.get(request.idempotencyKey);
    if (previous) {
      if (!isSameRequest(previous, request)) {
        problems.push({
          code: 'LS_IDEMPOTENCY_CONFLICT',
          field: 'idempotency_key',
          message: `"${request.idempotencyKey}" was already used for a different movement`,
          ...at(index),
        });
      }
      const views = target.locationIds.map((locationId, leg) =>
        toBalanceView(working.get(balanceKey(target.itemId, locationId))!, request.sku, legCode(request, leg)),
      );
      plans.push({ rowIndexes: [], balances: views, replay: previous });
      continue;
    }
    const occurredAt = request.occurredAt ?? ctx.now;
    const base = {
      item_id: target.itemId,
      occurred_at: occurredAt,
      recorded_at: ctx.now,
      reason: request.reason,
      reference: request.reference,
      actor: ctx.actor,
      reverses_id: null,
    };
    const rowIndexes: number[] = [];
    const views: BalanceView[] = [];
    const legs: Array<{ locationId: number; change: number; counted: number | null; key: string | null }> =
      request.kind === 'stock'
        ? [{ locationId: target.locationIds[0]!, change: 0, counted: null, key: request.idempotencyKey }]
        : [
            {
              locationId: target.locationIds[0]!,
              change: -request.quantityMilli,
              counted: null,
              key: request.idempotencyKey,
            },
            { locationId: target.locationIds[1]!, change: request.quantityMilli, counted: null, key: null },
          ];
    const transferId = request.kind === 'transfer' ? `TR-${randomUUID()}` : null;
    for (let leg = 0; leg < legs.length; leg++) {
      const plan = legs[leg]!;
      const balance = working.get(balanceKey(target.itemId, plan.locationId))!;
      if (request.kind === 'stock') {
        plan.change = computeOnHandChange(request.type, request.quantityMilli, balance.on_hand_milli);
        plan.counted = request.type === 'count' ? request.quantityMilli : null;
      }
      const onHandAfter = balance.on_hand_milli + plan.change;
      if (onHandAfter < 0 && plan.change < 0 && !target.allowNegative) {
        problems.push({
          code: 'LS_NEGATIVE_STOCK',
          field: 'quantity',
          message: `would take on hand of "${request.sku}" at "${legCode(request, leg)}" below zero (on hand ${toQuantity(balance.on_hand_milli)}, change ${toQuantity(plan.change)})`,
          ...at(index),
        });
        continue;
      }
      balance.on_hand_milli = onHandAfter;
      rowIndexes.push(newRows.length);
      newRows.push({
        ...base,
        type: request.type,
        location_id: plan.locationId,
        quantity_milli: plan.change,
        counted_milli: plan.counted,
        idempotency_key: plan.key,
        transfer_id: transferId,
      });
      views.push(toBalanceView(balance, request.sku, legCode(request, leg)));
    }
    plans.push({ rowIndexes, balances: views, replay: undefined });
  }
  throwCoded(problems);

  const ids = await repository.insertMovements(tx, newRows);
  await repository.saveBalances(tx, [...working.values()], ctx.now);

  const locationCodes = new Map<number, string>();
  for (const location of locations.values()) locationCodes.set(location.id, location.code);
  const outcomes: PostOutcome[] = [];
  for (let index = 0; index < plans.length; index++) {
    const plan = plans[index]!;
    const request = requests[index]!;
    if (plan.replay) {
      const legs = await replayedLegs(tx, plan.replay);
      outcomes.push({ movements: legs.map(toMovementView), balances: plan.balances, replayed: true });
      continue;
    }
    const movements = plan.rowIndexes.map((rowIndex) => {
      const row = newRows[rowIndex]!;
      return toMovementView({
        ...row,
        id: ids[rowIndex]!,
        sku: request.sku,
        location_code: locationCodes.get(row.location_id)!,
      });
    });
    outcomes.push({ movements, balances: plan.balances, replayed: false });
  }
  return outcomes;
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
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : '';
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
  return {
    id: row.id,
    type: row.type as MovementType,
    sku: row.sku,
    location: row.location_code,
    quantity: toQuantity(quantityEntered(row)),
    on_hand_change: toQuantity(row.quantity_milli),
    counted_quantity: row.counted_milli === null ? null : toQuantity(row.counted_milli),
    occurred_at: new Date(row.occurred_at).toISOString(),
    recorded_at: new Date(row.recorded_at).toISOString(),
    reason: row.reason,
    reference: row.reference,
    actor: row.actor,
    idempotency_key: row.idempotency_key,
    transfer_id: row.transfer_id,
    reverses_id: row.reverses_id,
  };
}

export function toBalanceView(
  row: Omit<BalanceRow, 'item_id' | 'location_id'>,
  sku: string,
  location: string,
): BalanceView {
  const balance: Balance = {
    onHandMilli: row.on_hand_milli,
    allocatedMilli: row.allocated_milli,
    onOrderMilli: row.on_order_milli,
  };
  return {
    sku,
    location,
    on_hand: toQuantity(balance.onHandMilli),
    allocated: toQuantity(balance.allocatedMilli),
    on_order: toQuantity(balance.onOrderMilli),
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
      const rows: NewMovementRow[] = [];
      const balances: BalanceView[] = [];
      const changed: BalanceRow[] = [];
      for (const leg of legs) {
        const balance = locked.get(balanceKey(leg.item_id, leg.location_id)) ?? {
          item_id: leg.item_id,
          location_id: leg.location_id,
          on_hand_milli: 0,
          allocated_milli: 0,
          on_order_milli: 0,
        };
        const after = balance.on_hand_milli - leg.quantity_milli;
        if (after < 0 && leg.quantity_milli > 0 && first.allow_negative !== 1) {
          throw new DomainError(
            'LS_NEGATIVE_STOCK',
            `id: reversing would take on hand of "${leg.sku}" at "${leg.location_code}" below zero (on hand ${toQuantity(balance.on_hand_milli)})`,
            [{ field: 'id', message: 'reversal would take on hand below zero', value: movementId }],
          );
        }
        const updated = { ...balance, on_hand_milli: after };
        changed.push(updated);
        balances.push(toBalanceView(updated, leg.sku, leg.location_code));
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
      const ids = await repository.insertMovements(tx, rows);
      await repository.saveBalances(tx, changed, ctx.now);
      const movements = rows.map((row, i) =>
        toMovementView({ ...row, id: ids[i]!, sku: legs[i]!.sku, location_code: legs[i]!.location_code }),
      );
      return { movements, balances, replayed: false };
    });
  return retryUniqueRace('movements_reverses_id_key', reverse);
}

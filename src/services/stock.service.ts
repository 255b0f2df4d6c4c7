import { sql } from 'kysely';
import { DomainError } from '../domain/errors.js';
import { parseInstant } from '../domain/ledger/index.js';
import { type Database, readTransaction } from '../store/database.js';
import { type BalanceView, type MovementView, toBalanceView, toMovementView } from './ledger.service.js';
import { decodeCursor, encodeCursor, type Page } from './pagination.js';

export type StockQuery = { sku?: string; location?: string; asOf?: string; cursor?: string; limit?: number };

/**
 * Balances per item × location. With `asOf`, on hand is the sum of movements that occurred up to
 * that instant; allocated and on order are then reported as at present (no past document tracks them yet).
 */
export async function listStock(database: Database, query: StockQuery): Promise<Page<BalanceView>> {
  const limit = query.limit ?? 100;
  const after = query.cursor ? (decodeCursor(query.cursor, 2, 'cursor') as number[]) : undefined;
  let asOf: number | undefined;
  if (query.asOf !== undefined) {
    asOf = parseInstant(query.asOf);
    if (asOf === undefined) {
      throw new DomainError('LS_VALIDATION', 'as_of: must be an ISO 8601 date-time with a time zone', [
        { field: 'as_of', message: 'must be an ISO 8601 date-time with a time zone', value: query.asOf },
      ]);
    }
  }
  return readTransaction(database, async (tx) => {
    if (query.sku !== undefined) await requireItem(tx, query.sku);
    if (query.location !== undefined) await requireLocation(tx, query.location);
    let select = tx
      .selectFrom('balances as b')
      .innerJoin('items as i', 'i.id', 'b.item_id')
      .innerJoin('locations as l', 'l.id', 'b.location_id')
      .select([
        'b.item_id',
        'b.location_id',
        'i.sku',
        'l.code',
        'b.on_hand_milli',
        'b.allocated_milli',
        'b.on_order_milli',
        'b.backordered_milli',
      ]);
    if (asOf !== undefined) {
      const cutoff = asOf;
      select = select.select((eb) =>
        eb
          .selectFrom('movements as m')
          .select(sql<number>`coalesce(sum(m.quantity_milli), 0)`.as('s'))
          .whereRef('m.item_id', '=', 'b.item_id')
          .whereRef('m.location_id', '=', 'b.location_id')
          .where('m.occurred_at', '<=', cutoff)
          .as('on_hand_as_of'),
      );
    }
    if (query.sku !== undefined) select = select.where('i.sku', '=', query.sku);
    if (query.location !== undefined) select = select.where('l.code', '=', query.location);
    if (after) {
      const [itemId, locationId] = after;
      select = select.where((eb) =>
        eb.or([
          eb('b.item_id', '>', itemId!),
          eb.and([eb('b.item_id', '=', itemId!), eb('b.location_id', '>', locationId!)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('b.item_id')
      .orderBy('b.location_id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const data = page.map((row) => {
      const onHand =
        asOf === undefined ? row.on_hand_milli : Number((row as { on_hand_as_of?: number }).on_hand_as_of ?? 0);
      return toBalanceView({ ...row, on_hand_milli: onHand }, row.sku, row.code);
    });
    const last = page.at(-1);
    return { data, next_cursor: rows.length > limit && last ? encodeCursor([last.item_id, last.location_id]) : null };
  });
}

export type MovementQuery = {
  sku?: string;
  location?: string;
  type?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
  /** `desc` pages newest first (a cursor then continues to older movements). */
  order?: 'asc' | 'desc';
};

/** The ledger in the order it was recorded, oldest first; filter by item, location, type and time. */
export async function listMovements(database: Database, query: MovementQuery): Promise<Page<MovementView>> {
  const limit = query.limit ?? 100;
  const after = query.cursor ? (decodeCursor(query.cursor, 1, 'cursor')[0] as number) : undefined;
  const from = query.from === undefined ? undefined : instantOrThrow(query.from, 'from');
  const to = query.to === undefined ? undefined : instantOrThrow(query.to, 'to');
  return readTransaction(database, async (tx) => {
    if (query.sku !== undefined) await requireItem(tx, query.sku);
    if (query.location !== undefined) await requireLocation(tx, query.location);
    let select = movementSelect(tx);
    if (query.sku !== undefined) select = select.where('i.sku', '=', query.sku);
    if (query.location !== undefined) select = select.where('l.code', '=', query.location);
    if (query.type !== undefined) select = select.where('m.type', '=', query.type);
    if (from !== undefined) select = select.where('m.occurred_at', '>=', from);
    if (to !== undefined) select = select.where('m.occurred_at', '<=', to);
    const newestFirst = query.order === 'desc';
    if (after !== undefined) select = select.where('m.id', newestFirst ? '<' : '>', after);
    const rows = await select
      .orderBy('m.id', newestFirst ? 'desc' : 'asc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(toMovementView),
      next_cursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
    };
  });
}

export async function getMovement(database: Database, id: number): Promise<MovementView> {
  const row = await movementSelect(database.db).where('m.id', '=', id).executeTakeFirst();
  if (!row)
    throw new DomainError('LS_UNKNOWN_MOVEMENT', `id: no movement ${id}`, [
      { field: 'id', message: 'unknown movement', value: id },
    ]);
  return toMovementView(row);
}

export function movementSelect(tx: Database['db']) {
  return tx
    .selectFrom('movements as m')
    .innerJoin('items as i', 'i.id', 'm.item_id')
    .innerJoin('locations as l', 'l.id', 'm.location_id')
    .selectAll('m')
    .select(['i.sku', 'l.code as location_code']);
}

async function requireItem(tx: Database['db'], sku: string): Promise<void> {
  const item = await tx.selectFrom('items').select('id').where('sku', '=', sku).executeTakeFirst();
  if (!item)
    throw new DomainError('LS_UNKNOWN_ITEM', `sku: unknown SKU "${sku}"`, [
      { field: 'sku', message: 'unknown SKU', value: sku },
    ]);
}

async function requireLocation(tx: Database['db'], code: string): Promise<void> {
  const location = await tx.selectFrom('locations').select('id').where('code', '=', code).executeTakeFirst();
  if (!location) {
    throw new DomainError('LS_UNKNOWN_LOCATION', `location: unknown location "${code}"`, [
      { field: 'location', message: 'unknown location', value: code },
    ]);
  }
}

function instantOrThrow(value: string, field: string): number {
  const instant = parseInstant(value);
  if (instant === undefined) {
    throw new DomainError('LS_VALIDATION', `${field}: must be an ISO 8601 date-time with a time zone`, [
      { field, message: 'must be an ISO 8601 date-time with a time zone', value },
    ]);
  }
  return instant;
}

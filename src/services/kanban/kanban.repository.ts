import type { Selectable } from 'kysely';
import type { Tx } from '../../store/database.js';
import type { KanbanCardState, KanbanCardTable, KanbanLoopTable } from '../../store/schema.js';

export type KanbanLoopRow = Selectable<KanbanLoopTable>;
export type KanbanCardRow = Selectable<KanbanCardTable>;

/** A loop with the codes and names a view or a label prints. */
export type KanbanLoopDetailRow = KanbanLoopRow & {
  sku: string;
  item_name: string;
  unit: string;
  location_code: string;
  location_name: string;
  supplier_code: string | null;
};

/** A card with the purchase order its open line belongs to, if any. */
export type KanbanCardDetailRow = KanbanCardRow & {
  purchase_order_id: number | null;
  purchase_order_status: string | null;
};

export type KanbanLoopFilter = {
  itemId?: number;
  locationId?: number;
  active?: boolean;
  /** Keyset: only loops after this (sku, location code). */
  after?: { sku: string; location: string };
  limit: number;
};

function selectLoops(tx: Tx) {
  return tx
    .selectFrom('kanban_loops as k')
    .innerJoin('items as i', 'i.id', 'k.item_id')
    .innerJoin('locations as l', 'l.id', 'k.location_id')
    .leftJoin('suppliers as s', 's.id', 'k.supplier_id')
    .selectAll('k')
    .select([
      'i.sku as sku',
      'i.name as item_name',
      'i.unit as unit',
      'l.code as location_code',
      'l.name as location_name',
      's.code as supplier_code',
    ]);
}

export async function findLoopOfPair(tx: Tx, itemId: number, locationId: number): Promise<KanbanLoopRow | undefined> {
  return tx
    .selectFrom('kanban_loops')
    .selectAll()
    .where('item_id', '=', itemId)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
}

export async function findLoopDetail(tx: Tx, loopId: number): Promise<KanbanLoopDetailRow | undefined> {
  return selectLoops(tx).where('k.id', '=', loopId).executeTakeFirst();
}

/** One page of loops ordered by SKU, then location code. */
export async function listLoopDetails(tx: Tx, filter: KanbanLoopFilter): Promise<KanbanLoopDetailRow[]> {
  let select = selectLoops(tx);
  if (filter.itemId !== undefined) select = select.where('k.item_id', '=', filter.itemId);
  if (filter.locationId !== undefined) select = select.where('k.location_id', '=', filter.locationId);
  if (filter.active !== undefined) select = select.where('k.active', '=', filter.active ? 1 : 0);
  const after = filter.after;
  if (after !== undefined) {
    select = select.where((eb) =>
      eb.or([eb('i.sku', '>', after.sku), eb.and([eb('i.sku', '=', after.sku), eb('l.code', '>', after.location)])]),
    );
  }
  return select.orderBy('i.sku').orderBy('l.code').limit(filter.limit).execute();
}

/** Every card of the loops, by loop and number, with the purchase order each is on. */
export async function listCardsOfLoops(tx: Tx, loopIds: number[]): Promise<KanbanCardDetailRow[]> {
  if (loopIds.length === 0) return [];
  return tx
    .selectFrom('kanban_cards as c')
    .leftJoin('purchase_order_lines as pl', 'pl.id', 'c.purchase_order_line_id')
    .leftJoin('purchase_orders as po', 'po.id', 'pl.purchase_order_id')
    .selectAll('c')
    .select(['po.id as purchase_order_id', 'po.status as purchase_order_status'])
    .where('c.loop_id', 'in', loopIds)
    .orderBy('c.loop_id')
    .orderBy('c.number')
    .execute();
}

export async function findCardRow(tx: Tx, cardId: string): Promise<KanbanCardRow | undefined> {
  return tx.selectFrom('kanban_cards').selectAll().where('id', '=', cardId).executeTakeFirst();
}

export async function insertLoop(
  tx: Tx,
  row: Omit<KanbanLoopRow, 'id' | 'active'> & { active: 0 | 1 },
): Promise<number> {
  const inserted = await tx.insertInto('kanban_loops').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function updateLoop(
  tx: Tx,
  loopId: number,
  change: Partial<Pick<KanbanLoopRow, 'supplier_id' | 'cards' | 'container_quantity_milli' | 'active' | 'updated_at'>>,
): Promise<void> {
  await tx.updateTable('kanban_loops').set(change).where('id', '=', loopId).execute();
}

export async function insertCards(tx: Tx, cards: KanbanCardRow[]): Promise<void> {
  if (cards.length === 0) return;
  await tx.insertInto('kanban_cards').values(cards).execute();
}

export async function setCardsActive(tx: Tx, cardIds: string[], active: boolean, now: number): Promise<void> {
  if (cardIds.length === 0) return;
  await tx
    .updateTable('kanban_cards')
    .set({ active: active ? 1 : 0, updated_at: now })
    .where('id', 'in', cardIds)
    .execute();
}

/**
 * Marks a card empty only if it is full and in circulation, in one statement: of two concurrent signals
 * of one card exactly one changes the row (PostgreSQL re-checks the condition after waiting for the row
 * lock; SQLite has one writer). Answers whether this call changed it.
 */
export async function markCardEmptyIfFull(
  tx: Tx,
  cardId: string,
  signal: { actor: string; now: number },
): Promise<boolean> {
  const result = await tx
    .updateTable('kanban_cards')
    .set({
      state: 'empty' satisfies KanbanCardState,
      signalled_at: signal.now,
      signalled_by: signal.actor,
      updated_at: signal.now,
    })
    .where('id', '=', cardId)
    .where('state', '=', 'full')
    .where('active', '=', 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

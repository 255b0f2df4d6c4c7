import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Tx } from '../database.js';
import type { ItemTable } from '../schema.js';

export type ItemRow = Selectable<ItemTable>;
export type NewItemRow = Insertable<Omit<ItemTable, 'id'>>;
export type ItemRowChange = Updateable<Omit<ItemTable, 'id' | 'sku' | 'created_at'>>;

/**
 * `stock_out` and `in_stock` look at on hand summed over every location; `below_reorder_point` means a
 * policy with a reorder point s (`reorder_point`, or `manual` with one) at some location where the
 * inventory position (on hand + on order − allocated) is at or below s. All but `inactive` mean active items only.
 */
export type ItemStockStatus = 'stock_out' | 'in_stock' | 'inactive' | 'below_reorder_point';

export type ItemRowFilter = {
  /** Case-insensitive substring of SKU or name. */
  q?: string;
  category?: string;
  active?: boolean;
  status?: ItemStockStatus;
  /** Keyset: only SKUs after this one. */
  afterSku?: string;
  limit: number;
};

export async function findItemRow(tx: Tx, sku: string): Promise<ItemRow | undefined> {
  return tx.selectFrom('items').selectAll().where('sku', '=', sku).executeTakeFirst();
}

/** Every item, by SKU (byte order on both databases). */
export async function listAllItemRows(tx: Tx): Promise<ItemRow[]> {
  return tx.selectFrom('items').selectAll().orderBy('sku').execute();
}

/** One page of items ordered by SKU; returns up to `limit` rows. */
export async function listItemRows(tx: Tx, filter: ItemRowFilter): Promise<ItemRow[]> {
  let select = tx.selectFrom('items').selectAll();
  if (filter.q !== undefined && filter.q !== '') {
    const pattern = `%${escapeLike(filter.q.toLowerCase())}%`;
    select = select.where((eb) =>
      eb.or([
        eb(sql`lower(sku)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(name)`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  if (filter.category !== undefined) select = select.where('category', '=', filter.category);
  if (filter.active !== undefined) select = select.where('active', '=', filter.active ? 1 : 0);
  if (filter.status === 'inactive') select = select.where('active', '=', 0);
  if (filter.status === 'stock_out' || filter.status === 'in_stock') {
    const onHand = sql<number>`coalesce((select sum(b.on_hand_milli) from balances b where b.item_id = items.id), 0)`;
    select = select.where('active', '=', 1).where(onHand, filter.status === 'stock_out' ? '<=' : '>', 0);
  }
  if (filter.status === 'below_reorder_point') {
    select = select.where('active', '=', 1).where(
      sql<boolean>`exists (select 1 from policies p
        left join balances b on b.item_id = p.item_id and b.location_id = p.location_id
        where p.item_id = items.id and p.kind in ('reorder_point', 'manual') and p.reorder_point_milli is not null
          and coalesce(b.on_hand_milli + b.on_order_milli - b.allocated_milli, 0) <= p.reorder_point_milli)`,
    );
  }
  if (filter.afterSku !== undefined) select = select.where('sku', '>', filter.afterSku);
  return select.orderBy('sku').limit(filter.limit).execute();
}

export async function insertItemRow(tx: Tx, row: NewItemRow): Promise<number> {
  const inserted = await tx.insertInto('items').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateItemRow(tx: Tx, id: number, change: ItemRowChange): Promise<void> {
  await tx.updateTable('items').set(change).where('id', '=', id).execute();
}

/** Makes `%`, `_` and `\` match themselves in a LIKE pattern with `escape '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

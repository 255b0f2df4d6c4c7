import type { Insertable, Selectable, Updateable } from 'kysely';
import type { PriceBreak } from '../../domain/catalogue/supplier-item.js';
import type { Tx } from '../database.js';
import type { SupplierItemTable } from '../schema.js';

export type SupplierItemRow = Selectable<SupplierItemTable>;
export type NewSupplierItemRow = Insertable<Omit<SupplierItemTable, 'id'>>;
export type SupplierItemRowChange = Updateable<
  Omit<SupplierItemTable, 'id' | 'item_id' | 'supplier_id' | 'created_at'>
>;

/** A supplier item with the natural keys of both ends and the supplier's lead time. */
export type SupplierItemRecord = SupplierItemRow & {
  sku: string;
  supplier_code: string;
  supplier_lead_time_days: number | null;
};

/** How price breaks are stored in `supplier_items.price_breaks`. */
type StoredPriceBreak = { min_quantity_milli: number; unit_price_minor: number };

export function encodePriceBreaks(breaks: PriceBreak[]): string {
  return JSON.stringify(
    breaks.map(
      (b): StoredPriceBreak => ({ min_quantity_milli: b.minQuantityMilli, unit_price_minor: b.unitPriceMinor }),
    ),
  );
}

export function decodePriceBreaks(text: string): PriceBreak[] {
  return (JSON.parse(text) as StoredPriceBreak[]).map((b) => ({
    minQuantityMilli: b.min_quantity_milli,
    unitPriceMinor: b.unit_price_minor,
  }));
}

/** The id of an item by SKU, for attaching sources to it. */
export async function findItemRef(tx: Tx, sku: string): Promise<{ id: number; sku: string } | undefined> {
  return tx.selectFrom('items').select(['id', 'sku']).where('sku', '=', sku).executeTakeFirst();
}

/** Items by SKU, for imports that resolve many at once. */
export async function findItemRefs(tx: Tx, skus: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let start = 0; start < skus.length; start += 500) {
    const rows = await tx
      .selectFrom('items')
      .select(['id', 'sku'])
      .where('sku', 'in', skus.slice(start, start + 500))
      .execute();
    for (const row of rows) found.set(row.sku, row.id);
  }
  return found;
}

function recordSelect(tx: Tx) {
  return tx
    .selectFrom('supplier_items as si')
    .innerJoin('items as i', 'i.id', 'si.item_id')
    .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
    .selectAll('si')
    .select(['i.sku', 's.code as supplier_code', 's.lead_time_days as supplier_lead_time_days']);
}

export async function findSupplierItemRecord(
  tx: Tx,
  itemId: number,
  supplierId: number,
): Promise<SupplierItemRecord | undefined> {
  return recordSelect(tx).where('si.item_id', '=', itemId).where('si.supplier_id', '=', supplierId).executeTakeFirst();
}

/** The sources of one item, preferred first: by rank, then supplier code. Up to `limit` rows. */
export async function listSourcesOfItem(
  tx: Tx,
  itemId: number,
  filter: { active?: boolean; after?: { rank: number; supplier: string }; limit: number },
): Promise<SupplierItemRecord[]> {
  let select = recordSelect(tx).where('si.item_id', '=', itemId);
  if (filter.active !== undefined) select = select.where('si.active', '=', filter.active ? 1 : 0);
  if (filter.after) {
    const { rank, supplier } = filter.after;
    select = select.where((eb) =>
      eb.or([eb('si.rank', '>', rank), eb.and([eb('si.rank', '=', rank), eb('s.code', '>', supplier)])]),
    );
  }
  return select.orderBy('si.rank').orderBy('s.code').limit(filter.limit).execute();
}

/** The items one supplier sells, by SKU. Up to `limit` rows. */
export async function listItemsOfSupplier(
  tx: Tx,
  supplierId: number,
  filter: { active?: boolean; afterSku?: string; limit: number },
): Promise<SupplierItemRecord[]> {
  let select = recordSelect(tx).where('si.supplier_id', '=', supplierId);
  if (filter.active !== undefined) select = select.where('si.active', '=', filter.active ? 1 : 0);
  if (filter.afterSku !== undefined) select = select.where('i.sku', '>', filter.afterSku);
  return select.orderBy('i.sku').limit(filter.limit).execute();
}

/** Every supplier item, by SKU then supplier code (byte order on both databases). */
export async function listAllSupplierItemRecords(tx: Tx): Promise<SupplierItemRecord[]> {
  return recordSelect(tx).orderBy('i.sku').orderBy('s.code').execute();
}

export async function insertSupplierItemRow(tx: Tx, row: NewSupplierItemRow): Promise<number> {
  const inserted = await tx.insertInto('supplier_items').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateSupplierItemRow(tx: Tx, id: number, change: SupplierItemRowChange): Promise<void> {
  await tx.updateTable('supplier_items').set(change).where('id', '=', id).execute();
}

import type { Insertable, Selectable } from 'kysely';
import type { Tx } from '../database.js';
import type { SupplierItemPriceTable } from '../schema.js';

export type SupplierItemPriceKind = 'contract' | 'purchase';
export type SupplierItemPriceRow = Selectable<SupplierItemPriceTable>;
export type NewSupplierItemPriceRow = Insertable<Omit<SupplierItemPriceTable, 'id'>>;

/** A price history entry with the purchase order its line belongs to (null for contract prices). */
export type SupplierItemPriceRecord = SupplierItemPriceRow & { purchase_order_id: number | null };

/**
 * The contract price of a supplier item valid on a local date 'YYYY-MM-DD' (validity dates
 * inclusive, null open-ended). Contract periods of one source do not overlap, so there is at most
 * one; should old data hold several, the latest recorded wins.
 */
export async function findContractPrice(
  tx: Tx,
  supplierItemId: number,
  localDate: string,
): Promise<{ unit_price_minor: number; currency: string } | undefined> {
  const row = await tx
    .selectFrom('supplier_item_prices')
    .select(['unit_price_minor', 'currency'])
    .where('supplier_item_id', '=', supplierItemId)
    .where('kind', '=', 'contract')
    .where((eb) => eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', localDate)]))
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', localDate)]))
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && { unit_price_minor: Number(row.unit_price_minor), currency: row.currency };
}

/** Appends the price paid on a purchase order line to the supplier item's price history. */
export async function recordPurchasePrice(
  tx: Tx,
  entry: {
    supplierItemId: number;
    unitPriceMinor: number;
    currency: string;
    purchaseOrderLineId: number;
    now: number;
  },
): Promise<number> {
  return insertSupplierItemPriceRow(tx, {
    supplier_item_id: entry.supplierItemId,
    kind: 'purchase',
    unit_price_minor: entry.unitPriceMinor,
    currency: entry.currency,
    valid_from: null,
    valid_to: null,
    purchase_order_line_id: entry.purchaseOrderLineId,
    recorded_at: entry.now,
  });
}

export async function insertSupplierItemPriceRow(tx: Tx, row: NewSupplierItemPriceRow): Promise<number> {
  const inserted = await tx.insertInto('supplier_item_prices').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/**
 * A contract price of the supplier item whose period shares a date with `period` (dates inclusive,
 * null open-ended), or undefined.
 */
export async function findOverlappingContract(
  tx: Tx,
  supplierItemId: number,
  period: { validFrom: string | null; validTo: string | null },
): Promise<SupplierItemPriceRow | undefined> {
  let select = tx
    .selectFrom('supplier_item_prices')
    .selectAll()
    .where('supplier_item_id', '=', supplierItemId)
    .where('kind', '=', 'contract');
  const { validFrom, validTo } = period;
  if (validFrom !== null)
    select = select.where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', validFrom)]));
  if (validTo !== null)
    select = select.where((eb) => eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', validTo)]));
  return select.orderBy('id').executeTakeFirst();
}

/**
 * Holds the supplier item's row until the transaction ends, so two contract prices for the same source
 * are checked for overlap one after the other. An UPDATE that changes nothing takes the row lock on
 * PostgreSQL; on SQLite the write transaction already excludes other writers.
 */
export async function lockSupplierItemPrices(tx: Tx, supplierItemId: number): Promise<void> {
  await tx
    .updateTable('supplier_items')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('id', '=', supplierItemId)
    .execute();
}

/** The price history of one supplier item, newest first (recorded_at, then id), up to `limit` entries. */
export async function listSupplierItemPriceRecords(
  tx: Tx,
  supplierItemId: number,
  filter: { kind?: SupplierItemPriceKind; before?: { recordedAt: number; id: number }; limit: number },
): Promise<SupplierItemPriceRecord[]> {
  let select = tx
    .selectFrom('supplier_item_prices as p')
    .leftJoin('purchase_order_lines as l', 'l.id', 'p.purchase_order_line_id')
    .selectAll('p')
    .select('l.purchase_order_id')
    .where('p.supplier_item_id', '=', supplierItemId);
  if (filter.kind !== undefined) select = select.where('p.kind', '=', filter.kind);
  if (filter.before) {
    const { recordedAt, id } = filter.before;
    select = select.where((eb) =>
      eb.or([
        eb('p.recorded_at', '<', recordedAt),
        eb.and([eb('p.recorded_at', '=', recordedAt), eb('p.id', '<', id)]),
      ]),
    );
  }
  return select.orderBy('p.recorded_at', 'desc').orderBy('p.id', 'desc').limit(filter.limit).execute();
}

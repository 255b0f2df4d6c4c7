import type { Selectable } from 'kysely';
import type { Tx } from './database.js';
import type { PurchaseOrderLineTable, PurchaseOrderTable } from './schema.js';

export type PurchaseOrderRow = Selectable<PurchaseOrderTable>;
export type PurchaseOrderLineRow = Selectable<PurchaseOrderLineTable>;

/** A source of an item as drafting needs it: the supplier item with its supplier's code and state. */
export type SourceRow = {
  id: number;
  item_id: number;
  supplier_id: number;
  supplier_code: string;
  supplier_active: number;
  supplier_currency: string;
  supplier_lead_time_days: number | null;
  supplier_sku: string | null;
  unit_price_minor: number | null;
  currency: string;
  price_breaks: string;
  lead_time_days: number | null;
  moq_milli: number | null;
  pack_size_milli: number | null;
  rank: number;
  active: number;
};

export async function findSourcesOfItems(tx: Tx, itemIds: number[]): Promise<SourceRow[]> {
  if (itemIds.length === 0) return [];
  return (await tx
    .selectFrom('supplier_items as si')
    .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
    .select([
      'si.id',
      'si.item_id',
      'si.supplier_id',
      's.code as supplier_code',
      's.active as supplier_active',
      's.currency as supplier_currency',
      's.lead_time_days as supplier_lead_time_days',
      'si.supplier_sku',
      'si.unit_price_minor',
      'si.currency',
      'si.price_breaks',
      'si.lead_time_days',
      'si.moq_milli',
      'si.pack_size_milli',
      'si.rank',
      'si.active',
    ])
    .where('si.item_id', 'in', itemIds)
    .execute()) as SourceRow[];
}

/** The one draft of a supplier that triggered lines are added to, if any. */
export async function findCollectingDraft(tx: Tx, supplierId: number): Promise<PurchaseOrderRow | undefined> {
  return tx
    .selectFrom('purchase_orders')
    .selectAll()
    .where('supplier_id', '=', supplierId)
    .where('collecting', '=', 1)
    .executeTakeFirst();
}

/**
 * Inserts a collecting draft for a supplier. Another process may have inserted one between our look and
 * this insert: the partial unique index refuses ours and the caller looks again.
 */
export async function insertCollectingDraft(
  tx: Tx,
  values: { supplierId: number; currency: string; actor: string; now: number },
): Promise<number> {
  const row = await tx
    .insertInto('purchase_orders')
    .values({
      supplier_id: values.supplierId,
      status: 'draft',
      collecting: 1,
      currency: values.currency,
      note: null,
      created_by: values.actor,
      created_at: values.now,
      updated_at: values.now,
      sent_at: null,
      confirmed_at: null,
      promised_date: null,
      received_at: null,
      closed_at: null,
      cancelled_at: null,
      cancel_reason: null,
      emailed_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function findLine(
  tx: Tx,
  purchaseOrderId: number,
  itemId: number,
  locationId: number,
): Promise<PurchaseOrderLineRow | undefined> {
  return tx
    .selectFrom('purchase_order_lines')
    .selectAll()
    .where('purchase_order_id', '=', purchaseOrderId)
    .where('item_id', '=', itemId)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
}

export type NewLine = Omit<
  PurchaseOrderLineRow,
  | 'id'
  | 'received_milli'
  | 'rejected_milli'
  | 'first_received_at'
  | 'received_at'
  | 'actual_lead_time_days'
  | 'on_time'
  | 'in_full'
  | 'expected_date'
>;

export async function insertLine(tx: Tx, line: NewLine): Promise<number> {
  const row = await tx
    .insertInto('purchase_order_lines')
    .values({
      ...line,
      expected_date: null,
      first_received_at: null,
      received_at: null,
      actual_lead_time_days: null,
      on_time: null,
      in_full: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function updateLine(
  tx: Tx,
  lineId: number,
  change: Partial<Omit<PurchaseOrderLineRow, 'id' | 'purchase_order_id'>>,
): Promise<void> {
  await tx.updateTable('purchase_order_lines').set(change).where('id', '=', lineId).execute();
}

export async function touchPurchaseOrder(tx: Tx, purchaseOrderId: number, now: number): Promise<void> {
  await tx.updateTable('purchase_orders').set({ updated_at: now }).where('id', '=', purchaseOrderId).execute();
}

/**
 * Opens (or refreshes) the review entry of an item for a reason; answers true when it is new, so the
 * caller raises the event once per episode rather than on every movement.
 */
export async function openReviewItem(
  tx: Tx,
  entry: { itemId: number; locationId: number | null; reason: string; message: string; now: number },
): Promise<boolean> {
  let open = tx
    .selectFrom('review_items')
    .select('id')
    .where('item_id', '=', entry.itemId)
    .where('reason', '=', entry.reason)
    .where('resolved_at', 'is', null);
  open =
    entry.locationId === null
      ? open.where('location_id', 'is', null)
      : open.where('location_id', '=', entry.locationId);
  const existing = await open.executeTakeFirst();
  if (existing) {
    await tx
      .updateTable('review_items')
      .set({ message: entry.message, updated_at: entry.now })
      .where('id', '=', existing.id)
      .execute();
    return false;
  }
  await tx
    .insertInto('review_items')
    .values({
      item_id: entry.itemId,
      location_id: entry.locationId,
      reason: entry.reason,
      message: entry.message,
      created_at: entry.now,
      updated_at: entry.now,
      resolved_at: null,
      resolved_by: null,
    })
    .execute();
  return true;
}

/** Closes the open review entries of an item × location for the given reasons (an order was drafted after all). */
export async function resolveReviewItems(
  tx: Tx,
  itemId: number,
  locationId: number,
  reasons: readonly string[],
  actor: string,
  now: number,
): Promise<void> {
  await tx
    .updateTable('review_items')
    .set({ resolved_at: now, resolved_by: actor, updated_at: now })
    .where('item_id', '=', itemId)
    .where('location_id', '=', locationId)
    .where('reason', 'in', reasons)
    .where('resolved_at', 'is', null)
    .execute();
}

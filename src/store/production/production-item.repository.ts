import type { Tx } from '../database.js';

/** What explosion and BOM views need of an item. */
export type ProductionItemRef = { id: number; sku: string; name: string; unit: string; active: boolean };

/** Items per `IN (...)` list: far below every dialect's parameter limit. */
const CHUNK = 500;

/** Items by id; ids that do not exist are absent. */
export async function loadProductionItems(tx: Tx, itemIds: readonly number[]): Promise<Map<number, ProductionItemRef>> {
  const found = new Map<number, ProductionItemRef>();
  const distinct = [...new Set(itemIds)];
  for (let start = 0; start < distinct.length; start += CHUNK) {
    const rows = await tx
      .selectFrom('items')
      .select(['id', 'sku', 'name', 'unit', 'active'])
      .where('id', 'in', distinct.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) {
      found.set(Number(row.id), {
        id: Number(row.id),
        sku: row.sku,
        name: row.name,
        unit: row.unit,
        active: row.active === 1,
      });
    }
  }
  return found;
}

/** Items by SKU; SKUs that do not exist are absent. */
export async function loadProductionItemsBySku(
  tx: Tx,
  skus: readonly string[],
): Promise<Map<string, ProductionItemRef>> {
  const found = new Map<string, ProductionItemRef>();
  const distinct = [...new Set(skus)];
  for (let start = 0; start < distinct.length; start += CHUNK) {
    const rows = await tx
      .selectFrom('items')
      .select(['id', 'sku', 'name', 'unit', 'active'])
      .where('sku', 'in', distinct.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) {
      found.set(row.sku, {
        id: Number(row.id),
        sku: row.sku,
        name: row.name,
        unit: row.unit,
        active: row.active === 1,
      });
    }
  }
  return found;
}

/**
 * Lead time to buy each item from its first-ranked active source of an active supplier (rank, then supplier code):
 * the source's lead time, else the supplier's, else null. Items with no such source are absent.
 */
export async function loadPurchaseLeadTimes(tx: Tx, itemIds: readonly number[]): Promise<Map<number, number | null>> {
  const found = new Map<number, number | null>();
  const distinct = [...new Set(itemIds)];
  for (let start = 0; start < distinct.length; start += CHUNK) {
    const rows = await tx
      .selectFrom('supplier_items as si')
      .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
      .select(['si.item_id', 'si.lead_time_days', 's.lead_time_days as supplier_lead_time_days'])
      .where('si.item_id', 'in', distinct.slice(start, start + CHUNK))
      .where('si.active', '=', 1)
      .where('s.active', '=', 1)
      .orderBy('si.item_id')
      .orderBy('si.rank')
      .orderBy('s.code')
      .execute();
    for (const row of rows) {
      const itemId = Number(row.item_id);
      if (!found.has(itemId)) found.set(itemId, row.lead_time_days ?? row.supplier_lead_time_days ?? null);
    }
  }
  return found;
}

/** On hand − allocated (never below 0) of each item at one location; items without a balance there are absent. */
export async function loadAvailableAt(
  tx: Tx,
  itemIds: readonly number[],
  locationId: number,
): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  const distinct = [...new Set(itemIds)];
  for (let start = 0; start < distinct.length; start += CHUNK) {
    const rows = await tx
      .selectFrom('balances')
      .select(['item_id', 'on_hand_milli', 'allocated_milli'])
      .where('location_id', '=', locationId)
      .where('item_id', 'in', distinct.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) {
      found.set(Number(row.item_id), Math.max(0, Number(row.on_hand_milli) - Number(row.allocated_milli)));
    }
  }
  return found;
}

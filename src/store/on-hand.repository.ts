import type { Tx } from './database.js';

export type OnHandRow = { item_id: number; location_id: number; sku: string; location: string; on_hand_milli: number };

/** On hand of every item × location that has a balance, by SKU then location code (byte order on both databases). */
export async function listOnHandRows(tx: Tx, options: { nonZeroOnly: boolean }): Promise<OnHandRow[]> {
  let select = tx
    .selectFrom('balances as b')
    .innerJoin('items as i', 'i.id', 'b.item_id')
    .innerJoin('locations as l', 'l.id', 'b.location_id')
    .select(['b.item_id', 'b.location_id', 'i.sku', 'l.code as location', 'b.on_hand_milli']);
  if (options.nonZeroOnly) select = select.where('b.on_hand_milli', '<>', 0);
  return select.orderBy('i.sku').orderBy('l.code').execute();
}

import type { Database, Tx } from '../../store/database.js';
import { type BalanceRow, balanceKey } from '../../store/ledger.repository.js';
import { ledgerRepository } from '../ledger.service.js';

export type OnOrderChange = { itemId: number; locationId: number; deltaMilli: number };

/**
 * Moves "on order" of item × location balances by the given amounts (summed per pair), under the same
 * balance lock a movement takes, so the inventory position never misses a change to an order's lines.
 */
export async function changeOnOrder(
  tx: Tx,
  database: Database,
  changes: readonly OnOrderChange[],
  now: number,
): Promise<void> {
  const deltas = new Map<string, OnOrderChange>();
  for (const change of changes) {
    if (change.deltaMilli === 0) continue;
    const key = balanceKey(change.itemId, change.locationId);
    const sum = deltas.get(key);
    deltas.set(key, sum ? { ...sum, deltaMilli: sum.deltaMilli + change.deltaMilli } : change);
  }
  if (deltas.size === 0) return;
  const repository = ledgerRepository(database);
  const pairs = [...deltas.values()].map((c) => [c.itemId, c.locationId] as [number, number]);
  const locked = await repository.lockBalances(tx, pairs);
  const rows: BalanceRow[] = [];
  for (const [key, change] of deltas) {
    const balance = locked.get(key) ?? {
      item_id: change.itemId,
      location_id: change.locationId,
      on_hand_milli: 0,
      allocated_milli: 0,
      on_order_milli: 0,
      backordered_milli: 0,
    };
    balance.on_order_milli += change.deltaMilli;
    rows.push(balance);
  }
  await repository.saveBalances(tx, rows, now);
}

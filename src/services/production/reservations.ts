import { DomainError } from '../../domain/errors.js';
import { positionOf } from '../../domain/ledger/balance.js';
import { toQuantity } from '../../domain/quantity.js';
import type { Database, Tx } from '../../store/database.js';
import { type BalanceRow, balanceKey } from '../../store/ledger.repository.js';
import type { ServiceContext } from '../context.js';
import { ledgerRepository } from '../ledger.service.js';
import { reevaluatePairs } from '../purchasing/reevaluate.js';
import type { TriggerOutcome } from '../purchasing/replenish.js';

/** A change to what an item × location holds for orders: allocated (on hand, reserved) and backordered (waiting). */
export type ReservationChange = {
  itemId: number;
  locationId: number;
  allocatedDeltaMilli: number;
  backorderedDeltaMilli: number;
};

/**
 * Moves allocated and backordered quantities under the balance lock a movement takes, so the inventory position
 * never misses a reservation. A new allocation may never take allocated above on hand, and neither may go below zero. A pair whose
 * position fell is checked by the replenishment trigger at once: a stocked component with a reorder point is
 * re-ordered the moment an order's allocation takes it to its reorder point, not at the next movement.
 */
export async function changeReservations(
  tx: Tx,
  database: Database,
  changes: readonly ReservationChange[],
  ctx: ServiceContext,
): Promise<TriggerOutcome[]> {
  const sums = new Map<string, ReservationChange>();
  for (const change of changes) {
    if (change.allocatedDeltaMilli === 0 && change.backorderedDeltaMilli === 0) continue;
    const key = balanceKey(change.itemId, change.locationId);
    const sum = sums.get(key);
    sums.set(
      key,
      sum
        ? {
            ...sum,
            allocatedDeltaMilli: sum.allocatedDeltaMilli + change.allocatedDeltaMilli,
            backorderedDeltaMilli: sum.backorderedDeltaMilli + change.backorderedDeltaMilli,
          }
        : { ...change },
    );
  }
  if (sums.size === 0) return [];
  const repository = ledgerRepository(database);
  const pairs = [...sums.values()].map((c) => [c.itemId, c.locationId] as [number, number]);
  const locked = await repository.lockBalances(tx, pairs);
  const rows: BalanceRow[] = [];
  const fell: Array<[number, number]> = [];
  for (const [key, change] of sums) {
    const balance = locked.get(key) ?? {
      item_id: change.itemId,
      location_id: change.locationId,
      on_hand_milli: 0,
      allocated_milli: 0,
      on_order_milli: 0,
      backordered_milli: 0,
    };
    const allocated = balance.allocated_milli + change.allocatedDeltaMilli;
    const backordered = balance.backordered_milli + change.backorderedDeltaMilli;
    // Only a rise is checked against on hand: a count may have found less than is allocated, and releasing part
    // of that allocation must still be possible.
    const overAllocated = change.allocatedDeltaMilli > 0 && allocated > balance.on_hand_milli;
    if (overAllocated || allocated < 0 || backordered < 0) {
      throw new DomainError(
        'LS_OVER_ALLOCATION',
        `quantity: item ${change.itemId} at location ${change.locationId} would hold allocated ${toQuantity(allocated)} and backordered ${toQuantity(backordered)} against on hand ${toQuantity(balance.on_hand_milli)}`,
        [{ field: 'quantity', message: 'allocation would exceed on hand (or go below zero)' }],
      );
    }
    const before = positionOf(
      balance.on_hand_milli,
      balance.on_order_milli,
      balance.allocated_milli,
      balance.backordered_milli,
    );
    balance.allocated_milli = allocated;
    balance.backordered_milli = backordered;
    rows.push(balance);
    if (positionOf(balance.on_hand_milli, balance.on_order_milli, allocated, backordered) < before) {
      fell.push([change.itemId, change.locationId]);
    }
  }
  await repository.saveBalances(tx, rows, ctx.now);
  return fell.length > 0 ? reevaluatePairs(tx, database, fell, ctx) : [];
}

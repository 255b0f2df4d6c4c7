/** The quantities held for one item at one location, in milli-units. */
export type Balance = {
  onHandMilli: number;
  allocatedMilli: number;
  onOrderMilli: number;
};

export const EMPTY_BALANCE: Balance = { onHandMilli: 0, allocatedMilli: 0, onOrderMilli: 0 };

/** Available = on hand − allocated: what can still be promised or issued. */
export function availableMilli(balance: Balance): number {
  return balance.onHandMilli - balance.allocatedMilli;
}

/**
 * Inventory position = on hand + on order − allocated. Replenishment triggers compare this, not
 * on hand, so stock already ordered is never ordered twice.
 */
export function inventoryPositionMilli(balance: Balance): number {
  return balance.onHandMilli + balance.onOrderMilli - balance.allocatedMilli;
}

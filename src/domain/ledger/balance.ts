/** The quantities held for one item at one location, in milli-units. */
export type Balance = {
  onHandMilli: number;
  allocatedMilli: number;
  onOrderMilli: number;
  /** Committed demand that stock on hand does not cover yet: it waits for supply pegged to it. */
  backorderedMilli: number;
};

export const EMPTY_BALANCE: Balance = { onHandMilli: 0, allocatedMilli: 0, onOrderMilli: 0, backorderedMilli: 0 };

/** Available = on hand − allocated: what can still be promised or issued. */
export function availableMilli(balance: Balance): number {
  return balance.onHandMilli - balance.allocatedMilli;
}

/**
 * Inventory position = on hand + on order − allocated − backordered. Replenishment triggers compare this, not
 * on hand, so stock already ordered is never ordered twice, and supply pegged to a customer's demand is not
 * mistaken for free stock.
 */
export function inventoryPositionMilli(balance: Balance): number {
  return positionOf(balance.onHandMilli, balance.onOrderMilli, balance.allocatedMilli, balance.backorderedMilli);
}

/** The same, from a balance row's columns. */
export function positionOf(
  onHandMilli: number,
  onOrderMilli: number,
  allocatedMilli: number,
  backorderedMilli: number,
) {
  return onHandMilli + onOrderMilli - allocatedMilli - backorderedMilli;
}

/**
 * Requirement explosion (MRP) for make-to-order: customer demands exploded level by level through their BOMs,
 * netted against available stock and open supply, the rest planned lot-for-lot and offset by lead time, with
 * pegging from every demand to its supply and a capable-to-promise date per demand.
 */
import type { BomLineInput } from './bom.js';

export type ExplosionItem = {
  itemId: number;
  /** Effective BOM at the location (null: the item is bought). */
  bom: { bomId: number; leadTimeDays: number; lines: BomLineInput[] } | null;
  /** Lead time to buy it from its first-ranked active source; null when it has none (a problem if bought). */
  purchaseLeadTimeDays: number | null;
  countUnit: boolean;
  /** Stocked items (any policy except make_to_order) are allocated from available stock first; make-to-order
   *  items are never taken from stock that is not already theirs: they are always ordered. */
  stocked: boolean;
  /** on hand − allocated, ≥ 0. */
  availableMilli: number;
  /** Open supply of this item × location not yet pegged, earliest due first. */
  openSupply: Array<{
    kind: 'purchase_order_line' | 'production_order';
    id: number;
    dueDate: string;
    freeMilli: number;
  }>;
};
export type ExplosionDemand = { demandId: number; itemId: number; quantityMilli: number; needDate: string };
export type ExplosionInput = {
  today: string;
  items: ReadonlyMap<number, ExplosionItem>;
  demands: readonly ExplosionDemand[];
};
export type PlannedOrder = {
  ref: number;
  kind: 'purchase' | 'production';
  itemId: number;
  quantityMilli: number;
  releaseDate: string;
  dueDate: string;
  bomId: number | null;
  level: number;
  rootDemandId: number;
  /** The release date fell before today: it releases today and arrives late. */
  late: boolean;
};
export type PegDemand =
  | { kind: 'customer_order_line'; id: number }
  | { kind: 'planned_order_component'; plannedRef: number };
export type PegSupply =
  | { kind: 'stock' }
  | { kind: 'purchase_order_line' | 'production_order'; id: number; dueDate: string }
  | { kind: 'planned'; ref: number };
export type Peg = {
  rootDemandId: number;
  level: number;
  itemId: number;
  quantityMilli: number;
  needDate: string;
  demand: PegDemand;
  supply: PegSupply;
};
export type DemandPromise = {
  demandId: number;
  promisedDate: string;
  /** what limits it */
  limitedBy: { itemId: number; supply: PegSupply['kind'] } | null;
};
export type ExplosionProblem = { demandId: number; itemId: number; message: string };
export type ExplosionResult = {
  plannedOrders: PlannedOrder[];
  pegs: Peg[];
  promises: DemandPromise[];
  problems: ExplosionProblem[];
};

/** Not written yet: the types above are the contract; the implementation follows in the next commit. */
export function explode(_input: ExplosionInput): ExplosionResult {
  throw new Error('explode: not implemented yet');
}

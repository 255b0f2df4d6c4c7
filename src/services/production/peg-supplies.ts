import type { Tx } from '../../store/database.js';
import {
  findProductionOrdersById,
  findPurchaseSupplies,
  type PegRow,
  type ProductionOrderDetail,
  type PurchaseSupplyRow,
} from '../../store/production/order.repository.js';

/** The supplies pegs count on, by id: purchase lines and production orders (a stock peg has none). */
export type PegSupplies = {
  purchaseLines: Map<number, PurchaseSupplyRow>;
  productions: Map<number, ProductionOrderDetail>;
};

/** Loads the purchase lines and production orders that supply `pegs`, each once. */
export async function loadPegSupplies(
  tx: Tx,
  pegs: ReadonlyArray<Pick<PegRow, 'supply_kind' | 'supply_id'>>,
): Promise<PegSupplies> {
  const idsOf = (kind: PegRow['supply_kind']) =>
    pegs.filter((p) => p.supply_kind === kind).map((p) => Number(p.supply_id));
  const purchaseLines = await findPurchaseSupplies(tx, idsOf('purchase_order_line'));
  const productions = await findProductionOrdersById(tx, idsOf('production_order'));
  return {
    purchaseLines: new Map(purchaseLines.map((l) => [Number(l.id), l])),
    productions: new Map(productions.map((o) => [Number(o.id), o])),
  };
}

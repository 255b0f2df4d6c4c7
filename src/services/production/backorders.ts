import type { Database, Tx } from '../../store/database.js';
import { balanceKey } from '../../store/ledger.repository.js';
import {
  findProductionOrdersById,
  findPurchaseSupplies,
  listWaitingPegsAt,
  listWaitingPegsOfSupplies,
  OPEN_PURCHASE_STATUSES,
  type PegRow,
  type WaitingPegRow,
} from '../../store/production/order.repository.js';
import type { PegDemandKind } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import { ledgerRepository } from '../ledger.service.js';
import { checkLateRiskWithin } from './late-risk.js';
import { ReservationDeltas, splitPeg } from './pegs.js';

/** A supply that brings goods: a purchase order line or a production order. */
export type SupplyRef = { kind: 'purchase_order_line' | 'production_order'; id: number };

/** Goods that arrived (or may be taken) at an item × location, and the supply that brought them, if any. */
export type Arrival = { itemId: number; locationId: number; supply?: SupplyRef };

export type FillOptions = {
  /** Fill only the waiting pegs of these demands (a production order's components). */
  demand?: { kind: PegDemandKind; ids: ReadonlySet<number> };
};

export type FillResult = {
  /** Quantity moved from backordered to allocated. */
  filledMilli: number;
  /** Customer orders whose pegs changed: their late risk is worth checking again. */
  customerOrderIds: Set<number>;
};

/**
 * Fills backorders from what is available (on hand − allocated) at each item × location, in order of promise:
 * the waiting pegs of customer order lines by the date promised to the customer, components by the date they are
 * needed, earlier first, then the older peg. A filled peg becomes allocated (split when only part is there).
 *
 * When the goods came by a supply that pegs were waiting on, and earlier promises took them, those pegs now wait
 * for more than their supply still brings: the excess moves to the supplies the filled pegs were waiting on (they
 * swap supplies), or, when nothing is left to move to, waits for stock (the late-risk check names it).
 */
export async function fillBackorders(
  tx: Tx,
  database: Database,
  arrivals: readonly Arrival[],
  ctx: ServiceContext,
  options: FillOptions = {},
): Promise<FillResult> {
  const result: FillResult = { filledMilli: 0, customerOrderIds: new Set() };
  const byPair = new Map<string, { itemId: number; locationId: number; supplies: SupplyRef[] }>();
  for (const arrival of arrivals) {
    const key = balanceKey(arrival.itemId, arrival.locationId);
    const entry = byPair.get(key) ?? { itemId: arrival.itemId, locationId: arrival.locationId, supplies: [] };
    if (arrival.supply && !entry.supplies.some((s) => sameSupply(s, arrival.supply!))) {
      entry.supplies.push(arrival.supply);
    }
    byPair.set(key, entry);
  }
  if (byPair.size === 0) return result;
  const locked = await ledgerRepository(database).lockBalances(
    tx,
    [...byPair.values()].map((p) => [p.itemId, p.locationId]),
  );
  const deltas = new ReservationDeltas();
  for (const [key, pair] of byPair) {
    const balance = locked.get(key);
    let available = balance ? Math.max(0, balance.on_hand_milli - balance.allocated_milli) : 0;
    const freed: Array<{ supply: Pick<PegRow, 'supply_kind' | 'supply_id' | 'supply_date'>; milli: number }> = [];
    if (available > 0) {
      const waiting = (await listWaitingPegsAt(tx, pair.itemId, pair.locationId))
        .filter((peg) => !options.demand || isDemandOf(peg, options.demand))
        .sort(byPromise);
      for (const peg of waiting) {
        if (available <= 0) break;
        const take = Math.min(Number(peg.quantity_milli), available);
        await splitPeg(tx, peg, take, 'allocated', ctx.now);
        deltas.move(peg, 'waiting', 'allocated', take);
        available -= take;
        result.filledMilli += take;
        if (peg.customer_order_id !== null) result.customerOrderIds.add(Number(peg.customer_order_id));
        const own = peg.supply_kind !== 'stock' && pair.supplies.some((s) => isSupply(peg, s));
        if (!own) freed.push({ supply: supplyOf(peg), milli: take });
      }
    }
    for (const supply of pair.supplies) {
      for (const id of await rebalanceSupply(tx, supply, freed, ctx.now)) result.customerOrderIds.add(id);
    }
  }
  await deltas.apply(tx, database, ctx);
  return result;
}

/**
 * After a purchase receipt: fills the backorders waiting for what the received lines brought (see `fillBackorders`)
 * and checks the late risk of the customer orders it touched again.
 */
export async function fillAfterReceipt(
  tx: Tx,
  database: Database,
  lines: ReadonlyArray<{ id: number; item_id: number; location_id: number }>,
  ctx: ServiceContext,
): Promise<FillResult> {
  const filled = await fillBackorders(
    tx,
    database,
    lines.map((line) => ({
      itemId: Number(line.item_id),
      locationId: Number(line.location_id),
      supply: { kind: 'purchase_order_line' as const, id: Number(line.id) },
    })),
    ctx,
  );
  await checkLateRiskWithin(tx, ctx, [...filled.customerOrderIds]);
  return filled;
}

/**
 * Moves pegs off a supply that no longer brings what they wait for (received to earlier promises, scrapped,
 * cancelled, closed short): the latest needs first, to the given freed supplies in order, then to stock.
 * Answers the customer orders whose pegs moved.
 */
export async function rebalanceSupply(
  tx: Tx,
  supply: SupplyRef,
  freed: Array<{ supply: Pick<PegRow, 'supply_kind' | 'supply_id' | 'supply_date'>; milli: number }> = [],
  now = Date.now(),
): Promise<number[]> {
  const open = await openQuantityOf(tx, supply);
  const pegs = await listWaitingPegsOfSupplies(tx, supply.kind, [supply.id]);
  let excess = pegs.reduce((sum, peg) => sum + Number(peg.quantity_milli), 0) - open;
  const moved: number[] = [];
  const latestFirst = [...pegs].sort((a, b) => (a.need_date < b.need_date ? 1 : a.need_date > b.need_date ? -1 : 0));
  for (const peg of latestFirst) {
    if (excess <= 0) break;
    let left = Math.min(Number(peg.quantity_milli), excess);
    let current: PegRow = peg;
    while (left > 0) {
      const target = freed.find((f) => f.milli > 0);
      const take = target ? Math.min(left, target.milli) : left;
      const to = target
        ? target.supply
        : { supply_kind: 'stock' as const, supply_id: null, supply_date: peg.supply_date };
      await splitPeg(tx, current, take, 'waiting', now, to);
      if (target) target.milli -= take;
      left -= take;
      excess -= take;
      current = { ...current, quantity_milli: Number(current.quantity_milli) - take };
    }
    if (peg.customer_order_id !== null) moved.push(Number(peg.customer_order_id));
  }
  return moved;
}

/** What a supply still brings: a line's ordered − received while its order is open; a production order's rest. */
async function openQuantityOf(tx: Tx, supply: SupplyRef): Promise<number> {
  if (supply.kind === 'purchase_order_line') {
    const [line] = await findPurchaseSupplies(tx, [supply.id]);
    if (!line || !(OPEN_PURCHASE_STATUSES as readonly string[]).includes(line.status)) return 0;
    return Math.max(0, Number(line.quantity_milli) - Number(line.received_milli));
  }
  const [order] = await findProductionOrdersById(tx, [supply.id]);
  if (!order || (order.status !== 'planned' && order.status !== 'released')) return 0;
  return Math.max(0, Number(order.quantity_milli) - Number(order.completed_milli) - Number(order.scrapped_milli));
}

function byPromise(a: WaitingPegRow, b: WaitingPegRow): number {
  const keyA = a.promised_date ?? a.need_date;
  const keyB = b.promised_date ?? b.need_date;
  if (keyA !== keyB) return keyA < keyB ? -1 : 1;
  if (a.need_date !== b.need_date) return a.need_date < b.need_date ? -1 : 1;
  return Number(a.id) - Number(b.id);
}

function isDemandOf(peg: PegRow, demand: NonNullable<FillOptions['demand']>): boolean {
  return peg.demand_kind === demand.kind && demand.ids.has(Number(peg.demand_id));
}

function sameSupply(a: SupplyRef, b: SupplyRef): boolean {
  return a.kind === b.kind && a.id === b.id;
}

function isSupply(peg: PegRow, supply: SupplyRef): boolean {
  return peg.supply_kind === supply.kind && Number(peg.supply_id) === supply.id;
}

function supplyOf(peg: PegRow): Pick<PegRow, 'supply_kind' | 'supply_id' | 'supply_date'> {
  return { supply_kind: peg.supply_kind, supply_id: peg.supply_id, supply_date: peg.supply_date };
}

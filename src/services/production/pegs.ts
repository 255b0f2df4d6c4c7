import type { Database, Tx } from '../../store/database.js';
import { balanceKey } from '../../store/ledger.repository.js';
import {
  addToComponents,
  addToCustomerOrderLines,
  insertPegs,
  type PegRow,
  setPegStatus,
  updatePeg,
} from '../../store/production/order.repository.js';
import type { PegStatus } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import type { TriggerOutcome } from '../purchasing/replenish.js';
import { changeReservations, type ReservationChange } from './reservations.js';

/**
 * What pegs hold, summed per balance and per demand: an allocated peg is on hand reserved (balance and demand
 * `allocated`), a waiting peg is backordered. Every change of a peg's status goes through one of these sums, so the
 * balances' allocated and backordered always equal the sums of the pegs.
 */
export class ReservationDeltas {
  private readonly balances = new Map<string, ReservationChange>();
  readonly lines = new Map<number, { allocated: number; backordered: number; shipped?: number }>();
  readonly components = new Map<number, { allocated: number; backordered: number; issued?: number }>();

  /** A peg of `quantity` entering (+1) or leaving (−1) a status. */
  add(peg: Pick<PegRow, 'item_id' | 'location_id' | 'demand_kind' | 'demand_id'>, status: PegStatus, milli: number) {
    if (milli === 0 || (status !== 'allocated' && status !== 'waiting')) return;
    const allocated = status === 'allocated' ? milli : 0;
    const backordered = status === 'waiting' ? milli : 0;
    const key = balanceKey(Number(peg.item_id), Number(peg.location_id));
    const sum = this.balances.get(key) ?? {
      itemId: Number(peg.item_id),
      locationId: Number(peg.location_id),
      allocatedDeltaMilli: 0,
      backorderedDeltaMilli: 0,
    };
    sum.allocatedDeltaMilli += allocated;
    sum.backorderedDeltaMilli += backordered;
    this.balances.set(key, sum);
    const demands = peg.demand_kind === 'customer_order_line' ? this.lines : this.components;
    const demand = demands.get(Number(peg.demand_id)) ?? { allocated: 0, backordered: 0 };
    demand.allocated += allocated;
    demand.backordered += backordered;
    demands.set(Number(peg.demand_id), demand);
  }

  /** A peg moving from one status to another. */
  move(
    peg: Pick<PegRow, 'item_id' | 'location_id' | 'demand_kind' | 'demand_id'>,
    from: PegStatus,
    to: PegStatus,
    milli: number,
  ) {
    this.add(peg, from, -milli);
    this.add(peg, to, milli);
  }

  /**
   * Writes the sums: balances under their lock (allocated may never exceed on hand), then the demands' columns.
   * `balances: false` when a movement already moved the balance (a shipment or an issue consumes its allocation).
   */
  async apply(tx: Tx, database: Database, ctx: ServiceContext, balances = true): Promise<TriggerOutcome[]> {
    const triggered = balances ? await changeReservations(tx, database, [...this.balances.values()], ctx) : [];
    await addToCustomerOrderLines(tx, this.lines);
    await addToComponents(tx, this.components);
    this.balances.clear();
    this.lines.clear();
    this.components.clear();
    return triggered;
  }
}

/**
 * Splits `take` off a peg into a new peg with `status` (and, when given, another supply); the original keeps the
 * rest in its status. With `take` equal to the peg's quantity the peg itself changes.
 */
export async function splitPeg(
  tx: Tx,
  peg: PegRow,
  take: number,
  status: PegStatus,
  now: number,
  supply?: Pick<PegRow, 'supply_kind' | 'supply_id' | 'supply_date'>,
): Promise<void> {
  const quantity = Number(peg.quantity_milli);
  if (take >= quantity) {
    await updatePeg(tx, Number(peg.id), { status, ...supply, updated_at: now });
    return;
  }
  await updatePeg(tx, Number(peg.id), { quantity_milli: quantity - take, updated_at: now });
  await insertPegs(tx, [
    {
      customer_order_id: peg.customer_order_id,
      customer_order_line_id: peg.customer_order_line_id,
      level: peg.level,
      item_id: peg.item_id,
      location_id: peg.location_id,
      demand_kind: peg.demand_kind,
      demand_id: peg.demand_id,
      supply_kind: peg.supply_kind,
      supply_id: peg.supply_id,
      supply_date: peg.supply_date,
      ...supply,
      quantity_milli: take,
      need_date: peg.need_date,
      status,
      created_at: now,
      updated_at: now,
    },
  ]);
}

/**
 * Consumes `quantity` from allocated pegs, in the given order (a shipment, an issue to production): they become
 * `consumed`, splitting the last one. The caller moves the balance (the movement consumes its allocation); the
 * demand's allocated column is lowered here. Answers what was consumed (less when the pegs hold less).
 */
export async function consumePegs(
  tx: Tx,
  pegs: readonly PegRow[],
  quantity: number,
  deltas: ReservationDeltas,
  now: number,
): Promise<number> {
  let left = quantity;
  for (const peg of pegs) {
    if (left <= 0) break;
    if (peg.status !== 'allocated') continue;
    const take = Math.min(Number(peg.quantity_milli), left);
    await splitPeg(tx, peg, take, 'consumed', now);
    deltas.move(peg, 'allocated', 'consumed', take);
    left -= take;
  }
  return quantity - left;
}

/** Cancels pegs: what they held is released from the balances and from their demands. */
export async function cancelPegs(tx: Tx, pegs: readonly PegRow[], deltas: ReservationDeltas, now: number) {
  const active = pegs.filter((peg) => peg.status === 'allocated' || peg.status === 'waiting');
  for (const peg of active) deltas.move(peg, peg.status, 'cancelled', Number(peg.quantity_milli));
  await setPegStatus(
    tx,
    active.map((peg) => Number(peg.id)),
    'cancelled',
    now,
  );
}

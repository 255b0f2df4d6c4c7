import { formatQuantity } from '../../domain/quantity.js';
import { type Database, type Tx, writeTransaction } from '../../store/database.js';
import { appendEvents } from '../../store/outbox.repository.js';
import {
  listPegsOfCustomerOrders,
  OPEN_PURCHASE_STATUSES,
  siteTimeZones,
} from '../../store/production/order.repository.js';
import { loadProductionItems } from '../../store/production/production-item.repository.js';
import type { ServiceContext } from '../context.js';
import { purchaseOrderNumber } from '../purchasing/replenish.js';
import { laterDate, localDateAt } from './explosion.js';
import { loadPegSupplies } from './peg-supplies.js';

/** What a late-risk check found. */
export type LateRiskReport = {
  /** Confirmed orders checked. */
  checked: number;
  /** Orders now at risk, with the note naming the slipped supply. */
  at_risk: Array<{ number: string; note: string }>;
  /** Orders whose risk has gone. */
  cleared: string[];
};

/** Slipped supplies named in a note; more are counted. */
const NOTE_SUPPLIES = 3;

/**
 * Re-checks every confirmed customer order's waiting pegs against their supplies' current dates (a purchase line's
 * promised or expected date, a production order's due date) and sets late risk with a note naming the slipped
 * supply; for the scheduler and the CLI.
 */
export async function checkLateRisk(database: Database, ctx: ServiceContext): Promise<LateRiskReport> {
  return writeTransaction(database, (tx) => checkLateRiskWithin(tx, ctx));
}

/**
 * The same inside the caller's transaction, for the given orders only (all confirmed ones when omitted).
 *
 * A waiting peg is at risk when its supply now comes later than both the date it is needed and the date the promise
 * counted on (`supply_date`): a supply that slipped within the slack the promise already had is no risk. A supply
 * still awaited is never earlier than today. A peg whose supply was cancelled, closed or completed short, and one
 * left waiting for stock with no supply, is at risk.
 */
export async function checkLateRiskWithin(
  tx: Tx,
  ctx: ServiceContext,
  orderIds?: readonly number[],
): Promise<LateRiskReport> {
  const report: LateRiskReport = { checked: 0, at_risk: [], cleared: [] };
  if (orderIds !== undefined && orderIds.length === 0) return report;
  let select = tx
    .selectFrom('customer_orders as o')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .select(['o.id', 'o.number', 'o.promised_date', 'o.late_risk', 'o.late_risk_note', 'c.code as customer'])
    .where('o.status', '=', 'confirmed');
  if (orderIds !== undefined) select = select.where('o.id', 'in', [...new Set(orderIds)]);
  const orders = await select.orderBy('o.id').execute();
  report.checked = orders.length;
  if (orders.length === 0) return report;
  const pegs = await listPegsOfCustomerOrders(
    tx,
    orders.map((o) => Number(o.id)),
    ['waiting'],
  );
  const { purchaseLines: lines, productions } = await loadPegSupplies(tx, pegs);
  const zones = await siteTimeZones(
    tx,
    pegs.map((p) => Number(p.location_id)),
  );
  const items = await loadProductionItems(
    tx,
    pegs.map((p) => Number(p.item_id)),
  );

  const notes = new Map<number, string[]>();
  for (const peg of pegs) {
    const today = localDateAt(zones, Number(peg.location_id), ctx.now);
    const sku = items.get(Number(peg.item_id))?.sku ?? `item ${peg.item_id}`;
    const counted = laterDate(peg.need_date, peg.supply_date);
    let note: string | undefined;
    if (peg.supply_kind === 'stock') {
      note = `${formatQuantity(Number(peg.quantity_milli))} ${sku} waits for stock with no supply pegged`;
    } else if (peg.supply_kind === 'purchase_order_line') {
      const line = lines.get(Number(peg.supply_id));
      if (!line || !(OPEN_PURCHASE_STATUSES as readonly string[]).includes(line.status)) {
        const number = line ? purchaseOrderNumber(Number(line.purchase_order_id)) : `purchase line ${peg.supply_id}`;
        note = `${number} (${sku}) is ${line?.status ?? 'gone'}`;
      } else {
        const due = line.promised_date ?? line.expected_date ?? peg.supply_date;
        const effective = laterDate(due, today);
        if (effective > counted) {
          note = `${purchaseOrderNumber(Number(line.purchase_order_id))} (${sku}) now due ${effective}, counted on ${peg.supply_date}, needed ${peg.need_date}`;
        }
      }
    } else {
      const mo = productions.get(Number(peg.supply_id));
      if (!mo || (mo.status !== 'planned' && mo.status !== 'released')) {
        note = `${mo?.number ?? `production order ${peg.supply_id}`} (${sku}) is ${mo?.status ?? 'gone'}`;
      } else {
        const effective = laterDate(mo.due_date, today);
        if (effective > counted) {
          note = `${mo.number} (${sku}) now due ${effective}, counted on ${peg.supply_date}, needed ${peg.need_date}`;
        }
      }
    }
    if (note === undefined) continue;
    const list = notes.get(Number(peg.customer_order_id)) ?? [];
    if (!list.includes(note)) list.push(note);
    notes.set(Number(peg.customer_order_id), list);
  }

  for (const order of orders) {
    const id = Number(order.id);
    const found = notes.get(id);
    const note = found ? noteOf(found) : null;
    const risk = found ? 1 : 0;
    if (found) report.at_risk.push({ number: order.number, note: note! });
    else if (order.late_risk === 1) report.cleared.push(order.number);
    if (order.late_risk === risk && order.late_risk_note === note) continue;
    await tx
      .updateTable('customer_orders')
      .set({ late_risk: risk, late_risk_note: note, updated_at: ctx.now })
      .where('id', '=', id)
      .execute();
    if (risk === 1 && order.late_risk !== 1) {
      const payload = { id, number: order.number, customer: order.customer, promised_date: order.promised_date, note };
      await appendEvents(tx, [{ type: 'customer_order.late_risk', subject: order.number, payload }], ctx.now);
    }
  }
  return report;
}

/** Checks the confirmed orders with pegs waiting on lines of a purchase order (after its confirmation or a change). */
export async function checkLateRiskOfPurchaseOrder(tx: Tx, purchaseOrderId: number, ctx: ServiceContext) {
  const rows = await tx
    .selectFrom('pegs as p')
    .innerJoin('purchase_order_lines as l', 'l.id', 'p.supply_id')
    .select('p.customer_order_id')
    .distinct()
    .where('p.supply_kind', '=', 'purchase_order_line')
    .where('p.status', '=', 'waiting')
    .where('l.purchase_order_id', '=', purchaseOrderId)
    .where('p.customer_order_id', 'is not', null)
    .execute();
  return checkLateRiskWithin(
    tx,
    ctx,
    rows.map((r) => Number(r.customer_order_id)),
  );
}

function noteOf(notes: string[]): string {
  const shown = notes.slice(0, NOTE_SUPPLIES).join('; ');
  const more = notes.length - NOTE_SUPPLIES;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

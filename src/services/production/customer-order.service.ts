import type { Database } from '../../store/database.js';
import type { CustomerOrderStatus, PegStatus } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import type { MovementView } from '../ledger.service.js';
import type { Page } from '../pagination.js';
import type { TriggerOutcome } from '../purchasing/replenish.js';

export type CustomerOrderLineView = {
  line_no: number;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  quantity: number;
  requested_date: string;
  promised_date: string | null;
  allocated: number;
  backordered: number;
  shipped: number;
};

/** What confirming the order created: a purchase order line (PO-…) or a production order (MO-…). */
export type OrderSupplyView = {
  kind: 'purchase_order_line' | 'production_order';
  /** PO-000012 or MO-000003. */
  number: string;
  sku: string;
  location: string;
  /** What the order added: a purchase line's added quantity (with MOQ and pack rounding), a production order's quantity. */
  quantity: number;
  release_date: string | null;
  due_date: string | null;
  /** The purchase order's or the production order's status. */
  status: string;
  /** Taken back when the order was changed or cancelled. */
  cancelled: boolean;
};

/** One peg: which supply serves which demand, at a level of the bill of materials (0 = the order line). */
export type PegView = {
  level: number;
  sku: string;
  location: string;
  quantity: number;
  need_date: string;
  /** `ref`: SO-000001/2 (order and line number) or MO-000003 (the production order whose component it is). */
  demand: { kind: 'customer_order_line' | 'production_component'; ref: string };
  /** `ref`: PO-000012 or MO-000003; null for stock. `date`: when the supply was counted on. */
  supply: { kind: 'stock' | 'purchase_order_line' | 'production_order'; ref: string | null; date: string };
  status: PegStatus;
};

export type CustomerOrderView = {
  id: number;
  number: string;
  customer: string;
  customer_name: string;
  status: CustomerOrderStatus;
  requested_date: string | null;
  promised_date: string | null;
  late_risk: boolean;
  late_risk_note: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  shipped_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  lines: CustomerOrderLineView[];
  supplies: OrderSupplyView[];
  pegging: PegView[];
};

/** An order in a list: without supplies and pegging. */
export type CustomerOrderSummary = Omit<CustomerOrderView, 'supplies' | 'pegging'>;

/** What a write answers: the order after it and what the write did for it. */
export type CustomerOrderOutcome = CustomerOrderView & {
  /** Supplies this call created or added to for the order (confirm, change). */
  created: OrderSupplyView[];
  /** Supplies this call took back (change, cancel). */
  withdrawn: OrderSupplyView[];
  /** Sentences about what was left alone, e.g. a sent purchase line that stays as free open supply. */
  notes: string[];
  /** What the replenishment trigger did because allocations took stocked components down. */
  triggered: TriggerOutcome[];
};

export type CustomerOrderShipment = CustomerOrderView & { movements: MovementView[] };

export type CustomerOrderQuery = {
  status?: string;
  customer?: string;
  late_risk?: boolean;
  cursor?: string;
  limit?: number;
};

export function customerOrderNumber(id: number): string {
  return `SO-${String(id).padStart(6, '0')}`;
}

/**
 * Creates a draft order `{ customer, requested_date?, note?, confirm?, lines: [{ sku, location, quantity,
 * requested_date? }] }`; with `confirm: true` it is confirmed in the same transaction.
 */
export async function createCustomerOrder(
  _database: Database,
  _raw: unknown,
  _ctx: ServiceContext,
): Promise<CustomerOrderOutcome> {
  throw new Error('not implemented yet');
}

export async function getCustomerOrder(_database: Database, _number: string): Promise<CustomerOrderView> {
  throw new Error('not implemented yet');
}

/** Orders newest first, by status (comma-separated), customer code and late risk. */
export async function listCustomerOrders(
  _database: Database,
  _query: CustomerOrderQuery,
): Promise<Page<CustomerOrderSummary>> {
  throw new Error('not implemented yet');
}

/** Confirms a draft: explodes every line, creates purchase lines and production orders, promises a date. */
export async function confirmCustomerOrder(
  _database: Database,
  _number: string,
  _ctx: ServiceContext,
): Promise<CustomerOrderOutcome> {
  throw new Error('not implemented yet');
}

/**
 * Changes lines `{ lines: [{ line_no, quantity?, requested_date? }] }` (also `note`, `requested_date`). A confirmed
 * order is unwound (what it created is taken back) and exploded again with the new lines.
 */
export async function changeCustomerOrder(
  _database: Database,
  _number: string,
  _raw: unknown,
  _ctx: ServiceContext,
): Promise<CustomerOrderOutcome> {
  throw new Error('not implemented yet');
}

/** Cancels `{ reason }`: takes back what confirming created, releases allocations and backorders. */
export async function cancelCustomerOrder(
  _database: Database,
  _number: string,
  _raw: unknown,
  _ctx: ServiceContext,
): Promise<CustomerOrderOutcome> {
  throw new Error('not implemented yet');
}

/** Ships `{ lines?: [{ line_no, quantity }] }` (default: everything allocated) as sale movements. */
export async function shipCustomerOrder(
  _database: Database,
  _number: string,
  _raw: unknown,
  _ctx: ServiceContext,
): Promise<CustomerOrderShipment> {
  throw new Error('not implemented yet');
}

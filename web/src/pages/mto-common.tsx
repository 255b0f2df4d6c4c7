import { num } from '../format';
import { Chip, type Tone } from '../ui';

export type CustomerOrderStatus = 'draft' | 'confirmed' | 'shipped' | 'cancelled';

export type CustomerOrderLine = {
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
export type OrderSupply = {
  kind: 'purchase_order_line' | 'production_order';
  number: string;
  sku: string;
  location: string;
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
  /** The item's unit. */
  unit: string;
  need_date: string;
  /** `ref`: SO-000001/2 (order and line number) or MO-000003 (the production order whose component it is). */
  demand: { kind: 'customer_order_line' | 'production_component'; ref: string };
  /** `ref`: PO-000012 or MO-000003; null for stock. `date`: when the supply was counted on. */
  supply: { kind: 'stock' | 'purchase_order_line' | 'production_order'; ref: string | null; date: string };
  status: 'allocated' | 'waiting' | 'consumed' | 'cancelled';
};

export type CustomerOrder = {
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
  lines: CustomerOrderLine[];
  /** Not in lists. */
  supplies?: OrderSupply[];
  pegging?: PegView[];
};

/** What a write (create, confirm, change, cancel) answers: the order after it and what the write did. */
export type CustomerOrderOutcome = CustomerOrder & {
  /** Supplies this call created or added to (confirm, change). */
  created: OrderSupply[];
  /** Supplies this call took back (change, cancel). */
  withdrawn: OrderSupply[];
  /** What was left alone, e.g. a sent purchase line that stays as free open supply. */
  notes: string[];
  triggered: TriggerOutcome[];
};

/** What the replenishment trigger did (a stocked component taken below its reorder point by an allocation). */
export type TriggerOutcome =
  | { kind: 'order_line'; sku: string; location: string; purchase_order: string; quantity: number; explanation: string }
  | { kind: 'below_reorder_point'; sku: string; location: string; message: string };

export type ProductionOrderStatus = 'planned' | 'released' | 'completed' | 'cancelled';

export type ProductionComponent = {
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  quantity_per: number;
  /** 0.05 = 5 % scrap on top of the quantity per. */
  scrap_factor: number;
  required: number;
  allocated: number;
  backordered: number;
  issued: number;
};

export type ProductionOrder = {
  id: number;
  number: string;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  quantity: number;
  completed: number;
  scrapped: number;
  /** Still to make while open; 0 once completed or cancelled. */
  open_quantity: number;
  status: ProductionOrderStatus;
  release_date: string;
  due_date: string;
  bom_version: number;
  customer_order: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
  released_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  components: ProductionComponent[];
};

/** What a production write answers: the order after it, the movements it posted and what the trigger did. */
export type ProductionOrderChange = ProductionOrder & {
  movements: Array<{ type: string; sku: string; location: string; quantity: number }>;
  triggered: TriggerOutcome[];
};

export type Customer = { code: string; name: string; email: string | null; active: boolean };

const CUSTOMER_ORDER_TONES: Record<CustomerOrderStatus, Tone> = {
  draft: 'info',
  confirmed: 'neutral',
  shipped: 'ok',
  cancelled: 'bad',
};

const PRODUCTION_TONES: Record<ProductionOrderStatus, Tone> = {
  planned: 'info',
  released: 'warn',
  completed: 'ok',
  cancelled: 'bad',
};

function label(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1).replaceAll('_', ' ');
}

export function CustomerOrderChip({ order }: { order: Pick<CustomerOrder, 'status' | 'late_risk'> }) {
  return (
    <>
      <Chip tone={CUSTOMER_ORDER_TONES[order.status] ?? 'neutral'}>{label(order.status)}</Chip>
      {order.late_risk && (
        <>
          {' '}
          <Chip tone="bad">late risk</Chip>
        </>
      )}
    </>
  );
}

export function ProductionChip({ status }: { status: ProductionOrderStatus }) {
  return <Chip tone={PRODUCTION_TONES[status] ?? 'neutral'}>{label(status)}</Chip>;
}

export function customerOrderPath(number: string): string {
  return `/customer-orders/${encodeURIComponent(number)}`;
}

export function productionOrderPath(number: string): string {
  return `/production-orders/${encodeURIComponent(number)}`;
}

/** The page of a supply's number: PO-… to the purchase order, MO-… to the production order. */
export function supplyPath(number: string): string | null {
  if (/^PO-/i.test(number)) return `/purchase-orders/${encodeURIComponent(number)}`;
  if (/^MO-/i.test(number)) return productionOrderPath(number);
  return null;
}

export function itemPath(sku: string): string {
  return `/items/${encodeURIComponent(sku)}`;
}

/** Days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A typed quantity as a number when it is one, else as typed so that the API names the problem at its field. */
export function quantityOf(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** Rows with a stable key each: `keyOf` of the row, with `#2`, `#3`… on repeats. */
export function keyed<T>(rows: readonly T[], keyOf: (row: T) => string): Array<{ key: string; row: T }> {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const base = keyOf(row);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return { key: count === 1 ? base : `${base}#${count}`, row };
  });
}

// The answer of the form that created an order, handed to the order page it navigates to so the page can say
// what the creation did (created supplies, notes, trigger); a reload shows the order without it.
let created: CustomerOrderOutcome | null = null;

export function handOverCreated(outcome: CustomerOrderOutcome): void {
  created = outcome;
}

export function takeCreated(number: string): CustomerOrderOutcome | null {
  const outcome = created?.number === number ? created : null;
  created = null;
  return outcome;
}

/** The trigger's outcomes in sentences: "BOLT-M8 at MAIN fell to its reorder point: 100 added to PO-000004." */
export function triggeredWords(triggered: readonly TriggerOutcome[]): string[] {
  return triggered.map((t) =>
    t.kind === 'order_line'
      ? `${t.sku} at ${t.location} fell to its reorder point: ${num(t.quantity)} added to ${t.purchase_order}.`
      : `${t.sku} at ${t.location}: ${t.message}`,
  );
}

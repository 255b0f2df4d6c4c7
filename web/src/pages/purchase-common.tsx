import { Chip, type Tone } from '../ui';

export type PurchaseOrderStatus =
  | 'draft'
  | 'sent'
  | 'confirmed'
  | 'partly_received'
  | 'received'
  | 'closed'
  | 'cancelled';

export type PurchaseOrderLine = {
  id: number;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  supplier_sku: string | null;
  quantity: number;
  received_quantity: number;
  rejected_quantity: number;
  open_quantity: number;
  unit_price: number | null;
  line_total: number | null;
  currency: string;
  price_rule: string | null;
  price_note: string | null;
  origin: string;
  trigger_note: string | null;
  lead_time_days: number | null;
  expected_date: string | null;
  received_at: string | null;
  on_time: boolean | null;
  in_full: boolean | null;
};

export type PurchaseOrder = {
  id: number;
  number: string;
  supplier: string;
  supplier_name: string;
  supplier_email: string | null;
  status: PurchaseOrderStatus;
  collecting: boolean;
  currency: string;
  total: number | null;
  note: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  confirmed_at: string | null;
  promised_date: string | null;
  received_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  emailed_at: string | null;
  lines: PurchaseOrderLine[];
};

export const STATUS_LABELS: Record<PurchaseOrderStatus, string> = {
  draft: 'Draft',
  sent: 'Sent',
  confirmed: 'Confirmed',
  partly_received: 'Partly received',
  received: 'Received',
  closed: 'Closed',
  cancelled: 'Cancelled',
};

const STATUS_TONES: Record<PurchaseOrderStatus, Tone> = {
  draft: 'info',
  sent: 'neutral',
  confirmed: 'neutral',
  partly_received: 'warn',
  received: 'ok',
  closed: 'ok',
  cancelled: 'bad',
};

/** Statuses that still owe goods once sent. */
export const AWAITING_DELIVERY: readonly PurchaseOrderStatus[] = ['sent', 'confirmed', 'partly_received'];

export function StatusChip({ status, late }: { status: PurchaseOrderStatus; late?: boolean }) {
  return (
    <>
      <Chip tone={STATUS_TONES[status] ?? 'neutral'}>{STATUS_LABELS[status] ?? status}</Chip>
      {late && (
        <>
          {' '}
          <Chip tone="bad">late</Chip>
        </>
      )}
    </>
  );
}

/** The date an order should have arrived by: its promised date, else the latest expected date of its open lines. */
export function dueDate(order: PurchaseOrder): string | null {
  if (order.promised_date) return order.promised_date;
  const open = order.lines
    .filter((l) => l.open_quantity > 0 && l.expected_date !== null)
    .map((l) => l.expected_date as string);
  return open.length > 0 ? open.sort().at(-1)! : null;
}

/** An order still owing goods after its due date (`today` as YYYY-MM-DD). */
export function isLate(order: PurchaseOrder, today: string): boolean {
  if (!AWAITING_DELIVERY.includes(order.status)) return false;
  const due = dueDate(order);
  return due !== null && due < today;
}

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The order id in a page address: `PO-000017` (as the app links it) or `17`; null when it is neither. */
export function orderIdOf(number: string): number | null {
  const found = /^(?:PO-)?0*(\d{1,12})$/i.exec(number.trim());
  const id = found ? Number(found[1]) : Number.NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function orderPath(number: string): string {
  return `/purchase-orders/${encodeURIComponent(number)}`;
}

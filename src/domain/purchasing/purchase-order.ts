import type { FieldProblem } from '../errors.js';
import { parseQuantity } from '../quantity.js';

export type PurchaseOrderStatus =
  | 'draft'
  | 'sent'
  | 'confirmed'
  | 'partly_received'
  | 'received'
  | 'closed'
  | 'cancelled';

export const PURCHASE_ORDER_STATUSES: readonly PurchaseOrderStatus[] = [
  'draft',
  'sent',
  'confirmed',
  'partly_received',
  'received',
  'closed',
  'cancelled',
];

export type PurchaseOrderAction = 'send' | 'confirm' | 'receive' | 'close' | 'cancel' | 'edit';

/**
 * Which statuses each action starts from. Draft → sent → confirmed (the supplier's promised date) →
 * partly received → received → closed; cancel from any open status. Receiving is allowed on a sent
 * order that was never confirmed (suppliers often just deliver), and closing ends a partly received
 * order short: what is still open leaves the inventory position.
 */
export const ALLOWED_FROM: Record<PurchaseOrderAction, readonly PurchaseOrderStatus[]> = {
  send: ['draft'],
  confirm: ['sent', 'confirmed'],
  receive: ['sent', 'confirmed', 'partly_received'],
  close: ['partly_received', 'received'],
  cancel: ['draft', 'sent', 'confirmed', 'partly_received'],
  edit: ['draft'],
};

/** Statuses whose open quantities count as on order. */
export const OPEN_STATUSES: readonly PurchaseOrderStatus[] = ['draft', 'sent', 'confirmed', 'partly_received'];

export function canDo(action: PurchaseOrderAction, status: PurchaseOrderStatus): boolean {
  return ALLOWED_FROM[action].includes(status);
}

/** Over-delivery accepted without question: up to 10 % more than ordered per line. */
export const DEFAULT_OVER_DELIVERY_TOLERANCE = 0.1;

export type ReceiptLineInput = {
  sku: string;
  location: string;
  /** Accepted into stock. */
  quantityMilli: number;
  /** Delivered but refused (damaged, wrong part); not put into stock, and still owed. */
  rejectedMilli: number;
  rejectReason: string | null;
};

/**
 * Reads `{ "lines": [{ "sku", "location", "quantity", "rejected_quantity"?, "reject_reason"? }] }`,
 * reporting every problem with its field (`lines[2].quantity`). A rejected quantity needs a reason;
 * a line must accept or reject something; an item × location may appear once.
 */
export function parseReceiptInput(
  raw: unknown,
): { ok: true; value: ReceiptLineInput[] } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [{ field: 'body', message: 'must be a JSON object with "lines"' }] };
  }
  const body = raw as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (key !== 'lines') problems.push({ field: key, message: 'is not a field of a receipt; expected lines' });
  }
  const lines = body['lines'];
  if (!Array.isArray(lines) || lines.length === 0) {
    problems.push({ field: 'lines', message: 'must be a non-empty array of { sku, location, quantity }' });
    return { ok: false, problems };
  }
  const seen = new Set<string>();
  const value: ReceiptLineInput[] = [];
  lines.forEach((line, i) => {
    const at = (field: string) => `lines[${i}].${field}`;
    if (typeof line !== 'object' || line === null || Array.isArray(line)) {
      problems.push({ field: `lines[${i}]`, message: 'must be an object { sku, location, quantity }' });
      return;
    }
    const entry = line as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!['sku', 'location', 'quantity', 'rejected_quantity', 'reject_reason'].includes(key)) {
        problems.push({ field: at(key), message: 'is not a field of a receipt line' });
      }
    }
    const sku = entry['sku'];
    const location = entry['location'];
    if (typeof sku !== 'string' || sku === '') problems.push({ field: at('sku'), message: 'is required', value: sku });
    if (typeof location !== 'string' || location === '') {
      problems.push({ field: at('location'), message: 'is required', value: location });
    }
    const quantity = parseQuantity(entry['quantity'] ?? 0, at('quantity'), 'non_negative');
    if (!quantity.ok) problems.push(quantity.problem);
    const rejected = parseQuantity(entry['rejected_quantity'] ?? 0, at('rejected_quantity'), 'non_negative');
    if (!rejected.ok) problems.push(rejected.problem);
    const reason = entry['reject_reason'];
    if (reason !== undefined && reason !== null && (typeof reason !== 'string' || reason.length > 500)) {
      problems.push({ field: at('reject_reason'), message: 'must be text of at most 500 characters' });
    }
    if (!quantity.ok || !rejected.ok || typeof sku !== 'string' || typeof location !== 'string') return;
    if (quantity.milli === 0 && rejected.milli === 0) {
      problems.push({ field: at('quantity'), message: 'must be greater than 0 (or reject something)', value: 0 });
    }
    const rejectReason = typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : null;
    if (rejected.milli > 0 && rejectReason === null) {
      problems.push({ field: at('reject_reason'), message: 'is required when rejecting a quantity' });
    }
    const key = `${sku}\u0000${location}`;
    if (seen.has(key)) problems.push({ field: at('sku'), message: `${sku} at ${location} appears twice` });
    seen.add(key);
    value.push({ sku, location, quantityMilli: quantity.milli, rejectedMilli: rejected.milli, rejectReason });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

/** The most a line may still accept: what is open plus the over-delivery tolerance on the ordered quantity. */
export function receivableMilli(orderedMilli: number, receivedMilli: number, tolerance: number): number {
  return Math.max(0, orderedMilli - receivedMilli) + Math.floor(orderedMilli * tolerance);
}

export type LineDelivery = {
  /** Sent → fully received, in days. */
  actualLeadTimeDays: number;
  /** Null when there was no date to be on time for (no promised date and no quoted lead time). */
  onTime: boolean | null;
  inFull: boolean;
};

const DAY_MS = 86_400_000;

/**
 * How a line was delivered once complete (or closed short): the actual lead time from sending to the
 * last receipt, on time when received by the promised date (else the expected date from the quoted
 * lead time; unknown without either), and in full when all of it came without anything rejected.
 * `dueDate` and `receivedDate` are local dates YYYY-MM-DD of the receiving site.
 */
export function lineDelivery(input: {
  sentAt: number;
  receivedAt: number;
  dueDate: string | null;
  receivedDate: string;
  orderedMilli: number;
  receivedMilli: number;
  rejectedMilli: number;
}): LineDelivery {
  return {
    actualLeadTimeDays: Math.round(((input.receivedAt - input.sentAt) / DAY_MS) * 100) / 100,
    onTime: input.dueDate === null ? null : input.receivedDate <= input.dueDate,
    inFull: input.receivedMilli >= input.orderedMilli && input.rejectedMilli === 0,
  };
}

import type { FieldProblem } from '../errors.js';
import { parseQuantity } from '../quantity.js';

export const STOCK_MOVEMENT_TYPES = ['receipt', 'issue', 'sale', 'adjustment', 'count', 'scrap'] as const;
export const MOVEMENT_TYPES = [...STOCK_MOVEMENT_TYPES, 'transfer'] as const;

/** A movement at one location. */
export type StockMovementType = (typeof STOCK_MOVEMENT_TYPES)[number];
export type MovementType = (typeof MOVEMENT_TYPES)[number];

type MovementCommon = {
  sku: string;
  quantityMilli: number;
  /** Epoch ms; undefined means "now". */
  occurredAt: number | undefined;
  reason: string | null;
  reference: string | null;
  idempotencyKey: string | null;
};

/** A validated request to move stock; `kind` tells a single-location movement from a transfer. */
export type MovementRequest =
  | (MovementCommon & { kind: 'stock'; type: StockMovementType; location: string })
  | (MovementCommon & { kind: 'transfer'; type: 'transfer'; from: string; to: string });

export const MAX_CODE_LENGTH = 64;
export const MAX_TEXT_LENGTH = 500;
/** How far in the future a movement's `occurred_at` may lie (clock skew between devices). */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

const STOCK_TYPES = new Set<string>(STOCK_MOVEMENT_TYPES);

/**
 * Validates one raw movement (as received over HTTP, CSV or from a script) and normalises it.
 * Reports every problem, each naming its field.
 */
export function parseMovementRequest(
  raw: unknown,
  now: number,
): { ok: true; value: MovementRequest } | { ok: false; problems: FieldProblem[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [{ field: 'movement', message: 'must be an object' }] };
  }
  const input = raw as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const type = input['type'];
  const isTransfer = type === 'transfer';
  if (!isTransfer && !(typeof type === 'string' && STOCK_TYPES.has(type))) {
    problems.push({ field: 'type', message: `must be one of ${MOVEMENT_TYPES.join(', ')}`, value: type });
  }
  const sku = readCode(input, 'sku', true, problems);
  const rule = type === 'adjustment' ? 'non_zero' : type === 'count' ? 'non_negative' : 'positive';
  const quantity = parseQuantity(input['quantity'], 'quantity', rule);
  if (!quantity.ok) problems.push(quantity.problem);
  const occurredAt = readInstant(input, 'occurred_at', now, problems);
  const reason = readText(input, 'reason', MAX_TEXT_LENGTH, problems);
  const reference = readText(input, 'reference', MAX_TEXT_LENGTH, problems);
  const idempotencyKey = readText(input, 'idempotency_key', 200, problems);

  let location: string | null = null;
  let from: string | null = null;
  let to: string | null = null;
  if (isTransfer) {
    from = readCode(input, 'from', true, problems);
    to = readCode(input, 'to', true, problems);
    if (from !== null && from === to) problems.push({ field: 'to', message: 'must differ from "from"', value: to });
  } else {
    location = readCode(input, 'location', true, problems);
  }
  if (problems.length > 0) return { ok: false, problems };

  const quantityMilli = (quantity as { milli: number }).milli;
  // Spelled out, not spread from a common part: V8 gives spread-then-extended objects a slow
  // dictionary shape, and every later read of the request on the ledger's hot path paid for it.
  return {
    ok: true,
    value: isTransfer
      ? {
          sku: sku!,
          quantityMilli,
          occurredAt,
          reason,
          reference,
          idempotencyKey,
          kind: 'transfer',
          type: 'transfer',
          from: from!,
          to: to!,
        }
      : {
          sku: sku!,
          quantityMilli,
          occurredAt,
          reason,
          reference,
          idempotencyKey,
          kind: 'stock',
          type: type as StockMovementType,
          location: location!,
        },
  };
}

/**
 * The signed change of on hand that a single-location movement makes. A count records the
 * counted quantity, so its change is the difference to what the record says.
 */
export function computeOnHandChange(type: StockMovementType, quantityMilli: number, onHandMilli: number): number {
  switch (type) {
    case 'receipt':
      return quantityMilli;
    case 'issue':
    case 'sale':
    case 'scrap':
      return -quantityMilli;
    case 'adjustment':
      return quantityMilli;
    case 'count':
      return quantityMilli - onHandMilli;
  }
}

/** Types whose on-hand change is a decrease of stock by demand (used by demand history). */
export function isDemandMovement(type: string): boolean {
  return type === 'issue' || type === 'sale';
}

function readCode(input: Record<string, unknown>, field: string, required: boolean, problems: FieldProblem[]) {
  const value = input[field];
  if (value === undefined || value === null) {
    if (required) problems.push({ field, message: 'is required' });
    return null;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push({ field, message: 'must be a non-empty string', value });
    return null;
  }
  if (value.length > MAX_CODE_LENGTH) {
    problems.push({ field, message: `must be at most ${MAX_CODE_LENGTH} characters` });
    return null;
  }
  return value;
}

function readText(input: Record<string, unknown>, field: string, maxLength: number, problems: FieldProblem[]) {
  const value = input[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be a string', value });
    return null;
  }
  if (value.length > maxLength) {
    problems.push({ field, message: `must be at most ${maxLength} characters` });
    return null;
  }
  return value;
}

function readInstant(input: Record<string, unknown>, field: string, now: number, problems: FieldProblem[]) {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  const instant = parseInstant(value);
  if (instant === undefined) {
    problems.push({
      field,
      message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T09:30:00Z',
      value,
    });
    return undefined;
  }
  if (instant > now + MAX_FUTURE_SKEW_MS) {
    problems.push({ field, message: 'must not lie in the future', value });
    return undefined;
  }
  return instant;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 instant that carries its offset ("Z" or "+02:00"); undefined when it is not one. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

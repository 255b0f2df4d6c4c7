import type { FieldProblem } from '../errors.js';
import { formatQuantity, parseQuantity, toQuantity } from '../quantity.js';

/**
 * How one item is replenished at one location. Quantities in milli-units of the item's unit.
 *
 * - `reorder_point` (s, S), "min/max": when the inventory position is at or below s, order up to S.
 * - `kanban`: a loop of `cards` containers of `containerQuantityMilli`; each card signalled empty orders one container.
 * - `periodic_review` (R, S): every `reviewDays` days at the site's local `reviewTime`, order up to S.
 * - `make_to_order`: no stock held; a demand orders exactly the demanded quantity.
 * - `manual`: never orders; with a reorder point the item is listed as below it.
 */
export type ReplenishmentPolicy =
  | { kind: 'reorder_point'; reorderPointMilli: number; targetMilli: number }
  | { kind: 'kanban'; cards: number; containerQuantityMilli: number; supplier?: string }
  | { kind: 'periodic_review'; reviewDays: number; reviewTime: string; targetMilli: number }
  | { kind: 'make_to_order' }
  | { kind: 'manual'; reorderPointMilli?: number };

export type PolicyKind = ReplenishmentPolicy['kind'];

export const POLICY_KINDS = ['reorder_point', 'kanban', 'periodic_review', 'make_to_order', 'manual'] as const;

/** The JSON fields each kind accepts (besides `kind`), as in `PUT /api/v1/policies/{sku}/{location}`. */
export const POLICY_FIELDS: Record<PolicyKind, readonly string[]> = {
  reorder_point: ['reorder_point', 'target'],
  kanban: ['cards', 'container_quantity', 'supplier'],
  periodic_review: ['review_days', 'target', 'review_time'],
  make_to_order: [],
  manual: ['reorder_point'],
};

/** Local time of a periodic review when the input names none: before a working day starts. */
export const DEFAULT_REVIEW_TIME = '06:00';
/** A loop of more cards than this is a typo (and a printing job nobody wants). */
export const MAX_KANBAN_CARDS = 999;
/** Ten years between reviews is not a policy. */
export const MAX_REVIEW_DAYS = 3650;
export const MAX_SUPPLIER_CODE_LENGTH = 64;

const REVIEW_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Validates a policy as received over HTTP or the CLI (snake_case, quantities as decimal numbers
 * with at most 3 places) and reports every problem, each naming its field:
 *
 * - `reorder_point`: `reorder_point` ≥ 0 and `target` > 0 are required, and `reorder_point` ≤ `target`
 *   (s > S is impossible: the order "up to S" would be negative).
 * - `kanban`: `cards` a whole number from 1 to 999, `container_quantity` > 0, `supplier` an optional code.
 * - `periodic_review`: `review_days` a whole number from 1 to 3650, `target` > 0, `review_time` an optional
 *   local `HH:MM` (24-hour clock; default 06:00).
 * - `make_to_order`: no fields. `manual`: an optional `reorder_point` ≥ 0.
 *
 * Fields of another kind are reported, never silently ignored; more than 3 decimals are a problem, never rounded.
 *
 * @example parsePolicyInput({ kind: 'reorder_point', reorder_point: 20, target: 50.5 })
 * // { ok: true, value: { kind: 'reorder_point', reorderPointMilli: 20000, targetMilli: 50500 } }
 */
export function parsePolicyInput(
  raw: unknown,
): { ok: true; value: ReplenishmentPolicy } | { ok: false; problems: FieldProblem[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [{ field: 'body', message: 'must be a JSON object' }] };
  }
  const input = raw as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const kind = input['kind'];
  if (kind === undefined || kind === null) {
    return { ok: false, problems: [{ field: 'kind', message: `is required; one of ${POLICY_KINDS.join(', ')}` }] };
  }
  if (typeof kind !== 'string' || !(POLICY_KINDS as readonly string[]).includes(kind)) {
    return {
      ok: false,
      problems: [{ field: 'kind', message: `must be one of ${POLICY_KINDS.join(', ')}`, value: kind }],
    };
  }
  const policyKind = kind as PolicyKind;
  const allowed = POLICY_FIELDS[policyKind];
  for (const key of Object.keys(input)) {
    if (key !== 'kind' && !allowed.includes(key)) {
      const expected = allowed.length === 0 ? 'it has no other fields' : `expected ${allowed.join(', ')}`;
      problems.push({ field: key, message: `is not a field of a ${policyKind} policy; ${expected}` });
    }
  }

  const policy = readPolicy(policyKind, input, problems);
  if (problems.length > 0 || policy === undefined) return { ok: false, problems };
  return { ok: true, value: policy };
}

function readPolicy(
  kind: PolicyKind,
  input: Record<string, unknown>,
  problems: FieldProblem[],
): ReplenishmentPolicy | undefined {
  switch (kind) {
    case 'reorder_point': {
      const reorderPointMilli = readQuantity(input, 'reorder_point', 'non_negative', problems);
      const targetMilli = readQuantity(input, 'target', 'positive', problems);
      if (reorderPointMilli === undefined || targetMilli === undefined) return undefined;
      if (reorderPointMilli > targetMilli) {
        problems.push({
          field: 'reorder_point',
          message: `must not exceed target (${formatQuantity(targetMilli)}): an order up to the target would be negative`,
          value: input['reorder_point'],
        });
        return undefined;
      }
      return { kind, reorderPointMilli, targetMilli };
    }
    case 'kanban': {
      const cards = readWholeNumber(input, 'cards', MAX_KANBAN_CARDS, problems);
      const containerQuantityMilli = readQuantity(input, 'container_quantity', 'positive', problems);
      const supplier = readOptionalCode(input, 'supplier', problems);
      if (cards === undefined || containerQuantityMilli === undefined || supplier === null) return undefined;
      return supplier === undefined
        ? { kind, cards, containerQuantityMilli }
        : { kind, cards, containerQuantityMilli, supplier };
    }
    case 'periodic_review': {
      const reviewDays = readWholeNumber(input, 'review_days', MAX_REVIEW_DAYS, problems);
      const targetMilli = readQuantity(input, 'target', 'positive', problems);
      const reviewTime = readReviewTime(input, problems);
      if (reviewDays === undefined || targetMilli === undefined || reviewTime === undefined) return undefined;
      return { kind, reviewDays, reviewTime, targetMilli };
    }
    case 'make_to_order':
      return { kind };
    case 'manual': {
      if (input['reorder_point'] === undefined || input['reorder_point'] === null) return { kind };
      const reorderPointMilli = readQuantity(input, 'reorder_point', 'non_negative', problems);
      return reorderPointMilli === undefined ? undefined : { kind, reorderPointMilli };
    }
  }
}

function readQuantity(
  input: Record<string, unknown>,
  field: string,
  rule: 'positive' | 'non_negative',
  problems: FieldProblem[],
): number | undefined {
  const result = parseQuantity(input[field], field, rule);
  if (result.ok) return result.milli;
  problems.push(result.problem);
  return undefined;
}

function readWholeNumber(
  input: Record<string, unknown>,
  field: string,
  max: number,
  problems: FieldProblem[],
): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    problems.push({ field, message: 'is required' });
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.push({ field, message: 'must be a whole number', value });
    return undefined;
  }
  if (value < 1 || value > max) {
    problems.push({ field, message: `must be from 1 to ${max}`, value });
    return undefined;
  }
  return value;
}

/** Absent is `undefined`; a bad value is reported and gives `null`. */
function readOptionalCode(
  input: Record<string, unknown>,
  field: string,
  problems: FieldProblem[],
): string | null | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    problems.push({ field, message: 'must be a non-empty string (a supplier code)', value });
    return null;
  }
  if (value.length > MAX_SUPPLIER_CODE_LENGTH) {
    problems.push({ field, message: `must be at most ${MAX_SUPPLIER_CODE_LENGTH} characters` });
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\s\u0000-\u001f\u007f]/u.test(value)) {
    problems.push({ field, message: 'must not contain spaces or control characters', value });
    return null;
  }
  return value;
}

function readReviewTime(input: Record<string, unknown>, problems: FieldProblem[]): string | undefined {
  const value = input['review_time'];
  if (value === undefined || value === null) return DEFAULT_REVIEW_TIME;
  if (typeof value !== 'string' || !REVIEW_TIME.test(value)) {
    problems.push({
      field: 'review_time',
      message: 'must be a local time HH:MM on the 24-hour clock, e.g. 06:30',
      value,
    });
    return undefined;
  }
  return value;
}

/**
 * The policy in the JSON shape of the contract (snake_case, decimal quantities): what
 * `GET /api/v1/policies/{sku}/{location}` answers and `parsePolicyInput` reads back unchanged.
 *
 * @example formatPolicy({ kind: 'kanban', cards: 2, containerQuantityMilli: 12500 })
 * // { kind: 'kanban', cards: 2, container_quantity: 12.5 }
 */
export function formatPolicy(policy: ReplenishmentPolicy): Record<string, unknown> {
  const q = toQuantity;
  switch (policy.kind) {
    case 'reorder_point':
      return { kind: policy.kind, reorder_point: q(policy.reorderPointMilli), target: q(policy.targetMilli) };
    case 'kanban':
      return {
        kind: policy.kind,
        cards: policy.cards,
        container_quantity: q(policy.containerQuantityMilli),
        ...(policy.supplier === undefined ? {} : { supplier: policy.supplier }),
      };
    case 'periodic_review':
      return {
        kind: policy.kind,
        review_days: policy.reviewDays,
        target: q(policy.targetMilli),
        review_time: policy.reviewTime,
      };
    case 'make_to_order':
      return { kind: policy.kind };
    case 'manual':
      return policy.reorderPointMilli === undefined
        ? { kind: policy.kind }
        : { kind: policy.kind, reorder_point: q(policy.reorderPointMilli) };
  }
}

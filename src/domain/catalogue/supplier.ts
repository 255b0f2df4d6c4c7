import type { FieldProblem } from '../errors.js';
import { DEFAULT_CURRENCY, isCurrencyCode, parseMoney, toMoney } from '../money.js';
import {
  checkKnownFields,
  checkNotEmpty,
  MAX_NAME_LENGTH,
  type ParseResult,
  type RawInput,
  readBoolean,
  readCode,
  readEmail,
  readObject,
  readText,
} from './field-readers.js';

/** A company items are bought from. Money in minor units of `currency`. */
export type Supplier = {
  code: string;
  name: string;
  email: string | null;
  /** Days from sending an order to receiving it, unless a supplier item says otherwise; null when unknown. */
  leadTimeDays: number | null;
  /** The cost of placing one order (paperwork, freight flat fee), the "S" of the EOQ formula. */
  orderingCostMinor: number | null;
  currency: string;
  active: boolean;
  /** Send a draft purchase order without a person once its consolidation window has passed. */
  autoSend: boolean;
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which orders go out, ascending; null = any day. */
  orderDays: number[] | null;
  /** How long a new draft collects further lines before it may be sent, in minutes. */
  consolidationMinutes: number;
};

/** The fields an update changes; absent fields stay as they are. */
export type SupplierPatch = Partial<Omit<Supplier, 'code'>>;

export const SUPPLIER_FIELDS = [
  'code',
  'name',
  'email',
  'lead_time_days',
  'ordering_cost',
  'currency',
  'active',
  'auto_send',
  'order_days',
  'consolidation_minutes',
] as const;

/** Ten years: a longer lead time is a typo, not a supplier. */
export const MAX_LEAD_TIME_DAYS = 3650;
export { MAX_EMAIL_LENGTH } from './field-readers.js';
/** One week: a draft that waits longer for company is forgotten, not consolidated. */
export const MAX_CONSOLIDATION_MINUTES = 10_080;
/** ISO weekday names: index + 1 is the ISO number (mon = 1 … sun = 7). */
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * Validates a supplier as received (snake_case, money in major units) and reports every problem,
 * each naming its field.
 *
 * - `create`: `code` and `name` are required; `currency` defaults to EUR, `active` to true,
 *   `email`, `lead_time_days` and `ordering_cost` to null (unknown), `auto_send` to false,
 *   `order_days` to null (any day) and `consolidation_minutes` to 0.
 * - `order_days` is a list of weekdays, names `mon` … `sun` in any case or ISO numbers 1–7, each at
 *   most once; stored ascending. An empty list is refused: null means any day.
 * - `update`: only the given fields, checked against `current`: `code` cannot change, `null` clears
 *   an optional field, and a currency change without an `ordering_cost` keeps the amount in major
 *   units (150 EUR becomes 150 USD) when the new currency can hold it.
 *
 * @example parseSupplierInput({ code: 'ACME', name: 'Acme Fasteners', lead_time_days: 5, ordering_cost: 25 }, 'create')
 * // { ok: true, value: { code: 'ACME', name: 'Acme Fasteners', email: null, leadTimeDays: 5,
 * //   orderingCostMinor: 2500, currency: 'EUR', active: true, autoSend: false, orderDays: null,
 * //   consolidationMinutes: 0 } }
 */
export function parseSupplierInput(raw: unknown, mode: 'create'): ParseResult<Supplier>;
export function parseSupplierInput(raw: unknown, mode: 'update', current: Supplier): ParseResult<SupplierPatch>;
export function parseSupplierInput(
  raw: unknown,
  mode: 'create' | 'update',
  current?: Supplier,
): ParseResult<Supplier> | ParseResult<SupplierPatch> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  if (!input) return { ok: false, problems };
  checkKnownFields(input, SUPPLIER_FIELDS, 'a supplier', problems);
  if (mode === 'update') checkNotEmpty(input, problems);
  const given = (field: string) => mode === 'create' || input[field] !== undefined;

  const patch: SupplierPatch = {};
  let code: string | undefined;
  if (given('code')) {
    code = readCode(input, 'code', problems);
    if (mode === 'update' && code !== undefined && code !== current!.code) {
      problems.push({ field: 'code', message: `cannot be changed (the supplier is "${current!.code}")`, value: code });
    }
  }
  if (given('name')) patch.name = readText(input, 'name', MAX_NAME_LENGTH, problems);
  const email = readEmail(input, 'email', problems);
  if (email !== undefined) patch.email = email;
  const leadTime = readLeadTimeDays(input, 'lead_time_days', problems);
  if (leadTime !== undefined) patch.leadTimeDays = leadTime;

  const currency = readCurrency(input, 'currency', problems);
  const costCurrency = currency ?? current?.currency ?? DEFAULT_CURRENCY;
  const costValue = input['ordering_cost'];
  if (costValue === null) patch.orderingCostMinor = null;
  else if (costValue !== undefined) {
    const cost = parseMoney(costValue, 'ordering_cost', costCurrency);
    if (cost.ok) patch.orderingCostMinor = cost.minor;
    else problems.push(cost.problem);
  } else if (mode === 'update' && currency !== undefined && current!.orderingCostMinor !== null) {
    const kept = reexpressMoney(current!.orderingCostMinor, current!.currency, currency, 'ordering_cost');
    if (kept.ok) patch.orderingCostMinor = kept.minor;
    else problems.push(kept.problem);
  }
  if (currency !== undefined) patch.currency = currency;
  const active = readBoolean(input, 'active', problems);
  if (active !== undefined) patch.active = active;
  const autoSend = readBoolean(input, 'auto_send', problems);
  if (autoSend !== undefined) patch.autoSend = autoSend;
  const orderDays = readOrderDays(input, 'order_days', problems);
  if (orderDays !== undefined) patch.orderDays = orderDays;
  const consolidation = readConsolidationMinutes(input, 'consolidation_minutes', problems);
  if (consolidation !== undefined) patch.consolidationMinutes = consolidation;

  if (problems.length > 0) return { ok: false, problems };
  if (mode === 'update') return { ok: true, value: patch };
  return {
    ok: true,
    value: {
      code: code!,
      name: patch.name!,
      email: patch.email ?? null,
      leadTimeDays: patch.leadTimeDays ?? null,
      orderingCostMinor: patch.orderingCostMinor ?? null,
      currency: patch.currency ?? DEFAULT_CURRENCY,
      active: patch.active ?? true,
      autoSend: patch.autoSend ?? false,
      orderDays: patch.orderDays ?? null,
      consolidationMinutes: patch.consolidationMinutes ?? 0,
    },
  };
}

/** The supplier after a patch; fields the patch leaves out keep their values. */
export function applySupplierPatch(supplier: Supplier, patch: SupplierPatch): Supplier {
  const next = { ...supplier };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}

/** Whether two suppliers agree in every field. */
export function isSameSupplier(a: Supplier, b: Supplier): boolean {
  return (Object.keys(a) as Array<keyof Supplier>).every((key) =>
    key === 'orderDays' ? a.orderDays?.join(',') === b.orderDays?.join(',') : a[key] === b[key],
  );
}

/**
 * Order days as the API shows them: weekday names, ascending; null (any day) stays null.
 *
 * @example orderDayNames([2, 4]) // ['tue', 'thu']
 */
export function orderDayNames(orderDays: number[] | null): string[] | null {
  return orderDays === null ? null : orderDays.map((day) => WEEKDAY_NAMES[day - 1]!);
}

/**
 * Order days written as text on a command line or in a CSV cell ("tue,thu", "tue;thu", "2 4") as the
 * list `parseSupplierInput` reads; "" and "any" mean any day (null). Entries that are not plain
 * numbers stay text so the parser names them.
 */
export function orderDaysFromText(text: string): Array<string | number> | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'any') return null;
  return trimmed
    .split(/[\s,;]+/u)
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Weekdays on which orders may go out: absent is `undefined`, `null` means any day, otherwise a
 * non-empty list of names (`mon` … `sun`, any case) or ISO numbers 1–7, each at most once,
 * returned as ISO numbers in ascending order.
 */
export function readOrderDays(input: RawInput, field: string, problems: FieldProblem[]): number[] | null | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  const expected = 'weekday names mon … sun or numbers 1 (Monday) … 7 (Sunday)';
  if (!Array.isArray(value)) {
    problems.push({ field, message: `must be a list of ${expected}, or null for any day`, value });
    return undefined;
  }
  if (value.length === 0) {
    problems.push({ field, message: 'must name at least one weekday; use null for any day', value });
    return undefined;
  }
  if (value.length > WEEKDAY_NAMES.length) {
    problems.push({ field, message: `must list each weekday at most once (${value.length} entries given)` });
    return undefined;
  }
  const days = new Set<number>();
  const before = problems.length;
  value.forEach((entry, index) => {
    const day = weekdayNumberOf(entry);
    if (day === undefined) {
      const shown = typeof entry === 'string' && entry.length > 20 ? `${entry.slice(0, 20)}…` : entry;
      problems.push({ field, message: `entry ${index + 1} is not one of the ${expected}`, value: shown });
    } else if (days.has(day)) {
      problems.push({ field, message: `lists ${WEEKDAY_NAMES[day - 1]} twice`, value: entry });
    } else days.add(day);
  });
  if (problems.length > before) return undefined;
  return [...days].sort((a, b) => a - b);
}

/** A consolidation window in whole minutes from 0 (send at once) to 10080 (a week); absent is `undefined`. */
export function readConsolidationMinutes(input: RawInput, field: string, problems: FieldProblem[]): number | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_CONSOLIDATION_MINUTES) {
    problems.push({
      field,
      message: `must be a whole number of minutes from 0 to ${MAX_CONSOLIDATION_MINUTES} (a week)`,
      value,
    });
    return undefined;
  }
  return value;
}

function weekdayNumberOf(entry: unknown): number | undefined {
  if (typeof entry === 'number') return Number.isInteger(entry) && entry >= 1 && entry <= 7 ? entry : undefined;
  if (typeof entry !== 'string') return undefined;
  const index = (WEEKDAY_NAMES as readonly string[]).indexOf(entry.trim().toLowerCase());
  return index === -1 ? undefined : index + 1;
}

/**
 * A lead time in whole days from 0 (same day) to 3650; absent is `undefined`, `null` clears
 * (unknown, or "use the supplier's").
 */
export function readLeadTimeDays(input: RawInput, field: string, problems: FieldProblem[]): number | null | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.push({ field, message: 'must be a whole number of days', value });
    return undefined;
  }
  if (value < 0 || value > MAX_LEAD_TIME_DAYS) {
    problems.push({ field, message: `must be from 0 to ${MAX_LEAD_TIME_DAYS} days`, value });
    return undefined;
  }
  return value;
}

/** An ISO 4217 code; absent is `undefined`. */
export function readCurrency(input: RawInput, field: string, problems: FieldProblem[]): string | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (isCurrencyCode(value)) return value;
  problems.push({ field, message: 'must be an ISO 4217 code of three capital letters, e.g. EUR', value });
  return undefined;
}

/**
 * The same amount in major units in another currency (12.5 EUR → 12.5 USD): a change of currency
 * is a correction of the unit, not a conversion at an exchange rate. Fails when the new currency
 * has fewer decimals than the amount needs (12.5 EUR → JPY).
 */
export function reexpressMoney(
  minor: number,
  from: string,
  to: string,
  field: string,
): { ok: true; minor: number } | { ok: false; problem: FieldProblem } {
  const kept = parseMoney(toMoney(minor, from), field, to);
  if (kept.ok) return kept;
  return {
    ok: false,
    problem: { ...kept.problem, message: `${kept.problem.message}; give ${field} in the new currency` },
  };
}

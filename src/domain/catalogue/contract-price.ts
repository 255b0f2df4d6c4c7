import type { FieldProblem } from '../errors.js';
import { formatMoney, parseMoney } from '../money.js';
import { parseLocalDate } from '../replenishment/local-time.js';
import { checkKnownFields, type ParseResult, type RawInput, readObject } from './field-readers.js';
import { readCurrency } from './supplier.js';

/**
 * A price agreed with a supplier for one of its supplier items, valid on the local dates
 * `validFrom` … `validTo` (both inclusive, 'YYYY-MM-DD'); null is open-ended on that side.
 */
export type ContractPrice = {
  unitPriceMinor: number;
  currency: string;
  validFrom: string | null;
  validTo: string | null;
};

/** A validity period; null is open-ended on that side. */
export type PricePeriod = { validFrom: string | null; validTo: string | null };

export const CONTRACT_PRICE_FIELDS = ['unit_price', 'currency', 'valid_from', 'valid_to'] as const;

/**
 * Validates a contract price as received (money in major units) and reports every problem, each
 * naming its field. `unit_price` is required; `currency` defaults to the source's
 * (`defaults.currency`); `valid_from` and `valid_to` are dates 'YYYY-MM-DD', absent or null for an
 * open end, and `valid_from` must not be after `valid_to`.
 *
 * @example parseContractPriceInput({ unit_price: 0.11, valid_from: '2026-07-01', valid_to: '2026-12-31' }, { currency: 'EUR' })
 * // { ok: true, value: { unitPriceMinor: 11, currency: 'EUR', validFrom: '2026-07-01', validTo: '2026-12-31' } }
 */
export function parseContractPriceInput(raw: unknown, defaults: { currency: string }): ParseResult<ContractPrice> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  if (!input) return { ok: false, problems };
  checkKnownFields(input, CONTRACT_PRICE_FIELDS, 'a contract price', problems);

  const currency = readCurrency(input, 'currency', problems) ?? defaults.currency;
  let unitPriceMinor: number | undefined;
  if (input['unit_price'] === undefined || input['unit_price'] === null) {
    problems.push({ field: 'unit_price', message: 'is required' });
  } else {
    const price = parseMoney(input['unit_price'], 'unit_price', currency);
    if (price.ok) unitPriceMinor = price.minor;
    else problems.push(price.problem);
  }
  const validFrom = readDate(input, 'valid_from', problems);
  const validTo = readDate(input, 'valid_to', problems);
  if (validFrom && validTo && validFrom > validTo) {
    problems.push({ field: 'valid_to', message: `must not be before valid_from ${validFrom}`, value: validTo });
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { unitPriceMinor: unitPriceMinor!, currency, validFrom: validFrom ?? null, validTo: validTo ?? null },
  };
}

/** Whether two validity periods share at least one date (dates inclusive, null open-ended). */
export function periodsOverlap(a: PricePeriod, b: PricePeriod): boolean {
  const startsBeforeBEnds = a.validFrom === null || b.validTo === null || a.validFrom <= b.validTo;
  const bStartsBeforeAEnds = b.validFrom === null || a.validTo === null || b.validFrom <= a.validTo;
  return startsBeforeBEnds && bStartsBeforeAEnds;
}

/**
 * The field of a new period to blame for overlapping an existing one: `valid_from` when the new
 * period starts inside the existing one, else `valid_to` (it reaches into it).
 */
export function overlapField(period: PricePeriod, existing: PricePeriod): 'valid_from' | 'valid_to' {
  const startsInside =
    (existing.validFrom === null || (period.validFrom !== null && period.validFrom >= existing.validFrom)) &&
    (existing.validTo === null || period.validFrom === null || period.validFrom <= existing.validTo);
  return startsInside ? 'valid_from' : 'valid_to';
}

/** "2026-01-01 … 2026-06-30", with "open" for a missing end, for messages. */
export function describePeriod(period: PricePeriod): string {
  return `${period.validFrom ?? 'open'} … ${period.validTo ?? 'open'}`;
}

/** "12.50 EUR", for messages. */
export function describePrice(unitPriceMinor: number, currency: string): string {
  return `${formatMoney(unitPriceMinor, currency)} ${currency}`;
}

function readDate(input: RawInput, field: string, problems: FieldProblem[]): string | null | undefined {
  const value = input[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || parseLocalDate(value) === undefined) {
    const shown = typeof value === 'string' && value.length > 40 ? `${value.slice(0, 40)}…` : value;
    problems.push({ field, message: 'must be a date YYYY-MM-DD, or null for no limit', value: shown });
    return undefined;
  }
  return value;
}

import type { FieldProblem } from './errors.js';

/** Minor units per major unit for currencies that differ from the usual 100. ISO 4217. */
const MINOR_DIGITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  ISK: 0,
  CLP: 0,
  VND: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
};

export const DEFAULT_CURRENCY = 'EUR';
export const MAX_MONEY = 1_000_000_000_000;

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value);
}

/**
 * Converts an amount in major units (12.34 EUR) to integer minor units (1234), refusing more
 * decimals than the currency has.
 */
export function parseMoney(
  value: unknown,
  field: string,
  currency: string,
): { ok: true; minor: number } | { ok: false; problem: FieldProblem } {
  const fail = (message: string) => ({ ok: false as const, problem: { field, message, value } });
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a finite number');
  if (value < 0) return fail('must not be negative');
  if (value > MAX_MONEY) return fail(`must be at most ${MAX_MONEY}`);
  const digits = minorDigits(currency);
  const scale = 10 ** digits;
  const minor = Math.round(value * scale);
  if (Math.abs(minor / scale - value) > Number.EPSILON * Math.max(1, value) * 4) {
    return fail(`must have at most ${digits} decimal places for ${currency}`);
  }
  return { ok: true, minor };
}

/** Minor units back to a JSON number in major units. */
export function toMoney(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

/** Major-unit decimal string with the currency's digits ("12.50"), for CSV. */
export function formatMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const scale = 10 ** digits;
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, '0')}`;
}

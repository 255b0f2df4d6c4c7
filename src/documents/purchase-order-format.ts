import { minorDigits } from '../domain/money.js';

const quantityFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const amountFormats = new Map<number, Intl.NumberFormat>();

/** A quantity as printed on an order: "1,250.5" (at most 3 decimals, as the ledger keeps them). */
export function formatOrderQuantity(quantity: number): string {
  return quantityFormat.format(quantity);
}

/** An amount in major units with the currency's digits: "1,234.50" EUR, "1,235" JPY; null prints as a dash. */
export function formatOrderAmount(amount: number | null, currency: string): string {
  if (amount === null) return '—';
  const digits = minorDigits(currency);
  let format = amountFormats.get(digits);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    amountFormats.set(digits, format);
  }
  return format.format(amount);
}

/** The calendar date of an ISO date or instant ("2025-03-14T09:30:00.000Z" → "2025-03-14"); null prints as a dash. */
export function formatOrderDate(iso: string | null): string {
  if (iso === null) return '—';
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

/** The distinct delivery locations of an order in the order their lines name them. */
export function deliveryLocations(lines: ReadonlyArray<{ location: string }>): string[] {
  return [...new Set(lines.map((line) => line.location))];
}

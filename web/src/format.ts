const numberFormats = new Map<number, Intl.NumberFormat>();

/** A quantity or figure with up to `digits` decimals and thousands separators: 12,345.5 */
export function num(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  let format = numberFormats.get(digits);
  if (format === undefined) {
    format = new Intl.NumberFormat('en', { maximumFractionDigits: digits });
    numberFormats.set(digits, format);
  }
  return format.format(value);
}

/** Money in major units with its currency: EUR 1,234.50 */
export function money(value: number | null | undefined, currency = 'EUR'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${currency} ${new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)}`;
}

/** A share 0–1 as a percentage: 97.5 % */
export function percent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${(value * 100).toFixed(digits)} %`;
}

/** An ISO time as a short local date and time: 24 Nov 2026, 14:05 */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** An ISO date (or time) as a short date: 24 Nov 2026 */
export function date(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso).toLocaleDateString('en-GB', { dateStyle: 'medium' });
}

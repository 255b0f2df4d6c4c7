import type { FieldProblem } from './errors.js';

/** Quantities are stored as integer thousandths ("milli-units") so sums are exact. */
export const QUANTITY_SCALE = 1000;

/** Largest quantity accepted: one trillion units keeps every sum of milli-units far below 2^53. */
export const MAX_QUANTITY = 1_000_000_000_000;

export type QuantityRule = 'positive' | 'non_negative' | 'non_zero' | 'any';

/**
 * Converts a decimal quantity with at most 3 decimal places to integer milli-units.
 * Never rounds: 1.2345 is a problem, not 1.235.
 *
 * @example parseQuantity(2.5, 'quantity', 'positive') // { ok: true, milli: 2500 }
 */
export function parseQuantity(
  value: unknown,
  field: string,
  rule: QuantityRule,
): { ok: true; milli: number } | { ok: false; problem: FieldProblem } {
  const fail = (message: string) => ({ ok: false as const, problem: { field, message, value } });
  if (value === undefined || value === null) return fail('is required');
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail('must be a finite number');
  if (Math.abs(value) > MAX_QUANTITY) return fail(`must be at most ${MAX_QUANTITY} in size`);
  const milli = Math.round(value * QUANTITY_SCALE);
  if (Math.abs(milli / QUANTITY_SCALE - value) > Number.EPSILON * Math.max(1, Math.abs(value)) * 4) {
    return fail('must have at most 3 decimal places');
  }
  if (rule === 'positive' && milli <= 0) return fail('must be greater than zero');
  if (rule === 'non_negative' && milli < 0) return fail('must not be negative');
  if (rule === 'non_zero' && milli === 0) return fail('must not be zero');
  return { ok: true, milli: milli === 0 ? 0 : milli };
}

/** Milli-units back to a JSON number; exact because every milli value is an integer below 2^53. */
export function toQuantity(milli: number): number {
  return milli / QUANTITY_SCALE;
}

/** Renders milli-units as a plain decimal string without trailing zeros ("12.5", "-3", "0.001"). */
export function formatQuantity(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const whole = Math.floor(abs / QUANTITY_SCALE);
  const fraction = abs % QUANTITY_SCALE;
  if (fraction === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}`;
}

/** Units that come whole: nobody keeps 6.942 boxes. Weights, lengths and volumes are divisible. */
const COUNT_UNITS = new Set([
  'pcs',
  'pc',
  'piece',
  'pieces',
  'ea',
  'each',
  'unit',
  'units',
  'box',
  'boxes',
  'pack',
  'packs',
  'pair',
  'pairs',
  'roll',
  'rolls',
  'set',
  'sets',
  'sheet',
  'sheets',
  'bag',
  'bags',
  'bottle',
  'bottles',
  'can',
  'cans',
  'carton',
  'cartons',
  'case',
  'cases',
  'kit',
  'kits',
  'pallet',
  'pallets',
  'reel',
  'reels',
  'tube',
  'tubes',
]);

/**
 * Whether an item's unit of measure is counted in whole units, so planned levels and order quantities are rounded
 * up to whole units rather than to thousandths.
 *
 * @example isCountUnit('Pcs') // true
 * @example isCountUnit('kg') // false
 */
export function isCountUnit(unit: string): boolean {
  return COUNT_UNITS.has(unit.trim().toLowerCase());
}

import type { FieldProblem } from '../errors.js';
import { DEFAULT_CURRENCY, isCurrencyCode, parseMoney, toMoney } from '../money.js';
import {
  checkKnownFields,
  checkNotEmpty,
  MAX_NAME_LENGTH,
  type ParseResult,
  readBoolean,
  readChoice,
  readCode,
  readObject,
  readOptionalText,
  readPositiveInteger,
  readText,
} from './field-readers.js';

export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/** What an item is. Money in minor units of `currency`. */
export type Item = {
  sku: string;
  name: string;
  /** Unit of measure: pcs, kg, m, l, ... */
  unit: string;
  category: string | null;
  unitCostMinor: number | null;
  currency: string;
  shelfLifeDays: number | null;
  criticality: Criticality;
  /** Whether on hand may go below zero (back-flushed or not counted items). */
  allowNegative: boolean;
  active: boolean;
};

/** The fields an update changes; absent fields stay as they are. */
export type ItemPatch = Partial<Omit<Item, 'sku'>>;

export const ITEM_FIELDS = [
  'sku',
  'name',
  'unit',
  'category',
  'unit_cost',
  'currency',
  'shelf_life_days',
  'criticality',
  'allow_negative',
  'active',
] as const;

export const MAX_UNIT_LENGTH = 20;
export const MAX_CATEGORY_LENGTH = 100;
/** Ten years: anything longer is not a shelf life worth tracking. */
export const MAX_SHELF_LIFE_DAYS = 3650;

/**
 * Validates an item as received (snake_case, money in major units) and reports every problem,
 * each naming its field.
 *
 * - `create`: `sku`, `name` and `unit` are required; `currency` defaults to EUR, `criticality` to
 *   medium, `allow_negative` to false, `active` to true.
 * - `update`: only the given fields, checked against `current` (the stored item): `sku` cannot
 *   change, `unit_cost` is read in the new or the current currency, and a currency change without
 *   a `unit_cost` keeps the amount in major units (12.5 EUR becomes 12.5 USD) when it fits.
 *
 * @example parseItemInput({ sku: 'BOLT-M8', name: 'Bolt M8', unit: 'pcs', unit_cost: 0.12 }, 'create')
 * // { ok: true, value: { sku: 'BOLT-M8', ..., unitCostMinor: 12, currency: 'EUR', criticality: 'medium', ... } }
 */
export function parseItemInput(raw: unknown, mode: 'create'): ParseResult<Item>;
export function parseItemInput(raw: unknown, mode: 'update', current: Item): ParseResult<ItemPatch>;
export function parseItemInput(
  raw: unknown,
  mode: 'create' | 'update',
  current?: Item,
): ParseResult<Item> | ParseResult<ItemPatch> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  if (!input) return { ok: false, problems };
  checkKnownFields(input, ITEM_FIELDS, 'an item', problems);
  if (mode === 'update') checkNotEmpty(input, problems);
  const given = (field: string) => mode === 'create' || input[field] !== undefined;

  const patch: ItemPatch = {};
  let sku: string | undefined;
  if (given('sku')) {
    sku = readCode(input, 'sku', problems);
    if (mode === 'update' && sku !== undefined && sku !== current!.sku) {
      problems.push({ field: 'sku', message: `cannot be changed (the item is "${current!.sku}")`, value: sku });
    }
  }
  if (given('name')) patch.name = readText(input, 'name', MAX_NAME_LENGTH, problems);
  if (given('unit')) patch.unit = readText(input, 'unit', MAX_UNIT_LENGTH, problems);
  const category = readOptionalText(input, 'category', MAX_CATEGORY_LENGTH, problems);
  if (category !== undefined) patch.category = category;

  const currencyValue = input['currency'];
  let currency: string | undefined;
  if (currencyValue !== undefined) {
    if (isCurrencyCode(currencyValue)) currency = currencyValue;
    else
      problems.push({
        field: 'currency',
        message: 'must be an ISO 4217 code of three capital letters, e.g. EUR',
        value: currencyValue,
      });
  }
  const costCurrency = currency ?? current?.currency ?? DEFAULT_CURRENCY;
  const costValue = input['unit_cost'];
  if (costValue === null) patch.unitCostMinor = null;
  else if (costValue !== undefined) {
    const cost = parseMoney(costValue, 'unit_cost', costCurrency);
    if (cost.ok) patch.unitCostMinor = cost.minor;
    else problems.push(cost.problem);
  } else if (mode === 'update' && currency !== undefined && current!.unitCostMinor !== null) {
    const kept = parseMoney(toMoney(current!.unitCostMinor, current!.currency), 'unit_cost', currency);
    if (kept.ok) patch.unitCostMinor = kept.minor;
    else problems.push({ ...kept.problem, message: `${kept.problem.message}; give a unit_cost with the new currency` });
  }
  if (currency !== undefined) patch.currency = currency;

  const shelfLife = readPositiveInteger(input, 'shelf_life_days', MAX_SHELF_LIFE_DAYS, problems);
  if (shelfLife !== undefined) patch.shelfLifeDays = shelfLife;
  const criticality = readChoice(input, 'criticality', CRITICALITIES, problems);
  if (criticality !== undefined) patch.criticality = criticality;
  const allowNegative = readBoolean(input, 'allow_negative', problems);
  if (allowNegative !== undefined) patch.allowNegative = allowNegative;
  const active = readBoolean(input, 'active', problems);
  if (active !== undefined) patch.active = active;

  if (problems.length > 0) return { ok: false, problems };
  if (mode === 'update') return { ok: true, value: patch };
  return {
    ok: true,
    value: {
      sku: sku!,
      name: patch.name!,
      unit: patch.unit!,
      category: patch.category ?? null,
      unitCostMinor: patch.unitCostMinor ?? null,
      currency: patch.currency ?? DEFAULT_CURRENCY,
      shelfLifeDays: patch.shelfLifeDays ?? null,
      criticality: patch.criticality ?? 'medium',
      allowNegative: patch.allowNegative ?? false,
      active: patch.active ?? true,
    },
  };
}

/** The item after a patch; fields the patch leaves out keep their values. */
export function applyItemPatch(item: Item, patch: ItemPatch): Item {
  const next = { ...item };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}

/** Whether two items agree in every field. */
export function isSameItem(a: Item, b: Item): boolean {
  return (Object.keys(a) as Array<keyof Item>).every((key) => a[key] === b[key]);
}

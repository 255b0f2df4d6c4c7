import type { FieldProblem } from '../errors.js';
import { formatMoney, parseMoney } from '../money.js';
import { formatQuantity, parseQuantity } from '../quantity.js';
import {
  checkKnownFields,
  checkNotEmpty,
  type ParseResult,
  type RawInput,
  readBoolean,
  readCode,
  readObject,
  readOptionalText,
} from './field-readers.js';
import { readCurrency, readLeadTimeDays, reexpressMoney, type Supplier } from './supplier.js';

/** From `minQuantityMilli` ordered units on, each unit costs `unitPriceMinor`. */
export type PriceBreak = { minQuantityMilli: number; unitPriceMinor: number };

/**
 * One way to buy an item: from this supplier, at this price, in these quantities. Quantities in
 * milli-units of the item's unit, money in minor units of `currency`.
 */
export type SupplierItem = {
  sku: string;
  /** The supplier's code. */
  supplier: string;
  /** The supplier's own part number, printed on purchase orders. */
  supplierSku: string | null;
  unitPriceMinor: number | null;
  currency: string;
  /** Volume prices, strictly ascending by quantity. */
  priceBreaks: PriceBreak[];
  /** Overrides the supplier's lead time for this item; null uses the supplier's. */
  leadTimeDays: number | null;
  /** Minimum order quantity. */
  moqMilli: number | null;
  /** The item is sold in packs of this many units: an order is a whole number of packs. */
  packSizeMilli: number | null;
  /** Preference among an item's sources, 1 = preferred. */
  rank: number;
  active: boolean;
};

/** The fields an update changes; absent fields stay as they are. */
export type SupplierItemPatch = Partial<Omit<SupplierItem, 'sku' | 'supplier'>>;

export const SUPPLIER_ITEM_FIELDS = [
  'supplier',
  'supplier_sku',
  'unit_price',
  'currency',
  'price_breaks',
  'lead_time_days',
  'moq',
  'pack_size',
  'rank',
  'active',
] as const;

export const MAX_SUPPLIER_SKU_LENGTH = 100;
export const MAX_PRICE_BREAKS = 20;
export const MAX_RANK = 999;

/**
 * Validates a supplier item (an item × supplier) as received and reports every problem, each
 * naming its field (`price_breaks[1].min_quantity` inside the list).
 *
 * - `create`: `supplier` is required; `currency` defaults to the supplier's (`defaults.currency`),
 *   `rank` to 1, `active` to true, the rest to null (`price_breaks` to none).
 * - `update`: only the given fields, checked against `current`; `supplier` cannot change, `null`
 *   clears an optional field, and a currency change keeps prices in major units unless new ones are given.
 *
 * Both modes refuse a `moq` that is not a whole number of `pack_size` packs: a supplier who sells
 * boxes of 12 cannot deliver a minimum of 30, so the record would not say what is really bought.
 * The message suggests the pack multiples either side.
 *
 * @example parseSupplierItemInput({ supplier: 'ACME', unit_price: 0.12, moq: 100, pack_size: 50,
 *   price_breaks: [{ min_quantity: 1000, unit_price: 0.1 }] }, 'create', { sku: 'BOLT-M8', currency: 'EUR' })
 * // { ok: true, value: { sku: 'BOLT-M8', supplier: 'ACME', unitPriceMinor: 12, moqMilli: 100000,
 * //   packSizeMilli: 50000, priceBreaks: [{ minQuantityMilli: 1000000, unitPriceMinor: 10 }], rank: 1, ... } }
 */
export function parseSupplierItemInput(
  raw: unknown,
  mode: 'create',
  defaults: { sku: string; currency: string },
): ParseResult<SupplierItem>;
export function parseSupplierItemInput(
  raw: unknown,
  mode: 'update',
  current: SupplierItem,
): ParseResult<SupplierItemPatch>;
export function parseSupplierItemInput(
  raw: unknown,
  mode: 'create' | 'update',
  base: { sku: string; currency: string } | SupplierItem,
): ParseResult<SupplierItem> | ParseResult<SupplierItemPatch> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  if (!input) return { ok: false, problems };
  checkKnownFields(input, SUPPLIER_ITEM_FIELDS, 'a supplier item', problems);
  if (mode === 'update') checkNotEmpty(input, problems);
  const current = mode === 'update' ? (base as SupplierItem) : undefined;

  const patch: SupplierItemPatch = {};
  let supplier: string | undefined;
  if (mode === 'create' || input['supplier'] !== undefined) {
    supplier = readCode(input, 'supplier', problems);
    if (current && supplier !== undefined && supplier !== current.supplier) {
      problems.push({
        field: 'supplier',
        message: `cannot be changed (this is the source from "${current.supplier}"); add a new source instead`,
        value: supplier,
      });
    }
  }
  const supplierSku = readOptionalText(input, 'supplier_sku', MAX_SUPPLIER_SKU_LENGTH, problems);
  if (supplierSku !== undefined) patch.supplierSku = supplierSku;

  const currency = readCurrency(input, 'currency', problems);
  const priceCurrency = currency ?? base.currency;
  const priceValue = input['unit_price'];
  if (priceValue === null) patch.unitPriceMinor = null;
  else if (priceValue !== undefined) {
    const price = parseMoney(priceValue, 'unit_price', priceCurrency);
    if (price.ok) patch.unitPriceMinor = price.minor;
    else problems.push(price.problem);
  } else if (current && currency !== undefined && current.unitPriceMinor !== null) {
    const kept = reexpressMoney(current.unitPriceMinor, current.currency, currency, 'unit_price');
    if (kept.ok) patch.unitPriceMinor = kept.minor;
    else problems.push(kept.problem);
  }

  const breaksValue = input['price_breaks'];
  if (breaksValue === null) patch.priceBreaks = [];
  else if (breaksValue !== undefined) {
    const breaks = readPriceBreaks(breaksValue, 'price_breaks', priceCurrency, problems);
    if (breaks !== undefined) patch.priceBreaks = breaks;
  } else if (current && currency !== undefined && current.priceBreaks.length > 0) {
    const kept: PriceBreak[] = [];
    current.priceBreaks.forEach((b, i) => {
      const price = reexpressMoney(b.unitPriceMinor, current.currency, currency, `price_breaks[${i}].unit_price`);
      if (price.ok) kept.push({ minQuantityMilli: b.minQuantityMilli, unitPriceMinor: price.minor });
      else problems.push(price.problem);
    });
    patch.priceBreaks = kept;
  }
  if (currency !== undefined) patch.currency = currency;

  const leadTime = readLeadTimeDays(input, 'lead_time_days', problems);
  if (leadTime !== undefined) patch.leadTimeDays = leadTime;
  const moq = readOptionalQuantity(input, 'moq', problems);
  if (moq !== undefined) patch.moqMilli = moq;
  const packSize = readOptionalQuantity(input, 'pack_size', problems);
  if (packSize !== undefined) patch.packSizeMilli = packSize;
  const rank = readRank(input, problems);
  if (rank !== undefined) patch.rank = rank;
  const active = readBoolean(input, 'active', problems);
  if (active !== undefined) patch.active = active;

  const moqAfter = moq === undefined ? (current?.moqMilli ?? null) : moq;
  const packAfter = packSize === undefined ? (current?.packSizeMilli ?? null) : packSize;
  if (moqAfter !== null && packAfter !== null && moqAfter % packAfter !== 0) {
    const field = moq === undefined ? 'pack_size' : 'moq';
    problems.push({ field, message: packMismatchMessage(moqAfter, packAfter, field) });
  }

  if (problems.length > 0) return { ok: false, problems };
  if (current) return { ok: true, value: patch };
  return {
    ok: true,
    value: {
      sku: (base as { sku: string }).sku,
      supplier: supplier!,
      supplierSku: patch.supplierSku ?? null,
      unitPriceMinor: patch.unitPriceMinor ?? null,
      currency: patch.currency ?? base.currency,
      priceBreaks: patch.priceBreaks ?? [],
      leadTimeDays: patch.leadTimeDays ?? null,
      moqMilli: patch.moqMilli ?? null,
      packSizeMilli: patch.packSizeMilli ?? null,
      rank: patch.rank ?? 1,
      active: patch.active ?? true,
    },
  };
}

/** The supplier item after a patch; fields the patch leaves out keep their values. */
export function applySupplierItemPatch(item: SupplierItem, patch: SupplierItemPatch): SupplierItem {
  const next = { ...item };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}

/** Whether two supplier items agree in every field, price breaks included. */
export function isSameSupplierItem(a: SupplierItem, b: SupplierItem): boolean {
  return (Object.keys(a) as Array<keyof SupplierItem>).every((key) =>
    key === 'priceBreaks' ? JSON.stringify(a.priceBreaks) === JSON.stringify(b.priceBreaks) : a[key] === b[key],
  );
}

/**
 * Lead time of buying the item from this source, in days: the supplier item's own lead time when
 * set, else the supplier's default, else null (unknown; a planner must not guess zero).
 *
 * @example effectiveLeadTimeDays({ leadTimeDays: null }, { leadTimeDays: 5 }) // 5
 */
export function effectiveLeadTimeDays(
  supplierItem: Pick<SupplierItem, 'leadTimeDays'>,
  supplier: Pick<Supplier, 'leadTimeDays'>,
): number | null {
  return supplierItem.leadTimeDays ?? supplier.leadTimeDays ?? null;
}

/**
 * The price break an order of `quantityMilli` reaches: the one with the largest minimum at or below
 * the quantity (in any order of `priceBreaks`), else none and the list price (null when unknown).
 *
 * @example priceAtQuantity({ unitPriceMinor: 120, priceBreaks: [{ minQuantityMilli: 10000, unitPriceMinor: 110 }] }, 12000)
 * // { unitPriceMinor: 110, priceBreak: { minQuantityMilli: 10000, unitPriceMinor: 110 } }
 */
export function priceAtQuantity(
  pricing: { unitPriceMinor: number | null; priceBreaks: readonly PriceBreak[] },
  quantityMilli: number,
): { unitPriceMinor: number | null; priceBreak: PriceBreak | null } {
  let chosen: PriceBreak | null = null;
  for (const b of pricing.priceBreaks) {
    if (quantityMilli >= b.minQuantityMilli && (chosen === null || b.minQuantityMilli > chosen.minQuantityMilli)) {
      chosen = b;
    }
  }
  return chosen === null
    ? { unitPriceMinor: pricing.unitPriceMinor, priceBreak: null }
    : { unitPriceMinor: chosen.unitPriceMinor, priceBreak: chosen };
}

/**
 * Unit price for an order of `quantityMilli`: the price of the largest price break whose minimum
 * the quantity reaches, else `unitPriceMinor` (null when no price is known).
 *
 * @example unitPriceForQuantity({ unitPriceMinor: 120, priceBreaks: [{ minQuantityMilli: 10000, unitPriceMinor: 110 }] }, 12000) // 110
 */
export function unitPriceForQuantity(
  supplierItem: Pick<SupplierItem, 'unitPriceMinor' | 'priceBreaks'>,
  quantityMilli: number,
): number | null {
  return priceAtQuantity(supplierItem, quantityMilli).unitPriceMinor;
}

/**
 * Reads the compact text form of price breaks used in CSV files and on the command line,
 * `MIN_QUANTITY:UNIT_PRICE` pairs separated by `;` ("10:1.20;50:1.10"), into the JSON form
 * `[{ min_quantity: 10, unit_price: 1.2 }, ...]` that `parseSupplierItemInput` validates. Empty text is no breaks.
 */
export function parsePriceBreaksText(
  text: string,
  field = 'price_breaks',
): { ok: true; value: Array<{ min_quantity: number; unit_price: number }> } | { ok: false; problem: FieldProblem } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: [] };
  const value: Array<{ min_quantity: number; unit_price: number }> = [];
  for (const pair of trimmed.split(';')) {
    const match = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(pair);
    if (!match) {
      return {
        ok: false,
        problem: {
          field,
          message: `"${pair.slice(0, 40)}" is not MIN_QUANTITY:UNIT_PRICE; write breaks like 10:1.20;50:1.10`,
          value: text.length > 100 ? `${text.slice(0, 100)}…` : text,
        },
      };
    }
    value.push({ min_quantity: Number(match[1]), unit_price: Number(match[2]) });
  }
  return { ok: true, value };
}

/** Writes price breaks in the compact text form ("10:1.20;50:1.10"), prices with the currency's decimals. */
export function formatPriceBreaks(breaks: PriceBreak[], currency: string): string {
  return breaks
    .map((b) => `${formatQuantity(b.minQuantityMilli)}:${formatMoney(b.unitPriceMinor, currency)}`)
    .join(';');
}

function readPriceBreaks(
  value: unknown,
  field: string,
  currency: string,
  problems: FieldProblem[],
): PriceBreak[] | undefined {
  if (!Array.isArray(value)) {
    problems.push({ field, message: 'must be a list of { min_quantity, unit_price }', value });
    return undefined;
  }
  if (value.length > MAX_PRICE_BREAKS) {
    problems.push({ field, message: `must have at most ${MAX_PRICE_BREAKS} breaks` });
    return undefined;
  }
  const before = problems.length;
  const breaks: PriceBreak[] = [];
  value.forEach((entry, i) => {
    const at = `${field}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ field: at, message: 'must be an object { min_quantity, unit_price }', value: entry });
      return;
    }
    const raw = entry as RawInput;
    for (const key of Object.keys(raw)) {
      if (key !== 'min_quantity' && key !== 'unit_price') {
        problems.push({
          field: `${at}.${key}`,
          message: 'is not a field of a price break; expected min_quantity, unit_price',
        });
      }
    }
    const quantity = parseQuantity(raw['min_quantity'], `${at}.min_quantity`, 'positive');
    const price =
      raw['unit_price'] === undefined || raw['unit_price'] === null
        ? { ok: false as const, problem: { field: `${at}.unit_price`, message: 'is required' } }
        : parseMoney(raw['unit_price'], `${at}.unit_price`, currency);
    if (!quantity.ok) problems.push(quantity.problem);
    if (!price.ok) problems.push(price.problem);
    if (!quantity.ok || !price.ok) return;
    const previous = breaks.at(-1);
    if (previous && quantity.milli <= previous.minQuantityMilli) {
      problems.push({
        field: `${at}.min_quantity`,
        message: `must be greater than the previous break's ${formatQuantity(previous.minQuantityMilli)}: breaks go in ascending order of quantity`,
        value: raw['min_quantity'],
      });
      return;
    }
    breaks.push({ minQuantityMilli: quantity.milli, unitPriceMinor: price.minor });
  });
  return problems.length === before ? breaks : undefined;
}

function readOptionalQuantity(input: RawInput, field: string, problems: FieldProblem[]): number | null | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  const quantity = parseQuantity(value, field, 'positive');
  if (quantity.ok) return quantity.milli;
  problems.push(quantity.problem);
  return undefined;
}

function readRank(input: RawInput, problems: FieldProblem[]): number | undefined {
  const value = input['rank'];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RANK) {
    problems.push({ field: 'rank', message: `must be a whole number from 1 (preferred) to ${MAX_RANK}`, value });
    return undefined;
  }
  return value;
}

function packMismatchMessage(moqMilli: number, packMilli: number, field: string): string {
  const lower = Math.floor(moqMilli / packMilli) * packMilli;
  const upper = lower + packMilli;
  const options = lower > 0 ? `${formatQuantity(lower)} or ${formatQuantity(upper)}` : formatQuantity(upper);
  const pack = formatQuantity(packMilli);
  return field === 'moq'
    ? `must be a multiple of pack_size ${pack} (an order is whole packs); use ${options}`
    : `${pack} does not divide moq ${formatQuantity(moqMilli)} (an order is whole packs); with pack_size ${pack} the moq must be ${options}`;
}

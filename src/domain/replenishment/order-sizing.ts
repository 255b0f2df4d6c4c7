import { type PriceBreak, priceAtQuantity } from '../catalogue/supplier-item.js';
import { formatMoney } from '../money.js';
import { formatQuantity } from '../quantity.js';

/** How a supplier sells an item; quantities in milli-units, null or absent when the supplier sets no limit. */
export type OrderQuantityRules = {
  /** Minimum order quantity. */
  moqMilli?: number | null;
  /** The item is sold in packs of this many milli-units: an order is a whole number of packs. */
  packSizeMilli?: number | null;
};

export type { PriceBreak };

/** A supplier item's prices; `SupplierItem` from the catalogue fits this shape. */
export type SupplierPricing = OrderQuantityRules & {
  /** List price per whole unit in minor units; null when unknown. */
  unitPriceMinor: number | null;
  priceBreaks: readonly PriceBreak[];
  /** ISO 4217 code, only used to write amounts in explanations. */
  currency?: string;
};

/**
 * Rounds a need up to what the supplier sells: a whole number of packs, and at least the MOQ.
 *
 * result = max(⌈need ÷ pack⌉ × pack, ⌈moq ÷ pack⌉ × pack), in milli-units; 0 when need ≤ 0 (nothing to order).
 *
 * A MOQ that is not a multiple of the pack size (the catalogue refuses one, but older data may hold
 * it) is itself rounded up to the next whole pack: with packs of 12 and a MOQ of 30, the least order is
 * 36, because 30 cannot be delivered in packs of 12. No pack size (or ≤ 0) means any milli-unit
 * quantity; no MOQ (or ≤ 0) means no minimum. So for need > 0 the result is ≥ need, ≥ MOQ, a multiple of
 * the pack, and < need + pack + MOQ.
 *
 * @example roundOrderQuantity(32000, { moqMilli: 50000, packSizeMilli: 12000 }) // 60000 (5 packs of 12 ≥ MOQ 50)
 */
export function roundOrderQuantity(needMilli: number, rules: OrderQuantityRules): number {
  if (!(needMilli > 0)) return 0;
  const pack = rules.packSizeMilli != null && rules.packSizeMilli > 0 ? rules.packSizeMilli : 1;
  const moq = rules.moqMilli != null && rules.moqMilli > 0 ? rules.moqMilli : 0;
  return Math.max(roundUpToMultiple(needMilli, pack), roundUpToMultiple(moq, pack));
}

function roundUpToMultiple(valueMilli: number, stepMilli: number): number {
  const remainder = valueMilli % stepMilli;
  return remainder === 0 ? valueMilli : valueMilli - remainder + stepMilli;
}

/**
 * The amount of an order line: quantity × unit price, in minor units, rounded half up (half a minor
 * unit or more rounds up, on the absolute value). Exact integer arithmetic (BigInt), whatever the size.
 *
 * total = round(quantityMilli × unitPriceMinor ÷ 1000)
 *
 * @example lineTotalMinor(2500, 199) // 498 (2.5 × 1.99 = 4.975 → 4.98)
 */
export function lineTotalMinor(quantityMilli: number, unitPriceMinor: number): number {
  const product = BigInt(Math.abs(quantityMilli)) * BigInt(Math.abs(unitPriceMinor));
  const rounded = Number((product + 500n) / 1000n);
  return quantityMilli < 0 !== unitPriceMinor < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * Unit price for an order of `quantityMilli`: the price of the largest break whose minimum the
 * quantity reaches, else the list price (null when unknown).
 *
 * @example unitPriceAt(12000, { unitPriceMinor: 120, priceBreaks: [{ minQuantityMilli: 10000, unitPriceMinor: 110 }] }) // 110
 */
export function unitPriceAt(
  quantityMilli: number,
  pricing: Pick<SupplierPricing, 'unitPriceMinor' | 'priceBreaks'>,
): { unitPriceMinor: number | null; priceBreak: PriceBreak | null } {
  return priceAtQuantity(pricing, quantityMilli);
}

/**
 * How the price of an order line was chosen:
 * `list_price` (no break reached), `break_reached` (the quantity itself reaches a break),
 * `raised_to_break` (the quantity was raised to a break because that costs less in total),
 * `no_price` (no price is known for the quantity, so nothing could be compared).
 */
export type PriceRule = 'list_price' | 'break_reached' | 'raised_to_break' | 'no_price';

export type PriceBreakChoice = {
  quantityMilli: number;
  unitPriceMinor: number | null;
  /** quantity × unit price, minor units, rounded half up; null when no price is known. */
  totalMinor: number | null;
  /** The break whose price applies; null when the list price does. */
  priceBreak: PriceBreak | null;
  rule: PriceRule;
  /** Estimated holding cost of the extra units bought to reach a break, minor units; 0 when none were. */
  extraHoldingCostMinor: number;
  /** The quantity asked for and what it alone would cost (null when no price is known). */
  requestedQuantityMilli: number;
  requestedTotalMinor: number | null;
  explanation: string;
};

/**
 * Chooses the order quantity and price among the quantity asked for and every larger price break:
 * a larger break is taken only when it lowers the total cost of this order,
 *
 *   cost(Q) = purchase(Q) [+ extra holding(Q)],  purchase(Q) = round(Q × price(Q)),
 *   extra holding(Q) = h ÷ 365 × price(Q) × E × (Q₀ + E ÷ 2) ÷ d,  E = Q − Q₀,
 *
 * where Q₀ is `quantityMilli` (already rounded to pack and MOQ), h the holding cost rate per year
 * (0.25 = 25 % of the unit price a year) and d the daily demand. The holding term is the unit-days the
 * extra units add to stock, costed at the break price: they wait Q₀ ÷ d days while Q₀ is consumed, then
 * are consumed over E ÷ d days (the area between the two consumption triangles, (Q² − Q₀²) ÷ 2d).
 * It is counted only when both `holdingCostRatePerYear` and `dailyDemandMilli` are given; with a rate
 * but a daily demand ≤ 0 the extra units would never be used, so no larger break is taken.
 *
 * Break quantities are rounded up to whole packs first (a break at 100 with packs of 12 is bought as 108).
 * Ties keep the smaller quantity (less stock is the JIT default). Purchase totals are exact integers,
 * rounded half up to minor units; the holding estimate is computed in floating point and rounded half up.
 * When the asked quantity has no known price (no list price and no break reached), it is kept as is.
 *
 * @example choosePriceBreak(95000, { unitPriceMinor: 100, priceBreaks: [{ minQuantityMilli: 100000, unitPriceMinor: 90 }] })
 * // { quantityMilli: 100000, unitPriceMinor: 90, totalMinor: 9000, rule: 'raised_to_break', requestedTotalMinor: 9500, ... }
 */
export function choosePriceBreak(
  quantityMilli: number,
  pricing: SupplierPricing,
  holdingCostRatePerYear?: number,
  dailyDemandMilli?: number,
): PriceBreakChoice {
  const money = (minor: number) =>
    pricing.currency === undefined
      ? `${minor} minor units`
      : `${formatMoney(minor, pricing.currency)} ${pricing.currency}`;
  const requested = unitPriceAt(quantityMilli, pricing);
  if (requested.unitPriceMinor === null) {
    return {
      quantityMilli,
      unitPriceMinor: null,
      totalMinor: null,
      priceBreak: null,
      rule: 'no_price',
      extraHoldingCostMinor: 0,
      requestedQuantityMilli: quantityMilli,
      requestedTotalMinor: null,
      explanation: `no price is known for ${formatQuantity(quantityMilli)}, so price breaks were not compared`,
    };
  }
  const requestedTotal = lineTotalMinor(quantityMilli, requested.unitPriceMinor);
  const countHolding = holdingCostRatePerYear !== undefined && dailyDemandMilli !== undefined;

  let best = {
    quantityMilli,
    unitPriceMinor: requested.unitPriceMinor,
    priceBreak: requested.priceBreak,
    totalMinor: requestedTotal,
    holdingMinor: 0,
  };
  const larger = [...pricing.priceBreaks]
    .filter((b) => b.minQuantityMilli > quantityMilli)
    .sort((a, b) => a.minQuantityMilli - b.minQuantityMilli);
  for (const b of larger) {
    const candidate = roundOrderQuantity(b.minQuantityMilli, pricing);
    const price = unitPriceAt(candidate, pricing);
    if (price.unitPriceMinor === null) continue;
    const total = lineTotalMinor(candidate, price.unitPriceMinor);
    const holding = countHolding
      ? extraHoldingCostMinor(quantityMilli, candidate, price.unitPriceMinor, holdingCostRatePerYear, dailyDemandMilli)
      : 0;
    if (total + holding < best.totalMinor + best.holdingMinor) {
      best = {
        quantityMilli: candidate,
        unitPriceMinor: price.unitPriceMinor,
        priceBreak: price.priceBreak,
        totalMinor: total,
        holdingMinor: holding,
      };
    }
  }

  const raised = best.quantityMilli !== quantityMilli;
  const rule: PriceRule = raised ? 'raised_to_break' : best.priceBreak === null ? 'list_price' : 'break_reached';
  const asked = `${formatQuantity(quantityMilli)} at ${money(requested.unitPriceMinor)} = ${money(requestedTotal)}`;
  let explanation: string;
  if (raised) {
    const extra = formatQuantity(best.quantityMilli - quantityMilli);
    const holding = countHolding ? ` plus ${money(best.holdingMinor)} to hold the ${extra} extra` : '';
    explanation = `raised to the ${formatQuantity(best.priceBreak!.minQuantityMilli)} price break: ${formatQuantity(best.quantityMilli)} at ${money(best.unitPriceMinor)} = ${money(best.totalMinor)}${holding} costs less than ${asked}`;
  } else {
    const which =
      rule === 'break_reached'
        ? `the ${formatQuantity(best.priceBreak!.minQuantityMilli)} price break applies`
        : 'list price';
    const compared = larger.length === 0 ? 'no larger price break' : 'no larger price break costs less in total';
    explanation = `${which}: ${asked}; ${compared}`;
  }
  return {
    quantityMilli: best.quantityMilli,
    unitPriceMinor: best.unitPriceMinor,
    totalMinor: best.totalMinor,
    priceBreak: best.priceBreak,
    rule,
    extraHoldingCostMinor: best.holdingMinor,
    requestedQuantityMilli: quantityMilli,
    requestedTotalMinor: requestedTotal,
    explanation,
  };
}

/**
 * Holding cost of buying `candidateMilli` instead of `requestedMilli`, minor units, rounded half up:
 * h ÷ 365 × price × E × (Q₀ + E ÷ 2) ÷ d with E and Q₀ in units and d in units per day.
 * Infinite when the daily demand is ≤ 0 (the extra units would never be used).
 */
function extraHoldingCostMinor(
  requestedMilli: number,
  candidateMilli: number,
  unitPriceMinor: number,
  holdingCostRatePerYear: number,
  dailyDemandMilli: number,
): number {
  const extraMilli = candidateMilli - requestedMilli;
  if (extraMilli <= 0 || holdingCostRatePerYear <= 0) return 0;
  if (!(dailyDemandMilli > 0)) return Number.POSITIVE_INFINITY;
  const extraUnits = extraMilli / 1000;
  const daysHeld = (requestedMilli + extraMilli / 2) / dailyDemandMilli;
  return Math.floor((holdingCostRatePerYear / 365) * unitPriceMinor * extraUnits * daysHeld + 0.5);
}

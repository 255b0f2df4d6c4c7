import { formatMoney } from '../domain/money.js';
import { formatQuantity } from '../domain/quantity.js';
import { unitPriceAt } from '../domain/replenishment/order-sizing.js';
import type { DemoSupplier, DemoSupplierItem } from './demo-catalogue.js';

export type DemoLinePrice = {
  unitPriceMinor: number;
  priceRule: 'list_price' | 'break_reached';
  priceNote: string;
};

/**
 * The unit price of an order line placed at `orderedAt` (epoch ms): the supplier item's list price, or
 * the price of the largest break the quantity reaches, as listed today, taken back by the supplier's
 * yearly rise for every 1 January between the order and `now`:
 *
 *   price = round(today's price ÷ (1 + rise)^years), at least 1 minor unit.
 *
 * @example purchasePriceOf(source, supplier, 100000, Date.UTC(2025, 5, 2), Date.UTC(2026, 10, 24)) // last year's price
 */
export function purchasePriceOf(
  source: DemoSupplierItem,
  supplier: Pick<DemoSupplier, 'priceRisePerYear'>,
  quantityMilli: number,
  orderedAt: number,
  now: number,
): DemoLinePrice {
  const years = new Date(now).getUTCFullYear() - new Date(orderedAt).getUTCFullYear();
  const factor = (1 + supplier.priceRisePerYear) ** -Math.max(0, years);
  const then = (minor: number) => Math.max(1, Math.round(minor * factor));
  const { unitPriceMinor, priceBreak } = unitPriceAt(quantityMilli, {
    unitPriceMinor: then(source.unitPriceMinor),
    priceBreaks: source.priceBreaks.map((b) => ({ ...b, unitPriceMinor: then(b.unitPriceMinor) })),
  });
  const price = `${formatMoney(unitPriceMinor!, source.currency)} ${source.currency}`;
  return priceBreak === null
    ? { unitPriceMinor: unitPriceMinor!, priceRule: 'list_price', priceNote: `list price ${price}` }
    : {
        unitPriceMinor: unitPriceMinor!,
        priceRule: 'break_reached',
        priceNote: `${formatQuantity(quantityMilli)} reaches the break at ${formatQuantity(priceBreak.minQuantityMilli)}: ${price}`,
      };
}

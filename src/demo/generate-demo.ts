import { type DemoCatalogue, generateDemoCatalogue } from './demo-catalogue.js';
import { type DemoHistory, simulateDemoHistory } from './demo-history.js';
import { type DemoMakeToOrder, planDemoMakeToOrder } from './demo-mto.js';
import { chooseDemoPolicies, type DemoReplenishment } from './demo-policies.js';
import { createRandom } from './random.js';

export type DemoOptions = {
  /** Seed of the random source: the same seed and the same `now` give the same demo. */
  seed: number;
  /** Epoch ms: history ends on this day (UTC date) and holds nothing after this instant. */
  now: number;
  /** Days of history, today included (default 730). */
  days?: number;
  /** Items in the catalogue (default 300), spread over the categories in fixed shares. */
  itemCount?: number;
};

export type DemoData = DemoCatalogue & DemoHistory & DemoReplenishment & { makeToOrder: DemoMakeToOrder };

export const DEFAULT_DEMO_DAYS = 730;
export const DEFAULT_DEMO_ITEMS = 300;
export const DEFAULT_DEMO_SEED = 42;

/**
 * Generates a realistic small stockroom: the catalogue (items, sites and bins, suppliers, sources),
 * the movements of `days` days of history with the purchase orders behind its receipts (and their
 * lifecycle at `now`), the demand profiles and supplier reliability that drove them, and the
 * replenishment policy of every item at each site with the kanban loops; and the make-to-order products the main
 * site builds from catalogue components, with their BOMs, customers and customer orders (`planDemoMakeToOrder`).
 * Pure: no I/O, no clock, no global randomness.
 *
 * @example generateDemo({ seed: 42, now: Date.UTC(2026, 10, 24, 12) }).movements.length // ≈ 300 000
 */
export function generateDemo(options: DemoOptions): DemoData {
  const random = createRandom(options.seed);
  const days = options.days ?? DEFAULT_DEMO_DAYS;
  const catalogue = generateDemoCatalogue(random.fork('catalogue'), {
    itemCount: options.itemCount ?? DEFAULT_DEMO_ITEMS,
    days,
  });
  const history = simulateDemoHistory(random.fork('history'), catalogue, { now: options.now, days });
  const replenishment = chooseDemoPolicies(random.fork('policies'), catalogue, history, { now: options.now, days });
  const makeToOrder = planDemoMakeToOrder(random.fork('make-to-order'), catalogue, { now: options.now });
  return { ...catalogue, ...history, ...replenishment, makeToOrder };
}

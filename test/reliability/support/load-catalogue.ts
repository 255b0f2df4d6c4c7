import type { SupplierPricing } from '../../../src/domain/replenishment/order-sizing.js';
import { postMovements } from '../../../src/services/ledger.service.js';
import { setPolicy } from '../../../src/services/policy.service.js';
import { createSupplier } from '../../../src/services/supplier.service.js';
import { addSupplierItem } from '../../../src/services/supplier-item.service.js';
import { type DatabaseConfig, openDatabase } from '../../../src/store/database.js';
import { seedCatalogue } from '../../support/fixtures.js';

/**
 * The catalogue the load runs on: 20 items at two locations, each item × location with a reorder point
 * policy (s, S) = (30, 100) and 80 on hand, each item bought from one supplier. Items may go negative,
 * so no movement of the load is refused and every dip of the position reaches the trigger.
 */
export const LOAD_SKUS = Array.from({ length: 20 }, (_, i) => `LOAD-${String(i).padStart(2, '0')}`);
export const LOAD_LOCATIONS = ['WH', 'STORE'] as const;
export const REORDER_POINT_MILLI = 30_000;
export const TARGET_MILLI = 100_000;
const OPENING_MILLI = 80_000;
export const OPENING_REFERENCE = 'opening';

/** ACME sells the first ten items in packs of 12, MOQ 24, cheaper from 240; BETA the others in packs of 5, cheaper from 90. */
const ACME: SupplierPricing = {
  unitPriceMinor: 120,
  priceBreaks: [{ minQuantityMilli: 240_000, unitPriceMinor: 110 }],
  moqMilli: 24_000,
  packSizeMilli: 12_000,
};
const BETA: SupplierPricing = {
  unitPriceMinor: 80,
  priceBreaks: [{ minQuantityMilli: 90_000, unitPriceMinor: 60 }],
  moqMilli: null,
  packSizeMilli: 5_000,
};

/** The pricing the trigger sizes an item's lines with. */
export function pricingOf(sku: string): SupplierPricing {
  return LOAD_SKUS.indexOf(sku) < 10 ? ACME : BETA;
}

/** Migrates the database and seeds the load's catalogue, through the services, before any server starts. */
export async function seedLoadCatalogue(config: DatabaseConfig): Promise<void> {
  const database = await openDatabase(config);
  try {
    const ctx = { actor: 'setup', now: Date.now() };
    await seedCatalogue(database, {
      items: LOAD_SKUS.map((sku) => ({ sku, allowNegative: true })),
      locations: [...LOAD_LOCATIONS],
    });
    await createSupplier(database, { code: 'ACME', name: 'Acme', lead_time_days: 5 }, ctx);
    await createSupplier(database, { code: 'BETA', name: 'Beta', lead_time_days: 3 }, ctx);
    for (const sku of LOAD_SKUS) {
      const source =
        pricingOf(sku) === ACME
          ? {
              supplier: 'ACME',
              unit_price: 1.2,
              pack_size: 12,
              moq: 24,
              price_breaks: [{ min_quantity: 240, unit_price: 1.1 }],
            }
          : { supplier: 'BETA', unit_price: 0.8, pack_size: 5, price_breaks: [{ min_quantity: 90, unit_price: 0.6 }] };
      await addSupplierItem(database, sku, source, ctx);
    }
    const opening = LOAD_SKUS.flatMap((sku) =>
      LOAD_LOCATIONS.map((location) => ({
        type: 'receipt',
        sku,
        location,
        quantity: OPENING_MILLI / 1000,
        reference: OPENING_REFERENCE,
      })),
    );
    await postMovements(database, opening, ctx);
    const policy = { kind: 'reorder_point', reorder_point: REORDER_POINT_MILLI / 1000, target: TARGET_MILLI / 1000 };
    for (const sku of LOAD_SKUS) {
      for (const location of LOAD_LOCATIONS) await setPolicy(database, sku, location, policy, ctx);
    }
  } finally {
    await database.close();
  }
}

/** One request of the load: its `Idempotency-Key` (also its `reference`, to find it in the ledger) and its body. */
export type PlannedMovement = { key: string; body: Record<string, unknown> };

/**
 * Each client's movements, fixed by the seed so a retry sends the very same body: mostly issues
 * (0.5–15), some receipts (5–40) and transfers between the two locations (1–10).
 */
export function planMovements(options: { prefix: string; clients: number; movements: number }): PlannedMovement[][] {
  return Array.from({ length: options.clients }, (_, client) => {
    const random = mulberry32(0x1eaf + client * 7919);
    const pick = (n: number) => Math.floor(random() * n);
    const quantity = (fromMilli: number, toMilli: number) => (fromMilli + pick(toMilli - fromMilli + 1)) / 1000;
    const count =
      Math.floor(options.movements / options.clients) + (client < options.movements % options.clients ? 1 : 0);
    return Array.from({ length: count }, (_, index) => {
      const key = `${options.prefix}-c${String(client).padStart(2, '0')}-${String(index).padStart(5, '0')}`;
      const sku = LOAD_SKUS[pick(LOAD_SKUS.length)]!;
      const [here, there] = random() < 0.5 ? LOAD_LOCATIONS : ([...LOAD_LOCATIONS].reverse() as string[]);
      const roll = random();
      const body =
        roll < 0.8
          ? { type: 'issue', sku, location: here, quantity: quantity(500, 15_000), reference: key }
          : roll < 0.92
            ? { type: 'receipt', sku, location: here, quantity: quantity(5_000, 40_000), reference: key }
            : { type: 'transfer', sku, from: here, to: there, quantity: quantity(1_000, 10_000), reference: key };
      return { key, body };
    });
  });
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

import { createItem } from '../../src/services/item.service.js';
import { postMovements } from '../../src/services/ledger.service.js';
import { createLocation } from '../../src/services/location.service.js';
import { updatePlanningSettings } from '../../src/services/planning/settings.service.js';
import { setPolicy } from '../../src/services/policy.service.js';
import { createSupplier } from '../../src/services/supplier.service.js';
import { addSupplierItem } from '../../src/services/supplier-item.service.js';
import type { Database } from '../../src/store/database.js';

const DAY_MS = 86_400_000;

/** The clock of the simulation tests: the history ends the day before, 10 April 2026 (UTC). */
export const SIMULATION_NOW = Date.UTC(2026, 3, 10, 10);

/** Daily issues of each item over the 60 days of history (day 1 = yesterday). */
export const SIMULATION_DEMAND: Record<string, (daysAgo: number) => number> = {
  BOLT: () => 8,
  NUT: (daysAgo) => (daysAgo % 2 === 0 ? 30 : 10),
  GEAR: (daysAgo) => (daysAgo % 7 < 5 ? 3 : 0),
  SEAL: (daysAgo) => (daysAgo % 5 === 0 ? 4 : 0),
};

/** On hand at the end of the history, as simulation day 0 starts. */
export const SIMULATION_ON_HAND: Record<string, number> = { BOLT: 100, NUT: 150, GEAR: 30, SEAL: 10, WASHER: 20 };

function totalDemand(sku: string): number {
  const demand = SIMULATION_DEMAND[sku];
  let total = 0;
  for (let daysAgo = 1; demand !== undefined && daysAgo <= 60; daysAgo++) total += demand(daysAgo);
  return total;
}

/**
 * A small catalogue to simulate, written through the services at one site, BER (UTC): ACME (5 days, ordering cost 20)
 * supplies BOLT and NUT (fasteners); BETA (8 days, ordering cost 30) supplies GEAR (drives) and SEAL (no category);
 * IDLE supplies nothing; WASHER has a policy but no source. 60 days of issues (SIMULATION_DEMAND) after a receipt that
 * leaves SIMULATION_ON_HAND; the policies: BOLT (s, S) = (50, 150) in packs of 10, NUT kanban 3 × 100, GEAR weekly review up to
 * 40, SEAL (s, S) = (4, 20), WASHER (s, S) = (5, 10). History window: 60 days.
 */
export async function seedSimulationCatalogue(database: Database): Promise<void> {
  const ctx = { actor: 'seed', now: SIMULATION_NOW - 70 * DAY_MS };
  await createLocation(database, { code: 'BER', name: 'Berlin', time_zone: 'UTC' }, ctx);
  await createSupplier(database, { code: 'ACME', name: 'Acme', lead_time_days: 5, ordering_cost: 20 }, ctx);
  await createSupplier(database, { code: 'BETA', name: 'Beta', lead_time_days: 8, ordering_cost: 30 }, ctx);
  await createSupplier(database, { code: 'IDLE', name: 'Idle', lead_time_days: 3 }, ctx);
  const items = [
    { sku: 'BOLT', category: 'fasteners', unit_cost: 2, supplier: 'ACME', pack_size: 10 },
    { sku: 'NUT', category: 'fasteners', unit_cost: 0.5, supplier: 'ACME' },
    { sku: 'GEAR', category: 'drives', unit_cost: 40, supplier: 'BETA' },
    { sku: 'SEAL', unit_cost: 6, supplier: 'BETA' },
    { sku: 'WASHER', category: 'fasteners', unit_cost: 0.1 },
  ];
  for (const { supplier, pack_size, ...item } of items) {
    await createItem(database, { ...item, name: item.sku, unit: 'pcs' }, ctx);
    if (supplier !== undefined) {
      await addSupplierItem(database, item.sku, { supplier, ...(pack_size ? { pack_size } : {}) }, ctx);
    }
  }
  const movements: unknown[] = items.map((item) => ({
    type: 'receipt',
    sku: item.sku,
    location: 'BER',
    quantity: totalDemand(item.sku) + SIMULATION_ON_HAND[item.sku]!,
    occurred_at: new Date(SIMULATION_NOW - 65 * DAY_MS).toISOString(),
  }));
  for (const [sku, demand] of Object.entries(SIMULATION_DEMAND)) {
    for (let daysAgo = 1; daysAgo <= 60; daysAgo++) {
      const quantity = demand(daysAgo);
      if (quantity === 0) continue;
      const occurredAt = new Date(SIMULATION_NOW - daysAgo * DAY_MS).toISOString();
      movements.push({ type: 'issue', sku, location: 'BER', quantity, occurred_at: occurredAt });
    }
  }
  await postMovements(database, movements, { actor: 'seed', now: SIMULATION_NOW - DAY_MS / 2 });
  await updatePlanningSettings(database, ctx, { history_days: 60 });
  const policies: Array<[string, Record<string, unknown>]> = [
    ['BOLT', { kind: 'reorder_point', reorder_point: 50, target: 150 }],
    ['NUT', { kind: 'kanban', cards: 3, container_quantity: 100 }],
    ['GEAR', { kind: 'periodic_review', review_days: 7, target: 40 }],
    ['SEAL', { kind: 'reorder_point', reorder_point: 4, target: 20 }],
    ['WASHER', { kind: 'reorder_point', reorder_point: 5, target: 10 }],
  ];
  for (const [sku, policy] of policies) await setPolicy(database, sku, 'BER', policy, ctx);
}

import type { Database } from '../../src/store/database.js';

/** Inserts items and sites straight into the tables; returns their ids by SKU / code. */
export async function seedBenchCatalogue(
  database: Database,
  skus: string[],
  locations: string[],
  now: number,
): Promise<{ itemIds: number[]; locationIds: number[] }> {
  for (let start = 0; start < skus.length; start += 2000) {
    await database.db
      .insertInto('items')
      .values(
        skus.slice(start, start + 2000).map((sku) => ({
          sku,
          name: `Item ${sku}`,
          unit: 'pcs',
          category: null,
          unit_cost_minor: 250,
          currency: 'EUR',
          shelf_life_days: null,
          criticality: 'medium',
          allow_negative: 0 as const,
          active: 1 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  await database.db
    .insertInto('locations')
    .values(
      locations.map((code) => ({
        code,
        name: `Site ${code}`,
        kind: 'site',
        parent_id: null,
        site_id: null,
        time_zone: 'Europe/Berlin',
        active: 1 as const,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  const items = await database.db.selectFrom('items').select(['id', 'sku']).execute();
  const places = await database.db.selectFrom('locations').select(['id', 'code']).execute();
  const itemId = new Map(items.map((row) => [row.sku, Number(row.id)]));
  const locationId = new Map(places.map((row) => [row.code, Number(row.id)]));
  return { itemIds: skus.map((sku) => itemId.get(sku)!), locationIds: locations.map((code) => locationId.get(code)!) };
}

import type { Database } from '../../src/store/database.js';

/** Inserts items and locations straight into the tables, for tests of the ledger that need a catalogue. */
export async function seedCatalogue(
  database: Database,
  options: { items: Array<string | { sku: string; allowNegative?: boolean }>; locations: string[]; now?: number },
): Promise<void> {
  const now = options.now ?? Date.UTC(2026, 0, 1);
  const items = options.items.map((entry) => (typeof entry === 'string' ? { sku: entry } : entry));
  if (items.length > 0) {
    await database.db
      .insertInto('items')
      .values(
        items.map((item) => ({
          sku: item.sku,
          name: `Item ${item.sku}`,
          unit: 'pcs',
          category: null,
          unit_cost_minor: 100,
          currency: 'EUR',
          shelf_life_days: null,
          criticality: 'medium',
          allow_negative: item.allowNegative ? 1 : 0,
          active: 1,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  for (const code of options.locations) {
    const site = await database.db
      .insertInto('locations')
      .values({
        code,
        name: `Site ${code}`,
        kind: 'site',
        parent_id: null,
        site_id: null,
        time_zone: 'Europe/Berlin',
        active: 1,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db.updateTable('locations').set({ site_id: site.id }).where('id', '=', site.id).execute();
  }
}

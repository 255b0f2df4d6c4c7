import { sql } from 'kysely';
import { type DemoData, type DemoOptions, generateDemo } from '../demo/generate-demo.js';
import { DomainError } from '../domain/errors.js';
import { clearAllData } from '../store/clear-data.js';
import { type Database, type Tx, writeTransaction } from '../store/database.js';
import type { ServiceContext } from './context.js';
import { MAX_BATCH_SIZE, postMovements } from './ledger.service.js';

export type WriteDemoOptions = Omit<DemoOptions, 'now'> & {
  /** Delete everything in the database first; without it, a database that holds data is refused. */
  force?: boolean;
  /** Called after each batch of movements is committed. */
  onProgress?: (written: number, total: number) => void;
};

export type DemoReport = {
  seed: number;
  firstDay: string;
  lastDay: string;
  items: number;
  locations: number;
  sites: number;
  suppliers: number;
  supplierItems: number;
  /** Rows written to the ledger (a transfer writes two). */
  movements: number;
  /** Purchase orders the simulated buyer raised (not stored yet: no purchase-order tables). */
  purchaseOrders: number;
};

/** What a database already holds; a demo is only written into an empty one unless forced. */
export type ExistingData = { items: number; locations: number; suppliers: number; movements: number };

const INSERT_CHUNK = 500;

/**
 * Writes the demo (`generateDemo`) into the database: the catalogue by bulk insert in one
 * transaction, then the history through the ledger (`postMovements`, so every rule of the ledger
 * applies) in batches of 10,000, oldest first, as actor `demo`. `ctx.now` is the end of the history.
 */
export async function writeDemo(
  database: Database,
  options: WriteDemoOptions,
  ctx: ServiceContext,
): Promise<DemoReport> {
  const existing = await countExistingData(database);
  if (!options.force && Object.values(existing).some((count) => count > 0)) {
    throw new DomainError(
      'LS_DUPLICATE',
      `the database already holds data (${describeExisting(existing)}); the demo is only written into an empty database unless forced`,
      [{ field: 'database', message: 'is not empty', value: existing }],
    );
  }
  const data = generateDemo({ ...options, now: ctx.now });
  await writeTransaction(database, async (tx) => {
    if (options.force) await clearAllData(tx, database.dialect);
    await insertCatalogue(tx, data, Date.parse(data.firstDay));
  });

  const total = data.movements.length;
  const movementCtx: ServiceContext = { actor: 'demo', now: ctx.now };
  let rows = 0;
  for (let start = 0; start < total; start += MAX_BATCH_SIZE) {
    const outcomes = await postMovements(database, data.movements.slice(start, start + MAX_BATCH_SIZE), movementCtx);
    for (const outcome of outcomes) rows += outcome.movements.length;
    options.onProgress?.(Math.min(start + MAX_BATCH_SIZE, total), total);
  }
  return {
    seed: options.seed,
    firstDay: data.firstDay,
    lastDay: data.lastDay,
    items: data.items.length,
    locations: data.locations.length,
    sites: data.locations.filter((l) => l.kind === 'site').length,
    suppliers: data.suppliers.length,
    supplierItems: data.supplierItems.length,
    movements: rows,
    purchaseOrders: data.purchaseOrders.length,
  };
}

export async function countExistingData(database: Database): Promise<ExistingData> {
  const count = async (table: 'items' | 'locations' | 'suppliers' | 'movements') => {
    const row = await database.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const [items, locations, suppliers, movements] = await Promise.all([
    count('items'),
    count('locations'),
    count('suppliers'),
    count('movements'),
  ]);
  return { items, locations, suppliers, movements };
}

export function describeExisting(existing: ExistingData): string {
  return (Object.entries(existing) as Array<[string, number]>)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${count.toLocaleString('en')} ${count === 1 ? name.replace(/s$/, '') : name}`)
    .join(', ');
}

async function insertCatalogue(tx: Tx, data: DemoData, createdAt: number): Promise<void> {
  const stamps = { active: 1 as const, created_at: createdAt, updated_at: createdAt };
  for (const chunk of chunks(data.items)) {
    await tx
      .insertInto('items')
      .values(
        chunk.map((item) => ({
          sku: item.sku,
          name: item.name,
          unit: item.unit,
          category: item.category,
          unit_cost_minor: item.unitCostMinor,
          currency: item.currency,
          shelf_life_days: item.shelfLifeDays,
          criticality: item.criticality,
          allow_negative: 0 as const,
          ...stamps,
        })),
      )
      .execute();
  }

  const sites = data.locations.filter((l) => l.kind === 'site');
  await tx
    .insertInto('locations')
    .values(
      sites.map((site) => ({
        code: site.code,
        name: site.name,
        kind: site.kind,
        parent_id: null,
        site_id: null,
        time_zone: site.timeZone,
        ...stamps,
      })),
    )
    .execute();
  const siteIds = await idsByCode(
    tx,
    'locations',
    sites.map((s) => s.code),
  );
  for (const [code, id] of siteIds) {
    await tx.updateTable('locations').set({ site_id: id }).where('id', '=', id).where('code', '=', code).execute();
  }
  const bins = data.locations.filter((l) => l.kind === 'bin');
  await tx
    .insertInto('locations')
    .values(
      bins.map((bin) => ({
        code: bin.code,
        name: bin.name,
        kind: bin.kind,
        parent_id: siteIds.get(bin.parent!)!,
        site_id: siteIds.get(bin.parent!)!,
        time_zone: null,
        ...stamps,
      })),
    )
    .execute();

  await tx
    .insertInto('suppliers')
    .values(
      data.suppliers.map((supplier) => ({
        code: supplier.code,
        name: supplier.name,
        email: supplier.email,
        lead_time_days: supplier.leadTimeDays,
        ordering_cost_minor: supplier.orderingCostMinor,
        currency: supplier.currency,
        ...stamps,
      })),
    )
    .execute();

  const itemIds = await idsByCode(
    tx,
    'items',
    data.items.map((i) => i.sku),
  );
  const supplierIds = await idsByCode(
    tx,
    'suppliers',
    data.suppliers.map((s) => s.code),
  );
  for (const chunk of chunks(data.supplierItems)) {
    await tx
      .insertInto('supplier_items')
      .values(
        chunk.map((source) => ({
          item_id: itemIds.get(source.sku)!,
          supplier_id: supplierIds.get(source.supplier)!,
          supplier_sku: source.supplierSku,
          unit_price_minor: source.unitPriceMinor,
          currency: source.currency,
          price_breaks: JSON.stringify(
            source.priceBreaks.map((b) => ({
              min_quantity_milli: b.minQuantityMilli,
              unit_price_minor: b.unitPriceMinor,
            })),
          ),
          lead_time_days: source.leadTimeDays,
          moq_milli: source.moqMilli,
          pack_size_milli: source.packSizeMilli,
          rank: source.rank,
          ...stamps,
        })),
      )
      .execute();
  }
}

/** Ids of rows by their natural key (`sku` for items, `code` otherwise). */
async function idsByCode(
  tx: Tx,
  table: 'items' | 'locations' | 'suppliers',
  keys: string[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const chunk of chunks(keys)) {
    const rows =
      table === 'items'
        ? await tx.selectFrom('items').select(['id', 'sku as key']).where('sku', 'in', chunk).execute()
        : await tx.selectFrom(table).select(['id', 'code as key']).where('code', 'in', chunk).execute();
    for (const row of rows) ids.set(row.key, Number(row.id));
  }
  return ids;
}

function chunks<T>(values: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += INSERT_CHUNK) {
    result.push(values.slice(start, start + INSERT_CHUNK));
  }
  return result;
}

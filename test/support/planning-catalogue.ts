import { encodeDemand } from '../../src/services/planning/demand-history.js';
import type { Database } from '../../src/store/database.js';

/** The kinds of daily demand series a synthetic planning catalogue mixes. */
export type SeriesKind = 'smooth' | 'seasonal' | 'intermittent' | 'lumpy';

export type PlanningCatalogueOptions = {
  items: number;
  /** Days of history per item (the planner's history window). */
  days: number;
  /** The plan's clock: the history ends the day before, in UTC (the site's zone). */
  now: number;
  seed?: number;
  suppliers?: number;
};

export type PlanningCatalogue = {
  siteId: number;
  kinds: Record<SeriesKind, number>;
  /** Item × site pairs written with zero stock on hand (the trigger orders them when a policy is applied). */
  emptyPairs: number;
};

const DAY_MS = 86_400_000;
const CHUNK = 1000;

/** A seeded uniform [0, 1) source (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Writes a catalogue for planning straight into the tables: `items` items at one site (zone UTC), 20 suppliers, one
 * or two sources per item, balances, and a `demand_history` row per item of `days` days ending yesterday — smooth
 * (40 %), weekly seasonal (20 %), intermittent (25 %) and lumpy (15 %) series, a few with stock-out spells — plus the
 * cache's state, so that a refresh finds the cache current and the planner reads these rows as they are. The same seed
 * writes the same catalogue.
 */
export async function seedPlanningCatalogue(
  database: Database,
  options: PlanningCatalogueOptions,
): Promise<PlanningCatalogue> {
  const random = seededRandom(options.seed ?? 7);
  const { now, days } = options;
  const supplierCount = options.suppliers ?? 20;
  const db = database.db;
  const site = await db
    .insertInto('locations')
    .values({
      code: 'DC',
      name: 'Distribution centre',
      kind: 'site',
      parent_id: null,
      site_id: null,
      time_zone: 'UTC',
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const siteId = Number(site.id);
  await db.updateTable('locations').set({ site_id: siteId }).where('id', '=', siteId).execute();

  await db
    .insertInto('suppliers')
    .values(
      Array.from({ length: supplierCount }, (_, i) => ({
        code: `SUP-${String(i + 1).padStart(2, '0')}`,
        name: `Supplier ${i + 1}`,
        email: null,
        lead_time_days: 3 + Math.floor(random() * 38),
        ordering_cost_minor: 1000 + Math.floor(random() * 7000),
        currency: 'EUR',
        active: 1 as const,
        created_at: now,
        updated_at: now,
        order_days: null,
      })),
    )
    .execute();
  const supplierIds = (await db.selectFrom('suppliers').select('id').orderBy('id').execute()).map((r) => Number(r.id));

  const criticalities = ['low', 'medium', 'medium', 'medium', 'high'];
  for (let start = 0; start < options.items; start += CHUNK) {
    const count = Math.min(CHUNK, options.items - start);
    await db
      .insertInto('items')
      .values(
        Array.from({ length: count }, (_, i) => ({
          sku: skuOfPlanItem(start + i),
          name: `Planned item ${start + i + 1}`,
          unit: 'pcs',
          category: null,
          unit_cost_minor: 50 + Math.floor(random() ** 3 * 50_000),
          currency: 'EUR',
          shelf_life_days: null,
          criticality: criticalities[Math.floor(random() * criticalities.length)]!,
          allow_negative: 0 as const,
          active: 1 as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  const itemIds = (await db.selectFrom('items').select('id').orderBy('id').execute()).map((r) => Number(r.id));

  const today = Math.floor(now / DAY_MS);
  const startDate = new Date((today - days) * DAY_MS).toISOString().slice(0, 10);
  const kinds: Record<SeriesKind, number> = { smooth: 0, seasonal: 0, intermittent: 0, lumpy: 0 };
  let emptyPairs = 0;
  const packs = [null, 1000, 5000, 10_000, 12_000, 25_000];
  for (let start = 0; start < itemIds.length; start += CHUNK) {
    const chunk = itemIds.slice(start, start + CHUNK);
    const sources = [];
    const histories = [];
    const balances = [];
    for (const itemId of chunk) {
      const first = supplierIds[Math.floor(random() * supplierIds.length)]!;
      const pack = packs[Math.floor(random() * packs.length)]!;
      sources.push(sourceRow(itemId, first, 1, pack, random() < 0.2 ? 50_000 : null, random, now));
      if (random() < 0.3) {
        const second = supplierIds[(supplierIds.indexOf(first) + 1) % supplierIds.length]!;
        sources.push(sourceRow(itemId, second, 2, pack, null, random, now));
      }
      const roll = random();
      const kind: SeriesKind = roll < 0.4 ? 'smooth' : roll < 0.6 ? 'seasonal' : roll < 0.85 ? 'intermittent' : 'lumpy';
      kinds[kind]++;
      const { demand, stockOut, meanPerDay } = demandSeries(kind, days, today - days, random);
      histories.push({
        item_id: itemId,
        location_id: siteId,
        start_date: startDate,
        days,
        demand: encodeDemand(demand),
        stock_out: stockOut,
        through_movement_id: 0,
        updated_at: now,
      });
      const empty = random() < 0.1;
      if (empty) emptyPairs++;
      balances.push({
        item_id: itemId,
        location_id: siteId,
        on_hand_milli: empty ? 0 : Math.ceil(meanPerDay * 90 + 5) * 1000,
        allocated_milli: 0,
        on_order_milli: 0,
        updated_at: now,
      });
    }
    await db.insertInto('supplier_items').values(sources).execute();
    for (let at = 0; at < histories.length; at += 250) {
      await db
        .insertInto('demand_history')
        .values(histories.slice(at, at + 250))
        .execute();
    }
    await db.insertInto('balances').values(balances).execute();
  }
  await db
    .insertInto('planning_state')
    .values({
      name: 'demand_history',
      value: JSON.stringify({ through_movement_id: 0, history_days: days, gaps: [] }),
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('planning_settings')
    .values({ key: 'history_days', value: JSON.stringify(days), updated_at: now, updated_by: 'seed' })
    .execute();
  return { siteId, kinds, emptyPairs };
}

export function skuOfPlanItem(index: number): string {
  return `PLAN-${String(index + 1).padStart(6, '0')}`;
}

function sourceRow(
  itemId: number,
  supplierId: number,
  rank: number,
  packMilli: number | null,
  moqMilli: number | null,
  random: () => number,
  now: number,
) {
  return {
    item_id: itemId,
    supplier_id: supplierId,
    supplier_sku: null,
    unit_price_minor: null,
    currency: 'EUR',
    price_breaks: '[]',
    lead_time_days: random() < 0.5 ? null : 2 + Math.floor(random() * 45),
    moq_milli: moqMilli,
    pack_size_milli: packMilli,
    rank,
    active: 1 as const,
    created_at: now,
    updated_at: now,
  };
}

/** Standard normal by Box–Muller. */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function demandSeries(
  kind: SeriesKind,
  days: number,
  firstDayNumber: number,
  random: () => number,
): { demand: Float64Array; stockOut: Uint8Array; meanPerDay: number } {
  const demand = new Float64Array(days);
  const stockOut = new Uint8Array(days);
  const level = 1 + random() ** 2 * 60;
  const trend = (random() - 0.5) * 0.002;
  const probability = 0.05 + random() * 0.25;
  for (let t = 0; t < days; t++) {
    const base = level * (1 + trend * t);
    // 1 January 1970 was a Thursday: day 0 is weekday 3 (Monday 0).
    const weekday = (firstDayNumber + t + 3) % 7;
    let value: number;
    switch (kind) {
      case 'smooth':
        value = base + 0.3 * base * gaussian(random);
        break;
      case 'seasonal':
        value = base * (weekday < 5 ? 1.3 : 0.25) + 0.15 * base * gaussian(random);
        break;
      case 'intermittent':
        value = random() < probability ? 1 + Math.floor(random() * 3) : 0;
        break;
      case 'lumpy':
        value = random() < probability / 2 ? 1 + Math.floor(random() ** 2 * 80) : 0;
        break;
    }
    demand[t] = Math.max(0, Math.round(value));
  }
  if (kind === 'smooth' && random() < 0.1) {
    const from = Math.floor(random() * (days - 12));
    for (let t = from; t < from + 10; t++) {
      demand[t] = 0;
      stockOut[t] = 1;
    }
  }
  let sum = 0;
  for (let t = 0; t < days; t++) sum += demand[t]!;
  return { demand, stockOut, meanPerDay: sum / days };
}

import type { Insertable, Selectable } from 'kysely';
import { effectiveBom } from '../../domain/production/bom.js';
import type { Tx } from '../database.js';
import type { BomLineTable, BomTable } from '../schema.js';

export type BomRow = Selectable<BomTable>;
export type BomLineRow = Selectable<BomLineTable>;
export type NewBomRow = Insertable<Omit<BomTable, 'id'>>;
export type NewBomLineRow = Omit<Insertable<Omit<BomLineTable, 'id'>>, 'bom_id'>;

/** Parent item id → the distinct component item ids of any of its BOM versions. */
export type BomGraph = Map<number, number[]>;

/** One line of an effective BOM; structurally a domain `BomLineInput` plus the unit and position. */
export type EffectiveBomLine = {
  componentItemId: number;
  quantityPerMilli: number;
  scrapBp: number;
  unit: string;
  position: number;
};

/** The BOM version of an item effective on a date, with its lines in position order. */
export type EffectiveBom = {
  bomId: number;
  itemId: number;
  version: number;
  validFrom: string | null;
  validTo: string | null;
  leadTimeDays: number;
  lines: EffectiveBomLine[];
};

/** Items per `IN (...)` list: far below every dialect's parameter limit. */
const CHUNK = 500;

/**
 * Every edge parent → component over all versions of all BOMs (cycle checks must see old versions too: an order
 * released on an older version still explodes through it). Components are listed once per parent, ascending.
 */
export async function loadBomGraph(tx: Tx): Promise<BomGraph> {
  const rows = await tx
    .selectFrom('bom_lines as l')
    .innerJoin('boms as b', 'b.id', 'l.bom_id')
    .select(['b.item_id as parent', 'l.component_item_id as component'])
    .distinct()
    .orderBy('b.item_id')
    .orderBy('l.component_item_id')
    .execute();
  const graph: BomGraph = new Map();
  for (const row of rows) {
    const parent = Number(row.parent);
    const components = graph.get(parent);
    if (components) components.push(Number(row.component));
    else graph.set(parent, [Number(row.component)]);
  }
  return graph;
}

/**
 * The BOM effective on `date` (YYYY-MM-DD) of each of `itemIds` that has one: valid_from ≤ date < valid_to, the
 * highest such version. Items with no effective BOM are absent from the map (they are bought).
 */
export async function loadEffectiveBoms(
  tx: Tx,
  itemIds: readonly number[],
  date: string,
): Promise<Map<number, EffectiveBom>> {
  const versionsByItem = new Map<number, BomRow[]>();
  const distinct = [...new Set(itemIds)];
  for (let start = 0; start < distinct.length; start += CHUNK) {
    const rows = await tx
      .selectFrom('boms')
      .selectAll()
      .where('item_id', 'in', distinct.slice(start, start + CHUNK))
      .where((eb) => eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', date)]))
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', date)]))
      .execute();
    for (const row of rows) {
      const itemId = Number(row.item_id);
      const versions = versionsByItem.get(itemId);
      if (versions) versions.push(row);
      else versionsByItem.set(itemId, [row]);
    }
  }
  const chosen: BomRow[] = [];
  for (const versions of versionsByItem.values()) {
    const best = effectiveBom(
      versions.map((row) => ({ row, version: row.version, validFrom: row.valid_from, validTo: row.valid_to })),
      date,
    );
    if (best) chosen.push(best.row);
  }
  const lines = await listBomLineRows(
    tx,
    chosen.map((row) => Number(row.id)),
  );
  const result = new Map<number, EffectiveBom>();
  for (const row of chosen) {
    result.set(Number(row.item_id), {
      ...effectiveBomOf(row),
      lines: (lines.get(Number(row.id)) ?? []).map(effectiveLineOf),
    });
  }
  return result;
}

/**
 * The effective BOMs (on `date`) of `rootItemIds` and, level by level, of every component they reach. Items
 * reached without an effective BOM map to null (bought). Assumes no cycles (createBom refuses them).
 */
export async function loadEffectiveBomClosure(
  tx: Tx,
  rootItemIds: readonly number[],
  date: string,
): Promise<Map<number, EffectiveBom | null>> {
  const result = new Map<number, EffectiveBom | null>();
  let frontier = [...new Set(rootItemIds)];
  while (frontier.length > 0) {
    const boms = await loadEffectiveBoms(tx, frontier, date);
    const next = new Set<number>();
    for (const itemId of frontier) {
      const bom = boms.get(itemId) ?? null;
      result.set(itemId, bom);
      for (const line of bom?.lines ?? []) {
        if (!result.has(line.componentItemId)) next.add(line.componentItemId);
      }
    }
    frontier = [...next].filter((itemId) => !result.has(itemId));
  }
  return result;
}

/** The lines of the given BOMs by BOM id, each in position order. */
export async function listBomLineRows(tx: Tx, bomIds: readonly number[]): Promise<Map<number, BomLineRow[]>> {
  const byBom = new Map<number, BomLineRow[]>();
  for (let start = 0; start < bomIds.length; start += CHUNK) {
    const rows = await tx
      .selectFrom('bom_lines')
      .selectAll()
      .where('bom_id', 'in', bomIds.slice(start, start + CHUNK))
      .orderBy('bom_id')
      .orderBy('position')
      .execute();
    for (const row of rows) {
      const bomId = Number(row.bom_id);
      const lines = byBom.get(bomId);
      if (lines) lines.push(row);
      else byBom.set(bomId, [row]);
    }
  }
  return byBom;
}

/** Every version of one item's BOM, oldest first. */
export async function listBomRowsOfItem(tx: Tx, itemId: number): Promise<BomRow[]> {
  return tx.selectFrom('boms').selectAll().where('item_id', '=', itemId).orderBy('version').execute();
}

/** A page of BOM versions ordered by (item id, version), optionally of one item, after a keyset. */
export async function listBomRows(
  tx: Tx,
  filter: { itemId?: number; after?: { itemId: number; version: number }; limit: number },
): Promise<BomRow[]> {
  let select = tx.selectFrom('boms').selectAll();
  if (filter.itemId !== undefined) select = select.where('item_id', '=', filter.itemId);
  if (filter.after !== undefined) {
    const after = filter.after;
    select = select.where((eb) =>
      eb.or([
        eb('item_id', '>', after.itemId),
        eb.and([eb('item_id', '=', after.itemId), eb('version', '>', after.version)]),
      ]),
    );
  }
  return select.orderBy('item_id').orderBy('version').limit(filter.limit).execute();
}

export async function findBomRowById(tx: Tx, bomId: number): Promise<BomRow | undefined> {
  return tx.selectFrom('boms').selectAll().where('id', '=', bomId).executeTakeFirst();
}

/** The highest version number of an item's BOM; 0 when it has none. */
export async function maxBomVersion(tx: Tx, itemId: number): Promise<number> {
  const row = await tx
    .selectFrom('boms')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  return row?.version === null || row?.version === undefined ? 0 : Number(row.version);
}

/** Inserts one BOM version and its lines; returns the BOM's id. */
export async function insertBomRows(tx: Tx, bom: NewBomRow, lines: readonly NewBomLineRow[]): Promise<number> {
  const inserted = await tx.insertInto('boms').values(bom).returning('id').executeTakeFirstOrThrow();
  const bomId = Number(inserted.id);
  if (lines.length > 0) {
    await tx
      .insertInto('bom_lines')
      .values(lines.map((line) => ({ ...line, bom_id: bomId })))
      .execute();
  }
  return bomId;
}

function effectiveBomOf(row: BomRow): Omit<EffectiveBom, 'lines'> {
  return {
    bomId: Number(row.id),
    itemId: Number(row.item_id),
    version: row.version,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    leadTimeDays: row.lead_time_days,
  };
}

function effectiveLineOf(row: BomLineRow): EffectiveBomLine {
  return {
    componentItemId: Number(row.component_item_id),
    quantityPerMilli: Number(row.quantity_per_milli),
    scrapBp: row.scrap_bp,
    unit: row.unit,
    position: row.position,
  };
}

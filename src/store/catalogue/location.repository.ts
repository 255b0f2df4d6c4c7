import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Tx } from '../database.js';
import type { LocationTable } from '../schema.js';
import { escapeLike } from './item.repository.js';

/** A location with the codes of its parent and site and its site's time zone. */
export type LocationRow = Selectable<LocationTable> & {
  parent_code: string | null;
  site_code: string | null;
  site_time_zone: string | null;
};
export type NewLocationRow = Insertable<Omit<LocationTable, 'id'>>;
export type LocationRowChange = Updateable<Omit<LocationTable, 'id' | 'code' | 'created_at'>>;

/** Just enough of every location to walk the tree. */
export type LocationLink = { id: number; code: string; parent_id: number | null; site_id: number | null };

export type LocationRowFilter = {
  /** Case-insensitive substring of code or name. */
  q?: string;
  active?: boolean;
  kind?: 'site' | 'bin';
  /** Code of a site: only that site and its bins. */
  site?: string;
  afterCode?: string;
  limit: number;
};

function selectLocations(tx: Tx) {
  return tx
    .selectFrom('locations as l')
    .leftJoin('locations as p', 'p.id', 'l.parent_id')
    .leftJoin('locations as s', 's.id', 'l.site_id')
    .selectAll('l')
    .select(['p.code as parent_code', 's.code as site_code', 's.time_zone as site_time_zone']);
}

export async function findLocationRow(tx: Tx, code: string): Promise<LocationRow | undefined> {
  return selectLocations(tx).where('l.code', '=', code).executeTakeFirst();
}

/** Every location, by code (byte order on both databases). */
export async function listAllLocationRows(tx: Tx): Promise<LocationRow[]> {
  return selectLocations(tx).orderBy('l.code').execute();
}

/** One page of locations ordered by code; returns up to `limit` rows. */
export async function listLocationRows(tx: Tx, filter: LocationRowFilter): Promise<LocationRow[]> {
  let select = selectLocations(tx);
  if (filter.q !== undefined && filter.q !== '') {
    const pattern = `%${escapeLike(filter.q.toLowerCase())}%`;
    select = select.where((eb) =>
      eb.or([
        eb(sql`lower(l.code)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(l.name)`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  if (filter.active !== undefined) select = select.where('l.active', '=', filter.active ? 1 : 0);
  if (filter.kind !== undefined) select = select.where('l.kind', '=', filter.kind);
  if (filter.site !== undefined) select = select.where('s.code', '=', filter.site);
  if (filter.afterCode !== undefined) select = select.where('l.code', '>', filter.afterCode);
  return select.orderBy('l.code').limit(filter.limit).execute();
}

export async function listLocationLinks(tx: Tx): Promise<LocationLink[]> {
  return tx.selectFrom('locations').select(['id', 'code', 'parent_id', 'site_id']).execute();
}

export async function insertLocationRow(tx: Tx, row: NewLocationRow): Promise<number> {
  const inserted = await tx.insertInto('locations').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateLocationRow(tx: Tx, id: number, change: LocationRowChange): Promise<void> {
  await tx.updateTable('locations').set(change).where('id', '=', id).execute();
}

/** Moves locations (a subtree whose root changed site) to another site. */
export async function setLocationsSite(tx: Tx, ids: number[], siteId: number, now: number): Promise<void> {
  for (let start = 0; start < ids.length; start += 1000) {
    await tx
      .updateTable('locations')
      .set({ site_id: siteId, updated_at: now })
      .where('id', 'in', ids.slice(start, start + 1000))
      .execute();
  }
}

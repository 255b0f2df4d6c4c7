import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Tx } from '../database.js';
import type { SupplierTable } from '../schema.js';

export type SupplierRow = Selectable<SupplierTable>;
export type NewSupplierRow = Insertable<Omit<SupplierTable, 'id'>>;
export type SupplierRowChange = Updateable<Omit<SupplierTable, 'id' | 'code' | 'created_at'>>;

export type SupplierRowFilter = {
  /** Case-insensitive substring of code or name. */
  q?: string;
  active?: boolean;
  /** Keyset: only codes after this one. */
  afterCode?: string;
  limit: number;
};

export async function findSupplierRow(tx: Tx, code: string): Promise<SupplierRow | undefined> {
  return tx.selectFrom('suppliers').selectAll().where('code', '=', code).executeTakeFirst();
}

/** Every supplier, by code (byte order on both databases). */
export async function listAllSupplierRows(tx: Tx): Promise<SupplierRow[]> {
  return tx.selectFrom('suppliers').selectAll().orderBy('code').execute();
}

/** One page of suppliers ordered by code; returns up to `limit` rows. */
export async function listSupplierRows(tx: Tx, filter: SupplierRowFilter): Promise<SupplierRow[]> {
  let select = tx.selectFrom('suppliers').selectAll();
  if (filter.q !== undefined && filter.q !== '') {
    const pattern = `%${escapeLike(filter.q.toLowerCase())}%`;
    select = select.where((eb) =>
      eb.or([
        eb(sql`lower(code)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(name)`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  if (filter.active !== undefined) select = select.where('active', '=', filter.active ? 1 : 0);
  if (filter.afterCode !== undefined) select = select.where('code', '>', filter.afterCode);
  return select.orderBy('code').limit(filter.limit).execute();
}

export async function insertSupplierRow(tx: Tx, row: NewSupplierRow): Promise<number> {
  const inserted = await tx.insertInto('suppliers').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function updateSupplierRow(tx: Tx, id: number, change: SupplierRowChange): Promise<void> {
  await tx.updateTable('suppliers').set(change).where('id', '=', id).execute();
}

/** Makes `%`, `_` and `\` match themselves in a LIKE pattern with `escape '\'`. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

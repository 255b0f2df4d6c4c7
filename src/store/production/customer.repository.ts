import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Tx } from '../database.js';
import type { CustomerTable } from '../schema.js';

export type CustomerRow = Selectable<CustomerTable>;
export type NewCustomerRow = Insertable<Omit<CustomerTable, 'id'>>;
export type CustomerRowChange = Updateable<Omit<CustomerTable, 'id' | 'code' | 'created_at'>>;

export async function findCustomerRow(tx: Tx, code: string): Promise<CustomerRow | undefined> {
  return tx.selectFrom('customers').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function findCustomerRowById(tx: Tx, id: number): Promise<CustomerRow | undefined> {
  return tx.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One page of customers ordered by code; returns up to `limit` rows. */
export async function listCustomerRows(
  tx: Tx,
  filter: { active?: boolean; afterCode?: string; limit: number },
): Promise<CustomerRow[]> {
  let select = tx.selectFrom('customers').selectAll();
  if (filter.active !== undefined) select = select.where('active', '=', filter.active ? 1 : 0);
  if (filter.afterCode !== undefined) select = select.where('code', '>', filter.afterCode);
  return select.orderBy('code').limit(filter.limit).execute();
}

export async function insertCustomerRow(tx: Tx, row: NewCustomerRow): Promise<number> {
  const inserted = await tx.insertInto('customers').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function updateCustomerRow(tx: Tx, id: number, change: CustomerRowChange): Promise<void> {
  await tx.updateTable('customers').set(change).where('id', '=', id).execute();
}

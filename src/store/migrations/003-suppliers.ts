import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Suppliers list in the same order on both databases (PostgreSQL compares codes byte by byte,
 * collation "C", as SQLite does), so pages, cursors and CSV exports agree. The items a supplier
 * sells are found by index.
 */
export function suppliersMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`ALTER TABLE suppliers ALTER COLUMN code TYPE text COLLATE "C"`.execute(db);
      }
      await db.schema.createIndex('supplier_items_supplier').on('supplier_items').column('supplier_id').execute();
    },
  };
}

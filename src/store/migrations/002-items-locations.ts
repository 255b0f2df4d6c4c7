import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Items and locations list in the same order on both databases: PostgreSQL compares their keys
 * byte by byte (collation "C"), as SQLite does, so pages, cursors and CSV exports agree. Children
 * of a location are found by index.
 */
export function itemsLocationsMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`ALTER TABLE items ALTER COLUMN sku TYPE text COLLATE "C"`.execute(db);
        await sql`ALTER TABLE locations ALTER COLUMN code TYPE text COLLATE "C"`.execute(db);
      }
      await db.schema.createIndex('locations_parent').on('locations').column('parent_id').execute();
      await db.schema.createIndex('items_category').on('items').column('category').execute();
    },
  };
}

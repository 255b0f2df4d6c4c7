import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Replenishment policies, one per item × location. Columns of the other kinds stay null; quantities
 * are BIGINT thousandths, instants epoch milliseconds, as everywhere else. Policies are listed by
 * item and location id, and found per location and per supplier by index.
 */
export function policiesMigration(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('policies')
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reorder_point_milli', 'bigint')
        .addColumn('target_milli', 'bigint')
        .addColumn('cards', 'integer')
        .addColumn('container_quantity_milli', 'bigint')
        .addColumn('supplier_id', 'bigint', (c) => c.references('suppliers.id'))
        .addColumn('review_days', 'integer')
        .addColumn('review_time', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('policies_pk', ['item_id', 'location_id'])
        .execute();
      await db.schema.createIndex('policies_location').on('policies').column('location_id').execute();
      await db.schema.createIndex('policies_supplier').on('policies').column('supplier_id').execute();
    },
  };
}

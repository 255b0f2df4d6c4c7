import type { Kysely, Migration } from 'kysely';

/**
 * Lead times are measured per supplier item from its purchase-order lines: after every receipt for the order's
 * supplier items, and set-wise for the whole catalogue in keyset pages ordered by (supplier_item_id, id). Without this
 * index each of those reads scanned and sorted every line ever ordered.
 */
export function leadTimeIndexMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('purchase_order_lines_supplier_item')
        .on('purchase_order_lines')
        .columns(['supplier_item_id', 'id'])
        .execute();
    },
  };
}

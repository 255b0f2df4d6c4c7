import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';
import { addIdColumn } from './columns.js';

export function foundationMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await addIdColumn(db.schema.createTable('items'), dialect)
        .addColumn('sku', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('unit_cost_minor', 'bigint')
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('shelf_life_days', 'integer')
        .addColumn('criticality', 'text', (c) => c.notNull())
        .addColumn('allow_negative', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await addIdColumn(db.schema.createTable('locations'), dialect)
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'bigint', (c) => c.references('locations.id'))
        .addColumn('site_id', 'bigint', (c) => c.references('locations.id'))
        .addColumn('time_zone', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await addIdColumn(db.schema.createTable('suppliers'), dialect)
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('lead_time_days', 'integer')
        .addColumn('ordering_cost_minor', 'bigint')
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await addIdColumn(db.schema.createTable('supplier_items'), dialect)
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('supplier_id', 'bigint', (c) => c.notNull().references('suppliers.id'))
        .addColumn('supplier_sku', 'text')
        .addColumn('unit_price_minor', 'bigint')
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('price_breaks', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('lead_time_days', 'integer')
        .addColumn('moq_milli', 'bigint')
        .addColumn('pack_size_milli', 'bigint')
        .addColumn('rank', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('supplier_items_item_supplier', ['item_id', 'supplier_id'])
        .execute();

      await addIdColumn(db.schema.createTable('movements'), dialect)
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
        .addColumn('counted_milli', 'bigint')
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('reference', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.unique())
        .addColumn('transfer_id', 'text')
        .addColumn('reverses_id', 'bigint', (c) => c.unique().references('movements.id'))
        .addColumn('lot_id', 'bigint')
        .execute();
      await db.schema
        .createIndex('movements_item_location_time')
        .on('movements')
        .columns(['item_id', 'location_id', 'occurred_at'])
        .execute();

      await db.schema
        .createTable('balances')
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('on_hand_milli', 'bigint', (c) => c.notNull())
        .addColumn('allocated_milli', 'bigint', (c) => c.notNull())
        .addColumn('on_order_milli', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('balances_pk', ['item_id', 'location_id'])
        .execute();

      await addIdColumn(db.schema.createTable('audit_log'), dialect)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_key', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
      await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity', 'entity_key']).execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}

import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';
import { addIdColumn } from './columns.js';

/**
 * Make-to-order and production: customers and their orders, bills of materials, production orders, and the pegs
 * that say which supply serves which demand.
 *
 * `balances.backordered_milli` is demand committed to an item × location that stock on hand does not cover yet (it
 * waits for pegged supply); with it the inventory position is on hand + on order − allocated − backordered, and
 * allocated never exceeds on hand. `order_supplies` records exactly what confirming a customer order created (a
 * purchase line's added quantity, with its MOQ and pack rounding, or a production order), so that changing or
 * cancelling the order undoes that and nothing else.
 */
export function productionMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('balances')
        .addColumn('backordered_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      await addIdColumn(db.schema.createTable('customers'), dialect)
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await addIdColumn(db.schema.createTable('boms'), dialect)
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        /** Site-local dates, YYYY-MM-DD: valid_from ≤ date < valid_to; null is open. */
        .addColumn('valid_from', 'text')
        .addColumn('valid_to', 'text')
        /** Days to build one order of the item once its components are there. */
        .addColumn('lead_time_days', 'integer', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('boms_item_version', ['item_id', 'version'])
        .execute();

      await addIdColumn(db.schema.createTable('bom_lines'), dialect)
        .addColumn('bom_id', 'bigint', (c) => c.notNull().references('boms.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('component_item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('quantity_per_milli', 'bigint', (c) => c.notNull())
        /** Component scrap in basis points: 500 = 5 % more than the quantity per. */
        .addColumn('scrap_bp', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unit', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('bom_lines_bom').on('bom_lines').columns(['bom_id', 'position']).execute();
      await db.schema.createIndex('bom_lines_component').on('bom_lines').column('component_item_id').execute();

      await addIdColumn(db.schema.createTable('customer_orders'), dialect)
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_date', 'text')
        .addColumn('promised_date', 'text')
        .addColumn('late_risk', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('late_risk_note', 'text')
        .addColumn('note', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('confirmed_at', 'bigint')
        .addColumn('shipped_at', 'bigint')
        .addColumn('cancelled_at', 'bigint')
        .addColumn('cancel_reason', 'text')
        .execute();
      await db.schema.createIndex('customer_orders_status').on('customer_orders').columns(['status', 'id']).execute();

      await addIdColumn(db.schema.createTable('customer_order_lines'), dialect)
        .addColumn('customer_order_id', 'bigint', (c) => c.notNull().references('customer_orders.id'))
        .addColumn('line_no', 'integer', (c) => c.notNull())
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
        .addColumn('requested_date', 'text', (c) => c.notNull())
        .addColumn('promised_date', 'text')
        .addColumn('allocated_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('backordered_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('shipped_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('customer_order_lines_no', ['customer_order_id', 'line_no'])
        .execute();

      await addIdColumn(db.schema.createTable('production_orders'), dialect)
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('bom_id', 'bigint', (c) => c.notNull().references('boms.id'))
        .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
        .addColumn('completed_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('scrapped_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('release_date', 'text', (c) => c.notNull())
        .addColumn('due_date', 'text', (c) => c.notNull())
        .addColumn('customer_order_id', 'bigint', (c) => c.references('customer_orders.id'))
        .addColumn('note', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('released_at', 'bigint')
        .addColumn('completed_at', 'bigint')
        .addColumn('cancelled_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('production_orders_status')
        .on('production_orders')
        .columns(['status', 'id'])
        .execute();
      // An explosion reads an item's open production orders at a location to net against them.
      await db.schema
        .createIndex('production_orders_item')
        .on('production_orders')
        .columns(['item_id', 'location_id', 'status'])
        .execute();

      await addIdColumn(db.schema.createTable('production_order_components'), dialect)
        .addColumn('production_order_id', 'bigint', (c) => c.notNull().references('production_orders.id'))
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('quantity_per_milli', 'bigint', (c) => c.notNull())
        .addColumn('scrap_bp', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('required_milli', 'bigint', (c) => c.notNull())
        .addColumn('allocated_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('backordered_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('issued_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('production_order_components_order')
        .on('production_order_components')
        .column('production_order_id')
        .execute();

      await addIdColumn(db.schema.createTable('pegs'), dialect)
        .addColumn('customer_order_id', 'bigint', (c) => c.references('customer_orders.id'))
        .addColumn('customer_order_line_id', 'bigint', (c) => c.references('customer_order_lines.id'))
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        /** 'customer_order_line' | 'production_component'. */
        .addColumn('demand_kind', 'text', (c) => c.notNull())
        .addColumn('demand_id', 'bigint', (c) => c.notNull())
        /** 'stock' | 'purchase_order_line' | 'production_order'. */
        .addColumn('supply_kind', 'text', (c) => c.notNull())
        .addColumn('supply_id', 'bigint')
        .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
        .addColumn('need_date', 'text', (c) => c.notNull())
        .addColumn('supply_date', 'text', (c) => c.notNull())
        /** 'allocated' (on hand, reserved) | 'waiting' (backordered until its supply arrives) | 'consumed' | 'cancelled'. */
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pegs_customer_order').on('pegs').columns(['customer_order_id', 'status']).execute();
      await db.schema.createIndex('pegs_supply').on('pegs').columns(['supply_kind', 'supply_id', 'status']).execute();
      await db.schema.createIndex('pegs_demand').on('pegs').columns(['demand_kind', 'demand_id']).execute();
      await db.schema.createIndex('pegs_item').on('pegs').columns(['item_id', 'location_id', 'status']).execute();

      await addIdColumn(db.schema.createTable('order_supplies'), dialect)
        .addColumn('customer_order_id', 'bigint', (c) => c.notNull().references('customer_orders.id'))
        /** 'purchase_order_line' | 'production_order'. */
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('supply_id', 'bigint', (c) => c.notNull())
        /** The supply's item and location, and a purchase line's order: kept when the line is removed. */
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('purchase_order_id', 'bigint')
        .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('cancelled_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('order_supplies_order')
        .on('order_supplies')
        .columns(['customer_order_id', 'kind'])
        .execute();
    },
  };
}

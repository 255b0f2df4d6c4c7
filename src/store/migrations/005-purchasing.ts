import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { addIdColumn } from './columns.js';

/**
 * Purchasing, kanban, events and review lists: what the trigger writes in the movement's transaction.
 *
 * Double ordering is made impossible by the database, not only by the code: at most one purchase order
 * per supplier collects triggered lines (`purchase_orders_collecting`), an order holds at most one line
 * per item × location (`purchase_order_lines_item`), and a kanban card is on at most one open line.
 */
export function purchasingMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('suppliers')
        .addColumn('auto_send', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Comma-separated ISO weekdays 1 (Mon) … 7 (Sun); null = any day.
      await db.schema.alterTable('suppliers').addColumn('order_days', 'text').execute();
      await db.schema
        .alterTable('suppliers')
        .addColumn('consolidation_minutes', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema.alterTable('policies').addColumn('review_anchor_date', 'text').execute();
      await db.schema.alterTable('policies').addColumn('next_review_at', 'bigint').execute();
      await db.schema.createIndex('policies_next_review').on('policies').column('next_review_at').execute();

      await addIdColumn(db.schema.createTable('purchase_orders'), dialect)
        .addColumn('supplier_id', 'bigint', (c) => c.notNull().references('suppliers.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('collecting', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addColumn('confirmed_at', 'bigint')
        .addColumn('promised_date', 'text')
        .addColumn('received_at', 'bigint')
        .addColumn('closed_at', 'bigint')
        .addColumn('cancelled_at', 'bigint')
        .addColumn('cancel_reason', 'text')
        .addColumn('emailed_at', 'bigint')
        .execute();
      await sql`CREATE UNIQUE INDEX purchase_orders_collecting ON purchase_orders (supplier_id) WHERE collecting = 1`.execute(
        db,
      );
      await db.schema.createIndex('purchase_orders_status').on('purchase_orders').columns(['status', 'id']).execute();

      await addIdColumn(db.schema.createTable('purchase_order_lines'), dialect)
        .addColumn('purchase_order_id', 'bigint', (c) => c.notNull().references('purchase_orders.id'))
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('supplier_item_id', 'bigint', (c) => c.references('supplier_items.id'))
        .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
        .addColumn('received_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('rejected_milli', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('unit_price_minor', 'bigint')
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('price_rule', 'text')
        .addColumn('price_note', 'text')
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('trigger_note', 'text')
        .addColumn('lead_time_days', 'integer')
        .addColumn('expected_date', 'text')
        .addColumn('first_received_at', 'bigint')
        .addColumn('received_at', 'bigint')
        .addColumn('actual_lead_time_days', 'real')
        .addColumn('on_time', 'integer')
        .addColumn('in_full', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('purchase_order_lines_item', ['purchase_order_id', 'item_id', 'location_id'])
        .execute();
      await db.schema
        .createIndex('purchase_order_lines_item_location')
        .on('purchase_order_lines')
        .columns(['item_id', 'location_id'])
        .execute();

      await addIdColumn(db.schema.createTable('purchase_order_receipts'), dialect)
        .addColumn('purchase_order_line_id', 'bigint', (c) => c.notNull().references('purchase_order_lines.id'))
        .addColumn('received_milli', 'bigint', (c) => c.notNull())
        .addColumn('rejected_milli', 'bigint', (c) => c.notNull())
        .addColumn('reject_reason', 'text')
        .addColumn('movement_id', 'bigint')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('purchase_order_receipts_line')
        .on('purchase_order_receipts')
        .column('purchase_order_line_id')
        .execute();

      // Contract prices (valid_from/valid_to dates) and prices paid on purchase order lines.
      await addIdColumn(db.schema.createTable('supplier_item_prices'), dialect)
        .addColumn('supplier_item_id', 'bigint', (c) => c.notNull().references('supplier_items.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('unit_price_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('valid_from', 'text')
        .addColumn('valid_to', 'text')
        .addColumn('purchase_order_line_id', 'bigint')
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('supplier_item_prices_item')
        .on('supplier_item_prices')
        .columns(['supplier_item_id', 'recorded_at'])
        .execute();

      // Items someone should look at: no usable supplier, a price rise, a manual policy below its reorder point.
      await addIdColumn(db.schema.createTable('review_items'), dialect)
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.references('locations.id'))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'bigint')
        .addColumn('resolved_by', 'text')
        .execute();
      // One open entry per item, location and reason: repeated dips refresh it instead of piling up.
      await sql`CREATE UNIQUE INDEX review_items_open ON review_items (item_id, COALESCE(location_id, 0), reason) WHERE resolved_at IS NULL`.execute(
        db,
      );

      await addIdColumn(db.schema.createTable('kanban_loops'), dialect)
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('supplier_id', 'bigint', (c) => c.references('suppliers.id'))
        .addColumn('cards', 'integer', (c) => c.notNull())
        .addColumn('container_quantity_milli', 'bigint', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('kanban_loops_item_location', ['item_id', 'location_id'])
        .execute();
      await db.schema
        .createTable('kanban_cards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('loop_id', 'bigint', (c) => c.notNull().references('kanban_loops.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('purchase_order_line_id', 'bigint', (c) => c.references('purchase_order_lines.id'))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('signalled_at', 'bigint')
        .addColumn('signalled_by', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('kanban_cards_loop_number', ['loop_id', 'number'])
        .execute();
      await db.schema.createIndex('kanban_cards_line').on('kanban_cards').column('purchase_order_line_id').execute();

      // Domain events, written in the transaction that caused them; delivery reads them by id.
      await addIdColumn(db.schema.createTable('outbox_events'), dialect)
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}

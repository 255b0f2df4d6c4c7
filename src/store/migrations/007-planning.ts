import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { addIdColumn } from './columns.js';

/**
 * Planning: the demand history cache, recommendations with the inputs that explain them, the log of what the planner changed,
 * lead-time baselines for shift detection, settings, and cycle-count tasks.
 *
 * `demand_history` holds one row per item × location: the daily demand of the history window as a packed
 * little-endian Float64 array and the stock-out days as one byte per day. Re-planning 100,000 items reads 100,000 rows
 * instead of millions of movements; the rows are rebuilt from the ledger for the pairs that had movements since
 * `through_movement_id`, so the cache is never the record, only a copy of it.
 * `policies.planning` says whether the planner may change a policy: 'auto' (plan --apply, accepting and lead-time
 * shifts update it), 'pinned' (kept as it is) or 'override' (the planner's own values, kept).
 */
export function planningMigration(dialect: Dialect): Migration {
  const blob = dialect === 'postgres' ? sql`bytea` : sql`blob`;
  // PostgreSQL's `real` is 4 bytes (7 digits); statistics keep a double's precision on both databases.
  const float = dialect === 'postgres' ? sql`double precision` : sql`real`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('policies')
        .addColumn('planning', 'text', (c) => c.notNull().defaultTo('auto'))
        .execute();

      await db.schema
        .createTable('demand_history')
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('days', 'integer', (c) => c.notNull())
        .addColumn('demand', blob, (c) => c.notNull())
        .addColumn('stock_out', blob, (c) => c.notNull())
        .addColumn('through_movement_id', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('demand_history_pk', ['item_id', 'location_id'])
        .execute();

      await db.schema
        .createTable('planning_state')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('planning_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('plan_recommendations')
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('computed_at', 'bigint', (c) => c.notNull())
        .addColumn('data_through', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reorder_point_milli', 'bigint')
        .addColumn('target_milli', 'bigint')
        .addColumn('cards', 'integer')
        .addColumn('container_quantity_milli', 'bigint')
        .addColumn('review_days', 'integer')
        .addColumn('safety_stock_milli', 'bigint')
        .addColumn('order_quantity_milli', 'bigint')
        .addColumn('forecast_method', 'text')
        .addColumn('demand_class', 'text')
        .addColumn('mean_per_day', float)
        .addColumn('sd_per_day', float)
        .addColumn('lead_time_days', float)
        .addColumn('lead_time_sd_days', float)
        .addColumn('lead_time_source', 'text')
        .addColumn('service_level', float)
        .addColumn('service_type', 'text')
        .addColumn('abc', 'text')
        .addColumn('xyz', 'text')
        .addColumn('strategy', 'text', (c) => c.notNull())
        .addColumn('buffer_days', float)
        .addColumn('annual_value_minor', 'bigint')
        .addColumn('risk_flags', 'text', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('recommend_input', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_recommendations_pk', ['item_id', 'location_id'])
        .execute();
      await db.schema
        .createIndex('plan_recommendations_strategy')
        .on('plan_recommendations')
        .column('strategy')
        .execute();

      await addIdColumn(db.schema.createTable('plan_changes'), dialect)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('cause', 'text', (c) => c.notNull())
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('note', 'text')
        .execute();
      await db.schema
        .createIndex('plan_changes_pair')
        .on('plan_changes')
        .columns(['item_id', 'location_id', 'at'])
        .execute();

      await db.schema
        .createTable('lead_time_baselines')
        .addColumn('supplier_item_id', 'bigint', (c) => c.primaryKey().references('supplier_items.id'))
        .addColumn('mean_days', float, (c) => c.notNull())
        .addColumn('sd_days', float, (c) => c.notNull())
        .addColumn('receipts', 'integer', (c) => c.notNull())
        .addColumn('shifted_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await addIdColumn(db.schema.createTable('count_tasks'), dialect)
        .addColumn('item_id', 'bigint', (c) => c.notNull().references('items.id'))
        .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
        .addColumn('abc', 'text', (c) => c.notNull())
        .addColumn('due_date', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('expected_milli', 'bigint')
        .addColumn('counted_milli', 'bigint')
        .addColumn('movement_id', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('counted_at', 'bigint')
        .addColumn('counted_by', 'text')
        .execute();
      await sql`CREATE UNIQUE INDEX count_tasks_open ON count_tasks (item_id, location_id) WHERE status = 'open'`.execute(
        db,
      );
      await db.schema.createIndex('count_tasks_due').on('count_tasks').columns(['status', 'due_date']).execute();
    },
  };
}

import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { addIdColumn } from './columns.js';

/**
 * Webhooks and the relay that reads the outbox.
 *
 * A delivery is one event for one subscription; UNIQUE(subscription_id, event_id) makes the fan-out
 * idempotent, so several processes (or a re-scan of ids that committed late) never create two.
 * `event_relay_state` holds the relay's position in the outbox: the highest id seen and the ids below it
 * that were not yet visible (transactions still open on PostgreSQL), which are re-checked until they
 * appear or are known to have rolled back.
 */
export function webhooksMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await addIdColumn(db.schema.createTable('webhook_subscriptions'), dialect)
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('event_types', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('description', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await addIdColumn(db.schema.createTable('webhook_deliveries'), dialect)
        .addColumn('subscription_id', 'bigint', (c) => c.notNull().references('webhook_subscriptions.id'))
        .addColumn('event_id', 'bigint', (c) => c.notNull().references('outbox_events.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('delivered_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('webhook_deliveries_event', ['subscription_id', 'event_id'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();

      await db.schema
        .createTable('event_relay_state')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('scanned_to', 'bigint', (c) => c.notNull())
        .addColumn('gaps', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await sql`INSERT INTO event_relay_state (name, scanned_to, gaps, updated_at) VALUES ('outbox', 0, '[]', 0)`.execute(
        db,
      );
    },
  };
}

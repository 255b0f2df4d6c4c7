import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { foundationMigration } from './001-foundation.js';
import { itemsLocationsMigration } from './002-items-locations.js';
import { suppliersMigration } from './003-suppliers.js';
import { policiesMigration } from './004-policies.js';
import { purchasingMigration } from './005-purchasing.js';
import { webhooksMigration } from './006-webhooks.js';
import { planningMigration } from './007-planning.js';
import { leadTimeIndexMigration } from './008-lead-time-index.js';
import { simulationsMigration } from './009-simulations.js';
import { productionMigration } from './010-production.js';
import { authMigration } from './011-auth.js';

/** All migrations in order. Names sort; never rename or edit one that has shipped. */
export function listMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001_foundation': foundationMigration(dialect),
    '002_items_locations': itemsLocationsMigration(dialect),
    '003_suppliers': suppliersMigration(dialect),
    '004_policies': policiesMigration(dialect),
    '005_purchasing': purchasingMigration(dialect),
    '006_webhooks': webhooksMigration(dialect),
    '007_planning': planningMigration(dialect),
    '008_lead_time_index': leadTimeIndexMigration(),
    '009_simulations': simulationsMigration(dialect),
    '010_production': productionMigration(dialect),
    '011_auth': authMigration(dialect),
  };
}

/**
 * Brings the schema up to date in one transaction and returns the names of the migrations it applied.
 * Several processes may start at once: SQLite's `BEGIN IMMEDIATE` and PostgreSQL's advisory lock (per
 * schema) let one migrate while the others wait and then find nothing to do. Unlike Kysely's migrator,
 * this never inspects other schemas, so parallel test schemas cannot disturb it.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const migrations = Object.entries(listMigrations(dialect)).sort(([a], [b]) => (a < b ? -1 : 1));
  const apply = async (tx: Kysely<unknown>) => {
    if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(current_schema()))`.execute(tx);
    await sql`CREATE TABLE IF NOT EXISTS leanstock_schema_migrations (name text PRIMARY KEY, applied_at bigint NOT NULL)`.execute(
      tx,
    );
    const { rows } = await sql<{ name: string }>`SELECT name FROM leanstock_schema_migrations`.execute(tx);
    const applied = new Set(rows.map((row) => row.name));
    const done: string[] = [];
    for (const [name, migration] of migrations) {
      if (applied.has(name)) continue;
      await migration.up(tx);
      await sql`INSERT INTO leanstock_schema_migrations (name, applied_at) VALUES (${name}, ${Date.now()})`.execute(tx);
      done.push(name);
    }
    return done;
  };
  if (dialect === 'postgres') return db.transaction().execute(apply);
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const done = await apply(connection);
      await sql`commit`.execute(connection);
      return done;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}

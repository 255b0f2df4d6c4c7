import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import { foundationMigration } from './001-foundation.js';
import { itemsLocationsMigration } from './002-items-locations.js';
import { suppliersMigration } from './003-suppliers.js';

/** All migrations in order. Names sort; never rename or edit one that has shipped. */
export function listMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001_foundation': foundationMigration(dialect),
    '002_items_locations': itemsLocationsMigration(dialect),
    '003_suppliers': suppliersMigration(dialect),
  };
}

const RACED_INTROSPECTION = new Set(['3F000', '42P01']);

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: name the current
  // schema, or a database with another migrated schema (tests, several tenants) is taken as migrated.
  const schema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => listMigrations(dialect) },
    migrationTableName: 'leanstock_migrations',
    migrationLockTableName: 'leanstock_migrations_lock',
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    // Kysely's table check reads every schema; a schema or table another process drops meanwhile
    // (3F000, 42P01: parallel test runs) fails it, though it is not ours. Looking again is enough.
    if (error && RACED_INTROSPECTION.has((error as { code?: string }).code ?? '') && attempt < 8) continue;
    if (error) throw error;
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }
}

import { type Kysely, type Migration, Migrator } from 'kysely';
import type { Dialect } from '../dialect.js';
import { foundationMigration } from './001-foundation.js';

/** All migrations in order. Names sort; never rename or edit one that has shipped. */
export function listMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001_foundation': foundationMigration(dialect),
  };
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => listMigrations(dialect) },
    migrationTableName: 'leanstock_migrations',
    migrationLockTableName: 'leanstock_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

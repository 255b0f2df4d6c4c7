import { sql } from 'kysely';
import type { Tx } from './database.js';
import type { Dialect } from './dialect.js';

// Kept: the migration bookkeeping, and the accounts, so that replacing the data does not lock anyone out.
const MIGRATION_TABLES = new Set([
  'leanstock_schema_migrations',
  'users',
  'sessions',
  'api_tokens',
  'recovery_codes',
  'invitations',
]);

/**
 * Deletes every row of every table except the migration bookkeeping and the accounts, inside the caller's write
 * transaction: the schema stays, the data goes. Tables added by later migrations are included
 * without being named here. Used by `demo --force`; irreversible.
 */
export async function clearAllData(tx: Tx, dialect: Dialect): Promise<string[]> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ name: string }>`SELECT name FROM sqlite_master
      WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`.execute(tx);
    const tables = rows.map((row) => row.name).filter((name) => !MIGRATION_TABLES.has(name));
    // Checked at commit, when every table is empty: the order of the deletes does not matter.
    await sql`PRAGMA defer_foreign_keys = ON`.execute(tx);
    for (const table of tables) await sql`DELETE FROM ${sql.table(table)}`.execute(tx);
    return tables;
  }
  const { rows } = await sql<{ tablename: string }>`SELECT tablename FROM pg_tables
    WHERE schemaname = current_schema() ORDER BY tablename`.execute(tx);
  const tables = rows.map((row) => row.tablename).filter((name) => !MIGRATION_TABLES.has(name));
  if (tables.length > 0) {
    await sql`TRUNCATE ${sql.join(tables.map((table) => sql.table(table)))} RESTART IDENTITY CASCADE`.execute(tx);
  }
  return tables;
}

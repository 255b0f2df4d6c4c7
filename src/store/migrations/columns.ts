import type { CreateTableBuilder } from 'kysely';
import type { Dialect } from '../dialect.js';

/** An auto-numbered primary key: SQLite's rowid alias, or a PostgreSQL identity column. */
export function addIdColumn<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect) {
  return dialect === 'sqlite'
    ? table.addColumn('id', 'integer', (c) => c.primaryKey())
    : table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

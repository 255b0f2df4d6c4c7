import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../../src/store/database.js';

/** What a reliability test compares before and after a request: the schema, every row, and rows per table. */
export type DatabaseFingerprint = {
  /** Tables and their columns: a dropped or altered table changes it. */
  schema(): Promise<string>;
  /** Every row of every table, hashed: any write at all changes it. */
  data(): Promise<string>;
  rowCounts(): Promise<Record<string, number>>;
};

/**
 * Fingerprints of a SQLite or PostgreSQL database (the test's schema). The data hash is recomputed only when a write
 * may have happened: on SQLite when the connection's total_changes() moved (it counts rolled-back writes too, so it
 * never hides one), on PostgreSQL when the next transaction id moved.
 */
export function fingerprintOf(database: Database): DatabaseFingerprint {
  return database.sqlite ? sqliteFingerprint(database.sqlite) : postgresFingerprint(database);
}

function sqliteFingerprint(sqlite: NonNullable<Database['sqlite']>): DatabaseFingerprint {
  const tables = () =>
    (
      sqlite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .all() as Array<{ name: string }>
    ).map((t) => t.name);
  let hashed = { changes: -1, hash: '' };
  return {
    schema: async () =>
      JSON.stringify(sqlite.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name').raw().all()),
    data: async () => {
      const changes = (sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
      if (changes === hashed.changes) return hashed.hash;
      const hash = createHash('sha256');
      for (const name of tables()) {
        hash.update(name);
        hash.update(JSON.stringify(sqlite.prepare(`SELECT * FROM "${name}"`).raw().all()));
      }
      hashed = { changes, hash: hash.digest('hex') };
      return hashed.hash;
    },
    rowCounts: async () =>
      Object.fromEntries(
        tables().map((name) => [
          name,
          (sqlite.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n,
        ]),
      ),
  };
}

function postgresFingerprint(database: Database): DatabaseFingerprint {
  const tables = async () =>
    (
      await sql<{ name: string }>`
        SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(database.db)
    ).rows.map((t) => t.name);
  /**
   * The next transaction id the server will assign: every transaction that writes takes one, whether it commits or
   * rolls back, so an unchanged value means nothing was written (other databases' writes only cost a rehash).
   */
  const nextTransactionId = async () =>
    String(
      (
        await sql<{ next: string }>`SELECT txid_snapshot_xmax(txid_current_snapshot())::text AS next`.execute(
          database.db,
        )
      ).rows[0]?.next,
    );
  let hashed = { next: '', hash: '' };
  /** One statement of one sub-select per table, so a fingerprint is one round trip. */
  const perTable = async (expression: (table: string) => string) => {
    const names = await tables();
    const columns = names.map((name) => `(${expression(name)}) AS "${name}"`).join(', ');
    const row = (await sql.raw<Record<string, unknown>>(`SELECT ${columns}`).execute(database.db)).rows[0] ?? {};
    return Object.fromEntries(names.map((name) => [name, row[name]]));
  };
  return {
    schema: async () =>
      JSON.stringify(
        (
          await sql`
            SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
            WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`.execute(database.db)
        ).rows,
      ),
    data: async () => {
      const next = await nextTransactionId();
      if (next === hashed.next) return hashed.hash;
      const hash = createHash('sha256')
        .update(
          JSON.stringify(
            await perTable(
              (name) => `SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM "${name}" r`,
            ),
          ),
        )
        .digest('hex');
      hashed = { next, hash };
      return hash;
    },
    rowCounts: async () =>
      Object.fromEntries(
        Object.entries(await perTable((name) => `SELECT count(*) FROM "${name}"`)).map(([name, n]) => [
          name,
          Number(n),
        ]),
      ),
  };
}

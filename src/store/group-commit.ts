import type BetterSqlite3 from 'better-sqlite3';
import { type Database, type Tx, writeTransaction } from './database.js';

/** At most this many use cases share one transaction. */
export const MAX_GROUP_SIZE = 64;

// Taken at load time: a test's fake timers must not be able to stall the writes.
const defer = globalThis.setImmediate;

type Pending = {
  work: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};
type Group = { queue: Pending[]; scheduled: boolean; statements: Statements };
type Statements = Record<
  'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo',
  BetterSqlite3.Statement
>;

const groups = new WeakMap<Database, Group>();

/**
 * Runs `work` like `writeTransaction`, but on SQLite lets the write use cases that arrive in the same
 * turn of the event loop (concurrent HTTP requests) share one `BEGIN IMMEDIATE` transaction: each
 * runs inside its own SAVEPOINT, so one that throws is rolled back alone and the others commit
 * together. One commit (one WAL append) then serves many requests. Each use case still sees the
 * effects of those before it, exactly as if they had run one after another; nothing is answered
 * before the shared COMMIT succeeds, and if it fails, every use case in the group fails.
 * On PostgreSQL this is `writeTransaction`.
 */
export function groupedWriteTransaction<T>(database: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  const sqlite = database.sqlite;
  if (!sqlite) return writeTransaction(database, work);
  let group = groups.get(database);
  if (!group) {
    group = { queue: [], scheduled: false, statements: prepareStatements(sqlite) };
    groups.set(database, group);
  }
  const target = group;
  return new Promise<T>((resolve, reject) => {
    target.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    schedule(database, target);
  });
}

function prepareStatements(sqlite: BetterSqlite3.Database): Statements {
  return {
    begin: sqlite.prepare('BEGIN IMMEDIATE'),
    commit: sqlite.prepare('COMMIT'),
    rollback: sqlite.prepare('ROLLBACK'),
    savepoint: sqlite.prepare('SAVEPOINT leanstock_use_case'),
    release: sqlite.prepare('RELEASE leanstock_use_case'),
    rollbackTo: sqlite.prepare('ROLLBACK TO leanstock_use_case'),
  };
}

function schedule(database: Database, group: Group): void {
  if (group.scheduled) return;
  group.scheduled = true;
  // After the I/O phase: every request parsed in this turn is queued by then.
  defer(() => {
    flush(database, group).finally(() => {
      group.scheduled = false;
      if (group.queue.length > 0) schedule(database, group);
    });
  });
}

async function flush(database: Database, group: Group): Promise<void> {
  const sqlite = database.sqlite!;
  const { begin, commit, rollback, savepoint, release, rollbackTo } = group.statements;
  const members = group.queue.splice(0, MAX_GROUP_SIZE);
  const settled: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
  let aborted = false;
  try {
    // The connection lock keeps Kysely's own transactions on this handle out while the group runs.
    await database.db.connection().execute(async (connection) => {
      begin.run();
      try {
        for (const member of members) {
          savepoint.run();
          try {
            const value = await member.work(connection);
            release.run();
            settled.push({ ok: true, value });
          } catch (error) {
            settled.push({ ok: false, error });
            // A failure SQLite itself rolled back (disk full, I/O error) took the whole transaction with it.
            if (!sqlite.inTransaction) {
              aborted = true;
              throw error;
            }
            rollbackTo.run();
            release.run();
          }
        }
        commit.run();
      } catch (error) {
        if (sqlite.inTransaction) rollback.run();
        throw error;
      }
    });
  } catch (error) {
    // Nothing committed. Those that had succeeded fail with the cause, those that failed keep their own
    // error; after a member's abort the ones that never ran go to the next group, after BEGIN or COMMIT fails, all fail.
    members.forEach((member, i) => {
      const outcome = settled[i];
      if (outcome) member.reject(outcome.ok ? error : outcome.error);
      else if (!aborted) member.reject(error);
    });
    if (aborted) group.queue.unshift(...members.slice(settled.length));
    return;
  }
  members.forEach((member, i) => {
    const outcome = settled[i]!;
    if (outcome.ok) member.resolve(outcome.value);
    else member.reject(outcome.error);
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/dialects.js';
import { seedCatalogue } from '../../test/support/fixtures.js';
import { isDomainError } from '../domain/errors.js';
import { postMovements } from '../services/ledger.service.js';
import { type Database, openDatabase } from './database.js';
import { groupedWriteTransaction } from './group-commit.js';

const ctx = { actor: 'group', now: Date.UTC(2026, 6, 1) };

/** Counts COMMITs run through prepared statements (the group's own), before anything prepares them. */
function countCommits(database: Database): { commits: number } {
  const counter = { commits: 0 };
  const sqlite = database.sqlite!;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    if (source !== 'COMMIT') return statement;
    const run = statement.run.bind(statement);
    statement.run = ((...args: unknown[]) => {
      counter.commits++;
      return run(...(args as []));
    }) as typeof statement.run;
    return statement;
  }) as typeof sqlite.prepare;
  return counter;
}

describe('group commit on SQLite', () => {
  let scratch: ScratchDatabase;
  let database: Database;
  beforeEach(async () => {
    scratch = await createScratchDatabase('sqlite');
    database = await openDatabase(scratch.config);
    await seedCatalogue(database, { items: ['A', 'B'], locations: ['L'] });
  });
  afterEach(async () => {
    await database.close();
    await scratch.drop();
  });

  it('concurrent posts share commits and end exactly as if run one after another, refusals included', async () => {
    const counter = countCommits(database);
    // Receipts of 3 and issues of 5, interleaved: some issues find enough stock, some do not.
    const calls = Array.from({ length: 40 }, (_, i) => ({
      type: i % 3 === 2 ? 'issue' : 'receipt',
      sku: i % 2 === 0 ? 'A' : 'B',
      location: 'L',
      quantity: i % 3 === 2 ? 5 : 3,
    }));
    const results = await Promise.all(
      calls.map((call) =>
        postMovements(database, [call], ctx).then(
          ([outcome]) => outcome!.balances[0]!.on_hand,
          (error: unknown) => (isDomainError(error) ? error.code : Promise.reject(error)),
        ),
      ),
    );
    expect(counter.commits).toBeLessThan(calls.length / 4);

    // The same calls, one at a time, in the same order, on the model: on hand per item.
    const onHand = new Map<string, number>();
    const expected = calls.map((call) => {
      const after = (onHand.get(call.sku) ?? 0) + (call.type === 'receipt' ? call.quantity : -call.quantity);
      if (after < 0) return 'LS_NEGATIVE_STOCK';
      onHand.set(call.sku, after);
      return after;
    });
    expect(results).toEqual(expected);
    expect(expected).toContain('LS_NEGATIVE_STOCK');
    const stored = await database.db
      .selectFrom('movements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .execute();
    expect(Number(stored[0]!.n)).toBe(expected.filter((r) => typeof r === 'number').length);
  });

  it('when SQLite aborts the transaction, members that had succeeded fail too and members not yet run go on', async () => {
    const sqlite = database.sqlite!;
    const audit = (key: string) => async (tx: Database['db']) => {
      await tx
        .insertInto('audit_log')
        .values({ at: 1, actor: 't', entity: 'test', entity_key: key, action: 'create', before: null, after: null })
        .execute();
      return key;
    };
    const results = await Promise.allSettled([
      groupedWriteTransaction(database, audit('first')),
      groupedWriteTransaction(database, async () => {
        sqlite.prepare('ROLLBACK').run();
        throw new Error('disk gone');
      }),
      groupedWriteTransaction(database, audit('third')),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'disk gone',
      'disk gone',
      'third',
    ]);
    const rows = await database.db.selectFrom('audit_log').select('entity_key').execute();
    expect(rows.map((r) => r.entity_key)).toEqual(['third']);
    expect(sqlite.inTransaction).toBe(false);
  });
});

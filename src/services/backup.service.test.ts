import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../test/support/fixtures.js';
import { type Database, openDatabase } from '../store/database.js';
import { listMigrations } from '../store/migrations/index.js';
import { backupDatabase, restoreDatabase } from './backup.service.js';
import type { ServiceContext } from './context.js';
import { postMovements } from './ledger.service.js';

/** The newest migration: a backup of today's database carries it. */
const LATEST_SCHEMA = Object.keys(listMigrations('sqlite')).sort().at(-1);

const t0 = Date.UTC(2026, 2, 1, 9);
const ctx: ServiceContext = { actor: 'tester', now: t0 };
const SKUS = ['BOLT-M8', 'NUT-M8', 'WASHER-8'];
const SITES = ['WH1', 'WH2'];

type MovementRow = Record<string, unknown> & { id: number };

describe('backup and restore of a SQLite database', () => {
  let dir: string;
  let database: Database;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-backup-'));
    database = await openDatabase({ dialect: 'sqlite', path: join(dir, 'live.db') });
    await seedCatalogue(database, { items: SKUS, locations: SITES });
    // Enough history for the backup to take many steps, so the writes below land between them.
    const receipts = Array.from({ length: 6000 }, (_, i) => ({
      type: 'receipt',
      sku: SKUS[i % SKUS.length],
      location: SITES[i % SITES.length],
      quantity: 5,
      reference: `initial stock ${i} ${'x'.repeat(200)}`,
    }));
    await postMovements(database, receipts, ctx);
  });
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Posts one small receipt or issue after another until `stop()`, yielding to the event loop between them. */
  function keepWriting(writer: Database) {
    let running = true;
    let posted = 0;
    const done = (async () => {
      for (let i = 0; running; i++) {
        const type = i % 3 === 2 ? 'issue' : 'receipt';
        await postMovements(
          writer,
          [{ type, sku: SKUS[i % SKUS.length], location: SITES[i % SITES.length], quantity: 0.25 }],
          ctx,
        );
        posted++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    return {
      posted: () => posted,
      stop: async () => {
        running = false;
        await done;
      },
    };
  }

  async function movementsOf(db: Database): Promise<MovementRow[]> {
    return (await db.db.selectFrom('movements').selectAll().orderBy('id').execute()) as MovementRow[];
  }

  /** The ledger invariant: every balance's on hand is the sum of the movements of its item and location. */
  async function balancesAgreeWithMovements(db: Database): Promise<void> {
    const { rows } = await sql<{ on_hand_milli: number; summed: number | null }>`
      SELECT b.on_hand_milli, (SELECT SUM(m.quantity_milli) FROM movements m
        WHERE m.item_id = b.item_id AND m.location_id = b.location_id) AS summed
      FROM balances b`.execute(db.db);
    expect(rows.length).toBe(SKUS.length * SITES.length);
    for (const row of rows) expect(row.on_hand_milli).toBe(row.summed);
  }

  async function checkRoundTrip(backupFile: string, backupReport: { last_movement_id: number | null }) {
    const restoredPath = join(dir, 'restored.db');
    const restore = await restoreDatabase(backupFile, { dialect: 'sqlite', path: restoredPath });
    expect(restore).toMatchObject({ integrity: 'ok', migrations_applied: [] });
    const restored = await openDatabase({ dialect: 'sqlite', path: restoredPath });
    try {
      await balancesAgreeWithMovements(restored);
      const copied = await movementsOf(restored);
      const live = await movementsOf(database);
      const last = copied.at(-1)!.id;
      expect(last).toBe(backupReport.last_movement_id);
      expect(restore.last_movement_id).toBe(last);
      expect(last).toBeLessThanOrEqual(live.at(-1)!.id);
      expect(copied).toEqual(live.filter((row) => row.id <= last));
    } finally {
      await restored.close();
    }
  }

  it('a backup taken while the same process keeps posting movements restores to a consistent ledger', async () => {
    const writes = keepWriting(database);
    const progress: number[] = [];
    const backupFile = join(dir, 'backup.db');
    let postedDuringBackup = 0;
    const report = await backupDatabase(database, backupFile, {
      onProgress: (done) => {
        progress.push(done);
        postedDuringBackup = writes.posted();
      },
    });
    await writes.stop();
    expect(postedDuringBackup).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(2);
    expect(report).toMatchObject({ file: backupFile, integrity: 'ok', balances: 6, schema: LATEST_SCHEMA });
    expect(report.movements).toBeGreaterThanOrEqual(6000);
    await checkRoundTrip(backupFile, report);
    // The backup is one self-contained file, and nothing temporary is left beside it.
    expect(readdirSync(dir).filter((name) => name.startsWith('backup') || name.endsWith('.tmp'))).toEqual([
      'backup.db',
    ]);
  });

  it('a backup finishes while another connection (a running server) keeps writing', async () => {
    const server = await openDatabase({ dialect: 'sqlite', path: join(dir, 'live.db') });
    try {
      const writes = keepWriting(server);
      const backupFile = join(dir, 'backup.db');
      let postedDuringBackup = 0;
      const report = await backupDatabase(database, backupFile, {
        onProgress: () => {
          postedDuringBackup = writes.posted();
        },
      });
      await writes.stop();
      expect(postedDuringBackup).toBeGreaterThan(0);
      await checkRoundTrip(backupFile, report);
    } finally {
      await server.close();
    }
  });

  it('refuses to overwrite an existing file without force, and replaces it with force', async () => {
    const target = join(dir, 'backup.db');
    writeFileSync(target, 'keep me');
    await expect(backupDatabase(database, target)).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: expect.stringContaining('--force'),
      details: [{ field: 'file' }],
    });
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    const report = await backupDatabase(database, target, { force: true });
    expect(report.movements).toBe(6000);
  });

  it('refuses to restore over an existing database without force, and replaces it with force', async () => {
    const backupFile = join(dir, 'backup.db');
    await backupDatabase(database, backupFile);
    const target = join(dir, 'other.db');
    const other = await openDatabase({ dialect: 'sqlite', path: target });
    await other.close();
    await expect(restoreDatabase(backupFile, { dialect: 'sqlite', path: target })).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: expect.stringMatching(/^database: .*already exists; stop the server that uses it and pass --force/),
    });
    const untouched = await openDatabase({ dialect: 'sqlite', path: target });
    expect(await untouched.db.selectFrom('movements').select('id').execute()).toEqual([]);
    await untouched.close();
    const restored = await restoreDatabase(backupFile, { dialect: 'sqlite', path: target }, { force: true });
    expect(restored).toMatchObject({ movements: 6000, balances: 6 });
  });

  it('refuses to restore a file that is not a Leanstock database, and writes nothing', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database at all, just some text that is long enough to have a header'.repeat(10));
    const target = join(dir, 'restored.db');
    await expect(restoreDatabase(text, { dialect: 'sqlite', path: target })).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: expect.stringMatching(/^file: .*notes\.txt is not a SQLite database/),
    });
    const foreign = join(dir, 'foreign.db');
    const other = await openDatabase({ dialect: 'sqlite', path: foreign }, { migrate: false });
    await sql`CREATE TABLE notes (body text)`.execute(other.db);
    await other.close();
    await expect(restoreDatabase(foreign, { dialect: 'sqlite', path: target })).rejects.toMatchObject({
      message: expect.stringContaining('is not a Leanstock database'),
      details: [{ field: 'file' }],
    });
    await expect(restoreDatabase(join(dir, 'missing.db'), { dialect: 'sqlite', path: target })).rejects.toMatchObject({
      message: expect.stringContaining('no backup file'),
    });
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp') || name.startsWith('restored'))).toEqual([]);
  });

  it('refuses a backup from a newer Leanstock whose schema this version does not know', async () => {
    const backupFile = join(dir, 'backup.db');
    await backupDatabase(database, backupFile);
    const newer = await openDatabase({ dialect: 'sqlite', path: backupFile }, { migrate: false });
    await sql`INSERT INTO leanstock_schema_migrations (name, applied_at) VALUES ('999_future', 0)`.execute(newer.db);
    await newer.close();
    await expect(
      restoreDatabase(backupFile, { dialect: 'sqlite', path: join(dir, 'restored.db') }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('newer Leanstock (schema 999_future)'),
      details: [{ field: 'file' }],
    });
    expect(existsSync(join(dir, 'restored.db'))).toBe(false);
  });

  it('restores an older backup and migrates it to the latest schema', async () => {
    const backupFile = join(dir, 'backup.db');
    await backupDatabase(database, backupFile);
    const older = await openDatabase({ dialect: 'sqlite', path: backupFile }, { migrate: false });
    // Migration 008 only adds an index, so taking it out makes an exact "before 008" database.
    await sql`DROP INDEX purchase_order_lines_supplier_item`.execute(older.db);
    await sql`DELETE FROM leanstock_schema_migrations WHERE name = '008_lead_time_index'`.execute(older.db);
    await older.close();
    const restored = await restoreDatabase(backupFile, { dialect: 'sqlite', path: join(dir, 'restored.db') });
    expect(restored.migrations_applied).toEqual(['008_lead_time_index']);
    expect(restored.schema).toBe(LATEST_SCHEMA);
  });

  it('refuses PostgreSQL with the pg_dump and pg_restore commands to use instead', async () => {
    const postgres = { ...database, dialect: 'postgres' as const, sqlite: undefined };
    const target = join(dir, 'backup.db');
    await expect(backupDatabase(postgres, target)).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: expect.stringContaining('pg_dump --format=custom --file=leanstock.dump "$DATABASE_URL"'),
      details: [{ field: 'database' }],
    });
    await expect(
      restoreDatabase(join(dir, 'live.db'), { dialect: 'postgres', url: 'postgres://127.0.0.1:1/none' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('pg_restore --clean --if-exists --dbname "$DATABASE_URL" leanstock.dump'),
      details: [{ field: 'database' }],
    });
    expect(existsSync(target)).toBe(false);
  });
});

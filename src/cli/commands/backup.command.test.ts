import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliRunner } from '../../../test/support/cli.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { postMovements } from '../../services/ledger.service.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const now = Date.UTC(2026, 5, 1, 12);

describe('leanstock backup and leanstock restore', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-backup-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedCatalogue(database, { items: ['BOLT-M8'], locations: ['WH1'] });
    await postMovements(
      database,
      [
        { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 10 },
        { type: 'issue', sku: 'BOLT-M8', location: 'WH1', quantity: 2.5 },
      ],
      { actor: 'tester', now },
    );
    await database.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('backs up the database and restores it into a new file that shows the same stock', async () => {
    const backupFile = join(dir, 'backup.db');
    const backedUp = await cliRunner({ db, now })('backup', backupFile);
    expect(backedUp).toMatchObject({ code: 0, stderr: '' });
    expect(backedUp.stdout).toMatch(
      /^Backed up SQLite .*cli\.db to .*backup\.db: \d+ KiB, \d+ tables, 2 movements, last id 2, 1 balances; integrity ok/,
    );

    const restoredDb = join(dir, 'restored.db');
    const restored = await cliRunner({ db: restoredDb, now })('restore', backupFile, '--json');
    expect(restored).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(restored.stdout)).toMatchObject({
      source: backupFile,
      file: restoredDb,
      integrity: 'ok',
      movements: 2,
      balances: 1,
      last_movement_id: 2,
      migrations_applied: [],
    });
    const stock = await cliRunner({ db: restoredDb, now })('stock', '--json');
    expect(stock.code).toBe(0);
    expect(JSON.parse(stock.stdout).data).toEqual([expect.objectContaining({ sku: 'BOLT-M8', on_hand: 7.5 })]);
  });

  it('refuses to replace an existing backup or database without --force', async () => {
    const backupFile = join(dir, 'backup.db');
    const cli = cliRunner({ db, now });
    expect((await cli('backup', backupFile)).code).toBe(0);
    const again = await cli('backup', backupFile);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('error LS_VALIDATION: file: ');
    expect(again.stderr).toContain('already exists; pass --force to replace it');
    expect(await cli('backup', backupFile, '--force', '--json')).toMatchObject({ code: 0, stderr: '' });

    const over = await cli('restore', backupFile);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('database: ');
    expect(over.stderr).toContain('stop the server that uses it and pass --force');
    expect(await cli('restore', backupFile, '--force')).toMatchObject({ code: 0, stderr: '' });
  });

  it('sends PostgreSQL users to pg_dump and pg_restore and writes nothing', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
      env: { USER: 'tester', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      isTty: false,
      now: () => now,
    };
    const backupFile = join(dir, 'pg.db');
    expect(await run(['backup', backupFile], deps)).toBe(2);
    expect(err.join('')).toContain(
      'error LS_VALIDATION: database: backup copies SQLite databases only; back up PostgreSQL with: pg_dump --format=custom --file=leanstock.dump "$DATABASE_URL"',
    );
    expect(await run(['restore', db], deps)).toBe(2);
    expect(err.join('')).toContain(
      'database: restore writes SQLite databases only; restore PostgreSQL with: pg_restore --clean --if-exists --dbname "$DATABASE_URL" leanstock.dump',
    );
    expect(out.join('')).toBe('');
    expect(existsSync(backupFile)).toBe(false);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliRunner, cliRunner } from '../../../test/support/cli.js';
import { openDatabase } from '../../store/database.js';

const now = Date.UTC(2026, 5, 1, 12);

describe('leanstock customer', () => {
  let dir: string;
  let db: string;
  let cli: CliRunner;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-customer-cli-'));
    db = join(dir, 'cli.db');
    cli = cliRunner({ db, now });
    await (await openDatabase({ dialect: 'sqlite', path: db })).close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says how to add a customer when there is none', async () => {
    const listed = await cli('customer', 'list');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toContain('No customers yet. Add one with: leanstock customer add CODE "NAME"');
  });

  it('adds, lists, shows and updates customers', async () => {
    const added = await cli('customer', 'add', 'CYCLO', 'Cyclo Shop', '--email', 'buy@cyclo.example');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('Added customer CYCLO.');
    expect(added.stdout).toMatch(/email\s+buy@cyclo.example/);
    await cli('customer', 'add', 'ACME', 'Acme Bikes');

    const listed = await cli('customer', 'list');
    expect(listed.stdout.split('\n').slice(0, 3)).toEqual([
      'code   name        email              active',
      'ACME   Acme Bikes                     yes',
      'CYCLO  Cyclo Shop  buy@cyclo.example  yes',
    ]);

    const updated = await cli('customer', 'update', 'CYCLO', '--email', '', '--active', 'no');
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/email\s+-/);
    expect((await cli('customer', 'list', '--active')).stdout).not.toContain('CYCLO');
    expect((await cli('customer', 'show', 'CYCLO')).stdout).toMatch(/active\s+no/);
  });

  it('prints JSON with --json', async () => {
    const added = await cli('customer', 'add', 'CYCLO', 'Cyclo Shop', '--json');
    expect(JSON.parse(added.stdout)).toMatchObject({ code: 'CYCLO', name: 'Cyclo Shop', email: null, active: true });
    const listed = JSON.parse((await cli('customer', 'list', '--json')).stdout);
    expect(listed).toMatchObject({ data: [{ code: 'CYCLO' }], next_cursor: null });
  });

  it('refuses a duplicate code with exit code 2 naming the field', async () => {
    await cli('customer', 'add', 'CYCLO', 'Cyclo Shop');
    const again = await cli('customer', 'add', 'CYCLO', 'Other');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('error LS_DUPLICATE: code: a customer "CYCLO" already exists');
    const unknown = await cli('customer', 'show', 'NOPE');
    expect(unknown.stderr).toContain('error LS_UNKNOWN_CUSTOMER: code: unknown customer "NOPE"');
  });

  it('has help for every verb', async () => {
    for (const verb of ['add', 'list', 'show', 'update']) {
      const help = await cli('customer', verb, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: leanstock customer ${verb}`);
      expect(help.stdout).toContain('--json');
    }
  });
});

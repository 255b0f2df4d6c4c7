import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { postMovements } from '../../services/ledger.service.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

/** 11 June 2026, 14:00 in Berlin. */
const now = Date.UTC(2026, 5, 11, 12);

describe('leanstock counts', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-counts-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedCatalogue(database, { items: ['BOLT', 'NUT'], locations: ['WS'] });
    await postMovements(
      database,
      [
        { type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 100 },
        { type: 'receipt', sku: 'NUT', location: 'WS', quantity: 20 },
      ],
      { actor: 'tester', now },
    );
    await database.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
      env: { USER: 'ana' },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      isTty: false,
      now: () => now,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('plans, lists, records and measures accuracy', async () => {
    expect(await cli('counts', 'plan')).toEqual({
      code: 0,
      stdout:
        'Opened 2 count tasks: A 0 (every 30 days), B 0 (every 91 days), C 2 (every 365 days); 0 already had an open task.\n',
      stderr: '',
    });
    const listed = await cli('counts', 'list', '--status', 'open', '--due-before', '2026-06-11');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(
      [
        'id  sku   location  class  due         status  expected  counted  difference',
        '1   BOLT  WS        C      2026-06-11  open',
        '',
      ].join('\n'),
    );
    const recorded = await cli('counts', 'record', '1', '96');
    expect(recorded).toEqual({
      code: 0,
      stdout: 'Count task 1, BOLT at WS: counted 96 pcs, the record said 100 (-4, within ±5 % for class C).\n',
      stderr: '',
    });
    const json = JSON.parse((await cli('counts', 'list', '--sku', 'BOLT', '--json')).stdout);
    expect(json.data.map((t: { status: string; counted_by: string | null }) => [t.status, t.counted_by])).toEqual([
      ['counted', 'cli:ana'],
      ['open', null],
    ]);
    const accuracy = await cli('counts', 'accuracy', '--from', '2026-06-01', '--to', '2026-06-11');
    expect(accuracy.code).toBe(0);
    expect(accuracy.stdout).toContain('Record accuracy 2026-06-01 to 2026-06-11: 100 % of 1 count within tolerance');
  });

  it('refuses a second recording and a bad quantity with the field named', async () => {
    await cli('counts', 'plan');
    await cli('counts', 'record', '2', '20');
    const again = await cli('counts', 'record', '2', '19');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error LS_INVALID_STATE: id: count task 2 is counted at /);
    const bad = await cli('counts', 'record', '1', 'seven');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error LS_VALIDATION: counted: must be a finite number/);
    const id = await cli('counts', 'record', 'x', '1');
    expect(id.stderr).toMatch(/^error LS_VALIDATION: id: /);
  });
});

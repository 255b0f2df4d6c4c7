import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { postMovements } from '../../services/ledger.service.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

/** Friday 10 April 2026, 12:00 in Berlin (the fixture's site WS is in Europe/Berlin). */
const now = Date.UTC(2026, 3, 10, 10);

describe('leanstock demand', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-demand-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedCatalogue(database, { items: ['BOLT-M8'], locations: ['WS'] });
    const at = (iso: string) => ({ sku: 'BOLT-M8', location: 'WS', occurred_at: iso });
    await postMovements(
      database,
      [
        { type: 'receipt', quantity: 20, ...at('2026-03-20T08:00:00Z') },
        { type: 'sale', quantity: 3, ...at('2026-03-30T10:00:00Z') }, // Monday
        { type: 'issue', quantity: 1.5, ...at('2026-04-05T21:30:00Z') }, // Sunday 23:30
        { type: 'sale', quantity: 15.5, ...at('2026-04-08T10:00:00Z') }, // takes on hand to 0
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
      env: { USER: 'tester' },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      isTty: false,
      now: () => now,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('prints a weekly summary with totals and stock-out days', async () => {
    const shown = await cli('demand', 'BOLT-M8', 'WS', '--days', '14');
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('BOLT-M8 at WS (Europe/Berlin): 14 days, 2026-03-27 to 2026-04-09');
    expect(lines[1]).toMatch(/^Demand 20 in total, 1\.429 a day; 2 stock-out days/);
    // 27–29 March (Fri–Sun), the week of 30 March, the week of 6 April up to Thursday 9 April.
    expect(lines.slice(3).map((line) => line.split(/\s{2,}/))).toEqual([
      ['Week of', 'Days', 'Demand', 'Per day', 'Days with demand', 'Stock-out days'],
      ['2026-03-23', '3', '0', '0.000', '0', '0'],
      ['2026-03-30', '7', '4.5', '0.643', '2', '0'],
      ['2026-04-06', '4', '15.5', '3.875', '1', '2'],
    ]);
  });

  it('prints every day with --json', async () => {
    const shown = await cli('demand', 'BOLT-M8', 'WS', '--days', '3', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({
      start_date: '2026-04-07',
      data_through: '2026-04-09',
      days: [
        { date: '2026-04-07', demand: 0, stock_out: false },
        { date: '2026-04-08', demand: 15.5, stock_out: true },
        { date: '2026-04-09', demand: 0, stock_out: true },
      ],
      total_demand: 15.5,
      stock_out_days: 2,
    });
  });

  it('names an unknown SKU or location and a bad --days', async () => {
    expect(await cli('demand', 'NOPE', 'WS')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('error LS_UNKNOWN_ITEM: sku: unknown SKU "NOPE"'),
    });
    expect((await cli('demand', 'BOLT-M8', 'MOON')).stderr).toContain('location: unknown location "MOON"');
    expect((await cli('demand', 'BOLT-M8', 'WS', '--days', 'x')).stderr).toContain('--days: must be a whole number');
  });
});

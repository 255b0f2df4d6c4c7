import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { METRICS_NOW, seedMetricsScenario } from '../../../test/support/metrics-fixture.js';
import { createItem } from '../../services/item.service.js';
import { postMovements } from '../../services/ledger.service.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

describe('leanstock metrics and review drift', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-metrics-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedMetricsScenario(database);
    const august = { actor: 'tester', now: Date.UTC(2025, 7, 1) };
    await createItem(database, { sku: 'SPARE', name: 'Spare', unit: 'pcs' }, august);
    await postMovements(database, [{ type: 'receipt', sku: 'SPARE', location: 'WS', quantity: 3 }], august);
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
      now: () => METRICS_NOW,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('prints the metrics as a table per site and as JSON', async () => {
    const text = await cli('metrics', '--from', '2026-06-01', '--to', '2026-06-10');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('Metrics 2026-06-01 to 2026-06-10 (10 days), holding rate 25 % a year');
    expect(lines[2]).toMatch(/^ +overall +DC +WS$/);
    // The figures of metrics.service.test.ts (SPARE has no cost and no demand): EUR turnover 96.05 (none at DC),
    // GBP 547.5; 3 stock-out days of 10.
    expect(text.stdout).toMatch(/turnover a year EUR +96\.05 +- +96\.05\n/);
    expect(text.stdout).toMatch(/turnover a year GBP +547\.50 +547\.50\n/);
    expect(text.stdout).toMatch(/stock-out days +3 \(30 %\) +0 \(-\) +3 \(30 %\)\n/);
    expect(text.stdout).toMatch(/ACME +3 +66\.7 % +66\.7 % +33\.3 %/);
    expect(text.stdout).toContain('Purchase orders sent: 2026-06 2');

    const json = JSON.parse((await cli('metrics', '--from', '2026-06-01', '--to', '2026-06-10', '--json')).stdout);
    expect(json.overall).toMatchObject({ demand: 18, fill_rate: 1, estimated_fill_rate: 0.8537 });

    const bad = await cli('metrics', '--from', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error LS_VALIDATION: from: must be a date YYYY-MM-DD\n  from: must be a date YYYY-MM-DD\n',
    );
  });

  it('runs the drift review and lists what it raised', async () => {
    const first = await cli('review', 'drift');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Drift review of 4 item x locations: 1 raised, 0 still open, 0 resolved.');
    expect(first.stdout).toMatch(/SPARE +WS +dead_stock +On hand 3 pcs and no demand in the last 180 days\./);
    const second = JSON.parse((await cli('review', 'drift', '--json')).stdout);
    expect(second).toMatchObject({ raised: [], still_open: 1 });
    const listed = await cli('review', 'list', '--sku', 'SPARE');
    expect(listed.stdout).toBe('SPARE@WS  dead_stock\n  On hand 3 pcs and no demand in the last 180 days.\n');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const examples = join(import.meta.dirname, '../../../examples');

describe('leanstock item and location', () => {
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-catalogue-cli-'));
    db = join(dir, 'cli.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  let clock = Date.UTC(2026, 3, 1, 8);
  /** Runs one command line against the test database and captures what it prints. */
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
      env: { USER: 'ana' },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      isTty: false,
      now: () => clock++,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  };

  it('says how to start when there are no items or locations yet', async () => {
    const items = await cli('item', 'list');
    expect(items).toMatchObject({ code: 0, stderr: '' });
    expect(items.stdout).toContain('No items yet. Add one with: leanstock item add');
    expect((await cli('location', 'list')).stdout).toContain(
      'No locations yet. Add a site with: leanstock location add',
    );
    expect((await cli('item', 'list', '--q', 'bolt')).stdout).toBe('No items match.\n');
  });

  it('adds, shows, updates, deactivates and activates an item', async () => {
    const added = await cli(
      'item',
      'add',
      'BOLT-M8',
      'Hex bolt M8x40',
      '--unit-cost',
      '0.12',
      '--category',
      'Fasteners',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Added item BOLT-M8\.\nsku\s+BOLT-M8\nname\s+Hex bolt M8x40\nunit\s+pcs\n/);
    expect(added.stdout).toMatch(/unit cost\s+0\.12 EUR/);

    const updated = await cli('item', 'update', 'BOLT-M8', '--unit-cost', '0.15', '--criticality', 'high', '--json');
    expect(JSON.parse(updated.stdout)).toMatchObject({ sku: 'BOLT-M8', unit_cost: 0.15, criticality: 'high' });

    expect((await cli('item', 'deactivate', 'BOLT-M8')).stdout).toBe('Item BOLT-M8 is deactivated.\n');
    expect((await cli('item', 'list', '--inactive')).stdout).toContain('BOLT-M8');
    expect((await cli('item', 'activate', 'BOLT-M8')).stdout).toBe('Item BOLT-M8 is active.\n');

    const shown = await cli('item', 'show', 'BOLT-M8', '--audit');
    expect(shown.stdout).toMatch(/criticality\s+high/);
    expect(shown.stdout).toMatch(/cli:ana\s+update\s+unit_cost: 0\.12 → 0\.15, criticality: "medium" → "high"/);
    const audit = JSON.parse((await cli('item', 'show', 'BOLT-M8', '--audit', '--json')).stdout).audit;
    expect(audit.map((entry: { action: string }) => entry.action)).toEqual([
      'activate',
      'deactivate',
      'update',
      'create',
    ]);
  });

  it('clears an optional field with an empty value', async () => {
    await cli('item', 'add', 'OIL-5L', 'Cutting oil', '--unit', 'l', '--shelf-life-days', '730');
    const cleared = await cli('item', 'update', 'OIL-5L', '--shelf-life-days', '', '--json');
    expect(JSON.parse(cleared.stdout).shelf_life_days).toBeNull();
  });

  it('exits with 2 and names every bad field, writing nothing', async () => {
    const bad = await cli('item', 'add', 'BOLT M8', 'Bolt', '--unit-cost', 'cheap', '--criticality', 'vital');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error LS_VALIDATION: sku: must not contain spaces');
    expect(bad.stderr).toContain('unit_cost: must be a finite number');
    expect(bad.stderr).toContain('criticality: must be one of low, medium, high, critical');
    expect((await cli('item', 'list')).stdout).toContain('No items yet');
    const unknown = await cli('item', 'show', 'NOPE');
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('LS_UNKNOWN_ITEM') });
    const duplicate = await cli('item', 'add', 'A', 'A');
    expect(duplicate.code).toBe(0);
    expect((await cli('item', 'add', 'A', 'Again')).stderr).toContain('LS_DUPLICATE: sku');
  });

  it('adds sites and bins, moves a bin, and refuses a cycle', async () => {
    await cli('location', 'add', 'WS', 'Workshop', '--time-zone', 'Europe/Berlin');
    await cli('location', 'add', 'VAN-1', 'Service van');
    const bin = await cli('location', 'add', 'WS-A', 'Rack A', '--parent', 'WS');
    expect(bin.stdout).toMatch(/^Added bin WS-A\./);
    expect(bin.stdout).toMatch(/time zone\s+Europe\/Berlin/);
    await cli('location', 'add', 'WS-A1', 'Rack A, shelf 1', '--parent', 'WS-A');

    const list = await cli('location', 'list', '--site', 'WS');
    expect(list.stdout.split('\n')[0]).toMatch(/^code\s+name\s+kind\s+parent\s+site\s+time zone\s+active$/);
    expect(list.stdout).toMatch(/WS-A1\s+Rack A, shelf 1\s+bin\s+WS-A\s+WS\s+Europe\/Berlin\s+yes/);

    const cycle = await cli('location', 'update', 'WS-A', '--parent', 'WS-A1');
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toContain('parent');
    const moved = await cli('location', 'update', 'WS-A', '--parent', 'VAN-1', '--json');
    expect(JSON.parse(moved.stdout)).toMatchObject({ parent: 'VAN-1', site: 'VAN-1', time_zone: 'UTC' });
    const site = await cli('location', 'update', 'WS-A', '--parent', '', '--json');
    expect(JSON.parse(site.stdout)).toMatchObject({ kind: 'site', parent: null });
    expect((await cli('location', 'deactivate', 'VAN-1')).stdout).toBe('Location VAN-1 is deactivated.\n');
    expect((await cli('location', 'show', 'VAN-1', '--audit')).stdout).toMatch(/deactivate\s+active: true → false/);
  });

  it('imports the example catalogue and lists it', async () => {
    for (const kind of ['items', 'locations', 'stock']) {
      const imported = await cli('import', kind, join(examples, `${kind}.csv`));
      expect(imported).toMatchObject({ code: 0, stderr: '' });
    }
    const fasteners = await cli('item', 'list', '--category', 'Fasteners');
    expect(fasteners.stdout.trim().split('\n')).toHaveLength(5);
    expect((await cli('item', 'list', '--status', 'stock_out')).stdout).toBe('No items match.\n');
    const page = await cli('location', 'list', '--limit', '2');
    expect(page.stdout).toContain('More: leanstock location list --cursor ');
  });
});

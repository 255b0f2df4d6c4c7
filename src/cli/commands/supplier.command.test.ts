import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const now = Date.UTC(2026, 5, 1, 12);

describe('leanstock supplier and leanstock source', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-supplier-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedCatalogue(database, { items: ['BOLT-M8', 'NUT-M8'], locations: [] });
    await database.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs one command line against the test database and captures what it prints. */
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

  it('says how to add a supplier when there is none', async () => {
    const listed = await cli('supplier', 'list');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toContain('No suppliers yet. Add one with: leanstock supplier add');
  });

  it('adds, shows, lists, updates, deactivates and activates a supplier', async () => {
    const added = await cli(
      'supplier',
      'add',
      'ACME',
      'Acme Fasteners',
      '--email',
      'orders@acme.example',
      '--lead-time-days',
      '5',
      '--ordering-cost',
      '25',
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('Added supplier ACME.');
    expect(added.stdout).toMatch(/lead time\s+5 days/);
    expect(added.stdout).toMatch(/ordering cost\s+25 EUR/);

    const listed = await cli('supplier', 'list');
    expect(listed.stdout).toMatch(/ACME\s+Acme Fasteners\s+5 d\s+25 EUR\s+orders@acme.example\s+yes/);

    const updated = await cli('supplier', 'update', 'ACME', '--lead-time-days', '8', '--email', '');
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/lead time\s+8 days/);
    expect(updated.stdout).toMatch(/email\s+-/);

    expect((await cli('supplier', 'deactivate', 'ACME')).stdout).toBe('Supplier ACME is deactivated.\n');
    expect((await cli('supplier', 'list', '--active')).stdout).toBe('No suppliers match.\n');
    expect((await cli('supplier', 'activate', 'ACME')).stdout).toBe('Supplier ACME is active.\n');

    const shown = await cli('supplier', 'show', 'ACME', '--audit');
    expect(shown.stdout).toContain('ACME sells no items yet. Add one with: leanstock source add SKU ACME');
    expect(shown.stdout).toMatch(/cli:tester\s+update\s+email: "orders@acme.example" → null, lead_time_days: 5 → 8/);
  });

  it('prints machine-readable JSON with --json', async () => {
    const added = await cli('supplier', 'add', 'ACME', 'Acme', '--ordering-cost', '12.5', '--json');
    expect(JSON.parse(added.stdout)).toMatchObject({
      code: 'ACME',
      ordering_cost: 12.5,
      currency: 'EUR',
      active: true,
    });
    const listed = JSON.parse((await cli('supplier', 'list', '--json')).stdout);
    expect(listed).toMatchObject({ data: [{ code: 'ACME' }], next_cursor: null });
  });

  it('reports every problem of a bad supplier with its field and exit code 2', async () => {
    const bad = await cli('supplier', 'add', 'AC ME', 'Acme', '--lead-time-days', 'soon', '--ordering-cost', '-3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error LS_VALIDATION');
    expect(bad.stderr).toContain('code: must not contain spaces');
    expect(bad.stderr).toContain('lead_time_days: must be a whole number of days');
    expect(bad.stderr).toContain('ordering_cost: must not be negative');
    expect((await cli('supplier', 'list')).stdout).toContain('No suppliers yet');
    const unknown = await cli('supplier', 'show', 'NOPE');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('LS_UNKNOWN_SUPPLIER');
  });

  it('sets and changes the ordering settings of a supplier', async () => {
    const added = await cli(
      'supplier',
      'add',
      'ACME',
      'Acme Fasteners',
      '--auto-send',
      '--order-days',
      'Thu,tue',
      '--consolidation-minutes',
      '90',
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(/order days\s+tue, thu/);
    expect(added.stdout).toMatch(/consolidation\s+90 min/);
    expect(added.stdout).toMatch(/auto send\s+yes/);

    const updated = await cli('supplier', 'update', 'ACME', '--no-auto-send', '--order-days', 'any', '--json');
    expect(JSON.parse(updated.stdout)).toMatchObject({ auto_send: false, order_days: null, consolidation_minutes: 90 });
    const again = await cli('supplier', 'update', 'ACME', '--order-days', '1,5', '--consolidation-minutes', '0');
    expect(again.stdout).toMatch(/order days\s+mon, fri/);
    expect(JSON.parse((await cli('supplier', 'show', 'ACME', '--json')).stdout)).toMatchObject({
      auto_send: false,
      order_days: ['mon', 'fri'],
      consolidation_minutes: 0,
    });
    const plain = await cli('supplier', 'add', 'PLAIN', 'Plain Supplier');
    expect(plain.stdout).toMatch(/order days\s+any day/);
    expect(plain.stdout).toMatch(/auto send\s+no/);
  });

  it('refuses bad ordering settings naming each field and changes nothing', async () => {
    await cli('supplier', 'add', 'ACME', 'Acme Fasteners', '--order-days', 'fri');
    const bad = await cli(
      'supplier',
      'update',
      'ACME',
      '--order-days',
      'tue,someday',
      '--consolidation-minutes',
      'soon',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('order_days: entry 2 is not one of the weekday names');
    expect(bad.stderr).toContain('consolidation_minutes: must be a whole number of minutes from 0 to 10080');
    const week = await cli('supplier', 'add', 'B', 'Beta', '--consolidation-minutes', '10081');
    expect(week.stderr).toContain('consolidation_minutes');
    expect(JSON.parse((await cli('supplier', 'list', '--json')).stdout).data).toMatchObject([
      { code: 'ACME', order_days: ['fri'], consolidation_minutes: 0 },
    ]);
  });

  it('adds sources to an item and lists them preferred first', async () => {
    await cli('supplier', 'add', 'ACME', 'Acme Fasteners', '--lead-time-days', '5');
    await cli('supplier', 'add', 'LOCAL', 'Local Hardware', '--lead-time-days', '1');
    expect((await cli('source', 'list', 'BOLT-M8')).stdout).toBe(
      'BOLT-M8 has no sources yet. Add one with: leanstock source add BOLT-M8 SUPPLIER --unit-price 1.20\n',
    );
    const added = await cli(
      'source',
      'add',
      'BOLT-M8',
      'ACME',
      '--unit-price',
      '0.12',
      '--price-breaks',
      '1000:0.10;5000:0.09',
      '--moq',
      '100',
      '--pack-size',
      '50',
      '--rank',
      '2',
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('Added source ACME for BOLT-M8.');
    expect(added.stdout).toMatch(/price breaks\s+from 1000: 0.1, from 5000: 0.09/);
    expect(added.stdout).toMatch(/lead time\s+5 days \(the supplier's\)/);
    await cli('source', 'add', 'BOLT-M8', 'LOCAL', '--unit-price', '0.15', '--lead-time-days', '0');

    const listed = await cli('source', 'list', 'BOLT-M8');
    const lines = listed.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^BOLT-M8\s+LOCAL\s+1\s+0.15 EUR\s+0 d \(own\)/);
    expect(lines[2]).toMatch(/^BOLT-M8\s+ACME\s+2\s+0.12 EUR\s+1000: 0.1; 5000: 0.09\s+5 d\s+100\s+50\s+yes$/);

    const ofSupplier = JSON.parse((await cli('source', 'list', '--supplier', 'ACME', '--json')).stdout);
    expect(ofSupplier.data.map((s: { sku: string }) => s.sku)).toEqual(['BOLT-M8']);
    const shown = await cli('supplier', 'show', 'ACME');
    expect(shown.stdout).toMatch(/BOLT-M8\s+ACME\s+2/);
  });

  it('updates, deactivates and activates a source', async () => {
    await cli('supplier', 'add', 'ACME', 'Acme Fasteners');
    await cli('source', 'add', 'NUT-M8', 'ACME', '--unit-price', '0.04');
    const updated = await cli('source', 'update', 'NUT-M8', 'ACME', '--moq', '200', '--pack-size', '100', '--json');
    expect(JSON.parse(updated.stdout)).toMatchObject({ moq: 200, pack_size: 100, unit_price: 0.04 });
    expect((await cli('source', 'deactivate', 'NUT-M8', 'ACME')).stdout).toBe(
      'Source ACME for NUT-M8 is deactivated.\n',
    );
    expect((await cli('source', 'list', 'NUT-M8', '--active')).stdout).toBe('No sources of NUT-M8 match.\n');
    expect((await cli('source', 'activate', 'NUT-M8', 'ACME')).stdout).toBe('Source ACME for NUT-M8 is active.\n');
  });

  it('records contract prices of a source and lists its price history', async () => {
    await cli('supplier', 'add', 'ACME', 'Acme Fasteners');
    await cli('source', 'add', 'BOLT-M8', 'ACME', '--unit-price', '0.12');
    expect((await cli('source', 'prices', 'BOLT-M8', 'ACME')).stdout).toBe(
      'No prices recorded for BOLT-M8 from ACME yet. Record a contract price with: leanstock source price BOLT-M8 ACME --unit-price 1.20 --from 2026-01-01\n',
    );
    const h2 = await cli(
      'source',
      'price',
      'BOLT-M8',
      'ACME',
      '--unit-price',
      '0.11',
      '--from',
      '2026-07-01',
      '--to',
      '2026-12-31',
    );
    expect(h2).toMatchObject({ code: 0, stderr: '' });
    expect(h2.stdout).toBe('Recorded contract price 0.11 EUR for BOLT-M8 from ACME, valid 2026-07-01 to 2026-12-31.\n');
    const h1 = await cli('source', 'price', 'BOLT-M8', 'ACME', '--unit-price', '0.12', '--to', '2026-06-30', '--json');
    expect(JSON.parse(h1.stdout)).toMatchObject({
      kind: 'contract',
      unit_price: 0.12,
      valid_from: null,
      valid_to: '2026-06-30',
    });

    const listed = await cli('source', 'prices', 'BOLT-M8', 'ACME');
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^recorded\s+kind\s+unit price\s+valid\s+purchase order$/);
    expect(lines.slice(1)).toHaveLength(2);
    expect(lines[1]).toMatch(/contract\s+0.12 EUR\s+until 2026-06-30$/);
    expect(lines[2]).toMatch(/contract\s+0.11 EUR\s+2026-07-01 to 2026-12-31$/);
    const json = JSON.parse((await cli('source', 'prices', 'BOLT-M8', 'ACME', '--limit', '1', '--json')).stdout);
    expect(json.data).toHaveLength(1);
    expect(json.next_cursor).toEqual(expect.any(String));
    expect((await cli('source', 'prices', 'BOLT-M8', 'ACME', '--kind', 'purchase')).stdout).toBe(
      'No prices of BOLT-M8 from ACME match.\n',
    );
  });

  it('refuses bad or overlapping contract prices naming the field and records nothing', async () => {
    await cli('supplier', 'add', 'ACME', 'Acme Fasteners');
    await cli('source', 'add', 'BOLT-M8', 'ACME', '--unit-price', '0.12');
    await cli('source', 'price', 'BOLT-M8', 'ACME', '--unit-price', '0.11', '--from', '2026-07-01');
    const overlap = await cli('source', 'price', 'BOLT-M8', 'ACME', '--unit-price', '0.1', '--from', '2027-01-01');
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toContain(
      'error LS_DUPLICATE: valid_from: overlaps the contract price valid 2026-07-01 … open',
    );
    const bad = await cli('source', 'price', 'BOLT-M8', 'ACME', '--unit-price', 'cheap', '--from', '1.7.2026');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unit_price: must be a finite number');
    expect(bad.stderr).toContain('valid_from: must be a date YYYY-MM-DD');
    const reversed = await cli(
      'source',
      'price',
      'BOLT-M8',
      'ACME',
      '--unit-price',
      '1',
      '--from',
      '2026-02-01',
      '--to',
      '2026-01-31',
    );
    expect(reversed.stderr).toContain('valid_to: must not be before valid_from 2026-02-01');
    const missing = await cli('source', 'price', 'BOLT-M8', 'ACME');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--unit-price');
    const noSource = await cli('source', 'prices', 'NUT-M8', 'ACME');
    expect(noSource.stderr).toContain('LS_UNKNOWN_SUPPLIER_ITEM');
    const badKind = await cli('source', 'prices', 'BOLT-M8', 'ACME', '--kind', 'sale');
    expect(badKind.stderr).toContain('kind: must be one of contract, purchase');
    expect(JSON.parse((await cli('source', 'prices', 'BOLT-M8', 'ACME', '--json')).stdout).data).toHaveLength(1);
  });

  it('refuses bad sources with the field named and changes nothing', async () => {
    await cli('supplier', 'add', 'ACME', 'Acme Fasteners');
    const breaks = await cli('source', 'add', 'BOLT-M8', 'ACME', '--price-breaks', '10=1.20');
    expect(breaks.code).toBe(2);
    expect(breaks.stderr).toContain('price_breaks: "10=1.20" is not MIN_QUANTITY:UNIT_PRICE');
    const packs = await cli('source', 'add', 'BOLT-M8', 'ACME', '--moq', '30', '--pack-size', '12');
    expect(packs.stderr).toContain('moq: must be a multiple of pack_size 12 (an order is whole packs); use 24 or 36');
    const decimals = await cli('source', 'add', 'BOLT-M8', 'ACME', '--moq', '1.0005');
    expect(decimals.stderr).toContain('moq: must have at most 3 decimal places');
    const unknownItem = await cli('source', 'add', 'NOPE', 'ACME');
    expect(unknownItem.stderr).toContain('error LS_UNKNOWN_ITEM: sku: unknown SKU "NOPE"');
    const unknownSupplier = await cli('source', 'add', 'BOLT-M8', 'GHOST');
    expect(unknownSupplier.stderr).toContain('error LS_UNKNOWN_SUPPLIER: supplier: unknown supplier "GHOST"');
    expect((await cli('source', 'list', 'BOLT-M8')).stdout).toContain('BOLT-M8 has no sources yet');
    const neither = await cli('source', 'list');
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('give a SKU');
  });
});

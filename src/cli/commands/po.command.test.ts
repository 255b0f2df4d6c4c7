import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const now = Date.UTC(2026, 5, 1, 12);

describe('leanstock po', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-po-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedCatalogue(database, { items: ['BOLT-M8'], locations: ['WS'] });
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

  it('shows the drafted line when a movement crosses s, then sends, receives and closes it', async () => {
    expect((await cli('po', 'list')).stdout).toContain('No purchase orders yet.');
    expect((await cli('supplier', 'add', 'ACME', 'Acme')).code).toBe(0);
    expect((await cli('source', 'add', 'BOLT-M8', 'ACME', '--unit-price', '0.12', '--pack-size', '25')).code).toBe(0);
    expect((await cli('move', 'receipt', 'BOLT-M8', 'WS', '100')).code).toBe(0);
    const policy = await cli(
      'policy',
      'set',
      'BOLT-M8',
      'WS',
      '--kind',
      'reorder_point',
      '--reorder-point',
      '40',
      '--target',
      '150',
    );
    expect(policy.code).toBe(0);
    const issue = await cli('move', 'issue', 'BOLT-M8', 'WS', '70');
    expect(issue).toMatchObject({ code: 0, stderr: '' });
    expect(issue.stdout).toMatch(/Ordered 125 of BOLT-M8 at WS on PO-000001 \(ACME\)/);

    const list = await cli('po', 'list', '--status', 'draft');
    expect(list.stdout).toMatch(/PO-000001\s+ACME\s+draft\s+BOLT-M8\s+WS\s+125\s+0\s+0.12\s+15 EUR/);

    const sent = await cli('po', 'send', 'PO-000001');
    expect(sent.stdout).toContain('Sent PO-000001 to ACME. Not e-mailed: set LEANSTOCK_SMTP_URL');
    const received = await cli('po', 'receive', 'PO-000001', '--all');
    expect(received).toMatchObject({ code: 0, stderr: '' });
    expect(received.stdout).toContain('PO-000001 is received.');
    const shown = JSON.parse((await cli('po', 'show', '1', '--json')).stdout);
    expect(shown).toMatchObject({ status: 'received', lines: [{ received_quantity: 125, open_quantity: 0 }] });
    expect((await cli('po', 'close', 'PO-000001')).stdout).toContain('Closed PO-000001.');

    const pdf = join(dir, 'po.pdf');
    expect((await cli('po', 'pdf', 'PO-000001', '-o', pdf)).code).toBe(0);
    expect(existsSync(pdf) && readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses a bad order number or receipt line with a message naming it, and changes nothing', async () => {
    const bad = await cli('po', 'show', 'PO-X');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('id');
    const unknown = await cli('po', 'cancel', '42');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no purchase order 42');
    const line = await cli('po', 'receive', '1', 'BOLT-M8=5');
    expect(line.code).not.toBe(0);
    expect(line.stderr).toContain('SKU@LOCATION=QUANTITY');
  });
});

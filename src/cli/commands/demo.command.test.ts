import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countExistingData } from '../../services/demo.service.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

function captureDeps() {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = {
    env: {},
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTty: false,
    now: () => Date.now(),
  };
  return { deps, stdout: () => out.join(''), stderr: () => err.join('') };
}

async function existing(path: string) {
  const database = await openDatabase({ dialect: 'sqlite', path });
  try {
    return await countExistingData(database);
  } finally {
    await database.close();
  }
}

describe('leanstock demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leanstock-demo-'));
  const full = join(dir, 'full.db');
  let fullRun: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    const io = captureDeps();
    const code = await run(['demo', '--db', full, '--no-serve'], io.deps);
    fullRun = { code, stdout: io.stdout(), stderr: io.stderr() };
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the full demo into a new SQLite file and prints a summary', async () => {
    expect(fullRun.stderr).toBe('');
    expect(fullRun.code).toBe(0);
    expect(fullRun.stdout).toMatch(/Demo written to SQLite .*full\.db in [\d.]+ s \(seed 42\)/);
    // 300 catalogue items and 5 made to order (3 products, 2 subassemblies).
    expect(fullRun.stdout).toMatch(/items\s+305\n/);
    expect(fullRun.stdout).toMatch(/suppliers\s+12 /);
    const counts = await existing(full);
    expect(counts.items).toBe(305);
    expect(counts.movements).toBeGreaterThan(150_000);
    expect(fullRun.stdout).toContain(`movements       ${counts.movements.toLocaleString('en')} from `);
    expect(fullRun.stdout).toMatch(
      /purchase orders [\d,]+: \d+ draft, \d+ sent, \d+ confirmed, \d+ partly received, [\d,]+ received, \d+ closed, \d+ cancelled\n/,
    );
    expect(fullRun.stdout).toMatch(/draft lines\s+\d+ drafted by the trigger just now\n/);
    expect(fullRun.stdout).toMatch(
      /policies\s+\d+: \d+ reorder point, 1\d kanban, \d+ periodic review, \d+ make to order, \d+ manual\n/,
    );
    expect(fullRun.stdout).toMatch(/kanban loops\s+1\d with \d+ cards/);
  });

  it('refuses to overwrite a database that has items without --force, and says how', async () => {
    const before = await existing(full);
    const io = captureDeps();
    const code = await run(['demo', '--db', full, '--no-serve', '--items', '6', '--days', '10'], io.deps);
    expect(code).toBe(2);
    expect(io.stderr()).toContain('is not empty (305 items');
    expect(io.stderr()).toContain('--force');
    expect(await existing(full)).toEqual(before);
  });

  it('replaces the database with --force, and prints JSON with --json', async () => {
    const path = join(dir, 'small.db');
    const first = captureDeps();
    expect(await run(['demo', '--db', path, '--no-serve', '--items', '12', '--days', '30'], first.deps)).toBe(0);
    const second = captureDeps();
    const code = await run(
      ['demo', '--db', path, '--no-serve', '--items', '6', '--days', '20', '--seed', '7', '--force', '--json'],
      second.deps,
    );
    expect(code).toBe(0);
    const report = JSON.parse(second.stdout());
    expect(report).toMatchObject({
      seed: 7,
      items: 11,
      suppliers: 12,
      seconds: expect.any(Number),
      purchaseOrdersByStatus: expect.objectContaining({ received: expect.any(Number) }),
      policiesByKind: expect.objectContaining({ reorder_point: expect.any(Number) }),
    });
    expect(report.policies).toBeGreaterThanOrEqual(6);
    expect(report.makeToOrder).toMatchObject({ items: 5, customers: 3 });
    expect(await existing(path)).toMatchObject({ items: 11, movements: report.movements });
  });

  it('rejects a seed that is not a whole number', async () => {
    const io = captureDeps();
    expect(await run(['demo', '--db', join(dir, 'x.db'), '--no-serve', '--seed', 'abc'], io.deps)).toBe(2);
    expect(io.stderr()).toContain('--seed: must be a whole number');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createItem } from '../../services/item.service.js';
import { postMovements } from '../../services/ledger.service.js';
import { createLocation } from '../../services/location.service.js';
import { setPolicy } from '../../services/policy.service.js';
import { createSupplier } from '../../services/supplier.service.js';
import { addSupplierItem } from '../../services/supplier-item.service.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 3, 10, 10);

describe('leanstock plan', () => {
  let dir: string;
  let db: string;
  /** 28 days of 10 a day from a 14-day supplier in packs of 10: s = 140, S = 910 (see plan.routes.test.ts). */
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-plan-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    const ctx = { actor: 'seed', now: now - 40 * DAY };
    await createLocation(database, { code: 'BER', name: 'Berlin', time_zone: 'Europe/Berlin' }, ctx);
    for (const code of ['ACME', 'BETA']) {
      await createSupplier(database, { code, name: code, lead_time_days: 14, ordering_cost: 20 }, ctx);
    }
    await createItem(database, { sku: 'STEADY', name: 'Steady', unit: 'pcs', unit_cost: 1 }, ctx);
    await addSupplierItem(database, 'STEADY', { supplier: 'ACME', pack_size: 10 }, ctx);
    await addSupplierItem(database, 'STEADY', { supplier: 'BETA', rank: 2, pack_size: 10 }, ctx);
    const movements: unknown[] = [
      { type: 'receipt', sku: 'STEADY', location: 'BER', quantity: 380, occurred_at: iso(now - 35 * DAY) },
    ];
    for (let k = 1; k <= 28; k++) {
      movements.push({ type: 'issue', sku: 'STEADY', location: 'BER', quantity: 10, occurred_at: iso(now - k * DAY) });
    }
    await postMovements(database, movements, { actor: 'seed', now: now - DAY });
    await setPolicy(database, 'STEADY', 'BER', { kind: 'reorder_point', reorder_point: 10, target: 100 }, ctx);
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

  it('plan shows what would change, explain says why, --apply sets it, and changes lists it', async () => {
    expect((await cli('plan', 'settings', '--set', 'history_days=28')).code).toBe(0);
    const shown = await cli('plan', '--threads', '0');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('1 item x location pairs planned');
    expect(shown.stdout).toMatch(/STEADY\s+BER\s+changed\s+10 → 140\s+100 → 910\s+lean A/);
    expect(shown.stdout).toContain('Nothing was changed: run `leanstock plan --apply`');

    const explained = await cli('plan', 'explain', 'STEADY', 'BER');
    expect(explained.stdout).toContain('STEADY at BER: reorder_point s 140 S 910');
    expect(explained.stdout).toContain('In force: reorder_point s 10 S 100 (auto); the recommendation is changed.');
    expect(explained.stdout).toMatch(
      /Reorder point\s+s = d·L \+ SS = 140 \+ 0, rounded up to whole units\s+140\s+units/,
    );

    const applied = JSON.parse((await cli('plan', '--apply', '--json', '--note', 'first plan')).stdout);
    expect(applied).toMatchObject({ applied: 1, triggered: 1, counts: { changed: 1 } });
    const changes = JSON.parse((await cli('plan', 'changes', '--sku', 'STEADY', '--json')).stdout);
    expect(changes.data).toEqual([
      expect.objectContaining({ cause: 'plan_apply', actor: 'cli:tester', note: 'first plan' }),
    ]);
    expect((await cli('plan', 'pin', 'STEADY', 'BER')).stdout).toContain('is pinned');
    expect(JSON.parse((await cli('plan', 'unpin', 'STEADY', 'BER', '--json')).stdout)).toMatchObject({
      planning: 'auto',
    });
    expect((await cli('plan', 'accept', 'STEADY', 'BER')).stdout).toContain('already has the recommended policy');
  });

  it('refuses bad settings and unknown items naming the field, with exit code 2', async () => {
    const bad = await cli('plan', 'settings', '--set', 'service_level_a=1', '--set', 'ordering_cost=-1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('service_level_a: must be < 1');
    expect(bad.stderr).toContain('ordering_cost: must be ≥ 0');
    expect(JSON.parse((await cli('plan', 'settings', '--json')).stdout)).toMatchObject({ service_level_a: 0.98 });
    const unknown = await cli('plan', 'explain', 'NOPE', 'BER');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('sku');
    expect((await cli('plan', '--sku', 'NOPE')).code).toBe(2);
    expect((await cli('plan', '--threads', 'many')).stderr).toContain('threads: must be a whole number');
  });
});

function iso(at: number): string {
  return new Date(at).toISOString();
}

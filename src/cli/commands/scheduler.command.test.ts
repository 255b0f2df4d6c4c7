import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { postMovements } from '../../services/ledger.service.js';
import { setPolicy } from '../../services/policy.service.js';
import { createSupplier } from '../../services/supplier.service.js';
import { addSupplierItem } from '../../services/supplier-item.service.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

/** Monday 2 March 2026, 10:00 in Berlin; the daily 06:00 review is first due Tuesday 05:00Z. */
const t0 = Date.UTC(2026, 2, 2, 9);

describe('leanstock scheduler run-once', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-scheduler-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    const ctx = { actor: 'tester', now: t0 };
    await seedCatalogue(database, { items: ['BOLT'], locations: ['WS'] });
    await createSupplier(database, { code: 'ACME', name: 'Acme' }, ctx);
    await database.db
      .updateTable('suppliers')
      .set({ auto_send: 1, order_days: '4', consolidation_minutes: 0 })
      .where('code', '=', 'ACME')
      .execute();
    await addSupplierItem(database, 'BOLT', { supplier: 'ACME', unit_price: 0.1 }, ctx);
    await postMovements(database, [{ type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 30 }], ctx);
    await setPolicy(database, 'BOLT', 'WS', { kind: 'periodic_review', review_days: 1, target: 100 }, ctx);
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
      now: () => t0,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('says nothing was due before the first review', async () => {
    expect(await cli('scheduler', 'run-once')).toEqual({
      code: 0,
      stdout: 'Scheduler tick at 2026-03-02T09:00:00.000Z: nothing was due.\n',
      stderr: '',
    });
  });

  it('runs the review once at --now, and shows the draft waiting for its order day', async () => {
    const first = await cli('scheduler', 'run-once', '--now', '2026-03-03T05:00:00Z');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Periodic reviews: 1 ran');
    expect(first.stdout).toContain(
      'BOLT@WS due 2026-03-03T05:00:00.000Z: ordered 70 on PO-000001 (ACME); next 2026-03-04T05:00:00.000Z',
    );
    // Thursday is ACME's order day: 00:00 CET on 5 March = 4 March 23:00Z.
    expect(first.stdout).toContain('PO-000001 to ACME waits until 2026-03-04T23:00:00.000Z');

    const json = await cli('scheduler', 'run-once', '--now', '2026-03-05T06:30:00+01:00', '--json');
    expect(json.code).toBe(0);
    const tick = JSON.parse(json.stdout);
    expect(tick.now).toBe('2026-03-05T05:30:00.000Z');
    // Wednesday's and Thursday's reviews passed: one run, one missed; the position is already 100.
    expect(tick.reviews.reviews).toEqual([
      expect.objectContaining({ due_at: '2026-03-05T05:00:00.000Z', missed: 1, triggered: [] }),
    ]);
    expect(tick.auto_sends.sent).toEqual([expect.objectContaining({ number: 'PO-000001' })]);
  });

  it('refuses a --now that is not an ISO instant with a zone, naming the option', async () => {
    for (const bad of ['tomorrow', '2026-03-03', '2026-03-03T05:00', '2026-02-30T05:00:00Z', '2026-03-01T24:00:00Z']) {
      const result = await cli('scheduler', 'run-once', '--now', bad);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('error LS_VALIDATION: now: must be an ISO instant with a zone');
    }
  });
});

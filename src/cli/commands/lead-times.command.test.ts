import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import type { ServiceContext } from '../../services/context.js';
import { postMovements } from '../../services/ledger.service.js';
import { replanPairs } from '../../services/planning/plan.service.js';
import { setPolicy } from '../../services/policy.service.js';
import { sendPurchaseOrder } from '../../services/purchasing/purchase-order.service.js';
import { createSupplier } from '../../services/supplier.service.js';
import { addSupplierItem } from '../../services/supplier-item.service.js';
import { type Database, openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

// The real re-plan, watched: how often it runs and with what.
vi.mock('../../services/planning/plan.service.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../services/planning/plan.service.js')>();
  return { ...actual, replanPairs: vi.fn(actual.replanPairs) };
});
const replan = vi.mocked(replanPairs);

const DAY = 86_400_000;

describe('leanstock lead-times and leanstock supplier scorecard', () => {
  let dir: string;
  let db: string;
  let clock: number;
  const ctx = (): ServiceContext => ({ actor: 'tester', now: clock });

  beforeEach(async () => {
    replan.mockClear();
    clock = Date.UTC(2026, 0, 5, 9);
    dir = mkdtempSync(join(tmpdir(), 'leanstock-lead-times-cli-'));
    db = join(dir, 'cli.db');
    await withDb(async (database) => {
      await seedCatalogue(database, { items: ['BOLT'], locations: ['WS'] });
      await createSupplier(database, { code: 'ACME', name: 'Acme', lead_time_days: 7 }, ctx());
      await addSupplierItem(database, 'BOLT', { supplier: 'ACME' }, ctx());
      await postMovements(database, [{ type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 50 }], ctx());
      await setPolicy(database, 'BOLT', 'WS', { kind: 'reorder_point', reorder_point: 10, target: 50 }, ctx());
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function withDb(work: (database: Database) => Promise<void>) {
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    try {
      await work(database);
    } finally {
      await database.close();
    }
  }

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
      env: { USER: 'tester' },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      isTty: false,
      now: () => clock,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  /** A dip drafts an order, it is sent, and `leanstock po receive ID --all` receives it `leadTimeDays` later. */
  async function cycle(leadTimeDays: number) {
    let id = 0;
    await withDb(async (database) => {
      const [dip] = await postMovements(
        database,
        [{ type: 'issue', sku: 'BOLT', location: 'WS', quantity: 45 }],
        ctx(),
      );
      id = (dip!.triggered[0] as { purchase_order_id: number }).purchase_order_id;
      await sendPurchaseOrder(database, id, ctx());
    });
    clock += leadTimeDays * DAY;
    const received = await cli('po', 'receive', String(id), '--all');
    expect(received.code, received.stderr).toBe(0);
    clock += DAY;
    return received;
  }

  it('prints lead times per supplier item, and a receipt that shows a shift says what it re-planned', async () => {
    for (const days of [7, 7, 7, 7, 7, 14, 14]) await cycle(days);
    const table = await cli('lead-times', '--supplier', 'ACME');
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toMatch(/supplier\s+sku\s+receipts\s+mean\s+s\.d\.\s+p90\s+quoted\s+on time\s+in full\s+OTIF/);
    // Mean 9, s = √(70/6) = 3.4, p90 14, quoted 7, on time and OTIF 5/7 = 71 %.
    expect(table.stdout).toMatch(/ACME\s+BOLT\s+7\s+9 d\s+3\.4 d\s+14 d\s+7 d\s+71 %\s+100 %\s+71 %/);

    const shifted = await cycle(14);
    expect(shifted.stdout).toContain('Lead time of BOLT from ACME shifted: 7 d → 14 d; re-planned BOLT@WS.');
    expect(replan).toHaveBeenCalledTimes(1);

    const json = await cli('lead-times', '--sku', 'BOLT', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      data: [{ supplier: 'ACME', receipts: 3, mean_days: 14, baseline: { mean_days: 14, receipts: 3 } }],
      next_cursor: null,
    });
  });

  it('prints a supplier scorecard, and names an unknown supplier', async () => {
    await cycle(6);
    await cycle(9);
    const card = await cli('supplier', 'scorecard', 'ACME');
    expect(card).toMatchObject({ code: 0, stderr: '' });
    expect(card.stdout).toContain('ACME — Acme');
    expect(card.stdout).toContain('OTIF 50 %  on time 50 %  in full 100 %');
    expect(card.stdout).toContain('Lead time: mean 7.5 d, s.d. 2.1 d, p90 8.7 d over 2 receipts; quoted 7 d');
    expect(card.stdout).toMatch(/2026-01\s+2\s+7\.5 d\s+50 %\s+100 %\s+50 %/);
    const json = JSON.parse((await cli('supplier', 'scorecard', 'ACME', '--json')).stdout);
    expect(json).toMatchObject({ supplier: 'ACME', lines: 2, otif: 0.5 });

    const unknown = await cli('supplier', 'scorecard', 'NOPE');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown supplier "NOPE"');
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  choosePriceBreak,
  roundOrderQuantity,
  type SupplierPricing,
} from '../../src/domain/replenishment/order-sizing.js';
import { evaluateTrigger } from '../../src/domain/replenishment/trigger.js';
import { postMovements } from '../../src/services/ledger.service.js';
import { setPolicy } from '../../src/services/policy.service.js';
import { createSupplier } from '../../src/services/supplier.service.js';
import { addSupplierItem } from '../../src/services/supplier-item.service.js';
import { type Database, type Dialect, openDatabase } from '../../src/store/database.js';
import { createScratchDatabase, type ScratchDatabase, testPostgresUrl } from '../support/dialects.js';
import { seedCatalogue } from '../support/fixtures.js';
import type { TriggerWorkerArgs, TriggerWorkerReport } from './trigger-worker.js';

/*
 * Several processes post issues against 20 items with (s, S) = (30, 100) policies at once, so many
 * dips of one item are checked by racing transactions. The trigger must order each dip once: the
 * balance row lock serialises the item's movements, and the drafted line raises on order in the same
 * commit, so the next movement sees the position with the line in it.
 */

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const SKUS = Array.from({ length: 20 }, (_, i) => `PART-${String(i).padStart(2, '0')}`);
const LOCATION = 'WH';
const REORDER_POINT = 30_000;
const TARGET = 100_000;
const OPENING = 80_000;
const POLICY = { kind: 'reorder_point' as const, reorderPointMilli: REORDER_POINT, targetMilli: TARGET };
const OPEN_STATUSES = ['draft', 'sent', 'confirmed', 'partly_received'];

/**
 * The first ten items are bought from ACME (packs of 12, MOQ 24, a break at 240), the others from BETA
 * (packs of 5, a break at 90 that is cheaper in total than most smaller orders); each has the other
 * supplier as its second source.
 */
const ACME: SupplierPricing = {
  unitPriceMinor: 120,
  priceBreaks: [{ minQuantityMilli: 240_000, unitPriceMinor: 110 }],
  moqMilli: 24_000,
  packSizeMilli: 12_000,
};
const BETA: SupplierPricing = {
  unitPriceMinor: 80,
  priceBreaks: [{ minQuantityMilli: 90_000, unitPriceMinor: 60 }],
  moqMilli: null,
  packSizeMilli: 5_000,
};
const preferredPricing = (skuIndex: number) => (skuIndex < 10 ? ACME : BETA);

/**
 * Processes and issues per process. Several SQLite processes queue for one write lock, and each process
 * costs about a second and a half of CPU to start: smaller runs keep the file near a minute on two cores.
 */
const plan = (dialect: Dialect, mode: TriggerWorkerArgs['mode']) => {
  if (dialect === 'postgres') return mode === 'issues' ? { workers: 8, issues: 500 } : { workers: 4, issues: 200 };
  return mode === 'issues' ? { workers: 4, issues: 250 } : { workers: 4, issues: 120 };
};

function runWorker(args: TriggerWorkerArgs): Promise<TriggerWorkerReport> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'trigger-worker.ts'), JSON.stringify(args)], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`worker ${args.worker} exited with ${code}:\n${stderr}`));
      done(JSON.parse(readFileSync(args.out, 'utf8')) as TriggerWorkerReport);
    });
  });
}

async function seed(database: Database): Promise<void> {
  const ctx = { actor: 'setup', now: Date.now() };
  await seedCatalogue(database, { items: SKUS.map((sku) => ({ sku, allowNegative: true })), locations: [LOCATION] });
  await createSupplier(database, { code: 'ACME', name: 'Acme', lead_time_days: 5 }, ctx);
  await createSupplier(database, { code: 'BETA', name: 'Beta', lead_time_days: 3 }, ctx);
  for (let i = 0; i < SKUS.length; i++) {
    const acme = { unit_price: 1.2, pack_size: 12, moq: 24, price_breaks: [{ min_quantity: 240, unit_price: 1.1 }] };
    const beta = { unit_price: 0.8, pack_size: 5, price_breaks: [{ min_quantity: 90, unit_price: 0.6 }] };
    await addSupplierItem(database, SKUS[i]!, { supplier: 'ACME', ...acme, rank: i < 10 ? 1 : 2 }, ctx);
    await addSupplierItem(database, SKUS[i]!, { supplier: 'BETA', ...beta, rank: i < 10 ? 2 : 1 }, ctx);
  }
  await postMovements(
    database,
    SKUS.map((sku) => ({ type: 'receipt', sku, location: LOCATION, quantity: OPENING / 1000, reference: 'opening' })),
    ctx,
  );
  for (const sku of SKUS) {
    const view = await setPolicy(
      database,
      sku,
      LOCATION,
      { kind: 'reorder_point', reorder_point: 30, target: 100 },
      ctx,
    );
    expect(view.triggered).toEqual([]);
  }
}

type ItemState = {
  sku: string;
  itemId: number;
  onHand: number;
  onOrder: number;
  allocated: number;
  movementSum: number;
  openLineSum: number;
  lineSum: number;
  lines: number;
};

/** Balances, movements and lines per item, read after every worker has ended. */
async function readState(database: Database): Promise<ItemState[]> {
  const items = await database.db.selectFrom('items').select(['id', 'sku']).orderBy('sku').execute();
  const balances = await database.db.selectFrom('balances').selectAll().execute();
  const movements = await database.db
    .selectFrom('movements')
    .select(['item_id', (eb) => eb.fn.sum<string | number>('quantity_milli').as('total')])
    .groupBy('item_id')
    .execute();
  const lines = await database.db
    .selectFrom('purchase_order_lines as l')
    .innerJoin('purchase_orders as po', 'po.id', 'l.purchase_order_id')
    .select(['l.item_id', 'l.quantity_milli', 'l.received_milli', 'po.status'])
    .execute();
  return items.map((item) => {
    const id = Number(item.id);
    const balance = balances.find((b) => Number(b.item_id) === id)!;
    const own = lines.filter((l) => Number(l.item_id) === id);
    return {
      sku: item.sku,
      itemId: id,
      onHand: Number(balance.on_hand_milli),
      onOrder: Number(balance.on_order_milli),
      allocated: Number(balance.allocated_milli),
      movementSum: Number(movements.find((m) => Number(m.item_id) === id)?.total ?? 0),
      openLineSum: own
        .filter((l) => OPEN_STATUSES.includes(l.status))
        .reduce((sum, l) => sum + Math.max(0, Number(l.quantity_milli) - Number(l.received_milli)), 0),
      lineSum: own.reduce((sum, l) => sum + Number(l.quantity_milli), 0),
      lines: own.length,
    };
  });
}

/** Checks that hold whatever the workers did: the ledger, on order, and the shape of the drafts. */
async function expectConsistent(database: Database, states: ItemState[]): Promise<void> {
  for (const item of states) {
    // (b) on hand is the ledger's sum; (a) on order is exactly what open lines still bring.
    expect(item.onHand, `${item.sku} on hand = Σ movements`).toBe(item.movementSum);
    expect(item.onOrder, `${item.sku} on order = Σ open line quantities`).toBe(item.openLineSum);
    // After the last movement, cancel or close the trigger had its say: nothing is left at or below s.
    const position = item.onHand + item.onOrder - item.allocated;
    expect(position, `${item.sku} position after all workers`).toBeGreaterThan(REORDER_POINT);
  }
  const collecting = await database.db
    .selectFrom('purchase_orders')
    .select(['supplier_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('collecting', '=', 1)
    .groupBy('supplier_id')
    .execute();
  for (const row of collecting) expect(Number(row.n), `collecting drafts of supplier ${row.supplier_id}`).toBe(1);
  // Only the trigger drafts here, and it drafts only on the collecting draft.
  const strayDrafts = await database.db
    .selectFrom('purchase_orders')
    .select('id')
    .where('status', '=', 'draft')
    .where('collecting', '=', 0)
    .execute();
  expect(strayDrafts).toEqual([]);
  const doubled = await database.db
    .selectFrom('purchase_order_lines')
    .select(['purchase_order_id', 'item_id', 'location_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(['purchase_order_id', 'item_id', 'location_id'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  expect(doubled).toEqual([]);
}

/**
 * Replays the committed movements of each item in id order (one item's movements commit in the order
 * of its row lock, and the ids are drawn under that lock) through the pure trigger and order sizing,
 * one check per call as the service does it (a call is one reference). Without sends or cancels every
 * need lands on the one line of the preferred supplier's collecting draft. Answers the expected line
 * quantity and the number of dips per item.
 */
async function replay(database: Database): Promise<Map<string, { line: number; dips: number; position: number }>> {
  const rows = await database.db
    .selectFrom('movements as m')
    .innerJoin('items as i', 'i.id', 'm.item_id')
    .select(['m.id', 'i.sku', 'm.quantity_milli', 'm.reference'])
    .orderBy('m.id')
    .execute();
  const expected = new Map<string, { line: number; dips: number; position: number }>();
  const calls = new Map<string, Array<{ reference: string | null; change: number }>>();
  for (const row of rows) {
    const list = calls.get(row.sku) ?? [];
    const last = list.at(-1);
    if (last && last.reference === row.reference) last.change += Number(row.quantity_milli);
    else list.push({ reference: row.reference, change: Number(row.quantity_milli) });
    calls.set(row.sku, list);
  }
  for (const [skuIndex, sku] of SKUS.entries()) {
    const pricing = preferredPricing(skuIndex);
    let position = 0;
    let line = 0;
    let dips = 0;
    for (const call of calls.get(sku) ?? []) {
      position += call.change;
      // The policy was set after the opening receipt; at 80 it is above s anyway.
      if (call.reference === 'opening') continue;
      const verdict = evaluateTrigger({ policy: POLICY, positionMilli: position });
      if (verdict.kind !== 'order') continue;
      dips++;
      const wanted = roundOrderQuantity(line + verdict.quantityMilli, pricing);
      const after = Math.max(choosePriceBreak(wanted, pricing).quantityMilli, line);
      position += after - line;
      line = after;
    }
    expected.set(sku, { line, dips, position });
  }
  return expected;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  const skip = dialect === 'postgres' && !testPostgresUrl();
  const { workers } = plan(dialect, 'issues');
  describe.skipIf(skip)(`replenishment trigger under ${workers} concurrent processes [${dialect}]`, () => {
    const outDir = mkdtempSync(join(tmpdir(), 'leanstock-trigger-'));
    const opened: Array<{ scratch: ScratchDatabase; database: Database }> = [];
    afterAll(async () => {
      for (const { scratch, database } of opened) {
        await database.close();
        await scratch.drop();
      }
      rmSync(outDir, { recursive: true, force: true });
    });

    async function run(
      mode: TriggerWorkerArgs['mode'],
    ): Promise<{ database: Database; reports: TriggerWorkerReport[] }> {
      const { workers, issues } = plan(dialect, mode);
      const scratch = await createScratchDatabase(dialect);
      const database = await openDatabase(scratch.config);
      opened.push({ scratch, database });
      await seed(database);
      const reports = await Promise.all(
        Array.from({ length: workers }, (_, worker) =>
          runWorker({
            config: scratch.config,
            worker,
            issues,
            skus: SKUS,
            location: LOCATION,
            mode,
            out: join(outDir, `${mode}-${worker}.json`),
          }),
        ),
      );
      return { database, reports };
    }

    it('orders every dip exactly once: the lines hold what a one-process replay of the committed issues orders', async () => {
      const { database, reports } = await run('issues');
      expect(reports.flatMap((r) => r.unexpected)).toEqual([]);

      const states = await readState(database);
      await expectConsistent(database, states);
      const expected = await replay(database);
      let dips = 0;
      for (const item of states) {
        const want = expected.get(item.sku)!;
        dips += want.dips;
        expect({ sku: item.sku, line: item.lineSum, lines: item.lines }).toEqual({
          sku: item.sku,
          line: want.line,
          lines: want.dips > 0 ? 1 : 0,
        });
        expect(item.onHand + item.onOrder - item.allocated, `${item.sku} position`).toBe(want.position);
      }
      // The mix really dipped often: about one dip per nine issues of an item.
      const { issues } = plan(dialect, 'issues');
      expect(dips).toBeGreaterThan((workers * issues) / 20);
      const orders = await database.db.selectFrom('purchase_orders').select(['status', 'collecting']).execute();
      expect(orders).toEqual([
        { status: 'draft', collecting: 1 },
        { status: 'draft', collecting: 1 },
      ]);
    }, 60_000);

    it('keeps on order, the ledger and the drafts exact while orders are sent, received, closed and cancelled at random', async () => {
      const { database, reports } = await run('churn');
      expect(reports.flatMap((r) => r.unexpected)).toEqual([]);
      const actions = (name: string) => reports.reduce((sum, r) => sum + (r.actions[name] ?? 0), 0);
      expect(actions('send')).toBeGreaterThan(5);
      expect(actions('receive')).toBeGreaterThan(5);

      await expectConsistent(database, await readState(database));
      // What a supplier was sent is what the order says: no line was added to or raised on it afterwards.
      const sentLines = await database.db
        .selectFrom('purchase_order_lines as l')
        .innerJoin('items as i', 'i.id', 'l.item_id')
        .select(['l.purchase_order_id', 'i.sku', 'l.quantity_milli'])
        .execute();
      for (const report of reports) {
        for (const [orderId, lines] of Object.entries(report.sent)) {
          const stored = sentLines
            .filter((l) => Number(l.purchase_order_id) === Number(orderId))
            .map((l) => ({ sku: l.sku, quantity: Number(l.quantity_milli) / 1000 }))
            .sort((a, b) => a.sku.localeCompare(b.sku));
          const answered = lines
            .map((l) => ({ sku: l.sku, quantity: l.quantity }))
            .sort((a, b) => a.sku.localeCompare(b.sku));
          expect(stored, `order ${orderId}`).toEqual(answered);
        }
      }
    }, 60_000);
  });
}

describe.skipIf(!testPostgresUrl())('the collecting draft under racing transactions [postgres]', () => {
  let scratch: ScratchDatabase | undefined;
  let database: Database | undefined;
  beforeEach(async () => {
    scratch = await createScratchDatabase('postgres');
    database = await openDatabase(scratch.config);
    await seed(database);
  });
  afterEach(async () => {
    await database?.close();
    await scratch?.drop();
  });
  const ctx = () => ({ actor: 'racer', now: Date.now() });
  const issue = (sku: string, quantity: number) =>
    postMovements(database!, [{ type: 'issue', sku, location: LOCATION, quantity }], ctx()).then((o) => o[0]!);

  /**
   * Holds a transaction open on a second connection after `work`, as another process in the middle of
   * a send or of its own first draft; `release` commits it.
   */
  async function holdOpen(work: (tx: Database['db']) => Promise<void>): Promise<{ release: () => Promise<void> }> {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let ready!: () => void;
    const started = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const held = database!.db.transaction().execute(async (tx) => {
      await work(tx);
      ready();
      await gate;
    });
    await started;
    return {
      release: async () => {
        open();
        await held;
      },
    };
  }

  const isPending = (promise: Promise<unknown>, ms: number) =>
    Promise.race([promise.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms))]);

  it('a dip racing the first draft of the same supplier adds its line to that draft instead of failing', async () => {
    const acme = await database!.db
      .selectFrom('suppliers')
      .select('id')
      .where('code', '=', 'ACME')
      .executeTakeFirstOrThrow();
    // Another process has just opened ACME's collecting draft and not committed yet.
    let rivalId = 0;
    const rival = await holdOpen(async (tx) => {
      const row = await tx
        .insertInto('purchase_orders')
        .values({
          supplier_id: acme.id,
          status: 'draft',
          collecting: 1,
          currency: 'EUR',
          note: null,
          created_by: 'rival',
          created_at: Date.now(),
          updated_at: Date.now(),
          sent_at: null,
          confirmed_at: null,
          promised_date: null,
          received_at: null,
          closed_at: null,
          cancelled_at: null,
          cancel_reason: null,
          emailed_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      rivalId = Number(row.id);
    });
    // 80 − 55 = 25 ≤ 30: this issue drafts for ACME, and meets the rival's draft at the unique index.
    const dipping = issue(SKUS[0]!, 55);
    expect(await isPending(dipping, 300)).toBe(true);
    await rival.release();
    const outcome = await dipping;
    expect(outcome.triggered).toEqual([
      expect.objectContaining({ kind: 'order_line', purchase_order_id: rivalId, new_purchase_order: false }),
    ]);
    const collecting = await database!.db
      .selectFrom('purchase_orders')
      .select('id')
      .where('supplier_id', '=', acme.id)
      .where('collecting', '=', 1)
      .execute();
    expect(collecting.map((o) => Number(o.id))).toEqual([rivalId]);
  });

  it('a dip racing a send of the collecting draft goes to a new draft, never onto the order the supplier was sent', async () => {
    // 80 − 55 = 25 ≤ 30: PART-00 gets a line on ACME's collecting draft.
    await issue(SKUS[0]!, 55);
    const [draft] = await database!.db
      .selectFrom('purchase_order_lines as l')
      .innerJoin('purchase_orders as po', 'po.id', 'l.purchase_order_id')
      .innerJoin('items as i', 'i.id', 'l.item_id')
      .select(['po.id', 'l.quantity_milli'])
      .where('i.sku', '=', SKUS[0]!)
      .where('po.collecting', '=', 1)
      .execute();
    const sentId = Number(draft!.id);
    const sentQuantity = Number(draft!.quantity_milli);
    // A send in progress: it has locked the draft (requireOrder) and marked it sent, not yet committed.
    const send = await holdOpen(async (tx) => {
      await tx.selectFrom('purchase_orders').select('id').where('id', '=', sentId).forUpdate().execute();
      await tx
        .updateTable('purchase_orders')
        .set({ status: 'sent', collecting: 0, sent_at: Date.now(), updated_at: Date.now() })
        .where('id', '=', sentId)
        .execute();
    });
    // The position is now ≥ 100; issuing 90 dips it again, with the line still on the draft being sent.
    const dipping = issue(SKUS[0]!, 90);
    expect(await isPending(dipping, 300)).toBe(true);
    await send.release();
    const outcome = await dipping;
    const [line] = outcome.triggered as Array<{
      purchase_order_id: number;
      new_purchase_order: boolean;
      quantity: number;
    }>;
    expect(line).toMatchObject({ new_purchase_order: true });
    expect(line!.purchase_order_id).not.toBe(sentId);
    const sentLines = await database!.db
      .selectFrom('purchase_order_lines')
      .select('quantity_milli')
      .where('purchase_order_id', '=', sentId)
      .execute();
    expect(sentLines.map((l) => Number(l.quantity_milli))).toEqual([sentQuantity]);
    const states = await readState(database!);
    const part = states.find((s) => s.sku === SKUS[0])!;
    expect(part.onOrder).toBe(part.openLineSum);
    expect(part.onOrder).toBe(sentQuantity + line!.quantity * 1000);
  });
});

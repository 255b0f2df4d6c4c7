import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { seedCatalogue } from '../../test/support/fixtures.js';
import { mtoCtx, seedMakeToOrder } from '../../test/support/make-to-order.js';
import { startServer } from '../api/server.js';
import { type Database, openDatabase } from '../store/database.js';
import type { ServiceContext } from './context.js';
import { postMovements } from './ledger.service.js';
import { setPolicy } from './policy.service.js';
import { createCustomerOrder, getCustomerOrder } from './production/customer-order.service.js';
import type { SendPurchaseOrder } from './purchasing/auto-send.service.js';
import { getPurchaseOrder, sendPurchaseOrder } from './purchasing/purchase-order.service.js';
import { runSchedulerTick, type SchedulerTick, startScheduler } from './scheduler.js';
import { createSupplier } from './supplier.service.js';
import { addSupplierItem } from './supplier-item.service.js';

/** Monday 2 March 2026, 10:00 in Berlin. */
const t0 = Date.UTC(2026, 2, 2, 9, 0);
/** The first review of a daily 06:00 policy set at t0: Tuesday 06:00 CET. */
const firstReview = Date.UTC(2026, 2, 3, 5, 0);
const ctx = (now = t0): ServiceContext => ({ actor: 'tester', now });

/** A daily 06:00 periodic review of BOLT at WS whose supplier ACME sends automatically at once. */
async function seed(database: Database) {
  await seedCatalogue(database, { items: ['BOLT'], locations: ['WS'] });
  await createSupplier(database, { code: 'ACME', name: 'Acme' }, ctx());
  await database.db
    .updateTable('suppliers')
    .set({ auto_send: 1, order_days: null, consolidation_minutes: 0 })
    .where('code', '=', 'ACME')
    .execute();
  await addSupplierItem(database, 'BOLT', { supplier: 'ACME', unit_price: 0.1 }, ctx());
  await postMovements(database, [{ type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 30 }], ctx());
  await setPolicy(database, 'BOLT', 'WS', { kind: 'periodic_review', review_days: 1, target: 100 }, ctx());
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A send that waits for `gate` after signalling `entered`, so a test can hold a tick in progress. */
function heldSend() {
  const entered = deferred();
  const gate = deferred();
  const calls: number[] = [];
  const send: SendPurchaseOrder = async (database, id, context) => {
    calls.push(id);
    entered.resolve();
    await gate.promise;
    return sendPurchaseOrder(database, id, context);
  };
  return { send, entered, gate, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describeEachDialect('the scheduler', ({ database }) => {
  it('flags a customer order at risk once the supply it waits for is overdue, without any other event', async () => {
    await seedMakeToOrder(database());
    await createCustomerOrder(
      database(),
      {
        customer: 'ROSSI',
        requested_date: '2026-03-20',
        lines: [{ sku: 'LAMP', location: 'MAIN', quantity: 10 }],
        confirm: true,
      },
      mtoCtx(),
    );
    await sendPurchaseOrder(database(), 1, mtoCtx());
    // The shades are needed on 03-18 for the lamps' production: on 03-17 nothing is late yet.
    const before = await runSchedulerTick(database(), Date.UTC(2026, 2, 17, 9));
    expect(before.late_risk).toEqual({ checked: 1, at_risk: [], cleared: [] });
    // Within the interval the check is not due again.
    expect((await runSchedulerTick(database(), Date.UTC(2026, 2, 17, 9, 10))).late_risk).toBeNull();
    const after = await runSchedulerTick(database(), Date.UTC(2026, 2, 19, 9));
    expect(after.late_risk).toMatchObject({ checked: 1, at_risk: [{ number: 'SO-000001' }] });
    expect(await getCustomerOrder(database(), 'SO-000001')).toMatchObject({
      late_risk: true,
      late_risk_note: expect.stringContaining('PO-000001'),
    });
  });

  it('one tick runs the due reviews first, then sends the draft a review just opened', async () => {
    await seed(database());
    expect(await runSchedulerTick(database(), firstReview - 1)).toEqual({
      now: '2026-03-03T04:59:59.999Z',
      reviews: { reviews: [], skipped: 0, errors: [] },
      auto_sends: { sent: [], waiting: [], errors: [] },
      lead_time_shifts: { checked: 0, baselines_set: 0, shifts: [], errors: [] },
      drift_review: expect.objectContaining({ date: '2026-03-03', error: null }),
      replan: null,
      late_risk: { checked: 0, at_risk: [], cleared: [] },
    });
    const tick = await runSchedulerTick(database(), firstReview);
    expect(tick.reviews.reviews).toEqual([
      expect.objectContaining({ sku: 'BOLT', triggered: [expect.objectContaining({ quantity: 70 })] }),
    ]);
    expect(tick.auto_sends.sent).toEqual([expect.objectContaining({ number: 'PO-000001', supplier: 'ACME' })]);
    expect(await getPurchaseOrder(database(), 1)).toMatchObject({ status: 'sent', created_by: 'scheduler' });
  });

  it('ticks at start and every interval, never two at a time, with the clock read per tick', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await seed(database());
    const held = heldSend();
    const ticks: SchedulerTick[] = [];
    const errors: unknown[] = [];
    let tickDone = deferred();
    let now = firstReview;
    const scheduler = startScheduler(database(), {
      intervalMs: 1000,
      clock: () => now,
      send: held.send,
      onError: (error) => errors.push(error),
      onTick: (tick) => {
        ticks.push(tick);
        tickDone.resolve();
      },
    });
    await held.entered.promise;
    // Five intervals pass while the first tick is still sending: none of them starts a tick.
    vi.advanceTimersByTime(5000);
    held.gate.resolve();
    await tickDone.promise;
    expect(ticks).toHaveLength(1);
    expect(held.calls).toHaveLength(1);

    tickDone = deferred();
    now = firstReview + 86_400_000;
    vi.advanceTimersByTime(1000);
    await tickDone.promise;
    expect(ticks.map((t) => t.now)).toEqual(['2026-03-03T05:00:00.000Z', '2026-03-04T05:00:00.000Z']);
    expect(ticks[1]!.reviews.reviews).toEqual([expect.objectContaining({ due_at: '2026-03-04T05:00:00.000Z' })]);
    await scheduler.stop();
    vi.advanceTimersByTime(10_000);
    expect(ticks).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('stop waits for the tick in progress to finish', async () => {
    await seed(database());
    const held = heldSend();
    const scheduler = startScheduler(database(), { clock: () => firstReview, send: held.send });
    await held.entered.promise;
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    held.gate.resolve();
    await stopping;
    expect((await getPurchaseOrder(database(), 1)).status).toBe('sent');
  });

  it('reports errors to onError instead of throwing, and keeps running', async () => {
    await seed(database());
    const errors: unknown[] = [];
    const done = deferred();
    const scheduler = startScheduler(database(), {
      clock: () => firstReview,
      send: async () => {
        throw new Error('mail server down');
      },
      onError: (error) => errors.push(error),
      onTick: () => done.resolve(),
    });
    await done.promise;
    await scheduler.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(['automatic send of PO-000001: mail server down']);

    const failing = deferred();
    const broken = { ...database(), db: undefined } as unknown as Database;
    const second = startScheduler(broken, { onError: () => failing.resolve() });
    await failing.promise;
    await second.stop();
  });
});

describe('startServer', () => {
  async function serveOnce(schedulerEnv: string | undefined): Promise<number> {
    const dir = mkdtempSync(join(tmpdir(), 'leanstock-scheduler-server-'));
    const config = { dialect: 'sqlite' as const, path: join(dir, 'server.db') };
    const previous = process.env['LEANSTOCK_SCHEDULER'];
    try {
      const setup = await openDatabase(config);
      await seed(setup);
      // The server reads the real clock: make the review due now.
      await setup.db
        .updateTable('policies')
        .set({ next_review_at: Date.now() - 1000 })
        .execute();
      await setup.close();
      if (schedulerEnv === undefined) delete process.env['LEANSTOCK_SCHEDULER'];
      else process.env['LEANSTOCK_SCHEDULER'] = schedulerEnv;
      const server = await startServer({ config, host: '127.0.0.1', port: 0, logLevel: 'silent' });
      // The first tick starts with the server, and close() waits for it.
      await server.close();
      const check = await openDatabase(config);
      const reviews = await check.db
        .selectFrom('outbox_events')
        .select('id')
        .where('type', '=', 'policy.review_ran')
        .execute();
      await check.close();
      return reviews.length;
    } finally {
      if (previous === undefined) delete process.env['LEANSTOCK_SCHEDULER'];
      else process.env['LEANSTOCK_SCHEDULER'] = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('runs the scheduler while it serves and waits for its tick on close', async () => {
    expect(await serveOnce(undefined)).toBe(1);
  });

  it('does not run it with LEANSTOCK_SCHEDULER=off', async () => {
    expect(await serveOnce('off')).toBe(0);
  });
});

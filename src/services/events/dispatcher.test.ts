import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createScratchDatabase,
  describeEachDialect,
  type ScratchDatabase,
  testPostgresUrl,
} from '../../../test/support/dialects.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { clearAllData } from '../../store/clear-data.js';
import { type Database, openDatabase, type Tx, writeTransaction } from '../../store/database.js';
import { appendEvents, type NewEvent } from '../../store/outbox.repository.js';
import { deleteSubscription } from '../../store/webhook.repository.js';
import type { ServiceContext } from '../context.js';
import { dispatchOnce, RETRY_DELAYS_MS, startEventDispatcher } from './dispatcher.js';
import { currentEventPosition, listEvents } from './event.service.js';
import { advanceEventRelay } from './event-relay.js';
import { createWebhook, listWebhookDeliveries, updateWebhook } from './webhook.service.js';
import { verifyWebhookSignature } from './webhook-signature.js';

const t0 = Date.UTC(2026, 5, 1, 12);
const ctx = (now = t0): ServiceContext => ({ actor: 'tester', now });
const append = (database: Database, events: NewEvent[], now = t0) =>
  writeTransaction(database, (tx) => appendEvents(tx, events, now));
const drafted = (n: number): NewEvent => ({
  type: 'purchase_order.drafted',
  subject: `PO-${n}`,
  payload: { id: n, supplier: 'ACME' },
});
const bodies = (receiver: WebhookReceiver) => receiver.requests.map((r) => JSON.parse(r.body) as { id: number });

describeEachDialect('webhook dispatcher', ({ database }) => {
  let receiver: WebhookReceiver;
  afterEach(async () => {
    await receiver?.close();
  });

  it('POSTs each matching event once, signed with HMAC-SHA256 over "<t>.<body>" with the secret', async () => {
    receiver = await startWebhookReceiver(() => 204);
    const hook = await createWebhook(
      database(),
      { url: receiver.url, events: ['purchase_order.*'], secret: 'whsec_test_secret_123' },
      ctx(),
    );
    expect(hook.secret).toBe('whsec_test_secret_123');
    await append(database(), [drafted(7), { type: 'movement.posted', subject: 'BOLT@WS', payload: { count: 1 } }]);

    const report = await dispatchOnce(database(), { now: t0 + 1000 });
    expect(report).toMatchObject({ events: 2, deliveries_created: 1, delivered: 1, retrying: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['leanstock-event']).toBe('purchase_order.drafted');
    expect(JSON.parse(request!.body)).toEqual({
      id: 1,
      type: 'purchase_order.drafted',
      subject: 'PO-7',
      created_at: '2026-06-01T12:00:00.000Z',
      data: { id: 7, supplier: 'ACME' },
    });

    // Verify the way a receiver would: recompute the HMAC of "<t>.<raw body>" with node:crypto.
    const signature = String(request!.headers['leanstock-signature']);
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
    expect(match).not.toBeNull();
    const [, t, v1] = match!;
    expect(Number(t)).toBe(Math.floor((t0 + 1000) / 1000));
    expect(v1).toBe(createHmac('sha256', 'whsec_test_secret_123').update(`${t}.${request!.body}`).digest('hex'));
    const nowSeconds = Number(t);
    expect(verifyWebhookSignature('whsec_test_secret_123', signature, request!.body, { nowSeconds })).toBe(true);
    expect(verifyWebhookSignature('whsec_other_secret_12', signature, request!.body, { nowSeconds })).toBe(false);
    expect(verifyWebhookSignature('whsec_test_secret_123', signature, `${request!.body} `, { nowSeconds })).toBe(false);
    expect(
      verifyWebhookSignature('whsec_test_secret_123', signature, request!.body, { nowSeconds: nowSeconds + 301 }),
    ).toBe(false);

    const log = await listWebhookDeliveries(database(), hook.id, {});
    expect(log.data).toEqual([
      expect.objectContaining({
        webhook_id: hook.id,
        event_id: 1,
        event_type: 'purchase_order.drafted',
        status: 'delivered',
        attempts: 1,
        last_status_code: 204,
        last_error: null,
        next_attempt_at: null,
        delivered_at: '2026-06-01T12:00:01.000Z',
      }),
    ]);
    expect(request!.headers['leanstock-delivery']).toBe(String(log.data[0]!.id));

    expect(await dispatchOnce(database(), { now: t0 + 60_000 })).toMatchObject({ deliveries_created: 0, delivered: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('retries a 500 after 10 s and records the answer; a 200 then delivers it', async () => {
    receiver = await startWebhookReceiver((_request, index) =>
      index === 0 ? { status: 500, body: 'database down\n' } : 200,
    );
    const hook = await createWebhook(database(), { url: receiver.url, events: ['*'] }, ctx());
    await append(database(), [drafted(1)]);

    expect(await dispatchOnce(database(), { now: t0 })).toMatchObject({ delivered: 0, retrying: 1 });
    const [pending] = (await listWebhookDeliveries(database(), hook.id, {})).data;
    expect(pending).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_status_code: 500,
      last_error: 'HTTP 500: database down',
      next_attempt_at: new Date(t0 + 10_000).toISOString(),
    });

    // Not due a millisecond before the back-off ends.
    expect(await dispatchOnce(database(), { now: t0 + 9_999 })).toMatchObject({ delivered: 0, retrying: 0 });
    expect(receiver.requests).toHaveLength(1);

    expect(await dispatchOnce(database(), { now: t0 + 10_000 })).toMatchObject({ delivered: 1 });
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body);
    expect(receiver.requests[1]!.headers['leanstock-delivery']).toBe(
      receiver.requests[0]!.headers['leanstock-delivery'],
    );
    expect((await listWebhookDeliveries(database(), hook.id, {})).data[0]).toMatchObject({
      status: 'delivered',
      attempts: 2,
      last_status_code: 200,
      last_error: null,
      delivered_at: new Date(t0 + 10_000).toISOString(),
    });
  });

  it('backs off 10 s, 30 s, 2 min … and marks the delivery failed after the last attempt', async () => {
    receiver = await startWebhookReceiver(() => 503);
    const hook = await createWebhook(database(), { url: receiver.url, events: ['purchase_order.drafted'] }, ctx());
    await append(database(), [drafted(1)]);
    const maxAttempts = 4;
    let now = t0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const report = await dispatchOnce(database(), { now, maxAttempts });
      const [delivery] = (await listWebhookDeliveries(database(), hook.id, {})).data;
      expect(delivery!.attempts).toBe(attempt);
      expect(delivery!.last_status_code).toBe(503);
      if (attempt < maxAttempts) {
        expect(report.retrying).toBe(1);
        expect(delivery!.next_attempt_at).toBe(new Date(now + RETRY_DELAYS_MS[attempt - 1]!).toISOString());
        now += RETRY_DELAYS_MS[attempt - 1]!;
      } else {
        expect(report.failed).toBe(1);
        expect(delivery).toMatchObject({ status: 'failed', next_attempt_at: null });
      }
    }
    expect(RETRY_DELAYS_MS.slice(0, 3)).toEqual([10_000, 30_000, 120_000]);
    expect(receiver.requests).toHaveLength(maxAttempts);
    await dispatchOnce(database(), { now: now + 86_400_000, maxAttempts });
    expect(receiver.requests).toHaveLength(maxAttempts);
    expect((await listWebhookDeliveries(database(), hook.id, { status: 'failed' })).data).toHaveLength(1);
    expect((await listWebhookDeliveries(database(), hook.id, { status: 'pending' })).data).toHaveLength(0);
  });

  it('records a refused connection and a timeout as errors to retry', async () => {
    receiver = await startWebhookReceiver(() => ({ status: 200, delayMs: 1_000 }));
    const slow = await createWebhook(database(), { url: receiver.url, events: ['*'] }, ctx());
    const closed = await startWebhookReceiver();
    await closed.close();
    const refused = await createWebhook(database(), { url: closed.url, events: ['*'] }, ctx());
    await append(database(), [drafted(1)]);
    const report = await dispatchOnce(database(), { now: t0, timeoutMs: 100 });
    expect(report).toMatchObject({ delivered: 0, retrying: 2 });
    expect((await listWebhookDeliveries(database(), slow.id, {})).data[0]).toMatchObject({
      status: 'pending',
      last_status_code: null,
      last_error: 'timed out after 100 ms',
    });
    expect((await listWebhookDeliveries(database(), refused.id, {})).data[0]!.last_error).toMatch(/ECONNREFUSED/);
  });

  it('fans out by pattern to active webhooks only, from their creation on, and never twice', async () => {
    receiver = await startWebhookReceiver(() => 200);
    await append(database(), [drafted(0)], t0 - 1);
    const orders = await createWebhook(database(), { url: receiver.url, events: ['purchase_order.*'] }, ctx());
    const stock = await createWebhook(
      database(),
      { url: receiver.url, events: ['stock.below_reorder_point', 'movement.posted'] },
      ctx(),
    );
    const everything = await createWebhook(database(), { url: receiver.url, events: ['*'] }, ctx());
    const paused = await createWebhook(database(), { url: receiver.url, events: ['*'], active: false }, ctx());
    await append(database(), [
      drafted(1),
      { type: 'purchase_order.sent', subject: 'PO-1', payload: {} },
      { type: 'stock.below_reorder_point', subject: 'BOLT@WS', payload: {} },
      { type: 'kanban.card_signalled', subject: 'card', payload: {} },
    ]);
    const first = await advanceEventRelay(database(), { now: t0 });
    const second = await advanceEventRelay(database(), { now: t0 });
    expect(first).toMatchObject({ events: 5, deliveriesCreated: 2 + 1 + 4, settledTo: 5 });
    expect(second).toMatchObject({ events: 0, deliveriesCreated: 0, settledTo: 5 });

    const types = async (id: number) =>
      (await listWebhookDeliveries(database(), id, {})).data.map((d) => d.event_type).sort();
    expect(await types(orders.id)).toEqual(['purchase_order.drafted', 'purchase_order.sent']);
    expect(await types(stock.id)).toEqual(['stock.below_reorder_point']);
    expect(await types(everything.id)).toHaveLength(4);
    expect(await types(paused.id)).toEqual([]);

    // A webhook switched on later gets what happens from then on, not the backlog.
    await updateWebhook(database(), paused.id, { active: true }, ctx(t0 + 1));
    await append(database(), [{ type: 'policy.changed', subject: 'BOLT@WS', payload: {} }], t0 + 2);
    await dispatchOnce(database(), { now: t0 + 3 });
    expect(await types(paused.id)).toEqual(['policy.changed']);
    expect(receiver.requests).toHaveLength(2 + 1 + 5 + 1);
  });

  it('lists settled events in id order, after an id, filtered by type, a page at a time', async () => {
    await append(database(), [drafted(1), { type: 'movement.posted', payload: { count: 1 } }, drafted(2)]);
    const all = await listEvents(database(), { now: t0 });
    expect(all.data.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(all.data[1]).toEqual({
      id: 2,
      type: 'movement.posted',
      subject: null,
      created_at: '2026-06-01T12:00:00.000Z',
      data: { count: 1 },
    });
    expect((await listEvents(database(), { now: t0, after: 1 })).data.map((e) => e.id)).toEqual([2, 3]);
    expect((await listEvents(database(), { now: t0, type: 'purchase_order.*' })).data.map((e) => e.id)).toEqual([1, 3]);
    expect((await listEvents(database(), { now: t0, type: 'movement.posted,purchase_order.*' })).data).toHaveLength(3);
    const first = await listEvents(database(), { now: t0, limit: 2 });
    expect(first.data.map((e) => e.id)).toEqual([1, 2]);
    const next = await listEvents(database(), { now: t0, limit: 2, cursor: first.next_cursor! });
    expect(next).toMatchObject({ data: [{ id: 3 }], next_cursor: null });
    await expect(listEvents(database(), { now: t0, type: 'Purchase Order' })).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      details: [{ field: 'type' }],
    });
    await expect(listEvents(database(), { now: t0, after: '-1' })).rejects.toMatchObject({
      details: [{ field: 'after' }],
    });
  });

  it('relays a backlog in bounded passes, and "from now" starts after all of it', async () => {
    await append(
      database(),
      Array.from({ length: 6_000 }, (_, i) => drafted(i)),
    );
    expect(await advanceEventRelay(database(), { now: t0 })).toMatchObject({ events: 5_000, settledTo: 5_000 });
    expect(await currentEventPosition(database(), t0)).toBe(6_000);
  });

  it('starts over at the beginning of the outbox after all data was wiped (demo --force)', async () => {
    await append(database(), [drafted(1), drafted(2), drafted(3)]);
    expect((await advanceEventRelay(database(), { now: t0 })).settledTo).toBe(3);
    await writeTransaction(database(), (tx) => clearAllData(tx, database().dialect));
    await append(database(), [drafted(4)]);
    expect((await listEvents(database(), { now: t0 })).data.map((e) => e.subject)).toEqual(['PO-4']);
  });

  it('startEventDispatcher delivers on its own timer and stops cleanly', async () => {
    receiver = await startWebhookReceiver(() => 200);
    await createWebhook(database(), { url: receiver.url, events: ['*'] }, ctx(Date.now() - 1000));
    const errors: unknown[] = [];
    const dispatcher = startEventDispatcher(database(), { intervalMs: 50, onError: (error) => errors.push(error) });
    await append(database(), [drafted(1)], Date.now());
    const deadline = Date.now() + 10_000;
    while (receiver.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await dispatcher.stop();
    expect(errors).toEqual([]);
    expect(bodies(receiver).map((b) => b.id)).toEqual([1]);
  });
});

describe.skipIf(!testPostgresUrl())('webhook dispatcher with several processes on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let first: Database;
  let second: Database;
  let receiver: WebhookReceiver | undefined;
  let openTransactions: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    openTransactions = [];
    scratch = await createScratchDatabase('postgres');
    first = await openDatabase(scratch.config);
    second = await openDatabase(scratch.config);
  });
  afterEach(async () => {
    // A failed assertion must not leave a transaction holding the schema that is dropped next.
    for (const rollback of openTransactions) await rollback();
    await receiver?.close();
    await first.close();
    await second.close();
    await scratch.drop();
  });

  it('two dispatchers running at once deliver each event exactly once', async () => {
    receiver = await startWebhookReceiver(() => ({ status: 200, delayMs: 5 }));
    await createWebhook(first, { url: receiver.url, events: ['*'] }, ctx());
    for (let n = 1; n <= 40; n++) await append(n % 2 ? first : second, [drafted(n)]);
    await advanceEventRelay(first, { now: t0 });
    const reports = await Promise.all([
      dispatchOnce(first, { now: t0, batchSize: 4, concurrency: 2 }),
      dispatchOnce(second, { now: t0, batchSize: 4, concurrency: 2 }),
    ]);
    expect(reports[0]!.delivered + reports[1]!.delivered).toBe(40);
    expect(reports[0]!.delivered).toBeGreaterThan(0);
    expect(reports[1]!.delivered).toBeGreaterThan(0);
    const ids = bodies(receiver).map((b) => b.id);
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const attempts = await first.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).execute();
    expect(attempts).toHaveLength(40);
    expect(attempts.every((d) => d.status === 'delivered' && Number(d.attempts) === 1)).toBe(true);
  });

  it('two relays fanning out at once create each delivery once', async () => {
    await createWebhook(first, { url: 'http://127.0.0.1:9/hooks', events: ['*'] }, ctx());
    for (let n = 1; n <= 30; n++) await append(first, [drafted(n)]);
    await Promise.all([
      advanceEventRelay(first, { now: t0, batchSize: 7 }),
      advanceEventRelay(second, { now: t0, batchSize: 7 }),
      advanceEventRelay(first, { now: t0, batchSize: 7 }),
    ]);
    await advanceEventRelay(second, { now: t0 });
    const rows = await first.db.selectFrom('webhook_deliveries').select('event_id').execute();
    expect(rows.map((r) => Number(r.event_id)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
  });

  /** Opens a transaction that does `work` (by default, writes an event, drawing its id) and waits; `commit` or `rollback` ends it. */
  async function openSlowTransaction(database: Database, event: NewEvent, work?: (tx: Tx) => Promise<void>) {
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => {
      finish = resolve;
    });
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => {
      written = resolve;
    });
    const done = database.db
      .transaction()
      .execute(async (tx) => {
        await (work ? work(tx) : appendEvents(tx, [event], t0));
        written();
        if (!(await decided)) throw new Error('rolled back on purpose');
      })
      .catch((error: Error) => {
        if (error.message !== 'rolled back on purpose') throw error;
      });
    await wrote;
    openTransactions.push(async () => {
      finish(false);
      await done;
    });
    return {
      commit: async () => {
        finish(true);
        await done;
      },
      rollback: async () => {
        finish(false);
        await done;
      },
    };
  }

  it('a webhook deleted while the relay fans out to it leaves the relay to finish without it', async () => {
    const hook = await createWebhook(first, { url: 'http://127.0.0.1:9/hooks', events: ['*'] }, ctx());
    await append(first, [drafted(1), drafted(2)]);
    const deleting = await openSlowTransaction(first, drafted(0), (tx) => deleteSubscription(tx, hook.id));
    const relay = advanceEventRelay(second, { now: t0 }); // its delivery inserts wait for the delete's row lock
    await new Promise((resolve) => setTimeout(resolve, 300));
    await deleting.commit();
    expect(await relay).toMatchObject({ deliveriesCreated: 0, settledTo: 2 });
    expect(await first.db.selectFrom('webhook_deliveries').selectAll().execute()).toEqual([]);
  });

  it('does not skip an event whose smaller id commits after a larger one', async () => {
    receiver = await startWebhookReceiver(() => 200);
    await createWebhook(first, { url: receiver.url, events: ['*'] }, ctx());
    const slow = await openSlowTransaction(first, drafted(1)); // draws id 1
    await append(second, [drafted(2)]); // id 2, committed first

    await dispatchOnce(second, { now: t0 });
    expect(bodies(receiver).map((b) => b.id)).toEqual([2]);
    // Id 1 is still open, so the list (and the stream) settle nothing yet: a reader going by ids must not pass it.
    expect((await listEvents(second, { now: t0 })).data).toEqual([]);
    // However late it gets, an open transaction is waited for.
    await dispatchOnce(first, { now: t0 + 3_600_000 });
    expect(receiver.requests).toHaveLength(1);

    await slow.commit();
    const report = await dispatchOnce(second, { now: t0 + 3_600_000 });
    expect(report).toMatchObject({ events: 1, deliveries_created: 1, delivered: 1 });
    expect(bodies(receiver).map((b) => b.id)).toEqual([2, 1]);
    expect((await listEvents(first, { now: t0 })).data.map((e) => e.id)).toEqual([1, 2]);
  });

  it('gives up an id whose transaction rolled back, once no older transaction is open', async () => {
    const slow = await openSlowTransaction(first, drafted(1));
    await append(second, [drafted(2)]);
    expect((await advanceEventRelay(second, { now: t0 })).settledTo).toBe(0);
    await slow.rollback();
    // Within the grace period the id is still awaited.
    expect((await advanceEventRelay(second, { now: t0 + 1_000 })).settledTo).toBe(0);
    // After it, as soon as every transaction older than the gap has ended (others may share this server).
    let settledTo = 0;
    const deadline = Date.now() + 20_000;
    while (settledTo < 2 && Date.now() < deadline) {
      settledTo = (await advanceEventRelay(second, { now: t0 + 3_000 })).settledTo;
      if (settledTo < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(settledTo).toBe(2);
    expect((await listEvents(first, { now: t0 })).data.map((e) => e.id)).toEqual([2]);
  });
});

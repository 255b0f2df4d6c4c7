import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { writeTransaction } from '../../store/database.js';
import { appendEvents, type NewEvent } from '../../store/outbox.repository.js';
import { buildApp } from '../app.js';
import { startServer } from '../server.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('event and webhook routes', ({ database }) => {
  let app: FastifyInstance;
  let receiver: WebhookReceiver | undefined;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
  });
  afterEach(async () => {
    await app.close();
    await receiver?.close();
    receiver = undefined;
  });

  const send = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers = {}) =>
    app.inject({ method, url, ...(payload !== undefined && { payload: payload as object }), headers });
  const append = (events: NewEvent[]) => writeTransaction(database(), (tx) => appendEvents(tx, events, now));
  const snapshot = async () => ({
    webhooks: await database().db.selectFrom('webhook_subscriptions').selectAll().orderBy('id').execute(),
    deliveries: await database().db.selectFrom('webhook_deliveries').selectAll().orderBy('id').execute(),
    events: await database().db.selectFrom('outbox_events').selectAll().orderBy('id').execute(),
    audit: await database().db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    keys: await database().db.selectFrom('idempotency_keys').select('key').execute(),
  });

  it('creates a webhook (201) showing a generated secret once; GET, list and PATCH never show it', async () => {
    const created = await send('POST', '/api/v1/webhooks', {
      url: 'https://erp.example.com/leanstock',
      events: ['purchase_order.*', 'stock.below_reorder_point'],
      description: 'ERP inbox',
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toEqual({
      id: 1,
      url: 'https://erp.example.com/leanstock',
      events: ['purchase_order.*', 'stock.below_reorder_point'],
      active: true,
      description: 'ERP inbox',
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
      created_at: '2026-06-01T12:00:00.000Z',
      updated_at: '2026-06-01T12:00:00.000Z',
    });
    const { secret, ...shown } = body;
    expect(secret).toBeDefined();
    expect((await send('GET', '/api/v1/webhooks/1')).json()).toEqual(shown);
    expect((await send('GET', '/api/v1/webhooks')).json()).toEqual({ data: [shown], next_cursor: null });
    const patched = await send('PATCH', '/api/v1/webhooks/1', { active: false, events: ['*'] });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toEqual({ ...shown, active: false, events: ['*'] });
    expect((await send('GET', '/api/v1/webhooks?active=true')).json().data).toEqual([]);

    const audit = await database().db.selectFrom('audit_log').selectAll().where('entity', '=', 'webhook').execute();
    expect(audit.map((entry) => entry.action)).toEqual(['create', 'update']);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('a retried create with the same Idempotency-Key answers the first webhook and creates one', async () => {
    const body = { url: 'http://127.0.0.1:1/hook', events: ['movement.posted'] };
    const first = await send('POST', '/api/v1/webhooks', body, { 'idempotency-key': 'hook-1' });
    const again = await send('POST', '/api/v1/webhooks', body, { 'idempotency-key': 'hook-1' });
    expect(again.json()).toEqual(first.json());
    expect((await send('GET', '/api/v1/webhooks')).json().data).toHaveLength(1);
  });

  const badBodies: Array<[string, unknown, string]> = [
    ['an ftp URL', { url: 'ftp://example.com/x', events: ['*'] }, 'url'],
    ['a URL that is not one', { url: 'example.com/hook', events: ['*'] }, 'url'],
    ['no URL', { events: ['*'] }, 'url'],
    ['an unknown event type', { url: 'https://a.example/h', events: ['purchase_order.shipped'] }, 'events'],
    ['an unknown namespace', { url: 'https://a.example/h', events: ['invoice.*'] }, 'events'],
    ['no events', { url: 'https://a.example/h', events: [] }, 'events'],
    ['events as text', { url: 'https://a.example/h', events: 'movement.posted' }, 'events'],
    ['a short secret', { url: 'https://a.example/h', events: ['*'], secret: 'short' }, 'secret'],
    ['active as text', { url: 'https://a.example/h', events: ['*'], active: 'yes' }, 'active'],
    ['a field of no webhook', { url: 'https://a.example/h', events: ['*'], colour: 'red' }, 'colour'],
  ];
  for (const [name, body, field] of badBodies) {
    it(`refuses ${name} with 400 naming ${field}, and writes nothing`, async () => {
      const before = await snapshot();
      const res = await send('POST', '/api/v1/webhooks', body, { 'idempotency-key': `bad-${name}` });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('LS_VALIDATION');
      expect(res.json().error.message).toContain(field);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('refuses a bad PATCH naming the field and leaves the webhook as it was', async () => {
    await send('POST', '/api/v1/webhooks', { url: 'https://a.example/h', events: ['*'] });
    const before = await snapshot();
    for (const [body, field] of [
      [{ url: 'mailto:ops@example.com' }, 'url'],
      [{ events: ['kanban.card_lost'] }, 'events'],
      [{}, 'body'],
    ] as const) {
      const res = await send('PATCH', '/api/v1/webhooks/1', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 LS_UNKNOWN_WEBHOOK naming id for a webhook that does not exist, and writes nothing', async () => {
    await send('POST', '/api/v1/webhooks', { url: 'https://a.example/h', events: ['*'] });
    const before = await snapshot();
    const requests: Array<[Parameters<typeof send>[0], string, unknown?]> = [
      ['GET', '/api/v1/webhooks/999'],
      ['GET', '/api/v1/webhooks/abc'],
      ['PATCH', '/api/v1/webhooks/999', { active: false }],
      ['DELETE', '/api/v1/webhooks/999'],
      ['GET', '/api/v1/webhooks/999/deliveries'],
      ['POST', '/api/v1/webhooks/999/test'],
    ];
    for (const [method, url, body] of requests) {
      const res = await send(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'LS_UNKNOWN_WEBHOOK', details: [{ field: 'id' }] });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('DELETE removes a webhook with its delivery log and audits it', async () => {
    await send('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/h', events: ['*'] });
    await append([{ type: 'movement.posted', payload: {} }]);
    await send('GET', '/api/v1/events'); // settles the outbox, fanning the event out
    expect(await database().db.selectFrom('webhook_deliveries').selectAll().execute()).toHaveLength(1);
    const removed = await send('DELETE', '/api/v1/webhooks/1');
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ id: 1, url: 'http://127.0.0.1:9/h' });
    expect((await send('GET', '/api/v1/webhooks/1')).statusCode).toBe(404);
    expect(await database().db.selectFrom('webhook_deliveries').selectAll().execute()).toEqual([]);
    const actions = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'webhook')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['create', 'delete']);
  });

  it('POST /webhooks/{id}/test sends a signed webhook.test to that webhook only and answers the delivery', async () => {
    receiver = await startWebhookReceiver(() => 200);
    const created = (await send('POST', '/api/v1/webhooks', { url: receiver.url, events: ['movement.posted'] })).json();
    await send('POST', '/api/v1/webhooks', { url: receiver.url, events: ['*'] });
    const res = await send('POST', `/api/v1/webhooks/${created.id}/test`);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      webhook_id: created.id,
      event_type: 'webhook.test',
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
    });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.headers['leanstock-event']).toBe('webhook.test');
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(request!.headers['leanstock-signature']))!;
    expect(v1).toBe(createHmac('sha256', created.secret).update(`${t}.${request!.body}`).digest('hex'));
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'webhook.test', data: { webhook_id: created.id } });

    const log = (await send('GET', `/api/v1/webhooks/${created.id}/deliveries`)).json();
    expect(log).toMatchObject({ data: [{ id: res.json().id, status: 'delivered' }], next_cursor: null });
    expect((await send('GET', `/api/v1/webhooks/${created.id}/deliveries?status=failed`)).json().data).toEqual([]);
    const bad = await send('GET', `/api/v1/webhooks/${created.id}/deliveries?status=lost`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('status');
  });

  it('GET /events lists events after an id, by type, in pages', async () => {
    await append([
      { type: 'purchase_order.drafted', subject: 'PO-1', payload: { id: 1 } },
      { type: 'movement.posted', subject: 'BOLT@WS', payload: { count: 1 } },
      { type: 'purchase_order.sent', subject: 'PO-1', payload: { id: 1 } },
    ]);
    const all = await send('GET', '/api/v1/events');
    expect(all.statusCode).toBe(200);
    expect(all.json().data[0]).toEqual({
      id: 1,
      type: 'purchase_order.drafted',
      subject: 'PO-1',
      created_at: '2026-06-01T12:00:00.000Z',
      data: { id: 1 },
    });
    expect((await send('GET', '/api/v1/events?after=1')).json().data.map((e: { id: number }) => e.id)).toEqual([2, 3]);
    const orders = await send('GET', '/api/v1/events?type=purchase_order.*');
    expect(orders.json().data.map((e: { id: number }) => e.id)).toEqual([1, 3]);
    const first = (await send('GET', '/api/v1/events?limit=2')).json();
    expect(first.data).toHaveLength(2);
    const rest = (await send('GET', `/api/v1/events?limit=2&cursor=${first.next_cursor}`)).json();
    expect(rest).toMatchObject({ data: [{ id: 3 }], next_cursor: null });
    for (const [url, field] of [
      ['/api/v1/events?after=-1', 'after'],
      ['/api/v1/events?after=x', 'after'],
      ['/api/v1/events?type=Not%20A%20Type', 'type'],
    ]) {
      const res = await send('GET', url!);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details[0].field).toBe(field);
    }
  });

  /** Reads SSE frames from a streaming fetch until `enough` says so (or 10 s pass). */
  async function readFrames(
    response: Response,
    enough: (frames: Array<Record<string, string>>) => boolean,
  ): Promise<Array<Record<string, string>>> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const frames: Array<Record<string, string>> = [];
    const deadline = Date.now() + 10_000;
    while (!enough(frames) && Date.now() < deadline) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let end = text.indexOf('\n\n');
      while (end >= 0) {
        const frame: Record<string, string> = {};
        for (const line of text.slice(0, end).split('\n')) {
          const colon = line.indexOf(':');
          const key = colon < 0 ? line : line.slice(0, colon);
          frame[key || 'comment'] = line.slice(colon + 1).trimStart();
        }
        if (frame['data'] !== undefined) frames.push(frame);
        text = text.slice(end + 2);
        end = text.indexOf('\n\n');
      }
    }
    reader.releaseLock();
    return frames;
  }

  it('streams events appended after connecting as server-sent events and resumes after Last-Event-ID', async () => {
    await append([{ type: 'movement.posted', payload: { before: true } }]); // id 1: before connecting
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/events/stream`;

    const live = new AbortController();
    const response = await fetch(base, { signal: live.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await append([
      { type: 'purchase_order.drafted', subject: 'PO-2', payload: { id: 2 } },
      { type: 'movement.posted', subject: 'BOLT@WS', payload: { count: 1 } },
    ]);
    const frames = await readFrames(response, (f) => f.length >= 2);
    live.abort();
    expect(frames.map((f) => [f['id'], f['event']])).toEqual([
      ['2', 'purchase_order.drafted'],
      ['3', 'movement.posted'],
    ]);
    expect(JSON.parse(frames[0]!['data']!)).toEqual({
      id: 2,
      type: 'purchase_order.drafted',
      subject: 'PO-2',
      created_at: '2026-06-01T12:00:00.000Z',
      data: { id: 2 },
    });

    // While disconnected, more happens; reconnecting with Last-Event-ID picks up exactly after it.
    await append([{ type: 'kanban.card_signalled', subject: 'card-1', payload: {} }]);
    const resumed = new AbortController();
    const again = await fetch(base, { signal: resumed.signal, headers: { 'last-event-id': '2' } });
    const replay = await readFrames(again, (f) => f.length >= 2);
    resumed.abort();
    expect(replay.map((f) => f['id'])).toEqual(['3', '4']);

    // ?after= and ?types= together: only purchase orders, from the start.
    const filtered = new AbortController();
    const orders = await fetch(`${base}?after=0&types=purchase_order.*`, { signal: filtered.signal });
    await append([{ type: 'purchase_order.sent', subject: 'PO-2', payload: { id: 2 } }]);
    const orderFrames = await readFrames(orders, (f) => f.length >= 2);
    filtered.abort();
    expect(orderFrames.map((f) => [f['id'], f['event']])).toEqual([
      ['2', 'purchase_order.drafted'],
      ['5', 'purchase_order.sent'],
    ]);
  });

  it('closes open streams when the server closes, without hanging', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/events/stream`;
    const responses = await Promise.all([fetch(base), fetch(`${base}?after=0`)]);
    const ended = responses.map(async (response) => {
      const reader = response.body!.getReader();
      for (;;) if ((await reader.read()).done) return true;
    });
    const started = Date.now();
    await app.close();
    expect(await Promise.all(ended)).toEqual([true, true]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('closes without waiting for a client that stopped reading', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const stalled = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/api/v1/events/stream?after=0' }, resolve);
      req.on('error', reject);
      req.end();
    });
    stalled.pause(); // reads nothing more: the server's buffers fill up
    stalled.on('error', () => {});
    const filler = 'x'.repeat(2_000);
    for (let batch = 0; batch < 8; batch++) {
      await append(Array.from({ length: 500 }, (_, i) => ({ type: 'movement.posted', payload: { filler, i } })));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    stalled.destroy();
  });

  it('refuses a bad stream filter or Last-Event-ID with 400 naming it', async () => {
    const types = await send('GET', '/api/v1/events/stream?types=no%20such%20thing');
    expect(types.statusCode).toBe(400);
    expect(types.json().error.details[0].field).toBe('types');
    const last = await send('GET', '/api/v1/events/stream', undefined, { 'last-event-id': 'yesterday' });
    expect(last.statusCode).toBe(400);
    expect(last.json().error.details[0].field).toBe('Last-Event-ID');
  });
});

describe('startServer', () => {
  it('runs the webhook dispatcher while it serves and stops it on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leanstock-events-server-'));
    const receiver = await startWebhookReceiver(() => 200);
    const server = await startServer({
      config: { dialect: 'sqlite', path: join(dir, 'server.db') },
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
    });
    try {
      const created = await fetch(`${server.url}/api/v1/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, events: ['purchase_order.*'] }),
      });
      expect(created.status).toBe(201);
      await writeTransaction(server.database, (tx) =>
        appendEvents(tx, [{ type: 'purchase_order.sent', subject: 'PO-9', payload: { id: 9 } }], Date.now()),
      );
      const deadline = Date.now() + 10_000;
      while (receiver.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(receiver.requests.map((r) => JSON.parse(r.body).subject)).toEqual(['PO-9']);
    } finally {
      await server.close();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

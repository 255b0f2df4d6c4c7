import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { mimeParts, startSmtpSink, type TestSmtpServer } from '../../../test/support/smtp-sink.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('purchase order routes', ({ database }) => {
  let app: FastifyInstance;
  let smtp: TestSmtpServer;
  beforeEach(async () => {
    smtp = await startSmtpSink();
    app = await buildApp({
      database: database(),
      clock: () => now,
      mail: { mail: { smtpUrl: smtp.url, from: 'buyer@shop.example' }, buyerName: 'Corner Workshop' },
    });
    await seedCatalogue(database(), { items: ['BOLT-M8'], locations: ['WS'] });
    const setup = [
      ['POST', '/api/v1/suppliers', { code: 'ACME', name: 'Acme', email: 'orders@acme.example', lead_time_days: 3 }],
      ['POST', '/api/v1/items/BOLT-M8/sources', { supplier: 'ACME', unit_price: 0.12, pack_size: 25 }],
      ['POST', '/api/v1/movements', { type: 'receipt', sku: 'BOLT-M8', location: 'WS', quantity: 100 }],
      ['PUT', '/api/v1/policies/BOLT-M8/WS', { kind: 'reorder_point', reorder_point: 40, target: 150 }],
    ] as const;
    for (const [method, url, payload] of setup) {
      const answer = await app.inject({ method, url, payload });
      expect(answer.statusCode, `${method} ${url}: ${answer.body}`).toBeLessThan(300);
    }
  });
  afterEach(async () => {
    await app.close();
    await smtp.close();
  });

  const issue = (quantity: number) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/movements',
      payload: { type: 'issue', sku: 'BOLT-M8', location: 'WS', quantity },
    });
  const stock = async () =>
    (await app.inject({ url: '/api/v1/stock?sku=BOLT-M8&location=WS' })).json().data[0] as Record<string, number>;

  it('an issue that crosses s answers the drafted line; the next issue drafts nothing; po list shows one line', async () => {
    const above = await issue(50);
    expect(above.statusCode).toBe(201);
    expect(above.json().triggered).toEqual([]);
    const crossing = await issue(20);
    expect(crossing.statusCode).toBe(201);
    expect(crossing.json().triggered).toEqual([
      expect.objectContaining({
        kind: 'order_line',
        purchase_order: expect.stringMatching(/^PO-\d{6}$/),
        supplier: 'ACME',
        need: 120,
        quantity: 125,
        price_rule: 'list_price',
      }),
    ]);
    expect(crossing.json().balance).toMatchObject({ on_hand: 30, on_order: 125, inventory_position: 155 });
    expect((await issue(5)).json().triggered).toEqual([]);

    const list = await app.inject({ url: '/api/v1/purchase-orders?status=draft' });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toEqual([
      expect.objectContaining({
        supplier: 'ACME',
        status: 'draft',
        lines: [expect.objectContaining({ sku: 'BOLT-M8', location: 'WS', quantity: 125, received_quantity: 0 })],
      }),
    ]);
  });

  it('cancelling re-triggers; sending e-mails the PDF to the supplier; receiving closes the loop', async () => {
    const first = (await issue(70)).json().triggered[0];
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/v1/purchase-orders/${first.purchase_order_id}/cancel`,
      payload: { reason: 'price agreed by phone' },
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancel_reason: 'price agreed by phone' });
    const again = cancelled.json().triggered;
    expect(again).toEqual([expect.objectContaining({ kind: 'order_line', quantity: 125, new_purchase_order: true })]);
    const id = again[0].purchase_order_id as number;

    const sent = await app.inject({ method: 'POST', url: `/api/v1/purchase-orders/${id}/send` });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ status: 'sent', email: { status: 'sent', to: 'orders@acme.example' } });
    expect(sent.json().emailed_at).not.toBeNull();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['orders@acme.example']);
    const attachment = mimeParts(smtp.received[0]!.raw).find((part) => part.headers.includes('application/pdf'))!;
    expect(Buffer.from(attachment.body.replace(/\s+/g, ''), 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    const pdf = await app.inject({ url: `/api/v1/purchase-orders/${id}/pdf` });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const received = await app.inject({
      method: 'POST',
      url: `/api/v1/purchase-orders/${id}/receive`,
      payload: { lines: [{ sku: 'BOLT-M8', location: 'WS', quantity: 125 }] },
    });
    expect(received.statusCode).toBe(200);
    expect(received.json()).toMatchObject({ status: 'received', triggered: [] });
    expect(await stock()).toMatchObject({ on_hand: 155, on_order: 0 });
    const closed = await app.inject({ method: 'POST', url: `/api/v1/purchase-orders/${id}/close` });
    expect(closed.json()).toMatchObject({ status: 'closed' });
  });

  it('drafts can be edited: add a line by hand, split it off, merge it back, move a line to another supplier', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/suppliers', payload: { code: 'BETA', name: 'Beta' } });
    await app.inject({
      method: 'POST',
      url: '/api/v1/items/BOLT-M8/sources',
      payload: { supplier: 'BETA', unit_price: 0.2, rank: 2 },
    });
    await seedCatalogue(database(), { items: ['NUT-M8'], locations: [] });
    await app.inject({
      method: 'POST',
      url: '/api/v1/items/NUT-M8/sources',
      payload: { supplier: 'ACME', unit_price: 0.05 },
    });
    const id = (await issue(70)).json().triggered[0].purchase_order_id as number;
    const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

    const added = await post(`/api/v1/purchase-orders/${id}/lines`, { sku: 'NUT-M8', location: 'WS', quantity: 40 });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().lines).toHaveLength(2);
    const nutLine = added.json().lines.find((l: { sku: string }) => l.sku === 'NUT-M8');
    expect(nutLine).toMatchObject({ origin: 'manual', quantity: 40, unit_price: 0.05 });

    const split = await post(`/api/v1/purchase-orders/${id}/split`, { line_ids: [nutLine.id] });
    expect(split.statusCode, split.body).toBe(200);
    expect(split.json()).toMatchObject({ status: 'draft', collecting: false, lines: [{ sku: 'NUT-M8' }] });
    const merged = await post(`/api/v1/purchase-orders/${id}/merge`, { from: split.json().id });
    expect(merged.json().lines).toHaveLength(2);
    expect((await app.inject({ url: `/api/v1/purchase-orders/${split.json().id}` })).json()).toMatchObject({
      status: 'cancelled',
      cancel_reason: expect.stringContaining('merged into'),
    });

    const boltLine = merged.json().lines.find((l: { sku: string }) => l.sku === 'BOLT-M8');
    const moved = await post(`/api/v1/purchase-orders/${id}/lines/${boltLine.id}/move`, { supplier: 'BETA' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      supplier: 'BETA',
      collecting: true,
      lines: [{ sku: 'BOLT-M8', quantity: 125, unit_price: 0.2 }],
    });
    expect(await stock()).toMatchObject({ on_order: 125, inventory_position: 155 });

    const refused = [
      [`/api/v1/purchase-orders/${id}/lines`, { sku: 'BOLT-M8', location: 'WS', quantity: 0 }, 400, 'quantity'],
      [`/api/v1/purchase-orders/${id}/lines/${nutLine.id}/move`, { supplier: 'NOPE' }, 404, 'supplier'],
      [`/api/v1/purchase-orders/${id}/split`, { line_ids: [nutLine.id] }, 400, 'line_ids'],
      [`/api/v1/purchase-orders/${id}/merge`, { from: id }, 400, 'from'],
    ] as const;
    for (const [url, payload, status, field] of refused) {
      const answer = await post(url, payload);
      expect(answer.statusCode, `${url}: ${answer.body}`).toBe(status);
      expect(answer.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });

  it('bad input is a 4xx naming the field and changes nothing', async () => {
    const id = (await issue(70)).json().triggered[0].purchase_order_id as number;
    await app.inject({ method: 'POST', url: `/api/v1/purchase-orders/${id}/send`, payload: { email: false } });
    const before = await stock();
    const cases = [
      [
        `/api/v1/purchase-orders/${id}/receive`,
        { lines: [{ sku: 'BOLT-M8', location: 'WS', quantity: 200 }] },
        422,
        'lines[0].quantity',
      ],
      [
        `/api/v1/purchase-orders/${id}/receive`,
        { lines: [{ sku: 'BOLT-M8', location: 'WS', quantity: 1.0001 }] },
        400,
        'lines[0].quantity',
      ],
      [
        `/api/v1/purchase-orders/${id}/receive`,
        { lines: [{ sku: 'BOLT-M8', location: 'WS', rejected_quantity: 2 }] },
        400,
        'lines[0].reject_reason',
      ],
      [`/api/v1/purchase-orders/${id}/receive`, { lines: [] }, 400, 'lines'],
      [`/api/v1/purchase-orders/${id}/confirm`, { promised_date: '2026-13-01' }, 400, 'promised_date'],
      [`/api/v1/purchase-orders/${id}/send`, {}, 409, 'id'],
      ['/api/v1/purchase-orders/999999/cancel', {}, 404, 'id'],
    ] as const;
    for (const [url, payload, status, field] of cases) {
      const answer = await app.inject({ method: 'POST', url, payload });
      expect(answer.statusCode, `${url} ${JSON.stringify(payload)}: ${answer.body}`).toBe(status);
      expect(answer.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await stock()).toEqual(before);
    expect((await app.inject({ url: `/api/v1/purchase-orders/${id}` })).json().status).toBe('sent');
    expect((await app.inject({ url: '/api/v1/purchase-orders?status=bogus' })).statusCode).toBe(400);
  });
});

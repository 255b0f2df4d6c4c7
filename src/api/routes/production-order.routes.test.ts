import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { buildApp } from '../app.js';

// 2026-06-01 in Berlin.
const now = Date.UTC(2026, 5, 1, 10);

describeEachDialect('production order routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
    await seedCatalogue(database(), { items: ['DESK', 'TOP', 'LEG', 'SCREW'], locations: ['WS'] });
    // DESK (2 days to make) = TOP + 4 LEG + 16 SCREW with 5 % scrap; TOP and LEG are bought (3 days).
    const setup: Array<[string, string, object]> = [
      ['POST', '/api/v1/customers', { code: 'BISTRO', name: 'Bistro Nord' }],
      ['POST', '/api/v1/suppliers', { code: 'STEEL', name: 'Steelworks', lead_time_days: 3 }],
      ['POST', '/api/v1/items/LEG/sources', { supplier: 'STEEL', unit_price: 4 }],
      ['POST', '/api/v1/items/TOP/sources', { supplier: 'STEEL', unit_price: 30 }],
      [
        'POST',
        '/api/v1/boms',
        {
          sku: 'DESK',
          lead_time_days: 2,
          lines: [
            { sku: 'TOP', quantity_per: 1 },
            { sku: 'LEG', quantity_per: 4 },
            { sku: 'SCREW', quantity_per: 16, scrap_factor: 0.05 },
          ],
        },
      ],
      ['POST', '/api/v1/movements', { type: 'receipt', sku: 'SCREW', location: 'WS', quantity: 100 }],
      ['POST', '/api/v1/movements', { type: 'receipt', sku: 'TOP', location: 'WS', quantity: 5 }],
      ['POST', '/api/v1/movements', { type: 'receipt', sku: 'LEG', location: 'WS', quantity: 12 }],
    ];
    for (const [method, url, payload] of setup) {
      const answer = await app.inject({ method: method as 'POST', url, payload });
      expect(answer.statusCode, `${method} ${url}: ${answer.body}`).toBeLessThan(300);
    }
  });
  afterEach(async () => {
    await app.close();
  });

  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers, ...(payload !== undefined && { payload: payload as object }) });
  const get = (url: string) => app.inject({ url });
  const stockOf = async (sku: string) => (await get(`/api/v1/stock?sku=${sku}&location=WS`)).json().data[0];
  const snapshot = async () => {
    const db = database().db;
    return {
      production: await db.selectFrom('production_orders').selectAll().orderBy('id').execute(),
      components: await db.selectFrom('production_order_components').selectAll().orderBy('id').execute(),
      movements: await db.selectFrom('movements').select('id').orderBy('id').execute(),
      balances: await db.selectFrom('balances').selectAll().orderBy('item_id').orderBy('location_id').execute(),
    };
  };

  it('plans, releases (allocating components), reports a part, completes the rest; stock follows', async () => {
    const created = await post('/api/v1/production-orders', {
      sku: 'DESK',
      location: 'WS',
      quantity: 3,
      due_date: '2026-06-10',
      note: 'for the showroom',
    });
    expect(created.statusCode, created.body).toBe(201);
    // 3 desks: 3 TOP, 12 LEG, 3 × 16 × 1.05 = 50.4 → 51 SCREW (whole pieces).
    expect(created.json()).toMatchObject({
      number: 'MO-000001',
      sku: 'DESK',
      location: 'WS',
      quantity: 3,
      completed: 0,
      open_quantity: 3,
      status: 'planned',
      release_date: '2026-06-08',
      due_date: '2026-06-10',
      bom_version: 1,
      customer_order: null,
      note: 'for the showroom',
      components: [
        { sku: 'TOP', quantity_per: 1, required: 3, allocated: 0, issued: 0 },
        { sku: 'LEG', quantity_per: 4, required: 12, allocated: 0 },
        { sku: 'SCREW', quantity_per: 16, scrap_factor: 0.05, required: 51, allocated: 0 },
      ],
    });
    expect(await stockOf('DESK')).toMatchObject({ on_hand: 0, on_order: 3 });

    const released = await post('/api/v1/production-orders/MO-000001/release');
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({
      status: 'released',
      movements: [],
      components: [
        { sku: 'TOP', allocated: 3, backordered: 0 },
        { sku: 'LEG', allocated: 12, backordered: 0 },
        { sku: 'SCREW', allocated: 51, backordered: 0 },
      ],
    });
    expect(await stockOf('SCREW')).toMatchObject({ on_hand: 100, allocated: 51, available: 49 });

    const reported = await post('/api/v1/production-orders/MO-000001/report', { quantity: 1 });
    expect(reported.statusCode, reported.body).toBe(200);
    expect(reported.json()).toMatchObject({ status: 'released', completed: 1, open_quantity: 2 });
    const receipt = reported.json().movements.find((m: { type: string }) => m.type === 'receipt');
    expect(receipt).toMatchObject({ sku: 'DESK', location: 'WS', quantity: 1 });
    expect(reported.json().movements.filter((m: { type: string }) => m.type === 'issue')).toHaveLength(3);
    expect(await stockOf('DESK')).toMatchObject({ on_hand: 1, on_order: 2 });
    expect(await stockOf('TOP')).toMatchObject({ on_hand: 4, allocated: 2 });

    const completed = await post('/api/v1/production-orders/MO-000001/complete', {});
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json()).toMatchObject({ status: 'completed', completed: 3, open_quantity: 0 });
    expect(await stockOf('DESK')).toMatchObject({ on_hand: 3, on_order: 0 });
    expect(await stockOf('TOP')).toMatchObject({ on_hand: 2, allocated: 0 });
    expect(await stockOf('LEG')).toMatchObject({ on_hand: 0, allocated: 0 });
    expect(await stockOf('SCREW')).toMatchObject({ on_hand: 49, allocated: 0 });

    const list = await get('/api/v1/production-orders?status=completed&sku=DESK');
    expect(list.json()).toMatchObject({ data: [{ number: 'MO-000001', status: 'completed' }], next_cursor: null });
    expect((await get('/api/v1/production-orders?status=planned')).json().data).toEqual([]);
    expect((await get('/api/v1/production-orders/MO-000001')).json()).toMatchObject({ status: 'completed' });
  });

  it('a customer order is filled from its production order and shipped as a sale', async () => {
    const order = await post('/api/v1/customer-orders', {
      customer: 'BISTRO',
      requested_date: '2026-06-10',
      confirm: true,
      lines: [{ sku: 'DESK', location: 'WS', quantity: 2 }],
    });
    expect(order.statusCode, order.body).toBe(201);
    const mo = order.json().supplies.find((s: { sku: string }) => s.sku === 'DESK');
    expect(mo).toMatchObject({ kind: 'production_order', release_date: '2026-06-08', due_date: '2026-06-10' });
    expect((await get(`/api/v1/production-orders?customer_order=SO-000001`)).json().data).toEqual([
      expect.objectContaining({ number: mo.number, customer_order: 'SO-000001' }),
    ]);

    expect((await post(`/api/v1/production-orders/${mo.number}/release`)).statusCode).toBe(200);
    const done = await post(`/api/v1/production-orders/${mo.number}/complete`);
    expect(done.statusCode, done.body).toBe(200);
    const filled = (await get('/api/v1/customer-orders/SO-000001')).json();
    expect(filled.lines[0]).toMatchObject({ allocated: 2, backordered: 0 });
    expect(await stockOf('DESK')).toMatchObject({ on_hand: 2, allocated: 2 });

    const shipped = await post('/api/v1/customer-orders/SO-000001/ship');
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(shipped.json()).toMatchObject({
      status: 'shipped',
      lines: [{ shipped: 2, allocated: 0 }],
      movements: [{ type: 'sale', sku: 'DESK', location: 'WS', quantity: 2 }],
    });
    expect(await stockOf('DESK')).toMatchObject({ on_hand: 0, allocated: 0 });
  });

  it('an Idempotency-Key makes a retried report act once', async () => {
    await post('/api/v1/production-orders', { sku: 'DESK', location: 'WS', quantity: 2, due_date: '2026-06-10' });
    await post('/api/v1/production-orders/MO-000001/release');
    const headers = { 'idempotency-key': 'shift-1' };
    const first = await post('/api/v1/production-orders/MO-000001/report', { quantity: 1 }, headers);
    const retry = await post('/api/v1/production-orders/MO-000001/report', { quantity: 1 }, headers);
    expect(first.statusCode, first.body).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(await stockOf('DESK')).toMatchObject({ on_hand: 1 });
  });

  it('refuses bad input naming the field, unknown things with 404 and wrong states with 409, changing nothing', async () => {
    const good = { sku: 'DESK', location: 'WS', quantity: 2, due_date: '2026-06-10' };
    const before = await snapshot();
    const refusals: Array<[unknown, number, string]> = [
      [{ ...good, quantity: 0 }, 400, 'quantity'],
      [{ ...good, quantity: -1 }, 400, 'quantity'],
      [{ ...good, quantity: 2.0001 }, 400, 'quantity'],
      [{ ...good, due_date: '10.06.2026' }, 400, 'due_date'],
      [{ sku: 'DESK', location: 'WS', quantity: 2 }, 400, 'due_date'],
      [{ ...good, sku: 'NOPE' }, 404, 'sku'],
      [{ ...good, location: 'NOPE' }, 404, 'location'],
      [{ ...good, sku: 'LEG' }, 404, 'sku'],
    ];
    for (const [payload, status, field] of refusals) {
      const answer = await post('/api/v1/production-orders', payload);
      expect(answer.statusCode, `${JSON.stringify(payload)}: ${answer.body}`).toBe(status);
      expect(answer.json().error.details?.[0]?.field, answer.body).toBe(field);
    }
    expect(await snapshot()).toEqual(before);

    expect((await get('/api/v1/production-orders/MO-000042')).json().error.code).toBe('LS_UNKNOWN_PRODUCTION_ORDER');
    expect((await post('/api/v1/production-orders/MO-000042/release')).statusCode).toBe(404);

    await post('/api/v1/production-orders', good);
    const planned = await snapshot();
    const early = await post('/api/v1/production-orders/MO-000001/report', { quantity: 1 });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('LS_INVALID_STATE');
    expect(await snapshot()).toEqual(planned);

    await post('/api/v1/production-orders/MO-000001/release');
    const released = await snapshot();
    for (const [payload, field] of [
      [{ quantity: 'one' }, 'quantity'],
      [{ quantity: 0.0005 }, 'quantity'],
      [{ quantity: 1, scrap: -1 }, 'scrap'],
      [{}, 'quantity'],
    ] as const) {
      const answer = await post('/api/v1/production-orders/MO-000001/report', payload);
      expect(answer.statusCode, answer.body).toBe(400);
      expect(answer.json().error.details[0].field, answer.body).toBe(field);
    }
    const tooMuch = await post('/api/v1/production-orders/MO-000001/report', { quantity: 3 });
    expect(tooMuch.statusCode, tooMuch.body).toBeGreaterThanOrEqual(400);
    expect(tooMuch.statusCode).toBeLessThan(500);
    expect(tooMuch.json().error.details[0].field).toBe('quantity');
    const unknownField = await post('/api/v1/production-orders/MO-000001/complete', { quantity: 1, colour: 'red' });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error.details[0].field).toBe('colour');
    expect(await snapshot()).toEqual(released);

    const cancelled = await post('/api/v1/production-orders/MO-000001/cancel', { reason: 'showroom closed' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', open_quantity: 0 });
    expect(await stockOf('SCREW')).toMatchObject({ allocated: 0 });
    expect(await stockOf('DESK')).toMatchObject({ on_order: 0 });
    expect((await post('/api/v1/production-orders/MO-000001/release')).statusCode).toBe(409);
  });
});

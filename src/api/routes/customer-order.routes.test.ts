import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { buildApp } from '../app.js';

// 2026-06-01 in Berlin: "today" of every explosion below.
const now = Date.UTC(2026, 5, 1, 10);

describeEachDialect('customer order routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
    await seedCatalogue(database(), { items: ['DESK', 'TOP', 'LEG', 'BOARD', 'SCREW'], locations: ['WS'] });
    // DESK (2 days to make) = TOP + 4 LEG + 16 SCREW; TOP (1 day to make) = 2 BOARD. LEG is bought in 3 days,
    // BOARD in 5; SCREW is in stock.
    const setup: Array<[string, string, object]> = [
      ['POST', '/api/v1/customers', { code: 'BISTRO', name: 'Bistro Nord' }],
      ['POST', '/api/v1/suppliers', { code: 'STEEL', name: 'Steelworks', lead_time_days: 3 }],
      ['POST', '/api/v1/suppliers', { code: 'TIMBER', name: 'Timber & Co', lead_time_days: 5 }],
      ['POST', '/api/v1/items/LEG/sources', { supplier: 'STEEL', unit_price: 4 }],
      ['POST', '/api/v1/items/BOARD/sources', { supplier: 'TIMBER', unit_price: 12 }],
      ['POST', '/api/v1/boms', { sku: 'TOP', lead_time_days: 1, lines: [{ sku: 'BOARD', quantity_per: 2 }] }],
      [
        'POST',
        '/api/v1/boms',
        {
          sku: 'DESK',
          lead_time_days: 2,
          lines: [
            { sku: 'TOP', quantity_per: 1 },
            { sku: 'LEG', quantity_per: 4 },
            { sku: 'SCREW', quantity_per: 16 },
          ],
        },
      ],
      ['PUT', '/api/v1/policies/DESK/WS', { kind: 'make_to_order' }],
      ['POST', '/api/v1/movements', { type: 'receipt', sku: 'SCREW', location: 'WS', quantity: 100 }],
    ];
    for (const [method, url, payload] of setup) {
      const answer = await app.inject({ method: method as 'POST' | 'PUT', url, payload });
      expect(answer.statusCode, `${method} ${url}: ${answer.body}`).toBeLessThan(300);
    }
  });
  afterEach(async () => {
    await app.close();
  });

  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers, ...(payload !== undefined && { payload: payload as object }) });
  const get = (url: string) => app.inject({ url });
  const desks = (quantity: number, requested: string, extra: object = {}) => ({
    customer: 'BISTRO',
    requested_date: requested,
    lines: [{ sku: 'DESK', location: 'WS', quantity }],
    ...extra,
  });
  /** Every row the order routes may write, to check that a refusal changed nothing. */
  const snapshot = async () => {
    const db = database().db;
    return {
      orders: await db.selectFrom('customer_orders').selectAll().orderBy('id').execute(),
      lines: await db.selectFrom('customer_order_lines').selectAll().orderBy('id').execute(),
      production: await db.selectFrom('production_orders').selectAll().orderBy('id').execute(),
      purchase: await db.selectFrom('purchase_order_lines').selectAll().orderBy('id').execute(),
      pegs: await db.selectFrom('pegs').selectAll().orderBy('id').execute(),
      balances: await db.selectFrom('balances').selectAll().orderBy('item_id').orderBy('location_id').execute(),
    };
  };
  const stockOf = async (sku: string) => (await get(`/api/v1/stock?sku=${sku}&location=WS`)).json().data[0];

  it('creates a draft, confirms it with supplies offset by lead time level by level, and promises the requested date', async () => {
    const created = await post('/api/v1/customer-orders', desks(2, '2026-06-20', { note: 'terrace' }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      number: 'SO-000001',
      customer: 'BISTRO',
      customer_name: 'Bistro Nord',
      status: 'draft',
      requested_date: '2026-06-20',
      promised_date: null,
      note: 'terrace',
      lines: [{ line_no: 1, sku: 'DESK', location: 'WS', quantity: 2, requested_date: '2026-06-20', unit: 'pcs' }],
      supplies: [],
      created: [],
    });

    const confirmed = await post('/api/v1/customer-orders/SO-000001/confirm');
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const order = confirmed.json();
    expect(order).toMatchObject({ status: 'confirmed', promised_date: '2026-06-20', late_risk: false });
    // Need dates, backwards from 06-20: DESK made 06-18 → 06-20; its components are needed on 06-18:
    // TOP made 06-17 → 06-18, LEG bought 06-15 → 06-18 (8 = 2 × 4), SCREW 32 = 2 × 16 from stock;
    // TOP's BOARD (4 = 2 × 2) is needed 06-17 and bought 06-12 → 06-17.
    const supply = (sku: string) => order.supplies.find((s: { sku: string }) => s.sku === sku);
    expect(supply('DESK')).toMatchObject({
      kind: 'production_order',
      number: expect.stringMatching(/^MO-\d{6}$/),
      quantity: 2,
      release_date: '2026-06-18',
      due_date: '2026-06-20',
      cancelled: false,
    });
    expect(supply('TOP')).toMatchObject({ kind: 'production_order', quantity: 2, release_date: '2026-06-17' });
    // A draft purchase line is due when its pegs count on it and is to be ordered that less its lead time.
    expect(supply('LEG')).toMatchObject({
      kind: 'purchase_order_line',
      number: expect.stringMatching(/^PO-\d{6}$/),
      quantity: 8,
      release_date: '2026-06-15',
      due_date: '2026-06-18',
      status: 'draft',
    });
    expect(supply('BOARD')).toMatchObject({
      kind: 'purchase_order_line',
      quantity: 4,
      release_date: '2026-06-12',
      due_date: '2026-06-17',
    });
    expect(supply('SCREW')).toBeUndefined();
    expect(order.created).toHaveLength(4);

    const screws = order.pegging.find((p: { sku: string }) => p.sku === 'SCREW');
    expect(screws).toMatchObject({
      level: 1,
      quantity: 32,
      unit: 'pcs',
      demand: { kind: 'production_component', ref: supply('DESK').number },
      supply: { kind: 'stock', ref: null },
      status: 'allocated',
    });
    expect(order.pegging.find((p: { level: number }) => p.level === 0)).toMatchObject({
      sku: 'DESK',
      demand: { kind: 'customer_order_line', ref: 'SO-000001/1' },
      supply: { kind: 'production_order', ref: supply('DESK').number },
    });
    expect(order.pegging.find((p: { sku: string }) => p.sku === 'LEG')).toMatchObject({
      level: 1,
      quantity: 8,
      need_date: '2026-06-18',
      supply: { kind: 'purchase_order_line', ref: supply('LEG').number, date: '2026-06-18' },
      status: 'waiting',
    });
    expect(order.pegging.find((p: { sku: string }) => p.sku === 'BOARD')).toMatchObject({
      level: 2,
      quantity: 4,
      need_date: '2026-06-17',
      demand: { ref: supply('TOP').number },
    });
    expect(await stockOf('SCREW')).toMatchObject({ on_hand: 100, allocated: 32, available: 68 });

    const shown = await get('/api/v1/customer-orders/SO-000001');
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ status: 'confirmed', promised_date: '2026-06-20' });
    expect(shown.json().pegging).toEqual(order.pegging);

    const list = await get('/api/v1/customer-orders?status=confirmed&customer=BISTRO');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ data: [{ number: 'SO-000001', status: 'confirmed' }], next_cursor: null });
    expect(list.json().data[0].supplies).toBeUndefined();
    expect((await get('/api/v1/customer-orders?status=draft')).json().data).toEqual([]);
    expect((await get('/api/v1/customer-orders?late_risk=true')).json().data).toEqual([]);
  });

  it('promises a later date than requested when the components cannot arrive in time (CTP)', async () => {
    // Requested 06-05. BOARD takes 5 days: ready 06-06; TOP one day more: 06-07; DESK two more: 06-09.
    const created = await post('/api/v1/customer-orders', desks(1, '2026-06-05', { confirm: true }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      status: 'confirmed',
      requested_date: '2026-06-05',
      promised_date: '2026-06-09',
      lines: [{ promised_date: '2026-06-09' }],
    });
  });

  it('a change adjusts exactly what was created for the order; a cancel takes it all back', async () => {
    await post('/api/v1/customer-orders', desks(2, '2026-06-20', { confirm: true }));
    const changed = await app.inject({
      method: 'PATCH',
      url: '/api/v1/customer-orders/SO-000001',
      payload: { lines: [{ line_no: 1, quantity: 3 }] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const live = changed.json().supplies.filter((s: { cancelled: boolean }) => !s.cancelled);
    const quantityOf = (sku: string) =>
      live
        .filter((s: { sku: string }) => s.sku === sku)
        .reduce((sum: number, s: { quantity: number }) => sum + s.quantity, 0);
    expect(changed.json().lines[0].quantity).toBe(3);
    expect([quantityOf('DESK'), quantityOf('TOP'), quantityOf('LEG'), quantityOf('BOARD')]).toEqual([3, 3, 12, 6]);
    expect(await stockOf('SCREW')).toMatchObject({ allocated: 48 });

    const cancelled = await post('/api/v1/customer-orders/SO-000001/cancel', { reason: 'terrace closed' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancel_reason: 'terrace closed' });
    expect(cancelled.json().supplies.every((s: { cancelled: boolean }) => s.cancelled)).toBe(true);
    expect(await stockOf('SCREW')).toMatchObject({ on_hand: 100, allocated: 0 });
    for (const sku of ['DESK', 'TOP', 'LEG', 'BOARD']) expect((await stockOf(sku))?.on_order ?? 0).toBe(0);
    const again = await post('/api/v1/customer-orders/SO-000001/cancel', { reason: 'twice' });
    expect(again.statusCode).toBe(409);
  });

  it('an Idempotency-Key makes a retried create and confirm act once', async () => {
    const headers = { 'idempotency-key': 'order-4711' };
    const first = await post('/api/v1/customer-orders', desks(1, '2026-06-20'), headers);
    const retry = await post('/api/v1/customer-orders', desks(1, '2026-06-20'), headers);
    expect(first.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect((await get('/api/v1/customer-orders')).json().data).toHaveLength(1);
    const other = await post('/api/v1/customer-orders', desks(5, '2026-06-20'), headers);
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('LS_IDEMPOTENCY_CONFLICT');

    const confirmKey = { 'idempotency-key': 'confirm-4711' };
    const confirmed = await post('/api/v1/customer-orders/SO-000001/confirm', undefined, confirmKey);
    const confirmedAgain = await post('/api/v1/customer-orders/SO-000001/confirm', undefined, confirmKey);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmedAgain.json()).toEqual(confirmed.json());
    expect((await database().db.selectFrom('production_orders').select('id').execute()).length).toBe(2);
  });

  it('refuses bad input naming the field, unknown things with 404 and wrong states with 409, changing nothing', async () => {
    const before = await snapshot();
    const refusals: Array<[unknown, number, string]> = [
      [
        { ...desks(1, '2026-06-20'), lines: [{ sku: 'DESK', location: 'WS', quantity: 1.2345 }] },
        400,
        'lines[0].quantity',
      ],
      [{ ...desks(1, '2026-06-20'), lines: [{ sku: 'DESK', location: 'WS', quantity: 0 }] }, 400, 'lines[0].quantity'],
      [{ ...desks(1, '2026-06-20'), lines: [{ sku: 'DESK', location: 'WS', quantity: -2 }] }, 400, 'lines[0].quantity'],
      [
        { ...desks(1, '2026-06-20'), lines: [{ sku: 'DESK', location: 'WS', quantity: '2' }] },
        400,
        'lines[0].quantity',
      ],
      [desks(1, '2026-13-01'), 400, 'requested_date'],
      [{ customer: 'BISTRO', lines: [] }, 400, 'lines'],
      [{ customer: 'BISTRO' }, 400, 'lines'],
      [{ ...desks(1, '2026-06-20'), colour: 'red' }, 400, 'colour'],
      [desks(1, '2026-06-20', { customer: 'NOBODY' }), 404, 'customer'],
      [{ ...desks(1, '2026-06-20'), lines: [{ sku: 'CHAIR', location: 'WS', quantity: 1 }] }, 404, 'lines[0].sku'],
      [{ ...desks(1, '2026-06-20'), lines: [{ sku: 'DESK', location: 'XX', quantity: 1 }] }, 404, 'lines[0].location'],
    ];
    for (const [payload, status, field] of refusals) {
      const answer = await post('/api/v1/customer-orders', payload);
      expect(answer.statusCode, `${JSON.stringify(payload)}: ${answer.body}`).toBe(status);
      expect(answer.json().error.message, answer.body).toContain(field);
      expect(answer.json().error.details?.[0]?.field, answer.body).toBe(field);
    }
    expect(await snapshot()).toEqual(before);

    const unknown = await get('/api/v1/customer-orders/SO-000099');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('LS_UNKNOWN_CUSTOMER_ORDER');
    expect((await post('/api/v1/customer-orders/SO-000099/confirm')).statusCode).toBe(404);
    expect((await get('/api/v1/customer-orders?limit=0')).statusCode).toBe(400);
    expect((await get('/api/v1/customer-orders?late_risk=maybe')).json().error.details[0].field).toBe('late_risk');

    await post('/api/v1/customer-orders', desks(2, '2026-06-20', { confirm: true }));
    const confirmed = await snapshot();
    const twice = await post('/api/v1/customer-orders/SO-000001/confirm');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('LS_INVALID_STATE');
    const badReason = await post('/api/v1/customer-orders/SO-000001/cancel', { reason: 42 });
    expect(badReason.statusCode).toBe(400);
    expect(badReason.json().error.details[0].field).toBe('reason');
    const badChange = await app.inject({
      method: 'PATCH',
      url: '/api/v1/customer-orders/SO-000001',
      payload: { lines: [{ line_no: 1, quantity: 0.0001 }] },
    });
    expect(badChange.statusCode).toBe(400);
    expect(badChange.json().error.details[0].field).toBe('lines[0].quantity');
    const noLine = await app.inject({
      method: 'PATCH',
      url: '/api/v1/customer-orders/SO-000001',
      payload: { lines: [{ line_no: 7, quantity: 1 }] },
    });
    expect(noLine.statusCode).toBeGreaterThanOrEqual(400);
    expect(noLine.statusCode).toBeLessThan(500);
    expect(noLine.json().error.details[0].field).toBe('lines[0].line_no');
    const badShip = await post('/api/v1/customer-orders/SO-000001/ship', { lines: [{ line_no: 1, quantity: 'all' }] });
    expect(badShip.statusCode).toBe(400);
    expect(badShip.json().error.message).toContain('lines');
    const overShip = await post('/api/v1/customer-orders/SO-000001/ship', { lines: [{ line_no: 1, quantity: 2 }] });
    expect(overShip.statusCode, overShip.body).toBe(400);
    expect(overShip.json().error.message).toContain('lines[0].quantity: is more than the 0 allocated');
    expect(await snapshot()).toEqual(confirmed);
  });
});

import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('movement and stock routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    await seedCatalogue(database(), { items: ['BOLT-M8', 'NUT-M8'], locations: ['WH1', 'WH2'] });
    app = await buildApp({ database: database(), clock: () => now });
  });
  afterEach(async () => {
    await app.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers });

  /** Everything a refused request could have touched, to prove it touched nothing. */
  const snapshot = async () => ({
    movements: await database().db.selectFrom('movements').selectAll().orderBy('id').execute(),
    balances: await database()
      .db.selectFrom('balances')
      .selectAll()
      .orderBy('item_id')
      .orderBy('location_id')
      .execute(),
    keys: await database().db.selectFrom('idempotency_keys').select('key').execute(),
  });

  it('posts a receipt and an issue and answers each with the balance after it', async () => {
    const receipt = await post('/api/v1/movements', { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 12 });
    expect(receipt.statusCode).toBe(201);
    const issue = await post('/api/v1/movements', {
      type: 'issue',
      sku: 'BOLT-M8',
      location: 'WH1',
      quantity: 2.5,
      reason: 'line 3',
    });
    expect(issue.statusCode).toBe(201);
    expect(issue.json()).toMatchObject({
      type: 'issue',
      sku: 'BOLT-M8',
      location: 'WH1',
      quantity: 2.5,
      on_hand_change: -2.5,
      reason: 'line 3',
      balance: { on_hand: 9.5, available: 9.5, inventory_position: 9.5, allocated: 0, on_order: 0, backordered: 0 },
    });
    const stock = await app.inject({ method: 'GET', url: '/api/v1/stock?sku=BOLT-M8' });
    expect(stock.json()).toEqual({
      data: [
        {
          sku: 'BOLT-M8',
          location: 'WH1',
          on_hand: 9.5,
          allocated: 0,
          on_order: 0,
          backordered: 0,
          available: 9.5,
          inventory_position: 9.5,
        },
      ],
      next_cursor: null,
    });
  });

  it('answers a transfer with both legs and both balances', async () => {
    await post('/api/v1/movements', { type: 'receipt', sku: 'NUT-M8', location: 'WH1', quantity: 10 });
    const res = await post('/api/v1/movements', {
      type: 'transfer',
      sku: 'NUT-M8',
      from: 'WH1',
      to: 'WH2',
      quantity: 3,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ type: 'transfer', from: 'WH1', to: 'WH2', quantity: 3 });
    expect(body.legs).toHaveLength(2);
    expect(body.balances.map((b: { on_hand: number }) => b.on_hand)).toEqual([7, 3]);
  });

  it('returns the first answer again for a retried Idempotency-Key and records one movement', async () => {
    const payload = { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 5 };
    const first = await post('/api/v1/movements', payload, { 'idempotency-key': 'k-1' });
    const second = await post('/api/v1/movements', payload, { 'idempotency-key': 'k-1' });
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    const reused = await post('/api/v1/movements', { ...payload, quantity: 6 }, { 'idempotency-key': 'k-1' });
    expect(reused.statusCode).toBe(409);
    expect((await snapshot()).movements).toHaveLength(1);
  });

  it('posts a batch all or nothing', async () => {
    const ok = await post('/api/v1/movements/batch', {
      movements: [
        { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 4 },
        { type: 'issue', sku: 'BOLT-M8', location: 'WH1', quantity: 1 },
      ],
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().count).toBe(2);
    const before = await snapshot();
    const bad = await post('/api/v1/movements/batch', {
      movements: [
        { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 4 },
        { type: 'issue', sku: 'BOLT-M8', location: 'WH1', quantity: 100 },
      ],
    });
    expect(bad.statusCode).toBe(409);
    expect(bad.json().error).toMatchObject({ code: 'LS_NEGATIVE_STOCK', details: [{ index: 1, field: 'quantity' }] });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a batch of more than 10,000 movements', async () => {
    const movements = Array.from({ length: 10_001 }, () => ({
      type: 'receipt',
      sku: 'BOLT-M8',
      location: 'WH1',
      quantity: 1,
    }));
    const res = await post('/api/v1/movements/batch', { movements });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toContain('movements');
    expect((await snapshot()).movements).toHaveLength(0);
  });

  const valid = { type: 'issue', sku: 'BOLT-M8', location: 'WH1', quantity: 1 };
  const badBodies: Array<[string, unknown, string]> = [
    ['a string quantity', { ...valid, quantity: '1' }, 'quantity'],
    ['a missing quantity', { type: 'receipt', sku: 'BOLT-M8', location: 'WH1' }, 'quantity'],
    ['a missing sku', { type: 'receipt', location: 'WH1', quantity: 1 }, 'sku'],
    ['a missing location', { type: 'receipt', sku: 'BOLT-M8', quantity: 1 }, 'location'],
    ['an unknown type', { ...valid, type: 'teleport' }, 'type'],
    ['an unknown SKU', { ...valid, sku: 'NOPE' }, 'sku'],
    ['an unknown location', { ...valid, location: 'MARS' }, 'location'],
    ['four decimals', { ...valid, type: 'receipt', quantity: 1.0001 }, 'quantity'],
    ['1e308', { ...valid, type: 'receipt', quantity: 1e308 }, 'quantity'],
    ['a negative receipt', { ...valid, type: 'receipt', quantity: -1 }, 'quantity'],
    ['a zero issue', { ...valid, quantity: 0 }, 'quantity'],
    ['a zero adjustment', { ...valid, type: 'adjustment', quantity: 0 }, 'quantity'],
    ['a negative count', { ...valid, type: 'count', quantity: -3 }, 'quantity'],
    ['an issue below zero', { ...valid, quantity: 1 }, 'quantity'],
    ['a huge SKU', { ...valid, sku: 'X'.repeat(100_000) }, 'sku'],
    ['a huge reason', { ...valid, type: 'receipt', reason: 'é'.repeat(10_000) }, 'reason'],
    ['a transfer to the same place', { type: 'transfer', sku: 'BOLT-M8', from: 'WH1', to: 'WH1', quantity: 1 }, 'to'],
    ['a future date', { ...valid, type: 'receipt', occurred_at: '2099-01-01T00:00:00Z' }, 'occurred_at'],
    ['a date without zone', { ...valid, type: 'receipt', occurred_at: '2026-01-01 10:00' }, 'occurred_at'],
    ['an array body', [valid], 'body'],
    ['a unicode SKU that does not exist', { ...valid, sku: '螺栓-M8' }, 'sku'],
  ];
  for (const [what, body, field] of badBodies) {
    it(`answers ${what} with a 4xx naming ${field} and changes nothing`, async () => {
      const before = await snapshot();
      const res = await post('/api/v1/movements', body);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('answers malformed JSON, an empty body and a wrong content type with 4xx', async () => {
    const before = await snapshot();
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/v1/movements',
      headers: { 'content-type': 'application/json' },
      payload: '{"type": "receipt",',
    });
    const empty = await app.inject({
      method: 'POST',
      url: '/api/v1/movements',
      headers: { 'content-type': 'application/json' },
    });
    const xml = await app.inject({
      method: 'POST',
      url: '/api/v1/movements',
      headers: { 'content-type': 'application/xml' },
      payload: '<movement/>',
    });
    expect([malformed.statusCode, empty.statusCode, xml.statusCode]).toEqual([400, 400, 415]);
    expect(malformed.json().error.code).toBe('LS_VALIDATION');
    expect(await snapshot()).toEqual(before);
  });

  it('reverses a movement once, with a reason', async () => {
    const receipt = await post('/api/v1/movements', { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 3 });
    const id = receipt.json().id;
    const noReason = await post(`/api/v1/movements/${id}/reverse`, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.message).toContain('reason');
    const reversed = await post(`/api/v1/movements/${id}/reverse`, { reason: 'typo' });
    expect(reversed.statusCode).toBe(201);
    expect(reversed.json()).toMatchObject({ reverses_id: id, on_hand_change: -3, balance: { on_hand: 0 } });
    expect((await post(`/api/v1/movements/${id}/reverse`, { reason: 'again' })).statusCode).toBe(409);
    expect((await post('/api/v1/movements/999999/reverse', { reason: 'x' })).statusCode).toBe(404);
  });

  it('pages movements with a cursor and filters by SKU', async () => {
    for (let i = 0; i < 5; i++)
      await post('/api/v1/movements', { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 1 });
    await post('/api/v1/movements', { type: 'receipt', sku: 'NUT-M8', location: 'WH1', quantity: 1 });
    const first = (await app.inject({ method: 'GET', url: '/api/v1/movements?sku=BOLT-M8&limit=3' })).json();
    expect(first.data).toHaveLength(3);
    const second = (
      await app.inject({ method: 'GET', url: `/api/v1/movements?sku=BOLT-M8&limit=3&cursor=${first.next_cursor}` })
    ).json();
    expect(second.data).toHaveLength(2);
    expect(second.next_cursor).toBeNull();
    const newest = (
      await app.inject({ method: 'GET', url: '/api/v1/movements?sku=BOLT-M8&order=desc&limit=3' })
    ).json();
    const older = (
      await app.inject({
        method: 'GET',
        url: `/api/v1/movements?sku=BOLT-M8&order=desc&limit=3&cursor=${newest.next_cursor}`,
      })
    ).json();
    const ids = [...first.data, ...second.data].map((m: { id: number }) => m.id);
    expect([...newest.data, ...older.data].map((m: { id: number }) => m.id)).toEqual(ids.reverse());
    expect(older.next_cursor).toBeNull();
    const badOrder = await app.inject({ method: 'GET', url: '/api/v1/movements?order=sideways' });
    expect(badOrder.statusCode).toBe(400);
    expect(badOrder.json().error.message).toContain('order');
    const bad = await app.inject({ method: 'GET', url: '/api/v1/movements?cursor=garbage' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('cursor');
  });

  it('answers an unknown movement type filter with the allowed types', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/movements?type=teleport' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(
      'type: must be equal to one of the allowed values: receipt, issue, sale, adjustment, count, scrap, transfer',
    );
  });

  it('reads stock as of a past instant', async () => {
    const early = '2026-05-01T08:00:00Z';
    await post('/api/v1/movements', {
      type: 'receipt',
      sku: 'BOLT-M8',
      location: 'WH1',
      quantity: 8,
      occurred_at: early,
    });
    await post('/api/v1/movements', { type: 'issue', sku: 'BOLT-M8', location: 'WH1', quantity: 3 });
    const then = (
      await app.inject({ method: 'GET', url: '/api/v1/stock?sku=BOLT-M8&as_of=2026-05-02T00:00:00Z' })
    ).json();
    const before = (
      await app.inject({ method: 'GET', url: '/api/v1/stock?sku=BOLT-M8&as_of=2026-04-30T00:00:00Z' })
    ).json();
    expect(then.data[0].on_hand).toBe(8);
    expect(before.data[0].on_hand).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/api/v1/stock?sku=NOPE' })).statusCode).toBe(404);
  });
});

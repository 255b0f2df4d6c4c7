import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);
const PRICES = '/api/v1/items/BOLT-M8/sources/ACME/prices';

describeEachDialect('supplier item price routes', ({ database }) => {
  let app: FastifyInstance;
  let clock = now;
  beforeEach(async () => {
    clock = now;
    await seedCatalogue(database(), { items: ['BOLT-M8', 'NUT-M8'], locations: [] });
    app = await buildApp({ database: database(), clock: () => clock });
    await app.inject({ method: 'POST', url: '/api/v1/suppliers', payload: { code: 'ACME', name: 'Acme Fasteners' } });
    await app.inject({
      method: 'POST',
      url: '/api/v1/items/BOLT-M8/sources',
      payload: { supplier: 'ACME', unit_price: 0.12 },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string) => app.inject({ method: 'GET', url });

  const snapshot = async () => ({
    prices: await database().db.selectFrom('supplier_item_prices').selectAll().orderBy('id').execute(),
    sources: await database().db.selectFrom('supplier_items').selectAll().orderBy('id').execute(),
    audit: await database().db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    keys: await database().db.selectFrom('idempotency_keys').select('key').execute(),
  });

  it('records a contract price with 201 and lists the history newest first, a page at a time', async () => {
    const first = await post(PRICES, { unit_price: 0.12, valid_to: '2026-06-30' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({
      id: expect.any(Number),
      sku: 'BOLT-M8',
      supplier: 'ACME',
      kind: 'contract',
      unit_price: 0.12,
      currency: 'EUR',
      valid_from: null,
      valid_to: '2026-06-30',
      purchase_order_id: null,
      purchase_order_line_id: null,
      recorded_at: '2026-06-01T12:00:00.000Z',
    });
    clock = now + 60_000;
    const second = await post(PRICES, { unit_price: 0.11, valid_from: '2026-07-01', valid_to: '2026-12-31' });
    expect(second.statusCode).toBe(201);

    const history = await get(PRICES);
    expect(history.statusCode).toBe(200);
    expect(history.json()).toEqual({ data: [second.json(), first.json()], next_cursor: null });
    const page1 = (await get(`${PRICES}?limit=1`)).json();
    expect(page1.data).toEqual([second.json()]);
    const page2 = (await get(`${PRICES}?limit=1&cursor=${page1.next_cursor}`)).json();
    expect(page2).toEqual({ data: [first.json()], next_cursor: null });
    expect((await get(`${PRICES}?kind=purchase`)).json()).toEqual({ data: [], next_cursor: null });
  });

  it('refuses an overlapping contract period with 409 naming the field and records nothing', async () => {
    await post(PRICES, { unit_price: 0.11, valid_from: '2026-07-01', valid_to: '2026-12-31' });
    const before = await snapshot();
    const res = await post(PRICES, { unit_price: 0.1, valid_from: '2026-12-01' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'LS_DUPLICATE',
      message: expect.stringContaining('valid_from: overlaps the contract price valid 2026-07-01 … 2026-12-31'),
      details: [{ field: 'valid_from', value: '2026-12-01' }],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('returns the first answer for a retried Idempotency-Key and records one price', async () => {
    const body = { unit_price: 0.11, valid_from: '2026-07-01' };
    const first = await post(PRICES, body, { 'idempotency-key': 'price-1' });
    clock = now + 5000;
    const again = await post(PRICES, body, { 'idempotency-key': 'price-1' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect((await snapshot()).prices).toHaveLength(1);
  });

  it('answers an unknown item, supplier or source with 404 on both routes and changes nothing', async () => {
    const before = await snapshot();
    for (const [url, code] of [
      ['/api/v1/items/NOPE/sources/ACME/prices', 'LS_UNKNOWN_ITEM'],
      ['/api/v1/items/BOLT-M8/sources/GHOST/prices', 'LS_UNKNOWN_SUPPLIER'],
      ['/api/v1/items/NUT-M8/sources/ACME/prices', 'LS_UNKNOWN_SUPPLIER_ITEM'],
    ] as const) {
      for (const res of [await post(url, { unit_price: 1 }), await get(url)]) {
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe(code);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  const badBodies: Array<[string, unknown, string]> = [
    ['no unit price', { valid_from: '2026-07-01' }, 'unit_price'],
    ['a null unit price', { unit_price: null }, 'unit_price'],
    ['a string unit price', { unit_price: '0.11' }, 'unit_price'],
    ['a negative unit price', { unit_price: -0.11 }, 'unit_price'],
    ['a unit price of 1e308', { unit_price: 1e308 }, 'unit_price'],
    ['three decimals in EUR', { unit_price: 0.111 }, 'unit_price'],
    ['decimals in yen', { unit_price: 10.5, currency: 'JPY' }, 'unit_price'],
    ['a lower-case currency', { unit_price: 1, currency: 'eur' }, 'currency'],
    ['a date with a time', { unit_price: 1, valid_from: '2026-07-01T00:00:00Z' }, 'valid_from'],
    ['an impossible date', { unit_price: 1, valid_to: '2026-02-29' }, 'valid_to'],
    ['a numeric date', { unit_price: 1, valid_from: 20260701 }, 'valid_from'],
    ['a huge date', { unit_price: 1, valid_from: '2'.repeat(100_000) }, 'valid_from'],
    ['an end before the start', { unit_price: 1, valid_from: '2026-07-02', valid_to: '2026-07-01' }, 'valid_to'],
    ['an unknown field', { unit_price: 1, discount: 0.1 }, 'discount'],
    ['an array body', [{ unit_price: 1 }], 'body'],
  ];
  for (const [what, body, field] of badBodies) {
    it(`answers a contract price with ${what} with 400 naming ${field} and changes nothing`, async () => {
      const before = await snapshot();
      const res = await post(PRICES, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('LS_VALIDATION');
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('answers malformed JSON, an empty body and a wrong content type with 4xx', async () => {
    const before = await snapshot();
    const malformed = await app.inject({
      method: 'POST',
      url: PRICES,
      headers: { 'content-type': 'application/json' },
      payload: '{"unit_price": ',
    });
    const empty = await app.inject({ method: 'POST', url: PRICES, headers: { 'content-type': 'application/json' } });
    const xml = await app.inject({
      method: 'POST',
      url: PRICES,
      headers: { 'content-type': 'application/xml' },
      payload: '<x/>',
    });
    expect([malformed.statusCode, empty.statusCode, xml.statusCode]).toEqual([400, 400, 415]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a bad page size, cursor or kind on the history with 400 naming it', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=garbage', 'cursor'],
      ['kind=sale', 'kind'],
    ] as const) {
      const res = await get(`${PRICES}?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain(field);
    }
  });

  it('is listed in the OpenAPI document', async () => {
    const document = (await get('/api/openapi.json')).json();
    expect(Object.keys(document.paths['/api/v1/items/{sku}/sources/{supplier}/prices'])).toEqual(['post', 'get']);
  });
});

import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('supplier item routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    await seedCatalogue(database(), { items: ['BOLT-M8', 'NUT-M8'], locations: [] });
    app = await buildApp({ database: database(), clock: () => now });
    for (const supplier of [
      { code: 'ACME', name: 'Acme Fasteners', lead_time_days: 5 },
      { code: 'LOCAL', name: 'Local Hardware', lead_time_days: 1 },
    ]) {
      await app.inject({ method: 'POST', url: '/api/v1/suppliers', payload: supplier });
    }
  });
  afterEach(async () => {
    await app.close();
  });

  const send = (method: 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const get = (url: string) => app.inject({ method: 'GET', url });

  const snapshot = async () => ({
    sources: await database().db.selectFrom('supplier_items').selectAll().orderBy('id').execute(),
    suppliers: await database().db.selectFrom('suppliers').selectAll().orderBy('id').execute(),
    audit: await database().db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    keys: await database().db.selectFrom('idempotency_keys').select('key').execute(),
  });

  const source = {
    supplier: 'ACME',
    supplier_sku: 'AC-8-20',
    unit_price: 1.2,
    price_breaks: [
      { min_quantity: 10, unit_price: 1.15 },
      { min_quantity: 50, unit_price: 1.1 },
    ],
    moq: 10,
    pack_size: 5,
    rank: 1,
  };

  it('adds a source with 201 and lists it under the item and under the supplier', async () => {
    const created = await send('POST', '/api/v1/items/BOLT-M8/sources', source);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      sku: 'BOLT-M8',
      ...source,
      currency: 'EUR',
      lead_time_days: null,
      effective_lead_time_days: 5,
      active: true,
      created_at: '2026-06-01T12:00:00.000Z',
      updated_at: '2026-06-01T12:00:00.000Z',
    });
    expect((await get('/api/v1/items/BOLT-M8/sources')).json()).toEqual({ data: [created.json()], next_cursor: null });
    expect((await get('/api/v1/suppliers/ACME/items')).json()).toEqual({ data: [created.json()], next_cursor: null });
    expect((await get('/api/v1/items/BOLT-M8/sources/ACME')).json()).toEqual(created.json());
  });

  it('lists sources preferred first and answers an item without sources with an empty list', async () => {
    await send('POST', '/api/v1/items/BOLT-M8/sources', { supplier: 'ACME', rank: 2 });
    await send('POST', '/api/v1/items/BOLT-M8/sources', { supplier: 'LOCAL', rank: 1 });
    const list = (await get('/api/v1/items/BOLT-M8/sources')).json();
    expect(list.data.map((s: { supplier: string }) => s.supplier)).toEqual(['LOCAL', 'ACME']);
    expect((await get('/api/v1/items/NUT-M8/sources')).json()).toEqual({ data: [], next_cursor: null });
    const paged = (await get('/api/v1/items/BOLT-M8/sources?limit=1')).json();
    const rest = (await get(`/api/v1/items/BOLT-M8/sources?limit=1&cursor=${paged.next_cursor}`)).json();
    expect([paged.data[0].supplier, rest.data[0].supplier, rest.next_cursor]).toEqual(['LOCAL', 'ACME', null]);
  });

  it('updates a source, then deactivates and activates it', async () => {
    await send('POST', '/api/v1/items/BOLT-M8/sources', source);
    const patched = await send('PATCH', '/api/v1/items/BOLT-M8/sources/ACME', { lead_time_days: 12, moq: 20 });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ lead_time_days: 12, effective_lead_time_days: 12, moq: 20, pack_size: 5 });
    const off = await send('POST', '/api/v1/items/BOLT-M8/sources/ACME/deactivate');
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await get('/api/v1/items/BOLT-M8/sources?active=true')).json().data).toEqual([]);
    expect((await send('POST', '/api/v1/items/BOLT-M8/sources/ACME/activate')).json().active).toBe(true);
    const trail = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'entity_key'])
      .where('entity', '=', 'supplier_item')
      .orderBy('id')
      .execute();
    expect(trail).toEqual([
      { action: 'create', entity_key: 'BOLT-M8/ACME' },
      { action: 'update', entity_key: 'BOLT-M8/ACME' },
      { action: 'deactivate', entity_key: 'BOLT-M8/ACME' },
      { action: 'activate', entity_key: 'BOLT-M8/ACME' },
    ]);
  });

  it('answers the same item and supplier twice with 409 LS_DUPLICATE naming supplier', async () => {
    await send('POST', '/api/v1/items/BOLT-M8/sources', source);
    const before = await snapshot();
    const res = await send('POST', '/api/v1/items/BOLT-M8/sources', { supplier: 'ACME' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'LS_DUPLICATE', details: [{ field: 'supplier' }] });
    expect(await snapshot()).toEqual(before);
  });

  it('returns the first answer again for a retried Idempotency-Key and adds one source', async () => {
    const first = await send('POST', '/api/v1/items/BOLT-M8/sources', source, { 'idempotency-key': 'src-1' });
    const again = await send('POST', '/api/v1/items/BOLT-M8/sources', source, { 'idempotency-key': 'src-1' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const patch1 = await send('PATCH', '/api/v1/items/BOLT-M8/sources/ACME', { rank: 2 }, { 'idempotency-key': 'p-1' });
    const patch2 = await send('PATCH', '/api/v1/items/BOLT-M8/sources/ACME', { rank: 2 }, { 'idempotency-key': 'p-1' });
    expect(patch2.json()).toEqual(patch1.json());
    expect((await snapshot()).sources).toHaveLength(1);
  });

  it('answers unknown items, suppliers and sources with 404 naming the field', async () => {
    await send('POST', '/api/v1/items/BOLT-M8/sources', source);
    const before = await snapshot();
    const cases: Array<
      [Promise<{ statusCode: number; json(): { error: { code: string; message: string } } }>, string, string]
    > = [
      [get('/api/v1/items/NOPE/sources'), 'LS_UNKNOWN_ITEM', 'sku'],
      [get('/api/v1/items/BOLT-M8/sources/NOPE'), 'LS_UNKNOWN_SUPPLIER', 'supplier'],
      [get('/api/v1/items/NUT-M8/sources/ACME'), 'LS_UNKNOWN_SUPPLIER_ITEM', 'supplier'],
      [send('PATCH', '/api/v1/items/NOPE/sources/ACME', { rank: 2 }), 'LS_UNKNOWN_ITEM', 'sku'],
      [send('PATCH', '/api/v1/items/BOLT-M8/sources/NOPE', { rank: 2 }), 'LS_UNKNOWN_SUPPLIER', 'supplier'],
      [send('PATCH', '/api/v1/items/NUT-M8/sources/ACME', { rank: 2 }), 'LS_UNKNOWN_SUPPLIER_ITEM', 'supplier'],
      [send('POST', '/api/v1/items/NUT-M8/sources/ACME/deactivate'), 'LS_UNKNOWN_SUPPLIER_ITEM', 'supplier'],
      [send('POST', '/api/v1/items/BOLT-M8/sources/NOPE/deactivate'), 'LS_UNKNOWN_SUPPLIER', 'supplier'],
    ];
    for (const [request, code, field] of cases) {
      const res = await request;
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.message).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
  });

  const badAdds: Array<[string, string, unknown, string]> = [
    ['an unknown sku', 'NOPE', source, 'sku'],
    ['an unknown supplier', 'BOLT-M8', { ...source, supplier: 'NOPE' }, 'supplier'],
    ['a missing supplier', 'BOLT-M8', { unit_price: 1 }, 'supplier'],
    ['a numeric supplier', 'BOLT-M8', { supplier: 7 }, 'supplier'],
    ['a huge supplier code', 'BOLT-M8', { supplier: 'X'.repeat(100_000) }, 'supplier'],
    ['a huge supplier sku', 'BOLT-M8', { ...source, supplier_sku: '螺'.repeat(100_000) }, 'supplier_sku'],
    ['a string unit price', 'BOLT-M8', { ...source, unit_price: '1.20' }, 'unit_price'],
    ['a negative unit price', 'BOLT-M8', { ...source, unit_price: -1.2 }, 'unit_price'],
    ['a unit price of 1e308', 'BOLT-M8', { ...source, unit_price: 1e308 }, 'unit_price'],
    ['a unit price with 3 decimals in EUR', 'BOLT-M8', { ...source, unit_price: 1.205 }, 'unit_price'],
    ['a moq with 4 decimals', 'BOLT-M8', { ...source, moq: 10.0001 }, 'moq'],
    ['a pack size with 4 decimals', 'BOLT-M8', { ...source, moq: null, pack_size: 0.0001 }, 'pack_size'],
    ['a moq of 1e308', 'BOLT-M8', { ...source, moq: 1e308 }, 'moq'],
    ['a zero moq', 'BOLT-M8', { ...source, moq: 0 }, 'moq'],
    ['a negative pack size', 'BOLT-M8', { ...source, pack_size: -5 }, 'pack_size'],
    ['a moq that is not whole packs', 'BOLT-M8', { ...source, moq: 12, pack_size: 5 }, 'moq'],
    [
      'descending price breaks',
      'BOLT-M8',
      {
        ...source,
        price_breaks: [
          { min_quantity: 50, unit_price: 1.1 },
          { min_quantity: 10, unit_price: 1.15 },
        ],
      },
      'price_breaks[1].min_quantity',
    ],
    [
      'a price break with 4 decimals',
      'BOLT-M8',
      { ...source, price_breaks: [{ min_quantity: 10.0005, unit_price: 1 }] },
      'price_breaks[0].min_quantity',
    ],
    [
      'a price break with a negative price',
      'BOLT-M8',
      { ...source, price_breaks: [{ min_quantity: 10, unit_price: -1 }] },
      'price_breaks[0].unit_price',
    ],
    ['price breaks that are not a list', 'BOLT-M8', { ...source, price_breaks: '10:1.20' }, 'price_breaks'],
    ['a zero rank', 'BOLT-M8', { ...source, rank: 0 }, 'rank'],
    ['a fractional rank', 'BOLT-M8', { ...source, rank: 1.5 }, 'rank'],
    ['a lead time of 1e308 days', 'BOLT-M8', { ...source, lead_time_days: 1e308 }, 'lead_time_days'],
    ['a bad currency', 'BOLT-M8', { ...source, currency: 'Euro' }, 'currency'],
    ['an unknown field', 'BOLT-M8', { ...source, sku: 'BOLT-M8' }, 'sku'],
    ['an array body', 'BOLT-M8', [source], 'body'],
  ];
  for (const [what, sku, body, field] of badAdds) {
    it(`answers adding a source with ${what} with a 4xx naming ${field} and changes nothing`, async () => {
      const before = await snapshot();
      const res = await send('POST', `/api/v1/items/${sku}/sources`, body);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  const badPatches: Array<[string, unknown, string]> = [
    ['an empty object', {}, 'body'],
    ['another supplier', { supplier: 'LOCAL' }, 'supplier'],
    ['a pack size that does not divide the moq', { pack_size: 3 }, 'pack_size'],
    ['a moq with 4 decimals', { moq: 10.0001 }, 'moq'],
    ['a negative unit price', { unit_price: -0.5 }, 'unit_price'],
    ['a null rank', { rank: null }, 'rank'],
    ['a currency the prices cannot be written in', { currency: 'JPY' }, 'unit_price'],
    [
      'repeated price breaks',
      {
        price_breaks: [
          { min_quantity: 10, unit_price: 1 },
          { min_quantity: 10, unit_price: 0.9 },
        ],
      },
      'price_breaks[1].min_quantity',
    ],
  ];
  for (const [what, body, field] of badPatches) {
    it(`answers an update with ${what} with a 4xx naming ${field} and changes nothing`, async () => {
      await send('POST', '/api/v1/items/BOLT-M8/sources', source);
      const before = await snapshot();
      const res = await send('PATCH', '/api/v1/items/BOLT-M8/sources/ACME', body);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('accepts a supplier part number in another script', async () => {
    const res = await send('POST', '/api/v1/items/NUT-M8/sources', {
      supplier: 'LOCAL',
      supplier_sku: 'Mutter M8 – 六角',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().supplier_sku).toBe('Mutter M8 – 六角');
  });

  it('answers malformed JSON, an empty body and a wrong content type with 4xx on every write', async () => {
    await send('POST', '/api/v1/items/BOLT-M8/sources', source);
    const before = await snapshot();
    for (const [method, url] of [
      ['POST', '/api/v1/items/BOLT-M8/sources'],
      ['PATCH', '/api/v1/items/BOLT-M8/sources/ACME'],
    ] as const) {
      const malformed = await app.inject({
        method,
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{"supplier": ',
      });
      const empty = await app.inject({ method, url, headers: { 'content-type': 'application/json' } });
      const xml = await app.inject({ method, url, headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
      expect([malformed.statusCode, empty.statusCode, xml.statusCode]).toEqual([400, 400, 415]);
      expect(malformed.json().error.code).toBe('LS_VALIDATION');
      expect(empty.json().error.details).toEqual([expect.objectContaining({ field: 'body' })]);
    }
    expect(await snapshot()).toEqual(before);
  });
});

import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('item routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
  });
  afterEach(async () => {
    await app.close();
  });

  const send = (
    method: 'POST' | 'PATCH' | 'GET',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) => app.inject({ method, url, ...(payload !== undefined && { payload: payload as object }), headers });

  /** Everything a refused request could have touched, to prove it touched nothing. */
  const snapshot = async () => ({
    items: await database().db.selectFrom('items').selectAll().orderBy('id').execute(),
    audit: await database().db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    keys: await database().db.selectFrom('idempotency_keys').select('key').execute(),
  });

  const bolt = { sku: 'BOLT-M8', name: 'Hex bolt M8x40', unit: 'pcs', unit_cost: 0.12, category: 'Fasteners' };

  it('creates an item with the contract fields and answers 201 with the item', async () => {
    const res = await send('POST', '/api/v1/items', { ...bolt, criticality: 'high' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      sku: 'BOLT-M8',
      name: 'Hex bolt M8x40',
      unit: 'pcs',
      category: 'Fasteners',
      unit_cost: 0.12,
      currency: 'EUR',
      shelf_life_days: null,
      criticality: 'high',
      allow_negative: false,
      active: true,
      created_at: '2026-06-01T12:00:00.000Z',
      updated_at: '2026-06-01T12:00:00.000Z',
    });
    expect((await send('GET', '/api/v1/items/BOLT-M8')).json()).toEqual(res.json());
  });

  it('patches only the given fields and records the change in the audit trail', async () => {
    await send('POST', '/api/v1/items', bolt, { 'x-actor': 'maria' });
    const res = await send(
      'PATCH',
      '/api/v1/items/BOLT-M8',
      { unit_cost: 0.14, shelf_life_days: null },
      { 'x-actor': 'jan' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Hex bolt M8x40', unit_cost: 0.14, category: 'Fasteners' });
    const audit = (await send('GET', '/api/v1/items/BOLT-M8/audit')).json();
    expect(audit.next_cursor).toBeNull();
    expect(audit.data).toMatchObject([
      { action: 'update', actor: 'jan', before: { unit_cost: 0.12 }, after: { unit_cost: 0.14 } },
      { action: 'create', actor: 'maria', before: null, after: { sku: 'BOLT-M8' } },
    ]);
  });

  it('deactivates and activates an item', async () => {
    await send('POST', '/api/v1/items', bolt);
    const off = await send('POST', '/api/v1/items/BOLT-M8/deactivate');
    expect([off.statusCode, off.json().active]).toEqual([200, false]);
    expect((await send('GET', '/api/v1/items?status=inactive')).json().data.map((i: { sku: string }) => i.sku)).toEqual(
      ['BOLT-M8'],
    );
    const on = await send('POST', '/api/v1/items/BOLT-M8/activate');
    expect([on.statusCode, on.json().active]).toEqual([200, true]);
  });

  it('returns the first answer again for a retried Idempotency-Key and creates one item', async () => {
    const first = await send('POST', '/api/v1/items', bolt, { 'idempotency-key': 'new-bolt' });
    const second = await send('POST', '/api/v1/items', bolt, { 'idempotency-key': 'new-bolt' });
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    const reused = await send('POST', '/api/v1/items', { ...bolt, sku: 'NUT-M8' }, { 'idempotency-key': 'new-bolt' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('LS_IDEMPOTENCY_CONFLICT');
    expect((await snapshot()).items).toHaveLength(1);
  });

  it('lists items a page at a time and filters by text, category and status', async () => {
    for (const sku of ['A-1', 'B-2', 'C-3'])
      await send('POST', '/api/v1/items', { sku, name: `Part ${sku}`, unit: 'pcs' });
    await send('POST', '/api/v1/items', bolt);
    const first = (await send('GET', '/api/v1/items?limit=2')).json();
    expect(first.data.map((i: { sku: string }) => i.sku)).toEqual(['A-1', 'B-2']);
    const rest = (await send('GET', `/api/v1/items?limit=2&cursor=${first.next_cursor}`)).json();
    expect(rest).toMatchObject({ data: [{ sku: 'BOLT-M8' }, { sku: 'C-3' }], next_cursor: null });
    expect((await send('GET', '/api/v1/items?q=hex')).json().data).toHaveLength(1);
    expect((await send('GET', '/api/v1/items?category=Fasteners&active=true')).json().data).toHaveLength(1);
    expect((await send('GET', '/api/v1/items?status=stock_out')).json().data).toHaveLength(4);
    expect((await send('GET', '/api/v1/items?status=below_reorder_point')).json()).toEqual({
      data: [],
      next_cursor: null,
    });
    const bad = await send('GET', '/api/v1/items?status=shiny');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('status');
    expect((await send('GET', '/api/v1/items?cursor=nonsense')).statusCode).toBe(400);
  });

  it('answers a duplicate SKU with 409 LS_DUPLICATE naming sku and changes nothing', async () => {
    await send('POST', '/api/v1/items', bolt);
    const before = await snapshot();
    const res = await send('POST', '/api/v1/items', { ...bolt, name: 'Another bolt' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'LS_DUPLICATE', details: [{ field: 'sku' }] });
    expect(res.json().error.message).toContain('sku');
    expect(await snapshot()).toEqual(before);
  });

  it('accepts names and units in any script', async () => {
    const res = await send('POST', '/api/v1/items', {
      sku: '螺栓-M8',
      name: '六角螺栓 M8 — Sechskantschraube ✓',
      unit: 'Stück',
    });
    expect(res.statusCode).toBe(201);
    const read = await send('GET', `/api/v1/items/${encodeURIComponent('螺栓-M8')}`);
    expect(read.json()).toMatchObject({ sku: '螺栓-M8', name: '六角螺栓 M8 — Sechskantschraube ✓', unit: 'Stück' });
  });

  const long = 'x'.repeat(10_000);
  const createCases: Array<[string, unknown, string]> = [
    ['a missing sku', { name: 'Bolt', unit: 'pcs' }, 'sku'],
    ['a missing name', { sku: 'B-1', unit: 'pcs' }, 'name'],
    ['a missing unit', { sku: 'B-1', name: 'Bolt' }, 'unit'],
    ['an empty object', {}, 'sku'],
    ['a numeric sku', { ...bolt, sku: 42 }, 'sku'],
    ['a sku with a space', { ...bolt, sku: 'BOLT M8' }, 'sku'],
    ['a 10,000-character sku', { ...bolt, sku: long }, 'sku'],
    ['a 10,000-character name', { ...bolt, name: long }, 'name'],
    ['a 10,000-character unit', { ...bolt, unit: long }, 'unit'],
    ['a 10,000-character category', { ...bolt, category: long }, 'category'],
    ['a string unit cost', { ...bolt, unit_cost: '0.12' }, 'unit_cost'],
    ['a negative unit cost', { ...bolt, unit_cost: -1 }, 'unit_cost'],
    ['three decimals of EUR', { ...bolt, unit_cost: 0.125 }, 'unit_cost'],
    ['a lower-case currency', { ...bolt, currency: 'eur' }, 'currency'],
    ['an unknown criticality', { ...bolt, criticality: 'vital' }, 'criticality'],
    ['a fractional shelf life', { ...bolt, shelf_life_days: 1.5 }, 'shelf_life_days'],
    ['a zero shelf life', { ...bolt, shelf_life_days: 0 }, 'shelf_life_days'],
    ['a string boolean', { ...bolt, allow_negative: 'true' }, 'allow_negative'],
    ['an unknown field', { ...bolt, colour: 'blue' }, 'colour'],
    ['an array body', [bolt], 'body'],
  ];
  for (const [what, body, field] of createCases) {
    it(`POST /items answers ${what} with a 4xx naming ${field} and changes nothing`, async () => {
      const before = await snapshot();
      const res = await send('POST', '/api/v1/items', body);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  const patchCases: Array<[string, string, unknown, string, number]> = [
    ['an unknown SKU', 'NOPE', { name: 'x' }, 'sku', 404],
    ['a unicode SKU that does not exist', encodeURIComponent('螺栓-M9'), { name: 'x' }, 'sku', 404],
    ['a 10,000-character SKU in the path', long, { name: 'x' }, 'sku', 400],
    ['an empty object', 'BOLT-M8', {}, 'body', 400],
    ['a changed sku', 'BOLT-M8', { sku: 'BOLT-M10' }, 'sku', 400],
    ['an empty name', 'BOLT-M8', { name: '  ' }, 'name', 400],
    ['a null name', 'BOLT-M8', { name: null }, 'name', 400],
    ['a 10,000-character name', 'BOLT-M8', { name: long }, 'name', 400],
    ['a boolean unit cost', 'BOLT-M8', { unit_cost: true }, 'unit_cost', 400],
    ['a currency the cost does not fit', 'BOLT-M8', { currency: 'JPY' }, 'unit_cost', 400],
    ['an unknown field', 'BOLT-M8', { created_at: '2020-01-01T00:00:00Z' }, 'created_at', 400],
  ];
  for (const [what, sku, body, field, status] of patchCases) {
    it(`PATCH /items/{sku} answers ${what} with ${status} naming ${field} and changes nothing`, async () => {
      await send('POST', '/api/v1/items', bolt);
      const before = await snapshot();
      const res = await send('PATCH', `/api/v1/items/${sku}`, body);
      expect(res.statusCode).toBe(status);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  for (const action of ['deactivate', 'activate']) {
    it(`POST /items/{sku}/${action} answers unknown and over-long SKUs with 4xx naming sku`, async () => {
      await send('POST', '/api/v1/items', bolt);
      const before = await snapshot();
      const unknown = await send('POST', `/api/v1/items/NOPE/${action}`);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.message).toContain('sku');
      const huge = await send('POST', `/api/v1/items/${long}/${action}`);
      expect(huge.statusCode).toBe(400);
      expect(huge.json().error.message).toContain('sku');
      expect(await snapshot()).toEqual(before);
    });
  }

  it('answers malformed JSON, an empty body and a wrong content type with 4xx and changes nothing', async () => {
    await send('POST', '/api/v1/items', bolt);
    const before = await snapshot();
    for (const [method, url] of [
      ['POST', '/api/v1/items'],
      ['PATCH', '/api/v1/items/BOLT-M8'],
    ] as const) {
      const malformed = await app.inject({
        method,
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{"sku": "X",',
      });
      const empty = await app.inject({ method, url, headers: { 'content-type': 'application/json' } });
      const none = await app.inject({ method, url });
      const xml = await app.inject({ method, url, headers: { 'content-type': 'application/xml' }, payload: '<item/>' });
      expect([malformed.statusCode, empty.statusCode, none.statusCode, xml.statusCode]).toEqual([400, 400, 400, 415]);
      expect(malformed.json().error.code).toBe('LS_VALIDATION');
      expect(none.json().error.message).toContain('body');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers a path parameter beyond the router limit with 414 in the usual error shape', async () => {
    const res = await send('GET', `/api/v1/items/${'x'.repeat(20_000)}`);
    expect(res.statusCode).toBe(414);
    expect(res.json().error).toMatchObject({ code: 'LS_VALIDATION', details: [{ field: 'path' }] });
  });

  it('answers the audit trail of an unknown SKU with 404', async () => {
    const res = await send('GET', '/api/v1/items/NOPE/audit');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('LS_UNKNOWN_ITEM');
  });
});

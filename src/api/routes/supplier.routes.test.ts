import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('supplier routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
  });
  afterEach(async () => {
    await app.close();
  });

  const send = (method: 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const get = (url: string) => app.inject({ method: 'GET', url });

  /** Everything a refused request could have touched, to prove it touched nothing. */
  const snapshot = async () => ({
    suppliers: await database().db.selectFrom('suppliers').selectAll().orderBy('id').execute(),
    audit: await database().db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    keys: await database().db.selectFrom('idempotency_keys').select('key').execute(),
  });

  const acme = {
    code: 'ACME',
    name: 'Acme Fasteners',
    email: 'orders@acme.example',
    lead_time_days: 5,
    ordering_cost: 25,
  };

  it('creates a supplier with 201 and reads, lists, updates and deactivates it', async () => {
    const created = await send('POST', '/api/v1/suppliers', acme);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      ...acme,
      currency: 'EUR',
      active: true,
      auto_send: false,
      order_days: null,
      consolidation_minutes: 0,
      created_at: '2026-06-01T12:00:00.000Z',
      updated_at: '2026-06-01T12:00:00.000Z',
    });
    expect((await get('/api/v1/suppliers/ACME')).json()).toEqual(created.json());
    expect((await get('/api/v1/suppliers')).json()).toEqual({ data: [created.json()], next_cursor: null });

    const patched = await send('PATCH', '/api/v1/suppliers/ACME', { lead_time_days: 8, email: null });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ lead_time_days: 8, email: null, name: 'Acme Fasteners' });

    const off = await send('POST', '/api/v1/suppliers/ACME/deactivate');
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await get('/api/v1/suppliers?active=false')).json().data).toHaveLength(1);
    expect((await get('/api/v1/suppliers?active=true')).json().data).toHaveLength(0);
    expect((await send('POST', '/api/v1/suppliers/ACME/activate')).json().active).toBe(true);
  });

  it('takes ordering settings on create and update and answers order days as weekday names', async () => {
    const created = await send('POST', '/api/v1/suppliers', {
      ...acme,
      auto_send: true,
      order_days: ['Thu', 'tue'],
      consolidation_minutes: 240,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ auto_send: true, order_days: ['tue', 'thu'], consolidation_minutes: 240 });
    const patched = await send('PATCH', '/api/v1/suppliers/ACME', { order_days: [1, 5], consolidation_minutes: 0 });
    expect(patched.json()).toMatchObject({ auto_send: true, order_days: ['mon', 'fri'], consolidation_minutes: 0 });
    const anyDay = await send('PATCH', '/api/v1/suppliers/ACME', { order_days: null });
    expect(anyDay.json().order_days).toBeNull();
    expect((await get('/api/v1/suppliers/ACME/audit')).json().data[0]).toMatchObject({
      before: { order_days: ['mon', 'fri'] },
      after: { order_days: null },
    });
  });

  it('answers the audit trail of a supplier newest first', async () => {
    await send('POST', '/api/v1/suppliers', acme, { 'x-actor': 'maria' });
    await send('PATCH', '/api/v1/suppliers/ACME', { ordering_cost: 30 }, { 'x-actor': 'maria' });
    const trail = await get('/api/v1/suppliers/ACME/audit');
    expect(trail.statusCode).toBe(200);
    expect(trail.json().data).toMatchObject([
      { action: 'update', actor: 'maria', before: { ordering_cost: 25 }, after: { ordering_cost: 30 } },
      { action: 'create', actor: 'maria', before: null },
    ]);
  });

  it('answers a duplicate code with 409 LS_DUPLICATE naming code', async () => {
    await send('POST', '/api/v1/suppliers', acme);
    const before = await snapshot();
    const res = await send('POST', '/api/v1/suppliers', { ...acme, name: 'Again' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'LS_DUPLICATE', details: [{ field: 'code' }] });
    expect(await snapshot()).toEqual(before);
  });

  it('answers an unknown supplier with 404 LS_UNKNOWN_SUPPLIER on every route', async () => {
    const before = await snapshot();
    const answers = [
      await get('/api/v1/suppliers/NOPE'),
      await send('PATCH', '/api/v1/suppliers/NOPE', { name: 'x' }),
      await send('POST', '/api/v1/suppliers/NOPE/deactivate'),
      await send('POST', '/api/v1/suppliers/NOPE/activate'),
      await get('/api/v1/suppliers/NOPE/items'),
      await get('/api/v1/suppliers/NOPE/audit'),
    ];
    for (const res of answers) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('LS_UNKNOWN_SUPPLIER');
      expect(res.json().error.message).toContain('supplier');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('returns the first answer again for a retried Idempotency-Key and creates one supplier', async () => {
    const first = await send('POST', '/api/v1/suppliers', acme, { 'idempotency-key': 'sup-1' });
    const again = await send('POST', '/api/v1/suppliers', acme, { 'idempotency-key': 'sup-1' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const reused = await send('POST', '/api/v1/suppliers', { ...acme, code: 'OTHER' }, { 'idempotency-key': 'sup-1' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('LS_IDEMPOTENCY_CONFLICT');
    expect((await snapshot()).suppliers).toHaveLength(1);
  });

  it('pages suppliers with a cursor and filters by text', async () => {
    for (const code of ['S1', 'S2', 'S3', 'S4', 'S5'])
      await send('POST', '/api/v1/suppliers', { code, name: `Supplier ${code}` });
    await send('POST', '/api/v1/suppliers', { code: 'ZZ', name: 'Zürich Präzision' });
    const first = (await get('/api/v1/suppliers?limit=4')).json();
    expect(first.data.map((s: { code: string }) => s.code)).toEqual(['S1', 'S2', 'S3', 'S4']);
    const second = (await get(`/api/v1/suppliers?limit=4&cursor=${first.next_cursor}`)).json();
    expect(second).toMatchObject({ data: [{ code: 'S5' }, { code: 'ZZ' }], next_cursor: null });
    expect((await get('/api/v1/suppliers?q=pr%C3%A4zision')).json().data).toMatchObject([{ code: 'ZZ' }]);
    const bad = await get('/api/v1/suppliers?cursor=garbage');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('cursor');
    expect((await get('/api/v1/suppliers?limit=0')).statusCode).toBe(400);
  });

  it('accepts a name, e-mail and code in other scripts', async () => {
    const res = await send('POST', '/api/v1/suppliers', {
      code: '深圳五金',
      name: '深圳五金有限公司 — Shenzhen Hardware',
      email: 'dingdan@五金.中国',
      currency: 'CNY',
      ordering_cost: 120.5,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ code: '深圳五金', currency: 'CNY', ordering_cost: 120.5 });
    expect((await get(`/api/v1/suppliers/${encodeURIComponent('深圳五金')}`)).statusCode).toBe(200);
  });

  const badCreates: Array<[string, unknown, string]> = [
    ['a missing code', { name: 'Acme' }, 'code'],
    ['a missing name', { code: 'ACME' }, 'name'],
    ['a numeric code', { code: 42, name: 'Acme' }, 'code'],
    ['a code with a space', { code: 'AC ME', name: 'Acme' }, 'code'],
    ['a huge code', { code: 'X'.repeat(100_000), name: 'Acme' }, 'code'],
    ['a huge name', { code: 'ACME', name: 'é'.repeat(100_000) }, 'name'],
    ['an empty name', { code: 'ACME', name: '   ' }, 'name'],
    ['a bad e-mail', { ...acme, email: 'orders-at-acme' }, 'email'],
    ['a string lead time', { ...acme, lead_time_days: '5' }, 'lead_time_days'],
    ['a fractional lead time', { ...acme, lead_time_days: 2.5 }, 'lead_time_days'],
    ['a negative lead time', { ...acme, lead_time_days: -1 }, 'lead_time_days'],
    ['a lead time of 1e308 days', { ...acme, lead_time_days: 1e308 }, 'lead_time_days'],
    ['a negative ordering cost', { ...acme, ordering_cost: -5 }, 'ordering_cost'],
    ['an ordering cost of 1e308', { ...acme, ordering_cost: 1e308 }, 'ordering_cost'],
    ['an ordering cost with 3 decimals in EUR', { ...acme, ordering_cost: 25.125 }, 'ordering_cost'],
    ['a string ordering cost', { ...acme, ordering_cost: '25' }, 'ordering_cost'],
    ['a lower-case currency', { ...acme, currency: 'eur' }, 'currency'],
    ['a string active flag', { ...acme, active: 'yes' }, 'active'],
    ['a string auto_send flag', { ...acme, auto_send: 'true' }, 'auto_send'],
    ['an empty list of order days', { ...acme, order_days: [] }, 'order_days'],
    ['order days as one text', { ...acme, order_days: 'tue,thu' }, 'order_days'],
    ['an unknown weekday', { ...acme, order_days: ['tue', 'thursday-ish'] }, 'order_days'],
    ['weekday 8', { ...acme, order_days: [8] }, 'order_days'],
    ['a weekday twice', { ...acme, order_days: ['tue', 2] }, 'order_days'],
    ['a million order days', { ...acme, order_days: Array(1_000_000).fill('mon') }, 'order_days'],
    ['a negative consolidation window', { ...acme, consolidation_minutes: -1 }, 'consolidation_minutes'],
    ['a consolidation window over a week', { ...acme, consolidation_minutes: 10_081 }, 'consolidation_minutes'],
    ['a fractional consolidation window', { ...acme, consolidation_minutes: 0.5 }, 'consolidation_minutes'],
    ['an unknown field', { ...acme, phone: '123' }, 'phone'],
    ['an array body', [acme], 'body'],
  ];
  for (const [what, body, field] of badCreates) {
    it(`answers a create with ${what} with a 4xx naming ${field} and changes nothing`, async () => {
      const before = await snapshot();
      const res = await send('POST', '/api/v1/suppliers', body);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  const badPatches: Array<[string, unknown, string]> = [
    ['an empty object', {}, 'body'],
    ['a new code', { code: 'OTHER' }, 'code'],
    ['a null name', { name: null }, 'name'],
    ['a huge e-mail', { email: `${'a'.repeat(100_000)}@acme.example` }, 'email'],
    ['a lead time over ten years', { lead_time_days: 3651 }, 'lead_time_days'],
    ['a negative ordering cost', { ordering_cost: -0.01 }, 'ordering_cost'],
    ['a currency the cost cannot be written in', { currency: 'JPY', ordering_cost: 25.5 }, 'ordering_cost'],
    ['a numeric currency', { currency: 978 }, 'currency'],
    ['an empty list of order days', { order_days: [] }, 'order_days'],
    ['a null consolidation window', { consolidation_minutes: null }, 'consolidation_minutes'],
    ['a null auto_send flag', { auto_send: null }, 'auto_send'],
  ];
  for (const [what, body, field] of badPatches) {
    it(`answers an update with ${what} with a 4xx naming ${field} and changes nothing`, async () => {
      await send('POST', '/api/v1/suppliers', acme);
      const before = await snapshot();
      const res = await send('PATCH', '/api/v1/suppliers/ACME', body);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('answers malformed JSON, an empty body and a wrong content type with 4xx on every write', async () => {
    await send('POST', '/api/v1/suppliers', acme);
    const before = await snapshot();
    for (const [method, url] of [
      ['POST', '/api/v1/suppliers'],
      ['PATCH', '/api/v1/suppliers/ACME'],
    ] as const) {
      const malformed = await app.inject({
        method,
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{"code": "ACME",',
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

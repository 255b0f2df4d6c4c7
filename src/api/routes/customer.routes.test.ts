import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('customer routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
  });
  afterEach(async () => {
    await app.close();
  });

  const send = (method: 'POST' | 'PATCH', url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers, payload: payload as object });
  const get = (url: string) => app.inject({ method: 'GET', url });
  const snapshot = async () => ({
    customers: await database().db.selectFrom('customers').selectAll().orderBy('id').execute(),
    audit: await database().db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
  });

  it('creates a customer with 201 and reads, lists and updates it', async () => {
    const created = await send(
      'POST',
      '/api/v1/customers',
      { code: 'CYCLO', name: 'Cyclo Shop' },
      { 'x-actor': 'ann' },
    );
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      code: 'CYCLO',
      name: 'Cyclo Shop',
      email: null,
      active: true,
      created_at: '2026-06-01T12:00:00.000Z',
      updated_at: '2026-06-01T12:00:00.000Z',
    });
    expect((await get('/api/v1/customers/CYCLO')).json()).toEqual(created.json());
    expect((await get('/api/v1/customers')).json()).toEqual({ data: [created.json()], next_cursor: null });

    const patched = await send('PATCH', '/api/v1/customers/CYCLO', { email: 'buy@cyclo.example', active: false });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ email: 'buy@cyclo.example', active: false });
    expect((await get('/api/v1/customers?active=true')).json().data).toEqual([]);
    expect((await get('/api/v1/customers?active=false')).json().data).toHaveLength(1);
  });

  it('answers a duplicate code with 409 naming code and changes nothing', async () => {
    await send('POST', '/api/v1/customers', { code: 'CYCLO', name: 'Cyclo Shop' });
    const before = await snapshot();
    const again = await send('POST', '/api/v1/customers', { code: 'CYCLO', name: 'Other' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'LS_DUPLICATE',
      message: 'code: a customer "CYCLO" already exists',
      details: [{ field: 'code' }],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('answers bad bodies with 400 naming the field, and unknown codes with 404', async () => {
    const bad = await send('POST', '/api/v1/customers', { code: 'CYCLO', name: '', email: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { field: string }) => d.field)).toEqual(['name', 'email']);
    expect((await snapshot()).customers).toEqual([]);
    const unknown = await get('/api/v1/customers/NOPE');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({
      code: 'LS_UNKNOWN_CUSTOMER',
      message: 'code: unknown customer "NOPE"',
    });
    expect((await send('PATCH', '/api/v1/customers/NOPE', { name: 'x' })).statusCode).toBe(404);
  });

  it('returns the first answer to a retried create with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'k-1' };
    const first = await send('POST', '/api/v1/customers', { code: 'CYCLO', name: 'Cyclo Shop' }, headers);
    const retry = await send('POST', '/api/v1/customers', { code: 'CYCLO', name: 'Cyclo Shop' }, headers);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect((await snapshot()).customers).toHaveLength(1);
  });

  it('documents the customer paths in the OpenAPI document', async () => {
    const document = (await get('/api/openapi.json')).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/customers', '/api/v1/customers/{code}']),
    );
    expect(document.paths['/api/v1/customers'].post.requestBody).toBeDefined();
  });
});

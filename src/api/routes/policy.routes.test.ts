import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('policy routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
    await seedCatalogue(database(), { items: ['BOLT-M8', 'NUT-M8'], locations: ['WS', 'VAN'] });
  });
  afterEach(async () => {
    await app.close();
  });

  const send = (method: 'PUT' | 'GET' | 'DELETE' | 'POST', url: string, payload?: unknown, headers = {}) =>
    app.inject({ method, url, ...(payload !== undefined && { payload: payload as object }), headers });

  /** Everything a refused request could have touched, to prove it touched nothing. */
  const snapshot = async () => ({
    policies: await database()
      .db.selectFrom('policies')
      .selectAll()
      .orderBy('item_id')
      .orderBy('location_id')
      .execute(),
    audit: await database().db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    keys: await database().db.selectFrom('idempotency_keys').select('key').execute(),
  });

  it('PUT sets a reorder-point policy (200) and GET answers the same contract fields with the balance', async () => {
    const put = await send('PUT', '/api/v1/policies/BOLT-M8/WS', {
      kind: 'reorder_point',
      reorder_point: 50,
      target: 200,
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      sku: 'BOLT-M8',
      location: 'WS',
      kind: 'reorder_point',
      reorder_point: 50,
      target: 200,
      balance: { on_hand: 0, allocated: 0, on_order: 0, backordered: 0, inventory_position: 0 },
      below_reorder_point: true,
      planning: 'auto',
      created_at: '2026-06-01T12:00:00.000Z',
      updated_at: '2026-06-01T12:00:00.000Z',
      // Position 0 ≤ s at once, but the item has no source to order from: listed for review.
      triggered: [expect.objectContaining({ kind: 'below_reorder_point', reason: 'no_supplier_items' })],
    });
    const got = await send('GET', '/api/v1/policies/BOLT-M8/WS');
    expect(got.statusCode).toBe(200);
    const { triggered: _triggered, ...stored } = put.json();
    expect(got.json()).toEqual(stored);
  });

  it('accepts every kind of the contract and answers its fields', async () => {
    await send('POST', '/api/v1/suppliers', { code: 'ACME', name: 'Acme' });
    const bodies = [
      { kind: 'kanban', cards: 2, container_quantity: 12.5, supplier: 'ACME' },
      { kind: 'periodic_review', review_days: 7, target: 30, review_time: '05:30' },
      { kind: 'make_to_order' },
      { kind: 'manual', reorder_point: 4 },
    ];
    for (const body of bodies) {
      const res = await send('PUT', '/api/v1/policies/NUT-M8/VAN', body);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject(body);
    }
  });

  it('answers the next periodic review (local 06:00 at the site, the next one after now)', async () => {
    const res = await send('PUT', '/api/v1/policies/NUT-M8/VAN', {
      kind: 'periodic_review',
      review_days: 7,
      target: 30,
    });
    expect(res.statusCode).toBe(200);
    // now = 2026-06-01 12:00Z = 14:00 in Berlin: today's 06:00 has passed, so tomorrow 06:00 CEST = 04:00Z.
    expect(res.json().next_review_at).toBe('2026-06-02T04:00:00.000Z');
    expect((await send('GET', '/api/v1/policies/NUT-M8/VAN')).json().next_review_at).toBe('2026-06-02T04:00:00.000Z');
  });

  const matrix: Array<[string, unknown, number, string]> = [
    ['s > S', { kind: 'reorder_point', reorder_point: 300, target: 200 }, 400, 'reorder_point'],
    ['zero container', { kind: 'kanban', cards: 2, container_quantity: 0 }, 400, 'container_quantity'],
    ['cards 0', { kind: 'kanban', cards: 0, container_quantity: 5 }, 400, 'cards'],
    ['4-decimal target', { kind: 'reorder_point', reorder_point: 1, target: 2.0001 }, 400, 'target'],
    ['unknown supplier', { kind: 'kanban', cards: 2, container_quantity: 5, supplier: 'GHOST' }, 404, 'supplier'],
    ['wrong kind', { kind: 'sometimes' }, 400, 'kind'],
    ['empty body', {}, 400, 'kind'],
    ['field of another kind', { kind: 'make_to_order', target: 5 }, 400, 'target'],
  ];
  for (const [name, body, status, field] of matrix) {
    it(`refuses ${name} with ${status} naming ${field}, and changes nothing`, async () => {
      await send('PUT', '/api/v1/policies/NUT-M8/WS', { kind: 'manual' });
      const before = await snapshot();
      const res = await send('PUT', '/api/v1/policies/NUT-M8/WS', body, { 'idempotency-key': `bad-${name}` });
      expect(res.statusCode).toBe(status);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('refuses an unknown SKU or location with 404 naming the field, and changes nothing', async () => {
    const before = await snapshot();
    const body = { kind: 'reorder_point', reorder_point: 1, target: 2 };
    const sku = await send('PUT', '/api/v1/policies/NOPE/WS', body);
    expect(sku.statusCode).toBe(404);
    expect(sku.json().error).toMatchObject({ code: 'LS_UNKNOWN_ITEM', details: [{ field: 'sku' }] });
    const location = await send('PUT', '/api/v1/policies/BOLT-M8/MARS', body);
    expect(location.statusCode).toBe(404);
    expect(location.json().error).toMatchObject({ code: 'LS_UNKNOWN_LOCATION', details: [{ field: 'location' }] });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses malformed JSON with 400 and changes nothing', async () => {
    const before = await snapshot();
    const res = await app.inject({
      method: 'PUT',
      url: '/api/v1/policies/BOLT-M8/WS',
      payload: '{"kind": "reorder_point",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBeDefined();
    expect(await snapshot()).toEqual(before);
  });

  it('GET of an item without a policy is 404 LS_NOT_FOUND; DELETE removes it and audits the removal', async () => {
    expect((await send('GET', '/api/v1/policies/BOLT-M8/WS')).json().error.code).toBe('LS_NOT_FOUND');
    await send('PUT', '/api/v1/policies/BOLT-M8/WS', { kind: 'make_to_order' });
    const removed = await send('DELETE', '/api/v1/policies/BOLT-M8/WS');
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ sku: 'BOLT-M8', location: 'WS', kind: 'make_to_order' });
    expect((await send('GET', '/api/v1/policies/BOLT-M8/WS')).statusCode).toBe(404);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'entity', 'entity_key'])
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'create', entity: 'policy', entity_key: 'BOLT-M8@WS' },
      { action: 'delete', entity: 'policy', entity_key: 'BOLT-M8@WS' },
    ]);
  });

  it('lists policies filtered by sku, location and kind', async () => {
    await send('PUT', '/api/v1/policies/BOLT-M8/WS', { kind: 'reorder_point', reorder_point: 1, target: 2 });
    await send('PUT', '/api/v1/policies/NUT-M8/WS', { kind: 'make_to_order' });
    await send('PUT', '/api/v1/policies/NUT-M8/VAN', { kind: 'manual' });
    const keys = async (query: string) =>
      (await send('GET', `/api/v1/policies${query}`))
        .json()
        .data.map((p: { sku: string; location: string }) => `${p.sku}@${p.location}`);
    expect(await keys('')).toEqual(['BOLT-M8@WS', 'NUT-M8@VAN', 'NUT-M8@WS']);
    expect(await keys('?sku=NUT-M8')).toEqual(['NUT-M8@VAN', 'NUT-M8@WS']);
    expect(await keys('?location=WS&kind=make_to_order')).toEqual(['NUT-M8@WS']);
    expect((await send('GET', '/api/v1/policies?kind=never')).statusCode).toBe(400);
  });

  it('GET /items?status=below_reorder_point lists items whose position is at or below s somewhere', async () => {
    await send('POST', '/api/v1/movements', { type: 'receipt', sku: 'NUT-M8', location: 'WS', quantity: 10 });
    await send('PUT', '/api/v1/policies/BOLT-M8/WS', { kind: 'reorder_point', reorder_point: 5, target: 20 });
    await send('PUT', '/api/v1/policies/NUT-M8/WS', { kind: 'reorder_point', reorder_point: 5, target: 20 });
    const below = async () =>
      (await send('GET', '/api/v1/items?status=below_reorder_point')).json().data.map((i: { sku: string }) => i.sku);
    expect(await below()).toEqual(['BOLT-M8']);
    await send('POST', '/api/v1/movements', { type: 'issue', sku: 'NUT-M8', location: 'WS', quantity: 5 });
    expect(await below()).toEqual(['BOLT-M8', 'NUT-M8']);
  });
});

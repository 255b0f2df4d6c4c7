import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('BOM routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
    for (const [sku, unit] of <Array<[string, string]>>[
      ['BIKE', 'pcs'],
      ['FRAME', 'pcs'],
      ['WHEEL', 'pcs'],
      ['STEEL', 'm'],
    ]) {
      expect((await send('POST', '/api/v1/items', { sku, name: `The ${sku.toLowerCase()}`, unit })).statusCode).toBe(
        201,
      );
    }
    await send('POST', '/api/v1/locations', { code: 'MAIN', name: 'Main plant' });
    await send('POST', '/api/v1/movements', { type: 'receipt', sku: 'WHEEL', location: 'MAIN', quantity: 5 });
  });
  afterEach(async () => {
    await app.close();
  });

  const send = (method: 'POST', url: string, payload: unknown) =>
    app.inject({ method, url, payload: payload as object });
  const get = (url: string) => app.inject({ method: 'GET', url });
  const snapshot = async () => ({
    boms: await database().db.selectFrom('boms').selectAll().orderBy('id').execute(),
    lines: await database().db.selectFrom('bom_lines').selectAll().orderBy('id').execute(),
  });

  const frame = {
    sku: 'FRAME',
    lead_time_days: 3,
    lines: [{ sku: 'STEEL', quantity_per: 2.5, scrap_factor: 0.05, unit: 'm' }],
  };
  const bike = {
    sku: 'BIKE',
    lead_time_days: 2,
    lines: [
      { sku: 'FRAME', quantity_per: 1 },
      { sku: 'WHEEL', quantity_per: 2 },
    ],
  };

  it('creates BOMs with 201, lists versions and shows the effective one', async () => {
    const created = await send('POST', '/api/v1/boms', frame);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      sku: 'FRAME',
      version: 1,
      lead_time_days: 3,
      valid_from: null,
      created_by: 'api',
      lines: [{ position: 1, sku: 'STEEL', unit: 'm', quantity_per: 2.5, scrap_factor: 0.05 }],
    });
    await send('POST', '/api/v1/boms', { ...bike, valid_to: '2026-07-01' });
    await send('POST', '/api/v1/boms', {
      ...bike,
      valid_from: '2026-07-01',
      lines: [{ sku: 'FRAME', quantity_per: 1 }],
    });

    const versions = (await get('/api/v1/boms?sku=BIKE')).json();
    expect(versions.data.map((b: { version: number }) => b.version)).toEqual([1, 2]);
    expect((await get('/api/v1/boms')).json().data).toHaveLength(3);
    expect((await get('/api/v1/boms/BIKE')).json().version).toBe(1);
    expect((await get('/api/v1/boms/BIKE?date=2026-07-02')).json().version).toBe(2);
    expect((await get('/api/v1/boms/BIKE?version=2')).json().lines).toHaveLength(1);
    const none = await get('/api/v1/boms/WHEEL');
    expect(none.statusCode).toBe(404);
    expect(none.json().error).toMatchObject({ code: 'LS_UNKNOWN_BOM', message: 'sku: "WHEEL" has no BOM' });
  });

  it('answers the explosion tree with gross requirements, lead times and availability', async () => {
    await send('POST', '/api/v1/boms', frame);
    await send('POST', '/api/v1/boms', bike);
    const tree = await get('/api/v1/boms/BIKE/explosion?quantity=4&location=MAIN');
    expect(tree.statusCode).toBe(200);
    // FRAME 4 × 1; STEEL 4 × 2.5 × 1.05 = 10.5 m; WHEEL 4 × 2 = 8, 5 on hand.
    expect(tree.json()).toMatchObject({ sku: 'BIKE', quantity: 4, date: '2026-06-01', location: 'MAIN' });
    expect(
      tree
        .json()
        .rows.map((r: Record<string, unknown>) => [
          r.level,
          r.sku,
          r.gross_requirement,
          r.lead_time_days,
          r.available,
          r.source,
        ]),
    ).toEqual([
      [0, 'BIKE', 4, 2, 0, 'made'],
      [1, 'FRAME', 4, 3, 0, 'made'],
      [2, 'STEEL', 10.5, null, 0, 'bought'],
      [1, 'WHEEL', 8, null, 5, 'bought'],
    ]);
    const bad = await get('/api/v1/boms/BIKE/explosion?quantity=1.2345');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('quantity: must have at most 3 decimal places');
  });

  it('refuses a cycle with 400 LS_BOM_CYCLE and the path, and writes nothing', async () => {
    await send('POST', '/api/v1/boms', bike);
    const before = await snapshot();
    const cycle = await send('POST', '/api/v1/boms', {
      sku: 'FRAME',
      lead_time_days: 1,
      lines: [{ sku: 'BIKE', quantity_per: 1 }],
    });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().error).toMatchObject({
      code: 'LS_BOM_CYCLE',
      message: 'lines[0].sku: would form a cycle: FRAME → BIKE → FRAME',
      details: [{ field: 'lines[0].sku' }],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('names the field of a bad line (400) or an unknown component (404) and writes nothing', async () => {
    const before = await snapshot();
    const zero = await send('POST', '/api/v1/boms', {
      ...bike,
      lines: [
        { sku: 'FRAME', quantity_per: 1 },
        { sku: 'WHEEL', quantity_per: 0 },
      ],
    });
    expect(zero.statusCode).toBe(400);
    expect(zero.json().error.message).toBe('lines[1].quantity_per: must be greater than zero');
    const unit = await send('POST', '/api/v1/boms', {
      ...frame,
      lines: [{ sku: 'STEEL', quantity_per: 1, unit: 'kg' }],
    });
    expect(unit.statusCode).toBe(400);
    expect(unit.json().error.message).toBe('lines[0].unit: "kg" is not the unit of "STEEL" (m)');
    const unknown = await send('POST', '/api/v1/boms', { ...bike, lines: [{ sku: 'SADDLE', quantity_per: 1 }] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({
      code: 'LS_UNKNOWN_ITEM',
      message: 'lines[0].sku: unknown SKU "SADDLE"',
    });
    expect(await snapshot()).toEqual(before);
  });

  it('documents the BOM paths in the OpenAPI document', async () => {
    const document = (await get('/api/openapi.json')).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/boms', '/api/v1/boms/{sku}', '/api/v1/boms/{sku}/explosion']),
    );
    const body = document.paths['/api/v1/boms'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['sku', 'version', 'valid_from', 'valid_to', 'lead_time_days', 'lines']),
    );
  });
});

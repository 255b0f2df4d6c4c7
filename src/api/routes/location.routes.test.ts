import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

describeEachDialect('location routes', ({ database }) => {
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

  const snapshot = async () => ({
    locations: await database().db.selectFrom('locations').selectAll().orderBy('id').execute(),
    audit: await database().db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    keys: await database().db.selectFrom('idempotency_keys').select('key').execute(),
  });

  const seed = async () => {
    await send('POST', '/api/v1/locations', { code: 'WS', name: 'Workshop', time_zone: 'Europe/Berlin' });
    await send('POST', '/api/v1/locations', { code: 'WS-A', name: 'Rack A', parent: 'WS' });
    await send('POST', '/api/v1/locations', { code: 'WS-A1', name: 'Rack A, shelf 1', parent: 'WS-A' });
  };

  it('creates a site and a bin with the contract fields', async () => {
    const site = await send('POST', '/api/v1/locations', { code: 'WS', name: 'Workshop', time_zone: 'Europe/Berlin' });
    expect(site.statusCode).toBe(201);
    expect(site.json()).toEqual({
      code: 'WS',
      name: 'Workshop',
      kind: 'site',
      parent: null,
      site: 'WS',
      time_zone: 'Europe/Berlin',
      active: true,
      created_at: '2026-06-01T12:00:00.000Z',
      updated_at: '2026-06-01T12:00:00.000Z',
    });
    const bin = await send('POST', '/api/v1/locations', { code: 'WS-A', name: 'Rack A', parent: 'WS' });
    expect(bin.statusCode).toBe(201);
    expect(bin.json()).toMatchObject({ kind: 'bin', parent: 'WS', site: 'WS', time_zone: 'Europe/Berlin' });
    expect((await send('GET', '/api/v1/locations/WS-A')).json()).toEqual(bin.json());
  });

  it('lists locations with filters and pages', async () => {
    await seed();
    await send('POST', '/api/v1/locations', { code: 'VAN-1', name: 'Service van' });
    const all = (await send('GET', '/api/v1/locations')).json();
    expect(all.data.map((l: { code: string }) => l.code)).toEqual(['VAN-1', 'WS', 'WS-A', 'WS-A1']);
    expect((await send('GET', '/api/v1/locations?kind=site')).json().data).toHaveLength(2);
    expect((await send('GET', '/api/v1/locations?site=WS&q=shelf')).json().data).toMatchObject([{ code: 'WS-A1' }]);
    const page = (await send('GET', '/api/v1/locations?limit=3')).json();
    expect(page.next_cursor).not.toBeNull();
    expect((await send('GET', `/api/v1/locations?limit=3&cursor=${page.next_cursor}`)).json()).toMatchObject({
      data: [{ code: 'WS-A1' }],
      next_cursor: null,
    });
    const unknownSite = await send('GET', '/api/v1/locations?site=MARS');
    expect(unknownSite.statusCode).toBe(404);
    expect(unknownSite.json().error.message).toContain('site');
  });

  it('moves a bin, deactivates and activates, and keeps an audit trail', async () => {
    await seed();
    await send('POST', '/api/v1/locations', { code: 'STORE', name: 'Store', time_zone: 'Europe/Vienna' });
    const moved = await send('PATCH', '/api/v1/locations/WS-A', { parent: 'STORE' }, { 'x-actor': 'lea' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ parent: 'STORE', site: 'STORE', time_zone: 'Europe/Vienna' });
    expect((await send('GET', '/api/v1/locations/WS-A1')).json().site).toBe('STORE');
    expect((await send('POST', '/api/v1/locations/WS-A/deactivate')).json().active).toBe(false);
    expect((await send('POST', '/api/v1/locations/WS-A/activate')).json().active).toBe(true);
    const audit = (await send('GET', '/api/v1/locations/WS-A/audit?limit=10')).json();
    expect(audit.data.map((e: { action: string }) => e.action)).toEqual(['activate', 'deactivate', 'update', 'create']);
    expect(audit.data[2]).toMatchObject({ actor: 'lea', before: { parent: 'WS' }, after: { parent: 'STORE' } });
  });

  it('returns the first answer again for a retried Idempotency-Key', async () => {
    const body = { code: 'WS', name: 'Workshop' };
    const first = await send('POST', '/api/v1/locations', body, { 'idempotency-key': 'ws' });
    const again = await send('POST', '/api/v1/locations', body, { 'idempotency-key': 'ws' });
    expect([first.statusCode, again.statusCode]).toEqual([201, 201]);
    expect(again.json()).toEqual(first.json());
    expect((await snapshot()).locations).toHaveLength(1);
  });

  it('accepts names in any script', async () => {
    const res = await send('POST', '/api/v1/locations', {
      code: '倉庫-1',
      name: 'Лагерь — 倉庫 №1',
      time_zone: 'Asia/Tokyo',
    });
    expect(res.statusCode).toBe(201);
    expect((await send('GET', `/api/v1/locations/${encodeURIComponent('倉庫-1')}`)).json().name).toBe(
      'Лагерь — 倉庫 №1',
    );
  });

  const long = 'x'.repeat(10_000);
  const createCases: Array<[string, unknown, string, number]> = [
    ['a missing code', { name: 'Site' }, 'code', 400],
    ['a missing name', { code: 'S' }, 'name', 400],
    ['an empty object', {}, 'code', 400],
    ['a numeric code', { code: 7, name: 'Seven' }, 'code', 400],
    ['a 10,000-character code', { code: long, name: 'Site' }, 'code', 400],
    ['a 10,000-character name', { code: 'S', name: long }, 'name', 400],
    ['a 10,000-character parent', { code: 'S', name: 'S', parent: long }, 'parent', 400],
    ['a 10,000-character time zone', { code: 'S', name: 'S', time_zone: long }, 'time_zone', 400],
    ['an unknown parent', { code: 'S', name: 'S', parent: 'MARS' }, 'parent', 404],
    ['a unicode parent that does not exist', { code: 'S', name: 'S', parent: '火星' }, 'parent', 404],
    ['an invented time zone', { code: 'S', name: 'S', time_zone: 'Mars/Olympus' }, 'time_zone', 400],
    ['an offset for a time zone', { code: 'S', name: 'S', time_zone: '+02:00' }, 'time_zone', 400],
    ["a bin zone other than its site's", { code: 'S', name: 'S', parent: 'WS', time_zone: 'UTC' }, 'time_zone', 400],
    ['a duplicate code', { code: 'WS-A', name: 'Again' }, 'code', 409],
    ['itself as parent', { code: 'S', name: 'S', parent: 'S' }, 'parent', 400],
    ['a string for active', { code: 'S', name: 'S', active: 'yes' }, 'active', 400],
    ['an unknown field', { code: 'S', name: 'S', site: 'WS' }, 'site', 400],
    ['an array body', [{ code: 'S', name: 'S' }], 'body', 400],
  ];
  for (const [what, body, field, status] of createCases) {
    it(`POST /locations answers ${what} with ${status} naming ${field} and changes nothing`, async () => {
      await seed();
      const before = await snapshot();
      const res = await send('POST', '/api/v1/locations', body);
      expect(res.statusCode).toBe(status);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  const patchCases: Array<[string, string, unknown, string, number]> = [
    ['an unknown code', 'NOPE', { name: 'x' }, 'code', 404],
    ['a 10,000-character code in the path', long, { name: 'x' }, 'code', 400],
    ['an empty object', 'WS-A', {}, 'body', 400],
    ['a changed code', 'WS-A', { code: 'WS-B' }, 'code', 400],
    ['a move under its own bin', 'WS-A', { parent: 'WS-A1' }, 'parent', 400],
    ['a move of a site under its bin', 'WS', { parent: 'WS-A1' }, 'parent', 400],
    ['a move under itself', 'WS-A', { parent: 'WS-A' }, 'parent', 400],
    ['an unknown parent', 'WS-A', { parent: 'MARS' }, 'parent', 404],
    ['a null name', 'WS-A', { name: null }, 'name', 400],
    ['a 10,000-character name', 'WS-A', { name: long }, 'name', 400],
    ["a bin zone other than its site's", 'WS-A1', { time_zone: 'Asia/Tokyo' }, 'time_zone', 400],
    ['a numeric time zone', 'WS', { time_zone: 2 }, 'time_zone', 400],
  ];
  for (const [what, code, body, field, status] of patchCases) {
    it(`PATCH /locations/{code} answers ${what} with ${status} naming ${field} and changes nothing`, async () => {
      await seed();
      const before = await snapshot();
      const res = await send('PATCH', `/api/v1/locations/${code}`, body);
      expect(res.statusCode).toBe(status);
      expect(res.json().error.message).toContain(field);
      expect(await snapshot()).toEqual(before);
    });
  }

  for (const action of ['deactivate', 'activate']) {
    it(`POST /locations/{code}/${action} answers unknown and over-long codes with 4xx naming code`, async () => {
      await seed();
      const before = await snapshot();
      const unknown = await send('POST', `/api/v1/locations/NOPE/${action}`);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.message).toContain('code');
      const huge = await send('POST', `/api/v1/locations/${long}/${action}`);
      expect(huge.statusCode).toBe(400);
      expect(huge.json().error.message).toContain('code');
      expect(await snapshot()).toEqual(before);
    });
  }

  it('answers malformed JSON, an empty body and a wrong content type with 4xx and changes nothing', async () => {
    await seed();
    const before = await snapshot();
    for (const [method, url] of [
      ['POST', '/api/v1/locations'],
      ['PATCH', '/api/v1/locations/WS-A'],
    ] as const) {
      const malformed = await app.inject({
        method,
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{"code": ',
      });
      const empty = await app.inject({ method, url, headers: { 'content-type': 'application/json' } });
      const xml = await app.inject({ method, url, headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
      expect([malformed.statusCode, empty.statusCode, xml.statusCode]).toEqual([400, 400, 415]);
    }
    expect(await snapshot()).toEqual(before);
  });
});

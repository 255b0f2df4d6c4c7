import { expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import type { ServiceContext } from './context.js';
import {
  activateLocation,
  createLocation,
  deactivateLocation,
  getLocation,
  listLocationAudit,
  listLocations,
  updateLocation,
} from './location.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0, extra: Partial<ServiceContext> = {}): ServiceContext => ({ actor: 'tester', now, ...extra });

describeEachDialect('location service', ({ database }) => {
  const seedTree = async () => {
    await createLocation(database(), { code: 'WS', name: 'Workshop', time_zone: 'Europe/Berlin' }, ctx());
    await createLocation(database(), { code: 'WS-A', name: 'Rack A', parent: 'WS' }, ctx());
    await createLocation(database(), { code: 'WS-A1', name: 'Rack A, shelf 1', parent: 'WS-A' }, ctx());
    await createLocation(database(), { code: 'STORE', name: 'Store room' }, ctx());
  };

  it('a site without a time zone is in UTC; a bin belongs to its site and uses its zone', async () => {
    await seedTree();
    expect(await getLocation(database(), 'STORE')).toEqual({
      code: 'STORE',
      name: 'Store room',
      kind: 'site',
      parent: null,
      site: 'STORE',
      time_zone: 'UTC',
      active: true,
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T09:00:00.000Z',
    });
    expect(await getLocation(database(), 'WS-A1')).toMatchObject({
      kind: 'bin',
      parent: 'WS-A',
      site: 'WS',
      time_zone: 'Europe/Berlin',
    });
  });

  it('refuses a bin with a zone other than its site and accepts one that repeats it', async () => {
    await seedTree();
    await expect(
      createLocation(database(), { code: 'WS-B', name: 'Rack B', parent: 'WS', time_zone: 'Asia/Tokyo' }, ctx()),
    ).rejects.toMatchObject({ code: 'LS_VALIDATION', details: [{ field: 'time_zone' }] });
    const bin = await createLocation(
      database(),
      { code: 'WS-B', name: 'Rack B', parent: 'WS', time_zone: 'europe/berlin' },
      ctx(),
    );
    expect(bin.time_zone).toBe('Europe/Berlin');
  });

  it('refuses an unknown parent as LS_UNKNOWN_LOCATION naming parent, and a duplicate code as LS_DUPLICATE', async () => {
    await seedTree();
    await expect(createLocation(database(), { code: 'X', name: 'X', parent: 'MARS' }, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_LOCATION',
      message: expect.stringContaining('parent'),
      details: [{ field: 'parent' }],
    });
    await expect(createLocation(database(), { code: 'WS', name: 'Again' }, ctx())).rejects.toMatchObject({
      code: 'LS_DUPLICATE',
      details: [{ field: 'code' }],
    });
    expect((await listLocations(database(), {})).data).toHaveLength(4);
  });

  it('refuses to move a location under itself or under one of its descendants', async () => {
    await seedTree();
    await expect(updateLocation(database(), 'WS-A', { parent: 'WS-A1' }, ctx())).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: expect.stringContaining('parent'),
    });
    await expect(updateLocation(database(), 'WS', { parent: 'WS-A1' }, ctx())).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      details: [{ field: 'parent' }],
    });
    await expect(updateLocation(database(), 'WS-A', { parent: 'WS-A' }, ctx())).rejects.toMatchObject({
      details: [{ field: 'parent' }],
    });
    expect((await getLocation(database(), 'WS-A')).parent).toBe('WS');
  });

  it('moving a bin to another site moves everything inside it', async () => {
    await seedTree();
    const moved = await updateLocation(database(), 'WS-A', { parent: 'STORE' }, ctx(t0 + 1000));
    expect(moved).toMatchObject({ parent: 'STORE', site: 'STORE', time_zone: 'UTC' });
    expect(await getLocation(database(), 'WS-A1')).toMatchObject({ site: 'STORE', time_zone: 'UTC' });
  });

  it('a bin given no parent becomes a site that keeps its zone, and its bins follow it', async () => {
    await seedTree();
    const site = await updateLocation(database(), 'WS-A', { parent: null }, ctx());
    expect(site).toMatchObject({ kind: 'site', parent: null, site: 'WS-A', time_zone: 'Europe/Berlin' });
    expect(await getLocation(database(), 'WS-A1')).toMatchObject({ site: 'WS-A', time_zone: 'Europe/Berlin' });
    const inside = await updateLocation(database(), 'STORE', { parent: 'WS-A1' }, ctx());
    expect(inside).toMatchObject({ kind: 'bin', site: 'WS-A', time_zone: 'Europe/Berlin' });
  });

  it("changing a site's zone changes its bins' zone", async () => {
    await seedTree();
    await updateLocation(database(), 'WS', { time_zone: 'America/Chicago' }, ctx());
    expect((await getLocation(database(), 'WS-A1')).time_zone).toBe('America/Chicago');
    await expect(updateLocation(database(), 'WS-A1', { time_zone: 'Europe/Berlin' }, ctx())).rejects.toMatchObject({
      details: [{ field: 'time_zone' }],
    });
  });

  it('deactivates and activates, refuses a deactivated parent, and audits every change', async () => {
    await seedTree();
    await deactivateLocation(database(), 'STORE', ctx());
    await expect(
      createLocation(database(), { code: 'S-1', name: 'Shelf', parent: 'STORE' }, ctx()),
    ).rejects.toMatchObject({ code: 'LS_INACTIVE', details: [{ field: 'parent' }] });
    await updateLocation(database(), 'STORE', { name: 'Store room (old)' }, ctx());
    await activateLocation(database(), 'STORE', ctx());
    const audit = await listLocationAudit(database(), 'STORE');
    expect(audit.map((entry) => entry.action)).toEqual(['activate', 'update', 'deactivate', 'create']);
    expect(audit[1]).toMatchObject({ before: { name: 'Store room' }, after: { name: 'Store room (old)' } });
  });

  it('lists by code with filters and a cursor', async () => {
    await seedTree();
    const codes = async (query: Parameters<typeof listLocations>[1]) =>
      (await listLocations(database(), query)).data.map((l) => l.code);
    expect(await codes({})).toEqual(['STORE', 'WS', 'WS-A', 'WS-A1']);
    expect(await codes({ kind: 'bin' })).toEqual(['WS-A', 'WS-A1']);
    expect(await codes({ site: 'WS' })).toEqual(['WS', 'WS-A', 'WS-A1']);
    expect(await codes({ q: 'shelf' })).toEqual(['WS-A1']);
    const first = await listLocations(database(), { limit: 3 });
    expect((await listLocations(database(), { limit: 3, cursor: first.next_cursor! })).data.map((l) => l.code)).toEqual(
      ['WS-A1'],
    );
    await expect(listLocations(database(), { site: 'MARS' })).rejects.toMatchObject({
      code: 'LS_UNKNOWN_LOCATION',
      details: [{ field: 'site' }],
    });
  });

  it('a retried create with the same Idempotency-Key creates once', async () => {
    const input = { code: 'VAN-1', name: 'Service van 1', time_zone: 'Europe/Vienna' };
    const first = await createLocation(database(), input, ctx(t0, { idempotencyKey: 'van' }));
    expect(await createLocation(database(), input, ctx(t0 + 5, { idempotencyKey: 'van' }))).toEqual(first);
    expect((await listLocations(database(), {})).data).toHaveLength(1);
  });
});

import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import type { ServiceContext } from './context.js';
import { countExistingData, writeDemo } from './demo.service.js';

const ctx: ServiceContext = { actor: 'tester', now: Date.UTC(2026, 10, 24, 15, 30) };
const small = { seed: 5, itemCount: 18, days: 60 };

describeEachDialect('demo service', ({ database }) => {
  it('writes a small demo whose balances equal the sums of its ledger', async () => {
    const report = await writeDemo(database(), small, ctx);
    expect(report).toMatchObject({ items: 18, locations: 9, sites: 2, suppliers: 12, firstDay: '2026-09-26' });
    expect(report.movements).toBeGreaterThan(1000);
    expect(await countExistingData(database())).toEqual({
      items: 18,
      locations: 9,
      suppliers: 12,
      movements: report.movements,
    });
    const { rows } = await sql<{ item_id: number; location_id: number; on_hand_milli: number; ledger: number }>`
      SELECT b.item_id, b.location_id, b.on_hand_milli,
        (SELECT coalesce(sum(m.quantity_milli), 0) FROM movements m
          WHERE m.item_id = b.item_id AND m.location_id = b.location_id) AS ledger
      FROM balances b`.execute(database().db);
    expect(rows.length).toBeGreaterThan(18);
    expect(rows.filter((row) => Number(row.ledger) !== Number(row.on_hand_milli))).toEqual([]);
    expect(rows.filter((row) => Number(row.on_hand_milli) < 0)).toEqual([]);
    const actors = await database().db.selectFrom('movements').select('actor').distinct().execute();
    expect(actors).toEqual([{ actor: 'demo' }]);
  });

  it('writes valid catalogue rows: sites in their own zone, bins under them, JSON price breaks', async () => {
    await writeDemo(database(), small, ctx);
    const locations = await database().db.selectFrom('locations').selectAll().orderBy('id').execute();
    const sites = locations.filter((l) => l.kind === 'site');
    expect(sites.map((s) => [s.code, s.time_zone, Number(s.site_id) === Number(s.id)])).toEqual([
      ['BER', 'Europe/Berlin', true],
      ['LIS', 'Europe/Lisbon', true],
    ]);
    for (const bin of locations.filter((l) => l.kind === 'bin')) {
      const site = sites.find((s) => bin.code.startsWith(s.code))!;
      expect([Number(bin.parent_id), Number(bin.site_id), bin.time_zone]).toEqual([
        Number(site.id),
        Number(site.id),
        null,
      ]);
    }
    const sources = await database().db.selectFrom('supplier_items').selectAll().execute();
    for (const source of sources) {
      const breaks = JSON.parse(source.price_breaks) as Array<{ min_quantity_milli: number; unit_price_minor: number }>;
      for (const b of breaks) expect(Object.keys(b).sort()).toEqual(['min_quantity_milli', 'unit_price_minor']);
      expect(Number(source.moq_milli) % Number(source.pack_size_milli)).toBe(0);
    }
    const items = await database().db.selectFrom('items').selectAll().execute();
    expect(items.every((i) => i.allow_negative === 0 && i.active === 1 && Number(i.unit_cost_minor) > 0)).toBe(true);
  });

  it('refuses a database that already holds data, and replaces everything when forced', async () => {
    const first = await writeDemo(database(), small, ctx);
    await expect(writeDemo(database(), { ...small, seed: 6 }, ctx)).rejects.toMatchObject({
      code: 'LS_DUPLICATE',
      message: expect.stringContaining('18 items'),
    });
    expect((await countExistingData(database())).movements).toBe(first.movements);

    const second = await writeDemo(database(), { seed: 6, itemCount: 6, days: 20, force: true }, ctx);
    expect(await countExistingData(database())).toEqual({
      items: 6,
      locations: 9,
      suppliers: 12,
      movements: second.movements,
    });
    const ids = await database().db.selectFrom('items').select('id').orderBy('id').execute();
    expect(ids.map((row) => Number(row.id))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reports progress after every batch of movements', async () => {
    const calls: Array<[number, number]> = [];
    await writeDemo(database(), { ...small, onProgress: (written, total) => calls.push([written, total]) }, ctx);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.at(-1)![0]).toBe(calls.at(-1)![1]);
  });
});

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import type { Database } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { createItem } from '../item.service.js';
import { postMovements } from '../ledger.service.js';
import { createLocation } from '../location.service.js';
import { createSupplier } from '../supplier.service.js';
import { addSupplierItem } from '../supplier-item.service.js';
import { createBom, explosionTree, getBom, listBoms } from './bom.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0): ServiceContext => ({ actor: 'planner', now });

async function seed(database: Database): Promise<void> {
  const items: Array<[string, string]> = [
    ['BIKE', 'pcs'],
    ['FRAME', 'pcs'],
    ['TUBE', 'pcs'],
    ['WHEEL', 'pcs'],
    ['BOLT', 'pcs'],
    ['STEEL', 'm'],
    ['PAINT', 'kg'],
  ];
  for (const [sku, unit] of items) await createItem(database, { sku, name: `The ${sku.toLowerCase()}`, unit }, ctx());
  await createLocation(database, { code: 'MAIN', name: 'Main plant' }, ctx());
  await createSupplier(database, { code: 'ACME', name: 'Acme', lead_time_days: 5 }, ctx());
  await addSupplierItem(database, 'STEEL', { supplier: 'ACME', lead_time_days: 7 }, ctx());
  await addSupplierItem(database, 'PAINT', { supplier: 'ACME' }, ctx());
  await postMovements(database, [{ type: 'receipt', sku: 'WHEEL', location: 'MAIN', quantity: 10 }], ctx());
}

/** Rows of the tables a BOM write touches, to show that a refused write changed nothing. */
async function counts(database: Database) {
  const count = async (table: 'boms' | 'bom_lines' | 'audit_log') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { boms: await count('boms'), lines: await count('bom_lines'), audit: await count('audit_log') };
}

const bike = {
  sku: 'BIKE',
  lead_time_days: 2,
  lines: [
    { sku: 'FRAME', quantity_per: 1 },
    { sku: 'WHEEL', quantity_per: 2, unit: 'pcs' },
  ],
};
const frame = {
  sku: 'FRAME',
  lead_time_days: 3,
  lines: [
    { sku: 'STEEL', quantity_per: 2.5, scrap_factor: 0.05, unit: 'm' },
    { sku: 'PAINT', quantity_per: 0.333 },
    { sku: 'BOLT', quantity_per: 0.333 },
  ],
};

describeEachDialect('BOM service', ({ database }) => {
  it('creates version 1 with the lines in order, the scrap as basis points and the unit of each component', async () => {
    await seed(database());
    const created = await createBom(database(), { ...frame, note: 'welded' }, ctx());
    expect(created).toMatchObject({
      sku: 'FRAME',
      name: 'The frame',
      unit: 'pcs',
      version: 1,
      valid_from: null,
      valid_to: null,
      lead_time_days: 3,
      note: 'welded',
      created_by: 'planner',
      created_at: '2026-03-01T09:00:00.000Z',
      lines: [
        { position: 1, sku: 'STEEL', name: 'The steel', unit: 'm', quantity_per: 2.5, scrap_factor: 0.05 },
        { position: 2, sku: 'PAINT', unit: 'kg', quantity_per: 0.333, scrap_factor: 0 },
        { position: 3, sku: 'BOLT', unit: 'pcs', quantity_per: 0.333, scrap_factor: 0 },
      ],
    });
    const stored = await database()
      .db.selectFrom('bom_lines')
      .select(['position', 'quantity_per_milli', 'scrap_bp', 'unit'])
      .orderBy('position')
      .execute();
    expect(stored.map((row) => [row.position, Number(row.quantity_per_milli), row.scrap_bp, row.unit])).toEqual([
      [1, 2500, 500, 'm'],
      [2, 333, 0, 'kg'],
      [3, 333, 0, 'pcs'],
    ]);
    expect(await getBom(database(), 'FRAME', {}, t0)).toEqual(created);
  });

  it('numbers a new version one above the highest and refuses a version that exists, naming version', async () => {
    await seed(database());
    await createBom(database(), { ...bike, version: 3 }, ctx());
    expect((await createBom(database(), bike, ctx())).version).toBe(4);
    const before = await counts(database());
    await expect(createBom(database(), { ...bike, version: 3 }, ctx())).rejects.toMatchObject({
      code: 'LS_DUPLICATE',
      message: 'version: "BIKE" already has a BOM version 3',
    });
    expect(await counts(database())).toEqual(before);
  });

  it('finds the version effective on a date, a version by number, and today by default', async () => {
    await seed(database());
    await createBom(database(), { ...bike, valid_to: '2026-07-01' }, ctx());
    await createBom(
      database(),
      { ...bike, valid_from: '2026-07-01', lines: [{ sku: 'FRAME', quantity_per: 1 }] },
      ctx(),
    );
    expect((await getBom(database(), 'BIKE', {}, t0)).version).toBe(1);
    expect((await getBom(database(), 'BIKE', { date: '2026-06-30' }, t0)).version).toBe(1);
    expect((await getBom(database(), 'BIKE', { date: '2026-07-01' }, t0)).version).toBe(2);
    expect((await getBom(database(), 'BIKE', { version: '1' }, t0)).lines).toHaveLength(2);
    await expect(getBom(database(), 'BIKE', { version: 9 }, t0)).rejects.toMatchObject({
      code: 'LS_UNKNOWN_BOM',
      message: 'version: "BIKE" has no BOM version 9',
    });
    await expect(getBom(database(), 'FRAME', {}, t0)).rejects.toMatchObject({
      code: 'LS_UNKNOWN_BOM',
      message: 'sku: "FRAME" has no BOM',
    });
    await expect(getBom(database(), 'BIKE', { date: '2026-02-30' }, t0)).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: 'date: must be a date YYYY-MM-DD',
    });
  });

  it('lists versions by item and version, a page at a time, optionally of one SKU', async () => {
    await seed(database());
    await createBom(database(), frame, ctx());
    await createBom(database(), bike, ctx());
    await createBom(database(), bike, ctx());
    const first = await listBoms(database(), { limit: 2 });
    expect(first.data.map((b) => `${b.sku}@${b.version}`)).toEqual(['BIKE@1', 'BIKE@2']);
    const second = await listBoms(database(), { limit: 2, cursor: first.next_cursor! });
    expect(second.data.map((b) => `${b.sku}@${b.version}`)).toEqual(['FRAME@1']);
    expect(second.next_cursor).toBeNull();
    expect((await listBoms(database(), { sku: 'FRAME' })).data[0]!.lines.map((l) => l.sku)).toEqual([
      'STEEL',
      'PAINT',
      'BOLT',
    ]);
    await expect(listBoms(database(), { sku: 'NOPE' })).rejects.toMatchObject({ code: 'LS_UNKNOWN_ITEM' });
  });

  const refusals: Array<{ title: string; body: Record<string, unknown>; code: string; message: string }> = [
    {
      title: 'a zero quantity per',
      body: {
        ...bike,
        lines: [
          { sku: 'FRAME', quantity_per: 1 },
          { sku: 'BOLT', quantity_per: 4 },
          { sku: 'WHEEL', quantity_per: 0 },
        ],
      },
      code: 'LS_VALIDATION',
      message: 'lines[2].quantity_per: must be greater than zero',
    },
    {
      title: 'a negative quantity per',
      body: { ...bike, lines: [{ sku: 'FRAME', quantity_per: -1 }] },
      code: 'LS_VALIDATION',
      message: 'lines[0].quantity_per: must be greater than zero',
    },
    {
      title: 'a quantity per with more than 3 decimals',
      body: { ...bike, lines: [{ sku: 'FRAME', quantity_per: 0.0005 }] },
      code: 'LS_VALIDATION',
      message: 'lines[0].quantity_per: must have at most 3 decimal places',
    },
    {
      title: 'an unknown component',
      body: { ...bike, lines: [{ sku: 'X', quantity_per: 1 }] },
      code: 'LS_UNKNOWN_ITEM',
      message: 'lines[0].sku: unknown SKU "X"',
    },
    {
      title: 'an unknown item',
      body: { ...bike, sku: 'NOPE' },
      code: 'LS_UNKNOWN_ITEM',
      message: 'sku: unknown SKU "NOPE"',
    },
    {
      title: 'a unit that is not the component’s',
      body: {
        ...frame,
        lines: [
          { sku: 'BOLT', quantity_per: 4 },
          { sku: 'STEEL', quantity_per: 2, unit: 'kg' },
        ],
      },
      code: 'LS_VALIDATION',
      message: 'lines[1].unit: "kg" is not the unit of "STEEL" (m)',
    },
    {
      title: 'the same component twice',
      body: {
        ...bike,
        lines: [
          { sku: 'WHEEL', quantity_per: 1 },
          { sku: 'FRAME', quantity_per: 1 },
          { sku: 'WHEEL', quantity_per: 1 },
        ],
      },
      code: 'LS_VALIDATION',
      message: 'lines[2].sku: "WHEEL" is already a component on lines[0]; put its whole quantity on one line',
    },
    {
      title: 'an item as its own component',
      body: { ...bike, lines: [{ sku: 'BIKE', quantity_per: 1 }] },
      code: 'LS_VALIDATION',
      message: 'lines[0].sku: an item cannot be its own component ("BIKE")',
    },
    {
      title: 'a scrap factor of 1',
      body: { ...bike, lines: [{ sku: 'FRAME', quantity_per: 1, scrap_factor: 1 }] },
      code: 'LS_VALIDATION',
      message: 'lines[0].scrap_factor: must be at least 0 and below 1 (0.05 = 5 %)',
    },
    {
      title: 'a negative scrap factor',
      body: { ...bike, lines: [{ sku: 'FRAME', quantity_per: 1, scrap_factor: -0.01 }] },
      code: 'LS_VALIDATION',
      message: 'lines[0].scrap_factor: must be at least 0 and below 1 (0.05 = 5 %)',
    },
    {
      title: 'a scrap factor with 5 decimals',
      body: { ...bike, lines: [{ sku: 'FRAME', quantity_per: 1, scrap_factor: 0.12345 }] },
      code: 'LS_VALIDATION',
      message: 'lines[0].scrap_factor: must have at most 4 decimal places',
    },
    {
      title: 'valid_to not after valid_from',
      body: { ...bike, valid_from: '2026-07-01', valid_to: '2026-07-01' },
      code: 'LS_VALIDATION',
      message: 'valid_to: must be after valid_from (2026-07-01)',
    },
    {
      title: 'a fractional lead time',
      body: { ...bike, lead_time_days: 1.5 },
      code: 'LS_VALIDATION',
      message: 'lead_time_days: must be a whole number of days',
    },
    {
      title: 'a negative lead time',
      body: { ...bike, lead_time_days: -1 },
      code: 'LS_VALIDATION',
      message: 'lead_time_days: must be from 0 to 3650',
    },
    {
      title: 'no lines',
      body: { ...bike, lines: [] },
      code: 'LS_VALIDATION',
      message: 'lines: must have at least one line',
    },
    {
      title: 'an unknown field of a line',
      body: { ...bike, lines: [{ sku: 'FRAME', qty: 1 }] },
      code: 'LS_VALIDATION',
      message:
        'lines[0].qty: is not a field of a BOM line; expected sku, quantity_per, scrap_factor, unit (and 1 more problem)',
    },
  ];

  for (const refusal of refusals) {
    it(`refuses ${refusal.title}, naming the field, and changes nothing`, async () => {
      await seed(database());
      await createBom(database(), frame, ctx());
      const before = await counts(database());
      await expect(createBom(database(), refusal.body, ctx())).rejects.toMatchObject({
        code: refusal.code,
        message: refusal.message,
      });
      expect(await counts(database())).toEqual(before);
    });
  }

  it('reports every bad line at once', async () => {
    await seed(database());
    const error = await createBom(
      database(),
      {
        sku: 'BIKE',
        lead_time_days: 2,
        lines: [
          { sku: 'FRAME', quantity_per: 0 },
          { sku: 'WHEEL', quantity_per: 2, scrap_factor: 2 },
        ],
      },
      ctx(),
    ).catch((e) => e);
    expect(error.details.map((p: { field: string }) => p.field)).toEqual([
      'lines[0].quantity_per',
      'lines[1].scrap_factor',
    ]);
  });

  it('refuses a direct cycle with LS_BOM_CYCLE and the path by SKU, and changes nothing', async () => {
    await seed(database());
    await createBom(database(), bike, ctx());
    const before = await counts(database());
    await expect(
      createBom(
        database(),
        {
          sku: 'FRAME',
          lead_time_days: 1,
          lines: [
            { sku: 'STEEL', quantity_per: 1 },
            { sku: 'BIKE', quantity_per: 1 },
          ],
        },
        ctx(),
      ),
    ).rejects.toMatchObject({
      code: 'LS_BOM_CYCLE',
      message: 'lines[1].sku: would form a cycle: FRAME → BIKE → FRAME',
      details: [{ field: 'lines[1].sku', value: 'BIKE' }],
    });
    expect(await counts(database())).toEqual(before);
  });

  it('refuses a cycle through a third item', async () => {
    await seed(database());
    await createBom(database(), bike, ctx());
    await createBom(database(), { sku: 'FRAME', lead_time_days: 1, lines: [{ sku: 'TUBE', quantity_per: 3 }] }, ctx());
    const before = await counts(database());
    await expect(
      createBom(database(), { sku: 'TUBE', lead_time_days: 1, lines: [{ sku: 'BIKE', quantity_per: 1 }] }, ctx()),
    ).rejects.toMatchObject({
      code: 'LS_BOM_CYCLE',
      message: 'lines[0].sku: would form a cycle: TUBE → BIKE → FRAME → TUBE',
    });
    expect(await counts(database())).toEqual(before);
  });

  it('refuses a cycle through an older version that a newer one no longer has', async () => {
    await seed(database());
    await createBom(database(), { ...bike, valid_to: '2026-03-01' }, ctx());
    await createBom(database(), { ...bike, lines: [{ sku: 'WHEEL', quantity_per: 2 }] }, ctx());
    expect((await getBom(database(), 'BIKE', {}, t0)).lines.map((l) => l.sku)).toEqual(['WHEEL']);
    const before = await counts(database());
    await expect(
      createBom(database(), { sku: 'FRAME', lead_time_days: 1, lines: [{ sku: 'BIKE', quantity_per: 1 }] }, ctx()),
    ).rejects.toMatchObject({
      code: 'LS_BOM_CYCLE',
      message: 'lines[0].sku: would form a cycle: FRAME → BIKE → FRAME',
    });
    expect(await counts(database())).toEqual(before);
  });

  it('lets two BOMs that would close a cycle together race: exactly one is stored', async () => {
    await seed(database());
    const results = await Promise.allSettled([
      createBom(database(), { sku: 'FRAME', lead_time_days: 1, lines: [{ sku: 'TUBE', quantity_per: 1 }] }, ctx()),
      createBom(database(), { sku: 'TUBE', lead_time_days: 1, lines: [{ sku: 'FRAME', quantity_per: 1 }] }, ctx()),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'LS_BOM_CYCLE' });
    expect((await counts(database())).boms).toBe(1);
  });

  it('explodes a quantity into the indented requirement tree with scrap, whole units, lead times and availability', async () => {
    await seed(database());
    await createBom(database(), frame, ctx());
    await createBom(database(), bike, ctx());
    const tree = await explosionTree(database(), 'BIKE', { quantity: 10, location: 'MAIN' }, t0);
    expect(tree).toMatchObject({ sku: 'BIKE', quantity: 10, date: '2026-03-01', location: 'MAIN' });
    // FRAME: 10 × 1; STEEL: 10 × 2.5 × 1.05 = 26.25 m; PAINT: 10 × 0.333 = 3.33 kg;
    // BOLT: 10 × 0.333 = 3.33 → 4 whole pieces; WHEEL: 10 × 2 = 20, 10 on hand at MAIN.
    expect(
      tree.rows.map((r) => [
        r.level,
        r.sku,
        r.quantity_per,
        r.scrap_factor,
        r.gross_requirement,
        r.lead_time_days,
        r.available,
        r.source,
      ]),
    ).toEqual([
      [0, 'BIKE', null, null, 10, 2, 0, 'made'],
      [1, 'FRAME', 1, 0, 10, 3, 0, 'made'],
      [2, 'STEEL', 2.5, 0.05, 26.25, 7, 0, 'bought'],
      [2, 'PAINT', 0.333, 0, 3.33, 5, 0, 'bought'],
      [2, 'BOLT', 0.333, 0, 4, null, 0, 'bought'],
      [1, 'WHEEL', 2, 0, 20, null, 10, 'bought'],
    ]);
    expect(tree.rows[2]).toMatchObject({ name: 'The steel', unit: 'm', bom_version: null });
    expect(tree.rows[1]!.bom_version).toBe(1);
  });

  it('explodes through the version effective on the date asked for, without availability when no location is given', async () => {
    await seed(database());
    await createBom(database(), { ...bike, valid_to: '2026-07-01' }, ctx());
    await createBom(
      database(),
      { ...bike, valid_from: '2026-07-01', lines: [{ sku: 'WHEEL', quantity_per: 3 }] },
      ctx(),
    );
    const later = await explosionTree(database(), 'BIKE', { quantity: '2', date: '2026-07-01' }, t0);
    expect(later.rows.map((r) => [r.level, r.sku, r.gross_requirement, r.available])).toEqual([
      [0, 'BIKE', 2, null],
      [1, 'WHEEL', 6, null],
    ]);
    expect((await explosionTree(database(), 'BIKE', {}, t0)).rows.map((r) => r.sku)).toEqual([
      'BIKE',
      'FRAME',
      'WHEEL',
    ]);
  });

  it('refuses to explode a bad quantity, an unknown location or an item without a BOM', async () => {
    await seed(database());
    await createBom(database(), bike, ctx());
    await expect(explosionTree(database(), 'BIKE', { quantity: 0 }, t0)).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: 'quantity: must be greater than zero',
    });
    await expect(explosionTree(database(), 'BIKE', { quantity: 'ten' }, t0)).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: 'quantity: must be a finite number',
    });
    await expect(explosionTree(database(), 'BIKE', { location: 'NOWHERE' }, t0)).rejects.toMatchObject({
      code: 'LS_UNKNOWN_LOCATION',
      message: 'location: unknown location "NOWHERE"',
    });
    await expect(explosionTree(database(), 'WHEEL', {}, t0)).rejects.toMatchObject({
      code: 'LS_UNKNOWN_BOM',
      message: 'sku: "WHEEL" has no BOM',
    });
  });
});

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { seedCatalogue } from '../../test/support/fixtures.js';
import { listAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { createSupplier, updateSupplier } from './supplier.service.js';
import {
  activateSupplierItem,
  addSupplierItem,
  deactivateSupplierItem,
  getSupplierItem,
  listItemSources,
  listSupplierItems,
  updateSupplierItem,
} from './supplier-item.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0, extra: Partial<ServiceContext> = {}): ServiceContext => ({ actor: 'tester', now, ...extra });

describeEachDialect('supplier item service', ({ database }) => {
  const seed = async () => {
    await seedCatalogue(database(), { items: ['BOLT-M8', 'NUT-M8', 'WASHER-M8'], locations: [] });
    await createSupplier(database(), { code: 'ACME', name: 'Acme Fasteners', lead_time_days: 5 }, ctx());
    await createSupplier(database(), { code: 'LOCAL', name: 'Local Hardware', lead_time_days: 1 }, ctx());
    await createSupplier(
      database(),
      { code: 'OSAKA', name: 'Osaka Tools', lead_time_days: 42, currency: 'JPY' },
      ctx(),
    );
  };

  it('adds a source with price breaks and answers with the effective lead time', async () => {
    await seed();
    const source = await addSupplierItem(
      database(),
      'BOLT-M8',
      {
        supplier: 'ACME',
        supplier_sku: 'AC-8-20',
        unit_price: 0.12,
        price_breaks: [
          { min_quantity: 1000, unit_price: 0.1 },
          { min_quantity: 5000, unit_price: 0.09 },
        ],
        moq: 100,
        pack_size: 50,
      },
      ctx(),
    );
    expect(source).toEqual({
      sku: 'BOLT-M8',
      supplier: 'ACME',
      supplier_sku: 'AC-8-20',
      unit_price: 0.12,
      currency: 'EUR',
      price_breaks: [
        { min_quantity: 1000, unit_price: 0.1 },
        { min_quantity: 5000, unit_price: 0.09 },
      ],
      lead_time_days: null,
      effective_lead_time_days: 5,
      moq: 100,
      pack_size: 50,
      rank: 1,
      active: true,
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T09:00:00.000Z',
    });
    expect(await getSupplierItem(database(), 'BOLT-M8', 'ACME')).toEqual(source);
  });

  it("takes the supplier's currency when none is given and reads the price in it", async () => {
    await seed();
    const source = await addSupplierItem(database(), 'BOLT-M8', { supplier: 'OSAKA', unit_price: 15 }, ctx());
    expect(source).toMatchObject({ currency: 'JPY', unit_price: 15, effective_lead_time_days: 42 });
    await expect(
      addSupplierItem(database(), 'NUT-M8', { supplier: 'OSAKA', unit_price: 15.5 }, ctx()),
    ).rejects.toMatchObject({ code: 'LS_VALIDATION', message: expect.stringContaining('unit_price') });
  });

  it('follows a change of the supplier lead time unless the source sets its own', async () => {
    await seed();
    await addSupplierItem(database(), 'BOLT-M8', { supplier: 'ACME' }, ctx());
    await addSupplierItem(database(), 'NUT-M8', { supplier: 'ACME', lead_time_days: 3 }, ctx());
    await updateSupplier(database(), 'ACME', { lead_time_days: 8 }, ctx());
    const items = await listSupplierItems(database(), 'ACME');
    expect(items.data.map((s) => [s.sku, s.effective_lead_time_days])).toEqual([
      ['BOLT-M8', 8],
      ['NUT-M8', 3],
    ]);
  });

  it('names sku for an unknown item and supplier for an unknown supplier', async () => {
    await seed();
    await expect(addSupplierItem(database(), 'NOPE', { supplier: 'ACME' }, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_ITEM',
      details: [{ field: 'sku' }],
    });
    await expect(addSupplierItem(database(), 'BOLT-M8', { supplier: 'NOPE' }, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_SUPPLIER',
      details: [{ field: 'supplier' }],
    });
    await expect(getSupplierItem(database(), 'BOLT-M8', 'ACME')).rejects.toMatchObject({
      code: 'LS_UNKNOWN_SUPPLIER_ITEM',
      details: [{ field: 'supplier' }],
    });
  });

  it('refuses the same item and supplier twice', async () => {
    await seed();
    await addSupplierItem(database(), 'BOLT-M8', { supplier: 'ACME', unit_price: 0.12 }, ctx());
    await expect(
      addSupplierItem(database(), 'BOLT-M8', { supplier: 'ACME', unit_price: 0.2 }, ctx()),
    ).rejects.toMatchObject({ code: 'LS_DUPLICATE', details: [{ field: 'supplier' }] });
    expect((await getSupplierItem(database(), 'BOLT-M8', 'ACME')).unit_price).toBe(0.12);
  });

  it('lists the sources of an item preferred first, a page at a time', async () => {
    await seed();
    await addSupplierItem(database(), 'BOLT-M8', { supplier: 'OSAKA', rank: 2 }, ctx());
    await addSupplierItem(database(), 'BOLT-M8', { supplier: 'LOCAL', rank: 1 }, ctx());
    await addSupplierItem(database(), 'BOLT-M8', { supplier: 'ACME', rank: 2 }, ctx());
    const all = await listItemSources(database(), 'BOLT-M8');
    expect(all.data.map((s) => `${s.rank}:${s.supplier}`)).toEqual(['1:LOCAL', '2:ACME', '2:OSAKA']);
    const first = await listItemSources(database(), 'BOLT-M8', { limit: 2 });
    const rest = await listItemSources(database(), 'BOLT-M8', { limit: 2, cursor: first.next_cursor! });
    expect([...first.data, ...rest.data].map((s) => s.supplier)).toEqual(['LOCAL', 'ACME', 'OSAKA']);
    expect(rest.next_cursor).toBeNull();
    expect((await listItemSources(database(), 'NUT-M8')).data).toEqual([]);
  });

  it('refuses a source cursor it did not hand out', async () => {
    await seed();
    const forged = Buffer.from(JSON.stringify(['first', 'ACME'])).toString('base64url');
    for (const cursor of [forged, 'garbage']) {
      await expect(listItemSources(database(), 'BOLT-M8', { cursor })).rejects.toMatchObject({
        code: 'LS_VALIDATION',
        details: [{ field: 'cursor' }],
      });
    }
  });

  it('lists the items of a supplier by SKU and filters out inactive sources on request', async () => {
    await seed();
    for (const sku of ['WASHER-M8', 'BOLT-M8', 'NUT-M8'])
      await addSupplierItem(database(), sku, { supplier: 'ACME' }, ctx());
    await deactivateSupplierItem(database(), 'NUT-M8', 'ACME', ctx());
    const page = await listSupplierItems(database(), 'ACME', { limit: 2 });
    expect(page.data.map((s) => s.sku)).toEqual(['BOLT-M8', 'NUT-M8']);
    const rest = await listSupplierItems(database(), 'ACME', { limit: 2, cursor: page.next_cursor! });
    expect(rest.data.map((s) => s.sku)).toEqual(['WASHER-M8']);
    expect((await listSupplierItems(database(), 'ACME', { active: true })).data.map((s) => s.sku)).toEqual([
      'BOLT-M8',
      'WASHER-M8',
    ]);
    await expect(listSupplierItems(database(), 'NOPE')).rejects.toMatchObject({ code: 'LS_UNKNOWN_SUPPLIER' });
  });

  it('updates only the given fields and keeps moq a whole number of packs', async () => {
    await seed();
    await addSupplierItem(
      database(),
      'BOLT-M8',
      { supplier: 'ACME', unit_price: 0.12, moq: 100, pack_size: 50 },
      ctx(),
    );
    const updated = await updateSupplierItem(database(), 'BOLT-M8', 'ACME', { moq: 150, rank: 3 }, ctx(t0 + 1000));
    expect(updated).toMatchObject({ unit_price: 0.12, moq: 150, pack_size: 50, rank: 3 });
    await expect(updateSupplierItem(database(), 'BOLT-M8', 'ACME', { pack_size: 40 }, ctx())).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      details: [{ field: 'pack_size' }],
    });
    expect((await getSupplierItem(database(), 'BOLT-M8', 'ACME')).pack_size).toBe(50);
  });

  it('deactivates and activates a source, auditing each change once', async () => {
    await seed();
    await addSupplierItem(database(), 'BOLT-M8', { supplier: 'ACME' }, ctx());
    expect((await deactivateSupplierItem(database(), 'BOLT-M8', 'ACME', ctx())).active).toBe(false);
    await deactivateSupplierItem(database(), 'BOLT-M8', 'ACME', ctx());
    expect((await activateSupplierItem(database(), 'BOLT-M8', 'ACME', ctx())).active).toBe(true);
    const trail = await listAudit(database().db, { entity: 'supplier_item', entityKey: 'BOLT-M8/ACME' });
    expect(trail.map((e) => e.action)).toEqual(['activate', 'deactivate', 'create']);
    expect(trail[1]).toMatchObject({ before: { active: true }, after: { active: false }, actor: 'tester' });
  });

  it('returns the first result for a retried idempotency key and adds one source', async () => {
    await seed();
    const body = { supplier: 'ACME', unit_price: 0.12 };
    const first = await addSupplierItem(database(), 'BOLT-M8', body, ctx(t0, { idempotencyKey: 'src-1' }));
    const again = await addSupplierItem(database(), 'BOLT-M8', body, ctx(t0 + 1, { idempotencyKey: 'src-1' }));
    expect(again).toEqual(first);
    await expect(
      addSupplierItem(database(), 'NUT-M8', body, ctx(t0, { idempotencyKey: 'src-1' })),
    ).rejects.toMatchObject({ code: 'LS_IDEMPOTENCY_CONFLICT' });
    expect((await listSupplierItems(database(), 'ACME')).data).toHaveLength(1);
  });
});

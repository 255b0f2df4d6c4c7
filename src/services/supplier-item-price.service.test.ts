import { beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { seedCatalogue } from '../../test/support/fixtures.js';
import { findSupplierItemRecord } from '../store/catalogue/supplier-item.repository.js';
import { findContractPrice, recordPurchasePrice } from '../store/catalogue/supplier-item-price.repository.js';
import { writeTransaction } from '../store/database.js';
import { listAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { createSupplier } from './supplier.service.js';
import { addSupplierItem } from './supplier-item.service.js';
import { addContractPrice, listSupplierItemPrices } from './supplier-item-price.service.js';

const t0 = Date.UTC(2026, 5, 1, 9);
const ctx = (now = t0, extra: Partial<ServiceContext> = {}): ServiceContext => ({ actor: 'buyer', now, ...extra });

describeEachDialect('supplier item price service', ({ database }) => {
  beforeEach(async () => {
    await seedCatalogue(database(), { items: ['BOLT-M8', 'NUT-M8'], locations: [] });
    await createSupplier(database(), { code: 'ACME', name: 'Acme Fasteners' }, ctx());
    await createSupplier(database(), { code: 'OSAKA', name: 'Osaka Tools', currency: 'JPY' }, ctx());
    await addSupplierItem(database(), 'BOLT-M8', { supplier: 'ACME', unit_price: 0.12 }, ctx());
    await addSupplierItem(database(), 'BOLT-M8', { supplier: 'OSAKA', unit_price: 15 }, ctx());
    await addSupplierItem(database(), 'NUT-M8', { supplier: 'ACME', unit_price: 0.05 }, ctx());
  });

  const sourceId = async (sku: string, supplier: string) => {
    const db = database().db;
    const item = await db.selectFrom('items').select('id').where('sku', '=', sku).executeTakeFirstOrThrow();
    const sup = await db.selectFrom('suppliers').select('id').where('code', '=', supplier).executeTakeFirstOrThrow();
    return (await findSupplierItemRecord(db, item.id, sup.id))!.id;
  };
  const prices = () => database().db.selectFrom('supplier_item_prices').selectAll().orderBy('id').execute();

  it('records a contract price in the source currency and shows it in the history', async () => {
    const added = await addContractPrice(
      database(),
      'BOLT-M8',
      'ACME',
      { unit_price: 0.11, valid_from: '2026-07-01', valid_to: '2026-12-31' },
      ctx(),
    );
    expect(added).toEqual({
      id: expect.any(Number),
      sku: 'BOLT-M8',
      supplier: 'ACME',
      kind: 'contract',
      unit_price: 0.11,
      currency: 'EUR',
      valid_from: '2026-07-01',
      valid_to: '2026-12-31',
      purchase_order_id: null,
      purchase_order_line_id: null,
      recorded_at: '2026-06-01T09:00:00.000Z',
    });
    expect((await prices())[0]).toMatchObject({ kind: 'contract', unit_price_minor: 11, currency: 'EUR' });
    expect(await listSupplierItemPrices(database(), 'BOLT-M8', 'ACME')).toEqual({ data: [added], next_cursor: null });
    expect((await addContractPrice(database(), 'BOLT-M8', 'OSAKA', { unit_price: 14 }, ctx())).currency).toBe('JPY');
    const [audit] = await listAudit(database().db, { entity: 'supplier_item_price' });
    expect(audit).toMatchObject({
      entity_key: 'BOLT-M8/OSAKA',
      action: 'create',
      actor: 'buyer',
      after: { unit_price: 14 },
    });
  });

  it('accepts adjoining periods and periods of other sources, and refuses overlaps naming the field', async () => {
    const h2 = { unit_price: 0.11, valid_from: '2026-07-01', valid_to: '2026-12-31' };
    await addContractPrice(database(), 'BOLT-M8', 'ACME', h2, ctx());
    await addContractPrice(database(), 'BOLT-M8', 'ACME', { unit_price: 0.12, valid_to: '2026-06-30' }, ctx());
    await addContractPrice(database(), 'BOLT-M8', 'ACME', { unit_price: 0.1, valid_from: '2027-01-01' }, ctx());
    await addContractPrice(database(), 'NUT-M8', 'ACME', h2, ctx());
    const before = await prices();

    const startsInside = await addContractPrice(
      database(),
      'BOLT-M8',
      'ACME',
      { unit_price: 0.09, valid_from: '2026-12-31', valid_to: '2026-12-31' },
      ctx(),
    ).catch((e: unknown) => e);
    expect(startsInside).toMatchObject({
      code: 'LS_DUPLICATE',
      message: expect.stringMatching(
        /^valid_from: overlaps the contract price valid 2026-07-01 … 2026-12-31 \(0\.11 EUR\)/,
      ),
      details: [{ field: 'valid_from', value: '2026-12-31' }],
    });
    const reachesInto = await addContractPrice(
      database(),
      'NUT-M8',
      'ACME',
      { unit_price: 0.04, valid_from: '2026-01-01', valid_to: '2026-07-01' },
      ctx(),
    ).catch((e: unknown) => e);
    expect(reachesInto).toMatchObject({ code: 'LS_DUPLICATE', details: [{ field: 'valid_to' }] });
    const openEnded = await addContractPrice(database(), 'BOLT-M8', 'ACME', { unit_price: 0.09 }, ctx()).catch(
      (e: unknown) => e,
    );
    expect(openEnded).toMatchObject({ code: 'LS_DUPLICATE', details: [{ field: 'valid_to', value: null }] });
    expect(await prices()).toEqual(before);
  });

  it('refuses bad input, naming every field, and records nothing', async () => {
    const error = await addContractPrice(
      database(),
      'BOLT-M8',
      'ACME',
      { unit_price: 0.111, valid_from: '2026-12-01', valid_to: '2026-11-30', currency: 'eur', discount: 5 },
      ctx(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LS_VALIDATION' });
    expect((error as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual([
      'discount',
      'currency',
      'unit_price',
      'valid_to',
    ]);
    await expect(addContractPrice(database(), 'NOPE', 'ACME', { unit_price: 1 }, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_ITEM',
    });
    await expect(addContractPrice(database(), 'BOLT-M8', 'GHOST', { unit_price: 1 }, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_SUPPLIER',
    });
    await expect(addContractPrice(database(), 'NUT-M8', 'OSAKA', { unit_price: 1 }, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_SUPPLIER_ITEM',
      details: [{ field: 'supplier' }],
    });
    expect(await prices()).toEqual([]);
    expect(await listAudit(database().db, { entity: 'supplier_item_price' })).toEqual([]);
  });

  it('returns the first answer for a retried idempotency key and records one price', async () => {
    const body = { unit_price: 0.11, valid_from: '2026-07-01' };
    const first = await addContractPrice(database(), 'BOLT-M8', 'ACME', body, ctx(t0, { idempotencyKey: 'p1' }));
    const again = await addContractPrice(database(), 'BOLT-M8', 'ACME', body, ctx(t0 + 1000, { idempotencyKey: 'p1' }));
    expect(again).toEqual(first);
    expect(await prices()).toHaveLength(1);
  });

  it('lists contract and purchase prices newest first, a page at a time, filtered by kind', async () => {
    const id = await sourceId('BOLT-M8', 'ACME');
    await addContractPrice(database(), 'BOLT-M8', 'ACME', { unit_price: 0.11, valid_to: '2026-12-31' }, ctx(t0));
    // Purchase prices come from purchase order lines; the line ids here need no row (the column has no foreign key).
    await writeTransaction(database(), async (tx) => {
      await recordPurchasePrice(tx, {
        supplierItemId: id,
        unitPriceMinor: 11,
        currency: 'EUR',
        purchaseOrderLineId: 101,
        now: t0 + 1000,
      });
      await recordPurchasePrice(tx, {
        supplierItemId: id,
        unitPriceMinor: 13,
        currency: 'EUR',
        purchaseOrderLineId: 102,
        now: t0 + 2000,
      });
    });
    await addContractPrice(
      database(),
      'BOLT-M8',
      'ACME',
      { unit_price: 0.1, valid_from: '2027-01-01' },
      ctx(t0 + 2000),
    );

    const all = await listSupplierItemPrices(database(), 'BOLT-M8', 'ACME');
    expect(all.data.map((p) => [p.kind, p.unit_price, p.purchase_order_line_id])).toEqual([
      ['contract', 0.1, null],
      ['purchase', 0.13, 102],
      ['purchase', 0.11, 101],
      ['contract', 0.11, null],
    ]);
    const first = await listSupplierItemPrices(database(), 'BOLT-M8', 'ACME', { limit: 3 });
    const second = await listSupplierItemPrices(database(), 'BOLT-M8', 'ACME', {
      limit: 3,
      cursor: first.next_cursor!,
    });
    expect([...first.data, ...second.data]).toEqual(all.data);
    expect(second.next_cursor).toBeNull();
    const purchases = await listSupplierItemPrices(database(), 'BOLT-M8', 'ACME', { kind: 'purchase' });
    expect(purchases.data.map((p) => p.purchase_order_line_id)).toEqual([102, 101]);
    expect((await listSupplierItemPrices(database(), 'NUT-M8', 'ACME')).data).toEqual([]);
  });

  it('refuses a forged cursor, a bad page size and an unknown kind', async () => {
    const forged = Buffer.from(JSON.stringify(['x', 1])).toString('base64url');
    for (const query of [{ cursor: 'garbage' }, { cursor: forged }, { limit: 0 }, { kind: 'list' as 'contract' }]) {
      await expect(listSupplierItemPrices(database(), 'BOLT-M8', 'ACME', query)).rejects.toMatchObject({
        code: 'LS_VALIDATION',
      });
    }
    await expect(listSupplierItemPrices(database(), 'BOLT-M8', 'GHOST')).rejects.toMatchObject({
      code: 'LS_UNKNOWN_SUPPLIER',
    });
  });

  it('finds the contract price valid on a local date, inclusive at both ends', async () => {
    const id = await sourceId('BOLT-M8', 'ACME');
    await addContractPrice(database(), 'BOLT-M8', 'ACME', { unit_price: 0.12, valid_to: '2026-06-30' }, ctx());
    await addContractPrice(
      database(),
      'BOLT-M8',
      'ACME',
      { unit_price: 0.11, valid_from: '2026-07-01', valid_to: '2026-12-31' },
      ctx(),
    );
    await addContractPrice(
      database(),
      'BOLT-M8',
      'ACME',
      { unit_price: 1000, currency: 'JPY', valid_from: '2027-02-01' },
      ctx(),
    );
    const on = (date: string) => findContractPrice(database().db, id, date);
    expect(await on('2020-01-01')).toEqual({ unit_price_minor: 12, currency: 'EUR' });
    expect(await on('2026-06-30')).toEqual({ unit_price_minor: 12, currency: 'EUR' });
    expect(await on('2026-07-01')).toEqual({ unit_price_minor: 11, currency: 'EUR' });
    expect(await on('2026-12-31')).toEqual({ unit_price_minor: 11, currency: 'EUR' });
    expect(await on('2027-01-15')).toBeUndefined();
    expect(await on('2099-01-01')).toEqual({ unit_price_minor: 1000, currency: 'JPY' });
    expect(await findContractPrice(database().db, await sourceId('NUT-M8', 'ACME'), '2026-07-01')).toBeUndefined();
  });

  it('ignores purchase prices when looking for a contract', async () => {
    const id = await sourceId('BOLT-M8', 'ACME');
    await writeTransaction(database(), (tx) =>
      recordPurchasePrice(tx, {
        supplierItemId: id,
        unitPriceMinor: 9,
        currency: 'EUR',
        purchaseOrderLineId: 1,
        now: t0,
      }),
    );
    expect(await findContractPrice(database().db, id, '2026-06-01')).toBeUndefined();
    expect(await prices()).toMatchObject([
      { kind: 'purchase', valid_from: null, valid_to: null, purchase_order_line_id: 1 },
    ]);
  });

  it('lets only one of several concurrent overlapping contract prices in', async () => {
    const attempts = await Promise.allSettled(
      [0.11, 0.1, 0.09, 0.08, 0.07, 0.06].map((unit_price) =>
        addContractPrice(database(), 'BOLT-M8', 'ACME', { unit_price, valid_from: '2026-07-01' }, ctx()),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(await prices()).toHaveLength(1);
  });
});

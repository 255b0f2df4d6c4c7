import { expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { seedCatalogue } from '../../test/support/fixtures.js';
import type { ServiceContext } from './context.js';
import {
  activateItem,
  createItem,
  deactivateItem,
  getItem,
  listItemAudit,
  listItems,
  updateItem,
} from './item.service.js';
import { postMovements } from './ledger.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0, extra: Partial<ServiceContext> = {}): ServiceContext => ({ actor: 'tester', now, ...extra });

describeEachDialect('item service', ({ database }) => {
  const bolt = { sku: 'BOLT-M8', name: 'Hex bolt M8x40', unit: 'pcs', unit_cost: 0.12, category: 'Fasteners' };

  it('creates an item with defaults and answers it in snake_case', async () => {
    const item = await createItem(database(), bolt, ctx());
    expect(item).toEqual({
      sku: 'BOLT-M8',
      name: 'Hex bolt M8x40',
      unit: 'pcs',
      category: 'Fasteners',
      unit_cost: 0.12,
      currency: 'EUR',
      shelf_life_days: null,
      criticality: 'medium',
      allow_negative: false,
      active: true,
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T09:00:00.000Z',
    });
    expect(await getItem(database(), 'BOLT-M8')).toEqual(item);
  });

  it('refuses a second item with the same SKU as LS_DUPLICATE naming sku', async () => {
    await createItem(database(), bolt, ctx());
    await expect(createItem(database(), { ...bolt, name: 'Other' }, ctx())).rejects.toMatchObject({
      code: 'LS_DUPLICATE',
      message: expect.stringContaining('sku'),
      details: [{ field: 'sku' }],
    });
    expect((await listItems(database(), {})).data).toHaveLength(1);
  });

  it('answers an unknown SKU with LS_UNKNOWN_ITEM', async () => {
    await expect(getItem(database(), 'NOPE')).rejects.toMatchObject({ code: 'LS_UNKNOWN_ITEM' });
    await expect(updateItem(database(), 'NOPE', { name: 'x' }, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_ITEM',
    });
  });

  it('a retried create with the same Idempotency-Key returns the first answer and creates once', async () => {
    const first = await createItem(database(), bolt, ctx(t0, { idempotencyKey: 'create-bolt' }));
    const again = await createItem(database(), bolt, ctx(t0 + 60_000, { idempotencyKey: 'create-bolt' }));
    expect(again).toEqual(first);
    await expect(
      createItem(database(), { ...bolt, sku: 'NUT-M8' }, ctx(t0, { idempotencyKey: 'create-bolt' })),
    ).rejects.toMatchObject({ code: 'LS_IDEMPOTENCY_CONFLICT' });
    expect((await listItems(database(), {})).data.map((i) => i.sku)).toEqual(['BOLT-M8']);
  });

  it('an update changes only the given fields and records before and after in the audit log', async () => {
    await createItem(database(), bolt, ctx());
    const updated = await updateItem(database(), 'BOLT-M8', { unit_cost: 0.15, criticality: 'high' }, ctx(t0 + 1000));
    expect(updated).toMatchObject({
      name: 'Hex bolt M8x40',
      category: 'Fasteners',
      unit_cost: 0.15,
      criticality: 'high',
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T09:00:01.000Z',
    });
    const audit = await listItemAudit(database(), 'BOLT-M8');
    expect(audit.map((entry) => entry.action)).toEqual(['update', 'create']);
    expect(audit[0]).toMatchObject({
      actor: 'tester',
      entity: 'item',
      entity_key: 'BOLT-M8',
      before: { unit_cost: 0.12, criticality: 'medium' },
      after: { unit_cost: 0.15, criticality: 'high' },
    });
  });

  it('an update that changes nothing writes nothing', async () => {
    await createItem(database(), bolt, ctx());
    const same = await updateItem(database(), 'BOLT-M8', { name: 'Hex bolt M8x40' }, ctx(t0 + 1000));
    expect(same.updated_at).toBe('2026-03-01T09:00:00.000Z');
    expect(await listItemAudit(database(), 'BOLT-M8')).toHaveLength(1);
  });

  it('an invalid update reports every field and changes nothing', async () => {
    await createItem(database(), bolt, ctx());
    await expect(
      updateItem(database(), 'BOLT-M8', { name: '', unit_cost: 'cheap', criticality: 'vital' }, ctx()),
    ).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      details: [{ field: 'name' }, { field: 'unit_cost' }, { field: 'criticality' }],
    });
    expect((await getItem(database(), 'BOLT-M8')).name).toBe('Hex bolt M8x40');
  });

  it('deactivates and activates an item, auditing each, and the ledger refuses a deactivated item', async () => {
    await createItem(database(), bolt, ctx());
    await seedCatalogue(database(), { items: [], locations: ['WS'] });
    expect((await deactivateItem(database(), 'BOLT-M8', ctx())).active).toBe(false);
    await expect(
      postMovements(database(), [{ type: 'receipt', sku: 'BOLT-M8', location: 'WS', quantity: 1 }], ctx()),
    ).rejects.toMatchObject({ code: 'LS_INACTIVE' });
    expect((await activateItem(database(), 'BOLT-M8', ctx())).active).toBe(true);
    const actions = (await listItemAudit(database(), 'BOLT-M8')).map((entry) => entry.action);
    expect(actions).toEqual(['activate', 'deactivate', 'create']);
  });

  it('lists by SKU a page at a time with a cursor', async () => {
    for (const sku of ['C-3', 'A-1', 'b-2', 'B-2', 'D-4'])
      await createItem(database(), { sku, name: sku, unit: 'pcs' }, ctx());
    const first = await listItems(database(), { limit: 2 });
    expect(first.data.map((i) => i.sku)).toEqual(['A-1', 'B-2']);
    const second = await listItems(database(), { limit: 2, cursor: first.next_cursor! });
    expect(second.data.map((i) => i.sku)).toEqual(['C-3', 'D-4']);
    const third = await listItems(database(), { limit: 2, cursor: second.next_cursor! });
    expect(third).toEqual({ data: [expect.objectContaining({ sku: 'b-2' })], next_cursor: null });
  });

  it('filters by text in SKU or name, by category and by active flag', async () => {
    await createItem(database(), bolt, ctx());
    await createItem(database(), { sku: 'NUT-M8', name: 'Hex nut M8', unit: 'pcs', category: 'Fasteners' }, ctx());
    await createItem(database(), { sku: 'OIL-5L', name: 'Cutting oil 5 l', unit: 'l', category: 'Fluids' }, ctx());
    await createItem(database(), { sku: 'PCT_100', name: '100% cotton rag', unit: 'kg', active: false }, ctx());
    const skus = async (query: Parameters<typeof listItems>[1]) =>
      (await listItems(database(), query)).data.map((i) => i.sku);
    expect(await skus({ q: 'hex' })).toEqual(['BOLT-M8', 'NUT-M8']);
    expect(await skus({ q: 'oil-5' })).toEqual(['OIL-5L']);
    expect(await skus({ q: '%' })).toEqual(['PCT_100']);
    expect(await skus({ q: '_' })).toEqual(['PCT_100']);
    expect(await skus({ category: 'Fasteners' })).toEqual(['BOLT-M8', 'NUT-M8']);
    expect(await skus({ active: false })).toEqual(['PCT_100']);
  });

  it('filters by stock status computed from the balances', async () => {
    await seedCatalogue(database(), { items: [], locations: ['WS', 'VAN'] });
    await createItem(database(), bolt, ctx());
    await createItem(database(), { sku: 'NUT-M8', name: 'Nut', unit: 'pcs' }, ctx());
    await createItem(database(), { sku: 'GONE', name: 'Gone', unit: 'pcs', active: false }, ctx());
    await postMovements(
      database(),
      [
        { type: 'receipt', sku: 'NUT-M8', location: 'WS', quantity: 5 },
        { type: 'receipt', sku: 'BOLT-M8', location: 'VAN', quantity: 2 },
        { type: 'issue', sku: 'BOLT-M8', location: 'VAN', quantity: 2 },
      ],
      ctx(),
    );
    const skus = async (status: string) => (await listItems(database(), { status })).data.map((i) => i.sku);
    expect(await skus('stock_out')).toEqual(['BOLT-M8']);
    expect(await skus('in_stock')).toEqual(['NUT-M8']);
    expect(await skus('inactive')).toEqual(['GONE']);
    expect(await skus('below_reorder_point')).toEqual([]);
    await expect(listItems(database(), { status: 'sparkling' })).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: expect.stringContaining('status'),
    });
  });
});

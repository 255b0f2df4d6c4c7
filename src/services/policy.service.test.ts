import { expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { seedCatalogue } from '../../test/support/fixtures.js';
import { listAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { listItems } from './item.service.js';
import { postMovements } from './ledger.service.js';
import { getPolicy, listPolicies, removePolicy, setPolicy } from './policy.service.js';
import { createSupplier } from './supplier.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0, extra: Partial<ServiceContext> = {}): ServiceContext => ({ actor: 'tester', now, ...extra });

describeEachDialect('policy service', ({ database }) => {
  const seed = () => seedCatalogue(database(), { items: ['BOLT-M8', 'NUT-M8', 'WASHER'], locations: ['WS', 'VAN'] });
  const audit = () =>
    database()
      .db.transaction()
      .execute((tx) => listAudit(tx, { entity: 'policy' }));

  it('sets a reorder-point policy and answers it in contract form with the balance and position', async () => {
    await seed();
    await postMovements(database(), [{ type: 'receipt', sku: 'BOLT-M8', location: 'WS', quantity: 80 }], ctx());
    const set = await setPolicy(
      database(),
      'BOLT-M8',
      'WS',
      { kind: 'reorder_point', reorder_point: 50, target: 200.5 },
      ctx(),
    );
    expect(set).toEqual({
      sku: 'BOLT-M8',
      location: 'WS',
      kind: 'reorder_point',
      reorder_point: 50,
      target: 200.5,
      balance: { on_hand: 80, allocated: 0, on_order: 0, backordered: 0, inventory_position: 80 },
      below_reorder_point: false,
      planning: 'auto',
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T09:00:00.000Z',
      triggered: [],
    });
    const { triggered: _triggered, ...stored } = set;
    expect(await getPolicy(database(), 'BOLT-M8', 'WS')).toEqual(stored);
  });

  it('replaces a policy of another kind, keeps created_at, and audits create and update as SKU@LOCATION with before and after', async () => {
    await seed();
    await createSupplier(database(), { code: 'ACME', name: 'Acme' }, ctx());
    await setPolicy(database(), 'NUT-M8', 'VAN', { kind: 'reorder_point', reorder_point: 5, target: 10 }, ctx());
    const replaced = await setPolicy(
      database(),
      'NUT-M8',
      'VAN',
      { kind: 'kanban', cards: 2, container_quantity: 12.5, supplier: 'ACME' },
      ctx(t0 + 60_000),
    );
    expect(replaced).toMatchObject({ kind: 'kanban', cards: 2, container_quantity: 12.5, supplier: 'ACME' });
    expect(replaced).not.toHaveProperty('reorder_point');
    expect(replaced.created_at).toBe('2026-03-01T09:00:00.000Z');
    expect(replaced.updated_at).toBe('2026-03-01T09:01:00.000Z');
    const entries = await audit();
    expect(entries.map((e) => [e.action, e.entity_key])).toEqual([
      ['update', 'NUT-M8@VAN'],
      ['create', 'NUT-M8@VAN'],
    ]);
    expect(entries[0]!.before).toEqual({
      sku: 'NUT-M8',
      location: 'VAN',
      kind: 'reorder_point',
      reorder_point: 5,
      target: 10,
      planning: 'auto',
    });
    expect(entries[0]!.after).toMatchObject({ kind: 'kanban', supplier: 'ACME' });
  });

  it('takes an optional planning mode: override and pinned are kept by later PUTs without one, a bad mode is refused naming planning', async () => {
    await seed();
    const body = { kind: 'reorder_point', reorder_point: 5, target: 10 };
    const overridden = await setPolicy(database(), 'NUT-M8', 'VAN', { ...body, planning: 'override' }, ctx());
    expect(overridden.planning).toBe('override');
    const changed = await setPolicy(database(), 'NUT-M8', 'VAN', { ...body, target: 12 }, ctx(t0 + 1000));
    expect(changed).toMatchObject({ target: 12, planning: 'override' });
    const pinned = await setPolicy(database(), 'NUT-M8', 'VAN', { ...body, target: 12, planning: 'pinned' }, ctx());
    expect(pinned.planning).toBe('pinned');
    expect((await audit())[0]!.after).toMatchObject({ target: 12, planning: 'pinned' });
    await expect(
      setPolicy(database(), 'NUT-M8', 'VAN', { ...body, target: 0, planning: 'sometimes' }, ctx()),
    ).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      details: [{ field: 'target' }, { field: 'planning', value: 'sometimes' }],
    });
    expect(await getPolicy(database(), 'NUT-M8', 'VAN')).toMatchObject({ target: 12, planning: 'pinned' });
  });

  it('setting the same policy again writes no audit entry', async () => {
    await seed();
    const body = { kind: 'periodic_review', review_days: 7, target: 30 };
    const first = await setPolicy(database(), 'WASHER', 'WS', body, ctx());
    const again = await setPolicy(database(), 'WASHER', 'WS', body, ctx(t0 + 1000));
    expect(again).toEqual(first);
    expect(first).toMatchObject({ review_time: '06:00' });
    expect(await audit()).toHaveLength(1);
  });

  it('refuses an unknown SKU, location or kanban supplier naming the field, and an impossible policy, changing nothing', async () => {
    await seed();
    const ok = { kind: 'reorder_point', reorder_point: 1, target: 2 };
    await expect(setPolicy(database(), 'NOPE', 'WS', ok, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_ITEM',
      details: [{ field: 'sku' }],
    });
    await expect(setPolicy(database(), 'BOLT-M8', 'MARS', ok, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_LOCATION',
      details: [{ field: 'location' }],
    });
    await expect(
      setPolicy(
        database(),
        'BOLT-M8',
        'WS',
        { kind: 'kanban', cards: 2, container_quantity: 1, supplier: 'GHOST' },
        ctx(),
      ),
    ).rejects.toMatchObject({ code: 'LS_UNKNOWN_SUPPLIER', details: [{ field: 'supplier' }] });
    await expect(
      setPolicy(database(), 'BOLT-M8', 'WS', { kind: 'reorder_point', reorder_point: 9, target: 2 }, ctx()),
    ).rejects.toMatchObject({ code: 'LS_VALIDATION', details: [{ field: 'reorder_point' }] });
    expect((await listPolicies(database(), {})).data).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it('answers LS_NOT_FOUND for an item and location without a policy', async () => {
    await seed();
    await expect(getPolicy(database(), 'BOLT-M8', 'WS')).rejects.toMatchObject({ code: 'LS_NOT_FOUND' });
    await expect(removePolicy(database(), 'BOLT-M8', 'WS', ctx())).rejects.toMatchObject({ code: 'LS_NOT_FOUND' });
  });

  it('lists by SKU then location, filters by sku, location and kind, and pages with a cursor', async () => {
    await seed();
    await setPolicy(database(), 'NUT-M8', 'WS', { kind: 'make_to_order' }, ctx());
    await setPolicy(database(), 'BOLT-M8', 'WS', { kind: 'manual' }, ctx());
    await setPolicy(database(), 'BOLT-M8', 'VAN', { kind: 'manual', reorder_point: 3 }, ctx());
    const keys = (page: { data: Array<{ sku: string; location: string }> }) =>
      page.data.map((p) => `${p.sku}@${p.location}`);
    expect(keys(await listPolicies(database(), {}))).toEqual(['BOLT-M8@VAN', 'BOLT-M8@WS', 'NUT-M8@WS']);
    expect(keys(await listPolicies(database(), { sku: 'BOLT-M8' }))).toEqual(['BOLT-M8@VAN', 'BOLT-M8@WS']);
    expect(keys(await listPolicies(database(), { location: 'WS' }))).toEqual(['BOLT-M8@WS', 'NUT-M8@WS']);
    expect(keys(await listPolicies(database(), { kind: 'make_to_order' }))).toEqual(['NUT-M8@WS']);
    const first = await listPolicies(database(), { limit: 2 });
    expect(keys(first)).toEqual(['BOLT-M8@VAN', 'BOLT-M8@WS']);
    const rest = await listPolicies(database(), { limit: 2, cursor: first.next_cursor! });
    expect(keys(rest)).toEqual(['NUT-M8@WS']);
    expect(rest.next_cursor).toBeNull();
    await expect(listPolicies(database(), { kind: 'sometimes' })).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      details: [{ field: 'kind' }],
    });
  });

  it('removes a policy and audits the removal with the policy before', async () => {
    await seed();
    await setPolicy(database(), 'BOLT-M8', 'WS', { kind: 'make_to_order' }, ctx());
    const removed = await removePolicy(database(), 'BOLT-M8', 'WS', ctx(t0 + 5000));
    expect(removed).toMatchObject({ sku: 'BOLT-M8', location: 'WS', kind: 'make_to_order' });
    await expect(getPolicy(database(), 'BOLT-M8', 'WS')).rejects.toMatchObject({ code: 'LS_NOT_FOUND' });
    const [entry] = await audit();
    expect(entry).toMatchObject({
      action: 'delete',
      entity_key: 'BOLT-M8@WS',
      after: null,
      before: { kind: 'make_to_order' },
    });
  });

  it('marks and lists items whose position is at or below s, counting only reorder_point and manual policies with s', async () => {
    await seed();
    await postMovements(
      database(),
      [
        { type: 'receipt', sku: 'BOLT-M8', location: 'WS', quantity: 50 },
        { type: 'receipt', sku: 'NUT-M8', location: 'WS', quantity: 51 },
      ],
      ctx(),
    );
    const bolt = await setPolicy(
      database(),
      'BOLT-M8',
      'WS',
      { kind: 'reorder_point', reorder_point: 50, target: 200 },
      ctx(),
    );
    const nut = await setPolicy(
      database(),
      'NUT-M8',
      'WS',
      { kind: 'reorder_point', reorder_point: 50, target: 200 },
      ctx(),
    );
    await setPolicy(database(), 'NUT-M8', 'VAN', { kind: 'kanban', cards: 2, container_quantity: 5 }, ctx());
    const washer = await setPolicy(database(), 'WASHER', 'VAN', { kind: 'manual', reorder_point: 0 }, ctx());
    await setPolicy(database(), 'WASHER', 'WS', { kind: 'manual' }, ctx());
    expect([bolt.below_reorder_point, nut.below_reorder_point, washer.below_reorder_point]).toEqual([
      true,
      false,
      true,
    ]);
    const below = async () => (await listItems(database(), { status: 'below_reorder_point' })).data.map((i) => i.sku);
    expect(await below()).toEqual(['BOLT-M8', 'WASHER']);
    await postMovements(database(), [{ type: 'issue', sku: 'NUT-M8', location: 'WS', quantity: 1 }], ctx());
    expect(await below()).toEqual(['BOLT-M8', 'NUT-M8', 'WASHER']);
    await postMovements(database(), [{ type: 'receipt', sku: 'BOLT-M8', location: 'WS', quantity: 0.001 }], ctx());
    expect(await below()).toEqual(['NUT-M8', 'WASHER']);
  });

  it('a retried set with the same Idempotency-Key returns the first answer and audits once', async () => {
    await seed();
    const body = { kind: 'reorder_point', reorder_point: 1, target: 2 };
    const first = await setPolicy(database(), 'BOLT-M8', 'WS', body, ctx(t0, { idempotencyKey: 'k1' }));
    const again = await setPolicy(database(), 'BOLT-M8', 'WS', body, ctx(t0 + 1000, { idempotencyKey: 'k1' }));
    expect(again).toEqual(first);
    expect(await audit()).toHaveLength(1);
  });
});

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { listAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import {
  activateSupplier,
  createSupplier,
  deactivateSupplier,
  getSupplier,
  listSupplierAudit,
  listSuppliers,
  updateSupplier,
} from './supplier.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0, extra: Partial<ServiceContext> = {}): ServiceContext => ({ actor: 'tester', now, ...extra });

describeEachDialect('supplier service', ({ database }) => {
  const acme = {
    code: 'ACME',
    name: 'Acme Fasteners',
    email: 'orders@acme.example',
    lead_time_days: 5,
    ordering_cost: 25,
  };

  it('creates a supplier and reads it back with money in major units', async () => {
    const created = await createSupplier(database(), acme, ctx());
    expect(created).toEqual({
      code: 'ACME',
      name: 'Acme Fasteners',
      email: 'orders@acme.example',
      lead_time_days: 5,
      ordering_cost: 25,
      currency: 'EUR',
      active: true,
      auto_send: false,
      order_days: null,
      consolidation_minutes: 0,
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T09:00:00.000Z',
    });
    expect(await getSupplier(database(), 'ACME')).toEqual(created);
  });

  it('refuses a second supplier with the same code and keeps the first', async () => {
    await createSupplier(database(), acme, ctx());
    await expect(createSupplier(database(), { ...acme, name: 'Other' }, ctx())).rejects.toMatchObject({
      code: 'LS_DUPLICATE',
      message: expect.stringContaining('code'),
    });
    expect((await getSupplier(database(), 'ACME')).name).toBe('Acme Fasteners');
  });

  it('answers an unknown code with LS_UNKNOWN_SUPPLIER', async () => {
    await expect(getSupplier(database(), 'NOPE')).rejects.toMatchObject({ code: 'LS_UNKNOWN_SUPPLIER' });
    await expect(updateSupplier(database(), 'NOPE', { name: 'x' }, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_SUPPLIER',
    });
  });

  it('updates only the given fields and stamps the change', async () => {
    await createSupplier(database(), acme, ctx());
    const later = t0 + 60_000;
    const updated = await updateSupplier(database(), 'ACME', { lead_time_days: 7, email: null }, ctx(later));
    expect(updated).toMatchObject({
      name: 'Acme Fasteners',
      lead_time_days: 7,
      email: null,
      ordering_cost: 25,
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T09:01:00.000Z',
    });
  });

  it('writes the audit log for every change, with the record before and after', async () => {
    await createSupplier(database(), acme, ctx());
    await updateSupplier(database(), 'ACME', { ordering_cost: 30 }, ctx(t0 + 1000));
    await deactivateSupplier(database(), 'ACME', ctx(t0 + 2000));
    await activateSupplier(database(), 'ACME', ctx(t0 + 3000));
    const trail = await listSupplierAudit(database(), 'ACME');
    expect(trail.map((e) => e.action)).toEqual(['activate', 'deactivate', 'update', 'create']);
    expect(trail[2]).toMatchObject({
      entity: 'supplier',
      entity_key: 'ACME',
      actor: 'tester',
      before: { ordering_cost: 25 },
      after: { ordering_cost: 30 },
    });
    expect(trail[3]!.before).toBeNull();
  });

  it('writes nothing for an update or deactivation that changes nothing', async () => {
    await createSupplier(database(), acme, ctx());
    await deactivateSupplier(database(), 'ACME', ctx(t0 + 1000));
    const again = await deactivateSupplier(database(), 'ACME', ctx(t0 + 2000));
    await updateSupplier(database(), 'ACME', { name: 'Acme Fasteners' }, ctx(t0 + 3000));
    expect(again.updated_at).toBe(new Date(t0 + 1000).toISOString());
    expect((await listAudit(database().db, { entity: 'supplier' })).map((e) => e.action)).toEqual([
      'deactivate',
      'create',
    ]);
  });

  it('refuses a bad update with every problem and changes nothing', async () => {
    await createSupplier(database(), acme, ctx());
    const error = await updateSupplier(
      database(),
      'ACME',
      { code: 'ACME2', lead_time_days: -1, ordering_cost: 1.234 },
      ctx(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LS_VALIDATION' });
    expect((error as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual([
      'code',
      'lead_time_days',
      'ordering_cost',
    ]);
    expect(await getSupplier(database(), 'ACME')).toMatchObject({ code: 'ACME', lead_time_days: 5, ordering_cost: 25 });
  });

  it('stores ordering settings, shows order days as names and audits a change of them', async () => {
    const created = await createSupplier(
      database(),
      { ...acme, auto_send: true, order_days: ['thu', 2], consolidation_minutes: 120 },
      ctx(),
    );
    expect(created).toMatchObject({ auto_send: true, order_days: ['tue', 'thu'], consolidation_minutes: 120 });
    const stored = await database()
      .db.selectFrom('suppliers')
      .select(['auto_send', 'order_days', 'consolidation_minutes'])
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ auto_send: 1, order_days: '2,4', consolidation_minutes: 120 });

    const updated = await updateSupplier(database(), 'ACME', { order_days: null, auto_send: false }, ctx(t0 + 1000));
    expect(updated).toMatchObject({ auto_send: false, order_days: null, consolidation_minutes: 120 });
    const [change] = await listSupplierAudit(database(), 'ACME');
    expect(change).toMatchObject({
      action: 'update',
      before: { auto_send: true, order_days: ['tue', 'thu'] },
      after: { auto_send: false, order_days: null },
    });

    // The same days in another order and spelling are no change.
    await updateSupplier(database(), 'ACME', { order_days: ['MON'] }, ctx(t0 + 2000));
    await updateSupplier(database(), 'ACME', { order_days: [1] }, ctx(t0 + 3000));
    expect((await listSupplierAudit(database(), 'ACME')).map((e) => e.action)).toEqual(['update', 'update', 'create']);
  });

  it('refuses bad ordering settings, naming each field, and changes nothing', async () => {
    await createSupplier(database(), { ...acme, order_days: ['fri'] }, ctx());
    const error = await updateSupplier(
      database(),
      'ACME',
      { auto_send: 'yes', order_days: [], consolidation_minutes: 10_081 },
      ctx(t0 + 1000),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LS_VALIDATION' });
    expect((error as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual([
      'auto_send',
      'order_days',
      'consolidation_minutes',
    ]);
    await expect(
      createSupplier(database(), { code: 'B', name: 'B', order_days: ['someday'] }, ctx()),
    ).rejects.toMatchObject({ code: 'LS_VALIDATION', message: expect.stringContaining('order_days') });
    expect(await getSupplier(database(), 'ACME')).toMatchObject({
      auto_send: false,
      order_days: ['fri'],
      consolidation_minutes: 0,
      updated_at: '2026-03-01T09:00:00.000Z',
    });
    expect((await listSuppliers(database(), {})).data).toHaveLength(1);
  });

  it('lists suppliers by code a page at a time and filters by text and active flag', async () => {
    for (const [code, name] of [
      ['LOCAL', 'Schmidt Werkzeuge'],
      ['ACME', 'Acme Fasteners'],
      ['OSAKA', 'Osaka Tools'],
      ['NATIONAL', 'National Industrial Supply'],
    ] as const) {
      await createSupplier(database(), { code, name }, ctx());
    }
    await deactivateSupplier(database(), 'OSAKA', ctx());
    const first = await listSuppliers(database(), { limit: 3 });
    expect(first.data.map((s) => s.code)).toEqual(['ACME', 'LOCAL', 'NATIONAL']);
    const second = await listSuppliers(database(), { limit: 3, cursor: first.next_cursor! });
    expect(second).toMatchObject({ data: [{ code: 'OSAKA' }], next_cursor: null });
    expect((await listSuppliers(database(), { q: 'tOOl' })).data.map((s) => s.code)).toEqual(['OSAKA']);
    expect((await listSuppliers(database(), { active: true })).data.map((s) => s.code)).toEqual([
      'ACME',
      'LOCAL',
      'NATIONAL',
    ]);
    expect((await listSuppliers(database(), { q: '%' })).data).toEqual([]);
  });

  it('orders codes by bytes on both databases, so upper case comes before lower case', async () => {
    for (const code of ['b-lower', 'B-UPPER', 'a-lower', 'A-UPPER'])
      await createSupplier(database(), { code, name: code }, ctx());
    expect((await listSuppliers(database(), {})).data.map((s) => s.code)).toEqual([
      'A-UPPER',
      'B-UPPER',
      'a-lower',
      'b-lower',
    ]);
  });

  it('returns the first result for a retried idempotency key and creates one supplier', async () => {
    const first = await createSupplier(database(), acme, ctx(t0, { idempotencyKey: 'k1' }));
    const again = await createSupplier(database(), acme, ctx(t0 + 5000, { idempotencyKey: 'k1' }));
    expect(again).toEqual(first);
    await expect(
      createSupplier(database(), { ...acme, name: 'changed' }, ctx(t0, { idempotencyKey: 'k1' })),
    ).rejects.toMatchObject({ code: 'LS_IDEMPOTENCY_CONFLICT' });
    expect((await listSuppliers(database(), {})).data).toHaveLength(1);
  });

  it('refuses a cursor it did not hand out and a page size out of range', async () => {
    await expect(listSuppliers(database(), { cursor: 'garbage' })).rejects.toMatchObject({ code: 'LS_VALIDATION' });
    await expect(listSuppliers(database(), { limit: 0 })).rejects.toMatchObject({ code: 'LS_VALIDATION' });
  });
});

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { listAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { createCustomer, getCustomer, listCustomers, updateCustomer } from './customer.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0): ServiceContext => ({ actor: 'tester', now });

describeEachDialect('customer service', ({ database }) => {
  const count = async () =>
    Number(
      (
        await database()
          .db.selectFrom('customers')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('creates a customer and reads it back', async () => {
    const created = await createCustomer(
      database(),
      { code: 'CYCLO', name: ' Cyclo Shop ', email: 'buy@cyclo.example' },
      ctx(),
    );
    expect(created).toEqual({
      code: 'CYCLO',
      name: 'Cyclo Shop',
      email: 'buy@cyclo.example',
      active: true,
      created_at: '2026-03-01T09:00:00.000Z',
      updated_at: '2026-03-01T09:00:00.000Z',
    });
    expect(await getCustomer(database(), 'CYCLO')).toEqual(created);
    const audit = await listAudit(database().db, { entity: 'customer', entityKey: 'CYCLO' });
    expect(audit.map((entry) => entry.action)).toEqual(['create']);
  });

  it('refuses a second customer with the same code, naming code, and keeps the first', async () => {
    await createCustomer(database(), { code: 'CYCLO', name: 'Cyclo Shop' }, ctx());
    await expect(createCustomer(database(), { code: 'CYCLO', name: 'Other' }, ctx())).rejects.toMatchObject({
      code: 'LS_DUPLICATE',
      message: 'code: a customer "CYCLO" already exists',
      details: [{ field: 'code' }],
    });
    expect(await count()).toBe(1);
    expect((await getCustomer(database(), 'CYCLO')).name).toBe('Cyclo Shop');
  });

  it('names every bad field and writes nothing', async () => {
    const error = await createCustomer(database(), { code: 'A B', email: 'nope', phone: 1 }, ctx()).catch((e) => e);
    expect(error).toMatchObject({ code: 'LS_VALIDATION' });
    expect(error.details.map((p: { field: string }) => p.field).sort()).toEqual(['code', 'email', 'name', 'phone']);
    expect(await count()).toBe(0);
  });

  it('answers an unknown code with LS_UNKNOWN_CUSTOMER', async () => {
    await expect(getCustomer(database(), 'NOPE')).rejects.toMatchObject({
      code: 'LS_UNKNOWN_CUSTOMER',
      message: 'code: unknown customer "NOPE"',
    });
    await expect(updateCustomer(database(), 'NOPE', { name: 'x' }, ctx())).rejects.toMatchObject({
      code: 'LS_UNKNOWN_CUSTOMER',
    });
  });

  it('updates name, email and active, stamps the change and audits it', async () => {
    await createCustomer(database(), { code: 'CYCLO', name: 'Cyclo Shop', email: 'buy@cyclo.example' }, ctx());
    const updated = await updateCustomer(
      database(),
      'CYCLO',
      { name: 'Cyclo GmbH', email: null, active: false },
      ctx(t0 + 60_000),
    );
    expect(updated).toMatchObject({
      code: 'CYCLO',
      name: 'Cyclo GmbH',
      email: null,
      active: false,
      updated_at: '2026-03-01T09:01:00.000Z',
    });
    const audit = await listAudit(database().db, { entity: 'customer', entityKey: 'CYCLO' });
    expect(audit.map((entry) => entry.action)).toEqual(['update', 'create']);
  });

  it('writes nothing for an update that changes nothing, and refuses an empty or unknown change', async () => {
    await createCustomer(database(), { code: 'CYCLO', name: 'Cyclo Shop' }, ctx());
    const same = await updateCustomer(database(), 'CYCLO', { name: 'Cyclo Shop' }, ctx(t0 + 1000));
    expect(same.updated_at).toBe('2026-03-01T09:00:00.000Z');
    await expect(updateCustomer(database(), 'CYCLO', {}, ctx())).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: expect.stringMatching(/^body: /),
    });
    await expect(updateCustomer(database(), 'CYCLO', { code: 'X' }, ctx())).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: expect.stringMatching(/^code: is not a field of a customer update/),
    });
    const audit = await listAudit(database().db, { entity: 'customer', entityKey: 'CYCLO' });
    expect(audit).toHaveLength(1);
  });

  it('lists customers by code a page at a time, and filters by active', async () => {
    for (const code of ['C3', 'C1', 'C2']) await createCustomer(database(), { code, name: `Customer ${code}` }, ctx());
    await updateCustomer(database(), 'C2', { active: false }, ctx());
    const first = await listCustomers(database(), { limit: 2 });
    expect(first.data.map((c) => c.code)).toEqual(['C1', 'C2']);
    expect(first.next_cursor).not.toBeNull();
    const second = await listCustomers(database(), { limit: 2, cursor: first.next_cursor! });
    expect(second).toMatchObject({ data: [{ code: 'C3' }], next_cursor: null });
    expect((await listCustomers(database(), { active: true })).data.map((c) => c.code)).toEqual(['C1', 'C3']);
  });
});

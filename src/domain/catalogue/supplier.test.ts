import { describe, expect, it } from 'vitest';
import { applySupplierPatch, parseSupplierInput, type Supplier } from './supplier.js';

const acme: Supplier = {
  code: 'ACME',
  name: 'Acme Fasteners',
  email: 'orders@acme.example',
  leadTimeDays: 5,
  orderingCostMinor: 2500,
  currency: 'EUR',
  active: true,
};

const problemFields = (result: { ok: boolean; problems?: Array<{ field: string }> }) =>
  result.ok ? [] : result.problems!.map((p) => p.field);

describe('parseSupplierInput', () => {
  it('reads a new supplier with money in minor units and fills the defaults', () => {
    expect(parseSupplierInput({ code: 'ACME', name: ' Acme Fasteners ', ordering_cost: 25.5 }, 'create')).toEqual({
      ok: true,
      value: {
        code: 'ACME',
        name: 'Acme Fasteners',
        email: null,
        leadTimeDays: null,
        orderingCostMinor: 2550,
        currency: 'EUR',
        active: true,
      },
    });
  });

  it('reads the ordering cost in the currency given, so yen have no decimals', () => {
    const result = parseSupplierInput(
      { code: 'OSAKA', name: 'Osaka Tools', ordering_cost: 3000, currency: 'JPY' },
      'create',
    );
    expect(result).toMatchObject({ ok: true, value: { orderingCostMinor: 3000, currency: 'JPY' } });
    expect(
      problemFields(parseSupplierInput({ code: 'O', name: 'O', ordering_cost: 1.5, currency: 'JPY' }, 'create')),
    ).toEqual(['ordering_cost']);
  });

  it('reports every problem at once, each naming its field', () => {
    const result = parseSupplierInput(
      {
        code: 'HAS SPACE',
        name: '',
        email: 'not-an-email',
        lead_time_days: 2.5,
        ordering_cost: -1,
        currency: 'euro',
        active: 'yes',
        colour: 'red',
      },
      'create',
    );
    expect(problemFields(result).sort()).toEqual(
      ['active', 'code', 'colour', 'currency', 'email', 'lead_time_days', 'name', 'ordering_cost'].sort(),
    );
  });

  it('requires code and name on create, and some field to change on update', () => {
    expect(problemFields(parseSupplierInput({}, 'create'))).toEqual(['code', 'name']);
    expect(problemFields(parseSupplierInput({}, 'update', acme))).toEqual(['body']);
    expect(parseSupplierInput({ active: false }, 'update', acme)).toEqual({ ok: true, value: { active: false } });
  });

  it('accepts lead times from 0 to 3650 days and refuses anything outside', () => {
    expect(parseSupplierInput({ code: 'A', name: 'A', lead_time_days: 0 }, 'create').ok).toBe(true);
    expect(parseSupplierInput({ code: 'A', name: 'A', lead_time_days: 3650 }, 'create').ok).toBe(true);
    expect(problemFields(parseSupplierInput({ code: 'A', name: 'A', lead_time_days: 3651 }, 'create'))).toEqual([
      'lead_time_days',
    ]);
    expect(problemFields(parseSupplierInput({ code: 'A', name: 'A', lead_time_days: -1 }, 'create'))).toEqual([
      'lead_time_days',
    ]);
  });

  it('accepts names and e-mail addresses in any script', () => {
    const result = parseSupplierInput({ code: 'SHZ', name: '深圳五金有限公司', email: 'dingdan@五金.中国' }, 'create');
    expect(result).toMatchObject({ ok: true, value: { name: '深圳五金有限公司', email: 'dingdan@五金.中国' } });
  });

  it('refuses an e-mail address without a domain or with spaces', () => {
    for (const email of ['orders@', '@acme.example', 'or ders@acme.example', 'orders@acme', 'a@b@c.de']) {
      expect(problemFields(parseSupplierInput({ code: 'A', name: 'A', email }, 'create'))).toEqual(['email']);
    }
  });

  it('refuses to change the code on update', () => {
    expect(problemFields(parseSupplierInput({ code: 'OTHER' }, 'update', acme))).toEqual(['code']);
    expect(parseSupplierInput({ code: 'ACME', name: 'Acme' }, 'update', acme)).toEqual({
      ok: true,
      value: { name: 'Acme' },
    });
  });

  it('clears optional fields with null on update', () => {
    const result = parseSupplierInput({ email: null, lead_time_days: null, ordering_cost: null }, 'update', acme);
    expect(result).toEqual({ ok: true, value: { email: null, leadTimeDays: null, orderingCostMinor: null } });
  });

  it('keeps the ordering cost in major units when only the currency changes', () => {
    // 25.00 EUR is 2500 cents; as USD it stays 25.00, still 2500 cents.
    expect(parseSupplierInput({ currency: 'USD' }, 'update', acme)).toEqual({
      ok: true,
      value: { currency: 'USD', orderingCostMinor: 2500 },
    });
    // 25.50 EUR cannot be written in yen, which have no minor unit.
    const result = parseSupplierInput({ currency: 'JPY' }, 'update', { ...acme, orderingCostMinor: 2550 });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problems[0]!.message).toContain('give ordering_cost in the new currency');
  });

  it('applies a patch and leaves the other fields alone', () => {
    expect(applySupplierPatch(acme, { leadTimeDays: 9, email: null })).toEqual({
      ...acme,
      leadTimeDays: 9,
      email: null,
    });
  });

  it('refuses a body that is not an object', () => {
    expect(problemFields(parseSupplierInput([], 'create'))).toEqual(['body']);
    expect(problemFields(parseSupplierInput('ACME', 'create'))).toEqual(['body']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  applySupplierPatch,
  isSameSupplier,
  orderDayNames,
  orderDaysFromText,
  parseSupplierInput,
  type Supplier,
} from './supplier.js';

const acme: Supplier = {
  code: 'ACME',
  name: 'Acme Fasteners',
  email: 'orders@acme.example',
  leadTimeDays: 5,
  orderingCostMinor: 2500,
  currency: 'EUR',
  active: true,
  autoSend: false,
  orderDays: null,
  consolidationMinutes: 0,
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
        autoSend: false,
        orderDays: null,
        consolidationMinutes: 0,
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
        auto_send: 'no',
        order_days: 'tue,thu',
        consolidation_minutes: 30.5,
        colour: 'red',
      },
      'create',
    );
    expect(problemFields(result).sort()).toEqual(
      [
        'active',
        'auto_send',
        'code',
        'colour',
        'consolidation_minutes',
        'currency',
        'email',
        'lead_time_days',
        'name',
        'order_days',
        'ordering_cost',
      ].sort(),
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

  it('reads order days as names in any case or ISO numbers, ascending, and answers them as names', () => {
    const result = parseSupplierInput(
      { code: 'A', name: 'A', auto_send: true, order_days: ['THU', 2, 'mon'], consolidation_minutes: 90 },
      'create',
    );
    expect(result).toMatchObject({
      ok: true,
      value: { autoSend: true, orderDays: [1, 2, 4], consolidationMinutes: 90 },
    });
    expect(orderDayNames([1, 2, 4])).toEqual(['mon', 'tue', 'thu']);
    expect(orderDayNames(null)).toBeNull();
    expect(parseSupplierInput({ order_days: null }, 'update', { ...acme, orderDays: [2] })).toEqual({
      ok: true,
      value: { orderDays: null },
    });
  });

  it('refuses an empty list of order days and points to null for any day', () => {
    const result = parseSupplierInput({ code: 'A', name: 'A', order_days: [] }, 'create');
    expect(problemFields(result)).toEqual(['order_days']);
    expect(result.ok ? '' : result.problems[0]!.message).toContain('use null for any day');
  });

  it('refuses unknown weekdays, numbers outside 1-7, repeated days and a text instead of a list', () => {
    for (const order_days of [['tuesdayish'], [0], [8], [2.5], ['tue', 'TUE'], [2, 'tue'], 'tue', 3, [null]]) {
      expect(problemFields(parseSupplierInput({ code: 'A', name: 'A', order_days }, 'create'))).toEqual(['order_days']);
    }
    const twice = parseSupplierInput({ code: 'A', name: 'A', order_days: ['tue', 'Tue'] }, 'create');
    expect(twice.ok ? '' : twice.problems[0]!.message).toBe('lists tue twice');
    expect(
      problemFields(parseSupplierInput({ code: 'A', name: 'A', order_days: Array(8).fill('mon') }, 'create')),
    ).toEqual(['order_days']);
  });

  it('accepts consolidation windows from 0 to 10080 minutes (a week) and nothing else', () => {
    for (const minutes of [0, 60, 10_080]) {
      expect(parseSupplierInput({ code: 'A', name: 'A', consolidation_minutes: minutes }, 'create').ok).toBe(true);
    }
    for (const minutes of [-1, 10_081, 1.5, '60', null]) {
      expect(
        problemFields(parseSupplierInput({ code: 'A', name: 'A', consolidation_minutes: minutes }, 'create')),
      ).toEqual(['consolidation_minutes']);
    }
    expect(problemFields(parseSupplierInput({ auto_send: 1 }, 'update', acme))).toEqual(['auto_send']);
  });

  it('reads order days written as text on a command line or in a CSV cell', () => {
    expect(orderDaysFromText('tue,thu')).toEqual(['tue', 'thu']);
    expect(orderDaysFromText(' Tue; THU ')).toEqual(['Tue', 'THU']);
    expect(orderDaysFromText('2 4')).toEqual([2, 4]);
    expect(orderDaysFromText('')).toBeNull();
    expect(orderDaysFromText('any')).toBeNull();
  });

  it('compares order days by value, not by identity', () => {
    expect(isSameSupplier({ ...acme, orderDays: [2, 4] }, { ...acme, orderDays: [2, 4] })).toBe(true);
    expect(isSameSupplier({ ...acme, orderDays: [2, 4] }, { ...acme, orderDays: [2] })).toBe(false);
    expect(isSameSupplier({ ...acme, orderDays: [2] }, { ...acme, orderDays: null })).toBe(false);
  });

  it('refuses a body that is not an object', () => {
    expect(problemFields(parseSupplierInput([], 'create'))).toEqual(['body']);
    expect(problemFields(parseSupplierInput('ACME', 'create'))).toEqual(['body']);
  });
});

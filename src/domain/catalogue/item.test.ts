import { describe, expect, it } from 'vitest';
import { applyItemPatch, type Item, parseItemInput } from './item.js';

const bolt: Item = {
  sku: 'BOLT-M8',
  name: 'Hex bolt M8x40',
  unit: 'pcs',
  category: 'Fasteners',
  unitCostMinor: 12,
  currency: 'EUR',
  shelfLifeDays: null,
  criticality: 'medium',
  allowNegative: false,
  active: true,
};

describe('parseItemInput on create', () => {
  it('fills the defaults: EUR, medium criticality, no negative stock, active', () => {
    expect(parseItemInput({ sku: 'BOLT-M8', name: 'Hex bolt M8x40', unit: 'pcs' }, 'create')).toEqual({
      ok: true,
      value: {
        sku: 'BOLT-M8',
        name: 'Hex bolt M8x40',
        unit: 'pcs',
        category: null,
        unitCostMinor: null,
        currency: 'EUR',
        shelfLifeDays: null,
        criticality: 'medium',
        allowNegative: false,
        active: true,
      },
    });
  });

  it('reads the unit cost in minor units of the given currency', () => {
    // 0.12 EUR = 12 cents; 1500 JPY = 1500 (yen has no minor unit); 1.234 KWD = 1234 fils.
    const cost = (unit_cost: number, currency: string) => {
      const parsed = parseItemInput({ sku: 'A', name: 'A', unit: 'pcs', unit_cost, currency }, 'create');
      return parsed.ok ? parsed.value.unitCostMinor : parsed.problems;
    };
    expect(cost(0.12, 'EUR')).toBe(12);
    expect(cost(1500, 'JPY')).toBe(1500);
    expect(cost(1.234, 'KWD')).toBe(1234);
    expect(cost(0.125, 'EUR')).toEqual([
      { field: 'unit_cost', message: 'must have at most 2 decimal places for EUR', value: 0.125 },
    ]);
  });

  it('reports every problem at once, each naming its field', () => {
    const parsed = parseItemInput(
      {
        sku: 'has space',
        name: '',
        unit: 'x'.repeat(21),
        unit_cost: -1,
        currency: 'euro',
        shelf_life_days: 1.5,
        criticality: 'vital',
        allow_negative: 'yes',
        colour: 'red',
      },
      'create',
    );
    expect(parsed.ok).toBe(false);
    const fields = parsed.ok ? [] : parsed.problems.map((p) => p.field).sort();
    expect(fields).toEqual([
      'allow_negative',
      'colour',
      'criticality',
      'currency',
      'name',
      'shelf_life_days',
      'sku',
      'unit',
      'unit_cost',
    ]);
  });

  it('requires sku, name and unit', () => {
    const parsed = parseItemInput({}, 'create');
    expect(parsed).toEqual({
      ok: false,
      problems: [
        { field: 'sku', message: 'is required' },
        { field: 'name', message: 'is required' },
        { field: 'unit', message: 'is required' },
      ],
    });
  });

  it('accepts names in any script and counts characters, not bytes', () => {
    const parsed = parseItemInput(
      { sku: '螺栓-M8', name: '六角螺栓 M8 — Sechskantschraube 🔩', unit: 'Stück' },
      'create',
    );
    expect(parsed.ok).toBe(true);
    const long = parseItemInput({ sku: 'A', name: '螺'.repeat(200), unit: 'pcs' }, 'create');
    expect(long.ok).toBe(true);
    const tooLong = parseItemInput({ sku: 'A', name: '螺'.repeat(201), unit: 'pcs' }, 'create');
    expect(tooLong).toMatchObject({
      ok: false,
      problems: [{ field: 'name', message: 'must be at most 200 characters' }],
    });
  });

  it('trims names and refuses a SKU longer than 64 characters', () => {
    const parsed = parseItemInput({ sku: 'A', name: '  Washer  ', unit: ' pcs ' }, 'create');
    expect(parsed.ok && [parsed.value.name, parsed.value.unit]).toEqual(['Washer', 'pcs']);
    expect(parseItemInput({ sku: 'S'.repeat(65), name: 'n', unit: 'pcs' }, 'create')).toMatchObject({
      ok: false,
      problems: [{ field: 'sku', message: 'must be at most 64 characters' }],
    });
  });

  it('refuses a body that is not an object', () => {
    expect(parseItemInput([1], 'create')).toEqual({
      ok: false,
      problems: [{ field: 'body', message: 'must be a JSON object' }],
    });
  });
});

describe('parseItemInput on update', () => {
  it('returns only the given fields', () => {
    expect(parseItemInput({ name: 'Bolt', category: null }, 'update', bolt)).toEqual({
      ok: true,
      value: { name: 'Bolt', category: null },
    });
  });

  it('refuses to change the SKU but accepts repeating it', () => {
    expect(parseItemInput({ sku: 'BOLT-M8', name: 'B' }, 'update', bolt).ok).toBe(true);
    expect(parseItemInput({ sku: 'BOLT-M10' }, 'update', bolt)).toMatchObject({
      ok: false,
      problems: [{ field: 'sku', message: 'cannot be changed (the item is "BOLT-M8")' }],
    });
  });

  it('reads a new unit cost in the current currency', () => {
    const yen = { ...bolt, currency: 'JPY', unitCostMinor: 100 };
    expect(parseItemInput({ unit_cost: 12.5 }, 'update', yen)).toMatchObject({
      ok: false,
      problems: [{ field: 'unit_cost', message: 'must have at most 0 decimal places for JPY' }],
    });
  });

  it('keeps the amount when only the currency changes, and says so when it does not fit', () => {
    // 0.12 EUR → 0.12 USD = 12 cents; 0.12 EUR → JPY cannot be 0.12 yen.
    expect(parseItemInput({ currency: 'USD' }, 'update', bolt)).toEqual({
      ok: true,
      value: { currency: 'USD', unitCostMinor: 12 },
    });
    expect(parseItemInput({ currency: 'JPY' }, 'update', bolt)).toMatchObject({
      ok: false,
      problems: [{ field: 'unit_cost' }],
    });
  });

  it('refuses an empty update', () => {
    expect(parseItemInput({}, 'update', bolt)).toEqual({
      ok: false,
      problems: [{ field: 'body', message: 'must contain at least one field to change' }],
    });
  });

  it('applying a patch changes only what it names', () => {
    expect(applyItemPatch(bolt, { name: 'Bolt', unitCostMinor: null })).toEqual({
      ...bolt,
      name: 'Bolt',
      unitCostMinor: null,
    });
  });
});

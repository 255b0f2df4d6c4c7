import { describe, expect, it } from 'vitest';
import {
  effectiveLeadTimeDays,
  formatPriceBreaks,
  parsePriceBreaksText,
  parseSupplierItemInput,
  type SupplierItem,
  unitPriceForQuantity,
} from './supplier-item.js';

const defaults = { sku: 'BOLT-M8', currency: 'EUR' };

const source: SupplierItem = {
  sku: 'BOLT-M8',
  supplier: 'ACME',
  supplierSku: 'AC-8-20',
  unitPriceMinor: 12,
  currency: 'EUR',
  priceBreaks: [
    { minQuantityMilli: 1_000_000, unitPriceMinor: 10 },
    { minQuantityMilli: 5_000_000, unitPriceMinor: 9 },
  ],
  leadTimeDays: null,
  moqMilli: 100_000,
  packSizeMilli: 50_000,
  rank: 1,
  active: true,
};

const fields = (result: { ok: boolean; problems?: Array<{ field: string }> }) =>
  result.ok ? [] : result.problems!.map((p) => p.field);

const messages = (result: { ok: boolean; problems?: Array<{ message: string }> }) =>
  result.ok ? [] : result.problems!.map((p) => p.message);

describe('parseSupplierItemInput', () => {
  it('reads a source with prices in minor units and quantities in milli-units', () => {
    const result = parseSupplierItemInput(
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
      'create',
      defaults,
    );
    expect(result).toEqual({ ok: true, value: source });
  });

  it("defaults the currency to the supplier's and the rank to preferred", () => {
    const result = parseSupplierItemInput({ supplier: 'OSAKA', unit_price: 250 }, 'create', {
      sku: 'DRILL-6MM',
      currency: 'JPY',
    });
    expect(result).toMatchObject({ ok: true, value: { currency: 'JPY', unitPriceMinor: 250, rank: 1, active: true } });
  });

  it('reads prices in the currency given rather than the default', () => {
    const result = parseSupplierItemInput({ supplier: 'ACME', unit_price: 1.005, currency: 'KWD' }, 'create', defaults);
    expect(result).toMatchObject({ ok: true, value: { currency: 'KWD', unitPriceMinor: 1005 } });
  });

  it('requires the supplier and nothing else', () => {
    expect(fields(parseSupplierItemInput({}, 'create', defaults))).toEqual(['supplier']);
  });

  it('refuses quantities with more than 3 decimals, never rounding them', () => {
    const result = parseSupplierItemInput(
      { supplier: 'ACME', moq: 1.0001, pack_size: 0.0005, price_breaks: [{ min_quantity: 2.2222, unit_price: 1 }] },
      'create',
      defaults,
    );
    expect(fields(result)).toEqual(['price_breaks[0].min_quantity', 'moq', 'pack_size']);
  });

  it('refuses zero and negative quantities and negative prices', () => {
    const result = parseSupplierItemInput(
      {
        supplier: 'ACME',
        moq: 0,
        pack_size: -5,
        unit_price: -0.01,
        price_breaks: [{ min_quantity: 0, unit_price: -1 }],
      },
      'create',
      defaults,
    );
    expect(fields(result).sort()).toEqual(
      ['moq', 'pack_size', 'price_breaks[0].min_quantity', 'price_breaks[0].unit_price', 'unit_price'].sort(),
    );
  });

  it('refuses price breaks that do not ascend strictly in quantity', () => {
    const descending = parseSupplierItemInput(
      {
        supplier: 'ACME',
        price_breaks: [
          { min_quantity: 50, unit_price: 1.1 },
          { min_quantity: 10, unit_price: 1.2 },
        ],
      },
      'create',
      defaults,
    );
    expect(fields(descending)).toEqual(['price_breaks[1].min_quantity']);
    expect(messages(descending)[0]).toContain('ascending');
    const repeated = parseSupplierItemInput(
      {
        supplier: 'ACME',
        price_breaks: [
          { min_quantity: 10, unit_price: 1.2 },
          { min_quantity: 10, unit_price: 1.1 },
        ],
      },
      'create',
      defaults,
    );
    expect(fields(repeated)).toEqual(['price_breaks[1].min_quantity']);
  });

  it('names the break and the field of a malformed price break', () => {
    const result = parseSupplierItemInput(
      {
        supplier: 'ACME',
        price_breaks: [{ min_quantity: 10 }, 'cheap', { min_quantity: 20, unit_price: 1, discount: 5 }],
      },
      'create',
      defaults,
    );
    expect(fields(result)).toEqual(['price_breaks[0].unit_price', 'price_breaks[1]', 'price_breaks[2].discount']);
    expect(fields(parseSupplierItemInput({ supplier: 'ACME', price_breaks: { 10: 1 } }, 'create', defaults))).toEqual([
      'price_breaks',
    ]);
  });

  it('refuses a moq that is not a whole number of packs and suggests the multiples either side', () => {
    // Packs of 12: a minimum of 30 cannot be delivered; 24 (2 packs) or 36 (3 packs) can.
    const result = parseSupplierItemInput({ supplier: 'ACME', moq: 30, pack_size: 12 }, 'create', defaults);
    expect(fields(result)).toEqual(['moq']);
    expect(messages(result)[0]).toBe('must be a multiple of pack_size 12 (an order is whole packs); use 24 or 36');
    expect(parseSupplierItemInput({ supplier: 'ACME', moq: 36, pack_size: 12 }, 'create', defaults).ok).toBe(true);
    expect(parseSupplierItemInput({ supplier: 'ACME', moq: 2.5, pack_size: 0.5 }, 'create', defaults).ok).toBe(true);
  });

  it('checks the moq against the stored pack size when an update changes only one of them', () => {
    // Stored: moq 100, pack 50. A pack of 30 does not divide 100.
    expect(fields(parseSupplierItemInput({ pack_size: 30 }, 'update', source))).toEqual(['pack_size']);
    expect(fields(parseSupplierItemInput({ moq: 120 }, 'update', source))).toEqual(['moq']);
    expect(parseSupplierItemInput({ moq: 150 }, 'update', source)).toEqual({ ok: true, value: { moqMilli: 150_000 } });
    expect(parseSupplierItemInput({ pack_size: null, moq: 120 }, 'update', source).ok).toBe(true);
  });

  it('refuses a rank below 1 or with decimals', () => {
    for (const rank of [0, -1, 1.5, '1', 1000]) {
      expect(fields(parseSupplierItemInput({ supplier: 'ACME', rank }, 'create', defaults))).toEqual(['rank']);
    }
  });

  it('refuses to move a source to another supplier on update', () => {
    expect(fields(parseSupplierItemInput({ supplier: 'OTHER' }, 'update', source))).toEqual(['supplier']);
    expect(parseSupplierItemInput({ supplier: 'ACME', rank: 2 }, 'update', source)).toEqual({
      ok: true,
      value: { rank: 2 },
    });
  });

  it('keeps prices and breaks in major units when only the currency changes', () => {
    expect(parseSupplierItemInput({ currency: 'USD' }, 'update', source)).toEqual({
      ok: true,
      value: { currency: 'USD', unitPriceMinor: 12, priceBreaks: source.priceBreaks },
    });
    const yen = parseSupplierItemInput({ currency: 'JPY' }, 'update', source);
    expect(fields(yen)).toEqual(['unit_price', 'price_breaks[0].unit_price', 'price_breaks[1].unit_price']);
  });

  it('clears the price breaks with null or an empty list', () => {
    expect(parseSupplierItemInput({ price_breaks: null }, 'update', source)).toEqual({
      ok: true,
      value: { priceBreaks: [] },
    });
    expect(parseSupplierItemInput({ price_breaks: [] }, 'update', source)).toEqual({
      ok: true,
      value: { priceBreaks: [] },
    });
  });

  it('accepts a supplier part number in any script', () => {
    const result = parseSupplierItemInput({ supplier: 'SHZ', supplier_sku: '螺栓 M8×20' }, 'create', defaults);
    expect(result).toMatchObject({ ok: true, value: { supplierSku: '螺栓 M8×20' } });
  });
});

describe('effectiveLeadTimeDays', () => {
  it("uses the supplier item's lead time over the supplier's", () => {
    expect(effectiveLeadTimeDays({ leadTimeDays: 12 }, { leadTimeDays: 5 })).toBe(12);
  });

  it("falls back to the supplier's lead time, and to null when neither is known", () => {
    expect(effectiveLeadTimeDays({ leadTimeDays: null }, { leadTimeDays: 5 })).toBe(5);
    expect(effectiveLeadTimeDays({ leadTimeDays: null }, { leadTimeDays: null })).toBeNull();
  });

  it('keeps a same-day lead time of zero rather than falling back', () => {
    expect(effectiveLeadTimeDays({ leadTimeDays: 0 }, { leadTimeDays: 5 })).toBe(0);
  });
});

describe('unitPriceForQuantity', () => {
  it('charges the base price below the first break and the break price from its minimum on', () => {
    // Breaks at 1000 (0.10) and 5000 (0.09); base 0.12.
    expect(unitPriceForQuantity(source, 999_999)).toBe(12);
    expect(unitPriceForQuantity(source, 1_000_000)).toBe(10);
    expect(unitPriceForQuantity(source, 4_999_000)).toBe(10);
    expect(unitPriceForQuantity(source, 5_000_000)).toBe(9);
  });
});

describe('price breaks as text', () => {
  it('reads "10:1.20;50:1.10" into the JSON form', () => {
    expect(parsePriceBreaksText('10:1.20;50:1.10')).toEqual({
      ok: true,
      value: [
        { min_quantity: 10, unit_price: 1.2 },
        { min_quantity: 50, unit_price: 1.1 },
      ],
    });
    expect(parsePriceBreaksText('')).toEqual({ ok: true, value: [] });
  });

  it('refuses text that is not quantity:price pairs', () => {
    for (const text of ['10=1.20', '10:1.20;', 'ten:1', '10:1.2:3', '-5:1']) {
      expect(parsePriceBreaksText(text)).toMatchObject({ ok: false, problem: { field: 'price_breaks' } });
    }
  });

  it('writes breaks with the currency decimals and reads them back unchanged', () => {
    const text = formatPriceBreaks(source.priceBreaks, 'EUR');
    expect(text).toBe('1000:0.10;5000:0.09');
    const read = parsePriceBreaksText(text);
    expect(
      parseSupplierItemInput({ supplier: 'ACME', price_breaks: read.ok ? read.value : null }, 'create', defaults),
    ).toMatchObject({ ok: true, value: { priceBreaks: source.priceBreaks } });
  });
});

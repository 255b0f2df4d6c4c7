import { describe, expect, it } from 'vitest';
import { overlapField, parseContractPriceInput, periodsOverlap } from './contract-price.js';

const eur = { currency: 'EUR' };
const fieldsOf = (result: { ok: boolean; problems?: Array<{ field: string }> }) =>
  result.ok ? [] : result.problems!.map((p) => p.field);

describe('parseContractPriceInput', () => {
  it('reads a price in minor units of the source currency with open ends by default', () => {
    expect(parseContractPriceInput({ unit_price: 0.11 }, eur)).toEqual({
      ok: true,
      value: { unitPriceMinor: 11, currency: 'EUR', validFrom: null, validTo: null },
    });
    expect(
      parseContractPriceInput(
        { unit_price: 450, currency: 'JPY', valid_from: '2026-07-01', valid_to: '2026-12-31' },
        eur,
      ),
    ).toEqual({
      ok: true,
      value: { unitPriceMinor: 450, currency: 'JPY', validFrom: '2026-07-01', validTo: '2026-12-31' },
    });
  });

  it('accepts a period of one day and explicit nulls for open ends', () => {
    expect(parseContractPriceInput({ unit_price: 1, valid_from: '2026-02-28', valid_to: '2026-02-28' }, eur).ok).toBe(
      true,
    );
    expect(parseContractPriceInput({ unit_price: 1, valid_from: null, valid_to: null }, eur)).toMatchObject({
      ok: true,
      value: { validFrom: null, validTo: null },
    });
  });

  it('reports every bad field at once, each by name', () => {
    const result = parseContractPriceInput(
      { unit_price: -1, currency: 'eur', valid_from: '2026-02-30', valid_to: '31.12.2026', note: 'x' },
      eur,
    );
    expect(fieldsOf(result).sort()).toEqual(['currency', 'note', 'unit_price', 'valid_from', 'valid_to']);
  });

  it('requires unit_price and refuses more decimals than the currency has', () => {
    expect(fieldsOf(parseContractPriceInput({}, eur))).toEqual(['unit_price']);
    expect(fieldsOf(parseContractPriceInput({ unit_price: null }, eur))).toEqual(['unit_price']);
    expect(fieldsOf(parseContractPriceInput({ unit_price: '1.20' }, eur))).toEqual(['unit_price']);
    expect(fieldsOf(parseContractPriceInput({ unit_price: 1.234 }, eur))).toEqual(['unit_price']);
    expect(fieldsOf(parseContractPriceInput({ unit_price: 1.5, currency: 'JPY' }, eur))).toEqual(['unit_price']);
  });

  it('refuses a period that ends before it starts, naming valid_to', () => {
    const result = parseContractPriceInput({ unit_price: 1, valid_from: '2026-07-01', valid_to: '2026-06-30' }, eur);
    expect(fieldsOf(result)).toEqual(['valid_to']);
    expect(result.ok ? '' : result.problems[0]!.message).toBe('must not be before valid_from 2026-07-01');
  });

  it('refuses dates that are not YYYY-MM-DD calendar dates', () => {
    for (const date of ['2026-7-1', '2026-13-01', '2025-02-29', '2026-07-01T00:00:00Z', '', 20260701]) {
      expect(fieldsOf(parseContractPriceInput({ unit_price: 1, valid_from: date }, eur))).toEqual(['valid_from']);
    }
  });

  it('refuses a body that is not an object', () => {
    expect(fieldsOf(parseContractPriceInput([1], eur))).toEqual(['body']);
    expect(fieldsOf(parseContractPriceInput(null, eur))).toEqual(['body']);
  });
});

describe('periodsOverlap', () => {
  const h1 = { validFrom: '2026-01-01', validTo: '2026-06-30' };
  it('sees periods sharing a date as overlapping, with both ends inclusive', () => {
    expect(periodsOverlap(h1, { validFrom: '2026-06-30', validTo: '2026-12-31' })).toBe(true);
    expect(periodsOverlap(h1, { validFrom: '2026-07-01', validTo: '2026-12-31' })).toBe(false);
    expect(periodsOverlap(h1, { validFrom: '2025-01-01', validTo: '2025-12-31' })).toBe(false);
    expect(periodsOverlap(h1, { validFrom: '2026-03-01', validTo: '2026-03-31' })).toBe(true);
  });

  it('treats null as open-ended', () => {
    expect(periodsOverlap(h1, { validFrom: null, validTo: '2025-12-31' })).toBe(false);
    expect(periodsOverlap(h1, { validFrom: null, validTo: '2026-01-01' })).toBe(true);
    expect(periodsOverlap(h1, { validFrom: '2026-07-01', validTo: null })).toBe(false);
    expect(periodsOverlap(h1, { validFrom: null, validTo: null })).toBe(true);
    expect(periodsOverlap({ validFrom: null, validTo: null }, { validFrom: null, validTo: null })).toBe(true);
  });
});

describe('overlapField', () => {
  const h1 = { validFrom: '2026-01-01', validTo: '2026-06-30' };
  it('blames valid_from when the new period starts inside the existing one, else valid_to', () => {
    expect(overlapField({ validFrom: '2026-03-01', validTo: '2026-12-31' }, h1)).toBe('valid_from');
    expect(overlapField({ validFrom: '2025-10-01', validTo: '2026-01-31' }, h1)).toBe('valid_to');
    expect(overlapField({ validFrom: null, validTo: '2026-02-01' }, h1)).toBe('valid_to');
    expect(overlapField({ validFrom: '2027-01-01', validTo: null }, { validFrom: '2026-07-01', validTo: null })).toBe(
      'valid_from',
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  choosePriceBreak,
  lineTotalMinor,
  roundOrderQuantity,
  type SupplierPricing,
  unitPriceAt,
} from './order-sizing.js';

describe('roundOrderQuantity', () => {
  it.each([
    ['a need of 32 in packs of 12 with MOQ 50 is max(3 × 12 → 36, 5 × 12 → 60) = 60', 32_000, 50_000, 12_000, 60_000],
    ['a need of 25 in packs of 10 is 3 packs = 30', 25_000, null, 10_000, 30_000],
    ['a need that is a whole number of packs stays as it is', 40_000, null, 10_000, 40_000],
    ['a need of 3 under a MOQ of 10 is raised to 10', 3_000, 10_000, null, 10_000],
    ['a need above the MOQ without pack size stays exact to the milli-unit', 10_001, 10_000, null, 10_001],
    ['a MOQ of 30 in packs of 12 is bought as 3 packs = 36', 1_000, 30_000, 12_000, 36_000],
    ['one milli-unit in packs of 1 is a whole pack', 1, null, 1_000, 1_000],
    ['no rules leave the need as it is', 7_250, null, null, 7_250],
    ['zero or negative pack size and MOQ mean no rule', 7_250, 0, -5, 7_250],
    ['a need of zero orders nothing, even with a MOQ', 0, 10_000, 1_000, 0],
    ['a negative need orders nothing', -4_000, 10_000, 1_000, 0],
  ])('%s', (_name, needMilli, moqMilli, packSizeMilli, expected) => {
    expect(roundOrderQuantity(needMilli, { moqMilli, packSizeMilli })).toBe(expected);
  });

  it('gives at least the need, a whole number of packs, at least the MOQ, and less than need + pack + MOQ', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        (needMilli, moqMilli, packSizeMilli) => {
          const q = roundOrderQuantity(needMilli, { moqMilli, packSizeMilli });
          expect(q).toBeGreaterThanOrEqual(needMilli);
          expect(q % packSizeMilli).toBe(0);
          expect(q).toBeGreaterThanOrEqual(moqMilli);
          expect(q).toBeLessThan(needMilli + packSizeMilli + moqMilli);
        },
      ),
    );
  });
});

describe('lineTotalMinor', () => {
  it.each([
    ['2.5 × 1.99 = 4.975 rounds half up to 4.98', 2_500, 199, 498],
    ['0.001 × 4.99 = 0.00499 rounds down to 0.00', 1, 499, 0],
    ['0.001 × 5.00 = 0.005 rounds half up to 0.01', 1, 500, 1],
    ['−0.001 × 5.00 = −0.005 rounds away from zero to −0.01', -1, 500, -1],
    // 999,999,999,999.999 × 1.23 = 1,229,999,999,999,999.99877 → the product 1.23e17 is beyond 2^53, BigInt keeps it exact.
    ['a near-trillion quantity at 1.23 is exact beyond 2^53', 999_999_999_999_999, 123, 123_000_000_000_000],
    ['12 units at 0.10 = 1.20', 12_000, 10, 120],
  ])('%s', (_name, quantityMilli, unitPriceMinor, expected) => {
    expect(lineTotalMinor(quantityMilli, unitPriceMinor)).toBe(expected);
  });
});

describe('unitPriceAt', () => {
  const pricing = {
    unitPriceMinor: 120,
    priceBreaks: [
      { minQuantityMilli: 50_000, unitPriceMinor: 100 },
      { minQuantityMilli: 10_000, unitPriceMinor: 110 },
    ],
  };
  it.each([
    ['below every break the list price applies', 9_999, 120],
    ['at a break its price applies', 10_000, 110],
    ['the largest break reached applies, whatever the list order', 60_000, 100],
  ])('%s', (_name, quantityMilli, expected) => {
    expect(unitPriceAt(quantityMilli, pricing).unitPriceMinor).toBe(expected);
  });
});

describe('choosePriceBreak', () => {
  const pricing: SupplierPricing = {
    unitPriceMinor: 100,
    priceBreaks: [{ minQuantityMilli: 100_000, unitPriceMinor: 90 }],
    currency: 'EUR',
  };

  it('raises 95 to the 100 break when 100 × 0.90 = 90.00 costs less than 95 × 1.00 = 95.00', () => {
    const choice = choosePriceBreak(95_000, pricing);
    expect(choice).toMatchObject({
      quantityMilli: 100_000,
      unitPriceMinor: 90,
      totalMinor: 9_000,
      priceBreak: { minQuantityMilli: 100_000, unitPriceMinor: 90 },
      rule: 'raised_to_break',
      requestedQuantityMilli: 95_000,
      requestedTotalMinor: 9_500,
      extraHoldingCostMinor: 0,
    });
    expect(choice.explanation).toBe(
      'raised to the 100 price break: 100 at 0.90 EUR = 90.00 EUR costs less than 95 at 1.00 EUR = 95.00 EUR',
    );
  });

  it('keeps 50 at list price when 100 × 0.90 = 90.00 costs more than 50 × 1.00 = 50.00', () => {
    const choice = choosePriceBreak(50_000, pricing);
    expect(choice).toMatchObject({ quantityMilli: 50_000, unitPriceMinor: 100, totalMinor: 5_000, rule: 'list_price' });
    expect(choice.priceBreak).toBeNull();
    expect(choice.explanation).toBe(
      'list price: 50 at 1.00 EUR = 50.00 EUR; no larger price break costs less in total',
    );
  });

  it('keeps the smaller quantity on a tie: 90 × 1.00 = 90.00 = 100 × 0.90', () => {
    expect(choosePriceBreak(90_000, pricing).quantityMilli).toBe(90_000);
  });

  it('uses the break a quantity reaches by itself', () => {
    const choice = choosePriceBreak(120_000, pricing);
    expect(choice).toMatchObject({
      quantityMilli: 120_000,
      unitPriceMinor: 90,
      totalMinor: 10_800,
      rule: 'break_reached',
    });
    expect(choice.explanation).toBe('the 100 price break applies: 120 at 0.90 EUR = 108.00 EUR; no larger price break');
  });

  it('compares every larger break and takes the cheapest total', () => {
    // 120 × 0.90 = 108.00; 150 × 0.70 = 105.00; 200 × 0.50 = 100.00 → 200.
    const choice = choosePriceBreak(120_000, {
      unitPriceMinor: 100,
      priceBreaks: [
        { minQuantityMilli: 200_000, unitPriceMinor: 50 },
        { minQuantityMilli: 100_000, unitPriceMinor: 90 },
        { minQuantityMilli: 150_000, unitPriceMinor: 70 },
      ],
    });
    expect(choice).toMatchObject({ quantityMilli: 200_000, totalMinor: 10_000, rule: 'raised_to_break' });
  });

  it('rounds a break quantity up to whole packs before pricing it', () => {
    // Packs of 12: the need 96 is 8 packs; the 100 break is bought as 9 packs = 108.
    // At 0.90: 108 × 0.90 = 97.20 > 96 × 1.00 = 96.00 → keep 96. At 0.85: 108 × 0.85 = 91.80 < 96.00 → 108.
    const packed = { ...pricing, packSizeMilli: 12_000 };
    expect(choosePriceBreak(96_000, packed).quantityMilli).toBe(96_000);
    const cheaper = { ...packed, priceBreaks: [{ minQuantityMilli: 100_000, unitPriceMinor: 85 }] };
    expect(choosePriceBreak(96_000, cheaper)).toMatchObject({ quantityMilli: 108_000, totalMinor: 9_180 });
  });

  it('counts the holding cost of the extra units when asked, and still raises a fast mover', () => {
    // 5 extra units at 0.90, 25 %/year, 1 unit/day: 0.25 ÷ 365 × 90 × 5 × (95 + 5 ÷ 2) ÷ 1 = 30.05 → 30 minor.
    // 90.00 + 0.30 < 95.00 → raised.
    const choice = choosePriceBreak(95_000, pricing, 0.25, 1_000);
    expect(choice).toMatchObject({ quantityMilli: 100_000, extraHoldingCostMinor: 30, rule: 'raised_to_break' });
    expect(choice.explanation).toBe(
      'raised to the 100 price break: 100 at 0.90 EUR = 90.00 EUR plus 0.30 EUR to hold the 5 extra costs less than 95 at 1.00 EUR = 95.00 EUR',
    );
  });

  it('keeps a slow mover at the asked quantity when holding the extra units eats the saving', () => {
    // 0.01 unit/day: 0.25 ÷ 365 × 90 × 5 × 97.5 ÷ 0.01 = 3005 minor; 90.00 + 30.05 > 95.00.
    expect(choosePriceBreak(95_000, pricing, 0.25, 10)).toMatchObject({ quantityMilli: 95_000, rule: 'list_price' });
  });

  it('never raises an item without demand when a holding rate is given', () => {
    expect(choosePriceBreak(95_000, pricing, 0.25, 0).quantityMilli).toBe(95_000);
  });

  it('says so when no price is known, and keeps the quantity', () => {
    const choice = choosePriceBreak(50_000, { unitPriceMinor: null, priceBreaks: pricing.priceBreaks });
    expect(choice).toMatchObject({ quantityMilli: 50_000, unitPriceMinor: null, totalMinor: null, rule: 'no_price' });
  });

  it('writes amounts in minor units when no currency is given', () => {
    expect(choosePriceBreak(50_000, { unitPriceMinor: 100, priceBreaks: [] }).explanation).toBe(
      'list price: 50 at 100 minor units = 5000 minor units; no larger price break',
    );
  });

  it('never costs more than the asked quantity and never buys less', () => {
    const breaks = fc.array(
      fc.record({
        minQuantityMilli: fc.integer({ min: 1, max: 10_000_000 }),
        unitPriceMinor: fc.integer({ min: 1, max: 10_000 }),
      }),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        breaks,
        fc.integer({ min: 1, max: 100_000 }),
        (need, unitPriceMinor, priceBreaks, packSizeMilli) => {
          const quantityMilli = roundOrderQuantity(need, { packSizeMilli });
          const choice = choosePriceBreak(quantityMilli, { unitPriceMinor, priceBreaks, packSizeMilli });
          expect(choice.quantityMilli).toBeGreaterThanOrEqual(quantityMilli);
          expect(choice.quantityMilli % packSizeMilli).toBe(0);
          expect(choice.totalMinor!).toBeLessThanOrEqual(choice.requestedTotalMinor!);
          expect(choice.totalMinor).toBe(lineTotalMinor(choice.quantityMilli, choice.unitPriceMinor!));
        },
      ),
    );
  });
});

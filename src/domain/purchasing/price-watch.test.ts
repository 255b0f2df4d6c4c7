import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceRise } from './price-watch.js';

describe('priceRise', () => {
  it('flags a rise above the threshold with its ratio and a message', () => {
    // (1125 − 1000) / 1000 = 0.125 ≥ 0.1
    expect(priceRise(1000, 1125, 0.1)).toEqual({
      rose: true,
      ratio: 0.125,
      message: 'unit price rose 12.5 % (1000 → 1125 minor units), at or above the 10 % threshold',
    });
  });

  it('does not flag a rise below the threshold', () => {
    // (1050 − 1000) / 1000 = 0.05 < 0.1
    expect(priceRise(1000, 1050, 0.1)).toEqual({
      rose: false,
      ratio: 0.05,
      message: 'unit price rose 5 % (1000 → 1050 minor units), below the 10 % threshold',
    });
  });

  it('counts a rise of exactly the threshold, even where 0.1 × 30 is not 3 in binary', () => {
    // 3 / 30 = 0.1 exactly as a rational; 0.1 * 30 = 3.0000000000000004 in floating point.
    expect(priceRise(30, 33, 0.1)).toMatchObject({ rose: true, ratio: 0.1 });
    expect(priceRise(30, 32, 0.1).rose).toBe(false);
    expect(priceRise(7, 8, 1 / 7).rose).toBe(true);
  });

  it('does not flag an unchanged or a lower price', () => {
    expect(priceRise(1000, 1000, 0)).toEqual({
      rose: false,
      ratio: 0,
      message: 'unit price unchanged (1000 minor units)',
    });
    expect(priceRise(1000, 900, 0.1)).toEqual({
      rose: false,
      ratio: -0.1,
      message: 'unit price fell 10 % (1000 → 900 minor units)',
    });
  });

  it('has nothing to compare without a previous price', () => {
    expect(priceRise(null, 1000, 0.1)).toEqual({
      rose: false,
      ratio: null,
      message: 'no earlier price to compare with',
    });
  });

  it('flags any price after a price of 0, with no ratio', () => {
    expect(priceRise(0, 5, 0.5)).toMatchObject({ rose: true, ratio: null });
    expect(priceRise(0, 0, 0.5)).toMatchObject({ rose: false, ratio: 0 });
  });

  it('with threshold 0 flags every rise and nothing else', () => {
    expect(priceRise(1000, 1001, 0).rose).toBe(true);
    expect(priceRise(1000, 1000, 0).rose).toBe(false);
  });

  it('refuses negative or fractional prices and a negative threshold', () => {
    expect(() => priceRise(-1, 10, 0.1)).toThrow(RangeError);
    expect(() => priceRise(10, 1.5, 0.1)).toThrow(RangeError);
    expect(() => priceRise(10, 11, -0.1)).toThrow(RangeError);
    expect(() => priceRise(10, 11, Number.NaN)).toThrow(RangeError);
  });

  it('agrees with exact integer arithmetic: rose ⇔ (new − old) × 1000 ≥ permille × old', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.integer({ min: 0, max: 1000 }),
        (previous, next, permille) => {
          const exact = (next - previous) * 1000 >= permille * previous && next > previous;
          expect(priceRise(previous, next, permille / 1000).rose).toBe(exact);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { deliveryLocations, formatOrderAmount, formatOrderDate, formatOrderQuantity } from './purchase-order-format.js';

describe('purchase order formatting', () => {
  it.each([
    [1250.5, '1,250.5'],
    [0.125, '0.125'],
    [1000, '1,000'],
    [0, '0'],
  ])('prints the quantity %d as %s', (quantity, printed) => {
    expect(formatOrderQuantity(quantity)).toBe(printed);
  });

  it.each([
    [1234.5, 'EUR', '1,234.50'],
    [0.1, 'EUR', '0.10'],
    [1235, 'JPY', '1,235'],
    [1.234, 'KWD', '1.234'],
    [null, 'EUR', '—'],
  ])('prints the amount %s %s as %s', (amount, currency, printed) => {
    expect(formatOrderAmount(amount, currency)).toBe(printed);
  });

  it('prints the calendar date of an ISO instant or date, and a dash for none', () => {
    expect(formatOrderDate('2025-03-14T23:30:00.000Z')).toBe('2025-03-14');
    expect(formatOrderDate('2025-03-20')).toBe('2025-03-20');
    expect(formatOrderDate(null)).toBe('—');
  });

  it('lists each delivery location once, in the order of the lines', () => {
    const lines = [{ location: 'MAIN' }, { location: 'WH-NORTH' }, { location: 'MAIN' }];
    expect(deliveryLocations(lines)).toEqual(['MAIN', 'WH-NORTH']);
  });
});

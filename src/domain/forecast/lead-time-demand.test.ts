import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { computeLeadTimeDemand } from './lead-time-demand.js';

describe('computeLeadTimeDemand', () => {
  it('combines demand and lead-time variability: σ = √(L·σd² + d²·σL²)', () => {
    // d = 100, σd = 20, L = 4, σL = 1: mean 400, σ = √(4·400 + 10000·1) = √11600 = 107.703.
    const result = computeLeadTimeDemand({ meanPerDay: 100, sdPerDay: 20, leadTimeDays: 4, leadTimeSdDays: 1 });
    expect(result.mean).toBe(400);
    expect(result.sd).toBeCloseTo(Math.sqrt(11600), 12);
  });

  it('reduces to σd·√L for a fixed lead time', () => {
    const result = computeLeadTimeDemand({ meanPerDay: 3, sdPerDay: 2, leadTimeDays: 9 });
    expect(result.mean).toBe(27);
    expect(result.sd).toBe(6);
  });

  it('never lets σ fall as the lead time or its variability rises', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 365, noNaN: true }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (d, sd, L, sL, more) => {
          const base = computeLeadTimeDemand({ meanPerDay: d, sdPerDay: sd, leadTimeDays: L, leadTimeSdDays: sL });
          const longer = computeLeadTimeDemand({
            meanPerDay: d,
            sdPerDay: sd,
            leadTimeDays: L + more,
            leadTimeSdDays: sL,
          });
          const wider = computeLeadTimeDemand({
            meanPerDay: d,
            sdPerDay: sd,
            leadTimeDays: L,
            leadTimeSdDays: sL + more,
          });
          expect(longer.sd).toBeGreaterThanOrEqual(base.sd);
          expect(wider.sd).toBeGreaterThanOrEqual(base.sd);
        },
      ),
      { seed: 13 },
    );
  });

  it('rejects negative or non-finite inputs with every problem listed', () => {
    try {
      computeLeadTimeDemand({ meanPerDay: -1, sdPerDay: Number.NaN, leadTimeDays: 2 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('LS_VALIDATION');
      expect((error as DomainError).details!.map((p) => p.field)).toEqual(['mean_per_day', 'sd_per_day']);
    }
  });
});

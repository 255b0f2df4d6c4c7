import { describe, expect, it } from 'vitest';
import type { DomainError } from '../errors.js';
import { prepareDemandSeries } from './demand-series.js';

describe('prepareDemandSeries', () => {
  it('uses a Float64Array as it is and counts observed and demand days', () => {
    const demand = Float64Array.from([0, 3, 0, 2]);
    const series = prepareDemandSeries(demand, [0, 0, 1, 0]);
    expect(series.y).toBe(demand);
    expect(series.observedDays).toBe(3);
    expect(series.demandDays).toBe(2);
    expect(series.minObserved).toBe(0);
  });

  it('drops the flags when no day is flagged', () => {
    expect(prepareDemandSeries([1, 2], [false, false]).censored).toBeNull();
  });

  it('lists every bad value, an empty history and mismatched flags as LS_VALIDATION problems', () => {
    expect(() => prepareDemandSeries([])).toThrow(/^daily_demand: needs at least one day$/);
    try {
      prepareDemandSeries([1, -2, Number.NaN, Number.POSITIVE_INFINITY]);
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).code).toBe('LS_VALIDATION');
      expect((error as DomainError).details!.map((p) => p.field)).toEqual([
        'daily_demand[1]',
        'daily_demand[2]',
        'daily_demand[3]',
      ]);
    }
    expect(() => prepareDemandSeries([1, 2], [1])).toThrow(/^stock_out_days: must have one flag per day/);
    expect(() => prepareDemandSeries([0, 0], [1, 1])).toThrow(/^stock_out_days: flags every day/);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyDemand } from './demand-class.js';

describe('classifyDemand', () => {
  it('puts each quadrant of the Syntetos–Boylan–Croston (2005) scheme where its cut-offs say', () => {
    // smooth: demand every day (ADI 1), sizes 9, 10, 11 (CV² = 1/100 = 0.01).
    expect(classifyDemand([9, 10, 11, 10, 9, 11]).demandClass).toBe('smooth');
    // erratic: demand every day, sizes 1 and 9: mean 5, s² = 6·16/5 = 19.2, CV² = 19.2/25 = 0.768 > 0.49.
    expect(classifyDemand([1, 9, 1, 9, 1, 9]).demandClass).toBe('erratic');
    // intermittent: one demand day in three (ADI 3), sizes all 5 (CV² 0).
    expect(classifyDemand([0, 0, 5, 0, 0, 5, 0, 0, 5]).demandClass).toBe('intermittent');
    // lumpy: ADI 3, sizes 1 and 20: mean 10.5, s² = 4·90.25/3 = 120.3, CV² = 120.3/110.25 = 1.09 > 0.49.
    expect(classifyDemand([0, 0, 1, 0, 0, 20, 0, 0, 1, 0, 0, 20]).demandClass).toBe('lumpy');
  });

  it('computes ADI as observed days per demand day and CV² with the sample variance', () => {
    // 6 days, demand on 3 (sizes 2, 4, 6): ADI = 2; mean 4, s² = (4 + 0 + 4)/2 = 4, CV² = 4/16 = 0.25.
    const result = classifyDemand([2, 0, 4, 0, 6, 0]);
    expect(result.adi).toBe(2);
    expect(result.cv2).toBeCloseTo(0.25, 15);
    expect(result.meanDemandSize).toBe(4);
    expect(result.demandClass).toBe('intermittent');
  });

  it('keeps ADI = 1.32 exactly on the smooth side (the cut-off is ADI > 1.32)', () => {
    // 33 days with demand on 25: ADI = 33/25 = 1.32.
    const demand = Array.from({ length: 33 }, (_, t) => (t < 25 ? 5 : 0));
    const result = classifyDemand(demand);
    expect(result.adi).toBeCloseTo(1.32, 15);
    expect(result.demandClass).toBe('smooth');
  });

  it('leaves stock-out days out: flagged zero days do not make demand look intermittent', () => {
    const demand = [5, 0, 0, 0, 5, 5, 5, 5];
    expect(classifyDemand(demand).demandClass).toBe('intermittent'); // ADI 8/5 = 1.6
    expect(classifyDemand(demand, { stockOutDays: [0, 1, 1, 1, 0, 0, 0, 0] }).demandClass).toBe('smooth');
  });

  it('calls a history without demand no_demand, with an infinite ADI', () => {
    const result = classifyDemand([0, 0, 0]);
    expect(result.demandClass).toBe('no_demand');
    expect(result.adi).toBe(Number.POSITIVE_INFINITY);
    expect(result.cv2).toBe(0);
  });
});

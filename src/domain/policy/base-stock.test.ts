import { describe, expect, it } from 'vitest';
import { computeBaseStock } from './base-stock.js';
import { integerLoss, tabulatePoisson } from './distributions.js';

describe('computeBaseStock', () => {
  it('is the newsvendor of Snyder & Shen (2019, 2nd ed.), Example 4.3 when the lead time is 0', () => {
    const result = computeBaseStock({
      holdingCost: 0.18,
      stockoutCost: 0.7,
      demand: { kind: 'normal', mean: 50, sd: 8 },
      leadTime: 0,
    });
    expect(result.baseStockLevel).toBeCloseTo(56.60395592743389, 9);
    expect(result.cost).toBeCloseTo(1.9976051931766445, 9);
  });

  it('protects L + 1 periods: with L = 2, S* = 150 + 0.8255·8√3 = 161.44 and g* = 1.9976·√3 = 3.460', () => {
    // Independent computation: demand over 3 periods ~ N(150, (8√3)²); the normal newsvendor cost scales with σ.
    const result = computeBaseStock({
      holdingCost: 0.18,
      stockoutCost: 0.7,
      demand: { kind: 'normal', mean: 50, sd: 8 },
      leadTime: 2,
    });
    expect(result.baseStockLevel).toBeCloseTo(150 + 0.8254944909292 * 8 * Math.sqrt(3), 8);
    expect(result.cost).toBeCloseTo(1.9976051931766445 * Math.sqrt(3), 8);
    expect(result.protectionDemandSd).toBeCloseTo(8 * Math.sqrt(3), 12);
  });

  it('gives the exact fill rate 1 − [n₃(S) − n₂(S)]/μ for Poisson demand and L = 2', () => {
    // Independent computation with the Poisson(15) and Poisson(10) loss functions at S* = 18.
    const result = computeBaseStock({
      holdingCost: 0.18,
      stockoutCost: 0.7,
      demand: { kind: 'poisson', mean: 5 },
      leadTime: 2,
    });
    expect(result.baseStockLevel).toBe(18);
    const n3 = integerLoss(tabulatePoisson(15), 18).loss;
    const n2 = integerLoss(tabulatePoisson(10), 18).loss;
    expect(result.fillRate).toBeCloseTo(1 - (n3 - n2) / 5, 12);
    expect(result.fillRate).toBeGreaterThan(result.cycleServiceLevel);
  });

  it('evaluates a given S', () => {
    const result = computeBaseStock({
      holdingCost: 1,
      stockoutCost: 4,
      demand: { kind: 'poisson', mean: 6 },
      leadTime: 0,
      baseStockLevel: 5,
    });
    expect(result.mode).toBe('evaluated');
    expect(result.cost).toBeCloseTo(6.590296024616343, 10);
  });
});

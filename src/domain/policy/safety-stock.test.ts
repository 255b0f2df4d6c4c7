import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { standardNormalLoss } from './distributions.js';
import { computeSafetyStock, inverseStandardNormalLoss, type SafetyStockInput } from './safety-stock.js';

const base: SafetyStockInput = {
  demandMean: 100,
  demandSd: 20,
  leadTime: 4,
  leadTimeSd: 1,
  serviceLevel: 0.95,
  serviceType: 'cycle',
};

describe('computeSafetyStock', () => {
  it('combines demand and lead-time variability: σ = √(L·σd² + d²·σL²)', () => {
    // Independent computation: σ = √(4·20² + 100²·1²) = √(1600 + 10000) = 107.703; k = Φ⁻¹(0.95) = 1.644854;
    // SS = 1.644854·107.703 = 177.156; ROP = 100·4 + 177.156 = 577.156.
    const result = computeSafetyStock(base);
    expect(result.leadTimeDemandSd).toBeCloseTo(Math.sqrt(11600), 12);
    expect(result.safetyStock).toBeCloseTo(1.6448536269514722 * Math.sqrt(11600), 9);
    expect(result.reorderPoint).toBeCloseTo(400 + 1.6448536269514722 * Math.sqrt(11600), 9);
    expect(result.cycleServiceLevel).toBeCloseTo(0.95, 12);
  });

  it('reduces to the textbook k·σ_d·√L when lead times are reliable', () => {
    // σL = 0: σ = 20·√4 = 40; SS = 1.644854·40 = 65.794.
    const result = computeSafetyStock({ ...base, leadTimeSd: 0 });
    expect(result.safetyStock).toBeCloseTo(65.79414507805889, 9);
  });

  it('meets a fill rate through the loss function: σ·L(k) = (1 − β)Q', () => {
    // β = 0.99, Q = 500: allowed shortage per cycle (1 − 0.99)·500 = 5 units, so L(k) = 5/107.703 = 0.046424,
    // k = 1.29082, SS = 139.03 (independent computation, following Silver, Pyke & Thomas's P2 rule).
    const result = computeSafetyStock({ ...base, serviceLevel: 0.99, serviceType: 'fill_rate', orderQuantity: 500 });
    expect(result.expectedShortagePerCycle).toBeCloseTo(5, 9);
    expect(standardNormalLoss(result.safetyFactor)).toBeCloseTo(5 / Math.sqrt(11600), 12);
    expect(result.fillRate).toBeCloseTo(0.99, 12);
    expect(result.safetyStock).toBeCloseTo(139.0255748, 5);
  });

  it('floors a negative safety stock at zero (a 40 % cycle service level, or a large order quantity)', () => {
    expect(computeSafetyStock({ ...base, serviceLevel: 0.4 }).safetyStock).toBe(0);
    const bigQ = computeSafetyStock({ ...base, serviceLevel: 0.9, serviceType: 'fill_rate', orderQuantity: 100_000 });
    expect(bigQ.safetyFactor).toBeLessThan(0);
    expect(bigQ.safetyStock).toBe(0);
    expect(bigQ.reorderPoint).toBe(400);
  });

  it('evaluates a given reorder point: its safety stock and the service it gives', () => {
    // SS = 500 − 400 = 100, z = 100/107.703 = 0.92848, Φ(0.92848) = 0.82342.
    const result = computeSafetyStock({ ...base, serviceLevel: undefined, reorderPoint: 500, orderQuantity: 500 });
    expect(result.safetyStock).toBe(100);
    expect(result.cycleServiceLevel).toBeCloseTo(0.82342, 5);
    expect(result.mode).toBe('evaluated');
  });

  it('inverts the standard normal loss function, also for negative k', () => {
    for (const k of [-3, -0.5, 0, 1, 2.5]) expect(inverseStandardNormalLoss(standardNormalLoss(k))).toBeCloseTo(k, 9);
  });
});

describe('safety stock properties', () => {
  const inputs = fc.record({
    demandMean: fc.double({ min: 0, max: 1e4, noNaN: true }),
    demandSd: fc.double({ min: 0, max: 1e3, noNaN: true }),
    leadTime: fc.double({ min: 0, max: 365, noNaN: true }),
    leadTimeSd: fc.double({ min: 0, max: 100, noNaN: true }),
    serviceLevel: fc.double({ min: 0.01, max: 0.999, noNaN: true }),
    serviceType: fc.constantFrom('cycle' as const, 'fill_rate' as const),
    orderQuantity: fc.double({ min: 1, max: 1e5, noNaN: true }),
  });
  const increase = fc.double({ min: 0, max: 100, noNaN: true });

  it('never gives a negative safety stock', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        expect(computeSafetyStock(input).safetyStock).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('never lowers the reorder point as the lead time, its sd or the service level rises', () => {
    fc.assert(
      fc.property(inputs, increase, fc.double({ min: 0, max: 1, noNaN: true }), (input, more, share) => {
        const rop = computeSafetyStock(input).reorderPoint;
        const tolerance = 1e-9 * Math.max(1, rop);
        expect(computeSafetyStock({ ...input, leadTime: input.leadTime + more }).reorderPoint).toBeGreaterThanOrEqual(
          rop - tolerance,
        );
        expect(
          computeSafetyStock({ ...input, leadTimeSd: input.leadTimeSd + more }).reorderPoint,
        ).toBeGreaterThanOrEqual(rop - tolerance);
        const higher = input.serviceLevel! + (0.9999 - input.serviceLevel!) * share;
        expect(computeSafetyStock({ ...input, serviceLevel: higher }).reorderPoint).toBeGreaterThanOrEqual(
          rop - tolerance,
        );
      }),
    );
  });
});

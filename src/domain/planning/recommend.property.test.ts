import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recommendLevels, recommendPolicy } from './recommend.js';
import type { CurrentPolicy, Recommendation, RecommendInput } from './types.js';

/** A quantity with at most 3 decimals, as the catalogue stores it. */
const quantityArb = (minMilli: number, maxMilli: number) =>
  fc.integer({ min: minMilli, max: maxMilli }).map((m) => m / 1000);

const currentArb: fc.Arbitrary<CurrentPolicy | null> = fc.oneof(
  fc.constant(null),
  fc.constant<CurrentPolicy>({
    kind: 'reorder_point',
    reorderPoint: 5,
    target: 20,
    cards: null,
    containerQuantity: null,
    reviewDays: null,
  }),
  fc.integer({ min: 1, max: 60 }).map<CurrentPolicy>((reviewDays) => ({
    kind: 'periodic_review',
    reorderPoint: null,
    target: 20,
    cards: null,
    containerQuantity: null,
    reviewDays,
  })),
  quantityArb(1, 5_000_000).map<CurrentPolicy>((containerQuantity) => ({
    kind: 'kanban',
    reorderPoint: null,
    target: null,
    cards: 3,
    containerQuantity,
    reviewDays: null,
  })),
  fc.constant<CurrentPolicy>({
    kind: 'manual',
    reorderPoint: null,
    target: null,
    cards: null,
    containerQuantity: null,
    reviewDays: null,
  }),
);

const inputArb: fc.Arbitrary<RecommendInput> = fc
  .record({
    meanPerDay: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1000, noNaN: true })),
    sdPerDay: fc.double({ min: 0, max: 500, noNaN: true }),
    leadTimeDays: fc.double({ min: 0, max: 120, noNaN: true }),
    leadTimeSdDays: fc.double({ min: 0, max: 30, noNaN: true }),
    serviceLevel: fc.double({ min: 0.01, max: 0.999, noNaN: true }),
    serviceType: fc.constantFrom('cycle' as const, 'fill_rate' as const),
    unitCost: fc.option(fc.double({ min: 0, max: 1000, noNaN: true })),
    orderingCost: fc.double({ min: 0, max: 500, noNaN: true }),
    holdingRatePerYear: fc.double({ min: 0, max: 1, noNaN: true }),
    targetRule: fc.constantFrom('eoq' as const, 'days_of_cover' as const),
    coverDays: fc.double({ min: 0.5, max: 60, noNaN: true }),
    moq: fc.option(quantityArb(0, 1_000_000)),
    packSize: fc.option(quantityArb(1, 500_000)),
    bufferDays: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 30, noNaN: true })),
    current: currentArb,
  })
  .map((r) => ({
    forecast: {
      method: 'ses',
      demandClass: r.meanPerDay > 0 ? 'smooth' : 'no_demand',
      meanPerDay: r.meanPerDay,
      sdPerDay: r.sdPerDay,
      cv: r.meanPerDay > 0 ? r.sdPerDay / r.meanPerDay : Number.NaN,
      observedDays: 365,
      reason: 'generated',
    },
    leadTime: { meanDays: r.leadTimeDays, sdDays: r.leadTimeSdDays, source: 'measured' },
    strategy: {
      key: 'ITEM@SITE',
      abc: 'B',
      xyz: 'Y',
      riskFlags: [],
      strategy: r.bufferDays > 0 ? 'buffered' : 'lean',
      bufferDays: r.bufferDays,
      reasons: [],
    },
    serviceLevel: r.serviceLevel,
    serviceType: r.serviceType,
    unitCost: r.unitCost,
    orderingCost: r.orderingCost,
    holdingRatePerYear: r.holdingRatePerYear,
    targetRule: r.targetRule,
    coverDays: r.coverDays,
    moq: r.moq,
    packSize: r.packSize,
    current: r.current,
  }));

/** The level that protects against running out: s, or S for a periodic review, or the card count. */
function protectedLevel(r: Recommendation): number {
  if (r.kind === 'periodic_review') return r.target!;
  if (r.kind === 'kanban') return r.cards!;
  return r.reorderPoint!;
}

const milli = (x: number) => Math.round(x * 1000);
const increase = fc.double({ min: 0, max: 50, noNaN: true });

describe('recommendPolicy properties', () => {
  it('recommends the same levels with and without making the explanation, whole units or not', () => {
    fc.assert(
      fc.property(inputArb, fc.boolean(), (input, wholeUnits) => {
        const { explanation: _, ...levels } = recommendPolicy({ ...input, wholeUnits });
        expect(recommendLevels({ ...input, wholeUnits })).toEqual(levels);
      }),
      { seed: 43, numRuns: 500 },
    );
  });

  it('never recommends a negative safety stock, and every level is a whole number of thousandths', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = recommendPolicy(input);
        expect(r.safetyStock).toBeGreaterThanOrEqual(0);
        for (const level of [r.reorderPoint, r.target, r.safetyStock, r.orderQuantity, r.containerQuantity]) {
          if (level !== null) expect(milli(level) / 1000).toBe(level);
        }
      }),
      { seed: 41, numRuns: 500 },
    );
  });

  it('never lowers the reorder point (S, cards) as the lead time, its variability or the service level rise', () => {
    fc.assert(
      fc.property(inputArb, increase, increase, fc.double({ min: 0, max: 1, noNaN: true }), (input, dL, dSd, share) => {
        const base = protectedLevel(recommendPolicy(input));
        const longer = { ...input, leadTime: { ...input.leadTime, meanDays: input.leadTime.meanDays + dL } };
        expect(protectedLevel(recommendPolicy(longer))).toBeGreaterThanOrEqual(base);
        const shakier = { ...input, leadTime: { ...input.leadTime, sdDays: input.leadTime.sdDays + dSd } };
        expect(protectedLevel(recommendPolicy(shakier))).toBeGreaterThanOrEqual(base);
        const stricter = { ...input, serviceLevel: input.serviceLevel + share * (0.9999 - input.serviceLevel) };
        expect(protectedLevel(recommendPolicy(stricter))).toBeGreaterThanOrEqual(base);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('sets the target at or above the reorder point, by exactly the order quantity', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = recommendPolicy({ ...input, current: null });
        expect(r.kind).toBe('reorder_point');
        expect(r.target!).toBeGreaterThanOrEqual(r.reorderPoint!);
        expect(milli(r.target!) - milli(r.reorderPoint!)).toBe(milli(r.orderQuantity!));
      }),
      { seed: 43, numRuns: 500 },
    );
  });

  it('orders at least the MOQ, in whole packs (or nothing when there is no demand and no MOQ or pack)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = recommendPolicy({ ...input, current: null });
        const q = milli(r.orderQuantity!);
        const moq = input.moq === null ? 0 : milli(input.moq);
        const pack = input.packSize === null ? 1 : milli(input.packSize);
        if (input.forecast.meanPerDay === 0 && moq === 0 && input.packSize === null) {
          expect(q).toBe(0);
          return;
        }
        expect(q).toBeGreaterThan(0);
        expect(q).toBeGreaterThanOrEqual(moq);
        expect(q % pack).toBe(0);
        // No more than one pack beyond what the MOQ or the need asks for.
        if (input.forecast.meanPerDay === 0) expect(q).toBeLessThan(Math.max(moq, 1) + pack);
      }),
      { seed: 44, numRuns: 500 },
    );
  });

  it('keeps a kanban loop between 2 and 999 cards of the same container', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        if (input.current?.kind !== 'kanban') return;
        const r = recommendPolicy(input);
        expect(r.containerQuantity).toBe(input.current.containerQuantity);
        expect(r.cards).toBeGreaterThanOrEqual(2);
        expect(r.cards).toBeLessThanOrEqual(999);
      }),
      { seed: 45, numRuns: 500 },
    );
  });
});

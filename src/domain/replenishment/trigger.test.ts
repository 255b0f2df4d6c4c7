import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundOrderQuantity } from './order-sizing.js';
import type { ReplenishmentPolicy } from './policy.js';
import { decideReplenishment, evaluateTrigger, type TriggerInput } from './trigger.js';

const minMax: ReplenishmentPolicy = { kind: 'reorder_point', reorderPointMilli: 20_000, targetMilli: 50_000 };
const kanban: ReplenishmentPolicy = { kind: 'kanban', cards: 3, containerQuantityMilli: 12_500 };
const review: ReplenishmentPolicy = {
  kind: 'periodic_review',
  reviewDays: 7,
  reviewTime: '06:00',
  targetMilli: 80_000,
};

const summary = (input: TriggerInput) => {
  const result = evaluateTrigger(input);
  return {
    kind: result.kind,
    quantityMilli: result.kind === 'order' ? result.quantityMilli : null,
    reason: result.reason,
    belowReorderPoint: result.belowReorderPoint,
  };
};

describe('evaluateTrigger', () => {
  it.each<[string, TriggerInput, ReturnType<typeof summary>]>([
    // (s, S) = (20, 50): an order only at or below s, for S − position.
    [
      'a position above s orders nothing',
      { policy: minMax, positionMilli: 20_001 },
      { kind: 'none', quantityMilli: null, reason: 'above_reorder_point', belowReorderPoint: false },
    ],
    [
      'a position exactly at s orders S − s = 50 − 20 = 30',
      { policy: minMax, positionMilli: 20_000 },
      { kind: 'order', quantityMilli: 30_000, reason: 'at_or_below_reorder_point', belowReorderPoint: true },
    ],
    [
      'a position below s orders S − position = 50 − 18.5 = 31.5',
      { policy: minMax, positionMilli: 18_500 },
      { kind: 'order', quantityMilli: 31_500, reason: 'at_or_below_reorder_point', belowReorderPoint: true },
    ],
    [
      'a negative position (backorders) orders S − position = 50 − (−5) = 55',
      { policy: minMax, positionMilli: -5_000 },
      { kind: 'order', quantityMilli: 55_000, reason: 'at_or_below_reorder_point', belowReorderPoint: true },
    ],
    [
      'with s = S a position at s is already at the target and orders nothing',
      { policy: { kind: 'reorder_point', reorderPointMilli: 10_000, targetMilli: 10_000 }, positionMilli: 10_000 },
      { kind: 'none', quantityMilli: null, reason: 'at_or_above_target', belowReorderPoint: true },
    ],
    // Kanban: one container of 12.5 per signalled card, whatever the position.
    [
      'a kanban loop with no signalled card orders nothing',
      { policy: kanban, positionMilli: 0 },
      { kind: 'none', quantityMilli: null, reason: 'no_cards_signalled', belowReorderPoint: false },
    ],
    [
      'two signalled cards order 2 × 12.5 = 25',
      { policy: kanban, positionMilli: 100_000, signalledCards: 2 },
      { kind: 'order', quantityMilli: 25_000, reason: 'kanban_cards_signalled', belowReorderPoint: false },
    ],
    [
      'more signalled cards than the loop has order only the loop: 3 × 12.5 = 37.5',
      { policy: kanban, positionMilli: 0, signalledCards: 7 },
      { kind: 'order', quantityMilli: 37_500, reason: 'kanban_cards_signalled', belowReorderPoint: false },
    ],
    [
      'a negative card count orders nothing',
      { policy: kanban, positionMilli: 0, signalledCards: -1 },
      { kind: 'none', quantityMilli: null, reason: 'no_cards_signalled', belowReorderPoint: false },
    ],
    // Periodic review (R, S = 80): only at a review, up to S.
    [
      'a periodic policy orders nothing between reviews, however low the position',
      { policy: review, positionMilli: -10_000 },
      { kind: 'none', quantityMilli: null, reason: 'between_reviews', belowReorderPoint: false },
    ],
    [
      'a review orders S − position = 80 − 30 = 50',
      { policy: review, positionMilli: 30_000, isReview: true },
      { kind: 'order', quantityMilli: 50_000, reason: 'periodic_review_below_target', belowReorderPoint: false },
    ],
    [
      'a review at the target orders nothing',
      { policy: review, positionMilli: 80_000, isReview: true },
      { kind: 'none', quantityMilli: null, reason: 'at_or_above_target', belowReorderPoint: false },
    ],
    // Make-to-order: exactly the demand.
    [
      'make-to-order orders exactly the demanded 7.25, whatever the position',
      { policy: { kind: 'make_to_order' }, positionMilli: 1_000_000, demandMilli: 7_250 },
      { kind: 'order', quantityMilli: 7_250, reason: 'make_to_order_demand', belowReorderPoint: false },
    ],
    [
      'make-to-order without demand orders nothing',
      { policy: { kind: 'make_to_order' }, positionMilli: -3_000 },
      { kind: 'none', quantityMilli: null, reason: 'no_demand', belowReorderPoint: false },
    ],
    // Manual: never orders, reports the status.
    [
      'a manual policy at its reorder point orders nothing but reports below reorder point',
      { policy: { kind: 'manual', reorderPointMilli: 5_000 }, positionMilli: 5_000 },
      { kind: 'none', quantityMilli: null, reason: 'manual_policy', belowReorderPoint: true },
    ],
    [
      'a manual policy above its reorder point is not below it',
      { policy: { kind: 'manual', reorderPointMilli: 5_000 }, positionMilli: 5_001 },
      { kind: 'none', quantityMilli: null, reason: 'manual_policy', belowReorderPoint: false },
    ],
    [
      'a manual policy without a reorder point is never below one',
      { policy: { kind: 'manual' }, positionMilli: -100_000 },
      { kind: 'none', quantityMilli: null, reason: 'manual_policy', belowReorderPoint: false },
    ],
  ])('%s', (_name, input, expected) => {
    expect(summary(input)).toEqual(expected);
  });

  it('explains the arithmetic of a reorder-point order', () => {
    const result = evaluateTrigger({ policy: minMax, positionMilli: 18_500 });
    expect(result.explanation).toBe(
      'position 18.5 is at or below the reorder point 20: order up to the target 50, 50 − 18.5 = 31.5',
    );
  });

  it('tells a kanban order how many cards it covers', () => {
    const result = evaluateTrigger({ policy: kanban, positionMilli: 0, signalledCards: 2 });
    expect(result.kind === 'order' && result.cards).toBe(2);
  });

  const reorderPoint = fc
    .tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }))
    .map(([a, b]): ReplenishmentPolicy & { kind: 'reorder_point' } => ({
      kind: 'reorder_point',
      reorderPointMilli: Math.min(a, b),
      targetMilli: Math.max(a, b),
    }));
  const position = fc.integer({ min: -10_000_000, max: 20_000_000 });

  it('never orders when the position is above s', () => {
    fc.assert(
      fc.property(reorderPoint, position, (policy, positionMilli) => {
        fc.pre(positionMilli > policy.reorderPointMilli);
        expect(evaluateTrigger({ policy, positionMilli }).kind).toBe('none');
      }),
    );
  });

  it('always orders when the position is at or below s and below S', () => {
    fc.assert(
      fc.property(reorderPoint, fc.integer({ min: 0, max: 20_000_000 }), (policy, depth) => {
        const positionMilli = policy.reorderPointMilli - depth;
        fc.pre(policy.targetMilli > positionMilli);
        expect(evaluateTrigger({ policy, positionMilli }).kind).toBe('order');
      }),
    );
  });

  it('brings the position to S exactly, and to at least S after pack and MOQ rounding', () => {
    fc.assert(
      fc.property(
        reorderPoint,
        position,
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (policy, positionMilli, moqMilli, packSizeMilli) => {
          const result = evaluateTrigger({ policy, positionMilli });
          if (result.kind === 'none') return;
          expect(positionMilli + result.quantityMilli).toBe(policy.targetMilli);
          const ordered = roundOrderQuantity(result.quantityMilli, { moqMilli, packSizeMilli });
          expect(positionMilli + ordered).toBeGreaterThanOrEqual(policy.targetMilli);
        },
      ),
    );
  });

  it('does not order the same dip twice: once the need is on order the position is above s', () => {
    fc.assert(
      fc.property(reorderPoint, position, (policy, positionMilli) => {
        fc.pre(policy.targetMilli > policy.reorderPointMilli);
        const first = evaluateTrigger({ policy, positionMilli });
        if (first.kind === 'none') return;
        const second = evaluateTrigger({ policy, positionMilli: positionMilli + first.quantityMilli });
        expect(second.kind).toBe('none');
      }),
    );
  });
});

describe('decideReplenishment', () => {
  const anyPolicy: fc.Arbitrary<ReplenishmentPolicy> = fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }))
      .map(([s, extra]) => ({ kind: 'reorder_point' as const, reorderPointMilli: s, targetMilli: s + extra })),
    fc
      .tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 100_000 }))
      .map(([cards, containerQuantityMilli]) => ({ kind: 'kanban' as const, cards, containerQuantityMilli })),
    fc.integer({ min: 1, max: 1_000_000 }).map((targetMilli) => ({
      kind: 'periodic_review' as const,
      reviewDays: 7,
      reviewTime: '06:00',
      targetMilli,
    })),
    fc.constant({ kind: 'make_to_order' as const }),
    fc
      .option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined })
      .map((s) => (s === undefined ? { kind: 'manual' as const } : { kind: 'manual' as const, reorderPointMilli: s })),
  );
  const odd = fc.oneof(
    fc.integer({ min: -2_000_000, max: 2_000_000 }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2.5),
  );

  it('is the quantity evaluateTrigger orders, and 0 exactly when it orders nothing', () => {
    fc.assert(
      fc.property(
        anyPolicy,
        odd,
        odd,
        odd,
        fc.boolean(),
        (policy, positionMilli, signalledCards, demandMilli, isReview) => {
          const need = decideReplenishment(policy, positionMilli, signalledCards, demandMilli, isReview);
          const verdict = evaluateTrigger({ policy, positionMilli, signalledCards, demandMilli, isReview });
          expect(need).toBe(verdict.kind === 'order' ? verdict.quantityMilli : 0);
        },
      ),
    );
  });

  it('orders S − position = 50 − 18 = 32 at or below s = 20, nothing above it', () => {
    const policy: ReplenishmentPolicy = { kind: 'reorder_point', reorderPointMilli: 20_000, targetMilli: 50_000 };
    expect(decideReplenishment(policy, 18_000, 0, 0, false)).toBe(32_000);
    expect(decideReplenishment(policy, 20_001, 0, 0, false)).toBe(0);
  });
});

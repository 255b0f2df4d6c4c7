import { formatQuantity } from '../quantity.js';
import type { ReplenishmentPolicy } from './policy.js';

/** What the trigger sees after a movement, a policy change, a cancelled order, a card scan or a due review. */
export type TriggerInput = {
  policy: ReplenishmentPolicy;
  /** Inventory position = on hand + on order − allocated (− backorders), milli-units. */
  positionMilli: number;
  /** Kanban: cards signalled empty and not yet on an order. Taken as a whole number from 0 to the loop's cards. */
  signalledCards?: number;
  /** Make-to-order: the demanded quantity not yet on order (a sale or a confirmed customer order), milli-units. */
  demandMilli?: number;
  /** Periodic review: true when this evaluation is a due review; between reviews a periodic policy never orders. */
  isReview?: boolean;
};

/** Why the trigger ordered or did not; a machine-readable companion of the explanation. */
export type TriggerReason =
  | 'at_or_below_reorder_point'
  | 'kanban_cards_signalled'
  | 'make_to_order_demand'
  | 'periodic_review_below_target'
  | 'above_reorder_point'
  | 'at_or_above_target'
  | 'no_cards_signalled'
  | 'no_demand'
  | 'between_reviews'
  | 'manual_policy';

/**
 * The trigger's verdict. `order` carries the need before rounding to pack size and MOQ;
 * `belowReorderPoint` is true when the policy has a reorder point s and position ≤ s (the
 * "below reorder point" status of `GET /api/v1/items?status=below_reorder_point`).
 */
export type TriggerResult =
  | {
      kind: 'order';
      quantityMilli: number;
      reason: TriggerReason;
      explanation: string;
      belowReorderPoint: boolean;
      /** Kanban: the number of cards this need covers. */
      cards?: number;
    }
  | { kind: 'none'; reason: TriggerReason; explanation: string; belowReorderPoint: boolean };

/**
 * The numeric core of the trigger, shared by `evaluateTrigger` and the simulator (which calls it millions of times,
 * so it formats nothing and allocates nothing): the need in milli-units before pack and MOQ rounding, 0 for none.
 *
 * - `reorder_point` (s, S): S − position when position ≤ s and S − position > 0
 *   (the (s, S) rule; Silver, Pyke & Thomas, *Inventory and Production Management*, ch. 6).
 * - `kanban`: signalled cards (a whole number from 0 to the loop's cards) × container quantity.
 * - `periodic_review` (R, S): at a review (`isReview`), S − position when position < S; between reviews 0.
 * - `make_to_order`: the demanded quantity when > 0.
 * - `manual`: 0.
 *
 * Total: NaN inputs give 0.
 *
 * @example decideReplenishment({ kind: 'reorder_point', reorderPointMilli: 20000, targetMilli: 50000 }, 18000, 0, 0, false) // 32000
 */
export function decideReplenishment(
  policy: ReplenishmentPolicy,
  positionMilli: number,
  signalledCards: number,
  demandMilli: number,
  isReview: boolean,
): number {
  switch (policy.kind) {
    case 'reorder_point': {
      if (!(positionMilli <= policy.reorderPointMilli)) return 0;
      const need = policy.targetMilli - positionMilli;
      if (!(need > 0)) return 0;
      return need;
    }
    case 'kanban':
      return kanbanCardsSignalled(policy.cards, signalledCards) * policy.containerQuantityMilli;
    case 'periodic_review': {
      if (!isReview) return 0;
      const need = policy.targetMilli - positionMilli;
      if (!(need > 0)) return 0;
      return need;
    }
    case 'make_to_order':
      if (!(demandMilli > 0)) return 0;
      return demandMilli;
    case 'manual':
      return 0;
  }
}

/** Signalled cards as a whole number from 0 to the loop's cards (NaN, infinities and negatives are 0). */
function kanbanCardsSignalled(loopCards: number, signalledCards: number): number {
  if (!(signalledCards > 0) || signalledCards === Number.POSITIVE_INFINITY) return 0;
  return Math.min(Math.floor(signalledCards), loopCards);
}

/**
 * Decides whether an inventory position needs an order, and how much, before pack and MOQ rounding, and explains it.
 * Pure and total: every input gives an answer, none throws. The quantity is `decideReplenishment`'s.
 *
 * - `reorder_point` (s, S): order S − position when position ≤ s and S − position > 0
 *   (the (s, S) rule; Silver, Pyke & Thomas, *Inventory and Production Management*, ch. 6).
 *   Using the position, not on hand, means a dip already on order is not ordered again.
 * - `kanban`: one container per signalled card: signalled × container quantity. The position plays no part.
 * - `periodic_review` (R, S): at a review, order S − position when position < S; between reviews nothing.
 * - `make_to_order`: exactly the demanded quantity, whatever the position.
 * - `manual`: never orders; reports position ≤ reorder point when one is set.
 *
 * All quantities in milli-units.
 *
 * @example evaluateTrigger({ policy: { kind: 'reorder_point', reorderPointMilli: 20000, targetMilli: 50000 }, positionMilli: 18000 })
 * // { kind: 'order', quantityMilli: 32000, reason: 'at_or_below_reorder_point', belowReorderPoint: true, ... }
 */
export function evaluateTrigger(input: TriggerInput): TriggerResult {
  const { policy, positionMilli } = input;
  const need = decideReplenishment(
    policy,
    positionMilli,
    input.signalledCards ?? 0,
    input.demandMilli ?? 0,
    input.isReview === true,
  );
  const position = formatQuantity(positionMilli);
  switch (policy.kind) {
    case 'reorder_point': {
      const s = policy.reorderPointMilli;
      const S = policy.targetMilli;
      if (need > 0) {
        return {
          kind: 'order',
          quantityMilli: need,
          reason: 'at_or_below_reorder_point',
          explanation: `position ${position} is at or below the reorder point ${formatQuantity(s)}: order up to the target ${formatQuantity(S)}, ${formatQuantity(S)} − ${position} = ${formatQuantity(need)}`,
          belowReorderPoint: true,
        };
      }
      if (!(positionMilli <= s)) {
        return none(
          'above_reorder_point',
          `position ${position} is above the reorder point ${formatQuantity(s)}`,
          false,
        );
      }
      return none(
        'at_or_above_target',
        `position ${position} is at the reorder point but already at the target ${formatQuantity(S)}`,
        true,
      );
    }
    case 'kanban': {
      if (need === 0) return none('no_cards_signalled', 'no kanban card is signalled', false);
      const cards = kanbanCardsSignalled(policy.cards, input.signalledCards ?? 0);
      return {
        kind: 'order',
        quantityMilli: need,
        reason: 'kanban_cards_signalled',
        explanation: `${cards} of ${policy.cards} kanban cards signalled empty: ${cards} × ${formatQuantity(policy.containerQuantityMilli)} = ${formatQuantity(need)}`,
        belowReorderPoint: false,
        cards,
      };
    }
    case 'periodic_review': {
      const S = policy.targetMilli;
      if (input.isReview !== true) {
        return none(
          'between_reviews',
          `a periodic review policy orders only at its review (every ${policy.reviewDays} days at ${policy.reviewTime})`,
          false,
        );
      }
      if (need === 0) {
        return none('at_or_above_target', `position ${position} is at or above the target ${formatQuantity(S)}`, false);
      }
      return {
        kind: 'order',
        quantityMilli: need,
        reason: 'periodic_review_below_target',
        explanation: `review: position ${position} is below the target ${formatQuantity(S)}: ${formatQuantity(S)} − ${position} = ${formatQuantity(need)}`,
        belowReorderPoint: false,
      };
    }
    case 'make_to_order': {
      if (need === 0) return none('no_demand', 'make-to-order: no demand to order for', false);
      return {
        kind: 'order',
        quantityMilli: need,
        reason: 'make_to_order_demand',
        explanation: `make-to-order: order exactly the demanded ${formatQuantity(need)}`,
        belowReorderPoint: false,
      };
    }
    case 'manual': {
      const s = policy.reorderPointMilli;
      if (s === undefined) return none('manual_policy', 'manual policy: never ordered automatically', false);
      const below = positionMilli <= s;
      const where = below ? 'at or below' : 'above';
      return none(
        'manual_policy',
        `manual policy: never ordered automatically; position ${position} is ${where} the reorder point ${formatQuantity(s)}`,
        below,
      );
    }
  }
}

function none(reason: TriggerReason, explanation: string, belowReorderPoint: boolean): TriggerResult {
  return { kind: 'none', reason, explanation, belowReorderPoint };
}

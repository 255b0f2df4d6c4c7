import { positionOf } from '../../domain/ledger/balance.js';
import type { Database, Tx } from '../../store/database.js';
import { balanceKey } from '../../store/ledger.repository.js';
import { draftingRepository } from '../../store/purchasing.repository.js';
import type { ServiceContext } from '../context.js';
import { ledgerRepository } from '../ledger.service.js';
import { policyFromRow } from '../policy.service.js';
import { type ReplenishmentCandidate, replenish, type TriggerOutcome } from './replenish.js';

export type ReevaluateOptions = {
  /** Periodic review policies order only when this check is their due review. */
  isReview?: boolean;
};

/**
 * Runs the trigger for item × location pairs outside a movement: after a policy change, a cancelled or
 * short-closed order, a kanban card signal, or a due periodic review. Locks the balances first (the
 * same lock a movement takes), so a concurrent movement and this check never both order one dip.
 * Kanban loops order their empty cards that are on no order yet and mark them ordered.
 */
export async function reevaluatePairs(
  tx: Tx,
  database: Database,
  pairs: Array<[number, number]>,
  ctx: ServiceContext,
  options: ReevaluateOptions = {},
): Promise<TriggerOutcome[]> {
  const unique = [...new Map(pairs.map((p) => [balanceKey(p[0], p[1]), p])).values()];
  if (unique.length === 0) return [];
  const repository = ledgerRepository(database);
  const balances = await repository.lockBalances(tx, unique);
  const policies = await repository.findPolicies(tx, unique);
  if (policies.size === 0) return [];
  const itemIds = [...new Set(unique.map((p) => p[0]))];
  const locationIds = [...new Set(unique.map((p) => p[1]))];
  const skus = new Map(
    (await tx.selectFrom('items').select(['id', 'sku']).where('id', 'in', itemIds).execute()).map((r) => [
      Number(r.id),
      r.sku,
    ]),
  );
  const codes = new Map(
    (await tx.selectFrom('locations').select(['id', 'code']).where('id', 'in', locationIds).execute()).map((r) => [
      Number(r.id),
      r.code,
    ]),
  );

  const candidates: ReplenishmentCandidate[] = [];
  const emptyCards: string[][] = [];
  for (const [itemId, locationId] of unique) {
    const key = balanceKey(itemId, locationId);
    const policyRow = policies.get(key);
    if (!policyRow) continue;
    const policy = policyFromRow(policyRow);
    const balance = balances.get(key);
    const position = balance
      ? positionOf(balance.on_hand_milli, balance.on_order_milli, balance.allocated_milli, balance.backordered_milli)
      : 0;
    let cards: string[] = [];
    if (policy.kind === 'kanban') {
      cards = (
        await tx
          .selectFrom('kanban_cards as c')
          .innerJoin('kanban_loops as k', 'k.id', 'c.loop_id')
          .select('c.id')
          .where('k.item_id', '=', itemId)
          .where('k.location_id', '=', locationId)
          .where('k.active', '=', 1)
          .where('c.active', '=', 1)
          .where('c.state', '=', 'empty')
          .where('c.purchase_order_line_id', 'is', null)
          .orderBy('c.number')
          .execute()
      ).map((r) => r.id);
      if (cards.length === 0) continue;
    }
    if (policy.kind === 'periodic_review' && options.isReview !== true) continue;
    if (policy.kind === 'make_to_order') continue;
    candidates.push({
      itemId,
      locationId,
      sku: skus.get(itemId)!,
      location: codes.get(locationId)!,
      policy,
      positionMilli: position,
      positionBeforeMilli: position,
      ...(policy.kind === 'kanban' && { signalledCards: cards.length }),
      ...(options.isReview !== undefined && { isReview: options.isReview }),
    });
    emptyCards.push(cards);
  }
  if (candidates.length === 0) return [];
  const result = await replenish(tx, candidates, ctx, { repository: draftingRepository(database) });
  const changed = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    const added = result.onOrderAddedMilli[i]!;
    const lineId = result.lineIds[i];
    if (added !== 0) {
      const key = balanceKey(c.itemId, c.locationId);
      const balance = balances.get(key) ?? {
        item_id: c.itemId,
        location_id: c.locationId,
        on_hand_milli: 0,
        allocated_milli: 0,
        on_order_milli: 0,
        backordered_milli: 0,
      };
      balance.on_order_milli += added;
      changed.push(balance);
    }
    const cards = emptyCards[i]!;
    if (lineId !== null && lineId !== undefined && cards.length > 0) {
      await tx
        .updateTable('kanban_cards')
        .set({ state: 'ordered', purchase_order_line_id: lineId, updated_at: ctx.now })
        .where('id', 'in', cards)
        .execute();
    }
  }
  if (changed.length > 0) await repository.saveBalances(tx, changed, ctx.now);
  return result.outcomes;
}

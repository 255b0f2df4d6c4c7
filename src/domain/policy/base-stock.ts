import { type DemandDistribution, demandFunctionsOf } from './distributions.js';
import { type NewsvendorResult, solveNewsvendor } from './newsvendor.js';

/**
 * Periodic-review base-stock policy with a lead time, infinite horizon, backorders: every period order up to S.
 * An order placed at the start of a period arrives L periods later, so the stock at the end of the period in which
 * it arrives is S minus the demand of L + 1 periods, and the period cost is the newsvendor cost of that
 * (L + 1)-period demand. Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed. (2019), ch. 4.
 */

export type BaseStockDemand = { kind: 'normal'; mean: number; sd: number } | { kind: 'poisson'; mean: number };

export type BaseStockInput = {
  /** h, money per unit on hand at the end of a period. */
  holdingCost: number;
  /** p, money per unit backordered at the end of a period. */
  stockoutCost: number;
  /** Demand per period (i.i.d.), units. */
  demand: BaseStockDemand;
  /** L, periods from order to receipt (0 = arrives before the period's demand). */
  leadTime: number;
  /** S to evaluate instead of optimizing, units. */
  baseStockLevel?: number | undefined;
};

export type BaseStockResult = NewsvendorResult & {
  /** E[D] and sd of the demand over L + 1 periods, units. */
  protectionDemandMean: number;
  protectionDemandSd: number;
};

/**
 * Optimal base-stock level S* = F⁻¹_{L+1}(p/(h + p)) and expected cost per period g(S) = h·n̄(S) + p·n(S) of the
 * (L + 1)-period demand: mean (L + 1)μ, and sd σ√(L + 1) (normal) or Poisson((L + 1)μ).
 * The fill rate is exact for this model: new backorders in a period are (D_{L+1} − S)⁺ − (D_L − S)⁺ in
 * expectation, so β = 1 − [n_{L+1}(S) − n_L(S)]/μ. The cycle service level is P(D_{L+1} ≤ S).
 *
 * Source: Snyder & Shen (2019), ch. 4 (base-stock policies, lead times). Units: h, p money/(unit·period); demand
 * units/period; L periods → S units, g money/period.
 */
export function computeBaseStock(input: BaseStockInput): BaseStockResult {
  const { demand, leadTime: L } = input;
  const over = (periods: number): DemandDistribution =>
    demand.kind === 'normal'
      ? { kind: 'normal', mean: demand.mean * periods, sd: demand.sd * Math.sqrt(periods) }
      : { kind: 'poisson', mean: demand.mean * periods };
  const protection = over(L + 1);
  const result = solveNewsvendor({
    holdingCost: input.holdingCost,
    stockoutCost: input.stockoutCost,
    demand: protection,
    baseStockLevel: input.baseStockLevel,
  });
  const S = result.baseStockLevel;
  const shortBeforeArrival = L > 0 ? demandFunctionsOf(over(L)).loss(S).loss : Math.max(-S, 0);
  const newBackorders = result.expectedShortage - shortBeforeArrival;
  return {
    ...result,
    fillRate: demand.mean > 0 ? 1 - newBackorders / demand.mean : 1,
    protectionDemandMean: demand.mean * (L + 1),
    protectionDemandSd: demand.kind === 'normal' ? demand.sd * Math.sqrt(L + 1) : Math.sqrt(demand.mean * (L + 1)),
  };
}

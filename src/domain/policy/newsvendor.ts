import { type DemandDistribution, demandFunctionsOf } from './distributions.js';
import type { Mode } from './eoq.js';

/**
 * The newsvendor model: one period, random demand D, order up to S before demand is seen. Notation of
 * Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed. (2019), ch. 4: h holding (overage) cost per unit left
 * at the end of the period, p stockout (underage) cost per unit short, g(S) = h·n̄(S) + p·n(S).
 */

export type NewsvendorInput = {
  /** h, money per unit left over at the end of the period. */
  holdingCost: number;
  /** p, money per unit of demand not met. */
  stockoutCost: number;
  /** Demand in the period, units. */
  demand: DemandDistribution;
  /** S to evaluate instead of optimizing, units. */
  baseStockLevel?: number | undefined;
};

export type NewsvendorResult = {
  mode: Mode;
  /** S, units on hand at the start of the period. */
  baseStockLevel: number;
  /** g(S) = h·E[(S − D)⁺] + p·E[(D − S)⁺], expected money per period. */
  cost: number;
  /** α = p/(h + p). */
  criticalRatio: number;
  /** E[D], units. */
  expectedDemand: number;
  /** n(S) = E[(D − S)⁺], units short. */
  expectedShortage: number;
  /** n̄(S) = E[(S − D)⁺], units left over. */
  expectedLeftover: number;
  /** P(D ≤ S): the probability of no stockout (type-1 service). */
  cycleServiceLevel: number;
  /** 1 − n(S)/E[D]: the fraction of demand met from stock (type-2 service). */
  fillRate: number;
};

/**
 * Newsvendor optimum S* = F⁻¹(p/(h + p)) (for discrete demand the smallest S with F(S) ≥ p/(h + p)) and its cost
 * g(S) = h·n̄(S) + p·n(S), which for normal demand equals (h + p)σφ(z_α) at S* = μ + z_ασ.
 *
 * Source: Snyder & Shen (2019), ch. 4, eqs. (4.24), (4.27), (4.30), (4.37). Units: h, p money/unit; demand units per
 * period → S units, g money per period.
 *
 * @example solveNewsvendor({ holdingCost: 0.18, stockoutCost: 0.7, demand: { kind: 'normal', mean: 50, sd: 8 } })
 * // S* ≈ 56.60, g ≈ 1.9976 (S&S Ex. 4.3)
 */
export function solveNewsvendor(input: NewsvendorInput): NewsvendorResult {
  const { holdingCost: h, stockoutCost: p } = input;
  const demand = demandFunctionsOf(input.demand);
  const criticalRatio = p / (h + p);
  const S = input.baseStockLevel ?? demand.quantile(criticalRatio);
  const { loss, complementaryLoss } = demand.loss(S);
  return {
    mode: input.baseStockLevel === undefined ? 'optimized' : 'evaluated',
    baseStockLevel: S,
    cost: h * complementaryLoss + p * loss,
    criticalRatio,
    expectedDemand: demand.mean,
    expectedShortage: loss,
    expectedLeftover: complementaryLoss,
    cycleServiceLevel: demand.cdf(S),
    fillRate: demand.mean > 0 ? 1 - loss / demand.mean : 1,
  };
}

export type NewsvendorProfitInput = {
  /** r, money received per unit sold. */
  revenue: number;
  /** c, money paid per unit ordered. */
  purchaseCost: number;
  /** v, money received per unit left over (negative for a disposal cost). */
  salvageValue: number;
  /** Extra h per unit left over, beyond c − v (default 0). */
  holdingCost?: number | undefined;
  /** Extra p per unit short, beyond the lost margin r − c (default 0), such as lost goodwill. */
  stockoutCost?: number | undefined;
  demand: DemandDistribution;
  baseStockLevel?: number | undefined;
};

export type NewsvendorProfitResult = NewsvendorResult & {
  /** π(S) = (r − c)E[D] − g(S), expected money per period. */
  profit: number;
};

/**
 * Newsvendor with revenue r, purchase cost c and salvage value v (v < c < r). Expected profit
 * π(S) = r·E[min(S, D)] − cS + v·n̄(S) − h·n̄(S) − p·n(S) = (r − c)E[D] − g(S), where g is the plain newsvendor cost
 * with overage cost h' = c − v + h and underage cost p' = r − c + p, so S* = F⁻¹((p + r − c)/(h + p + r − v)).
 *
 * Source: Snyder & Shen (2019), ch. 4 (the explicit, profit-maximizing form). Units as `solveNewsvendor`.
 *
 * @example solveNewsvendorForProfit({ revenue: 1, purchaseCost: 0.3, salvageValue: 0.12, demand: normal(50, 8) })
 * // S* ≈ 56.60, π ≈ 33.00 (S&S Ex. 4.2)
 */
export function solveNewsvendorForProfit(input: NewsvendorProfitInput): NewsvendorProfitResult {
  const { revenue: r, purchaseCost: c, salvageValue: v } = input;
  const result = solveNewsvendor({
    holdingCost: c - v + (input.holdingCost ?? 0),
    stockoutCost: r - c + (input.stockoutCost ?? 0),
    demand: input.demand,
    baseStockLevel: input.baseStockLevel,
  });
  return { ...result, profit: (r - c) * result.expectedDemand - result.cost };
}

import { inverseNormalCdf, normalCdf, standardNormalLoss } from './distributions.js';

/**
 * Safety stock and reorder point for a continuous-review reorder-point policy under normal lead-time demand, with
 * both demand and lead-time variability. Time is in periods (days, weeks, …) and every input uses the same period.
 */

export type ServiceType = 'cycle' | 'fill_rate';
export const SERVICE_TYPES: readonly ServiceType[] = ['cycle', 'fill_rate'];

export type SafetyStockInput = {
  /** d, mean demand per period, units. */
  demandMean: number;
  /** σ_d, standard deviation of demand per period, units. */
  demandSd: number;
  /** L, mean lead time, periods. */
  leadTime: number;
  /** σ_L, standard deviation of the lead time, periods (0 when lead times are reliable). */
  leadTimeSd: number;
  /** Target: the cycle service level (probability of no stockout per cycle) or the fill rate, 0 < target < 1. */
  serviceLevel?: number | undefined;
  serviceType: ServiceType;
  /** Q, units per order; needed for the fill rate (shortage per cycle is spread over Q units of demand). */
  orderQuantity?: number | undefined;
  /** A reorder point to evaluate instead of a target: its safety stock and service levels. */
  reorderPoint?: number | undefined;
};

export type SafetyStockResult = {
  mode: 'optimized' | 'evaluated';
  /** SS = max(0, kσ_LT), units. */
  safetyStock: number;
  /** ROP = dL + SS, units. */
  reorderPoint: number;
  /** dL, units. */
  leadTimeDemandMean: number;
  /** σ_LT = √(Lσ_d² + d²σ_L²), units. */
  leadTimeDemandSd: number;
  /** k, the safety factor before the floor at zero. */
  safetyFactor: number;
  /** Φ(SS/σ_LT) achieved. */
  cycleServiceLevel: number;
  /** 1 − σ_LT·L(SS/σ_LT)/Q achieved (only when Q is known). */
  fillRate: number | undefined;
  /** σ_LT·L(SS/σ_LT), expected units short per replenishment cycle. */
  expectedShortagePerCycle: number;
};

/**
 * Safety stock for a cycle service level α or a fill rate β, with lead-time demand ~ N(dL, σ_LT²) and
 * σ_LT = √(L·σ_d² + d²·σ_L²) (random sum of i.i.d. demands over a random lead time).
 *
 * - Cycle service: k = Φ⁻¹(α).
 * - Fill rate: the expected shortage per cycle σ_LT·L(k) must equal (1 − β)Q, so k solves L(k) = (1 − β)Q/σ_LT, where
 *   L(k) = φ(k) − k(1 − Φ(k)) is the standard normal loss function.
 *
 * SS = max(0, kσ_LT) (a negative safety stock is floored at zero) and ROP = dL + SS. Given a reorder point instead of
 * a target, SS = ROP − dL and the service levels it achieves are reported.
 *
 * Sources: Silver, Pyke & Thomas, *Inventory and Production Management in Supply Chains*, 4th ed. (2017), ch. 6
 * (B1 and P2 decision rules, G_u(k) = Q(1 − P2)/σ_L); Snyder & Shen (2019), ch. 5 (type-1 and type-2 service levels).
 * Units: d, σ_d units/period; L, σ_L periods; Q units → SS, ROP units.
 *
 * @example computeSafetyStock({ demandMean: 100, demandSd: 20, leadTime: 4, leadTimeSd: 1, serviceLevel: 0.95,
 *   serviceType: 'cycle' }) // σ_LT = √(4·400 + 10000·1) ≈ 107.70, SS = 1.645·107.70 ≈ 177.2, ROP ≈ 577.2
 */
export function computeSafetyStock(input: SafetyStockInput): SafetyStockResult {
  const { demandMean: d, demandSd: sd, leadTime: L, leadTimeSd: sL, orderQuantity: Q } = input;
  const mean = d * L;
  const sigma = Math.sqrt(L * sd * sd + d * d * sL * sL);
  let safetyFactor: number;
  let safetyStock: number;
  if (input.reorderPoint !== undefined) {
    safetyStock = input.reorderPoint - mean;
    safetyFactor = sigma > 0 ? safetyStock / sigma : 0;
  } else {
    const target = input.serviceLevel!;
    if (sigma === 0) safetyFactor = 0;
    else if (input.serviceType === 'cycle') safetyFactor = inverseNormalCdf(target);
    else safetyFactor = inverseStandardNormalLoss(((1 - target) * Q!) / sigma);
    safetyStock = Math.max(0, safetyFactor * sigma);
  }
  const z = sigma > 0 ? safetyStock / sigma : 0;
  const expectedShortagePerCycle = sigma > 0 ? sigma * standardNormalLoss(z) : Math.max(-safetyStock, 0);
  return {
    mode: input.reorderPoint === undefined ? 'optimized' : 'evaluated',
    safetyStock,
    reorderPoint: mean + safetyStock,
    leadTimeDemandMean: mean,
    leadTimeDemandSd: sigma,
    safetyFactor,
    cycleServiceLevel: sigma > 0 ? normalCdf(z) : safetyStock >= 0 ? 1 : 0,
    fillRate: Q === undefined ? undefined : Math.max(0, 1 - expectedShortagePerCycle / Q),
    expectedShortagePerCycle,
  };
}

/** The k with L(k) = target, for target > 0 (L falls from +∞ to 0, and L(k) ≈ −k for very negative k). */
export function inverseStandardNormalLoss(target: number): number {
  let lo = -target - 10;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (standardNormalLoss(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

import { DomainError } from '../errors.js';
import { integerLoss, integerQuantile, tabulatePoisson } from './distributions.js';
import type { Mode } from './eoq.js';

/**
 * Periodic-review (s, S) policy, infinite horizon, backorders, Poisson demand per period: at the start of each
 * period, if the inventory position is at or below s, order up to S (so after ordering it lies in {s + 1, …, S}).
 * Costs: K per order, h per unit on hand and p per unit backordered at the end of a period; an order arrives after
 * L periods, so G(y) is the newsvendor cost of the demand over L + 1 periods.
 * Notation of Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed. (2019), ch. 4.
 */

/** Largest S − s costed exactly: the renewal recursion is O((S − s)²). */
export const MAX_SPREAD = 5000;

export type SSMethod = 'exact' | 'power';
export const S_S_METHODS: readonly SSMethod[] = ['exact', 'power'];

export type SSInput = {
  /** h, money per unit on hand at the end of a period. */
  holdingCost: number;
  /** p, money per unit backordered at the end of a period. */
  stockoutCost: number;
  /** K, money per order. */
  fixedCost: number;
  /** μ, mean Poisson demand per period, units. */
  demandMean: number;
  /** L, whole periods from order to receipt. */
  leadTime: number;
  method: SSMethod;
  /** s and S to evaluate instead of optimizing (integers, s < S). */
  s?: number | undefined;
  S?: number | undefined;
};

export type SSResult = {
  mode: Mode;
  method: SSMethod;
  /** Reorder point: order when the inventory position is ≤ s. */
  s: number;
  /** Order-up-to level. */
  S: number;
  /** Exact expected cost per period of (s, S), money. */
  cost: number;
  /** Power approximation before rounding (method `power` only). */
  sUnrounded: number | undefined;
  SUnrounded: number | undefined;
};

/**
 * Chooses or evaluates an (s, S) policy for Poisson demand.
 *
 * Cost of a policy (Zheng & Federgruen, *Oper. Res.* 39(4), 1991; Snyder & Shen 2019, eqs. (4.71)–(4.75)):
 * c(s, S) = [K + Σ_{d=0}^{S−s−1} m(d)G(S − d)] / M(S − s), where m(0) = 1/(1 − f(0)),
 * m(j) = m(0)Σ_{l=1}^{j} f(l)m(j − l), M(j) = Σ_{i<j} m(i), f the one-period demand pmf.
 *
 * `exact`: the Zheng–Federgruen algorithm (Snyder & Shen 2019, Algorithm 4.2): start at y* = argmin G, lower s until
 * c(s, y*) ≤ G(s), then raise S while G(S) ≤ the incumbent cost, updating s each time S improves.
 * `power`: the revised power approximation of Ehrhardt & Mosier (*Manage. Sci.* 30(5), 1984), eqs. (4.77)–(4.80)
 * with σ² = μ: Q = 1.30μ^0.494(K/h)^0.506(1 + σ_L²/μ²)^0.116, z = √(Qh/(σ_L p)),
 * s = 0.973μ_L + σ_L(0.183/z + 1.063 − 2.192z), S = s + Q, over L + 1 periods; rounded to the nearest integers
 * (S at least s + 1) and then costed exactly.
 *
 * Units: h, p money/(unit·period); K money/order; μ units/period; L periods → s, S units, cost money/period.
 *
 * @example computeSS({ holdingCost: 1, stockoutCost: 4, fixedCost: 5, demandMean: 6, leadTime: 0, method: 'exact' })
 * // s = 4, S = 10, cost ≈ 8.034 (S&S Ex. 4.7)
 */
export function computeSS(input: SSInput): SSResult {
  const { holdingCost: h, stockoutCost: p, fixedCost: K, demandMean: mu, leadTime: L } = input;
  const period = tabulatePoisson(mu);
  const protection = L === 0 ? period : tabulatePoisson(mu * (L + 1));
  const gCache = new Map<number, number>();
  const G = (y: number) => {
    let value = gCache.get(y);
    if (value === undefined) {
      const { loss, complementaryLoss } = integerLoss(protection, y);
      value = h * complementaryLoss + p * loss;
      gCache.set(y, value);
    }
    return value;
  };
  const m: number[] = [1 / (1 - period.pmf[0]!)];
  const M: number[] = [0, m[0]!];
  const grow = (length: number) => {
    if (length > MAX_SPREAD) {
      throw new DomainError(
        'LS_VALIDATION',
        `fixed_cost: the policy would need S − s above ${MAX_SPREAD}; too large to cost exactly`,
        [
          {
            field: 'fixed_cost',
            message: `gives S − s above ${MAX_SPREAD}, too large to cost exactly (scale the units)`,
          },
        ],
      );
    }
    for (let j = m.length; j < length; j++) {
      let sum = 0;
      for (let l = 1; l <= j; l++) sum += (period.pmf[l] ?? 0) * m[j - l]!;
      m[j] = m[0]! * sum;
      M[j + 1] = M[j]! + m[j]!;
    }
  };
  const cost = (s: number, S: number) => {
    grow(S - s);
    let total = K;
    for (let d = 0; d < S - s; d++) total += m[d]! * G(S - d);
    return total / M[S - s]!;
  };

  if (input.s !== undefined && input.S !== undefined) {
    return {
      mode: 'evaluated',
      method: input.method,
      s: input.s,
      S: input.S,
      cost: cost(input.s, input.S),
      sUnrounded: undefined,
      SUnrounded: undefined,
    };
  }
  if (input.method === 'power') {
    const power = approximateSSByPower({ ...input, demandSd: Math.sqrt(mu) });
    const s = Math.round(power.s);
    const S = Math.max(Math.round(power.S), s + 1);
    return { mode: 'optimized', method: 'power', s, S, cost: cost(s, S), sUnrounded: power.s, SUnrounded: power.S };
  }

  const yStar = integerQuantile(protection, p / (h + p));
  let s = yStar;
  do s--;
  while (cost(s, yStar) > G(s));
  let sHat = s;
  let SHat = yStar;
  let best = cost(sHat, SHat);
  for (let S = yStar + 1; G(S) <= best; S++) {
    if (cost(s, S) < best) {
      SHat = S;
      while (cost(s, SHat) <= G(s + 1)) s++;
      sHat = s;
      best = cost(sHat, SHat);
    }
  }
  return {
    mode: 'optimized',
    method: 'exact',
    s: sHat,
    S: SHat,
    cost: best,
    sUnrounded: undefined,
    SUnrounded: undefined,
  };
}

export type PowerApproximationInput = {
  holdingCost: number;
  stockoutCost: number;
  fixedCost: number;
  /** μ and σ of demand per period, units. */
  demandMean: number;
  demandSd: number;
  /** L, periods; the approximation uses demand over L + 1 periods. */
  leadTime: number;
};

/**
 * The revised power approximation for (s, S) (Ehrhardt & Mosier 1984; Snyder & Shen 2019, eqs. (4.77)–(4.80)):
 * Q = 1.30μ^0.494(K/h)^0.506(1 + σ_L²/μ²)^0.116, z = √(Qh/(σ_L p)), s = 0.973μ_L + σ_L(0.183/z + 1.063 − 2.192z),
 * S = s + Q, with μ_L = (L + 1)μ and σ_L = σ√(L + 1). Units as `computeSS`; s and S unrounded.
 */
export function approximateSSByPower(input: PowerApproximationInput): { s: number; S: number } {
  const { holdingCost: h, stockoutCost: p, fixedCost: K, demandMean: mu, demandSd: sd, leadTime: L } = input;
  const muL = mu * (L + 1);
  const sigmaL = sd * Math.sqrt(L + 1);
  const Q = 1.3 * mu ** 0.494 * (K / h) ** 0.506 * (1 + (sigmaL * sigmaL) / (mu * mu)) ** 0.116;
  const z = Math.sqrt((Q * h) / (sigmaL * p));
  const s = 0.973 * muL + sigmaL * (0.183 / z + 1.063 - 2.192 * z);
  return { s, S: s + Q };
}

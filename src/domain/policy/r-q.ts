import { DomainError } from '../errors.js';
import {
  type IntegerDistribution,
  integerCdf,
  integerLoss,
  integerQuantile,
  inverseNormalCdf,
  normalCdf,
  normalLoss,
  normalSecondLoss,
  tabulatePoisson,
} from './distributions.js';
import type { Mode } from './eoq.js';

/**
 * Continuous-review (r, Q) policy with backorders: when the inventory position falls to r, order Q; the order
 * arrives L time units later. The inventory position is uniform on (r, r + Q] (on {r + 1, …, r + Q} for integer
 * demand), so the expected cost per time unit is g(r, Q) = (Kλ + ∫_r^{r+Q} g(y)dy)/Q, where g(y) = h·n̄(y) + p·n(y)
 * is the newsvendor cost of the lead-time demand: mean μ = λL, standard deviation σ = τ√L (normal) or
 * Poisson(λL). Notation of Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed. (2019), ch. 5.
 */

/** How (r, Q) is chosen: the exact optimum or one of the textbook approximations (normal demand only). */
export type RQMethod = 'exact' | 'eoq_ss' | 'eoqb' | 'eil' | 'loss_function';
export const R_Q_METHODS: readonly RQMethod[] = ['exact', 'eoq_ss', 'eoqb', 'eil', 'loss_function'];

export type RQInput = {
  /** h, money per unit on hand per time unit. */
  holdingCost: number;
  /** p, money per unit backordered per time unit. */
  stockoutCost: number;
  /** K, money per order. */
  fixedCost: number;
  /** λ, mean demand per time unit, units. */
  demandMean: number;
  /** τ, standard deviation of demand per time unit, units (normal demand only). */
  demandSd: number;
  /** L, time units from order to receipt. */
  leadTime: number;
  distribution: 'normal' | 'poisson';
  method: RQMethod;
  /** r to evaluate (with `orderQuantity`), or to find the best Q for. */
  reorderPoint?: number | undefined;
  /** Q to evaluate (with `reorderPoint`), or to find the best r for. */
  orderQuantity?: number | undefined;
};

export type RQResult = {
  mode: Mode;
  method: RQMethod;
  reorderPoint: number;
  orderQuantity: number;
  /** Exact g(r, Q), money per time unit, whatever method chose (r, Q). */
  cost: number;
  /** The EIL approximation's own cost estimate (method `eil` only). */
  approximateCost: number | undefined;
  /** μ and σ of the lead-time demand, units. */
  leadTimeDemandMean: number;
  leadTimeDemandSd: number;
  /** P(lead-time demand ≤ r): the probability that an order cycle has no stockout (type-1 service). */
  cycleServiceLevel: number;
  /** Fraction of demand met from stock, 1 − (n(r) − n(r + Q))/Q (type-2 service). */
  fillRate: number;
  /** Expected units backordered and on hand at a random time. */
  expectedBackorders: number;
  expectedOnHand: number;
};

/**
 * Chooses or evaluates an (r, Q) policy.
 *
 * - `exact`, normal demand: minimizes g(r, Q) by its optimality conditions g(r) = g(r + Q) = g(r, Q)
 *   (Snyder & Shen 2019, ch. 5, eqs. (5.7)–(5.9)): for a cost level c ≥ min g let r(c) < r(c) + Q(c) be the two
 *   solutions of g(y) = c; the optimum is the c at which ∫_{r}^{r+Q}(c − g(y))dy = Kλ (increasing in c, solved by
 *   bisection). ∫g uses the second-order loss function: ∫_r^{r+Q} n(y)dy = n⁽²⁾(r) − n⁽²⁾(r + Q).
 * - `exact`, Poisson demand: g(r, Q) = (Kλ + Σ_{y=r+1}^{r+Q} g(y))/Q (eq. (5.48)); the optimal window {r+1..r+Q} holds
 *   the Q smallest values of the convex g, grown from S* while the next value is below the current average
 *   (Federgruen & Zheng, *Oper. Res.* 40(4), 1992).
 * - `eoq_ss`: Q = √(2Kλ/h), r = μ + z_ασ with α = p/(h + p) (eq. (5.21)).
 * - `eoqb`: Q = √(2Kλ(h + p)/(hp)), r the exact best r for that Q (g(r) = g(r + Q)).
 * - `eil` (expected inventory level): iterate r = F⁻¹(1 − Qh/(pλ)), Q = √(2λ(K + p·n(r))/h) from Q = EOQ
 *   (Algorithm 5.1, eqs. (5.16)–(5.18)); approximate cost h(r − μ + Q/2) + Kλ/Q + pλn(r)/Q.
 * - `loss_function`: iterate n(r) = hQ/(h + p), Q = √(2[Kλ + (h + p)n⁽²⁾(r)]/h) (eqs. (5.28)–(5.29)): the exact
 *   conditions with n⁽²⁾(r + Q) dropped.
 *
 * Given both r and Q the policy is evaluated; given only Q, r is the best r for it; given only r, Q the best Q for it.
 * Units: h, p money/(unit·time); K money/order; λ, τ units/time; L time → r, Q units, g money/time.
 *
 * @example computeRQ({ holdingCost: 0.225, stockoutCost: 7.5, fixedCost: 8, demandMean: 1300, demandSd: 150,
 *   leadTime: 1 / 12, distribution: 'normal', method: 'exact' }) // r ≈ 126.8, Q ≈ 328.5, g ≈ 78.07 (S&S Ex. 5.1)
 */
export function computeRQ(input: RQInput): RQResult {
  return input.distribution === 'poisson' ? computePoissonRQ(input) : computeNormalRQ(input);
}

type Costs = { g: (y: number) => number; sStar: number; mu: number; sigma: number; h: number; p: number };

function normalCosts(input: RQInput): Costs {
  const { holdingCost: h, stockoutCost: p } = input;
  const mu = input.demandMean * input.leadTime;
  const sigma = input.demandSd * Math.sqrt(input.leadTime);
  const g = (y: number) => {
    const { loss, complementaryLoss } = normalLoss(y, mu, sigma);
    return h * complementaryLoss + p * loss;
  };
  const alpha = p / (h + p);
  return { g, sStar: sigma === 0 ? mu : mu + sigma * inverseNormalCdf(alpha), mu, sigma, h, p };
}

/** Exact g(r, Q) for normal lead-time demand, with the service measures. */
export function evaluateNormalRQ(
  input: RQInput,
  r: number,
  Q: number,
): Omit<RQResult, 'mode' | 'method' | 'approximateCost'> {
  const { holdingCost: h, stockoutCost: p, fixedCost: K, demandMean: lambda } = input;
  const { mu, sigma } = normalCosts(input);
  const backorders = (normalSecondLoss(r, mu, sigma) - normalSecondLoss(r + Q, mu, sigma)) / Q;
  const onHand = r - mu + Q / 2 + backorders;
  const shortfall = normalLoss(r, mu, sigma).loss - normalLoss(r + Q, mu, sigma).loss;
  return {
    reorderPoint: r,
    orderQuantity: Q,
    cost: (K * lambda) / Q + h * onHand + p * backorders,
    leadTimeDemandMean: mu,
    leadTimeDemandSd: sigma,
    cycleServiceLevel: sigma === 0 ? (r >= mu ? 1 : 0) : normalCdf((r - mu) / sigma),
    fillRate: 1 - shortfall / Q,
    expectedBackorders: backorders,
    expectedOnHand: onHand,
  };
}

function computeNormalRQ(input: RQInput): RQResult {
  const { holdingCost: h, stockoutCost: p, fixedCost: K, demandMean: lambda } = input;
  const costs = normalCosts(input);
  const { mu, sigma } = costs;
  const given = { r: input.reorderPoint, Q: input.orderQuantity };
  let r: number;
  let Q: number;
  let approximateCost: number | undefined;
  if (given.r !== undefined && given.Q !== undefined) {
    r = given.r;
    Q = given.Q;
  } else if (given.Q !== undefined) {
    Q = given.Q;
    r = bestReorderPointFor(costs, Q);
  } else if (given.r !== undefined) {
    r = given.r;
    Q = bestOrderQuantityFor(input, costs, r);
  } else {
    switch (input.method) {
      case 'exact':
        ({ r, Q } = exactNormalOptimum(costs, K * lambda));
        break;
      case 'eoq_ss':
        Q = Math.sqrt((2 * K * lambda) / h);
        r = costs.sStar;
        break;
      case 'eoqb':
        Q = Math.sqrt((2 * K * lambda * (h + p)) / (h * p));
        r = bestReorderPointFor(costs, Q);
        break;
      case 'eil': {
        ({ r, Q } = iterate(Math.sqrt((2 * K * lambda) / h), (q) => {
          const tail = (q * h) / (p * lambda);
          if (tail >= 1) {
            throw new DomainError(
              'LS_VALIDATION',
              'method: the EIL approximation has no solution here (h·Q ≥ p·λ); use another method',
              [{ field: 'method', message: 'the EIL approximation has no solution here (h·Q ≥ p·λ)', value: 'eil' }],
            );
          }
          const rNext = sigma === 0 ? mu : mu + sigma * inverseNormalCdf(1 - tail);
          const loss = normalLoss(rNext, mu, sigma).loss;
          return { r: rNext, Q: Math.sqrt((2 * lambda * (K + p * loss)) / h) };
        }));
        const loss = normalLoss(r, mu, sigma).loss;
        approximateCost = h * (r - mu + Q / 2) + (K * lambda) / Q + (p * lambda * loss) / Q;
        break;
      }
      case 'loss_function':
        ({ r, Q } = iterate(Math.sqrt((2 * K * lambda) / h), (q) => {
          const rNext = inverseLoss(mu, sigma, (h * q) / (h + p));
          const loss2 = normalSecondLoss(rNext, mu, sigma);
          return { r: rNext, Q: Math.sqrt((2 * (K * lambda + (h + p) * loss2)) / h) };
        }));
        break;
    }
  }
  const mode: Mode = given.r !== undefined || given.Q !== undefined ? 'evaluated' : 'optimized';
  return { mode, method: input.method, approximateCost, ...evaluateNormalRQ(input, r, Q) };
}

/** Runs Q → (r, Q') until both settle (changes below 1e-12·Q). */
function iterate(startQ: number, step: (Q: number) => { r: number; Q: number }): { r: number; Q: number } {
  let Q = startQ;
  let r = Number.NaN;
  for (let i = 0; i < 10_000; i++) {
    const next = step(Q);
    const settled = Math.abs(next.Q - Q) <= 1e-12 * next.Q && Math.abs(next.r - r) <= 1e-12 * next.Q;
    r = next.r;
    Q = next.Q;
    if (settled) break;
  }
  return { r, Q };
}

/** The x with n(x) = target for normal demand (n decreases from +∞ to 0). */
function inverseLoss(mu: number, sigma: number, target: number): number {
  if (sigma === 0) return mu - target;
  return solveIncreasing((x) => target - normalLoss(x, mu, sigma).loss, mu, sigma);
}

/** Root of an increasing function, bracketed by doubling steps from `start`. */
function solveIncreasing(f: (x: number) => number, start: number, scale: number): number {
  let step = Math.max(scale, 1e-9 * Math.max(1, Math.abs(start)), 1e-12);
  let lo = start;
  let hi = start;
  while (f(lo) > 0) {
    lo -= step;
    step *= 2;
  }
  step = Math.max(scale, 1e-9 * Math.max(1, Math.abs(start)), 1e-12);
  while (f(hi) < 0) {
    hi += step;
    step *= 2;
  }
  for (let i = 0; i < 300 && hi - lo > 1e-13 * Math.max(Math.abs(lo), Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** r(Q): the r with g(r) = g(r + Q), which lies in [S* − Q, S*] (eq. (5.9)). */
function bestReorderPointFor(costs: Costs, Q: number): number {
  const { g, sStar } = costs;
  let lo = sStar - Q;
  let hi = sStar;
  for (let i = 0; i < 300 && hi - lo > 1e-13 * Math.max(Math.abs(lo), Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    if (g(mid + Q) - g(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Q(r): the Q with g(r + Q) = g(r, Q). The numerator of ∂g(r, Q)/∂Q, N(Q) = Q·g(r + Q) − Kλ − ∫_r^{r+Q} g, starts at
 * −Kλ, falls while r + Q < S* and rises after, so it has one root beyond max(0, S* − r).
 */
function bestOrderQuantityFor(input: RQInput, costs: Costs, r: number): number {
  const N = (Q: number) => Q * costs.g(r + Q) - Q * evaluateNormalRQ(input, r, Q).cost;
  const start = Math.max(costs.sStar - r, 0) + 1e-9;
  return solveIncreasing(N, start, Math.max(costs.sigma, 1, Math.sqrt(input.fixedCost * input.demandMean)));
}

/** Exact optimum for continuous demand by the level-set construction described on `computeRQ`. */
function exactNormalOptimum(costs: Costs, fixedPerTime: number): { r: number; Q: number } {
  const { g, sStar, sigma } = costs;
  const gMin = g(sStar);
  const scale = Math.max(sigma, 1e-9 * Math.max(1, Math.abs(sStar)));
  const levelSet = (c: number) => {
    const left = solveIncreasing((y) => c - g(y), sStar, scale);
    const right = solveIncreasing((y) => g(y) - c, sStar, scale);
    return { left: Math.min(left, sStar), right: Math.max(right, sStar) };
  };
  // A(c) = ∫_{left}^{right} (c − g(y)) dy, increasing in c; the optimum has A(c) = Kλ.
  const area = (c: number) => {
    const { left, right } = levelSet(c);
    const Q = right - left;
    if (Q <= 0) return 0;
    return c * Q - integralOfG(costs, left, Q);
  };
  let lo = gMin;
  let hi = gMin + Math.max(gMin, 1);
  while (area(hi) < fixedPerTime) hi = gMin + 2 * (hi - gMin);
  for (let i = 0; i < 300 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (area(mid) < fixedPerTime) lo = mid;
    else hi = mid;
  }
  const { left, right } = levelSet((lo + hi) / 2);
  return { r: left, Q: right - left };
}

/** ∫_r^{r+Q} g(y)dy = h[Q(r − μ) + Q²/2] + (h + p)[n⁽²⁾(r) − n⁽²⁾(r + Q)]. */
function integralOfG(costs: Costs, r: number, Q: number): number {
  const { mu, sigma, h, p } = costs;
  return (
    h * (Q * (r - mu) + (Q * Q) / 2) + (h + p) * (normalSecondLoss(r, mu, sigma) - normalSecondLoss(r + Q, mu, sigma))
  );
}

function computePoissonRQ(input: RQInput): RQResult {
  const { holdingCost: h, stockoutCost: p, fixedCost: K, demandMean: lambda } = input;
  const mu = lambda * input.leadTime;
  const table = tabulatePoisson(mu);
  const g = (y: number) => {
    const { loss, complementaryLoss } = integerLoss(table, y);
    return h * complementaryLoss + p * loss;
  };
  const sStar = integerQuantile(table, p / (h + p));
  const given = { r: input.reorderPoint, Q: input.orderQuantity };
  let r: number;
  let Q: number;
  if (given.r !== undefined && given.Q !== undefined) {
    r = given.r;
    Q = given.Q;
  } else if (given.Q !== undefined) {
    Q = given.Q;
    r = sStar - Q;
    while (g(r + Q + 1) < g(r + 1)) r++;
  } else if (given.r !== undefined) {
    r = given.r;
    ({ Q } = bestPoissonQFor(g, K * lambda, r, sStar));
  } else {
    r = sStar - 1;
    Q = 1;
    let sum = g(sStar);
    for (;;) {
      if (Q > MAX_POISSON_QUANTITY) throw tooLarge();
      const left = g(r);
      const right = g(r + Q + 1);
      const next = Math.min(left, right);
      if (next >= (K * lambda + sum) / Q) break;
      if (left <= right) r--;
      sum += next;
      Q++;
    }
  }
  const mode: Mode = given.r !== undefined || given.Q !== undefined ? 'evaluated' : 'optimized';
  return { mode, method: input.method, approximateCost: undefined, ...evaluatePoissonRQ(input, table, r, Q) };
}

/** Largest order quantity searched for Poisson demand, one unit at a time. */
const MAX_POISSON_QUANTITY = 2_000_000;

function tooLarge(): DomainError {
  return new DomainError(
    'LS_VALIDATION',
    `fixed_cost: the best Q would exceed ${MAX_POISSON_QUANTITY} units; use normal demand`,
    [
      {
        field: 'fixed_cost',
        message: `makes the best Q exceed ${MAX_POISSON_QUANTITY} units for poisson demand; use normal demand`,
      },
    ],
  );
}

function bestPoissonQFor(g: (y: number) => number, fixedPerTime: number, r: number, sStar: number) {
  let sum = 0;
  let best = { Q: 1, cost: Number.POSITIVE_INFINITY };
  for (let Q = 1; ; Q++) {
    if (Q > MAX_POISSON_QUANTITY) throw tooLarge();
    sum += g(r + Q);
    const cost = (fixedPerTime + sum) / Q;
    if (cost < best.cost) best = { Q, cost };
    if (r + Q + 1 > sStar && g(r + Q + 1) >= cost) return best;
  }
}

/** Exact g(r, Q) for Poisson demand: the inventory position is uniform on {r + 1, …, r + Q}. */
function evaluatePoissonRQ(
  input: RQInput,
  table: IntegerDistribution,
  r: number,
  Q: number,
): Omit<RQResult, 'mode' | 'method' | 'approximateCost'> {
  const { holdingCost: h, stockoutCost: p, fixedCost: K, demandMean: lambda } = input;
  let backorders = 0;
  let onHand = 0;
  let filled = 0;
  for (let y = r + 1; y <= r + Q; y++) {
    const { loss, complementaryLoss } = integerLoss(table, y);
    backorders += loss;
    onHand += complementaryLoss;
    filled += integerCdf(table, y - 1);
  }
  backorders /= Q;
  onHand /= Q;
  return {
    reorderPoint: r,
    orderQuantity: Q,
    cost: (K * lambda) / Q + h * onHand + p * backorders,
    leadTimeDemandMean: table.mean,
    leadTimeDemandSd: Math.sqrt(table.mean),
    cycleServiceLevel: integerCdf(table, r),
    fillRate: filled / Q,
    expectedBackorders: backorders,
    expectedOnHand: onHand,
  };
}

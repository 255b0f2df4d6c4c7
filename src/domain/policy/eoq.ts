/**
 * The economic order quantity and its textbook variants: planned backorders, all-units and incremental quantity
 * discounts, and the economic production quantity. Deterministic, continuous demand at rate λ; costs per the same
 * time unit as λ (usually a year). Notation of Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed. (2019),
 * chapter 3: K fixed cost per order, h holding cost per unit per time unit, λ demand per time unit.
 */

/** Whether the figures are the model's optimum or the evaluation of a decision given in the input. */
export type Mode = 'optimized' | 'evaluated';

export type EoqInput = {
  /** K, money per order. */
  fixedCost: number;
  /** h, money per unit held per time unit. */
  holdingCost: number;
  /** λ, units per time unit. */
  demandRate: number;
  /** Q to evaluate instead of optimizing, in units. */
  orderQuantity?: number | undefined;
};

export type EoqResult = {
  mode: Mode;
  /** Q, units per order. */
  orderQuantity: number;
  /** g(Q), money per time unit (ordering plus holding). */
  cost: number;
  /** T = Q/λ, time units between orders. */
  orderInterval: number;
  /** Q* and g* for comparison (equal to the above when optimizing). */
  optimalOrderQuantity: number;
  optimalCost: number;
};

/**
 * Economic order quantity: Q* = √(2Kλ/h), g* = √(2Kλh); a given Q costs g(Q) = Kλ/Q + hQ/2.
 *
 * Source: Snyder & Shen (2019), ch. 3, eqs. (3.4)–(3.5) (Harris 1913). Units: K money/order, h money/(unit·time),
 * λ units/time → Q units, g money/time.
 *
 * @example computeEoq({ fixedCost: 8, holdingCost: 0.225, demandRate: 1300 }) // Q ≈ 304.05, g ≈ 68.41 (S&S Ex. 3.1)
 */
export function computeEoq(input: EoqInput): EoqResult {
  const { fixedCost: K, holdingCost: h, demandRate: lambda } = input;
  const optimalOrderQuantity = Math.sqrt((2 * K * lambda) / h);
  const optimalCost = Math.sqrt(2 * K * lambda * h);
  const Q = input.orderQuantity ?? optimalOrderQuantity;
  const cost = input.orderQuantity === undefined ? optimalCost : (K * lambda) / Q + (h * Q) / 2;
  return {
    mode: input.orderQuantity === undefined ? 'optimized' : 'evaluated',
    orderQuantity: Q,
    cost,
    orderInterval: Q / lambda,
    optimalOrderQuantity,
    optimalCost,
  };
}

export type EoqBackordersInput = EoqInput & {
  /** p, money per unit backordered per time unit. */
  stockoutCost: number;
  /** x, the fraction of each cycle's demand that is backordered, to evaluate (0 ≤ x ≤ 1). */
  stockoutFraction?: number | undefined;
};

export type EoqBackordersResult = EoqResult & {
  /** x, fraction of demand backordered. */
  stockoutFraction: number;
  /** xQ, the largest backorder in a cycle, units. */
  maxBackorders: number;
};

/**
 * EOQ with planned backorders (EOQB): Q* = √(2Kλ(h + p)/(hp)), x* = h/(h + p), g* = √(2Kλhp/(h + p));
 * a given (Q, x) costs g(Q, x) = hQ(1 − x)²/2 + pQx²/2 + Kλ/Q. With only Q given, x = h/(h + p), which is the best
 * stockout fraction for every Q.
 *
 * Source: Snyder & Shen (2019), ch. 3, eqs. (3.27)–(3.29). Units as `computeEoq`; p money/(unit·time).
 *
 * @example computeEoqWithBackorders({ fixedCost: 8, holdingCost: 0.225, stockoutCost: 5, demandRate: 1300 })
 * // Q ≈ 310.81, x ≈ 0.0431, g ≈ 66.92 (S&S Ex. 3.8)
 */
export function computeEoqWithBackorders(input: EoqBackordersInput): EoqBackordersResult {
  const { fixedCost: K, holdingCost: h, stockoutCost: p, demandRate: lambda } = input;
  const optimalOrderQuantity = Math.sqrt((2 * K * lambda * (h + p)) / (h * p));
  const optimalCost = Math.sqrt((2 * K * lambda * h * p) / (h + p));
  const evaluated = input.orderQuantity !== undefined || input.stockoutFraction !== undefined;
  const Q = input.orderQuantity ?? optimalOrderQuantity;
  const x = input.stockoutFraction ?? h / (h + p);
  const cost = evaluated ? (h * Q * (1 - x) ** 2) / 2 + (p * Q * x * x) / 2 + (K * lambda) / Q : optimalCost;
  return {
    mode: evaluated ? 'evaluated' : 'optimized',
    orderQuantity: Q,
    cost,
    orderInterval: Q / lambda,
    optimalOrderQuantity,
    optimalCost,
    stockoutFraction: x,
    maxBackorders: x * Q,
  };
}

export type EpqInput = EoqInput & {
  /** μ, units produced per time unit while producing; must exceed λ. */
  productionRate: number;
};

export type EpqResult = EoqResult & {
  /** (1 − ρ)Q, the peak inventory, units. */
  maxInventory: number;
  /** Q/μ, time units of production per cycle. */
  productionTime: number;
};

/**
 * Economic production quantity (finite production rate μ > λ, ρ = λ/μ): Q* = √(2Kλ/(h(1 − ρ))),
 * g* = √(2Kλh(1 − ρ)); a given Q costs g(Q) = Kλ/Q + h(1 − ρ)Q/2.
 *
 * Source: Snyder & Shen (2019), ch. 3, eqs. (3.31)–(3.32). Units as `computeEoq`; μ units/time.
 */
export function computeEpq(input: EpqInput): EpqResult {
  const rho = input.demandRate / input.productionRate;
  const eoq = computeEoq({ ...input, holdingCost: input.holdingCost * (1 - rho) });
  return {
    ...eoq,
    maxInventory: (1 - rho) * eoq.orderQuantity,
    productionTime: eoq.orderQuantity / input.productionRate,
  };
}

export type DiscountInput = {
  /** K, money per order. */
  fixedCost: number;
  /** i, holding cost as a fraction of the unit cost per time unit (0.2 = 20 % a year). */
  holdingCostRate: number;
  /** λ, units per time unit. */
  demandRate: number;
  /** b₀ = 0 < b₁ < …: quantity from which unit_costs[j] applies, units. */
  breakpoints: readonly number[];
  /** c_j, money per unit in the segment that starts at breakpoints[j]. */
  unitCosts: readonly number[];
  /** Q to evaluate instead of optimizing, units. */
  orderQuantity?: number | undefined;
};

export type DiscountResult = {
  mode: Mode;
  orderQuantity: number;
  /** g(Q), money per time unit including the purchase cost: purchase + ordering + holding. */
  cost: number;
  /** Index j of the price segment that Q falls in. */
  segment: number;
  /** Purchase cost per unit at Q: c_j (all-units) or the average c(Q)/Q (incremental), money. */
  unitCost: number;
  orderInterval: number;
};

/**
 * EOQ with all-units quantity discounts: an order of Q ∈ [b_j, b_{j+1}) pays c_j on every unit, so
 * g_j(Q) = c_jλ + Kλ/Q + ic_jQ/2. For each segment the unconstrained optimum Q_j = √(2Kλ/(ic_j)) is raised to b_j
 * when below it and the segment skipped when Q_j ≥ b_{j+1} (a cheaper segment does better); the best candidate wins.
 * Requires non-increasing unit costs.
 *
 * Source: Snyder & Shen (2019), ch. 3 (quantity discounts); Nahmias, *Production and Operations Analysis*, ch. 4.
 * Units: K money/order, i 1/time, λ units/time, c_j money/unit → Q units, g money/time.
 */
export function computeAllUnitsDiscountEoq(input: DiscountInput): DiscountResult {
  const { fixedCost: K, holdingCostRate: i, demandRate: lambda, breakpoints, unitCosts } = input;
  const costAt = (Q: number) => {
    const j = segmentOf(breakpoints, Q);
    const c = unitCosts[j]!;
    return { cost: c * lambda + (K * lambda) / Q + (i * c * Q) / 2, segment: j, unitCost: c };
  };
  if (input.orderQuantity !== undefined) return discountResult('evaluated', input.orderQuantity, costAt, lambda);
  let best: { Q: number; cost: number } | undefined;
  unitCosts.forEach((c, j) => {
    const next = breakpoints[j + 1] ?? Number.POSITIVE_INFINITY;
    const unconstrained = Math.sqrt((2 * K * lambda) / (i * c));
    if (unconstrained >= next) return;
    const Q = Math.max(unconstrained, breakpoints[j]!);
    const { cost } = costAt(Q);
    if (best === undefined || cost < best.cost) best = { Q, cost };
  });
  return discountResult('optimized', best!.Q, costAt, lambda);
}

/**
 * EOQ with incremental quantity discounts: unit c_j is paid only on the units between b_j and b_{j+1}, so the
 * purchase cost of Q units in segment j is C(Q) = C(b_j) + c_j(Q − b_j) and, valuing stock at its average cost,
 * g(Q) = λC(Q)/Q + Kλ/Q + iC(Q)/2 = c_jλ + (K + β_j)λ/Q + iβ_j/2 + ic_jQ/2 with β_j = C(b_j) − c_jb_j.
 * In segment j the stationary point is Q_j = √(2λ(K + β_j)/(ic_j)); the best of the realizable Q_j and the
 * breakpoints wins.
 *
 * Source: Snyder & Shen (2019), ch. 3 (quantity discounts); Nahmias, *Production and Operations Analysis*, ch. 4.
 * Units as `computeAllUnitsDiscountEoq`.
 */
export function computeIncrementalDiscountEoq(input: DiscountInput): DiscountResult {
  const { fixedCost: K, holdingCostRate: i, demandRate: lambda, breakpoints, unitCosts } = input;
  const costBefore: number[] = [0];
  for (let j = 1; j < breakpoints.length; j++) {
    costBefore[j] = costBefore[j - 1]! + unitCosts[j - 1]! * (breakpoints[j]! - breakpoints[j - 1]!);
  }
  const purchaseCost = (Q: number) => {
    const j = segmentOf(breakpoints, Q);
    return { j, total: costBefore[j]! + unitCosts[j]! * (Q - breakpoints[j]!) };
  };
  const costAt = (Q: number) => {
    const { j, total } = purchaseCost(Q);
    return { cost: (lambda * total) / Q + (K * lambda) / Q + (i * total) / 2, segment: j, unitCost: total / Q };
  };
  if (input.orderQuantity !== undefined) return discountResult('evaluated', input.orderQuantity, costAt, lambda);
  const candidates = breakpoints.filter((b) => b > 0);
  unitCosts.forEach((c, j) => {
    const beta = costBefore[j]! - c * breakpoints[j]!;
    const Q = Math.sqrt((2 * lambda * (K + beta)) / (i * c));
    const next = breakpoints[j + 1] ?? Number.POSITIVE_INFINITY;
    if (Q >= breakpoints[j]! && Q < next) candidates.push(Q);
  });
  let best = candidates[0]!;
  for (const Q of candidates) if (costAt(Q).cost < costAt(best).cost) best = Q;
  return discountResult('optimized', best, costAt, lambda);
}

function segmentOf(breakpoints: readonly number[], Q: number): number {
  let j = 0;
  while (j + 1 < breakpoints.length && Q >= breakpoints[j + 1]!) j++;
  return j;
}

function discountResult(
  mode: Mode,
  Q: number,
  costAt: (Q: number) => { cost: number; segment: number; unitCost: number },
  lambda: number,
): DiscountResult {
  return { mode, orderQuantity: Q, ...costAt(Q), orderInterval: Q / lambda };
}

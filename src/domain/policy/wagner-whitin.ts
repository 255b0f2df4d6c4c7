/**
 * Wagner–Whitin: order quantities over a finite horizon of known, time-varying demands, no backorders, no capacity
 * limit, no starting stock. Each order costs K; each unit left at the end of a period costs h.
 */

export type WagnerWhitinInput = {
  /** K, money per order. */
  fixedCost: number;
  /** h, money per unit held at the end of a period. */
  holdingCost: number;
  /** d_1..d_T, units demanded in each period. */
  demands: readonly number[];
  /** A plan to evaluate instead of optimizing: units ordered (and received) at the start of each period. */
  orderQuantities?: readonly number[] | undefined;
};

export type WagnerWhitinResult = {
  mode: 'optimized' | 'evaluated';
  /** Units ordered at the start of each period, aligned with `demands`. */
  orderQuantities: number[];
  /** Total cost over the horizon, money: K per order plus h per unit of ending stock per period. */
  cost: number;
  /** 1-based periods in which an order is placed. */
  orderPeriods: number[];
  /** Units on hand at the end of each period. */
  endingInventory: number[];
};

/**
 * Wagner–Whitin dynamic program (zero-inventory ordering): θ_{T+1} = 0 and
 * θ_t = min_{t < s ≤ T+1} { K + h·Σ_{i=t}^{s−1} (i − t)d_i + θ_s }, an order in t covering periods t..s−1; a period with
 * no demand and no stock needs no order (θ_t = θ_{t+1}). O(T²).
 *
 * Source: Wagner & Whitin, *Manage. Sci.* 5(1), 1958; Snyder & Shen (2019), ch. 3, eq. (3.39) and Algorithm 3.1.
 * Units: K money/order, h money/(unit·period), demands units → quantities units, cost money.
 *
 * @example solveWagnerWhitin({ fixedCost: 500, holdingCost: 2, demands: [90, 120, 80, 70] })
 * // order 210 in period 1 and 150 in period 3; cost 1380 (S&S Ex. 3.9)
 */
export function solveWagnerWhitin(input: WagnerWhitinInput): WagnerWhitinResult {
  const { fixedCost: K, holdingCost: h, demands } = input;
  if (input.orderQuantities !== undefined) return evaluatePlan(input, input.orderQuantities);
  const T = demands.length;
  const theta = new Array<number>(T + 1).fill(0);
  const next = new Array<number>(T).fill(T);
  for (let t = T - 1; t >= 0; t--) {
    if (demands[t] === 0) {
      theta[t] = theta[t + 1]!;
      next[t] = -1;
      continue;
    }
    let best = Number.POSITIVE_INFINITY;
    let holding = 0;
    for (let s = t + 1; s <= T; s++) {
      holding += h * (s - 1 - t) * demands[s - 1]!;
      const cost = K + holding + theta[s]!;
      if (cost < best) {
        best = cost;
        next[t] = s;
      }
    }
    theta[t] = best;
  }
  const quantities = new Array<number>(T).fill(0);
  for (let t = 0; t < T; ) {
    if (next[t] === -1) {
      t++;
      continue;
    }
    const until = next[t]!;
    quantities[t] = demands.slice(t, until).reduce((sum, d) => sum + d, 0);
    t = until;
  }
  return { ...evaluatePlan(input, quantities), mode: 'optimized' };
}

/** Cost of a given plan: K for each period with a positive order, h per unit of ending stock. */
function evaluatePlan(input: WagnerWhitinInput, quantities: readonly number[]): WagnerWhitinResult {
  let stock = 0;
  let cost = 0;
  const endingInventory: number[] = [];
  const orderPeriods: number[] = [];
  input.demands.forEach((d, t) => {
    const q = quantities[t] ?? 0;
    if (q > 0) {
      cost += input.fixedCost;
      orderPeriods.push(t + 1);
    }
    stock += q - d;
    endingInventory.push(stock);
    cost += input.holdingCost * Math.max(stock, 0);
  });
  return { mode: 'evaluated', orderQuantities: [...quantities], cost, orderPeriods, endingInventory };
}

/** The first period (1-based) in which a plan leaves demand unmet, or undefined when it never does. */
export function findFirstShortage(demands: readonly number[], quantities: readonly number[]): number | undefined {
  let stock = 0;
  for (let t = 0; t < demands.length; t++) {
    stock += (quantities[t] ?? 0) - demands[t]!;
    if (stock < -1e-9) return t + 1;
  }
  return undefined;
}

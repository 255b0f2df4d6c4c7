import { describe, expect, it } from 'vitest';
import { computeBaseStock } from '../policy/base-stock.js';
import { demandFunctionsOf, integerLoss, normalCdf, tabulatePoisson } from '../policy/distributions.js';
import { computeRQ } from '../policy/r-q.js';
import { computeSafetyStock } from '../policy/safety-stock.js';
import { createRandom, deriveSeed } from './random.js';
import { simulateItem } from './simulate-item.js';
import type { Disruptions, SimConfig, SimItem, SimRunResult } from './types.js';

/**
 * Long simulations against closed forms. Every tolerance is Z standard errors of the simulated mean (the standard
 * deviation over independent runs ÷ √runs) plus, where the simulation starts away from the steady state, a bound of
 * that bias computed from the model, never a hand-tuned margin. Z = 4: a correct simulator fails such a check with
 * probability about 6·10⁻⁵; the seeds are fixed, so a run is repeatable.
 *
 * Timing of the simulator (simulate-item.ts): on day d receipts come first, then demand, then the trigger looks at the
 * position and an order sent on day d is received at the start of day d + L. So the stock at the end of day d + L − 1
 * has had to cover the demand of days d + 1 … d + L − 1 plus, for a policy that orders each day, day d's own: an
 * order-up-to position protects L days of demand (L − 1 days of lead time and a review period of one day, in the terms
 * of Snyder & Shen's periodic base-stock model, where an order placed at the start of a period arrives L periods
 * later and protects L + 1).
 */

const Z = 4;
const noDisruptions: Disruptions = { outages: [], leadTimeFactors: [], demandFactors: [] };

function baseItem(over: Partial<SimItem>): SimItem {
  return {
    key: 'THEORY@MAIN',
    supplier: 'ACME',
    policy: { kind: 'reorder_point', reorderPointMilli: 0, targetMilli: 1000 },
    extraSafetyStockMilli: 0,
    demand: { kind: 'poisson', meanPerDay: 1 },
    leadTime: { kind: 'fixed', days: 1 },
    moqMilli: null,
    packSizeMilli: null,
    initialOnHandMilli: 0,
    unitCostMinor: 365,
    holdingRatePerYear: 1,
    orderingCostMinor: 0,
    stockoutCostMinor: 0,
    ...over,
  };
}

/** Mean and standard error of per-run values. */
function meanAndStandardError(values: number[]): { mean: number; se: number } {
  const n = values.length;
  const mean = values.reduce((sum, x) => sum + x, 0) / n;
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

function runs(item: SimItem, config: SimConfig, count: number, seed: number): SimRunResult[] {
  return Array.from({ length: count }, (_, run) =>
    simulateItem(item, config, noDisruptions, createRandom(deriveSeed(seed, item.key, run))),
  );
}

describe('validation against theory', () => {
  it('reproduces the fill rate and on hand of a base-stock policy under Poisson demand (Snyder & Shen, ch. 4)', () => {
    // Base stock S = 24 with Poisson(4) demand a day and a fixed lead time of 5 days, backorders: the reorder-point
    // policy with s = S − 1 orders S − position every day a unit is demanded, i.e. keeps the position at S.
    const lambda = 4;
    const L = 5;
    const S = 24;
    const H = 2000;
    const item = baseItem({
      policy: { kind: 'reorder_point', reorderPointMilli: (S - 1) * 1000, targetMilli: S * 1000 },
      demand: { kind: 'poisson', meanPerDay: lambda },
      leadTime: { kind: 'fixed', days: L },
      initialOnHandMilli: S * 1000,
    });
    const results = runs(item, { horizonDays: H, unmetDemand: 'backorders', trajectories: false }, 1000, 41);

    // Snyder & Shen, Fundamentals of Supply Chain Theory, 2nd ed. (2019), ch. 4 (base-stock with lead time L'): the fill
    // rate is β = 1 − [n_{L'+1}(S) − n_{L'}(S)]/λ, with n_k the Poisson loss function of k periods' demand. The simulator's
    // lead time L is L' = L − 1 periods of that model (see the timing note above).
    const model = computeBaseStock({
      holdingCost: 1,
      stockoutCost: 9,
      demand: { kind: 'poisson', mean: lambda },
      leadTime: L - 1,
      baseStockLevel: S,
    });
    // From day L − 1 on, each day adds n_L(S) − n_{L−1}(S) = λ(1 − β) backorders in expectation. Before, the pipeline
    // is still empty: day t < L − 1 has seen only t + 1 days of demand, and those days add up to n_{L−1}(S) − n_0(S).
    const loss = (days: number) => demandFunctionsOf({ kind: 'poisson', mean: lambda * days }).loss(S);
    const expectedShort = loss(L - 1).loss + (H - L + 1) * lambda * (1 - model.fillRate);
    const expectedFill = 1 - expectedShort / (lambda * H);
    const fill = meanAndStandardError(results.map((r) => 1 - r.shortMilli / 1000 / (lambda * H)));
    expect(Math.abs(fill.mean - expectedFill)).toBeLessThan(Z * fill.se);

    // Mean end-of-day on hand: n̄_L(S) in the steady state (the newsvendor's expected leftover), n̄_{t+1}(S) before.
    let onHandSum = (H - L + 1) * model.expectedLeftover;
    for (let t = 0; t < L - 1; t++) onHandSum += loss(t + 1).complementaryLoss;
    // averageOnHandMilli is rounded to the milli-unit: half a milli-unit more of slack.
    const onHand = meanAndStandardError(results.map((r) => r.averageOnHandMilli / 1000));
    expect(Math.abs(onHand.mean - onHandSum / H)).toBeLessThan(Z * onHand.se + 0.0005);

    // The check can fail: the same runs are far from the fill rate of a lead time one day longer or shorter.
    for (const wrongLeadTime of [L - 2, L]) {
      const wrong = computeBaseStock({
        holdingCost: 1,
        stockoutCost: 9,
        demand: { kind: 'poisson', mean: lambda },
        leadTime: wrongLeadTime,
        baseStockLevel: S,
      });
      expect(Math.abs(fill.mean - wrong.fillRate)).toBeGreaterThan(Z * fill.se);
    }
  });

  it('reproduces the expected cost per day of an (r, Q) policy from the exact Poisson calculator (Snyder & Shen, ch. 5)', () => {
    // (r, Q) = (10, 20), Poisson(3) a day, lead time 4 days, backorders. The simulator's reorder-point policy with
    // s = r, S = r + 1 and packs of Q orders S − position rounded up to whole packs, i.e. the fewest Q's that lift the
    // position above r: an (r, nQ) policy, whose position after ordering is uniform on {r + 1, …, r + Q} in the steady
    // state, as the calculator assumes (Zipkin, Foundations of Inventory Management, 2000, ch. 6). (S = r + Q would
    // round a need of Q + 1 up to 2Q.)
    const lambda = 3;
    const L = 4;
    const r = 10;
    const Q = 20;
    const H = 800;
    const warmUp = 200;
    // Costs per unit-day and per order, in the calculator's convention (p per unit backordered per day).
    const h = 0.5;
    const p = 4;
    const K = 30;
    const item = baseItem({
      policy: { kind: 'reorder_point', reorderPointMilli: r * 1000, targetMilli: (r + 1) * 1000 },
      demand: { kind: 'poisson', meanPerDay: lambda },
      leadTime: { kind: 'fixed', days: L },
      packSizeMilli: Q * 1000,
      initialOnHandMilli: (r + Q) * 1000,
    });
    const results = runs(item, { horizonDays: H, unmetDemand: 'backorders', trajectories: true }, 1000, 42);

    // The simulator reports per-unit shortages, not unit-days of backorders; its trajectories give them: an order sent
    // on day d is open at the end of days d … d + L − 1, so backorders = on hand + on order − position.
    const costPerDay = results.map((result) => {
      const { onHandMilli, positionMilli, orderedMilli } = result.trajectory!;
      let onOrder = 0;
      let cost = 0;
      for (let day = 0; day < H; day++) {
        onOrder += orderedMilli[day]!;
        if (day >= L) onOrder -= orderedMilli[day - L]!;
        if (day < warmUp) continue;
        const backorders = (onHandMilli[day]! + onOrder - positionMilli[day]!) / 1000;
        cost += h * (onHandMilli[day]! / 1000) + p * backorders + (orderedMilli[day]! > 0 ? K : 0);
      }
      return cost / (H - warmUp);
    });
    const simulated = meanAndStandardError(costPerDay);

    // Snyder & Shen (2019), eq. (5.48): g(r, Q) = (Kλ + Σ_{y=r+1}^{r+Q} g(y))/Q with g(y) = h·E(y − D_L)⁺ + p·E(D_L − y)⁺.
    const model = computeRQ({
      holdingCost: h,
      stockoutCost: p,
      fixedCost: K,
      demandMean: lambda,
      demandSd: Math.sqrt(lambda),
      leadTime: L,
      distribution: 'poisson',
      method: 'exact',
      reorderPoint: r,
      orderQuantity: Q,
    });
    // Reviewed once a day, an order is placed on a day with probability E[min(D, Q)]/Q, not λ/Q: the ordering cost is
    // lower by K·E(D − Q)⁺/Q (1 unit is 20 here: about 10⁻¹⁰).
    const dailyDemand = tabulatePoisson(lambda);
    const orderingBias = (K * integerLoss(dailyDemand, Q).loss) / Q;
    // The position starts at r + Q, not uniform: its distance to uniform after the warm-up, by the exact chain
    // y → r + 1 + ((y − D − r − 1) mod Q), times the largest gap between a state's cost and the average.
    const leadDemand = tabulatePoisson(lambda * L);
    const g = (y: number) => {
      const { loss, complementaryLoss } = integerLoss(leadDemand, y);
      return h * complementaryLoss + p * loss;
    };
    let distribution: number[] = Array.from({ length: Q }, (_, i) => (i === Q - 1 ? 1 : 0));
    for (let step = 0; step <= warmUp - L; step++) {
      const next = new Array<number>(Q).fill(0);
      for (let from = 0; from < Q; from++) {
        for (let demand = 0; demand < 60; demand++) {
          const to = (((from - demand) % Q) + Q) % Q;
          next[to] = next[to]! + (distribution[from]! * Math.exp(-lambda) * lambda ** demand) / factorial(demand);
        }
      }
      distribution = next;
    }
    const distance = distribution.reduce((sum, probability) => sum + Math.abs(probability - 1 / Q), 0) / 2;
    const states = Array.from({ length: Q }, (_, i) => g(r + 1 + i));
    const averageOfStates = states.reduce((sum, cost) => sum + cost, 0) / Q;
    const gapOfCost = Math.max(...states.map((cost) => Math.abs(cost - averageOfStates)));
    const startBias = 2 * distance * (gapOfCost + K);

    expect(distance).toBeLessThan(1e-9);
    expect(Math.abs(simulated.mean - model.cost)).toBeLessThan(Z * simulated.se + orderingBias + startBias);
    // A discriminating check: the cost of the same policy one day of lead time longer is far outside.
    const longer = computeRQ({ ...modelInput(h, p, K, lambda, L + 1), reorderPoint: r, orderQuantity: Q });
    expect(Math.abs(simulated.mean - longer.cost)).toBeGreaterThan(Z * simulated.se);
  });

  // Normal demand of 20 ± 4 a day, a fixed lead time of 5 days, backorders. A cycle runs from one receipt to the next
  // and is free of stock-outs when the level the position is raised to covers the demand of the protection interval
  // (R + L − 1 days in the simulator's timing, R the days between orders). Silver, Pyke & Thomas, Inventory and
  // Production Management in Supply Chains, 4th ed. (2017), ch. 6: the level is μ·P + Φ⁻¹(α)·σ·√P over a protection
  // interval of P periods (for an (R, S) system, the reorder-point formulas with the lead time replaced by R + L).
  it.each([
    {
      policy: 'a reorder point that orders every day (s = S − 0.001)',
      reviewDays: 1,
      // 20·5 + 1.6448536 × 4·√5 = 100 + 14.71202 = 114.71202 → 114.713 rounded up to the milli-unit.
      levelMilli: 114_713,
    },
    {
      policy: 'an order-up-to level reviewed every 7 days',
      reviewDays: 7,
      // 20·11 + 1.6448536 × 4·√11 = 220 + 21.82147 = 241.82147 → 241.822.
      levelMilli: 241_822,
    },
  ])(
    'achieves the 95 % cycle service level of $policy designed with computeSafetyStock',
    ({ reviewDays, levelMilli }) => {
      const L = 5;
      const protection = reviewDays + L - 1;
      const design = computeSafetyStock({
        demandMean: 20,
        demandSd: 4,
        leadTime: protection,
        leadTimeSd: 0,
        serviceLevel: 0.95,
        serviceType: 'cycle',
      });
      const level = Math.ceil(design.reorderPoint * 1000);
      expect(level).toBe(levelMilli);
      const item = baseItem({
        policy:
          reviewDays === 1
            ? { kind: 'reorder_point', reorderPointMilli: level - 1, targetMilli: level }
            : { kind: 'periodic_review', reviewDays, targetMilli: level },
        demand: { kind: 'normal', meanPerDay: 20, sdPerDay: 4 },
        leadTime: { kind: 'fixed', days: L },
        initialOnHandMilli: level,
      });
      const results = runs(item, { horizonDays: 730, unmetDemand: 'backorders', trajectories: false }, 1000, 43);
      const csl = meanAndStandardError(results.map((r) => r.cycleServiceLevel));
      // The level is rounded up to the milli-unit, so its own service level is a hair above 0.95. Demand below zero
      // (5 sd down, probability 3·10⁻⁷ a day) is cut at zero: 2·10⁻⁷ units a day more, under 10⁻⁶ of service level.
      const expected = normalCdf((level / 1000 - protection * 20) / (4 * Math.sqrt(protection)));
      expect(expected).toBeCloseTo(0.95, 4);
      expect(Math.abs(csl.mean - expected)).toBeLessThan(Z * csl.se + 1e-6);
      // Precise enough to tell 95 % from 94 % or 96 %.
      expect(Z * csl.se).toBeLessThan(0.005);
    },
  );
});

function modelInput(h: number, p: number, K: number, lambda: number, L: number) {
  return {
    holdingCost: h,
    stockoutCost: p,
    fixedCost: K,
    demandMean: lambda,
    demandSd: Math.sqrt(lambda),
    leadTime: L,
    distribution: 'poisson' as const,
    method: 'exact' as const,
  };
}

function factorial(n: number): number {
  let product = 1;
  for (let k = 2; k <= n; k++) product *= k;
  return product;
}

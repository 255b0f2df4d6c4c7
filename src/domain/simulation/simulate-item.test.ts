import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundOrderQuantity } from '../replenishment/order-sizing.js';
import { evaluateTrigger } from '../replenishment/trigger.js';
import { createRandom, deriveSeed } from './random.js';
import { simulateItem, toReplenishmentPolicy } from './simulate-item.js';
import type { Disruptions, SimConfig, SimItem, SimRunResult } from './types.js';
import { validateSimulation } from './validate-simulation.js';

// The walks below use a demand of exactly 10 a day (a replayed history of one day), s = 30, S = 60, a fixed lead time
// of 2 days and 60 on hand at the start, so every day can be followed by hand: without disruptions the stock goes
// 50, 40, 30 (order 30 on day 2, due day 4), 20, 40 (30 arrive, 10 sold), 30 (order, due day 7), 20, 40, …
const item = (over: Partial<SimItem> = {}): SimItem => ({
  key: 'BOLT-M8@MAIN',
  supplier: 'ACME',
  policy: { kind: 'reorder_point', reorderPointMilli: 30_000, targetMilli: 60_000 },
  extraSafetyStockMilli: 0,
  demand: { kind: 'replay', history: new Float64Array([10]) },
  leadTime: { kind: 'fixed', days: 2 },
  moqMilli: null,
  packSizeMilli: null,
  initialOnHandMilli: 60_000,
  unitCostMinor: 365,
  holdingRatePerYear: 1,
  orderingCostMinor: 500,
  stockoutCostMinor: 200,
  ...over,
});
const noDisruptions: Disruptions = { outages: [], leadTimeFactors: [], demandFactors: [] };
const config = (horizonDays: number, over: Partial<SimConfig> = {}): SimConfig => ({
  horizonDays,
  unmetDemand: 'lost_sales',
  trajectories: true,
  ...over,
});

function run(simItem: SimItem, simConfig: SimConfig, disruptions = noDisruptions, seed = 1): SimRunResult {
  validateSimulation([simItem], simConfig, disruptions);
  return simulateItem(simItem, simConfig, disruptions, createRandom(seed));
}

const units = (milli: Float64Array | undefined) => Array.from(milli ?? [], (m) => m / 1000);
/** Days with an order, and their quantities in units. */
const orders = (result: SimRunResult) =>
  units(result.trajectory?.orderedMilli)
    .map((quantity, day) => [day, quantity] as const)
    .filter(([, quantity]) => quantity > 0);

describe('simulateItem, walked by hand', () => {
  it('orders S − position at s, receives after the lead time and costs the days', () => {
    const result = run(item(), config(10));
    expect(units(result.trajectory?.onHandMilli)).toEqual([50, 40, 30, 20, 40, 30, 20, 40, 30, 20]);
    // Orders on days 2, 5 and 8; the last is due on day 10, past the horizon, so it stays open.
    expect(orders(result)).toEqual([
      [2, 30],
      [5, 30],
      [8, 30],
    ]);
    expect(result).toMatchObject({
      ordersPlaced: 3,
      orderedMilli: 90_000,
      receivedMilli: 60_000,
      openOnOrderMilli: 30_000,
      demandMilli: 100_000,
      servedMilli: 100_000,
      shortMilli: 0,
      stockoutDays: 0,
      fillRate: 1,
      // Arrivals on days 4 and 7: one cycle between them, without a stock-out.
      cycleServiceLevel: 1,
      // Σ on hand = 320 unit-days: holding 320 × 365 × 1 ÷ 365 = 320; 3 orders × 500; average 32 units × 365.
      holdingCostMinor: 320,
      orderingCostMinor: 1500,
      stockoutCostMinor: 0,
      totalCostMinor: 1820,
      averageOnHandMilli: 32_000,
      peakOnHandMilli: 50_000,
      averageCashMinor: 11_680,
      peakCashMinor: 18_250,
      onHandEndMilli: 20_000,
      backordersEndMilli: 0,
    });
    expect(units(result.trajectory?.positionMilli)).toEqual([50, 40, 60, 50, 40, 60, 50, 40, 60, 50]);
  });

  it('holds an order placed during an outage until it ends, and a delivery due in it until the day after', () => {
    // ACME closed on days 3–6. Order 1 (day 2) was due on day 4, inside: it arrives on day 7. Order 2 is placed on
    // day 5, inside: sent on day 7, it arrives on day 9. Day 6 finds the shelf empty: 10 lost.
    const closed: Disruptions = { ...noDisruptions, outages: [{ supplier: 'ACME', fromDay: 3, days: 4 }] };
    const result = run(item(), config(12), closed);
    expect(units(result.trajectory?.onHandMilli)).toEqual([50, 40, 30, 20, 10, 0, 0, 20, 10, 30, 20, 40]);
    expect(orders(result)).toEqual([
      [2, 30],
      [5, 30],
      [9, 30],
    ]);
    expect(result).toMatchObject({ shortMilli: 10_000, stockoutDays: 1, stockoutCostMinor: 2000 });
  });

  it('delays exactly the orders an outage touches', () => {
    // Closed on days 5–6 only: order 1 (day 2, due day 4) is untouched; order 2, placed on day 5, leaves on day 7
    // and arrives on day 9 instead of 7; the run is the undisturbed one up to day 6.
    const closed: Disruptions = { ...noDisruptions, outages: [{ supplier: 'ACME', fromDay: 5, days: 2 }] };
    const open = units(run(item(), config(12)).trajectory?.onHandMilli);
    const shut = units(run(item(), config(12), closed).trajectory?.onHandMilli);
    expect(open).toEqual([50, 40, 30, 20, 40, 30, 20, 40, 30, 20, 40, 30]);
    expect(shut).toEqual([50, 40, 30, 20, 40, 30, 20, 10, 0, 20, 40, 30]);
    expect(shut.slice(0, 7)).toEqual(open.slice(0, 7));
  });

  it('ignores an outage of another supplier', () => {
    const other: Disruptions = { ...noDisruptions, outages: [{ supplier: 'OTHER', fromDay: 0, days: 10 }] };
    const items = [item(), item({ key: 'NUT@MAIN', supplier: 'OTHER' })];
    validateSimulation(items, config(10), other);
    const result = simulateItem(items[0]!, config(10), other, createRandom(1));
    expect(result).toEqual(run(item(), config(10)));
  });

  it('multiplies the lead time of orders sent in a blow-out window, rounded up', () => {
    // Lead times × 3 for orders sent on days 0–2: order 1 (day 2) takes ⌈2 × 3⌉ = 6 days, due day 8; order 2
    // (day 5) takes 2 and overtakes it on day 7. Day 6 runs out.
    const slow: Disruptions = {
      ...noDisruptions,
      leadTimeFactors: [{ supplier: 'ACME', fromDay: 0, days: 3, factor: 3 }],
    };
    const result = run(item(), config(10), slow);
    expect(units(result.trajectory?.onHandMilli)).toEqual([50, 40, 30, 20, 10, 0, 0, 20, 40, 30]);
    expect(orders(result).map(([day]) => day)).toEqual([2, 5, 9]);
    expect(result.shortMilli).toBe(10_000);
  });

  it('delivers a share and the rest one lead time later', () => {
    // Every delivery short (probability 1) by half: 15 on day 4 and 15 on day 6 for the order of day 2, …
    const result = run(item({ partialDelivery: { probability: 1, fraction: 0.5 } }), config(10));
    expect(units(result.trajectory?.onHandMilli)).toEqual([50, 40, 30, 20, 25, 15, 20, 25, 15, 20]);
    expect(orders(result)).toEqual([
      [2, 30],
      [5, 30],
      [8, 30],
    ]);
    expect(result).toMatchObject({ orderedMilli: 90_000, receivedMilli: 60_000, openOnOrderMilli: 30_000 });
  });

  it('rounds a need to MOQ and pack as the real trigger: 30 → packs of 12 ≥ MOQ 50 = 60', () => {
    const rules = { moqMilli: 50_000, packSizeMilli: 12_000 };
    const result = run(item(rules), config(3));
    expect(orders(result)).toEqual([[2, 60]]);
    const verdict = evaluateTrigger({ policy: toReplenishmentPolicy(item().policy, 0), positionMilli: 30_000 });
    expect(verdict.kind === 'order' && roundOrderQuantity(verdict.quantityMilli, rules)).toBe(60_000);
  });

  it('loses unmet demand under lost sales and keeps it under backorders, filled by the next receipt', () => {
    const closed: Disruptions = { ...noDisruptions, outages: [{ supplier: 'ACME', fromDay: 3, days: 4 }] };
    const lost = run(item(), config(12), closed);
    const kept = run(item(), config(12, { unmetDemand: 'backorders' }), closed);
    // Backorders: the 10 short on day 6 lower the position to 50 and take 10 of day 7's receipt.
    expect(units(kept.trajectory?.onHandMilli)).toEqual([50, 40, 30, 20, 10, 0, 0, 10, 0, 20, 40, 30]);
    expect(units(kept.trajectory?.positionMilli)[6]).toBe(50);
    expect(orders(kept).map(([day]) => day)).toEqual([2, 5, 8, 11]);
    for (const result of [lost, kept]) {
      expect(result).toMatchObject({ demandMilli: 120_000, servedMilli: 110_000, shortMilli: 10_000 });
    }
    expect(kept.backordersEndMilli).toBe(0);
    // On hand at the end = 60 + received − served − backorders filled: 60 + 90 − 110 − 10 = 30.
    expect(kept).toMatchObject({ receivedMilli: 90_000, onHandEndMilli: 30_000 });
    // Lost sales: 60 + 90 − 110 = 40.
    expect(lost).toMatchObject({ receivedMilli: 90_000, onHandEndMilli: 40_000 });
  });

  it('counts cycles between arrivals and the stock-outs in them', () => {
    // Demand × 5 on day 5 (50 against 40 on hand): 10 short on day 5 and 10 on day 6. Arrivals on days 4, 7 and 11:
    // the cycle 4–6 ran out, the cycle 7–10 did not, so the cycle service level is 1/2; fill rate 140 ÷ 160.
    const spike: Disruptions = { ...noDisruptions, demandFactors: [{ fromDay: 5, days: 1, factor: 5 }] };
    const result = run(item(), config(12), spike);
    expect(units(result.trajectory?.onHandMilli)).toEqual([50, 40, 30, 20, 40, 0, 0, 50, 40, 30, 20, 40]);
    expect(result).toMatchObject({
      demandMilli: 160_000,
      servedMilli: 140_000,
      shortMilli: 20_000,
      stockoutDays: 2,
      fillRate: 0.875,
      cycleServiceLevel: 0.5,
      stockoutCostMinor: 4000,
    });
  });

  it('applies a demand factor only inside its window and to the items it names', () => {
    const busy: Disruptions = {
      ...noDisruptions,
      demandFactors: [{ items: ['BOLT-M8@MAIN'], fromDay: 3, days: 2, factor: 1.8 }],
    };
    // 10 a day for 10 days, 18 on days 3 and 4: 100 + 2 × 8 = 116.
    expect(run(item(), config(10), busy).demandMilli).toBe(116_000);
    const items = [item(), item({ key: 'NUT@MAIN' })];
    validateSimulation(items, config(10), busy);
    expect(simulateItem(items[1]!, config(10), busy, createRandom(1)).demandMilli).toBe(100_000);
  });

  it('orders each day exactly the day’s demand under make-to-order', () => {
    const result = run(
      item({ policy: { kind: 'make_to_order' }, initialOnHandMilli: 0 }),
      config(10, { unmetDemand: 'backorders' }),
    );
    // Day d's 10 are ordered on day d and arrive on day d + 2 for the backorders: 20 stay open at the end.
    expect(orders(result)).toEqual(Array.from({ length: 10 }, (_, day) => [day, 10]));
    expect(units(result.trajectory?.onHandMilli)).toEqual(new Array(10).fill(0));
    expect(result).toMatchObject({
      ordersPlaced: 10,
      orderedMilli: 100_000,
      receivedMilli: 80_000,
      openOnOrderMilli: 20_000,
      backordersEndMilli: 20_000,
      servedMilli: 0,
      shortMilli: 100_000,
      fillRate: 0,
    });
  });

  it('orders one container per card emptied in a kanban loop, whole containers whatever the pack', () => {
    // 3 cards of 20: the first container is empty on day 1 (40 left), its card orders 20, due day 3, and so on.
    const kanban = item({
      policy: { kind: 'kanban', cards: 3, containerQuantityMilli: 20_000 },
      packSizeMilli: 12_000,
      moqMilli: 50_000,
    });
    const result = run(kanban, config(8));
    expect(units(result.trajectory?.onHandMilli)).toEqual([50, 40, 30, 40, 30, 40, 30, 40]);
    expect(orders(result)).toEqual([
      [1, 20],
      [3, 20],
      [5, 20],
      [7, 20],
    ]);
  });

  it('adds ⌈extra ÷ container⌉ cards to a kanban loop for just-in-case stock', () => {
    // 25 extra with containers of 20: 2 more cards, a loop of 100. Day 0: 50 on hand, ⌊(100 − 50) ÷ 20⌋ = 2 emptied.
    const result = run(
      item({ policy: { kind: 'kanban', cards: 3, containerQuantityMilli: 20_000 }, extraSafetyStockMilli: 25_000 }),
      config(1),
    );
    expect(orders(result)).toEqual([[0, 40]]);
  });

  it('orders up to S at each review, every R days from day 0, and never between', () => {
    const review = item({
      policy: { kind: 'periodic_review', reviewDays: 3, targetMilli: 60_000 },
      leadTime: { kind: 'fixed', days: 1 },
    });
    const result = run(review, config(9));
    expect(orders(result)).toEqual([
      [0, 10],
      [3, 30],
      [6, 30],
    ]);
    expect(units(result.trajectory?.onHandMilli)).toEqual([50, 50, 40, 30, 50, 40, 30, 50, 40]);
  });

  it('raises s and S by the just-in-case stock', () => {
    // s = 40, S = 70: the position reaches s on day 1 (40 on hand), which orders 70 − 40 = 30.
    const result = run(item({ extraSafetyStockMilli: 10_000 }), config(3));
    expect(orders(result)).toEqual([[1, 30]]);
    expect(toReplenishmentPolicy({ kind: 'periodic_review', reviewDays: 7, targetMilli: 50_000 }, 5_000)).toMatchObject(
      {
        targetMilli: 55_000,
      },
    );
    expect(toReplenishmentPolicy({ kind: 'make_to_order' }, 5_000)).toEqual({ kind: 'make_to_order' });
  });

  it('multiplies parametric demand by the weekly shape', () => {
    // Poisson(1) × 7 on weekday 0 and nothing on the other days: demand only every 7th day, 700 expected in 700 days
    // (Poisson total, sd √700 ≈ 26.5).
    const weekly = item({
      demand: { kind: 'poisson', meanPerDay: 1 },
      shape: { weekly: [7, 0, 0, 0, 0, 0, 0] },
      policy: { kind: 'reorder_point', reorderPointMilli: 0, targetMilli: 1_000 },
      initialOnHandMilli: 10_000_000,
    });
    const result = run(weekly, config(700));
    const onHand = units(result.trajectory?.onHandMilli);
    for (let day = 1; day < 700; day++) if (day % 7 !== 0) expect(onHand[day]).toBe(onHand[day - 1]);
    expect(Math.abs(result.demandMilli / 1000 - 700)).toBeLessThan(5 * Math.sqrt(700));
  });

  it('draws whole units for Poisson and negative binomial demand and milli-units otherwise', () => {
    for (const demand of [
      { kind: 'poisson', meanPerDay: 2.5 },
      { kind: 'negative_binomial', meanPerDay: 2.5, sdPerDay: 3 },
    ] as const) {
      const result = run(item({ demand }), config(200));
      expect(result.demandMilli % 1000).toBe(0);
    }
    const normal = run(item({ demand: { kind: 'normal', meanPerDay: 2.5, sdPerDay: 1 } }), config(200));
    expect(Number.isInteger(normal.demandMilli)).toBe(true);
    expect(normal.demandMilli % 1000).not.toBe(0);
  });
});

describe('simulateItem, determinism', () => {
  const busy = item({
    demand: { kind: 'negative_binomial', meanPerDay: 4, sdPerDay: 3 },
    shape: { weekly: [1.2, 1.1, 1, 1, 0.9, 0.5, 0.3], spikes: { probability: 0.02, multiplier: 4 } },
    leadTime: { kind: 'gamma', meanDays: 6, sdDays: 2 },
    partialDelivery: { probability: 0.2, fraction: 0.6 },
    moqMilli: 10_000,
    packSizeMilli: 5_000,
  });
  const disruptions: Disruptions = {
    outages: [{ supplier: 'ACME', fromDay: 100, days: 21 }],
    leadTimeFactors: [{ fromDay: 200, days: 60, factor: 3 }],
    demandFactors: [{ fromDay: 300, days: 14, factor: 1.8 }],
  };
  const runOf = (runNumber: number, simItem = busy, horizonDays = 730) =>
    simulateItem(simItem, config(horizonDays), disruptions, createRandom(deriveSeed(9, simItem.key, runNumber)));

  it('gives the same result bit for bit for the same seed, key and run, whatever ran before in the thread', () => {
    validateSimulation([busy], config(730), disruptions);
    const first = runOf(0);
    // Another item on a longer horizon grows and dirties the shared scratch in between.
    runOf(0, item({ key: 'OTHER@MAIN', leadTime: { kind: 'lognormal', meanDays: 30, sdDays: 10 } }), 2000);
    expect(runOf(0)).toEqual(first);
  });

  it('gives different results for different runs', () => {
    expect(runOf(1).totalCostMinor).not.toBe(runOf(0).totalCostMinor);
    expect(runOf(1).trajectory?.onHandMilli).not.toEqual(runOf(0).trajectory?.onHandMilli);
  });

  it('gives the same result with and without trajectories', () => {
    const withTrajectory = runOf(3);
    const without = simulateItem(
      busy,
      config(730, { trajectories: false }),
      disruptions,
      createRandom(deriveSeed(9, busy.key, 3)),
    );
    expect(without.trajectory).toBeUndefined();
    expect({ ...withTrajectory, trajectory: undefined }).toEqual(without);
  });
});

describe('simulateItem, invariants', () => {
  const milli = (max: number) => fc.integer({ min: 0, max });
  const policy = fc.oneof(
    fc
      .tuple(milli(50_000), fc.integer({ min: 1, max: 60_000 }))
      .map(([s, q]) => ({ kind: 'reorder_point' as const, reorderPointMilli: s, targetMilli: s + q })),
    fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1_000, max: 20_000 }))
      .map(([cards, containerQuantityMilli]) => ({ kind: 'kanban' as const, cards, containerQuantityMilli })),
    fc
      .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1_000, max: 80_000 }))
      .map(([reviewDays, targetMilli]) => ({ kind: 'periodic_review' as const, reviewDays, targetMilli })),
    fc.constant({ kind: 'make_to_order' as const }),
  );
  const positive = (max: number) => fc.double({ min: 0.1, max, noNaN: true });
  const history = fc
    .array(fc.double({ min: 0, max: 15, noNaN: true }), { minLength: 1, maxLength: 30 })
    .map((days) => Float64Array.from(days));
  const demand = fc.oneof(
    positive(8).map((meanPerDay) => ({ kind: 'poisson' as const, meanPerDay })),
    fc
      .tuple(positive(8), positive(6))
      .map(([meanPerDay, sdPerDay]) => ({ kind: 'negative_binomial' as const, meanPerDay, sdPerDay })),
    fc
      .tuple(positive(8), positive(4))
      .map(([meanPerDay, sdPerDay]) => ({ kind: 'normal' as const, meanPerDay, sdPerDay })),
    fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), positive(10), positive(5))
      .map(([probability, sizeMean, sizeSd]) => ({ kind: 'intermittent' as const, probability, sizeMean, sizeSd })),
    history.map((h) => ({ kind: 'replay' as const, history: h })),
    fc
      .tuple(history, fc.integer({ min: 1, max: 10 }))
      .map(([h, blockDays]) => ({ kind: 'bootstrap' as const, history: h, blockDays })),
  );
  const leadTime = fc.oneof(
    fc.integer({ min: 0, max: 10 }).map((days) => ({ kind: 'fixed' as const, days })),
    fc
      .array(fc.double({ min: 0, max: 12, noNaN: true }), { minLength: 1, maxLength: 8 })
      .map((samplesDays) => ({ kind: 'empirical' as const, samplesDays })),
    fc
      .tuple(
        fc.constantFrom('normal' as const, 'gamma' as const, 'lognormal' as const),
        positive(10),
        fc.double({ min: 0, max: 5, noNaN: true }),
      )
      .map(([kind, meanDays, sdDays]) => ({ kind, meanDays, sdDays })),
  );
  const simItem = fc.record({
    policy,
    extraSafetyStockMilli: milli(20_000),
    demand,
    leadTime,
    moqMilli: fc.option(fc.integer({ min: 1, max: 30_000 }), { nil: null }),
    packSizeMilli: fc.option(fc.integer({ min: 1, max: 12_000 }), { nil: null }),
    partialDelivery: fc.option(
      fc.record({
        probability: fc.double({ min: 0, max: 1, noNaN: true }),
        fraction: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      }),
      { nil: undefined },
    ),
    initialOnHandMilli: milli(100_000),
  });
  const scenario = fc
    .record({
      simItem,
      horizonDays: fc.integer({ min: 1, max: 150 }),
      unmetDemand: fc.constantFrom('lost_sales' as const, 'backorders' as const),
      outage: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })), { nil: undefined }),
      slow: fc.option(
        fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.5, max: 4, noNaN: true })),
        {
          nil: undefined,
        },
      ),
      seed: fc.nat(),
    })
    .map(({ simItem: s, horizonDays, unmetDemand, outage, slow, seed }) => ({
      simItem: item(s),
      simConfig: config(horizonDays, { unmetDemand }),
      disruptions: {
        outages: outage === undefined ? [] : [{ supplier: 'ACME', fromDay: outage[0] % horizonDays, days: outage[1] }],
        leadTimeFactors:
          slow === undefined
            ? []
            : [{ supplier: 'ACME', fromDay: slow[0] % horizonDays, days: slow[1], factor: slow[2] }],
        demandFactors: [],
      },
      seed,
    }));

  it('conserves stock: what arrived = ordered − open, on hand = initial + received − served − backorders filled', () => {
    fc.assert(
      fc.property(scenario, ({ simItem: s, simConfig, disruptions, seed }) => {
        const result = run(s, simConfig, disruptions, seed);
        expect(result.servedMilli + result.shortMilli).toBe(result.demandMilli);
        expect(result.receivedMilli).toBe(result.orderedMilli - result.openOnOrderMilli);
        const filled = result.shortMilli - result.backordersEndMilli;
        if (simConfig.unmetDemand === 'lost_sales') expect(result.backordersEndMilli).toBe(0);
        expect(result.onHandEndMilli).toBe(
          s.initialOnHandMilli +
            result.receivedMilli -
            result.servedMilli -
            (simConfig.unmetDemand === 'backorders' ? filled : 0),
        );
        expect(result.openOnOrderMilli).toBeGreaterThanOrEqual(0);
        const trajectory = result.trajectory!;
        expect(trajectory.onHandMilli.every((m) => m >= 0 && Number.isInteger(m))).toBe(true);
        expect(trajectory.orderedMilli.reduce((sum, m) => sum + m, 0)).toBe(result.orderedMilli);
        for (const money of [
          result.holdingCostMinor,
          result.stockoutCostMinor,
          result.averageCashMinor,
          result.peakCashMinor,
        ]) {
          expect(Number.isInteger(money)).toBe(true);
        }
        expect(result.fillRate).toBeGreaterThanOrEqual(0);
        expect(result.fillRate).toBeLessThanOrEqual(1);
        expect(result.cycleServiceLevel).toBeGreaterThanOrEqual(0);
        expect(result.cycleServiceLevel).toBeLessThanOrEqual(1);
        expect(result.peakOnHandMilli).toBeGreaterThanOrEqual(result.averageOnHandMilli);
      }),
      { numRuns: 300 },
    );
  });

  it('orders on each day exactly what the real trigger would order for the position it saw', () => {
    fc.assert(
      fc.property(scenario, ({ simItem: s, simConfig, disruptions, seed }) => {
        fc.pre(s.policy.kind !== 'make_to_order');
        const result = run(s, simConfig, disruptions, seed);
        const policy = toReplenishmentPolicy(s.policy, s.extraSafetyStockMilli);
        const { positionMilli, orderedMilli } = result.trajectory!;
        for (let day = 0; day < simConfig.horizonDays; day++) {
          const before = positionMilli[day]! - orderedMilli[day]!;
          let expected = 0;
          if (policy.kind === 'kanban') {
            const loop = policy.cards * policy.containerQuantityMilli;
            const signalledCards = Math.floor((loop - before) / policy.containerQuantityMilli);
            const verdict = evaluateTrigger({ policy, positionMilli: before, signalledCards });
            expected = verdict.kind === 'order' ? verdict.quantityMilli : 0;
          } else {
            const isReview = policy.kind === 'periodic_review' && day % policy.reviewDays === 0;
            const verdict = evaluateTrigger({ policy, positionMilli: before, isReview });
            expected = verdict.kind === 'order' ? roundOrderQuantity(verdict.quantityMilli, s) : 0;
          }
          expect(orderedMilli[day]).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('validateSimulation', () => {
  const problemsOf = (items: SimItem[], simConfig: SimConfig, disruptions: Disruptions) => {
    try {
      validateSimulation(items, simConfig, disruptions);
    } catch (error) {
      expect(error).toMatchObject({ name: 'DomainError', code: 'LS_VALIDATION' });
      return {
        message: (error as Error).message,
        fields: (error as { details: { field: string }[] }).details.map((p) => p.field),
      };
    }
    return undefined;
  };

  it('accepts a sound simulation', () => {
    expect(problemsOf([item()], config(730), noDisruptions)).toBeUndefined();
  });

  it.each<[string, SimItem, string]>([
    ['a negative lead time', item({ leadTime: { kind: 'fixed', days: -1 } }), 'items[0].leadTime.days'],
    ['a NaN demand', item({ demand: { kind: 'poisson', meanPerDay: Number.NaN } }), 'items[0].demand.meanPerDay'],
    [
      'a NaN in a history',
      item({ demand: { kind: 'replay', history: new Float64Array([1, 2, Number.NaN]) } }),
      'items[0].demand.history[2]',
    ],
    [
      'an empty history',
      item({ demand: { kind: 'bootstrap', history: new Float64Array(0), blockDays: 7 } }),
      'items[0].demand.history',
    ],
    ['a negative gamma sd', item({ leadTime: { kind: 'gamma', meanDays: 5, sdDays: -1 } }), 'items[0].leadTime.sdDays'],
    [
      'no measured lead time',
      item({ leadTime: { kind: 'empirical', samplesDays: [] } }),
      'items[0].leadTime.samplesDays',
    ],
    [
      's above S',
      item({ policy: { kind: 'reorder_point', reorderPointMilli: 70_000, targetMilli: 60_000 } }),
      'items[0].policy.reorderPointMilli',
    ],
    [
      'no kanban card',
      item({ policy: { kind: 'kanban', cards: 0, containerQuantityMilli: 1000 } }),
      'items[0].policy.cards',
    ],
    ['a fractional milli-unit', item({ initialOnHandMilli: 0.5 }), 'items[0].initialOnHandMilli'],
    ['a pack of 0', item({ packSizeMilli: 0 }), 'items[0].packSizeMilli'],
    [
      'a partial share of 1',
      item({ partialDelivery: { probability: 0.1, fraction: 1 } }),
      'items[0].partialDelivery.fraction',
    ],
    ['a weekly shape of 5 days', item({ shape: { weekly: [1, 1, 1, 1, 1] } }), 'items[0].shape.weekly'],
  ])('refuses %s, naming the field', (_, bad, field) => {
    const found = problemsOf([bad], config(730), noDisruptions);
    expect(found?.fields).toEqual([field]);
    expect(found?.message.startsWith(`${field}: `)).toBe(true);
  });

  it.each<[string, Disruptions, string]>([
    [
      'an outage outside the horizon',
      { ...noDisruptions, outages: [{ supplier: 'ACME', fromDay: 730, days: 21 }] },
      'disruptions.outages[0].fromDay',
    ],
    [
      'an outage of an unknown supplier',
      { ...noDisruptions, outages: [{ supplier: 'ACMEE', fromDay: 100, days: 21 }] },
      'disruptions.outages[0].supplier',
    ],
    [
      'an outage of no days',
      { ...noDisruptions, outages: [{ supplier: 'ACME', fromDay: 100, days: 0 }] },
      'disruptions.outages[0].days',
    ],
    [
      'a lead-time factor of 0',
      { ...noDisruptions, leadTimeFactors: [{ fromDay: 10, days: 60, factor: 0 }] },
      'disruptions.leadTimeFactors[0].factor',
    ],
    [
      'a demand factor for an unknown item',
      { ...noDisruptions, demandFactors: [{ items: ['NOPE@MAIN'], fromDay: 10, days: 14, factor: 1.8 }] },
      'disruptions.demandFactors[0].items[0]',
    ],
  ])('refuses %s, naming the field', (_, disruptions, field) => {
    expect(problemsOf([item()], config(730), disruptions)?.fields).toEqual([field]);
  });

  it('refuses a bad horizon, duplicate keys, and lists every problem', () => {
    const found = problemsOf([item(), item({ leadTime: { kind: 'fixed', days: -2 } })], config(0), noDisruptions);
    expect(found?.fields).toEqual(['config.horizonDays', 'items[1].key', 'items[1].leadTime.days']);
    expect(found?.message).toBe('config.horizonDays: must be a whole number from 1 to 36500 (and 2 more problems)');
  });
});

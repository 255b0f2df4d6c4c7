import { describe, expect, it } from 'vitest';
import { type CompareInput, type CompareItem, compareVariants, totalsOf, type VariantOutcome } from './compare.js';
import type { Spread } from './types.js';

/** A spread whose mean and quantiles are all `value` (the runs agreed), unless a median is given apart. */
function spread(value: number, p50 = value): Spread {
  return { mean: value, sd: 0, p5: value, p50, p95: value };
}

/**
 * One item's outcome under one variant: total = holding + ordering (100) + stock-out; demand 1,000 units in
 * milli-units, served = fill × demand.
 */
function outcome(o: {
  holding: number;
  stockout: number;
  fill: number;
  cycle?: number;
  demand?: number;
  disrupted?: number | null;
}): VariantOutcome {
  const demandMilli = (o.demand ?? 1000) * 1000;
  return {
    totalCostMinor: spread(o.holding + 100 + o.stockout),
    holdingCostMinor: spread(o.holding),
    orderingCostMinor: spread(100),
    stockoutCostMinor: spread(o.stockout),
    fillRate: spread(o.fill),
    cycleServiceLevel: spread(o.cycle ?? o.fill),
    stockoutDays: spread(o.fill < 1 ? 3 : 0),
    averageCashMinor: spread(o.holding * 4),
    peakCashMinor: spread(o.holding * 10),
    demandMilli: spread(demandMilli),
    servedMilli: spread(Math.round(demandMilli * o.fill)),
    ordersPlaced: spread(12),
    disruptedStockoutDays: o.disrupted === undefined ? null : o.disrupted,
  };
}

function item(sku: string, category: string | null, outcomes: Record<string, VariantOutcome>): CompareItem {
  return { key: `${sku}@BER`, sku, location: 'BER', category, outcomes };
}

/**
 * BOLT: lean 100 + 100 + 800 = 1,000 at 90 %; buffered 400 + 100 + 100 = 600 at 97 %; current 900 + 100 + 0 = 1,000
 * at 99 %. NUT: lean 200 at 96 % (no stock-outs); buffered 500 at 99 %; current 700 at 99 %.
 */
const bolt = item('BOLT', 'fasteners', {
  current: outcome({ holding: 900, stockout: 0, fill: 0.99, disrupted: 0 }),
  lean: outcome({ holding: 100, stockout: 800, fill: 0.9, disrupted: 6 }),
  buffered: outcome({ holding: 400, stockout: 100, fill: 0.97, disrupted: 0 }),
});
const nut = item('NUT', 'fasteners', {
  current: outcome({ holding: 600, stockout: 0, fill: 0.99, disrupted: 0 }),
  lean: outcome({ holding: 100, stockout: 0, fill: 0.96, disrupted: 0 }),
  buffered: outcome({ holding: 400, stockout: 0, fill: 0.99, disrupted: 0 }),
});

/** A horizon of 73 days: money per year is 5 × the horizon's. */
const input: CompareInput = {
  variants: ['current', 'lean', 'buffered'],
  items: [bolt, nut],
  horizonDays: 73,
  serviceFloor: { measure: 'fill_rate', level: 0.95 },
  lean: 'lean',
  buffered: 'buffered',
};

describe('compareVariants, per item', () => {
  it('recommends the cheapest variant meeting the floor and says by how much the others cost more, a year', () => {
    const [boltComparison, nutComparison] = compareVariants(input).items;
    // BOLT: lean (1,000) misses 95 %; buffered (600) and current (1,000) meet it; buffered is cheaper.
    expect(boltComparison!.recommendation).toEqual({
      variant: 'buffered',
      meetsFloor: true,
      service: 0.97,
      totalCostPerYearMinor: 600 * 5,
      versus: [
        {
          variant: 'current',
          totalCostPerYearMinor: (1000 - 600) * 5,
          holdingCostPerYearMinor: (900 - 400) * 5,
          stockoutCostPerYearMinor: (0 - 100) * 5,
          serviceDifference: expect.closeTo(0.99 - 0.97, 12),
        },
        {
          variant: 'lean',
          totalCostPerYearMinor: (1000 - 600) * 5,
          holdingCostPerYearMinor: (100 - 400) * 5,
          stockoutCostPerYearMinor: (800 - 100) * 5,
          serviceDifference: expect.closeTo(0.9 - 0.97, 12),
        },
      ],
    });
    // NUT: every variant meets 95 %; lean is the cheapest (200 against 500 and 700).
    expect(nutComparison!.recommendation).toMatchObject({
      variant: 'lean',
      meetsFloor: true,
      totalCostPerYearMinor: 200 * 5,
      versus: [
        { variant: 'current', totalCostPerYearMinor: 500 * 5 },
        { variant: 'buffered', totalCostPerYearMinor: 300 * 5 },
      ],
    });
  });

  it('judges the floor on the median run, not the mean', () => {
    const skewed = item('SEAL', null, {
      // Mean fill 0.97 but the median run only 0.94: it misses the floor.
      lean: { ...outcome({ holding: 100, stockout: 0, fill: 0.97 }), fillRate: spread(0.97, 0.94) },
      buffered: outcome({ holding: 300, stockout: 0, fill: 0.96 }),
    });
    const [seal] = compareVariants({ ...input, variants: ['lean', 'buffered'], items: [skewed] }).items;
    expect(seal!.recommendation).toMatchObject({ variant: 'buffered', service: 0.96 });
  });

  it('counts a service exactly at the floor as meeting it', () => {
    const atFloor = item('PIN', null, {
      lean: outcome({ holding: 100, stockout: 0, fill: 0.95 }),
      buffered: outcome({ holding: 300, stockout: 0, fill: 0.99 }),
    });
    const [pin] = compareVariants({ ...input, variants: ['lean', 'buffered'], items: [atFloor] }).items;
    expect(pin!.recommendation).toMatchObject({ variant: 'lean', meetsFloor: true });
  });

  it('breaks a tie in cost by the order of the variants in the scenario', () => {
    const tied = item('CLIP', null, {
      lean: outcome({ holding: 300, stockout: 0, fill: 0.99 }),
      buffered: outcome({ holding: 300, stockout: 0, fill: 0.98 }),
    });
    const forward = compareVariants({ ...input, variants: ['lean', 'buffered'], items: [tied] });
    const backward = compareVariants({ ...input, variants: ['buffered', 'lean'], items: [tied] });
    expect(forward.items[0]!.recommendation.variant).toBe('lean');
    expect(backward.items[0]!.recommendation.variant).toBe('buffered');
    expect(forward.items[0]!.recommendation.versus[0]!.totalCostPerYearMinor).toBe(0);
  });

  it('recommends the best service when no variant meets the floor (ties: the cheaper), and says it misses', () => {
    const short = item('GEAR', null, {
      current: outcome({ holding: 900, stockout: 500, fill: 0.9 }),
      lean: outcome({ holding: 100, stockout: 900, fill: 0.8 }),
      buffered: outcome({ holding: 500, stockout: 500, fill: 0.9 }),
    });
    const [gear] = compareVariants({ ...input, items: [short] }).items;
    // current and buffered both reach 90 %; buffered costs 1,100 against current's 1,500.
    expect(gear!.recommendation).toMatchObject({
      variant: 'buffered',
      meetsFloor: false,
      service: 0.9,
      totalCostPerYearMinor: 1100 * 5,
    });
  });

  it('uses the cycle service level when the floor measures it', () => {
    const cycle = item('BELT', null, {
      lean: outcome({ holding: 100, stockout: 0, fill: 0.99, cycle: 0.8 }),
      buffered: outcome({ holding: 300, stockout: 0, fill: 0.99, cycle: 0.92 }),
    });
    const compared = compareVariants({
      ...input,
      variants: ['lean', 'buffered'],
      items: [cycle],
      serviceFloor: { measure: 'cycle_service', level: 0.9 },
    });
    expect(compared.items[0]!.recommendation).toMatchObject({ variant: 'buffered', service: 0.92, meetsFloor: true });
  });
});

describe('compareVariants, per group', () => {
  it('totals each variant over the items, pools the fill rate and counts the items meeting the floor', () => {
    expect(totalsOf([bolt, nut], 'lean', input.serviceFloor)).toEqual({
      variant: 'lean',
      items: 2,
      totalCostMinor: 1000 + 200,
      holdingCostMinor: 100 + 100,
      orderingCostMinor: 200,
      stockoutCostMinor: 800,
      // (900,000 + 960,000) ÷ 2,000,000 milli-units
      fillRate: 0.93,
      cycleServiceLevel: (0.9 + 0.96) / 2,
      stockoutDays: 6,
      averageCashMinor: 800,
      peakCashMinor: 2000,
      ordersPlaced: 24,
      itemsMeetingFloor: 1,
    });
    expect(totalsOf([], 'lean', input.serviceFloor)).toMatchObject({ items: 0, fillRate: 1, cycleServiceLevel: 1 });
  });

  it('recommends for the catalogue on its totals and on the pooled fill rate, weighted by demand', () => {
    const { catalogue } = compareVariants(input);
    // Totals: current 1,000 + 700 = 1,700 at 99 %; lean 1,200 at 93 % (below); buffered 600 + 500 = 1,100 at 98 %.
    expect(catalogue.group).toBe('catalogue');
    expect(catalogue.recommendation).toEqual({
      variant: 'buffered',
      meetsFloor: true,
      service: 0.98,
      totalCostPerYearMinor: 1100 * 5,
      versus: [
        {
          variant: 'current',
          totalCostPerYearMinor: 600 * 5,
          holdingCostPerYearMinor: (1500 - 800) * 5,
          stockoutCostPerYearMinor: -100 * 5,
          serviceDifference: expect.closeTo(0.01, 12),
        },
        {
          variant: 'lean',
          totalCostPerYearMinor: 100 * 5,
          holdingCostPerYearMinor: (200 - 800) * 5,
          stockoutCostPerYearMinor: (800 - 100) * 5,
          serviceDifference: expect.closeTo(-0.05, 12),
        },
      ],
    });
    // Each item on its own recommendation: BOLT buffered (600) + NUT lean (200).
    expect(catalogue.bestMix).toEqual({
      totalCostPerYearMinor: 800 * 5,
      holdingCostPerYearMinor: 500 * 5,
      stockoutCostPerYearMinor: 100 * 5,
      items: { current: 0, lean: 1, buffered: 1 },
    });

    // A big item well served outweighs a small one badly served: 1,040 of 1,100 units is 94.5 %, below the floor.
    const big = item('BIG', null, { lean: outcome({ holding: 10, stockout: 0, fill: 0.99, demand: 1000 }) });
    const small = item('SMALL', null, { lean: outcome({ holding: 10, stockout: 0, fill: 0.5, demand: 100 }) });
    const pooled = compareVariants({ ...input, variants: ['lean'], items: [big, small], lean: null, buffered: null });
    expect(pooled.catalogue.recommendation).toMatchObject({ variant: 'lean', meetsFloor: false });
    expect(pooled.catalogue.recommendation.service).toBeCloseTo(1040 / 1100, 12);
  });

  it('compares each category apart, sorted by name, items without one under (none)', () => {
    const seal = item('SEAL', 'hydraulics', {
      current: outcome({ holding: 50, stockout: 0, fill: 1 }),
      lean: outcome({ holding: 10, stockout: 400, fill: 0.7 }),
      buffered: outcome({ holding: 30, stockout: 0, fill: 0.99 }),
    });
    const loose = item('LOOSE', null, {
      current: outcome({ holding: 50, stockout: 0, fill: 1 }),
      lean: outcome({ holding: 10, stockout: 0, fill: 1 }),
      buffered: outcome({ holding: 30, stockout: 0, fill: 1 }),
    });
    const { categories } = compareVariants({ ...input, items: [seal, bolt, loose, nut] });
    expect(categories.map((g) => [g.group, g.totals[0]!.items, g.recommendation.variant])).toEqual([
      ['(none)', 1, 'lean'],
      ['fasteners', 2, 'buffered'],
      ['hydraulics', 1, 'buffered'],
    ]);
  });
});

describe('compareVariants, what buffering costs and which items stop work', () => {
  it('lists the items out of stock in the disrupted period under lean but not when buffered, with the bill', () => {
    const { items, stopWork, buffering } = compareVariants(input);
    expect(items.map((i) => i.stopsWork)).toEqual([true, false]);
    expect(stopWork).toEqual({
      lean: 'lean',
      buffered: 'buffered',
      items: [
        {
          key: 'BOLT@BER',
          sku: 'BOLT',
          location: 'BER',
          leanStockoutDays: 6,
          bufferedStockoutDays: 0,
          extraHoldingPerYearMinor: (400 - 100) * 5,
          savedStockoutPerYearMinor: (800 - 100) * 5,
        },
      ],
      extraHoldingPerYearMinor: 1500,
      savedStockoutPerYearMinor: 3500,
    });
    // Buffered is recommended for BOLT only: 300 more holding, 700 less stock-out, 400 less in all (× 5 a year).
    expect(buffering).toEqual({
      items: 1,
      extraHoldingPerYearMinor: 1500,
      savedStockoutPerYearMinor: 3500,
      netPerYearMinor: 2000,
    });
  });

  it('does not count an item that runs out buffered too, and sorts by days out under lean', () => {
    const both = item('AXLE', 'fasteners', {
      current: outcome({ holding: 900, stockout: 0, fill: 0.99, disrupted: 0 }),
      lean: outcome({ holding: 100, stockout: 800, fill: 0.9, disrupted: 9 }),
      buffered: outcome({ holding: 400, stockout: 300, fill: 0.93, disrupted: 2 }),
    });
    const worse = item('CAM', 'fasteners', {
      current: outcome({ holding: 900, stockout: 0, fill: 0.99, disrupted: 0 }),
      lean: outcome({ holding: 100, stockout: 900, fill: 0.9, disrupted: 12 }),
      buffered: outcome({ holding: 400, stockout: 0, fill: 0.99, disrupted: 0 }),
    });
    const { stopWork } = compareVariants({ ...input, items: [both, bolt, worse, nut] });
    expect(stopWork!.items.map((i) => [i.sku, i.leanStockoutDays])).toEqual([
      ['CAM', 12],
      ['BOLT', 6],
    ]);
  });

  it('says nothing of stopping work without a disruption, or without both a lean and a buffered variant', () => {
    const undisrupted = [bolt, nut].map((i) => ({
      ...i,
      outcomes: Object.fromEntries(
        Object.entries(i.outcomes).map(([name, o]) => [name, { ...o, disruptedStockoutDays: null }]),
      ),
    }));
    const calm = compareVariants({ ...input, items: undisrupted });
    expect(calm.stopWork).toBeNull();
    expect(calm.items.map((i) => i.stopsWork)).toEqual([false, false]);
    expect(calm.buffering).toMatchObject({ items: 1 });

    const noPair = compareVariants({ ...input, lean: 'lean', buffered: null });
    expect(noPair.stopWork).toBeNull();
    expect(noPair.buffering).toBeNull();
    expect(noPair.items.map((i) => i.stopsWork)).toEqual([false, false]);
  });
});

import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { inverseNormalCdf, standardNormalLoss } from '../policy/distributions.js';
import { ceilMilli, recommendPolicy } from './recommend.js';
import type { CurrentPolicy, DemandForecast, RecommendInput, StrategyResult } from './types.js';

function strategyOf(over: Partial<StrategyResult> = {}): StrategyResult {
  return {
    key: 'BOLT-M8@MAIN',
    abc: 'A',
    xyz: 'X',
    riskFlags: [],
    strategy: 'lean',
    bufferDays: 0,
    reasons: [],
    ...over,
  };
}

function forecastOf(meanPerDay: number, sdPerDay: number, over: Partial<DemandForecast> = {}): DemandForecast {
  return {
    method: 'ses',
    demandClass: 'smooth',
    meanPerDay,
    sdPerDay,
    cv: meanPerDay > 0 ? sdPerDay / meanPerDay : Number.NaN,
    observedDays: 365,
    reason: 'ses: lowest MASE',
    ...over,
  };
}

function currentOf(over: Partial<CurrentPolicy> & Pick<CurrentPolicy, 'kind'>): CurrentPolicy {
  return { reorderPoint: null, target: null, cards: null, containerQuantity: null, reviewDays: null, ...over };
}

function inputOf(over: Partial<RecommendInput> = {}): RecommendInput {
  return {
    forecast: forecastOf(4.2, 1.9),
    leadTime: { meanDays: 7, sdDays: 2, source: 'measured' },
    strategy: strategyOf(),
    serviceLevel: 0.95,
    serviceType: 'cycle',
    unitCost: 3.5,
    orderingCost: 25,
    holdingRatePerYear: 0.25,
    targetRule: 'eoq',
    coverDays: 14,
    moq: null,
    packSize: null,
    current: null,
    ...over,
  };
}

const milli = (x: number) => Math.round(x * 1000);

function validationError(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('LS_VALIDATION');
    return error as DomainError;
  }
  throw new Error('expected LS_VALIDATION');
}

describe('recommendPolicy: reorder point with demand and lead-time variability', () => {
  // Chopra & Meindl, *Supply Chain Management: Strategy, Planning, and Operation*, 6th ed. (2016), Example 12-6
  // (impact of lead-time uncertainty on safety inventory): daily demand D = 2,500, σ_D = 500; lead time L = 7 days,
  // s_L = 7 days; CSL = 0.90. σ_L = √(7·500² + 2,500²·7²) = √308,000,000 = 17,550; ss = F_S⁻¹(0.90)·σ_L
  // = 1.2816 × 17,550 = 22,491. With s_L = 0 (the last row of the book's table of s_L from 7 down to 0):
  // σ_L = 500·√7 = 1,323, ss = 1,695.
  const example = inputOf({
    forecast: forecastOf(2500, 500),
    leadTime: { meanDays: 7, sdDays: 7, source: 'measured' },
    serviceLevel: 0.9,
    unitCost: null,
  });

  it('reproduces the safety stock of 22,491 and a reorder point of D·L + ss = 17,500 + 22,491', () => {
    const result = recommendPolicy(example);
    expect(result.kind).toBe('reorder_point');
    expect(result.safetyStock).toBeCloseTo(22_491, 0);
    expect(result.reorderPoint).toBeCloseTo(17_500 + 22_491, 0);
    const sigma = result.explanation.steps.find((s) => s.name === 'Lead-time demand standard deviation');
    expect(sigma?.value).toBeCloseTo(Math.sqrt(308_000_000), 9);
    expect(sigma?.formula).toBe('σ = √(L·σd² + d²·σL²) = √(7 × 500² + 2500² × 7²)');
  });

  it('reproduces the same example with a reliable lead time: ss = 1,695', () => {
    const result = recommendPolicy({ ...example, leadTime: { meanDays: 7, sdDays: 0, source: 'quoted' } });
    expect(result.safetyStock).toBeCloseTo(1695, 0);
    expect(result.reorderPoint).toBeCloseTo(17_500 + 1695, 0);
  });

  it('rounds levels up to whole thousandths, never down', () => {
    const result = recommendPolicy(example);
    const exact = 17_500 + inverseNormalCdf(0.9) * Math.sqrt(308_000_000);
    expect(milli(result.reorderPoint!)).toBe(Math.ceil(exact * 1000));
    expect(result.reorderPoint!).toBeGreaterThanOrEqual(exact);
  });

  it('rounds levels and order quantities up to whole units for an item counted in whole units', () => {
    const input = inputOf({
      forecast: forecastOf(2.127, 2.01),
      leadTime: { meanDays: 1.086, sdDays: 0.885, source: 'measured' },
    });
    const exact = recommendPolicy(input);
    const whole = recommendPolicy({ ...input, wholeUnits: true });
    expect(Number.isInteger(exact.reorderPoint!)).toBe(false);
    expect(whole.reorderPoint).toBe(Math.ceil(exact.reorderPoint!));
    expect(Number.isInteger(whole.orderQuantity!)).toBe(true);
    expect(whole.orderQuantity!).toBeGreaterThanOrEqual(exact.orderQuantity!);
    expect(whole.target).toBe(whole.reorderPoint! + whole.orderQuantity!);
    expect(whole.explanation.steps.find((step) => step.name === 'Reorder point')!.formula).toMatch(
      /, rounded up to whole units$/,
    );
  });
});

describe('recommendPolicy: fill rate', () => {
  // Chopra & Meindl, 6th ed. (2016), Example 12-3 (safety inventory for a desired fill rate): weekly demand 2,500,
  // σ_D = 500, lead time 2 weeks, lot size Q = 10,000, fill rate 0.975. ESC = (1 − fr)·Q = 250 and
  // ESC = σ_L·G(ss/σ_L) with σ_L = √2·500 = 707.1 give ss = 67. The engine's "day" is the book's week here; Q comes
  // from the days-of-cover rule, 4 periods × 2,500 = 10,000.
  const example = inputOf({
    forecast: forecastOf(2500, 500),
    leadTime: { meanDays: 2, sdDays: 0, source: 'quoted' },
    serviceLevel: 0.975,
    serviceType: 'fill_rate',
    targetRule: 'days_of_cover',
    coverDays: 4,
  });

  it('reproduces ss = 67 for a 97.5 % fill rate with Q = 10,000', () => {
    const result = recommendPolicy(example);
    expect(result.orderQuantity).toBe(10_000);
    expect(result.safetyStock).toBeCloseTo(67, 0);
    // The shortage per cycle that the safety stock leaves is (1 − 0.975) × 10,000 = 250 units.
    const sigma = 500 * Math.SQRT2;
    const k = result.explanation.steps.find((s) => s.name === 'Safety factor')!.value;
    expect(sigma * standardNormalLoss(k)).toBeCloseTo(250, 6);
    expect(result.reorderPoint).toBeCloseTo(5000 + 67, 0);
    expect(result.target).toBe((milli(result.reorderPoint!) + 10_000_000) / 1000);
    expect(result.explanation.summary).toContain('To serve 97.5% of demand straight from the shelf (fill rate)');
  });
  it('needs no safety stock when the order quantity alone meets the fill rate, and says so', () => {
    // σ = √(7·1.9² + 4.2²·2²) = 9.789; Q = 300: G(k) = 0.02 × 300 / 9.789 = 0.613 gives k = −0.373 < 0, so SS = 0
    // and s = d·L = 29.4.
    const result = recommendPolicy(inputOf({ serviceType: 'fill_rate', serviceLevel: 0.98, packSize: 12 }));
    expect(result.orderQuantity).toBe(300);
    expect(result.explanation.steps.find((s) => s.name === 'Safety factor')!.value).toBeCloseTo(-0.373, 3);
    expect(result.safetyStock).toBe(0);
    expect(result.reorderPoint).toBe(29.4);
    expect(result.explanation.summary).toContain(
      'Orders of 300 already serve 98% of demand from the shelf, so no safety stock is needed.',
    );
  });
});

describe('recommendPolicy: order quantity and target', () => {
  it('sets the target to s + EOQ: Snyder & Shen (2019, 2nd ed.), Example 3.1, Q* = 304.05', () => {
    // K = 8, h = 0.225 (here 0.25 a year × unit cost 0.9), λ = 1,300 a year (d = 1300/365 a day):
    // Q* = √(2·8·1300/0.225) = 304.0468, rounded up to 304.047.
    const result = recommendPolicy(
      inputOf({ forecast: forecastOf(1300 / 365, 1), orderingCost: 8, holdingRatePerYear: 0.25, unitCost: 0.9 }),
    );
    expect(result.orderQuantity).toBe(304.047);
    expect(milli(result.target!)).toBe(milli(result.reorderPoint!) + 304_047);
  });

  it('reproduces Nahmias, *Production and Operations Analysis*, 6th ed. (2009), Example 4.1: Q* = 3,870 pencils', () => {
    // 60 pencils a week (λ = 3,120 a year), K = $12, unit cost $0.02, 25 % a year: h = 0.005,
    // Q* = √(2·12·3120/0.005) = √14,976,000 = 3,869.88. No demand variability and a 7-day lead time:
    // s = 3120/365 × 7 = 59.836 (rounded up), S = s + Q.
    const result = recommendPolicy(
      inputOf({
        forecast: forecastOf(3120 / 365, 0),
        leadTime: { meanDays: 7, sdDays: 0, source: 'quoted' },
        orderingCost: 12,
        unitCost: 0.02,
        holdingRatePerYear: 0.25,
      }),
    );
    expect(result.orderQuantity).toBe(Math.ceil(Math.sqrt(14_976_000) * 1000) / 1000);
    expect(result.orderQuantity).toBeCloseTo(3870, 0);
    expect(result.safetyStock).toBe(0);
    expect(result.reorderPoint).toBe(59.836);
    expect(result.target).toBe(59.836 + 3869.884);
    const eoq = result.explanation.steps.find((s) => s.name === 'Economic order quantity')!;
    expect(eoq.formula).toBe('Q* = √(2·K·D/h) = √(2 × 12 × 3120 / 0.005)');
  });

  it('rounds Q up to the MOQ and then to whole packs', () => {
    // Cover: 14 days × 4.2 = 58.8 → at least the MOQ 100 → packs of 12: 9 packs = 108.
    const result = recommendPolicy(inputOf({ targetRule: 'days_of_cover', moq: 100, packSize: 12 }));
    expect(result.orderQuantity).toBe(108);
    // Without the MOQ: 58.8 → 5 packs = 60.
    expect(recommendPolicy(inputOf({ targetRule: 'days_of_cover', packSize: 12 })).orderQuantity).toBe(60);
  });

  it('falls back on days of cover when the item has no unit cost, and says why', () => {
    const result = recommendPolicy(inputOf({ unitCost: null }));
    expect(result.orderQuantity).toBe(58.8);
    expect(result.explanation.summary).toContain(
      'order 58.8 at a time (14 days of demand, as there is no unit cost, rounded up',
    );
  });

  it('adds the buffer of a buffered strategy to the reorder point: s = d·L + SS + bufferDays·d', () => {
    const lean = recommendPolicy(inputOf());
    const buffered = recommendPolicy(
      inputOf({ strategy: strategyOf({ strategy: 'buffered', bufferDays: 7, reasons: ['single source'] }) }),
    );
    // 7 days × 4.2 a day = 29.4 more.
    expect(milli(buffered.reorderPoint!) - milli(lean.reorderPoint!)).toBe(29_400);
    expect(buffered.explanation.steps.find((s) => s.name === 'Buffer')?.value).toBeCloseTo(29.4, 12);
    expect(buffered.explanation.summary).toContain('Buffered: 7 more days of demand (29.4) on top (single source).');
  });
});

describe('recommendPolicy: the kind of policy', () => {
  it('keeps a periodic review: Chopra & Meindl (6th ed., ch. 12), order-up-to level 12,942', () => {
    // Chopra & Meindl, 6th ed. (2016), ch. 12, safety inventory for a periodic review policy: weekly demand 2,000,
    // σ_D = 300, lead time L = 2 weeks, review interval T = 4 weeks, CSL 0.90. σ_{T+L} = √6·300 = 734.8;
    // ss = F_S⁻¹(0.90)·σ_{T+L} = 942; OUL = D_{T+L} + ss = 6·2,000 + 942 = 12,942.
    const result = recommendPolicy(
      inputOf({
        forecast: forecastOf(2000, 300),
        leadTime: { meanDays: 2, sdDays: 0, source: 'quoted' },
        serviceLevel: 0.9,
        current: currentOf({ kind: 'periodic_review', reviewDays: 4, target: 12_000 }),
      }),
    );
    expect(result.kind).toBe('periodic_review');
    expect(result.reorderPoint).toBeNull();
    expect(result.reviewDays).toBe(4);
    expect(result.safetyStock).toBeCloseTo(942, 0);
    expect(result.target).toBeCloseTo(12_942, 0);
    expect(result.orderQuantity).toBe(8000);
    expect(result.explanation.summary).toContain('The policy in force has target 12000.');
  });

  it('keeps a kanban loop and its container: N = ⌈(d·L + SS)/C⌉ + 1', () => {
    // d = 20, σ_d = 5, L = 4: σ = 5·√4 = 10, SS = 1.64485 × 10 = 16.449, d·L + SS = 96.449 (rounded up);
    // 96.449 / 25 = 3.86 → 4 containers + 1 = 5 cards.
    const result = recommendPolicy(
      inputOf({
        forecast: forecastOf(20, 5),
        leadTime: { meanDays: 4, sdDays: 0, source: 'measured' },
        current: currentOf({ kind: 'kanban', cards: 3, containerQuantity: 25 }),
      }),
    );
    expect(result).toMatchObject({ kind: 'kanban', cards: 5, containerQuantity: 25, reorderPoint: null, target: null });
    expect(result.safetyStock).toBe(16.449);
    const cards = result.explanation.steps.find((s) => s.name === 'Cards')!;
    expect(cards.formula).toBe('N = ⌈(d·L + SS) / C⌉ + 1 = ⌈96.449 / 25⌉ + 1 = 5');
    expect(result.explanation.summary).toContain('Run 5 kanban cards of 25');
    expect(result.explanation.summary).toContain('The policy in force has 3 cards.');
  });

  it('gives a kanban loop at least 2 cards', () => {
    const result = recommendPolicy(
      inputOf({
        forecast: forecastOf(0.1, 0),
        leadTime: { meanDays: 2, sdDays: 0, source: 'measured' },
        current: currentOf({ kind: 'kanban', cards: 4, containerQuantity: 50 }),
      }),
    );
    // ⌈0.2 / 50⌉ + 1 = 2.
    expect(result.cards).toBe(2);
  });

  it('caps a kanban loop at 999 cards and says the container is too small', () => {
    // d·L = 100 × 10 = 1,000 units in containers of 0.5: ⌈2,000⌉ + 1 = 2,001 cards, over the policy limit.
    const result = recommendPolicy(
      inputOf({
        forecast: forecastOf(100, 0),
        leadTime: { meanDays: 10, sdDays: 0, source: 'quoted' },
        current: currentOf({ kind: 'kanban', cards: 10, containerQuantity: 0.5 }),
      }),
    );
    expect(result.cards).toBe(999);
    expect(result.explanation.steps.find((s) => s.name === 'Cards')!.formula).toBe(
      'N = ⌈(d·L + SS) / C⌉ + 1 = ⌈1000 / 0.5⌉ + 1 = 2001, kept within 2–999',
    );
    expect(result.explanation.summary).toContain('capped at 999 cards: the container is too small for this demand');
  });

  it('recommends make to order for a make-to-order strategy, with its reasons', () => {
    const result = recommendPolicy(
      inputOf({
        strategy: strategyOf({ strategy: 'make_to_order', reasons: ['lumpy demand, 3 orders a year'] }),
        current: currentOf({ kind: 'reorder_point', reorderPoint: 10, target: 30 }),
      }),
    );
    expect(result).toMatchObject({ kind: 'make_to_order', reorderPoint: null, target: null, safetyStock: null });
    expect(result.explanation.summary).toContain(
      'Make to order: keep no stock and order exactly what each demand needs (lumpy demand, 3 orders a year). ' +
        'This replaces the reorder point policy.',
    );
  });

  it('turns make to order into a reorder point when the strategy holds stock again', () => {
    const result = recommendPolicy(inputOf({ current: currentOf({ kind: 'make_to_order' }) }));
    expect(result.kind).toBe('reorder_point');
    expect(result.explanation.summary).toContain('The strategy is now lean: a reorder point replaces make to order.');
  });

  it('keeps a manual policy manual under a make-to-order strategy, with no reorder point to watch', () => {
    const result = recommendPolicy(
      inputOf({ strategy: strategyOf({ strategy: 'make_to_order' }), current: currentOf({ kind: 'manual' }) }),
    );
    expect(result).toMatchObject({ kind: 'manual', reorderPoint: null, target: null, safetyStock: null });
    expect(result.explanation.summary).toContain('the policy stays manual, as the planner set it');
  });

  it('keeps a manual policy manual, with the reorder point for the below-reorder-point listing', () => {
    const rop = recommendPolicy(inputOf());
    const result = recommendPolicy(inputOf({ current: currentOf({ kind: 'manual', reorderPoint: 12 }) }));
    expect(result).toMatchObject({ kind: 'manual', target: null, orderQuantity: null });
    expect(result.reorderPoint).toBe(rop.reorderPoint);
    expect(result.explanation.summary).toContain('The policy stays manual');
    expect(result.explanation.summary).toContain('The policy in force has reorder point 12.');
  });
});

describe('recommendPolicy: no demand', () => {
  const idle = { forecast: forecastOf(0, 0, { method: null, demandClass: 'no_demand' as const, observedDays: 400 }) };

  it('holds nothing: reorder point 0 and the smallest orderable quantity as target', () => {
    // MOQ 30 in packs of 12: 3 packs = 36 is the least the supplier sells.
    const result = recommendPolicy(inputOf({ ...idle, moq: 30, packSize: 12 }));
    expect(result).toMatchObject({ kind: 'reorder_point', reorderPoint: 0, target: 36, safetyStock: 0 });
    expect(result.explanation.summary).toBe(
      'No demand in the 400 days observed. With no demand, hold nothing in reserve: reorder point 0, target 36, ' +
        'the least the supplier sells.',
    );
  });

  it('targets 0 when the supplier sells any quantity', () => {
    expect(recommendPolicy(inputOf(idle))).toMatchObject({ reorderPoint: 0, target: 0 });
  });

  it('keeps the smallest kanban loop', () => {
    const result = recommendPolicy(inputOf({ ...idle, current: currentOf({ kind: 'kanban', containerQuantity: 10 }) }));
    expect(result).toMatchObject({ kind: 'kanban', cards: 2, containerQuantity: 10 });
  });
});

describe('recommendPolicy: explanation', () => {
  it('lists every step with its formula, value and unit, the inputs, and a summary a shop owner reads', () => {
    const result = recommendPolicy(inputOf({ packSize: 12 }));
    const names = result.explanation.steps.map((s) => s.name);
    expect(names).toEqual([
      'Annual demand',
      'Holding cost',
      'Economic order quantity',
      'Order quantity',
      'Demand over the lead time',
      'Lead-time demand standard deviation',
      'Safety factor',
      'Safety stock',
      'Reorder point',
      'Target',
    ]);
    // σ = √(7·1.9² + 4.2²·2²) = √(25.27 + 70.56) = √95.83 = 9.789; SS = 1.64485 × 9.789 = 16.102;
    // s = 29.4 + 16.102 = 45.502 (rounded up); D = 1,533, h = 0.875, Q* = √(2·25·1533/0.875) = 295.97 → 25 packs = 300.
    const sigma = Math.sqrt(7 * 1.9 ** 2 + 4.2 ** 2 * 2 ** 2);
    expect(result.explanation.steps[5]!.value).toBeCloseTo(sigma, 12);
    expect(result.reorderPoint).toBe(Math.ceil((29.4 + inverseNormalCdf(0.95) * sigma) * 1000) / 1000);
    expect(result.orderQuantity).toBe(300);
    for (const step of result.explanation.steps) {
      expect(step.formula.length).toBeGreaterThan(0);
      expect(Number.isFinite(step.value)).toBe(true);
    }
    expect(result.explanation.steps.find((s) => s.name === 'Reorder point')!.unit).toBe('units');
    expect(result.explanation.inputs).toMatchObject({ mean_per_day: 4.2, lead_time_days: 7, service_level: 0.95 });
    expect(result.explanation.summary).toBe(
      `Sells 4.2 a day ± 1.9 (ses forecast on 365 days of smooth demand). The supplier takes 7 days ± 2 (measured from ` +
        `receipts), so about 29.4 sell meanwhile, give or take 9.8. To run out in no more than 5% of replenishment ` +
        `cycles (95% cycle service), keep 16.1 as safety stock. Reorder when the stock on hand and on order falls to ` +
        `${result.reorderPoint} and order 300 at a time (the economic order quantity for an ordering cost of 25 against ` +
        `a holding cost of 0.88 a unit a year, in whole packs of 12), so stock goes up to ${result.target}.`,
    );
  });
});

describe('recommendPolicy: validation', () => {
  it('refuses a service level of 1 or more, or 0 or less, naming service_level', () => {
    for (const serviceLevel of [1, 1.2, 0, -0.1, Number.NaN]) {
      expect(validationError(() => recommendPolicy(inputOf({ serviceLevel }))).message).toBe(
        'service_level: must be > 0 and < 1',
      );
    }
  });

  it('refuses negative costs and lead times, listing every problem', () => {
    const error = validationError(() =>
      recommendPolicy(
        inputOf({
          orderingCost: -1,
          unitCost: -2,
          holdingRatePerYear: -0.1,
          leadTime: { meanDays: -3, sdDays: -1, source: 'quoted' },
        }),
      ),
    );
    expect(error.details?.map((p) => p.field)).toEqual([
      'lead_time_days',
      'lead_time_sd_days',
      'unit_cost',
      'ordering_cost',
      'holding_rate_per_year',
    ]);
    expect(error.message).toBe('lead_time_days: must be a finite number ≥ 0 (and 4 more problems)');
  });

  it('refuses bad pack sizes, cover days, review days and containers', () => {
    const fields = (over: Partial<RecommendInput>) =>
      validationError(() => recommendPolicy(inputOf(over))).details?.map((p) => p.field);
    expect(fields({ packSize: 0, moq: -1 })).toEqual(['moq', 'pack_size']);
    expect(fields({ coverDays: 0 })).toEqual(['cover_days']);
    expect(fields({ current: currentOf({ kind: 'periodic_review', reviewDays: 2.5 }) })).toEqual(['review_days']);
    expect(fields({ current: currentOf({ kind: 'kanban', containerQuantity: 0 }) })).toEqual(['container_quantity']);
    expect(fields({ forecast: forecastOf(-1, 1) })).toEqual(['mean_per_day']);
  });
});

describe('ceilMilli', () => {
  it('rounds up to whole thousandths but ignores float noise at a thousandth', () => {
    expect(ceilMilli(59.8356)).toBe(59_836);
    expect(ceilMilli(0.1 * 3)).toBe(300);
    expect(ceilMilli(400.0000000000001)).toBe(400_000);
    expect(ceilMilli(400.0001)).toBe(400_001);
    expect(ceilMilli(0)).toBe(0);
  });
});

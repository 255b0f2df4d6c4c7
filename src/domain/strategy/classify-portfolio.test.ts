import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANNING_SETTINGS, type PlanningSettings, type StrategyInput } from '../planning/types.js';
import {
  classifyAbc,
  classifyPortfolio,
  classifyXyz,
  findRiskFlags,
  MAX_BUFFER_MULTIPLE,
  RISK_FLAGS,
} from './classify-portfolio.js';

const settings: PlanningSettings = DEFAULT_PLANNING_SETTINGS;

/** A stable, well-supplied class-X item: two sources, a short reliable lead time, a good supplier. */
function input(overrides: Partial<StrategyInput> = {}): StrategyInput {
  return {
    key: 'ITEM@WS',
    annualValue: 1000,
    demandCv: 0.3,
    demandClass: 'smooth',
    criticality: 'medium',
    currentPolicyKind: 'reorder_point',
    sourceCount: 2,
    leadTime: { meanDays: 5, sdDays: 0.5, source: 'measured' },
    supplierOtif: 0.97,
    overseas: false,
    seasonalAvailability: false,
    ...overrides,
  };
}

/**
 * A portfolio where the item under test (key ITEM) gets the class asked for: the filler items carry the rest of the
 * value. `abc` A: ITEM holds 60 % of the value; B: the filler above it holds 85 %, ITEM 10 %; C: fillers 97 %, ITEM 1 %.
 */
function classifyAs(abc: 'A' | 'B' | 'C', item: Partial<StrategyInput>, custom: PlanningSettings = settings) {
  const fillers: Record<typeof abc, number[]> = { A: [40], B: [85, 5], C: [97, 2] };
  const itemValue = { A: 60, B: 10, C: 1 }[abc];
  const portfolio = [
    input({ key: 'ITEM', annualValue: itemValue, ...item }),
    ...fillers[abc].map((value, i) => input({ key: `FILL-${i}`, annualValue: value })),
  ];
  const result = classifyPortfolio(portfolio, custom)[0]!;
  expect(result.abc).toBe(abc);
  return result;
}

describe('classifyAbc', () => {
  it('reproduces the A, B and C classes of Heizer, Render & Munson, Operations Management 12th ed., ch. 12 Example 1', () => {
    // Silicon Chips, Inc.: annual volume × unit cost = annual dollar volume, total $232,057.
    // #10286 1,000 × 90.00 = 90,000 (38.8 %)   #11526 500 × 154.00 = 77,000 (33.2 %)  → A, 72 % of the value
    // #12760 1,550 × 17.00 = 26,350 (11.3 %)   #10867 350 × 42.86 = 15,001 (6.4 %)
    // #10500 1,000 × 12.50 = 12,500 (5.4 %)                                            → B, 23 %
    // #12572 600 × 14.17 = 8,502   #14075 2,000 × 0.60 = 1,200   #01036 100 × 8.50 = 850
    // #01307 1,200 × 0.42 = 504    #10572 250 × 0.60 = 150                             → C, 5 %
    // The book puts class A at 70–80 % of the dollar volume. With A closing at 70 % and B at 95 %:
    // #12760 starts at 167,000 / 232,057 = 71.97 % ≥ 70 % → B; #10500 starts at 208,351 / 232,057 = 89.78 % < 95 %
    // → B (it crosses 95 %, to 95.17 %, and stays in the class it starts in); #12572 starts at 95.17 % → C.
    const items = [
      ['#10286', 1000, 90.0],
      ['#11526', 500, 154.0],
      ['#12760', 1550, 17.0],
      ['#10867', 350, 42.86],
      ['#10500', 1000, 12.5],
      ['#12572', 600, 14.17],
      ['#14075', 2000, 0.6],
      ['#01036', 100, 8.5],
      ['#01307', 1200, 0.42],
      ['#10572', 250, 0.6],
    ] as const;
    // Shuffled, so the ranking is the function's own.
    const shuffled = [7, 2, 9, 0, 5, 3, 8, 1, 6, 4].map((i) => items[i]!);
    const ranks = classifyAbc(
      shuffled.map(([, volume, cost]) => volume * cost),
      [0.7, 0.95],
    );
    const classOf = Object.fromEntries(shuffled.map(([stock], i) => [stock, ranks[i]!.abc]));
    expect(classOf).toEqual({
      '#10286': 'A',
      '#11526': 'A',
      '#12760': 'B',
      '#10867': 'B',
      '#10500': 'B',
      '#12572': 'C',
      '#14075': 'C',
      '#01036': 'C',
      '#01307': 'C',
      '#10572': 'C',
    });
    const share = Object.fromEntries(shuffled.map(([stock], i) => [stock, ranks[i]!.share]));
    expect(share['#10286']).toBeCloseTo(90_000 / 232_057, 12); // 38.8 %
    expect(share['#10572']).toBeCloseTo(150 / 232_057, 12); // 0.1 %
    expect(ranks[shuffled.findIndex(([stock]) => stock === '#12572')]!.shareBefore).toBeCloseTo(220_851 / 232_057, 12);
  });

  it('keeps the item that crosses a cut-off in the class it starts in', () => {
    // 70 + 20 + 10 = 100: the second item starts at 70 % < 80 % and ends at 90 %: still A. The third starts at 90 %.
    expect(classifyAbc([70, 20, 10], [0.8, 0.95]).map((r) => r.abc)).toEqual(['A', 'A', 'B']);
  });

  it('starts the next class exactly at a cut-off', () => {
    // 50 + 30 = 80 % before the third item: it starts B. 95 % before the fourth: it starts C.
    expect(classifyAbc([50, 30, 15, 5], [0.8, 0.95]).map((r) => r.abc)).toEqual(['A', 'A', 'B', 'C']);
    // The same at shares that are not exact in binary: 0.7 + 0.1 is 0.7999999999999999 of the total.
    expect(classifyAbc([0.7, 0.1, 0.1, 0.05, 0.05], [0.8, 0.95]).map((r) => r.abc)).toEqual(['A', 'A', 'B', 'B', 'C']);
  });

  it('always makes the most valuable item A, and items without value C', () => {
    expect(classifyAbc([0, 90, 10], [0.8, 0.95]).map((r) => r.abc)).toEqual(['C', 'A', 'B']);
    expect(classifyAbc([0, Number.NaN, -5, 3], [0.8, 0.95]).map((r) => r.abc)).toEqual(['C', 'C', 'C', 'A']);
    expect(classifyAbc([0, 0], [0.8, 0.95]).map((r) => r.abc)).toEqual(['C', 'C']);
    expect(classifyAbc([], [0.8, 0.95])).toEqual([]);
  });

  it('never gives a more valuable item a lower class, and A holds less than the A cut-off before its last item', () => {
    const rank = { A: 0, B: 1, C: 2 };
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 40 }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (values, a, gap) => {
          const cutoffs: [number, number] = [a, a + gap];
          const ranks = classifyAbc(values, cutoffs);
          for (let i = 0; i < values.length; i++) {
            for (let j = 0; j < values.length; j++) {
              if (values[i]! > values[j]!) expect(rank[ranks[i]!.abc]).toBeLessThanOrEqual(rank[ranks[j]!.abc]);
            }
          }
          const total = values.reduce((sum, v) => sum + v, 0);
          const aValues = values.filter((_, i) => ranks[i]!.abc === 'A');
          if (aValues.length > 0) {
            const aTotal = aValues.reduce((sum, v) => sum + v, 0);
            expect(aTotal - Math.min(...aValues)).toBeLessThan(cutoffs[0] * total + 1e-6);
          }
        },
      ),
    );
  });
});

describe('classifyXyz', () => {
  it('splits at the cut-offs: X below the first, Y below the second, Z from there and without demand', () => {
    expect(classifyXyz(0, [0.5, 1])).toBe('X');
    expect(classifyXyz(0.4999, [0.5, 1])).toBe('X');
    expect(classifyXyz(0.5, [0.5, 1])).toBe('Y');
    expect(classifyXyz(0.9999, [0.5, 1])).toBe('Y');
    expect(classifyXyz(1, [0.5, 1])).toBe('Z');
    expect(classifyXyz(3.2, [0.5, 1])).toBe('Z');
    expect(classifyXyz(Number.NaN, [0.5, 1])).toBe('Z');
    expect(classifyXyz(0.6, [0.7, 1.2])).toBe('X');
  });
});

describe('findRiskFlags', () => {
  it('raises no flag on a stable item with two sources, a short reliable lead time and a good supplier', () => {
    expect(findRiskFlags(input(), 'X', settings)).toEqual([]);
  });

  it('flags a single source at one or no active source', () => {
    expect(findRiskFlags(input({ sourceCount: 1 }), 'X', settings)).toEqual(['single_source']);
    expect(findRiskFlags(input({ sourceCount: 0 }), 'X', settings)).toEqual(['single_source']);
  });

  it('flags a long lead time from longLeadTimeDays on', () => {
    const at = (meanDays: number) => input({ leadTime: { meanDays, sdDays: 0, source: 'quoted' } });
    expect(findRiskFlags(at(29.9), 'X', settings)).toEqual([]);
    expect(findRiskFlags(at(30), 'X', settings)).toEqual(['long_lead_time']);
    expect(findRiskFlags(at(30), 'X', { ...settings, longLeadTimeDays: 45 })).toEqual([]);
    expect(findRiskFlags(input({ leadTime: null }), 'X', settings)).toEqual([]);
  });

  it('flags overseas and seasonal availability as the input says', () => {
    expect(findRiskFlags(input({ overseas: true, seasonalAvailability: true }), 'X', settings)).toEqual([
      'overseas',
      'seasonal_availability',
    ]);
  });

  it('flags a supplier OTIF below the threshold, not at it, and not an unmeasured one', () => {
    expect(findRiskFlags(input({ supplierOtif: 0.899 }), 'X', settings)).toEqual(['low_supplier_otif']);
    expect(findRiskFlags(input({ supplierOtif: 0.9 }), 'X', settings)).toEqual([]);
    expect(findRiskFlags(input({ supplierOtif: null }), 'X', settings)).toEqual([]);
  });

  it('flags an unstable lead time from σL / L = unstableLeadTimeCv on', () => {
    const sd = (sdDays: number) => input({ leadTime: { meanDays: 10, sdDays, source: 'measured' } });
    expect(findRiskFlags(sd(2.9), 'X', settings)).toEqual([]);
    expect(findRiskFlags(sd(3), 'X', settings)).toEqual(['unstable_lead_time']);
    expect(findRiskFlags(sd(3), 'X', { ...settings, unstableLeadTimeCv: 0.5 })).toEqual([]);
  });

  it('flags volatile demand only for class Z demand that is erratic or lumpy', () => {
    expect(findRiskFlags(input({ demandClass: 'erratic' }), 'Z', settings)).toEqual(['volatile_demand']);
    expect(findRiskFlags(input({ demandClass: 'lumpy' }), 'Z', settings)).toEqual(['volatile_demand']);
    expect(findRiskFlags(input({ demandClass: 'intermittent' }), 'Z', settings)).toEqual([]);
    expect(findRiskFlags(input({ demandClass: 'erratic' }), 'Y', settings)).toEqual([]);
  });

  it('lists every flag in the documented order when all apply', () => {
    const all = input({
      sourceCount: 1,
      leadTime: { meanDays: 60, sdDays: 30, source: 'measured' },
      overseas: true,
      seasonalAvailability: true,
      supplierOtif: 0.5,
      demandClass: 'lumpy',
    });
    expect(findRiskFlags(all, 'Z', settings)).toEqual(RISK_FLAGS);
  });
});

describe('classifyPortfolio', () => {
  it('answers in the order of the inputs, with the keys', () => {
    const results = classifyPortfolio(
      [input({ key: 'low', annualValue: 10 }), input({ key: 'high', annualValue: 90 })],
      settings,
    );
    expect(results.map((r) => [r.key, r.abc])).toEqual([
      ['low', 'B'],
      ['high', 'A'],
    ]);
  });

  it('recommends lean when nothing is at risk, with no buffer, and says why in words', () => {
    const result = classifyAs('A', {});
    expect(result).toMatchObject({ xyz: 'X', riskFlags: [], strategy: 'lean', bufferDays: 0 });
    expect(result.reasons).toEqual([
      'Lean: no supply risk and no volatile demand; the safety stock covers the normal variation of demand and lead time.',
      "Class A: annual consumption value 60.00 is 60% of the portfolio's; it ranks first (A closes at 80%, B at 95%).",
      'Class X: weekly demand has a coefficient of variation of 0.3 (X below 0.5, Y below 1); its pattern is smooth.',
    ]);
  });

  it('buffers a class A or B item with a supply risk: bufferDays for each risk', () => {
    const a = classifyAs('A', { supplierOtif: 0.8 });
    expect(a).toMatchObject({ strategy: 'buffered', riskFlags: ['low_supplier_otif'], bufferDays: 7 });
    expect(a.reasons.slice(0, 2)).toEqual([
      'Buffered: low supplier OTIF on a class A item; 7 days of demand are held on top of the safety stock.',
      'The buffer is 7 days for one supply risk.',
    ]);
    expect(a.reasons).toContain('Low supplier OTIF: 80% of deliveries on time and in full, below 90%.');

    // One source counts towards the buffer only alongside a material risk.
    const sole = classifyAs('A', { sourceCount: 1 });
    expect(sole).toMatchObject({ strategy: 'lean', riskFlags: ['single_source'], bufferDays: 0 });
    expect(sole.reasons[0]).toBe(
      'Lean: single source, but no material supply risk (low supplier OTIF, an unstable, long or overseas lead time, seasonal availability); one source alone is normal for a small shop and adds to a buffer only together with such a risk.',
    );
    expect(sole.reasons).toContain('Single source: one active supplier; if it fails, nobody else delivers.');
    const soleAndLate = classifyAs('A', { sourceCount: 1, supplierOtif: 0.8 });
    expect(soleAndLate).toMatchObject({
      strategy: 'buffered',
      riskFlags: ['single_source', 'low_supplier_otif'],
      bufferDays: 14,
    });
    expect(soleAndLate.reasons[1]).toBe('The buffer is 7 days for each of 2 supply risks.');

    // Single source with a 45-day overseas lead time: three supply risks, 3 × 7 = 21 days.
    const b = classifyAs('B', {
      sourceCount: 1,
      overseas: true,
      leadTime: { meanDays: 45, sdDays: 4, source: 'quoted' },
    });
    expect(b).toMatchObject({
      strategy: 'buffered',
      riskFlags: ['single_source', 'long_lead_time', 'overseas'],
      bufferDays: 21,
    });
    expect(b.reasons[0]).toBe(
      'Buffered: single source, long lead time and overseas supplier on a class B item; 21 days of demand are held on top of the safety stock.',
    );
    expect(b.reasons).toContain('Long lead time: 45 days quoted, long from 30 days.');
    expect(b.reasons).toContain(
      "Class B: annual consumption value 10.00 is 10% of the portfolio's; the items ranked above it hold 85% (A closes at 80%, B at 95%).",
    );
  });

  it('scales the buffer with the bufferDays setting and caps it at MAX_BUFFER_MULTIPLE risks', () => {
    const risky = {
      sourceCount: 1,
      overseas: true,
      seasonalAvailability: true,
      supplierOtif: 0.6,
      leadTime: { meanDays: 40, sdDays: 2, source: 'measured' as const },
    };
    const result = classifyAs('A', risky, { ...settings, bufferDays: 5 });
    expect(result.riskFlags).toHaveLength(5);
    expect(result.bufferDays).toBe(5 * MAX_BUFFER_MULTIPLE);
    expect(result.reasons[1]).toBe('The buffer is 5 days for each of 5 supply risks, counted at most 3 times.');
    expect(result.reasons).toContain('Low supplier OTIF: 60% of deliveries on time and in full, below 90%.');
  });

  it('buffers an unstable lead time by at least the gap from the mean lead time to its 90th percentile', () => {
    // σL = 20 days on L = 40: z0.9·σL = 1.2816 × 20 = 25.6 → 26 days, more than 7 days × 2 risks (long and
    // unstable lead time) = 14.
    const unstable = classifyAs('A', { leadTime: { meanDays: 40, sdDays: 20, source: 'measured' } });
    expect(unstable.riskFlags).toEqual(['long_lead_time', 'unstable_lead_time']);
    expect(unstable.bufferDays).toBe(26);
    expect(unstable.reasons[1]).toBe(
      'The buffer is 26 days: a 1-in-10 late delivery arrives that long after the mean lead time (1.28 × σ 20 days, rounded up), more than 7 days × 2.',
    );
    expect(unstable.reasons).toContain(
      'Unstable lead time: σ 20 days on a mean of 40 days (coefficient of variation 0.5, unstable from 0.3 with σ of at least 3 days).',
    );
    // σL = 4 days on L = 10: 1.2816 × 4 = 5.1 → 6 days, less than 7 × 1: the per-risk buffer stands.
    const mild = classifyAs('B', { leadTime: { meanDays: 10, sdDays: 4, source: 'measured' } });
    expect(mild.riskFlags).toEqual(['unstable_lead_time']);
    expect(mild.bufferDays).toBe(7);
  });

  it('buffers a class C item with a supply risk only when its criticality is high', () => {
    const risky = { sourceCount: 1, supplierOtif: 0.8 };
    expect(classifyAs('C', risky)).toMatchObject({ strategy: 'lean', bufferDays: 0 });
    expect(classifyAs('C', risky).reasons[0]).toBe(
      'Lean: single source and low supplier OTIF, but on a class C item of medium criticality; buffers are kept for material supply risks on class A and B items or critical ones, and for volatile demand on critical items.',
    );
    const critical = classifyAs('C', { ...risky, criticality: 'high' });
    expect(critical).toMatchObject({ strategy: 'buffered', bufferDays: 14 });
    expect(critical.reasons[0]).toBe(
      'Buffered: single source and low supplier OTIF on a class C item of high criticality; 14 days of demand are held on top of the safety stock.',
    );
  });

  it('buffers volatile demand only on an item of high criticality, once bufferDays without a supply risk', () => {
    const volatile = { demandCv: 1.8, demandClass: 'erratic' as const };
    const medium = classifyAs('A', volatile);
    expect(medium).toMatchObject({ xyz: 'Z', riskFlags: ['volatile_demand'], strategy: 'lean', bufferDays: 0 });
    const high = classifyAs('A', { ...volatile, criticality: 'high' });
    expect(high).toMatchObject({ strategy: 'buffered', bufferDays: 7 });
    expect(high.reasons.slice(0, 2)).toEqual([
      'Buffered: volatile demand on a class A item of high criticality; 7 days of demand are held on top of the safety stock.',
      'The buffer is 7 days for volatile demand.',
    ]);
    expect(high.reasons).toContain('Volatile demand: class Z (coefficient of variation 1.8) and erratic.');
    expect(high.reasons).toContain(
      'Class Z: weekly demand has a coefficient of variation of 1.8 (X below 0.5, Y below 1); its pattern is erratic.',
    );
  });

  it('makes to order a class C, class Z item with lumpy or intermittent demand unless it is critical', () => {
    for (const demandClass of ['lumpy', 'intermittent'] as const) {
      const result = classifyAs('C', { demandCv: 4, demandClass });
      expect(result).toMatchObject({ xyz: 'Z', strategy: 'make_to_order', bufferDays: 0 });
      expect(result.reasons[0]).toBe(
        `Make to order: class C with ${demandClass} class Z demand and medium criticality; stock held for it would mostly wait, so it is ordered when demand arrives.`,
      );
    }
    // A critical one with lumpy demand is volatile: buffered instead.
    expect(classifyAs('C', { demandCv: 4, demandClass: 'lumpy', criticality: 'high' }).strategy).toBe('buffered');
    // Not class C, not class Z, or not sporadic: no.
    expect(classifyAs('B', { demandCv: 4, demandClass: 'intermittent' }).strategy).toBe('lean');
    expect(classifyAs('C', { demandCv: 0.9, demandClass: 'intermittent' }).strategy).toBe('lean');
    expect(classifyAs('C', { demandCv: 4, demandClass: 'erratic' }).strategy).toBe('lean');
  });

  it('keeps make-to-order when the policy in force is make-to-order, whatever the risks', () => {
    const result = classifyAs('A', { currentPolicyKind: 'make_to_order', sourceCount: 1, criticality: 'high' });
    expect(result).toMatchObject({ strategy: 'make_to_order', bufferDays: 0, riskFlags: ['single_source'] });
    expect(result.reasons[0]).toBe(
      'Make to order: the policy in force is make-to-order, so the item is supplied only against demand.',
    );
  });

  it('treats an item without demand as class C and Z, lean', () => {
    const [result] = classifyPortfolio(
      [input({ key: 'NONE', annualValue: 0, demandCv: Number.NaN, demandClass: 'no_demand' }), input({ key: 'OTHER' })],
      settings,
    );
    expect(result).toMatchObject({ abc: 'C', xyz: 'Z', strategy: 'lean', riskFlags: [] });
    expect(result!.reasons).toContain('Class Z: no demand in the history.');
    expect(result!.reasons).toContain(
      'Class C: no annual consumption value (no demand or no unit cost) (A closes at 80%, B at 95%).',
    );
  });

  it('gives each item its own sentences whatever the order of the portfolio (sentences are shared, not mixed up)', () => {
    const arbitraryInput = fc.record({
      key: fc.string(),
      annualValue: fc.constantFrom(0, 0, 10, 250, 1000),
      demandCv: fc.constantFrom(Number.NaN, 0.2, 0.7, 1.5, 3),
      demandClass: fc.constantFrom('smooth', 'erratic', 'intermittent', 'lumpy', 'no_demand'),
      criticality: fc.constantFrom('low', 'medium', 'high'),
      currentPolicyKind: fc.constantFrom(null, 'reorder_point', 'make_to_order'),
      sourceCount: fc.constantFrom(0, 1, 2),
      leadTime: fc.option(
        fc.record({
          meanDays: fc.constantFrom(5, 30, 45),
          sdDays: fc.constantFrom(0, 2, 20),
          source: fc.constantFrom('measured', 'quoted'),
        }),
      ),
      supplierOtif: fc.constantFrom(null, 0.5, 0.85, 0.95),
      overseas: fc.boolean(),
      seasonalAvailability: fc.boolean(),
    }) as fc.Arbitrary<StrategyInput>;
    fc.assert(
      fc.property(fc.array(arbitraryInput, { maxLength: 20 }), (drawn) => {
        // Distinct values, so the ranking (ties go by position) is the same both ways.
        const inputs = drawn.map((one, i) =>
          one.annualValue > 0 ? { ...one, annualValue: one.annualValue + i } : one,
        );
        const forward = classifyPortfolio(inputs, settings);
        const backward = classifyPortfolio([...inputs].reverse(), settings).reverse();
        const alone = inputs.map((one, i) => {
          // The same item classified with only its ABC class fixed by a portfolio of its own: everything but the
          // ABC sentence must read the same.
          const result = classifyPortfolio([one], settings)[0]!;
          return forward[i]!.abc === result.abc ? result : null;
        });
        expect(backward).toEqual(forward);
        for (const [i, result] of alone.entries()) {
          if (result === null) continue;
          const notAbc = (reasons: string[]) =>
            reasons.filter((r) => !r.startsWith('Class A') && !r.startsWith('Class B') && !r.startsWith('Class C'));
          expect(notAbc(result.reasons)).toEqual(notAbc(forward[i]!.reasons));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('uses the ABC cut-offs of the settings', () => {
    // 60 / 100 starts the second item at 60 %: A with the default 80 %, B when A closes at 50 %.
    const portfolio = [input({ key: 'X1', annualValue: 60 }), input({ key: 'X2', annualValue: 40 })];
    expect(classifyPortfolio(portfolio, settings).map((r) => r.abc)).toEqual(['A', 'A']);
    expect(classifyPortfolio(portfolio, { ...settings, abcCutoffs: [0.5, 0.95] }).map((r) => r.abc)).toEqual([
      'A',
      'B',
    ]);
  });
});

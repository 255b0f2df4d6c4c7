import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { componentRequirementMilli, effectiveBom, findBomCycle, lowLevelCodes } from './bom.js';

describe('componentRequirementMilli', () => {
  it('multiplies parent by quantity per without scrap: 12 × 2.5 = 30', () => {
    expect(componentRequirementMilli(12_000, 2_500, 0, false)).toBe(30_000);
  });

  it('adds scrap in basis points: 10 × 2.5 × 1.05 = 26.25', () => {
    expect(componentRequirementMilli(10_000, 2_500, 500, false)).toBe(26_250);
  });

  it('rounds a fraction of a milli-unit up: 1 × 0.001 × 1.0001 = 0.0010001 → 0.002', () => {
    expect(componentRequirementMilli(1_000, 1, 1, false)).toBe(2);
  });

  it('rounds 0.003 × 0.333 = 0.000999 up to 0.001', () => {
    expect(componentRequirementMilli(3, 333, 0, false)).toBe(1);
  });

  it('rounds a counted component up to whole units: 10 × 0.333 = 3.33 → 4', () => {
    expect(componentRequirementMilli(10_000, 333, 0, true)).toBe(4_000);
  });

  it('keeps a whole count as it is: 4 × 3 × 1.25 = 15', () => {
    expect(componentRequirementMilli(4_000, 3_000, 2_500, true)).toBe(15_000);
  });

  it('rounds scrap on a counted component up: 10 × 1 × 1.05 = 10.5 → 11', () => {
    expect(componentRequirementMilli(10_000, 1_000, 500, true)).toBe(11_000);
  });

  it('is zero for zero of the parent', () => {
    expect(componentRequirementMilli(0, 2_000, 900, true)).toBe(0);
  });

  it('stays exact where the product passes 2^53: 10^9 units × 3.333 × 1.0007', () => {
    // 10^12 milli × 3,333 × 10,007 = 3.3353331 × 10^19 > 2^53; ÷ 10^7 = 3,335,333,100,000 exactly.
    expect(componentRequirementMilli(1_000_000_000_000, 3_333, 7, false)).toBe(3_335_333_100_000);
    // 999,999,999,999 milli × 3,333 × 10,007 = 33,353,330,999,966,646,669 → ÷ 10^7 = 3,335,333,099,996.66… → …997.
    expect(componentRequirementMilli(999_999_999_999, 3_333, 7, false)).toBe(3_335_333_099_997);
  });

  it('agrees with BigInt arithmetic on any input', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 9_999 }),
        fc.boolean(),
        (parent, per, scrap, count) => {
          const numerator = BigInt(parent) * BigInt(per) * BigInt(10_000 + scrap);
          let expected = (numerator + 9_999_999n) / 10_000_000n;
          if (count) expected = ((expected + 999n) / 1000n) * 1000n;
          if (expected > BigInt(Number.MAX_SAFE_INTEGER)) {
            expect(() => componentRequirementMilli(parent, per, scrap, count)).toThrow(RangeError);
          } else {
            expect(componentRequirementMilli(parent, per, scrap, count)).toBe(Number(expected));
          }
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  it('refuses negative or fractional quantities and scrap outside 0..9999', () => {
    expect(() => componentRequirementMilli(-1, 1000, 0, false)).toThrow(RangeError);
    expect(() => componentRequirementMilli(1000, 1.5, 0, false)).toThrow(RangeError);
    expect(() => componentRequirementMilli(1000, 1000, 10_000, false)).toThrow(RangeError);
    expect(() => componentRequirementMilli(1000, 1000, -1, false)).toThrow(RangeError);
  });
});

describe('findBomCycle', () => {
  const edges = new Map<number, number[]>([
    [2, [3, 4]],
    [3, [5]],
    [5, [1]],
  ]);

  it('returns the path that closes the cycle: 1 → 2 → 3 → 5 → 1', () => {
    expect(findBomCycle(edges, 1, [6, 2])).toEqual([1, 2, 3, 5, 1]);
  });

  it('returns [A, A] for an item that lists itself', () => {
    expect(findBomCycle(edges, 7, [8, 7])).toEqual([7, 7]);
  });

  it('returns the shortest of several cycles', () => {
    expect(findBomCycle(edges, 1, [2, 5])).toEqual([1, 5, 1]);
  });

  it('returns null when the new components do not lead back', () => {
    expect(findBomCycle(edges, 1, [4, 6])).toBeNull();
    expect(findBomCycle(edges, 2, [5])).toBeNull();
  });

  it('finds a two-item cycle: 3 → 5 exists, 5 → 3 closes it', () => {
    expect(findBomCycle(new Map([[3, [5]]]), 5, [3])).toEqual([5, 3, 5]);
  });

  it('finds a path exactly when the component reaches the parent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 })), { maxLength: 20 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }),
        (pairs, parent, components) => {
          const graph = new Map<number, number[]>();
          for (const [from, to] of pairs) graph.set(from, [...(graph.get(from) ?? []), to]);
          const reaches = (from: number): boolean => {
            const seen = new Set<number>();
            const stack = [from];
            while (stack.length > 0) {
              const at = stack.pop()!;
              if (at === parent) return true;
              if (seen.has(at)) continue;
              seen.add(at);
              stack.push(...(graph.get(at) ?? []));
            }
            return false;
          };
          const path = findBomCycle(graph, parent, components);
          expect(path !== null).toBe(components.some(reaches));
          if (path === null) return;
          expect(path[0]).toBe(parent);
          expect(path.at(-1)).toBe(parent);
          expect(components).toContain(path[1]);
          for (let i = 1; i + 1 < path.length; i++) expect(graph.get(path[i]!)).toContain(path[i + 1]);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('effectiveBom', () => {
  const versions = [
    { version: 1, validFrom: null, validTo: '2026-07-01' },
    { version: 2, validFrom: '2026-07-01', validTo: null },
    { version: 3, validFrom: '2026-09-01', validTo: '2026-10-01' },
  ];

  it('takes the version whose window holds the date, valid_to excluded', () => {
    expect(effectiveBom(versions, '2026-06-30')?.version).toBe(1);
    expect(effectiveBom(versions, '2026-07-01')?.version).toBe(2);
    expect(effectiveBom(versions, '2026-10-01')?.version).toBe(2);
  });

  it('takes the highest version when windows overlap', () => {
    expect(effectiveBom(versions, '2026-09-15')?.version).toBe(3);
  });

  it('returns undefined when no version is effective', () => {
    expect(effectiveBom([{ version: 1, validFrom: '2026-01-01', validTo: null }], '2025-12-31')).toBeUndefined();
    expect(effectiveBom([], '2026-01-01')).toBeUndefined();
  });
});

describe('lowLevelCodes', () => {
  it('gives each item the deepest level it appears at', () => {
    // 1 → {2, 3}, 2 → {3}: item 3 is at level 1 under 1 and level 2 under 2, so its code is 2.
    const codes = lowLevelCodes(
      new Map([
        [1, [2, 3]],
        [2, [3]],
        [10, [3]],
      ]),
    );
    expect(Object.fromEntries(codes)).toEqual({ 1: 0, 2: 1, 3: 2, 10: 0 });
  });

  it('is 0 for an item that is no one’s component', () => {
    expect(lowLevelCodes(new Map([[4, []]])).get(4)).toBe(0);
  });

  it('refuses edges that hold a cycle', () => {
    expect(() =>
      lowLevelCodes(
        new Map([
          [1, [2]],
          [2, [3]],
          [3, [2]],
        ]),
      ),
    ).toThrow(RangeError);
  });

  it('puts every component below each of its parents on random DAGs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 })), { maxLength: 40 }),
        (pairs) => {
          const graph = new Map<number, number[]>();
          // Only edges from a lower to a higher id: acyclic.
          for (const [a, b] of pairs) {
            if (a === b) continue;
            const [from, to] = a < b ? [a, b] : [b, a];
            graph.set(from, [...(graph.get(from) ?? []), to]);
          }
          const codes = lowLevelCodes(graph);
          for (const [parent, components] of graph) {
            for (const component of components) expect(codes.get(component)!).toBeGreaterThan(codes.get(parent)!);
          }
          for (const [item, code] of codes) {
            const parents = [...graph].filter(([, components]) => components.includes(item)).map(([p]) => p);
            expect(code).toBe(parents.length === 0 ? 0 : 1 + Math.max(...parents.map((p) => codes.get(p)!)));
          }
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});

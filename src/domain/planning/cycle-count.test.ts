import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CountCandidate,
  computeRecordAccuracy,
  DEFAULT_COUNT_TOLERANCES,
  isCountWithinTolerance,
  planCountDueDays,
} from './cycle-count.js';
import type { AbcClass } from './types.js';

function perDay(dueDays: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const day of dueDays) counts.set(day, (counts.get(day) ?? 0) + 1);
  return counts;
}

describe('planCountDueDays', () => {
  it("reproduces Cole's Trucks: 25 A, 29 B and 23 C counts a day, 77 in all", () => {
    // Heizer, Render & Munson, Operations Management, 12th ed., ch. 12, Example 2: 500 A items counted every 20
    // working days (500/20 = 25 a day), 1,750 B every 60 (1,750/60 = 29.17 → "29/day"), 2,750 C every 120
    // (2,750/120 = 22.92 → "23/day"); 77 items a day.
    const today = 20_000;
    const intervals = { A: 20, B: 60, C: 120 };
    const candidates: CountCandidate[] = [
      ...Array.from({ length: 500 }, () => ({ abc: 'A' as const, lastCountDay: null })),
      ...Array.from({ length: 1750 }, () => ({ abc: 'B' as const, lastCountDay: null })),
      ...Array.from({ length: 2750 }, () => ({ abc: 'C' as const, lastCountDay: null })),
    ];
    const due = planCountDueDays(candidates, intervals, today);
    const byClass = (abc: AbcClass) => perDay(due.filter((_, i) => candidates[i]!.abc === abc));

    const a = byClass('A');
    expect(a.size).toBe(20);
    expect(new Set(a.values())).toEqual(new Set([25]));
    // B: 60 days of 29 or 30 (1,750 = 60 × 29 + 10), C: 120 days of 22 or 23 (2,750 = 120 × 22 + 110).
    const b = byClass('B');
    expect(b.size).toBe(60);
    expect(Math.min(...b.values())).toBe(29);
    expect(Math.max(...b.values())).toBe(30);
    const c = byClass('C');
    expect(c.size).toBe(120);
    expect(Math.min(...c.values())).toBe(22);
    expect(Math.max(...c.values())).toBe(23);
    // Over the first 20 days (when all three classes run) 77 a day on average: 25 + 29.17 + 22.92 = 77.08.
    const all = perDay(due);
    const first20 = Array.from({ length: 20 }, (_, k) => all.get(today + k)!);
    const mean = first20.reduce((s, n) => s + n, 0) / 20;
    expect(Math.round(mean)).toBe(77);
    expect(Math.min(...due)).toBe(today);
    expect(Math.max(...due)).toBe(today + 119);
  });

  it('schedules a pair counted before one interval after its last count, even when that is past', () => {
    const intervals = { A: 30, B: 91, C: 365 };
    expect(
      planCountDueDays(
        [
          { abc: 'A', lastCountDay: 100 },
          { abc: 'B', lastCountDay: 100 },
          { abc: 'C', lastCountDay: 10 },
        ],
        intervals,
        200,
      ),
    ).toEqual([130, 191, 375]);
  });

  it('never puts more than ⌈n / interval⌉ new pairs of a class on one day, all within the interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 120 }), (n, interval) => {
        const due = planCountDueDays(
          Array.from({ length: n }, () => ({ abc: 'A' as const, lastCountDay: null })),
          { A: interval, B: 91, C: 365 },
          0,
        );
        const counts = perDay(due);
        expect(Math.max(...counts.values())).toBeLessThanOrEqual(Math.ceil(n / interval));
        expect(Math.min(...due)).toBe(0);
        expect(Math.max(...due)).toBeLessThan(interval);
      }),
    );
  });
});

describe('record accuracy', () => {
  it('is exact for A, ±2 % for B and ±5 % for C by default', () => {
    const { A, B, C } = DEFAULT_COUNT_TOLERANCES;
    expect(isCountWithinTolerance(100_000, 100_000, A)).toBe(true);
    expect(isCountWithinTolerance(100_000, 100_001, A)).toBe(false);
    // B: 2 % of 100 = 2: 98 and 102 are within, 97.999 is not.
    expect(isCountWithinTolerance(100_000, 98_000, B)).toBe(true);
    expect(isCountWithinTolerance(100_000, 102_000, B)).toBe(true);
    expect(isCountWithinTolerance(100_000, 97_999, B)).toBe(false);
    // C: 5 % of 40 = 2.
    expect(isCountWithinTolerance(40_000, 42_000, C)).toBe(true);
    expect(isCountWithinTolerance(40_000, 42_001, C)).toBe(false);
  });

  it('takes a record of zero as accurate only when nothing was found', () => {
    expect(isCountWithinTolerance(0, 0, 0.05)).toBe(true);
    expect(isCountWithinTolerance(0, 1, 0.05)).toBe(false);
  });

  it('is the share of counts within tolerance, overall and by class', () => {
    const accuracy = computeRecordAccuracy([
      { abc: 'A', expectedMilli: 10_000, countedMilli: 10_000 },
      { abc: 'A', expectedMilli: 10_000, countedMilli: 9_000 },
      { abc: 'B', expectedMilli: 50_000, countedMilli: 49_500 },
      { abc: 'C', expectedMilli: 20_000, countedMilli: 18_000 },
      { abc: 'C', expectedMilli: 20_000, countedMilli: 19_500 },
    ]);
    // A: 1 of 2; B: 1 % off → 1 of 1; C: 10 % off and 2.5 % off → 1 of 2. Overall 3 of 5.
    expect(accuracy).toEqual({
      counts: 5,
      accurate: 3,
      accuracy: 0.6,
      classes: [
        { abc: 'A', tolerance: 0, counts: 2, accurate: 1, accuracy: 0.5 },
        { abc: 'B', tolerance: 0.02, counts: 1, accurate: 1, accuracy: 1 },
        { abc: 'C', tolerance: 0.05, counts: 2, accurate: 1, accuracy: 0.5 },
      ],
    });
    expect(computeRecordAccuracy([]).accuracy).toBeNull();
  });
});

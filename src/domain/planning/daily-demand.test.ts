import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLocalDate } from '../replenishment/local-time.js';
import {
  buildDailyDemand,
  dayIndexOf,
  formatDayNumber,
  localDayNumber,
  localDayStarts,
  type PairMovement,
  shiftDailyDemand,
} from './daily-demand.js';

const HOUR = 3_600_000;
const day = (date: string) => parseLocalDate(date)!;
const sale = (quantity: number, occurredAt: number, reversedOccurredAt: number | null = null): PairMovement => ({
  isDemand: true,
  quantityMilli: reversedOccurredAt === null ? -quantity * 1000 : quantity * 1000,
  occurredAt,
  reversedOccurredAt,
});
const stock = (quantity: number, occurredAt: number): PairMovement => ({
  isDemand: false,
  quantityMilli: quantity * 1000,
  occurredAt,
  reversedOccurredAt: null,
});

describe('local days', () => {
  it('begin at local midnight: Berlin in winter is UTC+1, in summer UTC+2', () => {
    const starts = localDayStarts(day('2026-01-15'), 1, 'Europe/Berlin');
    expect([...starts]).toEqual([Date.UTC(2026, 0, 14, 23), Date.UTC(2026, 0, 15, 23)]);
    expect(localDayStarts(day('2026-07-01'), 1, 'Europe/Berlin')[0]).toBe(Date.UTC(2026, 5, 30, 22));
  });

  it('are 23 hours long on the spring change and 25 on the autumn change (Berlin 2026: 29 March, 25 October)', () => {
    const spring = localDayStarts(day('2026-03-28'), 3, 'Europe/Berlin');
    expect([...spring].map((t, i) => (i === 0 ? 0 : (t - spring[i - 1]!) / HOUR))).toEqual([0, 24, 23, 24]);
    expect(spring[1]).toBe(Date.UTC(2026, 2, 28, 23));
    expect(spring[2]).toBe(Date.UTC(2026, 2, 29, 22));
    const autumn = localDayStarts(day('2026-10-24'), 3, 'Europe/Berlin');
    expect([...autumn].map((t, i) => (i === 0 ? 0 : (t - autumn[i - 1]!) / HOUR))).toEqual([0, 24, 25, 24]);
  });

  it('follow zones west of UTC and zones without daylight saving', () => {
    expect(localDayStarts(day('2026-03-31'), 1, 'America/New_York')[0]).toBe(Date.UTC(2026, 2, 31, 4));
    expect(localDayStarts(day('2026-03-31'), 1, 'Asia/Kolkata')[0]).toBe(Date.UTC(2026, 2, 30, 18, 30));
    expect(localDayStarts(day('2026-03-31'), 1, 'UTC')[0]).toBe(Date.UTC(2026, 2, 31));
  });

  it('match the day number of every instant, hour by hour across both 2026 changes in Berlin', () => {
    const first = day('2026-03-20');
    const starts = localDayStarts(first, 230, 'Europe/Berlin');
    for (let t = starts[0]!; t < starts[230]!; t += HOUR / 2) {
      expect(dayIndexOf(starts, t)).toBe(localDayNumber(t, 'Europe/Berlin') - first);
    }
    expect(dayIndexOf(starts, starts[0]! - 1)).toBe(-1);
    expect(dayIndexOf(starts, starts[230]!)).toBe(230);
  });

  it('format as civil dates', () => {
    expect(formatDayNumber(day('2024-02-29'))).toBe('2024-02-29');
  });
});

describe('buildDailyDemand', () => {
  // Three days in Berlin summer time: 1, 2 and 3 July 2026, each beginning at 22:00 UTC the day before.
  const starts = localDayStarts(day('2026-07-01'), 3, 'Europe/Berlin');
  const at = (dayIndex: number, hour: number) => starts[dayIndex]! + hour * HOUR;

  it('sums sales and issues by local day, zero days included, exact to the thousandth', () => {
    const built = buildDailyDemand(
      starts,
      [sale(2.5, at(0, 1)), sale(0.001, at(0, 23.5)), sale(4, at(2, 12))],
      100_000,
    );
    expect([...built.demand]).toEqual([2.501, 0, 4]);
    expect(built.movementsSinceStart).toBe(3);
  });

  it('takes a reversal off the day of the movement it reverses; one of a movement before the window takes nothing', () => {
    const built = buildDailyDemand(
      starts,
      [sale(5, at(0, 10)), sale(3, at(1, 10)), sale(5, at(2, 9), at(0, 10)), sale(7, at(2, 9), starts[0]! - HOUR)],
      100_000,
    );
    // Day 0: 5 − 5 (reversed on day 2); day 1: 3; day 2: the reversal of a sale made before 1 July removes nothing.
    expect([...built.demand]).toEqual([0, 3, 0]);
  });

  it('flags a day when on hand was ≤ 0 at its start or at its end, running the ledger forward from before the window', () => {
    // Now: on hand 6. Since the window began: +10 receipt (day 0), −10 sale (day 0), +8 receipt (day 1),
    // −2 sale (day 2), and today +0. So before the window: 6 − (10 − 10 + 8 − 2) = 0.
    const movements = [stock(10, at(0, 8)), sale(10, at(0, 16)), stock(8, at(1, 9)), sale(2, at(2, 11))];
    const built = buildDailyDemand(starts, movements, 6_000);
    // Day 0 starts at 0 (flag); day 1 starts at 0 (flag) and ends at 8; day 2: 8 → 6.
    expect([...built.stockOut]).toEqual([1, 1, 0]);
    expect([...built.demand]).toEqual([10, 0, 2]);
  });

  it('counts today’s movements in the on-hand rebuild but not in the demand', () => {
    // Today (after the window): a receipt of 5 made on hand 5; before it on hand was 0 for all three days.
    const built = buildDailyDemand(starts, [stock(5, starts[3]! + HOUR)], 5_000);
    expect([...built.stockOut]).toEqual([1, 1, 1]);
    expect(built.movementsSinceStart).toBe(1);
  });

  it('ignores movements before the window', () => {
    const built = buildDailyDemand(starts, [sale(9, starts[0]! - 1), stock(1, starts[0]! - 1)], 1_000);
    expect([...built.demand]).toEqual([0, 0, 0]);
    expect([...built.stockOut]).toEqual([0, 0, 0]);
    expect(built.movementsSinceStart).toBe(0);
  });

  it('agrees with a replay of the ledger in time order (property)', () => {
    const days = 6;
    const window = localDayStarts(day('2026-03-26'), days, 'Europe/Berlin'); // spans the spring change
    const span = window[days]! + 6 * HOUR - window[0]!;
    const movement = fc.record({
      offset: fc.integer({ min: -6 * HOUR, max: span - 1 }),
      quantity: fc.integer({ min: -5000, max: 5000 }).filter((q) => q !== 0),
      isDemand: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(movement, { maxLength: 40 }), fc.integer({ min: -3000, max: 8000 }), (raw, nowMilli) => {
        const movements = raw.map((m) => ({
          isDemand: m.isDemand,
          quantityMilli: m.isDemand ? -Math.abs(m.quantity) : m.quantity,
          occurredAt: window[0]! + m.offset,
          reversedOccurredAt: null,
        }));
        const built = buildDailyDemand(window, movements, nowMilli);
        const sorted = [...movements].sort((a, b) => a.occurredAt - b.occurredAt);
        let onHand =
          nowMilli - sorted.filter((m) => m.occurredAt >= window[0]!).reduce((s, m) => s + m.quantityMilli, 0);
        for (let d = 0; d < days; d++) {
          const inDay = sorted.filter((m) => m.occurredAt >= window[d]! && m.occurredAt < window[d + 1]!);
          const start = onHand;
          onHand += inDay.reduce((s, m) => s + m.quantityMilli, 0);
          expect(built.stockOut[d]).toBe(start <= 0 || onHand <= 0 ? 1 : 0);
          const demand = inDay.filter((m) => m.isDemand).reduce((s, m) => s - m.quantityMilli, 0);
          expect(built.demand[d]).toBe(demand / 1000);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('shiftDailyDemand', () => {
  it('drops the oldest days and adds days without demand, flagged when on hand now is ≤ 0', () => {
    const history = { demand: Float64Array.from([1, 2, 3, 4]), stockOut: Uint8Array.from([1, 0, 0, 1]) };
    const shifted = shiftDailyDemand(history, 1, 0);
    expect([...shifted.demand]).toEqual([2, 3, 4, 0]);
    expect([...shifted.stockOut]).toEqual([0, 0, 1, 1]);
    const stocked = shiftDailyDemand(history, 2, 1);
    expect([...stocked.demand]).toEqual([3, 4, 0, 0]);
    expect([...stocked.stockOut]).toEqual([0, 1, 0, 0]);
    expect([...shiftDailyDemand(history, 9, 1).demand]).toEqual([0, 0, 0, 0]);
  });
});

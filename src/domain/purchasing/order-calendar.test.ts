import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantToLocal } from '../replenishment/local-time.js';
import { earliestSendInstant, isOrderDay, isoWeekdayOfDay } from './order-calendar.js';

const BERLIN = 'Europe/Berlin';
const TUE_THU = [2, 4];

describe('isOrderDay', () => {
  it('accepts every day when the supplier has no order days, and only the listed ones otherwise', () => {
    for (let weekday = 1; weekday <= 7; weekday++) expect(isOrderDay(null, weekday)).toBe(true);
    expect([1, 2, 3, 4, 5, 6, 7].filter((weekday) => isOrderDay(TUE_THU, weekday))).toEqual([2, 4]);
  });

  it('numbers local days Monday = 1 to Sunday = 7', () => {
    // Day 0 is 1970-01-01, a Thursday; 2026-06-01 (day 20605) is a Monday.
    expect(isoWeekdayOfDay(0)).toBe(4);
    expect(isoWeekdayOfDay(Date.UTC(2026, 5, 1) / 86_400_000)).toBe(1);
    expect(isoWeekdayOfDay(-1)).toBe(3);
  });
});

describe('earliestSendInstant', () => {
  it('is the end of the consolidation window when the supplier takes orders any day', () => {
    const created = Date.UTC(2026, 5, 6, 10, 15); // a Saturday
    expect(
      earliestSendInstant({ draftCreatedAt: created, consolidationMinutes: 45, orderDays: null, timeZone: BERLIN }),
    ).toBe(created + 45 * 60_000);
  });

  it('only Tue/Thu: a window ending on Wednesday waits for Thursday 00:00 local', () => {
    // Wed 3 June 2026 10:00 CEST + 60 min = 11:00 CEST, a Wednesday → Thu 4 June 00:00 CEST = 3 June 22:00 UTC.
    expect(
      earliestSendInstant({
        draftCreatedAt: Date.UTC(2026, 5, 3, 8),
        consolidationMinutes: 60,
        orderDays: TUE_THU,
        timeZone: BERLIN,
      }),
    ).toBe(Date.UTC(2026, 5, 3, 22));
  });

  it('only Tue/Thu: a window ending on an order day is sent at its end', () => {
    // Tue 2 June 2026 10:00 CEST + 30 min = 10:30 CEST, a Tuesday.
    expect(
      earliestSendInstant({
        draftCreatedAt: Date.UTC(2026, 5, 2, 8),
        consolidationMinutes: 30,
        orderDays: TUE_THU,
        timeZone: BERLIN,
      }),
    ).toBe(Date.UTC(2026, 5, 2, 8, 30));
  });

  it('only Tue/Thu: a Thursday draft whose window runs past midnight waits until next Tuesday', () => {
    // Thu 4 June 2026 23:00 CEST + 120 min = Fri 01:00 CEST → Tue 9 June 00:00 CEST = 8 June 22:00 UTC.
    expect(
      earliestSendInstant({
        draftCreatedAt: Date.UTC(2026, 5, 4, 21),
        consolidationMinutes: 120,
        orderDays: TUE_THU,
        timeZone: BERLIN,
      }),
    ).toBe(Date.UTC(2026, 5, 8, 22));
  });

  it('uses the weekday of the site, not of UTC', () => {
    // Mon 1 June 2026 20:00 UTC is already Tue 2 June 08:00 in Auckland (NZST, +12).
    const created = Date.UTC(2026, 5, 1, 20);
    expect(
      earliestSendInstant({
        draftCreatedAt: created,
        consolidationMinutes: 0,
        orderDays: [2],
        timeZone: 'Pacific/Auckland',
      }),
    ).toBe(created);
    // In Berlin the same instant is Monday 22:00 CEST: Tuesday begins two hours later.
    expect(
      earliestSendInstant({ draftCreatedAt: created, consolidationMinutes: 0, orderDays: [2], timeZone: BERLIN }),
    ).toBe(Date.UTC(2026, 5, 1, 22));
  });

  it('finds Monday midnight across the spring-forward change, a 23-hour Sunday', () => {
    // Sat 28 March 2026 22:00 CET + 120 min = Sun 29 March 00:00 CET. Clocks jump 02:00 → 03:00 that night,
    // so Mon 30 March 00:00 is CEST (+2) = 29 March 22:00 UTC, 23 hours later, not 24.
    expect(
      earliestSendInstant({
        draftCreatedAt: Date.UTC(2026, 2, 28, 21),
        consolidationMinutes: 120,
        orderDays: [1],
        timeZone: BERLIN,
      }),
    ).toBe(Date.UTC(2026, 2, 29, 22));
  });

  it('finds Monday midnight across the fall-back change, a 25-hour Sunday', () => {
    // Sat 24 October 2026 14:00 CEST; clocks go 03:00 → 02:00 on Sunday, so Mon 26 October 00:00 is CET (+1)
    // = 25 October 23:00 UTC.
    expect(
      earliestSendInstant({
        draftCreatedAt: Date.UTC(2026, 9, 24, 12),
        consolidationMinutes: 0,
        orderDays: [1],
        timeZone: BERLIN,
      }),
    ).toBe(Date.UTC(2026, 9, 25, 23));
  });

  it('counts the consolidation window in elapsed minutes even when the clock jumps inside it', () => {
    // Sun 29 March 2026 01:30 CET (00:30 UTC) + 60 min = 01:30 UTC, which the wall clock shows as 03:30 CEST.
    expect(
      earliestSendInstant({
        draftCreatedAt: Date.UTC(2026, 2, 29, 0, 30),
        consolidationMinutes: 60,
        orderDays: [7],
        timeZone: BERLIN,
      }),
    ).toBe(Date.UTC(2026, 2, 29, 1, 30));
  });

  it('resolves a midnight that does not exist to the end of the DST gap', () => {
    // Santiago de Chile springs forward at midnight: Sun 6 September 2026 00:00 (-04) does not exist; the day
    // starts at 01:00 (-03) = 04:00 UTC.
    expect(
      earliestSendInstant({
        draftCreatedAt: Date.UTC(2026, 8, 5, 15), // Sat 5 September 11:00 -04
        consolidationMinutes: 0,
        orderDays: [7],
        timeZone: 'America/Santiago',
      }),
    ).toBe(Date.UTC(2026, 8, 6, 4));
  });

  it('refuses an empty list of order days', () => {
    expect(() =>
      earliestSendInstant({ draftCreatedAt: 0, consolidationMinutes: 0, orderDays: [], timeZone: BERLIN }),
    ).toThrow(RangeError);
  });

  it('is never before the window ends, falls on an order day, and is the window end or a local midnight', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Pacific/Auckland', 'Asia/Kolkata', 'America/Santiago'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
        fc.integer({ min: 0, max: 10_080 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        fc.constantFrom(...zones),
        (created, minutes, orderDays, timeZone) => {
          const windowEnd = created + minutes * 60_000;
          const send = earliestSendInstant({
            draftCreatedAt: created,
            consolidationMinutes: minutes,
            orderDays,
            timeZone,
          });
          const local = instantToLocal(send, timeZone);
          expect(send).toBeGreaterThanOrEqual(windowEnd);
          expect(send - windowEnd).toBeLessThanOrEqual(7 * 86_400_000);
          expect(isOrderDay(orderDays, isoWeekdayOfDay(local.dayNumber))).toBe(true);
          if (send !== windowEnd) {
            expect(['00:00', '01:00']).toContain(local.time);
            // No order day started between the window's end and the answer.
            const startDay = instantToLocal(windowEnd, timeZone).dayNumber;
            for (let day = startDay; day < local.dayNumber; day++) {
              expect(isOrderDay(orderDays, isoWeekdayOfDay(day))).toBe(false);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors.js';
import { instantToLocal, parseLocalDate, zoneOffsetMs } from './local-time.js';
import { dueReviewInstants, nextReviewInstant, type ReviewCalendar } from './review-schedule.js';

const iso = (instants: number[]) => instants.map((t) => new Date(t).toISOString());
const daily = (timeZone: string, reviewTime: string): ReviewCalendar => ({
  timeZone,
  reviewDays: 1,
  reviewTime,
  anchorDate: '2026-01-01',
});

describe('dueReviewInstants', () => {
  const weekly: ReviewCalendar = {
    timeZone: 'Europe/Berlin',
    reviewDays: 7,
    reviewTime: '06:00',
    anchorDate: '2026-01-05',
  };

  it('lists the weekly reviews after the last completed one, up to now', () => {
    // Mondays 5, 12, 19 Jan 2026 at 06:00 CET = 05:00 UTC; the 5th is done, now is 20 Jan 00:00 UTC.
    expect(iso(dueReviewInstants(weekly, Date.UTC(2026, 0, 5, 5), Date.UTC(2026, 0, 20)))).toEqual([
      '2026-01-12T05:00:00.000Z',
      '2026-01-19T05:00:00.000Z',
    ]);
  });

  it('counts a review at exactly now as due, and the last completed one as done', () => {
    expect(iso(dueReviewInstants(weekly, Date.UTC(2026, 0, 5, 5), Date.UTC(2026, 0, 12, 5)))).toEqual([
      '2026-01-12T05:00:00.000Z',
    ]);
    expect(dueReviewInstants(weekly, Date.UTC(2026, 0, 12, 5), Date.UTC(2026, 0, 12, 5))).toEqual([]);
  });

  it('starts at the anchor when no review was ever completed', () => {
    expect(iso(dueReviewInstants(weekly, null, Date.UTC(2026, 0, 13)))).toEqual([
      '2026-01-05T05:00:00.000Z',
      '2026-01-12T05:00:00.000Z',
    ]);
  });

  it('has nothing due before the anchor', () => {
    expect(dueReviewInstants(weekly, null, Date.UTC(2026, 0, 5, 4, 59))).toEqual([]);
  });

  it('keeps every third local date from the anchor', () => {
    const calendar = { ...daily('America/New_York', '09:15'), reviewDays: 3 };
    const dates = dueReviewInstants(calendar, null, Date.UTC(2026, 0, 14)).map(
      (t) => instantToLocal(t, 'America/New_York').date,
    );
    expect(dates).toEqual(['2026-01-01', '2026-01-04', '2026-01-07', '2026-01-10', '2026-01-13']);
  });

  it('returns at most the limit, oldest first, and the rest on the next call', () => {
    const calendar = daily('UTC', '06:00');
    const first = dueReviewInstants(calendar, null, Date.UTC(2026, 0, 10), 3);
    expect(iso(first)).toEqual(['2026-01-01T06:00:00.000Z', '2026-01-02T06:00:00.000Z', '2026-01-03T06:00:00.000Z']);
    expect(dueReviewInstants(calendar, first.at(-1)!, Date.UTC(2026, 0, 10), 100)).toHaveLength(6);
  });

  it.each([
    // Berlin springs forward on 29 Mar 2026: 02:30 does not exist; the review runs at 03:00 CEST = 01:00 UTC.
    [
      'runs a Berlin 02:30 review at 03:00 CEST on the spring-forward day',
      'Europe/Berlin',
      '02:30',
      Date.UTC(2026, 2, 28, 1, 30),
      Date.UTC(2026, 2, 30, 12),
      ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
    ],
    // Berlin falls back on 25 Oct 2026: 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET); it runs once, at the first.
    [
      'runs a Berlin 02:30 review once on the fall-back day, at the first 02:30',
      'Europe/Berlin',
      '02:30',
      Date.UTC(2026, 9, 24, 0, 30),
      Date.UTC(2026, 9, 26, 12),
      ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    ],
    [
      'runs a New York 02:30 review at 03:00 EDT on the spring-forward day',
      'America/New_York',
      '02:30',
      Date.UTC(2026, 2, 7, 7, 30),
      Date.UTC(2026, 2, 9, 12),
      ['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z'],
    ],
    [
      'runs a New York 01:30 review once on the fall-back day, at 01:30 EDT',
      'America/New_York',
      '01:30',
      Date.UTC(2026, 9, 31, 5, 30),
      Date.UTC(2026, 10, 2, 12),
      ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
    ],
  ])('%s', (_name, zone, time, last, now, expected) => {
    expect(iso(dueReviewInstants(daily(zone, time), last, now))).toEqual(expected);
  });

  it.each([
    ['Europe/Berlin', '02:30'],
    ['Europe/Berlin', '00:00'],
    ['America/New_York', '01:30'],
    ['America/New_York', '02:30'],
  ])('gives a daily %s review at %s exactly once on each of the 365 local dates of 2026', (zone, time) => {
    const due = dueReviewInstants(daily(zone, time), null, Date.UTC(2027, 0, 1, 12));
    const ofYear = due.filter((t) => instantToLocal(t, zone).date.startsWith('2026'));
    expect(ofYear).toHaveLength(365);
    expect(new Set(ofYear.map((t) => instantToLocal(t, zone).date)).size).toBe(365);
    // Every review is at its local time, except on the spring-forward day, where it is at the end of the gap.
    const offTime = ofYear.filter((t) => instantToLocal(t, zone).time !== time);
    for (const t of offTime) expect(zoneOffsetMs(zone, t - 1)).not.toBe(zoneOffsetMs(zone, t));
    expect(offTime.length).toBeLessThanOrEqual(1);
  });

  it('refuses a malformed calendar, naming every field', () => {
    try {
      dueReviewInstants(
        { timeZone: 'Mars/Base', reviewDays: 0, reviewTime: '25:00', anchorDate: '2026-13-01' },
        null,
        0,
      );
      expect.unreachable();
    } catch (error) {
      expect(isDomainError(error) && error.code).toBe('LS_VALIDATION');
      expect(isDomainError(error) && error.details?.map((p) => p.field)).toEqual([
        'time_zone',
        'review_days',
        'review_time',
        'anchor_date',
      ]);
    }
  });

  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];
  const calendarArb = fc.record({
    timeZone: fc.constantFrom(...zones),
    reviewDays: fc.integer({ min: 1, max: 10 }),
    // Hours 0–3 often, to hit the gaps and overlaps of the transitions.
    reviewTime: fc
      .tuple(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 23 })), fc.constantFrom(0, 15, 30, 59))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
    anchorDate: fc
      .integer({ min: 0, max: 80 })
      .map((d) => new Date(Date.UTC(2026, 1, 1) + d * 86_400_000).toISOString().slice(0, 10)),
  });
  // Restarts anywhere from February to December 2026, across both Berlin and New York transitions.
  const restartsArb = fc.array(fc.integer({ min: Date.UTC(2026, 1, 1), max: Date.UTC(2026, 11, 31) }), {
    minLength: 1,
    maxLength: 8,
  });

  it('yields each due review exactly once across restarts, whatever the limit', () => {
    fc.assert(
      fc.property(calendarArb, restartsArb, fc.integer({ min: 1, max: 50 }), (calendar, restarts, limit) => {
        const times = [...restarts].sort((a, b) => a - b);
        const done: number[] = [];
        let last: number | null = null;
        for (const now of times) {
          // A server that wakes at `now` works through what is due in batches, recording the last one done.
          for (;;) {
            const due = dueReviewInstants(calendar, last, now, limit);
            done.push(...due);
            if (due.length < limit) break;
            last = due.at(-1)!;
          }
          if (done.length > 0) last = done.at(-1)!;
        }
        const expected = dueReviewInstants(calendar, null, times.at(-1)!, 10_000);
        expect(done).toEqual(expected);
        for (let i = 1; i < done.length; i++) expect(done[i]!).toBeGreaterThan(done[i - 1]!);
        const anchor = parseLocalDate(calendar.anchorDate)!;
        for (const t of done) {
          const local = instantToLocal(t, calendar.timeZone);
          expect((local.dayNumber - anchor) % calendar.reviewDays).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with nextReviewInstant: the first due review is the next one after the last completed', () => {
    fc.assert(
      fc.property(
        calendarArb,
        fc.integer({ min: Date.UTC(2026, 1, 1), max: Date.UTC(2026, 11, 31) }),
        (calendar, last) => {
          const next = nextReviewInstant(calendar, last);
          expect(next).toBeGreaterThan(last);
          expect(dueReviewInstants(calendar, last, next, 1)).toEqual([next]);
          expect(dueReviewInstants(calendar, last, next - 1)).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('nextReviewInstant', () => {
  it('wakes the scheduler at the next review after a given instant', () => {
    expect(new Date(nextReviewInstant(daily('UTC', '06:00'), Date.UTC(2026, 0, 3, 7))).toISOString()).toBe(
      '2026-01-04T06:00:00.000Z',
    );
  });

  it('gives the anchor review for an instant before the anchor', () => {
    expect(new Date(nextReviewInstant(daily('Europe/Berlin', '06:00'), 0)).toISOString()).toBe(
      '2026-01-01T05:00:00.000Z',
    );
  });
});

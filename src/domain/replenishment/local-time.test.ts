import { describe, expect, it } from 'vitest';
import {
  instantToLocal,
  isTimeZone,
  localDateTimeToInstant,
  parseLocalDate,
  parseLocalTime,
  zoneOffsetMs,
} from './local-time.js';

const HOUR = 3_600_000;
const at = (date: string, time: string, zone: string) =>
  new Date(localDateTimeToInstant(parseLocalDate(date)!, parseLocalTime(time)!, zone)).toISOString();

describe('zoneOffsetMs', () => {
  it.each([
    ['Berlin in winter is UTC+1', 'Europe/Berlin', Date.UTC(2026, 0, 15, 12), 1 * HOUR],
    ['Berlin in summer is UTC+2', 'Europe/Berlin', Date.UTC(2026, 6, 15, 12), 2 * HOUR],
    ['New York in winter is UTC−5', 'America/New_York', Date.UTC(2026, 0, 15, 12), -5 * HOUR],
    ['Kolkata is UTC+5:30', 'Asia/Kolkata', Date.UTC(2026, 0, 15, 12), 5.5 * HOUR],
    [
      'Berlin switches to summer time at 01:00 UTC on 29 March 2026',
      'Europe/Berlin',
      Date.UTC(2026, 2, 29, 1),
      2 * HOUR,
    ],
    ['and is still on winter time a millisecond earlier', 'Europe/Berlin', Date.UTC(2026, 2, 29, 1) - 1, 1 * HOUR],
  ])('%s', (_name, zone, instant, expected) => {
    expect(zoneOffsetMs(zone, instant)).toBe(expected);
  });
});

describe('localDateTimeToInstant', () => {
  it.each([
    ['an ordinary winter morning in Berlin', '2026-01-15', '06:00', 'Europe/Berlin', '2026-01-15T05:00:00.000Z'],
    ['an ordinary summer morning in Berlin', '2026-07-15', '06:00', 'Europe/Berlin', '2026-07-15T04:00:00.000Z'],
    [
      'the last minute before the Berlin spring gap',
      '2026-03-29',
      '01:59',
      'Europe/Berlin',
      '2026-03-29T00:59:00.000Z',
    ],
    // 02:00–02:59 do not exist on 29 Mar 2026 in Berlin; the first valid local time after 02:30 is 03:00 CEST = 01:00 UTC.
    [
      '02:30 in the Berlin spring gap runs at 03:00 CEST',
      '2026-03-29',
      '02:30',
      'Europe/Berlin',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      '02:00, the start of the gap, also runs at 03:00 CEST',
      '2026-03-29',
      '02:00',
      'Europe/Berlin',
      '2026-03-29T01:00:00.000Z',
    ],
    ['03:00 after the Berlin gap', '2026-03-29', '03:00', 'Europe/Berlin', '2026-03-29T01:00:00.000Z'],
    // 02:00–02:59 happen twice on 25 Oct 2026 in Berlin: first CEST (UTC+2), then CET (UTC+1).
    [
      '02:30 on the Berlin fall-back day is its first occurrence, CEST',
      '2026-10-25',
      '02:30',
      'Europe/Berlin',
      '2026-10-25T00:30:00.000Z',
    ],
    ['03:00 on the Berlin fall-back day is CET', '2026-10-25', '03:00', 'Europe/Berlin', '2026-10-25T02:00:00.000Z'],
    // New York springs forward 8 Mar 2026 at 02:00 EST (07:00 UTC) and falls back 1 Nov 2026 at 02:00 EDT (06:00 UTC).
    [
      '02:30 in the New York spring gap runs at 03:00 EDT',
      '2026-03-08',
      '02:30',
      'America/New_York',
      '2026-03-08T07:00:00.000Z',
    ],
    [
      '01:30 on the New York fall-back day is its first occurrence, EDT',
      '2026-11-01',
      '01:30',
      'America/New_York',
      '2026-11-01T05:30:00.000Z',
    ],
    [
      '02:30 on the New York fall-back day is EST',
      '2026-11-01',
      '02:30',
      'America/New_York',
      '2026-11-01T07:30:00.000Z',
    ],
    // Lord Howe Island moves by half an hour: 02:00 LHST (UTC+10:30) becomes 02:30 LHDT (UTC+11) on 4 Oct 2026.
    [
      'a half-hour gap on Lord Howe Island ends at 02:30 local',
      '2026-10-04',
      '02:15',
      'Australia/Lord_Howe',
      '2026-10-03T15:30:00.000Z',
    ],
    // Samoa skipped 30 Dec 2011 entirely (UTC−10 → UTC+14): the first valid local time after it is 31 Dec 00:00.
    [
      'a review on the day Samoa skipped runs at the next midnight',
      '2011-12-30',
      '06:00',
      'Pacific/Apia',
      '2011-12-30T10:00:00.000Z',
    ],
    ['UTC has no daylight saving', '2026-03-29', '02:30', 'UTC', '2026-03-29T02:30:00.000Z'],
  ])('%s', (_name, date, time, zone, expected) => {
    expect(at(date, time, zone)).toBe(expected);
  });
});

describe('instantToLocal', () => {
  it('reads the two 02:30s of the Berlin fall-back day as the same wall-clock time', () => {
    expect(instantToLocal(Date.UTC(2026, 9, 25, 0, 30), 'Europe/Berlin')).toEqual({
      date: '2026-10-25',
      time: '02:30',
      dayNumber: 20751,
    });
    expect(instantToLocal(Date.UTC(2026, 9, 25, 1, 30), 'Europe/Berlin').time).toBe('02:30');
  });

  it('puts a late evening in New York on the local date, not the UTC date', () => {
    expect(instantToLocal(Date.UTC(2026, 0, 16, 3, 0), 'America/New_York').date).toBe('2026-01-15');
  });
});

describe('parsing', () => {
  it.each([
    ['2026-02-28', 20512],
    ['2026-02-29', undefined],
    ['2026-2-28', undefined],
    ['28.02.2026', undefined],
  ])('reads the local date %s as day %s', (date, expected) => {
    expect(parseLocalDate(date)).toBe(expected);
  });

  it.each([
    ['00:00', 0],
    ['06:30', 390],
    ['23:59', 1439],
    ['24:00', undefined],
    ['6:30', undefined],
  ])('reads the local time %s as %s minutes after midnight', (time, expected) => {
    expect(parseLocalTime(time)).toBe(expected);
  });

  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

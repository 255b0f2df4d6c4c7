import { describe, expect, it } from 'vitest';
import { localTimeToUtc, zoneOffsetMinutes } from './zoned-time.js';

describe('local time in a time zone', () => {
  it('knows the offsets of Berlin and Lisbon in winter and in summer', () => {
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2026, 0, 15, 12))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2026, 6, 15, 12))).toBe(120);
    expect(zoneOffsetMinutes('Europe/Lisbon', Date.UTC(2026, 0, 15, 12))).toBe(0);
    expect(zoneOffsetMinutes('Europe/Lisbon', Date.UTC(2026, 6, 15, 12))).toBe(60);
  });

  it('turns 09:00 on a local date into the UTC instant', () => {
    expect(new Date(localTimeToUtc(Date.UTC(2026, 6, 1), 9 * 60, 'Europe/Berlin')).toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
    expect(new Date(localTimeToUtc(Date.UTC(2026, 0, 5), 9 * 60, 'Europe/Lisbon')).toISOString()).toBe(
      '2026-01-05T09:00:00.000Z',
    );
  });
});

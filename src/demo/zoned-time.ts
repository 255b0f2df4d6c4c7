import { zoneOffsetMs } from '../domain/replenishment/local-time.js';

/**
 * The offset of an IANA time zone from UTC at an instant, in minutes (Europe/Berlin in July: 120).
 * Uses the runtime's time-zone database; reads no clock.
 */
export function zoneOffsetMinutes(timeZone: string, instantMs: number): number {
  return Math.round(zoneOffsetMs(timeZone, instantMs) / 60_000);
}

/**
 * The UTC instant of a wall-clock time on a local date in a time zone. Times inside a
 * daylight-saving gap or overlap resolve to the offset in force at local noon of that day,
 * which is exact for business hours.
 *
 * @example localTimeToUtc(Date.UTC(2026, 6, 1), 9 * 60, 'Europe/Berlin') // 2026-07-01T07:00:00Z
 */
export function localTimeToUtc(localDateUtcMs: number, minuteOfDay: number, timeZone: string): number {
  const noon = localDateUtcMs + 12 * 3_600_000;
  return localDateUtcMs + minuteOfDay * 60_000 - zoneOffsetMinutes(timeZone, noon) * 60_000;
}

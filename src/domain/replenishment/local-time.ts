/** Milliseconds in a calendar day of UTC (local days may be 23 or 25 hours long). */
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `timeZone` is an IANA zone name this runtime knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's offset from UTC at an instant, in ms (Berlin in summer: +7,200,000), read from
 * `Intl.DateTimeFormat`: offset = local wall clock read as UTC − instant, to the second.
 * Throws RangeError for an unknown zone.
 *
 * @example zoneOffsetMs('America/New_York', Date.UTC(2026, 0, 15)) // -18000000
 */
export function zoneOffsetMs(timeZone: string, instant: number): number {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** A local civil date as a day number (days since 1970-01-01), so date arithmetic is integer addition. */
export function parseLocalDate(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, m - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

/** 'HH:MM' (24-hour clock) as minutes after local midnight; undefined when malformed. */
export function parseLocalTime(time: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/**
 * The instant (UTC epoch ms) at which the wall clock of `timeZone` shows `minutes` after midnight on
 * local day `dayNumber`. Daylight-saving rules:
 *
 * - a local time that occurs twice (autumn fall-back, 02:30 in Berlin on 25 Oct 2026) resolves to its
 *   first occurrence, the earlier instant;
 * - a local time that does not exist (spring-forward gap, 02:30 in Berlin on 29 Mar 2026) resolves to the
 *   first valid local time after it: the transition instant itself (03:00 local, 01:00 UTC).
 *
 * Method: wall = day × 86,400,000 + minutes × 60,000 read as UTC; the candidates are wall − offset for
 * the offsets a day before and a day after; a candidate is valid when the zone has that offset at it.
 * With none valid the time falls in a gap, whose end is found by bisection to the millisecond.
 *
 * @example localDateTimeToInstant(parseLocalDate('2026-03-29')!, 150, 'Europe/Berlin') // Date.UTC(2026, 2, 29, 1, 0)
 */
export function localDateTimeToInstant(dayNumber: number, minutes: number, timeZone: string): number {
  const wall = dayNumber * DAY_MS + minutes * 60_000;
  const offsetEarly = zoneOffsetMs(timeZone, wall - DAY_MS);
  const offsetLate = zoneOffsetMs(timeZone, wall + DAY_MS);
  const valid = [wall - offsetEarly, wall - offsetLate]
    .filter((t) => zoneOffsetMs(timeZone, t) === wall - t)
    .sort((a, b) => a - b);
  if (valid.length > 0) return valid[0]!;
  // A gap: before the transition the zone has offsetEarly, after it offsetLate (> offsetEarly).
  let before = wall - offsetLate;
  let after = wall - offsetEarly;
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (zoneOffsetMs(timeZone, mid) === offsetEarly) before = mid;
    else after = mid;
  }
  return after;
}

/**
 * The local date ('YYYY-MM-DD') and wall-clock time ('HH:MM') of an instant in `timeZone`.
 *
 * @example instantToLocal(Date.UTC(2026, 9, 25, 0, 30), 'Europe/Berlin') // { date: '2026-10-25', time: '02:30', dayNumber: 20751 }
 */
export function instantToLocal(instant: number, timeZone: string): { date: string; time: string; dayNumber: number } {
  const wall = new Date(Math.floor(instant / 1000) * 1000 + zoneOffsetMs(timeZone, instant));
  const iso = wall.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16), dayNumber: Math.floor(wall.getTime() / DAY_MS) };
}

import { instantToLocal, localDateTimeToInstant } from '../replenishment/local-time.js';

/**
 * Whether orders may go out on a local weekday: `orderDays` are ISO weekdays (1 = Monday …
 * 7 = Sunday) and null means any day.
 *
 * @example isOrderDay([2, 4], 4) // true: Thursday is an order day of a Tue/Thu supplier
 */
export function isOrderDay(orderDays: number[] | null, localWeekday: number): boolean {
  return orderDays === null || orderDays.includes(localWeekday);
}

/**
 * The ISO weekday (1 = Monday … 7 = Sunday) of a local day number (days since 1970-01-01, a Thursday).
 *
 * @example isoWeekdayOfDay(0) // 4
 */
export function isoWeekdayOfDay(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/**
 * The earliest instant a draft purchase order may be sent: its consolidation window must have passed
 * (created + `consolidationMinutes`), and the supplier takes orders only on `orderDays` of the site's
 * local calendar (null = any day). If the window ends on an order day, that is the answer; otherwise
 * it is local midnight at the start of the next order day, found on the wall clock of `timeZone` so a
 * daylight-saving change in between moves the instant by the hour it should (a 23- or 25-hour day is
 * never assumed to last 24 hours). Midnight inside a DST gap resolves to the end of the gap.
 *
 * Instants in epoch milliseconds; throws RangeError for an empty `orderDays` or an unknown zone.
 *
 * @example earliestSendInstant({ draftCreatedAt: Date.UTC(2026, 5, 3, 8), consolidationMinutes: 60,
 *   orderDays: [2, 4], timeZone: 'Europe/Berlin' }) // Date.UTC(2026, 5, 3, 22): Thu 4 June 00:00 CEST
 */
export function earliestSendInstant(input: {
  draftCreatedAt: number;
  consolidationMinutes: number;
  orderDays: number[] | null;
  timeZone: string;
}): number {
  const { draftCreatedAt, consolidationMinutes, orderDays, timeZone } = input;
  const windowEnd = draftCreatedAt + consolidationMinutes * 60_000;
  if (orderDays === null) return windowEnd;
  if (orderDays.length === 0) throw new RangeError('orderDays must name at least one weekday; null means any day');
  const { dayNumber } = instantToLocal(windowEnd, timeZone);
  if (isOrderDay(orderDays, isoWeekdayOfDay(dayNumber))) return windowEnd;
  for (let ahead = 1; ahead <= 7; ahead++) {
    if (isOrderDay(orderDays, isoWeekdayOfDay(dayNumber + ahead))) {
      return localDateTimeToInstant(dayNumber + ahead, 0, timeZone);
    }
  }
  throw new RangeError(`orderDays must be ISO weekdays 1-7, got ${orderDays.join(',')}`);
}

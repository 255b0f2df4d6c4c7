import { DomainError, type FieldProblem } from '../errors.js';
import {
  DAY_MS,
  isTimeZone,
  localDateTimeToInstant,
  parseLocalDate,
  parseLocalTime,
  zoneOffsetMs,
} from './local-time.js';

/**
 * The calendar of a periodic review: on local date `anchorDate` and every `reviewDays` days after it, at
 * local time `reviewTime`, in the site's IANA `timeZone`. The service stores the anchor (for instance
 * the local date the policy was set) so the calendar does not move when the server restarts.
 */
export type ReviewCalendar = {
  timeZone: string;
  reviewDays: number;
  /** 'HH:MM' on the 24-hour clock. */
  reviewTime: string;
  /** 'YYYY-MM-DD', the local date of the first review. */
  anchorDate: string;
};

/** At most this many reviews are returned by one call unless the caller asks otherwise. */
export const DEFAULT_DUE_REVIEW_LIMIT = 1000;

type CheckedCalendar = { timeZone: string; reviewDays: number; minutes: number; anchorDay: number };

function checkCalendar(calendar: ReviewCalendar): CheckedCalendar {
  const problems: FieldProblem[] = [];
  if (!isTimeZone(calendar.timeZone)) {
    problems.push({ field: 'time_zone', message: 'must be an IANA time zone', value: calendar.timeZone });
  }
  if (!Number.isInteger(calendar.reviewDays) || calendar.reviewDays < 1) {
    problems.push({
      field: 'review_days',
      message: 'must be a whole number of at least 1',
      value: calendar.reviewDays,
    });
  }
  const minutes = parseLocalTime(calendar.reviewTime);
  if (minutes === undefined) {
    problems.push({ field: 'review_time', message: 'must be HH:MM on the 24-hour clock', value: calendar.reviewTime });
  }
  const anchorDay = parseLocalDate(calendar.anchorDate);
  if (anchorDay === undefined) {
    problems.push({ field: 'anchor_date', message: 'must be a date YYYY-MM-DD', value: calendar.anchorDate });
  }
  if (problems.length > 0) {
    throw new DomainError('LS_VALIDATION', `${problems[0]!.field}: ${problems[0]!.message}`, problems);
  }
  return { timeZone: calendar.timeZone, reviewDays: calendar.reviewDays, minutes: minutes!, anchorDay: anchorDay! };
}

function reviewInstant(c: CheckedCalendar, index: number): number {
  return localDateTimeToInstant(c.anchorDay + index * c.reviewDays, c.minutes, c.timeZone);
}

/** The index of the first review strictly after `instant` (0 when the anchor review is after it). */
function firstIndexAfter(c: CheckedCalendar, instant: number): number {
  const localDay = Math.floor((instant + zoneOffsetMs(c.timeZone, instant)) / DAY_MS);
  let index = Math.max(0, Math.floor((localDay - c.anchorDay) / c.reviewDays) - 1);
  while (reviewInstant(c, index) <= instant) index++;
  return index;
}

/**
 * The reviews that are due and not yet done: every review instant t (UTC epoch ms) of the calendar with
 * `lastCompletedAt` < t ≤ `now`, oldest first, at most `limit` of them. A server that was down catches up
 * on each missed review exactly once: after processing the answer, store its last instant as the new
 * `lastCompletedAt`, and the next call (after a restart too) starts after it. `lastCompletedAt` null
 * means no review was ever done: every review from the anchor on is due.
 *
 * Local times follow `localDateTimeToInstant`: on a spring-forward day a review in the gap runs at the
 * first valid local time after it (02:30 in Berlin on 29 Mar 2026 runs at 03:00 CEST); on a fall-back
 * day a review runs once, at the first occurrence of its local time (02:30 CEST, not 02:30 CET).
 * Instants strictly increase from one review to the next, so none repeats.
 *
 * Throws LS_VALIDATION for a malformed calendar (unknown zone, review days < 1, bad time or date).
 *
 * @example dueReviewInstants({ timeZone: 'Europe/Berlin', reviewDays: 7, reviewTime: '06:00', anchorDate: '2026-01-05' },
 *   Date.UTC(2026, 0, 5, 5, 0), Date.UTC(2026, 0, 20))
 * // [Date.UTC(2026, 0, 12, 5, 0), Date.UTC(2026, 0, 19, 5, 0)]
 */
export function dueReviewInstants(
  calendar: ReviewCalendar,
  lastCompletedAt: number | null,
  now: number,
  limit = DEFAULT_DUE_REVIEW_LIMIT,
): number[] {
  const c = checkCalendar(calendar);
  const due: number[] = [];
  let index = lastCompletedAt === null ? 0 : firstIndexAfter(c, lastCompletedAt);
  let previous = lastCompletedAt ?? Number.NEGATIVE_INFINITY;
  while (due.length < limit) {
    const instant = reviewInstant(c, index);
    if (instant > now) break;
    if (instant > previous) {
      due.push(instant);
      previous = instant;
    }
    index++;
  }
  return due;
}

/**
 * The first review instant of the calendar strictly after `after` (UTC epoch ms): when a scheduler
 * should wake next. Same daylight-saving rules as `dueReviewInstants`.
 *
 * @example nextReviewInstant({ timeZone: 'UTC', reviewDays: 1, reviewTime: '06:00', anchorDate: '2026-01-01' }, Date.UTC(2026, 0, 3, 7))
 * // Date.UTC(2026, 0, 4, 6, 0)
 */
export function nextReviewInstant(calendar: ReviewCalendar, after: number): number {
  const c = checkCalendar(calendar);
  return reviewInstant(c, firstIndexAfter(c, after));
}

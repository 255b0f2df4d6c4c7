import {
  DAY_MS,
  instantToLocal,
  localDateTimeToInstant,
  parseLocalTime,
} from '../../domain/replenishment/local-time.js';
import type { ReplenishmentPolicy } from '../../domain/replenishment/policy.js';
import {
  dueReviewInstants,
  nextReviewInstant,
  type ReviewCalendar,
} from '../../domain/replenishment/review-schedule.js';
import { type Database, type Tx, writeTransaction } from '../../store/database.js';
import { appendEvents } from '../../store/outbox.repository.js';
import type { PolicyRow } from '../../store/policy.repository.js';
import type { ServiceContext } from '../context.js';
import { reevaluatePairs } from './reevaluate.js';
import type { TriggerOutcome } from './replenish.js';

/** The actor of everything the scheduler does, in audit entries, drafts and events. */
export const SCHEDULER_ACTOR = 'scheduler';

/** At most this many policies are reviewed by one `runDueReviews` call; the rest wait for the next tick. */
export const DEFAULT_REVIEW_BATCH = 1000;

export type ReviewRun = {
  sku: string;
  location: string;
  /** The latest review instant at or before the run: the review this run counts as. */
  due_at: string;
  /** Earlier review instants that passed without a run of their own (the server was down); 0 when on time. */
  missed: number;
  next_review_at: string;
  triggered: TriggerOutcome[];
};

export type ReviewRunReport = {
  reviews: ReviewRun[];
  /** Due reviews another process claimed first. */
  skipped: number;
  errors: Array<{ sku: string; location: string; message: string }>;
};

type PreviousPolicy = Pick<PolicyRow, 'kind' | 'review_days' | 'review_time' | 'next_review_at'>;

/**
 * Keeps the review calendar of a policy in step with its settings, in the caller's transaction, after
 * the policy row was written. A `periodic_review` policy that is new, was of another kind, or changed
 * `review_days` or `review_time` starts a fresh calendar: the first review is at the next review time
 * of the site's wall clock, today if that is still ahead, else tomorrow, and every `review_days` days
 * after it; `review_anchor_date` is that first review's local date. A change of the target only keeps
 * the calendar. Any other kind clears both columns.
 */
export async function scheduleReviews(
  tx: Tx,
  pair: { itemId: number; locationId: number },
  policy: ReplenishmentPolicy,
  before: PreviousPolicy | undefined,
  now: number,
): Promise<void> {
  if (policy.kind !== 'periodic_review') {
    if (before?.kind === 'periodic_review') await setSchedule(tx, pair, null, null);
    return;
  }
  const unchanged =
    before?.kind === 'periodic_review' &&
    Number(before.review_days) === policy.reviewDays &&
    before.review_time === policy.reviewTime &&
    before.next_review_at !== null;
  if (unchanged) return;
  const calendar = firstCalendar(await siteTimeZone(tx, pair.locationId), policy, now);
  await setSchedule(tx, pair, calendar.anchorDate, nextReviewInstant(calendar, now));
}

async function setSchedule(
  tx: Tx,
  pair: { itemId: number; locationId: number },
  anchorDate: string | null,
  nextReviewAt: number | null,
): Promise<void> {
  await tx
    .updateTable('policies')
    .set({ review_anchor_date: anchorDate, next_review_at: nextReviewAt })
    .where('item_id', '=', pair.itemId)
    .where('location_id', '=', pair.locationId)
    .execute();
}

/** The calendar whose first review is the next review time strictly after `now`: today, or else tomorrow. */
function firstCalendar(
  timeZone: string,
  policy: { reviewDays: number; reviewTime: string },
  now: number,
): ReviewCalendar {
  const today = instantToLocal(now, timeZone).dayNumber;
  const todaysReview = localDateTimeToInstant(today, parseLocalTime(policy.reviewTime) ?? 0, timeZone);
  return {
    timeZone,
    reviewDays: policy.reviewDays,
    reviewTime: policy.reviewTime,
    anchorDate: localDate(todaysReview > now ? today : today + 1),
  };
}

const localDate = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();

/** The IANA zone of a location: its site's (bins have none of their own), UTC when none is set. */
async function siteTimeZone(tx: Tx, locationId: number): Promise<string> {
  const row = await tx
    .selectFrom('locations as l')
    .leftJoin('locations as site', 'site.id', 'l.site_id')
    .select(['site.time_zone as site_zone', 'l.time_zone as own_zone'])
    .where('l.id', '=', locationId)
    .executeTakeFirst();
  return row?.site_zone ?? row?.own_zone ?? 'UTC';
}

type DueReview = {
  item_id: number;
  location_id: number;
  sku: string;
  location_code: string;
  next_review_at: number;
  review_anchor_date: string | null;
  review_days: number | null;
  review_time: string | null;
  site_zone: string | null;
  own_zone: string | null;
};

/**
 * Carries out the periodic reviews that are due at `now`: every `periodic_review` policy whose
 * `next_review_at` ≤ `now`, oldest first, at most `limit` of them. Each review is one write
 * transaction that first claims it by compare-and-set on `next_review_at` (moving it to the first
 * review after `now`); when another process changed it first, the review is skipped. The claim and the
 * order up to S commit together, so a review runs exactly once, even with several schedulers on one
 * PostgreSQL. Reviews missed while the server was down are caught up once: one run, with the number
 * missed in the `policy.review_ran` event. A review that fails is rolled back, reported and retried at
 * the next call.
 */
export async function runDueReviews(
  database: Database,
  now: number,
  options: { limit?: number } = {},
): Promise<ReviewRunReport> {
  const due = (await database.db
    .selectFrom('policies as p')
    .innerJoin('items as i', 'i.id', 'p.item_id')
    .innerJoin('locations as l', 'l.id', 'p.location_id')
    .leftJoin('locations as site', 'site.id', 'l.site_id')
    .select([
      'p.item_id',
      'p.location_id',
      'i.sku',
      'l.code as location_code',
      'p.next_review_at',
      'p.review_anchor_date',
      'p.review_days',
      'p.review_time',
      'site.time_zone as site_zone',
      'l.time_zone as own_zone',
    ])
    .where('p.kind', '=', 'periodic_review')
    .where('p.next_review_at', 'is not', null)
    .where('p.next_review_at', '<=', now)
    .orderBy('p.next_review_at')
    .orderBy('p.item_id')
    .orderBy('p.location_id')
    .limit(options.limit ?? DEFAULT_REVIEW_BATCH)
    .execute()) as DueReview[];
  const report: ReviewRunReport = { reviews: [], skipped: 0, errors: [] };
  const ctx: ServiceContext = { actor: SCHEDULER_ACTOR, now };
  for (const review of due) {
    try {
      const run = await writeTransaction(database, (tx) => runReview(tx, database, review, ctx));
      if (run) report.reviews.push(run);
      else report.skipped++;
    } catch (error) {
      report.errors.push({ sku: review.sku, location: review.location_code, message: (error as Error).message });
    }
  }
  return report;
}

async function runReview(
  tx: Tx,
  database: Database,
  review: DueReview,
  ctx: ServiceContext,
): Promise<ReviewRun | undefined> {
  const itemId = Number(review.item_id);
  const locationId = Number(review.location_id);
  const dueAt = Number(review.next_review_at);
  const calendar: ReviewCalendar = {
    timeZone: review.site_zone ?? review.own_zone ?? 'UTC',
    reviewDays: Number(review.review_days),
    reviewTime: review.review_time ?? '06:00',
    anchorDate: review.review_anchor_date ?? instantToLocal(dueAt, review.site_zone ?? review.own_zone ?? 'UTC').date,
  };
  const next = nextReviewInstant(calendar, ctx.now);
  const claimed = await tx
    .updateTable('policies')
    .set({ next_review_at: next })
    .where('item_id', '=', itemId)
    .where('location_id', '=', locationId)
    .where('next_review_at', '=', dueAt)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) return undefined;
  // The stored instant is due even if the site's zone changed since and the calendar no longer has it.
  const passed = dueReviewInstants(calendar, dueAt - 1, ctx.now, Number.MAX_SAFE_INTEGER);
  const triggered = await reevaluatePairs(tx, database, [[itemId, locationId]], ctx, { isReview: true });
  const run: ReviewRun = {
    sku: review.sku,
    location: review.location_code,
    due_at: iso(passed.at(-1) ?? dueAt),
    missed: Math.max(0, passed.length - 1),
    next_review_at: iso(next),
    triggered,
  };
  await appendEvents(tx, [{ type: 'policy.review_ran', subject: `${run.sku}@${run.location}`, payload: run }], ctx.now);
  return run;
}

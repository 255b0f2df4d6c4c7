import type { Database } from '../store/database.js';
import { claimIntervalRun } from './interval-claim.js';
import { type DailyDriftReview, runDailyDriftReview } from './planning/drift-review.service.js';
import { runDueLeadTimeShiftCheck, type ShiftReport } from './planning/lead-time-shift.service.js';
import { type ReplanTick, runDueReplan } from './planning/plan.service.js';
import { checkLateRisk, type LateRiskReport } from './production/late-risk.js';
import { type AutoSendReport, runDueAutoSends, type SendPurchaseOrder } from './purchasing/auto-send.service.js';
import { sendPurchaseOrder } from './purchasing/purchase-order.service.js';
import { type ReviewRunReport, runDueReviews, SCHEDULER_ACTOR } from './purchasing/review.service.js';

/** What one scheduler tick did. */
export type SchedulerTick = {
  now: string;
  reviews: ReviewRunReport;
  auto_sends: AutoSendReport;
  /** The hourly lead-time shift check; null when not due. */
  lead_time_shifts: ShiftReport | null;
  /** The daily drift review of the review list (the first tick of each UTC day); null when not due. */
  drift_review: DailyDriftReview | null;
  /** The incremental re-plan of what moved (every 5 minutes); null when not due. */
  replan: ReplanTick | null;
  /** Customer orders whose pegged supply slipped or fell overdue (every 15 minutes); null when not due. */
  late_risk: LateRiskReport | null;
};

/** How often the scheduler re-checks confirmed customer orders against their supplies' dates. */
export const LATE_RISK_INTERVAL_MS = 15 * 60_000;

export type SchedulerTickOptions = {
  /** How drafts are sent (a wrapper may also e-mail them). */
  send?: SendPurchaseOrder;
  /** At most this many reviews per tick. */
  reviewLimit?: number;
};

export type SchedulerOptions = SchedulerTickOptions & {
  intervalMs?: number;
  /** Epoch ms; read once per tick. */
  clock?: () => number;
  /** A failed tick, or one review or draft that failed in it. Never thrown. */
  onError?: (error: unknown) => void;
  onTick?: (tick: SchedulerTick) => void;
};

export type Scheduler = {
  /** Stops the timer and waits for a tick in progress to finish. */
  stop(): Promise<void>;
};

/** Runs the due periodic reviews, then sends the drafts whose automatic send time has come. */
export async function runSchedulerTick(
  database: Database,
  now: number,
  options: SchedulerTickOptions = {},
): Promise<SchedulerTick> {
  const reviews = await runDueReviews(database, now, {
    ...(options.reviewLimit !== undefined && { limit: options.reviewLimit }),
  });
  const autoSends = await runDueAutoSends(database, now, options.send ?? sendPurchaseOrder);
  const leadTimeShifts = await runDueLeadTimeShiftCheck(database, now);
  const driftReview = (await runDailyDriftReview(database, { actor: SCHEDULER_ACTOR, now })) ?? null;
  const replan = await runDueReplan(database, now);
  // Time alone makes a supply late (a purchase line past its expected date, still not received).
  const lateRisk = (await claimIntervalRun(database, 'late_risk.checked_at', now, LATE_RISK_INTERVAL_MS))
    ? await checkLateRisk(database, { actor: SCHEDULER_ACTOR, now })
    : null;
  return {
    now: new Date(now).toISOString(),
    reviews,
    auto_sends: autoSends,
    lead_time_shifts: leadTimeShifts,
    drift_review: driftReview,
    replan,
    late_risk: lateRisk,
  };
}

/**
 * Runs a scheduler tick at once and then every `intervalMs` (default 30 s) in this process. The timer
 * does not keep the process alive; a tick never starts while the previous one runs (that interval is
 * skipped). Ticks in several processes on one database are safe: each review and send claims its row.
 */
export function startScheduler(database: Database, options: SchedulerOptions = {}): Scheduler {
  const { intervalMs = 30_000, clock = Date.now, onTick } = options;
  const onError = (error: unknown) => {
    try {
      (options.onError ?? logError)(error);
    } catch {
      // A broken error handler must not stop the scheduler.
    }
  };
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      let result: SchedulerTick | undefined;
      try {
        result = await runSchedulerTick(database, clock(), options);
        for (const e of result.reviews.errors) onError(new Error(`review of ${e.sku}@${e.location}: ${e.message}`));
        for (const e of result.auto_sends.errors) onError(new Error(`automatic send of ${e.number}: ${e.message}`));
        for (const e of result.lead_time_shifts?.errors ?? []) {
          onError(new Error(`lead-time shift of ${e.supplier} ${e.sku}: ${e.message}`));
        }
        if (result.drift_review?.error) onError(new Error(`drift review: ${result.drift_review.error}`));
      } catch (error) {
        onError(error);
      }
      running = undefined;
      try {
        if (result) onTick?.(result);
      } catch (error) {
        onError(error);
      }
    })();
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

function logError(error: unknown): void {
  console.error('scheduler:', error);
}

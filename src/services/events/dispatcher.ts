import { type Database, writeTransaction } from '../../store/database.js';
import type { WebhookDeliveryStatus } from '../../store/schema.js';
import { type ClaimedDelivery, claimDueDeliveries, settleDeliveryAttempt } from '../../store/webhook.repository.js';
import { type EventView, toEventView } from './event.service.js';
import { advanceEventRelay } from './event-relay.js';
import { signWebhookBody } from './webhook-signature.js';

/** Waits after the 1st, 2nd, … failed attempt: 10 s, 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, then 12 h. */
export const RETRY_DELAYS_MS = [10_000, 30_000, 120_000, 600_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000];
/** Attempts before a delivery is marked `failed`: with the delays above, about ten hours of retrying. */
export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Added to the timeout while a delivery is claimed, so a slow attempt is not claimed twice. */
const LEASE_MARGIN_MS = 60_000;
const ERROR_SNIPPET_CHARS = 300;

export type DispatchOptions = {
  /** Epoch ms: the time of this pass, for due dates, back-off and the signature timestamp. */
  now: number;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Deliveries claimed per round. */
  batchSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Aborts requests in flight (server shutdown); their claims lapse and they are retried later. */
  signal?: AbortSignal;
};

export type DispatchReport = {
  events: number;
  deliveries_created: number;
  delivered: number;
  retrying: number;
  failed: number;
};

/** The JSON body POSTed to a webhook: the event as the API shows it. */
export type WebhookBody = EventView;

/** The delay before the next attempt after `attempts` failed ones. */
export function retryDelayMs(attempts: number): number {
  return RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1] ?? RETRY_DELAYS_MS[0]!;
}

/**
 * One pass of the dispatcher: relays new outbox events into deliveries, then claims the due ones and
 * POSTs them, recording each outcome. Safe to run in several processes at once (claims are exclusive).
 * Time comes from `now`, so tests drive retries without waiting.
 */
export async function dispatchOnce(database: Database, options: DispatchOptions): Promise<DispatchReport> {
  const relay = await advanceEventRelay(database, { now: options.now });
  const report: DispatchReport = {
    events: relay.events,
    deliveries_created: relay.deliveriesCreated,
    delivered: 0,
    retrying: 0,
    failed: 0,
  };
  const batchSize = options.batchSize ?? 50;
  for (let round = 0; round < 20 && !options.signal?.aborted; round++) {
    const claimed = await claim(database, options, batchSize);
    for (const status of await deliverClaimed(database, claimed, options)) {
      if (status === 'delivered') report.delivered++;
      else if (status === 'failed') report.failed++;
      else if (status === 'pending') report.retrying++;
    }
    if (claimed.length < batchSize) break;
  }
  return report;
}

/**
 * Attempts one delivery now if it is pending and due (used by `POST /webhooks/{id}/test`); answers
 * false when another process has it or it is not due.
 */
export async function deliverNow(
  database: Database,
  deliveryId: number,
  options: Omit<DispatchOptions, 'batchSize'>,
): Promise<boolean> {
  const claimed = await claim(database, options, 1, deliveryId);
  await deliverClaimed(database, claimed, options);
  return claimed.length > 0;
}

function claim(
  database: Database,
  options: DispatchOptions,
  limit: number,
  deliveryId?: number,
): Promise<ClaimedDelivery[]> {
  const leaseUntil = options.now + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + LEASE_MARGIN_MS;
  return writeTransaction(database, (tx) =>
    claimDueDeliveries(tx, database.dialect, {
      now: options.now,
      leaseUntil,
      limit,
      ...(deliveryId !== undefined && { deliveryId }),
    }),
  );
}

type AttemptOutcome = { statusCode: number | null; error: string | null };

async function deliverClaimed(
  database: Database,
  claimed: ClaimedDelivery[],
  options: DispatchOptions,
): Promise<Array<WebhookDeliveryStatus | 'abandoned'>> {
  if (claimed.length === 0) return [];
  const outcomes = await mapWithConcurrency(claimed, options.concurrency ?? 8, (delivery) =>
    sendDelivery(delivery, options),
  );
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  return writeTransaction(database, async (tx) => {
    const statuses: Array<WebhookDeliveryStatus | 'abandoned'> = [];
    for (const [index, delivery] of claimed.entries()) {
      const outcome = outcomes[index];
      if (!outcome) {
        statuses.push('abandoned');
        continue;
      }
      const ok = outcome.error === null;
      const status: WebhookDeliveryStatus = ok ? 'delivered' : delivery.attempts >= maxAttempts ? 'failed' : 'pending';
      await settleDeliveryAttempt(tx, delivery, {
        status,
        nextAttemptAt: status === 'pending' ? options.now + retryDelayMs(delivery.attempts) : null,
        statusCode: outcome.statusCode,
        error: outcome.error,
        deliveredAt: ok ? options.now : null,
        now: options.now,
      });
      statuses.push(status);
    }
    return statuses;
  });
}

/** POSTs one delivery; answers undefined when the dispatcher is stopping (the claim lapses). */
async function sendDelivery(delivery: ClaimedDelivery, options: DispatchOptions): Promise<AttemptOutcome | undefined> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const body = JSON.stringify(
    toEventView({
      id: delivery.event_id,
      type: delivery.event_type,
      subject: delivery.event_subject,
      payload: delivery.event_payload,
      created_at: delivery.event_created_at,
    }) satisfies WebhookBody,
  );
  const timestamp = Math.floor(options.now / 1000);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await (options.fetch ?? fetch)(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Leanstock-Webhooks/1',
        'leanstock-event': delivery.event_type,
        'leanstock-delivery': String(delivery.id),
        'leanstock-signature': signWebhookBody(delivery.secret, body, timestamp),
      },
      body,
      redirect: 'manual',
      signal,
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => {});
      return { statusCode: response.status, error: null };
    }
    const snippet = await readSnippet(response);
    const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
    return { statusCode: response.status, error: `HTTP ${response.status}${redirect}${snippet ? `: ${snippet}` : ''}` };
  } catch (error) {
    if (options.signal?.aborted) return undefined;
    if (timeout.aborted) return { statusCode: null, error: `timed out after ${timeoutMs} ms` };
    return { statusCode: null, error: describeFetchError(error) };
  }
}

async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < ERROR_SNIPPET_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // a body cut short still tells what came
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, ERROR_SNIPPET_CHARS);
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = error instanceof Error ? error.message : String(error);
  const detail = cause?.code ?? cause?.message;
  return (detail ? `${message}: ${detail}` : message).slice(0, ERROR_SNIPPET_CHARS);
}

async function mapWithConcurrency<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export type EventDispatcherOptions = Omit<DispatchOptions, 'now' | 'signal'> & {
  /** Between passes; default 500 ms. */
  intervalMs?: number;
  clock?: () => number;
  onError?: (error: unknown) => void;
  onReport?: (report: DispatchReport) => void;
};

export type EventDispatcher = {
  /** Runs a pass now (unless one is running). */
  wake(): void;
  /** Stops the timer, aborts requests in flight and waits for the pass to end. */
  stop(): Promise<void>;
};

/**
 * Runs `dispatchOnce` every `intervalMs` on an unref'd timer (it never keeps the process alive), one
 * pass at a time. The server starts it after listening and stops it before closing the database.
 */
export function startEventDispatcher(database: Database, options: EventDispatcherOptions = {}): EventDispatcher {
  const { intervalMs = 500, clock = Date.now, onError = () => {}, onReport, ...dispatch } = options;
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  let stopped = false;
  const wake = () => {
    if (running || stopped) return;
    running = dispatchOnce(database, { ...dispatch, now: clock(), signal: abort.signal })
      .then((report) => onReport?.(report), onError)
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(wake, intervalMs);
  timer.unref();
  return {
    wake,
    async stop() {
      stopped = true;
      clearInterval(timer);
      abort.abort();
      await running;
    },
  };
}

import type { PlannedMovement } from './load-catalogue.js';

/** What a client was answered for one key, once it was acknowledged (201). */
export type Acknowledgement = {
  /** The movement id the answer carried (the outbound leg of a transfer). */
  movementId: number;
  /** Requests sent for this key, the acknowledged one included. */
  attempts: number;
  /** When an attempt of this key failed without an answer, epoch ms: its result was unknown until a retry. */
  lastFailureAt: number | undefined;
};

export type LoadReport = {
  clients: number;
  acknowledged: Map<string, Acknowledgement>;
  /** Keys answered with a 4xx: never expected here (the load only posts valid movements). */
  refused: Array<{ key: string; status: number; body: string }>;
  /** Requests sent again after a connection error, a timeout or a 5xx. */
  retries: number;
  /** Failed attempts by kind: `connection`, `timeout` or the 5xx status. */
  failures: Record<string, number>;
  /** Twin requests (the same key sent to two servers at once) and how many of them answered with one movement. */
  twins: number;
  durationMs: number;
};

export type MovementLoad = {
  /** Keys acknowledged so far. */
  acknowledged(): number;
  /** Resolves once at least `count` keys are acknowledged (or the load is over). */
  whenAcknowledged(count: number): Promise<void>;
  /** Ends the load with `error` (a server that should have lived ended): clients stop at their next attempt. */
  abort(error: Error): void;
  done: Promise<LoadReport>;
};

export type LoadOptions = {
  /** One list of planned movements per client; each client posts its list in order, one request at a time. */
  plan: PlannedMovement[][];
  /** The base URL a client's next request goes to; read before every attempt (servers restart, clients spread). */
  target: (client: number, index: number) => string;
  /**
   * Sends this request to a second server at the same time with the same key (a client that gave up on
   * one server while the first request was still running): both must answer the same movement.
   */
  twin?: (client: number, index: number) => string | undefined;
  /** A key still unacknowledged after this long fails the load: the system did not recover. */
  giveUpAfterMs?: number;
};

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_MS = 500;

/**
 * Runs concurrent HTTP clients that post movements with an `Idempotency-Key` each, as a careful
 * integration would: a connection error, a timeout or a 5xx leaves the outcome unknown, so the client
 * sends the same request with the same key again (backing off) until it is answered. A 201 acknowledges
 * the key; a 4xx is a final refusal.
 */
export function startMovementLoad(options: LoadOptions): MovementLoad {
  const started = Date.now();
  const giveUpAfterMs = options.giveUpAfterMs ?? 180_000;
  const report: LoadReport = {
    clients: options.plan.length,
    acknowledged: new Map(),
    refused: [],
    retries: 0,
    failures: {},
    twins: 0,
    durationMs: 0,
  };
  const waiters: Array<{ count: number; wake: () => void }> = [];
  let over = false;
  let aborted: Error | undefined;
  const wakeWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (over || report.acknowledged.size >= waiters[i]!.count) waiters.splice(i, 1)[0]!.wake();
    }
  };
  const fail = (kind: string) => {
    report.failures[kind] = (report.failures[kind] ?? 0) + 1;
  };

  async function runClient(client: number): Promise<void> {
    for (const [index, movement] of options.plan[client]!.entries()) {
      const firstAt = Date.now();
      let lastFailureAt: number | undefined;
      for (let attempt = 1; ; attempt++) {
        if (aborted) throw aborted;
        const twinUrl = attempt === 1 ? options.twin?.(client, index) : undefined;
        const requests = [post(options.target(client, index), movement, client)];
        if (twinUrl) requests.push(post(twinUrl, movement, client));
        const answers = await Promise.all(requests);
        const [answer] = answers;
        if (twinUrl) {
          report.twins++;
          // The twin is judged on its own: both must be 201 with one movement id, or the test fails below.
          const ids = answers.map((a) => (a.kind === 'answer' && a.status === 201 ? movementIdOf(a.body) : undefined));
          if (ids[0] === undefined || ids[0] !== ids[1]) {
            report.refused.push({
              key: movement.key,
              status: 0,
              body: `twin answers differ: ${answers.map(describe).join(' | ')}`,
            });
            break;
          }
        }
        if (answer!.kind === 'answer' && answer!.status === 201) {
          report.acknowledged.set(movement.key, {
            movementId: movementIdOf(answer!.body)!,
            attempts: attempt,
            lastFailureAt,
          });
          wakeWaiters();
          break;
        }
        if (answer!.kind === 'answer' && answer!.status < 500) {
          report.refused.push({ key: movement.key, status: answer!.status, body: answer!.body });
          break;
        }
        fail(answer!.kind === 'answer' ? String(answer!.status) : answer!.kind);
        lastFailureAt = Date.now();
        if (lastFailureAt - firstAt > giveUpAfterMs) {
          throw new Error(
            `client ${client}: ${movement.key} unanswered after ${attempt} attempts: ${describe(answer!)}`,
          );
        }
        report.retries++;
        await sleep(Math.min(MAX_BACKOFF_MS, 10 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2));
      }
    }
  }

  const done = Promise.all(options.plan.map((_, client) => runClient(client))).then(
    () => {
      over = true;
      wakeWaiters();
      report.durationMs = Date.now() - started;
      return report;
    },
    (error) => {
      over = true;
      wakeWaiters();
      throw error;
    },
  );
  // Awaited by the test later; a failure meanwhile (while it kills or restarts something) is not unhandled.
  done.catch(() => {});
  return {
    acknowledged: () => report.acknowledged.size,
    whenAcknowledged: (count) =>
      new Promise<void>((wake) => {
        waiters.push({ count, wake });
        wakeWaiters();
      }),
    abort: (error) => {
      aborted ??= error;
      over = true;
      wakeWaiters();
    },
    done,
  };
}

type Attempt = { kind: 'answer'; status: number; body: string } | { kind: 'connection' | 'timeout'; error: string };

async function post(baseUrl: string, movement: PlannedMovement, client: number): Promise<Attempt> {
  try {
    const response = await fetch(`${baseUrl}/api/v1/movements`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': movement.key,
        'x-actor': `load-client-${client}`,
      },
      body: JSON.stringify(movement.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { kind: 'answer', status: response.status, body: await response.text() };
  } catch (error) {
    const name = (error as Error).name;
    return {
      kind: name === 'TimeoutError' ? 'timeout' : 'connection',
      error: `${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`,
    };
  }
}

function movementIdOf(body: string): number | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}

function describe(attempt: Attempt): string {
  return attempt.kind === 'answer'
    ? `${attempt.status} ${attempt.body.slice(0, 300)}`
    : `${attempt.kind} ${attempt.error}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import type { Database } from '../../store/database.js';
import { type EventView, readEventRows, toEventView } from './event.service.js';
import { advanceEventRelay } from './event-relay.js';
import type { EventTypeFilter } from './event-types.js';

export type EventFeedOptions = {
  /** How often the outbox is polled while someone follows; default 400 ms. */
  pollMs?: number;
  clock?: () => number;
  onError?: (error: unknown) => void;
};

export type EventFollower = {
  /** The id of the last event handled (sent or filtered out). */
  readonly position: number;
  close(): void;
};

export type EventFeed = {
  /**
   * Calls `onEvents` with every settled event after `afterId` that matches `filter`, in id order, first
   * the backlog and then as they come; one call at a time. `onClose` runs once when the follower is
   * closed, by itself or by `feed.close()`.
   */
  follow(
    options: { afterId: number; filter: EventTypeFilter },
    onEvents: (events: EventView[]) => void | Promise<void>,
    onClose?: () => void,
  ): EventFollower;
  /** Wakes the followers now instead of at the next poll. */
  wake(): void;
  /** Closes every follower, stops polling and waits for reads under way, so the database may close next. */
  close(): Promise<void>;
  readonly size: number;
};

type Follower = {
  position: number;
  filter: EventTypeFilter;
  onEvents: (events: EventView[]) => void | Promise<void>;
  onClose: (() => void) | undefined;
  closed: boolean;
  pumping: boolean;
  again: boolean;
};

const PAGE = 500;

/**
 * One poller shared by everyone following the outbox in this process (the SSE connections of a server,
 * `leanstock events --follow`): it advances the relay once per tick and each follower reads only when
 * the settled position has moved past it. The timer runs only while someone follows, and is unref'd.
 */
export function createEventFeed(database: Database, options: EventFeedOptions = {}): EventFeed {
  const pollMs = options.pollMs ?? 400;
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? (() => {});
  const followers = new Set<Follower>();
  let settledTo: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  const working = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    working.add(work);
    void work.finally(() => working.delete(work));
  };

  const tick = async () => {
    if (ticking || followers.size === 0) return;
    ticking = true;
    try {
      settledTo = (await advanceEventRelay(database, { now: clock() })).settledTo;
      for (const follower of followers) track(pump(follower));
    } catch (error) {
      onError(error);
    } finally {
      ticking = false;
    }
  };

  const pump = async (follower: Follower) => {
    if (follower.pumping) {
      follower.again = true;
      return;
    }
    follower.pumping = true;
    try {
      do {
        follower.again = false;
        while (!follower.closed && settledTo !== undefined && follower.position < settledTo) {
          const upTo = settledTo;
          const rows = await readEventRows(database, {
            afterId: follower.position,
            upToId: upTo,
            filter: follower.filter,
            limit: PAGE,
          });
          if (follower.closed) return;
          if (rows.length > 0) await follower.onEvents(rows.map(toEventView));
          follower.position = rows.length === PAGE ? Number(rows.at(-1)!.id) : upTo;
        }
      } while (follower.again && !follower.closed);
    } catch (error) {
      onError(error);
      close(follower);
    } finally {
      follower.pumping = false;
    }
  };

  const close = (follower: Follower) => {
    if (follower.closed) return;
    follower.closed = true;
    followers.delete(follower);
    if (followers.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
    follower.onClose?.();
  };

  return {
    follow(followOptions, onEvents, onClose) {
      const follower: Follower = {
        position: followOptions.afterId,
        filter: followOptions.filter,
        onEvents,
        onClose,
        closed: false,
        pumping: false,
        again: false,
      };
      followers.add(follower);
      if (!timer) {
        timer = setInterval(() => track(tick()), pollMs);
        timer.unref();
      }
      track(pump(follower));
      track(tick());
      return {
        get position() {
          return follower.position;
        },
        close: () => close(follower),
      };
    },
    wake: () => track(tick()),
    async close() {
      for (const follower of [...followers]) close(follower);
      await Promise.all([...working]);
    },
    get size() {
      return followers.size;
    },
  };
}

import { useEffect, useRef, useSyncExternalStore } from 'react';

/** A domain event as the server's stream sends it (docs/events.md). */
export type LiveEvent = { id: number; type: string; subject: string | null; created_at: string; data: unknown };

type Listener = (event: LiveEvent) => void;

/**
 * The stream names each frame after its event type (`event: purchase_order.drafted`), and EventSource only
 * hands named frames to listeners registered for that exact name, so the types the web app reacts to are
 * listed here. A new type the app should react to is added here.
 */
const EVENT_TYPES = [
  'movement.posted',
  'stock.below_reorder_point',
  'purchase_order.drafted',
  'purchase_order.line_drafted',
  'purchase_order.sent',
  'purchase_order.confirmed',
  'purchase_order.partly_received',
  'purchase_order.received',
  'purchase_order.closed',
  'purchase_order.cancelled',
  'purchase_order.line_moved',
  'supplier_item.price_rose',
  'kanban.card_signalled',
  'kanban.loop_changed',
  'policy.changed',
  'policy.review_ran',
  'customer_order.confirmed',
  'customer_order.changed',
  'customer_order.cancelled',
  'customer_order.shipped',
  'customer_order.late_risk',
  'production_order.released',
  'production_order.completed',
] as const;

const STREAM = `/api/v1/events/stream?types=${[...new Set(EVENT_TYPES.map((t) => `${t.split('.')[0]}.*`))].join(',')}`;

// One connection for the whole app however many pages and cards listen: a browser allows only six
// connections to a server over HTTP/1.1, and each open stream holds one.
const listeners = new Set<Listener>();
const statusListeners = new Set<() => void>();
let source: EventSource | null = null;
let connected = false;

function setConnected(value: boolean): void {
  if (connected === value) return;
  connected = value;
  for (const listener of statusListeners) listener();
}

function deliver(message: MessageEvent<string>): void {
  let event: LiveEvent;
  try {
    event = JSON.parse(message.data) as LiveEvent;
  } catch {
    return;
  }
  for (const listener of listeners) listener(event);
}

function connect(): void {
  if (source !== null || typeof EventSource === 'undefined') return;
  source = new EventSource(STREAM);
  source.onopen = () => setConnected(true);
  // EventSource reconnects by itself and resumes after the last event id it saw, so nothing is lost.
  source.onerror = () => setConnected(false);
  for (const type of EVENT_TYPES) source.addEventListener(type, deliver);
}

function disconnect(): void {
  source?.close();
  source = null;
  setConnected(false);
}

/** Whether `type` is one of `patterns`: an exact type, a namespace with `.*` (`purchase_order.*`), or `*`. */
export function isEventOf(type: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/** Calls `onEvent` for each live event whose type matches `patterns` while the component is mounted. */
export function useLiveEvents(patterns: readonly string[], onEvent: (event: LiveEvent) => void): void {
  const latest = useRef({ patterns, onEvent });
  latest.current = { patterns, onEvent };
  useEffect(() => {
    const listener: Listener = (event) => {
      if (isEventOf(event.type, latest.current.patterns)) latest.current.onEvent(event);
    };
    listeners.add(listener);
    connect();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) disconnect();
    };
  }, []);
}

/**
 * Reloads (e.g. `useApi(...).reload`) when events matching `patterns` arrive; a burst of events (a batch of
 * movements, a trigger drafting several lines) gives one reload after `delayMs`.
 */
export function useLiveReload(patterns: readonly string[], reload: () => void, delayMs = 250): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useLiveEvents(patterns, () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(reload, delayMs);
  });
}

/** Whether the live stream is connected now (for a "live" badge). */
export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    () => connected,
  );
}

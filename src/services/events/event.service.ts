import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import type { Database } from '../../store/database.js';
import { listEventRows, type OutboxEventRow } from '../../store/event.repository.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { advanceEventRelay } from './event-relay.js';
import { checkReadPatterns, type EventTypeFilter, filterOfPatterns, splitPatterns } from './event-types.js';

/** An event as the API, the stream and webhook bodies show it. */
export type EventView = {
  id: number;
  type: string;
  subject: string | null;
  created_at: string;
  data: unknown;
};

export type EventQuery = {
  /** Only events with a larger id (an event id, e.g. the last one seen). */
  after?: number | string;
  /** `next_cursor` of the previous page. */
  cursor?: string;
  /** Patterns, as a list or comma-separated: `purchase_order.*,movement.posted`. */
  type?: string | string[];
  limit?: number;
  now: number;
};

export function toEventView(row: OutboxEventRow): EventView {
  return {
    id: Number(row.id),
    type: row.type,
    subject: row.subject,
    created_at: new Date(Number(row.created_at)).toISOString(),
    data: JSON.parse(row.payload) as unknown,
  };
}

/**
 * Events in id order, a page at a time, after an event id and filtered by type. Only settled events
 * are listed (see `advanceEventRelay`), so a client that pages on with the last id it saw never misses
 * one that committed late.
 */
export async function listEvents(database: Database, query: EventQuery): Promise<Page<EventView>> {
  const limit = checkPageLimit(query.limit);
  const filter = parseEventFilter(query.type, 'type');
  let afterId = query.after === undefined ? 0 : parseEventId(query.after, 'after');
  if (query.cursor !== undefined) afterId = Math.max(afterId, Number(decodeCursor(query.cursor, 1, 'cursor')[0]));
  const { settledTo } = await advanceEventRelay(database, { now: query.now });
  const rows = await readEventRows(database, { afterId, upToId: settledTo, filter, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return {
    data: page.map(toEventView),
    next_cursor: rows.length > limit ? encodeCursor([Number(page.at(-1)!.id)]) : null,
  };
}

/**
 * The settled position of the outbox now: where a stream that wants only new events starts. Relays the
 * whole backlog first, so "from now" does not begin in the middle of events recorded while no server ran.
 */
export async function currentEventPosition(database: Database, now: number): Promise<number> {
  return (await advanceEventRelay(database, { now, maxEvents: Number.POSITIVE_INFINITY })).settledTo;
}

export async function readEventRows(
  database: Database,
  query: { afterId: number; upToId: number; filter: EventTypeFilter; limit: number },
): Promise<OutboxEventRow[]> {
  if (query.upToId <= query.afterId) return [];
  return listEventRows(database.db, {
    afterId: query.afterId,
    upToId: query.upToId,
    types: query.filter,
    limit: query.limit,
  });
}

/** A type filter from `?type=` / `?types=` / `--type`; absent means every type. */
export function parseEventFilter(value: string | string[] | undefined, field: string): EventTypeFilter {
  if (value === undefined) return filterOfPatterns(['*']);
  const problems: FieldProblem[] = [];
  const patterns = checkReadPatterns(splitPatterns(value), field, problems);
  throwIfProblems(problems);
  return filterOfPatterns(patterns);
}

/** An event id given as a position (`?after=`, `Last-Event-ID`): a whole number ≥ 0. */
export function parseEventId(value: number | string, field: string): number {
  const id = typeof value === 'number' ? value : /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (Number.isSafeInteger(id) && id >= 0) return id;
  throw new DomainError('LS_VALIDATION', `${field}: must be an event id (a whole number ≥ 0)`, [
    { field, message: 'must be an event id (a whole number ≥ 0)', value },
  ]);
}

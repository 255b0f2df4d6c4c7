import type { FieldProblem } from '../../domain/errors.js';

/**
 * The domain events written to the outbox (see docs/events.md for their payloads). A webhook may name
 * only these (or their namespace with `.*`), so a new event type is added here when it is introduced.
 */
export const EVENT_TYPES = [
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
  'customer_order.confirmed',
  'customer_order.changed',
  'customer_order.cancelled',
  'customer_order.shipped',
  'customer_order.late_risk',
  'production_order.released',
  'production_order.completed',
  'supplier_item.price_rose',
  'kanban.card_signalled',
  'kanban.loop_changed',
  'policy.changed',
  'policy.review_ran',
] as const;

/** Sent to one webhook by `POST /webhooks/{id}/test`; never fanned out to subscriptions. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

const NAMESPACES = [...new Set(EVENT_TYPES.map((type) => type.slice(0, type.indexOf('.'))))];
const TYPE_SYNTAX = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const PREFIX_SYNTAX = /^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*)\.\*$/;

export const MAX_EVENT_PATTERNS = 50;

/**
 * A set of event patterns: `*` (everything), exact types, or prefixes written `purchase_order.*`.
 * Kept as data so SQL filters can be built from it as well as matched in memory.
 */
export type EventTypeFilter = { all: boolean; types: string[]; prefixes: string[] };

/** Whether an event type matches a filter; `purchase_order.*` matches `purchase_order.sent`, not `purchase_order`. */
export function matchesEventType(filter: EventTypeFilter, type: string): boolean {
  return filter.all || filter.types.includes(type) || filter.prefixes.some((prefix) => type.startsWith(prefix));
}

/** The filter of stored patterns (already checked when written). */
export function filterOfPatterns(patterns: readonly string[]): EventTypeFilter {
  const filter: EventTypeFilter = { all: false, types: [], prefixes: [] };
  for (const pattern of patterns) {
    if (pattern === '*') filter.all = true;
    else if (pattern.endsWith('.*')) filter.prefixes.push(pattern.slice(0, -1));
    else filter.types.push(pattern);
  }
  return filter;
}

/**
 * Checks the patterns of a webhook subscription strictly: each is `*`, a known event type, or a known
 * namespace with `.*`, so a typo is refused instead of silently never matching. Duplicates are dropped.
 */
export function checkSubscriptionPatterns(value: unknown, field: string, problems: FieldProblem[]): string[] {
  const patterns = checkPatternList(value, field, problems);
  for (const pattern of patterns) {
    const prefix = PREFIX_SYNTAX.exec(pattern)?.[1];
    const known =
      pattern === '*' ||
      (EVENT_TYPES as readonly string[]).includes(pattern) ||
      (prefix !== undefined && NAMESPACES.includes(prefix));
    if (!known) {
      problems.push({
        field,
        message: `unknown event type "${pattern}"; use *, one of ${EVENT_TYPES.join(', ')}, or a prefix such as ${NAMESPACES.map((n) => `${n}.*`).join(', ')}`,
        value: pattern,
      });
    }
  }
  return patterns;
}

/**
 * Checks a filter given when reading events (`?type=`, `?types=`): only the syntax, so events of types
 * added later can be read before this list knows them.
 */
export function checkReadPatterns(value: unknown, field: string, problems: FieldProblem[]): string[] {
  const patterns = checkPatternList(value, field, problems);
  for (const pattern of patterns) {
    if (pattern !== '*' && !TYPE_SYNTAX.test(pattern) && !PREFIX_SYNTAX.test(pattern)) {
      problems.push({
        field,
        message: `"${pattern}" is not an event type or pattern (e.g. purchase_order.sent, purchase_order.*, *)`,
        value: pattern,
      });
    }
  }
  return patterns;
}

/** Splits `a,b` (from a query string or a CLI option) into patterns; an array is taken as is. */
export function splitPatterns(value: string | string[]): string[] {
  const parts = Array.isArray(value) ? value : value.split(',');
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

function checkPatternList(value: unknown, field: string, problems: FieldProblem[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ field, message: 'must be a non-empty list of event types or patterns', value });
    return [];
  }
  if (value.length > MAX_EVENT_PATTERNS) {
    problems.push({ field, message: `must list at most ${MAX_EVENT_PATTERNS} patterns`, value: value.length });
    return [];
  }
  const patterns: string[] = [];
  for (const entry of value) {
    if (typeof entry !== 'string' || entry.length === 0 || entry.length > 100) {
      problems.push({ field, message: 'each entry must be a text of 1 to 100 characters', value: entry });
    } else if (!patterns.includes(entry)) {
      patterns.push(entry);
    }
  }
  return patterns;
}

import { describe, expect, it } from 'vitest';
import type { FieldProblem } from '../../domain/errors.js';
import {
  checkReadPatterns,
  checkSubscriptionPatterns,
  filterOfPatterns,
  matchesEventType,
  splitPatterns,
} from './event-types.js';

describe('event type patterns', () => {
  it('a prefix matches the types of its namespace only, not a namespace that merely starts alike', () => {
    const filter = filterOfPatterns(['purchase_order.*', 'movement.posted']);
    expect(matchesEventType(filter, 'purchase_order.sent')).toBe(true);
    expect(matchesEventType(filter, 'purchase_order.line_drafted')).toBe(true);
    expect(matchesEventType(filter, 'purchase_order')).toBe(false);
    expect(matchesEventType(filter, 'purchase_orders.sent')).toBe(false);
    expect(matchesEventType(filter, 'movement.posted')).toBe(true);
    expect(matchesEventType(filter, 'movement.reversed')).toBe(false);
    expect(matchesEventType(filterOfPatterns(['*']), 'anything.at_all')).toBe(true);
  });

  it('webhooks may name only known types or namespaces; duplicates are dropped', () => {
    const problems: FieldProblem[] = [];
    expect(checkSubscriptionPatterns(['kanban.*', 'kanban.*', 'policy.changed', '*'], 'events', problems)).toEqual([
      'kanban.*',
      'policy.changed',
      '*',
    ]);
    expect(problems).toEqual([]);
    for (const bad of ['purchase_order.shipped', 'invoice.*', 'purchase_order', '**', 'webhook.test']) {
      const found: FieldProblem[] = [];
      checkSubscriptionPatterns([bad], 'events', found);
      expect(
        found.map((p) => p.field),
        bad,
      ).toEqual(['events']);
      expect(found[0]!.message).toContain(`unknown event type "${bad}"`);
    }
  });

  it('readers may filter by any well-formed type, so types added later can be read', () => {
    const problems: FieldProblem[] = [];
    expect(checkReadPatterns(splitPatterns(' invoice.paid , purchase_order.* '), 'type', problems)).toEqual([
      'invoice.paid',
      'purchase_order.*',
    ]);
    expect(problems).toEqual([]);
    checkReadPatterns(['Purchase Order', 'a..b'], 'type', problems);
    expect(problems.map((p) => p.value)).toEqual(['Purchase Order', 'a..b']);
    const empty: FieldProblem[] = [];
    checkReadPatterns([], 'type', empty);
    expect(empty).toHaveLength(1);
  });
});

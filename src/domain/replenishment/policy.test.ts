import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPolicy, parsePolicyInput } from './policy.js';

const problemsOf = (raw: unknown) => {
  const result = parsePolicyInput(raw);
  return result.ok ? [] : result.problems.map((p) => `${p.field}: ${p.message}`);
};
const fieldsOf = (raw: unknown) => {
  const result = parsePolicyInput(raw);
  return result.ok ? [] : result.problems.map((p) => p.field);
};

describe('parsePolicyInput', () => {
  it.each([
    [
      { kind: 'reorder_point', reorder_point: 20, target: 50.5 },
      { kind: 'reorder_point', reorderPointMilli: 20_000, targetMilli: 50_500 },
    ],
    [
      { kind: 'reorder_point', reorder_point: 0, target: 0.001 },
      { kind: 'reorder_point', reorderPointMilli: 0, targetMilli: 1 },
    ],
    [
      { kind: 'reorder_point', reorder_point: 50, target: 50 },
      { kind: 'reorder_point', reorderPointMilli: 50_000, targetMilli: 50_000 },
    ],
    [
      { kind: 'kanban', cards: 2, container_quantity: 12.5 },
      { kind: 'kanban', cards: 2, containerQuantityMilli: 12_500 },
    ],
    [
      { kind: 'kanban', cards: 3, container_quantity: 10, supplier: 'ACME' },
      { kind: 'kanban', cards: 3, containerQuantityMilli: 10_000, supplier: 'ACME' },
    ],
    [
      { kind: 'periodic_review', review_days: 7, target: 100 },
      { kind: 'periodic_review', reviewDays: 7, reviewTime: '06:00', targetMilli: 100_000 },
    ],
    [
      { kind: 'periodic_review', review_days: 1, target: 5, review_time: '23:59' },
      { kind: 'periodic_review', reviewDays: 1, reviewTime: '23:59', targetMilli: 5_000 },
    ],
    [{ kind: 'make_to_order' }, { kind: 'make_to_order' }],
    [{ kind: 'manual' }, { kind: 'manual' }],
    [
      { kind: 'manual', reorder_point: 4 },
      { kind: 'manual', reorderPointMilli: 4_000 },
    ],
  ])('reads %j in milli-units', (raw, expected) => {
    expect(parsePolicyInput(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['a missing body', null, ['body']],
    ['an array body', [], ['body']],
    ['a missing kind', { reorder_point: 1, target: 2 }, ['kind']],
    ['an unknown kind', { kind: 'min_max', reorder_point: 1, target: 2 }, ['kind']],
    ['s greater than S', { kind: 'reorder_point', reorder_point: 60, target: 50 }, ['reorder_point']],
    ['a missing target', { kind: 'reorder_point', reorder_point: 5 }, ['target']],
    ['a zero target', { kind: 'reorder_point', reorder_point: 0, target: 0 }, ['target']],
    ['a negative reorder point', { kind: 'reorder_point', reorder_point: -1, target: 5 }, ['reorder_point']],
    [
      '4-decimal quantities',
      { kind: 'reorder_point', reorder_point: 1.0005, target: 2.0001 },
      ['reorder_point', 'target'],
    ],
    ['a quantity given as a string', { kind: 'reorder_point', reorder_point: '5', target: 10 }, ['reorder_point']],
    ['a zero container', { kind: 'kanban', cards: 2, container_quantity: 0 }, ['container_quantity']],
    ['no cards', { kind: 'kanban', cards: 0, container_quantity: 5 }, ['cards']],
    ['a fractional card count', { kind: 'kanban', cards: 2.5, container_quantity: 5 }, ['cards']],
    ['too many cards', { kind: 'kanban', cards: 1000, container_quantity: 5 }, ['cards']],
    ['a supplier with a space', { kind: 'kanban', cards: 2, container_quantity: 5, supplier: 'AC ME' }, ['supplier']],
    ['an empty supplier', { kind: 'kanban', cards: 2, container_quantity: 5, supplier: '' }, ['supplier']],
    ['review days below 1', { kind: 'periodic_review', review_days: 0, target: 10 }, ['review_days']],
    ['fractional review days', { kind: 'periodic_review', review_days: 1.5, target: 10 }, ['review_days']],
    [
      'a review time past 23:59',
      { kind: 'periodic_review', review_days: 7, target: 10, review_time: '24:00' },
      ['review_time'],
    ],
    [
      'a review time without a leading zero',
      { kind: 'periodic_review', review_days: 7, target: 10, review_time: '6:00' },
      ['review_time'],
    ],
    ['a field of another kind', { kind: 'kanban', cards: 2, container_quantity: 5, target: 10 }, ['target']],
    ['any field on make-to-order', { kind: 'make_to_order', target: 1 }, ['target']],
    ['a bad manual reorder point', { kind: 'manual', reorder_point: -2 }, ['reorder_point']],
  ])('refuses %s, naming the field', (_what, raw, fields) => {
    expect(fieldsOf(raw)).toEqual(fields);
  });

  it('reports every problem of one input, not only the first', () => {
    expect(fieldsOf({ kind: 'kanban', cards: 0, container_quantity: 0, supplier: 7, target: 3 })).toEqual([
      'target',
      'cards',
      'container_quantity',
      'supplier',
    ]);
  });

  it('says why s > S is impossible and quotes the target', () => {
    expect(problemsOf({ kind: 'reorder_point', reorder_point: 60, target: 50 })).toEqual([
      'reorder_point: must not exceed target (50): an order up to the target would be negative',
    ]);
  });

  it('refuses more than 3 decimals rather than rounding them', () => {
    expect(problemsOf({ kind: 'kanban', cards: 1, container_quantity: 1.2345 })).toEqual([
      'container_quantity: must have at most 3 decimal places',
    ]);
  });

  it('reads back what formatPolicy writes, for any valid policy', () => {
    const quantity = fc.integer({ min: 1, max: 1_000_000_000 });
    const policy = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 1_000_000_000 }), quantity)
        .map(([a, b]) => ({ kind: 'reorder_point' as const, reorderPointMilli: Math.min(a, b), targetMilli: b })),
      fc
        .tuple(
          fc.integer({ min: 1, max: 999 }),
          quantity,
          fc.option(fc.constantFrom('ACME', 'B-2'), { nil: undefined }),
        )
        .map(([cards, containerQuantityMilli, supplier]) =>
          supplier === undefined
            ? { kind: 'kanban' as const, cards, containerQuantityMilli }
            : { kind: 'kanban' as const, cards, containerQuantityMilli, supplier },
        ),
      fc
        .tuple(
          fc.integer({ min: 1, max: 3650 }),
          quantity,
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
        )
        .map(([reviewDays, targetMilli, h, m]) => ({
          kind: 'periodic_review' as const,
          reviewDays,
          targetMilli,
          reviewTime: `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`,
        })),
      fc.constant({ kind: 'make_to_order' as const }),
      fc.constant({ kind: 'manual' as const }),
      quantity.map((reorderPointMilli) => ({ kind: 'manual' as const, reorderPointMilli })),
    );
    fc.assert(
      fc.property(policy, (p) => {
        expect(parsePolicyInput(JSON.parse(JSON.stringify(formatPolicy(p))))).toEqual({ ok: true, value: p });
      }),
    );
  });
});

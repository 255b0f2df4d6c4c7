import { describe, expect, it } from 'vitest';
import type { FieldProblem } from '../../domain/errors.js';
import { readNote, readStatusFilter } from './order-input.js';

describe('readNote', () => {
  it('trims text, clears with null or blank text, and leaves an absent note undefined', () => {
    const problems: FieldProblem[] = [];
    expect(readNote({ note: '  rush  ' }, problems)).toBe('rush');
    expect(readNote({ note: '   ' }, problems)).toBeNull();
    expect(readNote({ note: null }, problems)).toBeNull();
    expect(readNote({}, problems)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('refuses a non-text note and one longer than 2000 characters, naming note', () => {
    const problems: FieldProblem[] = [];
    expect(readNote({ note: 7 }, problems)).toBeUndefined();
    expect(readNote({ note: 'x'.repeat(2001) }, problems)).toBeUndefined();
    expect(problems.map((p) => [p.field, p.message])).toEqual([
      ['note', 'must be text of at most 2000 characters'],
      ['note', 'must be text of at most 2000 characters'],
    ]);
  });
});

describe('readStatusFilter', () => {
  const statuses = ['planned', 'released', 'completed'] as const;

  it('reads a comma-separated list and treats an absent or empty one as no filter', () => {
    expect(readStatusFilter('planned, released', statuses)).toEqual(['planned', 'released']);
    expect(readStatusFilter('', statuses)).toBeUndefined();
    expect(readStatusFilter(undefined, statuses)).toBeUndefined();
  });

  it('refuses an unknown status, naming status and the allowed ones', () => {
    expect(() => readStatusFilter('planned,open', statuses)).toThrow(
      'status: must be one of planned, released, completed',
    );
  });
});

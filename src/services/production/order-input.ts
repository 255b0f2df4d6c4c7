import type { RawInput } from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem } from '../../domain/errors.js';

const MAX_NOTE_LENGTH = 2000;

/**
 * A customer or production order's `note`: absent is `undefined`, `null` or blank text clears it (`null`), other
 * text is trimmed; anything but text of at most 2000 characters is a problem.
 */
export function readNote(input: RawInput, problems: FieldProblem[]): string | null | undefined {
  const value = input['note'];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || value.length > MAX_NOTE_LENGTH) {
    problems.push({ field: 'note', message: `must be text of at most ${MAX_NOTE_LENGTH} characters`, value });
    return undefined;
  }
  return value.trim() === '' ? null : value.trim();
}

/**
 * A list's `status` filter, comma-separated (`planned,released`): `undefined` when absent or empty, else every name
 * checked against `statuses`.
 */
export function readStatusFilter<S extends string>(
  status: string | undefined,
  statuses: readonly S[],
): S[] | undefined {
  if (status === undefined || status === '') return undefined;
  const wanted = status.split(',').map((s) => s.trim());
  if (wanted.some((s) => !(statuses as readonly string[]).includes(s))) {
    throw new DomainError('LS_VALIDATION', `status: must be one of ${statuses.join(', ')}`, [
      { field: 'status', message: `must be one of ${statuses.join(', ')}`, value: status },
    ]);
  }
  return wanted as S[];
}

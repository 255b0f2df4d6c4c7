import { DomainError } from '../domain/errors.js';

/** One page of a list; `next_cursor` is null on the last page. */
export type Page<T> = { data: T[]; next_cursor: string | null };

export const MAX_PAGE_SIZE = 1000;

/** A page size from 1 to 1000, 100 when not given. */
export function checkPageLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE) return limit;
  throw new DomainError('LS_VALIDATION', `limit: must be a whole number from 1 to ${MAX_PAGE_SIZE}`, [
    { field: 'limit', message: `must be a whole number from 1 to ${MAX_PAGE_SIZE}`, value: limit },
  ]);
}

/** Opaque keyset cursor: the sort key of the last row, base64url-encoded. */
export function encodeCursor(key: Array<number | string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number, field: string): Array<number | string> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(key) &&
      key.length === length &&
      key.every((k) => typeof k === 'number' || typeof k === 'string')
    ) {
      return key;
    }
  } catch {
    // fall through to the error below
  }
  throw new DomainError('LS_VALIDATION', `${field}: is not a cursor this list returned`, [
    { field, message: 'is not a cursor this list returned', value: cursor },
  ]);
}

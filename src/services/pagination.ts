import { DomainError } from '../domain/errors.js';

/** One page of a list; `next_cursor` is null on the last page. */
export type Page<T> = { data: T[]; next_cursor: string | null };

export const MAX_PAGE_SIZE = 1000;

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

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../domain/errors.js';
import { statusOf } from './http-errors.js';

const root = new URL('../../', import.meta.url);

/** The codes of the `ErrorCode` union, read from its source so a new code is checked without listing it here. */
function errorCodes(): ErrorCode[] {
  const source = readFileSync(new URL('src/domain/errors.ts', root), 'utf8');
  const union = /export type ErrorCode =([^;]*);/.exec(source)?.[1] ?? '';
  return [...union.matchAll(/'(LS_[A-Z_]+)'/g)].map((m) => m[1] as ErrorCode);
}

/** docs/api.md's error table: status → the codes named in its row. */
function documentedCodes(): Map<number, string[]> {
  const doc = readFileSync(new URL('docs/api.md', root), 'utf8');
  const rows = new Map<number, string[]>();
  for (const match of doc.matchAll(/^\| (\d{3}) +\| (.*)\|$/gm)) {
    rows.set(
      Number(match[1]),
      [...match[2]!.matchAll(/`(LS_[A-Z_]+)`/g)].map((m) => m[1]!),
    );
  }
  return rows;
}

describe('error codes', () => {
  it('docs/api.md lists every error code under the status the API answers with', () => {
    const codes = errorCodes();
    expect(codes).toContain('LS_OVER_ALLOCATION');
    const documented = documentedCodes();
    const misplaced = codes.filter((code) => !(documented.get(statusOf(code)) ?? []).includes(code));
    expect(misplaced).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyStorageError } from './storage-errors.js';

const coded = (code: string, message = 'driver message') => Object.assign(new Error(message), { code });

describe('classifyStorageError', () => {
  it.each([
    ['SQLITE_FULL', 'LS_STORAGE_FULL'],
    ['SQLITE_READONLY', 'LS_READ_ONLY'],
    ['SQLITE_READONLY_DBMOVED', 'LS_READ_ONLY'],
    ['SQLITE_IOERR', 'LS_STORAGE_ERROR'],
    ['SQLITE_IOERR_WRITE', 'LS_STORAGE_ERROR'],
    ['SQLITE_CANTOPEN', 'LS_STORAGE_ERROR'],
    ['SQLITE_BUSY', 'LS_BUSY'],
    ['SQLITE_BUSY_SNAPSHOT', 'LS_BUSY'],
  ])('maps the SQLite code %s to %s', (driverCode, code) => {
    expect(classifyStorageError(coded(driverCode))).toMatchObject({ code, cause: driverCode });
  });

  it.each([
    ['53100', 'LS_STORAGE_FULL'],
    ['25006', 'LS_READ_ONLY'],
    ['53200', 'LS_UNAVAILABLE'],
    ['53300', 'LS_UNAVAILABLE'],
    ['57P01', 'LS_UNAVAILABLE'],
    ['57P02', 'LS_UNAVAILABLE'],
    ['57P03', 'LS_UNAVAILABLE'],
    ['08006', 'LS_UNAVAILABLE'],
    ['08001', 'LS_UNAVAILABLE'],
    ['ECONNREFUSED', 'LS_UNAVAILABLE'],
    ['ECONNRESET', 'LS_UNAVAILABLE'],
    ['EPIPE', 'LS_UNAVAILABLE'],
  ])('maps the PostgreSQL or socket code %s to %s', (driverCode, code) => {
    expect(classifyStorageError(coded(driverCode))).toMatchObject({ code, cause: driverCode });
  });

  it('names the full disk, says nothing was written and asks for a minute before retrying', () => {
    // PostgreSQL's disk full (53100) cannot be produced safely on a shared server; this is its only test.
    expect(
      classifyStorageError(coded('53100', 'could not extend file "base/16384/16385": No space left on device')),
    ).toEqual({
      code: 'LS_STORAGE_FULL',
      message: 'the database disk is full; free space and retry — nothing was written',
      retryAfterSeconds: 60,
      cause: '53100',
    });
  });

  it("recognises the pg driver's uncoded connection failures by their message", () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Client has encountered a connection error and is not queryable',
    ]) {
      expect(classifyStorageError(new Error(message))?.code, message).toBe('LS_UNAVAILABLE');
    }
  });

  it('looks inside an AggregateError of refused connection attempts and through causes', () => {
    const refused = new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], '');
    expect(classifyStorageError(refused)).toMatchObject({ code: 'LS_UNAVAILABLE', cause: 'ECONNREFUSED' });
    const wrapped = new Error('migration failed', { cause: coded('SQLITE_READONLY') });
    expect(classifyStorageError(wrapped)?.code).toBe('LS_READ_ONLY');
  });

  it('leaves bugs and constraint violations to the 500 fallback', () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      coded('SQLITE_CONSTRAINT_UNIQUE'),
      coded('SQLITE_ERROR', 'no such column: qty'),
      coded('SQLITE_CORRUPT'),
      coded('23505'),
      coded('42P01'),
      coded('40001'),
      coded('FST_ERR_VALIDATION'),
      'a string',
      null,
      undefined,
    ]) {
      expect(classifyStorageError(error)).toBeUndefined();
    }
  });
});

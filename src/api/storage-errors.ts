/** Codes of the storage faults: the database, not the caller, refused the request. Each answers 503. */
export type StorageFaultCode = 'LS_STORAGE_FULL' | 'LS_READ_ONLY' | 'LS_STORAGE_ERROR' | 'LS_BUSY' | 'LS_UNAVAILABLE';

export type StorageFault = {
  code: StorageFaultCode;
  message: string;
  /** Seconds a client should wait before retrying (the `retry-after` header). */
  retryAfterSeconds: number;
  /** The driver's own code (`SQLITE_FULL`, `53100`, `ECONNREFUSED`, ...), for the log. */
  cause: string;
};

export const STORAGE_FAULT_STATUS = 503;

// A transaction the database refused was rolled back, so "nothing was written" holds for every fault the
// database itself reported. A dropped connection is different: a COMMIT may have landed before the drop.
const FAULTS: Record<StorageFaultCode, { message: string; retryAfterSeconds: number }> = {
  LS_STORAGE_FULL: {
    message: 'the database disk is full; free space and retry — nothing was written',
    retryAfterSeconds: 60,
  },
  LS_READ_ONLY: {
    message: 'the database is read-only; make it writable (or point at the primary) and retry — nothing was written',
    retryAfterSeconds: 60,
  },
  LS_STORAGE_ERROR: {
    message: 'the database file could not be opened, read or written; check its disk and path, then retry',
    retryAfterSeconds: 30,
  },
  LS_BUSY: {
    message: 'the database stayed locked by another writer; retry shortly — nothing was written',
    retryAfterSeconds: 1,
  },
  LS_UNAVAILABLE: {
    message:
      'the database is unavailable (unreachable, restarting or out of connections); retry shortly, repeating a write with the same idempotency key since it may have landed before the connection dropped',
    retryAfterSeconds: 5,
  },
};

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Recognises a storage or connection failure from better-sqlite3 or pg and says what to tell the caller;
 * anything else (a bug, a constraint the code should have checked) answers undefined.
 *
 * @example
 * classifyStorageError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))
 * // → { code: 'LS_STORAGE_FULL', message: 'the database disk is full; …', retryAfterSeconds: 60, cause: 'SQLITE_FULL' }
 */
export function classifyStorageError(error: unknown): StorageFault | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const found = classifyOne(current);
    if (found) return found;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function classifyOne(error: unknown): StorageFault | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'string' ? code : '';
  const fault = (faultCode: StorageFaultCode, cause = text): StorageFault => ({
    code: faultCode,
    ...FAULTS[faultCode],
    cause,
  });
  if (text.startsWith('SQLITE_')) return sqliteFault(text, fault);
  const pgFault = postgresFault(text);
  if (pgFault) return fault(pgFault);
  if (CONNECTION_CODES.has(text)) return fault('LS_UNAVAILABLE');
  // Node reports a refused connection to every address of a host as an AggregateError of the attempts.
  const attempts = (error as { errors?: unknown }).errors;
  for (const inner of Array.isArray(attempts) ? attempts : []) {
    const innerCode = (inner as { code?: unknown } | null)?.code;
    if (typeof innerCode === 'string' && CONNECTION_CODES.has(innerCode)) return fault('LS_UNAVAILABLE', innerCode);
  }
  // The pg driver's own failures carry no code, only these messages.
  const message = error instanceof Error ? error.message : '';
  if (/^Connection terminated|timeout exceeded when trying to connect|is not queryable/.test(message)) {
    return fault('LS_UNAVAILABLE', message);
  }
  return undefined;
}

function sqliteFault(code: string, fault: (faultCode: StorageFaultCode) => StorageFault): StorageFault | undefined {
  if (code === 'SQLITE_FULL') return fault('LS_STORAGE_FULL');
  if (code.startsWith('SQLITE_READONLY')) return fault('LS_READ_ONLY');
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return fault('LS_STORAGE_ERROR');
  if (code.startsWith('SQLITE_BUSY')) return fault('LS_BUSY');
  return undefined;
}

/** SQLSTATE classes: 53 insufficient resources, 57P0x shutdown, 08 connection exception, 25006 read-only. */
function postgresFault(sqlState: string): StorageFaultCode | undefined {
  if (sqlState === '53100') return 'LS_STORAGE_FULL';
  if (sqlState === '25006') return 'LS_READ_ONLY';
  if (sqlState === '53200' || sqlState === '53300' || sqlState === '53400') return 'LS_UNAVAILABLE';
  if (sqlState === '57P01' || sqlState === '57P02' || sqlState === '57P03') return 'LS_UNAVAILABLE';
  if (sqlState.startsWith('08')) return 'LS_UNAVAILABLE';
  return undefined;
}

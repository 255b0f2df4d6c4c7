import type { ErrorCode, FieldProblem } from '../domain/errors.js';

export type ErrorBody = { error: { code: string; message: string; details?: FieldProblem[] | undefined } };

/** The single place where domain error codes become HTTP statuses; a new code does not compile until mapped. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'LS_VALIDATION':
    case 'LS_INVALID_QUANTITY':
    case 'LS_IMPORT_INVALID':
    case 'LS_BOM_CYCLE':
      return 400;
    case 'LS_UNKNOWN_ITEM':
    case 'LS_UNKNOWN_LOCATION':
    case 'LS_UNKNOWN_SUPPLIER':
    case 'LS_UNKNOWN_SUPPLIER_ITEM':
    case 'LS_UNKNOWN_MOVEMENT':
    case 'LS_UNKNOWN_PURCHASE_ORDER':
    case 'LS_UNKNOWN_WEBHOOK':
    case 'LS_UNKNOWN_CUSTOMER':
    case 'LS_UNKNOWN_CUSTOMER_ORDER':
    case 'LS_UNKNOWN_PRODUCTION_ORDER':
    case 'LS_UNKNOWN_BOM':
    case 'LS_UNKNOWN_USER':
    case 'LS_NOT_FOUND':
      return 404;
    case 'LS_DUPLICATE':
    case 'LS_INACTIVE':
    case 'LS_NEGATIVE_STOCK':
    case 'LS_ALREADY_REVERSED':
    case 'LS_IDEMPOTENCY_CONFLICT':
    case 'LS_INVALID_STATE':
    case 'LS_OVER_ALLOCATION':
      return 409;
    case 'LS_OVER_RECEIPT':
      return 422;
    case 'LS_BATCH_TOO_LARGE':
      return 413;
    case 'LS_MAIL_FAILED':
      return 502;
    case 'LS_UNAUTHENTICATED':
    case 'LS_INVALID_CREDENTIALS':
    case 'LS_MFA_REQUIRED':
      return 401;
    case 'LS_FORBIDDEN':
    case 'LS_CSRF':
      return 403;
    case 'LS_LOCKED':
    case 'LS_RATE_LIMITED':
      return 429;
  }
}

/** Every error a caller can cause. Each code maps to exactly one HTTP status in `api/http-errors.ts`. */
export type ErrorCode =
  | 'LS_VALIDATION'
  | 'LS_INVALID_QUANTITY'
  | 'LS_UNKNOWN_ITEM'
  | 'LS_UNKNOWN_LOCATION'
  | 'LS_UNKNOWN_SUPPLIER'
  | 'LS_UNKNOWN_SUPPLIER_ITEM'
  | 'LS_UNKNOWN_MOVEMENT'
  | 'LS_UNKNOWN_PURCHASE_ORDER'
  | 'LS_UNKNOWN_WEBHOOK'
  | 'LS_INVALID_STATE'
  | 'LS_OVER_RECEIPT'
  | 'LS_NOT_FOUND'
  | 'LS_DUPLICATE'
  | 'LS_INACTIVE'
  | 'LS_NEGATIVE_STOCK'
  | 'LS_ALREADY_REVERSED'
  | 'LS_IDEMPOTENCY_CONFLICT'
  | 'LS_IMPORT_INVALID'
  | 'LS_BATCH_TOO_LARGE'
  | 'LS_MAIL_FAILED'
  | 'LS_UNKNOWN_CUSTOMER'
  | 'LS_UNKNOWN_CUSTOMER_ORDER'
  | 'LS_UNKNOWN_PRODUCTION_ORDER'
  | 'LS_UNKNOWN_BOM'
  | 'LS_BOM_CYCLE'
  | 'LS_OVER_ALLOCATION'
  | 'LS_UNAUTHENTICATED'
  | 'LS_INVALID_CREDENTIALS'
  | 'LS_MFA_REQUIRED'
  | 'LS_FORBIDDEN'
  | 'LS_CSRF'
  | 'LS_LOCKED'
  | 'LS_RATE_LIMITED'
  | 'LS_UNKNOWN_USER';

/** One problem with one field of the input; `index` is the position in a batch, `row` the line of a CSV file. */
export type FieldProblem = {
  field: string;
  message: string;
  index?: number;
  row?: number;
  value?: unknown;
};

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: FieldProblem[] | undefined;

  constructor(code: ErrorCode, message: string, details?: FieldProblem[]) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** Throws one LS_VALIDATION error that lists every problem; the message names the first field. */
export function throwIfProblems(problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  const first = problems[0]!;
  const where = first.index === undefined ? '' : `movements[${first.index}].`;
  const more = moreProblems(problems.length - 1);
  throw new DomainError('LS_VALIDATION', `${where}${first.field}: ${first.message}${more}`, problems);
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** The tail of a message that names only the first of several problems: " (and 2 more problems)". */
export function moreProblems(count: number): string {
  if (count <= 0) return '';
  return ` (and ${count} more problem${count === 1 ? '' : 's'})`;
}

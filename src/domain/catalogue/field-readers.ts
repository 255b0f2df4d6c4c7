import { type FieldProblem, throwIfProblems } from '../errors.js';

/** The raw input of a catalogue record as received over HTTP, from the CLI or a CSV row. */
export type RawInput = Record<string, unknown>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export const MAX_CODE_LENGTH = 64;
export const MAX_NAME_LENGTH = 200;
export const MAX_EMAIL_LENGTH = 254;

/** Length in characters as a person counts them (code points), so "螺栓" is 2, not 2 UTF-16 units or 6 bytes. */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Accepts only a plain object; reports `body` otherwise. */
export function readObject(raw: unknown, problems: FieldProblem[]): RawInput | undefined {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw as RawInput;
  problems.push({ field: 'body', message: 'must be a JSON object' });
  return undefined;
}

/** The parsed value, or an LS_VALIDATION error listing every problem. */
export function valueOrThrow<T>(result: ParseResult<T>): T {
  if (!result.ok) throwIfProblems(result.problems);
  return (result as { value: T }).value;
}

/** An update must change something: an empty object is reported as `body`. */
export function checkNotEmpty(input: RawInput, problems: FieldProblem[]): void {
  if (Object.keys(input).length === 0)
    problems.push({ field: 'body', message: 'must contain at least one field to change' });
}

/** Reports every key that is not one of `fields`. */
export function checkKnownFields(
  input: RawInput,
  fields: readonly string[],
  what: string,
  problems: FieldProblem[],
): void {
  const known = new Set(fields);
  for (const key of Object.keys(input)) {
    if (!known.has(key))
      problems.push({ field: key, message: `is not a field of ${what}; expected ${fields.join(', ')}` });
  }
}

/**
 * A natural key (SKU, location code): 1–64 characters, no white space or control characters,
 * because it appears in URLs, CSV files and command lines.
 */
export function readCode(input: RawInput, field: string, problems: FieldProblem[]): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    problems.push({ field, message: 'is required' });
    return undefined;
  }
  if (typeof value !== 'string') return fail(problems, field, 'must be a string', value);
  if (value.length === 0) return fail(problems, field, 'must not be empty', value);
  if (characterCount(value) > MAX_CODE_LENGTH)
    return fail(problems, field, `must be at most ${MAX_CODE_LENGTH} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\s\u0000-\u001f\u007f]/u.test(value)) {
    return fail(problems, field, 'must not contain spaces or control characters', value);
  }
  return value;
}

/** Required text, trimmed, 1–`maxLength` characters. Any script is welcome. */
export function readText(
  input: RawInput,
  field: string,
  maxLength: number,
  problems: FieldProblem[],
): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    problems.push({ field, message: 'is required' });
    return undefined;
  }
  return checkText(value, field, maxLength, problems);
}

/** Optional text: absent is `undefined`, `null` clears, otherwise as `readText`. */
export function readOptionalText(
  input: RawInput,
  field: string,
  maxLength: number,
  problems: FieldProblem[],
): string | null | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  return checkText(value, field, maxLength, problems) ?? undefined;
}

function checkText(value: unknown, field: string, maxLength: number, problems: FieldProblem[]): string | undefined {
  if (typeof value !== 'string') return fail(problems, field, 'must be a string', value);
  const text = value.trim();
  if (text.length === 0) return fail(problems, field, 'must not be empty', value);
  if (characterCount(text) > maxLength) return fail(problems, field, `must be at most ${maxLength} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/u.test(text)) {
    return fail(problems, field, 'must not contain control characters', value);
  }
  return text;
}

/** A boolean; absent is `undefined`. */
export function readBoolean(input: RawInput, field: string, problems: FieldProblem[]): boolean | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') return fail(problems, field, 'must be true or false', value);
  return value;
}

/** One of `choices`; absent is `undefined`. */
export function readChoice<T extends string>(
  input: RawInput,
  field: string,
  choices: readonly T[],
  problems: FieldProblem[],
): T | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    return fail(problems, field, `must be one of ${choices.join(', ')}`, value);
  }
  return value as T;
}

/** A whole number from 1 to `max`; absent is `undefined`, `null` clears. */
export function readPositiveInteger(
  input: RawInput,
  field: string,
  max: number,
  problems: FieldProblem[],
): number | null | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value))
    return fail(problems, field, 'must be a whole number', value);
  if (value < 1 || value > max) return fail(problems, field, `must be from 1 to ${max}`, value);
  return value;
}

function fail(problems: FieldProblem[], field: string, message: string, value?: unknown): undefined {
  const shown = typeof value === 'string' && value.length > 100 ? `${value.slice(0, 100)}…` : value;
  problems.push(value === undefined ? { field, message } : { field, message, value: shown });
  return undefined;
}

/** An e-mail address (trimmed), null to clear it, undefined when absent or refused. */
export function readEmail(input: RawInput, field: string, problems: FieldProblem[]): string | null | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be a string', value });
    return undefined;
  }
  const email = value.trim();
  if (characterCount(email) > MAX_EMAIL_LENGTH) {
    problems.push({ field, message: `must be at most ${MAX_EMAIL_LENGTH} characters` });
    return undefined;
  }
  // One @, a non-empty local part, a dotted domain, no spaces: what an order e-mail needs, not all of RFC 5322.
  if (!/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u.test(email)) {
    problems.push({ field, message: 'must be an e-mail address like orders@example.com', value });
    return undefined;
  }
  return email;
}

import { DomainError } from '../domain/errors.js';

/** Reads `PREFIX-000001`, `PREFIX-1` or `1`; anything else is refused naming the argument. */
export function documentNumber(text: string, prefix: string, what: string, format: (id: number) => string): string {
  const match = new RegExp(`^(?:${prefix}-)?0*(\\d{1,15})$`, 'i').exec(text.trim());
  if (!match || Number(match[1]) < 1) {
    throw new DomainError('LS_VALIDATION', `number: "${text}" is not a ${what} number (${format(1)} or 1)`, [
      { field: 'number', message: `must be a ${what} number like ${format(1)} or 1`, value: text },
    ]);
  }
  return format(Number(match[1]));
}

/** A quantity argument: a plain decimal number, else refused naming the field. */
export function quantityArg(text: string, field: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(text.trim())) {
    throw new DomainError('LS_VALIDATION', `${field}: "${text}" is not a number`, [
      { field, message: 'must be a number, e.g. 12 or 2.5', value: text },
    ]);
  }
  return Number(text);
}

/** A whole-number argument (a limit, a line number), else refused naming the field. */
export function wholeNumber(text: string, field: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new DomainError('LS_VALIDATION', `${field}: "${text}" is not a whole number`, [
      { field, message: 'must be a whole number', value: text },
    ]);
  }
  return value;
}

/** Commander's collector for a repeatable option: `--line A --line B` → ['A', 'B']. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

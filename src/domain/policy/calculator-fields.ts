import type { FieldProblem } from '../errors.js';

/**
 * Declarative input fields for the calculators: one spec per field drives validation (every problem reported with
 * its field), the model list of `GET /api/v1/calc` and `calc --list`, and the OpenAPI request schemas.
 */

export type FieldType = 'number' | 'integer' | 'number_list' | 'integer_list' | 'choice';

export type FieldSpec = {
  name: string;
  type: FieldType;
  /** Unit in words, e.g. "money per unit per time unit". */
  unit: string;
  description: string;
  required?: boolean;
  /** Inclusive lower bound (of each element for lists). */
  min?: number;
  /** Exclusive lower bound. */
  greaterThan?: number;
  /** Exclusive upper bound. */
  lessThan?: number;
  /** Inclusive upper bound. */
  max?: number;
  choices?: readonly string[];
  default?: number | string;
  /** Most elements a list may have. */
  maxItems?: number;
};

export type OutputSpec = {
  name: string;
  type: 'number' | 'integer' | 'number_list' | 'integer_list' | 'string';
  unit: string;
  description: string;
  /** Present only in some cases (named in the description). */
  optional?: boolean;
};

/** Numbers beyond this magnitude are refused: they only overflow the formulas. */
export const MAX_MAGNITUDE = 1e12;
export const MAX_LIST_LENGTH = 10_000;

export type FieldValues = Record<string, number | string | number[] | undefined>;

/** Reads `raw` against the specs: unknown fields, missing required fields, types and bounds, all at once. */
export function readFields(
  raw: unknown,
  specs: readonly FieldSpec[],
  model: string,
): { values: FieldValues; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const values: FieldValues = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ field: 'body', message: 'must be a JSON object' });
    return { values, problems };
  }
  const input = raw as Record<string, unknown>;
  const names = specs.map((spec) => spec.name);
  for (const key of Object.keys(input)) {
    if (!names.includes(key))
      problems.push({ field: key, message: `is not an input of ${model}; expected ${names.join(', ')}` });
  }
  for (const spec of specs) {
    const value = input[spec.name];
    if (value === undefined || value === null) {
      if (spec.required) problems.push({ field: spec.name, message: 'is required' });
      else if (spec.default !== undefined) values[spec.name] = spec.default;
      continue;
    }
    const read = readValue(spec, value, problems);
    if (read !== undefined) values[spec.name] = read;
  }
  return { values, problems };
}

function readValue(spec: FieldSpec, value: unknown, problems: FieldProblem[]): number | string | number[] | undefined {
  const problemCount = problems.length;
  switch (spec.type) {
    case 'choice':
      if (typeof value !== 'string' || !spec.choices!.includes(value)) {
        problems.push({ field: spec.name, message: `must be one of ${spec.choices!.join(', ')}`, value });
        return undefined;
      }
      return value;
    case 'number':
    case 'integer':
      checkNumber(spec, spec.name, value, spec.type === 'integer', problems);
      return problems.length === problemCount ? (value as number) : undefined;
    case 'number_list':
    case 'integer_list': {
      if (!Array.isArray(value)) {
        problems.push({ field: spec.name, message: 'must be a list of numbers', value });
        return undefined;
      }
      if (value.length === 0) {
        problems.push({ field: spec.name, message: 'must not be empty' });
        return undefined;
      }
      const maxItems = spec.maxItems ?? MAX_LIST_LENGTH;
      if (value.length > maxItems) {
        problems.push({ field: spec.name, message: `must have at most ${maxItems} elements` });
        return undefined;
      }
      value.forEach((element, i) => {
        checkNumber(spec, `${spec.name}[${i}]`, element, spec.type === 'integer_list', problems);
      });
      return problems.length === problemCount ? (value as number[]) : undefined;
    }
  }
}

function checkNumber(spec: FieldSpec, field: string, value: unknown, integer: boolean, problems: FieldProblem[]): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push({ field, message: 'must be a number', value });
    return;
  }
  if (integer && !Number.isInteger(value)) {
    problems.push({ field, message: 'must be a whole number', value });
    return;
  }
  if (Math.abs(value) > MAX_MAGNITUDE) {
    problems.push({ field, message: `must be between -${MAX_MAGNITUDE} and ${MAX_MAGNITUDE}`, value });
    return;
  }
  const bound = boundProblem(spec, value);
  if (bound) problems.push({ field, message: bound, value });
}

function boundProblem(spec: FieldSpec, value: number): string | undefined {
  const { min, max, greaterThan, lessThan } = spec;
  if (greaterThan !== undefined && lessThan !== undefined && !(value > greaterThan && value < lessThan))
    return `must be greater than ${greaterThan} and less than ${lessThan}`;
  if (greaterThan !== undefined && !(value > greaterThan)) return `must be greater than ${greaterThan}`;
  if (lessThan !== undefined && !(value < lessThan)) return `must be less than ${lessThan}`;
  if (min !== undefined && value < min) return min === 0 ? 'must not be negative' : `must be at least ${min}`;
  if (max !== undefined && value > max) return `must be at most ${max}`;
  return undefined;
}

import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';

/**
 * Where a request value holds a NUL character: `lines[0].note`, `sku`, or `body` for a text body; undefined if
 * nowhere. Keys count too (an object key is stored as well in JSON columns).
 *
 * @example findNulCharacter({ lines: [{ note: 'a\u0000b' }] }) // 'lines[0].note'
 */
export function findNulCharacter(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : undefined;
  if (Array.isArray(value)) {
    for (const [index, inner] of value.entries()) {
      const found = findNulCharacter(inner, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return field;
    const found = findNulCharacter(inner, field);
    if (found) return found;
  }
  return undefined;
}

/**
 * A `preValidation` hook refusing a NUL character anywhere in the path parameters, query or body, naming the field.
 * PostgreSQL cannot store U+0000 in text (it fails the statement) while SQLite can, so the request is refused
 * before either sees it, and both databases answer the same 400.
 */
export async function refuseNulCharacters(request: FastifyRequest): Promise<void> {
  const field =
    findNulCharacter(request.params) ?? findNulCharacter(request.query) ?? findNulCharacter(request.body ?? null);
  if (field === undefined) return;
  const message = 'must not contain the NUL character (U+0000)';
  throw new DomainError('LS_VALIDATION', `${field}: ${message}`, [{ field, message }]);
}

import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { seedCatalogue } from '../../test/support/fixtures.js';
import { buildApp } from './app.js';
import { findNulCharacter } from './nul-character.js';

describe('findNulCharacter', () => {
  it('names the first field holding U+0000 the way validation problems name fields', () => {
    expect(findNulCharacter({ sku: 'BOLT', lines: [{ note: 'ok' }, { note: 'a\u0000b' }] })).toBe('lines[1].note');
    expect(findNulCharacter({ 'bad\u0000key': 1 })).toBe('bad\u0000key');
    expect(findNulCharacter('sku,name\nA,\u0000')).toBe('body');
    expect(findNulCharacter({ sku: 'BOLT', quantity: 1, note: null, tags: ['a', 'b'] })).toBeUndefined();
  });
});

describeEachDialect('a NUL character in a request', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    await seedCatalogue(database(), { items: ['BOLT'], locations: ['MAIN'] });
    app = await buildApp({ database: database(), clock: () => Date.UTC(2026, 5, 1) });
  });
  afterEach(async () => {
    await app.close();
  });

  // PostgreSQL fails any statement with U+0000 in text (a 500 before this check); SQLite stored it.
  it('is a 400 naming the field, in a body, a query or a path, and nothing is written', async () => {
    const receipt = { type: 'receipt', sku: 'BOLT', location: 'MAIN', quantity: 5 };
    const answers = {
      reason: await app.inject({
        method: 'POST',
        url: '/api/v1/movements',
        payload: { ...receipt, reason: 'a\u0000b' },
      }),
      'movements[0].reference': await app.inject({
        method: 'POST',
        url: '/api/v1/movements/batch',
        payload: { movements: [{ ...receipt, reference: '\u0000' }] },
      }),
      q: await app.inject({ method: 'GET', url: '/api/v1/items?q=%00' }),
      sku: await app.inject({ method: 'GET', url: '/api/v1/items/BOLT%00' }),
    };
    for (const [field, answer] of Object.entries(answers)) {
      expect(answer.statusCode, field).toBe(400);
      expect(answer.json().error, field).toMatchObject({
        code: 'LS_VALIDATION',
        message: `${field}: must not contain the NUL character (U+0000)`,
        details: [{ field }],
      });
    }
    const movements = await app.inject({ method: 'GET', url: '/api/v1/movements?sku=BOLT' });
    expect(movements.json().data).toEqual([]);
  });
});

import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { buildApp, SECURITY_HEADERS } from './app.js';
import { PAGE_CONTENT_SECURITY_POLICY } from './web-app.js';

describeEachDialect('security headers', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => Date.UTC(2026, 5, 1) });
  });
  afterEach(async () => {
    await app.close();
  });

  it('every answer, a success, a refusal or a page, says no sniffing, no framing elsewhere, no referrer abroad', async () => {
    const answers = [
      await app.inject({ method: 'GET', url: '/api/v1/items' }),
      await app.inject({ method: 'POST', url: '/api/v1/items', payload: { sku: '' } }),
      await app.inject({ method: 'GET', url: '/api/v1/no-such-thing' }),
      await app.inject({ method: 'GET', url: '/healthz' }),
      await app.inject({ method: 'GET', url: '/items/BOLT', headers: { accept: 'text/html' } }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 400, 404, 200, 200]);
    for (const answer of answers) {
      for (const [name, value] of SECURITY_HEADERS) expect(answer.headers[name], name).toBe(value);
    }
  });

  it("the app's pages forbid inline and foreign scripts", async () => {
    const page = await app.inject({ method: 'GET', url: '/customer-orders', headers: { accept: 'text/html' } });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toBe(PAGE_CONTENT_SECURITY_POLICY);
    expect(PAGE_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(PAGE_CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });
});

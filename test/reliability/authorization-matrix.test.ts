import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ROUTE_PERMISSIONS, type RouteAccess } from '../../src/api/route-permissions.js';
import { can, ROLES, type Role } from '../../src/domain/auth/roles.js';
import { addUser, type BrowserSession, createToken, signInAs } from '../support/auth.js';
import { describeEachDialect } from '../support/dialects.js';

const resultsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/results');
const now = Date.UTC(2026, 10, 3, 8);

type Caller = { name: string; headers: Record<string, string> };
type Route = { method: string; url: string; access: RouteAccess };

// Path parameters that name nothing: an allowed call then ends in a 4xx of its own, never in a change. The event
// stream gets a filter it refuses, so that an allowed call answers 400 instead of streaming for ever.
const fill = (url: string) =>
  url.replace(/:[a-z_]+/g, '999999') + (url === '/api/v1/events/stream' ? '?types=no%20such%20type' : '');

// Signing out ends the caller's session, so it goes last.
const ROUTES: Route[] = Object.entries(ROUTE_PERMISSIONS)
  .map(([key, access]) => {
    const [method, url] = key.split(' ') as [string, string];
    return { method, url, access };
  })
  .sort((a, b) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')));

/** What the permission table (docs/security.md) promises a signed-in caller of `role` on `route`. */
function promised(route: Route, role: Role, via: 'session' | 'token'): 'allowed' | 'forbidden' {
  if (route.access === 'public') return 'allowed';
  // Only people create tokens: a token that could mint tokens would outlive its own revocation.
  if (route.access === 'self')
    return via === 'token' && route.method === 'POST' && route.url === '/api/v1/tokens' ? 'forbidden' : 'allowed';
  return can(role, route.access) ? 'allowed' : 'forbidden';
}

describeEachDialect('authorization matrix: every route × role × credential', ({ dialect, database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
  });
  afterEach(async () => {
    await app.close();
  });

  const call = (route: Route, headers: Record<string, string>) =>
    app.inject({
      method: route.method as 'GET',
      url: fill(route.url),
      headers,
      ...(route.method !== 'GET' && route.method !== 'DELETE' && { payload: {} }),
    });

  it('gives every route the documented answer for each role, and 401 for no, wrong, expired or revoked credentials', {
    timeout: 600_000,
  }, async () => {
    const sessions = new Map<Role, BrowserSession>();
    const tokens = new Map<Role, string>();
    for (const role of ROLES) {
      await addUser(database(), `user-${role}`, role, now);
      const session = await signInAs(app, `user-${role}`);
      sessions.set(role, session);
      tokens.set(role, (await createToken(app, session, { name: `${role} token` })).token);
    }
    const admin = sessions.get('admin')!;
    const revoked = await createToken(app, admin, { name: 'revoked' });
    await app.inject({ method: 'POST', url: `/api/v1/tokens/${revoked.id}/revoke`, headers: admin.headers });
    const stale = await signInAs(app, 'user-viewer');
    await database()
      .db.updateTable('sessions')
      .set({ expires_at: now - 1 })
      .where('csrf_token', '=', stale.csrf)
      .execute();

    // Kept out of the matrix, which signs its sessions out at the end, for the CSRF check after it.
    const fresh = await signInAs(app, 'user-admin');
    const refused: Caller[] = [
      { name: 'no credentials', headers: {} },
      { name: 'wrong token', headers: { authorization: 'Bearer lst_not-a-token-at-all' } },
      { name: 'revoked token', headers: { authorization: `Bearer ${revoked.token}` } },
      { name: 'expired session', headers: stale.headers },
    ];
    const wrongAnswers: string[] = [];
    let requests = 0;
    const check = async (route: Route, caller: Caller, expected: 'allowed' | 'forbidden' | 'unauthenticated') => {
      const response = await call(route, caller.headers);
      requests += 1;
      const status = response.statusCode;
      const code = status >= 400 ? (response.json() as { error?: { code?: string } }).error?.code : undefined;
      const ok =
        status < 500 &&
        (expected === 'allowed'
          ? status !== 401 && status !== 403
          : expected === 'forbidden'
            ? status === 403 && code === 'LS_FORBIDDEN'
            : status === 401 && code === 'LS_UNAUTHENTICATED');
      if (!ok)
        wrongAnswers.push(
          `${route.method} ${route.url} [${caller.name}]: expected ${expected}, got ${status} ${code ?? ''}`,
        );
    };

    for (const route of ROUTES) {
      for (const caller of refused) {
        // A public route serves someone whose session ended (they are signing in again); a bad token is refused.
        const expected =
          route.access === 'public' && (caller.name === 'no credentials' || caller.name === 'expired session')
            ? 'allowed'
            : 'unauthenticated';
        await check(route, caller, expected);
      }
      for (const role of ROLES) {
        await check(
          route,
          { name: `${role} session`, headers: sessions.get(role)!.headers },
          promised(route, role, 'session'),
        );
        await check(
          route,
          { name: `${role} token`, headers: { authorization: `Bearer ${tokens.get(role)!}` } },
          promised(route, role, 'token'),
        );
      }
    }
    // A session's write without its CSRF token is refused on every unsafe route that is not public.
    const noCsrf = { name: 'admin session without CSRF token', headers: { cookie: fresh.cookie } };
    for (const route of ROUTES.filter((r) => r.method !== 'GET' && r.access !== 'public')) {
      const response = await call(route, noCsrf.headers);
      requests += 1;
      if (response.statusCode !== 403 || response.json().error.code !== 'LS_CSRF')
        wrongAnswers.push(`${route.method} ${route.url} [${noCsrf.name}]: got ${response.statusCode}`);
    }
    // The kanban card page (outside /api) sends a visitor who is not signed in to the sign-in page.
    const page = await app.inject({ method: 'GET', url: '/kanban/cards/1' });
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toBe('/login?next=%2Fkanban%2Fcards%2F1');

    expect(wrongAnswers).toEqual([]);
    mkdirSync(resultsDir, { recursive: true });
    const figures = { scenario: 'authorization-matrix', dialect, routes: ROUTES.length, roles: ROLES.length, requests };
    writeFileSync(
      join(resultsDir, `reliability-authorization-${dialect}.json`),
      `${JSON.stringify(figures, null, 2)}\n`,
    );
    console.log(
      `reliability authorization-matrix [${dialect}]: ${ROUTES.length} routes × ${ROLES.length} roles (session and token) and 4 refused credentials: ${requests} requests, all as documented`,
    );
  });
});

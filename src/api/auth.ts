import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PERMISSION_DESCRIPTIONS } from '../domain/auth/roles.js';
import { DomainError } from '../domain/errors.js';
import {
  allows,
  authenticateSession,
  authenticateToken,
  LOCAL_PRINCIPAL,
  type Principal,
} from '../services/auth/principal.js';
import { hasUsers } from '../services/auth/users.service.js';
import type { Database } from '../store/database.js';
import { accessOf, type RouteAccess } from './route-permissions.js';

export const SESSION_COOKIE = 'leanstock_session';
export const CSRF_COOKIE = 'leanstock_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; undefined on public routes for someone not signed in. */
    principal: Principal | undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/**
 * Checks every `/api/v1` request (and the kanban card page) before its handler: who is calling, whether their
 * role may use the route, and, for a browser session, that an unsafe request carries the CSRF token.
 *
 * With no users yet and `localAccess` (the server listens on this computer only), requests act as a local admin —
 * one command and it works — but only for a loopback host name, so that a web page elsewhere cannot reach it by
 * DNS rebinding, and never cross-origin.
 */
export function registerAuth(app: FastifyInstance, options: { database: Database; localAccess: boolean }): void {
  const { database } = options;
  let usersExist = false;
  // Once a user exists, one always does (users are disabled, never deleted), so the answer is kept.
  const signInRequired = async () => {
    if (!usersExist) usersExist = await hasUsers(database);
    return usersExist || !options.localAccess;
  };
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    if (url === undefined) return;
    const isPage = url === '/kanban/cards/:id';
    if (!url.startsWith('/api/v1/') && !isPage) return;
    const access: RouteAccess = isPage ? 'read' : (accessOf(request.method, url) ?? 'admin');
    if (!SAFE_METHODS.has(request.method)) refuseCrossOrigin(request);
    const principal = await principalOf(request, access, signInRequired, database);
    request.principal = principal;
    if (access === 'public') return;
    if (!principal) {
      if (isPage) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`);
      throw new DomainError(
        'LS_UNAUTHENTICATED',
        'Sign in first, or send an API token in the Authorization header (Bearer lst_…)',
      );
    }
    if (access !== 'self' && !allows(principal, access)) {
      throw new DomainError(
        'LS_FORBIDDEN',
        `Your role (${principal.role}) may not do this: it needs the "${access}" permission (${PERMISSION_DESCRIPTIONS[access]})`,
      );
    }
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) checkCsrf(request, principal.csrfToken);
  });
}

async function principalOf(
  request: FastifyRequest,
  access: RouteAccess,
  signInRequired: () => Promise<boolean>,
  database: Database,
): Promise<Principal | undefined> {
  const now = request.server.clock();
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new DomainError('LS_UNAUTHENTICATED', 'Authorization: expected "Bearer lst_…"');
    return authenticateToken(database, match[1]!, now);
  }
  const session = cookiesOf(request)[SESSION_COOKIE];
  if (session !== undefined && session !== '') {
    try {
      return await authenticateSession(database, session, now);
    } catch (error) {
      // A stale cookie must not stop anyone from signing in again.
      if (access === 'public') return undefined;
      throw error;
    }
  }
  if (await signInRequired()) return undefined;
  const host = (request.headers.host ?? '').replace(/:\d+$/, '');
  if (!isLoopbackHost(host)) {
    throw new DomainError(
      'LS_FORBIDDEN',
      `This Leanstock has no users yet, so it only answers requests for localhost, not ${host || 'a missing Host'}; create the first admin with: bin/leanstock user add NAME --admin`,
    );
  }
  return LOCAL_PRINCIPAL;
}

/** A browser sends Origin on cross-site writes; another site's page must never write here. */
function refuseCrossOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = '';
  }
  if (originHost !== request.headers.host) {
    throw new DomainError('LS_CSRF', `Origin ${origin} is not this server: cross-site writes are refused`);
  }
}

function checkCsrf(request: FastifyRequest, expected: string): void {
  const sent = request.headers[CSRF_HEADER];
  const ok =
    typeof sent === 'string' &&
    sent.length === expected.length &&
    timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
  if (!ok) {
    throw new DomainError(
      'LS_CSRF',
      `${CSRF_HEADER}: missing or wrong; the web app sends it from the ${CSRF_COOKIE} cookie (scripts should use an API token)`,
      [{ field: CSRF_HEADER, message: 'missing or wrong' }],
    );
  }
}

export function cookiesOf(request: FastifyRequest): Record<string, string> {
  const header = request.headers.cookie;
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      cookies[name] = '';
    }
  }
  return cookies;
}

/** Sets the session cookie (httpOnly: scripts cannot read it) and the CSRF cookie (which the web app echoes). */
export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { token: string; csrfToken: string; expiresAt: number },
): void {
  const maxAge = Math.max(0, Math.floor((session.expiresAt - request.server.clock()) / 1000));
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', [
    `${SESSION_COOKIE}=${session.token}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`,
    `${CSRF_COOKIE}=${session.csrfToken}; Path=/; Max-Age=${maxAge}; SameSite=Lax${secure}`,
  ]);
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.header('set-cookie', [
    `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`,
    `${CSRF_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`,
  ]);
}

/**
 * Counts sign-in attempts per client address in fixed one-minute windows: beyond the limit, LS_RATE_LIMITED with
 * Retry-After. Per process, in memory: it slows guessing; the per-user lockout in the database is what stops it.
 */
export class AttemptLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  check(address: string, now: number, reply: FastifyReply): void {
    if (this.windows.size > 10_000) this.forgetOld(now);
    const window = this.windows.get(address);
    if (!window || now - window.start >= this.windowMs) {
      this.windows.set(address, { start: now, count: 1 });
      return;
    }
    window.count += 1;
    if (window.count > this.limit) {
      const retryAfter = Math.ceil((window.start + this.windowMs - now) / 1000);
      reply.header('retry-after', String(retryAfter));
      throw new DomainError(
        'LS_RATE_LIMITED',
        `Too many sign-in attempts from this address; try again in ${retryAfter} s`,
      );
    }
  }

  private forgetOld(now: number): void {
    for (const [address, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(address);
  }
}

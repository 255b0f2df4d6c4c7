import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Static, Type } from 'typebox';
import { DomainError } from '../../domain/errors.js';
import {
  OIDC_FLOW_MS,
  OidcProviderUnavailable,
  type OidcSignOn,
  sameSitePath,
} from '../../services/auth/oidc.service.js';
import { cookiesOf, setSessionCookies } from '../auth.js';
import { signInContextOf } from './auth.routes.js';

/** Carries state, nonce and PKCE verifier from the login redirect to the callback, sealed and httpOnly. */
export const OIDC_FLOW_COOKIE = 'leanstock_oidc';
const FLOW_COOKIE_PATH = '/api/v1/auth/oidc';

const LoginQuery = Type.Object({
  next: Type.Optional(Type.String({ description: 'Path on this site to open after signing in (default /)' })),
});

const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  iss: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  error_description: Type.Optional(Type.String()),
});

/**
 * Single sign-on through an OpenID provider: the login route sends the browser to the provider, the callback
 * signs the matching user in. Both exist without a provider (answering 404) since the permission table lists them.
 * They are browser navigations that end in redirects, so they stay out of the OpenAPI document.
 */
export async function oidcRoutes(app: FastifyInstance): Promise<void> {
  app.get('/auth/oidc/login', { schema: { hide: true, querystring: LoginQuery } }, async (request, reply) => {
    const signOn = configuredSignOn(app);
    const { next } = request.query as Static<typeof LoginQuery>;
    let started: Awaited<ReturnType<OidcSignOn['begin']>>;
    try {
      started = await signOn.begin(sameSitePath(next), app.clock());
    } catch (error) {
      if (!(error instanceof OidcProviderUnavailable)) throw error;
      request.log.warn({ err: error }, 'single sign-on provider unavailable');
      return redirectToSignIn(reply, error.message);
    }
    const secure = signOn.settings.redirectUri.startsWith('https:') ? '; Secure' : '';
    // SameSite=Lax: the provider's redirect back is a top-level GET navigation, which still carries the cookie.
    reply.header(
      'set-cookie',
      `${OIDC_FLOW_COOKIE}=${started.sealedFlow}; Path=${FLOW_COOKIE_PATH}; Max-Age=${OIDC_FLOW_MS / 1000}; HttpOnly; SameSite=Lax${secure}`,
    );
    return reply.header('cache-control', 'no-store').redirect(started.authorizationUrl);
  });

  app.get('/auth/oidc/callback', { schema: { hide: true, querystring: CallbackQuery } }, async (request, reply) => {
    const signOn = configuredSignOn(app);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const outcome = await signOn.complete(
      app.database,
      query,
      cookiesOf(request)[OIDC_FLOW_COOKIE],
      signInContextOf(request),
    );
    // The flow is spent either way: a second use of the same callback URL must not sign anyone in.
    reply.header('set-cookie', `${OIDC_FLOW_COOKIE}=; Path=${FLOW_COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax`);
    if (outcome.kind === 'refused') {
      request.log.info({ reason: outcome.reason }, 'single sign-on refused');
      return redirectToSignIn(reply, outcome.message);
    }
    setSessionCookies(request, reply, outcome.session);
    return reply.header('cache-control', 'no-store').redirect(outcome.next);
  });
}

function configuredSignOn(app: FastifyInstance): OidcSignOn {
  if (!app.oidcSignOn) {
    throw new DomainError(
      'LS_NOT_FOUND',
      'Single sign-on is not configured: set LEANSTOCK_OIDC_ISSUER, LEANSTOCK_OIDC_CLIENT_ID, LEANSTOCK_OIDC_CLIENT_SECRET and LEANSTOCK_PUBLIC_URL',
    );
  }
  return app.oidcSignOn;
}

function redirectToSignIn(reply: FastifyReply, message: string): FastifyReply {
  return reply.header('cache-control', 'no-store').redirect(`/login?error=${encodeURIComponent(message)}`);
}

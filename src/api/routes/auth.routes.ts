import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { DomainError } from '../../domain/errors.js';
import { disableMfa, enableMfa, setUpMfa } from '../../services/auth/mfa.service.js';
import type { Principal } from '../../services/auth/principal.js';
import {
  changeOwnPassword,
  describeSession,
  type SignInContext,
  signIn,
  signOut,
} from '../../services/auth/sessions.service.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../services/auth/tokens.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { clearSessionCookies, setSessionCookies } from '../auth.js';
import {
  ApiToken,
  ApiTokenInput,
  ApiTokenPage,
  ApiTokenQuery,
  IdParams,
  MfaCode,
  MfaDisable,
  MfaSetup,
  NewApiToken,
  PasswordChange,
  RecoveryCodes,
  Session,
  SignIn,
} from '../schemas/auth.schemas.js';
import { errorResponses } from '../schemas/common.js';

const tags = ['Sign-in and API tokens'];
const authErrors = { ...errorResponses, 401: { $ref: 'Error' }, 403: { $ref: 'Error' }, 429: { $ref: 'Error' } };

export function signInContextOf(request: FastifyRequest): SignInContext {
  return { ...contextOf(request), address: request.ip };
}

/** The signed-in user behind a request, or a clear refusal for the local admin of a Leanstock with no users. */
export function signedInUser(principal: Principal | undefined): Exclude<Principal, { kind: 'local' }> {
  if (principal === undefined || principal.kind === 'local') {
    throw new DomainError(
      'LS_INVALID_STATE',
      'There are no users yet: create the first admin (bin/leanstock user add NAME --admin, or the set-up link) first',
    );
  }
  return principal;
}

/** Whether single sign-on is offered, and the provider's name for the sign-in button. */
export function oidcOf(app: FastifyInstance): { enabled: boolean; name: string | null } {
  return { enabled: app.oidcEnabled, name: app.oidcSignOn?.settings.name ?? null };
}

function signedOutSession(app: FastifyInstance) {
  return { mode: 'user' as const, user: null, permissions: [], csrf_token: null, oidc: oidcOf(app) };
}

export async function authRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/auth/session',
    { schema: { tags, summary: 'Who is signed in, with which permissions', response: { 200: Session } } },
    async (request) => ({
      ...(await describeSession(app.database, request.principal)),
      oidc: oidcOf(app),
    }),
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags,
        summary:
          'Sign in with a password (and a TOTP or recovery code when the user has MFA); sets the session cookies',
        body: { ...SignIn, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Session, ...authErrors },
      },
    },
    async (request, reply) => {
      app.signInLimiter.check(request.ip, app.clock(), reply);
      const session = await signIn(app.database, request.body, signInContextOf(request));
      setSessionCookies(request, reply, session);
      return { ...session.view, oidc: oidcOf(app) };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags,
        summary: 'End this session and clear its cookies; answers the signed-out session',
        response: { 200: Session },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal?.kind === 'session') await signOut(app.database, principal.sessionId, contextOf(request));
      clearSessionCookies(reply);
      return signedOutSession(app);
    },
  );

  app.post(
    '/auth/password',
    {
      schema: {
        tags,
        summary: 'Change your own password; every session ends, answers the signed-out session (sign in again)',
        body: { ...PasswordChange, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Session, ...authErrors },
      },
    },
    async (request, reply) => {
      const user = signedInUser(request.principal);
      await changeOwnPassword(app.database, user.userId, request.body, contextOf(request));
      clearSessionCookies(reply);
      return signedOutSession(app);
    },
  );

  app.post(
    '/auth/mfa/setup',
    {
      schema: {
        tags,
        summary: 'Start multi-factor set-up: a new TOTP secret and its QR code for a phone authenticator',
        response: { 200: MfaSetup, ...authErrors },
      },
    },
    async (request) => setUpMfa(app.database, signedInUser(request.principal).userId, contextOf(request)),
  );

  app.post(
    '/auth/mfa/enable',
    {
      schema: {
        tags,
        summary: 'Turn multi-factor sign-in on with the code the phone shows; answers 10 one-time recovery codes',
        body: { ...MfaCode, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: RecoveryCodes, ...authErrors },
      },
    },
    async (request) =>
      enableMfa(app.database, signedInUser(request.principal).userId, request.body, contextOf(request)),
  );

  app.post(
    '/auth/mfa/disable',
    {
      schema: {
        tags,
        summary: 'Turn multi-factor sign-in off (asks for the password again); answers the session',
        body: { ...MfaDisable, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Session, ...authErrors },
      },
    },
    async (request) => {
      await disableMfa(app.database, signedInUser(request.principal).userId, request.body, contextOf(request));
      return { ...(await describeSession(app.database, request.principal)), oidc: oidcOf(app) };
    },
  );

  app.get(
    '/tokens',
    {
      schema: {
        tags,
        summary: 'Your API tokens (admins: everyone’s with all=true), newest first',
        querystring: ApiTokenQuery,
        response: { 200: ApiTokenPage, ...authErrors },
      },
    },
    async (request) => {
      const user = signedInUser(request.principal);
      const all = (request.query as Static<typeof ApiTokenQuery>).all === true;
      if (all && user.role !== 'admin') throw new DomainError('LS_FORBIDDEN', 'all: only admins see everyone’s tokens');
      return { data: await listApiTokens(app.database, all ? {} : { userId: user.userId }), next_cursor: null };
    },
  );

  app.post(
    '/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token; the secret is in this answer only',
        body: { ...ApiTokenInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: NewApiToken, ...authErrors },
      },
    },
    async (request, reply) => {
      // A token made with a token would outlive the revocation of the first one: only people make tokens.
      const user = signedInUser(request.principal);
      if (user.kind === 'token')
        throw new DomainError('LS_FORBIDDEN', 'API tokens are created by a signed-in user, not by another token');
      return reply.status(201).send(await createApiToken(app.database, user.userId, request.body, contextOf(request)));
    },
  );

  app.post(
    '/tokens/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke an API token at once (your own; admins any)',
        params: IdParams,
        response: { 200: ApiToken, ...authErrors },
      },
    },
    async (request) => {
      const user = signedInUser(request.principal);
      const { id } = request.params as Static<typeof IdParams>;
      return revokeApiToken(
        app.database,
        id,
        { userId: user.userId, anyUser: user.role === 'admin' },
        contextOf(request),
      );
    },
  );
}

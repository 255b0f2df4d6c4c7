import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import * as openid from 'openid-client';
import { type Database, type Tx, writeTransaction } from '../../store/database.js';
import { recordAudit } from '../audit.js';
import { checkPublicUrl } from '../kanban/public-url.js';
import { type NewSession, type SignInContext, startSession } from './sessions.service.js';
import { findUserRowById, type UserRow } from './users.service.js';

/** Single sign-on through one OpenID Connect provider, from `LEANSTOCK_OIDC_*` and `LEANSTOCK_PUBLIC_URL`. */
export type OidcSettings = {
  /** The provider's issuer identifier, e.g. `https://login.example.com/realms/plant`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: `LEANSTOCK_PUBLIC_URL` + `/api/v1/auth/oidc/callback`. */
  redirectUri: string;
  /** The provider's name on the sign-in button (`LEANSTOCK_OIDC_NAME`). */
  name: string;
};

export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

/** How long a sign-in may stay at the provider (typing a password, a second factor) before it must start again. */
export const OIDC_FLOW_MS = 10 * 60 * 1000;

const REQUIRED_VARIABLES = [
  'LEANSTOCK_OIDC_ISSUER',
  'LEANSTOCK_OIDC_CLIENT_ID',
  'LEANSTOCK_OIDC_CLIENT_SECRET',
  'LEANSTOCK_PUBLIC_URL',
] as const;

/**
 * Reads the single sign-on settings; undefined when `LEANSTOCK_OIDC_ISSUER` is unset. A partial or invalid
 * configuration throws naming the variables, so a misconfigured server refuses to start instead of offering a
 * sign-in button that cannot work. The issuer must be https (plain http only on this computer, for testing).
 */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OidcSettings | undefined {
  const value = (name: string) => env[name]?.trim() || undefined;
  if (value('LEANSTOCK_OIDC_ISSUER') === undefined) return undefined;
  const missing = REQUIRED_VARIABLES.filter((name) => value(name) === undefined);
  if (missing.length > 0) {
    throw new Error(`Single sign-on needs ${missing.join(', ')} as well as LEANSTOCK_OIDC_ISSUER`);
  }
  const issuer = checkPublicUrl(value('LEANSTOCK_OIDC_ISSUER')!, 'LEANSTOCK_OIDC_ISSUER');
  const issuerUrl = new URL(issuer);
  if (issuerUrl.protocol === 'http:' && !isLoopbackName(issuerUrl.hostname)) {
    throw new Error(
      `LEANSTOCK_OIDC_ISSUER: "${issuer}" must be an https:// address (plain http only for a provider on this computer)`,
    );
  }
  const publicUrl = checkPublicUrl(value('LEANSTOCK_PUBLIC_URL')!, 'LEANSTOCK_PUBLIC_URL');
  return {
    issuer,
    clientId: value('LEANSTOCK_OIDC_CLIENT_ID')!,
    clientSecret: value('LEANSTOCK_OIDC_CLIENT_SECRET')!,
    redirectUri: `${publicUrl}${OIDC_CALLBACK_PATH}`,
    name: value('LEANSTOCK_OIDC_NAME') ?? 'single sign-on',
  };
}

function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** What the browser carries between the login redirect and the callback: the checks the callback needs. */
export type OidcFlow = { state: string; nonce: string; codeVerifier: string; next: string; expiresAt: number };

/** Why a single sign-on was refused; the reason is audited, the message shown on the sign-in page. */
export type OidcRefusalReason =
  | 'state'
  | 'provider_error'
  | 'provider_unreachable'
  | 'invalid_response'
  | 'no_email'
  | 'unverified_email'
  | 'unknown_email'
  | 'ambiguous_email'
  | 'disabled';

export type OidcOutcome =
  | { kind: 'signed_in'; session: NewSession; next: string }
  | { kind: 'refused'; reason: OidcRefusalReason; message: string; email?: string };

/** The provider could not be discovered (down, or not an OpenID provider): the sign-in cannot start. */
export class OidcProviderUnavailable extends Error {}

/**
 * One configured OpenID provider. Discovery happens at the first sign-in, not at start, so a provider that is down
 * does not stop the server; a successful discovery is kept, a failed one is tried again at the next sign-in.
 */
export class OidcSignOn {
  private configuration: Promise<openid.Configuration> | undefined;
  private readonly flowKey: Buffer;

  constructor(readonly settings: OidcSettings) {
    // The flow cookie is signed with a key only this server's configuration knows.
    this.flowKey = createHmac('sha256', settings.clientSecret).update('leanstock oidc flow').digest();
  }

  /** The provider's authorization URL (code flow, PKCE S256, state and nonce) and the sealed flow to keep. */
  async begin(next: string, now: number): Promise<{ authorizationUrl: string; sealedFlow: string }> {
    const config = await this.discover();
    const flow: OidcFlow = {
      state: openid.randomState(),
      nonce: openid.randomNonce(),
      codeVerifier: openid.randomPKCECodeVerifier(),
      next,
      expiresAt: now + OIDC_FLOW_MS,
    };
    const url = openid.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid email profile',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await openid.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { authorizationUrl: url.href, sealedFlow: sealOidcFlow(flow, this.flowKey) };
  }

  /**
   * Completes a sign-in: checks the flow against the callback's state, exchanges the code (openid-client checks
   * the ID token's signature, issuer, audience, nonce and expiry), then opens a session for the one active user
   * whose e-mail matches, case-insensitively. Every refusal is audited as `login_failed` with its reason.
   */
  async complete(
    database: Database,
    callbackQuery: string,
    sealedFlow: string | undefined,
    ctx: SignInContext,
  ): Promise<OidcOutcome> {
    const outcome = await this.verify(callbackQuery, sealedFlow, ctx.now);
    if (outcome.kind === 'refused') {
      const { reason, email } = outcome;
      await writeTransaction(database, (tx) =>
        recordAudit(tx, ctx, loginFailed(ctx, email ?? 'oidc', { reason, email })),
      );
      return outcome;
    }
    const { email, next } = outcome;
    return writeTransaction(database, async (tx): Promise<OidcOutcome> => {
      const refusal = (reason: OidcRefusalReason, message: string, key: string): Promise<OidcOutcome> =>
        recordAudit(tx, ctx, loginFailed(ctx, key, { reason, email })).then(() => ({
          kind: 'refused',
          reason,
          message,
        }));
      const users = await usersWithEmail(tx, email);
      const active = users.filter((user) => user.active === 1);
      if (users.length === 0) {
        return refusal(
          'unknown_email',
          `No Leanstock user has the e-mail ${email}; ask an administrator to invite you with that address`,
          email,
        );
      }
      if (active.length === 0) return refusal('disabled', 'Your Leanstock user is disabled', users[0]!.username);
      if (active.length > 1) {
        return refusal(
          'ambiguous_email',
          `More than one Leanstock user has the e-mail ${email}; ask an administrator to give each user their own`,
          email,
        );
      }
      return { kind: 'signed_in', session: await startSession(tx, ctx, active[0]!, 'oidc'), next };
    });
  }

  private async verify(
    callbackQuery: string,
    sealedFlow: string | undefined,
    now: number,
  ): Promise<{ kind: 'verified'; email: string; next: string } | Extract<OidcOutcome, { kind: 'refused' }>> {
    const refused = (reason: OidcRefusalReason, message: string) => ({ kind: 'refused' as const, reason, message });
    const params = new URLSearchParams(callbackQuery);
    const flow = sealedFlow === undefined ? undefined : openOidcFlow(sealedFlow, this.flowKey, now);
    if (!flow || params.get('state') !== flow.state) {
      return refused('state', 'The single sign-on could not be verified (it expired or was changed); please try again');
    }
    if (params.has('error')) {
      const description = params.get('error_description') ?? params.get('error');
      return refused('provider_error', `The sign-in provider refused: ${description?.slice(0, 200)}`);
    }
    let config: openid.Configuration;
    try {
      config = await this.discover();
    } catch (error) {
      return refused('provider_unreachable', (error as Error).message);
    }
    const currentUrl = new URL(this.settings.redirectUri);
    currentUrl.search = params.toString();
    let claims: Record<string, unknown>;
    try {
      const tokens = await openid.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      // Many providers put e-mail claims only in the userinfo answer (OpenID Connect Core §5.4).
      claims =
        typeof idToken['email'] === 'string'
          ? idToken
          : { ...(await openid.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
    } catch (error) {
      if (isUnreachable(error)) {
        return refused('provider_unreachable', 'The sign-in provider could not be reached; please try again later');
      }
      if (error instanceof openid.AuthorizationResponseError || error instanceof openid.ResponseBodyError) {
        return refused('provider_error', `The sign-in provider refused: ${describeOauthError(error)}`);
      }
      return refused(
        'invalid_response',
        `The sign-in provider's answer failed its checks: ${(error as Error).message}`,
      );
    }
    const email = claims['email'];
    if (typeof email !== 'string' || email.trim() === '') {
      return refused('no_email', 'The sign-in provider did not tell Leanstock your e-mail address');
    }
    if (claims['email_verified'] === false) {
      return { ...refused('unverified_email', `The sign-in provider has not verified your e-mail ${email}`), email };
    }
    return { kind: 'verified', email: email.trim(), next: flow.next };
  }

  private discover(): Promise<openid.Configuration> {
    this.configuration ??= openid
      .discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret, undefined, {
        timeout: 10,
        execute: new URL(this.settings.issuer).protocol === 'http:' ? [openid.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        const cause = isUnreachable(error)
          ? 'could not be reached'
          : `did not answer as one (${(error as Error).message})`;
        throw new OidcProviderUnavailable(
          `The single sign-on provider ${this.settings.issuer} ${cause}; try again later or sign in with a password`,
        );
      });
    return this.configuration;
  }
}

/** `next` when it is a path on this site (`/items?x=1`), else `/`: the sign-in never sends anyone elsewhere. */
export function sameSitePath(next: string | undefined): string {
  if (next === undefined || next.length > 2000 || !next.startsWith('/')) return '/';
  // `//host` and `/\host` are other sites to a browser; control characters could split the Location header.
  if (next.startsWith('//') || next.startsWith('/\\')) return '/';
  for (let i = 0; i < next.length; i++) {
    const code = next.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return '/';
  }
  return next;
}

/** Seals a flow as `base64url(JSON).base64url(HMAC-SHA256)`: readable, but not changeable without the key. */
export function sealOidcFlow(flow: OidcFlow, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(flow)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** The flow inside a sealed value, or undefined when it was changed, signed with another key or has expired. */
export function openOidcFlow(sealed: string, key: Buffer, now: number): OidcFlow | undefined {
  const [body, signature, ...rest] = sealed.split('.');
  if (body === undefined || signature === undefined || rest.length > 0) return undefined;
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let flow: Partial<OidcFlow>;
  try {
    flow = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const texts = [flow.state, flow.nonce, flow.codeVerifier, flow.next];
  if (!texts.every((text) => typeof text === 'string') || typeof flow.expiresAt !== 'number') return undefined;
  return flow.expiresAt > now ? (flow as OidcFlow) : undefined;
}

async function usersWithEmail(tx: Tx, email: string): Promise<UserRow[]> {
  const rows = await tx
    .selectFrom('users')
    .select('id')
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .orderBy('id')
    .execute();
  const users: UserRow[] = [];
  for (const row of rows) users.push((await findUserRowById(tx, Number(row.id)))!);
  return users;
}

/** The same `login_failed` entry a refused password sign-in leaves, with the method and the provider's e-mail. */
function loginFailed(ctx: SignInContext, key: string, details: { reason: OidcRefusalReason; email?: string }) {
  return {
    entity: 'session',
    entityKey: key.slice(0, 200),
    action: 'login_failed' as const,
    before: null,
    after: { ...details, method: 'oidc', address: ctx.address ?? null },
  };
}

function isUnreachable(error: unknown): boolean {
  // fetch reports a refused or reset connection as TypeError('fetch failed'); a request past its timeout as a
  // TimeoutError.
  return (
    (error instanceof TypeError && error.message === 'fetch failed') ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
  );
}

function describeOauthError(error: openid.AuthorizationResponseError | openid.ResponseBodyError): string {
  return (error.error_description ?? error.error).slice(0, 200);
}

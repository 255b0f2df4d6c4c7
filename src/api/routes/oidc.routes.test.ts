import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase, testPostgresUrl } from '../../../test/support/dialects.js';
import { createUser, updateUser } from '../../services/auth/users.service.js';
import { type Database, openDatabase } from '../../store/database.js';
import { buildApp } from '../app.js';
import { type RunningServer, startServer } from '../server.js';

const CLIENT_ID = 'leanstock';
const CLIENT_SECRET = 'a test client secret that is long enough';
const CALLBACK_PATH = '/api/v1/auth/oidc/callback';
const PASSWORD = 'correct horse battery';

/** The provider's people: its login form takes the account id; the claims are what it vouches for. */
const ACCOUNTS: Record<string, { email: string; email_verified: boolean }> = {
  ada: { email: 'ada.lovelace@example.com', email_verified: true },
  stranger: { email: 'stranger@example.com', email_verified: true },
  unverified: { email: 'bob@example.com', email_verified: false },
  grace: { email: 'grace@example.com', email_verified: true },
};

/** A browser's cookie store, enough for two sites on 127.0.0.1: by host, name and path. */
class CookieJar {
  private readonly cookies = new Map<string, { host: string; name: string; path: string; value: string }>();

  headerFor(url: URL): string {
    return [...this.cookies.values()]
      .filter((c) => c.host === url.host && url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  has(host: string, name: string): boolean {
    return [...this.cookies.values()].some((c) => c.host === host && c.name === name);
  }

  store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attribute('path') ?? '/';
      const expires = attribute('expires');
      const gone = attribute('max-age') === '0' || (expires !== undefined && Date.parse(expires) <= Date.now());
      const key = `${url.host} ${name} ${path}`;
      if (gone) this.cookies.delete(key);
      else this.cookies.set(key, { host: url.host, name, path, value });
    }
  }
}

type Stop = { url: URL; response?: Response };

/**
 * Follows redirects as a browser does, keeping cookies, until a page answers or the next hop is one `stopAt`
 * picks (then that URL is returned unvisited).
 */
async function navigate(
  jar: CookieJar,
  start: URL,
  options: { form?: Record<string, string>; stopAt?: (url: URL) => boolean } = {},
): Promise<Stop> {
  let url = start;
  let form = options.form;
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(url, {
      redirect: 'manual',
      method: form ? 'POST' : 'GET',
      headers: { cookie: jar.headerFor(url), ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) },
      body: form && new URLSearchParams(form).toString(),
    });
    jar.store(url, response);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return { url, response };
    await response.body?.cancel();
    url = new URL(location, url);
    form = undefined;
    if (options.stopAt?.(url)) return { url };
  }
  throw new Error(`too many redirects, last ${url.href}`);
}

/**
 * Starts a single sign-on at Leanstock and completes the provider's sign-in and consent pages as `account`;
 * answers where the browser ends up on Leanstock: a page outside the API, or the callback when asked to stop there.
 */
async function signOnAs(
  jar: CookieJar,
  leanstock: URL,
  account: string,
  options: { next?: string; stopAtCallback?: boolean } = {},
): Promise<URL> {
  const start = new URL('/api/v1/auth/oidc/login', leanstock);
  if (options.next !== undefined) start.searchParams.set('next', options.next);
  const backHome = (url: URL) =>
    url.host === leanstock.host &&
    (!url.pathname.startsWith('/api/') || (options.stopAtCallback === true && url.pathname === CALLBACK_PATH));
  let stop = await navigate(jar, start, { stopAt: backHome });
  while (stop.response) {
    const html = await stop.response.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /<form[^>]* action="([^"]+)"/.exec(html)?.[1];
    if (stop.response.status !== 200 || prompt === undefined || action === undefined) {
      throw new Error(`unexpected page ${stop.url.href}: ${stop.response.status} ${html.slice(0, 300)}`);
    }
    const form: Record<string, string> = prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt };
    stop = await navigate(jar, new URL(action.replaceAll('&amp;', '&'), stop.url), { form, stopAt: backHome });
  }
  return stop.url;
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** oidc-provider with its development login and consent pages, one confidential client and the accounts above. */
async function startProvider(port: number, redirectUri: string): Promise<{ issuer: string; close(): Promise<void> }> {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    cookies: { keys: ['provider cookie key'] },
    jwks: { keys: [generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
    findAccount: async (_ctx, id) => {
      const account = ACCOUNTS[id];
      return account && { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  const server = createServer(provider.callback());
  await listen(server, port);
  return {
    issuer,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts Leanstock as `serve` does, with the single sign-on variables set for the start only. */
async function startLeanstock(scratch: ScratchDatabase, port: number, issuer: string): Promise<RunningServer> {
  const env = {
    LEANSTOCK_OIDC_ISSUER: issuer,
    LEANSTOCK_OIDC_CLIENT_ID: CLIENT_ID,
    LEANSTOCK_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    LEANSTOCK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    LEANSTOCK_SCHEDULER: 'off',
  };
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await startServer({ config: scratch.config, host: '127.0.0.1', port, logLevel: 'silent' });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const pgUrl = testPostgresUrl();
for (const dialect of ['sqlite', 'postgres'] as const) {
  const skip = dialect === 'postgres' && !pgUrl;
  describe.skipIf(skip)(`single sign-on through a real OpenID provider [${dialect}]`, () => {
    let scratch: ScratchDatabase;
    let provider: Awaited<ReturnType<typeof startProvider>>;
    let server: RunningServer;
    let leanstock: URL;

    beforeAll(async () => {
      scratch = await createScratchDatabase(dialect);
      const port = await freePort();
      leanstock = new URL(`http://127.0.0.1:${port}`);
      provider = await startProvider(await freePort(), new URL(CALLBACK_PATH, leanstock).href);
      server = await startLeanstock(scratch, port, provider.issuer);
      const ctx = { actor: 'test', now: Date.now() };
      // Leanstock keeps e-mails as typed; the provider's lower-case address must still find Ada.
      for (const [username, email, role] of [
        ['admin', 'admin@example.com', 'admin'],
        ['ada', 'Ada.Lovelace@Example.com', 'planner'],
        ['bob', 'bob@example.com', 'clerk'],
        ['grace', 'grace@example.com', 'clerk'],
      ] as const) {
        await createUser(server.database, { username, role, email, password: PASSWORD }, ctx);
      }
      await updateUser(server.database, 'grace', { active: false }, ctx);
    });
    afterAll(async () => {
      await server?.close();
      await provider?.close();
      await scratch?.drop();
    });

    const sessionOf = async (jar: CookieJar) => {
      const url = new URL('/api/v1/auth/session', leanstock);
      const response = await fetch(url, { headers: { cookie: jar.headerFor(url) } });
      expect(response.status).toBe(200);
      return (await response.json()) as {
        user: { username: string } | null;
        oidc: { enabled: boolean; name: string | null };
      };
    };
    const auditAfter = async (key: string, action: string) =>
      (
        await server.database.db
          .selectFrom('audit_log')
          .select('after')
          .where('entity', '=', 'session')
          .where('entity_key', '=', key)
          .where('action', '=', action)
          .orderBy('id')
          .execute()
      ).map((row) => JSON.parse(row.after ?? 'null') as Record<string, unknown>);
    const errorOf = (url: URL) => {
      expect(url.host).toBe(leanstock.host);
      expect(url.pathname).toBe('/login');
      return url.searchParams.get('error');
    };

    it('says in the session answer that single sign-on is on', async () => {
      expect((await sessionOf(new CookieJar())).oidc).toEqual({ enabled: true, name: 'single sign-on' });
    });

    it('signs in the active user whose e-mail the provider vouches for, ignoring case, and opens the page asked for', async () => {
      const jar = new CookieJar();
      const landed = await signOnAs(jar, leanstock, 'ada', { next: '/items?search=bolt' });
      expect(`${landed.origin}${landed.pathname}${landed.search}`).toBe(`${leanstock.origin}/items?search=bolt`);
      expect((await sessionOf(jar)).user?.username).toBe('ada');
      // The session cookie opens the API with Ada's role, and the one-time flow cookie is gone.
      const items = new URL('/api/v1/items', leanstock);
      expect((await fetch(items, { headers: { cookie: jar.headerFor(items) } })).status).toBe(200);
      expect(jar.has(leanstock.host, 'leanstock_oidc')).toBe(false);
      expect(await auditAfter('ada', 'login')).toContainEqual(expect.objectContaining({ method: 'oidc' }));
    });

    it('sends an e-mail no user has back to the sign-in page, signs no one in and audits the refusal', async () => {
      const jar = new CookieJar();
      const landed = await signOnAs(jar, leanstock, 'stranger');
      expect(errorOf(landed)).toBe(
        'No Leanstock user has the e-mail stranger@example.com; ask an administrator to invite you with that address',
      );
      expect((await sessionOf(jar)).user).toBeNull();
      expect(await auditAfter('stranger@example.com', 'login_failed')).toEqual([
        expect.objectContaining({ reason: 'unknown_email', method: 'oidc', email: 'stranger@example.com' }),
      ]);
    });

    it('refuses an e-mail the provider has not verified, even when a user has it', async () => {
      const jar = new CookieJar();
      const landed = await signOnAs(jar, leanstock, 'unverified');
      expect(errorOf(landed)).toBe('The sign-in provider has not verified your e-mail bob@example.com');
      expect((await sessionOf(jar)).user).toBeNull();
      expect(await auditAfter('bob@example.com', 'login_failed')).toEqual([
        expect.objectContaining({ reason: 'unverified_email', email: 'bob@example.com' }),
      ]);
    });

    it('refuses a disabled user', async () => {
      const jar = new CookieJar();
      expect(errorOf(await signOnAs(jar, leanstock, 'grace'))).toBe('Your Leanstock user is disabled');
      expect((await sessionOf(jar)).user).toBeNull();
      expect(await auditAfter('grace', 'login_failed')).toEqual([expect.objectContaining({ reason: 'disabled' })]);
    });

    it('refuses a callback whose state was changed, and the flow it spoiled cannot be used afterwards', async () => {
      const jar = new CookieJar();
      const callback = await signOnAs(jar, leanstock, 'ada', { stopAtCallback: true });
      expect(callback.pathname).toBe(CALLBACK_PATH);
      const tampered = new URL(callback);
      tampered.searchParams.set('state', `${callback.searchParams.get('state')}x`);
      const refusedAt = (await navigate(jar, tampered, { stopAt: () => true })).url;
      expect(errorOf(refusedAt)).toMatch(/could not be verified/);
      expect((await navigate(jar, callback, { stopAt: () => true })).url.pathname).toBe('/login');
      expect((await sessionOf(jar)).user).toBeNull();
      expect(await auditAfter('oidc', 'login_failed')).toContainEqual(expect.objectContaining({ reason: 'state' }));
    });

    it('refuses a callback opened in a browser that did not start the sign-in', async () => {
      const callback = await signOnAs(new CookieJar(), leanstock, 'ada', { stopAtCallback: true });
      const otherBrowser = new CookieJar();
      const refusedAt = (await navigate(otherBrowser, callback, { stopAt: () => true })).url;
      expect(errorOf(refusedAt)).toMatch(/could not be verified/);
      expect((await sessionOf(otherBrowser)).user).toBeNull();
    });

    it('never sends the browser to another site after signing in', async () => {
      for (const next of ['//evil.example/items', 'https://evil.example/', '/\\evil.example']) {
        const landed = await signOnAs(new CookieJar(), leanstock, 'ada', { next });
        expect(landed.href).toBe(`${leanstock.origin}/`);
      }
    });
  });
}

describe('single sign-on with its provider down', () => {
  let scratch: ScratchDatabase;
  let server: RunningServer | undefined;
  let provider: Awaited<ReturnType<typeof startProvider>> | undefined;
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await scratch?.drop();
  });

  it('starts anyway, sends the browser back to the sign-in page with the reason, and works once the provider is up', async () => {
    scratch = await createScratchDatabase('sqlite');
    const port = await freePort();
    const providerPort = await freePort();
    server = await startLeanstock(scratch, port, `http://127.0.0.1:${providerPort}`);
    const login = new URL(`http://127.0.0.1:${port}/api/v1/auth/oidc/login`);

    const down = await fetch(login, { redirect: 'manual' });
    expect(down.status).toBe(302);
    const error = new URL(down.headers.get('location')!, login);
    expect(error.pathname).toBe('/login');
    expect(error.searchParams.get('error')).toBe(
      `The single sign-on provider http://127.0.0.1:${providerPort} could not be reached; try again later or sign in with a password`,
    );

    // A failed discovery is not kept: the next sign-in finds the provider.
    provider = await startProvider(providerPort, `http://127.0.0.1:${port}${CALLBACK_PATH}`);
    const up = await fetch(login, { redirect: 'manual' });
    expect(up.status).toBe(302);
    const authorization = new URL(up.headers.get('location')!);
    expect(authorization.origin).toBe(provider.issuer);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(up.headers.get('set-cookie')).toMatch(
      /^leanstock_oidc=[^;]+; Path=\/api\/v1\/auth\/oidc; .*HttpOnly; SameSite=Lax/,
    );
  });
});

describe('single sign-on when it is not configured', () => {
  let scratch: ScratchDatabase;
  let database: Database;
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  it('answers 404 LS_NOT_FOUND on both routes and tells the web app it is off', async () => {
    scratch = await createScratchDatabase('sqlite');
    database = await openDatabase(scratch.config);
    const app = await buildApp({ database });
    for (const url of ['/api/v1/auth/oidc/login', `${CALLBACK_PATH}?code=x&state=y`]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('LS_NOT_FOUND');
      expect(response.json().error.message).toMatch(/^Single sign-on is not configured/);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/session' })).json().oidc).toEqual({
      enabled: false,
      name: null,
    });
    await app.close();
  });
});

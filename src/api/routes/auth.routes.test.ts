import type { FastifyInstance } from 'fastify';
import { generate } from 'otplib';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { addUser, createToken, signInAs, TEST_PASSWORD } from '../../../test/support/auth.js';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { createSetupLink } from '../../services/auth/invitations.service.js';
import { buildApp } from '../app.js';

const start = Date.UTC(2026, 10, 2, 9);
const HOUR = 3600 * 1000;

describeEachDialect('sign-in, roles, tokens and MFA', ({ database }) => {
  let app: FastifyInstance;
  let now = start;
  beforeEach(async () => {
    now = start;
    app = await buildApp({ database: database(), clock: () => now });
  });
  afterEach(async () => {
    await app.close();
  });

  const audit = async (entity: string) =>
    (await database().db.selectFrom('audit_log').selectAll().where('entity', '=', entity).orderBy('id').execute()).map(
      (row) => `${row.action} ${row.entity_key} by ${row.actor}`,
    );
  const movementCount = async () =>
    Number(
      (
        await database()
          .db.selectFrom('movements')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const catalogue = async (headers: Record<string, string> = {}) => {
    for (const [url, payload] of [
      ['/api/v1/items', { sku: 'BOLT', name: 'Bolt', unit: 'pcs' }],
      ['/api/v1/locations', { code: 'MAIN', name: 'Main store' }],
    ] as const) {
      const response = await app.inject({ method: 'POST', url, headers, payload });
      expect(response.statusCode, response.body).toBe(201);
    }
  };
  const receipt = (headers: Record<string, string>, quantity = 5) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/movements',
      headers,
      payload: { type: 'receipt', sku: 'BOLT', location: 'MAIN', quantity },
    });

  it('serves a Leanstock without users on localhost at once, but not for another host name or origin', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/stock' })).statusCode).toBe(200);
    const session = (await app.inject({ method: 'GET', url: '/api/v1/auth/session' })).json();
    expect(session).toMatchObject({ mode: 'local', user: null, oidc: { enabled: false } });
    expect(session.permissions).toContain('admin');

    const rebound = await app.inject({ method: 'GET', url: '/api/v1/stock', headers: { host: 'evil.example:3000' } });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json().error.message).toContain('bin/leanstock user add NAME --admin');
    const crossSite = await app.inject({
      method: 'POST',
      url: '/api/v1/items',
      headers: { origin: 'https://evil.example' },
      payload: { sku: 'X', name: 'X', unit: 'pcs' },
    });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().error.code).toBe('LS_CSRF');
    expect(await database().db.selectFrom('items').selectAll().execute()).toEqual([]);
  });

  it('withdraws the set-up link and invitations made without users once the first user exists', async () => {
    const setup = await createSetupLink(database(), { actor: 'serve', now });
    const local = await app.inject({ method: 'POST', url: '/api/v1/invitations', payload: { role: 'admin' } });
    expect(local.statusCode).toBe(201);
    const accepted = await app.inject({
      method: 'POST',
      url: `/api/v1/invitations/by-token/${setup.token}/accept`,
      payload: { username: 'ann', password: TEST_PASSWORD },
    });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().user).toMatchObject({ username: 'ann', role: 'admin' });
    const spare = await app.inject({ method: 'GET', url: `/api/v1/invitations/by-token/${local.json().token}` });
    expect(spare.statusCode).toBe(404);
    expect(spare.json().error.message).toContain('withdrawn');
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/invitations/by-token/${setup.token}/accept`,
      payload: { username: 'eve', password: TEST_PASSWORD },
    });
    expect(again.statusCode).toBe(404);
    expect(await database().db.selectFrom('users').select('username').execute()).toEqual([{ username: 'ann' }]);
  });

  it('requires sign-in once a user exists; a session writes only with its CSRF token, as its user', async () => {
    await catalogue();
    await addUser(database(), 'ann', 'admin', now);
    const anonymous = await app.inject({ method: 'GET', url: '/api/v1/stock' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('LS_UNAUTHENTICATED');
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/session' })).json()).toMatchObject({
      mode: 'user',
      user: null,
      permissions: [],
    });

    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ann', password: 'not her password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('LS_INVALID_CREDENTIALS');

    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ANN ', password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const sessionCookie = login.cookies.find((c) => c.name === 'leanstock_session')!;
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(login.cookies.find((c) => c.name === 'leanstock_csrf')!.httpOnly).toBeFalsy();
    const ann = await signInAs(app, 'ann');
    const me = (
      await app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: ann.cookie } })
    ).json();
    expect(me).toMatchObject({ mode: 'user', user: { username: 'ann', role: 'admin' }, csrf_token: ann.csrf });

    const noCsrf = await receipt({ cookie: ann.cookie });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('LS_CSRF');
    expect(await movementCount()).toBe(0);
    const written = await receipt(ann.headers);
    expect(written.statusCode).toBe(201);
    expect(written.json().actor).toBe('ann');
    expect(await audit('session')).toEqual(['login_failed ann by api', 'login ann by ann', 'login ann by ann']);

    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: ann.headers });
    expect(out.statusCode).toBe(200);
    const after = await app.inject({ method: 'GET', url: '/api/v1/stock', headers: { cookie: ann.cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toContain('ended');
  });

  it('ends a session 12 hours after its last use', async () => {
    await addUser(database(), 'ann', 'admin', now);
    const ann = await signInAs(app, 'ann');
    now += 11 * HOUR;
    expect((await app.inject({ method: 'GET', url: '/api/v1/stock', headers: ann.headers })).statusCode).toBe(200);
    now += 11 * HOUR;
    expect((await app.inject({ method: 'GET', url: '/api/v1/stock', headers: ann.headers })).statusCode).toBe(200);
    now += 13 * HOUR;
    const expired = await app.inject({ method: 'GET', url: '/api/v1/stock', headers: ann.headers });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toContain('expired');
  });

  it('locks a user after five failed sign-ins in a row for 15 minutes, and audits it', async () => {
    await addUser(database(), 'ann', 'admin', now);
    for (let i = 0; i < 5; i++) {
      const failed = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'ann', password: `guess number ${i}` },
      });
      expect(failed.statusCode).toBe(401);
    }
    const locked = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ann', password: TEST_PASSWORD },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toMatchObject({ code: 'LS_LOCKED' });
    expect(locked.json().error.message).toContain('2026-11-02T09:15:00.000Z');
    expect(await audit('user')).toContain('lockout ann by api');
    now += 16 * 60 * 1000;
    await signInAs(app, 'ann');
  });

  it('limits sign-in attempts per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: `nobody${i}`, password: 'whatever it is' },
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        expect(response.json().error.code).toBe('LS_RATE_LIMITED');
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('invites a clerk, who records movements but may not change policies', async () => {
    await catalogue();
    await addUser(database(), 'ann', 'admin', now);
    const ann = await signInAs(app, 'ann');
    const invited = await app.inject({
      method: 'POST',
      url: '/api/v1/invitations',
      headers: ann.headers,
      payload: { role: 'clerk', email: 'carl@example.com' },
    });
    expect(invited.statusCode).toBe(201);
    const { token, url } = invited.json();
    expect(url).toBe(`/invite?token=${token}`);
    const offered = await app.inject({ method: 'GET', url: `/api/v1/invitations/by-token/${token}` });
    expect(offered.json()).toMatchObject({ role: 'clerk', email: 'carl@example.com', setup: false });

    const badAccept = await app.inject({
      method: 'POST',
      url: `/api/v1/invitations/by-token/${token}/accept`,
      payload: { username: 'carl', password: 'short', role: 'admin' },
    });
    expect(badAccept.statusCode).toBe(400);
    expect(
      badAccept
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['password', 'role']);
    expect(await database().db.selectFrom('users').select('username').execute()).toHaveLength(1);

    const accepted = await app.inject({
      method: 'POST',
      url: `/api/v1/invitations/by-token/${token}/accept`,
      payload: { username: 'carl', password: 'a long clerk password' },
    });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({ user: { username: 'carl', role: 'clerk', email: 'carl@example.com' } });
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/invitations/by-token/${token}/accept`,
      payload: { username: 'carla', password: 'a long clerk password' },
    });
    expect(again.statusCode).toBe(404);

    const carl = await signInAs(app, 'carl', 'a long clerk password');
    expect((await receipt(carl.headers)).statusCode).toBe(201);
    const policy = await app.inject({
      method: 'PUT',
      url: '/api/v1/policies/BOLT/MAIN',
      headers: carl.headers,
      payload: { kind: 'reorder_point', reorder_point: 5, target: 20 },
    });
    expect(policy.statusCode).toBe(403);
    expect(policy.json().error).toMatchObject({ code: 'LS_FORBIDDEN' });
    expect(policy.json().error.message).toContain('clerk');
    expect(await database().db.selectFrom('policies').selectAll().execute()).toEqual([]);
    const users = await app.inject({ method: 'GET', url: '/api/v1/users', headers: carl.headers });
    expect(users.statusCode).toBe(403);
    expect(await audit('invitation')).toEqual(['create 1 by ann', 'accept 1 by carl']);
  });

  it('creates API tokens capped by the creator’s role, records their use and revokes them at once', async () => {
    await catalogue();
    await addUser(database(), 'ann', 'admin', now);
    await addUser(database(), 'carl', 'clerk', now);
    const ann = await signInAs(app, 'ann');
    const carl = await signInAs(app, 'carl');
    const tooHigh = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: carl.headers,
      payload: { name: 'scanner', role: 'planner' },
    });
    expect(tooHigh.statusCode).toBe(403);
    expect(tooHigh.json().error.message).toContain('role');

    const scanner = await createToken(app, carl, { name: 'scanner' });
    expect(scanner.token).toMatch(/^lst_/);
    const stored = await database().db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(scanner.token.slice(4));
    const bearer = { authorization: `Bearer ${scanner.token}` };
    const used = await receipt(bearer);
    expect(used.statusCode).toBe(201);
    expect(used.json().actor).toBe('carl');
    const listed = (await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: carl.headers })).json().data;
    expect(listed).toEqual([
      expect.objectContaining({
        name: 'scanner',
        role: 'clerk',
        username: 'carl',
        last_used_at: new Date(now).toISOString(),
      }),
    ]);
    expect(listed[0]).not.toHaveProperty('token');

    const viewer = await createToken(app, ann, { name: 'dashboard', role: 'viewer', expires_in_days: 1 });
    const read = { authorization: `Bearer ${viewer.token}` };
    expect((await app.inject({ method: 'GET', url: '/api/v1/stock', headers: read })).statusCode).toBe(200);
    expect((await receipt(read)).statusCode).toBe(403);

    const revoked = await app.inject({
      method: 'POST',
      url: `/api/v1/tokens/${scanner.id}/revoke`,
      headers: ann.headers,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).toBe(new Date(now).toISOString());
    const refused = await receipt(bearer);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toContain('revoked');
    now += 25 * HOUR;
    const expired = await app.inject({ method: 'GET', url: '/api/v1/stock', headers: read });
    expect(expired.json().error.message).toContain('expired');
    expect(await audit('api_token')).toEqual([
      `create ${scanner.id} by carl`,
      `create ${viewer.id} by ann`,
      `revoke ${scanner.id} by ann`,
    ]);
  });

  it('signs in with a TOTP code once MFA is on, refuses a replayed code, and accepts each recovery code once', async () => {
    await addUser(database(), 'ann', 'admin', now);
    const ann = await signInAs(app, 'ann');
    const setup = await app.inject({ method: 'POST', url: '/api/v1/auth/mfa/setup', headers: ann.headers });
    expect(setup.statusCode).toBe(200);
    const { secret, otpauth_url, qr_svg } = setup.json();
    expect(otpauth_url).toBe(`otpauth://totp/Leanstock:ann?secret=${secret}&issuer=Leanstock`);
    expect(qr_svg).toContain('<svg');
    const codeAt = (ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });

    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      headers: ann.headers,
      payload: { code: '000000' === (await codeAt(now)) ? '111111' : '000000' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details[0].field).toBe('code');
    const enabled = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      headers: ann.headers,
      payload: { code: await codeAt(now) },
    });
    expect(enabled.statusCode).toBe(200);
    const recovery: string[] = enabled.json().recovery_codes;
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);

    now += 60_000;
    const noCode = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ann', password: TEST_PASSWORD },
    });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error.code).toBe('LS_MFA_REQUIRED');
    const code = await codeAt(now);
    await signInAs(app, 'ann', TEST_PASSWORD, code);
    const replay = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ann', password: TEST_PASSWORD, code },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('LS_INVALID_CREDENTIALS');

    await signInAs(app, 'ann', TEST_PASSWORD, recovery[0]!.toUpperCase());
    const spent = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ann', password: TEST_PASSWORD, code: recovery[0] },
    });
    expect(spent.statusCode).toBe(401);
    expect(await audit('user')).toEqual(['create ann by test', 'mfa_enable ann by ann']);
  });

  it('keeps the last active admin, and signs a disabled user out at once', async () => {
    await addUser(database(), 'ann', 'admin', now);
    await addUser(database(), 'bob', 'planner', now);
    const ann = await signInAs(app, 'ann');
    const bob = await signInAs(app, 'bob');
    const demote = await app.inject({
      method: 'PATCH',
      url: '/api/v1/users/ann',
      headers: ann.headers,
      payload: { role: 'planner' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.details[0].field).toBe('role');
    const disable = await app.inject({
      method: 'PATCH',
      url: '/api/v1/users/bob',
      headers: ann.headers,
      payload: { active: false },
    });
    expect(disable.statusCode).toBe(200);
    expect(disable.json()).toMatchObject({ username: 'bob', active: false });
    expect((await app.inject({ method: 'GET', url: '/api/v1/stock', headers: bob.headers })).statusCode).toBe(401);
    const badRole = await app.inject({
      method: 'PATCH',
      url: '/api/v1/users/bob',
      headers: ann.headers,
      payload: { role: 'owner' },
    });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().error.message).toContain('role');
    const users = (await app.inject({ method: 'GET', url: '/api/v1/users', headers: ann.headers })).json().data;
    expect(
      users.map((u: { username: string; role: string; active: boolean }) => [u.username, u.role, u.active]),
    ).toEqual([
      ['ann', 'admin', true],
      ['bob', 'planner', false],
    ]);
    const trail = (await app.inject({ method: 'GET', url: '/api/v1/audit?entity=user', headers: ann.headers })).json();
    expect(trail.data[0]).toMatchObject({ actor: 'ann', entity: 'user', entity_key: 'bob', action: 'deactivate' });
  });
});

import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWeb, type WebFixture } from './support/web.js';

const SHOTS = '/tmp/shots';
const PHONE = { width: 375, height: 740 };
const DESK = { width: 1280, height: 860 };
const ADMIN = { username: 'ada', name: 'Ada Admin', password: 'correct horse battery' };
const CLERK = { username: 'carl', name: 'Carl Clerk', password: 'stockroom-2026!' };
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The browser's note of an answer with one of the refusal statuses the story expects, and nothing else. */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/^Failed to load resource: the server responded with a status of 40[013] /.test(p));

/**
 * Issue 8's story through the browser on a real server: the first admin, an invited clerk who may record but not
 * plan, an API token that works until it is revoked, and two-step sign-in with a code and with a recovery code.
 */
describe('web app: users, sign-in, roles, API tokens and two-step sign-in', () => {
  let web: WebFixture;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWeb();
    // Stock to work with, set up while Leanstock has no users and answers anyone on this computer.
    await web.api('POST', '/locations', { code: 'MAIN', name: 'Main store' });
    await web.api('POST', '/items', { sku: 'BOLT-M8', name: 'Hex bolt M8', unit: 'pcs' });
    await web.api('POST', '/movements', { type: 'receipt', sku: 'BOLT-M8', location: 'MAIN', quantity: 100 });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await web?.close();
  });

  /** A browser of its own (cookies apart from the others'), recording console errors. */
  const browser = async (viewport = DESK) => {
    const context = await web.browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { page, problems };
  };
  const go = (page: Page, path: string) => page.goto(`${web.server.url}${path}`);
  const bearer = (token: string | undefined, method = 'GET', path = '/stock?sku=BOLT-M8', body?: unknown) =>
    fetch(`${web.server.url}/api/v1${path}`, {
      method,
      headers: {
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const shoot = async (page: Page, name: string) => {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const axe = async (page: Page) => {
    await page.evaluate(axeSource);
    const violations = (await page.evaluate(
      "axe.run(document.getElementById('root'), { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))",
    )) as string[];
    return violations;
  };
  const signIn = async (page: Page, who: { username: string; password: string }) => {
    await page.getByLabel('User name').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const signOut = async (page: Page) => {
    await page.getByRole('button', { name: /account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  };

  let admin: { page: Page; problems: string[] };

  let spareAdminLink = '';

  it('creates the first admin through the set-up link serve printed; from then on everyone signs in', async () => {
    admin = await browser();
    const { page } = admin;
    await go(page, '/');
    // Without users, a discreet note offers the set-up; this computer may also make an admin link itself.
    const banner = page.getByRole('note').filter({ hasText: 'No users yet' });
    await banner.getByRole('link', { name: 'Create the first admin' }).click();
    await page.getByText('bin/leanstock user add NAME --admin').waitFor();
    await page.getByRole('button', { name: 'Create the first admin here' }).click();
    await page.getByRole('heading', { name: 'Set up Leanstock' }).waitFor();
    spareAdminLink = page.url();
    expect(spareAdminLink).toMatch(/\/setup\?token=/);

    expect(web.server.setupUrl).toMatch(/\/setup\?token=/);
    await page.goto(web.server.setupUrl!);
    await page.getByRole('heading', { name: 'Set up Leanstock' }).waitFor();
    await page.getByText('Role: Admin').waitFor();
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Full name (optional)').fill(ADMIN.name);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Password again').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator and sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('button', { name: /Ada Admin, account menu/ }).waitFor();
    await expect(page.getByText('No users yet').count()).resolves.toBe(0);

    // Nobody else gets in without signing in now, and a write from this page without its CSRF header is refused.
    expect((await bearer(undefined)).status).toBe(401);
    const forged = await page.evaluate(async () => {
      const response = await fetch('/api/v1/locations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'FORGED', name: 'Forged' }),
      });
      return { status: response.status, body: await response.json() };
    });
    expect(forged).toMatchObject({ status: 403, body: { error: { code: 'LS_CSRF' } } });
  });

  it('invites a clerk, who joins on a phone, records a movement and is refused changing a policy', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Users', exact: true }).first().click();
    await page.getByRole('link', { name: 'Invite someone' }).click();
    await page.getByLabel('Role').selectOption('clerk');
    await page.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await page.getByLabel('Invitation link (Clerk)').inputValue();
    expect(link).toMatch(new RegExp(`^${web.server.url}/invite\\?token=`));
    const open = page.getByRole('table', { name: 'Open invitations' });
    await open.getByText('Clerk').waitFor();
    await shoot(page, 'invitation-created-desktop');
    // The spare admin link made before the first admin existed was withdrawn when the first admin joined: it is not
    // open, and it stops working.
    await expect.poll(() => open.getByRole('row').filter({ hasText: 'Admin' }).count()).toBe(0);

    const clerk = await browser(PHONE);
    await clerk.page.goto(spareAdminLink);
    await clerk.page.getByRole('heading', { name: 'This link does not work any more' }).waitFor();
    await clerk.page.goto(link);
    await clerk.page.getByRole('heading', { name: 'Join Leanstock' }).waitFor();
    await clerk.page.getByText('Role: Clerk').waitFor();
    await clerk.page.getByLabel('User name').fill(CLERK.username);
    await clerk.page.getByLabel('Full name (optional)').fill(CLERK.name);
    await clerk.page.getByLabel('Password', { exact: true }).fill(CLERK.password);
    await clerk.page.getByLabel('Password again').fill('something else');
    await clerk.page.getByRole('button', { name: 'Create user and sign in' }).click();
    await clerk.page.getByText('The two passwords differ').waitFor();
    await clerk.page.getByLabel('Password again').fill(CLERK.password);
    await clerk.page.getByRole('button', { name: 'Create user and sign in' }).click();
    await clerk.page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // A clerk's menu offers recording, not importing or user administration.
    await clerk.page.getByRole('button', { name: 'Menu', exact: true }).click();
    const nav = clerk.page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Record movement' }).waitFor();
    await expect(nav.getByRole('link', { name: 'Import' }).count()).resolves.toBe(0);
    await expect(nav.getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);

    await go(clerk.page, '/movements/new?type=issue&sku=BOLT-M8&location=MAIN');
    await clerk.page.getByText('On hand at MAIN:').waitFor();
    const quantity = clerk.page.getByLabel(/^Quantity to issue/);
    await quantity.fill('12');
    await quantity.press('Enter');
    await clerk.page
      .getByRole('status')
      .getByText(/On hand there is now/)
      .waitFor();

    await go(clerk.page, '/items/BOLT-M8');
    await clerk.page.getByLabel('Location', { exact: true }).selectOption('MAIN');
    const policy = clerk.page.getByRole('form', { name: 'Policy at MAIN' });
    await policy.getByLabel('Reorder point').fill('30');
    await policy.getByLabel('Target (order up to)').fill('150');
    await policy.getByRole('button', { name: 'Set policy' }).click();
    const refusal = policy.getByRole('alert');
    await refusal.waitFor();
    await refusal.scrollIntoViewIfNeeded();
    await clerk.page.screenshot({ path: join(SHOTS, 'policy-refused-phone.png') });
    expect(await refusal.textContent()).toMatch(/Your role \(clerk\) may not do this/);
    // No plan has run, so the item page's recommendation answers 404 (and says so); nothing else went wrong.
    expect(unexpected(clerk.problems).filter((p) => !p.includes('status of 404'))).toEqual([]);

    // The admin sees the clerk's user, the movement under the clerk's name, and still no policy.
    await go(page, '/users');
    const row = page.getByRole('row').filter({ hasText: CLERK.username });
    await expect(row.getByRole('combobox', { name: `Role of ${CLERK.username}` }).inputValue()).resolves.toBe('clerk');
    const read = (path: string) => page.evaluate((p) => fetch(`/api/v1${p}`).then((r) => r.json()), path);
    const movements = (await read('/movements?sku=BOLT-M8&type=issue')) as { data: Array<{ actor: string }> };
    expect(movements.data.map((m) => m.actor)).toEqual([CLERK.username]);
    expect(await read('/policies?sku=BOLT-M8')).toMatchObject({ data: [] });
  });

  it('creates an API token that works as a bearer until it is revoked', async () => {
    const { page } = admin;
    await go(page, '/account');
    const form = page.getByRole('form', { name: 'New API token' });
    await form.getByLabel('Token name').fill('Shelf scanner');
    await form.getByLabel('Role').selectOption('clerk');
    await form.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByLabel('New token “Shelf scanner”').inputValue();
    expect(token).toMatch(/^lst_/);

    expect((await bearer(token)).status).toBe(200);
    const posted = await bearer(token, 'POST', '/movements', {
      type: 'issue',
      sku: 'BOLT-M8',
      location: 'MAIN',
      quantity: 1,
    });
    expect(posted.status).toBe(201);
    // The token has a clerk's role although its owner is an admin.
    const refused = await bearer(token, 'PUT', '/policies/BOLT-M8/MAIN', { kind: 'manual' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('LS_FORBIDDEN');

    await page.getByRole('button', { name: 'Done' }).click();
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'Shelf scanner' });
    await expect(row.getByRole('cell').nth(2).textContent()).resolves.not.toBe('never');
    await row.getByRole('button', { name: 'Revoke…' }).click();
    await row.getByRole('button', { name: 'Revoke Shelf scanner' }).click();
    await row.getByText('Revoked').waitFor();
    expect((await bearer(token)).status).toBe(401);
  });

  it('turns on two-step sign-in, then signs in with a code and with a recovery code', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    await expect(
      qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).resolves.toBeGreaterThan(0);
    await shoot(page, 'account-mfa-setup-desktop');
    const secret = ((await page.locator('.mfa-secret code').textContent()) ?? '').replaceAll(' ', '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByLabel('Code the app shows').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.locator('.field-error').first().waitFor();
    await page.getByLabel('Code the app shows').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
    const codes = (await page.getByRole('list', { name: 'Recovery codes' }).locator('code').allTextContents()).map(
      (c) => c.trim(),
    );
    expect(codes).toHaveLength(10);
    await shoot(page, 'account-recovery-codes-desktop');
    await page.getByRole('button', { name: 'I have saved them' }).click();

    // Signed out, a page sends to sign-in and back; the password alone is not enough.
    await signOut(page);
    await go(page, '/users?tab=activity');
    await page.waitForURL(/\/login\?next=%2Fusers%3Ftab%3Dactivity$/);
    await signIn(page, ADMIN);
    const code = page.getByLabel('Code');
    await code.waitFor();
    await shoot(page, 'login-code-desktop');
    // The code of the step the set-up used is spent; the phone shows the next one half a minute later.
    await code.fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('table', { name: /Recent activity/ }).waitFor();
    await shoot(page, 'users-activity-desktop');
    expect(new URL(page.url()).search).toBe('?tab=activity');

    await signOut(page);
    await signIn(page, ADMIN);
    await page.getByLabel('Code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // A recovery code works once.
    await signOut(page);
    await signIn(page, ADMIN);
    await page.getByLabel('Code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('.field-error').first().waitFor();
    await shoot(page, 'login-code-refused-desktop');
    await page.getByLabel('Code').fill(codes[1]!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(unexpected(admin.problems)).toEqual([]);
  });

  it('shows sign-in, account and users pages that read well on a desk and on a phone', async () => {
    const found: string[] = [];
    for (const [name, viewport] of [
      ['desktop', DESK],
      ['phone', PHONE],
    ] as const) {
      const visitor = await browser(viewport);
      await go(visitor.page, '/login');
      await visitor.page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await shoot(visitor.page, `login-${name}`);
      found.push(...(await axe(visitor.page)).map((v) => `/login @${name}: ${v}`));
      await signIn(visitor.page, CLERK);
      await visitor.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await go(visitor.page, '/account');
      await visitor.page.getByRole('heading', { name: 'Your account' }).waitFor();
      await shoot(visitor.page, `account-${name}`);
      found.push(...(await axe(visitor.page)).map((v) => `/account @${name}: ${v}`));
      // Admin pages, from the admin's browser at this width.
      await admin.page.setViewportSize(viewport);
      await go(admin.page, '/users');
      await admin.page.getByRole('row').filter({ hasText: CLERK.username }).waitFor();
      await shoot(admin.page, `users-${name}`);
      found.push(...(await axe(admin.page)).map((v) => `/users @${name}: ${v}`));
      await go(admin.page, '/users?tab=invitations');
      await admin.page.getByRole('heading', { name: 'Open invitations' }).waitFor();
      await shoot(admin.page, `invitations-${name}`);
    }
    expect(found).toEqual([]);
  });
});

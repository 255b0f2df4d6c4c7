import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, startWeb, type WebFixture } from './support/web.js';

/** The web app's dashboard on a small demo, in Debian's Chromium on a desk and on a phone. */
describe('web app: dashboard', () => {
  let web: WebFixture;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWeb({ demo: { itemCount: 40, days: 90 } });
  });

  afterAll(async () => {
    await web?.close();
  });

  it('shows the figures and what needs action, with the drafted orders linked', async () => {
    const { page, problems } = await web.open('/');
    await page.getByText('Cash in stock', { exact: true }).first().waitFor();
    await expect(page.title()).resolves.toBe('Dashboard · Leanstock');
    for (const heading of ['Drafted orders to review', 'Late purchase orders', 'Stock-outs', 'Below reorder point']) {
      await page.getByRole('heading', { name: new RegExp(heading) }).waitFor();
    }
    const drafts = (await web.api('GET', '/purchase-orders?status=draft')) as { data: Array<{ number: string }> };
    expect(drafts.data.length).toBeGreaterThan(0);
    await page.getByRole('link', { name: drafts.data[0]!.number }).waitFor();
    await page.getByText('Cash in stock by site').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('is usable at 375 px: the menu opens from the keyboard and the skip link reaches the content', async () => {
    const { page, problems } = await web.open('/', { width: 375, height: 740 });
    await page.getByText('Cash in stock', { exact: true }).first().waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Skip to content');
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.focus();
    await page.keyboard.press('Enter');
    expect(await nav.isVisible()).toBe(true);
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('answers a deep link with the app and an unknown API path with a JSON 404', async () => {
    const { page } = await web.open('/no/such/page');
    await page.getByText('There is no page here.').waitFor();
    const api = await fetch(`${web.server.url}/api/v1/no-such-thing`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('LS_NOT_FOUND');
    const asset = await fetch(`${web.server.url}/`, { headers: { accept: 'text/html' } });
    expect(asset.headers.get('cache-control')).toBe('no-cache');
    expect(await asset.text()).toContain('<div id="root"></div>');
  });
});

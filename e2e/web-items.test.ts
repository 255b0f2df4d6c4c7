import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, startWeb, type WebFixture } from './support/web.js';

type Item = { sku: string; name: string };
type Policy = { sku: string; location: string; kind: string; reorder_point: number; target: number; planning: string };

/** The items list and the item page on a small demo, in Debian's Chromium on a desk and on a phone. */
describe('web app: items', () => {
  let web: WebFixture;
  let items: Item[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWeb({ demo: { itemCount: 40, days: 90 } });
    // The demo writes policies but no recommendations; the plan gives the item page its explanation.
    await web.api('POST', '/plan', {});
    items = ((await web.api('GET', '/items?limit=1000')) as { data: Item[] }).data;
  });

  afterAll(async () => {
    await web?.close();
  });

  it('narrows the list as one types, then opens an item from the keyboard with its balances and chart', async () => {
    const { page, problems } = await web.open('/items');
    const rows = page.locator('main table tbody tr');
    await rows.nth(items.length - 1).waitFor();
    expect(await rows.count()).toBe(items.length);
    await page.locator('main table tbody tr:last-child .chip').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'items.png'), fullPage: true });

    const wanted = items[7]!;
    const expected = items.filter((i) => `${i.sku} ${i.name}`.toLowerCase().includes(wanted.sku.toLowerCase()));
    await page.getByLabel('Search').fill(wanted.sku);
    await expect.poll(() => rows.count()).toBe(expected.length);
    expect(expected.length).toBeLessThan(items.length);
    expect(new URL(page.url()).searchParams.get('q')).toBe(wanted.sku);

    const link = page.getByRole('link', { name: wanted.sku, exact: true });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/items/${encodeURIComponent(wanted.sku)}`);
    await page.getByRole('heading', { level: 1, name: wanted.name }).waitFor();
    await expect(page.title()).resolves.toBe(`${wanted.sku} ${wanted.name} · Leanstock`);

    const balances = (await web.api('GET', `/stock?sku=${encodeURIComponent(wanted.sku)}`)) as {
      data: Array<{ location: string }>;
    };
    expect(balances.data.length).toBeGreaterThan(0);
    for (const balance of balances.data) {
      await page.getByRole('link', { name: balance.location, exact: true }).waitFor();
    }
    await page.locator('figure.chart svg path[stroke="#1f4e79"]').waitFor();
    await page.getByRole('heading', { name: 'Sources' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'item.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('refuses a bad policy at the field and changes nothing, then saves a good one; pins from the plan', async () => {
    const policies = (await web.api('GET', '/policies?kind=reorder_point&limit=1')) as { data: Policy[] };
    const policy = policies.data[0]!;
    const pair = `${encodeURIComponent(policy.sku)}/${encodeURIComponent(policy.location)}`;
    const { page, problems } = await web.open(`/items/${pair.replace('/', '?location=')}`);
    const form = page.getByRole('form', { name: `Policy at ${policy.location}` });
    const reorderPoint = form.getByLabel('Reorder point');
    const target = form.getByLabel('Target (order up to)');
    await expect(reorderPoint.inputValue()).resolves.toBe(String(policy.reorder_point));

    await reorderPoint.fill(String(policy.target + 100));
    await form.getByRole('button', { name: 'Save policy' }).click();
    const error = form.locator('.field.has-error', { has: page.getByText('Reorder point', { exact: true }) });
    await error.getByText(/must not exceed target/).waitFor();
    await expect(reorderPoint.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(reorderPoint.inputValue()).resolves.toBe(String(policy.target + 100));
    const unchanged = (await web.api('GET', `/policies/${pair}`)) as unknown as Policy;
    expect([unchanged.reorder_point, unchanged.target]).toEqual([policy.reorder_point, policy.target]);

    await reorderPoint.fill('7');
    await target.fill('77');
    await form.getByLabel('Planning').selectOption('override');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await form
      .getByRole('status')
      .getByText(/Saved at/)
      .waitFor();
    const saved = (await web.api('GET', `/policies/${pair}`)) as unknown as Policy;
    expect([saved.kind, saved.reorder_point, saved.target, saved.planning]).toEqual([
      'reorder_point',
      7,
      77,
      'override',
    ]);

    await page.getByRole('heading', { name: 'How it was computed' }).waitFor();
    await page.getByRole('cell', { name: 'Safety stock', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Pin', exact: true }).click();
    await page.getByText(/^Pinned:/).waitFor();
    const pinned = (await web.api('GET', `/policies/${pair}`)) as unknown as Policy;
    expect([pinned.planning, pinned.reorder_point]).toEqual(['pinned', 7]);
    await page.screenshot({ path: join(SCREENSHOTS, 'item-policy.png'), fullPage: true });
    // Chromium logs the refused PUT itself; that one is expected, nothing else is.
    expect(problems).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  it('pages through a long list with "load more", 50 items at a time', async () => {
    for (let n = 0; n < 15; n++) {
      await web.api('POST', '/items', {
        sku: `ZZ-NEW-${String(n).padStart(2, '0')}`,
        name: `New widget ${n}`,
        unit: 'pcs',
      });
    }
    const { page, problems } = await web.open('/items');
    const rows = page.locator('main table tbody tr');
    await rows.nth(49).waitFor();
    expect(await rows.count()).toBe(50);
    const more = page.getByRole('button', { name: 'Load 50 more' });
    await more.focus();
    await page.keyboard.press('Enter');
    await rows.nth(items.length + 14).waitFor();
    expect(await rows.count()).toBe(items.length + 15);
    expect(await more.count()).toBe(0);
    await page.locator('main table tbody tr:last-child').getByText('stock-out').waitFor();
    expect(problems).toEqual([]);
  });

  it('is usable at 375 px: the list and the item page fit the width', async () => {
    const phone = { width: 375, height: 740 };
    const list = await web.open('/items?status=in_stock', phone);
    await list.page.locator('main table tbody tr').first().waitFor();
    await expect(list.page.getByLabel('Status').inputValue()).resolves.toBe('in_stock');
    await expect(list.page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(375);
    await list.page.screenshot({ path: join(SCREENSHOTS, 'items-phone.png'), fullPage: true });

    const item = await web.open(`/items/${encodeURIComponent(items[0]!.sku)}`, phone);
    await item.page.getByRole('heading', { level: 1, name: items[0]!.name }).waitFor();
    await item.page.locator('figure.chart svg').waitFor();
    await item.page.getByRole('heading', { name: 'Sources' }).waitFor();
    await expect(item.page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(375);
    await item.page.screenshot({ path: join(SCREENSHOTS, 'item-phone.png'), fullPage: true });
    expect([...list.problems, ...item.problems]).toEqual([]);
  });
});

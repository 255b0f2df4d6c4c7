import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/api/server.js';

/**
 * A phone scans a kanban card: a real server on a temporary SQLite file, Debian's Chromium at a
 * 375 × 740 viewport, the card page opened, the button pressed from the keyboard, the order checked
 * through the API. The screenshot lands in /tmp/kanban-phone.png for a person to look at.
 */
describe('kanban card page on a phone', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-e2e-kanban-'));
    server = await startServer({
      config: { dialect: 'sqlite', path: join(dir, 'e2e.db') },
      host: '127.0.0.1',
      port: 0,
      logLevel: 'warn',
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  async function openPhone(url: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) problems.push(`external request ${request.url()}`);
    });
    await page.goto(url);
    return { page, problems };
  }

  it('shows the card, orders one container when the button is pressed, and says so', async () => {
    await api('POST', '/items', { sku: 'BOLT-M8', name: 'Hex bolt M8 × 40, zinc plated', unit: 'pcs' });
    await api('POST', '/locations', { code: 'WS', name: 'Workshop' });
    await api('POST', '/suppliers', { code: 'ACME', name: 'Acme Industrial' });
    await api('POST', '/items/BOLT-M8/sources', { supplier: 'ACME', unit_price: 0.12, rank: 1 });
    await api('PUT', '/policies/BOLT-M8/WS', { kind: 'kanban', cards: 3, container_quantity: 50, supplier: 'ACME' });
    const loops = (await api('GET', '/kanban/loops?sku=BOLT-M8')) as { data: Array<{ cards: Array<{ id: string }> }> };
    const cardId = loops.data[0]!.cards[1]!.id;

    const { page, problems } = await openPhone(`${server.url}/kanban/cards/${cardId}`);
    await expect.poll(() => page.title()).toContain('Card 2 of 3');
    const main = page.locator('main');
    await expect.poll(() => main.textContent()).toContain('BOLT-M8');
    const text = await main.textContent();
    for (const shown of [
      'Hex bolt M8 × 40, zinc plated',
      'WS — Workshop',
      '50 pcs',
      'ACME (Acme Industrial)',
      'Full',
    ]) {
      expect(text).toContain(shown);
    }

    // The button is focused on arrival, a large touch target, and the page does not scroll sideways.
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('signal');
    const box = (await page.locator('#signal').boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(64);
    expect(box.width).toBeGreaterThanOrEqual(330);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    // Browser-side code as text: this project compiles without the DOM library.
    const outline = await page.evaluate<string>("getComputedStyle(document.getElementById('signal')).outlineStyle");
    expect(outline).toBe('solid');

    await page.screenshot({ path: '/tmp/kanban-phone-before.png', fullPage: true });

    await page.keyboard.press('Enter');
    const result = page.locator('#result');
    await expect.poll(() => result.textContent()).toContain('PO-000001');
    expect(await result.textContent()).toBe('Ordered 1 × 50 pcs on PO-000001 from ACME');
    expect(await page.locator('#state').textContent()).toBe('Ordered');
    // The answer takes the button's place: there is nothing more to press on this card.
    expect(await page.locator('#signal').isVisible()).toBe(false);
    await page.screenshot({ path: '/tmp/kanban-phone.png', fullPage: true });

    const drafts = (await api('GET', '/purchase-orders?status=draft')) as {
      data: Array<{ supplier: string; lines: Array<{ sku: string; location: string; quantity: number }> }>;
    };
    expect(drafts.data).toEqual([
      expect.objectContaining({
        supplier: 'ACME',
        lines: [expect.objectContaining({ sku: 'BOLT-M8', location: 'WS', quantity: 50 })],
      }),
    ]);

    // Scanned again: the page says it is on the order already, and pressing orders nothing more.
    await page.reload();
    await expect.poll(() => main.textContent()).toContain('Already signalled — on PO-000001');
    await page.locator('#signal').click();
    await expect.poll(() => result.textContent()).toBe('Already signalled — on PO-000001');
    await page.screenshot({ path: '/tmp/kanban-phone-again.png', fullPage: true });
    const after = (await api('GET', '/purchase-orders?status=draft')) as typeof drafts;
    expect(after.data[0]!.lines).toEqual([expect.objectContaining({ quantity: 50 })]);
    expect(problems).toEqual([]);
  });

  it('shows the reason when the server refuses the signal, and offers the button again', async () => {
    const loops = (await api('GET', '/kanban/loops?sku=BOLT-M8')) as { data: Array<{ cards: Array<{ id: string }> }> };
    const { page } = await openPhone(`${server.url}/kanban/cards/${loops.data[0]!.cards[2]!.id}`);
    await expect.poll(() => page.locator('#signal').isVisible()).toBe(true);
    // Card 3 is retired while the page is open.
    await api('PUT', '/policies/BOLT-M8/WS', { kind: 'kanban', cards: 2, container_quantity: 50, supplier: 'ACME' });
    await page.locator('#signal').click();
    const result = page.locator('#result');
    await expect.poll(() => result.textContent()).toContain('retired');
    expect(await result.textContent()).toBe(
      'Card 3 was retired from the loop of BOLT-M8 at WS; take it out of circulation.',
    );
    expect(await result.getAttribute('class')).toBe('result result-error');
    expect(await page.locator('#signal').textContent()).toBe('Container empty\u00a0— order one');
    expect(await page.locator('#signal').isEnabled()).toBe(true);
    await page.screenshot({ path: '/tmp/kanban-phone-error.png', fullPage: true });
  });

  it('answers an unknown card with a friendly page', async () => {
    const { page } = await openPhone(`${server.url}/kanban/cards/K0000000000`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Card not found');
    expect(await page.locator('main').textContent()).toContain('K0000000000');
    await page.screenshot({ path: '/tmp/kanban-phone-404.png', fullPage: true });
  });
});

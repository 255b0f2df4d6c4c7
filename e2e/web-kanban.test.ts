import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, startWeb, type WebFixture } from './support/web.js';

type Card = {
  id: string;
  number: number;
  state: string;
  purchase_order: string | null;
  purchase_order_id: number | null;
};
type Loop = { id: number; sku: string; location: string; unit: string; container_quantity: number; cards: Card[] };
type Order = {
  number: string;
  supplier: string;
  lines: Array<{ sku: string; location: string; quantity: number; origin: string }>;
};
type Scorecard = { histogram: Array<{ lines: number }>; monthly: Array<{ lines: number }>; lines: number };

const PHONE = { width: 375, height: 740 };

/** Kanban loops, the scan page and the supplier scorecards on a small demo, in Debian's Chromium. */
describe('web app: kanban and suppliers', () => {
  let web: WebFixture;
  let loops: Loop[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWeb({ demo: { itemCount: 40, days: 90 } });
    loops = ((await web.api('GET', '/kanban/loops')) as { data: Loop[] }).data;
  });

  afterAll(async () => {
    await web?.close();
  });

  it('lists every loop with its cards by state, and a loop page prints its label sheet', async () => {
    expect(loops.length).toBeGreaterThan(0);
    const { page, problems } = await web.open('/kanban');
    const loop = loops[0]!;
    const link = page.getByRole('link', { name: `${loop.sku} at ${loop.location}` });
    await link.waitFor();
    await expect(page.title()).resolves.toBe('Kanban · Leanstock');
    await expect(page.locator('.kb-loop').count()).resolves.toBe(loops.length);
    const first = page.locator('.kb-loop').first();
    for (const card of loop.cards) {
      const label = { full: 'Full', empty: 'Empty, not ordered', ordered: 'Ordered', in_transit: 'In transit' }[
        card.state
      ];
      await first.getByText(`Card ${card.number}: ${label}`, { exact: true }).waitFor({ state: 'attached' });
    }
    const full = loop.cards.filter((c) => c.state === 'full').length;
    await first.getByText(`${full} full`, { exact: true }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'kanban.png'), fullPage: true });

    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `${loop.sku} at ${loop.location}`, level: 1 }).waitFor();
    expect(page.url()).toBe(`${web.server.url}/kanban/loops/${loop.id}`);
    const print = page.getByRole('link', { name: 'Print labels (PDF)' });
    const href = await print.getAttribute('href');
    expect(href).toBe(`/api/v1/kanban/loops/${loop.id}/labels.pdf`);
    const pdf = await fetch(`${web.server.url}${href}`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    await expect(page.locator('tbody tr').count()).resolves.toBe(loop.cards.length);
    await page.getByText(`${loop.cards.length} of ${loop.cards.length}`, { exact: true }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'kanban-loop.png'), fullPage: true });
    expect(problems).toEqual([]);

    const phone = await web.open('/kanban', PHONE);
    await phone.page.getByRole('link', { name: `${loop.sku} at ${loop.location}` }).waitFor();
    await expect(phone.page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(PHONE.width);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'kanban-phone.png'), fullPage: true });
    expect(phone.problems).toEqual([]);
  });

  it('scans a card at 375 px by typing its URL: a full card is signalled, ordered once, and the page says so', async () => {
    const loop = loops.find((l) => l.cards.some((c) => c.state === 'full'))!;
    const card = loop.cards.find((c) => c.state === 'full')!;
    const { page, problems } = await web.open('/kanban/scan', PHONE);
    const input = page.getByLabel('Card id or URL');
    await input.waitFor();
    const hasDetector = await page.evaluate('"BarcodeDetector" in window');
    if (!hasDetector) await page.getByText('This browser cannot read QR codes by itself.', { exact: false }).waitFor();

    // An unknown card is refused at the field, and nothing is ordered.
    await input.click();
    await page.keyboard.type('KZZZZZZZZZZ');
    await page.keyboard.press('Enter');
    await page.getByText('No kanban card "KZZZZZZZZZZ": check the whole id.').waitFor();
    await expect(input.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(input.inputValue()).resolves.toBe('KZZZZZZZZZZ');
    await expect(web.api('GET', '/kanban/loops')).resolves.toEqual({ data: loops, next_cursor: null });

    // The card's URL, as its QR code holds it, pasted in lower case.
    await input.fill('');
    await page.keyboard.type(`${web.server.url}/kanban/cards/${card.id.toLowerCase()}`);
    await page.keyboard.press('Enter');
    await page.getByText(`${card.number} of ${loop.cards.length}`, { exact: false }).waitFor();
    const button = page.getByRole('button', { name: 'Container empty — order one' });
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Container empty — order one');
    await page.keyboard.press('Enter');
    const answer = page.getByRole('status').filter({ hasText: 'Ordered' });
    await answer.waitFor();
    const signalled = (await web.api('GET', `/kanban/cards/${card.id}`)) as Card;
    expect(signalled.state).toBe('ordered');
    const order = (await web.api('GET', `/purchase-orders/${signalled.purchase_order_id}`)) as Order;
    const line = order.lines.find((l) => l.sku === loop.sku && l.location === loop.location)!;
    expect(line.origin).toBe('kanban');
    expect(line.quantity).toBeGreaterThanOrEqual(loop.container_quantity);
    expect(line.quantity % loop.container_quantity).toBe(0);
    await expect(answer.textContent()).resolves.toContain(
      `Ordered 1 × ${loop.container_quantity} ${loop.unit} of ${loop.sku} on ${order.number} from ${order.supplier}`,
    );
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(SCREENSHOTS, 'kanban-scan-phone.png'), fullPage: true });

    // Scanning it again orders nothing more.
    await page.getByRole('button', { name: 'Scan the next card' }).click();
    await input.waitFor();
    const inputId = await input.getAttribute('id');
    // The page moves the focus after it renders: wait for it rather than read it at once.
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe(inputId);
    await page.keyboard.type(card.id);
    await page.keyboard.press('Enter');
    await button.waitFor();
    await button.click();
    await page.getByText(`Already signalled — on ${order.number}. Nothing more was ordered.`).waitFor();
    const again = (await web.api('GET', `/purchase-orders/${signalled.purchase_order_id}`)) as Order;
    expect(again.lines.find((l) => l.sku === loop.sku && l.location === loop.location)!.quantity).toBe(line.quantity);
    // The browser logs the refused lookup of the unknown card; nothing else went wrong.
    expect(problems).toEqual(['Failed to load resource: the server responded with a status of 404 (Not Found)']);
  });

  it('lists suppliers with OTIF and lead time, and a supplier page draws its histogram and monthly trend', async () => {
    const metrics = (await web.api('GET', '/metrics')) as { suppliers: Array<{ supplier: string; lines: number }> };
    const busiest = [...metrics.suppliers].sort((a, b) => b.lines - a.lines)[0]!.supplier;
    const scorecard = (await web.api('GET', `/suppliers/${busiest}/scorecard`)) as unknown as Scorecard;
    expect(scorecard.lines).toBeGreaterThan(0);
    const suppliers = (await web.api('GET', '/suppliers?limit=1000')) as { data: Array<{ code: string }> };

    const { page, problems } = await web.open('/suppliers');
    await page.getByRole('link', { name: busiest, exact: true }).waitFor();
    await expect(page.locator('tbody tr').count()).resolves.toBe(suppliers.data.length);
    await page.getByRole('heading', { name: 'OTIF by supplier, worst first' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'suppliers.png'), fullPage: true });

    await page.getByRole('link', { name: busiest, exact: true }).click();
    await page.getByRole('heading', { name: 'Lead-time histogram' }).waitFor();
    expect(page.url()).toBe(`${web.server.url}/suppliers/${busiest}`);
    const histogram = page.getByRole('img', { name: /^Lead-time histogram:/ });
    await expect(histogram.locator('rect.hist-bar').count()).resolves.toBe(
      scorecard.histogram.filter((b) => b.lines > 0).length,
    );
    const otifTrend = page.getByRole('img', { name: 'OTIF, on time and in full by month' });
    await expect(otifTrend.locator('path').first().getAttribute('d')).resolves.toMatch(/^M[\d.]+,[\d.]+/);
    await page.getByRole('img', { name: 'Mean lead time by month against the quoted lead time' }).waitFor();
    await page.getByRole('heading', { name: 'Items from this supplier' }).waitFor();
    const sources = (await web.api('GET', `/suppliers/${busiest}/items`)) as { data: Array<{ sku: string }> };
    await page.getByRole('link', { name: sources.data[0]!.sku, exact: true }).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'supplier.png'), fullPage: true });

    const phone = await web.open(`/suppliers/${busiest}`, PHONE);
    await phone.page.getByRole('img', { name: /^Lead-time histogram:/ }).waitFor();
    await phone.page.getByRole('img', { name: 'OTIF, on time and in full by month' }).waitFor();
    const width = await phone.page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'supplier-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(phone.problems).toEqual([]);
  });
});

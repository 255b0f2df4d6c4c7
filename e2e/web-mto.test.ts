import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, startWeb, type WebFixture } from './support/web.js';

const PHONE = { width: 375, height: 740 };
const BAD_REQUEST = 'Failed to load resource: the server responded with a status of 400 (Bad Request)';

type Supply = { kind: string; number: string; sku: string; quantity: number; release_date: string; due_date: string };
type Order = {
  number: string;
  status: string;
  requested_date: string;
  promised_date: string | null;
  lines: Array<{ line_no: number; sku: string; quantity: number; allocated: number; backordered: number }>;
  supplies: Supply[];
  pegging: Array<{ level: number; sku: string }>;
};

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Make to order on a fresh database: the catalogue and a two-level bill of materials set up through the API, then a
 * customer order taken and confirmed in the browser, its promised date and what it set in motion, and the production
 * order it planned.
 */
describe('web app: make-to-order pages on a fresh database', () => {
  let web: WebFixture;
  const requested = isoDay(30);

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWeb();
    await web.api('POST', '/locations', { code: 'MAIN', name: 'Main workshop', time_zone: 'UTC' });
    await web.api('POST', '/suppliers', { code: 'WOODCO', name: 'Wood Co', lead_time_days: 6 });
    const items: Array<[string, string]> = [
      ['CHAIR', 'Oak chair'],
      ['FRAME', 'Chair frame'],
      ['SEAT', 'Upholstered seat'],
      ['LEG', 'Oak leg'],
      ['SCREW', 'Wood screw 4 × 40'],
    ];
    for (const [sku, name] of items) await web.api('POST', '/items', { sku, name, unit: 'pcs', unit_cost: 1 });
    for (const sku of ['SEAT', 'LEG', 'SCREW']) {
      await web.api('POST', `/items/${sku}/sources`, { supplier: 'WOODCO', unit_price: 0.5, lead_time_days: 6 });
    }
    // Level 1: a frame is four legs and eight screws (5 % of screws are lost); level 0: a chair is a frame and a seat.
    await web.api('POST', '/boms', {
      sku: 'FRAME',
      lead_time_days: 2,
      lines: [
        { sku: 'LEG', quantity_per: 4 },
        { sku: 'SCREW', quantity_per: 8, scrap_factor: 0.05 },
      ],
    });
    await web.api('POST', '/boms', {
      sku: 'CHAIR',
      lead_time_days: 3,
      lines: [
        { sku: 'FRAME', quantity_per: 1 },
        { sku: 'SEAT', quantity_per: 1 },
      ],
    });
    await web.api('POST', '/customers', { code: 'CAFE', name: 'Corner Café' });
  });

  afterAll(async () => {
    await web?.close();
  });

  const noSideways = async (page: Page) =>
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);

  it('takes an order in the browser: a bad quantity refused at its field, then confirmed with a promised date', async () => {
    const { page, problems } = await web.open('/customer-orders');
    await page.getByText('No customer orders yet.').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-orders-empty.png'), fullPage: true });
    await page.getByRole('link', { name: 'New order', exact: true }).click();
    await page.getByRole('heading', { name: 'New customer order' }).waitFor();

    await page.getByLabel('Customer', { exact: true }).fill('CAFE');
    await page
      .getByRole('form', { name: 'New customer order' })
      .getByLabel('Requested date (optional)')
      .first()
      .fill(requested);
    const line = page.getByRole('group', { name: 'Line 1' });
    await line.getByLabel('SKU').fill('CHAIR');
    await line.locator('.field-hint', { hasText: 'Oak chair' }).waitFor();
    await line.getByLabel('Location').selectOption('MAIN');
    const quantity = line.getByLabel('Quantity');
    await quantity.fill('-5');
    await page.getByRole('button', { name: 'Create and confirm' }).click();
    await expect.poll(() => quantity.getAttribute('aria-invalid')).toBe('true');
    const message = page.locator(`#${await quantity.getAttribute('aria-describedby')}`);
    await expect(message.textContent()).resolves.toMatch(/\S/);
    expect(((await web.api('GET', '/customer-orders')) as { data: unknown[] }).data).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-new-refused.png'), fullPage: true });

    await quantity.fill('5');
    await page.getByRole('button', { name: 'Create and confirm' }).click();
    await page.waitForURL(/\/customer-orders\/SO-\d+/);
    const number = new URL(page.url()).pathname.split('/').at(-1)!;
    await page.getByRole('heading', { name: number }).waitFor();
    await page.getByRole('status').getByText(`${number} is confirmed, promised for`).waitFor();

    const order = (await web.api('GET', `/customer-orders/${number}`)) as unknown as Order;
    expect(order.status).toBe('confirmed');
    expect(order.promised_date).not.toBeNull();
    expect(order.promised_date! >= requested).toBe(true);
    // Nothing is in stock: the chair and the frame are made, the seat, legs and screws bought.
    const made = order.supplies.filter((s) => s.kind === 'production_order').map((s) => s.sku);
    expect(made.sort()).toEqual(['CHAIR', 'FRAME']);
    const bought = order.supplies.filter((s) => s.kind === 'purchase_order_line').map((s) => s.sku);
    expect(bought.sort()).toEqual(['LEG', 'SCREW', 'SEAT']);

    const promise = page.locator('.mto-promise');
    await expect(promise.textContent()).resolves.toContain('Promised date');
    const card = page.getByRole('region', { name: 'Supplies' });
    for (const supply of order.supplies) await card.getByRole('link', { name: supply.number }).first().waitFor();
    await page.getByRole('img', { name: /Supplies for SO-/ }).waitFor();
    await expect(page.locator('.mto-timeline rect').count()).resolves.toBe(order.supplies.length);
    // The pegging tree: the chair's line, under it the chair's production order's frame and seat, under the frame
    // its legs and screws.
    await expect(page.locator('.mto-tree .mto-tree .mto-tree li').count()).resolves.toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-order.png'), fullPage: true });
    expect(problems.filter((p) => p !== BAD_REQUEST)).toEqual([]);
  });

  it('opens the production order the confirmation planned and the bill of materials', async () => {
    const orders = (await web.api('GET', '/customer-orders')) as { data: Array<{ number: string }> };
    const number = orders.data[0]!.number;
    const order = (await web.api('GET', `/customer-orders/${number}`)) as unknown as Order;
    const chair = order.supplies.find((s) => s.sku === 'CHAIR')!;

    const { page, problems } = await web.open(`/customer-orders/${number}`);
    await page.getByRole('region', { name: 'Supplies' }).getByRole('link', { name: chair.number }).click();
    await page.getByRole('heading', { name: chair.number }).waitFor();
    const components = page.getByRole('region', { name: `Components of ${chair.number}` });
    await components.getByRole('link', { name: 'FRAME' }).waitFor();
    await components.getByRole('link', { name: 'SEAT' }).waitFor();
    await page.getByRole('button', { name: `Release ${chair.number}` }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-production-order.png'), fullPage: true });

    await page.getByRole('link', { name: '← Production' }).click();
    await page.getByRole('heading', { name: 'Production' }).waitFor();
    await page.getByRole('link', { name: chair.number }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-production-orders.png'), fullPage: true });

    await page.goto(`${web.server.url}/boms/CHAIR?quantity=10`);
    const tree = page.getByRole('region', { name: 'Requirement tree' });
    await tree.getByRole('link', { name: 'SCREW' }).waitFor();
    // 10 chairs → 10 frames → 10 × 8 × 1.05 = 84 screws.
    await expect(tree.getByRole('row', { name: /SCREW/ }).textContent()).resolves.toContain('84');
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-bom.png'), fullPage: true });

    await page.goto(`${web.server.url}/customer-orders`);
    await page.getByRole('link', { name: number }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-orders.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("leads from a made item's page to its bill of materials, and offers none for a bought item", async () => {
    const bought = await web.open('/items/SCREW');
    await bought.page.getByRole('link', { name: 'All items' }).waitFor();
    await bought.page.waitForLoadState('networkidle');
    await expect(bought.page.getByRole('link', { name: 'Bill of materials' }).count()).resolves.toBe(0);
    const made = await web.open('/items/CHAIR');
    await made.page.getByRole('link', { name: 'Bill of materials' }).click();
    await made.page.getByRole('region', { name: 'Requirement tree' }).waitFor();
    expect(new URL(made.page.url()).pathname).toBe('/boms/CHAIR');
  });

  it('fits every page on a phone without sideways scrolling', async () => {
    const orders = (await web.api('GET', '/customer-orders')) as { data: Array<{ number: string }> };
    const number = orders.data[0]!.number;
    const production = (await web.api('GET', '/production-orders')) as { data: Array<{ number: string }> };
    const mo = production.data[0]!.number;
    for (const [path, name] of [
      ['/customer-orders', 'mto-orders'],
      ['/customer-orders/new', 'mto-new'],
      [`/customer-orders/${number}`, 'mto-order'],
      ['/production-orders', 'mto-production-orders'],
      [`/production-orders/${mo}`, 'mto-production-order'],
      ['/boms/CHAIR?quantity=10', 'mto-bom'],
    ] as const) {
      const { page, problems } = await web.open(path, PHONE);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      await noSideways(page);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
      expect(problems).toEqual([]);
    }
  });

  it('changes a line and sees what was adjusted, then cancels with a reason', async () => {
    const orders = (await web.api('GET', '/customer-orders')) as { data: Array<{ number: string }> };
    const number = orders.data[0]!.number;
    const { page, problems } = await web.open(`/customer-orders/${number}`);
    await page.getByRole('button', { name: 'Change line 1' }).click();
    const form = page.getByRole('form', { name: 'Change line 1' });
    await form.getByLabel(/^Quantity/).fill('8');
    await form.getByRole('button', { name: 'Save line 1' }).click();
    await page.getByRole('status').getByText('Line 1 (CHAIR) is now 8 pcs').waitFor();
    const changed = (await web.api('GET', `/customer-orders/${number}`)) as unknown as Order;
    expect(changed.lines[0]!.quantity).toBe(8);
    const chair = changed.supplies.filter((s) => s.sku === 'CHAIR' && !('cancelled' in s && s.cancelled));
    expect(chair.reduce((sum, s) => sum + s.quantity, 0)).toBe(8);
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-order-changed.png'), fullPage: true });

    await page.getByRole('button', { name: 'Cancel order…' }).click();
    await page.getByLabel('Why cancel?').fill('Customer changed their mind');
    await page.getByRole('button', { name: `Cancel ${number}` }).click();
    await page.getByRole('status').getByText(`${number} is cancelled`).waitFor();
    const cancelled = (await web.api('GET', `/customer-orders/${number}`)) as unknown as Order & {
      cancel_reason: string;
    };
    expect(cancelled).toMatchObject({ status: 'cancelled', cancel_reason: 'Customer changed their mind' });
    expect(problems).toEqual([]);
  });

  it('releases, reports and completes a production order, then ships an order from the stock it made', async () => {
    for (const [sku, quantity] of [
      ['LEG', 8],
      ['SCREW', 17],
    ] as const) {
      await web.api('POST', '/movements', { type: 'receipt', sku, location: 'MAIN', quantity });
    }
    const made = await web.api('POST', '/production-orders', {
      sku: 'FRAME',
      location: 'MAIN',
      quantity: 2,
      due_date: isoDay(10),
    });
    const mo = made.number as string;
    const { page, problems } = await web.open(`/production-orders/${mo}`);
    await page.getByRole('button', { name: `Release ${mo}` }).click();
    // Two frames need 2 × 4 = 8 legs and 2 × 8 × 1.05 = 16.8 → 17 screws (whole units): all in stock.
    await page
      .getByRole('status')
      .getByText(`${mo} is released. Components allocated: LEG 8 of 8; SCREW 17 of 17.`)
      .waitFor();

    const report = page.getByRole('form', { name: `Report progress on ${mo}` });
    await report.getByLabel(/^Good quantity/).fill('1');
    await report.getByRole('button', { name: 'Report', exact: true }).click();
    await page.getByRole('status').getByText('Reported 1 pcs of FRAME good:').waitFor();
    await expect(page.getByRole('status').textContent()).resolves.toContain('1 still to make');
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-production-reported.png'), fullPage: true });

    await page.getByRole('button', { name: /^Complete/ }).click();
    await page.getByRole('status').getByText(`${mo} is completed.`).waitFor();
    const frames = (await web.api('GET', '/stock?sku=FRAME&location=MAIN')) as {
      data: Array<{ location: string; on_hand: number }>;
    };
    expect(frames.data.find((b) => b.location === 'MAIN')?.on_hand).toBe(2);

    const order = await web.api('POST', '/customer-orders', {
      customer: 'CAFE',
      confirm: true,
      lines: [{ sku: 'FRAME', location: 'MAIN', quantity: 2 }],
    });
    await page.goto(`${web.server.url}/customer-orders/${order.number as string}`);
    await page.getByRole('button', { name: 'Ship what is allocated' }).click();
    await page.getByRole('status').getByText(`Shipped 2 pcs of FRAME from MAIN`).waitFor();
    await expect(page.getByRole('status').textContent()).resolves.toContain(
      `${order.number as string} is shipped in full.`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-order-shipped.png'), fullPage: true });
    const shipped = await web.api('GET', `/customer-orders/${order.number as string}`);
    expect(shipped.status).toBe('shipped');
    expect(problems).toEqual([]);
  });

  it('shows an order confirmed elsewhere on the open list without a reload', async () => {
    const { page, problems } = await web.open('/customer-orders?status=confirmed');
    await page.getByRole('heading', { name: 'Customer orders' }).waitFor();
    await page.waitForLoadState('networkidle');
    const created = (await web.api('POST', '/customer-orders', {
      customer: 'CAFE',
      confirm: true,
      lines: [{ sku: 'CHAIR', location: 'MAIN', quantity: 1, requested_date: '2099-01-15' }],
    })) as { number: string };
    await page.getByRole('link', { name: created.number }).waitFor();
    expect(problems).toEqual([]);
  });

  it('flags an order at risk of being late when the production it waits for is cancelled', async () => {
    const order = await web.api('POST', '/customer-orders', {
      customer: 'CAFE',
      requested_date: requested,
      confirm: true,
      lines: [{ sku: 'CHAIR', location: 'MAIN', quantity: 2 }],
    });
    const number = order.number as string;
    const frame = (order.supplies as Supply[]).find((s) => s.sku === 'FRAME' && s.kind === 'production_order')!;
    const { page, problems } = await web.open(`/production-orders/${frame.number}`);
    await page.getByRole('button', { name: 'Cancel order…' }).click();
    await page.getByRole('button', { name: `Cancel ${frame.number}` }).click();
    await page.getByRole('status').getByText(`${frame.number} is cancelled`).waitFor();

    await page.goto(`${web.server.url}/customer-orders?status=late_risk`);
    const row = page.getByRole('row', { name: new RegExp(number) });
    await row.getByRole('cell').nth(2).getByText('late risk').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-orders-late-risk.png'), fullPage: true });
    await row.getByRole('link', { name: number }).click();
    const banner = page.getByRole('region', { name: 'Late risk' });
    await banner.getByText('At risk of being late.').waitFor();
    const note = (await web.api('GET', `/customer-orders/${number}`)).late_risk_note as string;
    expect(note.length).toBeGreaterThan(0);
    await expect(banner.textContent()).resolves.toContain(note);
    await page.screenshot({ path: join(SCREENSHOTS, 'mto-order-late-risk.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});

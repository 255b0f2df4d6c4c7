import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, startWeb, type WebFixture } from './support/web.js';

const STATUS_TEXT: Record<number, string> = { 400: '(Bad Request)', 404: '(Not Found)', 409: '(Conflict)' };

type Balance = { sku: string; location: string; on_hand: number };
type Movement = { id: number; type: string; sku: string; location: string; quantity: number };

/** Recording movements, the ledger list and CSV import, in Debian's Chromium on a small demo. */
describe('web app: movements and import', () => {
  let web: WebFixture;
  let stocked: Balance;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWeb({ demo: { itemCount: 40, days: 90 } });
    const stock = (await web.api('GET', '/stock?limit=1000')) as { data: Balance[] };
    stocked = stock.data.find((b) => b.on_hand >= 10 && b.location.includes('-'))!;
    expect(stocked).toBeDefined();
  });

  afterAll(async () => {
    await web?.close();
  });

  /** Console errors other than the browser's note of an answer with one of the expected refusal statuses. */
  const unexpected = (problems: string[], statuses: number[]) =>
    problems.filter(
      (p) =>
        !statuses.some(
          (s) => p === `Failed to load resource: the server responded with a status of ${s} ${STATUS_TEXT[s]}`,
        ),
    );
  const onHand = async (sku: string, location: string) =>
    ((await web.api('GET', `/stock?sku=${sku}&location=${location}`)) as { data: Balance[] }).data.find(
      (b) => b.location === location,
    )?.on_hand;
  const ledger = async (sku: string) =>
    ((await web.api('GET', `/movements?sku=${sku}&limit=1000`)) as { data: Movement[] }).data;

  it('records an issue from the keyboard, says the new on hand, and posts a double submit once', async () => {
    const { sku, location } = stocked;
    const before = stocked.on_hand;
    const { page, problems } = await web.open('/movements/new');
    await page.getByRole('heading', { name: 'Record movement' }).waitFor();
    await expect(page.locator('nav [aria-current="page"]').allTextContents()).resolves.toEqual(['Record movement']);
    const skuInput = page.getByLabel('SKU', { exact: true });
    await expect.poll(() => skuInput.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.type(sku);
    await page.keyboard.press('Tab');
    await page.keyboard.type(location);
    await page.keyboard.press('Tab');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    const status = page.getByRole('status').filter({ hasText: 'Issued' });
    await status.getByText(`On hand there is now ${before - 2}`).waitFor();
    expect(await status.textContent()).toContain(`Issued 2`);
    expect(await status.textContent()).toContain(`of ${sku}`);
    await expect(onHand(sku, location)).resolves.toBe(before - 2);
    // Ready for the next one: the SKU is cleared and focused, the location stays.
    expect(await skuInput.inputValue()).toBe('');
    await expect.poll(() => skuInput.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await expect(page.getByLabel('Location', { exact: true }).inputValue()).resolves.toBe(location);

    const count = (await ledger(sku)).length;
    await skuInput.fill(sku);
    await page.getByLabel(/^Quantity to issue/).fill('1');
    // Two submits in the same tick, as a double click or a bouncing Enter key can make.
    await page.evaluate(
      `(() => {
        const form = document.querySelector('form[aria-label="Record a movement"]');
        form.requestSubmit();
        form.requestSubmit();
      })()`,
    );
    await status.getByText(`On hand there is now ${before - 3}`).waitFor();
    await page.getByRole('button', { name: 'Record issue' }).waitFor();
    expect((await ledger(sku)).length).toBe(count + 1);
    await expect(onHand(sku, location)).resolves.toBe(before - 3);
    await page.screenshot({ path: join(SCREENSHOTS, 'movement-record.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('says which order line an issue below the reorder point drafted, with a link to the order', async () => {
    type Policy = {
      sku: string;
      location: string;
      kind: string;
      reorder_point?: number;
      balance: { on_hand: number; on_order: number };
    };
    const policies = (await web.api('GET', '/policies?limit=1000')) as { data: Policy[] };
    const policy = policies.data.find(
      (p) =>
        p.kind === 'reorder_point' &&
        p.sku !== stocked.sku &&
        p.balance.on_order === 0 &&
        p.reorder_point !== undefined &&
        p.balance.on_hand - p.reorder_point >= 1,
    )!;
    expect(policy).toBeDefined();
    const quantity = policy.balance.on_hand - policy.reorder_point!;
    const { page, problems } = await web.open(
      `/movements/new?sku=${encodeURIComponent(policy.sku)}&location=${encodeURIComponent(policy.location)}`,
    );
    await page.getByText(`On hand at ${policy.location}:`).waitFor();
    const field = page.getByLabel(/^Quantity to issue/);
    await field.fill(String(quantity));
    await field.press('Enter');
    const link = page.locator('.triggered a');
    await link.waitFor();
    const drafts = (await web.api('GET', `/purchase-orders?status=draft&limit=200`)) as {
      data: Array<{ number: string; lines: Array<{ sku: string; location: string }> }>;
    };
    const order = drafts.data.find((o) => o.lines.some((l) => l.sku === policy.sku && l.location === policy.location));
    expect(order).toBeDefined();
    await expect(link.textContent()).resolves.toBe(order!.number);
    await expect(page.locator('.triggered').textContent()).resolves.toMatch(/Drafted a new order|Added to order/);
    await page.screenshot({ path: join(SCREENSHOTS, 'movement-record-triggered.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('shows a bad quantity at the field, keeps what was typed, and changes nothing', async () => {
    const { sku, location } = stocked;
    const before = await ledger(sku);
    const stockBefore = await onHand(sku, location);
    const { page, problems } = await web.open('/movements/new?type=count', { width: 375, height: 740 });
    await page.getByRole('radio', { name: 'Count' }).waitFor();
    await expect(page.getByRole('radio', { name: 'Count' }).isChecked()).resolves.toBe(true);
    await page.getByRole('radio', { name: 'Issue' }).check();
    await page.getByLabel('SKU', { exact: true }).fill(sku);
    await page.getByLabel('Location', { exact: true }).fill(location);
    const quantity = page.getByLabel(/^Quantity to issue/);
    await quantity.fill('1.2345');
    await quantity.press('Enter');
    await page.getByText('must have at most 3 decimal places').waitFor();
    await expect(quantity.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await quantity.getAttribute('aria-describedby'))!;
    await expect(page.locator(`[id="${describedBy}"]`).textContent()).resolves.toBe(
      'must have at most 3 decimal places',
    );
    await expect(quantity.inputValue()).resolves.toBe('1.2345');
    await expect(page.getByLabel('SKU', { exact: true }).inputValue()).resolves.toBe(sku);
    expect(await ledger(sku)).toEqual(before);
    await expect(onHand(sku, location)).resolves.toBe(stockBefore);

    await quantity.fill(String((stockBefore ?? 0) + 1000));
    await quantity.press('Enter');
    await page.getByText(/would take on hand .* below zero/).waitFor();
    expect(await ledger(sku)).toEqual(before);
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SCREENSHOTS, 'movement-record-phone.png'), fullPage: true });
    expect(unexpected(problems, [400, 409])).toEqual([]);
  });

  it('lists movements newest first, filtered by SKU and type, page by page', async () => {
    const { sku } = stocked;
    const { page, problems } = await web.open(`/movements?sku=${sku}`);
    await page.getByRole('heading', { name: 'Movements', exact: true }).waitFor();
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    const newest = (await web.api('GET', `/movements?sku=${sku}&order=desc&limit=1`)) as { data: Movement[] };
    expect(newest.data[0]!.type).toBe('issue');
    await expect(rows.first().textContent()).resolves.toContain('−1');
    await page.getByLabel('Type').selectOption('issue');
    await page.waitForURL(/type=issue/);
    await expect.poll(async () => (await rows.allTextContents()).every((t) => t.includes('Issue'))).toBe(true);

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((url) => url.search === '');
    await expect.poll(() => rows.count()).toBe(50);
    const firstPage = await rows.first().textContent();
    await page.getByRole('button', { name: 'Older →' }).click();
    await expect.poll(() => rows.first().textContent()).not.toBe(firstPage);
    await page.getByText('51–100').waitFor();
    await page.getByRole('button', { name: '← Newer' }).click();
    await expect.poll(() => rows.first().textContent()).toBe(firstPage);

    await page.screenshot({ path: join(SCREENSHOTS, 'movements.png'), fullPage: true });
    await page.getByLabel('SKU').fill('NO-SUCH-SKU');
    await page.getByLabel('SKU').press('Enter');
    await page.getByText('unknown SKU', { exact: true }).waitFor();
    await expect(page.getByLabel('SKU').getAttribute('aria-invalid')).resolves.toBe('true');

    const phone = await web.open(`/movements?sku=${sku}`, { width: 375, height: 740 });
    await phone.page.locator('.movement-cards li').first().waitFor();
    await expect(phone.page.locator('.movement-cards li').first().textContent()).resolves.toContain('−1');
    expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'movements-phone.png'), fullPage: true });
    expect([...unexpected(problems, [404]), ...phone.problems]).toEqual([]);
  });

  it('lists every problem of a bad file and writes nothing; a good file imports after the explicit button', async () => {
    const { sku, location } = stocked;
    const stockBefore = await onHand(sku, location);
    const { page, problems } = await web.open('/import');
    await page.getByRole('heading', { name: 'Import', exact: true }).waitFor();
    await page.getByRole('radio', { name: 'Opening stock' }).check();
    const bad = `sku,location,quantity\n${sku},${location},5.12345\nNO-SUCH-SKU,${location},3\n${sku},NOWHERE,1\n`;
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'stock.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByText('3 problems in 3 rows; nothing was written.').waitFor();
    const cells = await page
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          Array.from(tr.querySelectorAll('td'), (td) => (td as { textContent: string | null }).textContent).slice(0, 3),
        ),
      );
    expect(cells).toEqual([
      ['2', 'quantity', 'must have at most 3 decimal places'],
      ['3', 'sku', 'unknown SKU "NO-SUCH-SKU"'],
      ['4', 'location', 'unknown location "NOWHERE"'],
    ]);
    expect(await page.getByRole('button', { name: /^Import/ }).count()).toBe(0);
    await expect(onHand(sku, location)).resolves.toBe(stockBefore);
    await page.screenshot({ path: join(SCREENSHOTS, 'import-errors.png'), fullPage: true });

    const phone = await web.open('/import?kind=stock', { width: 375, height: 740 });
    await phone.page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'stock.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await phone.page.getByText('3 problems in 3 rows; nothing was written.').waitFor();
    expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'import-errors-phone.png'), fullPage: true });

    await page.getByRole('radio', { name: 'Items', exact: true }).check();
    const good = 'sku,name,unit\nE2E-NEW-1,Hex key 4 mm,pcs\nE2E-NEW-2,Hex key 5 mm,pcs\n';
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'items.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByText('All 2 rows are fine.').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'import-ready.png'), fullPage: true });
    await expect(fetch(`${web.server.url}/api/v1/items/E2E-NEW-1`).then((r) => r.status)).resolves.toBe(404);
    await page.getByRole('button', { name: 'Import 2 rows' }).click();
    await page.getByText('Imported 2 rows of items.').waitFor();
    await expect(web.api('GET', '/items/E2E-NEW-2')).resolves.toMatchObject({ name: 'Hex key 5 mm', unit: 'pcs' });
    await page.screenshot({ path: join(SCREENSHOTS, 'import-done.png'), fullPage: true });
    expect([...unexpected(problems, [400]), ...unexpected(phone.problems, [400])]).toEqual([]);
  });
});

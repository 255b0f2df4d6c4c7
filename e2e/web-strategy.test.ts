import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS, startWeb, type WebFixture } from './support/web.js';

type Portfolio = { items: number; strategies: Array<{ strategy: string; items: number }> };
type StrategyItem = { sku: string; location: string; strategy: string };
type Job = {
  id: number;
  status: string;
  result?: { catalogue: { variants: Array<{ variant: string }>; recommendation: { variant: string } } };
};

/** Strategy, review and simulation pages on a small demo, driven in Debian's Chromium. */
describe('web app: strategy, review and simulation', () => {
  let web: WebFixture;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWeb({ demo: { itemCount: 40, days: 120 } });
  });

  afterAll(async () => {
    await web?.close();
  });

  it('runs the plan from the strategy page and shows the portfolio, the matrix and the items', async () => {
    await expect(web.api('GET', '/strategy/portfolio')).resolves.toMatchObject({ items: 0 });
    const { page, problems } = await web.open('/strategy');
    await page.getByText('No plan yet.').waitFor();
    await page.getByRole('button', { name: 'Run the plan' }).click();
    await page
      .getByRole('status')
      .getByText(/Planned \d+ item × location pairs/)
      .waitFor({ timeout: 20_000 });

    const portfolio = (await web.api('GET', '/strategy/portfolio')) as Portfolio;
    expect(portfolio.items).toBeGreaterThan(0);
    const lean = portfolio.strategies.find((s) => s.strategy === 'lean')!;
    await page.getByRole('heading', { name: 'ABC × XYZ' }).waitFor();
    await page.getByText(`${lean.items} items`, { exact: true }).first().waitFor();
    await expect(page.getByText('No plan yet.').count()).resolves.toBe(0);

    // The items list, filtered to buffered from the keyboard: every row is buffered and the first one is the API's.
    const buffered = (await web.api('GET', '/strategy/items?strategy=buffered&limit=50')) as { data: StrategyItem[] };
    expect(buffered.data.length).toBeGreaterThan(0);
    await page.getByLabel('Strategy', { exact: true }).selectOption('buffered');
    await page.waitForURL(/strategy=buffered/);
    const rows = page.locator('#strategy-items tbody tr');
    await expect.poll(async () => rows.count(), { timeout: 5_000 }).toBe(buffered.data.length);
    const strategies = await page.locator('#strategy-items tbody tr td:nth-child(3)').allInnerTexts();
    expect(new Set(strategies)).toEqual(new Set(['Buffered']));
    await page.getByRole('link', { name: buffered.data[0]!.sku }).first().waitFor();
    // The reasons open from the keyboard.
    const summary = page.locator('#strategy-items details.reasons summary').first();
    await summary.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#strategy-items details.reasons').first().getAttribute('open')).resolves.toBe('');

    // A matrix cell lists its items.
    await page.getByRole('button', { name: /^Show the AX items: \d+/ }).click();
    await page.waitForURL(/abc=A&xyz=X/);
    await expect
      .poll(async () => (await page.locator('#strategy-items tbody tr td:nth-child(4)').allInnerTexts()).join(','))
      .toMatch(/^AX(,AX)*$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'strategy.png'), fullPage: true });
    expect(problems).toEqual([]);

    const phone = await web.open('/strategy', { width: 375, height: 740 });
    await phone.page.getByRole('heading', { name: 'ABC × XYZ' }).waitFor();
    await phone.page.locator('#strategy-items tbody tr').first().waitFor();
    await expect(phone.page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(375);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'strategy-phone.png'), fullPage: true });
    expect(phone.problems).toEqual([]);
  });

  it('lists the review queue with links to the items, and runs the drift review', async () => {
    const review = (await web.api('GET', '/review-items?limit=50')) as { data: Array<{ sku: string; reason: string }> };
    const { page, problems } = await web.open('/review');
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    if (review.data.length > 0) {
      await page.getByRole('link', { name: review.data[0]!.sku }).first().waitFor();
    } else {
      await page.getByText('Nothing to review.').waitFor();
    }
    await page.getByRole('button', { name: 'Run the drift review now' }).click();
    await page.getByText(/Checked \d+ item × location pairs/).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'review.png'), fullPage: true });
    const phone = await web.open('/review', { width: 375, height: 740 });
    await phone.page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await expect(phone.page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(375);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'review-phone.png'), fullPage: true });
    expect([...problems, ...phone.problems]).toEqual([]);
  });

  it('refuses a bad outage day at its field, then runs a small scenario with progress, chart and table', async () => {
    const { page, problems } = await web.open('/simulation');
    await page.getByRole('heading', { name: 'Scenario', exact: true }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('e2e-outage');
    await page.getByLabel('Horizon (days)').fill('60');
    await page.getByLabel('Runs').fill('20');
    const outage = page.getByRole('group', { name: 'Supplier outage' });
    await outage.getByLabel('Supplier').selectOption('NORDTECH');
    await outage.getByLabel('From day').fill('75');
    await outage.getByLabel('Days').fill('14');
    await page.getByRole('button', { name: 'Run the simulation' }).click();

    const fromDay = outage.getByLabel('From day');
    await expect.poll(() => fromDay.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await fromDay.getAttribute('aria-describedby'))!;
    await expect(page.locator(`[id="${describedBy}"]`).textContent()).resolves.toMatch(/outside the horizon.*0 to 59/);
    await page.getByRole('alert').waitFor();
    // Refused: no job, and the form kept what was typed.
    await expect(web.api('GET', '/simulations')).resolves.toMatchObject({ data: [] });
    await expect(page.getByLabel('Runs').inputValue()).resolves.toBe('20');

    await fromDay.fill('10');
    await fromDay.press('Enter');
    await page.getByRole('progressbar', { name: 'Simulation progress' }).waitFor({ timeout: 10_000 });
    await page.waitForURL(/\/simulation\?job=\d+/);
    const jobId = Number(new URL(page.url()).searchParams.get('job'));
    await page.getByRole('heading', { name: 'Variants side by side' }).waitFor({ timeout: 60_000 });
    await expect(page.getByRole('progressbar').count()).resolves.toBe(0);

    const job = (await web.api('GET', `/simulations/${jobId}`)) as Job;
    expect(job.status).toBe('done');
    const variants = job.result!.catalogue.variants.map((v) => v.variant);
    expect(variants).toEqual(['current', 'lean', 'buffered']);
    const table = page.getByRole('table', { name: 'Variants compared' });
    await expect(table.locator('tbody tr').count()).resolves.toBe(3);
    const recommended = job.result!.catalogue.recommendation.variant;
    await expect(table.locator('tbody tr', { hasText: 'recommended' }).locator('strong').textContent()).resolves.toBe(
      recommended,
    );
    await page.getByRole('heading', { name: 'By how much' }).waitFor();
    await page.getByRole('heading', { name: 'Items that stop work under lean' }).waitFor();
    const chart = page.getByRole('img', { name: new RegExp(`^Simulation #${jobId}: on-hand bands`) });
    await chart.scrollIntoViewIfNeeded();
    await expect
      .poll(() =>
        chart.evaluate((img) => {
          const image = img as unknown as { complete: boolean; naturalWidth: number };
          return image.complete ? image.naturalWidth : 0;
        }),
      )
      .toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'simulation.png'), fullPage: true });
    // The one refused submit is the browser's only complaint.
    expect(problems).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);

    // The deep link reloads to the same result, on a phone.
    const phone = await web.open(`/simulation?job=${jobId}`, { width: 375, height: 740 });
    await phone.page.getByRole('heading', { name: 'Variants side by side' }).waitFor();
    await expect(phone.page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(375);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'simulation-phone.png'), fullPage: true });
    expect(phone.problems).toEqual([]);
  });
});

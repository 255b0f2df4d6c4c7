import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWeb, type WebFixture } from './support/web.js';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

type Violation = { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> };

/**
 * Every page of the web app on a small demo, checked by axe-core in Chromium: no serious or critical accessibility
 * violations (missing labels, contrast, roles, names).
 */
describe('web app: accessibility (axe-core)', () => {
  let web: WebFixture;
  const pages: string[] = [];

  beforeAll(async () => {
    web = await startWeb({ demo: { itemCount: 40, days: 90 } });
    await web.api('POST', '/plan', {});
    const item = ((await web.api('GET', '/items?limit=1')) as { data: Array<{ sku: string }> }).data[0]!;
    const order = ((await web.api('GET', '/purchase-orders?limit=1')) as { data: Array<{ number: string }> }).data[0]!;
    const supplier = ((await web.api('GET', '/suppliers?limit=1')) as { data: Array<{ code: string }> }).data[0]!;
    pages.push(
      '/',
      '/items',
      `/items/${encodeURIComponent(item.sku)}`,
      '/movements',
      '/movements/new',
      '/purchase-orders',
      `/purchase-orders/${order.number}`,
      '/kanban',
      '/kanban/scan',
      '/suppliers',
      `/suppliers/${supplier.code}`,
      '/strategy',
      '/review',
      '/simulation',
      '/import',
    );
    // make-to-order pages: the lists, the order form, a BOM, a confirmed order and a production order of the demo's
    // make-to-order products (an order is taken for the BOM's item when the demo has no confirmed one).
    const bom = ((await web.api('GET', '/boms?limit=1')) as { data: Array<{ sku: string }> }).data[0];
    if (bom === undefined) throw new Error('the demo has no bill of materials: its make-to-order products are missing');
    const confirmed = (await web.api('GET', '/customer-orders?status=confirmed&limit=1')) as {
      data: Array<{ number: string }>;
    };
    let number = confirmed.data[0]?.number;
    if (number === undefined) {
      const location = ((await web.api('GET', '/locations?limit=1')) as { data: Array<{ code: string }> }).data[0]!;
      await web.api('POST', '/customers', { code: 'A11Y', name: 'Accessibility check' });
      const order = await web.api('POST', '/customer-orders', {
        customer: 'A11Y',
        confirm: true,
        lines: [{ sku: bom.sku, location: location.code, quantity: 2 }],
      });
      number = order.number as string;
    }
    const production = ((await web.api('GET', '/production-orders?limit=1')) as { data: Array<{ number: string }> })
      .data[0];
    pages.push(
      '/customer-orders',
      '/customer-orders/new',
      `/customer-orders/${number}`,
      '/production-orders',
      ...(production ? [`/production-orders/${production.number}`] : []),
      `/boms/${encodeURIComponent(bom.sku)}?quantity=10`,
    );
  });

  afterAll(async () => {
    await web?.close();
  });

  it('has no serious or critical violations on any page, on a desk and on a phone', async () => {
    const found: string[] = [];
    for (const viewport of [
      { width: 1280, height: 860 },
      { width: 375, height: 740 },
    ]) {
      for (const path of pages) {
        const { page } = await web.open(path, viewport);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        // Evaluated, not added as a script tag: the app's content security policy forbids inline scripts.
        await page.evaluate(axeSource);
        const violations = (await page.evaluate(
          "axe.run(document.getElementById('root'), { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))",
        )) as Violation[];
        for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
          found.push(
            `${path} @${viewport.width}px: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(', ')}`,
          );
        }
        await page.context().close();
      }
    }
    expect(found).toEqual([]);
  }, 180_000);
});

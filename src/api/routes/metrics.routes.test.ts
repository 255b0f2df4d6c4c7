import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { METRICS_NOW, seedMetricsScenario } from '../../../test/support/metrics-fixture.js';
import { createItem } from '../../services/item.service.js';
import { postMovements } from '../../services/ledger.service.js';
import { buildApp } from '../app.js';

describeEachDialect('metrics routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => METRICS_NOW });
    await seedMetricsScenario(database());
  });
  afterEach(async () => {
    await app.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('answers the metrics of a period overall, per site and per category', async () => {
    const res = await get('/api/v1/metrics?from=2026-06-01&to=2026-06-10');
    expect(res.statusCode).toBe(200);
    const report = res.json();
    // The figures are worked out in metrics.service.test.ts.
    expect(report).toMatchObject({ from: '2026-06-01', to: '2026-06-10', days: 10, location: null, category: null });
    expect(report.overall).toMatchObject({
      item_locations: 3,
      demand: 18,
      fill_rate: 1,
      estimated_fill_rate: 0.8537,
      stock_out_days: 3,
      supplier_otif: 0.3333,
      orders_sent: 2,
    });
    expect(report.overall.money[0]).toEqual({
      currency: 'EUR',
      item_locations: 2,
      without_cost: 0,
      cost_of_goods_issued: 15,
      average_inventory_value: 5.7,
      inventory_turnover: 96.053,
      cash_in_stock: 5,
      days_of_supply: 3.3,
      holding_cost: 0.04,
    });
    expect(report.sites.map((s: { site: string }) => s.site)).toEqual(['DC', 'WS']);
    expect(report.categories.map((c: { category: string }) => c.category)).toEqual(['fasteners', 'seals']);

    const dc = (await get('/api/v1/metrics?from=2026-06-01&to=2026-06-10&location=DC&category=seals')).json();
    expect(dc.overall).toMatchObject({ item_locations: 1, demand: 3 });
  });

  it('refuses a bad date, an unknown parameter and an unknown location, naming them', async () => {
    const bad = await get('/api/v1/metrics?from=June');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'LS_VALIDATION', message: 'from: must be a date YYYY-MM-DD' });
    const late = await get('/api/v1/metrics?to=2026-06-12');
    expect(late.statusCode).toBe(400);
    expect(late.json().error.message).toBe('to: must not be after today (2026-06-11)');
    const unknown = await get('/api/v1/metrics?site=WS');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/^site: /);
    const nowhere = await get('/api/v1/metrics?location=NOWHERE');
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.json().error).toMatchObject({ code: 'LS_UNKNOWN_LOCATION' });
  });

  it('answers record accuracy by class', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/count-tasks/plan', payload: {} });
    const tasks = (await get('/api/v1/count-tasks?sku=BOLT&location=WS')).json().data;
    // BOLT@WS holds 4: 4 found is exact (class C without a plan).
    const recorded = await app.inject({
      method: 'POST',
      url: `/api/v1/count-tasks/${tasks[0].id}/record`,
      payload: { counted: 4 },
    });
    expect(recorded.statusCode).toBe(200);
    const res = await get('/api/v1/metrics/record-accuracy?from=2026-06-01&to=2026-06-11');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      from: '2026-06-01',
      to: '2026-06-11',
      counts: 1,
      accurate: 1,
      accuracy: 1,
      classes: [
        { abc: 'A', counts: 0, accuracy: null },
        { abc: 'B', counts: 0, accuracy: null },
        { abc: 'C', tolerance: 0.05, counts: 1, accurate: 1, accuracy: 1 },
      ],
      largest_differences: [],
    });
  });

  it('runs a drift review on demand and lists what it raised on the review list', async () => {
    // A spare part received last August and never used since: dead stock.
    const setup = { actor: 'tester', now: Date.UTC(2025, 7, 1) };
    await createItem(database(), { sku: 'SPARE', name: 'Spare', unit: 'pcs' }, setup);
    await postMovements(database(), [{ type: 'receipt', sku: 'SPARE', location: 'WS', quantity: 3 }], setup);
    const res = await app.inject({ method: 'POST', url: '/api/v1/drift-reviews' });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({
      now: new Date(METRICS_NOW).toISOString(),
      pairs_checked: 4,
      raised: [
        {
          sku: 'SPARE',
          location: 'WS',
          reason: 'dead_stock',
          message: 'On hand 3 pcs and no demand in the last 180 days.',
        },
      ],
      still_open: 0,
    });
    const listed = (await get('/api/v1/review-items?sku=SPARE')).json().data;
    expect(listed).toEqual([expect.objectContaining({ reason: 'dead_stock', location: 'WS' })]);
    const again = (await app.inject({ method: 'POST', url: '/api/v1/drift-reviews', payload: {} })).json();
    expect(again).toMatchObject({ raised: [], still_open: 1 });
  });
});

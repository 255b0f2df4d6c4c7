import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { replanPairs } from '../../services/planning/plan.service.js';
import { buildApp } from '../app.js';

// The real re-plan, watched: how often it runs and with what.
vi.mock('../../services/planning/plan.service.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../services/planning/plan.service.js')>();
  return { ...actual, replanPairs: vi.fn(actual.replanPairs) };
});
const replan = vi.mocked(replanPairs);

const DAY = 86_400_000;
const start = Date.UTC(2026, 0, 5, 9);

describeEachDialect('lead-time routes', ({ database }) => {
  let app: FastifyInstance;
  let clock = start;
  beforeEach(async () => {
    clock = start;
    replan.mockClear();
    app = await buildApp({ database: database(), clock: () => clock });
    await seedCatalogue(database(), { items: ['BOLT'], locations: ['WS'] });
    const post = async (url: string, payload: object) => {
      const response = await app.inject({ method: 'POST', url, payload });
      expect(response.statusCode, response.body).toBeLessThan(300);
    };
    await post('/api/v1/suppliers', { code: 'ACME', name: 'Acme', lead_time_days: 7 });
    await post('/api/v1/items/BOLT/sources', { supplier: 'ACME', supplier_sku: 'A-1' });
    await post('/api/v1/movements', { type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 50 });
    await app.inject({
      method: 'PUT',
      url: '/api/v1/policies/BOLT/WS',
      payload: { kind: 'reorder_point', reorder_point: 10, target: 50 },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  /** One replenishment cycle through the API: a dip drafts an order, it is sent, and received `leadTimeDays` later. */
  async function cycle(leadTimeDays: number) {
    const dip = await app.inject({
      method: 'POST',
      url: '/api/v1/movements',
      payload: { type: 'issue', sku: 'BOLT', location: 'WS', quantity: 45 },
    });
    // After a re-plan raised the reorder point, the trigger has already drafted the order: take that draft.
    const id =
      (dip.json().triggered[0]?.purchase_order_id as number | undefined) ??
      ((await app.inject({ url: '/api/v1/purchase-orders?status=draft' })).json().data[0].id as number);
    const sent = await app.inject({ method: 'POST', url: `/api/v1/purchase-orders/${id}/send` });
    clock += leadTimeDays * DAY;
    const received = await app.inject({
      method: 'POST',
      url: `/api/v1/purchase-orders/${id}/receive`,
      payload: { lines: [{ sku: 'BOLT', location: 'WS', quantity: sent.json().lines[0].quantity }] },
    });
    expect(received.statusCode, received.body).toBe(200);
    expect(received.json().status).toBe('received');
    clock += DAY;
  }

  it('measures lead times from receipts, and a receipt that shows a shift re-plans the dependent policy once', async () => {
    for (const days of [7, 7, 7, 7, 7, 14, 14]) await cycle(days);
    expect(replan).not.toHaveBeenCalled();
    const before = await app.inject({ url: '/api/v1/lead-times?supplier=ACME' });
    expect(before.statusCode).toBe(200);
    // 7 receipts: 5 at 7 days and 2 at 14; mean 9, s² = (5 × 4 + 2 × 25)/6 = 70/6; p90 at h = 5.4 → 14.
    expect(before.json()).toEqual({
      data: [
        {
          supplier: 'ACME',
          sku: 'BOLT',
          supplier_sku: 'A-1',
          active: true,
          quoted_lead_time_days: 7,
          receipts: 7,
          mean_days: 9,
          sd_days: expect.closeTo(Math.sqrt(70 / 6), 12),
          p90_days: 14,
          on_time_rate: 5 / 7,
          in_full_rate: 1,
          otif: 5 / 7,
          baseline: null,
        },
      ],
      next_cursor: null,
    });

    // The third 14-day receipt: 3 recent at 14 against 5 at 7 is a shift; the receive route re-plans BOLT@WS.
    await cycle(14);
    expect(replan).toHaveBeenCalledTimes(1);
    expect(replan.mock.calls[0]![3]).toMatchObject({ cause: 'lead_time_shift', apply: true });
    const logged = await database().db.selectFrom('plan_changes').select(['cause', 'before', 'after']).execute();
    expect(logged).toEqual([{ cause: 'lead_time_shift', before: expect.any(String), after: expect.any(String) }]);
    expect(JSON.parse(logged[0]!.before!)).toMatchObject({ kind: 'reorder_point', reorder_point: 10, target: 50 });
    const policy = (await app.inject({ url: '/api/v1/policies/BOLT/WS' })).json();
    expect(policy.reorder_point).toBe(JSON.parse(logged[0]!.after!).reorder_point);
    const after = (await app.inject({ url: '/api/v1/lead-times?sku=BOLT' })).json().data[0];
    expect(after).toMatchObject({ receipts: 3, mean_days: 14, baseline: { mean_days: 14, receipts: 3 } });
    const reviews = (await app.inject({ url: '/api/v1/review-items' })).json();
    expect(reviews.data).toEqual([expect.objectContaining({ sku: 'BOLT', reason: 'lead_time_changed' })]);

    await cycle(14);
    expect(replan).toHaveBeenCalledTimes(1);
    expect(await database().db.selectFrom('plan_changes').select('id').execute()).toHaveLength(1);
  });

  it('scores a supplier and answers 404 naming an unknown supplier or SKU', async () => {
    await cycle(6);
    await cycle(9);
    const card = await app.inject({ url: '/api/v1/suppliers/ACME/scorecard' });
    expect(card.statusCode, card.body).toBe(200);
    expect(card.json()).toMatchObject({
      supplier: 'ACME',
      lines: 2,
      otif: 0.5,
      lead_time: { receipts: 2, mean_days: 7.5, quoted_days: 7 },
      histogram: [
        { from_days: 6, to_days: 7, lines: 1 },
        { from_days: 7, to_days: 8, lines: 0 },
        { from_days: 8, to_days: 9, lines: 0 },
        { from_days: 9, to_days: 10, lines: 1 },
      ],
      worst_items: [{ sku: 'BOLT', supplier_sku: 'A-1', lines: 2, otif: 0.5 }],
    });
    expect(card.json().monthly).toHaveLength(12);

    const unknown = await app.inject({ url: '/api/v1/suppliers/NOPE/scorecard' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({
      code: 'LS_UNKNOWN_SUPPLIER',
      message: expect.stringContaining('NOPE'),
    });
    const noSupplier = await app.inject({ url: '/api/v1/lead-times?supplier=NOPE' });
    expect(noSupplier.statusCode).toBe(404);
    expect(noSupplier.json().error.details).toEqual([expect.objectContaining({ field: 'supplier', value: 'NOPE' })]);
    const noSku = await app.inject({ url: '/api/v1/lead-times?sku=NOPE' });
    expect(noSku.statusCode).toBe(404);
    expect(noSku.json().error.details).toEqual([expect.objectContaining({ field: 'sku', value: 'NOPE' })]);
    expect((await app.inject({ url: '/api/v1/lead-times?limit=0' })).statusCode).toBe(400);
  });
});

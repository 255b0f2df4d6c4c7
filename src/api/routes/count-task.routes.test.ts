import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { postMovements } from '../../services/ledger.service.js';
import { buildApp } from '../app.js';

/** 11 June 2026, 14:00 in Berlin. */
const now = Date.UTC(2026, 5, 11, 12);

describeEachDialect('count-task routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
    await seedCatalogue(database(), { items: ['BOLT', 'NUT'], locations: ['WS'] });
    await postMovements(
      database(),
      [
        { type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 100 },
        { type: 'receipt', sku: 'NUT', location: 'WS', quantity: 20 },
      ],
      { actor: 'tester', now },
    );
  });
  afterEach(async () => {
    await app.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });
  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('plans tasks, lists them due, and records a count that the ledger books', async () => {
    const plan = await post('/api/v1/count-tasks/plan');
    expect(plan.statusCode).toBe(200);
    expect(plan.json()).toEqual({
      created: 2,
      already_open: 0,
      classes: [
        { abc: 'A', interval_days: 30, created: 0 },
        { abc: 'B', interval_days: 91, created: 0 },
        { abc: 'C', interval_days: 365, created: 2 },
      ],
    });
    // Two class C pairs never counted over 365 days: today and today + 182.
    const due = await get('/api/v1/count-tasks?status=open&due_before=2026-06-11');
    expect(due.statusCode).toBe(200);
    expect(due.json()).toEqual({
      data: [
        expect.objectContaining({ sku: 'BOLT', location: 'WS', abc: 'C', due_date: '2026-06-11', status: 'open' }),
      ],
      next_cursor: null,
    });
    const id = due.json().data[0].id;

    const recorded = await post(`/api/v1/count-tasks/${id}/record`, { counted: 97.5 }, { 'x-actor': 'ana' });
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json()).toMatchObject({
      id,
      status: 'counted',
      expected: 100,
      counted: 97.5,
      difference: -2.5,
      within_tolerance: true,
      counted_by: 'ana',
    });
    const stock = (await get('/api/v1/stock?sku=BOLT&location=WS')).json();
    expect(stock.data[0].on_hand).toBe(97.5);
    expect((await get(`/api/v1/count-tasks/${id}`)).json()).toMatchObject({ status: 'counted', counted: 97.5 });
    const next = (await get('/api/v1/count-tasks?sku=BOLT&status=open')).json().data;
    expect(next).toEqual([expect.objectContaining({ due_date: '2027-06-11' })]);
  });

  it('answers 409 to a second recording and 400 naming counted to a bad quantity, changing nothing', async () => {
    await post('/api/v1/count-tasks/plan', {});
    const id = (await get('/api/v1/count-tasks?sku=NUT')).json().data[0].id;
    for (const body of [{ counted: -1 }, { counted: 1.2345 }, { counted: '3' }, {}]) {
      const res = await post(`/api/v1/count-tasks/${id}/record`, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/^counted: /);
    }
    expect((await get(`/api/v1/count-tasks/${id}`)).json().status).toBe('open');

    expect((await post(`/api/v1/count-tasks/${id}/record`, { counted: 20 })).statusCode).toBe(200);
    const again = await post(`/api/v1/count-tasks/${id}/record`, { counted: 19 });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'LS_INVALID_STATE' });
    const stock = (await get('/api/v1/stock?sku=NUT&location=WS')).json();
    expect(stock.data[0].on_hand).toBe(20);
    expect((await post('/api/v1/count-tasks/999999/record', { counted: 1 })).statusCode).toBe(404);
    expect((await get('/api/v1/count-tasks/999999')).statusCode).toBe(404);
  });

  it('answers a retried recording with the first answer when it carries the same Idempotency-Key', async () => {
    await post('/api/v1/count-tasks/plan', {});
    const id = (await get('/api/v1/count-tasks?sku=NUT')).json().data[0].id;
    const first = await post(`/api/v1/count-tasks/${id}/record`, { counted: 18 }, { 'idempotency-key': 'count-1' });
    const retry = await post(`/api/v1/count-tasks/${id}/record`, { counted: 18 }, { 'idempotency-key': 'count-1' });
    expect(first.statusCode).toBe(200);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
  });

  it('refuses bad filters naming them', async () => {
    const status = await get('/api/v1/count-tasks?status=done');
    expect(status.statusCode).toBe(400);
    expect(status.json().error.message).toMatch(/^status: /);
    const date = await get('/api/v1/count-tasks?due_before=tomorrow');
    expect(date.statusCode).toBe(400);
    expect(date.json().error.message).toBe('due_before: must be a date YYYY-MM-DD');
    const plan = await post('/api/v1/count-tasks/plan', { today: '11/06/2026' });
    expect(plan.statusCode).toBe(400);
    expect(plan.json().error.message).toBe('today: must be a date YYYY-MM-DD');
  });
});

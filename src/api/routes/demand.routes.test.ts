import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { buildApp } from '../app.js';

/** Friday 10 April 2026, 12:00 in Berlin (the fixture's sites are in Europe/Berlin). */
const now = Date.UTC(2026, 3, 10, 10);

describeEachDialect('demand routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
    await seedCatalogue(database(), { items: ['BOLT-M8', 'NUT-M8'], locations: ['WS'] });
  });
  afterEach(async () => {
    await app.close();
  });

  const post = (body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/v1/movements', payload: body });
  const get = (url: string) => app.inject({ method: 'GET', url });

  it('answers the last days of demand by local date with stock-out days, including a movement just posted', async () => {
    await post({ type: 'receipt', sku: 'BOLT-M8', location: 'WS', quantity: 10, occurred_at: '2026-04-06T08:00:00Z' });
    // 23:30 in Berlin on 7 April is 21:30 UTC.
    await post({ type: 'sale', sku: 'BOLT-M8', location: 'WS', quantity: 2.5, occurred_at: '2026-04-07T21:30:00Z' });
    const first = await get('/api/v1/demand/BOLT-M8/WS?days=5');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      sku: 'BOLT-M8',
      location: 'WS',
      time_zone: 'Europe/Berlin',
      start_date: '2026-04-05',
      data_through: '2026-04-09',
      days: [
        { date: '2026-04-05', demand: 0, stock_out: true },
        { date: '2026-04-06', demand: 0, stock_out: true }, // starts at 0, the receipt comes during the day
        { date: '2026-04-07', demand: 2.5, stock_out: false },
        { date: '2026-04-08', demand: 0, stock_out: false },
        { date: '2026-04-09', demand: 0, stock_out: false },
      ],
      total_demand: 2.5,
      stock_out_days: 2,
    });
    // Posted after the first answer, backdated to 8 April: the next answer has it.
    await post({ type: 'issue', sku: 'BOLT-M8', location: 'WS', quantity: 7.5, occurred_at: '2026-04-08T12:00:00Z' });
    const second = (await get('/api/v1/demand/BOLT-M8/WS?days=5')).json();
    expect(second.days[3]).toEqual({ date: '2026-04-08', demand: 7.5, stock_out: true });
    expect(second).toMatchObject({ total_demand: 10, stock_out_days: 4 });
  });

  it('shows 91 days by default and refuses more than the history window, naming days', async () => {
    const shown = await get('/api/v1/demand/NUT-M8/WS');
    expect(shown.statusCode).toBe(200);
    expect(shown.json().days).toHaveLength(91);
    expect(shown.json()).toMatchObject({ start_date: '2026-01-09', data_through: '2026-04-09', total_demand: 0 });
    const tooMany = await get('/api/v1/demand/NUT-M8/WS?days=731');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({ code: 'LS_VALIDATION', message: expect.stringMatching(/^days: /) });
    const zero = await get('/api/v1/demand/NUT-M8/WS?days=0');
    expect(zero.statusCode).toBe(400);
    expect(zero.json().error.message).toMatch(/days/);
  });

  it('answers 404 naming an unknown SKU or location', async () => {
    const sku = await get('/api/v1/demand/NOPE/WS');
    expect(sku.statusCode).toBe(404);
    expect(sku.json().error).toMatchObject({ code: 'LS_UNKNOWN_ITEM', message: 'sku: unknown SKU "NOPE"' });
    const location = await get('/api/v1/demand/BOLT-M8/MOON');
    expect(location.statusCode).toBe(404);
    expect(location.json().error).toMatchObject({
      code: 'LS_UNKNOWN_LOCATION',
      message: 'location: unknown location "MOON"',
    });
  });
});

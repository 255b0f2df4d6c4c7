import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { STABLE_STRATEGY_INPUT, storeRecommendation } from '../../../test/support/plan-recommendation.js';
import { DEFAULT_PLANNING_SETTINGS, type StrategyInput } from '../../domain/planning/types.js';
import { classifyPortfolio } from '../../domain/strategy/classify-portfolio.js';
import type { Database } from '../../store/database.js';
import { buildApp } from '../app.js';

const now = Date.UTC(2026, 5, 1, 12);

const base = STABLE_STRATEGY_INPUT;

/**
 * Classifies a small portfolio with the real classifier and stores the results as the plan service would, so the
 * routes read what the planner writes. Keys are SKU@LOCATION; annual values in euros.
 */
async function planPortfolio(database: Database): Promise<void> {
  const inputs: StrategyInput[] = [
    // 45-day overseas single source on the most valuable item: buffered, 3 risks × 7 days.
    {
      ...base,
      key: 'PUMP@WS',
      annualValue: 9000,
      sourceCount: 1,
      overseas: true,
      leadTime: { meanDays: 45, sdDays: 3, source: 'quoted' },
    },
    { ...base, key: 'BOLT@WS', annualValue: 700 },
    { ...base, key: 'SEAL@WS', annualValue: 200, demandCv: 0.8, demandClass: 'erratic' },
    { ...base, key: 'GEAR@WS', annualValue: 100, demandCv: 3.5, demandClass: 'lumpy' },
  ];
  const results = classifyPortfolio(inputs, DEFAULT_PLANNING_SETTINGS);
  for (const [i, result] of results.entries()) {
    const [sku, code] = result.key.split('@') as [string, string];
    const item = await database.db.selectFrom('items').select('id').where('sku', '=', sku).executeTakeFirstOrThrow();
    const location = await database.db
      .selectFrom('locations')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    await storeRecommendation(database, sku, code, {
      computed_at: now,
      data_through: '2026-05-31',
      kind: result.strategy === 'make_to_order' ? 'make_to_order' : 'reorder_point',
      demand_class: inputs[i]!.demandClass,
      lead_time_days: inputs[i]!.leadTime?.meanDays ?? null,
      abc: result.abc,
      xyz: result.xyz,
      strategy: result.strategy,
      buffer_days: result.bufferDays,
      annual_value_minor: Math.round(inputs[i]!.annualValue * 100),
      risk_flags: JSON.stringify(result.riskFlags),
      reasons: JSON.stringify(result.reasons),
    });
    await database.db
      .insertInto('balances')
      .values({
        item_id: item.id,
        location_id: location.id,
        on_hand_milli: 10_000 * (i + 1),
        allocated_milli: 0,
        on_order_milli: 0,
        updated_at: now,
      })
      .execute();
  }
}

describeEachDialect('strategy routes', ({ database }) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildApp({ database: database(), clock: () => now });
    await seedCatalogue(database(), { items: ['PUMP', 'BOLT', 'SEAL', 'GEAR'], locations: ['WS'] });
  });
  afterEach(async () => {
    await app.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('answers the portfolio per strategy with cash, annual value, shares and the ABC × XYZ matrix', async () => {
    await planPortfolio(database());
    const res = await get('/api/v1/strategy/portfolio');
    expect(res.statusCode).toBe(200);
    const portfolio = res.json();
    // Values 9,000 + 700 + 200 + 100 = 10,000: PUMP starts at 0 % → A, BOLT at 90 % → B, SEAL at 97 % → C, GEAR at
    // 99 % → C. PUMP buffered; BOLT lean; SEAL (Y, erratic) lean; GEAR (Z, lumpy, class C, medium criticality) make
    // to order.
    expect(portfolio.strategies).toEqual([
      { strategy: 'lean', items: 2, item_share: 0.5 },
      { strategy: 'buffered', items: 1, item_share: 0.25 },
      { strategy: 'make_to_order', items: 1, item_share: 0.25 },
    ]);
    // Every item costs 1.00; on hand 10, 20, 30, 40 in input order: cash PUMP 10, BOLT 20, SEAL 30, GEAR 40.
    expect(portfolio.money).toEqual([
      {
        currency: 'EUR',
        items: 4,
        items_without_cost: 0,
        cash_in_stock: 100,
        annual_value: 10_000,
        strategies: [
          {
            strategy: 'lean',
            items: 2,
            cash_in_stock: 50,
            cash_share: 0.5,
            annual_value: 900,
            annual_value_share: 0.09,
          },
          {
            strategy: 'buffered',
            items: 1,
            cash_in_stock: 10,
            cash_share: 0.1,
            annual_value: 9000,
            annual_value_share: 0.9,
          },
          {
            strategy: 'make_to_order',
            items: 1,
            cash_in_stock: 40,
            cash_share: 0.4,
            annual_value: 100,
            annual_value_share: 0.01,
          },
        ],
      },
    ]);
    const cells = Object.fromEntries(
      (portfolio.matrix as Array<{ abc: string; xyz: string; items: number }>).map((c) => [`${c.abc}${c.xyz}`, c]),
    );
    expect(cells['AX']).toEqual({ abc: 'A', xyz: 'X', items: 1, lean: 0, buffered: 1, make_to_order: 0 });
    expect(cells['BX']).toEqual({ abc: 'B', xyz: 'X', items: 1, lean: 1, buffered: 0, make_to_order: 0 });
    expect(cells['CY']).toEqual({ abc: 'C', xyz: 'Y', items: 1, lean: 1, buffered: 0, make_to_order: 0 });
    expect(cells['CZ']).toEqual({ abc: 'C', xyz: 'Z', items: 1, lean: 0, buffered: 0, make_to_order: 1 });
    expect(portfolio).toMatchObject({ items: 4, unclassified: 0, computed_at: '2026-06-01T12:00:00.000Z' });
  });

  it('lists the items of a strategy with their flags, buffer and reasons', async () => {
    await planPortfolio(database());
    const res = await get('/api/v1/strategy/items?strategy=buffered');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      data: [
        expect.objectContaining({
          sku: 'PUMP',
          location: 'WS',
          strategy: 'buffered',
          abc: 'A',
          xyz: 'X',
          risk_flags: ['single_source', 'long_lead_time', 'overseas'],
          buffer_days: 21,
          on_hand: 10,
          cash_in_stock: 10,
          annual_value: 9000,
          lead_time_days: 45,
          reasons: expect.arrayContaining([
            'Buffered: single source, long lead time and overseas supplier on a class A item; 21 days of demand are held on top of the safety stock.',
            'Long lead time: 45 days quoted, long from 30 days.',
          ]),
        }),
      ],
      next_cursor: null,
    });
    const mto = (await get('/api/v1/strategy/items?abc=C&xyz=Z')).json();
    expect(mto.data.map((i: { sku: string; strategy: string }) => [i.sku, i.strategy])).toEqual([
      ['GEAR', 'make_to_order'],
    ]);
    const flagged = (await get('/api/v1/strategy/items?flag=overseas')).json();
    expect(flagged.data.map((i: { sku: string }) => i.sku)).toEqual(['PUMP']);
    const paged = (await get('/api/v1/strategy/items?limit=3')).json();
    expect(paged.data.map((i: { sku: string }) => i.sku)).toEqual(['BOLT', 'GEAR', 'PUMP']);
    const rest = (await get(`/api/v1/strategy/items?limit=3&cursor=${paged.next_cursor}`)).json();
    expect(rest).toMatchObject({ data: [{ sku: 'SEAL' }], next_cursor: null });
  });

  it('refuses a bad filter value with a 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['strategy=fast', 'strategy: must be equal to one of the allowed values: lean, buffered, make_to_order'],
      ['abc=D', 'abc: must be equal to one of the allowed values: A, B, C'],
      ['xyz=W', 'xyz: must be equal to one of the allowed values: X, Y, Z'],
      ['flag=cheap', 'flag: must be equal to one of the allowed values'],
      ['limit=0', 'limit: must be >= 1'],
      ['cursor=garbage', 'cursor: is not a cursor this list returned'],
    ];
    for (const [query, message] of cases) {
      const res = await get(`/api/v1/strategy/items?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('LS_VALIDATION');
      expect(res.json().error.message).toContain(message);
    }
  });

  it('answers an empty portfolio before the first plan', async () => {
    const res = await get('/api/v1/strategy/portfolio');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ items: 0, computed_at: null, money: [] });
    expect((await get('/api/v1/strategy/items')).json()).toEqual({ data: [], next_cursor: null });
  });
});

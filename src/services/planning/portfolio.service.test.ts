import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { storeRecommendation } from '../../../test/support/plan-recommendation.js';
import { DomainError } from '../../domain/errors.js';
import type { Database } from '../../store/database.js';
import { getPortfolio, listStrategyItems } from './portfolio.service.js';

const t0 = Date.UTC(2026, 5, 1, 6);

type Rec = {
  strategy: 'lean' | 'buffered' | 'make_to_order';
  abc?: 'A' | 'B' | 'C' | null;
  xyz?: 'X' | 'Y' | 'Z' | null;
  flags?: string[];
  bufferDays?: number;
  annualValueMinor?: number | null;
  reasons?: string[];
  computedAt?: number;
};

/** Writes a recommendation row as the plan service would (only the columns the portfolio reads matter here). */
async function recommend(database: Database, pair: string, rec: Rec): Promise<void> {
  const [sku, code] = pair.split('@') as [string, string];
  await storeRecommendation(database, sku, code, {
    computed_at: rec.computedAt ?? t0,
    data_through: '2026-05-31',
    kind: rec.strategy === 'make_to_order' ? 'make_to_order' : 'reorder_point',
    forecast_method: 'ses',
    demand_class: 'smooth',
    mean_per_day: 2.5,
    sd_per_day: 1,
    lead_time_days: 12,
    lead_time_sd_days: 2,
    lead_time_source: 'measured',
    service_level: 0.95,
    service_type: 'cycle',
    abc: rec.abc === undefined ? 'A' : rec.abc,
    xyz: rec.xyz === undefined ? 'X' : rec.xyz,
    strategy: rec.strategy,
    buffer_days: rec.bufferDays ?? 0,
    annual_value_minor: rec.annualValueMinor === undefined ? 0 : rec.annualValueMinor,
    risk_flags: JSON.stringify(rec.flags ?? []),
    reasons: JSON.stringify(rec.reasons ?? [`${rec.strategy}.`]),
  });
}

async function setStock(database: Database, pair: string, onHandMilli: number, unitCostMinor?: number | null) {
  const [sku, code] = pair.split('@') as [string, string];
  const item = await database.db.selectFrom('items').select('id').where('sku', '=', sku).executeTakeFirstOrThrow();
  const location = await database.db
    .selectFrom('locations')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  await database.db
    .insertInto('balances')
    .values({
      item_id: item.id,
      location_id: location.id,
      on_hand_milli: onHandMilli,
      allocated_milli: 0,
      on_order_milli: 0,
      updated_at: t0,
    })
    .execute();
  if (unitCostMinor !== undefined) {
    await database.db.updateTable('items').set({ unit_cost_minor: unitCostMinor }).where('id', '=', item.id).execute();
  }
}

describeEachDialect('portfolio service', ({ database }) => {
  it('answers an empty portfolio with all strategies and all nine matrix cells at zero', async () => {
    const portfolio = await getPortfolio(database());
    expect(portfolio).toMatchObject({ items: 0, computed_at: null, money: [], unclassified: 0 });
    expect(portfolio.strategies).toEqual([
      { strategy: 'lean', items: 0, item_share: 0 },
      { strategy: 'buffered', items: 0, item_share: 0 },
      { strategy: 'make_to_order', items: 0, item_share: 0 },
    ]);
    expect(portfolio.matrix.map((c) => `${c.abc}${c.xyz}:${c.items}`)).toEqual([
      'AX:0',
      'AY:0',
      'AZ:0',
      'BX:0',
      'BY:0',
      'BZ:0',
      'CX:0',
      'CY:0',
      'CZ:0',
    ]);
  });

  it('sums items, cash in stock and annual value by strategy, with shares and the ABC × XYZ matrix', async () => {
    await seedCatalogue(database(), {
      items: ['BOLT', 'NUT', 'GEAR', 'PUMP', 'SEAL', 'OLD', 'DOLLAR', 'FREE'],
      locations: ['WS', 'VAN'],
    });
    // Cash = on hand × unit cost, summed exactly before rounding to the cent:
    // BOLT@WS 12.345 × 0.07 = 0.86415; BOLT@VAN 0.4 × 0.07 = 0.028 (one unit cost per item);
    // NUT@WS 0.004 × 1.00 = 0.004 and NUT has no VAN stock; GEAR@WS 100 × 12.50 = 1,250;
    // PUMP@WS −3 on hand (negative stock holds no cash); SEAL@WS no unit cost; FREE@WS no balance row.
    await setStock(database(), 'BOLT@WS', 12_345, 7);
    await setStock(database(), 'BOLT@VAN', 400);
    await setStock(database(), 'NUT@WS', 4);
    await setStock(database(), 'GEAR@WS', 100_000, 1250);
    await setStock(database(), 'PUMP@WS', -3000, 45_000);
    await setStock(database(), 'SEAL@WS', 5000, null);
    await setStock(database(), 'OLD@WS', 9_000_000);
    await setStock(database(), 'DOLLAR@WS', 2000, 333);
    await database().db.updateTable('items').set({ currency: 'USD' }).where('sku', '=', 'DOLLAR').execute();
    await database().db.updateTable('items').set({ active: 0 }).where('sku', '=', 'OLD').execute();

    await recommend(database(), 'BOLT@WS', { strategy: 'buffered', abc: 'A', xyz: 'X', annualValueMinor: 900_000 });
    await recommend(database(), 'BOLT@VAN', { strategy: 'buffered', abc: 'A', xyz: 'Y', annualValueMinor: 50_000 });
    await recommend(database(), 'NUT@WS', { strategy: 'lean', abc: 'B', xyz: 'X', annualValueMinor: 40_000 });
    await recommend(database(), 'GEAR@WS', { strategy: 'lean', abc: 'C', xyz: 'Z', annualValueMinor: 10_000 });
    await recommend(database(), 'PUMP@WS', {
      strategy: 'make_to_order',
      abc: 'C',
      xyz: 'Z',
      annualValueMinor: null,
      computedAt: t0 + 60_000,
    });
    await recommend(database(), 'SEAL@WS', { strategy: 'lean', abc: null, xyz: null, annualValueMinor: 0 });
    await recommend(database(), 'FREE@WS', { strategy: 'lean', abc: 'C', xyz: 'Z', annualValueMinor: 0 });
    await recommend(database(), 'OLD@WS', { strategy: 'lean', abc: 'A', xyz: 'X', annualValueMinor: 10 ** 9 });
    await recommend(database(), 'DOLLAR@WS', { strategy: 'buffered', abc: 'B', xyz: 'Y', annualValueMinor: 7_000 });

    const portfolio = await getPortfolio(database());
    // 8 active pairs (OLD is deactivated): buffered BOLT@WS, BOLT@VAN, DOLLAR@WS; lean NUT, GEAR, SEAL, FREE; MTO PUMP.
    expect(portfolio.items).toBe(8);
    expect(portfolio.computed_at).toBe(new Date(t0 + 60_000).toISOString());
    expect(portfolio.strategies).toEqual([
      { strategy: 'lean', items: 4, item_share: 4 / 8 },
      { strategy: 'buffered', items: 3, item_share: 3 / 8 },
      { strategy: 'make_to_order', items: 1, item_share: 1 / 8 },
    ]);
    expect(portfolio.unclassified).toBe(1);
    const cell = (abc: string, xyz: string) => portfolio.matrix.find((c) => c.abc === abc && c.xyz === xyz);
    expect(cell('A', 'X')).toEqual({ abc: 'A', xyz: 'X', items: 1, lean: 0, buffered: 1, make_to_order: 0 });
    expect(cell('B', 'Y')).toEqual({ abc: 'B', xyz: 'Y', items: 1, lean: 0, buffered: 1, make_to_order: 0 });
    expect(cell('C', 'Z')).toEqual({ abc: 'C', xyz: 'Z', items: 3, lean: 2, buffered: 0, make_to_order: 1 });
    expect(portfolio.matrix.reduce((sum, c) => sum + c.items, 0)).toBe(7);

    // EUR: buffered cash 0.86415 + 0.028 = 0.89215 → 0.89; lean 0.004 + 1,250 = 1,250.004 → 1,250.00 (SEAL has no
    // cost, FREE no stock); MTO 0. Total 1,250.89. Annual value: buffered 9,000 + 500 = 9,500; lean 400 + 100 = 500.
    expect(portfolio.money).toEqual([
      {
        currency: 'EUR',
        items: 7,
        items_without_cost: 1,
        cash_in_stock: 1250.89,
        annual_value: 10_000,
        strategies: [
          {
            strategy: 'lean',
            items: 4,
            cash_in_stock: 1250,
            cash_share: 125_000 / 125_089,
            annual_value: 500,
            annual_value_share: 0.05,
          },
          {
            strategy: 'buffered',
            items: 2,
            cash_in_stock: 0.89,
            cash_share: 89 / 125_089,
            annual_value: 9500,
            annual_value_share: 0.95,
          },
          {
            strategy: 'make_to_order',
            items: 1,
            cash_in_stock: 0,
            cash_share: 0,
            annual_value: 0,
            annual_value_share: 0,
          },
        ],
      },
      {
        currency: 'USD',
        items: 1,
        items_without_cost: 0,
        // 2 × 3.33 = 6.66
        cash_in_stock: 6.66,
        annual_value: 70,
        strategies: [
          expect.objectContaining({ strategy: 'lean', items: 0, cash_in_stock: 0, cash_share: 0 }),
          {
            strategy: 'buffered',
            items: 1,
            cash_in_stock: 6.66,
            cash_share: 1,
            annual_value: 70,
            annual_value_share: 1,
          },
          expect.objectContaining({ strategy: 'make_to_order', items: 0 }),
        ],
      },
    ]);
  });

  it('adds fractions of a cent before rounding the cash in stock', async () => {
    await seedCatalogue(database(), { items: ['A1', 'A2'], locations: ['WS'] });
    // 0.4 × 0.01 = 0.004 each: 0.008 together → 0.01, though each alone rounds to 0.00.
    await setStock(database(), 'A1@WS', 400, 1);
    await setStock(database(), 'A2@WS', 400, 1);
    await recommend(database(), 'A1@WS', { strategy: 'lean' });
    await recommend(database(), 'A2@WS', { strategy: 'lean' });
    const portfolio = await getPortfolio(database());
    expect(portfolio.money[0]!.strategies[0]!.cash_in_stock).toBe(0.01);
    const items = await listStrategyItems(database());
    expect(items.data.map((i) => i.cash_in_stock)).toEqual([0, 0]);
  });

  it('lists items with strategy, classes, flags, buffer and reasons, by SKU and location', async () => {
    await seedCatalogue(database(), { items: ['BOLT', 'NUT'], locations: ['WS', 'VAN'] });
    await setStock(database(), 'BOLT@WS', 12_345, 7);
    await recommend(database(), 'BOLT@WS', {
      strategy: 'buffered',
      flags: ['single_source', 'overseas'],
      bufferDays: 14,
      annualValueMinor: 900_000,
      reasons: ['Buffered: single source and overseas supplier on a class A item.', 'Class A: ...'],
    });
    await recommend(database(), 'NUT@VAN', { strategy: 'lean', abc: 'C', xyz: 'Z' });
    await recommend(database(), 'BOLT@VAN', { strategy: 'lean', abc: 'B', xyz: 'Y', annualValueMinor: null });

    const page = await listStrategyItems(database());
    expect(page.next_cursor).toBeNull();
    expect(page.data.map((i) => `${i.sku}@${i.location}`)).toEqual(['BOLT@VAN', 'BOLT@WS', 'NUT@VAN']);
    expect(page.data[1]).toEqual({
      sku: 'BOLT',
      item_name: 'Item BOLT',
      location: 'WS',
      strategy: 'buffered',
      abc: 'A',
      xyz: 'X',
      criticality: 'medium',
      risk_flags: ['single_source', 'overseas'],
      buffer_days: 14,
      reasons: ['Buffered: single source and overseas supplier on a class A item.', 'Class A: ...'],
      demand_class: 'smooth',
      mean_per_day: 2.5,
      lead_time_days: 12,
      currency: 'EUR',
      unit_cost: 0.07,
      on_hand: 12.345,
      // 12.345 × 0.07 = 0.86415 → 0.86
      cash_in_stock: 0.86,
      annual_value: 9000,
      computed_at: new Date(t0).toISOString(),
    });
    expect(page.data[0]).toMatchObject({ on_hand: 0, cash_in_stock: 0, annual_value: null, unit_cost: 0.07 });
  });

  it('filters by strategy, ABC class, XYZ class and risk flag, and pages with a cursor', async () => {
    const skus = ['S1', 'S2', 'S3', 'S4', 'S5'];
    await seedCatalogue(database(), { items: skus, locations: ['WS'] });
    await recommend(database(), 'S1@WS', { strategy: 'buffered', abc: 'A', xyz: 'X', flags: ['single_source'] });
    await recommend(database(), 'S2@WS', {
      strategy: 'buffered',
      abc: 'B',
      xyz: 'Z',
      flags: ['long_lead_time', 'volatile_demand'],
    });
    await recommend(database(), 'S3@WS', { strategy: 'lean', abc: 'A', xyz: 'Y', flags: ['single_source'] });
    await recommend(database(), 'S4@WS', { strategy: 'make_to_order', abc: 'C', xyz: 'Z' });
    await recommend(database(), 'S5@WS', { strategy: 'lean', abc: 'C', xyz: 'X', flags: ['low_supplier_otif'] });

    const skusOf = async (query: Parameters<typeof listStrategyItems>[1]) =>
      (await listStrategyItems(database(), query)).data.map((i) => i.sku);
    expect(await skusOf({ strategy: 'buffered' })).toEqual(['S1', 'S2']);
    expect(await skusOf({ strategy: 'make_to_order' })).toEqual(['S4']);
    expect(await skusOf({ abc: 'A' })).toEqual(['S1', 'S3']);
    expect(await skusOf({ xyz: 'Z' })).toEqual(['S2', 'S4']);
    expect(await skusOf({ flag: 'single_source' })).toEqual(['S1', 'S3']);
    expect(await skusOf({ flag: 'volatile_demand' })).toEqual(['S2']);
    expect(await skusOf({ flag: 'overseas' })).toEqual([]);
    expect(await skusOf({ strategy: 'lean', abc: 'A', flag: 'single_source' })).toEqual(['S3']);

    const first = await listStrategyItems(database(), { limit: 2 });
    expect(first.data.map((i) => i.sku)).toEqual(['S1', 'S2']);
    const second = await listStrategyItems(database(), { limit: 2, cursor: first.next_cursor! });
    expect(second.data.map((i) => i.sku)).toEqual(['S3', 'S4']);
    const third = await listStrategyItems(database(), { limit: 2, cursor: second.next_cursor! });
    expect(third).toMatchObject({ data: [{ sku: 'S5' }], next_cursor: null });
  });

  it('refuses filter values outside their sets, naming each field', async () => {
    const refused = listStrategyItems(database(), { strategy: 'fast', abc: 'D', xyz: 'x', flag: 'cheap' });
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: 'strategy: must be one of lean, buffered, make_to_order (and 3 more problems)',
      details: [
        { field: 'strategy', value: 'fast' },
        { field: 'abc', message: 'must be one of A, B, C', value: 'D' },
        { field: 'xyz', message: 'must be one of X, Y, Z', value: 'x' },
        { field: 'flag', value: 'cheap' },
      ],
    });
    await expect(listStrategyItems(database(), { cursor: 'nonsense' })).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: 'cursor: is not a cursor this list returned',
    });
    await expect(listStrategyItems(database(), { limit: 0 })).rejects.toMatchObject({ code: 'LS_VALIDATION' });
  });
});

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { METRICS_NOW, seedMetricsScenario } from '../../../test/support/metrics-fixture.js';
import { DomainError } from '../../domain/errors.js';
import { getMetrics, resolvePeriod } from './metrics.service.js';

const period = { from: '2026-06-01', to: '2026-06-10' };

describeEachDialect('inventory metrics', ({ database }) => {
  it('measures turnover, days of supply, cash, holding cost, stock-outs, fill rate, OTIF and orders over a period', async () => {
    await seedMetricsScenario(database());
    const report = await getMetrics(database(), period, METRICS_NOW);
    expect(report).toMatchObject({ from: '2026-06-01', to: '2026-06-10', days: 10, holding_rate_per_year: 0.25 });

    // BOLT@WS closes the ten days at 10, 6, 6, 0, 0, 10, 10, 5, 5, 5 (the issue of 9 June was reversed): Σ 57, an
    // average of 5.7 at 1.00 EUR. Issued 4 + 6 + 5 = 15 → cost of goods 15.00 EUR; turnover 15 × 365/10 / 5.7 =
    // 96.053 a year; cash at the close 5 × 1.00; days of supply 5 / (15 / 10) = 3.3; holding 5.7 × 0.25 × 10/365 =
    // 0.039 → 0.04. BOLT@DC has a policy and no stock: counted, worth nothing.
    // NUT@DC (GBP 2.50) holds 1, 1, then nothing (−2 backordered counts as none): Σ 2 → 0.2 × 2.50 = 0.50; sold 3 →
    // 7.50; turnover 7.5 × 36.5 / 0.5 = 547.5.
    expect(report.overall.money).toEqual([
      {
        currency: 'EUR',
        item_locations: 2,
        without_cost: 0,
        cost_of_goods_issued: 15,
        average_inventory_value: 5.7,
        inventory_turnover: 96.053,
        cash_in_stock: 5,
        days_of_supply: 3.3,
        holding_cost: 0.04,
      },
      {
        currency: 'GBP',
        item_locations: 1,
        without_cost: 0,
        cost_of_goods_issued: 7.5,
        average_inventory_value: 0.5,
        inventory_turnover: 547.5,
        cash_in_stock: 0,
        days_of_supply: 0,
        holding_cost: 0,
      },
    ]);

    // Stock-out days of BOLT@WS: 4 June (out after the issue), 5 June (opened out), 6 June (opened out, restocked at
    // noon) of its 10 stocked days; BOLT@DC was never stocked, NUT@DC is make-to-order (not counted).
    // Fill rate: BOLT served all 15 from stock (NUT's 3, of which 1 from stock, are backorders and left out).
    // Lost demand: BOLT's days without a stock-out (1–3 and 7–10 June) saw 4 + 5 = 9 in 7 days; the two days that
    // opened out of stock lost 9/7 each: 18/7 = 2.571, so the estimated fill rate is 15 / (15 + 18/7) = 0.8537.
    // OTIF: three lines settled in the period (on time and in full; late in full; closed short on time): on time 2/3,
    // in full 2/3, both 1/3. Orders sent 1 and 2 June: 2 in 10 days = 2 / (10 × 12/365) = 6.08 a month.
    expect(report.overall).toMatchObject({
      item_locations: 3,
      demand: 18,
      served_from_stock: 16,
      fill_rate: 1,
      estimated_lost_demand: 2.571,
      estimated_fill_rate: 0.8537,
      stock_out_days: 3,
      policy_days: 10,
      stock_out_rate: 0.3,
      supplier_lines: 3,
      supplier_on_time: 0.6667,
      supplier_in_full: 0.6667,
      supplier_otif: 0.3333,
      orders_sent: 2,
      orders_per_month: 6.08,
    });
    expect(report.suppliers).toEqual([
      { supplier: 'ACME', name: 'Acme', lines: 3, on_time: 0.6667, in_full: 0.6667, otif: 0.3333 },
    ]);
    expect(report.orders_by_month).toEqual([{ month: '2026-06', orders: 2 }]);

    expect(report.sites.map((s) => s.site)).toEqual(['DC', 'WS']);
    const [dc, ws] = report.sites;
    expect(dc).toMatchObject({
      item_locations: 2,
      demand: 3,
      served_from_stock: 1,
      fill_rate: null,
      stock_out_days: 0,
      supplier_lines: 1,
      supplier_otif: 0,
      orders_sent: 1,
    });
    expect(ws).toMatchObject({
      item_locations: 1,
      demand: 15,
      stock_out_days: 3,
      supplier_lines: 2,
      supplier_on_time: 0.5,
      supplier_otif: 0.5,
      orders_sent: 1,
    });
    expect(report.categories.map((c) => [c.category, c.item_locations, c.demand])).toEqual([
      ['fasteners', 2, 15],
      ['seals', 1, 3],
    ]);
  });

  it('narrows every figure to a location (a site with its bins) and a category', async () => {
    await seedMetricsScenario(database());
    const dc = await getMetrics(database(), { ...period, location: 'DC' }, METRICS_NOW);
    expect(dc.location).toBe('DC');
    expect(dc.overall).toMatchObject({ item_locations: 2, demand: 3, supplier_lines: 1, orders_sent: 1 });
    expect(dc.sites.map((s) => s.site)).toEqual(['DC']);

    const fasteners = await getMetrics(database(), { ...period, category: 'fasteners' }, METRICS_NOW);
    expect(fasteners.overall).toMatchObject({ item_locations: 2, demand: 15, supplier_lines: 2, orders_sent: 1 });
    expect(fasteners.overall.money.map((m) => m.currency)).toEqual(['EUR']);
  });

  it('defaults to the last 365 complete days, and reads on hand back from today', async () => {
    await seedMetricsScenario(database());
    const report = await getMetrics(database(), {}, METRICS_NOW);
    expect(report).toMatchObject({ from: '2025-06-11', to: '2026-06-10', days: 365 });
    // Same demand and closing stock as the ten days: nothing moved before 20 May.
    expect(report.overall).toMatchObject({ demand: 18, stock_out_days: 3 });
    expect(report.overall.money[0]).toMatchObject({ cost_of_goods_issued: 15, cash_in_stock: 5 });
    // BOLT@WS held 10 from 20 May (12 days) plus the 57 of June: (12 × 10 + 57) / 365 = 0.485 EUR on average.
    expect(report.overall.money[0]!.average_inventory_value).toBe(0.48);
  });

  it('refuses a bad period or an unknown location, naming the field', async () => {
    await expect(getMetrics(database(), { from: '2026-02-30' }, METRICS_NOW)).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: 'from: must be a date YYYY-MM-DD',
    });
    await expect(getMetrics(database(), { from: '2026-06-05', to: '2026-06-01' }, METRICS_NOW)).rejects.toMatchObject({
      code: 'LS_VALIDATION',
      message: 'from: must not be after to (2026-06-01)',
    });
    await expect(getMetrics(database(), { location: 'NOWHERE' }, METRICS_NOW)).rejects.toBeInstanceOf(DomainError);
    await expect(getMetrics(database(), { location: 'NOWHERE' }, METRICS_NOW)).rejects.toMatchObject({
      code: 'LS_UNKNOWN_LOCATION',
    });
  });
});

it('resolves periods: to defaults to yesterday, from to 365 days before it, today at the latest', () => {
  expect(resolvePeriod({}, METRICS_NOW)).toEqual({
    fromDay: expect.any(Number),
    toDay: expect.any(Number),
    from: '2025-06-11',
    to: '2026-06-10',
    days: 365,
  });
  expect(resolvePeriod({ to: '2026-06-11' }, METRICS_NOW)).toMatchObject({ from: '2025-06-12', days: 365 });
  expect(() => resolvePeriod({ to: '2026-06-12' }, METRICS_NOW)).toThrow('to: must not be after today (2026-06-11)');
  expect(() => resolvePeriod({ from: '2016-01-01', to: '2026-06-01' }, METRICS_NOW)).toThrow(
    'from: the period may cover at most 3660 days',
  );
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeDaysOfSupply,
  computeHoldingCost,
  computeInventoryTurnover,
  computeOrdersPerMonth,
  type LedgerEntry,
  shareOf,
  summarizeDailyStock,
  walkDailyStock,
} from './metrics.js';

const DAY = 86_400_000;
const days = (n: number, start = 0) => Float64Array.from({ length: n + 1 }, (_, k) => start + k * DAY);
const at = (day: number, hour: number) => day * DAY + hour * 3_600_000;
const issue = (occurredAt: number, units: number): LedgerEntry => ({
  occurredAt,
  quantityMilli: -units * 1000,
  demandMilli: units * 1000,
});
const receipt = (occurredAt: number, units: number): LedgerEntry => ({
  occurredAt,
  quantityMilli: units * 1000,
  demandMilli: 0,
});

describe('inventory turnover, days of supply and holding cost', () => {
  // Heizer, Render & Munson, Operations Management, 12th ed., ch. 11, Solved Problem 11.1 (Jack's Pottery Outlet):
  // inventory $375,000 at the start of the year and $325,000 at its end → average (375,000 + 325,000) / 2 = 350,000;
  // cost of goods sold $7,000,000 a year.
  const averageInventory = (375_000 + 325_000) / 2;
  const costOfGoodsSold = 7_000_000;

  it("reproduces Jack's Pottery Outlet: 7,000,000 / 350,000 = 20 turns a year", () => {
    expect(averageInventory).toBe(350_000);
    expect(computeInventoryTurnover(costOfGoodsSold, averageInventory)).toBe(20);
  });

  it('reproduces its 2.6 weeks of supply, 350,000 / (7,000,000 / 52), as 18.25 days', () => {
    expect(computeDaysOfSupply(averageInventory, costOfGoodsSold / 52)).toBeCloseTo(2.6, 12);
    // In days: 350,000 / (7,000,000 / 365) = 350,000 × 365 / 7,000,000 = 18.25.
    expect(computeDaysOfSupply(averageInventory, costOfGoodsSold / 365)).toBeCloseTo(18.25, 12);
  });

  it('scales turnover of a shorter period to a year: a quarter of the cost in 91.25 days turns as often', () => {
    expect(computeInventoryTurnover(costOfGoodsSold / 4, averageInventory, 365 / 4)).toBeCloseTo(20, 12);
    // 30 days with COGS 70,000 on an average of 50,000: 70,000 × 365/30 / 50,000 = 17.033…
    expect(computeInventoryTurnover(70_000, 50_000, 30)).toBeCloseTo((70_000 * 365) / 30 / 50_000, 12);
  });

  it('has no turnover without inventory and no days of supply without demand', () => {
    expect(computeInventoryTurnover(1000, 0)).toBeNull();
    expect(computeDaysOfSupply(40, 0)).toBeNull();
  });

  it('charges the holding rate for the share of the year: 10,000 × 0.25 × 73/365 = 500', () => {
    expect(computeHoldingCost(10_000, 0.25, 73)).toBeCloseTo(500, 9);
    expect(computeHoldingCost(10_000, 0.25, 365)).toBe(2500);
  });

  it('counts orders per month as orders over twelfths of a year', () => {
    expect(computeOrdersPerMonth(24, 365)).toBe(2);
    // 6 orders in 73 days = 73 × 12 / 365 = 2.4 months → 2.5 a month.
    expect(computeOrdersPerMonth(6, 73)).toBeCloseTo(2.5, 12);
    expect(shareOf(3, 4)).toBe(0.75);
    expect(shareOf(0, 0)).toBeNull();
  });
});

describe('walkDailyStock', () => {
  it('runs on hand day by day, serves demand from stock, flags stock-out days and counts episodes', () => {
    // Day 0: 10 on hand, issue 4 → 6. Day 1: issue 6 → 0 (out: an episode begins). Day 2: opens at 0, receipt 8 →
    // 8. Day 3: issue 8 → 0, receipt 5 → 5 (a second episode, in stock at the close). Day 4: nothing.
    const stock = walkDailyStock(
      days(5),
      10_000,
      [issue(at(0, 9), 4), issue(at(1, 9), 6), receipt(at(2, 10), 8), issue(at(3, 9), 8), receipt(at(3, 15), 5)],
      Number.NEGATIVE_INFINITY,
    );
    expect([...stock.closingMilli]).toEqual([6000, 0, 8000, 5000, 5000]);
    expect([...stock.demandMilli]).toEqual([4000, 6000, 0, 8000, 0]);
    expect([...stock.servedMilli]).toEqual([4000, 6000, 0, 8000, 0]);
    expect([...stock.stockOut]).toEqual([0, 1, 1, 1, 0]);
    expect([...stock.openedOut]).toEqual([0, 0, 1, 0, 0]);
    expect([...stock.episodeStarts]).toEqual([0, 1, 0, 1, 0]);
  });

  it('counts a backorder (on hand below zero) as demand not served from stock', () => {
    // 3 on hand; a make-to-order sale of 5 serves 3 from stock, 2 are backordered (on hand −2); the next sale of 1
    // finds no stock: served 0.
    const stock = walkDailyStock(days(1), 3000, [issue(at(0, 9), 5), issue(at(0, 10), 1)], 0);
    expect(stock.demandMilli[0]).toBe(6000);
    expect(stock.servedMilli[0]).toBe(3000);
    expect(stock.closingMilli[0]).toBe(-3000);
    const summary = summarizeDailyStock(stock);
    expect(summary.servedMilli / summary.demandMilli).toBe(0.5);
  });

  it('does not count the days before a pair was first stocked as stock-outs', () => {
    // Nothing until the first receipt on day 2 at 10:00; out again on day 3.
    const first = at(2, 10);
    const stock = walkDailyStock(days(4), 0, [receipt(first, 5), issue(at(3, 8), 5)], first);
    expect([...stock.stocked]).toEqual([0, 0, 1, 1]);
    expect([...stock.stockOut]).toEqual([0, 0, 0, 1]);
    expect([...stock.episodeStarts]).toEqual([0, 0, 0, 1]);
    const summary = summarizeDailyStock(stock);
    expect(summary.stockedDays).toBe(2);
    expect(summary.stockOutDays).toBe(1);
  });

  it('begins an episode on day 0 when the window opens out of stock, and counts one under way at a later start', () => {
    const stock = walkDailyStock(days(4), 0, [receipt(at(2, 12), 3)], Number.NEGATIVE_INFINITY);
    expect([...stock.stockOut]).toEqual([1, 1, 1, 0]);
    expect([...stock.episodeStarts]).toEqual([1, 0, 0, 0]);
    expect(summarizeDailyStock(stock).stockOutEpisodes).toBe(1);
    // Days 1–3 only: the stock-out under way since day 0 is one of their episodes.
    expect(summarizeDailyStock(stock, 1, 4).stockOutEpisodes).toBe(1);
    expect(summarizeDailyStock(stock, 3, 4).stockOutEpisodes).toBe(0);
  });

  it('ignores movements outside the window', () => {
    const stock = walkDailyStock(days(2, DAY), 5000, [issue(at(0, 9), 1), issue(at(1, 9), 2), issue(at(3, 9), 1)], 0);
    expect([...stock.demandMilli]).toEqual([2000, 0]);
    expect([...stock.closingMilli]).toEqual([3000, 3000]);
  });

  it('estimates lost demand on the days that began out of stock from the demand of the days in stock', () => {
    // Days 0–3 in stock with demand 2, 4, 3, 3 (mean 3); day 4 out (closes at 0); days 5 and 6 open out of stock,
    // day 6 gets a receipt of 10 at noon and an issue of 1 after it.
    const entries = [
      receipt(at(0, 6), 14),
      issue(at(0, 9), 2),
      issue(at(1, 9), 4),
      issue(at(2, 9), 3),
      issue(at(3, 9), 3),
      issue(at(4, 9), 2),
      receipt(at(6, 12), 10),
      issue(at(6, 13), 1),
    ];
    const summary = summarizeDailyStock(walkDailyStock(days(7), 0, entries, at(0, 6)));
    expect(summary.stockOutDays).toBe(3);
    // In-stock days 0–3: (2 + 4 + 3 + 3) / 4 = 3 a day. Opened out: day 5 (demand 0) → 3 lost; day 6 (demand 1) → 2.
    expect(summary.uncensoredMeanMilli).toBe(3000);
    expect(summary.estimatedLostMilli).toBe(5000);
    expect(summary.demandMilli).toBe(15_000);
    expect(summary.servedMilli).toBe(15_000);
    // Average inventory: closings 12, 8, 5, 2, 0, 0, 9 → Σ 36 unit-days.
    expect(summary.inventoryMilliDays).toBe(36_000);
    expect(summary.closingMilli).toBe(9000);
  });

  it('keeps the ledger: closing = opening + Σ changes; served ≤ demand; a stock-out day whenever a closing is ≤ 0', () => {
    const entry = fc.record({
      day: fc.integer({ min: 0, max: 9 }),
      minute: fc.integer({ min: 0, max: 1439 }),
      milli: fc.integer({ min: -5000, max: 5000 }).filter((q) => q !== 0),
      demand: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.integer({ min: -2000, max: 8000 }), fc.array(entry, { maxLength: 40 }), (opening, raw) => {
        const entries = raw
          .map((e) => ({
            occurredAt: e.day * DAY + e.minute * 60_000,
            quantityMilli: e.demand ? -Math.abs(e.milli) : e.milli,
            demandMilli: e.demand ? Math.abs(e.milli) : 0,
          }))
          .sort((a, b) => a.occurredAt - b.occurredAt);
        const stock = walkDailyStock(days(10), opening, entries, Number.NEGATIVE_INFINITY);
        let onHand = opening;
        let demand = 0;
        for (let d = 0; d < 10; d++) {
          for (const e of entries) if (Math.floor(e.occurredAt / DAY) === d) onHand += e.quantityMilli;
          expect(stock.closingMilli[d]).toBe(onHand);
          expect(stock.servedMilli[d]!).toBeLessThanOrEqual(stock.demandMilli[d]!);
          if (onHand <= 0) expect(stock.stockOut[d]).toBe(1);
          demand += stock.demandMilli[d]!;
        }
        const summary = summarizeDailyStock(stock);
        expect(summary.demandMilli).toBe(demand);
        // Every episode begins on a stock-out day.
        for (let d = 0; d < 10; d++) if (stock.episodeStarts[d]! > 0) expect(stock.stockOut[d]).toBe(1);
      }),
    );
  });
});

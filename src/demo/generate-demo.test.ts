import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeOnHandChange } from '../domain/ledger/index.js';
import type { DemoMovement } from './demo-history.js';
import { type DemoData, generateDemo } from './generate-demo.js';

const NOW = Date.UTC(2026, 10, 24, 15, 30);
const DAY_MS = 86_400_000;

/** Replays movements in order like the ledger does; returns the lowest on hand seen and where. */
function replay(movements: DemoMovement[]): { lowestMilli: number; at: string | null } {
  const onHand = new Map<string, number>();
  let lowestMilli = 0;
  let at: string | null = null;
  const apply = (key: string, change: number) => {
    const after = (onHand.get(key) ?? 0) + change;
    onHand.set(key, after);
    if (after < lowestMilli) {
      lowestMilli = after;
      at = key;
    }
  };
  for (const m of movements) {
    const milli = Math.round(m.quantity * 1000);
    if (m.type === 'transfer') {
      apply(`${m.sku}@${m.from}`, -milli);
      apply(`${m.sku}@${m.to}`, milli);
    } else {
      const key = `${m.sku}@${m.location}`;
      apply(key, computeOnHandChange(m.type, milli, onHand.get(key) ?? 0));
    }
  }
  return { lowestMilli, at };
}

type Demand = { quantity: number; reason: string | null };

/** Demand (sales + issues) per item@bin per UTC day (= local day: business hours in Berlin and Lisbon). */
function demandByDay(movements: DemoMovement[]): Map<string, Map<string, Demand[]>> {
  const result = new Map<string, Map<string, Demand[]>>();
  for (const m of movements) {
    if (m.type !== 'sale' && m.type !== 'issue') continue;
    const key = `${m.sku}@${m.location}`;
    const days = result.get(key) ?? new Map<string, Demand[]>();
    const day = m.occurred_at.slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), { quantity: m.quantity, reason: m.reason }]);
    result.set(key, days);
  }
  return result;
}

function weekdaysOf(data: DemoData): string[] {
  const days: string[] = [];
  for (let ms = Date.parse(data.firstDay); ms <= Date.parse(data.lastDay); ms += DAY_MS) {
    const weekday = new Date(ms).getUTCDay();
    if (weekday >= 1 && weekday <= 5) days.push(new Date(ms).toISOString().slice(0, 10));
  }
  return days;
}

describe('demo generator', () => {
  let demo: DemoData;
  beforeAll(() => {
    demo = generateDemo({ seed: 42, now: NOW });
  });

  it('gives identical output for the same seed and the same day, and different output for another seed', () => {
    const small = { now: NOW, itemCount: 30, days: 120 };
    const first = generateDemo({ seed: 9, ...small });
    expect(generateDemo({ seed: 9, ...small })).toEqual(first);
    expect(generateDemo({ seed: 10, ...small }).movements).not.toEqual(first.movements);
    expect(generateDemo({ seed: 42, now: NOW })).toEqual(demo);
  });

  it('builds a catalogue of about 300 items in six categories, with units, costs, criticality and some shelf lives', () => {
    expect(demo.items).toHaveLength(300);
    expect(new Set(demo.items.map((i) => i.sku)).size).toBe(300);
    expect(new Set(demo.items.map((i) => i.category))).toEqual(
      new Set(['fasteners', 'consumables', 'spare_parts', 'packaging', 'safety_gear', 'raw_materials']),
    );
    expect(new Set(demo.items.map((i) => i.criticality))).toEqual(new Set(['low', 'medium', 'high', 'critical']));
    expect(new Set(demo.items.map((i) => i.unit))).toEqual(expect.any(Set));
    expect(new Set(demo.items.map((i) => i.unit)).size).toBeGreaterThanOrEqual(6);
    expect(demo.items.every((i) => Number.isInteger(i.unitCostMinor) && i.unitCostMinor > 0)).toBe(true);
    const withShelfLife = demo.items.filter((i) => i.shelfLifeDays !== null).length;
    expect(withShelfLife).toBeGreaterThan(5);
    expect(withShelfLife).toBeLessThan(60);
  });

  it('has a dozen suppliers with local, national and overseas lead times, mostly in euros', () => {
    expect(demo.suppliers).toHaveLength(12);
    const leads = demo.suppliers.map((s) => s.leadTimeDays);
    expect(leads.filter((d) => d >= 1 && d <= 3).length).toBeGreaterThanOrEqual(3);
    expect(leads.filter((d) => d >= 5 && d <= 10).length).toBeGreaterThanOrEqual(5);
    expect(leads.filter((d) => d >= 30 && d <= 60).length).toBeGreaterThanOrEqual(2);
    expect(demo.suppliers.filter((s) => s.currency === 'EUR').length).toBeGreaterThanOrEqual(9);
    expect(new Set(demo.suppliers.map((s) => s.reliability.rating))).toEqual(new Set(['good', 'fair', 'poor']));
  });

  it('sources every item from a preferred supplier, some from a second one, with valid packs, MOQs and price breaks', () => {
    const ranks = new Map<string, number[]>();
    for (const s of demo.supplierItems) ranks.set(s.sku, [...(ranks.get(s.sku) ?? []), s.rank]);
    expect(ranks.size).toBe(300);
    expect([...ranks.values()].every((r) => r.includes(1))).toBe(true);
    const dual = [...ranks.values()].filter((r) => r.length === 2).length;
    expect(dual).toBeGreaterThan(30);
    expect(dual).toBeLessThan(270);
    for (const s of demo.supplierItems) {
      expect(s.moqMilli % s.packSizeMilli).toBe(0);
      expect(s.unitPriceMinor).toBeGreaterThan(0);
      for (let i = 1; i < s.priceBreaks.length; i++) {
        expect(s.priceBreaks[i]!.minQuantityMilli).toBeGreaterThan(s.priceBreaks[i - 1]!.minQuantityMilli);
        expect(s.priceBreaks[i]!.unitPriceMinor).toBeLessThan(s.priceBreaks[i - 1]!.unitPriceMinor);
      }
    }
    expect(demo.supplierItems.some((s) => s.priceBreaks.length > 0)).toBe(true);
  });

  it('has two sites in their own time zones, each with bins', () => {
    const sites = demo.locations.filter((l) => l.kind === 'site');
    expect(sites.map((s) => s.timeZone)).toEqual(['Europe/Berlin', 'Europe/Lisbon']);
    for (const site of sites) {
      expect(demo.locations.filter((l) => l.parent === site.code).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('writes two years of history ending today, in time order, with nothing after now', () => {
    expect(demo.firstDay).toBe('2024-11-25');
    expect(demo.lastDay).toBe('2026-11-24');
    const times = demo.movements.map((m) => Date.parse(m.occurred_at));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times.reduce((max, t) => Math.max(max, t), 0)).toBeLessThanOrEqual(NOW);
    expect(demo.movements[0]!.occurred_at.slice(0, 10)).toBe('2024-11-25');
    expect(demo.movements.at(-1)!.occurred_at.slice(0, 10)).toBe('2026-11-24');
    expect(demo.movements.length).toBeGreaterThan(150_000);
  });

  it('records every kind of movement, with quantities of at most three decimals', () => {
    const types = new Set(demo.movements.map((m) => m.type));
    expect(types).toEqual(new Set(['count', 'sale', 'issue', 'receipt', 'transfer', 'scrap']));
    const badDecimals = demo.movements.filter(
      (m) => Math.abs(m.quantity * 1000 - Math.round(m.quantity * 1000)) > 1e-6,
    );
    expect(badDecimals).toEqual([]);
    expect(demo.movements.filter((m) => m.type !== 'count' && !(m.quantity > 0))).toEqual([]);
    expect(demo.movements.some((m) => !Number.isInteger(m.quantity))).toBe(true);
    expect(demo.movements.some((m) => m.type === 'scrap' && m.reason?.startsWith('expired'))).toBe(true);
    expect(demo.movements.some((m) => m.type === 'count' && m.reason === 'cycle count')).toBe(true);
  });

  it('never takes on hand below zero when the movements are replayed in order', () => {
    expect(replay(demo.movements)).toEqual({ lowestMilli: 0, at: null });
  });

  it('never takes on hand below zero, whatever the seed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const data = generateDemo({ seed, now: NOW, itemCount: 12, days: 90 });
        expect(replay(data.movements).lowestMilli).toBe(0);
      }),
      { numRuns: 15 },
    );
  });

  it('makes weekend demand far lower than weekday demand', () => {
    const perWeekday = new Array<number>(7).fill(0);
    for (const m of demo.movements) {
      if (m.type === 'sale' || m.type === 'issue') perWeekday[new Date(m.occurred_at).getUTCDay()]! += 1;
    }
    const weekdayAverage = (perWeekday[1]! + perWeekday[2]! + perWeekday[3]! + perWeekday[4]! + perWeekday[5]!) / 5;
    const weekendAverage = (perWeekday[0]! + perWeekday[6]!) / 2;
    // Weekday factors 0.85–1.15 against 0.02 (Sunday) and 0.08 (Saturday).
    expect(weekendAverage).toBeLessThan(0.15 * weekdayAverage);
    expect(perWeekday[1]!).toBeGreaterThan(perWeekday[5]!);
  });

  it('has intermittent items with no demand on most weekdays, and steady ones with demand on most', () => {
    const weekdays = weekdaysOf(demo);
    const shares = [...demandByDay(demo.movements).values()].map(
      (days) => weekdays.filter((day) => days.has(day)).length / weekdays.length,
    );
    const intermittent = shares.filter((share) => share < 0.5).length;
    const steady = shares.filter((share) => share > 0.9).length;
    expect(intermittent).toBeGreaterThanOrEqual(30);
    expect(steady).toBeGreaterThanOrEqual(30);
  });

  it('has demand spikes many times an ordinary weekday', () => {
    const weekdays = weekdaysOf(demo);
    let spikes = 0;
    for (const [, days] of demandByDay(demo.movements)) {
      for (const [day, demands] of days) {
        if (!demands.some((d) => d.reason === 'one-off project' || d.reason === 'large customer order')) continue;
        const ordinary = weekdays
          .filter((d) => d !== day)
          .reduce((sum, d) => sum + (days.get(d) ?? []).reduce((s, x) => s + x.quantity, 0), 0);
        const spike = demands.reduce((sum, x) => sum + x.quantity, 0);
        if (spike >= 5 * (ordinary / (weekdays.length - 1))) spikes++;
      }
    }
    expect(spikes).toBeGreaterThanOrEqual(1);
  });

  it('lets demand trend up for growing items and down for shrinking ones', () => {
    const half = Date.parse(demo.firstDay) + 365 * DAY_MS;
    const totals = new Map<string, [number, number]>();
    for (const m of demo.movements) {
      if ((m.type !== 'sale' && m.type !== 'issue') || !m.location.startsWith('BER')) continue;
      const t = totals.get(m.sku) ?? [0, 0];
      t[Date.parse(m.occurred_at) < half ? 0 : 1] += m.quantity;
      totals.set(m.sku, t);
    }
    const grew = (p: { sku: string }) => {
      const [first, second] = totals.get(p.sku) ?? [0, 0];
      return second > first;
    };
    // Steady items only: a handful of picks a year says little about a trend.
    const steady = demo.profiles.filter((p) => p.picksPerWeekday >= 2 && p.seasonalAmplitude === 0);
    const growing = steady.filter((p) => p.trendPerYear >= 0.3);
    const shrinking = steady.filter((p) => p.trendPerYear <= -0.15);
    expect(growing.length).toBeGreaterThan(5);
    expect(shrinking.length).toBeGreaterThan(3);
    expect(growing.filter(grew).length / growing.length).toBeGreaterThan(0.8);
    expect(shrinking.filter((p) => !grew(p)).length / shrinking.length).toBeGreaterThan(0.8);
  });

  it('receives what the buyer ordered: every receipt refers to a purchase order, some short, overseas ones late', () => {
    const orders = new Map(demo.purchaseOrders.map((o) => [o.number, o]));
    const receipts = demo.movements.filter((m) => m.type === 'receipt');
    expect(receipts.every((m) => m.reference !== null && orders.has(m.reference))).toBe(true);
    expect(receipts.some((m) => m.reason?.startsWith('short delivery'))).toBe(true);
    const leadTimes = (supplier: string) =>
      demo.purchaseOrders
        .filter((o) => o.supplier === supplier)
        .flatMap((o) => o.lines.filter((l) => l.deliveredAt !== null).map((l) => ({ o, l })))
        .map(({ o, l }) => (Date.parse(l.deliveredAt!) - Date.parse(o.orderedAt)) / DAY_MS);
    const spread = (values: number[]) => {
      const m = values.reduce((s, v) => s + v, 0) / values.length;
      return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length);
    };
    const local = leadTimes('SCHRAUB');
    const overseas = leadTimes('SZPREC');
    expect(local.length).toBeGreaterThan(10);
    expect(overseas.length).toBeGreaterThan(3);
    expect(Math.max(...local)).toBeLessThan(10);
    expect(Math.min(...overseas)).toBeGreaterThan(20);
    expect(spread(overseas)).toBeGreaterThan(3 * spread(local));
  });
});

describe('demo catalogue size', () => {
  it.each([6, 7, 18, 100, 299])('has exactly %i items when asked for them, every category included', (itemCount) => {
    const data = generateDemo({ seed: 1, now: NOW, itemCount, days: 5 });
    expect(data.items).toHaveLength(itemCount);
    expect(new Set(data.items.map((i) => i.category)).size).toBe(6);
  });
});

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeOnHandChange } from '../domain/ledger/index.js';
import { isoWeekdayOfDay } from '../domain/purchasing/order-calendar.js';
import { instantToLocal } from '../domain/replenishment/local-time.js';
import { formatPolicy, parsePolicyInput } from '../domain/replenishment/policy.js';
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

function replayOnHand(movements: DemoMovement[], key: string): number {
  let onHand = 0;
  for (const m of movements) {
    const milli = Math.round(m.quantity * 1000);
    if (m.type === 'transfer') {
      if (`${m.sku}@${m.from}` === key) onHand -= milli;
      if (`${m.sku}@${m.to}` === key) onHand += milli;
    } else if (`${m.sku}@${m.location}` === key) {
      onHand += computeOnHandChange(m.type, milli, onHand);
    }
  }
  return onHand;
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

let seed42: DemoData | undefined;
/** The default demo, generated once for every suite of this file. */
function defaultDemo(): DemoData {
  seed42 ??= generateDemo({ seed: 42, now: NOW });
  return seed42;
}

describe('demo generator', () => {
  let demo: DemoData;
  beforeAll(() => {
    demo = defaultDemo();
  });

  it('gives identical output for the same seed and the same day, and different output for another seed', () => {
    const small = { now: NOW, itemCount: 30, days: 120 };
    const first = generateDemo({ seed: 9, ...small });
    expect(generateDemo({ seed: 9, ...small })).toEqual(first);
    expect(generateDemo({ seed: 10, ...small }).movements).not.toEqual(first.movements);
    expect(generateDemo({ seed: 42, now: NOW })).toEqual(demo);
    expect(first.policies.length).toBeGreaterThan(0);
    expect(generateDemo({ seed: 10, ...small }).policies).not.toEqual(first.policies);
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
        .flatMap((o) => o.lines.filter((l) => l.receipts.length > 0).map((l) => ({ o, l })))
        .map(({ o, l }) => (Date.parse(l.receipts[0]!.receivedAt) - Date.parse(o.orderedAt)) / DAY_MS);
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

describe('demo purchase orders', () => {
  let demo: DemoData;
  beforeAll(() => {
    demo = defaultDemo();
  });
  const lines = () => demo.purchaseOrders.flatMap((order) => order.lines.map((line) => ({ order, line })));

  it('has orders in every status but draft (the trigger writes drafts when the demo is stored)', () => {
    const statuses = new Set(demo.purchaseOrders.map((o) => o.status));
    expect(statuses).toEqual(new Set(['sent', 'confirmed', 'partly_received', 'received', 'closed', 'cancelled']));
    const count = (status: string) => demo.purchaseOrders.filter((o) => o.status === status).length;
    expect(count('received')).toBeGreaterThan(0.8 * demo.purchaseOrders.length);
    expect(count('cancelled')).toBeGreaterThan(10);
    expect(count('cancelled')).toBeLessThan(0.03 * demo.purchaseOrders.length);
  });

  it('numbers the orders PO-000001 upwards, oldest first, one line per item and bin on an order', () => {
    demo.purchaseOrders.forEach((order, index) => {
      expect(order.number).toBe(`PO-${String(index + 1).padStart(6, '0')}`);
      const keys = order.lines.map((line) => `${line.sku}@${line.location}`);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  it('matches every delivery of a line with a receipt movement of the same order, item, bin, quantity and time', () => {
    const receipts = demo.movements.filter((m) => m.type === 'receipt');
    const fromLines = lines().flatMap(({ order, line }) =>
      line.receipts.map((r) => `${order.number}|${line.sku}|${line.location}|${r.quantity}|${r.receivedAt}`),
    );
    const fromLedger = receipts.map((m) =>
      m.type === 'transfer' ? '' : `${m.reference}|${m.sku}|${m.location}|${m.quantity}|${m.occurred_at}`,
    );
    expect(fromLines.sort()).toEqual(fromLedger.sort());
    for (const { line } of lines()) {
      const received = line.receipts.reduce((sum, r) => sum + Math.round(r.quantity * 1000), 0);
      expect(Math.round(line.receivedQuantity * 1000)).toBe(received);
      expect(received).toBeLessThanOrEqual(Math.round(line.quantity * 1000));
    }
  });

  it('keeps each status consistent with its lines and dates, all of them at or before now', () => {
    const past = (iso: string | null) => iso === null || Date.parse(iso) <= NOW;
    for (const order of demo.purchaseOrders) {
      const complete = order.lines.every((l) => l.receivedQuantity === l.quantity);
      const anyReceived = order.lines.some((l) => l.receipts.length > 0);
      for (const at of [order.orderedAt, order.confirmedAt, order.receivedAt, order.closedAt, order.cancelledAt]) {
        expect(past(at)).toBe(true);
      }
      switch (order.status) {
        case 'received':
          expect(complete).toBe(true);
          expect(order.receivedAt).not.toBeNull();
          expect(order.lines.every((l) => l.inFull === true && l.actualLeadTimeDays! > 0)).toBe(true);
          break;
        case 'closed':
          expect(complete).toBe(false);
          expect(order.closedAt).not.toBeNull();
          expect(order.lines.every((l) => l.inFull !== null)).toBe(true);
          expect(order.lines.some((l) => l.inFull === false)).toBe(true);
          break;
        case 'cancelled':
          expect(anyReceived).toBe(false);
          expect(order.cancelReason).toEqual(expect.any(String));
          expect(Date.parse(order.cancelledAt!)).toBeGreaterThan(Date.parse(order.orderedAt));
          break;
        case 'partly_received':
          expect(anyReceived && !complete).toBe(true);
          break;
        case 'confirmed':
          expect(anyReceived).toBe(false);
          expect(order.promisedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(Date.parse(order.confirmedAt!)).toBeGreaterThan(Date.parse(order.orderedAt));
          break;
        case 'sent':
          expect(anyReceived).toBe(false);
          expect(order.confirmedAt).toBeNull();
          break;
      }
    }
  });

  it('records late and short deliveries per line, as the suppliers made them', () => {
    const done = lines().filter(({ line }) => line.onTime !== null);
    const late = done.filter(({ line }) => line.onTime === false);
    const short = done.filter(({ line }) => line.inFull === false);
    expect(late.length / done.length).toBeGreaterThan(0.05);
    expect(late.length / done.length).toBeLessThan(0.4);
    expect(short.length).toBeGreaterThan(20);
    expect(short.length / done.length).toBeLessThan(0.1);
    // On time means received on or before the promised (else expected) local date.
    for (const { order, line } of done.slice(0, 500)) {
      if (line.receipts.length === 0) continue;
      // Deliveries come in the morning: the UTC date is the local one.
      const received = line.receipts.at(-1)!.receivedAt.slice(0, 10);
      expect(line.onTime).toBe(received <= (order.promisedOn ?? line.expectedOn));
    }
    // Poor suppliers are late more often than good ones.
    const lateShare = (supplier: string) => {
      const own = done.filter(({ order }) => order.supplier === supplier);
      return own.filter(({ line }) => line.onTime === false).length / own.length;
    };
    expect(lateShare('IBERCON')).toBeGreaterThan(lateShare('SAFEWORK'));
  });

  it('prices every line from its supplier item, a little cheaper in earlier years', () => {
    const sources = new Map(demo.supplierItems.map((s) => [`${s.sku}|${s.supplier}`, s]));
    for (const { order, line } of lines()) {
      const source = sources.get(`${line.sku}|${order.supplier}`)!;
      expect(line.currency).toBe(source.currency);
      expect(['list_price', 'break_reached']).toContain(line.priceRule);
      expect(line.unitPriceMinor).toBeGreaterThan(0);
      const listed = [source.unitPriceMinor, ...source.priceBreaks.map((b) => b.unitPriceMinor)];
      expect(line.unitPriceMinor).toBeLessThanOrEqual(Math.max(...listed));
      if (order.orderedAt.startsWith('2026') && line.priceRule === 'list_price') {
        expect(line.unitPriceMinor).toBe(source.unitPriceMinor);
      }
    }
    const older = lines().filter(
      ({ order, line }) => order.orderedAt.startsWith('2025') && line.priceRule === 'list_price',
    );
    expect(
      older.some(
        ({ order, line }) => line.unitPriceMinor < sources.get(`${line.sku}|${order.supplier}`)!.unitPriceMinor,
      ),
    ).toBe(true);
  });

  it('orders from the weekly supplier only on its order day, by periodic review', () => {
    const weekly = demo.suppliers.filter((s) => s.orderDays !== null);
    expect(weekly.map((s) => [s.code, s.orderDays])).toEqual([['SAFEWORK', [1]]]);
    const reviewed = lines().filter(({ line }) => line.origin === 'periodic_review');
    expect(reviewed.length).toBeGreaterThan(100);
    for (const { order } of reviewed) {
      expect(order.supplier).toBe('SAFEWORK');
      expect(new Date(order.orderedAt).getUTCDay()).toBe(1);
    }
    expect(new Set(lines().map(({ line }) => line.origin))).toEqual(
      new Set(['reorder_point', 'periodic_review', 'manual']),
    );
  });
});

describe('demo policies and kanban loops', () => {
  let demo: DemoData;
  beforeAll(() => {
    demo = defaultDemo();
  });

  it('gives every item exactly one valid policy at each bin where a site keeps it, of every kind', () => {
    const stocked = demo.profiles.flatMap((p) => p.stocking.map((s) => `${p.sku}@${s.bin}`)).sort();
    expect(demo.policies.map((p) => `${p.sku}@${p.location}`)).toEqual(stocked);
    for (const { policy } of demo.policies) {
      expect(parsePolicyInput(formatPolicy(policy))).toEqual({ ok: true, value: policy });
    }
    const count = (kind: string) => demo.policies.filter((p) => p.policy.kind === kind).length;
    expect(count('reorder_point')).toBeGreaterThan(0.7 * demo.policies.length);
    expect(count('kanban')).toBeGreaterThanOrEqual(10);
    expect(count('kanban')).toBeLessThanOrEqual(15);
    expect(count('periodic_review')).toBeGreaterThan(10);
    expect(count('make_to_order')).toBeGreaterThanOrEqual(1);
    expect(count('make_to_order')).toBeLessThanOrEqual(10);
    expect(count('manual')).toBeGreaterThanOrEqual(2);
    expect(count('manual')).toBeLessThanOrEqual(12);
  });

  it('sizes reorder points on the lead-time demand and targets a couple of weeks above', () => {
    // d per calendar day over the last 91 days (2026-08-26 … 2026-11-24).
    const demand = new Map<string, { milli: number; picks: number }>();
    for (const m of demo.movements) {
      if ((m.type !== 'sale' && m.type !== 'issue') || m.occurred_at < '2026-08-26') continue;
      const entry = demand.get(`${m.sku}@${m.location}`) ?? { milli: 0, picks: 0 };
      entry.milli += Math.round(m.quantity * 1000);
      entry.picks++;
      demand.set(`${m.sku}@${m.location}`, entry);
    }
    let steady = 0;
    for (const p of demo.policies) {
      if (p.policy.kind !== 'reorder_point') continue;
      expect(p.policy.targetMilli).toBeGreaterThan(p.policy.reorderPointMilli);
      const recent = demand.get(`${p.sku}@${p.location}`);
      if (!recent || recent.picks < 60) continue;
      steady++;
      // s = d·(L + 1) + safety with L ≥ 1 day; S − s = max(14·d, MOQ), rounded up to whole steps.
      const daily = recent.milli / 91;
      expect(p.policy.reorderPointMilli).toBeGreaterThan(2 * daily);
      expect(p.policy.targetMilli - p.policy.reorderPointMilli).toBeGreaterThanOrEqual(Math.floor(14 * daily) - 1);
    }
    expect(steady).toBeGreaterThan(100);
  });

  it("reviews the weekly supplier's items every 7 days at 06:00 on its order day, first after now", () => {
    const sources = new Map(demo.supplierItems.filter((s) => s.rank === 1).map((s) => [s.sku, s.supplier]));
    const periodic = demo.policies.filter((p) => p.policy.kind === 'periodic_review');
    for (const p of periodic) {
      expect(sources.get(p.sku)).toBe('SAFEWORK');
      expect(p.policy).toMatchObject({ reviewDays: 7, reviewTime: '06:00' });
      const zone = p.site === 'BER' ? 'Europe/Berlin' : 'Europe/Lisbon';
      const local = instantToLocal(p.nextReviewAt!, zone);
      expect([local.date, local.time]).toEqual([p.reviewAnchorDate, '06:00']);
      expect(isoWeekdayOfDay(local.dayNumber)).toBe(1);
      expect(p.nextReviewAt! - NOW).toBeGreaterThan(0);
      expect(p.nextReviewAt! - NOW).toBeLessThanOrEqual(7 * DAY_MS);
    }
    expect(demo.policies.filter((p) => p.policy.kind !== 'periodic_review').every((p) => p.nextReviewAt === null)).toBe(
      true,
    );
  });

  it('keeps make-to-order for expensive items that are rarely in demand', () => {
    const items = new Map(demo.items.map((i) => [i.sku, i]));
    for (const p of demo.policies.filter((p) => p.policy.kind === 'make_to_order')) {
      expect(items.get(p.sku)!.unitCostMinor).toBeGreaterThanOrEqual(10_000);
    }
  });

  it('runs 2-bin loops for cheap fasteners and 3–6 cards for other parts, in whole packs, each with a supplier', () => {
    const items = new Map(demo.items.map((i) => [i.sku, i]));
    const sources = new Map(demo.supplierItems.map((s) => [`${s.sku}|${s.supplier}`, s]));
    expect(demo.kanbanLoops.length).toBeGreaterThanOrEqual(10);
    let twoBins = 0;
    for (const loop of demo.kanbanLoops) {
      const policy = demo.policies.find((p) => p.sku === loop.sku && p.location === loop.location)!.policy;
      expect(policy).toEqual({
        kind: 'kanban',
        cards: loop.cards,
        containerQuantityMilli: loop.containerQuantityMilli,
        supplier: loop.supplier,
      });
      const source = sources.get(`${loop.sku}|${loop.supplier}`)!;
      expect(source.rank).toBe(1);
      expect(loop.containerQuantityMilli % source.packSizeMilli).toBe(0);
      expect(loop.containerQuantityMilli).toBeGreaterThanOrEqual(source.moqMilli);
      if (loop.cards === 2) {
        twoBins++;
        expect(items.get(loop.sku)!.category).toBe('fasteners');
      } else {
        expect(loop.cards).toBeGreaterThanOrEqual(3);
        expect(loop.cards).toBeLessThanOrEqual(6);
      }
      expect(loop.cardStates).toHaveLength(loop.cards);
      expect(loop.inTransitOn !== null).toBe(loop.cardStates.includes('in_transit'));
    }
    expect(twoBins).toBeGreaterThanOrEqual(3);
    expect(twoBins).toBeLessThan(demo.kanbanLoops.length);
    expect(demo.kanbanLoops.flatMap((l) => l.cardStates).filter((s) => s !== 'full').length).toBeGreaterThanOrEqual(2);
  });

  it('marks a card full while its container is on the shelf: full cards hold what is on hand', () => {
    for (const loop of demo.kanbanLoops) {
      const onHand = replayOnHand(demo.movements, `${loop.sku}@${loop.location}`);
      const full = loop.cardStates.filter((s) => s === 'full').length;
      expect(full).toBe(Math.min(loop.cards, Math.ceil(onHand / loop.containerQuantityMilli)));
    }
  });
});

describe('demo catalogue size', () => {
  it.each([6, 7, 18, 100, 299])('has exactly %i items when asked for them, every category included', (itemCount) => {
    const data = generateDemo({ seed: 1, now: NOW, itemCount, days: 5 });
    expect(data.items).toHaveLength(itemCount);
    expect(new Set(data.items.map((i) => i.category)).size).toBe(6);
  });
});

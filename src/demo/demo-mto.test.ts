import { describe, expect, it } from 'vitest';
import { instantToLocal } from '../domain/replenishment/local-time.js';
import type { DemoBom, DemoMakeToOrder } from './demo-mto.js';
import { type DemoData, generateDemo } from './generate-demo.js';

const NOW = Date.UTC(2026, 10, 24, 15, 30);
const TODAY = instantToLocal(NOW, 'Europe/Berlin').date;

/** Levels below the item through any of its BOM versions: 0 for a bought item. */
function depthOf(sku: string, boms: readonly DemoBom[]): number {
  const versions = boms.filter((b) => b.sku === sku);
  if (versions.length === 0) return 0;
  return 1 + Math.max(...versions.flatMap((b) => b.lines.map((l) => depthOf(l.sku, boms))));
}

function checkBoms(data: DemoData, plan: DemoMakeToOrder) {
  const bought = new Set(data.items.map((i) => i.sku));
  const made = new Set(plan.items.map((i) => i.sku));
  for (const bom of plan.boms) {
    expect(bom.lines.length).toBeGreaterThan(0);
    expect(new Set(bom.lines.map((l) => l.sku)).size).toBe(bom.lines.length);
    for (const line of bom.lines) {
      expect(bought.has(line.sku) || made.has(line.sku)).toBe(true);
      expect(line.quantityPer).toBeGreaterThan(0);
      expect(line.scrapFactor).toBeGreaterThanOrEqual(0);
      expect(line.scrapFactor).toBeLessThan(1);
    }
  }
}

describe('demo make-to-order plan', () => {
  const data = generateDemo({ seed: 42, now: NOW, days: 120 });
  const plan = data.makeToOrder;
  const names = new Map(data.items.map((i) => [i.sku, i.name]));

  it('makes a kit, a stand and a workbench whose BOMs are one, two and three levels deep, at the main site', () => {
    expect(plan.site).toBe('BER');
    expect(plan.items.map((i) => [i.sku, i.category, i.unit])).toEqual([
      ['FG-1001', 'finished_goods', 'pcs'],
      ['FG-1002', 'finished_goods', 'pcs'],
      ['FG-1003', 'finished_goods', 'pcs'],
      ['SUB-1001', 'subassemblies', 'pcs'],
      ['SUB-1002', 'subassemblies', 'pcs'],
    ]);
    expect(['FG-1001', 'FG-1002', 'FG-1003', 'SUB-1001', 'SUB-1002'].map((sku) => depthOf(sku, plan.boms))).toEqual([
      1, 2, 3, 1, 2,
    ]);
    checkBoms(data, plan);
  });

  it('builds them from catalogue components found by name: tube, flat bar, sheet, coating, bolts and nuts', () => {
    const componentsOf = (sku: string) =>
      plan.boms.find((b) => b.sku === sku)!.lines.map((l) => names.get(l.sku) ?? l.sku);
    expect(componentsOf('SUB-1001')).toEqual([
      expect.stringMatching(/^Steel square tube 40 x 40/),
      expect.stringMatching(/^Steel flat bar 50 x 10/),
      expect.stringMatching(/^MIG welding wire/),
      expect.stringMatching(/^Hex bolt DIN 933 M10/),
      expect.stringMatching(/^Hex nut DIN 934 M10/),
    ]);
    expect(componentsOf('FG-1003')[0]).toBe('SUB-1002');
    expect(componentsOf('SUB-1002')[0]).toBe('SUB-1001');
  });

  it('gives the stand a second version from a week ago that follows the first without a gap', () => {
    const [first, second] = plan.boms.filter((b) => b.sku === 'FG-1002');
    expect(first!.validFrom).toBeNull();
    expect(first!.validTo).toBe(second!.validFrom);
    expect(second!.validTo).toBeNull();
    expect(second!.validFrom! < TODAY).toBe(true);
  });

  it('rolls the cost up from the components: a stand costs more than its four legs', () => {
    const cost = new Map(plan.items.map((i) => [i.sku, i.unitCostMinor]));
    expect(cost.get('FG-1002')!).toBeGreaterThan(4 * cost.get('SUB-1001')!);
    expect(cost.get('FG-1003')!).toBeGreaterThan(cost.get('SUB-1002')!);
    expect(plan.items.every((i) => Number.isInteger(i.unitCostMinor) && i.unitCostMinor > 0)).toBe(true);
  });

  it('places one order long enough ago to have been shipped, two in the last days and a draft, none after now', () => {
    expect(plan.orders.map((o) => [o.customer, o.outcome])).toEqual([
      ['NORDBAU', 'shipped'],
      ['OFTEJO', 'confirmed'],
      ['KRAFTWERK', 'confirmed'],
      ['NORDBAU', 'draft'],
    ]);
    const customers = new Set(plan.customers.map((c) => c.code));
    for (const order of plan.orders) {
      expect(customers.has(order.customer)).toBe(true);
      expect(order.placedAt).toBeLessThan(NOW);
      expect(order.placedAt).toBeGreaterThan(plan.setupAt);
      expect(order.requestedDate >= instantToLocal(order.placedAt, plan.timeZone).date).toBe(true);
      expect(order.lines.every((l) => Number.isInteger(l.quantity) && l.quantity > 0)).toBe(true);
    }
    expect(plan.orders[0]!.requestedDate < TODAY).toBe(true);
    expect(plan.orders.slice(1).every((o) => o.placedAt > NOW - 4 * 86_400_000)).toBe(true);
    expect(plan.orders[1]!.sendPurchaseAt).toBeGreaterThan(plan.orders[1]!.placedAt);
  });

  it('is the same for the same seed and day', () => {
    expect(generateDemo({ seed: 42, now: NOW, days: 120 }).makeToOrder).toEqual(plan);
  });

  it('falls back to other items of the same category in the smallest catalogue, never twice in one BOM', () => {
    const tiny = generateDemo({ seed: 3, now: NOW, itemCount: 6, days: 10 });
    checkBoms(tiny, tiny.makeToOrder);
    expect(depthOf('FG-1003', tiny.makeToOrder.boms)).toBe(3);
  });
});

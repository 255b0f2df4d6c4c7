import type { PriceBreak } from '../domain/catalogue/supplier-item.js';
import {
  CATEGORY_PREFIX,
  CATEGORY_QUOTAS,
  type Criticality,
  type DemoCategory,
  ITEM_TEMPLATES,
  type ItemTemplate,
  PER_EURO,
  type Region,
  SITE_TEMPLATES,
  SUPPLIER_TEMPLATES,
  type SupplierTemplate,
} from './demo-templates.js';
import type { Random } from './random.js';

export type DemoItem = {
  sku: string;
  name: string;
  unit: string;
  category: DemoCategory;
  unitCostMinor: number;
  currency: 'EUR';
  shelfLifeDays: number | null;
  criticality: Criticality;
};

export type DemoLocation = {
  code: string;
  name: string;
  kind: 'site' | 'bin';
  /** The parent site's code, for bins. */
  parent: string | null;
  /** IANA zone on sites; bins use their site's. */
  timeZone: string | null;
};

/** How a supplier really delivers: generator parameters that drive the receipts, not stored. */
export type SupplierReliability = {
  rating: 'good' | 'fair' | 'poor';
  /** Standard deviation of the actual lead time around the quoted one, in days. */
  leadTimeSdDays: number;
  /** Probability (0–1) that a delivery comes late on top of the noise. */
  lateProbability: number;
  lateMaxDays: number;
  /** Probability (0–1) that a delivered line is short. */
  shortProbability: number;
};

export type DemoSupplier = {
  code: string;
  name: string;
  email: string;
  region: Region;
  leadTimeDays: number;
  orderingCostMinor: number;
  currency: 'EUR' | 'GBP' | 'USD';
  reliability: SupplierReliability;
  /** ISO weekdays (1 = Monday) on which orders go out; null = any working day. Stored as `order_days`. */
  orderDays: number[] | null;
  /** How much the supplier's prices rose each 1 January (0.03 = 3 %): today's list prices are this year's. */
  priceRisePerYear: number;
};

export type DemoSupplierItem = {
  sku: string;
  supplier: string;
  supplierSku: string;
  unitPriceMinor: number;
  currency: 'EUR' | 'GBP' | 'USD';
  priceBreaks: PriceBreak[];
  /** Null: the supplier's default lead time applies. */
  leadTimeDays: number | null;
  moqMilli: number;
  packSizeMilli: number;
  /** 1 is the preferred source. */
  rank: number;
};

/** Where an item is stocked and how much of its demand lands there. */
export type DemoStocking = { site: string; bin: string; demandScale: number };

/** A known one-off demand (a project or a large customer order), announced ahead of time. */
export type DemoSpike = { site: string; dayIndex: number; multiple: number };

/** How an item's demand is generated: parameters, not stored. */
export type DemandProfile = {
  sku: string;
  pattern: 'smooth' | 'intermittent';
  /** Demand events per weekday at the main site, before trend and season. */
  picksPerWeekday: number;
  meanPickMilli: number;
  /** Gamma shape of the pick size; 0 for fixed-size picks. */
  pickShape: number;
  stepMilli: number;
  /** Linear growth per year, as a fraction (0.2 = +20 % a year), centred on the middle of the history. */
  trendPerYear: number;
  /** Annual seasonality: 0 for none, 0.5 = ±50 % around the mean, peaking on `seasonalPeakDayOfYear`. */
  seasonalAmplitude: number;
  seasonalPeakDayOfYear: number;
  /** Share (0–1) of demand recorded as sales; the rest is issued to work orders. */
  saleShare: number;
  stocking: DemoStocking[];
  spikes: DemoSpike[];
};

export type DemoCatalogue = {
  items: DemoItem[];
  locations: DemoLocation[];
  suppliers: DemoSupplier[];
  supplierItems: DemoSupplierItem[];
  profiles: DemandProfile[];
};

const RELIABILITY: Record<
  SupplierReliability['rating'],
  { sdShare: number; sdMin: number; late: number; lateShare: number; lateMin: number; short: number }
> = {
  good: { sdShare: 0.05, sdMin: 0.25, late: 0.03, lateShare: 0.1, lateMin: 2, short: 0.01 },
  fair: { sdShare: 0.1, sdMin: 0.45, late: 0.08, lateShare: 0.25, lateMin: 3, short: 0.05 },
  poor: { sdShare: 0.28, sdMin: 1.2, late: 0.3, lateShare: 0.5, lateMin: 5, short: 0.12 },
};

/**
 * Builds the demo catalogue: `itemCount` items drawn from the templates in fixed category shares,
 * the two sites with their bins, a dozen suppliers, one or two sources per item, and the demand
 * profile of every item over `days` days of history.
 */
export function generateDemoCatalogue(random: Random, options: { itemCount: number; days: number }): DemoCatalogue {
  const suppliers = SUPPLIER_TEMPLATES.map((template) =>
    toSupplier(template, random.fork(`supplier:${template.code}`)),
  );
  const locations: DemoLocation[] = SITE_TEMPLATES.flatMap((site) => [
    { code: site.code, name: site.name, kind: 'site' as const, parent: null, timeZone: site.timeZone },
    ...site.bins.map((bin) => ({
      code: bin.code,
      name: bin.name,
      kind: 'bin' as const,
      parent: site.code,
      timeZone: null,
    })),
  ]);

  const items: DemoItem[] = [];
  const supplierItems: DemoSupplierItem[] = [];
  const profiles: DemandProfile[] = [];
  for (const [category, count] of quotas(options.itemCount)) {
    const pool = ITEM_TEMPLATES.filter((t) => t.category === category).flatMap((template) =>
      template.names.map((name) => ({ template, name })),
    );
    const chosen = sampleInOrder(random.fork(`pick:${category}`), pool, count);
    chosen.forEach(({ template, name }, index) => {
      const sku = `${CATEGORY_PREFIX[category]}-${1001 + index}`;
      const r = random.fork(`item:${sku}`);
      const unitCostEur = r.uniform(template.costEur[0], template.costEur[1]);
      items.push({
        sku,
        name,
        unit: template.unit,
        category,
        unitCostMinor: Math.max(1, Math.round(unitCostEur * 100)),
        currency: 'EUR',
        shelfLifeDays: template.shelfLifeDays ?? null,
        criticality: r.pick(template.criticality),
      });
      supplierItems.push(...sourcesOf(r, sku, template, unitCostEur));
      profiles.push(profileOf(r, sku, template, options.days));
    });
  }
  ensureSpike(random.fork('spike'), profiles, options.days);
  return { items, locations, suppliers, supplierItems, profiles };
}

function toSupplier(template: SupplierTemplate, random: Random): DemoSupplier {
  const preset = RELIABILITY[template.reliability];
  const lead = template.leadTimeDays;
  return {
    code: template.code,
    name: template.name,
    email: template.email,
    region: template.region,
    leadTimeDays: lead,
    orderingCostMinor: template.orderingCostMinor,
    currency: template.currency,
    reliability: {
      rating: template.reliability,
      leadTimeSdDays: round2(Math.max(preset.sdMin, preset.sdShare * lead)),
      lateProbability: preset.late,
      lateMaxDays: Math.max(preset.lateMin, Math.round(preset.lateShare * lead)),
      shortProbability: preset.short,
    },
    orderDays: template.orderDays ?? null,
    priceRisePerYear: Math.round(random.uniform(10, 60)) / 1000,
  };
}

/**
 * Splits `itemCount` over the categories in the default shares (largest remainder), at least one
 * each when there are enough items, never more than the templates hold.
 */
function quotas(itemCount: number): Array<[DemoCategory, number]> {
  const entries = Object.entries(CATEGORY_QUOTAS) as Array<[DemoCategory, number]>;
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const minimum = itemCount >= entries.length ? 1 : 0;
  const exact = entries.map(([, n]) => (n * itemCount) / total);
  const counts = exact.map((x) => Math.max(minimum, Math.floor(x)));
  let missing = itemCount - counts.reduce((sum, n) => sum + n, 0);
  for (; missing > 0; missing--) {
    const index = exact.reduce((best, x, i) => (x - counts[i]! > exact[best]! - counts[best]! ? i : best), 0);
    counts[index]!++;
  }
  for (; missing < 0; missing++) {
    const index = counts.reduce((best, n, i) => (n > counts[best]! ? i : best), 0);
    counts[index]!--;
  }
  return entries.map(([category], i) => {
    const available = ITEM_TEMPLATES.filter((t) => t.category === category).reduce((s, t) => s + t.names.length, 0);
    return [category, Math.min(counts[i]!, available)];
  });
}

/** `count` entries of `pool`, chosen at random, kept in the pool's order. */
function sampleInOrder<T>(random: Random, pool: T[], count: number): T[] {
  const keys = pool.map((value, index) => ({ value, index, key: random.next() }));
  const chosen = [...keys].sort((a, b) => a.key - b.key).slice(0, count);
  return chosen.sort((a, b) => a.index - b.index).map((entry) => entry.value);
}

function sourcesOf(random: Random, sku: string, template: ItemTemplate, unitCostEur: number): DemoSupplierItem[] {
  const candidates = SUPPLIER_TEMPLATES.filter((s) => (s.categories[template.category] ?? 0) > 0);
  const weights = candidates.map((s) => s.categories[template.category]!);
  const first = random.pickWeighted(candidates, weights);
  const sources = [first];
  if (candidates.length > 1 && random.chance(0.35)) {
    const others = candidates.filter((s) => s !== first);
    sources.push(
      random.pickWeighted(
        others,
        weights.filter((_, i) => candidates[i] !== first),
      ),
    );
  }
  const packMilli = Math.round(template.packUnits * 1000);
  return sources.map((supplier, index) => {
    const overseas = supplier.region === 'CN';
    const priceEur =
      unitCostEur * supplier.priceFactor * (index === 0 ? random.uniform(0.95, 1) : random.uniform(0.97, 1.12));
    const unitPriceMinor = Math.max(1, Math.round(priceEur * PER_EURO[supplier.currency] * 100));
    const moqPacks = Math.max(template.moqPacks ?? 1, overseas && unitCostEur < 5 ? 10 : 1);
    return {
      sku,
      supplier: supplier.code,
      supplierSku: `${supplier.code.slice(0, 3)}-${random.int(10000, 99999)}`,
      unitPriceMinor,
      currency: supplier.currency,
      priceBreaks: random.chance(0.5) ? priceBreaksOf(unitPriceMinor, packMilli * moqPacks) : [],
      leadTimeDays: random.chance(0.4)
        ? Math.max(1, Math.round(supplier.leadTimeDays * random.uniform(0.8, 1.25)))
        : null,
      moqMilli: packMilli * moqPacks,
      packSizeMilli: packMilli,
      rank: index + 1,
    };
  });
}

function priceBreaksOf(unitPriceMinor: number, baseMilli: number): PriceBreak[] {
  const breaks = [
    { minQuantityMilli: baseMilli * 10, unitPriceMinor: Math.round(unitPriceMinor * 0.96) },
    { minQuantityMilli: baseMilli * 50, unitPriceMinor: Math.round(unitPriceMinor * 0.91) },
  ];
  const kept: PriceBreak[] = [];
  for (const b of breaks) {
    if (b.unitPriceMinor >= 1 && b.unitPriceMinor < (kept.at(-1)?.unitPriceMinor ?? unitPriceMinor)) kept.push(b);
  }
  return kept;
}

function profileOf(random: Random, sku: string, template: ItemTemplate, days: number): DemandProfile {
  const picksPerWeekday = logUniform(random, template.picksPerWeekday[0], template.picksPerWeekday[1]);
  const meanPickUnits = random.uniform(template.pickUnits[0], template.pickUnits[1]);
  const step = template.stepMilli;
  const meanPickMilli = Math.max(step, Math.round((meanPickUnits * 1000) / step) * step);
  const stocking: DemoStocking[] = [];
  for (const site of SITE_TEMPLATES) {
    const share = template.category === 'spare_parts' ? site.stockedShare * 0.7 : site.stockedShare;
    if (site.stockedShare < 1 && !random.chance(share)) continue;
    const bin = site.bins.find((b) => b.categories.includes(template.category))!;
    stocking.push({ site: site.code, bin: bin.code, demandScale: round2(site.demandScale * random.uniform(0.7, 1.3)) });
  }
  const spikes: DemoSpike[] = [];
  if (random.chance(0.08)) {
    const count = random.int(1, 3);
    for (let i = 0; i < count; i++) {
      spikes.push({
        site: random.pick(stocking).site,
        dayIndex: random.int(Math.floor(days * 0.15), days - 2),
        multiple: round2(random.uniform(8, 20)),
      });
    }
  }
  const seasonal = template.seasonal;
  return {
    sku,
    pattern: picksPerWeekday < 0.5 ? 'intermittent' : 'smooth',
    picksPerWeekday: Math.round(picksPerWeekday * 10_000) / 10_000,
    meanPickMilli,
    pickShape: template.pickShape,
    stepMilli: step,
    trendPerYear: random.chance(0.6) ? round2(random.uniform(-0.25, 0.5)) : 0,
    seasonalAmplitude: seasonal ? round2(random.uniform(seasonal.amplitude[0], seasonal.amplitude[1])) : 0,
    seasonalPeakDayOfYear: seasonal ? seasonal.peakDayOfYear + random.int(-10, 10) : 0,
    saleShare: template.saleShare,
    stocking,
    spikes,
  };
}

/** Every demo has at least one spike, on a smooth item at the main site. */
function ensureSpike(random: Random, profiles: DemandProfile[], days: number): void {
  if (days < 20 || profiles.some((p) => p.spikes.length > 0)) return;
  const smooth = profiles.filter((p) => p.pattern === 'smooth');
  const target = smooth.length > 0 ? random.pick(smooth) : profiles[0];
  if (!target) return;
  target.spikes.push({
    site: target.stocking[0]!.site,
    dayIndex: random.int(Math.floor(days * 0.5), days - 2),
    multiple: round2(random.uniform(8, 20)),
  });
}

function logUniform(random: Random, min: number, max: number): number {
  return Math.exp(random.uniform(Math.log(min), Math.log(max)));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

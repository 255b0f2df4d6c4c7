import type { StockMovementType } from '../domain/ledger/index.js';
import type {
  DemandProfile,
  DemoCatalogue,
  DemoItem,
  DemoStocking,
  DemoSupplier,
  DemoSupplierItem,
} from './demo-catalogue.js';
import { type Criticality, PER_EURO, SITE_TEMPLATES, type SiteTemplate } from './demo-templates.js';
import type { Random } from './random.js';
import { zoneOffsetMinutes } from './zoned-time.js';

/** One movement as the ledger accepts it (`postMovements`), quantities in units with at most 3 decimals. */
export type DemoMovement =
  | {
      type: StockMovementType;
      sku: string;
      location: string;
      quantity: number;
      occurred_at: string;
      reference: string | null;
      reason: string | null;
    }
  | {
      type: 'transfer';
      sku: string;
      from: string;
      to: string;
      quantity: number;
      occurred_at: string;
      reference: string | null;
      reason: string | null;
    };

export type DemoPurchaseOrderLine = {
  sku: string;
  location: string;
  quantity: number;
  receivedQuantity: number;
  /** When the delivery came (possibly short, possibly nothing); null while it is still on its way. */
  deliveredAt: string | null;
};

/** The purchase orders the simulated buyer raised; the receipts in the history refer to their numbers. */
export type DemoPurchaseOrder = {
  number: string;
  supplier: string;
  site: string;
  orderedAt: string;
  /** The local date the supplier's quoted lead time promised. */
  expectedOn: string;
  status: 'sent' | 'partly_received' | 'received';
  lines: DemoPurchaseOrderLine[];
};

export type DemoHistory = {
  /** In the order they happened (non-decreasing `occurred_at`); replaying them never takes on hand below zero. */
  movements: DemoMovement[];
  purchaseOrders: DemoPurchaseOrder[];
  /** Local dates (YYYY-MM-DD) of the first and last day of history. */
  firstDay: string;
  lastDay: string;
};

export const DAY_MS = 86_400_000;
/** Demand relative to an average weekday, by `getUTCDay()` (0 = Sunday): weekdays busy, weekends near zero. */
export const WEEKDAY_FACTOR = [0.02, 1.15, 1.1, 1.05, 1.0, 0.85, 0.08] as const;
const AVERAGE_WEEK_FACTOR = WEEKDAY_FACTOR.reduce((sum, f) => sum + f, 0) / 7;
/** Service-level factor z the simulated buyer uses for safety stock, by criticality. */
const Z_BY_CRITICALITY: Record<Criticality, number> = { low: 0.8, medium: 1.3, high: 1.8, critical: 2.3 };
const HOLDING_RATE_PER_YEAR = 0.25;
/** Smoothing constant of the buyer's demand estimate (an EWMA over about four weeks). */
const ALPHA = 2 / 29;
/** Extra days when a supplier ships to a site in another country within Europe. */
const CROSS_BORDER_DAYS = 4;
const LISBON_EXTRA_SALE_SHARE = 0.15;

type Source = {
  supplier: DemoSupplier;
  supplierItem: DemoSupplierItem;
  /** Quoted lead time to this site, in calendar days. */
  leadTimeDays: number;
  orderingCostEur: number;
};

type Stock = {
  item: DemoItem;
  profile: DemandProfile;
  site: SiteTemplate;
  stocking: DemoStocking;
  random: Random;
  sources: Source[];
  onHandMilli: number;
  onOrderMilli: number;
  /** The buyer's running estimate of demand per calendar day, and its variance, in milli-units. */
  meanMilli: number;
  varianceMilli2: number;
  nextCountDay: number;
  lastTransferDay: number;
  lastExpiryDay: number;
  spikeDays: Map<number, number>;
  announcedSpikes: Set<number>;
};

type OrderLine = DemoPurchaseOrderLine & { stock: Stock; orderedMilli: number; receivedMilli: number };
type Delivery = { order: DemoPurchaseOrder; line: OrderLine; pack: number; shortProbability: number };
type Timeless<T> = T extends unknown ? Omit<T, 'occurred_at'> : never;
type Event = { at: number; seq: number; movement: Timeless<DemoMovement> | null; delivered?: OrderLine[] };

/**
 * Simulates `days` days of a stockroom ending on the day of `now` (UTC), with nothing after `now`:
 * demand (compound Poisson: picks per day with weekday, holiday, trend, season and spike factors;
 * gamma-sized picks, so rare picks make intermittent, lumpy items), a buyer who orders when the
 * inventory position (on hand + on order) dips to the reorder point (mean demand over the lead time
 * plus z·√(L·σ² + d²·σL²)) up to reorder point + EOQ (clamped to 2–30 days of demand, rounded to
 * MOQ and pack), deliveries after the supplier's noisy, right-skewed lead time (sometimes late or short),
 * transfers between sites to cover a stock-out, damage and expiry scrap, and cycle counts that find
 * small differences. Demand beyond on hand is lost, so on hand never goes below zero.
 */
export function simulateDemoHistory(
  random: Random,
  catalogue: DemoCatalogue,
  options: { now: number; days: number },
): DemoHistory {
  const todayMs = Math.floor(options.now / DAY_MS) * DAY_MS;
  const startMs = todayMs - (options.days - 1) * DAY_MS;
  const stocks = buildStocks(random, catalogue, options.days, startMs);
  const stocksByItem = new Map<string, Stock[]>();
  for (const stock of stocks) {
    const list = stocksByItem.get(stock.item.sku) ?? [];
    list.push(stock);
    stocksByItem.set(stock.item.sku, list);
  }
  const pairs = [...stocksByItem.values()].filter((list) => list.length === 2) as Array<[Stock, Stock]>;

  const movements: DemoMovement[] = [];
  const purchaseOrders: DemoPurchaseOrder[] = [];
  const deliveries = new Map<number, Delivery[]>();
  const counters = { po: 0, wo: 0, so: 0, tr: 0, seq: 0 };

  for (let day = 0; day < options.days; day++) {
    const dayMs = startMs + day * DAY_MS;
    const date = new Date(dayMs);
    const weekday = date.getUTCDay();
    const isWorkday = weekday >= 1 && weekday <= 5;
    const offsets = new Map(SITE_TEMPLATES.map((s) => [s.code, zoneOffsetMinutes(s.timeZone, dayMs + DAY_MS / 2)]));
    const at = (site: SiteTemplate, minuteOfDay: number) => dayMs + (minuteOfDay - offsets.get(site.code)!) * 60_000;
    const events: Event[] = [];
    const push = (time: number, movement: Timeless<DemoMovement> | null, delivered?: OrderLine[]) =>
      events.push({ at: time, seq: counters.seq++, movement, ...(delivered ? { delivered } : {}) });

    // 06:00 on the first day: the opening stocktake.
    if (day === 0) {
      for (const stock of stocks) {
        const plan = planOf(stock);
        const opening = roundDown(plan.reorderPointMilli + plan.cycleMilli * stock.random.uniform(0.3, 1), stock);
        stock.onHandMilli = opening;
        push(at(stock.site, 360 + stock.random.int(0, 29)), {
          type: 'count',
          sku: stock.item.sku,
          location: stock.stocking.bin,
          quantity: opening / 1000,
          reference: 'STOCKTAKE-OPENING',
          reason: 'opening stock count',
        });
      }
    }

    // 07:00 Berlin time (06:00 in Lisbon), before any delivery: cover an imminent stock-out from the other site.
    if (day > 0 && isWorkday) {
      const time = Math.min(...SITE_TEMPLATES.map((s) => at(s, 420)));
      for (const pair of pairs) {
        for (const [short, spare] of [pair, [pair[1], pair[0]]] as const) {
          const quantity = transferQuantity(short, spare, day);
          if (quantity <= 0) continue;
          short.onHandMilli += quantity;
          spare.onHandMilli -= quantity;
          short.lastTransferDay = day;
          push(time, {
            type: 'transfer',
            sku: short.item.sku,
            from: spare.stocking.bin,
            to: short.stocking.bin,
            quantity: quantity / 1000,
            reference: `TRF-${String(++counters.tr).padStart(5, '0')}`,
            reason: `stock-out cover from ${spare.site.code}`,
          });
        }
      }
    }

    // 07:30–08:30 local: deliveries.
    const arriving = deliveries.get(day) ?? [];
    deliveries.delete(day);
    const byOrder = new Map<DemoPurchaseOrder, Delivery[]>();
    for (const delivery of arriving) byOrder.set(delivery.order, [...(byOrder.get(delivery.order) ?? []), delivery]);
    for (const [order, lines] of byOrder) {
      const site = SITE_TEMPLATES.find((s) => s.code === order.site)!;
      const time = at(site, 450 + random.int(0, 59));
      for (const { line, pack, shortProbability } of lines) {
        const stock = line.stock;
        stock.onOrderMilli -= line.orderedMilli;
        let received = line.orderedMilli;
        if (stock.random.chance(shortProbability)) {
          received = Math.floor((line.orderedMilli * stock.random.uniform(0.5, 0.95)) / pack) * pack;
        }
        line.receivedMilli = received;
        if (received <= 0) {
          push(time, null, [line]);
          continue;
        }
        stock.onHandMilli += received;
        push(
          time,
          {
            type: 'receipt',
            sku: stock.item.sku,
            location: stock.stocking.bin,
            quantity: received / 1000,
            reference: order.number,
            reason:
              received < line.orderedMilli
                ? `short delivery: ${received / 1000} of ${line.orderedMilli / 1000} ${stock.item.unit}`
                : null,
          },
          [line],
        );
      }
    }

    // 09:00–17:00 local: sales and issues.
    const demandFactor = WEEKDAY_FACTOR[weekday]! * holidayFactor(date);
    const requestedMilli = new Map<Stock, number>();
    for (const stock of stocks) {
      const p = stock.profile;
      const r = stock.random;
      const rate =
        p.picksPerWeekday *
        stock.stocking.demandScale *
        demandFactor *
        trendFactor(p, day, options.days) *
        seasonFactor(p, date) *
        (p.pattern === 'smooth' ? r.gamma(5, 0.2) : 1);
      const picks = r.poisson(rate);
      const sizes: number[] = [];
      for (let i = 0; i < picks; i++) sizes.push(pickSize(stock));
      requestedMilli.set(
        stock,
        sizes.reduce((sum, s) => sum + s, 0),
      );
      const groups = groupPicks(sizes);
      const spike = stock.spikeDays.get(day);
      if (spike !== undefined) groups.push(spikeQuantity(stock, spike));
      const minutes = groups.map(() => 540 + r.int(0, 479)).sort((a, b) => a - b);
      const saleShare = p.saleShare + (stock.site.code === 'LIS' ? LISBON_EXTRA_SALE_SHARE : 0);
      groups.forEach((wanted, index) => {
        const quantity = Math.min(wanted, stock.onHandMilli);
        if (quantity <= 0) return;
        stock.onHandMilli -= quantity;
        const isSpike = spike !== undefined && index === groups.length - 1;
        const sale = r.chance(saleShare);
        push(at(stock.site, minutes[index]!), {
          type: sale ? 'sale' : 'issue',
          sku: stock.item.sku,
          location: stock.stocking.bin,
          quantity: quantity / 1000,
          reference: sale
            ? `SO-${stock.site.code}-${String(++counters.so).padStart(6, '0')}`
            : `WO-${stock.site.code}-${String(++counters.wo).padStart(6, '0')}`,
          reason: isSpike ? (sale ? 'large customer order' : 'one-off project') : null,
        });
      });
    }

    // 17:15–17:45 local: scrap and cycle counts.
    for (const stock of isWorkday ? stocks : []) {
      const r = stock.random;
      if (stock.onHandMilli > 0 && r.chance(0.0006)) {
        const quantity = Math.min(stock.onHandMilli, roundUp(stock.profile.meanPickMilli * r.uniform(0.5, 1.5), stock));
        stock.onHandMilli -= quantity;
        push(at(stock.site, 1035 + r.int(0, 14)), {
          type: 'scrap',
          sku: stock.item.sku,
          location: stock.stocking.bin,
          quantity: quantity / 1000,
          reference: null,
          reason: 'damaged in handling',
        });
      }
      const shelfLife = stock.item.shelfLifeDays;
      if (
        shelfLife !== null &&
        day - stock.lastExpiryDay > 90 &&
        stock.onHandMilli > stock.meanMilli * shelfLife * 0.4 &&
        r.chance(1 / 30)
      ) {
        const quantity = Math.max(stock.profile.stepMilli, roundDown(stock.onHandMilli * r.uniform(0.05, 0.2), stock));
        if (quantity <= stock.onHandMilli) {
          stock.onHandMilli -= quantity;
          stock.lastExpiryDay = day;
          push(at(stock.site, 1035 + r.int(0, 14)), {
            type: 'scrap',
            sku: stock.item.sku,
            location: stock.stocking.bin,
            quantity: quantity / 1000,
            reference: null,
            reason: `expired (shelf life ${shelfLife} days)`,
          });
        }
      }
      if (day >= stock.nextCountDay) {
        const counted = countedQuantity(stock);
        stock.onHandMilli = counted;
        stock.nextCountDay = day + Math.round(countIntervalDays(stock.item.criticality) * r.uniform(0.7, 1.3));
        push(at(stock.site, 1050 + r.int(0, 14)), {
          type: 'count',
          sku: stock.item.sku,
          location: stock.stocking.bin,
          quantity: counted / 1000,
          reference: `CC-${dateOf(date).replaceAll('-', '')}`,
          reason: 'cycle count',
        });
      }
    }

    // 17:50 local, on workdays: the buyer reviews positions and raises purchase orders.
    const lines = new Map<string, { source: Source; site: SiteTemplate; lines: OrderLine[] }>();
    const addLine = (stock: Stock, source: Source, quantity: number) => {
      const key = `${source.supplier.code}|${stock.site.code}`;
      const entry = lines.get(key) ?? { source, site: stock.site, lines: [] };
      entry.lines.push({
        sku: stock.item.sku,
        location: stock.stocking.bin,
        quantity: quantity / 1000,
        receivedQuantity: 0,
        deliveredAt: null,
        stock,
        orderedMilli: quantity,
        receivedMilli: 0,
      });
      lines.set(key, entry);
      stock.onOrderMilli += quantity;
    };
    for (const stock of stocks) {
      const requested = requestedMilli.get(stock) ?? 0;
      const error = requested - stock.meanMilli;
      stock.meanMilli += ALPHA * error;
      stock.varianceMilli2 = (1 - ALPHA) * (stock.varianceMilli2 + ALPHA * error * error);
      if (!isWorkday) continue;
      const source = stock.sources[0]!;
      for (const [spikeDay, multiple] of stock.spikeDays) {
        if (stock.announcedSpikes.has(spikeDay) || spikeDay <= day || spikeDay > day + source.leadTimeDays + 3)
          continue;
        stock.announcedSpikes.add(spikeDay);
        addLine(stock, source, orderQuantity(source, spikeQuantity(stock, multiple)));
      }
      const plan = planOf(stock);
      const position = stock.onHandMilli + stock.onOrderMilli;
      if (position > plan.reorderPointMilli || (stock.meanMilli <= 0 && position > 0)) continue;
      const chosen = stock.sources.length > 1 && stock.random.chance(0.12) ? stock.sources[1]! : source;
      addLine(stock, chosen, orderQuantity(chosen, plan.reorderPointMilli + plan.cycleMilli - position));
    }
    for (const { source, site, lines: orderLines } of lines.values()) {
      const supplier = source.supplier;
      const reliability = supplier.reliability;
      // Right-skewed: a delivery comes at most 15 % early, but late by the noise plus, at times, a delay.
      const noiseDays =
        Math.max(-Math.floor(0.15 * supplier.leadTimeDays), Math.round(random.normal(0, reliability.leadTimeSdDays))) +
        (random.chance(reliability.lateProbability) ? random.int(1, reliability.lateMaxDays) : 0);
      const order: DemoPurchaseOrder = {
        number: `PO-${String(++counters.po).padStart(6, '0')}`,
        supplier: supplier.code,
        site: site.code,
        orderedAt: new Date(at(site, 1070)).toISOString(),
        expectedOn: dateOf(new Date(dayMs + leadTimeOf(source.supplierItem, supplier, site) * DAY_MS)),
        status: 'sent',
        lines: orderLines,
      };
      if (at(site, 1070) > options.now) {
        for (const line of orderLines) line.stock.onOrderMilli -= line.orderedMilli;
        continue;
      }
      purchaseOrders.push(order);
      for (const line of orderLines) {
        const quoted = leadTimeOf(
          line.stock.sources.find((s) => s.supplier === supplier)!.supplierItem,
          supplier,
          site,
        );
        let arrival = day + Math.max(1, quoted + noiseDays);
        while (isWeekend(startMs + arrival * DAY_MS)) arrival++;
        const list = deliveries.get(arrival) ?? [];
        list.push({
          order,
          line,
          pack: line.stock.sources.find((s) => s.supplier === supplier)!.supplierItem.packSizeMilli,
          shortProbability: reliability.shortProbability,
        });
        deliveries.set(arrival, list);
      }
    }

    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const event of events) {
      if (event.at > options.now) break;
      const occurredAt = new Date(event.at).toISOString();
      for (const line of event.delivered ?? []) {
        line.receivedQuantity = line.receivedMilli / 1000;
        line.deliveredAt = occurredAt;
      }
      if (event.movement) movements.push({ ...event.movement, occurred_at: occurredAt } as DemoMovement);
    }
  }

  return {
    movements,
    purchaseOrders: purchaseOrders.map(toPublicOrder),
    firstDay: dateOf(new Date(startMs)),
    lastDay: dateOf(new Date(todayMs)),
  };
}

function buildStocks(random: Random, catalogue: DemoCatalogue, days: number, startMs: number): Stock[] {
  const suppliers = new Map(catalogue.suppliers.map((s) => [s.code, s]));
  const items = new Map(catalogue.items.map((i) => [i.sku, i]));
  const sourcesBySku = new Map<string, DemoSupplierItem[]>();
  for (const supplierItem of catalogue.supplierItems) {
    sourcesBySku.set(supplierItem.sku, [...(sourcesBySku.get(supplierItem.sku) ?? []), supplierItem]);
  }
  const stocks: Stock[] = [];
  for (const profile of catalogue.profiles) {
    const item = items.get(profile.sku)!;
    for (const stocking of profile.stocking) {
      const site = SITE_TEMPLATES.find((s) => s.code === stocking.site)!;
      const stockRandom = random.fork(`stock:${profile.sku}:${site.code}`);
      const sources = (sourcesBySku.get(profile.sku) ?? [])
        .sort((a, b) => a.rank - b.rank)
        .map((supplierItem) => {
          const supplier = suppliers.get(supplierItem.supplier)!;
          return {
            supplier,
            supplierItem,
            leadTimeDays: leadTimeOf(supplierItem, supplier, site),
            orderingCostEur: supplier.orderingCostMinor / 100 / PER_EURO[supplier.currency],
          };
        });
      const expectedMilli =
        profile.picksPerWeekday *
        profile.meanPickMilli *
        stocking.demandScale *
        AVERAGE_WEEK_FACTOR *
        trendFactor(profile, 0, days);
      const interval = countIntervalDays(item.criticality);
      stocks.push({
        item,
        profile,
        site,
        stocking,
        random: stockRandom,
        sources,
        onHandMilli: 0,
        onOrderMilli: 0,
        meanMilli: expectedMilli,
        varianceMilli2: expectedMilli * profile.meanPickMilli * 2 + (expectedMilli / 2) ** 2,
        nextCountDay: 5 + stockRandom.int(0, interval),
        lastTransferDay: -1000,
        lastExpiryDay: 0,
        spikeDays: new Map(
          profile.spikes
            .filter((s) => s.site === site.code)
            .map((s) => [onWorkday(s.dayIndex, startMs, days), s.multiple]),
        ),
        announcedSpikes: new Set(),
      });
    }
  }
  return stocks;
}

function leadTimeOf(supplierItem: DemoSupplierItem, supplier: DemoSupplier, site: SiteTemplate): number {
  const quoted = supplierItem.leadTimeDays ?? supplier.leadTimeDays;
  const crossBorder = (supplier.region === 'DE' || supplier.region === 'PT') && supplier.region !== site.region;
  return quoted + (crossBorder ? CROSS_BORDER_DAYS : 0);
}

/** The buyer's reorder point and cycle quantity (reorder point + cycle = order-up-to level), in milli-units. */
function planOf(stock: Stock): { reorderPointMilli: number; cycleMilli: number } {
  const source = stock.sources[0]!;
  const leadTimeDays = source.leadTimeDays + 1;
  const mean = Math.max(0, stock.meanMilli);
  const sdLeadTime = source.supplier.reliability.leadTimeSdDays;
  const safety =
    Z_BY_CRITICALITY[stock.item.criticality] *
    Math.sqrt(leadTimeDays * stock.varianceMilli2 + mean * mean * sdLeadTime * sdLeadTime);
  const annualUnits = (mean * 365) / 1000;
  const unitCostEur = stock.item.unitCostMinor / 100;
  const eoqMilli = Math.sqrt((2 * annualUnits * source.orderingCostEur) / (HOLDING_RATE_PER_YEAR * unitCostEur)) * 1000;
  return {
    reorderPointMilli: mean * leadTimeDays + safety,
    cycleMilli: Math.min(Math.max(eoqMilli, 2 * mean), 30 * mean),
  };
}

/** Rounds up to the pack size, and to at least the minimum order quantity. */
function orderQuantity(source: Source, wantedMilli: number): number {
  const pack = source.supplierItem.packSizeMilli;
  const moq = Math.ceil(source.supplierItem.moqMilli / pack) * pack;
  return Math.max(moq, Math.ceil(wantedMilli / pack) * pack);
}

function transferQuantity(short: Stock, spare: Stock, day: number): number {
  if (day - short.lastTransferDay < 21 || short.meanMilli <= 0) return 0;
  if (short.onHandMilli >= Math.max(short.profile.stepMilli, short.meanMilli)) return 0;
  const need = Math.max(planOf(short).reorderPointMilli - short.onHandMilli, short.meanMilli * 5);
  const spareMilli = spare.onHandMilli - planOf(spare).reorderPointMilli - spare.meanMilli * 3;
  const quantity = roundDown(Math.min(need, spareMilli), short);
  return quantity >= short.profile.meanPickMilli ? quantity : 0;
}

function pickSize(stock: Stock): number {
  const p = stock.profile;
  if (p.pickShape === 0) return p.meanPickMilli;
  return Math.max(p.stepMilli, roundDown(stock.random.gamma(p.pickShape, p.meanPickMilli / p.pickShape), stock));
}

function spikeQuantity(stock: Stock, multiple: number): number {
  const p = stock.profile;
  return roundUp(multiple * Math.max(1, p.picksPerWeekday) * p.meanPickMilli * stock.stocking.demandScale, stock);
}

/** Splits a day's picks into at most three recorded movements (a clerk books several picks at once). */
function groupPicks(sizes: number[]): number[] {
  if (sizes.length === 0) return [];
  const groups = Math.min(sizes.length, 1 + Math.floor(Math.log2(1 + sizes.length) / 2));
  const totals = new Array<number>(groups).fill(0);
  sizes.forEach((size, index) => {
    totals[index % groups]! += size;
  });
  return totals;
}

function countedQuantity(stock: Stock): number {
  const r = stock.random;
  if (r.chance(0.7) || stock.onHandMilli === 0) return stock.onHandMilli;
  const step = stock.profile.stepMilli;
  const delta =
    step >= 1000
      ? r.pick([-3, -2, -1, -1, -1, 1, 1, 2]) * step
      : Math.round((stock.onHandMilli * r.uniform(-0.03, 0.015)) / step) * step;
  return Math.max(0, stock.onHandMilli + delta);
}

function countIntervalDays(criticality: Criticality): number {
  return criticality === 'critical' || criticality === 'high' ? 45 : 120;
}

function trendFactor(profile: DemandProfile, day: number, days: number): number {
  return Math.max(0.2, 1 + (profile.trendPerYear * (day - days / 2)) / 365);
}

function seasonFactor(profile: DemandProfile, date: Date): number {
  if (profile.seasonalAmplitude === 0) return 1;
  const dayOfYear = (date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS;
  return 1 + profile.seasonalAmplitude * Math.cos((2 * Math.PI * (dayOfYear - profile.seasonalPeakDayOfYear)) / 365.25);
}

/** Works closed between Christmas Eve and New Year's Day, and on 1 May. */
function holidayFactor(date: Date): number {
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  if ((month === 11 && day >= 24) || (month === 0 && day === 1) || (month === 4 && day === 1)) return 0.15;
  return 1;
}

/** The day itself if it is a weekday, else the next Monday (or the Friday before, at the end of the history). */
function onWorkday(dayIndex: number, startMs: number, days: number): number {
  let day = dayIndex;
  while (isWeekend(startMs + day * DAY_MS) && day < days - 1) day++;
  while (isWeekend(startMs + day * DAY_MS) && day > 0) day--;
  return day;
}

function isWeekend(dayMs: number): boolean {
  const weekday = new Date(dayMs).getUTCDay();
  return weekday === 0 || weekday === 6;
}

function roundDown(milli: number, stock: Stock): number {
  const step = stock.profile.stepMilli;
  return Math.max(0, Math.floor(milli / step) * step);
}

function roundUp(milli: number, stock: Stock): number {
  const step = stock.profile.stepMilli;
  return Math.max(step, Math.ceil(milli / step) * step);
}

function dateOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function toPublicOrder(order: DemoPurchaseOrder): DemoPurchaseOrder {
  const lines = order.lines.map(({ sku, location, quantity, receivedQuantity, deliveredAt }) => ({
    sku,
    location,
    quantity,
    receivedQuantity,
    deliveredAt,
  }));
  const delivered = lines.filter((line) => line.deliveredAt !== null).length;
  return {
    ...order,
    status: delivered === 0 ? 'sent' : delivered === lines.length ? 'received' : 'partly_received',
    lines,
  };
}

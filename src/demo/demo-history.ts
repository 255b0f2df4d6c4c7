import type { StockMovementType } from '../domain/ledger/index.js';
import { lineDelivery } from '../domain/purchasing/purchase-order.js';
import { formatQuantity } from '../domain/quantity.js';
import type {
  DemandProfile,
  DemoCatalogue,
  DemoItem,
  DemoStocking,
  DemoSupplier,
  DemoSupplierItem,
} from './demo-catalogue.js';
import { purchasePriceOf } from './demo-prices.js';
import { type Criticality, PER_EURO, SITE_TEMPLATES, type SiteTemplate } from './demo-templates.js';
import type { Random } from './random.js';
import { localTimeToUtc, zoneOffsetMinutes } from './zoned-time.js';

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

/** A delivery of an order line: a receipt movement with the order's number as its reference. */
export type DemoReceipt = { receivedAt: string; quantity: number };

/** What made the buyer order a line, as the `origin` of a purchase order line. */
export type DemoLineOrigin = 'reorder_point' | 'periodic_review' | 'manual';

export type DemoPurchaseOrderLine = {
  sku: string;
  /** The bin the goods go to. */
  location: string;
  quantity: number;
  receivedQuantity: number;
  /** Oldest first: one delivery, or a short one and the rest later. */
  receipts: DemoReceipt[];
  origin: DemoLineOrigin;
  triggerNote: string;
  unitPriceMinor: number;
  currency: 'EUR' | 'GBP' | 'USD';
  priceRule: 'list_price' | 'break_reached';
  priceNote: string;
  /** The supplier's quoted lead time to the site, calendar days. */
  leadTimeDays: number;
  /** The local date the quoted lead time promised (moved to the next working day). */
  expectedOn: string;
  /** When the line was complete (everything received); null otherwise. */
  receivedAt: string | null;
  /** Set once the line is done (complete, or closed short): sent → last receipt, in days. */
  actualLeadTimeDays: number | null;
  onTime: boolean | null;
  inFull: boolean | null;
};

export type DemoPurchaseOrderStatus = 'sent' | 'confirmed' | 'partly_received' | 'received' | 'closed' | 'cancelled';

/**
 * A purchase order the simulated buyer raised (and sent at once, by e-mail), with its lifecycle at `now`:
 * suppliers with a lead time of 5 days or more confirm it the next working day (promising the quoted
 * date); deliveries may be late or short; the rest of a short delivery either follows within days or the
 * buyer closes the order short after two weeks; a few orders are cancelled the morning after.
 * The receipts in the history refer to their numbers.
 */
export type DemoPurchaseOrder = {
  number: string;
  supplier: string;
  site: string;
  currency: 'EUR' | 'GBP' | 'USD';
  /** Created and sent. */
  orderedAt: string;
  /** The latest expected date of its lines. */
  expectedOn: string;
  status: DemoPurchaseOrderStatus;
  confirmedAt: string | null;
  promisedOn: string | null;
  /** Every line complete. */
  receivedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
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
export const Z_BY_CRITICALITY: Record<Criticality, number> = { low: 0.8, medium: 1.3, high: 1.8, critical: 2.3 };
const HOLDING_RATE_PER_YEAR = 0.25;
/** Smoothing constant of the buyer's demand estimate (an EWMA over about four weeks). */
const ALPHA = 2 / 29;
/** Extra days when a supplier ships to a site in another country within Europe. */
const CROSS_BORDER_DAYS = 4;
const LISBON_EXTRA_SALE_SHARE = 0.15;
/** Days between the weekly reviews of items from a supplier that takes orders on one day of the week. */
export const WEEKLY_REVIEW_DAYS = 7;
/** Suppliers at least this far away confirm an order the next working day. */
const CONFIRMING_LEAD_TIME_DAYS = 5;
/** Share of orders cancelled the next morning, before anything was shipped. */
const CANCEL_PROBABILITY = 0.012;
const CANCEL_REASONS = ['supplier cannot deliver in time', 'ordered twice by mistake', 'price not accepted'] as const;
/** Share of short deliveries whose rest follows within days; otherwise the buyer closes the order short. */
const REST_FOLLOWS_PROBABILITY = 0.6;
/** How long the buyer waits for the rest of a short delivery before closing the order short. */
const SHORT_WAIT_DAYS = 14;

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

type SimLine = {
  stock: Stock;
  source: Source;
  orderedMilli: number;
  origin: DemoLineOrigin;
  triggerNote: string;
  expectedOn: string;
  receipts: Array<{ at: number; milli: number }>;
  /** When the buyer stopped waiting for the rest of a short delivery. */
  givenUpAt: number | null;
};
type SimOrder = {
  number: string;
  supplier: DemoSupplier;
  site: SiteTemplate;
  orderedAt: number;
  confirmedAt: number | null;
  promisedOn: string | null;
  cancelledAt: number | null;
  cancelReason: string | null;
  lines: SimLine[];
};
type Delivery = { order: SimOrder; line: SimLine; owedMilli: number; shortProbability: number };
type Timeless<T> = T extends unknown ? Omit<T, 'occurred_at'> : never;
type Event = { at: number; seq: number; movement: Timeless<DemoMovement> };

/**
 * Simulates `days` days of a stockroom ending on the day of `now` (UTC), with nothing after `now`:
 * demand (compound Poisson: picks per day with weekday, holiday, trend, season and spike factors;
 * gamma-sized picks, so rare picks make intermittent, lumpy items), a buyer who orders when the
 * inventory position (on hand + on order) dips to the reorder point (mean demand over the lead time
 * plus z·√(L·σ² + d²·σL²)) up to reorder point + EOQ (clamped to 2–30 days of demand, rounded to
 * MOQ and pack) — or, for a supplier that takes orders on one weekday, reviews weekly on that day and
 * orders up to the demand over a week and the lead time plus safety —, deliveries after the supplier's
 * noisy, right-skewed lead time (sometimes late or short; the rest of a short delivery follows or the
 * order is closed short), a few cancelled orders, transfers between sites to cover a stock-out, damage
 * and expiry scrap, and cycle counts that find small differences. Demand beyond on hand is lost, so on
 * hand never goes below zero.
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
  const lifecycle = random.fork('order-lifecycle');

  const movements: DemoMovement[] = [];
  const orders: SimOrder[] = [];
  const deliveries = new Map<number, Delivery[]>();
  const givingUp = new Map<number, Array<{ line: SimLine; site: SiteTemplate; missingMilli: number }>>();
  const counters = { po: 0, wo: 0, so: 0, tr: 0, seq: 0 };
  const schedule = <T>(map: Map<number, T[]>, day: number, entry: T) => {
    const list = map.get(day) ?? [];
    list.push(entry);
    map.set(day, list);
  };
  const workdayFrom = (day: number) => {
    let result = day;
    while (isWeekend(startMs + result * DAY_MS)) result++;
    return result;
  };

  for (let day = 0; day < options.days; day++) {
    const dayMs = startMs + day * DAY_MS;
    const date = new Date(dayMs);
    const weekday = date.getUTCDay();
    const isWorkday = weekday >= 1 && weekday <= 5;
    const offsets = new Map(SITE_TEMPLATES.map((s) => [s.code, zoneOffsetMinutes(s.timeZone, dayMs + DAY_MS / 2)]));
    const at = (site: SiteTemplate, minuteOfDay: number) => dayMs + (minuteOfDay - offsets.get(site.code)!) * 60_000;
    const events: Event[] = [];
    const push = (time: number, movement: Timeless<DemoMovement>) =>
      events.push({ at: time, seq: counters.seq++, movement });

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
    const byOrder = new Map<SimOrder, Delivery[]>();
    for (const delivery of arriving) byOrder.set(delivery.order, [...(byOrder.get(delivery.order) ?? []), delivery]);
    for (const [order, lines] of byOrder) {
      const time = at(order.site, 450 + random.int(0, 59));
      for (const { line, owedMilli, shortProbability } of lines) {
        const stock = line.stock;
        const pack = line.source.supplierItem.packSizeMilli;
        let received = owedMilli;
        if (stock.random.chance(shortProbability)) {
          received = Math.floor((owedMilli * stock.random.uniform(0.5, 0.95)) / pack) * pack;
        }
        stock.onOrderMilli -= received;
        const missing = owedMilli - received;
        if (missing > 0) {
          if (stock.random.chance(REST_FOLLOWS_PROBABILITY)) {
            const restDay = workdayFrom(day + stock.random.int(3, 12));
            schedule(deliveries, restDay, { order, line, owedMilli: missing, shortProbability: 0 });
          } else {
            schedule(givingUp, workdayFrom(day + SHORT_WAIT_DAYS), { line, site: order.site, missingMilli: missing });
          }
        }
        if (received <= 0) continue;
        stock.onHandMilli += received;
        line.receipts.push({ at: time, milli: received });
        push(time, {
          type: 'receipt',
          sku: stock.item.sku,
          location: stock.stocking.bin,
          quantity: received / 1000,
          reference: order.number,
          reason:
            received < owedMilli
              ? `short delivery: ${received / 1000} of ${owedMilli / 1000} ${stock.item.unit}`
              : shortProbability === 0
                ? 'rest of a short delivery'
                : null,
        });
      }
    }

    // 08:45 local: the buyer stops waiting for the rest of short deliveries two weeks old.
    for (const { line, site, missingMilli } of givingUp.get(day) ?? []) {
      line.stock.onOrderMilli -= missingMilli;
      line.givenUpAt = at(site, 525);
    }
    givingUp.delete(day);

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
    const drafts = new Map<string, { source: Source; site: SiteTemplate; lines: SimLine[] }>();
    const addLine = (stock: Stock, source: Source, quantity: number, origin: DemoLineOrigin, note: string) => {
      const key = `${source.supplier.code}|${stock.site.code}`;
      const entry = drafts.get(key) ?? { source, site: stock.site, lines: [] };
      const existing = entry.lines.find((line) => line.stock === stock);
      if (existing) {
        existing.orderedMilli += quantity;
        existing.triggerNote += `; ${note}`;
      } else {
        entry.lines.push({
          stock,
          source,
          orderedMilli: quantity,
          origin,
          triggerNote: note,
          expectedOn: '',
          receipts: [],
          givenUpAt: null,
        });
      }
      drafts.set(key, entry);
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
        addLine(
          stock,
          source,
          orderQuantity(source, spikeQuantity(stock, multiple)),
          'manual',
          `announced one-off demand on ${dateOf(new Date(startMs + spikeDay * DAY_MS))}`,
        );
      }
      const position = stock.onHandMilli + stock.onOrderMilli;
      const orderDays = source.supplier.orderDays;
      if (orderDays !== null) {
        if (!orderDays.includes(weekday === 0 ? 7 : weekday)) continue;
        const target = planOf(stock, WEEKLY_REVIEW_DAYS).reorderPointMilli;
        if (position >= target || stock.meanMilli <= 0) continue;
        addLine(
          stock,
          source,
          orderQuantity(source, target - position),
          'periodic_review',
          `weekly review: position ${formatQuantity(position)} below the target ${formatQuantity(roundUp(target, stock))}`,
        );
        continue;
      }
      const plan = planOf(stock);
      if (position > plan.reorderPointMilli || (stock.meanMilli <= 0 && position > 0)) continue;
      const chosen = stock.sources.length > 1 && stock.random.chance(0.12) ? stock.sources[1]! : source;
      addLine(
        stock,
        chosen,
        orderQuantity(chosen, plan.reorderPointMilli + plan.cycleMilli - position),
        'reorder_point',
        `position ${formatQuantity(position)} at or below the reorder point ${formatQuantity(roundUp(plan.reorderPointMilli, stock))}: ordered up to ${formatQuantity(roundUp(plan.reorderPointMilli + plan.cycleMilli, stock))}`,
      );
    }
    for (const { source, site, lines: orderLines } of drafts.values()) {
      const supplier = source.supplier;
      const reliability = supplier.reliability;
      // Right-skewed: a delivery comes at most 15 % early, but late by the noise plus, at times, a delay.
      const noiseDays =
        Math.max(-Math.floor(0.15 * supplier.leadTimeDays), Math.round(random.normal(0, reliability.leadTimeSdDays))) +
        (random.chance(reliability.lateProbability) ? random.int(1, reliability.lateMaxDays) : 0);
      const number = `PO-${String(++counters.po).padStart(6, '0')}`;
      const orderedAt = at(site, 1070);
      if (orderedAt > options.now) {
        for (const line of orderLines) line.stock.onOrderMilli -= line.orderedMilli;
        continue;
      }
      for (const line of orderLines) {
        line.expectedOn = dateOf(new Date(startMs + workdayFrom(day + line.source.leadTimeDays) * DAY_MS));
      }
      const order: SimOrder = {
        number,
        supplier,
        site,
        orderedAt,
        confirmedAt: null,
        promisedOn: null,
        cancelledAt: null,
        cancelReason: null,
        lines: orderLines,
      };
      orders.push(order);
      const nextWorkday = workdayFrom(day + 1);
      const cancelAt = lifecycle.chance(CANCEL_PROBABILITY)
        ? localTimeToUtc(startMs + nextWorkday * DAY_MS, 540, site.timeZone)
        : undefined;
      if (cancelAt !== undefined && cancelAt <= options.now) {
        order.cancelledAt = cancelAt;
        order.cancelReason = lifecycle.pick(CANCEL_REASONS);
        for (const line of orderLines) line.stock.onOrderMilli -= line.orderedMilli;
        continue;
      }
      if (supplier.leadTimeDays >= CONFIRMING_LEAD_TIME_DAYS) {
        order.confirmedAt = localTimeToUtc(startMs + nextWorkday * DAY_MS, 540 + lifecycle.int(0, 420), site.timeZone);
        order.promisedOn = latestDate(orderLines.map((line) => line.expectedOn));
      }
      for (const line of orderLines) {
        const arrival = workdayFrom(day + Math.max(1, line.source.leadTimeDays + noiseDays));
        schedule(deliveries, arrival, {
          order,
          line,
          owedMilli: line.orderedMilli,
          shortProbability: reliability.shortProbability,
        });
      }
    }

    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const event of events) {
      if (event.at > options.now) break;
      movements.push({ ...event.movement, occurred_at: new Date(event.at).toISOString() } as DemoMovement);
    }
  }

  return {
    movements,
    purchaseOrders: orders.map((order) => toPublicOrder(order, options.now)),
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

/** The quoted lead time from a supplier to a site, in calendar days: a few more across a border within Europe. */
export function leadTimeOf(supplierItem: DemoSupplierItem, supplier: DemoSupplier, site: SiteTemplate): number {
  const quoted = supplierItem.leadTimeDays ?? supplier.leadTimeDays;
  const crossBorder = (supplier.region === 'DE' || supplier.region === 'PT') && supplier.region !== site.region;
  return quoted + (crossBorder ? CROSS_BORDER_DAYS : 0);
}

/**
 * The buyer's reorder point and cycle quantity (reorder point + cycle = order-up-to level), in milli-units,
 * protecting the lead time plus `reviewDays` (a day for the daily look at positions, a week for a weekly review).
 */
function planOf(stock: Stock, reviewDays = 1): { reorderPointMilli: number; cycleMilli: number } {
  const source = stock.sources[0]!;
  const leadTimeDays = source.leadTimeDays + reviewDays;
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

/** The latest of some dates YYYY-MM-DD (they sort as text). */
function latestDate(dates: string[]): string {
  return [...dates].sort().at(-1)!;
}

function dateOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function toPublicOrder(order: SimOrder, now: number): DemoPurchaseOrder {
  const iso = (instant: number | null) => (instant === null || instant > now ? null : new Date(instant).toISOString());
  const cancelledAt = iso(order.cancelledAt);
  const confirmedAt = iso(order.confirmedAt);
  const promisedOn = confirmedAt === null ? null : order.promisedOn;
  const lines = order.lines.map((line): DemoPurchaseOrderLine & { done: boolean; doneAt: number | null } => {
    const receipts = line.receipts.filter((r) => r.at <= now);
    const receivedMilli = receipts.reduce((sum, r) => sum + r.milli, 0);
    const lastReceipt = receipts.at(-1)?.at ?? null;
    const complete = receivedMilli >= line.orderedMilli;
    const givenUp = line.givenUpAt !== null && line.givenUpAt <= now;
    const done = cancelledAt === null && (complete || givenUp);
    const delivery =
      !done || lastReceipt === null
        ? undefined
        : lineDelivery({
            sentAt: order.orderedAt,
            receivedAt: lastReceipt,
            dueDate: promisedOn ?? line.expectedOn,
            // Deliveries come in the morning, when the UTC date is the local one in Berlin and Lisbon.
            receivedDate: dateOf(new Date(lastReceipt)),
            orderedMilli: line.orderedMilli,
            receivedMilli,
            rejectedMilli: 0,
          });
    const price = purchasePriceOf(line.source.supplierItem, order.supplier, line.orderedMilli, order.orderedAt, now);
    return {
      sku: line.stock.item.sku,
      location: line.stock.stocking.bin,
      quantity: line.orderedMilli / 1000,
      receivedQuantity: receivedMilli / 1000,
      receipts: receipts.map((r) => ({ receivedAt: new Date(r.at).toISOString(), quantity: r.milli / 1000 })),
      origin: line.origin,
      triggerNote: line.triggerNote,
      ...price,
      currency: line.source.supplierItem.currency,
      leadTimeDays: line.source.leadTimeDays,
      expectedOn: line.expectedOn,
      receivedAt: complete ? iso(lastReceipt) : null,
      actualLeadTimeDays: delivery?.actualLeadTimeDays ?? null,
      // A line closed short with nothing delivered was neither on time nor in full.
      onTime: done ? (delivery ? delivery.onTime : false) : null,
      inFull: done ? (delivery?.inFull ?? false) : null,
      done,
      doneAt: !done ? null : givenUp ? Math.max(line.givenUpAt!, lastReceipt ?? 0) : lastReceipt,
    };
  });
  const complete = lines.every((line) => line.receivedAt !== null);
  const done = lines.every((line) => line.done);
  const lastDone = Math.max(...lines.map((line) => line.doneAt ?? 0));
  const status: DemoPurchaseOrderStatus =
    cancelledAt !== null
      ? 'cancelled'
      : complete
        ? 'received'
        : done
          ? 'closed'
          : lines.some((line) => line.receipts.length > 0)
            ? 'partly_received'
            : confirmedAt !== null
              ? 'confirmed'
              : 'sent';
  return {
    number: order.number,
    supplier: order.supplier.code,
    site: order.site.code,
    currency: order.supplier.currency,
    orderedAt: new Date(order.orderedAt).toISOString(),
    expectedOn: latestDate(lines.map((line) => line.expectedOn)),
    status,
    confirmedAt,
    promisedOn,
    receivedAt: status === 'received' ? iso(lastDone) : null,
    closedAt: status === 'closed' ? iso(lastDone) : null,
    cancelledAt,
    cancelReason: cancelledAt === null ? null : order.cancelReason,
    lines: lines.map(({ done: _done, doneAt: _doneAt, ...line }) => line),
  };
}

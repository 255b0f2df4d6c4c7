import { computeOnHandChange } from '../domain/ledger/index.js';
import { isoWeekdayOfDay } from '../domain/purchasing/order-calendar.js';
import { DAY_MS, instantToLocal, localDateTimeToInstant } from '../domain/replenishment/local-time.js';
import type { ReplenishmentPolicy } from '../domain/replenishment/policy.js';
import type { DemoCatalogue, DemoItem, DemoSupplier, DemoSupplierItem } from './demo-catalogue.js';
import { type DemoHistory, leadTimeOf, WEEKLY_REVIEW_DAYS, Z_BY_CRITICALITY } from './demo-history.js';
import { SITE_TEMPLATES, type SiteTemplate } from './demo-templates.js';
import type { Random } from './random.js';

export type DemoAbcClass = 'A' | 'B' | 'C';

/** The replenishment policy of one item at the bin where its site keeps it. */
export type DemoPolicy = {
  sku: string;
  location: string;
  site: string;
  policy: ReplenishmentPolicy;
  /** By annual usage value (demand × unit cost): A the top 80 %, B the next 15 %, C the rest. */
  abcClass: DemoAbcClass;
  /** Periodic review: the local date of the first review (the supplier's order day) and its instant. */
  reviewAnchorDate: string | null;
  nextReviewAt: number | null;
};

export type DemoKanbanCardState = 'full' | 'empty' | 'in_transit';

/** A kanban loop with the state of each card at `now`, card n at index n − 1. */
export type DemoKanbanLoop = {
  sku: string;
  location: string;
  supplier: string;
  cards: number;
  containerQuantityMilli: number;
  cardStates: DemoKanbanCardState[];
  /** The open purchase order the containers of the in-transit cards come on. */
  inTransitOn: string | null;
};

export type DemoReplenishment = { policies: DemoPolicy[]; kanbanLoops: DemoKanbanLoop[] };

/** Days of history the policies are sized on. */
export const POLICY_WINDOW_DAYS = 91;
const TARGET_COVER_DAYS = 14;
const KANBAN_CONTAINER_DAYS = 7;
const REVIEW_TIME_MINUTES = 6 * 60;
const MAKE_TO_ORDER_MIN_COST_MINOR = 10_000;
const KANBAN_CATEGORIES = new Set(['fasteners', 'consumables', 'packaging']);
const TWO_BIN_MAX_COST_MINOR = 50;
const KANBAN_MAX_LEAD_TIME_DAYS = 10;
const OPEN_STATUSES = new Set(['sent', 'confirmed', 'partly_received']);

type Pair = {
  item: DemoItem;
  site: SiteTemplate;
  bin: string;
  stepMilli: number;
  source: DemoSupplierItem;
  supplier: DemoSupplier;
  /** Quoted lead time to the site plus a day for the daily look at positions. */
  protectionDays: number;
  dailyMilli: number;
  varianceMilli2: number;
  demandDays: number;
  onHandMilli: number;
  openMilli: number;
  latestOpenOrder: string | null;
};

/**
 * Decides how every item is replenished at each site it is stocked at, from the last 13 weeks of its
 * generated demand (d per calendar day, σ² of the daily totals), its preferred supplier's quoted lead
 * time L (+ 1 day) and that supplier's lead-time spread σL, with the buyer's z by criticality:
 *
 * - `make_to_order` for a few expensive items (≥ 100 EUR) that are rarely in demand;
 * - `periodic_review` every 7 days at 06:00 on the supplier's order day, for items of a supplier that
 *   takes orders weekly: S = d·(L + 7) + z·√((L + 7)·σ² + d²·σL²);
 * - `kanban` for about a dozen steady small parts and consumables from a nearby supplier: two bins of
 *   d·L + safety for cheap fasteners, else 3–6 containers of about a week's demand, in whole packs;
 *   each card is full while its container is on the shelf, in transit on an open order, or empty;
 * - `manual` for a few C items (half with a reorder point, to be listed when below it);
 * - `reorder_point` for the rest: s = d·L + z·√(L·σ² + d²·σL²), S = s + max(14·d, MOQ),
 *   in whole steps of the item.
 *
 * Pure: `random` only breaks ties in which items get kanban loops and manual policies.
 */
export function chooseDemoPolicies(
  random: Random,
  catalogue: DemoCatalogue,
  history: DemoHistory,
  options: { now: number; days: number },
): DemoReplenishment {
  const pairs = measurePairs(catalogue, history, options);
  const classes = classify(pairs);
  const itemCount = catalogue.items.length;
  const chosen = new Map<Pair, ReplenishmentPolicy>();
  const loops: DemoKanbanLoop[] = [];
  const pairsOf = (sku: string) => pairs.filter((p) => p.item.sku === sku);
  const isWeekly = (pair: Pair) => pair.supplier.orderDays !== null;

  const windowDays = Math.min(POLICY_WINDOW_DAYS, options.days);
  const demandDaysOf = (sku: string) => pairsOf(sku).reduce((sum, p) => sum + p.demandDays, 0);
  const expensive = catalogue.items
    .filter((item) => item.unitCostMinor >= MAKE_TO_ORDER_MIN_COST_MINOR && demandDaysOf(item.sku) <= windowDays / 10)
    .sort((a, b) => b.unitCostMinor - a.unitCostMinor || compare(a.sku, b.sku));
  for (const item of expensive.slice(0, Math.max(1, Math.round((3 * itemCount) / 300)))) {
    for (const pair of pairsOf(item.sku)) chosen.set(pair, { kind: 'make_to_order' });
  }

  for (const pair of pairs) {
    if (chosen.has(pair) || !isWeekly(pair)) continue;
    chosen.set(pair, {
      kind: 'periodic_review',
      reviewDays: WEEKLY_REVIEW_DAYS,
      reviewTime: '06:00',
      targetMilli: Math.max(
        pair.source.packSizeMilli,
        roundUp(coverMilli(pair, pair.protectionDays + WEEKLY_REVIEW_DAYS), pair.stepMilli),
      ),
    });
  }

  const workdays = Math.max(1, Math.round((windowDays * 5) / 7));
  const kanbanCandidates = shuffle(
    random,
    pairs.filter(
      (pair) =>
        !chosen.has(pair) &&
        KANBAN_CATEGORIES.has(pair.item.category) &&
        pair.protectionDays - 1 <= KANBAN_MAX_LEAD_TIME_DAYS &&
        pair.dailyMilli > 0 &&
        pair.demandDays >= workdays / 2,
    ),
  );
  const loopCount = Math.min(15, Math.max(2, Math.round((12 * itemCount) / 300)));
  const twoBin = kanbanCandidates.filter(isTwoBin);
  const multi = kanbanCandidates.filter((pair) => !isTwoBin(pair));
  const picked = [...twoBin.slice(0, Math.ceil(loopCount / 2)), ...multi.slice(0, Math.floor(loopCount / 2))];
  for (const pair of [...twoBin, ...multi]) {
    if (picked.length >= loopCount) break;
    if (!picked.includes(pair)) picked.push(pair);
  }
  const loopItems = new Set<string>();
  for (const pair of picked) {
    if (loopItems.has(pair.item.sku)) continue;
    loopItems.add(pair.item.sku);
    const loop = kanbanLoopOf(pair);
    chosen.set(pair, {
      kind: 'kanban',
      cards: loop.cards,
      containerQuantityMilli: loop.containerQuantityMilli,
      supplier: loop.supplier,
    });
    loops.push(loop);
  }

  const manualItems = shuffle(
    random,
    catalogue.items.filter((item) => {
      const own = pairsOf(item.sku);
      return own.length > 0 && own.every((p) => !chosen.has(p) && classes.get(item.sku) === 'C');
    }),
  ).slice(0, Math.max(1, Math.round((4 * itemCount) / 300)));
  manualItems.forEach((item, index) => {
    for (const pair of pairsOf(item.sku)) {
      chosen.set(
        pair,
        index % 2 === 0 ? { kind: 'manual', reorderPointMilli: reorderPointOf(pair) } : { kind: 'manual' },
      );
    }
  });

  const policies = pairs.map((pair): DemoPolicy => {
    const s = reorderPointOf(pair);
    const policy = chosen.get(pair) ?? {
      kind: 'reorder_point',
      reorderPointMilli: s,
      targetMilli: roundUp(
        Math.max(s + pair.stepMilli, s + TARGET_COVER_DAYS * pair.dailyMilli, s + pair.source.moqMilli),
        pair.stepMilli,
      ),
    };
    const review = policy.kind === 'periodic_review' ? firstReview(pair, options.now) : null;
    return {
      sku: pair.item.sku,
      location: pair.bin,
      site: pair.site.code,
      policy,
      abcClass: classes.get(pair.item.sku)!,
      reviewAnchorDate: review?.date ?? null,
      nextReviewAt: review?.at ?? null,
    };
  });
  return {
    policies: policies.sort((a, b) => compare(a.sku, b.sku) || compare(a.location, b.location)),
    kanbanLoops: loops.sort((a, b) => compare(a.sku, b.sku) || compare(a.location, b.location)),
  };
}

function measurePairs(catalogue: DemoCatalogue, history: DemoHistory, options: { now: number; days: number }): Pair[] {
  const windowDays = Math.min(POLICY_WINDOW_DAYS, options.days);
  const firstDay = new Date(Date.parse(history.lastDay) - (windowDays - 1) * DAY_MS).toISOString().slice(0, 10);
  const onHand = new Map<string, number>();
  const demand = new Map<string, Map<string, number>>();
  for (const m of history.movements) {
    const milli = Math.round(m.quantity * 1000);
    if (m.type === 'transfer') {
      onHand.set(`${m.sku}@${m.from}`, (onHand.get(`${m.sku}@${m.from}`) ?? 0) - milli);
      onHand.set(`${m.sku}@${m.to}`, (onHand.get(`${m.sku}@${m.to}`) ?? 0) + milli);
      continue;
    }
    const key = `${m.sku}@${m.location}`;
    const before = onHand.get(key) ?? 0;
    onHand.set(key, before + computeOnHandChange(m.type, milli, before));
    const day = m.occurred_at.slice(0, 10);
    if ((m.type === 'sale' || m.type === 'issue') && day >= firstDay) {
      const days = demand.get(key) ?? new Map<string, number>();
      days.set(day, (days.get(day) ?? 0) + milli);
      demand.set(key, days);
    }
  }
  const open = new Map<string, { milli: number; order: string }>();
  for (const order of history.purchaseOrders) {
    if (!OPEN_STATUSES.has(order.status)) continue;
    for (const line of order.lines) {
      const milli = Math.round((line.quantity - line.receivedQuantity) * 1000);
      if (milli <= 0) continue;
      const key = `${line.sku}@${line.location}`;
      open.set(key, { milli: (open.get(key)?.milli ?? 0) + milli, order: order.number });
    }
  }

  const items = new Map(catalogue.items.map((item) => [item.sku, item]));
  const suppliers = new Map(catalogue.suppliers.map((supplier) => [supplier.code, supplier]));
  const pairs: Pair[] = [];
  for (const profile of catalogue.profiles) {
    const source = catalogue.supplierItems.find((s) => s.sku === profile.sku && s.rank === 1)!;
    const supplier = suppliers.get(source.supplier)!;
    for (const stocking of profile.stocking) {
      const site = SITE_TEMPLATES.find((s) => s.code === stocking.site)!;
      const key = `${profile.sku}@${stocking.bin}`;
      const totals = [...(demand.get(key)?.values() ?? [])];
      const dailyMilli = totals.reduce((sum, x) => sum + x, 0) / windowDays;
      const squares = totals.reduce((sum, x) => sum + (x - dailyMilli) ** 2, 0);
      const zeros = (windowDays - totals.length) * dailyMilli ** 2;
      pairs.push({
        item: items.get(profile.sku)!,
        site,
        bin: stocking.bin,
        stepMilli: profile.stepMilli,
        source,
        supplier,
        protectionDays: leadTimeOf(source, supplier, site) + 1,
        dailyMilli,
        varianceMilli2: (squares + zeros) / windowDays,
        demandDays: totals.length,
        onHandMilli: onHand.get(key) ?? 0,
        openMilli: open.get(key)?.milli ?? 0,
        latestOpenOrder: open.get(key)?.order ?? null,
      });
    }
  }
  return pairs;
}

/** ABC by each item's annual usage value, summed over its sites. */
function classify(pairs: Pair[]): Map<string, DemoAbcClass> {
  const values = new Map<string, number>();
  for (const pair of pairs) {
    values.set(pair.item.sku, (values.get(pair.item.sku) ?? 0) + pair.dailyMilli * pair.item.unitCostMinor);
  }
  const ranked = [...values].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]));
  const total = ranked.reduce((sum, [, value]) => sum + value, 0);
  const classes = new Map<string, DemoAbcClass>();
  let before = 0;
  for (const [sku, value] of ranked) {
    const share = total > 0 ? before / total : 1;
    classes.set(sku, share < 0.8 ? 'A' : share < 0.95 ? 'B' : 'C');
    before += value;
  }
  return classes;
}

/** Demand over `days` plus safety stock z·√(days·σ² + d²·σL²), milli-units. */
function coverMilli(pair: Pair, days: number): number {
  const d = pair.dailyMilli;
  const sdLeadTime = pair.supplier.reliability.leadTimeSdDays;
  const safety =
    Z_BY_CRITICALITY[pair.item.criticality] * Math.sqrt(days * pair.varianceMilli2 + d * d * sdLeadTime * sdLeadTime);
  return d * days + safety;
}

function reorderPointOf(pair: Pair): number {
  return roundUp(coverMilli(pair, pair.protectionDays), pair.stepMilli);
}

function isTwoBin(pair: Pair): boolean {
  return pair.item.category === 'fasteners' && pair.item.unitCostMinor <= TWO_BIN_MAX_COST_MINOR;
}

function kanbanLoopOf(pair: Pair): DemoKanbanLoop {
  const pack = pair.source.packSizeMilli;
  const cover = coverMilli(pair, pair.protectionDays);
  let cards: number;
  let container: number;
  if (isTwoBin(pair)) {
    cards = 2;
    container = roundUp(Math.max(cover, pair.source.moqMilli), pack);
  } else {
    container = roundUp(Math.max(pair.dailyMilli * KANBAN_CONTAINER_DAYS, pair.source.moqMilli), pack);
    cards = Math.max(3, Math.ceil(cover / container) + 1);
    if (cards > 6) {
      cards = 6;
      container = roundUp(Math.max(cover / 5, pair.source.moqMilli), pack);
    }
  }
  const full = Math.min(cards, Math.ceil(Math.max(0, pair.onHandMilli) / container));
  const missing = cards - full;
  const inTransit = pair.openMilli > 0 ? Math.min(missing, Math.max(1, Math.round(pair.openMilli / container))) : 0;
  return {
    sku: pair.item.sku,
    location: pair.bin,
    supplier: pair.supplier.code,
    cards,
    containerQuantityMilli: container,
    cardStates: [
      ...new Array<DemoKanbanCardState>(full).fill('full'),
      ...new Array<DemoKanbanCardState>(inTransit).fill('in_transit'),
      ...new Array<DemoKanbanCardState>(missing - inTransit).fill('empty'),
    ],
    inTransitOn: inTransit > 0 ? pair.latestOpenOrder : null,
  };
}

/** The first review after `now`: 06:00 at the site on the next of the supplier's order days. */
function firstReview(pair: Pair, now: number): { date: string; at: number } {
  const orderDays = pair.supplier.orderDays ?? [1, 2, 3, 4, 5, 6, 7];
  const zone = pair.site.timeZone;
  for (let day = instantToLocal(now, zone).dayNumber; ; day++) {
    if (!orderDays.includes(isoWeekdayOfDay(day))) continue;
    const at = localDateTimeToInstant(day, REVIEW_TIME_MINUTES, zone);
    if (at > now) return { date: new Date(day * DAY_MS).toISOString().slice(0, 10), at };
  }
}

function roundUp(milli: number, step: number): number {
  return Math.max(0, Math.ceil(milli / step - 1e-9) * step);
}

function shuffle<T>(random: Random, values: T[]): T[] {
  return values
    .map((value) => ({ value, key: random.next() }))
    .sort((a, b) => a.key - b.key)
    .map((entry) => entry.value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

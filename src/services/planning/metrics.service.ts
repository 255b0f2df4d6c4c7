import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { minorDigits } from '../../domain/money.js';
import {
  computeDaysOfSupply,
  computeHoldingCost,
  computeInventoryTurnover,
  computeOrdersPerMonth,
  type DailyStock,
  type LedgerEntry,
  type PairPeriodSummary,
  shareOf,
  summarizeDailyStock,
  walkDailyStock,
} from '../../domain/planning/metrics.js';
import {
  DAY_MS,
  instantToLocal,
  localDateTimeToInstant,
  parseLocalDate,
} from '../../domain/replenishment/local-time.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { readPlanningSettings } from './settings.service.js';

/**
 * Inventory metrics over a period, overall, per site and per category, computed set-wise: one read of the item ×
 * location pairs, one of the movements since the period began, then a day-by-day walk of each pair in memory.
 * The definitions are in docs/metrics.md.
 */

/** The longest period a metrics query may cover, days. */
export const MAX_PERIOD_DAYS = 3660;
/** The default period: the last 365 complete days. */
export const DEFAULT_PERIOD_DAYS = 365;

/** A period of whole local days, both ends included, as day numbers and dates. */
export type Period = { fromDay: number; toDay: number; from: string; to: string; days: number };

/**
 * The period of a query: `from`/`to` as YYYY-MM-DD (both included). Without `to`, yesterday (UTC date of `now`
 * minus one: the last complete day); without `from`, 365 days ending at `to`. `to` may be today at the latest.
 */
export function resolvePeriod(query: { from?: string | undefined; to?: string | undefined }, now: number): Period {
  const problems: FieldProblem[] = [];
  const today = Math.floor(now / DAY_MS);
  const read = (field: 'from' | 'to') => {
    const text = query[field];
    if (text === undefined) return undefined;
    const day = parseLocalDate(text);
    if (day === undefined) problems.push({ field, message: 'must be a date YYYY-MM-DD', value: text });
    return day;
  };
  const fromDay = read('from');
  const toDay = read('to');
  throwIfProblems(problems);
  const to = toDay ?? today - 1;
  const from = fromDay ?? to - (DEFAULT_PERIOD_DAYS - 1);
  if (to > today)
    problems.push({ field: 'to', message: `must not be after today (${formatDay(today)})`, value: query.to });
  if (from > to) {
    problems.push({
      field: 'from',
      message: `must not be after to (${formatDay(to)})`,
      value: query.from ?? formatDay(from),
    });
  } else if (to - from + 1 > MAX_PERIOD_DAYS) {
    problems.push({
      field: 'from',
      message: `the period may cover at most ${MAX_PERIOD_DAYS} days`,
      value: query.from,
    });
  }
  throwIfProblems(problems);
  return { fromDay: from, toDay: to, from: formatDay(from), to: formatDay(to), days: to - from + 1 };
}

export function formatDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** An item × location with what the walks and the metrics need to know about it. */
export type PairFacts = {
  itemId: number;
  locationId: number;
  sku: string;
  unit: string;
  category: string | null;
  unitCostMinor: number | null;
  currency: string;
  locationCode: string;
  siteCode: string;
  timeZone: string;
  onHandMilli: number;
  /** Active item at an active location. */
  active: boolean;
  policyKind: string | null;
  /**
   * The policy's order-up-to level: S of reorder point and periodic review, cards × container of kanban, the reorder
   * point of a manual policy (the only level it has); null for make-to-order and without a policy.
   */
  policyTargetMilli: number | null;
};

/** Which pairs to read: those at a location (a site takes its bins too) and of a category. */
export type PairFilter = { location?: string | undefined; category?: string | undefined };

/** A filter with its location looked up: the pairs of one location, or of every location of one site. */
export type ResolvedFilter = { locationId?: number; siteId?: number; category?: string };

/** Looks up the filter's location; an unknown one is refused naming `location`. */
export async function resolveFilter(tx: Tx, filter: PairFilter): Promise<ResolvedFilter> {
  const resolved: ResolvedFilter = {};
  if (filter.category !== undefined) resolved.category = filter.category;
  if (filter.location === undefined) return resolved;
  const row = await tx
    .selectFrom('locations')
    .select(['id', 'kind'])
    .where('code', '=', filter.location)
    .executeTakeFirst();
  if (!row) {
    throw new DomainError('LS_UNKNOWN_LOCATION', `location: unknown location "${filter.location}"`, [
      { field: 'location', message: 'unknown location', value: filter.location },
    ]);
  }
  if (row.kind === 'site') resolved.siteId = Number(row.id);
  else resolved.locationId = Number(row.id);
  return resolved;
}

type PairRow = {
  item_id: number;
  location_id: number;
  sku: string;
  unit: string;
  category: string | null;
  unit_cost_minor: number | null;
  currency: string;
  item_active: number;
  location_code: string;
  location_active: number;
  site_code: string | null;
  site_zone: string | null;
  own_zone: string | null;
  on_hand_milli: number | null;
  kind: string | null;
  reorder_point_milli: number | null;
  target_milli: number | null;
  cards: number | null;
  container_quantity_milli: number | null;
};

const PAIR_COLUMNS = [
  'i.sku',
  'i.unit',
  'i.category',
  'i.unit_cost_minor',
  'i.currency',
  'i.active as item_active',
  'l.code as location_code',
  'l.active as location_active',
  'site.code as site_code',
  'site.time_zone as site_zone',
  'l.time_zone as own_zone',
  'b.on_hand_milli',
  'p.kind',
  'p.reorder_point_milli',
  'p.target_milli',
  'p.cards',
  'p.container_quantity_milli',
] as const;

/**
 * The pairs that hold or held stock (a balance row) or have a policy, with their site, time zone, unit cost and
 * policy, ordered by item and location id.
 */
export async function readPairFacts(tx: Tx, filter: ResolvedFilter = {}): Promise<PairFacts[]> {
  let withBalance = tx
    .selectFrom('balances as b')
    .innerJoin('items as i', 'i.id', 'b.item_id')
    .innerJoin('locations as l', 'l.id', 'b.location_id')
    .leftJoin('locations as site', 'site.id', 'l.site_id')
    .leftJoin('policies as p', (join) =>
      join.onRef('p.item_id', '=', 'b.item_id').onRef('p.location_id', '=', 'b.location_id'),
    )
    .select(['b.item_id', 'b.location_id', ...PAIR_COLUMNS]);
  let policyOnly = tx
    .selectFrom('policies as p')
    .innerJoin('items as i', 'i.id', 'p.item_id')
    .innerJoin('locations as l', 'l.id', 'p.location_id')
    .leftJoin('locations as site', 'site.id', 'l.site_id')
    .leftJoin('balances as b', (join) =>
      join.onRef('b.item_id', '=', 'p.item_id').onRef('b.location_id', '=', 'p.location_id'),
    )
    .where('b.item_id', 'is', null)
    .select(['p.item_id', 'p.location_id', ...PAIR_COLUMNS]);
  if (filter.siteId !== undefined) {
    withBalance = withBalance.where('l.site_id', '=', filter.siteId);
    policyOnly = policyOnly.where('l.site_id', '=', filter.siteId);
  }
  if (filter.locationId !== undefined) {
    withBalance = withBalance.where('l.id', '=', filter.locationId);
    policyOnly = policyOnly.where('l.id', '=', filter.locationId);
  }
  if (filter.category !== undefined) {
    withBalance = withBalance.where('i.category', '=', filter.category);
    policyOnly = policyOnly.where('i.category', '=', filter.category);
  }
  const rows = [...(await withBalance.execute()), ...(await policyOnly.execute())] as PairRow[];
  return rows.map(toPairFacts).sort((a, b) => a.itemId - b.itemId || a.locationId - b.locationId);
}

function toPairFacts(r: PairRow): PairFacts {
  const kind = r.kind ?? null;
  let target: number | null = null;
  if (kind === 'kanban' && r.cards !== null && r.container_quantity_milli !== null) {
    target = Number(r.cards) * Number(r.container_quantity_milli);
  } else if ((kind === 'reorder_point' || kind === 'periodic_review') && r.target_milli !== null) {
    target = Number(r.target_milli);
  } else if (kind === 'manual' && r.reorder_point_milli !== null) {
    target = Number(r.reorder_point_milli);
  }
  return {
    itemId: Number(r.item_id),
    locationId: Number(r.location_id),
    sku: r.sku,
    unit: r.unit,
    category: r.category,
    unitCostMinor: r.unit_cost_minor === null ? null : Number(r.unit_cost_minor),
    currency: r.currency,
    locationCode: r.location_code,
    siteCode: r.site_code ?? r.location_code,
    timeZone: r.site_zone ?? r.own_zone ?? 'UTC',
    onHandMilli: Number(r.on_hand_milli ?? 0),
    active: Number(r.item_active) === 1 && Number(r.location_active) === 1,
    policyKind: kind,
    policyTargetMilli: target,
  };
}

/** The instants at which the local days `firstDay … firstDay + days − 1` of a zone begin, and the end of the last. */
export function dayStartsOf(firstDay: number, days: number, timeZone: string): Float64Array {
  const starts = new Float64Array(days + 1);
  for (let k = 0; k <= days; k++) starts[k] = localDateTimeToInstant(firstDay + k, 0, timeZone);
  return starts;
}

type MovementRow = {
  item_id: number;
  location_id: number;
  occurred_at: number;
  quantity_milli: number;
  type: string;
  reverses_id: number | null;
  reversed_by: number | null;
};

/**
 * Walks every pair's ledger through the local days `firstDay … firstDay + days − 1` of its site (see
 * `walkDailyStock`), calling `visit` once per pair in `pairs`' order. Set-wise: one read of the movements since the
 * earliest of the sites' first days (to run back from on hand now to the window's opening) and one of each pair's
 * first movement ever. Issues and sales that were reversed are neither demand nor served (their reversals still move
 * stock back).
 */
export async function walkPairs(
  tx: Tx,
  pairs: readonly PairFacts[],
  window: { firstDay: number; days: number },
  visit: (pair: PairFacts, stock: DailyStock, index: number) => void,
): Promise<void> {
  if (pairs.length === 0) return;
  const starts = new Map<string, Float64Array>();
  for (const pair of pairs) {
    if (!starts.has(pair.timeZone)) starts.set(pair.timeZone, dayStartsOf(window.firstDay, window.days, pair.timeZone));
  }
  let windowStart = Number.POSITIVE_INFINITY;
  for (const s of starts.values()) windowStart = Math.min(windowStart, s[0]!);

  const movements = (await tx
    .selectFrom('movements as m')
    .leftJoin('movements as r', 'r.reverses_id', 'm.id')
    .select(['m.item_id', 'm.location_id', 'm.occurred_at', 'm.quantity_milli', 'm.type', 'm.reverses_id'])
    .select('r.id as reversed_by')
    .where('m.occurred_at', '>=', windowStart)
    .orderBy('m.item_id')
    .orderBy('m.location_id')
    .orderBy('m.occurred_at')
    .orderBy('m.id')
    .execute()) as MovementRow[];
  const firsts = await tx
    .selectFrom('movements')
    .select(['item_id', 'location_id', (eb) => eb.fn.min('occurred_at').as('first_at')])
    .groupBy(['item_id', 'location_id'])
    .execute();
  const firstAt = new Map<string, number>();
  for (const f of firsts) firstAt.set(`${f.item_id}:${f.location_id}`, Number(f.first_at));

  let cursor = 0;
  const compare = (row: MovementRow, pair: PairFacts) =>
    Number(row.item_id) - pair.itemId || Number(row.location_id) - pair.locationId;
  for (let index = 0; index < pairs.length; index++) {
    const pair = pairs[index]!;
    while (cursor < movements.length && compare(movements[cursor]!, pair) < 0) cursor++;
    const entries: LedgerEntry[] = [];
    let sinceStartMilli = 0;
    for (; cursor < movements.length && compare(movements[cursor]!, pair) === 0; cursor++) {
      const m = movements[cursor]!;
      const quantityMilli = Number(m.quantity_milli);
      const isDemand = (m.type === 'issue' || m.type === 'sale') && m.reverses_id === null && m.reversed_by === null;
      sinceStartMilli += quantityMilli;
      entries.push({ occurredAt: Number(m.occurred_at), quantityMilli, demandMilli: isDemand ? -quantityMilli : 0 });
    }
    const dayStarts = starts.get(pair.timeZone)!;
    // On hand at the earliest start, run forward to this site's own start by the walk (it skips nothing it needs:
    // movements before its start only set the opening).
    let openingMilli = pair.onHandMilli - sinceStartMilli;
    let first = 0;
    for (; first < entries.length && entries[first]!.occurredAt < dayStarts[0]!; first++) {
      openingMilli += entries[first]!.quantityMilli;
    }
    const stockedFrom = firstAt.get(`${pair.itemId}:${pair.locationId}`) ?? Number.POSITIVE_INFINITY;
    visit(pair, walkDailyStock(dayStarts, openingMilli, entries.slice(first), stockedFrom), index);
  }
}

/** Money figures of the pairs priced in one currency, major units. */
export type MoneyMetrics = {
  currency: string;
  item_locations: number;
  /** Pairs without a unit cost: they add nothing to the money figures. */
  without_cost: number;
  /** Issues and sales at unit cost. */
  cost_of_goods_issued: number;
  /** Mean over the days of the closing on hand × unit cost (negative stock as none). */
  average_inventory_value: number;
  /** Cost of goods issued a year ÷ average inventory value; null without inventory. */
  inventory_turnover: number | null;
  /** On hand at the end of the period × unit cost. */
  cash_in_stock: number;
  /** Cash in stock ÷ cost of goods issued a day; null without issues. */
  days_of_supply: number | null;
  /** Average inventory value × holding rate × days / 365. */
  holding_cost: number;
};

export type ScopeMetrics = {
  item_locations: number;
  /** Issues and sales recorded, summed in the items' units. */
  demand: number;
  served_from_stock: number;
  /** Served from stock ÷ recorded demand; null without demand. */
  fill_rate: number | null;
  /** Demand presumed lost on days that began out of stock (see docs/metrics.md). */
  estimated_lost_demand: number;
  estimated_fill_rate: number | null;
  /** Item × location days with on hand ≤ 0 at some moment, of pairs with a policy that holds stock. */
  stock_out_days: number;
  /** The item × location days those were counted over. */
  policy_days: number;
  stock_out_rate: number | null;
  /** Purchase-order lines settled in the period whose on-time and in-full verdicts are known. */
  supplier_lines: number;
  supplier_on_time: number | null;
  supplier_in_full: number | null;
  supplier_otif: number | null;
  /** Purchase orders sent in the period (with a line in this scope), and per month. */
  orders_sent: number;
  orders_per_month: number;
  money: MoneyMetrics[];
};

export type SupplierMetrics = {
  supplier: string;
  name: string;
  lines: number;
  on_time: number | null;
  in_full: number | null;
  otif: number | null;
};

export type MetricsReport = {
  from: string;
  to: string;
  days: number;
  location: string | null;
  category: string | null;
  holding_rate_per_year: number;
  overall: ScopeMetrics;
  sites: Array<{ site: string } & ScopeMetrics>;
  categories: Array<{ category: string | null } & ScopeMetrics>;
  suppliers: SupplierMetrics[];
  /** Purchase orders sent per calendar month (UTC) of the period. */
  orders_by_month: Array<{ month: string; orders: number }>;
};

export type MetricsQuery = PairFilter & {
  from?: string | undefined;
  to?: string | undefined;
  onProgress?: (done: number, total: number) => void;
};

type MoneySums = {
  pairs: number;
  withoutCost: number;
  cogsMinor: number;
  inventoryMinorDays: number;
  cashMinor: number;
};
type OtifSums = { lines: number; onTime: number; inFull: number; both: number };

class ScopeSums {
  pairs = 0;
  demandMilli = 0;
  servedMilli = 0;
  fillDemandMilli = 0;
  fillServedMilli = 0;
  lostMilli = 0;
  stockOutDays = 0;
  policyDays = 0;
  otif: OtifSums = { lines: 0, onTime: 0, inFull: 0, both: 0 };
  orders = new Set<number>();
  money = new Map<string, MoneySums>();

  addPair(pair: PairFacts, s: PairPeriodSummary): void {
    this.pairs++;
    this.demandMilli += s.demandMilli;
    this.servedMilli += s.servedMilli;
    const makeToOrder = pair.policyKind === 'make_to_order';
    if (!makeToOrder) {
      this.fillDemandMilli += s.demandMilli;
      this.fillServedMilli += s.servedMilli;
      this.lostMilli += s.estimatedLostMilli;
    }
    if (pair.policyKind !== null && !makeToOrder) {
      this.stockOutDays += s.stockOutDays;
      this.policyDays += s.stockedDays;
    }
    let m = this.money.get(pair.currency);
    if (!m) {
      m = { pairs: 0, withoutCost: 0, cogsMinor: 0, inventoryMinorDays: 0, cashMinor: 0 };
      this.money.set(pair.currency, m);
    }
    m.pairs++;
    if (pair.unitCostMinor === null) {
      m.withoutCost++;
      return;
    }
    const cost = pair.unitCostMinor / 1000;
    m.cogsMinor += s.demandMilli * cost;
    m.inventoryMinorDays += s.inventoryMilliDays * cost;
    m.cashMinor += Math.max(0, s.closingMilli) * cost;
  }

  addOtif(o: OtifSums): void {
    this.otif.lines += o.lines;
    this.otif.onTime += o.onTime;
    this.otif.inFull += o.inFull;
    this.otif.both += o.both;
  }

  finish(days: number, holdingRate: number): ScopeMetrics {
    const milli = (value: number) => Math.round(value) / 1000;
    const money = [...this.money.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, m]): MoneyMetrics => {
        const scale = 10 ** minorDigits(currency);
        const major = (minor: number) => Math.round(minor) / scale;
        const averageMinor = m.inventoryMinorDays / days;
        return {
          currency,
          item_locations: m.pairs,
          without_cost: m.withoutCost,
          cost_of_goods_issued: major(m.cogsMinor),
          average_inventory_value: major(averageMinor),
          inventory_turnover: round(computeInventoryTurnover(m.cogsMinor, averageMinor, days), 3),
          cash_in_stock: major(m.cashMinor),
          days_of_supply: round(computeDaysOfSupply(m.cashMinor, m.cogsMinor / days), 1),
          holding_cost: major(computeHoldingCost(averageMinor, holdingRate, days)),
        };
      });
    const o = this.otif;
    return {
      item_locations: this.pairs,
      demand: milli(this.demandMilli),
      served_from_stock: milli(this.servedMilli),
      fill_rate: round(shareOf(this.fillServedMilli, this.fillDemandMilli), 4),
      estimated_lost_demand: milli(this.lostMilli),
      estimated_fill_rate: round(shareOf(this.fillServedMilli, this.fillDemandMilli + this.lostMilli), 4),
      stock_out_days: this.stockOutDays,
      policy_days: this.policyDays,
      stock_out_rate: round(shareOf(this.stockOutDays, this.policyDays), 4),
      supplier_lines: o.lines,
      supplier_on_time: round(shareOf(o.onTime, o.lines), 4),
      supplier_in_full: round(shareOf(o.inFull, o.lines), 4),
      supplier_otif: round(shareOf(o.both, o.lines), 4),
      orders_sent: this.orders.size,
      orders_per_month: round(computeOrdersPerMonth(this.orders.size, days), 2)!,
      money,
    };
  }
}

function round(value: number | null, digits: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * The metrics of a period (default the last 365 complete days), overall, per site and per category, for the pairs at
 * `location` (a site with its bins) and of `category` when given: inventory turnover, days of supply, cash in stock,
 * holding cost, stock-out days, fill rate, supplier OTIF and purchase orders per month. Definitions: docs/metrics.md.
 */
export async function getMetrics(database: Database, query: MetricsQuery, now: number): Promise<MetricsReport> {
  const period = resolvePeriod(query, now);
  return readTransaction(database, async (tx) => {
    const filter = await resolveFilter(tx, { location: query.location, category: query.category });
    const settings = await readPlanningSettings(tx);
    const pairs = await readPairFacts(tx, filter);
    const overall = new ScopeSums();
    const sites = new Map<string, ScopeSums>();
    const categories = new Map<string | null, ScopeSums>();
    const scopeOf = <K>(map: Map<K, ScopeSums>, key: K) => {
      let sums = map.get(key);
      if (!sums) {
        sums = new ScopeSums();
        map.set(key, sums);
      }
      return sums;
    };
    await walkPairs(tx, pairs, { firstDay: period.fromDay, days: period.days }, (pair, stock, index) => {
      const summary = summarizeDailyStock(stock);
      overall.addPair(pair, summary);
      scopeOf(sites, pair.siteCode).addPair(pair, summary);
      scopeOf(categories, pair.category).addPair(pair, summary);
      if (query.onProgress && (index % 500 === 499 || index === pairs.length - 1)) {
        query.onProgress(index + 1, pairs.length);
      }
    });

    const startMs = period.fromDay * DAY_MS;
    const endMs = (period.toDay + 1) * DAY_MS;
    const suppliers = new Map<string, { name: string; sums: OtifSums }>();
    for (const row of await readOtif(tx, filter, startMs, endMs)) {
      const sums: OtifSums = {
        lines: Number(row.lines),
        onTime: Number(row.on_time),
        inFull: Number(row.in_full),
        both: Number(row.both),
      };
      overall.addOtif(sums);
      scopeOf(sites, row.site_code ?? row.location_code).addOtif(sums);
      scopeOf(categories, row.category).addOtif(sums);
      let supplier = suppliers.get(row.supplier_code);
      if (!supplier) {
        supplier = { name: row.supplier_name, sums: { lines: 0, onTime: 0, inFull: 0, both: 0 } };
        suppliers.set(row.supplier_code, supplier);
      }
      supplier.sums.lines += sums.lines;
      supplier.sums.onTime += sums.onTime;
      supplier.sums.inFull += sums.inFull;
      supplier.sums.both += sums.both;
    }

    const months = new Map<string, Set<number>>();
    for (const row of await readOrdersSent(tx, filter, startMs, endMs)) {
      const id = Number(row.id);
      overall.orders.add(id);
      scopeOf(sites, row.site_code ?? row.location_code).orders.add(id);
      scopeOf(categories, row.category).orders.add(id);
      const month = new Date(Number(row.sent_at)).toISOString().slice(0, 7);
      if (!months.has(month)) months.set(month, new Set());
      months.get(month)!.add(id);
    }

    const rate = settings.holdingRatePerYear;
    const byKey = <K>(a: [K, unknown], b: [K, unknown]) =>
      a[0] === b[0] ? 0 : a[0] === null ? 1 : b[0] === null ? -1 : String(a[0]) < String(b[0]) ? -1 : 1;
    return {
      from: period.from,
      to: period.to,
      days: period.days,
      location: query.location ?? null,
      category: query.category ?? null,
      holding_rate_per_year: rate,
      overall: overall.finish(period.days, rate),
      sites: [...sites.entries()].sort(byKey).map(([site, sums]) => ({ site, ...sums.finish(period.days, rate) })),
      categories: [...categories.entries()]
        .sort(byKey)
        .map(([category, sums]) => ({ category, ...sums.finish(period.days, rate) })),
      suppliers: [...suppliers.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([code, s]) => ({
          supplier: code,
          name: s.name,
          lines: s.sums.lines,
          on_time: round(shareOf(s.sums.onTime, s.sums.lines), 4),
          in_full: round(shareOf(s.sums.inFull, s.sums.lines), 4),
          otif: round(shareOf(s.sums.both, s.sums.lines), 4),
        })),
      orders_by_month: [...months.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([month, ids]) => ({ month, orders: ids.size })),
    };
  });
}

/** Settled purchase-order lines with both verdicts known, per site, category and supplier. */
async function readOtif(tx: Tx, filter: ResolvedFilter, startMs: number, endMs: number) {
  let query = tx
    .selectFrom('purchase_order_lines as pl')
    .innerJoin('purchase_orders as o', 'o.id', 'pl.purchase_order_id')
    .innerJoin('suppliers as s', 's.id', 'o.supplier_id')
    .innerJoin('items as i', 'i.id', 'pl.item_id')
    .innerJoin('locations as l', 'l.id', 'pl.location_id')
    .leftJoin('locations as site', 'site.id', 'l.site_id')
    .where('pl.on_time', 'is not', null)
    .where('pl.in_full', 'is not', null)
    .where((eb) => eb(eb.fn.coalesce('pl.received_at', 'o.closed_at'), '>=', startMs))
    .where((eb) => eb(eb.fn.coalesce('pl.received_at', 'o.closed_at'), '<', endMs));
  if (filter.siteId !== undefined) query = query.where('l.site_id', '=', filter.siteId);
  if (filter.locationId !== undefined) query = query.where('l.id', '=', filter.locationId);
  if (filter.category !== undefined) query = query.where('i.category', '=', filter.category);
  return query
    .select(['site.code as site_code', 'l.code as location_code', 'i.category', 's.code as supplier_code'])
    .select(['s.name as supplier_name'])
    .select((eb) => [
      eb.fn.countAll<number>().as('lines'),
      eb.fn.sum<number>('pl.on_time').as('on_time'),
      eb.fn.sum<number>('pl.in_full').as('in_full'),
      eb.fn.sum<number>(eb('pl.on_time', '*', eb.ref('pl.in_full'))).as('both'),
    ])
    .groupBy(['site.code', 'l.code', 'i.category', 's.code', 's.name'])
    .execute();
}

/** Purchase orders sent in the period, once per site and category they have a line for. */
async function readOrdersSent(tx: Tx, filter: ResolvedFilter, startMs: number, endMs: number) {
  let query = tx
    .selectFrom('purchase_orders as o')
    .innerJoin('purchase_order_lines as pl', 'pl.purchase_order_id', 'o.id')
    .innerJoin('items as i', 'i.id', 'pl.item_id')
    .innerJoin('locations as l', 'l.id', 'pl.location_id')
    .leftJoin('locations as site', 'site.id', 'l.site_id')
    .where('o.sent_at', '>=', startMs)
    .where('o.sent_at', '<', endMs);
  if (filter.siteId !== undefined) query = query.where('l.site_id', '=', filter.siteId);
  if (filter.locationId !== undefined) query = query.where('l.id', '=', filter.locationId);
  if (filter.category !== undefined) query = query.where('i.category', '=', filter.category);
  return query
    .select(['o.id', 'o.sent_at', 'site.code as site_code', 'l.code as location_code', 'i.category'])
    .distinct()
    .execute();
}

/** The local date of an instant at a zone, as a day number. */
export function localDayOf(instant: number, timeZone: string): number {
  return instantToLocal(instant, timeZone).dayNumber;
}

import { sql } from 'kysely';
import { computeLeadTimeStats, type LeadTimeObservation } from '../../domain/planning/lead-time-stats.js';
import type { LeadTimeStats } from '../../domain/planning/types.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { requireItemRow } from '../item.service.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { requireSupplierRow } from '../supplier.service.js';

/**
 * Lead times measured from receipts. A purchase-order line is one observation once it is done: received in full
 * (its actual lead time, sent → last receipt, and whether it came on time and in full) or closed short (not in full;
 * see closePurchaseOrder). Its time is when it was done: fully received, else the order's closing.
 *
 * The lead time the plan uses for a supplier item is measured over its *current regime*: the receipts of the last
 * 730 days since its last lead-time shift (`lead_time_baselines.shifted_at`), so after a shift the plan follows the
 * new lead time instead of an average of old and new. Supplier-level figures and the scorecard cover the last 365
 * days of every supplier item.
 */

export const DAY_MS = 86_400_000;
/** Receipts older than this do not describe today's lead time. */
export const LEAD_TIME_HISTORY_DAYS = 730;
/** Supplier OTIF and the scorecard look at one year. */
export const SUPPLIER_HISTORY_DAYS = 365;
/** The recent window of shift detection: the last 5 receipts (at least 3). */
export const RECENT_RECEIPTS = 5;
const PAGE_ROWS = 20_000;

export type LeadTimeQueryOptions = {
  now: number;
  historyDays?: number;
  /** Lines read per query (default 20,000). */
  pageRows?: number;
  /** Only these supplier items (e.g. the sources of the pairs a partial re-plan covers); all when absent. */
  supplierItemIds?: readonly number[];
};

/** One done line: its lead time and verdicts, its id and when it was done (epoch ms). */
export type Observation = LeadTimeObservation & { lineId: number; doneAt: number };

export type ObservationFilter = {
  since: number;
  pageRows?: number | undefined;
  /** Only receipts since each supplier item's last shift. */
  regime: boolean;
  supplierItemIds?: readonly number[];
  supplierId?: number;
};

/**
 * Measured lead times of every supplier item with receipts in its current regime, keyed by supplier_item id: what the
 * plan uses. One set-wise pass over the done lines (keyset pages of 20,000 rows), not a query per item.
 */
export async function leadTimeStatsBySupplierItem(
  database: Database,
  options: LeadTimeQueryOptions,
): Promise<Map<number, LeadTimeStats>> {
  const since = options.now - (options.historyDays ?? LEAD_TIME_HISTORY_DAYS) * DAY_MS;
  const stats = new Map<number, LeadTimeStats>();
  if (options.supplierItemIds !== undefined && options.supplierItemIds.length === 0) return stats;
  for await (const [supplierItemId, observations] of observationGroups(database, {
    since,
    regime: true,
    pageRows: options.pageRows,
    ...(options.supplierItemIds !== undefined && { supplierItemIds: options.supplierItemIds }),
  })) {
    stats.set(supplierItemId, computeLeadTimeStats(observations));
  }
  return stats;
}

/** Lead time, on-time, in-full and OTIF of each supplier over all its supplier items (last 365 days), by supplier id. */
export async function leadTimeStatsBySupplier(
  database: Database,
  options: LeadTimeQueryOptions,
): Promise<Map<number, LeadTimeStats>> {
  const since = options.now - (options.historyDays ?? SUPPLIER_HISTORY_DAYS) * DAY_MS;
  const supplierOf = new Map<number, number>();
  for (const row of await database.db.selectFrom('supplier_items').select(['id', 'supplier_id']).execute()) {
    supplierOf.set(Number(row.id), Number(row.supplier_id));
  }
  const bySupplier = new Map<number, LeadTimeObservation[]>();
  for await (const [supplierItemId, observations] of observationGroups(database, { since, regime: false })) {
    const supplierId = supplierOf.get(supplierItemId);
    if (supplierId === undefined) continue;
    const list = bySupplier.get(supplierId) ?? [];
    for (const o of observations) list.push(o);
    bySupplier.set(supplierId, list);
  }
  return new Map([...bySupplier].map(([id, observations]) => [id, computeLeadTimeStats(observations)]));
}

/** One supplier item's lead times as the API and the CLI show them. */
export type SupplierItemLeadTimeView = {
  supplier: string;
  sku: string;
  supplier_sku: string | null;
  active: boolean;
  /** The source's quoted lead time, else the supplier's, days. */
  quoted_lead_time_days: number | null;
  /** Done lines with a measured lead time in the current regime. */
  receipts: number;
  mean_days: number | null;
  sd_days: number | null;
  p90_days: number | null;
  on_time_rate: number | null;
  in_full_rate: number | null;
  otif: number | null;
  /** The lead time policies were last planned on (see detectLeadTimeShifts); null until there are enough receipts. */
  baseline: {
    mean_days: number;
    sd_days: number;
    receipts: number;
    /** When the receipts at the current lead time began; null when no shift has been seen. */
    shifted_at: string | null;
    updated_at: string;
  } | null;
};

export type LeadTimeListQuery = { now: number; supplier?: string; sku?: string; cursor?: string; limit?: number };

/** Supplier items with their measured lead times (current regime), by supplier item, filtered by supplier and SKU. */
export async function listLeadTimes(
  database: Database,
  query: LeadTimeListQuery,
): Promise<Page<SupplierItemLeadTimeView>> {
  const limit = checkPageLimit(query.limit);
  const after = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, async (tx) => {
    const supplier = query.supplier === undefined ? undefined : await requireSupplierRow(tx, query.supplier);
    const item = query.sku === undefined ? undefined : await requireItemRow(tx, query.sku);
    let select = tx
      .selectFrom('supplier_items as si')
      .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
      .innerJoin('items as i', 'i.id', 'si.item_id')
      .leftJoin('lead_time_baselines as b', 'b.supplier_item_id', 'si.id')
      .select([
        'si.id',
        's.code as supplier',
        'i.sku',
        'si.supplier_sku',
        'si.active',
        sql<number | null>`coalesce(si.lead_time_days, s.lead_time_days)`.as('quoted'),
        'b.mean_days',
        'b.sd_days',
        'b.receipts as baseline_receipts',
        'b.shifted_at',
        'b.updated_at as baseline_updated_at',
      ]);
    if (supplier) select = select.where('si.supplier_id', '=', supplier.id);
    if (item) select = select.where('si.item_id', '=', item.id);
    if (after !== undefined) select = select.where('si.id', '>', after);
    return select
      .orderBy('si.id')
      .limit(limit + 1)
      .execute();
  });
  const page = rows.slice(0, limit);
  const stats = new Map<number, LeadTimeStats>();
  const since = query.now - LEAD_TIME_HISTORY_DAYS * DAY_MS;
  const ids = page.map((r) => Number(r.id));
  if (ids.length > 0) {
    for await (const [id, observations] of observationGroups(database, { since, regime: true, supplierItemIds: ids })) {
      stats.set(id, computeLeadTimeStats(observations));
    }
  }
  return {
    data: page.map((r) => {
      const s = stats.get(Number(r.id)) ?? computeLeadTimeStats([]);
      return {
        supplier: r.supplier,
        sku: r.sku,
        supplier_sku: r.supplier_sku,
        active: Number(r.active) === 1,
        quoted_lead_time_days: r.quoted === null ? null : Number(r.quoted),
        ...statsView(s),
        baseline:
          r.mean_days === null || r.baseline_updated_at === null
            ? null
            : {
                mean_days: Number(r.mean_days),
                sd_days: Number(r.sd_days),
                receipts: Number(r.baseline_receipts),
                shifted_at: iso(r.shifted_at),
                updated_at: iso(r.baseline_updated_at)!,
              },
      };
    }),
    next_cursor: rows.length > limit ? encodeCursor([Number(page.at(-1)!.id)]) : null,
  };
}

export type SupplierScorecard = {
  supplier: string;
  name: string;
  /** The period covered: the last 365 days, dates YYYY-MM-DD (UTC). */
  from: string;
  to: string;
  /** Done lines in the period (received in full or closed short). */
  lines: number;
  otif: number | null;
  on_time_rate: number | null;
  in_full_rate: number | null;
  lead_time: {
    receipts: number;
    mean_days: number | null;
    sd_days: number | null;
    p90_days: number | null;
    /** The supplier's quoted lead time, days. */
    quoted_days: number | null;
  };
  /** Lines by lead time: [from_days, to_days), bins of whole days, one day wide or wider (at most 30 bins). */
  histogram: { from_days: number; to_days: number; lines: number }[];
  /** The last 12 calendar months (UTC), oldest first, months without lines included. */
  monthly: {
    month: string;
    lines: number;
    mean_lead_time_days: number | null;
    on_time_rate: number | null;
    in_full_rate: number | null;
    otif: number | null;
  }[];
  /** Up to 10 supplier items with the most lines late or short, then the lowest OTIF, then the longest lead time
   * beyond the quote (so one late line of a rarely bought item does not outrank a dozen of a staple). */
  worst_items: {
    sku: string;
    supplier_sku: string | null;
    lines: number;
    /** Lines late or short (or both). */
    failed_lines: number;
    otif: number | null;
    on_time_rate: number | null;
    in_full_rate: number | null;
    mean_lead_time_days: number | null;
    quoted_lead_time_days: number | null;
  }[];
};

/** How a supplier delivered over the last year; LS_UNKNOWN_SUPPLIER (404) for an unknown code. */
export async function getSupplierScorecard(
  database: Database,
  code: string,
  options: LeadTimeQueryOptions,
): Promise<SupplierScorecard> {
  const supplier = await requireSupplierRow(database.db, code, 'code');
  const since = options.now - (options.historyDays ?? SUPPLIER_HISTORY_DAYS) * DAY_MS;
  const sources = await database.db
    .selectFrom('supplier_items as si')
    .innerJoin('items as i', 'i.id', 'si.item_id')
    .select(['si.id', 'i.sku', 'si.supplier_sku', 'si.lead_time_days'])
    .where('si.supplier_id', '=', supplier.id)
    .execute();
  const all: Observation[] = [];
  const worst: SupplierScorecard['worst_items'] = [];
  for await (const [id, observations] of observationGroups(database, {
    since,
    regime: false,
    supplierId: supplier.id,
  })) {
    all.push(...observations);
    const source = sources.find((s) => Number(s.id) === id);
    if (!source) continue;
    const s = computeLeadTimeStats(observations);
    worst.push({
      sku: source.sku,
      supplier_sku: source.supplier_sku,
      lines: observations.length,
      failed_lines: observations.filter((o) => o.onTime === false || o.inFull === false).length,
      otif: s.otif,
      on_time_rate: s.onTimeRate,
      in_full_rate: s.inFullRate,
      mean_lead_time_days: s.meanDays,
      quoted_lead_time_days: source.lead_time_days ?? supplier.lead_time_days ?? null,
    });
  }
  const overLead = (w: (typeof worst)[number]) =>
    w.mean_lead_time_days === null ? 0 : w.mean_lead_time_days - (w.quoted_lead_time_days ?? w.mean_lead_time_days);
  worst.sort(
    (a, b) =>
      b.failed_lines - a.failed_lines ||
      (a.otif ?? 2) - (b.otif ?? 2) ||
      overLead(b) - overLead(a) ||
      a.sku.localeCompare(b.sku),
  );
  const stats = computeLeadTimeStats(all);
  return {
    supplier: supplier.code,
    name: supplier.name,
    from: new Date(since).toISOString().slice(0, 10),
    to: new Date(options.now).toISOString().slice(0, 10),
    lines: all.length,
    otif: stats.otif,
    on_time_rate: stats.onTimeRate,
    in_full_rate: stats.inFullRate,
    lead_time: {
      receipts: stats.receipts,
      mean_days: stats.meanDays,
      sd_days: stats.sdDays,
      p90_days: stats.p90Days,
      quoted_days: supplier.lead_time_days === null ? null : Number(supplier.lead_time_days),
    },
    histogram: leadTimeHistogram(all.flatMap((o) => (o.leadTimeDays === null ? [] : [o.leadTimeDays]))),
    monthly: monthlyTrend(all, options.now),
    worst_items: worst.slice(0, 10),
  };
}

/** Whole-day bins from ⌊min⌋ to past max, w = max(1, ⌈range / 30⌉) days wide. */
export function leadTimeHistogram(days: readonly number[]): SupplierScorecard['histogram'] {
  if (days.length === 0) return [];
  const low = Math.floor(Math.min(...days));
  const high = Math.max(...days);
  const width = Math.max(1, Math.ceil((high - low) / 30));
  const bins = Math.floor((high - low) / width) + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const d of days) counts[Math.min(bins - 1, Math.floor((d - low) / width))]!++;
  return counts.map((lines, i) => ({ from_days: low + i * width, to_days: low + (i + 1) * width, lines }));
}

function monthlyTrend(observations: readonly Observation[], now: number): SupplierScorecard['monthly'] {
  const end = new Date(now);
  const months: string[] = [];
  for (let back = 11; back >= 0; back--) {
    const first = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - back, 1));
    months.push(first.toISOString().slice(0, 7));
  }
  const byMonth = new Map<string, Observation[]>(months.map((m) => [m, []]));
  for (const o of observations) byMonth.get(new Date(o.doneAt).toISOString().slice(0, 7))?.push(o);
  return months.map((month) => {
    const list = byMonth.get(month)!;
    const s = computeLeadTimeStats(list);
    return {
      month,
      lines: list.length,
      mean_lead_time_days: s.meanDays,
      on_time_rate: s.onTimeRate,
      in_full_rate: s.inFullRate,
      otif: s.otif,
    };
  });
}

/**
 * The done lines per supplier item, sorted by the time they were done (then line id), one supplier item at a time.
 * Reads keyset pages ordered by (supplier_item_id, line id), so memory holds one page and one supplier item.
 */
export async function* observationGroups(
  database: Database,
  filter: ObservationFilter,
): AsyncGenerator<[number, Observation[]]> {
  let after: [number, number] | undefined;
  let currentId: number | undefined;
  let current: Observation[] = [];
  const byTime = (a: Observation, b: Observation) => a.doneAt - b.doneAt || a.lineId - b.lineId;
  for (;;) {
    const rows = await observationPage(database.db, filter, after).execute();
    for (const row of rows) {
      const id = Number(row.supplier_item_id);
      if (id !== currentId) {
        if (currentId !== undefined) yield [currentId, current.sort(byTime)];
        currentId = id;
        current = [];
      }
      current.push({
        lineId: Number(row.id),
        doneAt: Number(row.done_at),
        leadTimeDays: row.actual_lead_time_days === null ? null : Number(row.actual_lead_time_days),
        onTime: row.on_time === null ? null : Number(row.on_time) === 1,
        inFull: row.in_full === null ? null : Number(row.in_full) === 1,
      });
    }
    if (rows.length < (filter.pageRows ?? PAGE_ROWS)) break;
    const last = rows.at(-1)!;
    after = [Number(last.supplier_item_id), Number(last.id)];
  }
  if (currentId !== undefined) yield [currentId, current.sort(byTime)];
}

function observationPage(db: Tx, filter: ObservationFilter, after: [number, number] | undefined) {
  const doneAt = sql<number>`coalesce(l.received_at, o.closed_at)`;
  let query = db
    .selectFrom('purchase_order_lines as l')
    .innerJoin('purchase_orders as o', 'o.id', 'l.purchase_order_id')
    .leftJoin('lead_time_baselines as b', 'b.supplier_item_id', 'l.supplier_item_id')
    .select(['l.supplier_item_id', 'l.id', 'l.actual_lead_time_days', 'l.on_time', 'l.in_full', doneAt.as('done_at')])
    .where('l.supplier_item_id', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('l.actual_lead_time_days', 'is not', null),
        eb('l.on_time', 'is not', null),
        eb('l.in_full', 'is not', null),
      ]),
    )
    .where(doneAt, '>=', filter.since);
  if (filter.regime) {
    query = query.where((eb) => eb.or([eb('b.shifted_at', 'is', null), eb(doneAt, '>=', eb.ref('b.shifted_at'))]));
  }
  if (filter.supplierItemIds) query = query.where('l.supplier_item_id', 'in', [...filter.supplierItemIds]);
  if (filter.supplierId !== undefined) {
    query = query.where('l.supplier_item_id', 'in', (eb) =>
      eb.selectFrom('supplier_items').select('id').where('supplier_id', '=', filter.supplierId!),
    );
  }
  if (after) {
    // A row-value comparison, which both databases read as a range of the (supplier_item_id, id) index.
    query = query.where((eb) => eb(eb.refTuple('l.supplier_item_id', 'l.id'), '>', eb.tuple(after[0], after[1])));
  }
  return query
    .orderBy('l.supplier_item_id')
    .orderBy('l.id')
    .limit(filter.pageRows ?? PAGE_ROWS);
}

function statsView(s: LeadTimeStats) {
  return {
    receipts: s.receipts,
    mean_days: s.meanDays,
    sd_days: s.sdDays,
    p90_days: s.p90Days,
    on_time_rate: s.onTimeRate,
    in_full_rate: s.inFullRate,
    otif: s.otif,
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(Number(ms)).toISOString();
}

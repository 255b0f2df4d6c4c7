import { isDomainError } from '../../domain/errors.js';
import { earliestSendInstant } from '../../domain/purchasing/order-calendar.js';
import type { Database } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { decodeOrderDays } from '../supplier.service.js';
import { type PurchaseOrderView, sendPurchaseOrder } from './purchase-order.service.js';
import { purchaseOrderNumber } from './replenish.js';
import { SCHEDULER_ACTOR } from './review.service.js';

/** How a draft is sent: `sendPurchaseOrder`, or a wrapper that also e-mails it. */
export type SendPurchaseOrder = (database: Database, id: number, ctx: ServiceContext) => Promise<PurchaseOrderView>;

export type AutoSendReport = {
  sent: Array<{ id: number; number: string; supplier: string; send_at: string }>;
  /** Drafts of auto-sending suppliers whose window or order day has not come yet. */
  waiting: Array<{ id: number; number: string; supplier: string; send_at: string }>;
  errors: Array<{ id: number; number: string; supplier: string; message: string }>;
};

type CollectingDraft = {
  id: number;
  created_at: number;
  supplier: string;
  order_days: string | null;
  consolidation_minutes: number;
};

/**
 * Sends the collecting drafts of suppliers with `auto_send` on whose send time has come: the
 * consolidation window after the draft was opened has passed and it is an order day of the supplier
 * on the wall clock of the draft's site (the site of its first line; UTC when none is set), per
 * `earliestSendInstant`. Drafts without lines and drafts of deactivated suppliers are left alone. An
 * order another process sent first (LS_INVALID_STATE) is not an error; any other failure is reported
 * and the draft is tried again at the next call.
 */
export async function runDueAutoSends(
  database: Database,
  now: number,
  send: SendPurchaseOrder = sendPurchaseOrder,
): Promise<AutoSendReport> {
  const drafts = (await database.db
    .selectFrom('purchase_orders as po')
    .innerJoin('suppliers as s', 's.id', 'po.supplier_id')
    .select(['po.id', 'po.created_at', 's.code as supplier', 's.order_days', 's.consolidation_minutes'])
    .where('po.collecting', '=', 1)
    .where('po.status', '=', 'draft')
    .where('s.auto_send', '=', 1)
    .where('s.active', '=', 1)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('purchase_order_lines as l').select('l.id').whereRef('l.purchase_order_id', '=', 'po.id'),
      ),
    )
    .orderBy('po.id')
    .execute()) as CollectingDraft[];
  const report: AutoSendReport = { sent: [], waiting: [], errors: [] };
  if (drafts.length === 0) return report;
  const zones = await firstLineTimeZones(
    database,
    drafts.map((d) => Number(d.id)),
  );
  const ctx: ServiceContext = { actor: SCHEDULER_ACTOR, now };
  for (const draft of drafts) {
    const id = Number(draft.id);
    const entry = { id, number: purchaseOrderNumber(id), supplier: draft.supplier };
    try {
      const sendAt = earliestSendInstant({
        draftCreatedAt: Number(draft.created_at),
        consolidationMinutes: Number(draft.consolidation_minutes),
        orderDays: decodeOrderDays(draft.order_days),
        timeZone: zones.get(id) ?? 'UTC',
      });
      const timed = { ...entry, send_at: new Date(sendAt).toISOString() };
      if (sendAt > now) {
        report.waiting.push(timed);
        continue;
      }
      try {
        await send(database, id, ctx);
        report.sent.push(timed);
      } catch (error) {
        if (!(isDomainError(error) && error.code === 'LS_INVALID_STATE')) throw error;
      }
    } catch (error) {
      report.errors.push({ ...entry, message: (error as Error).message });
    }
  }
  return report;
}

/** The site time zone of each order's first line. */
async function firstLineTimeZones(database: Database, orderIds: number[]): Promise<Map<number, string>> {
  const rows = await database.db
    .selectFrom('purchase_order_lines as l')
    .innerJoin('locations as loc', 'loc.id', 'l.location_id')
    .leftJoin('locations as site', 'site.id', 'loc.site_id')
    .select(['l.purchase_order_id', 'site.time_zone as site_zone', 'loc.time_zone as own_zone'])
    .where('l.purchase_order_id', 'in', orderIds)
    .orderBy('l.id')
    .execute();
  const zones = new Map<number, string>();
  const seen = new Set<number>();
  for (const row of rows) {
    const id = Number(row.purchase_order_id);
    if (seen.has(id)) continue;
    seen.add(id);
    const zone = row.site_zone ?? row.own_zone;
    if (zone !== null) zones.set(id, zone);
  }
  return zones;
}

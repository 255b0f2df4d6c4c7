import { valueOrThrow } from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem } from '../../domain/errors.js';
import { toMoney } from '../../domain/money.js';
import { priceRise } from '../../domain/purchasing/price-watch.js';
import {
  canDo,
  DEFAULT_OVER_DELIVERY_TOLERANCE,
  lineDelivery,
  PURCHASE_ORDER_STATUSES,
  type PurchaseOrderAction,
  type PurchaseOrderStatus,
  parseReceiptInput,
  receivableMilli,
} from '../../domain/purchasing/purchase-order.js';
import { formatQuantity, parseQuantity, toQuantity } from '../../domain/quantity.js';
import { DAY_MS, instantToLocal, parseLocalDate } from '../../domain/replenishment/local-time.js';
import { lineTotalMinor } from '../../domain/replenishment/order-sizing.js';
import { recordPurchasePrice } from '../../store/catalogue/supplier-item-price.repository.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { appendEvents, type NewEvent } from '../../store/outbox.repository.js';
import { openReviewItem } from '../../store/purchasing.repository.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { postMovementsWithin } from '../ledger.service.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { fillAfterReceipt } from '../production/backorders.js';
import { checkLateRiskOfPurchaseOrder } from '../production/late-risk.js';
import { changeOnOrder } from './on-order.js';
import { reevaluatePairs } from './reevaluate.js';
import { purchaseOrderNumber, type TriggerOutcome } from './replenish.js';

export type PurchaseOrderLineView = {
  id: number;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  supplier_sku: string | null;
  quantity: number;
  received_quantity: number;
  rejected_quantity: number;
  /** Still to come: ordered − received while the order is open; 0 once it is closed or cancelled. */
  open_quantity: number;
  unit_price: number | null;
  line_total: number | null;
  currency: string;
  price_rule: string | null;
  price_note: string | null;
  origin: string;
  trigger_note: string | null;
  lead_time_days: number | null;
  expected_date: string | null;
  received_at: string | null;
  actual_lead_time_days: number | null;
  on_time: boolean | null;
  in_full: boolean | null;
};

export type PurchaseOrderView = {
  id: number;
  number: string;
  supplier: string;
  supplier_name: string;
  supplier_email: string | null;
  status: PurchaseOrderStatus;
  /** The draft the trigger adds lines to (one per supplier). */
  collecting: boolean;
  currency: string;
  total: number | null;
  note: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  confirmed_at: string | null;
  promised_date: string | null;
  received_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  emailed_at: string | null;
  lines: PurchaseOrderLineView[];
};

export type PurchaseOrderQuery = {
  status?: string;
  supplier?: string;
  sku?: string;
  cursor?: string;
  limit?: number;
};

/** What a write answers: the order after it, and what the trigger did because of it (cancel, close). */
export type PurchaseOrderChange = PurchaseOrderView & { triggered: TriggerOutcome[] };

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** Purchase orders, newest first, a page at a time, by status, supplier or item. */
export async function listPurchaseOrders(
  database: Database,
  query: PurchaseOrderQuery,
): Promise<Page<PurchaseOrderView>> {
  const limit = checkPageLimit(query.limit);
  const statuses = checkStatuses(query.status);
  const before = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, 1, 'cursor')[0]);
  return readTransaction(database, async (tx) => {
    let select = tx.selectFrom('purchase_orders as po').innerJoin('suppliers as s', 's.id', 'po.supplier_id');
    if (statuses !== undefined) select = select.where('po.status', 'in', statuses);
    if (query.supplier !== undefined) select = select.where('s.code', '=', query.supplier);
    if (query.sku !== undefined) {
      const sku = query.sku;
      select = select.where((eb) =>
        eb.exists(
          eb
            .selectFrom('purchase_order_lines as l')
            .innerJoin('items as i', 'i.id', 'l.item_id')
            .select('l.id')
            .whereRef('l.purchase_order_id', '=', 'po.id')
            .where('i.sku', '=', sku),
        ),
      );
    }
    if (before !== undefined) select = select.where('po.id', '<', before);
    const ids = await select
      .select('po.id')
      .orderBy('po.id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = ids.slice(0, limit).map((r) => Number(r.id));
    const views = await loadViews(tx, page);
    return {
      data: views,
      next_cursor: ids.length > limit ? encodeCursor([page.at(-1)!]) : null,
    };
  });
}

export async function getPurchaseOrder(database: Database, id: number): Promise<PurchaseOrderView> {
  return readTransaction(database, (tx) => requireView(tx, id));
}

/**
 * Sends a draft: it stops collecting triggered lines (the next dip opens a new draft), each line gets
 * its expected date (today + lead time at the receiving site), and kanban cards on it go in transit.
 * E-mailing the PDF happens after the commit, by the caller, so a slow mail server never holds locks.
 */
export async function sendPurchaseOrder(
  database: Database,
  id: number,
  ctx: ServiceContext,
): Promise<PurchaseOrderView> {
  return idempotentWrite(database, ctx, `POST /purchase-orders/${id}/send`, null, async (tx) => {
    const order = await requireOrder(tx, database, id, 'send');
    const lines = await lineRows(tx, [id]);
    if (lines.length === 0) {
      throw new DomainError('LS_INVALID_STATE', `id: ${purchaseOrderNumber(id)} has no lines to send`, [
        { field: 'id', message: 'has no lines', value: id },
      ]);
    }
    for (const line of lines) {
      const lead = line.lead_time_days === null ? null : Number(line.lead_time_days);
      const expected = lead === null ? null : instantToLocal(ctx.now + lead * DAY_MS, line.time_zone ?? 'UTC').date;
      await tx
        .updateTable('purchase_order_lines')
        .set({ expected_date: expected, updated_at: ctx.now })
        .where('id', '=', line.id)
        .execute();
    }
    await tx
      .updateTable('purchase_orders')
      .set({ status: 'sent', collecting: 0, sent_at: ctx.now, updated_at: ctx.now })
      .where('id', '=', id)
      .execute();
    await setCardsOfOrder(tx, id, 'ordered', 'in_transit', ctx.now);
    const events = [orderEvent('purchase_order.sent', order.id, order.supplier_code)];
    for (const line of lines) events.push(...(await recordPricePaid(tx, line, id, ctx)));
    await appendEvents(tx, events, ctx.now);
    return requireView(tx, id);
  });
}

/** Records the supplier's confirmation and promised delivery date (YYYY-MM-DD). */
export async function confirmPurchaseOrder(
  database: Database,
  id: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PurchaseOrderView> {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const promised = body['promised_date'];
  if (
    promised !== undefined &&
    promised !== null &&
    (typeof promised !== 'string' || parseLocalDate(promised) === undefined)
  ) {
    throw new DomainError('LS_VALIDATION', 'promised_date: must be a date YYYY-MM-DD', [
      { field: 'promised_date', message: 'must be a date YYYY-MM-DD', value: promised },
    ]);
  }
  return idempotentWrite(database, ctx, `POST /purchase-orders/${id}/confirm`, body, async (tx) => {
    const order = await requireOrder(tx, database, id, 'confirm');
    await tx
      .updateTable('purchase_orders')
      .set({
        status: 'confirmed',
        confirmed_at: ctx.now,
        promised_date: typeof promised === 'string' ? promised : null,
        updated_at: ctx.now,
      })
      .where('id', '=', id)
      .execute();
    await appendEvents(
      tx,
      [orderEvent('purchase_order.confirmed', order.id, order.supplier_code, { promised_date: promised ?? null })],
      ctx.now,
    );
    await checkLateRiskOfPurchaseOrder(tx, id, ctx);
    return requireView(tx, id);
  });
}

/**
 * Receives goods against an order in one transaction: a receipt movement per line for the accepted
 * quantity, the open quantity leaves "on order", rejected quantities are recorded with their reason and
 * stay owed. More than the open quantity plus the over-delivery tolerance is refused for the whole
 * receipt. A line received in full records its actual lead time, on time and in full; kanban cards on
 * it return to full. When every line is complete the order is received.
 */
export async function receivePurchaseOrder(
  database: Database,
  id: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PurchaseOrderChange> {
  const receipt = valueOrThrow(parseReceiptInput(raw));
  return idempotentWrite(database, ctx, `POST /purchase-orders/${id}/receive`, raw, async (tx) => {
    const order = await requireOrder(tx, database, id, 'receive');
    const lines = await lineRows(tx, [id]);
    const number = purchaseOrderNumber(id);
    const problems: FieldProblem[] = [];
    const matched = receipt.map((entry, i) => {
      const line = lines.find((l) => l.sku === entry.sku && l.location_code === entry.location);
      if (!line) {
        problems.push({
          field: `lines[${i}].sku`,
          message: `${entry.sku} at ${entry.location} is not on ${number}`,
          value: entry.sku,
        });
        return undefined;
      }
      const ordered = Number(line.quantity_milli);
      const received = Number(line.received_milli);
      const most = receivableMilli(ordered, received, DEFAULT_OVER_DELIVERY_TOLERANCE);
      if (entry.quantityMilli > most) {
        problems.push({
          field: `lines[${i}].quantity`,
          message: `${formatQuantity(entry.quantityMilli)} is more than the ${formatQuantity(most)} still receivable (ordered ${formatQuantity(ordered)}, received ${formatQuantity(received)}, over-delivery tolerance ${DEFAULT_OVER_DELIVERY_TOLERANCE * 100} %)`,
          value: toQuantity(entry.quantityMilli),
        });
      }
      return line;
    });
    if (problems.length > 0) {
      const first = problems[0]!;
      const overReceipt = problems.every((p) => p.field.endsWith('.quantity'));
      throw new DomainError(
        overReceipt ? 'LS_OVER_RECEIPT' : 'LS_VALIDATION',
        `${first.field}: ${first.message}`,
        problems,
      );
    }

    // On order first, then the receipts: the trigger then sees the position after both.
    await changeOnOrder(
      tx,
      database,
      receipt.map((entry, i) => {
        const line = matched[i]!;
        const open = Math.max(0, Number(line.quantity_milli) - Number(line.received_milli));
        return {
          itemId: Number(line.item_id),
          locationId: Number(line.location_id),
          deltaMilli: -Math.min(open, entry.quantityMilli),
        };
      }),
      ctx.now,
    );

    const accepted = receipt
      .map((entry, i) => ({ entry, line: matched[i]! }))
      .filter(({ entry }) => entry.quantityMilli > 0);
    const posted =
      accepted.length === 0
        ? []
        : await postMovementsWithin(
            tx,
            database,
            accepted.map(({ entry }) => ({
              type: 'receipt',
              sku: entry.sku,
              location: entry.location,
              quantity: toQuantity(entry.quantityMilli),
              reference: number,
            })),
            ctx,
          );
    const triggered = posted.flatMap((o) => o.triggered);

    let complete = true;
    const events: NewEvent[] = [];
    for (let i = 0; i < receipt.length; i++) {
      const entry = receipt[i]!;
      const line = matched[i]!;
      const movementIndex = accepted.findIndex((a) => a.line.id === line.id);
      await tx
        .insertInto('purchase_order_receipts')
        .values({
          purchase_order_line_id: line.id,
          received_milli: entry.quantityMilli,
          rejected_milli: entry.rejectedMilli,
          reject_reason: entry.rejectReason,
          movement_id: movementIndex < 0 ? null : posted[movementIndex]!.movements[0]!.id,
          actor: ctx.actor,
          received_at: ctx.now,
        })
        .execute();
      const received = Number(line.received_milli) + entry.quantityMilli;
      const rejected = Number(line.rejected_milli) + entry.rejectedMilli;
      const ordered = Number(line.quantity_milli);
      const lineDone = received >= ordered;
      const delivery =
        lineDone && order.sent_at !== null
          ? lineDelivery({
              sentAt: Number(order.sent_at),
              receivedAt: ctx.now,
              dueDate: order.promised_date ?? line.expected_date,
              receivedDate: instantToLocal(ctx.now, line.time_zone ?? 'UTC').date,
              orderedMilli: ordered,
              receivedMilli: received,
              rejectedMilli: rejected,
            })
          : undefined;
      await tx
        .updateTable('purchase_order_lines')
        .set({
          received_milli: received,
          rejected_milli: rejected,
          first_received_at: line.first_received_at ?? ctx.now,
          ...(lineDone && { received_at: ctx.now }),
          ...(delivery && {
            actual_lead_time_days: delivery.actualLeadTimeDays,
            on_time: flagOf(delivery.onTime),
            in_full: delivery.inFull ? 1 : 0,
          }),
          updated_at: ctx.now,
        })
        .where('id', '=', line.id)
        .execute();
      if (lineDone) {
        await tx
          .updateTable('kanban_cards')
          .set({ state: 'full', purchase_order_line_id: null, updated_at: ctx.now })
          .where('purchase_order_line_id', '=', line.id)
          .execute();
      }
    }
    for (const line of lines) {
      if (matched.some((m) => m!.id === line.id)) continue;
      if (Number(line.received_milli) < Number(line.quantity_milli)) complete = false;
    }
    for (let i = 0; i < receipt.length; i++) {
      const line = matched[i]!;
      if (Number(line.received_milli) + receipt[i]!.quantityMilli < Number(line.quantity_milli)) complete = false;
    }
    const status: PurchaseOrderStatus = complete ? 'received' : 'partly_received';
    await tx
      .updateTable('purchase_orders')
      .set({ status, updated_at: ctx.now, ...(complete && { received_at: ctx.now }) })
      .where('id', '=', id)
      .execute();
    // Customer orders waiting for these goods get them, earliest promise first.
    await fillAfterReceipt(
      tx,
      database,
      accepted.map((a) => a.line),
      ctx,
    );
    events.push(
      orderEvent(complete ? 'purchase_order.received' : 'purchase_order.partly_received', id, order.supplier_code, {
        lines: receipt.map((entry) => ({
          sku: entry.sku,
          location: entry.location,
          quantity: toQuantity(entry.quantityMilli),
          rejected_quantity: toQuantity(entry.rejectedMilli),
        })),
      }),
    );
    await appendEvents(tx, events, ctx.now);
    return { ...(await requireView(tx, id)), triggered };
  });
}

/**
 * Closes a (partly) received order. What was not delivered leaves "on order", so the trigger may order
 * it again at once; the answer says what it drafted. A line closed short is recorded as not in full,
 * with its lead time and on-time verdict at its last receipt (neither when nothing came, and then not
 * on time), so supplier OTIF counts the shortfall.
 */
export async function closePurchaseOrder(
  database: Database,
  id: number,
  ctx: ServiceContext,
): Promise<PurchaseOrderChange> {
  return idempotentWrite(database, ctx, `POST /purchase-orders/${id}/close`, null, async (tx) => {
    const order = await requireOrder(tx, database, id, 'close');
    await recordShortDeliveries(tx, order, ctx.now);
    const triggered = await endOrder(
      tx,
      database,
      id,
      { status: 'closed', closed_at: ctx.now, updated_at: ctx.now },
      ctx,
    );
    await appendEvents(tx, [orderEvent('purchase_order.closed', id, order.supplier_code)], ctx.now);
    await checkLateRiskOfPurchaseOrder(tx, id, ctx);
    return { ...(await requireView(tx, id)), triggered };
  });
}

/**
 * Cancels an open order: its open quantities leave "on order" and the trigger re-evaluates each item at
 * once (a cancelled order whose need remains is drafted again, to the then preferred supplier). Kanban
 * cards on it go back to empty and are ordered again with it.
 */
export async function cancelPurchaseOrder(
  database: Database,
  id: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PurchaseOrderChange> {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const reason = body['reason'];
  if (reason !== undefined && reason !== null && (typeof reason !== 'string' || reason.length > 500)) {
    throw new DomainError('LS_VALIDATION', 'reason: must be text of at most 500 characters', [
      { field: 'reason', message: 'must be text of at most 500 characters', value: reason },
    ]);
  }
  return idempotentWrite(database, ctx, `POST /purchase-orders/${id}/cancel`, body, async (tx) => {
    const order = await requireOrder(tx, database, id, 'cancel');
    await tx
      .updateTable('kanban_cards')
      .set({ state: 'empty', purchase_order_line_id: null, updated_at: ctx.now })
      .where('purchase_order_line_id', 'in', (eb) =>
        eb.selectFrom('purchase_order_lines').select('purchase_order_lines.id').where('purchase_order_id', '=', id),
      )
      .execute();
    const triggered = await endOrder(
      tx,
      database,
      id,
      {
        status: 'cancelled',
        cancelled_at: ctx.now,
        cancel_reason: typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : null,
        updated_at: ctx.now,
      },
      ctx,
    );
    await appendEvents(
      tx,
      [orderEvent('purchase_order.cancelled', id, order.supplier_code, { reason: reason ?? null })],
      ctx.now,
    );
    await checkLateRiskOfPurchaseOrder(tx, id, ctx);
    return { ...(await requireView(tx, id)), triggered };
  });
}

/**
 * Changes the quantity of a draft line (0 removes it). The difference moves the inventory position;
 * the trigger is not re-run, so a person's decision to order less stands until the next movement.
 */
export async function setDraftLineQuantity(
  database: Database,
  id: number,
  lineId: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PurchaseOrderView> {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (key !== 'quantity') {
      throw new DomainError('LS_VALIDATION', `${key}: is not a field of a line change; expected quantity`, [
        { field: key, message: 'is not a field of a line change; expected quantity' },
      ]);
    }
  }
  const parsed = parseQuantity(body['quantity'], 'quantity', 'non_negative');
  if (!parsed.ok) throw new DomainError('LS_VALIDATION', `quantity: ${parsed.problem.message}`, [parsed.problem]);
  return idempotentWrite(database, ctx, `PATCH /purchase-orders/${id}/lines/${lineId}`, body, async (tx) => {
    await requireOrder(tx, database, id, 'edit');
    const line = await tx
      .selectFrom('purchase_order_lines')
      .selectAll()
      .where('id', '=', lineId)
      .where('purchase_order_id', '=', id)
      .executeTakeFirst();
    if (!line) {
      throw new DomainError('LS_NOT_FOUND', `line_id: ${purchaseOrderNumber(id)} has no line ${lineId}`, [
        { field: 'line_id', message: 'no such line on this order', value: lineId },
      ]);
    }
    await changeOnOrder(
      tx,
      database,
      [
        {
          itemId: Number(line.item_id),
          locationId: Number(line.location_id),
          deltaMilli: parsed.milli - Number(line.quantity_milli),
        },
      ],
      ctx.now,
    );
    if (parsed.milli === 0) {
      await tx
        .updateTable('kanban_cards')
        .set({ state: 'empty', purchase_order_line_id: null, updated_at: ctx.now })
        .where('purchase_order_line_id', '=', lineId)
        .execute();
      await tx.deleteFrom('purchase_order_lines').where('id', '=', lineId).execute();
    } else {
      await tx
        .updateTable('purchase_order_lines')
        .set({
          quantity_milli: parsed.milli,
          price_rule: 'edited',
          price_note: `quantity set by ${ctx.actor} from ${formatQuantity(Number(line.quantity_milli))} to ${formatQuantity(parsed.milli)}`,
          updated_at: ctx.now,
        })
        .where('id', '=', lineId)
        .execute();
    }
    await tx.updateTable('purchase_orders').set({ updated_at: ctx.now }).where('id', '=', id).execute();
    return requireView(tx, id);
  });
}

async function recordShortDeliveries(tx: Tx, order: OrderRow, now: number): Promise<void> {
  const short = (await lineRows(tx, [order.id])).filter((l) => l.received_at === null && l.in_full === null);
  if (short.length === 0) return;
  const lastReceipts = await tx
    .selectFrom('purchase_order_receipts')
    .select(['purchase_order_line_id', (eb) => eb.fn.max('received_at').as('last_at')])
    .where(
      'purchase_order_line_id',
      'in',
      short.map((l) => l.id),
    )
    .groupBy('purchase_order_line_id')
    .execute();
  for (const line of short) {
    const lastAt = lastReceipts.find((r) => Number(r.purchase_order_line_id) === line.id)?.last_at;
    const delivery =
      lastAt === undefined || lastAt === null || Number(line.received_milli) === 0 || order.sent_at === null
        ? undefined
        : lineDelivery({
            sentAt: Number(order.sent_at),
            receivedAt: Number(lastAt),
            dueDate: order.promised_date ?? line.expected_date,
            receivedDate: instantToLocal(Number(lastAt), line.time_zone ?? 'UTC').date,
            orderedMilli: Number(line.quantity_milli),
            receivedMilli: Number(line.received_milli),
            rejectedMilli: Number(line.rejected_milli),
          });
    await tx
      .updateTable('purchase_order_lines')
      .set({
        actual_lead_time_days: delivery?.actualLeadTimeDays ?? null,
        on_time: delivery ? flagOf(delivery.onTime) : 0,
        in_full: 0,
        updated_at: now,
      })
      .where('id', '=', line.id)
      .execute();
  }
}

function flagOf(value: boolean | null): 0 | 1 | null {
  return value === null ? null : value ? 1 : 0;
}

/** Sets the order's status and takes what is still open off "on order", then re-runs the trigger. */
async function endOrder(
  tx: Tx,
  database: Database,
  id: number,
  change: Record<string, unknown>,
  ctx: ServiceContext,
): Promise<TriggerOutcome[]> {
  const lines = await lineRows(tx, [id]);
  const pairs = lines.map((l) => [Number(l.item_id), Number(l.location_id)] as [number, number]);
  await changeOnOrder(
    tx,
    database,
    lines.map((line) => ({
      itemId: Number(line.item_id),
      locationId: Number(line.location_id),
      deltaMilli: -Math.max(0, Number(line.quantity_milli) - Number(line.received_milli)),
    })),
    ctx.now,
  );
  await tx
    .updateTable('purchase_orders')
    .set({ ...change, collecting: 0 })
    .where('id', '=', id)
    .execute();
  if (pairs.length === 0) return [];
  return reevaluatePairs(tx, database, pairs, ctx);
}

/** A rise of the price paid beyond this ratio over the last purchase puts the item up for review. */
export const PRICE_RISE_THRESHOLD = 0.1;

/**
 * Adds the price of a sent line to its supplier item's history and, when it rose more than the
 * threshold over the previous purchase, lists the item for review: JIT buys small and often, so it
 * feels price swings first.
 */
async function recordPricePaid(tx: Tx, line: LineRow, orderId: number, ctx: ServiceContext): Promise<NewEvent[]> {
  if (line.supplier_item_id === null || line.unit_price_minor === null) return [];
  const supplierItemId = Number(line.supplier_item_id);
  const price = Number(line.unit_price_minor);
  const previous = await tx
    .selectFrom('supplier_item_prices')
    .select(['unit_price_minor', 'currency'])
    .where('supplier_item_id', '=', supplierItemId)
    .where('kind', '=', 'purchase')
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  await recordPurchasePrice(tx, {
    supplierItemId,
    unitPriceMinor: price,
    currency: line.currency,
    purchaseOrderLineId: Number(line.id),
    now: ctx.now,
  });
  if (!previous || previous.currency !== line.currency) return [];
  const rise = priceRise(Number(previous.unit_price_minor), price, PRICE_RISE_THRESHOLD);
  if (!rise.rose) return [];
  const message = `${line.sku} on ${purchaseOrderNumber(orderId)}: ${rise.message}`;
  await openReviewItem(tx, {
    itemId: Number(line.item_id),
    locationId: null,
    reason: 'price_rise',
    message,
    now: ctx.now,
  });
  return [
    {
      type: 'supplier_item.price_rose',
      subject: line.sku,
      payload: {
        sku: line.sku,
        purchase_order: purchaseOrderNumber(orderId),
        previous_unit_price: toMoney(Number(previous.unit_price_minor), line.currency),
        unit_price: toMoney(price, line.currency),
        ratio: rise.ratio,
        message,
      },
    },
  ];
}

type LineRow = {
  id: number;
  supplier_item_id: number | null;
  purchase_order_id: number;
  item_id: number;
  location_id: number;
  sku: string;
  item_name: string;
  unit: string;
  location_code: string;
  time_zone: string | null;
  supplier_sku: string | null;
  quantity_milli: number;
  received_milli: number;
  rejected_milli: number;
  unit_price_minor: number | null;
  currency: string;
  price_rule: string | null;
  price_note: string | null;
  origin: string;
  trigger_note: string | null;
  lead_time_days: number | null;
  expected_date: string | null;
  first_received_at: number | null;
  received_at: number | null;
  actual_lead_time_days: number | null;
  on_time: number | null;
  in_full: number | null;
};

async function lineRows(tx: Tx, orderIds: number[]): Promise<LineRow[]> {
  if (orderIds.length === 0) return [];
  return (await tx
    .selectFrom('purchase_order_lines as l')
    .innerJoin('items as i', 'i.id', 'l.item_id')
    .innerJoin('locations as loc', 'loc.id', 'l.location_id')
    .leftJoin('locations as site', 'site.id', 'loc.site_id')
    .leftJoin('supplier_items as si', 'si.id', 'l.supplier_item_id')
    .select([
      'l.id',
      'l.purchase_order_id',
      'l.item_id',
      'l.location_id',
      'l.supplier_item_id',
      'i.sku',
      'i.name as item_name',
      'i.unit',
      'loc.code as location_code',
      'site.time_zone as time_zone',
      'si.supplier_sku',
      'l.quantity_milli',
      'l.received_milli',
      'l.rejected_milli',
      'l.unit_price_minor',
      'l.currency',
      'l.price_rule',
      'l.price_note',
      'l.origin',
      'l.trigger_note',
      'l.lead_time_days',
      'l.expected_date',
      'l.first_received_at',
      'l.received_at',
      'l.actual_lead_time_days',
      'l.on_time',
      'l.in_full',
    ])
    .where('l.purchase_order_id', 'in', orderIds)
    .orderBy('l.id')
    .execute()) as LineRow[];
}

type OrderRow = {
  id: number;
  supplier_code: string;
  supplier_name: string;
  supplier_email: string | null;
  status: PurchaseOrderStatus;
  collecting: number;
  currency: string;
  note: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  confirmed_at: number | null;
  promised_date: string | null;
  received_at: number | null;
  closed_at: number | null;
  cancelled_at: number | null;
  cancel_reason: string | null;
  emailed_at: number | null;
};

async function orderRows(tx: Tx, ids: number[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  return (await tx
    .selectFrom('purchase_orders as po')
    .innerJoin('suppliers as s', 's.id', 'po.supplier_id')
    .selectAll('po')
    .select(['s.code as supplier_code', 's.name as supplier_name', 's.email as supplier_email'])
    .where('po.id', 'in', ids)
    .execute()) as OrderRow[];
}

async function loadViews(tx: Tx, ids: number[]): Promise<PurchaseOrderView[]> {
  const orders = await orderRows(tx, ids);
  const lines = await lineRows(tx, ids);
  const byId = new Map(orders.map((o) => [Number(o.id), o]));
  return ids.map((id) =>
    toView(
      byId.get(id)!,
      lines.filter((l) => Number(l.purchase_order_id) === id),
    ),
  );
}

export async function requireView(tx: Tx, id: number): Promise<PurchaseOrderView> {
  const [view] = await loadViews(tx, [(await requireOrderRow(tx, id)).id]);
  return view!;
}

async function requireOrderRow(tx: Tx, id: number): Promise<OrderRow> {
  const [row] = await orderRows(tx, [id]);
  if (!row) {
    throw new DomainError('LS_UNKNOWN_PURCHASE_ORDER', `id: no purchase order ${id}`, [
      { field: 'id', message: 'unknown purchase order', value: id },
    ]);
  }
  return { ...row, id: Number(row.id) };
}

/** The order, checked to allow `action` in its status; locks it on PostgreSQL so two actions serialise. */
export async function requireOrder(
  tx: Tx,
  database: Database,
  id: number,
  action: PurchaseOrderAction,
): Promise<OrderRow> {
  // SQLite's BEGIN IMMEDIATE already serialises writers.
  if (database.dialect === 'postgres') {
    await tx.selectFrom('purchase_orders').select('id').where('id', '=', id).forUpdate().execute();
  }
  const row = await requireOrderRow(tx, id);
  if (!canDo(action, row.status)) {
    throw new DomainError('LS_INVALID_STATE', `id: ${purchaseOrderNumber(id)} is ${row.status}; cannot ${action} it`, [
      { field: 'id', message: `is ${row.status}; cannot ${action} it`, value: id },
    ]);
  }
  return row;
}

function toView(order: OrderRow, lines: LineRow[]): PurchaseOrderView {
  const open = canDo('cancel', order.status);
  let total: number | null = 0;
  const lineViews = lines.map((line) => {
    const quantity = Number(line.quantity_milli);
    const received = Number(line.received_milli);
    const price = line.unit_price_minor === null ? null : Number(line.unit_price_minor);
    const lineTotal = price === null ? null : lineTotalMinor(quantity, price);
    if (lineTotal === null) total = null;
    else if (total !== null) total += lineTotal;
    return {
      id: Number(line.id),
      sku: line.sku,
      item_name: line.item_name,
      unit: line.unit,
      location: line.location_code,
      supplier_sku: line.supplier_sku,
      quantity: toQuantity(quantity),
      received_quantity: toQuantity(received),
      rejected_quantity: toQuantity(Number(line.rejected_milli)),
      open_quantity: open ? toQuantity(Math.max(0, quantity - received)) : 0,
      unit_price: price === null ? null : toMoney(price, line.currency),
      line_total: lineTotal === null ? null : toMoney(lineTotal, line.currency),
      currency: line.currency,
      price_rule: line.price_rule,
      price_note: line.price_note,
      origin: line.origin,
      trigger_note: line.trigger_note,
      lead_time_days: line.lead_time_days === null ? null : Number(line.lead_time_days),
      expected_date: line.expected_date,
      received_at: iso(line.received_at),
      actual_lead_time_days: line.actual_lead_time_days === null ? null : Number(line.actual_lead_time_days),
      on_time: line.on_time === null ? null : line.on_time === 1,
      in_full: line.in_full === null ? null : line.in_full === 1,
    };
  });
  return {
    id: Number(order.id),
    number: purchaseOrderNumber(Number(order.id)),
    supplier: order.supplier_code,
    supplier_name: order.supplier_name,
    supplier_email: order.supplier_email,
    status: order.status,
    collecting: order.collecting === 1,
    currency: order.currency,
    total: total === null ? null : toMoney(total, order.currency),
    note: order.note,
    created_by: order.created_by,
    created_at: iso(order.created_at)!,
    updated_at: iso(order.updated_at)!,
    sent_at: iso(order.sent_at),
    confirmed_at: iso(order.confirmed_at),
    promised_date: order.promised_date,
    received_at: iso(order.received_at),
    closed_at: iso(order.closed_at),
    cancelled_at: iso(order.cancelled_at),
    cancel_reason: order.cancel_reason,
    emailed_at: iso(order.emailed_at),
    lines: lineViews,
  };
}

async function setCardsOfOrder(tx: Tx, orderId: number, from: string, to: string, now: number): Promise<void> {
  await tx
    .updateTable('kanban_cards')
    .set({ state: to as 'in_transit', updated_at: now })
    .where('state', '=', from as 'ordered')
    .where('purchase_order_line_id', 'in', (eb) =>
      eb.selectFrom('purchase_order_lines').select('purchase_order_lines.id').where('purchase_order_id', '=', orderId),
    )
    .execute();
}

function orderEvent(type: string, id: number, supplier: string, extra: Record<string, unknown> = {}): NewEvent {
  const number = purchaseOrderNumber(id);
  return { type, subject: number, payload: { id, number, supplier, ...extra } };
}

function checkStatuses(status: string | undefined): PurchaseOrderStatus[] | undefined {
  if (status === undefined || status === '') return undefined;
  const wanted = status.split(',').map((s) => s.trim());
  const open = wanted.includes('open');
  const bad = wanted.filter((s) => s !== 'open' && !(PURCHASE_ORDER_STATUSES as readonly string[]).includes(s));
  if (bad.length > 0) {
    throw new DomainError('LS_VALIDATION', `status: must be one of ${PURCHASE_ORDER_STATUSES.join(', ')} or open`, [
      { field: 'status', message: `must be one of ${PURCHASE_ORDER_STATUSES.join(', ')} or open`, value: status },
    ]);
  }
  const list = wanted.filter((s) => s !== 'open') as PurchaseOrderStatus[];
  if (open) list.push('draft', 'sent', 'confirmed', 'partly_received');
  return list;
}

/** Marks an order e-mailed (after the mail server accepted it). */
export async function markEmailed(database: Database, id: number, now: number): Promise<void> {
  await database.db.updateTable('purchase_orders').set({ emailed_at: now }).where('id', '=', id).execute();
}

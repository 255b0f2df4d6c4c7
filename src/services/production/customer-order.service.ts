import {
  checkKnownFields,
  checkNotEmpty,
  type RawInput,
  readBoolean,
  readCode,
  readObject,
} from '../../domain/catalogue/field-readers.js';
import { DomainError, type ErrorCode, type FieldProblem, moreProblems, throwIfProblems } from '../../domain/errors.js';
import { formatQuantity, parseQuantity, toQuantity } from '../../domain/quantity.js';
import { parseLocalDate } from '../../domain/replenishment/local-time.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { appendEvents, type NewEvent } from '../../store/outbox.repository.js';
import { findCustomerRow } from '../../store/production/customer.repository.js';
import {
  type CustomerOrderLineDetail,
  type CustomerOrderRow,
  cancelOrderSupply,
  componentOrders,
  detachPegs,
  findCustomerOrder,
  findProductionOrdersById,
  findPurchaseSupplies,
  insertCustomerOrder,
  insertCustomerOrderLines,
  listCustomerOrderLines,
  listCustomerOrderRows,
  listOrderSupplies,
  listPegsOfCustomerOrders,
  listPegsOfDemands,
  listProductionComponents,
  locationCodes,
  lockProductionOrders,
  type OrderSupplyRow,
  type PurchaseSupplyRow,
  pairsOfCustomerOrder,
  siteTimeZones,
  sumWaitingPegsBySupply,
  updateCustomerOrder,
  updateCustomerOrderLine,
  updateProductionOrder,
} from '../../store/production/order.repository.js';
import type { CustomerOrderStatus, PegStatus } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { ledgerRepository, type MovementView, postMovementsWithin } from '../ledger.service.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { changeOnOrder, type OnOrderChange } from '../purchasing/on-order.js';
import { purchaseOrderNumber, type TriggerOutcome } from '../purchasing/replenish.js';
import { type Arrival, fillBackorders, rebalanceSupply } from './backorders.js';
import {
  addDays,
  type CreatedSupply,
  type ExplosionLine,
  explodeCustomerOrder,
  laterDate,
  localDateAt,
} from './explosion.js';
import { checkLateRiskWithin } from './late-risk.js';
import { readNote, readStatusFilter } from './order-input.js';
import { loadPegSupplies } from './peg-supplies.js';
import { cancelPegs, consumePegs, ReservationDeltas } from './pegs.js';

export type CustomerOrderLineView = {
  line_no: number;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  quantity: number;
  requested_date: string;
  promised_date: string | null;
  allocated: number;
  backordered: number;
  shipped: number;
};

/** What confirming the order created: a purchase order line (PO-…) or a production order (MO-…). */
export type OrderSupplyView = {
  kind: 'purchase_order_line' | 'production_order';
  /** PO-000012 or MO-000003. */
  number: string;
  sku: string;
  location: string;
  /** What the order added: a purchase line's added quantity (with MOQ and pack rounding), a production order's quantity. */
  quantity: number;
  release_date: string | null;
  due_date: string | null;
  /** The purchase order's or the production order's status. */
  status: string;
  /** Taken back when the order was changed or cancelled. */
  cancelled: boolean;
};

/** One peg: which supply serves which demand, at a level of the bill of materials (0 = the order line). */
export type PegView = {
  level: number;
  sku: string;
  location: string;
  quantity: number;
  /** The item's unit. */
  unit: string;
  need_date: string;
  /** `ref`: SO-000001/2 (order and line number) or MO-000003 (the production order whose component it is). */
  demand: { kind: 'customer_order_line' | 'production_component'; ref: string };
  /** `ref`: PO-000012 or MO-000003; null for stock. `date`: when the supply was counted on. */
  supply: { kind: 'stock' | 'purchase_order_line' | 'production_order'; ref: string | null; date: string };
  status: PegStatus;
};

export type CustomerOrderView = {
  id: number;
  number: string;
  customer: string;
  customer_name: string;
  status: CustomerOrderStatus;
  requested_date: string | null;
  promised_date: string | null;
  late_risk: boolean;
  late_risk_note: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  shipped_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  lines: CustomerOrderLineView[];
  supplies: OrderSupplyView[];
  pegging: PegView[];
};

/** An order in a list: without supplies and pegging. */
export type CustomerOrderSummary = Omit<CustomerOrderView, 'supplies' | 'pegging'>;

/** What a write answers: the order after it and what the write did for it. */
export type CustomerOrderOutcome = CustomerOrderView & {
  /** Supplies this call created or added to for the order (confirm, change). */
  created: OrderSupplyView[];
  /** Supplies this call took back (change, cancel). */
  withdrawn: OrderSupplyView[];
  /** Sentences about what was left alone, e.g. a sent purchase line that stays as free open supply. */
  notes: string[];
  /** What the replenishment trigger did because allocations took stocked components down. */
  triggered: TriggerOutcome[];
};

export type CustomerOrderShipment = CustomerOrderView & { movements: MovementView[] };

export type CustomerOrderQuery = {
  status?: string;
  customer?: string;
  late_risk?: boolean;
  cursor?: string;
  limit?: number;
};

export const CUSTOMER_ORDER_STATUSES: readonly CustomerOrderStatus[] = ['draft', 'confirmed', 'shipped', 'cancelled'];
export const MAX_ORDER_LINES = 1000;
const MAX_REASON_LENGTH = 500;
const CREATE_FIELDS = ['customer', 'requested_date', 'note', 'confirm', 'lines'] as const;
const LINE_FIELDS = ['sku', 'location', 'quantity', 'requested_date'] as const;
const CHANGE_FIELDS = ['lines', 'note', 'requested_date'] as const;
const CHANGE_LINE_FIELDS = ['line_no', 'quantity', 'requested_date'] as const;

export function customerOrderNumber(id: number): string {
  return `SO-${String(id).padStart(6, '0')}`;
}

type CreateInput = {
  customer: string;
  requestedDate: string | undefined;
  note: string | null;
  confirm: boolean;
  lines: Array<{ sku: string; location: string; quantityMilli: number; requestedDate: string | undefined }>;
};

/**
 * Creates a draft order `{ customer, requested_date?, note?, confirm?, lines: [{ sku, location, quantity,
 * requested_date? }] }`; with `confirm: true` it is confirmed in the same transaction. A line without its own
 * requested date takes the order's, else today's; none may lie in the past (at the line's site).
 */
export async function createCustomerOrder(
  database: Database,
  raw: unknown,
  ctx: ServiceContext,
): Promise<CustomerOrderOutcome> {
  const input = parseCreateInput(raw);
  return idempotentWrite(database, ctx, 'POST /customer-orders', raw, async (tx) => {
    const problems: CodedProblem[] = [];
    const customer = await findCustomerRow(tx, input.customer);
    if (!customer) {
      problems.push({
        code: 'LS_UNKNOWN_CUSTOMER',
        field: 'customer',
        message: 'unknown customer',
        value: input.customer,
      });
    } else if (customer.active !== 1) {
      problems.push({ code: 'LS_INACTIVE', field: 'customer', message: 'is deactivated', value: input.customer });
    }
    const items = await itemsBySku(
      tx,
      input.lines.map((l) => l.sku),
    );
    const locations = await locationsByCode(
      tx,
      input.lines.map((l) => l.location),
    );
    const zones = await siteTimeZones(
      tx,
      [...locations.values()].map((l) => l.id),
    );
    const lines = input.lines.map((line, i) => {
      const item = items.get(line.sku);
      const location = locations.get(line.location);
      if (!item) {
        problems.push({ code: 'LS_UNKNOWN_ITEM', field: `lines[${i}].sku`, message: 'unknown SKU', value: line.sku });
      } else if (!item.active) {
        problems.push({ code: 'LS_INACTIVE', field: `lines[${i}].sku`, message: 'is deactivated', value: line.sku });
      }
      if (!location) {
        problems.push({
          code: 'LS_UNKNOWN_LOCATION',
          field: `lines[${i}].location`,
          message: 'unknown location',
          value: line.location,
        });
      } else if (!location.active) {
        problems.push({
          code: 'LS_INACTIVE',
          field: `lines[${i}].location`,
          message: 'is deactivated',
          value: line.location,
        });
      }
      const today = location ? localDateAt(zones, location.id, ctx.now) : undefined;
      const requested = line.requestedDate ?? input.requestedDate ?? today;
      if (today !== undefined && requested !== undefined && requested < today) {
        const field = line.requestedDate === undefined ? 'requested_date' : `lines[${i}].requested_date`;
        if (!problems.some((p) => p.field === field)) {
          problems.push({
            code: 'LS_VALIDATION',
            field,
            message: `must not be in the past (today is ${today} at ${line.location})`,
            value: requested,
          });
        }
      }
      return { line, itemId: item?.id ?? 0, locationId: location?.id ?? 0, requested: requested ?? '' };
    });
    throwCoded(problems);
    const latest = lines.reduce((max, l) => laterDate(max, l.requested), '');
    const id = await insertCustomerOrder(
      tx,
      {
        customer_id: Number(customer!.id),
        status: 'draft',
        requested_date: input.requestedDate ?? latest,
        promised_date: null,
        late_risk: 0,
        late_risk_note: null,
        note: input.note,
        created_by: ctx.actor,
        created_at: ctx.now,
        updated_at: ctx.now,
        confirmed_at: null,
        shipped_at: null,
        cancelled_at: null,
        cancel_reason: null,
      },
      customerOrderNumber,
    );
    await insertCustomerOrderLines(
      tx,
      lines.map((l, i) => ({
        customer_order_id: id,
        line_no: i + 1,
        item_id: l.itemId,
        location_id: l.locationId,
        quantity_milli: l.line.quantityMilli,
        requested_date: l.requested,
        promised_date: null,
        allocated_milli: 0,
        backordered_milli: 0,
        shipped_milli: 0,
      })),
    );
    const number = customerOrderNumber(id);
    if (input.confirm) return confirmWithin(tx, database, number, ctx);
    return { ...(await requireView(tx, number)), created: [], withdrawn: [], notes: [], triggered: [] };
  });
}

export async function getCustomerOrder(database: Database, number: string): Promise<CustomerOrderView> {
  return readTransaction(database, (tx) => requireView(tx, number));
}

/** Orders newest first, by status (comma-separated), customer code and late risk. */
export async function listCustomerOrders(
  database: Database,
  query: CustomerOrderQuery,
): Promise<Page<CustomerOrderSummary>> {
  const limit = checkPageLimit(query.limit);
  const statuses = readStatusFilter(query.status, CUSTOMER_ORDER_STATUSES);
  const before = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, 1, 'cursor')[0]);
  return readTransaction(database, async (tx) => {
    let customerId: number | undefined;
    if (query.customer !== undefined) {
      const customer = await findCustomerRow(tx, query.customer);
      if (!customer) return { data: [], next_cursor: null };
      customerId = Number(customer.id);
    }
    const rows = await listCustomerOrderRows(tx, {
      ...(statuses !== undefined && { statuses }),
      ...(customerId !== undefined && { customerId }),
      ...(query.late_risk !== undefined && { lateRisk: query.late_risk }),
      ...(before !== undefined && { beforeId: before }),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const views = await loadViews(tx, page, false);
    return {
      data: views.map(({ supplies: _s, pegging: _p, ...summary }) => summary),
      next_cursor: rows.length > limit ? encodeCursor([Number(page.at(-1)!.id)]) : null,
    };
  });
}

/** Confirms a draft: explodes every line, creates purchase lines and production orders, promises a date. */
export async function confirmCustomerOrder(
  database: Database,
  number: string,
  ctx: ServiceContext,
): Promise<CustomerOrderOutcome> {
  return idempotentWrite(database, ctx, `POST /customer-orders/${number}/confirm`, null, (tx) =>
    confirmWithin(tx, database, number, ctx),
  );
}

async function confirmWithin(
  tx: Tx,
  database: Database,
  number: string,
  ctx: ServiceContext,
): Promise<CustomerOrderOutcome> {
  const order = await requireOrder(tx, database, number, 'confirm', ['draft']);
  const lines = await listCustomerOrderLines(tx, [Number(order.id)]);
  const exploded = await explodeLines(tx, database, order, lines, ctx);
  await updateCustomerOrder(tx, Number(order.id), {
    status: 'confirmed',
    confirmed_at: ctx.now,
    updated_at: ctx.now,
  });
  const view = await requireView(tx, number);
  await appendEvents(tx, [orderEvent('customer_order.confirmed', view)], ctx.now);
  return {
    ...view,
    created: await supplyViews(tx, exploded.created),
    withdrawn: [],
    notes: [],
    triggered: exploded.triggered,
  };
}

/** Explodes what each line still has to cover and stores the promised dates (the order's is the latest line's). */
async function explodeLines(
  tx: Tx,
  database: Database,
  order: CustomerOrderRow,
  lines: readonly CustomerOrderLineDetail[],
  ctx: ServiceContext,
): Promise<{ created: CreatedSupply[]; triggered: TriggerOutcome[] }> {
  const explosionLines: ExplosionLine[] = lines.map((line, index) => ({
    lineId: Number(line.id),
    lineNo: line.line_no,
    index,
    itemId: Number(line.item_id),
    sku: line.sku,
    locationId: Number(line.location_id),
    quantityMilli: Number(line.quantity_milli) - Number(line.shipped_milli),
    needDate: line.requested_date,
  }));
  const outcome = await explodeCustomerOrder(
    tx,
    database,
    { id: Number(order.id), number: order.number },
    explosionLines,
    ctx,
  );
  let promised: string | null = null;
  for (const line of lines) {
    const date = outcome.promisedDates.get(Number(line.id)) ?? line.promised_date;
    if (date !== (line.promised_date ?? null)) {
      await updateCustomerOrderLine(tx, Number(line.id), { promised_date: date });
    }
    if (date !== null && (promised === null || date > promised)) promised = date;
  }
  await updateCustomerOrder(tx, Number(order.id), {
    promised_date: promised,
    late_risk: 0,
    late_risk_note: null,
    updated_at: ctx.now,
  });
  return { created: outcome.created, triggered: outcome.triggered };
}

type LineChange = { index: number; lineNo: number; quantityMilli?: number; requestedDate?: string };

/**
 * Changes lines `{ lines: [{ line_no, quantity?, requested_date? }] }` (also `note`, `requested_date`). A confirmed
 * order is unwound (what it created is taken back) and exploded again with the new lines.
 */
export async function changeCustomerOrder(
  database: Database,
  number: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<CustomerOrderOutcome> {
  const input = parseChangeInput(raw);
  return idempotentWrite(database, ctx, `PATCH /customer-orders/${number}`, raw, async (tx) => {
    const order = await requireOrder(tx, database, number, 'change', ['draft', 'confirmed']);
    const lines = await listCustomerOrderLines(tx, [Number(order.id)]);
    const zones = await siteTimeZones(
      tx,
      lines.map((l) => Number(l.location_id)),
    );
    const problems: CodedProblem[] = [];
    for (const change of input.lines) {
      const line = lines.find((l) => l.line_no === change.lineNo);
      if (!line) {
        problems.push({
          code: 'LS_VALIDATION',
          field: `lines[${change.index}].line_no`,
          message: `${number} has no line ${change.lineNo}`,
          value: change.lineNo,
        });
        continue;
      }
      if (change.quantityMilli !== undefined && change.quantityMilli < Number(line.shipped_milli)) {
        problems.push({
          code: 'LS_VALIDATION',
          field: `lines[${change.index}].quantity`,
          message: `must be at least the ${formatQuantity(Number(line.shipped_milli))} already shipped`,
          value: toQuantity(change.quantityMilli),
        });
      }
      const today = localDateAt(zones, Number(line.location_id), ctx.now);
      if (change.requestedDate !== undefined && change.requestedDate < today) {
        problems.push({
          code: 'LS_VALIDATION',
          field: `lines[${change.index}].requested_date`,
          message: `must not be in the past (today is ${today} at ${line.location_code})`,
          value: change.requestedDate,
        });
      }
    }
    if (input.requestedDate !== undefined && lines.length > 0) {
      const today = localDateAt(zones, Number(lines[0]!.location_id), ctx.now);
      if (input.requestedDate < today) {
        problems.push({
          code: 'LS_VALIDATION',
          field: 'requested_date',
          message: `must not be in the past (today is ${today})`,
          value: input.requestedDate,
        });
      }
    }
    throwCoded(problems);

    const confirmed = order.status === 'confirmed';
    const unwound = confirmed ? await unwindOrder(tx, database, order, ctx) : NOTHING_UNWOUND;
    for (const change of input.lines) {
      const line = lines.find((l) => l.line_no === change.lineNo)!;
      await updateCustomerOrderLine(tx, Number(line.id), {
        ...(change.quantityMilli !== undefined && { quantity_milli: change.quantityMilli }),
        ...(change.requestedDate !== undefined && { requested_date: change.requestedDate }),
      });
    }
    await updateCustomerOrder(tx, Number(order.id), {
      ...(input.note !== undefined && { note: input.note }),
      ...(input.requestedDate !== undefined && { requested_date: input.requestedDate }),
      updated_at: ctx.now,
    });
    let created: CreatedSupply[] = [];
    let triggered: TriggerOutcome[] = unwound.triggered;
    if (confirmed) {
      const exploded = await explodeLines(
        tx,
        database,
        order,
        await listCustomerOrderLines(tx, [Number(order.id)]),
        ctx,
      );
      created = exploded.created;
      triggered = [...triggered, ...exploded.triggered];
      // What the new quantities no longer need goes to other orders' backorders.
      await fillReleased(tx, database, unwound.released, ctx);
    }
    const view = await requireView(tx, number);
    await appendEvents(
      tx,
      [
        orderEvent('customer_order.changed', view, {
          status: view.status,
          lines: view.lines.map((l) => ({
            line_no: l.line_no,
            sku: l.sku,
            location: l.location,
            quantity: l.quantity,
            requested_date: l.requested_date,
            promised_date: l.promised_date,
          })),
        }),
      ],
      ctx.now,
    );
    return {
      ...view,
      created: await supplyViews(tx, created),
      withdrawn: unwound.withdrawn,
      notes: unwound.notes,
      triggered,
    };
  });
}

/** Cancels `{ reason? }`: takes back what confirming created, releases allocations and backorders. */
export async function cancelCustomerOrder(
  database: Database,
  number: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<CustomerOrderOutcome> {
  const problems: FieldProblem[] = [];
  const body = raw === undefined || raw === null ? {} : readObject(raw, problems);
  let reason: string | null = null;
  if (body) {
    checkKnownFields(body, ['reason'], 'a cancellation', problems);
    const value = body['reason'];
    if (value !== undefined && value !== null) {
      if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_REASON_LENGTH) {
        problems.push({ field: 'reason', message: `must be text of 1 to ${MAX_REASON_LENGTH} characters`, value });
      } else reason = value.trim();
    }
  }
  throwIfProblems(problems);
  return idempotentWrite(database, ctx, `POST /customer-orders/${number}/cancel`, body ?? null, async (tx) => {
    const order = await requireOrder(tx, database, number, 'cancel', ['draft', 'confirmed']);
    const { released, ...unwound } =
      order.status === 'confirmed' ? await unwindOrder(tx, database, order, ctx) : NOTHING_UNWOUND;
    await updateCustomerOrder(tx, Number(order.id), {
      status: 'cancelled',
      cancelled_at: ctx.now,
      cancel_reason: reason,
      late_risk: 0,
      late_risk_note: null,
      updated_at: ctx.now,
    });
    await fillReleased(tx, database, released, ctx);
    const view = await requireView(tx, number);
    await appendEvents(tx, [orderEvent('customer_order.cancelled', view, { reason })], ctx.now);
    return { ...view, created: [], ...unwound };
  });
}

/**
 * Takes back exactly what confirming created for the order: its allocated and waiting pegs are cancelled (their
 * allocations and backorders released); draft purchase lines lose the quantity it added (a line at 0 is removed);
 * production orders not released are cancelled. A sent purchase line stays as free open supply, and a released
 * production order stays as free supply with the pegs of its components (and any planned order they wait on); the
 * notes say so.
 */
async function unwindOrder(tx: Tx, database: Database, order: CustomerOrderRow, ctx: ServiceContext): Promise<Unwound> {
  const orderId = Number(order.id);
  // Lock first, read after: a receipt filling this order's pegs, or a confirmation adding to its draft lines, holds
  // the same balances, so what is read below is what is changed.
  await ledgerRepository(database).lockBalances(tx, await pairsOfCustomerOrder(tx, orderId));
  const supplies = await listOrderSupplies(tx, orderId);
  const productionIds = supplies.filter((s) => s.kind === 'production_order').map((s) => Number(s.supply_id));
  await lockProductionOrders(tx, database, productionIds);
  const productions = new Map((await findProductionOrdersById(tx, productionIds)).map((mo) => [Number(mo.id), mo]));
  const componentOf = new Map(
    (await listProductionComponents(tx, productionIds)).map((c) => [Number(c.id), Number(c.production_order_id)]),
  );
  const pegs = await listPegsOfCustomerOrders(tx, [orderId], ['allocated', 'waiting']);

  // Released production orders go on; so do the pegs of their components and the planned orders those wait on.
  const kept = new Set(productionIds.filter((id) => productions.get(id)?.status === 'released'));
  const isKeptPeg = (peg: (typeof pegs)[number]) =>
    peg.demand_kind === 'production_component' && kept.has(componentOf.get(Number(peg.demand_id)) ?? -1);
  for (let grew = true; grew; ) {
    grew = false;
    for (const peg of pegs.filter(isKeptPeg)) {
      const supplyId = Number(peg.supply_id);
      if (peg.supply_kind === 'production_order' && productions.has(supplyId) && !kept.has(supplyId)) {
        kept.add(supplyId);
        grew = true;
      }
    }
  }
  const deltas = new ReservationDeltas();
  const cancelled = pegs.filter((peg) => !isKeptPeg(peg));
  await cancelPegs(tx, cancelled, deltas, ctx.now);
  const released: Arrival[] = cancelled
    .filter((peg) => peg.status === 'allocated')
    .map((peg) => ({ itemId: Number(peg.item_id), locationId: Number(peg.location_id) }));
  await detachPegs(
    tx,
    pegs.filter(isKeptPeg).map((peg) => Number(peg.id)),
    ctx.now,
  );

  const withdrawn: SupplyEntry[] = [];
  const notes: string[] = [];
  const onOrder: OnOrderChange[] = [];
  const lines = new Map(
    (
      await findPurchaseSupplies(
        tx,
        supplies.filter((s) => s.kind === 'purchase_order_line').map((s) => Number(s.supply_id)),
      )
    ).map((l) => [Number(l.id), l]),
  );
  for (const supply of supplies) {
    const supplyId = Number(supply.supply_id);
    const quantity = Number(supply.quantity_milli);
    await cancelOrderSupply(tx, Number(supply.id), ctx.now);
    if (supply.kind === 'production_order') {
      const mo = productions.get(supplyId);
      if (!mo) continue;
      if (kept.has(supplyId)) {
        await updateProductionOrder(tx, supplyId, {
          customer_order_id: null,
          note: `${mo.note ? `${mo.note}; ` : ''}kept as free supply when ${order.number} was withdrawn`,
          updated_at: ctx.now,
        });
        notes.push(`${mo.number} (${mo.sku}) is ${mo.status}: it stays as free supply`);
      } else if (mo.status === 'planned') {
        await updateProductionOrder(tx, supplyId, { status: 'cancelled', cancelled_at: ctx.now, updated_at: ctx.now });
        const open = Number(mo.quantity_milli) - Number(mo.completed_milli) - Number(mo.scrapped_milli);
        onOrder.push({ itemId: Number(mo.item_id), locationId: Number(mo.location_id), deltaMilli: -open });
        // Pegs of other orders on it (none when it was made lot-for-lot for this one) wait for stock now.
        await rebalanceSupply(tx, { kind: 'production_order', id: supplyId }, [], ctx.now);
        withdrawn.push({ ...supplyEntryOf(supply), quantityMilli: quantity });
      } else {
        notes.push(`${mo.number} (${mo.sku}) is ${mo.status}: nothing to take back`);
      }
      continue;
    }
    const line = lines.get(supplyId);
    if (!line) {
      const [gone] = await supplyViews(tx, [supplyEntryOf(supply)]);
      notes.push(`${gone!.number}: the ${gone!.sku} line was removed from the order: nothing to take back`);
      continue;
    }
    const number = purchaseOrderNumber(Number(line.purchase_order_id));
    if (line.status !== 'draft') {
      notes.push(`${number} is ${line.status}: ${formatQuantity(quantity)} ${line.sku} stays as free open supply`);
      continue;
    }
    const pegged = (await sumWaitingPegsBySupply(tx, 'purchase_order_line', [supplyId])).get(supplyId) ?? 0;
    const lineQuantity = Number(line.quantity_milli);
    const reduce = Math.max(0, Math.min(quantity, lineQuantity - pegged));
    if (reduce < quantity) {
      notes.push(
        `${number}: ${formatQuantity(quantity - reduce)} ${line.sku} stays on the line: other orders are pegged to it`,
      );
    }
    if (reduce === 0) continue;
    if (reduce === lineQuantity) {
      await tx
        .updateTable('kanban_cards')
        .set({ state: 'empty', purchase_order_line_id: null, updated_at: ctx.now })
        .where('purchase_order_line_id', '=', supplyId)
        .execute();
      await tx.deleteFrom('purchase_order_lines').where('id', '=', supplyId).execute();
      lines.delete(supplyId);
    } else {
      await tx
        .updateTable('purchase_order_lines')
        .set({
          quantity_milli: lineQuantity - reduce,
          trigger_note: `${formatQuantity(reduce)} taken back when ${order.number} was withdrawn`,
          updated_at: ctx.now,
        })
        .where('id', '=', supplyId)
        .execute();
      // The order may have added to this line more than once: its next record reduces what is left.
      lines.set(supplyId, { ...line, quantity_milli: lineQuantity - reduce });
    }
    await tx
      .updateTable('purchase_orders')
      .set({ updated_at: ctx.now })
      .where('id', '=', Number(line.purchase_order_id))
      .execute();
    onOrder.push({ itemId: Number(line.item_id), locationId: Number(line.location_id), deltaMilli: -reduce });
    withdrawn.push({ ...supplyEntryOf(supply), quantityMilli: reduce });
  }
  await changeOnOrder(tx, database, onOrder, ctx.now);
  const triggered = await deltas.apply(tx, database, ctx);
  return { withdrawn: await supplyViews(tx, withdrawn), notes, triggered, released };
}

type Unwound = {
  withdrawn: OrderSupplyView[];
  notes: string[];
  triggered: TriggerOutcome[];
  /** Item × location pairs where the order's allocations were released. */
  released: Arrival[];
};

const NOTHING_UNWOUND: Unwound = { withdrawn: [], notes: [], triggered: [], released: [] };

/**
 * Hands stock an unwound order released to other orders' backorders at the same item × location, in order of
 * promise, and checks the late risk of the orders it filled.
 */
async function fillReleased(tx: Tx, database: Database, released: readonly Arrival[], ctx: ServiceContext) {
  if (released.length === 0) return;
  const filled = await fillBackorders(tx, database, released, ctx);
  await checkLateRiskWithin(tx, ctx, [...filled.customerOrderIds]);
}

/** Ships `{ lines?: [{ line_no, quantity }] }` (default: everything allocated) as sale movements. */
export async function shipCustomerOrder(
  database: Database,
  number: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<CustomerOrderShipment> {
  const requested = parseShipInput(raw);
  return idempotentWrite(database, ctx, `POST /customer-orders/${number}/ship`, raw ?? null, async (tx) => {
    const order = await requireOrder(tx, database, number, 'ship', ['confirmed']);
    const lines = await listCustomerOrderLines(tx, [Number(order.id)]);
    const problems: CodedProblem[] = [];
    const shipments: Array<{ line: CustomerOrderLineDetail; quantityMilli: number }> = [];
    if (requested === undefined) {
      for (const line of lines) {
        if (Number(line.allocated_milli) > 0) shipments.push({ line, quantityMilli: Number(line.allocated_milli) });
      }
      if (shipments.length === 0) {
        throw new DomainError('LS_INVALID_STATE', `number: nothing of ${number} is allocated to ship yet`, [
          { field: 'number', message: 'nothing is allocated to ship', value: number },
        ]);
      }
    }
    for (const entry of requested ?? []) {
      const line = lines.find((l) => l.line_no === entry.lineNo);
      if (!line) {
        problems.push({
          code: 'LS_VALIDATION',
          field: `lines[${entry.index}].line_no`,
          message: `${number} has no line ${entry.lineNo}`,
          value: entry.lineNo,
        });
        continue;
      }
      const before = shipments.filter((s) => s.line.id === line.id).reduce((sum, s) => sum + s.quantityMilli, 0);
      if (before + entry.quantityMilli > Number(line.allocated_milli)) {
        problems.push({
          code: 'LS_VALIDATION',
          field: `lines[${entry.index}].quantity`,
          message: `is more than the ${formatQuantity(Number(line.allocated_milli) - before)} allocated to line ${line.line_no} (${formatQuantity(Number(line.backordered_milli))} still backordered)`,
          value: toQuantity(entry.quantityMilli),
        });
        continue;
      }
      shipments.push({ line, quantityMilli: entry.quantityMilli });
    }
    throwCoded(problems);

    const posted = await postMovementsWithin(
      tx,
      database,
      shipments.map((s) => ({
        type: 'sale',
        sku: s.line.sku,
        location: s.line.location_code,
        quantity: toQuantity(s.quantityMilli),
        reference: number,
      })),
      ctx,
      { consumeAllocation: true },
    );
    const deltas = new ReservationDeltas();
    for (const { line, quantityMilli } of shipments) {
      const pegs = await listPegsOfDemands(tx, 'customer_order_line', [Number(line.id)], ['allocated']);
      await consumePegs(tx, pegs, quantityMilli, deltas, ctx.now);
      const change = deltas.lines.get(Number(line.id)) ?? { allocated: 0, backordered: 0 };
      deltas.lines.set(Number(line.id), { ...change, shipped: (change.shipped ?? 0) + quantityMilli });
    }
    // The sale movements already took the allocation off the balances.
    await deltas.apply(tx, database, ctx, false);
    const after = await listCustomerOrderLines(tx, [Number(order.id)]);
    const done = after.every((l) => Number(l.shipped_milli) >= Number(l.quantity_milli));
    await updateCustomerOrder(tx, Number(order.id), {
      ...(done && { status: 'shipped', shipped_at: ctx.now }),
      updated_at: ctx.now,
    });
    const view = await requireView(tx, number);
    await appendEvents(
      tx,
      [
        orderEvent('customer_order.shipped', view, {
          complete: done,
          lines: shipments.map((s) => ({
            line_no: s.line.line_no,
            sku: s.line.sku,
            location: s.line.location_code,
            quantity: toQuantity(s.quantityMilli),
          })),
        }),
      ],
      ctx.now,
    );
    return { ...view, movements: posted.flatMap((o) => o.movements) };
  });
}

/** An event about a customer order, subject its number. */
function orderEvent(type: string, view: CustomerOrderView, extra: Record<string, unknown> = {}): NewEvent {
  return {
    type,
    subject: view.number,
    payload: { id: view.id, number: view.number, customer: view.customer, promised_date: view.promised_date, ...extra },
  };
}

type CodedProblem = FieldProblem & { code: ErrorCode };

function throwCoded(problems: CodedProblem[]): void {
  if (problems.length === 0) return;
  const first = problems[0]!;
  const details = problems.map(({ code: _code, ...problem }) => problem);
  throw new DomainError(first.code, `${first.field}: ${first.message}${moreProblems(problems.length - 1)}`, details);
}

/** The order, checked to be in one of `allowed` statuses; locked on PostgreSQL so two writes serialise. */
async function requireOrder(
  tx: Tx,
  database: Database,
  number: string,
  action: string,
  allowed: readonly CustomerOrderStatus[],
): Promise<CustomerOrderRow> {
  const order = await findCustomerOrder(tx, database, number);
  if (!order) {
    throw new DomainError('LS_UNKNOWN_CUSTOMER_ORDER', `number: no customer order ${number}`, [
      { field: 'number', message: 'unknown customer order', value: number },
    ]);
  }
  if (!allowed.includes(order.status)) {
    throw new DomainError('LS_INVALID_STATE', `number: ${number} is ${order.status}; cannot ${action} it`, [
      { field: 'number', message: `is ${order.status}; cannot ${action} it`, value: number },
    ]);
  }
  return order;
}

async function requireView(tx: Tx, number: string): Promise<CustomerOrderView> {
  const order = await findCustomerOrder(tx, undefined, number);
  if (!order) {
    throw new DomainError('LS_UNKNOWN_CUSTOMER_ORDER', `number: no customer order ${number}`, [
      { field: 'number', message: 'unknown customer order', value: number },
    ]);
  }
  return (await loadViews(tx, [order], true))[0]!;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

async function loadViews(tx: Tx, orders: readonly CustomerOrderRow[], full: boolean): Promise<CustomerOrderView[]> {
  if (orders.length === 0) return [];
  const ids = orders.map((o) => Number(o.id));
  const customers = new Map(
    (
      await tx
        .selectFrom('customers')
        .select(['id', 'code', 'name'])
        .where('id', 'in', [...new Set(orders.map((o) => Number(o.customer_id)))])
        .execute()
    ).map((c) => [Number(c.id), c]),
  );
  const lines = await listCustomerOrderLines(tx, ids);
  const views: CustomerOrderView[] = [];
  for (const order of orders) {
    const id = Number(order.id);
    const customer = customers.get(Number(order.customer_id));
    const own = lines.filter((l) => Number(l.customer_order_id) === id);
    views.push({
      id,
      number: order.number,
      customer: customer?.code ?? '',
      customer_name: customer?.name ?? '',
      status: order.status,
      requested_date: order.requested_date,
      promised_date: order.promised_date,
      late_risk: order.late_risk === 1,
      late_risk_note: order.late_risk_note,
      note: order.note,
      created_by: order.created_by,
      created_at: iso(order.created_at)!,
      updated_at: iso(order.updated_at)!,
      confirmed_at: iso(order.confirmed_at),
      shipped_at: iso(order.shipped_at),
      cancelled_at: iso(order.cancelled_at),
      cancel_reason: order.cancel_reason,
      lines: own.map((line) => ({
        line_no: line.line_no,
        sku: line.sku,
        item_name: line.item_name,
        unit: line.unit,
        location: line.location_code,
        quantity: toQuantity(Number(line.quantity_milli)),
        requested_date: line.requested_date,
        promised_date: line.promised_date,
        allocated: toQuantity(Number(line.allocated_milli)),
        backordered: toQuantity(Number(line.backordered_milli)),
        shipped: toQuantity(Number(line.shipped_milli)),
      })),
      supplies: full ? await orderSupplyViews(tx, id) : [],
      pegging: full ? await pegViews(tx, order, own) : [],
    });
  }
  return views;
}

/** Everything confirmation created for the order, also what was taken back since (`cancelled`). */
async function orderSupplyViews(tx: Tx, orderId: number): Promise<OrderSupplyView[]> {
  const supplies = await listOrderSupplies(tx, orderId, true);
  return supplyViews(tx, supplies.map(supplyEntryOf));
}

type SupplyEntry = CreatedSupply & { cancelled?: boolean };

function supplyEntryOf(row: OrderSupplyRow): SupplyEntry {
  return {
    kind: row.kind,
    id: Number(row.supply_id),
    quantityMilli: Number(row.quantity_milli),
    itemId: Number(row.item_id),
    locationId: Number(row.location_id),
    purchaseOrderId: row.purchase_order_id === null ? null : Number(row.purchase_order_id),
    cancelled: row.cancelled_at !== null,
  };
}

/**
 * The supplies as rows: one per supply (kind and id) with the quantities summed, so a purchase line that several
 * confirmations or changes added to shows once; what was taken back stays apart from what is live.
 */
async function supplyViews(tx: Tx, all: readonly SupplyEntry[]): Promise<OrderSupplyView[]> {
  const merged = new Map<string, SupplyEntry>();
  for (const entry of all) {
    const key = `${entry.kind}:${entry.id}:${entry.cancelled ?? false}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, quantityMilli: seen.quantityMilli + entry.quantityMilli } : entry);
  }
  const entries = [...merged.values()];
  const lines = new Map(
    (
      await findPurchaseSupplies(
        tx,
        entries.filter((e) => e.kind === 'purchase_order_line').map((e) => e.id),
      )
    ).map((l) => [Number(l.id), l]),
  );
  const productions = new Map(
    (
      await findProductionOrdersById(
        tx,
        entries.filter((e) => e.kind === 'production_order').map((e) => e.id),
      )
    ).map((o) => [Number(o.id), o]),
  );
  // A draft line has no expected date yet: the date its pegs count on stands in.
  const pegged = await earliestPeggedDates(
    tx,
    [...lines.values()].filter((l) => l.promised_date === null && l.expected_date === null).map((l) => Number(l.id)),
  );
  const zones = await siteTimeZones(
    tx,
    [...lines.values()].map((l) => Number(l.location_id)),
  );
  // A purchase line taken back to 0 is removed: what was recorded with the supply names it.
  const gone = entries.filter((e) => e.kind === 'purchase_order_line' && !lines.has(e.id));
  const skus = await skusOf(
    tx,
    gone.map((e) => e.itemId),
  );
  const codes = await locationCodes(
    tx,
    gone.map((e) => e.locationId),
  );
  return entries.map((entry) => {
    if (entry.kind === 'production_order') {
      const mo = productions.get(entry.id);
      return {
        kind: entry.kind,
        number: mo?.number ?? `production order ${entry.id}`,
        sku: mo?.sku ?? '',
        location: mo?.location_code ?? '',
        quantity: toQuantity(entry.quantityMilli),
        release_date: mo?.release_date ?? null,
        due_date: mo?.due_date ?? null,
        status: mo?.status ?? 'gone',
        cancelled: entry.cancelled ?? false,
      };
    }
    const line = lines.get(entry.id);
    if (!line) {
      return {
        kind: entry.kind,
        number:
          entry.purchaseOrderId === null ? `purchase line ${entry.id}` : purchaseOrderNumber(entry.purchaseOrderId),
        sku: skus.get(entry.itemId) ?? '',
        location: codes.get(entry.locationId) ?? '',
        quantity: toQuantity(entry.quantityMilli),
        release_date: null,
        due_date: null,
        status: 'removed',
        cancelled: entry.cancelled ?? false,
      };
    }
    const dates = purchaseLineDates(line, pegged.get(entry.id) ?? null, zones);
    return {
      kind: entry.kind,
      number: purchaseOrderNumber(Number(line.purchase_order_id)),
      sku: line.sku,
      location: line.location_code,
      quantity: toQuantity(entry.quantityMilli),
      release_date: dates.release,
      due_date: dates.due,
      status: line.status,
      cancelled: entry.cancelled ?? false,
    };
  });
}

/**
 * A purchase line's dates as supply. Sent: due is the supplier's promise or the expected date, release the day it
 * was sent. Draft: due is the earliest date its pegs count on, release that less its lead time (the order-by date).
 */
function purchaseLineDates(
  line: PurchaseSupplyRow,
  pegged: string | null,
  zones: ReadonlyMap<number, string>,
): { release: string | null; due: string | null } {
  const due = line.promised_date ?? line.expected_date ?? pegged;
  if (line.sent_at !== null) {
    return { release: localDateAt(zones, Number(line.location_id), Number(line.sent_at)), due };
  }
  if (due === null) return { release: null, due: null };
  return { release: addDays(due, -(line.lead_time_days === null ? 0 : Number(line.lead_time_days))), due };
}

async function skusOf(tx: Tx, itemIds: readonly number[]): Promise<Map<number, string>> {
  if (itemIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('items')
    .select(['id', 'sku'])
    .where('id', 'in', [...new Set(itemIds)])
    .execute();
  return new Map(rows.map((r) => [Number(r.id), r.sku]));
}

/** The earliest date pegs count on each purchase line for. */
async function earliestPeggedDates(tx: Tx, lineIds: readonly number[]): Promise<Map<number, string>> {
  if (lineIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('pegs')
    .select(['supply_id', (eb) => eb.fn.min<string>('supply_date').as('date')])
    .where('supply_kind', '=', 'purchase_order_line')
    .where('supply_id', 'in', [...lineIds])
    .where('status', '!=', 'cancelled')
    .groupBy('supply_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.supply_id), r.date]));
}

async function pegViews(
  tx: Tx,
  order: CustomerOrderRow,
  lines: readonly CustomerOrderLineDetail[],
): Promise<PegView[]> {
  const pegs = await listPegsOfCustomerOrders(tx, [Number(order.id)], ['allocated', 'waiting', 'consumed']);
  if (pegs.length === 0) return [];
  const components = await componentOrders(
    tx,
    pegs.filter((p) => p.demand_kind === 'production_component').map((p) => Number(p.demand_id)),
  );
  const { purchaseLines, productions } = await loadPegSupplies(tx, pegs);
  const items = new Map(
    (
      await tx
        .selectFrom('items')
        .select(['id', 'sku', 'unit'])
        .where('id', 'in', [...new Set(pegs.map((p) => Number(p.item_id)))])
        .execute()
    ).map((i) => [Number(i.id), i]),
  );
  const codes = await locationCodes(
    tx,
    pegs.map((p) => Number(p.location_id)),
  );
  const lineNo = new Map(lines.map((l) => [Number(l.id), l.line_no]));
  return pegs
    .map((peg): PegView => {
      const supplyId = Number(peg.supply_id);
      const line = purchaseLines.get(supplyId);
      const ref =
        peg.supply_kind === 'stock'
          ? null
          : peg.supply_kind === 'purchase_order_line'
            ? line
              ? purchaseOrderNumber(Number(line.purchase_order_id))
              : `purchase line ${supplyId}`
            : (productions.get(supplyId)?.number ?? `production order ${supplyId}`);
      return {
        level: peg.level,
        sku: items.get(Number(peg.item_id))?.sku ?? '',
        location: codes.get(Number(peg.location_id)) ?? '',
        quantity: toQuantity(Number(peg.quantity_milli)),
        unit: items.get(Number(peg.item_id))?.unit ?? '',
        need_date: peg.need_date,
        demand: {
          kind: peg.demand_kind,
          ref:
            peg.demand_kind === 'customer_order_line'
              ? `${order.number}/${lineNo.get(Number(peg.demand_id)) ?? '?'}`
              : (components.get(Number(peg.demand_id))?.number ?? `component ${peg.demand_id}`),
        },
        supply: { kind: peg.supply_kind, ref, date: peg.supply_date },
        status: peg.status,
      };
    })
    .sort((a, b) => a.level - b.level);
}

function readDate(input: RawInput, field: string, problems: FieldProblem[], name = field): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || parseLocalDate(value) === undefined) {
    problems.push({ field: name, message: 'must be a date YYYY-MM-DD', value });
    return undefined;
  }
  return value;
}

function readLineQuantity(
  input: RawInput,
  field: string,
  problems: FieldProblem[],
  required: boolean,
): number | undefined {
  if (!required && input['quantity'] === undefined) return undefined;
  const parsed = parseQuantity(input['quantity'], field, 'positive');
  if (!parsed.ok) {
    problems.push(parsed.problem);
    return undefined;
  }
  return parsed.milli;
}

function readLines(input: RawInput, problems: FieldProblem[]): RawInput[] {
  const value = input['lines'];
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ field: 'lines', message: 'must be a list of at least one line', value });
    return [];
  }
  if (value.length > MAX_ORDER_LINES) {
    problems.push({ field: 'lines', message: `must have at most ${MAX_ORDER_LINES} lines` });
    return [];
  }
  return value.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ field: `lines[${i}]`, message: 'must be an object', value: entry });
      return {};
    }
    return entry as RawInput;
  });
}

function parseCreateInput(raw: unknown): CreateInput {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  if (!input) throwIfProblems(problems);
  checkKnownFields(input!, CREATE_FIELDS, 'a customer order', problems);
  const customer = readCode(input!, 'customer', problems);
  const requestedDate = readDate(input!, 'requested_date', problems);
  const note = readNote(input!, problems);
  const confirm = readBoolean(input!, 'confirm', problems) ?? false;
  const lines = readLines(input!, problems).map((line, i) => {
    const fieldProblems: FieldProblem[] = [];
    checkKnownFields(line, LINE_FIELDS, 'an order line', fieldProblems);
    const sku = readCode(line, 'sku', fieldProblems);
    const location = readCode(line, 'location', fieldProblems);
    const quantityMilli = readLineQuantity(line, 'quantity', fieldProblems, true);
    const lineDate = readDate(line, 'requested_date', fieldProblems);
    for (const problem of fieldProblems) problems.push({ ...problem, field: `lines[${i}].${problem.field}` });
    return { sku: sku ?? '', location: location ?? '', quantityMilli: quantityMilli ?? 0, requestedDate: lineDate };
  });
  throwIfProblems(problems);
  return { customer: customer!, requestedDate, note: note ?? null, confirm, lines };
}

function parseChangeInput(raw: unknown): {
  lines: LineChange[];
  note: string | null | undefined;
  requestedDate: string | undefined;
} {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  if (!input) throwIfProblems(problems);
  checkKnownFields(input!, CHANGE_FIELDS, 'a customer order change', problems);
  checkNotEmpty(input!, problems);
  const note = readNote(input!, problems);
  const requestedDate = readDate(input!, 'requested_date', problems);
  const lines: LineChange[] =
    input!['lines'] === undefined
      ? []
      : readLines(input!, problems).map((line, index) => {
          const fieldProblems: FieldProblem[] = [];
          checkKnownFields(line, CHANGE_LINE_FIELDS, 'an order line change', fieldProblems);
          const lineNo = line['line_no'];
          if (typeof lineNo !== 'number' || !Number.isInteger(lineNo) || lineNo < 1) {
            fieldProblems.push({ field: 'line_no', message: 'must be a line number (1, 2, …)', value: lineNo });
          }
          const quantityMilli = readLineQuantity(line, 'quantity', fieldProblems, false);
          const requested = readDate(line, 'requested_date', fieldProblems);
          if (line['quantity'] === undefined && line['requested_date'] === undefined) {
            fieldProblems.push({
              field: 'line_no',
              message: 'give a quantity or a requested_date to change',
              value: lineNo,
            });
          }
          for (const problem of fieldProblems) problems.push({ ...problem, field: `lines[${index}].${problem.field}` });
          return {
            index,
            lineNo: Number(lineNo),
            ...(quantityMilli !== undefined && { quantityMilli }),
            ...(requested !== undefined && { requestedDate: requested }),
          };
        });
  const seen = new Set<number>();
  for (const line of lines) {
    if (seen.has(line.lineNo)) {
      problems.push({ field: `lines[${line.index}].line_no`, message: 'appears twice', value: line.lineNo });
    }
    seen.add(line.lineNo);
  }
  throwIfProblems(problems);
  return { lines, note, requestedDate };
}

function parseShipInput(raw: unknown): Array<{ index: number; lineNo: number; quantityMilli: number }> | undefined {
  if (raw === undefined || raw === null) return undefined;
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  if (!input) throwIfProblems(problems);
  checkKnownFields(input!, ['lines'], 'a shipment', problems);
  if (input!['lines'] === undefined) {
    throwIfProblems(problems);
    return undefined;
  }
  const lines = readLines(input!, problems).map((line, index) => {
    const fieldProblems: FieldProblem[] = [];
    checkKnownFields(line, ['line_no', 'quantity'], 'a shipment line', fieldProblems);
    const lineNo = line['line_no'];
    if (typeof lineNo !== 'number' || !Number.isInteger(lineNo) || lineNo < 1) {
      fieldProblems.push({ field: 'line_no', message: 'must be a line number (1, 2, …)', value: lineNo });
    }
    const quantityMilli = readLineQuantity(line, 'quantity', fieldProblems, true);
    for (const problem of fieldProblems) problems.push({ ...problem, field: `lines[${index}].${problem.field}` });
    return { index, lineNo: Number(lineNo), quantityMilli: quantityMilli ?? 0 };
  });
  throwIfProblems(problems);
  return lines;
}

async function itemsBySku(tx: Tx, skus: readonly string[]) {
  const rows = await tx
    .selectFrom('items')
    .select(['id', 'sku', 'active'])
    .where('sku', 'in', [...new Set(skus)])
    .execute();
  return new Map(rows.map((r) => [r.sku, { id: Number(r.id), active: r.active === 1 }]));
}

async function locationsByCode(tx: Tx, codes: readonly string[]) {
  const rows = await tx
    .selectFrom('locations')
    .select(['id', 'code', 'active'])
    .where('code', 'in', [...new Set(codes)])
    .execute();
  return new Map(rows.map((r) => [r.code, { id: Number(r.id), active: r.active === 1 }]));
}

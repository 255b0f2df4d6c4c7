import { checkKnownFields, type RawInput, readCode, readObject } from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { formatQuantity, isCountUnit, parseQuantity, toQuantity } from '../../domain/quantity.js';
import { parseLocalDate } from '../../domain/replenishment/local-time.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { balanceKey } from '../../store/ledger.repository.js';
import { appendEvents, type NewEvent } from '../../store/outbox.repository.js';
import { loadEffectiveBoms } from '../../store/production/bom.repository.js';
import {
  findCustomerOrder,
  findProductionOrder,
  insertPegs,
  listPegsOfDemands,
  listProductionComponents,
  listProductionOrderRows,
  locationCodes,
  type NewPegRow,
  type ProductionComponentDetail,
  type ProductionOrderDetail,
  pairsOfProductionComponents,
  siteTimeZones,
  updateProductionOrder,
} from '../../store/production/order.repository.js';
import { loadProductionItems } from '../../store/production/production-item.repository.js';
import type { ProductionOrderStatus } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { ledgerRepository, type MovementView, postMovementsWithin } from '../ledger.service.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { changeOnOrder, type OnOrderChange } from '../purchasing/on-order.js';
import { replenish, type TriggerOutcome } from '../purchasing/replenish.js';
import { fillBackorders, rebalanceSupply } from './backorders.js';
import { addDays, insertPlannedProductionOrder, laterDate, localDateAt, productionNumber } from './explosion.js';
import { checkLateRiskWithin } from './late-risk.js';
import { readNote, readStatusFilter } from './order-input.js';
import { cancelPegs, consumePegs, ReservationDeltas } from './pegs.js';

export type ProductionComponentView = {
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  quantity_per: number;
  /** 0.05 = 5 % scrap on top of the quantity per. */
  scrap_factor: number;
  required: number;
  allocated: number;
  backordered: number;
  issued: number;
};

export type ProductionOrderView = {
  id: number;
  number: string;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  quantity: number;
  completed: number;
  scrapped: number;
  /** Still to make: quantity − completed − scrapped while open; 0 once completed or cancelled. */
  open_quantity: number;
  status: ProductionOrderStatus;
  release_date: string;
  due_date: string;
  bom_version: number;
  /** The customer order it was created for (SO-…), null for a manual one or one kept as free supply. */
  customer_order: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  released_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  components: ProductionComponentView[];
};

/** What a write answers: the order after it, the movements it posted and what the trigger did. */
export type ProductionOrderChange = ProductionOrderView & {
  movements: MovementView[];
  triggered: TriggerOutcome[];
};

export type ProductionOrderQuery = {
  status?: string;
  sku?: string;
  customer_order?: string;
  cursor?: string;
  limit?: number;
};

export const PRODUCTION_ORDER_STATUSES: readonly ProductionOrderStatus[] = [
  'planned',
  'released',
  'completed',
  'cancelled',
];

export const productionOrderNumber = productionNumber;

/** Creates a planned order `{ sku, location, quantity, due_date, note? }`; release date = due − BOM lead time. */
export async function createProductionOrder(
  database: Database,
  raw: unknown,
  ctx: ServiceContext,
): Promise<ProductionOrderView> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems) ?? {};
  checkKnownFields(input, ['sku', 'location', 'quantity', 'due_date', 'note'], 'a production order', problems);
  const sku = readCode(input, 'sku', problems);
  const locationCode = readCode(input, 'location', problems);
  const quantityMilli = readQuantity(input, 'quantity', problems, 'positive');
  const dueDate = input['due_date'];
  if (typeof dueDate !== 'string' || parseLocalDate(dueDate) === undefined) {
    problems.push({ field: 'due_date', message: 'must be a date YYYY-MM-DD', value: dueDate });
  }
  const note = readNote(input, problems);
  throwIfProblems(problems);
  const due = dueDate as string;
  return idempotentWrite(database, ctx, 'POST /production-orders', raw, async (tx) => {
    const item = await tx.selectFrom('items').select(['id', 'active']).where('sku', '=', sku!).executeTakeFirst();
    const location = await tx
      .selectFrom('locations')
      .select(['id', 'active'])
      .where('code', '=', locationCode!)
      .executeTakeFirst();
    if (!item)
      throw new DomainError('LS_UNKNOWN_ITEM', `sku: unknown SKU "${sku}"`, [field('sku', 'unknown SKU', sku)]);
    if (!location) {
      throw new DomainError('LS_UNKNOWN_LOCATION', `location: unknown location "${locationCode}"`, [
        field('location', 'unknown location', locationCode),
      ]);
    }
    if (item.active !== 1)
      throw new DomainError('LS_INACTIVE', `sku: item "${sku}" is deactivated`, [field('sku', 'is deactivated', sku)]);
    if (location.active !== 1) {
      throw new DomainError('LS_INACTIVE', `location: location "${locationCode}" is deactivated`, [
        field('location', 'is deactivated', locationCode),
      ]);
    }
    const itemId = Number(item.id);
    const locationId = Number(location.id);
    const today = localDateAt(await siteTimeZones(tx, [locationId]), locationId, ctx.now);
    if (due < today) {
      throw new DomainError('LS_VALIDATION', `due_date: must not be in the past (today is ${today})`, [
        field('due_date', `must not be in the past (today is ${today})`, due),
      ]);
    }
    const bom = (await loadEffectiveBoms(tx, [itemId], today)).get(itemId);
    if (!bom) {
      throw new DomainError('LS_UNKNOWN_BOM', `sku: ${sku} has no BOM effective on ${today}`, [
        field('sku', `has no BOM effective on ${today}`, sku),
      ]);
    }
    const release = addDays(due, -bom.leadTimeDays);
    const units = await loadProductionItems(
      tx,
      bom.lines.map((l) => l.componentItemId),
    );
    const { id } = await insertPlannedProductionOrder(
      tx,
      {
        itemId,
        locationId,
        bom,
        quantityMilli: quantityMilli!,
        releaseDate: laterDate(release, today),
        dueDate: due,
        customerOrderId: null,
        note: note ?? null,
      },
      units,
      ctx,
    );
    await changeOnOrder(tx, database, [{ itemId, locationId, deltaMilli: quantityMilli! }], ctx.now);
    return requireView(tx, productionNumber(id));
  });
}

export async function getProductionOrder(database: Database, number: string): Promise<ProductionOrderView> {
  return readTransaction(database, (tx) => requireView(tx, number));
}

/** Production orders newest first, by status (comma-separated), SKU and customer order. */
export async function listProductionOrders(
  database: Database,
  query: ProductionOrderQuery,
): Promise<Page<ProductionOrderView>> {
  const limit = checkPageLimit(query.limit);
  const statuses = readStatusFilter(query.status, PRODUCTION_ORDER_STATUSES);
  const before = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, 1, 'cursor')[0]);
  return readTransaction(database, async (tx) => {
    let itemId: number | undefined;
    if (query.sku !== undefined) {
      const item = await tx.selectFrom('items').select('id').where('sku', '=', query.sku).executeTakeFirst();
      if (!item) return { data: [], next_cursor: null };
      itemId = Number(item.id);
    }
    let customerOrderId: number | undefined;
    if (query.customer_order !== undefined) {
      const order = await findCustomerOrder(tx, undefined, query.customer_order);
      if (!order) return { data: [], next_cursor: null };
      customerOrderId = Number(order.id);
    }
    const rows = await listProductionOrderRows(tx, {
      ...(statuses !== undefined && { statuses }),
      ...(itemId !== undefined && { itemId }),
      ...(customerOrderId !== undefined && { customerOrderId }),
      ...(before !== undefined && { beforeId: before }),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      data: await loadViews(tx, page),
      next_cursor: rows.length > limit ? encodeCursor([Number(page.at(-1)!.id)]) : null,
    };
  });
}

/**
 * Releases a planned order: its components' waiting pegs are filled from available stock, and what no peg holds
 * yet (a manual order's whole requirement) is allocated from available; the shortfall is backordered, waiting for
 * stock. Backorders lower the inventory position, so a stocked component with a reorder point is ordered at once.
 */
export async function releaseProductionOrder(
  database: Database,
  number: string,
  ctx: ServiceContext,
): Promise<ProductionOrderChange> {
  return idempotentWrite(database, ctx, `POST /production-orders/${number}/release`, null, async (tx) => {
    const mo = await requireOrder(tx, database, number, 'release', ['planned']);
    const components = await listProductionComponents(tx, [Number(mo.id)]);
    const locationId = Number(mo.location_id);
    const today = localDateAt(await siteTimeZones(tx, [locationId]), locationId, ctx.now);
    await fillBackorders(
      tx,
      database,
      components.map((c) => ({ itemId: Number(c.item_id), locationId })),
      ctx,
      { demand: { kind: 'production_component', ids: new Set(components.map((c) => Number(c.id))) } },
    );
    const held = await listPegsOfDemands(
      tx,
      'production_component',
      components.map((c) => Number(c.id)),
      ['allocated', 'waiting', 'consumed'],
    );
    const balances = await ledgerRepository(database).lockBalances(
      tx,
      components.map((c) => [Number(c.item_id), locationId]),
    );
    const pegs: NewPegRow[] = [];
    for (const component of components) {
      const pegged = held
        .filter((p) => Number(p.demand_id) === Number(component.id))
        .reduce((sum, p) => sum + Number(p.quantity_milli), 0);
      const unreserved = Number(component.required_milli) - pegged;
      if (unreserved <= 0) continue;
      const balance = balances.get(balanceKey(Number(component.item_id), locationId));
      const available = balance ? Math.max(0, balance.on_hand_milli - balance.allocated_milli) : 0;
      const allocated = Math.min(unreserved, available);
      if (balance) balance.allocated_milli += allocated;
      const base = {
        customer_order_id: mo.customer_order_id,
        customer_order_line_id: null,
        level: 1,
        item_id: Number(component.item_id),
        location_id: locationId,
        demand_kind: 'production_component' as const,
        demand_id: Number(component.id),
        supply_kind: 'stock' as const,
        supply_id: null,
        need_date: laterDate(mo.release_date, today),
        supply_date: today,
        created_at: ctx.now,
        updated_at: ctx.now,
      };
      if (allocated > 0) pegs.push({ ...base, quantity_milli: allocated, status: 'allocated' });
      if (unreserved > allocated) pegs.push({ ...base, quantity_milli: unreserved - allocated, status: 'waiting' });
    }
    // A make-to-order component is never stocked: its shortfall is bought for this order, as an explosion would.
    const purchased = await buyMakeToOrderShortfalls(tx, database, pegs, ctx);
    await insertPegs(tx, pegs);
    const deltas = new ReservationDeltas();
    for (const peg of pegs) deltas.add(peg, peg.status, Number(peg.quantity_milli));
    const triggered = [...purchased, ...(await deltas.apply(tx, database, ctx))];
    await updateProductionOrder(tx, Number(mo.id), { status: 'released', released_at: ctx.now, updated_at: ctx.now });
    const view = await requireView(tx, number);
    await appendEvents(tx, [productionEvent('production_order.released', view)], ctx.now);
    return { ...view, movements: [], triggered };
  });
}

/**
 * Drafts purchase lines (through `replenish`, as make-to-order needs) for the waiting pegs of make-to-order
 * components and pegs them to those lines, due today + the line's lead time; other shortfalls wait for stock, where
 * their own policy orders them (a reorder point sees the backorder in the inventory position).
 */
async function buyMakeToOrderShortfalls(
  tx: Tx,
  database: Database,
  pegs: NewPegRow[],
  ctx: ServiceContext,
): Promise<TriggerOutcome[]> {
  const waiting = pegs.filter((p) => p.status === 'waiting');
  if (waiting.length === 0) return [];
  const pairs = waiting.map((p) => [Number(p.item_id), Number(p.location_id)] as [number, number]);
  const policies = await ledgerRepository(database).findPolicies(tx, pairs);
  const wanted = waiting.filter(
    (p) => policies.get(balanceKey(Number(p.item_id), Number(p.location_id)))?.kind === 'make_to_order',
  );
  if (wanted.length === 0) return [];
  const items = await loadProductionItems(
    tx,
    wanted.map((p) => Number(p.item_id)),
  );
  const codes = await locationCodes(
    tx,
    wanted.map((p) => Number(p.location_id)),
  );
  const drafted = await replenish(
    tx,
    wanted.map((p) => ({
      itemId: Number(p.item_id),
      locationId: Number(p.location_id),
      sku: items.get(Number(p.item_id))!.sku,
      location: codes.get(Number(p.location_id))!,
      policy: { kind: 'make_to_order' as const },
      positionMilli: 0,
      positionBeforeMilli: 0,
      demandMilli: Number(p.quantity_milli),
    })),
    ctx,
  );
  const lineIds = drafted.lineIds.filter((id): id is number => id !== null);
  const leadTimes = new Map(
    (
      await tx
        .selectFrom('purchase_order_lines')
        .select(['id', 'lead_time_days'])
        .where('id', 'in', lineIds.length > 0 ? lineIds : [-1])
        .execute()
    ).map((l) => [Number(l.id), l.lead_time_days === null ? 0 : Number(l.lead_time_days)]),
  );
  const onOrder: OnOrderChange[] = [];
  wanted.forEach((peg, i) => {
    const lineId = drafted.lineIds[i];
    if (lineId === null || lineId === undefined) return;
    peg.supply_kind = 'purchase_order_line';
    peg.supply_id = lineId;
    peg.supply_date = addDays(peg.supply_date, leadTimes.get(lineId) ?? 0);
    onOrder.push({
      itemId: Number(peg.item_id),
      locationId: Number(peg.location_id),
      deltaMilli: drafted.onOrderAddedMilli[i]!,
    });
  });
  await changeOnOrder(tx, database, onOrder, ctx.now);
  return drafted.outcomes;
}

/**
 * Reports progress `{ quantity, scrap? }`: issues the components for quantity + scrap from their allocation,
 * receives the good quantity of the finished item and fills the customer orders waiting for it.
 */
export async function reportProduction(
  database: Database,
  number: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<ProductionOrderChange> {
  const input = parseReport(raw, true);
  return idempotentWrite(database, ctx, `POST /production-orders/${number}/report`, raw, async (tx) => {
    const mo = await requireOrder(tx, database, number, 'report on', ['released']);
    const open = openOf(mo);
    const quantityMilli = input.quantityMilli!;
    checkWithinOpen(quantityMilli, input.scrapMilli, open);
    const reported = await reportWithin(tx, database, mo, quantityMilli, input.scrapMilli, ctx);
    if (quantityMilli + input.scrapMilli === open) {
      await updateProductionOrder(tx, Number(mo.id), {
        status: 'completed',
        completed_at: ctx.now,
        updated_at: ctx.now,
      });
    }
    await checkLateRiskWithin(tx, ctx, [...reported.customerOrderIds]);
    const view = await requireView(tx, number);
    if (view.status === 'completed') {
      await appendEvents(tx, [productionEvent('production_order.completed', view)], ctx.now);
    }
    return { ...view, movements: reported.movements, triggered: reported.triggered };
  });
}

/**
 * Completes `{ quantity?, scrap? }` (default: the rest, good) and closes the order. What is then still open leaves
 * on order, the components' remaining allocations are released, and the pegs still waiting on it wait for stock.
 */
export async function completeProductionOrder(
  database: Database,
  number: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<ProductionOrderChange> {
  const input = parseReport(raw, false);
  return idempotentWrite(database, ctx, `POST /production-orders/${number}/complete`, raw ?? null, async (tx) => {
    const mo = await requireOrder(tx, database, number, 'complete', ['released']);
    const open = openOf(mo);
    const quantityMilli = input.quantityMilli ?? Math.max(0, open - input.scrapMilli);
    checkWithinOpen(quantityMilli, input.scrapMilli, open, true);
    const reported =
      quantityMilli + input.scrapMilli > 0
        ? await reportWithin(tx, database, mo, quantityMilli, input.scrapMilli, ctx)
        : { movements: [], triggered: [], customerOrderIds: new Set<number>() };
    const rest = open - quantityMilli - input.scrapMilli;
    const ids = await closeWithin(tx, database, mo, rest, 'completed', ctx);
    await checkLateRiskWithin(tx, ctx, [...reported.customerOrderIds, ...ids]);
    const view = await requireView(tx, number);
    await appendEvents(tx, [productionEvent('production_order.completed', view)], ctx.now);
    return { ...view, movements: reported.movements, triggered: reported.triggered };
  });
}

/** Cancels `{ reason? }` a planned or released order: releases its component allocations and its on order. */
export async function cancelProductionOrder(
  database: Database,
  number: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<ProductionOrderChange> {
  const problems: FieldProblem[] = [];
  const body = raw === undefined || raw === null ? {} : readObject(raw, problems);
  let reason: string | undefined;
  if (body) {
    checkKnownFields(body, ['reason'], 'a cancellation', problems);
    const value = body['reason'];
    if (value !== undefined && value !== null) {
      if (typeof value !== 'string' || value.trim() === '' || value.length > 500) {
        problems.push({ field: 'reason', message: 'must be text of 1 to 500 characters', value });
      } else reason = value.trim();
    }
  }
  throwIfProblems(problems);
  return idempotentWrite(database, ctx, `POST /production-orders/${number}/cancel`, body ?? null, async (tx) => {
    const mo = await requireOrder(tx, database, number, 'cancel', ['planned', 'released']);
    if (Number(mo.completed_milli) + Number(mo.scrapped_milli) > 0) {
      throw new DomainError('LS_INVALID_STATE', `number: ${number} has reported production; complete it instead`, [
        field('number', 'has reported production; complete it instead', number),
      ]);
    }
    if (reason !== undefined) {
      await updateProductionOrder(tx, Number(mo.id), {
        note: `${mo.note ? `${mo.note}; ` : ''}cancelled: ${reason}`,
      });
    }
    const ids = await closeWithin(tx, database, mo, openOf(mo), 'cancelled', ctx);
    await checkLateRiskWithin(tx, ctx, ids);
    return { ...(await requireView(tx, number)), movements: [], triggered: [] };
  });
}

/**
 * Issues the components for `quantity + scrap` more of the order (each in proportion to its requirement, whole
 * units for counted ones, all of it once the order is done) from their allocation, receives the good quantity,
 * takes both off on order and fills the backorders waiting for the finished item.
 */
async function reportWithin(
  tx: Tx,
  database: Database,
  mo: ProductionOrderDetail,
  quantityMilli: number,
  scrapMilli: number,
  ctx: ServiceContext,
): Promise<{ movements: MovementView[]; triggered: TriggerOutcome[]; customerOrderIds: Set<number> }> {
  const orderId = Number(mo.id);
  const locationId = Number(mo.location_id);
  const doneAfter = Number(mo.completed_milli) + Number(mo.scrapped_milli) + quantityMilli + scrapMilli;
  const planned = Number(mo.quantity_milli);
  let components = await listProductionComponents(tx, [orderId]);
  const issueOf = (c: ProductionComponentDetail) =>
    Math.max(
      0,
      issueTarget(Number(c.required_milli), doneAfter, planned, isCountUnit(c.unit)) - Number(c.issued_milli),
    );
  const short = components.filter((c) => issueOf(c) > Number(c.allocated_milli));
  if (short.length > 0) {
    await fillBackorders(
      tx,
      database,
      short.map((c) => ({ itemId: Number(c.item_id), locationId })),
      ctx,
      { demand: { kind: 'production_component', ids: new Set(short.map((c) => Number(c.id))) } },
    );
    components = await listProductionComponents(tx, [orderId]);
  }
  const problems: FieldProblem[] = [];
  for (const c of components) {
    if (issueOf(c) > Number(c.allocated_milli)) {
      problems.push({
        field: 'quantity',
        message: `needs ${formatQuantity(issueOf(c))} ${c.sku} but only ${formatQuantity(Number(c.allocated_milli))} is allocated (${formatQuantity(Number(c.backordered_milli))} backordered)`,
        value: toQuantity(quantityMilli),
      });
    }
  }
  if (problems.length > 0) {
    throw new DomainError('LS_INVALID_STATE', `quantity: ${problems[0]!.message}`, problems);
  }

  await changeOnOrder(
    tx,
    database,
    [{ itemId: Number(mo.item_id), locationId, deltaMilli: -(quantityMilli + scrapMilli) }],
    ctx.now,
  );
  const issues = components.filter((c) => issueOf(c) > 0);
  const raws = issues.map((c) => ({
    type: 'issue',
    sku: c.sku,
    location: c.location_code,
    quantity: toQuantity(issueOf(c)),
    reference: mo.number,
  }));
  if (quantityMilli > 0) {
    raws.push({
      type: 'receipt',
      sku: mo.sku,
      location: mo.location_code,
      quantity: toQuantity(quantityMilli),
      reference: mo.number,
    });
  }
  const posted = await postMovementsWithin(tx, database, raws, ctx, { consumeAllocation: true });
  const deltas = new ReservationDeltas();
  for (const c of issues) {
    const pegs = await listPegsOfDemands(tx, 'production_component', [Number(c.id)], ['allocated']);
    const issued = issueOf(c);
    await consumePegs(tx, pegs, issued, deltas, ctx.now);
    const change = deltas.components.get(Number(c.id)) ?? { allocated: 0, backordered: 0 };
    deltas.components.set(Number(c.id), { ...change, issued: (change.issued ?? 0) + issued });
  }
  // The issues already took their allocation off the balances.
  await deltas.apply(tx, database, ctx, false);
  await updateProductionOrder(tx, orderId, {
    completed_milli: Number(mo.completed_milli) + quantityMilli,
    scrapped_milli: Number(mo.scrapped_milli) + scrapMilli,
    updated_at: ctx.now,
  });
  const filled = await fillBackorders(
    tx,
    database,
    [{ itemId: Number(mo.item_id), locationId, supply: { kind: 'production_order', id: orderId } }],
    ctx,
  );
  if (mo.customer_order_id !== null) filled.customerOrderIds.add(Number(mo.customer_order_id));
  return {
    movements: posted.flatMap((o) => o.movements),
    triggered: posted.flatMap((o) => o.triggered),
    customerOrderIds: filled.customerOrderIds,
  };
}

/** An event about a production order, subject its number. */
function productionEvent(type: string, view: ProductionOrderView): NewEvent {
  return {
    type,
    subject: view.number,
    payload: {
      id: view.id,
      number: view.number,
      sku: view.sku,
      location: view.location,
      quantity: view.quantity,
      completed: view.completed,
      scrapped: view.scrapped,
      customer_order: view.customer_order,
    },
  };
}

/**
 * Ends an order (completed or cancelled): `rest` leaves on order, what its components still hold is released, and
 * pegs waiting on it wait for stock. Answers the customer orders whose pegs moved.
 */
async function closeWithin(
  tx: Tx,
  database: Database,
  mo: ProductionOrderDetail,
  rest: number,
  status: 'completed' | 'cancelled',
  ctx: ServiceContext,
): Promise<number[]> {
  const orderId = Number(mo.id);
  // A receipt may be filling the components' pegs: hold their balances before reading them.
  await ledgerRepository(database).lockBalances(tx, await pairsOfProductionComponents(tx, [orderId]));
  if (rest > 0) {
    await changeOnOrder(
      tx,
      database,
      [{ itemId: Number(mo.item_id), locationId: Number(mo.location_id), deltaMilli: -rest }],
      ctx.now,
    );
  }
  const components = await listProductionComponents(tx, [orderId]);
  const held = await listPegsOfDemands(
    tx,
    'production_component',
    components.map((c) => Number(c.id)),
    ['allocated', 'waiting'],
  );
  const deltas = new ReservationDeltas();
  await cancelPegs(tx, held, deltas, ctx.now);
  await deltas.apply(tx, database, ctx);
  await updateProductionOrder(tx, orderId, {
    status,
    ...(status === 'completed' ? { completed_at: ctx.now } : { cancelled_at: ctx.now }),
    updated_at: ctx.now,
  });
  const moved = await rebalanceSupply(tx, { kind: 'production_order', id: orderId }, [], ctx.now);
  const ids = new Set(moved);
  for (const peg of held) if (peg.customer_order_id !== null) ids.add(Number(peg.customer_order_id));
  if (mo.customer_order_id !== null) ids.add(Number(mo.customer_order_id));
  return [...ids];
}

/**
 * What a component has had issued once `doneMilli` of `plannedMilli` are made or scrapped: its requirement in
 * proportion, ⌈required × done ÷ planned⌉ (up to a whole unit when counted), all of it at done ≥ planned.
 */
export function issueTarget(
  requiredMilli: number,
  doneMilli: number,
  plannedMilli: number,
  countUnit: boolean,
): number {
  if (doneMilli >= plannedMilli) return requiredMilli;
  const numerator = BigInt(requiredMilli) * BigInt(doneMilli);
  let milli = Number((numerator + BigInt(plannedMilli) - 1n) / BigInt(plannedMilli));
  if (countUnit && milli % 1000 !== 0) milli += 1000 - (milli % 1000);
  return Math.min(requiredMilli, milli);
}

function openOf(mo: ProductionOrderDetail): number {
  return Math.max(0, Number(mo.quantity_milli) - Number(mo.completed_milli) - Number(mo.scrapped_milli));
}

function checkWithinOpen(quantityMilli: number, scrapMilli: number, open: number, allowZero = false): void {
  if (!allowZero && quantityMilli + scrapMilli === 0) {
    throw new DomainError('LS_VALIDATION', 'quantity: quantity and scrap must not both be zero', [
      field('quantity', 'quantity and scrap must not both be zero', 0),
    ]);
  }
  if (quantityMilli + scrapMilli > open) {
    throw new DomainError(
      'LS_VALIDATION',
      `quantity: ${formatQuantity(quantityMilli + scrapMilli)} (with scrap) is more than the ${formatQuantity(open)} still open`,
      [field('quantity', `with scrap more than the ${formatQuantity(open)} still open`, toQuantity(quantityMilli))],
    );
  }
}

function parseReport(
  raw: unknown,
  quantityRequired: boolean,
): { quantityMilli: number | undefined; scrapMilli: number } {
  const problems: FieldProblem[] = [];
  const input = raw === undefined || raw === null ? {} : (readObject(raw, problems) ?? {});
  checkKnownFields(input, ['quantity', 'scrap'], 'a production report', problems);
  const quantityMilli =
    quantityRequired || input['quantity'] !== undefined
      ? readQuantity(input, 'quantity', problems, 'non_negative')
      : undefined;
  const scrapMilli = input['scrap'] === undefined ? 0 : (readQuantity(input, 'scrap', problems, 'non_negative') ?? 0);
  throwIfProblems(problems);
  return { quantityMilli, scrapMilli };
}

function readQuantity(
  input: RawInput,
  name: string,
  problems: FieldProblem[],
  rule: 'positive' | 'non_negative',
): number | undefined {
  const parsed = parseQuantity(input[name], name, rule);
  if (!parsed.ok) {
    problems.push(parsed.problem);
    return undefined;
  }
  return parsed.milli;
}

function field(name: string, message: string, value: unknown): FieldProblem {
  return { field: name, message, value };
}

async function requireOrder(
  tx: Tx,
  database: Database,
  number: string,
  action: string,
  allowed: readonly ProductionOrderStatus[],
): Promise<ProductionOrderDetail> {
  const mo = await findProductionOrder(tx, database, number);
  if (!mo) {
    throw new DomainError('LS_UNKNOWN_PRODUCTION_ORDER', `number: no production order ${number}`, [
      field('number', 'unknown production order', number),
    ]);
  }
  if (!allowed.includes(mo.status)) {
    const hint = mo.status === 'planned' ? ' (release it first)' : '';
    throw new DomainError('LS_INVALID_STATE', `number: ${number} is ${mo.status}; cannot ${action} it${hint}`, [
      field('number', `is ${mo.status}; cannot ${action} it${hint}`, number),
    ]);
  }
  return mo;
}

async function requireView(tx: Tx, number: string): Promise<ProductionOrderView> {
  const mo = await findProductionOrder(tx, undefined, number);
  if (!mo) {
    throw new DomainError('LS_UNKNOWN_PRODUCTION_ORDER', `number: no production order ${number}`, [
      field('number', 'unknown production order', number),
    ]);
  }
  return (await loadViews(tx, [mo]))[0]!;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

async function loadViews(tx: Tx, orders: readonly ProductionOrderDetail[]): Promise<ProductionOrderView[]> {
  const components = await listProductionComponents(
    tx,
    orders.map((o) => Number(o.id)),
  );
  return orders.map((mo) => {
    const open = mo.status === 'planned' || mo.status === 'released';
    return {
      id: Number(mo.id),
      number: mo.number,
      sku: mo.sku,
      item_name: mo.item_name,
      unit: mo.unit,
      location: mo.location_code,
      quantity: toQuantity(Number(mo.quantity_milli)),
      completed: toQuantity(Number(mo.completed_milli)),
      scrapped: toQuantity(Number(mo.scrapped_milli)),
      open_quantity: open ? toQuantity(openOf(mo)) : 0,
      status: mo.status,
      release_date: mo.release_date,
      due_date: mo.due_date,
      bom_version: Number(mo.bom_version),
      customer_order: mo.customer_order_number,
      note: mo.note,
      created_by: mo.created_by,
      created_at: iso(mo.created_at)!,
      updated_at: iso(mo.updated_at)!,
      released_at: iso(mo.released_at),
      completed_at: iso(mo.completed_at),
      cancelled_at: iso(mo.cancelled_at),
      components: components
        .filter((c) => Number(c.production_order_id) === Number(mo.id))
        .map((c) => ({
          sku: c.sku,
          item_name: c.item_name,
          unit: c.unit,
          location: c.location_code,
          quantity_per: toQuantity(Number(c.quantity_per_milli)),
          scrap_factor: c.scrap_bp / 10_000,
          required: toQuantity(Number(c.required_milli)),
          allocated: toQuantity(Number(c.allocated_milli)),
          backordered: toQuantity(Number(c.backordered_milli)),
          issued: toQuantity(Number(c.issued_milli)),
        })),
    };
  });
}

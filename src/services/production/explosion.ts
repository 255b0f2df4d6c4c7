import { DomainError, type FieldProblem } from '../../domain/errors.js';
import { componentRequirementMilli } from '../../domain/production/bom.js';
import {
  type ExplosionDemand,
  type ExplosionItem,
  type ExplosionResult,
  explode,
  type PegSupply,
  type PlannedOrder,
} from '../../domain/production/explode.js';
import { formatQuantity, isCountUnit } from '../../domain/quantity.js';
import { DAY_MS, instantToLocal, parseLocalDate } from '../../domain/replenishment/local-time.js';
import type { Database, Tx } from '../../store/database.js';
import { balanceKey } from '../../store/ledger.repository.js';
import { type EffectiveBom, loadEffectiveBomClosure } from '../../store/production/bom.repository.js';
import {
  insertOrderSupplies,
  insertPegs,
  insertProductionComponents,
  insertProductionOrder,
  listOpenProductionOrders,
  listOpenPurchaseSupplies,
  locationCodes,
  type NewPegRow,
  siteTimeZones,
  sumWaitingPegsBySupply,
} from '../../store/production/order.repository.js';
import {
  loadProductionItems,
  loadPurchaseLeadTimes,
  type ProductionItemRef,
} from '../../store/production/production-item.repository.js';
import type { ServiceContext } from '../context.js';
import { ledgerRepository } from '../ledger.service.js';
import { changeOnOrder, type OnOrderChange } from '../purchasing/on-order.js';
import { type ReplenishmentCandidate, replenish, type TriggerOutcome } from '../purchasing/replenish.js';
import { ReservationDeltas } from './pegs.js';

/** A customer order line to explode: what is still to cover, by when. */
export type ExplosionLine = {
  lineId: number;
  lineNo: number;
  /** Its index in the request, for errors (`lines[2].sku`). */
  index: number;
  itemId: number;
  sku: string;
  locationId: number;
  quantityMilli: number;
  needDate: string;
};

/** A supply the explosion created or added to for the order. */
export type CreatedSupply = {
  kind: 'purchase_order_line' | 'production_order';
  /** The purchase order line's or the production order's id. */
  id: number;
  quantityMilli: number;
  itemId: number;
  locationId: number;
  /** A purchase line's order; null for a production order. */
  purchaseOrderId: number | null;
};

export type ExplosionOutcome = {
  created: CreatedSupply[];
  /** Promised date per customer order line id. */
  promisedDates: Map<number, string>;
  triggered: TriggerOutcome[];
};

/** The site-local date of an instant at a location's site. */
export function localDateAt(zones: ReadonlyMap<number, string>, locationId: number, now: number): string {
  return instantToLocal(now, zones.get(locationId) ?? 'UTC').date;
}

/** The later of two dates YYYY-MM-DD (they compare as text). */
export function laterDate(a: string, b: string): string {
  return a < b ? b : a;
}

/** date + days, YYYY-MM-DD (calendar days). */
export function addDays(date: string, days: number): string {
  const day = parseLocalDate(date);
  if (day === undefined) throw new RangeError(`not a date: ${date}`);
  return new Date((day + days) * DAY_MS).toISOString().slice(0, 10);
}

type LocationPlan = {
  locationId: number;
  today: string;
  lines: ExplosionLine[];
  boms: Map<number, EffectiveBom | null>;
};

/**
 * Explodes a customer order's lines (MRP with netting and pegging, see domain/production/explode.ts) and writes what
 * it decided, in the caller's transaction:
 *
 * - the facts: effective BOMs (on the site's date today), balances read under their lock (so two confirmations that
 *   compete for a component are serialised and never both take the same stock), policies (make-to-order items are
 *   never taken from stock), lead times of the first-ranked sources, and open supply not pegged yet (open purchase
 *   lines and planned or released production orders, less their waiting pegs);
 * - planned purchases go through `replenish` as make-to-order needs (supplier choice, MOQ and pack rounding, prices,
 *   the collecting draft); planned production becomes MO-xxxxxx orders with their components; on order rises by what
 *   was added; `order_supplies` records exactly that;
 * - pegs: stock pegs are allocated, the others wait (backordered) for their supply;
 * - the balances' allocated and backordered through `changeReservations`, which re-runs the trigger for stocked
 *   components the allocation took to their reorder point.
 *
 * Problems (an item that must be bought without an active source) refuse the whole confirmation.
 */
export async function explodeCustomerOrder(
  tx: Tx,
  database: Database,
  order: { id: number; number: string },
  lines: readonly ExplosionLine[],
  ctx: ServiceContext,
): Promise<ExplosionOutcome> {
  const outcome: ExplosionOutcome = { created: [], promisedDates: new Map(), triggered: [] };
  const wanted = lines.filter((line) => line.quantityMilli > 0);
  if (wanted.length === 0) return outcome;
  const zones = await siteTimeZones(
    tx,
    wanted.map((line) => line.locationId),
  );
  const plans: LocationPlan[] = [];
  for (const line of wanted) {
    let plan = plans.find((p) => p.locationId === line.locationId);
    if (!plan) {
      plan = {
        locationId: line.locationId,
        today: localDateAt(zones, line.locationId, ctx.now),
        lines: [],
        boms: new Map(),
      };
      plans.push(plan);
    }
    plan.lines.push(line);
  }
  for (const plan of plans) {
    plan.boms = await loadEffectiveBomClosure(
      tx,
      plan.lines.map((line) => line.itemId),
      plan.today,
    );
  }
  // Every balance the explosion reads, locked at once in key order: competing confirmations queue here.
  const pairs = plans.flatMap((plan) =>
    [...plan.boms.keys()].map((itemId) => [itemId, plan.locationId] as [number, number]),
  );
  const repository = ledgerRepository(database);
  const balances = await repository.lockBalances(tx, pairs);
  const policies = await repository.findPolicies(tx, pairs);
  const allItemIds = [...new Set(pairs.map((p) => p[0]))];
  const items = await loadProductionItems(tx, allItemIds);
  const leadTimes = await loadPurchaseLeadTimes(tx, allItemIds);
  const codes = await locationCodes(
    tx,
    plans.map((p) => p.locationId),
  );

  const deltas = new ReservationDeltas();
  for (const plan of plans) {
    const itemIds = [...plan.boms.keys()];
    const explosionItems = new Map<number, ExplosionItem>();
    const supplies = await openSupplyAt(tx, itemIds, plan.locationId, plan.today);
    for (const itemId of itemIds) {
      const item = items.get(itemId)!;
      const bom = plan.boms.get(itemId) ?? null;
      const balance = balances.get(balanceKey(itemId, plan.locationId));
      explosionItems.set(itemId, {
        itemId,
        bom: bom && {
          bomId: bom.bomId,
          leadTimeDays: bom.leadTimeDays,
          lines: bom.lines.map((l) => ({
            componentItemId: l.componentItemId,
            quantityPerMilli: l.quantityPerMilli,
            scrapBp: l.scrapBp,
          })),
        },
        purchaseLeadTimeDays: leadTimes.has(itemId) ? (leadTimes.get(itemId) ?? 0) : null,
        countUnit: isCountUnit(item.unit),
        stocked: policies.get(balanceKey(itemId, plan.locationId))?.kind !== 'make_to_order',
        availableMilli: balance ? Math.max(0, balance.on_hand_milli - balance.allocated_milli) : 0,
        openSupply: supplies.get(itemId) ?? [],
      });
    }
    const demands: ExplosionDemand[] = plan.lines.map((line) => ({
      demandId: line.lineId,
      itemId: line.itemId,
      quantityMilli: line.quantityMilli,
      needDate: line.needDate,
    }));
    const result = explode({ today: plan.today, items: explosionItems, demands });
    throwProblems(result, plan.lines, items);
    const written = await writeExplosion(tx, database, order, plan, result, items, codes, deltas, ctx);
    outcome.created.push(...written.created);
    outcome.triggered.push(...written.triggered);
    for (const promise of result.promises) outcome.promisedDates.set(promise.demandId, promise.promisedDate);
  }
  outcome.triggered.push(...(await deltas.apply(tx, database, ctx)));
  return outcome;
}

/** Open supply of the items at a location not pegged yet, per item, earliest due first. */
async function openSupplyAt(
  tx: Tx,
  itemIds: readonly number[],
  locationId: number,
  today: string,
): Promise<Map<number, ExplosionItem['openSupply']>> {
  const bySupply = new Map<number, ExplosionItem['openSupply']>();
  const push = (itemId: number, supply: ExplosionItem['openSupply'][number]) => {
    if (supply.freeMilli <= 0) return;
    const list = bySupply.get(itemId) ?? [];
    list.push(supply);
    bySupply.set(itemId, list);
  };
  const lines = await listOpenPurchaseSupplies(tx, itemIds, locationId);
  const linePegs = await sumWaitingPegsBySupply(
    tx,
    'purchase_order_line',
    lines.map((l) => Number(l.id)),
  );
  for (const line of lines) {
    const open = Number(line.quantity_milli) - Number(line.received_milli);
    const dueDate =
      line.promised_date ??
      line.expected_date ??
      addDays(today, line.lead_time_days === null ? 0 : Number(line.lead_time_days));
    push(Number(line.item_id), {
      kind: 'purchase_order_line',
      id: Number(line.id),
      dueDate,
      freeMilli: open - (linePegs.get(Number(line.id)) ?? 0),
    });
  }
  const orders = await listOpenProductionOrders(tx, itemIds, locationId);
  const orderPegs = await sumWaitingPegsBySupply(
    tx,
    'production_order',
    orders.map((o) => Number(o.id)),
  );
  for (const mo of orders) {
    const open = Number(mo.quantity_milli) - Number(mo.completed_milli) - Number(mo.scrapped_milli);
    push(Number(mo.item_id), {
      kind: 'production_order',
      id: Number(mo.id),
      dueDate: mo.due_date,
      freeMilli: open - (orderPegs.get(Number(mo.id)) ?? 0),
    });
  }
  for (const list of bySupply.values()) {
    list.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.id - b.id));
  }
  return bySupply;
}

function throwProblems(
  result: ExplosionResult,
  lines: readonly ExplosionLine[],
  items: ReadonlyMap<number, ProductionItemRef>,
): void {
  if (result.problems.length === 0) return;
  const details: FieldProblem[] = result.problems.map((problem) => {
    const line = lines.find((l) => l.lineId === problem.demandId);
    const sku = items.get(problem.itemId)?.sku ?? `item ${problem.itemId}`;
    return {
      field: `lines[${line?.index ?? 0}].sku`,
      message: `${sku} has no BOM and no active source to buy it from, so ${line?.sku ?? 'the line'} cannot be planned`,
      value: line?.sku,
    };
  });
  const first = details[0]!;
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''})` : '';
  throw new DomainError('LS_VALIDATION', `${first.field}: ${first.message}${more}`, details);
}

/** Writes one location's explosion: production orders, purchase lines, on order, order supplies and pegs. */
async function writeExplosion(
  tx: Tx,
  database: Database,
  order: { id: number; number: string },
  plan: LocationPlan,
  result: ExplosionResult,
  items: ReadonlyMap<number, ProductionItemRef>,
  codes: ReadonlyMap<number, string>,
  deltas: ReservationDeltas,
  ctx: ServiceContext,
): Promise<{ created: CreatedSupply[]; triggered: TriggerOutcome[] }> {
  const locationId = plan.locationId;
  const created: CreatedSupply[] = [];
  const planned = new Map<number, { kind: 'purchase_order_line' | 'production_order'; id: number; dueDate: string }>();
  /** Planned production ref → component item id → component row id. */
  const componentRows = new Map<number, Map<number, number>>();
  const onOrder: OnOrderChange[] = [];

  for (const mo of result.plannedOrders.filter((p) => p.kind === 'production')) {
    const bom = plan.boms.get(mo.itemId);
    if (!bom) throw new Error(`explode planned production of item ${mo.itemId} without a BOM`);
    const { id, componentIds } = await insertPlannedProductionOrder(
      tx,
      {
        itemId: mo.itemId,
        locationId,
        bom,
        quantityMilli: mo.quantityMilli,
        releaseDate: mo.releaseDate,
        dueDate: mo.dueDate,
        customerOrderId: order.id,
        note: `for ${order.number}${mo.late ? '; released late: due later than needed' : ''}`,
      },
      items,
      ctx,
    );
    componentRows.set(mo.ref, componentIds);
    planned.set(mo.ref, { kind: 'production_order', id, dueDate: mo.dueDate });
    created.push({
      kind: 'production_order',
      id,
      quantityMilli: mo.quantityMilli,
      itemId: mo.itemId,
      locationId,
      purchaseOrderId: null,
    });
    onOrder.push({ itemId: mo.itemId, locationId, deltaMilli: mo.quantityMilli });
  }

  const purchases = result.plannedOrders.filter((p) => p.kind === 'purchase');
  const triggered: TriggerOutcome[] = [];
  if (purchases.length > 0) {
    const location = codes.get(locationId)!;
    const candidates: ReplenishmentCandidate[] = purchases.map((p) => ({
      itemId: p.itemId,
      locationId,
      sku: items.get(p.itemId)!.sku,
      location,
      policy: { kind: 'make_to_order' },
      positionMilli: 0,
      positionBeforeMilli: 0,
      demandMilli: p.quantityMilli,
    }));
    const drafted = await replenish(tx, candidates, ctx);
    const orderOfLine = await purchaseOrdersOfLines(
      tx,
      drafted.lineIds.filter((id): id is number => id !== null && id !== undefined),
    );
    purchases.forEach((p: PlannedOrder, i) => {
      const lineId = drafted.lineIds[i];
      if (lineId === null || lineId === undefined) {
        const reason = drafted.outcomes.find((o) => o.kind === 'below_reorder_point' && o.sku === candidates[i]!.sku);
        throw new DomainError(
          'LS_VALIDATION',
          `lines: ${candidates[i]!.sku} cannot be bought: ${reason && 'message' in reason ? reason.message : 'no usable source'}`,
          [{ field: 'lines', message: `${candidates[i]!.sku} cannot be bought`, value: candidates[i]!.sku }],
        );
      }
      const added = drafted.onOrderAddedMilli[i]!;
      planned.set(p.ref, { kind: 'purchase_order_line', id: lineId, dueDate: p.dueDate });
      created.push({
        kind: 'purchase_order_line',
        id: lineId,
        quantityMilli: added,
        itemId: p.itemId,
        locationId,
        purchaseOrderId: orderOfLine.get(lineId) ?? null,
      });
      onOrder.push({ itemId: p.itemId, locationId, deltaMilli: added });
    });
    const notes = new Map(purchases.map((p, i) => [drafted.lineIds[i]!, p]));
    for (const [lineId, p] of notes) {
      await tx
        .updateTable('purchase_order_lines')
        .set({
          trigger_note: `make-to-order: ${formatQuantity(p.quantityMilli)} for ${order.number}, needed by ${p.dueDate}`,
        })
        .where('id', '=', lineId)
        .execute();
    }
  }
  await changeOnOrder(tx, database, onOrder, ctx.now);
  await insertOrderSupplies(
    tx,
    created.map((c) => ({
      customer_order_id: order.id,
      kind: c.kind,
      supply_id: c.id,
      item_id: c.itemId,
      location_id: c.locationId,
      purchase_order_id: c.purchaseOrderId,
      quantity_milli: c.quantityMilli,
      created_at: ctx.now,
      cancelled_at: null,
    })),
  );

  const pegs: NewPegRow[] = result.pegs.map((peg) => {
    const supply = pegSupply(peg.supply, planned, plan.today);
    const demand =
      peg.demand.kind === 'customer_order_line'
        ? { demand_kind: 'customer_order_line' as const, demand_id: peg.demand.id }
        : {
            demand_kind: 'production_component' as const,
            demand_id: componentRows.get(peg.demand.plannedRef)!.get(peg.itemId)!,
          };
    return {
      customer_order_id: order.id,
      customer_order_line_id: peg.rootDemandId,
      level: peg.level,
      item_id: peg.itemId,
      location_id: locationId,
      ...demand,
      ...supply,
      quantity_milli: peg.quantityMilli,
      need_date: peg.needDate,
      status: supply.supply_kind === 'stock' ? 'allocated' : 'waiting',
      created_at: ctx.now,
      updated_at: ctx.now,
    };
  });
  await insertPegs(tx, pegs);
  for (const peg of pegs) deltas.add(peg, peg.status, Number(peg.quantity_milli));
  return { created, triggered };
}

function pegSupply(
  supply: PegSupply,
  planned: ReadonlyMap<number, { kind: 'purchase_order_line' | 'production_order'; id: number; dueDate: string }>,
  today: string,
): Pick<NewPegRow, 'supply_kind' | 'supply_id' | 'supply_date'> {
  switch (supply.kind) {
    case 'stock':
      return { supply_kind: 'stock', supply_id: null, supply_date: today };
    case 'planned': {
      const made = planned.get(supply.ref)!;
      return { supply_kind: made.kind, supply_id: made.id, supply_date: made.dueDate };
    }
    default:
      return { supply_kind: supply.kind, supply_id: supply.id, supply_date: supply.dueDate };
  }
}

/** One component row per component item: the requirements of its BOM lines (with scrap) summed. */
/**
 * Writes a planned production order of `quantityMilli` and its component rows (the BOM's lines for that quantity,
 * with scrap); answers its id and the component row id of each component item.
 */
export async function insertPlannedProductionOrder(
  tx: Tx,
  order: {
    itemId: number;
    locationId: number;
    bom: EffectiveBom;
    quantityMilli: number;
    releaseDate: string;
    dueDate: string;
    customerOrderId: number | null;
    note: string | null;
  },
  items: ReadonlyMap<number, Pick<ProductionItemRef, 'unit'>>,
  ctx: ServiceContext,
): Promise<{ id: number; componentIds: Map<number, number> }> {
  const id = await insertProductionOrder(
    tx,
    {
      item_id: order.itemId,
      location_id: order.locationId,
      bom_id: order.bom.bomId,
      quantity_milli: order.quantityMilli,
      completed_milli: 0,
      scrapped_milli: 0,
      status: 'planned',
      release_date: order.releaseDate,
      due_date: order.dueDate,
      customer_order_id: order.customerOrderId,
      note: order.note,
      created_by: ctx.actor,
      created_at: ctx.now,
      updated_at: ctx.now,
      released_at: null,
      completed_at: null,
      cancelled_at: null,
    },
    productionNumber,
  );
  const components = componentsFor(order.bom, order.quantityMilli, items);
  const ids = await insertProductionComponents(
    tx,
    components.map((c) => ({
      production_order_id: id,
      item_id: c.itemId,
      location_id: order.locationId,
      quantity_per_milli: c.quantityPerMilli,
      scrap_bp: c.scrapBp,
      required_milli: c.requiredMilli,
      allocated_milli: 0,
      backordered_milli: 0,
      issued_milli: 0,
    })),
  );
  return { id, componentIds: new Map(components.map((c, i) => [c.itemId, ids[i]!])) };
}

export function componentsFor(
  bom: EffectiveBom,
  quantityMilli: number,
  items: ReadonlyMap<number, Pick<ProductionItemRef, 'unit'>>,
): Array<{ itemId: number; quantityPerMilli: number; scrapBp: number; requiredMilli: number }> {
  const byItem = new Map<
    number,
    { itemId: number; quantityPerMilli: number; scrapBp: number; requiredMilli: number }
  >();
  for (const line of bom.lines) {
    const unit = items.get(line.componentItemId)?.unit ?? line.unit;
    const required = componentRequirementMilli(quantityMilli, line.quantityPerMilli, line.scrapBp, isCountUnit(unit));
    const row = byItem.get(line.componentItemId);
    if (row) {
      row.quantityPerMilli += line.quantityPerMilli;
      row.requiredMilli += required;
    } else {
      byItem.set(line.componentItemId, {
        itemId: line.componentItemId,
        quantityPerMilli: line.quantityPerMilli,
        scrapBp: line.scrapBp,
        requiredMilli: required,
      });
    }
  }
  return [...byItem.values()];
}

export function productionNumber(id: number): string {
  return `MO-${String(id).padStart(6, '0')}`;
}

async function purchaseOrdersOfLines(tx: Tx, lineIds: readonly number[]): Promise<Map<number, number>> {
  if (lineIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('purchase_order_lines')
    .select(['id', 'purchase_order_id'])
    .where('id', 'in', [...new Set(lineIds)])
    .execute();
  return new Map(rows.map((r) => [Number(r.id), Number(r.purchase_order_id)]));
}

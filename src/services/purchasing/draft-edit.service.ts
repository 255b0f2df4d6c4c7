import { sql } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import { parseQuantity } from '../../domain/quantity.js';
import { unitPriceAt } from '../../domain/replenishment/order-sizing.js';
import { decodePriceBreaks } from '../../store/catalogue/supplier-item.repository.js';
import type { Database, Tx } from '../../store/database.js';
import { appendEvents } from '../../store/outbox.repository.js';
import {
  collectingDraftRow,
  findLine,
  insertLine,
  type PurchaseOrderLineRow,
} from '../../store/purchasing.repository.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { requireItemRow } from '../item.service.js';
import { requireLocationRow } from '../location.service.js';
import { requireSupplierRow } from '../supplier.service.js';
import { changeOnOrder } from './on-order.js';
import { type PurchaseOrderView, requireOrder, requireView } from './purchase-order.service.js';
import { purchaseOrderNumber } from './replenish.js';

/**
 * Adds a line to a draft by hand (origin `manual`): the item must be bought from the order's supplier.
 * The quantity is taken as given (a person decided it) and counts on order at once; an existing line for
 * the same item and location grows by it.
 */
export async function addDraftLine(
  database: Database,
  id: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PurchaseOrderView> {
  const body = objectOf(raw, ['sku', 'location', 'quantity']);
  const quantity = parseQuantity(body['quantity'], 'quantity', 'positive');
  if (!quantity.ok) throw new DomainError('LS_VALIDATION', `quantity: ${quantity.problem.message}`, [quantity.problem]);
  return idempotentWrite(database, ctx, `POST /purchase-orders/${id}/lines`, body, async (tx) => {
    const order = await requireOrder(tx, database, id, 'edit');
    const item = await requireItemRow(tx, stringField(body, 'sku'));
    const place = await requireLocationRow(tx, stringField(body, 'location'), 'location');
    const source = await requireSource(tx, item.id, order.supplier_code, 'sku');
    await changeOnOrder(tx, database, [{ itemId: item.id, locationId: place.id, deltaMilli: quantity.milli }], ctx.now);
    const existing = await findLine(tx, id, item.id, place.id);
    const price = priceOf(source, (existing ? Number(existing.quantity_milli) : 0) + quantity.milli);
    if (existing) {
      await tx
        .updateTable('purchase_order_lines')
        .set({
          quantity_milli: Number(existing.quantity_milli) + quantity.milli,
          unit_price_minor: price,
          price_rule: 'edited',
          price_note: `raised by hand by ${ctx.actor}`,
          updated_at: ctx.now,
        })
        .where('id', '=', existing.id)
        .execute();
    } else {
      await insertLine(tx, {
        purchase_order_id: id,
        item_id: item.id,
        location_id: place.id,
        supplier_item_id: source.id,
        quantity_milli: quantity.milli,
        unit_price_minor: price,
        currency: source.currency,
        price_rule: price === null ? 'no_price' : 'list_price',
        price_note: `added by hand by ${ctx.actor}`,
        origin: 'manual',
        trigger_note: null,
        lead_time_days: source.lead_time_days,
        created_at: ctx.now,
        updated_at: ctx.now,
      });
    }
    await touch(tx, id, ctx.now);
    return requireView(tx, id);
  });
}

/**
 * Moves a draft line to another supplier: onto that supplier's collecting draft (opened if none), priced
 * from its source. The quantity, and so the inventory position, does not change.
 */
export async function moveDraftLine(
  database: Database,
  id: number,
  lineId: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PurchaseOrderView> {
  const body = objectOf(raw, ['supplier']);
  const code = stringField(body, 'supplier');
  return idempotentWrite(database, ctx, `POST /purchase-orders/${id}/lines/${lineId}/move`, body, async (tx) => {
    const order = await requireOrder(tx, database, id, 'edit');
    const line = await requireLine(tx, id, lineId);
    const supplier = await requireSupplierRow(tx, code, 'supplier');
    if (supplier.code === order.supplier_code) {
      throw new DomainError('LS_VALIDATION', `supplier: the line is already on ${order.supplier_code}'s order`, [
        { field: 'supplier', message: 'is already the supplier of this order', value: code },
      ]);
    }
    if (supplier.active !== 1) {
      throw new DomainError('LS_INACTIVE', `supplier: "${code}" is deactivated`, [
        { field: 'supplier', message: 'is deactivated', value: code },
      ]);
    }
    const source = await requireSource(tx, Number(line.item_id), supplier.code, 'supplier');
    const target = await collectingDraftOf(tx, database, supplier, ctx);
    await moveLineInto(tx, line, Number(target), ctx.now, source);
    await touch(tx, id, ctx.now);
    await appendEvents(
      tx,
      [
        {
          type: 'purchase_order.line_moved',
          subject: purchaseOrderNumber(id),
          payload: { from: purchaseOrderNumber(id), to: purchaseOrderNumber(Number(target)), supplier: supplier.code },
        },
      ],
      ctx.now,
    );
    return requireView(tx, Number(target));
  });
}

/** Moves the chosen lines of a draft onto a new draft of the same supplier (it does not collect triggered lines). */
export async function splitDraft(
  database: Database,
  id: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PurchaseOrderView> {
  const body = objectOf(raw, ['line_ids']);
  const lineIds = body['line_ids'];
  if (!Array.isArray(lineIds) || lineIds.length === 0 || !lineIds.every((v) => Number.isInteger(v) && v > 0)) {
    throw new DomainError('LS_VALIDATION', 'line_ids: must be a non-empty array of line ids', [
      { field: 'line_ids', message: 'must be a non-empty array of line ids', value: lineIds },
    ]);
  }
  return idempotentWrite(database, ctx, `POST /purchase-orders/${id}/split`, body, async (tx) => {
    const order = await requireOrder(tx, database, id, 'edit');
    const lines = await tx.selectFrom('purchase_order_lines').selectAll().where('purchase_order_id', '=', id).execute();
    const chosen = lines.filter((l) => (lineIds as number[]).includes(Number(l.id)));
    const unknown = (lineIds as number[]).filter((lid) => !lines.some((l) => Number(l.id) === lid));
    if (unknown.length > 0) {
      throw new DomainError('LS_VALIDATION', `line_ids: ${unknown.join(', ')} not on ${purchaseOrderNumber(id)}`, [
        { field: 'line_ids', message: `not lines of ${purchaseOrderNumber(id)}`, value: unknown },
      ]);
    }
    if (chosen.length === lines.length) {
      throw new DomainError('LS_VALIDATION', 'line_ids: leave at least one line on the order', [
        { field: 'line_ids', message: 'names every line; leave at least one on the order', value: lineIds },
      ]);
    }
    const created = await tx
      .insertInto('purchase_orders')
      .values({
        ...collectingDraftRow({
          supplierId: (await requireSupplierRow(tx, order.supplier_code)).id,
          currency: order.currency,
          actor: ctx.actor,
          now: ctx.now,
        }),
        collecting: 0,
        note: `split from ${purchaseOrderNumber(id)}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const target = Number(created.id);
    await tx
      .updateTable('purchase_order_lines')
      .set({ purchase_order_id: target, updated_at: ctx.now })
      .where(
        'id',
        'in',
        chosen.map((l) => l.id),
      )
      .execute();
    await touch(tx, id, ctx.now);
    return requireView(tx, target);
  });
}

/**
 * Merges another draft of the same supplier into this one: its lines move here (summed with lines of
 * the same item and location) and it ends cancelled as "merged into". On order does not change.
 */
export async function mergeDrafts(
  database: Database,
  id: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<PurchaseOrderView> {
  const body = objectOf(raw, ['from']);
  const from = body['from'];
  if (!Number.isInteger(from) || (from as number) < 1 || from === id) {
    throw new DomainError('LS_VALIDATION', 'from: must be the id of another draft of the same supplier', [
      { field: 'from', message: 'must be the id of another draft of the same supplier', value: from },
    ]);
  }
  return idempotentWrite(database, ctx, `POST /purchase-orders/${id}/merge`, body, async (tx) => {
    const into = await requireOrder(tx, database, id, 'edit');
    const other = await requireOrder(tx, database, from as number, 'edit');
    if (other.supplier_code !== into.supplier_code) {
      throw new DomainError(
        'LS_VALIDATION',
        `from: ${purchaseOrderNumber(other.id)} is for ${other.supplier_code}, not ${into.supplier_code}`,
        [{ field: 'from', message: `is an order of ${other.supplier_code}, not ${into.supplier_code}`, value: from }],
      );
    }
    const lines = await tx
      .selectFrom('purchase_order_lines')
      .selectAll()
      .where('purchase_order_id', '=', other.id)
      .execute();
    for (const line of lines) await moveLineInto(tx, line, id, ctx.now);
    await tx
      .updateTable('purchase_orders')
      .set({
        status: 'cancelled',
        collecting: 0,
        cancelled_at: ctx.now,
        cancel_reason: `merged into ${purchaseOrderNumber(id)}`,
        updated_at: ctx.now,
      })
      .where('id', '=', other.id)
      .execute();
    // The collecting role passes on, so triggered lines keep landing on one draft.
    if (other.collecting === 1 && into.collecting !== 1) {
      await tx.updateTable('purchase_orders').set({ collecting: 1 }).where('id', '=', id).execute();
    }
    await touch(tx, id, ctx.now);
    return requireView(tx, id);
  });
}

/**
 * The supplier's collecting draft, opened if none. On PostgreSQL it is read FOR UPDATE (a racing send
 * waits, or we see it no longer collects), and a draft opened by another process at the same moment
 * makes our insert do nothing (the partial unique index), so we read theirs.
 */
async function collectingDraftOf(
  tx: Tx,
  database: Database,
  supplier: { id: number; currency: string },
  ctx: ServiceContext,
): Promise<number> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const select = tx
      .selectFrom('purchase_orders')
      .select('id')
      .where('supplier_id', '=', supplier.id)
      .where('collecting', '=', 1);
    const found = await (database.dialect === 'postgres' ? select.forUpdate() : select).executeTakeFirst();
    if (found) return Number(found.id);
    const inserted = await tx
      .insertInto('purchase_orders')
      .values(
        collectingDraftRow({ supplierId: supplier.id, currency: supplier.currency, actor: ctx.actor, now: ctx.now }),
      )
      .onConflict((oc) => oc.column('supplier_id').where(sql<boolean>`collecting = 1`).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return Number(inserted.id);
  }
  throw new Error('no collecting draft after three attempts');
}

type SourceRef = {
  id: number;
  currency: string;
  unit_price_minor: number | null;
  price_breaks: string;
  lead_time_days: number | null;
};

async function requireSource(tx: Tx, itemId: number, supplierCode: string, field: string): Promise<SourceRef> {
  const source = await tx
    .selectFrom('supplier_items as si')
    .innerJoin('suppliers as s', 's.id', 'si.supplier_id')
    .select(['si.id', 'si.currency', 'si.unit_price_minor', 'si.price_breaks', 'si.lead_time_days', 'si.active'])
    .where('si.item_id', '=', itemId)
    .where('s.code', '=', supplierCode)
    .executeTakeFirst();
  if (source?.active !== 1) {
    throw new DomainError(
      'LS_UNKNOWN_SUPPLIER_ITEM',
      `${field}: the item is not bought from ${supplierCode}${source ? ' (its source is deactivated)' : ''}`,
      [{ field, message: `is not an active source of ${supplierCode}` }],
    );
  }
  return { ...source, id: Number(source.id) };
}

function priceOf(source: SourceRef, quantityMilli: number): number | null {
  const pricing = {
    unitPriceMinor: source.unit_price_minor === null ? null : Number(source.unit_price_minor),
    priceBreaks: decodePriceBreaks(source.price_breaks),
  };
  return unitPriceAt(quantityMilli, pricing).unitPriceMinor;
}

/** Moves a line onto another order, adding it to that order's line of the same item and location if any. */
async function moveLineInto(
  tx: Tx,
  line: PurchaseOrderLineRow,
  targetId: number,
  now: number,
  source?: SourceRef,
): Promise<void> {
  const existing = await findLine(tx, targetId, Number(line.item_id), Number(line.location_id));
  const repriced = source
    ? {
        supplier_item_id: source.id,
        currency: source.currency,
        unit_price_minor: priceOf(source, Number(line.quantity_milli) + Number(existing?.quantity_milli ?? 0)),
        price_rule: 'edited',
        price_note: 'moved to this supplier by hand',
        lead_time_days: source.lead_time_days,
      }
    : {};
  if (existing) {
    await tx
      .updateTable('purchase_order_lines')
      .set({
        quantity_milli: Number(existing.quantity_milli) + Number(line.quantity_milli),
        ...repriced,
        updated_at: now,
      })
      .where('id', '=', existing.id)
      .execute();
    await tx
      .updateTable('kanban_cards')
      .set({ purchase_order_line_id: existing.id, updated_at: now })
      .where('purchase_order_line_id', '=', line.id)
      .execute();
    await tx.deleteFrom('purchase_order_lines').where('id', '=', line.id).execute();
    return;
  }
  await tx
    .updateTable('purchase_order_lines')
    .set({ purchase_order_id: targetId, ...repriced, updated_at: now })
    .where('id', '=', line.id)
    .execute();
}

async function requireLine(tx: Tx, orderId: number, lineId: number): Promise<PurchaseOrderLineRow> {
  const line = await tx
    .selectFrom('purchase_order_lines')
    .selectAll()
    .where('id', '=', lineId)
    .where('purchase_order_id', '=', orderId)
    .executeTakeFirst();
  if (!line) {
    throw new DomainError('LS_NOT_FOUND', `line_id: ${purchaseOrderNumber(orderId)} has no line ${lineId}`, [
      { field: 'line_id', message: 'no such line on this order', value: lineId },
    ]);
  }
  return line;
}

async function touch(tx: Tx, id: number, now: number): Promise<void> {
  await tx.updateTable('purchase_orders').set({ updated_at: now }).where('id', '=', id).execute();
}

function objectOf(raw: unknown, fields: string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DomainError('LS_VALIDATION', `body: must be a JSON object with ${fields.join(', ')}`, [
      { field: 'body', message: `must be a JSON object with ${fields.join(', ')}` },
    ]);
  }
  const body = raw as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!fields.includes(key)) {
      throw new DomainError('LS_VALIDATION', `${key}: is not a field here; expected ${fields.join(', ')}`, [
        { field: key, message: `is not a field here; expected ${fields.join(', ')}` },
      ]);
    }
  }
  return body;
}

function stringField(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new DomainError('LS_VALIDATION', `${field}: is required`, [{ field, message: 'is required', value }]);
  }
  return value;
}

import { valueOrThrow } from '../domain/catalogue/field-readers.js';
import {
  applySupplierItemPatch,
  effectiveLeadTimeDays,
  isSameSupplierItem,
  parseSupplierItemInput,
  type SupplierItem,
} from '../domain/catalogue/supplier-item.js';
import { DomainError } from '../domain/errors.js';
import { DEFAULT_CURRENCY, toMoney } from '../domain/money.js';
import { toQuantity } from '../domain/quantity.js';
import { findSupplierRow, type SupplierRow } from '../store/catalogue/supplier.repository.js';
import {
  decodePriceBreaks,
  encodePriceBreaks,
  findItemRef,
  findSupplierItemRecord,
  insertSupplierItemRow,
  listItemsOfSupplier,
  listSourcesOfItem,
  type SupplierItemRecord,
  updateSupplierItemRow,
} from '../store/catalogue/supplier-item.repository.js';
import { type Database, readTransaction, type Tx } from '../store/database.js';
import { type AuditAction, recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { idempotentWrite } from './idempotent-write.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from './pagination.js';
import { requireSupplierRow, unknownSupplier } from './supplier.service.js';
import { isUniqueViolation } from './unique-violation.js';

/** A supplier item as the API and the CLI show it: quantities and money as JSON numbers in the item's unit and major units. */
export type SupplierItemView = {
  sku: string;
  supplier: string;
  supplier_sku: string | null;
  unit_price: number | null;
  currency: string;
  price_breaks: Array<{ min_quantity: number; unit_price: number }>;
  lead_time_days: number | null;
  /** This source's lead time, else the supplier's; null when neither is known. */
  effective_lead_time_days: number | null;
  moq: number | null;
  pack_size: number | null;
  rank: number;
  active: boolean;
  created_at: string;
  updated_at: string;
};

export type SupplierItemQuery = { active?: boolean; cursor?: string; limit?: number };

const ENTITY = 'supplier_item';

/**
 * Adds a source to an item: the item can be bought from `raw.supplier`. The currency defaults to
 * the supplier's. The same item × supplier twice is LS_DUPLICATE.
 */
export async function addSupplierItem(
  database: Database,
  sku: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<SupplierItemView> {
  return idempotentWrite(database, ctx, `POST /items/${sku}/sources`, raw, async (tx) => {
    const item = await requireItem(tx, sku);
    const code = (raw as { supplier?: unknown } | null)?.supplier;
    const supplier = typeof code === 'string' ? await findSupplierRow(tx, code) : undefined;
    const parsed = valueOrThrow(
      parseSupplierItemInput(raw, 'create', { sku, currency: supplier?.currency ?? DEFAULT_CURRENCY }),
    );
    if (!supplier) throw unknownSupplier(parsed.supplier);
    return toSupplierItemView(await insertSupplierItemWithin(tx, item.id, supplier, parsed, ctx));
  });
}

export async function getSupplierItem(database: Database, sku: string, supplier: string): Promise<SupplierItemView> {
  return readTransaction(database, async (tx) => toSupplierItemView(await requireSupplierItem(tx, sku, supplier)));
}

/** The sources of an item, preferred first (rank 1 first, then by supplier code). */
export async function listItemSources(
  database: Database,
  sku: string,
  query: SupplierItemQuery = {},
): Promise<Page<SupplierItemView>> {
  const limit = checkPageLimit(query.limit);
  const after = query.cursor === undefined ? undefined : decodeSourceCursor(query.cursor);
  const rows = await readTransaction(database, async (tx) => {
    const item = await requireItem(tx, sku);
    return listSourcesOfItem(tx, item.id, {
      ...(query.active !== undefined && { active: query.active }),
      ...(after !== undefined && { after }),
      limit: limit + 1,
    });
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toSupplierItemView),
    next_cursor: rows.length > limit && last ? encodeCursor([last.rank, last.supplier_code]) : null,
  };
}

/** The items a supplier sells, by SKU. */
export async function listSupplierItems(
  database: Database,
  supplierCode: string,
  query: SupplierItemQuery = {},
): Promise<Page<SupplierItemView>> {
  const limit = checkPageLimit(query.limit);
  const afterSku = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, async (tx) => {
    const supplier = await requireSupplierRow(tx, supplierCode, 'code');
    return listItemsOfSupplier(tx, supplier.id, {
      ...(query.active !== undefined && { active: query.active }),
      ...(afterSku !== undefined && { afterSku }),
      limit: limit + 1,
    });
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toSupplierItemView),
    next_cursor: rows.length > limit && last ? encodeCursor([last.sku]) : null,
  };
}

/** Changes only the given fields of a source (PATCH); an update that changes nothing writes nothing. */
export async function updateSupplierItem(
  database: Database,
  sku: string,
  supplier: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<SupplierItemView> {
  return idempotentWrite(database, ctx, `PATCH /items/${sku}/sources/${supplier}`, raw, async (tx) => {
    const record = await requireSupplierItem(tx, sku, supplier);
    const current = supplierItemFromRecord(record);
    const next = applySupplierItemPatch(current, valueOrThrow(parseSupplierItemInput(raw, 'update', current)));
    return toSupplierItemView(await changeSupplierItemWithin(tx, record, next, ctx, 'update'));
  });
}

/** Deactivates a source: it stays on record, but planning no longer buys the item there. */
export async function deactivateSupplierItem(
  database: Database,
  sku: string,
  supplier: string,
  ctx: ServiceContext,
): Promise<SupplierItemView> {
  return setSupplierItemActive(database, sku, supplier, false, ctx);
}

export async function activateSupplierItem(
  database: Database,
  sku: string,
  supplier: string,
  ctx: ServiceContext,
): Promise<SupplierItemView> {
  return setSupplierItemActive(database, sku, supplier, true, ctx);
}

async function setSupplierItemActive(
  database: Database,
  sku: string,
  supplier: string,
  active: boolean,
  ctx: ServiceContext,
): Promise<SupplierItemView> {
  const action = active ? 'activate' : 'deactivate';
  return idempotentWrite(database, ctx, `POST /items/${sku}/sources/${supplier}/${action}`, null, async (tx) => {
    const record = await requireSupplierItem(tx, sku, supplier);
    const next = { ...supplierItemFromRecord(record), active };
    return toSupplierItemView(await changeSupplierItemWithin(tx, record, next, ctx, action));
  });
}

/** Inserts a validated supplier item in the caller's transaction and audits it. */
export async function insertSupplierItemWithin(
  tx: Tx,
  itemId: number,
  supplier: SupplierRow,
  supplierItem: SupplierItem,
  ctx: ServiceContext,
): Promise<SupplierItemRecord> {
  if (await findSupplierItemRecord(tx, itemId, supplier.id)) throw duplicateSource(supplierItem);
  const values = {
    item_id: itemId,
    supplier_id: supplier.id,
    ...rowValuesOf(supplierItem),
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  let id: number;
  try {
    id = await insertSupplierItemRow(tx, values);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateSource(supplierItem);
    throw error;
  }
  const record: SupplierItemRecord = {
    id,
    ...values,
    sku: supplierItem.sku,
    supplier_code: supplier.code,
    supplier_lead_time_days: supplier.lead_time_days,
  };
  await recordAudit(tx, ctx, {
    entity: ENTITY,
    entityKey: auditKey(record),
    action: 'create',
    before: null,
    after: toSupplierItemView(record),
  });
  return record;
}

/** Stores `next` over `record` in the caller's transaction and audits it; an unchanged source is left alone. */
export async function changeSupplierItemWithin(
  tx: Tx,
  record: SupplierItemRecord,
  next: SupplierItem,
  ctx: ServiceContext,
  action: AuditAction,
): Promise<SupplierItemRecord> {
  if (isSameSupplierItem(supplierItemFromRecord(record), next)) return record;
  const change = { ...rowValuesOf(next), updated_at: ctx.now };
  await updateSupplierItemRow(tx, record.id, change);
  const updated = { ...record, ...change };
  await recordAudit(tx, ctx, {
    entity: ENTITY,
    entityKey: auditKey(record),
    action,
    before: toSupplierItemView(record),
    after: toSupplierItemView(updated),
  });
  return updated;
}

export function supplierItemFromRecord(record: SupplierItemRecord): SupplierItem {
  return {
    sku: record.sku,
    supplier: record.supplier_code,
    supplierSku: record.supplier_sku,
    unitPriceMinor: record.unit_price_minor === null ? null : Number(record.unit_price_minor),
    currency: record.currency,
    priceBreaks: decodePriceBreaks(record.price_breaks),
    leadTimeDays: record.lead_time_days,
    moqMilli: record.moq_milli === null ? null : Number(record.moq_milli),
    packSizeMilli: record.pack_size_milli === null ? null : Number(record.pack_size_milli),
    rank: record.rank,
    active: record.active === 1,
  };
}

export function toSupplierItemView(record: SupplierItemRecord): SupplierItemView {
  const source = supplierItemFromRecord(record);
  return {
    sku: source.sku,
    supplier: source.supplier,
    supplier_sku: source.supplierSku,
    unit_price: source.unitPriceMinor === null ? null : toMoney(source.unitPriceMinor, source.currency),
    currency: source.currency,
    price_breaks: source.priceBreaks.map((b) => ({
      min_quantity: toQuantity(b.minQuantityMilli),
      unit_price: toMoney(b.unitPriceMinor, source.currency),
    })),
    lead_time_days: source.leadTimeDays,
    effective_lead_time_days: effectiveLeadTimeDays(source, { leadTimeDays: record.supplier_lead_time_days }),
    moq: source.moqMilli === null ? null : toQuantity(source.moqMilli),
    pack_size: source.packSizeMilli === null ? null : toQuantity(source.packSizeMilli),
    rank: source.rank,
    active: source.active,
    created_at: new Date(Number(record.created_at)).toISOString(),
    updated_at: new Date(Number(record.updated_at)).toISOString(),
  };
}

async function requireItem(tx: Tx, sku: string): Promise<{ id: number; sku: string }> {
  const item = await findItemRef(tx, sku);
  if (!item) {
    throw new DomainError('LS_UNKNOWN_ITEM', `sku: unknown SKU "${sku}"`, [
      { field: 'sku', message: 'unknown SKU', value: sku },
    ]);
  }
  return item;
}

async function requireSupplierItem(tx: Tx, sku: string, supplierCode: string): Promise<SupplierItemRecord> {
  const item = await requireItem(tx, sku);
  const supplier = await requireSupplierRow(tx, supplierCode);
  const record = await findSupplierItemRecord(tx, item.id, supplier.id);
  if (!record) {
    throw new DomainError(
      'LS_UNKNOWN_SUPPLIER_ITEM',
      `supplier: item "${sku}" has no source from supplier "${supplierCode}"`,
      [{ field: 'supplier', message: `is not a source of item "${sku}"`, value: supplierCode }],
    );
  }
  return record;
}

function decodeSourceCursor(cursor: string): { rank: number; supplier: string } {
  const [rank, supplier] = decodeCursor(cursor, 2, 'cursor');
  if (typeof rank === 'number' && Number.isInteger(rank) && typeof supplier === 'string') return { rank, supplier };
  throw new DomainError('LS_VALIDATION', 'cursor: is not a cursor this list returned', [
    { field: 'cursor', message: 'is not a cursor this list returned', value: cursor },
  ]);
}

function rowValuesOf(source: SupplierItem) {
  return {
    supplier_sku: source.supplierSku,
    unit_price_minor: source.unitPriceMinor,
    currency: source.currency,
    price_breaks: encodePriceBreaks(source.priceBreaks),
    lead_time_days: source.leadTimeDays,
    moq_milli: source.moqMilli,
    pack_size_milli: source.packSizeMilli,
    rank: source.rank,
    active: source.active ? (1 as const) : (0 as const),
  };
}

function auditKey(record: { sku: string; supplier_code: string }): string {
  return `${record.sku}/${record.supplier_code}`;
}

function duplicateSource(source: SupplierItem): DomainError {
  return new DomainError(
    'LS_DUPLICATE',
    `supplier: item "${source.sku}" already has a source from "${source.supplier}"`,
    [{ field: 'supplier', message: `is already a source of item "${source.sku}"`, value: source.supplier }],
  );
}

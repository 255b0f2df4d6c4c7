import { valueOrThrow } from '../domain/catalogue/field-readers.js';
import { applyItemPatch, type Criticality, type Item, isSameItem, parseItemInput } from '../domain/catalogue/item.js';
import { DomainError } from '../domain/errors.js';
import { toMoney } from '../domain/money.js';
import {
  findItemRow,
  type ItemRow,
  type ItemStockStatus,
  insertItemRow,
  listItemRows,
  updateItemRow,
} from '../store/catalogue/item.repository.js';
import { type Database, readTransaction, type Tx } from '../store/database.js';
import { type AuditAction, type AuditEntry, listAudit, recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { idempotentWrite } from './idempotent-write.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from './pagination.js';
import { isUniqueViolation } from './unique-violation.js';

/** An item as the API and the CLI show it: snake_case, money in major units, instants as ISO strings. */
export type ItemView = {
  sku: string;
  name: string;
  unit: string;
  category: string | null;
  unit_cost: number | null;
  currency: string;
  shelf_life_days: number | null;
  criticality: Criticality;
  allow_negative: boolean;
  active: boolean;
  created_at: string;
  updated_at: string;
};

/**
 * `below_reorder_point`: active items with a policy whose reorder point s (`reorder_point`, or `manual`
 * with one) is reached at some location: inventory position (on hand + on order − allocated) ≤ s.
 */
export const ITEM_STATUSES = ['below_reorder_point', 'stock_out', 'in_stock', 'inactive'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export type ItemQuery = {
  q?: string;
  category?: string;
  active?: boolean;
  status?: string;
  cursor?: string;
  limit?: number;
};

const ENTITY = 'item';

/** Creates an item; a second item with the same SKU is LS_DUPLICATE. */
export async function createItem(database: Database, raw: unknown, ctx: ServiceContext): Promise<ItemView> {
  const item = valueOrThrow(parseItemInput(raw, 'create'));
  return idempotentWrite(database, ctx, 'POST /items', raw, async (tx) =>
    toItemView(await insertItemWithin(tx, item, ctx)),
  );
}

export async function getItem(database: Database, sku: string): Promise<ItemView> {
  return toItemView(await requireItemRow(database.db, sku));
}

/** Items by SKU, a page at a time, filtered by text, category, active flag or stock status. */
export async function listItems(database: Database, query: ItemQuery): Promise<Page<ItemView>> {
  const limit = checkPageLimit(query.limit);
  const status = checkStatus(query.status);
  const afterSku = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, (tx) =>
    listItemRows(tx, {
      ...(query.q !== undefined && { q: query.q }),
      ...(query.category !== undefined && { category: query.category }),
      ...(query.active !== undefined && { active: query.active }),
      ...(status !== undefined && { status: status as ItemStockStatus }),
      ...(afterSku !== undefined && { afterSku }),
      limit: limit + 1,
    }),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(toItemView), next_cursor: rows.length > limit && last ? encodeCursor([last.sku]) : null };
}

/** Changes only the given fields (PATCH); an update that changes nothing writes nothing. */
export async function updateItem(
  database: Database,
  sku: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<ItemView> {
  return idempotentWrite(database, ctx, `PATCH /items/${sku}`, raw, async (tx) => {
    const row = await requireItemRow(tx, sku);
    const current = itemFromRow(row);
    const next = applyItemPatch(current, valueOrThrow(parseItemInput(raw, 'update', current)));
    return toItemView(await changeItemWithin(tx, row, next, ctx, 'update'));
  });
}

/** Deactivates an item: it stays in the ledger and the reports, but no new movement may use it. */
export async function deactivateItem(database: Database, sku: string, ctx: ServiceContext): Promise<ItemView> {
  return setItemActive(database, sku, false, ctx);
}

export async function activateItem(database: Database, sku: string, ctx: ServiceContext): Promise<ItemView> {
  return setItemActive(database, sku, true, ctx);
}

/** The audit trail of one item, newest first. */
export async function listItemAudit(database: Database, sku: string, limit?: number): Promise<AuditEntry[]> {
  return readTransaction(database, async (tx) => {
    await requireItemRow(tx, sku);
    return listAudit(tx, { entity: ENTITY, entityKey: sku, limit: checkPageLimit(limit) });
  });
}

async function setItemActive(database: Database, sku: string, active: boolean, ctx: ServiceContext) {
  const action = active ? 'activate' : 'deactivate';
  return idempotentWrite(database, ctx, `POST /items/${sku}/${action}`, null, async (tx) => {
    const row = await requireItemRow(tx, sku);
    return toItemView(await changeItemWithin(tx, row, { ...itemFromRow(row), active }, ctx, action));
  });
}

/** Inserts a validated item in the caller's transaction and audits it. */
export async function insertItemWithin(tx: Tx, item: Item, ctx: ServiceContext): Promise<ItemRow> {
  if (await findItemRow(tx, item.sku)) throw duplicateSku(item.sku);
  const values = { ...rowValuesOf(item), created_at: ctx.now, updated_at: ctx.now };
  let id: number;
  try {
    id = await insertItemRow(tx, values);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateSku(item.sku);
    throw error;
  }
  const row = { id, ...values };
  await recordAudit(tx, ctx, {
    entity: ENTITY,
    entityKey: item.sku,
    action: 'create',
    before: null,
    after: toItemView(row),
  });
  return row;
}

/** Stores `next` over `row` in the caller's transaction and audits it; unchanged items are left alone. */
export async function changeItemWithin(
  tx: Tx,
  row: ItemRow,
  next: Item,
  ctx: ServiceContext,
  action: AuditAction,
): Promise<ItemRow> {
  if (isSameItem(itemFromRow(row), next)) return row;
  const change = { ...rowValuesOf(next), updated_at: ctx.now };
  await updateItemRow(tx, row.id, change);
  const updated = { ...row, ...change };
  await recordAudit(tx, ctx, {
    entity: ENTITY,
    entityKey: row.sku,
    action,
    before: toItemView(row),
    after: toItemView(updated),
  });
  return updated;
}

export async function requireItemRow(tx: Tx, sku: string): Promise<ItemRow> {
  const row = await findItemRow(tx, sku);
  if (!row) {
    throw new DomainError('LS_UNKNOWN_ITEM', `sku: unknown SKU "${sku}"`, [
      { field: 'sku', message: 'unknown SKU', value: sku },
    ]);
  }
  return row;
}

export function itemFromRow(row: ItemRow): Item {
  return {
    sku: row.sku,
    name: row.name,
    unit: row.unit,
    category: row.category,
    unitCostMinor: row.unit_cost_minor === null ? null : Number(row.unit_cost_minor),
    currency: row.currency,
    shelfLifeDays: row.shelf_life_days,
    criticality: row.criticality as Criticality,
    allowNegative: row.allow_negative === 1,
    active: row.active === 1,
  };
}

export function toItemView(row: ItemRow): ItemView {
  return {
    sku: row.sku,
    name: row.name,
    unit: row.unit,
    category: row.category,
    unit_cost: row.unit_cost_minor === null ? null : toMoney(Number(row.unit_cost_minor), row.currency),
    currency: row.currency,
    shelf_life_days: row.shelf_life_days,
    criticality: row.criticality as Criticality,
    allow_negative: row.allow_negative === 1,
    active: row.active === 1,
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
  };
}

function rowValuesOf(item: Item) {
  return {
    sku: item.sku,
    name: item.name,
    unit: item.unit,
    category: item.category,
    unit_cost_minor: item.unitCostMinor,
    currency: item.currency,
    shelf_life_days: item.shelfLifeDays,
    criticality: item.criticality,
    allow_negative: item.allowNegative ? (1 as const) : (0 as const),
    active: item.active ? (1 as const) : (0 as const),
  };
}

function duplicateSku(sku: string): DomainError {
  return new DomainError('LS_DUPLICATE', `sku: an item "${sku}" already exists`, [
    { field: 'sku', message: 'already exists', value: sku },
  ]);
}

function checkStatus(status: string | undefined): ItemStatus | undefined {
  if (status === undefined || (ITEM_STATUSES as readonly string[]).includes(status)) return status as ItemStatus;
  throw new DomainError('LS_VALIDATION', `status: must be one of ${ITEM_STATUSES.join(', ')}`, [
    { field: 'status', message: `must be one of ${ITEM_STATUSES.join(', ')}`, value: status },
  ]);
}

import { valueOrThrow } from '../domain/catalogue/field-readers.js';
import {
  applySupplierPatch,
  isSameSupplier,
  orderDayNames,
  parseSupplierInput,
  type Supplier,
} from '../domain/catalogue/supplier.js';
import { DomainError } from '../domain/errors.js';
import { toMoney } from '../domain/money.js';
import {
  findSupplierRow,
  insertSupplierRow,
  listSupplierRows,
  type SupplierRow,
  updateSupplierRow,
} from '../store/catalogue/supplier.repository.js';
import { type Database, readTransaction, type Tx } from '../store/database.js';
import { type AuditAction, type AuditEntry, listAudit, recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { idempotentWrite } from './idempotent-write.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from './pagination.js';
import { isUniqueViolation } from './unique-violation.js';

/** A supplier as the API and the CLI show it: snake_case, money in major units, instants as ISO strings. */
export type SupplierView = {
  code: string;
  name: string;
  email: string | null;
  lead_time_days: number | null;
  ordering_cost: number | null;
  currency: string;
  active: boolean;
  auto_send: boolean;
  /** Weekday names on which orders go out (`['tue', 'thu']`); null = any day. */
  order_days: string[] | null;
  consolidation_minutes: number;
  created_at: string;
  updated_at: string;
};

export type SupplierQuery = { q?: string; active?: boolean; cursor?: string; limit?: number };

const ENTITY = 'supplier';

/** Creates a supplier; a second supplier with the same code is LS_DUPLICATE. */
export async function createSupplier(database: Database, raw: unknown, ctx: ServiceContext): Promise<SupplierView> {
  const supplier = valueOrThrow(parseSupplierInput(raw, 'create'));
  return idempotentWrite(database, ctx, 'POST /suppliers', raw, async (tx) =>
    toSupplierView(await insertSupplierWithin(tx, supplier, ctx)),
  );
}

export async function getSupplier(database: Database, code: string): Promise<SupplierView> {
  return toSupplierView(await requireSupplierRow(database.db, code, 'code'));
}

/** Suppliers by code, a page at a time, filtered by text in code or name and by the active flag. */
export async function listSuppliers(database: Database, query: SupplierQuery): Promise<Page<SupplierView>> {
  const limit = checkPageLimit(query.limit);
  const afterCode = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, (tx) =>
    listSupplierRows(tx, {
      ...(query.q !== undefined && { q: query.q }),
      ...(query.active !== undefined && { active: query.active }),
      ...(afterCode !== undefined && { afterCode }),
      limit: limit + 1,
    }),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toSupplierView),
    next_cursor: rows.length > limit && last ? encodeCursor([last.code]) : null,
  };
}

/** Changes only the given fields (PATCH); an update that changes nothing writes nothing. */
export async function updateSupplier(
  database: Database,
  code: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<SupplierView> {
  return idempotentWrite(database, ctx, `PATCH /suppliers/${code}`, raw, async (tx) => {
    const row = await requireSupplierRow(tx, code, 'code');
    const current = supplierFromRow(row);
    const next = applySupplierPatch(current, valueOrThrow(parseSupplierInput(raw, 'update', current)));
    return toSupplierView(await changeSupplierWithin(tx, row, next, ctx, 'update'));
  });
}

/**
 * Deactivates a supplier: it and its supplier items stay (history, open orders), but planning
 * should no longer order from it. Deactivating an inactive supplier changes nothing.
 */
export async function deactivateSupplier(database: Database, code: string, ctx: ServiceContext): Promise<SupplierView> {
  return setSupplierActive(database, code, false, ctx);
}

export async function activateSupplier(database: Database, code: string, ctx: ServiceContext): Promise<SupplierView> {
  return setSupplierActive(database, code, true, ctx);
}

/** The audit trail of one supplier, newest first. */
export async function listSupplierAudit(database: Database, code: string, limit?: number): Promise<AuditEntry[]> {
  return readTransaction(database, async (tx) => {
    await requireSupplierRow(tx, code, 'code');
    return listAudit(tx, { entity: ENTITY, entityKey: code, limit: checkPageLimit(limit) });
  });
}

async function setSupplierActive(database: Database, code: string, active: boolean, ctx: ServiceContext) {
  const action = active ? 'activate' : 'deactivate';
  return idempotentWrite(database, ctx, `POST /suppliers/${code}/${action}`, null, async (tx) => {
    const row = await requireSupplierRow(tx, code, 'code');
    return toSupplierView(await changeSupplierWithin(tx, row, { ...supplierFromRow(row), active }, ctx, action));
  });
}

/** Inserts a validated supplier in the caller's transaction and audits it. */
export async function insertSupplierWithin(tx: Tx, supplier: Supplier, ctx: ServiceContext): Promise<SupplierRow> {
  if (await findSupplierRow(tx, supplier.code)) throw duplicateCode(supplier.code);
  const values = { ...rowValuesOf(supplier), created_at: ctx.now, updated_at: ctx.now };
  let id: number;
  try {
    id = await insertSupplierRow(tx, values);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateCode(supplier.code);
    throw error;
  }
  const row: SupplierRow = { id, ...values };
  await recordAudit(tx, ctx, {
    entity: ENTITY,
    entityKey: supplier.code,
    action: 'create',
    before: null,
    after: toSupplierView(row),
  });
  return row;
}

/** Stores `next` over `row` in the caller's transaction and audits it; an unchanged supplier is left alone. */
export async function changeSupplierWithin(
  tx: Tx,
  row: SupplierRow,
  next: Supplier,
  ctx: ServiceContext,
  action: AuditAction,
): Promise<SupplierRow> {
  if (isSameSupplier(supplierFromRow(row), next)) return row;
  const change = { ...rowValuesOf(next), updated_at: ctx.now };
  await updateSupplierRow(tx, row.id, change);
  const updated = { ...row, ...change };
  await recordAudit(tx, ctx, {
    entity: ENTITY,
    entityKey: row.code,
    action,
    before: toSupplierView(row),
    after: toSupplierView(updated),
  });
  return updated;
}

/** The supplier with this code, or LS_UNKNOWN_SUPPLIER naming `field` (`code` in a path, `supplier` in a body). */
export async function requireSupplierRow(tx: Tx, code: string, field = 'supplier'): Promise<SupplierRow> {
  const row = await findSupplierRow(tx, code);
  if (!row) throw unknownSupplier(code, field);
  return row;
}

export function unknownSupplier(code: string, field = 'supplier'): DomainError {
  return new DomainError('LS_UNKNOWN_SUPPLIER', `${field}: unknown supplier "${code}"`, [
    { field, message: 'unknown supplier', value: code },
  ]);
}

export function supplierFromRow(row: SupplierRow): Supplier {
  return {
    code: row.code,
    name: row.name,
    email: row.email,
    leadTimeDays: row.lead_time_days,
    orderingCostMinor: row.ordering_cost_minor === null ? null : Number(row.ordering_cost_minor),
    currency: row.currency,
    active: row.active === 1,
    autoSend: row.auto_send === 1,
    orderDays: decodeOrderDays(row.order_days),
    consolidationMinutes: Number(row.consolidation_minutes),
  };
}

export function toSupplierView(row: SupplierRow): SupplierView {
  return {
    code: row.code,
    name: row.name,
    email: row.email,
    lead_time_days: row.lead_time_days,
    ordering_cost: row.ordering_cost_minor === null ? null : toMoney(Number(row.ordering_cost_minor), row.currency),
    currency: row.currency,
    active: row.active === 1,
    auto_send: row.auto_send === 1,
    order_days: orderDayNames(decodeOrderDays(row.order_days)),
    consolidation_minutes: Number(row.consolidation_minutes),
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
  };
}

function rowValuesOf(supplier: Supplier) {
  return {
    code: supplier.code,
    name: supplier.name,
    email: supplier.email,
    lead_time_days: supplier.leadTimeDays,
    ordering_cost_minor: supplier.orderingCostMinor,
    currency: supplier.currency,
    active: supplier.active ? (1 as const) : (0 as const),
    auto_send: supplier.autoSend ? (1 as const) : (0 as const),
    order_days: supplier.orderDays === null ? null : supplier.orderDays.join(','),
    consolidation_minutes: supplier.consolidationMinutes,
  };
}

/** `suppliers.order_days` ("2,4") as ISO weekday numbers; null, empty or unreadable is any day. */
export function decodeOrderDays(stored: string | null): number[] | null {
  if (stored === null) return null;
  const days = stored
    .split(',')
    .map(Number)
    .filter((day) => Number.isInteger(day) && day >= 1 && day <= 7);
  return days.length === 0 ? null : days;
}

function duplicateCode(code: string): DomainError {
  return new DomainError('LS_DUPLICATE', `code: a supplier "${code}" already exists`, [
    { field: 'code', message: 'already exists', value: code },
  ]);
}

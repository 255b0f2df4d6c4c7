import {
  checkKnownFields,
  checkNotEmpty,
  MAX_NAME_LENGTH,
  readBoolean,
  readCode,
  readEmail,
  readObject,
  readText,
} from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import {
  type CustomerRow,
  findCustomerRow,
  insertCustomerRow,
  listCustomerRows,
  updateCustomerRow,
} from '../../store/production/customer.repository.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { isUniqueViolation } from '../unique-violation.js';

/** A customer as the API and the CLI show it: snake_case, instants as ISO strings. */
export type CustomerView = {
  code: string;
  name: string;
  email: string | null;
  active: boolean;
  created_at: string;
  updated_at: string;
};

export type CustomerQuery = { active?: boolean; cursor?: string; limit?: number };

const ENTITY = 'customer';
const CREATE_FIELDS = ['code', 'name', 'email'] as const;
const UPDATE_FIELDS = ['name', 'email', 'active'] as const;

/** Creates a customer `{ code, name, email? }`; a second customer with the same code is LS_DUPLICATE naming `code`. */
export async function createCustomer(database: Database, raw: unknown, ctx: ServiceContext): Promise<CustomerView> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  let values: { code: string; name: string; email: string | null } | undefined;
  if (input) {
    checkKnownFields(input, CREATE_FIELDS, 'a customer', problems);
    const code = readCode(input, 'code', problems);
    const name = readText(input, 'name', MAX_NAME_LENGTH, problems);
    const email = readEmail(input, 'email', problems);
    if (code !== undefined && name !== undefined) values = { code, name, email: email ?? null };
  }
  throwIfProblems(problems);
  const customer = values!;
  return idempotentWrite(database, ctx, 'POST /customers', raw, async (tx) => {
    if (await findCustomerRow(tx, customer.code)) throw duplicateCode(customer.code);
    const row = { ...customer, active: 1 as const, created_at: ctx.now, updated_at: ctx.now };
    let id: number;
    try {
      id = await insertCustomerRow(tx, row);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateCode(customer.code);
      throw error;
    }
    const view = toCustomerView({ id, ...row });
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: customer.code,
      action: 'create',
      before: null,
      after: view,
    });
    return view;
  });
}

export async function getCustomer(database: Database, code: string): Promise<CustomerView> {
  return toCustomerView(await requireCustomerRow(database.db, code, 'code'));
}

/** Customers by code, a page at a time, optionally only active or inactive ones. */
export async function listCustomers(database: Database, query: CustomerQuery = {}): Promise<Page<CustomerView>> {
  const limit = checkPageLimit(query.limit);
  const afterCode = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, (tx) =>
    listCustomerRows(tx, {
      ...(query.active !== undefined && { active: query.active }),
      ...(afterCode !== undefined && { afterCode }),
      limit: limit + 1,
    }),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toCustomerView),
    next_cursor: rows.length > limit && last ? encodeCursor([last.code]) : null,
  };
}

/** Changes the given fields of `{ name?, email?, active? }` (PATCH); an update that changes nothing writes nothing. */
export async function updateCustomer(
  database: Database,
  code: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<CustomerView> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  const change: { name?: string; email?: string | null; active?: 0 | 1 } = {};
  if (input) {
    checkKnownFields(input, UPDATE_FIELDS, 'a customer update', problems);
    checkNotEmpty(input, problems);
    if (input['name'] !== undefined) {
      const name = readText(input, 'name', MAX_NAME_LENGTH, problems);
      if (name !== undefined) change.name = name;
    }
    const email = readEmail(input, 'email', problems);
    if (email !== undefined) change.email = email;
    const active = readBoolean(input, 'active', problems);
    if (active !== undefined) change.active = active ? 1 : 0;
  }
  throwIfProblems(problems);
  return idempotentWrite(database, ctx, `PATCH /customers/${code}`, raw, async (tx) => {
    const row = await requireCustomerRow(tx, code, 'code');
    const next: CustomerRow = { ...row, ...change };
    if (next.name === row.name && next.email === row.email && next.active === row.active) return toCustomerView(row);
    const updated = { ...next, updated_at: ctx.now };
    await updateCustomerRow(tx, row.id, {
      name: updated.name,
      email: updated.email,
      active: updated.active,
      updated_at: updated.updated_at,
    });
    const before = toCustomerView(row);
    const after = toCustomerView(updated);
    await recordAudit(tx, ctx, { entity: ENTITY, entityKey: code, action: 'update', before, after });
    return after;
  });
}

/** The customer with this code, or LS_UNKNOWN_CUSTOMER naming `field` (`code` in a path, `customer` in a body). */
export async function requireCustomerRow(tx: Tx, code: string, field = 'customer'): Promise<CustomerRow> {
  const row = await findCustomerRow(tx, code);
  if (!row) throw unknownCustomer(code, field);
  return row;
}

export function unknownCustomer(code: string, field = 'customer'): DomainError {
  return new DomainError('LS_UNKNOWN_CUSTOMER', `${field}: unknown customer "${code}"`, [
    { field, message: 'unknown customer', value: code },
  ]);
}

export function toCustomerView(row: CustomerRow): CustomerView {
  return {
    code: row.code,
    name: row.name,
    email: row.email,
    active: row.active === 1,
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
  };
}

function duplicateCode(code: string): DomainError {
  return new DomainError('LS_DUPLICATE', `code: a customer "${code}" already exists`, [
    { field: 'code', message: 'already exists', value: code },
  ]);
}

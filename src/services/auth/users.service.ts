import { isRole, ROLES, type Role } from '../../domain/auth/roles.js';
import {
  characterCount,
  checkKnownFields,
  checkNotEmpty,
  MAX_NAME_LENGTH,
  type RawInput,
  readBoolean,
  readChoice,
  readEmail,
  readObject,
  readOptionalText,
} from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { type Database, readTransaction, type Tx, writeTransaction } from '../../store/database.js';
import type { UserTable } from '../../store/schema.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { isUniqueViolation } from '../unique-violation.js';
import { hashPassword } from './secrets.js';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/** A user as the API and the CLI show it; never the password hash or the MFA secret. */
export type UserView = {
  username: string;
  name: string | null;
  email: string | null;
  role: Role;
  active: boolean;
  mfa_enabled: boolean;
  last_login_at: string | null;
  locked_until: string | null;
  created_at: string;
};

export type UserRow = Omit<UserTable, 'id' | 'active' | 'mfa_enabled' | 'failed_logins'> & {
  id: number;
  active: number;
  mfa_enabled: number;
  failed_logins: number;
};

const ENTITY = 'user';
const CREATE_FIELDS = ['username', 'role', 'password', 'name', 'email'] as const;
const UPDATE_FIELDS = ['role', 'active', 'name', 'email'] as const;

function readRequiredString(
  input: RawInput,
  field: string,
  problems: FieldProblem[],
  options: { echo: boolean },
): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    problems.push({ field, message: 'is required' });
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push(
      options.echo ? { field, message: 'must be a string', value } : { field, message: 'must be a string' },
    );
    return undefined;
  }
  return value;
}

/** 2–64 characters: lower-case letters, digits and `. _ - @`, starting with a letter or digit (case is folded). */
export function readUsername(input: RawInput, field: string, problems: FieldProblem[]): string | undefined {
  const value = readRequiredString(input, field, problems, { echo: true });
  if (value === undefined) return undefined;
  const username = value.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._@-]{1,63}$/.test(username)) {
    problems.push({
      field,
      message: 'must be 2–64 letters, digits or . _ - @, starting with a letter or digit',
      value: value.slice(0, 100),
    });
    return undefined;
  }
  return username;
}

/** A password of 10–200 characters; any characters, spaces included (a passphrase is welcome). */
export function readPassword(input: RawInput, field: string, problems: FieldProblem[]): string | undefined {
  // A refused password is never echoed back in the error.
  const value = readRequiredString(input, field, problems, { echo: false });
  if (value === undefined) return undefined;
  const length = characterCount(value);
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    problems.push({
      field,
      message: `must be ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters (it has ${length})`,
    });
    return undefined;
  }
  return value;
}

export function readRole(input: RawInput, field: string, problems: FieldProblem[]): Role | undefined {
  if (input[field] === undefined) return undefined;
  return readChoice(input, field, ROLES, problems);
}

export function userView(row: UserRow): UserView {
  return {
    username: row.username,
    name: row.name,
    email: row.email,
    role: isRole(row.role) ? row.role : 'viewer',
    active: row.active === 1,
    mfa_enabled: row.mfa_enabled === 1,
    last_login_at: row.last_login_at === null ? null : new Date(Number(row.last_login_at)).toISOString(),
    locked_until: row.locked_until === null ? null : new Date(Number(row.locked_until)).toISOString(),
    created_at: new Date(Number(row.created_at)).toISOString(),
  };
}

export async function findUserRow(tx: Tx, username: string): Promise<UserRow | undefined> {
  const row = await tx.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && normalizeUserRow(row);
}

export async function findUserRowById(tx: Tx, id: number): Promise<UserRow | undefined> {
  const row = await tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && normalizeUserRow(row);
}

// PostgreSQL answers BIGINT columns as strings.
function normalizeUserRow(row: UserRow): UserRow {
  return {
    ...row,
    id: Number(row.id),
    mfa_last_step: row.mfa_last_step === null ? null : Number(row.mfa_last_step),
    locked_until: row.locked_until === null ? null : Number(row.locked_until),
    last_login_at: row.last_login_at === null ? null : Number(row.last_login_at),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

export async function requireUserRow(tx: Tx, username: string): Promise<UserRow> {
  const row = await findUserRow(tx, username.trim().toLowerCase());
  if (!row)
    throw new DomainError('LS_UNKNOWN_USER', `No user ${username}`, [
      { field: 'username', message: 'no such user', value: username },
    ]);
  return row;
}

/** True once any user exists (active or not): from then on every request must sign in. */
export async function hasUsers(database: Database): Promise<boolean> {
  const row = await database.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

type NewUser = { username: string; role: Role; password: string; name: string | null; email: string | null };

/** Reads `{ username, role, password, name?, email? }` (no `role` when an invitation sets it), reporting every problem by field. */
export function readNewUser(raw: unknown, options: { role: 'required' | 'none' }): NewUser {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  let user: NewUser | undefined;
  if (input) {
    const fields = options.role === 'none' ? CREATE_FIELDS.filter((f) => f !== 'role') : CREATE_FIELDS;
    checkKnownFields(input, fields, 'a user', problems);
    const username = readUsername(input, 'username', problems);
    const role = options.role === 'none' ? undefined : readRole(input, 'role', problems);
    if (options.role === 'required' && input['role'] === undefined)
      problems.push({ field: 'role', message: 'is required' });
    const password = readPassword(input, 'password', problems);
    const name = readOptionalText(input, 'name', MAX_NAME_LENGTH, problems);
    const email = readEmail(input, 'email', problems);
    if (username !== undefined && password !== undefined)
      user = { username, role: role ?? 'viewer', password, name: name ?? null, email: email ?? null };
  }
  throwIfProblems(problems);
  return user!;
}

/** Creates a user; the password is hashed before the transaction so that it does not hold the writer. */
export async function createUser(database: Database, raw: unknown, ctx: ServiceContext): Promise<UserView> {
  const user = readNewUser(raw, { role: 'required' });
  const passwordHash = await hashPassword(user.password);
  return writeTransaction(database, (tx) => insertUser(tx, ctx, { ...user, passwordHash }));
}

/** Inserts a user in the caller's transaction; a taken username is LS_DUPLICATE naming `username`. */
export async function insertUser(
  tx: Tx,
  ctx: ServiceContext,
  user: Omit<NewUser, 'password'> & { passwordHash: string | null },
): Promise<UserView> {
  if (await findUserRow(tx, user.username)) throw duplicateUsername(user.username);
  let id: number;
  try {
    const inserted = await tx
      .insertInto('users')
      .values({
        username: user.username,
        name: user.name,
        email: user.email,
        role: user.role,
        password_hash: user.passwordHash,
        active: 1,
        mfa_enabled: 0,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = Number(inserted.id);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateUsername(user.username);
    throw error;
  }
  const view = userView((await findUserRowById(tx, id))!);
  await recordAudit(tx, ctx, { entity: ENTITY, entityKey: user.username, action: 'create', before: null, after: view });
  // Links made while there were no users (the set-up link, invitations made on this computer without signing in)
  // must not outlive that state: from the first user on, admins invite people.
  const first = await tx.selectFrom('users').select('id').where('id', '!=', id).limit(1).executeTakeFirst();
  if (!first) {
    await tx
      .updateTable('invitations')
      .set({ revoked_at: ctx.now })
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
  }
  return view;
}

function duplicateUsername(username: string): DomainError {
  return new DomainError('LS_DUPLICATE', `username: ${username} is taken`, [
    { field: 'username', message: 'is taken', value: username },
  ]);
}

export async function listUsers(database: Database): Promise<UserView[]> {
  return readTransaction(database, async (tx) => {
    const rows = await tx.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map((row) => userView(normalizeUserRow(row)));
  });
}

export async function getUser(database: Database, username: string): Promise<UserView> {
  return readTransaction(database, async (tx) => userView(await requireUserRow(tx, username)));
}

/**
 * Changes `{ role?, active?, name?, email? }`. The last active admin can be neither demoted nor disabled, so the
 * system never locks its owners out. Disabling a user ends their sessions and tokens at once.
 */
export async function updateUser(
  database: Database,
  username: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<UserView> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  let patch: { role?: Role; active?: boolean; name?: string | null; email?: string | null } = {};
  if (input) {
    checkNotEmpty(input, problems);
    checkKnownFields(input, UPDATE_FIELDS, 'a user update', problems);
    const role = readRole(input, 'role', problems);
    const active = readBoolean(input, 'active', problems);
    const name = readOptionalText(input, 'name', MAX_NAME_LENGTH, problems);
    const email = readEmail(input, 'email', problems);
    patch = {
      ...(role !== undefined && { role }),
      ...(active !== undefined && { active }),
      ...(name !== undefined && { name }),
      ...(email !== undefined && { email }),
    };
  }
  throwIfProblems(problems);
  return writeTransaction(database, async (tx) => {
    const before = await requireUserRow(tx, username);
    const losesAdmin =
      before.role === 'admin' &&
      before.active === 1 &&
      ((patch.role !== undefined && patch.role !== 'admin') || patch.active === false);
    if (losesAdmin && (await countActiveAdmins(tx)) <= 1) {
      const field = patch.active === false ? 'active' : 'role';
      throw new DomainError('LS_INVALID_STATE', `${field}: ${before.username} is the last active admin`, [
        { field, message: 'the last active admin cannot be demoted or disabled; make another user admin first' },
      ]);
    }
    await tx
      .updateTable('users')
      .set({
        ...(patch.role !== undefined && { role: patch.role }),
        ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.email !== undefined && { email: patch.email }),
        updated_at: ctx.now,
      })
      .where('id', '=', before.id)
      .execute();
    if (patch.active === false || (patch.role !== undefined && patch.role !== before.role))
      await endSessionsAndTokens(tx, before.id, ctx.now, { tokens: patch.active === false });
    const after = (await findUserRowById(tx, before.id))!;
    const action =
      patch.active === false ? 'deactivate' : patch.active === true && before.active === 0 ? 'activate' : 'update';
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: before.username,
      action,
      before: userView(before),
      after: userView(after),
    });
    return userView(after);
  });
}

async function countActiveAdmins(tx: Tx): Promise<number> {
  const row = await tx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Signs a user out everywhere. A role change ends the sessions (the next sign-in carries the new role); tokens
 * keep their own role but are capped by the user's at use, so they only end when the user is disabled.
 */
export async function endSessionsAndTokens(
  tx: Tx,
  userId: number,
  now: number,
  options: { tokens: boolean },
): Promise<void> {
  await tx
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  if (options.tokens)
    await tx
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
}

/** Sets a new password (by an admin or the CLI), unlocks the user and signs them out everywhere. */
export async function setPassword(
  database: Database,
  username: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<UserView> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  const password = input ? readPassword(input, 'password', problems) : undefined;
  throwIfProblems(problems);
  const passwordHash = await hashPassword(password!);
  return writeTransaction(database, async (tx) => {
    const user = await requireUserRow(tx, username);
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: ctx.now })
      .where('id', '=', user.id)
      .execute();
    await endSessionsAndTokens(tx, user.id, ctx.now, { tokens: false });
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: user.username,
      action: 'password',
      before: null,
      after: null,
    });
    return userView((await findUserRowById(tx, user.id))!);
  });
}

/** Turns multi-factor sign-in off for a user who lost their phone and recovery codes (an admin's job). */
export async function resetMfa(database: Database, username: string, ctx: ServiceContext): Promise<UserView> {
  return writeTransaction(database, async (tx) => {
    const user = await requireUserRow(tx, username);
    await tx
      .updateTable('users')
      .set({ mfa_enabled: 0, mfa_secret: null, mfa_last_step: null, updated_at: ctx.now })
      .where('id', '=', user.id)
      .execute();
    await tx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: user.username,
      action: 'mfa_disable',
      before: null,
      after: null,
    });
    return userView((await findUserRowById(tx, user.id))!);
  });
}

import { isAtMost, isRole, type Role } from '../../domain/auth/roles.js';
import {
  checkKnownFields,
  MAX_NAME_LENGTH,
  readObject,
  readPositiveInteger,
  readText,
} from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { type Database, readTransaction, writeTransaction } from '../../store/database.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { newSecret, sha256 } from './secrets.js';
import { findUserRowById, readRole } from './users.service.js';

/** An API token as listed: never the secret, which only the creation answer carries. */
export type ApiTokenView = {
  id: number;
  name: string;
  username: string;
  role: Role;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
};

export const TOKEN_PREFIX = 'lst_';
const MAX_EXPIRY_DAYS = 3650;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates a token `{ name, role?, expires_in_days? }` for a user. Its role defaults to the user's and may not exceed
 * it. The answer is the only time the secret is shown; only its SHA-256 is stored. Not idempotent on purpose: a
 * stored idempotent answer would keep the secret.
 */
export async function createApiToken(
  database: Database,
  userId: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<ApiTokenView & { token: string }> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  let values: { name: string; role: Role | undefined; days: number | null | undefined } | undefined;
  if (input) {
    checkKnownFields(input, ['name', 'role', 'expires_in_days'], 'an API token', problems);
    const name = readText(input, 'name', MAX_NAME_LENGTH, problems);
    const role = readRole(input, 'role', problems);
    const days = readPositiveInteger(input, 'expires_in_days', MAX_EXPIRY_DAYS, problems);
    if (name !== undefined) values = { name, role, days };
  }
  throwIfProblems(problems);
  const token = `${TOKEN_PREFIX}${newSecret()}`;
  return writeTransaction(database, async (tx) => {
    const user = await findUserRowById(tx, userId);
    if (!user || !isRole(user.role)) throw new DomainError('LS_UNKNOWN_USER', 'No such user');
    const role = values!.role ?? user.role;
    if (!isAtMost(role, user.role)) {
      throw new DomainError('LS_FORBIDDEN', `role: a ${user.role} cannot create a token with the role ${role}`, [
        { field: 'role', message: `must be at most ${user.role}, the role of ${user.username}`, value: role },
      ]);
    }
    const expiresAt = values!.days ? ctx.now + values!.days * DAY_MS : null;
    const inserted = await tx
      .insertInto('api_tokens')
      .values({
        user_id: userId,
        name: values!.name,
        role,
        token_hash: sha256(token),
        created_at: ctx.now,
        expires_at: expiresAt,
        last_used_at: null,
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const view: ApiTokenView = {
      id: Number(inserted.id),
      name: values!.name,
      username: user.username,
      role,
      created_at: iso(ctx.now)!,
      expires_at: iso(expiresAt),
      last_used_at: null,
      revoked_at: null,
    };
    await recordAudit(tx, ctx, {
      entity: 'api_token',
      entityKey: String(view.id),
      action: 'create',
      before: null,
      after: view,
    });
    return { ...view, token };
  });
}

/** Tokens of one user, or of everyone (no `userId`: an admin's view), newest first. */
export async function listApiTokens(
  database: Database,
  filter: { userId?: number | undefined; id?: number },
): Promise<ApiTokenView[]> {
  return readTransaction(database, async (tx) => {
    let select = tx
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select([
        'api_tokens.id',
        'api_tokens.name',
        'api_tokens.role',
        'api_tokens.created_at',
        'api_tokens.expires_at',
        'api_tokens.last_used_at',
        'api_tokens.revoked_at',
        'users.username',
      ]);
    if (filter.userId !== undefined) select = select.where('api_tokens.user_id', '=', filter.userId);
    if (filter.id !== undefined) select = select.where('api_tokens.id', '=', filter.id);
    const rows = await select.orderBy('api_tokens.id', 'desc').execute();
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      username: row.username,
      role: isRole(row.role) ? row.role : 'viewer',
      created_at: iso(row.created_at)!,
      expires_at: iso(row.expires_at),
      last_used_at: iso(row.last_used_at),
      revoked_at: iso(row.revoked_at),
    }));
  });
}

/** Revokes a token at once. A user revokes their own; an admin (`anyUser`) anyone's. Revoking twice is harmless. */
export async function revokeApiToken(
  database: Database,
  id: number,
  actor: { userId: number | undefined; anyUser: boolean },
  ctx: ServiceContext,
): Promise<ApiTokenView> {
  await writeTransaction(database, async (tx) => {
    const row = await tx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (!actor.anyUser && Number(row.user_id) !== actor.userId)) {
      throw new DomainError('LS_NOT_FOUND', `No API token ${id}`, [
        { field: 'id', message: 'no such token', value: id },
      ]);
    }
    if (row.revoked_at !== null) return;
    await tx.updateTable('api_tokens').set({ revoked_at: ctx.now }).where('id', '=', id).execute();
    await recordAudit(tx, ctx, {
      entity: 'api_token',
      entityKey: String(id),
      action: 'revoke',
      before: null,
      after: null,
    });
  });
  const [token] = await listApiTokens(database, { id });
  return token!;
}

function iso(ms: number | string | null): string | null {
  return ms === null ? null : new Date(Number(ms)).toISOString();
}

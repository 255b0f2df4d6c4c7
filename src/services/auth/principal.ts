import { can, isAtMost, isRole, type Permission, type Role } from '../../domain/auth/roles.js';
import { DomainError } from '../../domain/errors.js';
import { type Database, writeTransaction } from '../../store/database.js';
import { sha256 } from './secrets.js';

/**
 * Who is calling: the local user of a Leanstock that has no users yet (bound to this computer only), a user
 * signed in with a session cookie, or a program holding an API token.
 */
export type Principal =
  | { kind: 'local'; role: 'admin' }
  | { kind: 'session'; userId: number; username: string; role: Role; sessionId: number; csrfToken: string }
  | { kind: 'token'; userId: number; username: string; role: Role; tokenId: number };

export const LOCAL_PRINCIPAL: Principal = { kind: 'local', role: 'admin' };

export function allows(principal: Principal, permission: Permission): boolean {
  return can(principal.role, permission);
}

/** A session lasts 12 hours from its last use, and never more than 30 days from sign-in. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 30 * 24 * 60 * 60 * 1000;
/** Last-seen and last-used times are written at most once a minute, not on every request. */
const TOUCH_EVERY_MS = 60 * 1000;

export function sessionExpiry(createdAt: number, now: number): number {
  return Math.min(now + SESSION_IDLE_MS, createdAt + SESSION_MAX_MS);
}

function unauthenticated(message: string): DomainError {
  return new DomainError('LS_UNAUTHENTICATED', message);
}

/** The principal of a session cookie, or LS_UNAUTHENTICATED saying why it no longer works. */
export async function authenticateSession(database: Database, token: string, now: number): Promise<Principal> {
  const row = await database.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id',
      'sessions.csrf_token',
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.revoked_at',
      'users.username',
      'users.role',
      'users.active',
    ])
    .where('sessions.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row) throw unauthenticated('Your session is not known (signed out elsewhere?); sign in again');
  if (row.revoked_at !== null) throw unauthenticated('Your session was ended; sign in again');
  if (Number(row.expires_at) <= now) throw unauthenticated('Your session expired; sign in again');
  if (row.active !== 1 || !isRole(row.role)) throw unauthenticated('This user is disabled');
  if (now - Number(row.last_seen_at) >= TOUCH_EVERY_MS) {
    await writeTransaction(database, (tx) =>
      tx
        .updateTable('sessions')
        .set({ last_seen_at: now, expires_at: sessionExpiry(Number(row.created_at), now) })
        .where('id', '=', Number(row.id))
        .execute(),
    );
  }
  return {
    kind: 'session',
    userId: Number(row.user_id),
    username: row.username,
    role: row.role,
    sessionId: Number(row.id),
    csrfToken: row.csrf_token,
  };
}

/** The principal of an API token: its own role, capped by its user's current role. */
export async function authenticateToken(database: Database, token: string, now: number): Promise<Principal> {
  const row = await database.db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id',
      'api_tokens.user_id',
      'api_tokens.role as token_role',
      'api_tokens.expires_at',
      'api_tokens.last_used_at',
      'api_tokens.revoked_at',
      'users.username',
      'users.role as user_role',
      'users.active',
    ])
    .where('api_tokens.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row) throw unauthenticated('Unknown API token');
  if (row.revoked_at !== null) throw unauthenticated('This API token was revoked');
  if (row.expires_at !== null && Number(row.expires_at) <= now) throw unauthenticated('This API token expired');
  if (row.active !== 1 || !isRole(row.token_role) || !isRole(row.user_role))
    throw unauthenticated('The user of this API token is disabled');
  if (row.last_used_at === null || now - Number(row.last_used_at) >= TOUCH_EVERY_MS) {
    await writeTransaction(database, (tx) =>
      tx.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', Number(row.id)).execute(),
    );
  }
  return {
    kind: 'token',
    userId: Number(row.user_id),
    username: row.username,
    role: isAtMost(row.token_role, row.user_role) ? row.token_role : row.user_role,
    tokenId: Number(row.id),
  };
}

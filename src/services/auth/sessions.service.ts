import { type Permission, ROLE_PERMISSIONS } from '../../domain/auth/roles.js';
import { readObject } from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { type Database, type Tx, writeTransaction } from '../../store/database.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { checkSecondFactor } from './mfa.service.js';
import type { Principal } from './principal.js';
import { sessionExpiry } from './principal.js';
import { hashPassword, newSecret, sha256, spendPasswordCheck, verifyPassword } from './secrets.js';
import {
  endSessionsAndTokens,
  findUserRow,
  findUserRowById,
  readPassword,
  type UserRow,
  type UserView,
  userView,
} from './users.service.js';

/** Failed sign-ins in a row that lock a user, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

/** What `GET /auth/session` and a sign-in answer. */
export type SessionView = {
  mode: 'local' | 'user';
  user: UserView | null;
  permissions: Permission[];
  csrf_token: string | null;
};

/** A new session: the view, and the two cookie values (the session secret itself is only ever in the cookie). */
export type NewSession = { view: SessionView; token: string; csrfToken: string; expiresAt: number };

export type SignInContext = ServiceContext & { address: string | undefined };

/**
 * Signs in with `{ username, password, code? }`. Failures are counted per user and audited in their own
 * transaction, which commits before the error is thrown; five in a row lock the user for 15 minutes. An unknown
 * user costs the same password check, so timing does not tell which usernames exist.
 */
export async function signIn(database: Database, raw: unknown, ctx: SignInContext): Promise<NewSession> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  let credentials: { username: string; password: string; code: string | undefined } | undefined;
  if (input) {
    const { username, password, code } = input;
    if (typeof username !== 'string' || username.trim() === '')
      problems.push({ field: 'username', message: 'is required' });
    if (typeof password !== 'string' || password === '') problems.push({ field: 'password', message: 'is required' });
    if (code !== undefined && code !== null && typeof code !== 'string')
      problems.push({ field: 'code', message: 'must be a string' });
    for (const key of Object.keys(input))
      if (!['username', 'password', 'code'].includes(key))
        problems.push({ field: key, message: 'is not a field of a sign-in; expected username, password, code' });
    if (problems.length === 0)
      credentials = {
        username: (username as string).trim().toLowerCase().slice(0, 200),
        password: (password as string).slice(0, 1000),
        code: typeof code === 'string' && code.trim() !== '' ? code : undefined,
      };
  }
  throwIfProblems(problems);
  const { username, password, code } = credentials!;
  const row = await findUserRow(database.db, username);
  if (row?.locked_until != null && row.locked_until > ctx.now) {
    await writeTransaction(database, (tx) => auditFailure(tx, ctx, username, 'locked'));
    throw locked(row.locked_until);
  }
  let passwordOk = false;
  if (row?.password_hash != null) passwordOk = await verifyPassword(password, row.password_hash);
  else await spendPasswordCheck(password);
  if (!row || !passwordOk || row.active !== 1) {
    await recordFailure(database, ctx, username, row, row && row.active !== 1 ? 'disabled' : 'password');
    throw invalidCredentials();
  }
  if (row.mfa_enabled === 1 && code === undefined) {
    throw new DomainError(
      'LS_MFA_REQUIRED',
      'code: enter the 6-digit code from your authenticator app (or a recovery code)',
      [{ field: 'code', message: 'is required: this user signs in with a second factor' }],
    );
  }
  const session = await writeTransaction(database, async (tx) => {
    if (row.mfa_enabled === 1 && !(await checkSecondFactor(tx, row, code!, ctx.now))) return undefined;
    return startSession(tx, ctx, row, 'password');
  });
  if (session) return session;
  // A wrong code is a failed sign-in like a wrong password: counted towards the lockout and audited.
  await recordFailure(database, ctx, username, row, 'code');
  throw invalidCredentials('code');
}

/** Opens a session for a user who proved who they are (password and second factor, an invitation, or OIDC). */
export async function startSession(
  tx: Tx,
  ctx: SignInContext,
  user: UserRow,
  method: 'password' | 'invitation' | 'oidc',
): Promise<NewSession> {
  const token = newSecret();
  const csrfToken = newSecret(24);
  const expiresAt = sessionExpiry(ctx.now, ctx.now);
  await tx
    .insertInto('sessions')
    .values({
      user_id: user.id,
      token_hash: sha256(token),
      csrf_token: csrfToken,
      method,
      address: ctx.address?.slice(0, 100) ?? null,
      created_at: ctx.now,
      last_seen_at: ctx.now,
      expires_at: expiresAt,
      revoked_at: null,
    })
    .execute();
  await tx
    .updateTable('users')
    .set({ failed_logins: 0, locked_until: null, last_login_at: ctx.now })
    .where('id', '=', user.id)
    .execute();
  await recordAudit(
    tx,
    { ...ctx, actor: user.username },
    {
      entity: 'session',
      entityKey: user.username,
      action: 'login',
      before: null,
      after: { method, address: ctx.address ?? null },
    },
  );
  const fresh = (await findUserRowById(tx, user.id))!;
  return { view: sessionViewOf(fresh, csrfToken), token, csrfToken, expiresAt };
}

async function recordFailure(
  database: Database,
  ctx: SignInContext,
  username: string,
  row: UserRow | undefined,
  reason: string,
): Promise<void> {
  await writeTransaction(database, async (tx) => {
    await auditFailure(tx, ctx, username, reason);
    if (!row) return;
    const counted = await tx
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('id', '=', row.id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow();
    if (Number(counted.failed_logins) >= MAX_FAILED_LOGINS) {
      const until = ctx.now + LOCKOUT_MS;
      await tx.updateTable('users').set({ failed_logins: 0, locked_until: until }).where('id', '=', row.id).execute();
      await recordAudit(tx, ctx, {
        entity: 'user',
        entityKey: row.username,
        action: 'lockout',
        before: null,
        after: { locked_until: new Date(until).toISOString(), address: ctx.address ?? null },
      });
    }
  });
}

function auditFailure(tx: Tx, ctx: SignInContext, username: string, reason: string): Promise<void> {
  return recordAudit(tx, ctx, {
    entity: 'session',
    entityKey: username,
    action: 'login_failed',
    before: null,
    after: { reason, address: ctx.address ?? null },
  });
}

function invalidCredentials(field: 'password' | 'code' = 'password'): DomainError {
  const message = field === 'code' ? 'code: is not valid (or was already used)' : 'Wrong username or password';
  return new DomainError('LS_INVALID_CREDENTIALS', message, [
    { field, message: field === 'code' ? 'is not valid' : 'wrong username or password' },
  ]);
}

function locked(until: number): DomainError {
  const at = new Date(until).toISOString();
  return new DomainError(
    'LS_LOCKED',
    `Too many failed sign-ins: this user is locked until ${at}; an admin can unlock it by setting a new password`,
    [{ field: 'username', message: `locked until ${at}`, value: at }],
  );
}

/** The session view of a principal: who, with which permissions, and the CSRF token the web app must echo. */
export async function describeSession(database: Database, principal: Principal | undefined): Promise<SessionView> {
  if (!principal) return { mode: 'user', user: null, permissions: [], csrf_token: null };
  if (principal.kind === 'local')
    return { mode: 'local', user: null, permissions: [...ROLE_PERMISSIONS.admin], csrf_token: null };
  const row = (await findUserRowById(database.db, principal.userId))!;
  const view = sessionViewOf(row, principal.kind === 'session' ? principal.csrfToken : null);
  return { ...view, permissions: [...ROLE_PERMISSIONS[principal.role]] };
}

function sessionViewOf(row: UserRow, csrfToken: string | null): SessionView {
  const user = userView(row);
  return { mode: 'user', user, permissions: [...ROLE_PERMISSIONS[user.role]], csrf_token: csrfToken };
}

export async function signOut(database: Database, sessionId: number, ctx: ServiceContext): Promise<void> {
  await writeTransaction(database, async (tx) => {
    await tx.updateTable('sessions').set({ revoked_at: ctx.now }).where('id', '=', sessionId).execute();
    await recordAudit(tx, ctx, {
      entity: 'session',
      entityKey: ctx.actor,
      action: 'logout',
      before: null,
      after: null,
    });
  });
}

/** Changes one's own password: the current one is checked; every other session and the current one end. */
export async function changeOwnPassword(
  database: Database,
  userId: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<void> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  let current: unknown;
  let next: string | undefined;
  if (input) {
    current = input['current_password'];
    if (typeof current !== 'string' || current === '')
      problems.push({ field: 'current_password', message: 'is required' });
    next = readPassword(input, 'new_password', problems);
  }
  throwIfProblems(problems);
  const row = (await findUserRowById(database.db, userId))!;
  if (row.password_hash === null || !(await verifyPassword(current as string, row.password_hash))) {
    throw new DomainError('LS_INVALID_CREDENTIALS', 'current_password: is not your password', [
      { field: 'current_password', message: 'is not your password' },
    ]);
  }
  const passwordHash = await hashPassword(next!);
  await writeTransaction(database, async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: ctx.now })
      .where('id', '=', userId)
      .execute();
    await endSessionsAndTokens(tx, userId, ctx.now, { tokens: false });
    await recordAudit(tx, ctx, {
      entity: 'user',
      entityKey: row.username,
      action: 'password',
      before: null,
      after: null,
    });
  });
}

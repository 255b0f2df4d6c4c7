import type { Role } from '../../domain/auth/roles.js';
import { checkKnownFields, readEmail, readObject } from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { type Database, readTransaction, type Tx, writeTransaction } from '../../store/database.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { hashPassword, newSecret, sha256 } from './secrets.js';
import { type NewSession, type SignInContext, startSession } from './sessions.service.js';
import { findUserRowById, insertUser, readNewUser, readRole } from './users.service.js';

/** An invitation as an admin sees it; `token` and `url` only in the answer that creates it. */
export type InvitationView = {
  id: number;
  role: Role;
  email: string | null;
  setup: boolean;
  created_by: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
};

export type NewInvitation = InvitationView & { token: string; url: string };

export const INVITATION_DAYS = 7;
const SETUP_LINK_HOURS = 24;

/** Invites someone `{ role, email? }`: a link valid for 7 days that creates their user with that role. */
export async function createInvitation(database: Database, raw: unknown, ctx: ServiceContext): Promise<NewInvitation> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  let values: { role: Role; email: string | null } | undefined;
  if (input) {
    checkKnownFields(input, ['role', 'email'], 'an invitation', problems);
    const role = readRole(input, 'role', problems);
    if (input['role'] === undefined) problems.push({ field: 'role', message: 'is required' });
    const email = readEmail(input, 'email', problems);
    if (role !== undefined) values = { role, email: email ?? null };
  }
  throwIfProblems(problems);
  return writeTransaction(database, (tx) =>
    insertInvitation(tx, ctx, { ...values!, setup: false, validMs: INVITATION_DAYS * 24 * 3600 * 1000 }),
  );
}

/**
 * The one-time set-up link printed when a server starts with no users: an admin invitation valid for 24 hours.
 * Earlier unused set-up links are revoked, so only the last one printed works.
 */
export async function createSetupLink(database: Database, ctx: ServiceContext): Promise<NewInvitation> {
  return writeTransaction(database, async (tx) => {
    await tx
      .updateTable('invitations')
      .set({ revoked_at: ctx.now })
      .where('setup', '=', 1)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    return insertInvitation(tx, ctx, {
      role: 'admin',
      email: null,
      setup: true,
      validMs: SETUP_LINK_HOURS * 3600 * 1000,
    });
  });
}

async function insertInvitation(
  tx: Tx,
  ctx: ServiceContext,
  values: { role: Role; email: string | null; setup: boolean; validMs: number },
): Promise<NewInvitation> {
  const token = newSecret();
  const inserted = await tx
    .insertInto('invitations')
    .values({
      token_hash: sha256(token),
      role: values.role,
      email: values.email,
      setup: values.setup ? 1 : 0,
      created_by: ctx.actor,
      created_at: ctx.now,
      expires_at: ctx.now + values.validMs,
      accepted_at: null,
      accepted_user_id: null,
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const view = invitationView(
    await tx.selectFrom('invitations').selectAll().where('id', '=', inserted.id).executeTakeFirstOrThrow(),
  );
  await recordAudit(tx, ctx, {
    entity: 'invitation',
    entityKey: String(view.id),
    action: 'create',
    before: null,
    after: view,
  });
  const path = values.setup ? '/setup' : '/invite';
  return { ...view, token, url: `${path}?token=${token}` };
}

/** Invitations nobody has accepted or revoked yet and that have not expired. */
export async function listOpenInvitations(database: Database, now: number): Promise<InvitationView[]> {
  const rows = await database.db
    .selectFrom('invitations')
    .selectAll()
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(invitationView);
}

export async function revokeInvitation(database: Database, id: number, ctx: ServiceContext): Promise<InvitationView> {
  return writeTransaction(database, async (tx) => {
    const row = await tx.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row)
      throw new DomainError('LS_NOT_FOUND', `No invitation ${id}`, [
        { field: 'id', message: 'no such invitation', value: id },
      ]);
    if (row.accepted_at !== null) throw new DomainError('LS_INVALID_STATE', `Invitation ${id} was already accepted`);
    if (row.revoked_at === null) {
      await tx.updateTable('invitations').set({ revoked_at: ctx.now }).where('id', '=', id).execute();
      await recordAudit(tx, ctx, {
        entity: 'invitation',
        entityKey: String(id),
        action: 'revoke',
        before: null,
        after: null,
      });
    }
    return invitationView(
      await tx.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
  });
}

/** What the invitation page shows before the invitee chooses a name and password. */
export async function describeInvitation(
  database: Database,
  token: string,
  now: number,
): Promise<{ role: Role; email: string | null; expires_at: string; setup: boolean }> {
  return readTransaction(database, async (tx) => {
    const view = invitationView(await requireOpenInvitation(tx, token, now));
    return { role: view.role, email: view.email, expires_at: view.expires_at, setup: view.setup };
  });
}

/** Accepts an invitation `{ username, password, name?, email? }`: creates the user with its role and signs them in. */
export async function acceptInvitation(
  database: Database,
  token: string,
  raw: unknown,
  ctx: SignInContext,
): Promise<NewSession> {
  // The role is the invitation's; the invitee chooses only who they are.
  const input = readNewUser(raw, { role: 'none' });
  const passwordHash = await hashPassword(input.password);
  return writeTransaction(database, async (tx) => {
    const invitation = await requireOpenInvitation(tx, token, ctx.now);
    const view = invitationView(invitation);
    // Only one of two racing acceptances can mark the invitation; the other rolls back with its new user.
    const marked = await tx
      .updateTable('invitations')
      .set({ accepted_at: ctx.now })
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1) throw invitationGone('was already used');
    const user = await insertUser(
      tx,
      { ...ctx, actor: input.username },
      { username: input.username, role: view.role, name: input.name, email: input.email ?? view.email, passwordHash },
    );
    const row = await tx
      .selectFrom('users')
      .select('id')
      .where('username', '=', user.username)
      .executeTakeFirstOrThrow();
    await tx.updateTable('invitations').set({ accepted_user_id: row.id }).where('id', '=', invitation.id).execute();
    await recordAudit(
      tx,
      { ...ctx, actor: user.username },
      {
        entity: 'invitation',
        entityKey: String(invitation.id),
        action: 'accept',
        before: null,
        after: { username: user.username, role: user.role },
      },
    );
    return startSession(tx, ctx, (await findUserRowById(tx, Number(row.id)))!, 'invitation');
  });
}

type InvitationRow = {
  id: number;
  role: string;
  email: string | null;
  setup: number;
  created_by: string;
  created_at: number | string;
  expires_at: number | string;
  accepted_at: number | string | null;
  revoked_at: number | string | null;
};

async function requireOpenInvitation(tx: Tx, token: string, now: number): Promise<InvitationRow & { id: number }> {
  const row = await tx.selectFrom('invitations').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!row) throw invitationGone('is not known; ask for a new link');
  if (row.accepted_at !== null) throw invitationGone('was already used');
  if (row.revoked_at !== null) throw invitationGone('was withdrawn; ask for a new link');
  if (Number(row.expires_at) <= now) throw invitationGone('has expired; ask for a new link');
  return { ...row, id: Number(row.id) };
}

function invitationGone(why: string): DomainError {
  return new DomainError('LS_NOT_FOUND', `This invitation ${why}`, [{ field: 'token', message: why }]);
}

function invitationView(row: InvitationRow): InvitationView {
  const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    id: Number(row.id),
    role: row.role as Role,
    email: row.email,
    setup: row.setup === 1,
    created_by: row.created_by,
    created_at: iso(row.created_at)!,
    expires_at: iso(row.expires_at)!,
    accepted_at: iso(row.accepted_at),
    revoked_at: iso(row.revoked_at),
  };
}

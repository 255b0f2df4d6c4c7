import type { Tx } from '../store/database.js';
import type { ServiceContext } from './context.js';

export type AuditAction =
  | 'create'
  | 'update'
  | 'deactivate'
  | 'activate'
  | 'delete'
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'lockout'
  | 'revoke'
  | 'accept'
  | 'password'
  | 'mfa_enable'
  | 'mfa_disable';

/** Appends one entry to the audit log in the caller's transaction: who, when, what, before and after. */
export async function recordAudit(
  tx: Tx,
  ctx: ServiceContext,
  entry: { entity: string; entityKey: string; action: AuditAction; before: unknown; after: unknown },
): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      at: ctx.now,
      actor: ctx.actor,
      entity: entry.entity,
      entity_key: entry.entityKey,
      action: entry.action,
      before: entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}

export type AuditEntry = {
  id: number;
  at: string;
  actor: string;
  entity: string;
  entity_key: string;
  action: string;
  before: unknown;
  after: unknown;
};

/** The audit trail of one entity (or all of a kind), newest first. */
export async function listAudit(
  tx: Tx,
  filter: { entity?: string; entityKey?: string; limit?: number },
): Promise<AuditEntry[]> {
  let select = tx.selectFrom('audit_log').selectAll();
  if (filter.entity !== undefined) select = select.where('entity', '=', filter.entity);
  if (filter.entityKey !== undefined) select = select.where('entity_key', '=', filter.entityKey);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    entity: row.entity,
    entity_key: row.entity_key,
    action: row.action,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  }));
}

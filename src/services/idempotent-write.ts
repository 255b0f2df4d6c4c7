import { createHash } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { type Database, type Tx, writeTransaction } from '../store/database.js';
import type { ServiceContext } from './context.js';

/**
 * Runs a write use case in one transaction. With an idempotency key, the result is stored in the
 * same transaction, and a retry with the same key and the same request returns it without acting
 * again; the same key with a different request is refused.
 */
export async function idempotentWrite<T>(
  database: Database,
  ctx: ServiceContext,
  scope: string,
  request: unknown,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const key = ctx.idempotencyKey;
  if (!key) return writeTransaction(database, work);
  const requestHash = createHash('sha256')
    .update(`${scope}\n${JSON.stringify(request ?? null)}`)
    .digest('hex');
  const attempt = () =>
    writeTransaction(database, async (tx) => {
      const stored = await tx
        .selectFrom('idempotency_keys')
        .select(['scope', 'request_hash', 'response'])
        .where('key', '=', key)
        .executeTakeFirst();
      if (stored) {
        if (stored.scope !== scope || stored.request_hash !== requestHash) {
          throw new DomainError('LS_IDEMPOTENCY_CONFLICT', 'Idempotency-Key was already used for a different request', [
            { field: 'Idempotency-Key', message: 'already used for a different request', value: key },
          ]);
        }
        return JSON.parse(stored.response) as T;
      }
      const result = await work(tx);
      await tx
        .insertInto('idempotency_keys')
        .values({
          key,
          scope,
          request_hash: requestHash,
          status_code: 200,
          response: JSON.stringify(result ?? null),
          created_at: ctx.now,
        })
        .execute();
      return result;
    });
  try {
    return await attempt();
  } catch (error) {
    // Two first attempts raced on PostgreSQL: the loser now finds the winner's stored result.
    if (
      (error as { code?: string }).code === '23505' &&
      String((error as Error).message).includes('idempotency_keys')
    ) {
      return attempt();
    }
    throw error;
  }
}

import { settledPosition } from '../../../src/services/events/event-relay.js';
import { type DatabaseConfig, openDatabase } from '../../../src/store/database.js';
import { readRelayState } from '../../../src/store/event.repository.js';

/**
 * Waits until the event relay, which only the servers' event dispatcher loops move, has settled the
 * whole outbox: proof that a dispatcher ran after the last fault. Answers false if it has not within
 * `timeoutMs` (PostgreSQL gives up an id left by a killed transaction a few seconds after it ended).
 */
export async function waitForOutboxRelayed(config: DatabaseConfig, timeoutMs = 30_000): Promise<boolean> {
  const database = await openDatabase(config, { migrate: false });
  try {
    const deadline = Date.now() + timeoutMs;
    const last = await database.db
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    const target = Number(last.id ?? 0);
    for (;;) {
      if (settledPosition(await readRelayState(database.db)) >= target) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await database.close();
  }
}

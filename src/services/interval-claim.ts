import { type Database, writeTransaction } from '../store/database.js';

/**
 * Claims the run of a periodic job named `name` when its last run is at least `intervalMs` old (or it never ran): a
 * compare-and-set on its `planning_state` row, so of several server processes ticking at once exactly one runs it.
 */
export async function claimIntervalRun(
  database: Database,
  name: string,
  now: number,
  intervalMs: number,
): Promise<boolean> {
  return writeTransaction(database, async (tx) => {
    const row = await tx.selectFrom('planning_state').select(['value']).where('name', '=', name).executeTakeFirst();
    if (row === undefined) {
      const inserted = await tx
        .insertInto('planning_state')
        .values({ name, value: String(now), updated_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
    }
    if (now - Number(row.value) < intervalMs) return false;
    const updated = await tx
      .updateTable('planning_state')
      .set({ value: String(now), updated_at: now })
      .where('name', '=', name)
      .where('value', '=', row.value)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  });
}

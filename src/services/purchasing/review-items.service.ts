import { type Database, readTransaction } from '../../store/database.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';

export type ReviewItemView = {
  id: number;
  sku: string;
  location: string | null;
  reason: string;
  message: string;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
};

export type ReviewItemQuery = { sku?: string; includeResolved?: boolean; cursor?: string; limit?: number };

/** Items someone should look at, newest first: open entries unless resolved ones are asked for too. */
export async function listReviewItems(database: Database, query: ReviewItemQuery): Promise<Page<ReviewItemView>> {
  const limit = checkPageLimit(query.limit);
  const before = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, async (tx) => {
    let select = tx
      .selectFrom('review_items as r')
      .innerJoin('items as i', 'i.id', 'r.item_id')
      .leftJoin('locations as l', 'l.id', 'r.location_id')
      .select([
        'r.id',
        'i.sku',
        'l.code as location',
        'r.reason',
        'r.message',
        'r.created_at',
        'r.updated_at',
        'r.resolved_at',
      ]);
    if (query.includeResolved !== true) select = select.where('r.resolved_at', 'is', null);
    if (query.sku !== undefined) select = select.where('i.sku', '=', query.sku);
    if (before !== undefined) select = select.where('r.id', '<', before);
    return select
      .orderBy('r.id', 'desc')
      .limit(limit + 1)
      .execute();
  });
  const page = rows.slice(0, limit);
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    data: page.map((r) => ({
      id: Number(r.id),
      sku: r.sku,
      location: r.location,
      reason: r.reason,
      message: r.message,
      created_at: iso(r.created_at)!,
      updated_at: iso(r.updated_at)!,
      resolved_at: iso(r.resolved_at),
    })),
    next_cursor: rows.length > limit ? encodeCursor([Number(page.at(-1)!.id)]) : null,
  };
}

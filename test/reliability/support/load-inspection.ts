import { choosePriceBreak, roundOrderQuantity } from '../../../src/domain/replenishment/order-sizing.js';
import { evaluateTrigger } from '../../../src/domain/replenishment/trigger.js';
import { type DatabaseConfig, openDatabase } from '../../../src/store/database.js';
import { OPENING_REFERENCE, pricingOf, REORDER_POINT_MILLI, TARGET_MILLI } from './load-catalogue.js';
import type { LoadReport } from './movement-load.js';

const OPEN_STATUSES = ['draft', 'sent', 'confirmed', 'partly_received'];
const POLICY = { kind: 'reorder_point' as const, reorderPointMilli: REORDER_POINT_MILLI, targetMilli: TARGET_MILLI };

/** What the database holds after a load, against what the clients were answered. */
export type LoadInspection = {
  /** Acknowledged keys whose movement is in the ledger exactly once. */
  presentOnce: number;
  /** Acknowledged keys with no movement. */
  lost: number;
  /** Keys recorded more than once, movements nobody was answered for, and purchase order lines drafted twice. */
  duplicates: number;
  /** Acknowledged keys whose first answer was lost with a killed server or connection, and which that server had committed. */
  answeredFromIdempotencyStore: number;
  /** Checks of the trigger's replay: dips of a position to or below s, and the lines they drafted. */
  dips: number;
  draftLines: number;
  /** Every broken invariant, in words; empty when all hold. */
  problems: string[];
};

type MovementRow = {
  id: number;
  sku: string;
  location: string;
  quantity_milli: number;
  reference: string | null;
  transfer_id: string | null;
  recorded_at: number;
};

/**
 * Checks the invariants a load must leave, whatever was killed or cut during it:
 * - every planned key was acknowledged, none refused, and each acknowledged movement is in the ledger
 *   exactly once (both legs of a transfer), under the id the client was answered; no other load movement;
 * - on hand is the sum of the ledger and on order the open quantity of the lines, per item × location;
 * - the trigger's drafts: one collecting draft per supplier, no other draft, no line twice on an order,
 *   and each line holds what a one-process replay of the committed movements orders (so each dip was
 *   ordered once, however the processes raced); every position ends above s;
 * - each load movement is listed in exactly one `movement.posted` event of the outbox.
 */
export async function inspectLoad(
  config: DatabaseConfig,
  report: LoadReport,
  planned: number,
): Promise<LoadInspection> {
  const database = await openDatabase(config, { migrate: false });
  try {
    const problems: string[] = [];
    const movements: MovementRow[] = await database.db
      .selectFrom('movements as m')
      .innerJoin('items as i', 'i.id', 'm.item_id')
      .innerJoin('locations as l', 'l.id', 'm.location_id')
      .select([
        'm.id',
        'i.sku',
        'l.code as location',
        'm.quantity_milli',
        'm.reference',
        'm.transfer_id',
        'm.recorded_at',
      ])
      .orderBy('m.id')
      .execute();

    for (const refusal of report.refused) problems.push(`${refusal.key} refused: ${refusal.status} ${refusal.body}`);
    if (report.acknowledged.size !== planned) {
      problems.push(`${report.acknowledged.size} of ${planned} planned movements acknowledged`);
    }

    const byReference = new Map<string, MovementRow[]>();
    for (const row of movements) {
      if (row.reference === null || row.reference === OPENING_REFERENCE) continue;
      byReference.set(row.reference, [...(byReference.get(row.reference) ?? []), row]);
    }
    let presentOnce = 0;
    let lost = 0;
    let duplicates = 0;
    let answeredFromIdempotencyStore = 0;
    for (const [key, ack] of report.acknowledged) {
      const rows = byReference.get(key) ?? [];
      byReference.delete(key);
      const legs = rows.length > 0 && rows[0]!.transfer_id !== null ? 2 : 1;
      if (rows.length === 0) {
        lost++;
        problems.push(`${key}: acknowledged as movement ${ack.movementId}, not in the ledger`);
      } else if (rows.length > legs || (legs === 2 && rows[1]!.transfer_id !== rows[0]!.transfer_id)) {
        duplicates++;
        problems.push(`${key}: recorded ${rows.length} times (${rows.map((r) => r.id).join(', ')})`);
      } else if (rows.length < legs) {
        lost++;
        problems.push(`${key}: one leg of the transfer is missing`);
      } else if (rows[0]!.id !== ack.movementId) {
        duplicates++;
        problems.push(`${key}: acknowledged as movement ${ack.movementId}, recorded as ${rows[0]!.id}`);
      } else {
        presentOnce++;
        // Recorded before the attempt that failed: the killed process committed it, the retry got its stored answer.
        if (ack.lastFailureAt !== undefined && rows[0]!.recorded_at < ack.lastFailureAt && ack.attempts > 1) {
          answeredFromIdempotencyStore++;
        }
      }
    }
    for (const [key, rows] of byReference) {
      duplicates++;
      problems.push(`${key}: ${rows.length} movement(s) recorded that no client was answered for`);
    }

    const pairOf = (sku: string, location: string) => `${sku}@${location}`;
    const ledgerSum = new Map<string, number>();
    for (const row of movements) {
      const pair = pairOf(row.sku, row.location);
      ledgerSum.set(pair, (ledgerSum.get(pair) ?? 0) + row.quantity_milli);
    }
    const balances = await database.db
      .selectFrom('balances as b')
      .innerJoin('items as i', 'i.id', 'b.item_id')
      .innerJoin('locations as l', 'l.id', 'b.location_id')
      .select(['i.sku', 'l.code as location', 'b.on_hand_milli', 'b.on_order_milli', 'b.allocated_milli'])
      .execute();
    const lines = await database.db
      .selectFrom('purchase_order_lines as pl')
      .innerJoin('purchase_orders as po', 'po.id', 'pl.purchase_order_id')
      .innerJoin('items as i', 'i.id', 'pl.item_id')
      .innerJoin('locations as l', 'l.id', 'pl.location_id')
      .select([
        'pl.purchase_order_id',
        'i.sku',
        'l.code as location',
        'pl.quantity_milli',
        'pl.received_milli',
        'po.status',
        'po.collecting',
        'po.supplier_id',
      ])
      .execute();
    const expected = replayTrigger(movements);
    let dips = 0;
    for (const balance of balances) {
      const pair = pairOf(balance.sku, balance.location);
      const own = lines.filter((line) => pairOf(line.sku, line.location) === pair);
      const openQuantity = own
        .filter((line) => OPEN_STATUSES.includes(line.status))
        .reduce((sum, line) => sum + Math.max(0, line.quantity_milli - line.received_milli), 0);
      if (balance.on_hand_milli !== (ledgerSum.get(pair) ?? 0)) {
        problems.push(`${pair}: on hand ${balance.on_hand_milli} ≠ Σ ledger ${ledgerSum.get(pair) ?? 0}`);
      }
      if (balance.on_order_milli !== openQuantity) {
        problems.push(`${pair}: on order ${balance.on_order_milli} ≠ Σ open lines ${openQuantity}`);
      }
      const position = balance.on_hand_milli + balance.on_order_milli - balance.allocated_milli;
      if (position <= REORDER_POINT_MILLI) problems.push(`${pair}: position ${position} left at or below s`);
      const want = expected.get(pair) ?? { line: 0, dips: 0, position: balance.on_hand_milli };
      dips += want.dips;
      const drafted = own.reduce((sum, line) => sum + line.quantity_milli, 0);
      if (drafted !== want.line || own.length !== (want.dips > 0 ? 1 : 0)) {
        problems.push(
          `${pair}: ${own.length} line(s) for ${drafted}; a replay of the ledger orders ${want.line} in ${want.dips} dip(s)`,
        );
      }
      if (position !== want.position) problems.push(`${pair}: position ${position} ≠ replayed ${want.position}`);
    }

    const perOrder = new Map<string, number>();
    for (const line of lines) {
      const key = `${line.purchase_order_id}/${pairOf(line.sku, line.location)}`;
      perOrder.set(key, (perOrder.get(key) ?? 0) + 1);
    }
    for (const [key, count] of perOrder) {
      if (count > 1) {
        duplicates++;
        problems.push(`purchase order line ${key} drafted ${count} times`);
      }
    }
    const openDraftLines = new Map<string, number>();
    for (const line of lines.filter((l) => l.status === 'draft')) {
      const pair = pairOf(line.sku, line.location);
      openDraftLines.set(pair, (openDraftLines.get(pair) ?? 0) + 1);
    }
    for (const [pair, count] of openDraftLines) {
      if (count > 1) problems.push(`${pair}: ${count} open draft lines`);
    }
    const orders = await database.db
      .selectFrom('purchase_orders')
      .select(['id', 'supplier_id', 'status', 'collecting'])
      .execute();
    const collecting = new Map<number, number>();
    for (const order of orders) {
      if (order.status === 'draft' && order.collecting !== 1)
        problems.push(`draft ${order.id} is not the collecting draft`);
      if (order.collecting === 1) collecting.set(order.supplier_id, (collecting.get(order.supplier_id) ?? 0) + 1);
    }
    for (const [supplier, count] of collecting) {
      if (count > 1) problems.push(`supplier ${supplier} has ${count} collecting drafts`);
    }

    const postedIn = new Map<number, number>();
    const events = await database.db
      .selectFrom('outbox_events')
      .select('payload')
      .where('type', '=', 'movement.posted')
      .execute();
    for (const event of events) {
      const payload = JSON.parse(event.payload) as { movements: Array<{ id: number }>; truncated: boolean };
      for (const listed of payload.movements) postedIn.set(listed.id, (postedIn.get(listed.id) ?? 0) + 1);
    }
    for (const row of movements) {
      if (row.reference === OPENING_REFERENCE) continue;
      const count = postedIn.get(row.id) ?? 0;
      if (count !== 1) problems.push(`movement ${row.id} (${row.reference}) is in ${count} movement.posted events`);
    }

    return {
      presentOnce,
      lost,
      duplicates,
      answeredFromIdempotencyStore,
      dips,
      draftLines: lines.length,
      problems,
    };
  } finally {
    await database.close();
  }
}

/**
 * Replays the committed movements of each item × location in id order through the pure trigger and
 * order sizing, one check per request (a request is one reference), as the service does. One pair's
 * movements commit in the order of its balance row lock and draw their ids under it, so id order is
 * commit order. With no sends or cancels every need lands on the one line of the supplier's collecting
 * draft. Answers the expected line quantity, the dips and the final position per pair.
 */
export function replayTrigger(
  movements: Array<Pick<MovementRow, 'sku' | 'location' | 'quantity_milli' | 'reference'>>,
): Map<string, { line: number; dips: number; position: number }> {
  const calls = new Map<string, Array<{ reference: string | null; change: number }>>();
  for (const row of movements) {
    const pair = `${row.sku}@${row.location}`;
    const list = calls.get(pair) ?? [];
    const last = list.at(-1);
    if (last && last.reference === row.reference) last.change += row.quantity_milli;
    else list.push({ reference: row.reference, change: row.quantity_milli });
    calls.set(pair, list);
  }
  const expected = new Map<string, { line: number; dips: number; position: number }>();
  for (const [pair, list] of calls) {
    const pricing = pricingOf(pair.slice(0, pair.indexOf('@')));
    let position = 0;
    let line = 0;
    let dips = 0;
    for (const call of list) {
      position += call.change;
      // The policies were set after the opening stock arrived.
      if (call.reference === OPENING_REFERENCE) continue;
      const verdict = evaluateTrigger({ policy: POLICY, positionMilli: position });
      if (verdict.kind !== 'order') continue;
      dips++;
      const wanted = roundOrderQuantity(line + verdict.quantityMilli, pricing);
      const after = Math.max(choosePriceBreak(wanted, pricing).quantityMilli, line);
      position += after - line;
      line = after;
    }
    expected.set(pair, { line, dips, position });
  }
  return expected;
}

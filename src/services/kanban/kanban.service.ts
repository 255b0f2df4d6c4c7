import { DomainError } from '../../domain/errors.js';
import { toQuantity } from '../../domain/quantity.js';
import type { ReplenishmentPolicy } from '../../domain/replenishment/policy.js';
import { chooseSupplierItem } from '../../domain/replenishment/supplier-choice.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { appendEvents } from '../../store/outbox.repository.js';
import { findSourcesOfItems } from '../../store/purchasing.repository.js';
import type { KanbanCardState } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { requireItemRow } from '../item.service.js';
import { requireLocationRow } from '../location.service.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { reevaluatePairs } from '../purchasing/reevaluate.js';
import { purchaseOrderNumber, type TriggerOutcome } from '../purchasing/replenish.js';
import { newKanbanCardId, normaliseKanbanCardId } from './card-id.js';
import {
  findCardRow,
  findLoopDetail,
  findLoopOfPair,
  insertCards,
  insertLoop,
  type KanbanCardDetailRow,
  type KanbanCardRow,
  type KanbanLoopDetailRow,
  listCardsOfLoops,
  listLoopDetails,
  markCardEmptyIfFull,
  setCardsActive,
  updateLoop,
} from './kanban.repository.js';

/** One card as lists show it. `purchase_order` is the order its container is on (ordered or in transit). */
export type KanbanCardSummary = {
  id: string;
  number: number;
  state: KanbanCardState;
  active: boolean;
  purchase_order: string | null;
  purchase_order_id: number | null;
  purchase_order_line_id: number | null;
  signalled_at: string | null;
  signalled_by: string | null;
  updated_at: string;
};

/** Who the next container is ordered from: the loop's supplier, else the item's preferred one; null when none is usable. */
export type KanbanSupplier = { code: string; name: string } | null;

export type KanbanLoopHeader = {
  id: number;
  sku: string;
  item_name: string;
  unit: string;
  location: string;
  location_name: string;
  /** The supplier the policy names; null means the item's preferred supplier at the time of each order. */
  supplier: string | null;
  orders_from: KanbanSupplier;
  container_quantity: number;
  active: boolean;
  created_at: string;
  updated_at: string;
};

/** A loop with its cards in circulation (numbered 1..N) and its retired cards. */
export type KanbanLoopView = KanbanLoopHeader & { cards: KanbanCardSummary[]; retired_cards: KanbanCardSummary[] };

/** One card with its loop; `loop.cards` is N, the number of cards in circulation. */
export type KanbanCardView = KanbanCardSummary & { loop: KanbanLoopHeader & { cards: number } };

export type KanbanSignalResult = KanbanCardView & {
  /** True when the card was already empty, ordered or in transit: nothing was ordered again. */
  already_signalled: boolean;
  /** What the trigger ordered (or why it could not), with the purchase order and line. */
  triggered: TriggerOutcome[];
};

/** What a label prints for one card; the caller adds the signal URL of its QR code. */
export type KanbanLabelData = {
  card_id: string;
  number: number;
  cards: number;
  sku: string;
  item_name: string;
  location: string;
  location_name: string;
  container_quantity: number;
  unit: string;
  supplier: KanbanSupplier;
};

export type KanbanLoopQuery = { sku?: string; location?: string; active?: boolean; cursor?: string; limit?: number };

export type KanbanLoopSync = {
  itemId: number;
  locationId: number;
  /** The policy just set; null when it was removed. */
  policy: ReplenishmentPolicy | null;
  /** The kanban policy's supplier, if it names one. */
  supplierId: number | null;
};

/** What a sync changed, as written in the `kanban.loop_changed` event. */
export type KanbanLoopChange = {
  loop_id: number;
  sku: string;
  location: string;
  active: boolean;
  cards: number;
  container_quantity: number;
  supplier: string | null;
  added_cards: string[];
  reactivated_cards: string[];
  retired_cards: Array<{ id: string; number: number; state: KanbanCardState; purchase_order_line_id: number | null }>;
};

/**
 * Brings the kanban loop of an item × location in line with its policy, inside the policy change's
 * transaction (the policy audit records the change; this writes a `kanban.loop_changed` event).
 *
 * - A kanban policy creates the loop with cards 1..N, each `full` (the containers are on the shelf; a
 *   card whose container is not is signalled like any other) and with a new random id.
 * - Growing N reactivates retired cards numbered up to N (same ids, so their printed labels work again)
 *   and adds new ones; shrinking N retires the cards numbered above N, whatever their state, so the
 *   cards in circulation are always exactly 1..N and "card n of N" on a label stays true. A retired card
 *   on an order stays on it: its container still arrives and the card comes back `full`, but it is never
 *   ordered again and a signal of it is refused (409), telling whoever scans it to take it out.
 * - A new container quantity or supplier applies to the next orders; lines already drafted keep theirs.
 * - Another kind (or no policy) deactivates the loop and retires all its cards; kanban again reactivates.
 *
 * Answers what changed, or null when nothing did.
 */
export async function syncKanbanLoop(
  tx: Tx,
  input: KanbanLoopSync,
  ctx: ServiceContext,
): Promise<KanbanLoopChange | null> {
  const loop = await findLoopOfPair(tx, input.itemId, input.locationId);
  const policy = input.policy?.kind === 'kanban' ? input.policy : null;
  if (policy === null) {
    if (!loop || loop.active === 0) return null;
    const loopId = Number(loop.id);
    await updateLoop(tx, loopId, { active: 0, updated_at: ctx.now });
    const retired = (await listCardsOfLoops(tx, [loopId])).filter((card) => card.active === 1);
    await setCardsActive(
      tx,
      retired.map((card) => card.id),
      false,
      ctx.now,
    );
    return recordLoopChange(tx, ctx, {
      loopId,
      input,
      active: false,
      cards: Number(loop.cards),
      containerQuantityMilli: Number(loop.container_quantity_milli),
      added: [],
      reactivated: [],
      retired,
    });
  }

  let loopId: number;
  let loopChanged = false;
  if (!loop) {
    loopId = await insertLoop(tx, {
      item_id: input.itemId,
      location_id: input.locationId,
      supplier_id: input.supplierId,
      cards: policy.cards,
      container_quantity_milli: policy.containerQuantityMilli,
      active: 1,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    loopChanged = true;
  } else {
    loopId = Number(loop.id);
    const change = {
      supplier_id: input.supplierId,
      cards: policy.cards,
      container_quantity_milli: policy.containerQuantityMilli,
      active: 1 as const,
    };
    loopChanged =
      (loop.supplier_id === null ? null : Number(loop.supplier_id)) !== change.supplier_id ||
      Number(loop.cards) !== change.cards ||
      Number(loop.container_quantity_milli) !== change.container_quantity_milli ||
      loop.active !== 1;
    if (loopChanged) await updateLoop(tx, loopId, { ...change, updated_at: ctx.now });
  }

  const existing = loop ? await listCardsOfLoops(tx, [loopId]) : [];
  const byNumber = new Map(existing.map((card) => [Number(card.number), card]));
  const added: KanbanCardRow[] = [];
  const reactivated: KanbanCardDetailRow[] = [];
  for (let number = 1; number <= policy.cards; number++) {
    const card = byNumber.get(number);
    if (!card) {
      added.push({
        id: newKanbanCardId(),
        loop_id: loopId,
        number,
        state: 'full',
        purchase_order_line_id: null,
        active: 1,
        signalled_at: null,
        signalled_by: null,
        updated_at: ctx.now,
      });
    } else if (card.active === 0) {
      reactivated.push(card);
    }
  }
  const retired = existing.filter((card) => Number(card.number) > policy.cards && card.active === 1);
  await insertCards(tx, added);
  await setCardsActive(
    tx,
    reactivated.map((card) => card.id),
    true,
    ctx.now,
  );
  await setCardsActive(
    tx,
    retired.map((card) => card.id),
    false,
    ctx.now,
  );
  if (!loopChanged && added.length === 0 && reactivated.length === 0 && retired.length === 0) return null;
  return recordLoopChange(tx, ctx, {
    loopId,
    input,
    active: true,
    cards: policy.cards,
    containerQuantityMilli: policy.containerQuantityMilli,
    added: added.map((card) => card.id),
    reactivated: reactivated.map((card) => card.id),
    retired,
  });
}

async function recordLoopChange(
  tx: Tx,
  ctx: ServiceContext,
  change: {
    loopId: number;
    input: KanbanLoopSync;
    active: boolean;
    cards: number;
    containerQuantityMilli: number;
    added: string[];
    reactivated: string[];
    retired: KanbanCardRow[];
  },
): Promise<KanbanLoopChange> {
  const loop = (await findLoopDetail(tx, change.loopId))!;
  const payload: KanbanLoopChange = {
    loop_id: change.loopId,
    sku: loop.sku,
    location: loop.location_code,
    active: change.active,
    cards: change.cards,
    container_quantity: toQuantity(change.containerQuantityMilli),
    supplier: loop.supplier_code,
    added_cards: change.added,
    reactivated_cards: change.reactivated,
    retired_cards: change.retired.map((card) => ({
      id: card.id,
      number: Number(card.number),
      state: card.state,
      purchase_order_line_id: card.purchase_order_line_id === null ? null : Number(card.purchase_order_line_id),
    })),
  };
  await appendEvents(
    tx,
    [{ type: 'kanban.loop_changed', subject: `${loop.sku}@${loop.location_code}`, payload }],
    ctx.now,
  );
  return payload;
}

/**
 * Signals a card: its container is empty, order one. In one transaction a `full` card becomes `empty`
 * (who and when recorded), `kanban.card_signalled` is written and the trigger orders one container
 * on the supplier's collecting draft, the card becoming `ordered` with that line.
 *
 * A card already empty, ordered or in transit is not ordered again (`already_signalled: true`), also
 * when two signals of one card race: the change from full to empty is one conditional UPDATE, which
 * exactly one of them makes. An empty card that is on no order yet (no usable supplier at its signal)
 * is offered to the trigger again. Unknown card: LS_NOT_FOUND naming `id`; retired card: LS_INACTIVE.
 */
export async function signalCard(database: Database, rawId: string, ctx: ServiceContext): Promise<KanbanSignalResult> {
  const cardId = normaliseKanbanCardId(rawId);
  return idempotentWrite(database, ctx, `POST /kanban/cards/${cardId ?? rawId}/signal`, null, async (tx) => {
    const row = cardId === undefined ? undefined : await findCardRow(tx, cardId);
    if (!row) throw unknownCard(rawId);
    const changed = await markCardEmptyIfFull(tx, row.id, ctx);
    const card = await requireCardView(tx, row.id);
    if (!card.active || !card.loop.active) throw retiredCard(card);
    if (!changed) {
      const retry = card.state === 'empty' && card.purchase_order_line_id === null;
      if (!retry) return { ...card, already_signalled: true, triggered: [] };
      const triggered = await orderSignalledCards(tx, database, row.loop_id, ctx);
      return { ...(await requireCardView(tx, row.id)), already_signalled: true, triggered };
    }
    await appendEvents(
      tx,
      [
        {
          type: 'kanban.card_signalled',
          subject: `${card.loop.sku}@${card.loop.location}`,
          payload: {
            card: card.id,
            number: card.number,
            loop_id: card.loop.id,
            sku: card.loop.sku,
            location: card.loop.location,
            container_quantity: card.loop.container_quantity,
            signalled_by: ctx.actor,
          },
        },
      ],
      ctx.now,
    );
    const triggered = await orderSignalledCards(tx, database, row.loop_id, ctx);
    return { ...(await requireCardView(tx, row.id)), already_signalled: false, triggered };
  });
}

async function orderSignalledCards(
  tx: Tx,
  database: Database,
  loopId: number,
  ctx: ServiceContext,
): Promise<TriggerOutcome[]> {
  const loop = (await findLoopDetail(tx, Number(loopId)))!;
  return reevaluatePairs(tx, database, [[Number(loop.item_id), Number(loop.location_id)]], ctx);
}

function unknownCard(rawId: string): DomainError {
  return new DomainError('LS_NOT_FOUND', `id: no kanban card "${rawId}"`, [
    { field: 'id', message: 'no kanban card with this id', value: rawId },
  ]);
}

function retiredCard(card: KanbanCardView): DomainError {
  const where = card.purchase_order ? ` (its container is on ${card.purchase_order})` : '';
  const message = card.loop.active
    ? `card ${card.number} was retired from the loop of ${card.loop.sku} at ${card.loop.location}${where}; take it out of circulation`
    : `the kanban loop of ${card.loop.sku} at ${card.loop.location} is inactive (its policy is no longer kanban)${where}`;
  return new DomainError('LS_INACTIVE', `id: ${message}`, [{ field: 'id', message, value: card.id }]);
}

/** One card with its loop; LS_NOT_FOUND naming `id` when there is none. Ids are matched case-insensitively. */
export async function getKanbanCard(database: Database, rawId: string): Promise<KanbanCardView> {
  return readTransaction(database, (tx) => requireCardView(tx, rawId));
}

/** One loop with its cards; LS_NOT_FOUND naming `id` when there is none. */
export async function getKanbanLoop(database: Database, loopId: number): Promise<KanbanLoopView> {
  return readTransaction(database, async (tx) => (await loopViews(tx, [await requireLoopRow(tx, loopId)]))[0]!);
}

/** Loops by SKU and location code, a page at a time, filtered by item, location or whether active. */
export async function listKanbanLoops(database: Database, query: KanbanLoopQuery): Promise<Page<KanbanLoopView>> {
  const limit = checkPageLimit(query.limit);
  const after =
    query.cursor === undefined
      ? undefined
      : (([s, l]) => ({ sku: String(s), location: String(l) }))(decodeCursor(query.cursor, 2, 'cursor'));
  return readTransaction(database, async (tx) => {
    const itemId = query.sku === undefined ? undefined : Number((await requireItemRow(tx, query.sku)).id);
    const locationId =
      query.location === undefined ? undefined : Number((await requireLocationRow(tx, query.location, 'location')).id);
    const rows = await listLoopDetails(tx, {
      ...(itemId !== undefined && { itemId }),
      ...(locationId !== undefined && { locationId }),
      ...(query.active !== undefined && { active: query.active }),
      ...(after !== undefined && { after }),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: await loopViews(tx, page),
      next_cursor: rows.length > limit && last ? encodeCursor([last.sku, last.location_code]) : null,
    };
  });
}

/** The labels of a loop's cards in circulation, by number; LS_INACTIVE for an inactive loop. */
export async function kanbanLabelsOfLoop(
  database: Database,
  loopId: number,
): Promise<{ loop: KanbanLoopView; labels: KanbanLabelData[] }> {
  const loop = await getKanbanLoop(database, loopId);
  if (!loop.active) {
    const message = `the kanban loop of ${loop.sku} at ${loop.location} is inactive; it has no cards to print`;
    throw new DomainError('LS_INACTIVE', `id: ${message}`, [{ field: 'id', message, value: loopId }]);
  }
  return { loop, labels: loop.cards.map((card) => labelOf(loop, card.id, card.number, loop.cards.length)) };
}

/** The label of one card; LS_INACTIVE for a retired card (its label would only be refused when scanned). */
export async function kanbanLabelOfCard(database: Database, rawId: string): Promise<KanbanLabelData> {
  const card = await getKanbanCard(database, rawId);
  if (!card.active || !card.loop.active) throw retiredCard(card);
  return labelOf(card.loop, card.id, card.number, card.loop.cards);
}

function labelOf(loop: KanbanLoopHeader, cardId: string, number: number, cards: number): KanbanLabelData {
  return {
    card_id: cardId,
    number,
    cards,
    sku: loop.sku,
    item_name: loop.item_name,
    location: loop.location,
    location_name: loop.location_name,
    container_quantity: loop.container_quantity,
    unit: loop.unit,
    supplier: loop.orders_from,
  };
}

async function requireLoopRow(tx: Tx, loopId: number): Promise<KanbanLoopDetailRow> {
  const row = Number.isSafeInteger(loopId) ? await findLoopDetail(tx, loopId) : undefined;
  if (!row) {
    throw new DomainError('LS_NOT_FOUND', `id: no kanban loop ${loopId}`, [
      { field: 'id', message: 'no kanban loop with this id', value: loopId },
    ]);
  }
  return row;
}

async function requireCardView(tx: Tx, rawId: string): Promise<KanbanCardView> {
  const id = normaliseKanbanCardId(rawId);
  const row = id === undefined ? undefined : await findCardRow(tx, id);
  if (!row) throw unknownCard(rawId);
  const loop = (await loopViews(tx, [(await findLoopDetail(tx, Number(row.loop_id)))!]))[0]!;
  const { cards, retired_cards, ...header } = loop;
  const card = [...cards, ...retired_cards].find((c) => c.id === row.id)!;
  return { ...card, loop: { ...header, cards: cards.length } };
}

async function loopViews(tx: Tx, rows: KanbanLoopDetailRow[]): Promise<KanbanLoopView[]> {
  if (rows.length === 0) return [];
  const cards = await listCardsOfLoops(
    tx,
    rows.map((row) => Number(row.id)),
  );
  const suppliers = await ordersFrom(tx, rows);
  return rows.map((row, index) => {
    const own = cards.filter((card) => Number(card.loop_id) === Number(row.id)).map(cardSummary);
    return {
      id: Number(row.id),
      sku: row.sku,
      item_name: row.item_name,
      unit: row.unit,
      location: row.location_code,
      location_name: row.location_name,
      supplier: row.supplier_code,
      orders_from: suppliers[index]!,
      container_quantity: toQuantity(Number(row.container_quantity_milli)),
      active: row.active === 1,
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
      cards: own.filter((card) => card.active),
      retired_cards: own.filter((card) => !card.active),
    };
  });
}

/** The supplier each loop's next container would be ordered from, chosen as the trigger chooses it. */
async function ordersFrom(tx: Tx, rows: KanbanLoopDetailRow[]): Promise<KanbanSupplier[]> {
  const sources = await findSourcesOfItems(tx, [...new Set(rows.map((row) => Number(row.item_id)))]);
  const codes = [...new Set(sources.map((source) => source.supplier_code))];
  const names = new Map(
    codes.length === 0
      ? []
      : (await tx.selectFrom('suppliers').select(['code', 'name']).where('code', 'in', codes).execute()).map((s) => [
          s.code,
          s.name,
        ]),
  );
  return rows.map((row) => {
    const own = sources
      .filter((source) => Number(source.item_id) === Number(row.item_id))
      .map((source) => ({
        supplier: source.supplier_code,
        rank: Number(source.rank),
        active: source.active === 1,
      }));
    const suppliers = sources
      .filter((source) => Number(source.item_id) === Number(row.item_id))
      .map((source) => ({ code: source.supplier_code, active: source.supplier_active === 1 }));
    const choice = chooseSupplierItem(own, suppliers, row.supplier_code ?? undefined);
    return choice.ok ? { code: choice.source.supplier, name: names.get(choice.source.supplier) ?? '' } : null;
  });
}

function cardSummary(row: KanbanCardDetailRow): KanbanCardSummary {
  const orderId = row.purchase_order_id === null ? null : Number(row.purchase_order_id);
  return {
    id: row.id,
    number: Number(row.number),
    state: row.state,
    active: row.active === 1,
    purchase_order: orderId === null ? null : purchaseOrderNumber(orderId),
    purchase_order_id: orderId,
    purchase_order_line_id: row.purchase_order_line_id === null ? null : Number(row.purchase_order_line_id),
    signalled_at: row.signalled_at === null ? null : iso(row.signalled_at),
    signalled_by: row.signalled_by,
    updated_at: iso(row.updated_at),
  };
}

function iso(epochMs: number | string): string {
  return new Date(Number(epochMs)).toISOString();
}

import { effectiveLeadTimeDays, type PriceBreak } from '../../domain/catalogue/supplier-item.js';
import { toMoney } from '../../domain/money.js';
import { formatQuantity, toQuantity } from '../../domain/quantity.js';
import { instantToLocal } from '../../domain/replenishment/local-time.js';
import { choosePriceBreak, roundOrderQuantity, unitPriceAt } from '../../domain/replenishment/order-sizing.js';
import type { ReplenishmentPolicy } from '../../domain/replenishment/policy.js';
import { chooseSupplierItem, type NoSupplierReason } from '../../domain/replenishment/supplier-choice.js';
import { evaluateTrigger, type TriggerReason } from '../../domain/replenishment/trigger.js';
import { decodePriceBreaks } from '../../store/catalogue/supplier-item.repository.js';
import { findContractPrice } from '../../store/catalogue/supplier-item-price.repository.js';
import type { Tx } from '../../store/database.js';
import { appendEvents, type NewEvent } from '../../store/outbox.repository.js';
import {
  builderDraftingRepository,
  type DraftingRepository,
  type DraftingSourceRow,
  type LineDraftChange,
  type NewLine,
  openReviewItem,
  resolveReviewItems,
} from '../../store/purchasing.repository.js';
import type { ServiceContext } from '../context.js';

/** One item × location whose inventory position may need an order, with the figures the trigger reads. */
export type ReplenishmentCandidate = {
  itemId: number;
  locationId: number;
  sku: string;
  location: string;
  policy: ReplenishmentPolicy;
  positionMilli: number;
  /** The position before the change that prompted this check; a crossing of s is reported once. */
  positionBeforeMilli: number;
  demandMilli?: number;
  signalledCards?: number;
  isReview?: boolean;
};

/** What the trigger did for one item × location, as the HTTP answer to a movement shows it. */
export type TriggerOutcome =
  | {
      kind: 'order_line';
      sku: string;
      location: string;
      purchase_order_id: number;
      purchase_order: string;
      new_purchase_order: boolean;
      line_id: number;
      supplier: string;
      /** Added to the line by this check. */
      quantity: number;
      /** The line's quantity after it. */
      line_quantity: number;
      /** What the policy asked for before rounding to pack size, MOQ and price breaks. */
      need: number;
      reason: TriggerReason;
      explanation: string;
      unit_price: number | null;
      price_rule: string;
      price_note: string;
      cards?: number;
    }
  | {
      kind: 'below_reorder_point';
      sku: string;
      location: string;
      reason: NoSupplierReason | 'manual_policy';
      message: string;
    };

export type ReplenishmentResult = {
  outcomes: TriggerOutcome[];
  /** On order added per candidate, in candidate order (0 when nothing was ordered). */
  onOrderAddedMilli: number[];
  /** The purchase order line of each candidate that ordered, for kanban cards to point at. */
  lineIds: Array<number | null>;
  /** The events to append, when the caller asked for them (`returnEvents`); otherwise already appended. */
  events: NewEvent[];
};

export type ReplenishOptions = {
  /** The drafting queries: a movement passes its database's prepared ones; by default the query builder. */
  repository?: DraftingRepository;
  /** Leave the events to the caller, which appends them together with its own in one statement. */
  returnEvents?: boolean;
};

export function purchaseOrderNumber(id: number): string {
  return `PO-${String(id).padStart(6, '0')}`;
}

const NO_SUPPLIER_REASONS = [
  'no_supplier_items',
  'all_supplier_items_inactive',
  'all_suppliers_inactive',
  'policy_supplier_not_configured',
  'policy_supplier_unusable',
] as const;

/**
 * Checks each candidate's policy and drafts what it needs, inside the caller's transaction, which must
 * already hold the candidates' balance rows locked (so one dip is seen by one transaction only). The
 * caller adds `onOrderAddedMilli` to the balances it saves: the inventory position then counts the line,
 * and the next movement does not order the same dip again.
 *
 * Lines go to the one collecting draft of the preferred supplier, a line per item × location: a new need
 * is added to that line, rounded to whole packs, and the price break is chosen on the line's total.
 */
export async function replenish(
  tx: Tx,
  candidates: readonly ReplenishmentCandidate[],
  ctx: ServiceContext,
  options: ReplenishOptions = {},
): Promise<ReplenishmentResult> {
  const repository = options.repository ?? builderDraftingRepository;
  const outcomes: TriggerOutcome[] = [];
  const onOrderAddedMilli = new Array<number>(candidates.length).fill(0);
  const lineIds = new Array<number | null>(candidates.length).fill(null);
  const events: NewEvent[] = [];
  const finish = async (): Promise<ReplenishmentResult> => {
    if (options.returnEvents) return { outcomes, onOrderAddedMilli, lineIds, events };
    await appendEvents(tx, events, ctx.now);
    return { outcomes, onOrderAddedMilli, lineIds, events: [] };
  };
  const needs: Need[] = [];
  /** Items this call opened a review entry for: their flag from before the call is out of date. */
  const reviewed = new Set<number>();

  for (let index = 0; index < candidates.length; index++) {
    const c = candidates[index]!;
    const verdict = evaluateTrigger({
      policy: c.policy,
      positionMilli: c.positionMilli,
      ...(c.demandMilli !== undefined && { demandMilli: c.demandMilli }),
      ...(c.signalledCards !== undefined && { signalledCards: c.signalledCards }),
      ...(c.isReview !== undefined && { isReview: c.isReview }),
    });
    if (verdict.kind === 'order') {
      needs.push({
        index,
        needMilli: verdict.quantityMilli,
        reason: verdict.reason,
        explanation: verdict.explanation,
        ...(verdict.cards !== undefined && { cards: verdict.cards }),
      });
    } else if (c.policy.kind === 'manual' && verdict.belowReorderPoint && crossed(c)) {
      const message = verdict.explanation;
      reviewed.add(c.itemId);
      await openReviewItem(tx, {
        itemId: c.itemId,
        locationId: c.locationId,
        reason: 'manual_policy',
        message,
        now: ctx.now,
      });
      outcomes.push({
        kind: 'below_reorder_point',
        sku: c.sku,
        location: c.location,
        reason: 'manual_policy',
        message,
      });
      events.push(belowReorderPointEvent(c, 'manual_policy', message));
    }
  }
  if (needs.length === 0) return finish();

  const sources = await repository.findSources(tx, [...new Set(needs.map((n) => candidates[n.index]!.itemId))]);
  const sourcesByItem = new Map<number, DraftingSourceRow[]>();
  for (const source of sources) {
    const list = sourcesByItem.get(source.item_id) ?? [];
    list.push(source);
    sourcesByItem.set(source.item_id, list);
  }

  // In need order: the entries for review at once, the lines in one go after (see draftLines).
  type Slot = { outcome: TriggerOutcome; events: NewEvent[] } | { draft: number };
  const slots: Slot[] = [];
  const toDraft: Array<Pick<Draft, 'need' | 'c' | 'source'>> = [];
  for (const need of needs) {
    const c = candidates[need.index]!;
    const itemSources = (sourcesByItem.get(c.itemId) ?? []).map((row) => ({
      row,
      supplier: row.supplier_code,
      rank: Number(row.rank),
      active: row.active === 1,
    }));
    const suppliers = itemSources.map((s) => ({ code: s.row.supplier_code, active: s.row.supplier_active === 1 }));
    const required = c.policy.kind === 'kanban' ? c.policy.supplier : undefined;
    const choice = chooseSupplierItem(itemSources, suppliers, required);
    if (!choice.ok) {
      reviewed.add(c.itemId);
      const isNew = await openReviewItem(tx, {
        itemId: c.itemId,
        locationId: c.locationId,
        reason: choice.reason,
        message: choice.message,
        now: ctx.now,
      });
      slots.push({
        outcome: {
          kind: 'below_reorder_point',
          sku: c.sku,
          location: c.location,
          reason: choice.reason,
          message: choice.message,
        },
        events: isNew || crossed(c) ? [belowReorderPointEvent(c, choice.reason, choice.message)] : [],
      });
      continue;
    }
    slots.push({ draft: toDraft.length });
    toDraft.push({ need, c, source: choice.source.row });
  }
  const drafted = await draftLines(tx, repository, toDraft, ctx);
  for (const slot of slots) {
    if ('outcome' in slot) {
      outcomes.push(slot.outcome);
      events.push(...slot.events);
      continue;
    }
    const { need, c, source } = toDraft[slot.draft]!;
    const line = drafted[slot.draft]!;
    onOrderAddedMilli[need.index] = line.addedMilli;
    lineIds[need.index] = line.outcome.line_id;
    outcomes.push(line.outcome);
    events.push(...line.events);
    // Without an open entry for the item there is nothing to resolve.
    if (source.has_open_review === 1 || reviewed.has(c.itemId)) {
      await resolveReviewItems(tx, c.itemId, c.locationId, NO_SUPPLIER_REASONS, ctx.actor, ctx.now);
    }
  }
  return finish();
}

function crossed(c: ReplenishmentCandidate): boolean {
  const s = c.policy.kind === 'reorder_point' || c.policy.kind === 'manual' ? c.policy.reorderPointMilli : undefined;
  return s !== undefined && c.positionMilli <= s && c.positionBeforeMilli > s;
}

function belowReorderPointEvent(c: ReplenishmentCandidate, reason: string, message: string): NewEvent {
  return {
    type: 'stock.below_reorder_point',
    subject: `${c.sku}@${c.location}`,
    payload: {
      sku: c.sku,
      location: c.location,
      inventory_position: toQuantity(c.positionMilli),
      policy: c.policy.kind,
      reason,
      message,
    },
  };
}

type Need = { index: number; needMilli: number; reason: TriggerReason; explanation: string; cards?: number };

/** A line to draft: the need, its candidate and the chosen source, and what drafting it did. */
type Draft = {
  need: Need;
  c: ReplenishmentCandidate;
  source: DraftingSourceRow;
  addedMilli: number;
  outcome: Extract<TriggerOutcome, { kind: 'order_line' }>;
  events: NewEvent[];
};

/**
 * Drafts the lines, in order, as if one after another: each goes onto its supplier's collecting draft
 * (opened by the first line that needs one) and adds to that draft's line for its item × location.
 * The statements are set-wise — one to touch the existing drafts and read their lines, one to insert
 * the new lines — so a batch that orders many items costs about what one line costs.
 */
async function draftLines(
  tx: Tx,
  repository: DraftingRepository,
  wanted: Array<Pick<Draft, 'need' | 'c' | 'source'>>,
  ctx: ServiceContext,
): Promise<Array<Pick<Draft, 'addedMilli' | 'outcome' | 'events'>>> {
  if (wanted.length === 0) return [];
  const keyOf = (orderId: number, c: ReplenishmentCandidate) => `${orderId}:${c.itemId}:${c.locationId}`;
  const pairs = new Set(wanted.map((w) => `${w.c.itemId}:${w.c.locationId}`));
  // The same item × location twice adds to the line the first one drafted: then one at a time.
  if (pairs.size < wanted.length && wanted.length > 1) {
    const one: Array<Pick<Draft, 'addedMilli' | 'outcome' | 'events'>> = [];
    for (const w of wanted) one.push(...(await draftLines(tx, repository, [w], ctx)));
    return one;
  }
  const orderOf = new Map<number, number>();
  const lines = new Map<string, { id: number; quantityMilli: number }>();
  const touch = async (of: typeof wanted) => {
    const found = await repository.touchCollectingDrafts(
      tx,
      of.map((w) => ({ supplierId: w.source.supplier_id, itemId: w.c.itemId, locationId: w.c.locationId })),
      ctx.now,
    );
    for (const row of found) {
      orderOf.set(row.supplier_id, row.order_id);
      if (row.line_id !== null) {
        lines.set(`${row.order_id}:${row.item_id}:${row.location_id}`, {
          id: row.line_id,
          quantityMilli: Number(row.line_quantity_milli),
        });
      }
    }
  };
  await touch(wanted);
  const opened = new Set<number>();
  let opening = [...new Map(wanted.map((w) => [w.source.supplier_id, w.source])).values()].filter(
    (source) => !orderOf.has(source.supplier_id),
  );
  while (opening.length > 0) {
    const ids = await repository.insertCollectingDrafts(
      tx,
      opening.map((source) => ({
        supplierId: source.supplier_id,
        currency: source.supplier_currency,
        actor: ctx.actor,
        now: ctx.now,
      })),
    );
    const lost = new Set<number>();
    opening.forEach((source, i) => {
      const id = ids[i];
      if (id === undefined) lost.add(source.supplier_id);
      else {
        orderOf.set(source.supplier_id, id);
        opened.add(id);
      }
    });
    if (lost.size === 0) break;
    // Another process opened these suppliers' drafts first: add to theirs.
    await touch(wanted.filter((w) => lost.has(w.source.supplier_id)));
    opening = opening.filter((source) => lost.has(source.supplier_id) && !orderOf.has(source.supplier_id));
  }

  const sized: Array<{
    orderId: number;
    isNewOrder: boolean;
    before: number;
    priced: { unitPriceMinor: number | null; rule: string; explanation: string };
    line: NewLine;
    lineId: number | null;
  }> = [];
  for (const { need, c, source } of wanted) {
    const orderId = orderOf.get(source.supplier_id)!;
    // The first line on an order opened here announces it; later ones find it as an existing draft.
    const isNewOrder = opened.delete(orderId);
    const existing = lines.get(keyOf(orderId, c));
    const before = existing === undefined ? 0 : existing.quantityMilli;
    // A contract price valid today (at the receiving site) replaces the list price and its breaks.
    const contract =
      source.has_contract === 1
        ? await findContractPrice(tx, source.id, instantToLocal(ctx.now, await siteTimeZone(tx, c.locationId)).date)
        : undefined;
    const pricing = {
      unitPriceMinor: contract
        ? Number(contract.unit_price_minor)
        : source.unit_price_minor === null
          ? null
          : Number(source.unit_price_minor),
      priceBreaks: contract ? [] : (decodePriceBreaks(source.price_breaks) as PriceBreak[]),
      moqMilli: source.moq_milli === null ? null : Number(source.moq_milli),
      packSizeMilli: source.pack_size_milli === null ? null : Number(source.pack_size_milli),
      currency: source.currency,
    };
    // Kanban orders whole containers exactly: the loop's arithmetic depends on it.
    const isKanban = c.policy.kind === 'kanban';
    const wantedMilli = isKanban ? before + need.needMilli : roundOrderQuantity(before + need.needMilli, pricing);
    const chosen = isKanban ? kanbanPrice(wantedMilli, pricing) : choosePriceBreak(wantedMilli, pricing);
    const priced = contract
      ? { ...chosen, rule: 'contract', explanation: `contract price; ${chosen.explanation}` }
      : chosen;
    sized.push({
      orderId,
      isNewOrder,
      before,
      priced,
      lineId: existing === undefined ? null : existing.id,
      line: {
        purchase_order_id: orderId,
        item_id: c.itemId,
        location_id: c.locationId,
        supplier_item_id: source.id,
        currency: source.currency,
        origin: c.policy.kind,
        lead_time_days: effectiveLeadTimeDays(
          { leadTimeDays: source.lead_time_days },
          { leadTimeDays: source.supplier_lead_time_days },
        ),
        created_at: ctx.now,
        quantity_milli: Math.max(priced.quantityMilli, before),
        unit_price_minor: priced.unitPriceMinor,
        price_rule: priced.rule,
        price_note: priced.explanation,
        trigger_note: need.explanation,
        updated_at: ctx.now,
      },
    });
  }
  const inserted = await repository.insertLines(
    tx,
    sized.filter((s) => s.lineId === null).map((s) => s.line),
  );
  await repository.updateLines(
    tx,
    sized.filter((s) => s.lineId !== null).map((s) => ({ lineId: s.lineId!, change: lineChange(s.line) })),
  );

  let next = 0;
  return wanted.map(({ need, c, source }, i) => {
    const { orderId, isNewOrder, before, priced, line } = sized[i]!;
    const lineId = sized[i]!.lineId ?? inserted[next++]!;
    const lineQuantity = line.quantity_milli;
    const number = purchaseOrderNumber(orderId);
    const outcome = {
      kind: 'order_line' as const,
      sku: c.sku,
      location: c.location,
      purchase_order_id: orderId,
      purchase_order: number,
      new_purchase_order: isNewOrder,
      line_id: lineId,
      supplier: source.supplier_code,
      quantity: toQuantity(lineQuantity - before),
      line_quantity: toQuantity(lineQuantity),
      need: toQuantity(need.needMilli),
      reason: need.reason,
      explanation: need.explanation,
      unit_price: priced.unitPriceMinor === null ? null : toMoney(priced.unitPriceMinor, source.currency),
      price_rule: priced.rule,
      price_note: priced.explanation,
      ...(need.cards !== undefined && { cards: need.cards }),
    };
    const events: NewEvent[] = [];
    if (isNewOrder) {
      events.push({
        type: 'purchase_order.drafted',
        subject: number,
        payload: { id: orderId, number, supplier: source.supplier_code },
      });
    }
    events.push({
      type: 'purchase_order.line_drafted',
      subject: `${c.sku}@${c.location}`,
      payload: { ...outcome },
    });
    return { addedMilli: lineQuantity - before, outcome, events };
  });
}

function lineChange(line: NewLine): LineDraftChange {
  return {
    quantity_milli: line.quantity_milli,
    unit_price_minor: line.unit_price_minor,
    price_rule: line.price_rule,
    price_note: line.price_note,
    trigger_note: line.trigger_note,
    updated_at: line.updated_at,
  };
}

async function siteTimeZone(tx: Tx, locationId: number): Promise<string> {
  const row = await tx
    .selectFrom('locations as l')
    .leftJoin('locations as site', 'site.id', 'l.site_id')
    .select(['l.time_zone as own', 'site.time_zone as site'])
    .where('l.id', '=', locationId)
    .executeTakeFirst();
  return row?.site ?? row?.own ?? 'UTC';
}

function kanbanPrice(
  quantityMilli: number,
  pricing: { unitPriceMinor: number | null; priceBreaks: readonly PriceBreak[]; currency: string },
) {
  const { unitPriceMinor, priceBreak } = unitPriceAt(quantityMilli, pricing);
  const rule = unitPriceMinor === null ? 'no_price' : priceBreak === null ? 'list_price' : 'break_reached';
  const explanation =
    unitPriceMinor === null
      ? `no price is known for ${formatQuantity(quantityMilli)}`
      : `whole kanban containers, ${formatQuantity(quantityMilli)} at ${toMoney(unitPriceMinor, pricing.currency)} ${pricing.currency}`;
  return { quantityMilli, unitPriceMinor, rule, explanation };
}

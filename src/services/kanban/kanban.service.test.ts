import { describe, expect, it } from 'vitest';
import { createScratchDatabase, describeEachDialect, testPostgresUrl } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { type Database, openDatabase } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { postMovements } from '../ledger.service.js';
import { removePolicy, setPolicy } from '../policy.service.js';
import {
  cancelPurchaseOrder,
  listPurchaseOrders,
  receivePurchaseOrder,
  sendPurchaseOrder,
} from '../purchasing/purchase-order.service.js';
import { listStock } from '../stock.service.js';
import { createSupplier } from '../supplier.service.js';
import { addSupplierItem } from '../supplier-item.service.js';
import {
  getKanbanCard,
  getKanbanLoop,
  kanbanLabelOfCard,
  kanbanLabelsOfLoop,
  listKanbanLoops,
  signalCard,
} from './kanban.service.js';

const t0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const ctx = (now = t0, idempotencyKey?: string): ServiceContext => ({ actor: 'tester', now, idempotencyKey });
const kanban = (cards: number, container_quantity = 50, supplier?: string) => ({
  kind: 'kanban',
  cards,
  container_quantity,
  ...(supplier && { supplier }),
});

async function seed(database: Database) {
  await seedCatalogue(database, { items: ['BOLT', 'NUT'], locations: ['WS'] });
  await createSupplier(database, { code: 'ACME', name: 'Acme Industrial' }, ctx());
  await createSupplier(database, { code: 'BETA', name: 'Beta' }, ctx());
  // Pack size and MOQ do not round kanban orders: the loop orders whole containers exactly.
  await addSupplierItem(
    database,
    'BOLT',
    { supplier: 'ACME', unit_price: 0.1, pack_size: 40, moq: 120, rank: 1 },
    ctx(),
  );
  await postMovements(database, [{ type: 'receipt', sku: 'BOLT', location: 'WS', quantity: 150 }], ctx());
}

async function loopOf(database: Database, sku = 'BOLT') {
  const page = await listKanbanLoops(database, { sku });
  expect(page.data).toHaveLength(1);
  return page.data[0]!;
}

async function draftLines(database: Database) {
  const drafts = await listPurchaseOrders(database, { status: 'draft' });
  return drafts.data.flatMap((order) => order.lines.map((line) => ({ order: order.number, ...line })));
}

async function eventsOf(database: Database, type: string) {
  return database.db.selectFrom('outbox_events').selectAll().where('type', '=', type).orderBy('id').execute();
}

/** Every table a signal writes, to prove a refused one wrote nothing. */
async function snapshot(database: Database) {
  return {
    cards: await database.db.selectFrom('kanban_cards').selectAll().orderBy('id').execute(),
    orders: await database.db.selectFrom('purchase_orders').selectAll().orderBy('id').execute(),
    lines: await database.db.selectFrom('purchase_order_lines').selectAll().orderBy('id').execute(),
    balances: await database.db.selectFrom('balances').selectAll().orderBy('item_id').execute(),
    events: await database.db.selectFrom('outbox_events').selectAll().orderBy('id').execute(),
  };
}

describeEachDialect('kanban loops and cards', ({ database }) => {
  it('a kanban policy creates its loop of full cards 1..N with stable random ids; resizing, another kind and kanban again keep the ids', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(3), ctx());
    const created = await loopOf(database());
    expect(created).toMatchObject({
      sku: 'BOLT',
      location: 'WS',
      supplier: null,
      orders_from: { code: 'ACME', name: 'Acme Industrial' },
      container_quantity: 50,
      active: true,
      retired_cards: [],
    });
    expect(created.cards.map((c) => [c.number, c.state, c.purchase_order])).toEqual([
      [1, 'full', null],
      [2, 'full', null],
      [3, 'full', null],
    ]);
    const ids = created.cards.map((c) => c.id);
    for (const id of ids) expect(id).toMatch(/^K[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(new Set(ids).size).toBe(3);
    // A new loop orders nothing: its containers are on the shelf.
    expect(await draftLines(database())).toEqual([]);

    await setPolicy(database(), 'BOLT', 'WS', kanban(5), ctx(t0 + 1));
    const grown = await loopOf(database());
    expect(grown.cards.map((c) => c.number)).toEqual([1, 2, 3, 4, 5]);
    expect(grown.cards.slice(0, 3).map((c) => c.id)).toEqual(ids);
    const allIds = grown.cards.map((c) => c.id);

    await setPolicy(database(), 'BOLT', 'WS', kanban(2, 60, 'ACME'), ctx(t0 + 2));
    const shrunk = await loopOf(database());
    expect(shrunk).toMatchObject({ container_quantity: 60, supplier: 'ACME', active: true });
    expect(shrunk.cards.map((c) => c.id)).toEqual(allIds.slice(0, 2));
    expect(shrunk.retired_cards.map((c) => [c.id, c.number, c.active])).toEqual([
      [allIds[2], 3, false],
      [allIds[3], 4, false],
      [allIds[4], 5, false],
    ]);

    await setPolicy(database(), 'BOLT', 'WS', { kind: 'reorder_point', reorder_point: 10, target: 300 }, ctx(t0 + 3));
    const deactivated = await loopOf(database());
    expect(deactivated).toMatchObject({ active: false, cards: [] });
    expect(deactivated.retired_cards.map((c) => c.id)).toEqual(allIds);
    await expect(signalCard(database(), allIds[0]!, ctx())).rejects.toMatchObject({
      code: 'LS_INACTIVE',
      details: [expect.objectContaining({ field: 'id', value: allIds[0] })],
    });

    await setPolicy(database(), 'BOLT', 'WS', kanban(4), ctx(t0 + 4));
    const again = await loopOf(database());
    expect(again).toMatchObject({ id: created.id, active: true, supplier: null, container_quantity: 50 });
    expect(again.cards.map((c) => c.id)).toEqual(allIds.slice(0, 4));
    expect(again.retired_cards.map((c) => c.id)).toEqual([allIds[4]]);

    await removePolicy(database(), 'BOLT', 'WS', ctx(t0 + 5));
    expect(await loopOf(database())).toMatchObject({ active: false, cards: [] });

    const changes = await eventsOf(database(), 'kanban.loop_changed');
    expect(changes.map((e) => JSON.parse(e.payload) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ active: true, cards: 3, added_cards: ids, retired_cards: [] }),
      expect.objectContaining({ cards: 5, added_cards: allIds.slice(3) }),
      expect.objectContaining({
        cards: 2,
        container_quantity: 60,
        supplier: 'ACME',
        retired_cards: allIds.slice(2).map((id) => expect.objectContaining({ id, state: 'full' })),
      }),
      expect.objectContaining({
        active: false,
        retired_cards: allIds.slice(0, 2).map((id) => expect.objectContaining({ id })),
      }),
      expect.objectContaining({ active: true, cards: 4, reactivated_cards: allIds.slice(0, 4), added_cards: [] }),
      expect.objectContaining({ active: false }),
    ]);
    expect(changes[0]!.subject).toBe('BOLT@WS');
    // Setting the same policy again changes nothing, and writes no event.
    await setPolicy(database(), 'BOLT', 'WS', kanban(4), ctx(t0 + 6));
    await setPolicy(database(), 'BOLT', 'WS', kanban(4), ctx(t0 + 7));
    expect(await eventsOf(database(), 'kanban.loop_changed')).toHaveLength(7);
  });

  it('a signal orders exactly one container on the supplier draft; a second signal of the card orders nothing more', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(3), ctx());
    const [card] = (await loopOf(database())).cards;

    const signalled = await signalCard(database(), card!.id, ctx(t0 + 60_000));
    expect(signalled).toMatchObject({
      id: card!.id,
      number: 1,
      state: 'ordered',
      already_signalled: false,
      purchase_order: 'PO-000001',
      signalled_at: new Date(t0 + 60_000).toISOString(),
      signalled_by: 'tester',
      loop: { sku: 'BOLT', location: 'WS', cards: 3, container_quantity: 50, unit: 'pcs', active: true },
    });
    expect(signalled.triggered).toEqual([
      expect.objectContaining({
        kind: 'order_line',
        purchase_order: 'PO-000001',
        supplier: 'ACME',
        quantity: 50,
        line_quantity: 50,
        cards: 1,
        reason: 'kanban_cards_signalled',
      }),
    ]);
    const lineId = (signalled.triggered[0] as { line_id: number }).line_id;
    expect(signalled.purchase_order_line_id).toBe(lineId);
    expect(await draftLines(database())).toEqual([
      expect.objectContaining({ order: 'PO-000001', sku: 'BOLT', location: 'WS', quantity: 50, origin: 'kanban' }),
    ]);

    const again = await signalCard(database(), card!.id.toLowerCase(), ctx(t0 + 120_000));
    expect(again).toMatchObject({ id: card!.id, state: 'ordered', already_signalled: true, triggered: [] });
    expect(again.signalled_at).toBe(new Date(t0 + 60_000).toISOString());
    expect(await draftLines(database())).toEqual([expect.objectContaining({ quantity: 50 })]);
    const stock = await listStock(database(), { sku: 'BOLT', location: 'WS' });
    expect(stock.data[0]).toMatchObject({ on_hand: 150, on_order: 50 });

    const signals = await eventsOf(database(), 'kanban.card_signalled');
    expect(signals).toHaveLength(1);
    expect(JSON.parse(signals[0]!.payload)).toMatchObject({ card: card!.id, number: 1, sku: 'BOLT', location: 'WS' });
    expect(await getKanbanCard(database(), card!.id)).toMatchObject({ state: 'ordered', purchase_order: 'PO-000001' });
  });

  it('a retried signal with the same idempotency key answers the first result', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(2), ctx());
    const [card] = (await loopOf(database())).cards;
    const first = await signalCard(database(), card!.id, ctx(t0, 'scan-1'));
    const retry = await signalCard(database(), card!.id, ctx(t0 + 1000, 'scan-1'));
    expect(retry).toEqual(first);
    expect(retry.already_signalled).toBe(false);
    expect(await draftLines(database())).toEqual([expect.objectContaining({ quantity: 50 })]);
  });

  it('two cards signalled go on one line of two containers of the one draft (consolidated)', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(3), ctx());
    const [one, two] = (await loopOf(database())).cards;
    const first = await signalCard(database(), one!.id, ctx());
    const second = await signalCard(database(), two!.id, ctx(t0 + 1000));
    expect(second.triggered).toEqual([
      expect.objectContaining({
        purchase_order: 'PO-000001',
        quantity: 50,
        line_quantity: 100,
        new_purchase_order: false,
      }),
    ]);
    expect(second.purchase_order_line_id).toBe(first.purchase_order_line_id);
    expect(await draftLines(database())).toEqual([expect.objectContaining({ order: 'PO-000001', quantity: 100 })]);
    const loop = await loopOf(database());
    expect(loop.cards.map((c) => [c.state, c.purchase_order])).toEqual([
      ['ordered', 'PO-000001'],
      ['ordered', 'PO-000001'],
      ['full', null],
    ]);
  });

  it('sending moves the cards in transit, receiving in full returns them full; cancelling empties them and orders them again', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(3), ctx());
    const [one, two, three] = (await loopOf(database())).cards;
    await signalCard(database(), one!.id, ctx());
    const signalled = await signalCard(database(), two!.id, ctx());
    const orderId = signalled.purchase_order_id!;

    await sendPurchaseOrder(database(), orderId, ctx(t0 + 1000));
    expect((await loopOf(database())).cards.map((c) => c.state)).toEqual(['in_transit', 'in_transit', 'full']);
    // In transit is signalled already: a scan of the card orders nothing.
    expect(await signalCard(database(), one!.id, ctx())).toMatchObject({
      state: 'in_transit',
      already_signalled: true,
    });

    await receivePurchaseOrder(
      database(),
      orderId,
      { lines: [{ sku: 'BOLT', location: 'WS', quantity: 100 }] },
      ctx(t0 + 2000),
    );
    const received = await loopOf(database());
    expect(received.cards.map((c) => [c.state, c.purchase_order])).toEqual([
      ['full', null],
      ['full', null],
      ['full', null],
    ]);

    const third = await signalCard(database(), three!.id, ctx(t0 + 3000));
    expect(third).toMatchObject({ state: 'ordered', purchase_order: 'PO-000002' });
    const cancelled = await cancelPurchaseOrder(database(), third.purchase_order_id!, {}, ctx(t0 + 4000));
    expect(cancelled.triggered).toEqual([
      expect.objectContaining({ kind: 'order_line', purchase_order: 'PO-000003', quantity: 50, cards: 1 }),
    ]);
    expect(await getKanbanCard(database(), three!.id)).toMatchObject({ state: 'ordered', purchase_order: 'PO-000003' });
    expect(await draftLines(database())).toEqual([expect.objectContaining({ order: 'PO-000003', quantity: 50 })]);
  });

  it('a card retired while on an order stays on it, comes back full, and is refused when signalled', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(3), ctx());
    const three = (await loopOf(database())).cards[2]!;
    const ordered = await signalCard(database(), three.id, ctx());
    await setPolicy(database(), 'BOLT', 'WS', kanban(2), ctx(t0 + 1000));
    expect((await loopOf(database())).retired_cards).toEqual([
      expect.objectContaining({ id: three.id, state: 'ordered', active: false, purchase_order: 'PO-000001' }),
    ]);
    await sendPurchaseOrder(database(), ordered.purchase_order_id!, ctx(t0 + 2000));
    await receivePurchaseOrder(
      database(),
      ordered.purchase_order_id!,
      { lines: [{ sku: 'BOLT', location: 'WS', quantity: 50 }] },
      ctx(t0 + 3000),
    );
    expect(await getKanbanCard(database(), three.id)).toMatchObject({
      state: 'full',
      active: false,
      purchase_order: null,
    });
    const before = await snapshot(database());
    await expect(signalCard(database(), three.id, ctx())).rejects.toMatchObject({
      code: 'LS_INACTIVE',
      message: expect.stringContaining('retired'),
    });
    expect(await snapshot(database())).toEqual(before);
    await expect(kanbanLabelOfCard(database(), three.id)).rejects.toMatchObject({ code: 'LS_INACTIVE' });
  });

  it('without a usable supplier the signalled card stays empty with the reason, and a later signal orders it once', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(2, 50, 'BETA'), ctx());
    const [card] = (await loopOf(database())).cards;
    expect((await loopOf(database())).orders_from).toBeNull();
    const signalled = await signalCard(database(), card!.id, ctx());
    expect(signalled).toMatchObject({ state: 'empty', already_signalled: false, purchase_order: null });
    expect(signalled.triggered).toEqual([
      expect.objectContaining({ kind: 'below_reorder_point', reason: 'policy_supplier_not_configured' }),
    ]);
    expect(await draftLines(database())).toEqual([]);

    await addSupplierItem(database(), 'BOLT', { supplier: 'BETA', unit_price: 0.2, rank: 2 }, ctx());
    const retried = await signalCard(database(), card!.id, ctx(t0 + 1000));
    expect(retried).toMatchObject({ state: 'ordered', already_signalled: true, purchase_order: 'PO-000001' });
    expect(retried.triggered).toEqual([expect.objectContaining({ supplier: 'BETA', quantity: 50 })]);
    expect(await signalCard(database(), card!.id, ctx(t0 + 2000))).toMatchObject({ triggered: [] });
    expect(await draftLines(database())).toEqual([expect.objectContaining({ quantity: 50 })]);
  });

  it('an unknown card is LS_NOT_FOUND naming id, and nothing changes', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(2), ctx());
    const before = await snapshot(database());
    for (const id of ['K0000000000', 'nonsense', '', "K'; DROP TABLE kanban_cards; --"]) {
      await expect(signalCard(database(), id, ctx())).rejects.toMatchObject({
        code: 'LS_NOT_FOUND',
        details: [expect.objectContaining({ field: 'id', value: id })],
      });
      await expect(getKanbanCard(database(), id)).rejects.toMatchObject({ code: 'LS_NOT_FOUND' });
    }
    await expect(getKanbanLoop(database(), 9999)).rejects.toMatchObject({
      code: 'LS_NOT_FOUND',
      details: [expect.objectContaining({ field: 'id' })],
    });
    expect(await snapshot(database())).toEqual(before);
  });

  it('lists loops a page at a time, filtered by item, location or active, and names an unknown filter', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(2), ctx());
    await setPolicy(database(), 'NUT', 'WS', kanban(1, 100), ctx());
    const first = await listKanbanLoops(database(), { limit: 1 });
    expect(first.data.map((l) => l.sku)).toEqual(['BOLT']);
    const second = await listKanbanLoops(database(), { limit: 1, cursor: first.next_cursor! });
    expect(second).toMatchObject({
      data: [expect.objectContaining({ sku: 'NUT', orders_from: null })],
      next_cursor: null,
    });
    await setPolicy(database(), 'NUT', 'WS', { kind: 'manual' }, ctx());
    expect((await listKanbanLoops(database(), { active: true })).data.map((l) => l.sku)).toEqual(['BOLT']);
    expect((await listKanbanLoops(database(), { active: false })).data.map((l) => l.sku)).toEqual(['NUT']);
    expect((await listKanbanLoops(database(), { location: 'WS' })).data).toHaveLength(2);
    await expect(listKanbanLoops(database(), { sku: 'GHOST' })).rejects.toMatchObject({ code: 'LS_UNKNOWN_ITEM' });
    await expect(listKanbanLoops(database(), { location: 'NOWHERE' })).rejects.toMatchObject({
      details: [expect.objectContaining({ field: 'location' })],
    });
    await expect(listKanbanLoops(database(), { cursor: 'forged' })).rejects.toMatchObject({ code: 'LS_VALIDATION' });
  });

  it('labels carry the item, location, container, supplier and "n of N" of each card in circulation', async () => {
    await seed(database());
    await setPolicy(database(), 'BOLT', 'WS', kanban(2, 12.5), ctx());
    const loop = await loopOf(database());
    const { labels } = await kanbanLabelsOfLoop(database(), loop.id);
    expect(labels).toEqual([
      {
        card_id: loop.cards[0]!.id,
        number: 1,
        cards: 2,
        sku: 'BOLT',
        item_name: 'Item BOLT',
        location: 'WS',
        location_name: 'Site WS',
        container_quantity: 12.5,
        unit: 'pcs',
        supplier: { code: 'ACME', name: 'Acme Industrial' },
      },
      expect.objectContaining({ card_id: loop.cards[1]!.id, number: 2, cards: 2 }),
    ]);
    expect(await kanbanLabelOfCard(database(), loop.cards[1]!.id)).toEqual(labels[1]);
    await removePolicy(database(), 'BOLT', 'WS', ctx());
    await expect(kanbanLabelsOfLoop(database(), loop.id)).rejects.toMatchObject({ code: 'LS_INACTIVE' });
  });
});

// SQLite admits one writer (BEGIN IMMEDIATE); two better-sqlite3 handles in one process would only block each other.
describe.skipIf(!testPostgresUrl())('kanban signals from two PostgreSQL connections at once', () => {
  async function twoConnections() {
    const scratch = await createScratchDatabase('postgres');
    const first = await openDatabase(scratch.config);
    const second = await openDatabase(scratch.config, { migrate: false });
    return {
      first,
      second,
      async close() {
        await first.close();
        await second.close();
        await scratch.drop();
      },
    };
  }

  it('two simultaneous signals of one card order one container', async () => {
    const { first, second, close } = await twoConnections();
    try {
      await seed(first);
      await setPolicy(first, 'BOLT', 'WS', kanban(3), ctx());
      const card = (await loopOf(first)).cards[0]!;
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all([
          signalCard(first, card.id, { actor: 'phone-a', now: t0 }),
          signalCard(second, card.id, { actor: 'phone-b', now: t0 }),
        ]);
        expect(results.filter((r) => !r.already_signalled)).toHaveLength(round === 0 ? 1 : 0);
      }
      expect(await draftLines(first)).toEqual([expect.objectContaining({ quantity: 50 })]);
      expect(await eventsOf(first, 'kanban.card_signalled')).toHaveLength(1);
      expect((await listStock(first, { sku: 'BOLT', location: 'WS' })).data[0]).toMatchObject({ on_order: 50 });
    } finally {
      await close();
    }
  });

  it('two cards of one loop signalled at once share one line of two containers', async () => {
    const { first, second, close } = await twoConnections();
    try {
      await seed(first);
      // NUT has no balance row yet: the trigger creates it to lock it, so the two orders still come one after the other.
      await addSupplierItem(first, 'NUT', { supplier: 'ACME', rank: 1 }, ctx());
      await setPolicy(first, 'NUT', 'WS', kanban(2, 10), ctx());
      const [one, two] = (await loopOf(first, 'NUT')).cards;
      const results = await Promise.all([
        signalCard(first, one!.id, { actor: 'phone-a', now: t0 }),
        signalCard(second, two!.id, { actor: 'phone-b', now: t0 }),
      ]);
      expect(results.map((r) => r.already_signalled)).toEqual([false, false]);
      expect(await draftLines(first)).toEqual([expect.objectContaining({ sku: 'NUT', quantity: 20 })]);
      expect((await loopOf(first, 'NUT')).cards.map((c) => c.state)).toEqual(['ordered', 'ordered']);
    } finally {
      await close();
    }
  });
});

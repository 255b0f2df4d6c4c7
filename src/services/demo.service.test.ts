import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { generateDemo } from '../demo/generate-demo.js';
import { instantToLocal } from '../domain/replenishment/local-time.js';
import type { Database } from '../store/database.js';
import type { ServiceContext } from './context.js';
import { countExistingData, writeDemo } from './demo.service.js';
import { listKanbanLoops } from './kanban/kanban.service.js';
import { getPolicy } from './policy.service.js';
import { explosionTree, listBoms } from './production/bom.service.js';
import { listCustomers } from './production/customer.service.js';
import { getCustomerOrder, listCustomerOrders } from './production/customer-order.service.js';
import { getPurchaseOrder, listPurchaseOrders, receivePurchaseOrder } from './purchasing/purchase-order.service.js';

const ctx: ServiceContext = { actor: 'tester', now: Date.UTC(2026, 10, 24, 15, 30) };
const small = { seed: 5, itemCount: 18, days: 60 };
/** Large enough for every order status, every policy kind and kanban cards that are not full. */
const rich = { seed: 6, itemCount: 80, days: 120 };

const OPEN = ['draft', 'sent', 'confirmed', 'partly_received'];

/**
 * Pairs whose on order differs from what is still open on their open orders' lines and, for made items, on their
 * open production orders.
 */
async function onOrderMismatches(database: Database) {
  const { rows } = await sql<{ item_id: number; location_id: number; on_order_milli: number; open_milli: number }>`
    SELECT b.item_id, b.location_id, b.on_order_milli,
      (SELECT coalesce(sum(l.quantity_milli - l.received_milli), 0) FROM purchase_order_lines l
        JOIN purchase_orders o ON o.id = l.purchase_order_id
        WHERE o.status IN (${sql.join(OPEN)}) AND l.item_id = b.item_id AND l.location_id = b.location_id)
      + (SELECT coalesce(sum(mo.quantity_milli - mo.completed_milli - mo.scrapped_milli), 0) FROM production_orders mo
        WHERE mo.status IN ('planned', 'released') AND mo.item_id = b.item_id AND mo.location_id = b.location_id)
        AS open_milli
    FROM balances b`.execute(database.db);
  return rows.filter((row) => Number(row.on_order_milli) !== Number(row.open_milli));
}

/** Pairs whose on hand differs from the sum of their ledger. */
async function ledgerMismatches(database: Database) {
  const { rows } = await sql<{ on_hand_milli: number; ledger: number }>`
    SELECT b.on_hand_milli, (SELECT coalesce(sum(m.quantity_milli), 0) FROM movements m
      WHERE m.item_id = b.item_id AND m.location_id = b.location_id) AS ledger
    FROM balances b`.execute(database.db);
  return rows.filter((row) => Number(row.ledger) !== Number(row.on_hand_milli));
}

describeEachDialect('demo service', ({ database }) => {
  it('writes a small demo whose balances equal the sums of its ledger', async () => {
    const report = await writeDemo(database(), small, ctx);
    // 18 catalogue items and 5 made to order.
    expect(report).toMatchObject({ items: 23, locations: 9, sites: 2, suppliers: 12, firstDay: '2026-09-26' });
    expect(report.movements).toBeGreaterThan(1000);
    expect(await countExistingData(database())).toEqual({
      items: 23,
      locations: 9,
      suppliers: 12,
      movements: report.movements,
    });
    const { rows } = await sql<{ item_id: number; location_id: number; on_hand_milli: number; ledger: number }>`
      SELECT b.item_id, b.location_id, b.on_hand_milli,
        (SELECT coalesce(sum(m.quantity_milli), 0) FROM movements m
          WHERE m.item_id = b.item_id AND m.location_id = b.location_id) AS ledger
      FROM balances b`.execute(database().db);
    expect(rows.length).toBeGreaterThan(23);
    expect(rows.filter((row) => Number(row.ledger) !== Number(row.on_hand_milli))).toEqual([]);
    expect(rows.filter((row) => Number(row.on_hand_milli) < 0)).toEqual([]);
    const actors = await database().db.selectFrom('movements').select('actor').distinct().execute();
    expect(actors).toEqual([{ actor: 'demo' }]);
  });

  it('writes valid catalogue rows: sites in their own zone, bins under them, JSON price breaks', async () => {
    await writeDemo(database(), small, ctx);
    const locations = await database().db.selectFrom('locations').selectAll().orderBy('id').execute();
    const sites = locations.filter((l) => l.kind === 'site');
    expect(sites.map((s) => [s.code, s.time_zone, Number(s.site_id) === Number(s.id)])).toEqual([
      ['BER', 'Europe/Berlin', true],
      ['LIS', 'Europe/Lisbon', true],
    ]);
    for (const bin of locations.filter((l) => l.kind === 'bin')) {
      const site = sites.find((s) => bin.code.startsWith(s.code))!;
      expect([Number(bin.parent_id), Number(bin.site_id), bin.time_zone]).toEqual([
        Number(site.id),
        Number(site.id),
        null,
      ]);
    }
    const sources = await database().db.selectFrom('supplier_items').selectAll().execute();
    for (const source of sources) {
      const breaks = JSON.parse(source.price_breaks) as Array<{ min_quantity_milli: number; unit_price_minor: number }>;
      for (const b of breaks) expect(Object.keys(b).sort()).toEqual(['min_quantity_milli', 'unit_price_minor']);
      expect(Number(source.moq_milli) % Number(source.pack_size_milli)).toBe(0);
    }
    const items = await database().db.selectFrom('items').selectAll().execute();
    expect(items.every((i) => i.allow_negative === 0 && i.active === 1 && Number(i.unit_cost_minor) > 0)).toBe(true);
  });

  it('refuses a database that already holds data, and replaces everything when forced', async () => {
    const first = await writeDemo(database(), small, ctx);
    await expect(writeDemo(database(), { ...small, seed: 6 }, ctx)).rejects.toMatchObject({
      code: 'LS_DUPLICATE',
      message: expect.stringContaining('23 items'),
    });
    expect((await countExistingData(database())).movements).toBe(first.movements);

    const second = await writeDemo(database(), { seed: 6, itemCount: 6, days: 20, force: true }, ctx);
    expect(await countExistingData(database())).toEqual({
      items: 11,
      locations: 9,
      suppliers: 12,
      movements: second.movements,
    });
    const ids = await database().db.selectFrom('items').select('id').orderBy('id').execute();
    expect(ids.map((row) => Number(row.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('stores the purchase orders in every status, with on order exactly what is open on them', async () => {
    const report = await writeDemo(database(), rich, ctx);
    const db = database().db;
    const statuses = await db.selectFrom('purchase_orders').select('status').distinct().execute();
    expect(new Set(statuses.map((row) => row.status))).toEqual(
      new Set(['draft', 'sent', 'confirmed', 'partly_received', 'received', 'closed', 'cancelled']),
    );
    expect(Object.values(report.purchaseOrdersByStatus).every((n) => n > 0)).toBe(true);
    expect(await onOrderMismatches(database())).toEqual([]);
    expect(await ledgerMismatches(database())).toEqual([]);
    const onOrder = await db.selectFrom('balances').select(sql<number>`sum(on_order_milli)`.as('n')).executeTakeFirst();
    expect(Number(onOrder!.n)).toBeGreaterThan(0);

    // Each delivery is a receipt row linked to its receipt movement, and every order receipt in the ledger is linked.
    const receipts = await db
      .selectFrom('purchase_order_receipts as r')
      .innerJoin('purchase_order_lines as l', 'l.id', 'r.purchase_order_line_id')
      .leftJoin('movements as m', 'm.id', 'r.movement_id')
      .select([
        'l.purchase_order_id',
        'l.item_id',
        'l.location_id',
        'r.received_milli',
        'r.received_at',
        'm.reference',
        'm.item_id as movement_item_id',
        'm.location_id as movement_location_id',
        'm.quantity_milli',
        'm.occurred_at',
      ])
      .execute();
    expect(receipts.length).toBeGreaterThan(100);
    const misfits = receipts.filter(
      (r) =>
        r.reference !== `PO-${String(r.purchase_order_id).padStart(6, '0')}` ||
        Number(r.movement_item_id) !== Number(r.item_id) ||
        Number(r.movement_location_id) !== Number(r.location_id) ||
        Number(r.quantity_milli) !== Number(r.received_milli) ||
        Number(r.occurred_at) !== Number(r.received_at),
    );
    expect(misfits).toEqual([]);
    const unlinked = await sql<{ n: number }>`SELECT count(*) AS n FROM movements m WHERE m.type = 'receipt'
      AND m.reference NOT LIKE 'MO-%' AND NOT EXISTS (SELECT 1 FROM purchase_order_receipts r WHERE r.movement_id = m.id)`.execute(
      db,
    );
    expect(Number(unlinked.rows[0]!.n)).toBe(0);

    // Lines carry their prices, which are also the supplier items' purchase price history.
    const prices = await db
      .selectFrom('purchase_order_lines as l')
      .innerJoin('supplier_item_prices as p', 'p.purchase_order_line_id', 'l.id')
      .select([
        'l.unit_price_minor as line_price',
        'p.unit_price_minor as paid',
        'p.kind',
        'l.supplier_item_id',
        'p.supplier_item_id as source',
      ])
      .execute();
    const historical = await db
      .selectFrom('purchase_order_lines')
      .select(sql<number>`count(*)`.as('n'))
      .where('origin', '!=', 'kanban')
      .where('price_rule', '!=', 'contract')
      .executeTakeFirst();
    expect(prices.length).toBeGreaterThan(100);
    expect(
      prices.every(
        (p) =>
          p.kind === 'purchase' &&
          Number(p.paid) === Number(p.line_price) &&
          Number(p.source) === Number(p.supplier_item_id),
      ),
    ).toBe(true);
    expect(Number(historical!.n)).toBeGreaterThanOrEqual(prices.length);

    // Delivery performance as the lines recorded it: some late, some short.
    const lines = await db
      .selectFrom('purchase_order_lines')
      .select(['on_time', 'in_full', 'actual_lead_time_days'])
      .execute();
    expect(lines.some((l) => l.on_time === 0)).toBe(true);
    expect(lines.some((l) => l.in_full === 0)).toBe(true);
    expect(lines.some((l) => l.on_time === 1 && l.in_full === 1 && Number(l.actual_lead_time_days) > 0)).toBe(true);

    // The product reads and acts on them: the open orders can be received like any other.
    const drafts = await listPurchaseOrders(database(), { status: 'draft' });
    expect(drafts.data.length).toBeGreaterThan(0);
    expect(drafts.data.every((o) => o.collecting && o.lines.length > 0)).toBe(true);
    const confirmed = (await listPurchaseOrders(database(), { status: 'confirmed' })).data[0]!;
    expect(confirmed.promised_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const later = { actor: 'tester', now: ctx.now + 3_600_000 };
    const received = await receivePurchaseOrder(
      database(),
      confirmed.id,
      { lines: confirmed.lines.map((l) => ({ sku: l.sku, location: l.location, quantity: l.open_quantity })) },
      later,
    );
    expect(received.status).toBe('received');
    expect(received.lines.every((l) => l.on_time !== null && l.in_full === true)).toBe(true);
    expect(await onOrderMismatches(database())).toEqual([]);
    expect(await ledgerMismatches(database())).toEqual([]);
    const partly = (await listPurchaseOrders(database(), { status: 'partly_received' })).data[0]!;
    expect((await getPurchaseOrder(database(), partly.id)).lines.some((l) => l.open_quantity > 0)).toBe(true);
  });

  it('sets a policy of every kind and lets the trigger draft exactly what the product would', async () => {
    const report = await writeDemo(database(), rich, ctx);
    const db = database().db;
    const kinds = await db
      .selectFrom('policies')
      .select(['kind', sql<number>`count(*)`.as('n')])
      .groupBy('kind')
      .execute();
    expect(Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]))).toEqual(report.policiesByKind);
    expect(Object.keys(report.policiesByKind).sort()).toEqual([
      'kanban',
      'make_to_order',
      'manual',
      'periodic_review',
      'reorder_point',
    ]);
    expect(Object.values(report.policiesByKind).every((n) => n > 0)).toBe(true);

    // A draft line of a reorder point policy was drafted because the position, before it, was at or below s.
    const { rows: drafted } = await sql<{
      origin: string;
      quantity_milli: number;
      reorder_point_milli: number | null;
      on_hand_milli: number;
      on_order_milli: number;
      target_milli: number | null;
    }>`
      SELECT l.origin, l.quantity_milli, p.reorder_point_milli, p.target_milli, b.on_hand_milli, b.on_order_milli
      FROM purchase_order_lines l
      JOIN purchase_orders o ON o.id = l.purchase_order_id
      JOIN policies p ON p.item_id = l.item_id AND p.location_id = l.location_id
      JOIN balances b ON b.item_id = l.item_id AND b.location_id = l.location_id
      WHERE o.status = 'draft'`.execute(db);
    expect(drafted.length).toBe(report.draftLines);
    expect(new Set(drafted.map((d) => d.origin))).toEqual(new Set(['reorder_point', 'kanban']));
    for (const line of drafted.filter((d) => d.origin === 'reorder_point')) {
      const before = Number(line.on_hand_milli) + Number(line.on_order_milli) - Number(line.quantity_milli);
      expect(before).toBeLessThanOrEqual(Number(line.reorder_point_milli));
      expect(before + Number(line.quantity_milli)).toBeGreaterThanOrEqual(Number(line.target_milli));
    }

    // Periodic reviews wait for 06:00 on the weekly supplier's order day.
    const periodic = await db
      .selectFrom('policies as p')
      .innerJoin('items as i', 'i.id', 'p.item_id')
      .innerJoin('locations as l', 'l.id', 'p.location_id')
      .innerJoin('locations as site', 'site.id', 'l.site_id')
      .select(['i.sku', 'l.code', 'site.time_zone', 'p.review_anchor_date', 'p.next_review_at'])
      .where('p.kind', '=', 'periodic_review')
      .execute();
    for (const row of periodic) {
      const local = instantToLocal(Number(row.next_review_at), row.time_zone!);
      expect([local.date, local.time]).toEqual([row.review_anchor_date, '06:00']);
      expect(Number(row.next_review_at) - ctx.now).toBeGreaterThan(0);
      expect(Number(row.next_review_at) - ctx.now).toBeLessThanOrEqual(7 * 86_400_000);
      expect(await getPolicy(database(), row.sku, row.code)).toMatchObject({
        kind: 'periodic_review',
        review_days: 7,
        review_time: '06:00',
        next_review_at: new Date(Number(row.next_review_at)).toISOString(),
      });
    }

    // Kanban loops have their cards; the empty ones were ordered on a draft, on the loop's supplier.
    const loops = await listKanbanLoops(database(), {});
    expect(loops.data.length).toBe(report.kanbanLoops);
    expect(loops.data.reduce((sum, loop) => sum + loop.cards.length, 0)).toBe(report.kanbanCards);
    const data = generateDemo({ ...rich, now: ctx.now });
    for (const loop of loops.data) {
      const planned = data.kanbanLoops.find((l) => l.sku === loop.sku && l.location === loop.location)!;
      expect(loop.cards.map((c) => c.number)).toEqual(planned.cardStates.map((_, n) => n + 1));
      expect(loop.cards.map((c) => (c.state === 'ordered' ? 'empty' : c.state))).toEqual(planned.cardStates);
      expect(loop.supplier).toBe(planned.supplier);
    }
    const ordered = loops.data.flatMap((loop) =>
      loop.cards.filter((c) => c.state === 'ordered').map((c) => ({ loop, c })),
    );
    expect(ordered.length).toBeGreaterThan(0);
    for (const { loop, c } of ordered) {
      const order = await getPurchaseOrder(database(), c.purchase_order_id!);
      expect([order.status, order.supplier]).toEqual(['draft', loop.supplier]);
      const line = order.lines.find((l) => l.id === c.purchase_order_line_id)!;
      const cards = loop.cards.filter((card) => card.purchase_order_line_id === line.id).length;
      expect(line.quantity).toBe(cards * loop.container_quantity);
    }
  });

  it('holds make-to-order products with 2- and 3-level BOMs, customers and orders in motion, as the services keep them', async () => {
    const report = await writeDemo(database(), small, ctx);
    expect(report.makeToOrder).toMatchObject({
      items: 5,
      boms: 6,
      customers: 3,
      customerOrdersByStatus: { draft: 1, confirmed: 2, shipped: 1, cancelled: 0 },
    });
    expect(report.makeToOrder.productionOrdersByStatus.completed).toBeGreaterThanOrEqual(3);
    expect(report.makeToOrder.productionOrdersByStatus.planned).toBeGreaterThanOrEqual(4);
    expect(report.policiesByKind.make_to_order).toBeGreaterThanOrEqual(5);

    // The kit is one level deep, the stand two (legs), the workbench three (frame, legs); each made item is make to order.
    const today = instantToLocal(ctx.now, 'Europe/Berlin').date;
    const depth = async (sku: string) =>
      Math.max(...(await explosionTree(database(), sku, { date: today }, ctx.now)).rows.map((row) => row.level));
    expect(await Promise.all(['FG-1001', 'FG-1002', 'FG-1003'].map(depth))).toEqual([1, 2, 3]);
    for (const sku of ['FG-1001', 'FG-1002', 'FG-1003', 'SUB-1001', 'SUB-1002']) {
      expect(await getPolicy(database(), sku, 'BER')).toMatchObject({ kind: 'make_to_order' });
    }
    expect((await listBoms(database(), { sku: 'FG-1002' })).data.map((bom) => bom.version)).toEqual([1, 2]);
    expect((await listCustomers(database())).data.map((c) => c.code)).toEqual(['KRAFTWERK', 'NORDBAU', 'OFTEJO']);

    // Orders: one shipped before today, two confirmed with a promised date, one draft without.
    const orders = (await listCustomerOrders(database(), {})).data.reverse();
    expect(orders.map((o) => o.status)).toEqual(['shipped', 'confirmed', 'confirmed', 'draft']);
    for (const order of orders.slice(0, 3)) {
      expect(order.promised_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(order.promised_date! >= order.requested_date!).toBe(true);
    }
    expect(orders[3]!.promised_date).toBeNull();
    const shipped = await getCustomerOrder(database(), orders[0]!.number);
    expect(Date.parse(shipped.shipped_at!)).toBeLessThan(ctx.now);
    expect(shipped.lines.every((line) => line.shipped === line.quantity && line.allocated === 0)).toBe(true);
    const inMotion = await getCustomerOrder(database(), orders[1]!.number);
    expect(new Set(inMotion.supplies.map((s) => s.kind))).toEqual(new Set(['purchase_order_line', 'production_order']));
    expect(inMotion.supplies.some((s) => s.kind === 'purchase_order_line' && s.status === 'sent')).toBe(true);
    expect(inMotion.supplies.some((s) => s.kind === 'purchase_order_line' && s.status === 'draft')).toBe(true);
    expect(inMotion.supplies.filter((s) => s.kind === 'production_order').every((s) => s.status === 'planned')).toBe(
      true,
    );
    expect(Math.max(...inMotion.pegging.map((peg) => peg.level))).toBe(3);

    // Every balance: allocated within on hand, and allocated and backordered exactly what the pegs hold.
    const { rows } = await sql<{
      on_hand_milli: number;
      allocated_milli: number;
      backordered_milli: number;
      pegged: number;
      waiting: number;
    }>`
      SELECT b.on_hand_milli, b.allocated_milli, b.backordered_milli,
        (SELECT coalesce(sum(p.quantity_milli), 0) FROM pegs p WHERE p.status = 'allocated'
          AND p.item_id = b.item_id AND p.location_id = b.location_id) AS pegged,
        (SELECT coalesce(sum(p.quantity_milli), 0) FROM pegs p WHERE p.status = 'waiting'
          AND p.item_id = b.item_id AND p.location_id = b.location_id) AS waiting
      FROM balances b`.execute(database().db);
    expect(rows.filter((b) => Number(b.allocated_milli) > Number(b.on_hand_milli))).toEqual([]);
    expect(rows.filter((b) => Number(b.allocated_milli) !== Number(b.pegged))).toEqual([]);
    expect(rows.filter((b) => Number(b.backordered_milli) !== Number(b.waiting))).toEqual([]);
    expect(rows.some((b) => Number(b.allocated_milli) > 0)).toBe(true);
    expect(await onOrderMismatches(database())).toEqual([]);
    expect(await ledgerMismatches(database())).toEqual([]);
  });

  it('writes the same orders and policies for the same seed and day', async () => {
    const snapshot = async () => ({
      orders: await database().db.selectFrom('purchase_orders').selectAll().orderBy('id').execute(),
      lines: await database().db.selectFrom('purchase_order_lines').selectAll().orderBy('id').execute(),
      policies: await database()
        .db.selectFrom('policies')
        .selectAll()
        .orderBy('item_id')
        .orderBy('location_id')
        .execute(),
      cards: await database()
        .db.selectFrom('kanban_cards')
        .select(['loop_id', 'number', 'state', 'purchase_order_line_id'])
        .orderBy('loop_id')
        .orderBy('number')
        .execute(),
    });
    await writeDemo(database(), small, ctx);
    const first = await snapshot();
    await writeDemo(database(), { ...small, force: true }, ctx);
    expect(await snapshot()).toEqual(first);
    expect(first.orders.length).toBeGreaterThan(10);
    expect(first.policies.length).toBeGreaterThan(18);
  });

  it('reports progress after every batch of movements', async () => {
    const calls: Array<[number, number]> = [];
    await writeDemo(database(), { ...small, onProgress: (written, total) => calls.push([written, total]) }, ctx);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.at(-1)![0]).toBe(calls.at(-1)![1]);
  });
});

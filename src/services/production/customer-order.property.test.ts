import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import {
  expectReservationsConsistent,
  type MakeToOrderWorld,
  MTO_NOW,
  mtoCtx,
  seedMakeToOrder,
} from '../../../test/support/make-to-order.js';
import { isDomainError } from '../../domain/errors.js';
import type { Database } from '../../store/database.js';
import { postMovements } from '../ledger.service.js';
import { receivePurchaseOrder, sendPurchaseOrder } from '../purchasing/purchase-order.service.js';
import {
  cancelCustomerOrder,
  changeCustomerOrder,
  createCustomerOrder,
  shipCustomerOrder,
} from './customer-order.service.js';
import { completeProductionOrder, releaseProductionOrder, reportProduction } from './production-order.service.js';

/*
 * Random make-to-order histories, each in its own world (its own items, suppliers and customers) of one database:
 *
 * 1. One customer demand never orders a component twice: confirming, retrying with the same idempotency key,
 *    changing and changing back leave exactly the supply, allocations and backorders that one confirmation of the
 *    final lines leaves in a fresh world.
 * 2. Cancelling returns every quantity: balances (allocated, backordered, on order) and draft purchase lines are as
 *    they were before the order, with other orders confirmed around it.
 * 3. Allocation never exceeds on hand, and every allocation and backorder is a peg, whatever happens: confirmations,
 *    changes, cancellations, receipts, releases, reports, completions and shipments in any order (a refused step
 *    changes nothing).
 */

const ROLES = ['LAMP', 'SHADE', 'BULB', 'DESK', 'TOP', 'LEG', 'BOARD', 'GLUE'] as const;
const REQUESTED = '2026-03-20';

type Lines = { lamp: number; desk: number };
const linesArb: fc.Arbitrary<Lines> = fc.record({
  lamp: fc.integer({ min: 1, max: 12 }),
  desk: fc.integer({ min: 0, max: 5 }),
});

type Command =
  | { kind: 'order'; lines: Lines; customer: 'ROSSI' | 'BLOM' }
  | { kind: 'change'; pick: number; lines: Lines }
  | { kind: 'cancel'; pick: number }
  | { kind: 'ship'; pick: number }
  | { kind: 'receive'; pick: number; part: number }
  | { kind: 'stock'; role: 'BULB' | 'SHADE' | 'LEG'; quantity: number }
  | { kind: 'release'; pick: number }
  | { kind: 'report'; pick: number; quantity: number; scrap: number }
  | { kind: 'complete'; pick: number };

function orderBody(world: MakeToOrderWorld, lines: Lines, customer: 'ROSSI' | 'BLOM' = 'ROSSI') {
  return {
    customer: world.customer(customer),
    requested_date: REQUESTED,
    confirm: true,
    lines: [
      { sku: world.sku('LAMP'), location: 'MAIN', quantity: lines.lamp },
      ...(lines.desk > 0 ? [{ sku: world.sku('DESK'), location: 'MAIN', quantity: lines.desk }] : []),
    ],
  };
}

function changeBody(lines: Lines, hasDesk: boolean) {
  return {
    lines: [
      { line_no: 1, quantity: lines.lamp },
      ...(hasDesk ? [{ line_no: 2, quantity: Math.max(1, lines.desk) }] : []),
    ],
  };
}

/** What a world holds for orders, per role: balances, Σ order supplies still the orders', open production orders. */
async function holdings(database: Database, world: MakeToOrderWorld) {
  const db = database.db;
  const result: Record<string, unknown> = {};
  for (const role of ROLES) {
    const item = await db.selectFrom('items').select('id').where('sku', '=', world.sku(role)).executeTakeFirstOrThrow();
    const itemId = Number(item.id);
    const balance = await db.selectFrom('balances').selectAll().where('item_id', '=', itemId).executeTakeFirst();
    const lines = await db
      .selectFrom('purchase_order_lines as l')
      .innerJoin('purchase_orders as po', 'po.id', 'l.purchase_order_id')
      .select(['l.quantity_milli', 'po.status'])
      .where('l.item_id', '=', itemId)
      .execute();
    const productions = await db
      .selectFrom('production_orders')
      .select(['quantity_milli', 'status'])
      .where('item_id', '=', itemId)
      .where('status', 'in', ['planned', 'released'])
      .execute();
    result[role] = {
      allocated: Number(balance?.allocated_milli ?? 0),
      backordered: Number(balance?.backordered_milli ?? 0),
      onOrder: Number(balance?.on_order_milli ?? 0),
      draftLines: lines.filter((l) => l.status === 'draft').map((l) => Number(l.quantity_milli)),
      openProduction: productions.map((p) => Number(p.quantity_milli)).sort((a, b) => a - b),
    };
  }
  return result;
}

let worlds = 0;
const newWorld = (database: Database, bulbStock = 100_000) =>
  seedMakeToOrder(database, { suffix: `-${++worlds}`, bulbStock });

describeEachDialect('Customer orders over random histories', ({ database, dialect }) => {
  const runs = (sqlite: number, postgres: number) => (dialect === 'postgres' ? postgres : sqlite);

  it('never orders a component twice for one demand: retries, changes and changes back leave one explosion', async () => {
    const db = database();
    type Step = { kind: 'retry' } | { kind: 'change'; lines: Lines } | { kind: 'back' };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      fc.constant({ kind: 'retry' as const }),
      fc.constant({ kind: 'back' as const }),
      linesArb.map((lines) => ({ kind: 'change' as const, lines })),
    );
    await fc.assert(
      fc.asyncProperty(linesArb, fc.array(stepArb, { minLength: 1, maxLength: 5 }), async (first, steps) => {
        const world = await newWorld(db);
        const key = `confirm${world.suffix}`;
        const created = await createCustomerOrder(db, orderBody(world, first), mtoCtx(MTO_NOW, key));
        const hasDesk = first.desk > 0;
        let current = first;
        for (const step of steps) {
          if (step.kind === 'retry') {
            expect(await createCustomerOrder(db, orderBody(world, first), mtoCtx(MTO_NOW, key))).toEqual(created);
            continue;
          }
          current =
            step.kind === 'back' ? first : { lamp: step.lines.lamp, desk: hasDesk ? Math.max(1, step.lines.desk) : 0 };
          await changeCustomerOrder(db, created.number, changeBody(current, hasDesk), mtoCtx());
        }
        const reference = await newWorld(db);
        await createCustomerOrder(db, orderBody(reference, current), mtoCtx());
        expect(await holdings(db, world)).toEqual(await holdings(db, reference));
        await expectReservationsConsistent(db);
      }),
      { numRuns: runs(20, 6), seed: 7001 },
    );
  }, 120_000);

  it('cancelling returns every quantity, with other orders confirmed before it', async () => {
    const db = database();
    await fc.assert(
      fc.asyncProperty(
        fc.array(linesArb, { maxLength: 3 }),
        linesArb,
        fc.option(linesArb, { nil: undefined }),
        async (others, ours, change) => {
          const world = await newWorld(db);
          for (const lines of others) await createCustomerOrder(db, orderBody(world, lines, 'BLOM'), mtoCtx());
          const before = await holdings(db, world);
          const order = await createCustomerOrder(db, orderBody(world, ours), mtoCtx());
          if (change) {
            const lines = { lamp: change.lamp, desk: ours.desk > 0 ? Math.max(1, change.desk) : 0 };
            await changeCustomerOrder(db, order.number, changeBody(lines, ours.desk > 0), mtoCtx());
          }
          const cancelled = await cancelCustomerOrder(db, order.number, { reason: 'property' }, mtoCtx());
          expect(cancelled.notes).toEqual([]);
          expect(await holdings(db, world)).toEqual(before);
          await expectReservationsConsistent(db);
        },
      ),
      { numRuns: runs(20, 6), seed: 7002 },
    );
  }, 120_000);

  it('never allocates more than on hand, and every allocation and backorder is a peg, whatever happens', async () => {
    const db = database();
    const pick = fc.nat({ max: 9 });
    const commandArb: fc.Arbitrary<Command> = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('order' as const),
          lines: linesArb,
          customer: fc.constantFrom('ROSSI' as const, 'BLOM' as const),
        }),
      },
      fc.record({ kind: fc.constant('change' as const), pick, lines: linesArb }),
      fc.record({ kind: fc.constant('cancel' as const), pick }),
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('ship' as const), pick }) },
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant('receive' as const), pick, part: fc.integer({ min: 1, max: 4 }) }),
      },
      fc.record({
        kind: fc.constant('stock' as const),
        role: fc.constantFrom('BULB' as const, 'SHADE' as const, 'LEG' as const),
        quantity: fc.integer({ min: 1, max: 30 }),
      }),
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('report' as const),
          pick,
          quantity: fc.integer({ min: 0, max: 8 }),
          scrap: fc.integer({ min: 0, max: 2 }),
        }),
      },
      fc.record({ kind: fc.constant('complete' as const), pick }),
    );
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 8, maxLength: 25 }), async (commands) => {
        // 30 bulbs and a reorder point of 20: orders compete for them and the reorder point orders more.
        const world = await newWorld(db, 30);
        const orders: string[] = [];
        for (const [i, command] of commands.entries()) {
          const before = await tablesOf(db);
          try {
            await perform(db, world, orders, command);
            seen.set(command.kind, (seen.get(command.kind) ?? 0) + 1);
          } catch (error) {
            if (!isDomainError(error)) throw error;
            expect(await tablesOf(db), `step ${i} ${JSON.stringify(command)} refused: ${error.message}`).toEqual(
              before,
            );
            seen.set('refused', (seen.get('refused') ?? 0) + 1);
          }
          await expectReservationsConsistent(db);
        }
      }),
      // No shrinking: every shrink replays whole histories in new worlds, longer than the test may take.
      { numRuns: runs(25, 6), seed: 7003, endOnFailure: true },
    );
    for (const what of ['order', 'receive', 'release', 'report', 'ship', 'cancel', 'refused']) {
      expect(seen.get(what) ?? 0, what).toBeGreaterThan(0);
    }
  }, 300_000);
});

async function tablesOf(database: Database) {
  const db = database.db;
  return {
    balances: await db.selectFrom('balances').selectAll().orderBy('item_id').execute(),
    pegs: await db.selectFrom('pegs').selectAll().orderBy('id').execute(),
    orders: await db.selectFrom('customer_orders').selectAll().orderBy('id').execute(),
    productions: await db.selectFrom('production_orders').selectAll().orderBy('id').execute(),
    lines: await db.selectFrom('purchase_order_lines').selectAll().orderBy('id').execute(),
  };
}

async function perform(db: Database, world: MakeToOrderWorld, orders: string[], command: Command): Promise<void> {
  const ctx = mtoCtx();
  const chosen = <T>(list: readonly T[], pick: number): T | undefined =>
    list.length === 0 ? undefined : list[pick % list.length];
  switch (command.kind) {
    case 'order': {
      const created = await createCustomerOrder(db, orderBody(world, command.lines, command.customer), ctx);
      orders.push(created.number);
      return;
    }
    case 'change': {
      const number = chosen(orders, command.pick);
      if (number === undefined) return;
      await changeCustomerOrder(db, number, { lines: [{ line_no: 1, quantity: command.lines.lamp }] }, ctx);
      return;
    }
    case 'cancel': {
      const number = chosen(orders, command.pick);
      if (number !== undefined) await cancelCustomerOrder(db, number, {}, ctx);
      return;
    }
    case 'ship': {
      const number = chosen(orders, command.pick);
      if (number !== undefined) await shipCustomerOrder(db, number, undefined, ctx);
      return;
    }
    case 'receive': {
      const lines = await db.db
        .selectFrom('purchase_order_lines as l')
        .innerJoin('purchase_orders as po', 'po.id', 'l.purchase_order_id')
        .innerJoin('items as i', 'i.id', 'l.item_id')
        .select(['l.purchase_order_id', 'po.status', 'i.sku', 'l.quantity_milli', 'l.received_milli'])
        .where('i.sku', 'like', `%${world.suffix}`)
        .where('po.status', 'in', ['draft', 'sent', 'partly_received'])
        .orderBy('l.id')
        .execute();
      const line = chosen(lines, command.pick);
      if (!line) return;
      const id = Number(line.purchase_order_id);
      // A draft is sent by this step, received by a later one.
      if (line.status === 'draft') return void (await sendPurchaseOrder(db, id, ctx));
      const open = Number(line.quantity_milli) - Number(line.received_milli);
      const quantity = Math.ceil(open / command.part) / 1000;
      await receivePurchaseOrder(db, id, { lines: [{ sku: line.sku, location: 'MAIN', quantity }] }, ctx);
      return;
    }
    case 'stock':
      await postMovements(
        db,
        [{ type: 'receipt', sku: world.sku(command.role), location: 'MAIN', quantity: command.quantity }],
        ctx,
      );
      return;
    case 'release':
    case 'report':
    case 'complete': {
      const wanted = command.kind === 'release' ? 'planned' : 'released';
      const productions = await db.db
        .selectFrom('production_orders as mo')
        .innerJoin('items as i', 'i.id', 'mo.item_id')
        .select('mo.number')
        .where('i.sku', 'like', `%${world.suffix}`)
        .where('mo.status', '=', wanted)
        .orderBy('mo.id')
        .execute();
      const mo = chosen(productions, command.pick);
      if (!mo) return;
      if (command.kind === 'release') await releaseProductionOrder(db, mo.number, ctx);
      else if (command.kind === 'report') {
        await reportProduction(db, mo.number, { quantity: command.quantity, scrap: command.scrap }, ctx);
      } else await completeProductionOrder(db, mo.number, {}, ctx);
      return;
    }
  }
}

import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { writeTransaction } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { postMovements, postMovementsWithin } from '../ledger.service.js';
import { setPolicy } from '../policy.service.js';
import { listStock } from '../stock.service.js';
import { createSupplier } from '../supplier.service.js';
import { addSupplierItem } from '../supplier-item.service.js';
import { changeReservations } from './reservations.js';

const ctx: ServiceContext = { actor: 'tester', now: Date.UTC(2026, 2, 2, 9) };

describeEachDialect('reservations: allocated and backordered on the balance', ({ database }) => {
  async function setUp() {
    await seedCatalogue(database(), { items: ['GEAR'], locations: ['WH1'] });
    await postMovements(database(), [{ type: 'receipt', sku: 'GEAR', location: 'WH1', quantity: 50 }], ctx);
    const ids = await database()
      .db.selectFrom('items')
      .innerJoin('locations', (j) => j.onTrue())
      .select(['items.id as itemId', 'locations.id as locationId'])
      .executeTakeFirstOrThrow();
    return { itemId: Number(ids.itemId), locationId: Number(ids.locationId) };
  }
  const stock = async () => (await listStock(database(), { sku: 'GEAR' })).data[0]!;

  it('allocates and backorders: available falls by the allocation, the position by both', async () => {
    const pair = await setUp();
    await writeTransaction(database(), (tx) =>
      changeReservations(tx, database(), [{ ...pair, allocatedDeltaMilli: 30_000, backorderedDeltaMilli: 5_000 }], ctx),
    );
    expect(await stock()).toMatchObject({
      on_hand: 50,
      allocated: 30,
      backordered: 5,
      available: 20,
      inventory_position: 15,
    });
  });

  it('refuses an allocation beyond on hand and changes nothing', async () => {
    const pair = await setUp();
    await expect(
      writeTransaction(database(), (tx) =>
        changeReservations(tx, database(), [{ ...pair, allocatedDeltaMilli: 50_001, backorderedDeltaMilli: 0 }], ctx),
      ),
    ).rejects.toMatchObject({ code: 'LS_OVER_ALLOCATION' });
    expect(await stock()).toMatchObject({ on_hand: 50, allocated: 0, backordered: 0 });
  });

  it('releases part of an allocation that a count left above on hand', async () => {
    const pair = await setUp();
    await writeTransaction(database(), (tx) =>
      changeReservations(tx, database(), [{ ...pair, allocatedDeltaMilli: 40_000, backorderedDeltaMilli: 0 }], ctx),
    );
    await postMovements(database(), [{ type: 'count', sku: 'GEAR', location: 'WH1', quantity: 20 }], ctx);
    await writeTransaction(database(), (tx) =>
      changeReservations(tx, database(), [{ ...pair, allocatedDeltaMilli: -10_000, backorderedDeltaMilli: 0 }], ctx),
    );
    expect(await stock()).toMatchObject({ on_hand: 20, allocated: 30 });
    await expect(
      writeTransaction(database(), (tx) =>
        changeReservations(tx, database(), [{ ...pair, allocatedDeltaMilli: 1_000, backorderedDeltaMilli: 0 }], ctx),
      ),
    ).rejects.toMatchObject({ code: 'LS_OVER_ALLOCATION' });
  });

  it('an issue may not take allocated stock; a shipment consuming the allocation may, without a new order', async () => {
    const pair = await setUp();
    await writeTransaction(database(), (tx) =>
      changeReservations(tx, database(), [{ ...pair, allocatedDeltaMilli: 40_000, backorderedDeltaMilli: 0 }], ctx),
    );
    await expect(
      postMovements(database(), [{ type: 'issue', sku: 'GEAR', location: 'WH1', quantity: 11 }], ctx),
    ).rejects.toMatchObject({ code: 'LS_NEGATIVE_STOCK', message: expect.stringContaining('allocated') });
    await postMovements(database(), [{ type: 'issue', sku: 'GEAR', location: 'WH1', quantity: 10 }], ctx);
    await writeTransaction(database(), (tx) =>
      postMovementsWithin(tx, database(), [{ type: 'sale', sku: 'GEAR', location: 'WH1', quantity: 25 }], ctx, {
        consumeAllocation: true,
      }),
    );
    expect(await stock()).toMatchObject({ on_hand: 15, allocated: 15, available: 0 });
    await postMovements(database(), [{ type: 'receipt', sku: 'GEAR', location: 'WH1', quantity: 10 }], ctx);
    await expect(
      writeTransaction(database(), (tx) =>
        postMovementsWithin(tx, database(), [{ type: 'sale', sku: 'GEAR', location: 'WH1', quantity: 16 }], ctx, {
          consumeAllocation: true,
        }),
      ),
    ).rejects.toMatchObject({ message: 'quantity: is more than the 15 allocated of "GEAR" at "WH1"' });
    expect(await stock()).toMatchObject({ on_hand: 25, allocated: 15 });
  });

  it('an allocation that takes a reorder-point item to its reorder point drafts the order at once', async () => {
    const pair = await setUp();
    await createSupplier(database(), { code: 'ACME', name: 'Acme' }, ctx);
    await addSupplierItem(database(), 'GEAR', { supplier: 'ACME', lead_time_days: 3 }, ctx);
    await setPolicy(database(), 'GEAR', 'WH1', { kind: 'reorder_point', reorder_point: 20, target: 60 }, ctx);
    const outcomes = await writeTransaction(database(), (tx) =>
      changeReservations(tx, database(), [{ ...pair, allocatedDeltaMilli: 35_000, backorderedDeltaMilli: 0 }], ctx),
    );
    // Position 50 − 35 = 15 ≤ 20: order up to 60, i.e. 45.
    expect(outcomes).toMatchObject([{ kind: 'order_line', sku: 'GEAR', quantity: 45, supplier: 'ACME' }]);
    expect(await stock()).toMatchObject({ on_hand: 50, allocated: 35, on_order: 45, inventory_position: 60 });
  });
});

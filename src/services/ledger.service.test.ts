import { describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import { seedCatalogue } from '../../test/support/fixtures.js';
import type { ServiceContext } from './context.js';
import { postMovements, reverseMovement } from './ledger.service.js';
import { listMovements, listStock } from './stock.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0, extra: Partial<ServiceContext> = {}): ServiceContext => ({ actor: 'tester', now, ...extra });

describeEachDialect('stock ledger service', ({ database }) => {
  const seed = () =>
    seedCatalogue(database(), {
      items: ['BOLT-M8', 'NUT-M8', { sku: 'FLEX', allowNegative: true }],
      locations: ['WH1', 'WH2'],
    });

  it('a receipt then an issue leave on hand equal to their difference', async () => {
    await seed();
    await postMovements(database(), [{ type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 10.5 }], ctx());
    const [issued] = await postMovements(
      database(),
      [{ type: 'issue', sku: 'BOLT-M8', location: 'WH1', quantity: 3.25 }],
      ctx(),
    );
    expect(issued!.movements[0]).toMatchObject({
      type: 'issue',
      quantity: 3.25,
      on_hand_change: -3.25,
      actor: 'tester',
    });
    expect(issued!.balances[0]).toEqual({
      sku: 'BOLT-M8',
      location: 'WH1',
      on_hand: 7.25,
      allocated: 0,
      on_order: 0,
      backordered: 0,
      available: 7.25,
      inventory_position: 7.25,
    });
  });

  it('refuses an issue that would take on hand below zero and records nothing', async () => {
    await seed();
    await postMovements(database(), [{ type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 2 }], ctx());
    await expect(
      postMovements(database(), [{ type: 'issue', sku: 'BOLT-M8', location: 'WH1', quantity: 3 }], ctx()),
    ).rejects.toMatchObject({ code: 'LS_NEGATIVE_STOCK', message: expect.stringContaining('quantity') });
    const page = await listMovements(database(), { sku: 'BOLT-M8' });
    expect(page.data).toHaveLength(1);
    expect((await listStock(database(), { sku: 'BOLT-M8' })).data[0]!.on_hand).toBe(2);
  });

  it('lets an item that allows negative stock go below zero', async () => {
    await seed();
    const [out] = await postMovements(
      database(),
      [{ type: 'issue', sku: 'FLEX', location: 'WH1', quantity: 4 }],
      ctx(),
    );
    expect(out!.balances[0]!.on_hand).toBe(-4);
  });

  it('a count records the counted quantity and the ledger holds the difference', async () => {
    await seed();
    await postMovements(database(), [{ type: 'receipt', sku: 'NUT-M8', location: 'WH1', quantity: 100 }], ctx());
    const [counted] = await postMovements(
      database(),
      [{ type: 'count', sku: 'NUT-M8', location: 'WH1', quantity: 97 }],
      ctx(),
    );
    expect(counted!.movements[0]).toMatchObject({ counted_quantity: 97, on_hand_change: -3, quantity: 97 });
    expect(counted!.balances[0]!.on_hand).toBe(97);
  });

  it('a transfer is one document with an out leg and an in leg', async () => {
    await seed();
    await postMovements(database(), [{ type: 'receipt', sku: 'NUT-M8', location: 'WH1', quantity: 10 }], ctx());
    const [moved] = await postMovements(
      database(),
      [{ type: 'transfer', sku: 'NUT-M8', from: 'WH1', to: 'WH2', quantity: 4 }],
      ctx(),
    );
    expect(moved!.movements.map((m) => [m.location, m.on_hand_change])).toEqual([
      ['WH1', -4],
      ['WH2', 4],
    ]);
    expect(moved!.movements[0]!.transfer_id).toBe(moved!.movements[1]!.transfer_id);
    expect(moved!.balances.map((b) => b.on_hand)).toEqual([6, 4]);
  });

  it('a batch is all or nothing and reports every problem with its index', async () => {
    await seed();
    const attempt = postMovements(
      database(),
      [
        { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 5 },
        { type: 'receipt', sku: 'NOPE', location: 'WH1', quantity: 5 },
        { type: 'receipt', sku: 'BOLT-M8', location: 'MARS', quantity: 5 },
      ],
      ctx(),
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'LS_UNKNOWN_ITEM',
      details: [
        { index: 1, field: 'sku' },
        { index: 2, field: 'location' },
      ],
    });
    expect((await listMovements(database(), {})).data).toHaveLength(0);
  });

  it('the same idempotency key posts once and answers the same', async () => {
    await seed();
    const movement = { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 5, idempotency_key: 'scan-1' };
    const [first] = await postMovements(database(), [movement], ctx());
    const [second] = await postMovements(database(), [movement], ctx(t0 + 1000));
    expect(second!.replayed).toBe(true);
    expect(second!.movements[0]!.id).toBe(first!.movements[0]!.id);
    expect((await listMovements(database(), {})).data).toHaveLength(1);
    await expect(postMovements(database(), [{ ...movement, quantity: 6 }], ctx())).rejects.toMatchObject({
      code: 'LS_IDEMPOTENCY_CONFLICT',
    });
  });

  it('an Idempotency-Key on the request returns the stored first answer', async () => {
    await seed();
    const movement = { type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 5 };
    const first = await postMovements(database(), [movement], ctx(t0, { idempotencyKey: 'req-1' }));
    await postMovements(database(), [{ ...movement, quantity: 1 }], ctx());
    const again = await postMovements(database(), [movement], ctx(t0 + 5000, { idempotencyKey: 'req-1' }));
    expect(again).toEqual(first);
    expect((await listMovements(database(), {})).data).toHaveLength(2);
  });

  it('stock as of a past instant sums the movements up to it', async () => {
    await seed();
    await postMovements(database(), [{ type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 10 }], ctx(t0));
    await postMovements(
      database(),
      [{ type: 'issue', sku: 'BOLT-M8', location: 'WH1', quantity: 4 }],
      ctx(t0 + 3600_000),
    );
    const before = await listStock(database(), { sku: 'BOLT-M8', asOf: new Date(t0 + 60_000).toISOString() });
    const now = await listStock(database(), { sku: 'BOLT-M8' });
    expect(before.data[0]!.on_hand).toBe(10);
    expect(now.data[0]!.on_hand).toBe(6);
  });

  it('a reversal posts the opposite movement once and points at the original', async () => {
    await seed();
    await postMovements(database(), [{ type: 'receipt', sku: 'BOLT-M8', location: 'WH1', quantity: 10 }], ctx());
    const [issued] = await postMovements(
      database(),
      [{ type: 'issue', sku: 'BOLT-M8', location: 'WH1', quantity: 4 }],
      ctx(),
    );
    const id = issued!.movements[0]!.id;
    const reversal = await reverseMovement(database(), id, { reason: 'wrong bin' }, ctx());
    expect(reversal.movements[0]).toMatchObject({ reverses_id: id, on_hand_change: 4, reason: 'wrong bin' });
    expect(reversal.balances[0]!.on_hand).toBe(10);
    await expect(reverseMovement(database(), id, { reason: 'again' }, ctx())).rejects.toMatchObject({
      code: 'LS_ALREADY_REVERSED',
    });
  });
});

describe('movement validation', () => {
  it('names the field for four decimals', async () => {
    const { parseMovementRequest } = await import('../domain/ledger/movement.js');
    const parsed = parseMovementRequest({ type: 'issue', sku: 'A', location: 'B', quantity: 1.2345 }, t0);
    expect(parsed).toMatchObject({
      ok: false,
      problems: [{ field: 'quantity', message: 'must have at most 3 decimal places' }],
    });
  });
});

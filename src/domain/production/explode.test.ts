import { describe, expect, it } from 'vitest';
import { type ExplosionDemand, type ExplosionItem, type ExplosionResult, explode } from './explode.js';

/** Week n of a textbook plan as a date: week 1 starts on Monday 2026-01-05. */
const week = (n: number) => new Date(Date.UTC(2026, 0, 5 + 7 * (n - 1))).toISOString().slice(0, 10);
const units = (n: number) => n * 1000;

function made(
  itemId: number,
  leadTimeDays: number,
  lines: Array<[componentItemId: number, quantityPer: number, scrapBp?: number]>,
  options: Partial<ExplosionItem> = {},
): ExplosionItem {
  return {
    itemId,
    bom: {
      bomId: 100 + itemId,
      leadTimeDays,
      lines: lines.map(([componentItemId, quantityPer, scrapBp]) => ({
        componentItemId,
        quantityPerMilli: Math.round(quantityPer * 1000),
        scrapBp: scrapBp ?? 0,
      })),
    },
    purchaseLeadTimeDays: null,
    countUnit: true,
    stocked: true,
    availableMilli: 0,
    openSupply: [],
    ...options,
  };
}

function bought(itemId: number, leadTimeDays: number | null, options: Partial<ExplosionItem> = {}): ExplosionItem {
  return {
    itemId,
    bom: null,
    purchaseLeadTimeDays: leadTimeDays,
    countUnit: true,
    stocked: true,
    availableMilli: 0,
    openSupply: [],
    ...options,
  };
}

const catalogue = (...items: ExplosionItem[]) => new Map(items.map((item) => [item.itemId, item]));

/** Planned orders as [item, quantity in units, release, due] rows, for tables that read like an MRP record. */
const orders = (result: ExplosionResult) =>
  result.plannedOrders.map((order) => [order.itemId, order.quantityMilli / 1000, order.releaseDate, order.dueDate]);

describe('explode: textbook MRP examples (lot-for-lot)', () => {
  it('reproduces the net material requirements plan for 50 Awesome speaker kits (Heizer & Render, Speaker Kits, Inc.)', () => {
    // Heizer, Render & Munson, Operations Management, 12th ed. (Pearson, 2017), ch. 14 (MRP), the Speaker Kits, Inc.
    // examples: A = 2 B + 3 C; B = 2 D + 2 E; C = 2 E + 2 F; F = 2 D + 1 G. Lead times in weeks A 1, B 2, C 1, D 1,
    // E 2, F 3, G 2; on hand A 10, B 15, C 20, D 10, E 10, F 5, G 0; 50 A wanted in week 8. One week = 7 days here.
    //   A: gross 50 (wk 8) − 10 = 40, released wk 7.
    //   B: gross 2 × 40 = 80 (wk 7) − 15 = 65, released wk 5.   C: 3 × 40 = 120 (wk 7) − 20 = 100, released wk 6.
    //   E: 2 × 65 = 130 (wk 5) − 10 = 120, released wk 3; 2 × 100 = 200 (wk 6), released wk 4.
    //   F: 2 × 100 = 200 (wk 6) − 5 = 195, released wk 3.
    //   D: 2 × 195 = 390 (wk 3) − 10 = 380, released wk 2; 2 × 65 = 130 (wk 5), released wk 4.
    //   G: 195 (wk 3), released wk 1.
    const [A, B, C, D, E, F, G] = [1, 2, 3, 4, 5, 6, 7];
    const items = catalogue(
      made(
        A,
        7,
        [
          [B, 2],
          [C, 3],
        ],
        { availableMilli: units(10) },
      ),
      made(
        B,
        14,
        [
          [D, 2],
          [E, 2],
        ],
        { availableMilli: units(15) },
      ),
      made(
        C,
        7,
        [
          [E, 2],
          [F, 2],
        ],
        { availableMilli: units(20) },
      ),
      made(
        F,
        21,
        [
          [D, 2],
          [G, 1],
        ],
        { availableMilli: units(5) },
      ),
      bought(D, 7, { availableMilli: units(10) }),
      bought(E, 14, { availableMilli: units(10) }),
      bought(G, 14),
    );
    const result = explode({
      today: week(1),
      items,
      demands: [{ demandId: 1, itemId: A, quantityMilli: units(50), needDate: week(8) }],
    });
    const byItem = (itemId: number) => orders(result).filter(([item]) => item === itemId);
    expect(byItem(A)).toEqual([[A, 40, week(7), week(8)]]);
    expect(byItem(B)).toEqual([[B, 65, week(5), week(7)]]);
    expect(byItem(C)).toEqual([[C, 100, week(6), week(7)]]);
    expect(byItem(E)).toEqual([
      [E, 120, week(3), week(5)],
      [E, 200, week(4), week(6)],
    ]);
    expect(byItem(F)).toEqual([[F, 195, week(3), week(6)]]);
    expect(byItem(D)).toEqual([
      [D, 380, week(2), week(3)],
      [D, 130, week(4), week(5)],
    ]);
    expect(byItem(G)).toEqual([[G, 195, week(1), week(3)]]);
    expect(result.plannedOrders.map((order) => order.kind)).toEqual([
      'production',
      'production',
      'production',
      'purchase',
      'purchase',
      'production',
      'purchase',
      'purchase',
      'purchase',
    ]);
    expect(result.plannedOrders.every((order) => !order.late && order.rootDemandId === 1)).toBe(true);
    // Gross requirements, from the pegs: every unit of each item's gross requirement is pegged to stock or an order.
    const gross = (itemId: number) =>
      result.pegs.filter((peg) => peg.itemId === itemId).reduce((sum, peg) => sum + peg.quantityMilli, 0) / 1000;
    expect([A, B, C, D, E, F, G].map(gross)).toEqual([50, 80, 120, 520, 330, 200, 195]);
    expect(result.promises).toEqual([{ demandId: 1, promisedDate: week(8), limitedBy: null }]);
    expect(result.problems).toEqual([]);
  });

  it('nets the subassembly S problem against on-hand inventory (Heizer & Render, ch. 14 problems)', () => {
    // Problem data from Heizer & Render, Operations Management, ch. 14 homework problems ("The demand for subassembly
    // S is 100 units in week 7 ..."): S = 1 T + 2 U; T = 1 V + 2 W + 1 X; U = 2 Y + 3 Z. Lead times in weeks S 2,
    // T 1, U 2, V 2, W 3, X 1, Y 2, Z 1; on hand S 20, T 20, U 40, V 30, W 30, X 25, Y 240, Z 40. The expected net
    // plan below is worked by hand with lot-for-lot (the book's answer key is not reproduced here):
    //   S: 100 − 20 = 80 due wk 7, released wk 5.   T: 80 − 20 = 60 due wk 5, released wk 4.
    //   U: 2 × 80 = 160 − 40 = 120 due wk 5, released wk 3.
    //   V: 60 − 30 = 30 due wk 4, released wk 2.   W: 2 × 60 = 120 − 30 = 90 due wk 4, released wk 1.
    //   X: 60 − 25 = 35 due wk 4, released wk 3.   Y: 2 × 120 = 240 − 240 = 0: nothing ordered.
    //   Z: 3 × 120 = 360 − 40 = 320 due wk 3, released wk 2.
    const [S, T, U, V, W, X, Y, Z] = [11, 12, 13, 14, 15, 16, 17, 18];
    const items = catalogue(
      made(
        S,
        14,
        [
          [T, 1],
          [U, 2],
        ],
        { availableMilli: units(20) },
      ),
      made(
        T,
        7,
        [
          [V, 1],
          [W, 2],
          [X, 1],
        ],
        { availableMilli: units(20) },
      ),
      made(
        U,
        14,
        [
          [Y, 2],
          [Z, 3],
        ],
        { availableMilli: units(40) },
      ),
      made(V, 14, [], { availableMilli: units(30) }),
      made(W, 21, [], { availableMilli: units(30) }),
      made(X, 7, [], { availableMilli: units(25) }),
      made(Y, 14, [], { availableMilli: units(240) }),
      made(Z, 7, [], { availableMilli: units(40) }),
    );
    const result = explode({
      today: week(1),
      items,
      demands: [{ demandId: 7, itemId: S, quantityMilli: units(100), needDate: week(7) }],
    });
    expect(orders(result)).toEqual([
      [S, 80, week(5), week(7)],
      [T, 60, week(4), week(5)],
      [U, 120, week(3), week(5)],
      [V, 30, week(2), week(4)],
      [W, 90, week(1), week(4)],
      [X, 35, week(3), week(4)],
      [Z, 320, week(2), week(3)],
    ]);
    const fromStock = result.pegs.filter((peg) => peg.itemId === Y);
    expect(fromStock).toEqual([
      {
        rootDemandId: 7,
        level: 2,
        itemId: Y,
        quantityMilli: units(240),
        needDate: week(3),
        demand: { kind: 'planned_order_component', plannedRef: 3 },
        supply: { kind: 'stock' },
      },
    ]);
    expect(result.promises[0]!.promisedDate).toBe(week(7));
  });
});

describe('explode: netting', () => {
  const today = '2026-03-02';

  it('takes available stock first, then open supply that arrives in time, then orders the rest', () => {
    // Need 100 on 03-20; purchase lead time 10 days, so a new order would arrive 03-12 at the earliest and open
    // supply due by max(03-20, 03-12) = 03-20 counts: 30 in stock, 25 due 03-10, 20 due 03-20; 40 due 03-21 is too
    // late. Rest 100 − 30 − 25 − 20 = 25 ordered, released 03-10.
    const items = catalogue(
      bought(1, 10, {
        availableMilli: units(30),
        openSupply: [
          { kind: 'purchase_order_line', id: 501, dueDate: '2026-03-10', freeMilli: units(25) },
          { kind: 'production_order', id: 601, dueDate: '2026-03-20', freeMilli: units(20) },
          { kind: 'purchase_order_line', id: 502, dueDate: '2026-03-21', freeMilli: units(40) },
        ],
      }),
    );
    const result = explode({
      today,
      items,
      demands: [{ demandId: 9, itemId: 1, quantityMilli: units(100), needDate: '2026-03-20' }],
    });
    expect(result.pegs.map((peg) => [peg.quantityMilli / 1000, peg.supply])).toEqual([
      [30, { kind: 'stock' }],
      [25, { kind: 'purchase_order_line', id: 501, dueDate: '2026-03-10' }],
      [20, { kind: 'production_order', id: 601, dueDate: '2026-03-20' }],
      [25, { kind: 'planned', ref: 1 }],
    ]);
    expect(orders(result)).toEqual([[1, 25, '2026-03-10', '2026-03-20']]);
    expect(result.pegs.every((peg) => peg.demand.kind === 'customer_order_line' && peg.rootDemandId === 9)).toBe(true);
  });

  it('uses open supply due after the need date when a new order could not arrive sooner', () => {
    // Need 03-05, lead time 14 days: a new order arrives 03-16 at the earliest, so supply due 03-12 is taken.
    const items = catalogue(
      bought(1, 14, {
        openSupply: [{ kind: 'purchase_order_line', id: 501, dueDate: '2026-03-12', freeMilli: units(50) }],
      }),
    );
    const result = explode({
      today,
      items,
      demands: [{ demandId: 1, itemId: 1, quantityMilli: units(20), needDate: '2026-03-05' }],
    });
    expect(result.plannedOrders).toEqual([]);
    expect(result.promises).toEqual([
      { demandId: 1, promisedDate: '2026-03-12', limitedBy: { itemId: 1, supply: 'purchase_order_line' } },
    ]);
  });

  it('gives contested stock to the first demand in priority order', () => {
    const items = catalogue(bought(1, 5, { availableMilli: units(8) }));
    const result = explode({
      today,
      items,
      demands: [
        { demandId: 21, itemId: 1, quantityMilli: units(6), needDate: '2026-03-30' },
        { demandId: 20, itemId: 1, quantityMilli: units(6), needDate: '2026-03-03' },
      ],
    });
    expect(result.pegs.map((peg) => [peg.rootDemandId, peg.quantityMilli / 1000, peg.supply.kind])).toEqual([
      [21, 6, 'stock'],
      [20, 2, 'stock'],
      [20, 4, 'planned'],
    ]);
    // Demand 20 waits for its 4 ordered on 03-02 (today; 03-03 − 5 days is in the past): due 03-07.
    expect(result.plannedOrders).toMatchObject([
      { rootDemandId: 20, late: true, releaseDate: today, dueDate: '2026-03-07' },
    ]);
    expect(result.promises).toEqual([
      { demandId: 21, promisedDate: '2026-03-30', limitedBy: null },
      { demandId: 20, promisedDate: '2026-03-07', limitedBy: { itemId: 1, supply: 'planned' } },
    ]);
  });

  it('never takes free stock or open supply beyond what there is across demands and levels', () => {
    // Item 2 is both sold and a component of item 1: its 5 in stock go to the first demand that reaches it in
    // priority order — the line for 1 (its component need) comes first.
    const items = catalogue(made(1, 2, [[2, 1]]), bought(2, 3, { availableMilli: units(5) }));
    const result = explode({
      today,
      items,
      demands: [
        { demandId: 1, itemId: 1, quantityMilli: units(4), needDate: '2026-03-20' },
        { demandId: 2, itemId: 2, quantityMilli: units(4), needDate: '2026-03-10' },
      ],
    });
    const stock = result.pegs.filter((peg) => peg.supply.kind === 'stock');
    expect(stock.map((peg) => [peg.rootDemandId, peg.quantityMilli / 1000])).toEqual([
      [1, 4],
      [2, 1],
    ]);
    expect(orders(result)).toEqual([
      [1, 4, '2026-03-18', '2026-03-20'],
      [2, 3, '2026-03-07', '2026-03-10'],
    ]);
  });

  it('always orders a make-to-order item, leaving its free stock alone, but may take its open supply', () => {
    const items = catalogue(
      made(1, 3, [[2, 2]], {
        stocked: false,
        availableMilli: units(100),
        openSupply: [{ kind: 'production_order', id: 77, dueDate: '2026-03-09', freeMilli: units(1) }],
      }),
      bought(2, 2, { availableMilli: units(100) }),
    );
    const result = explode({
      today,
      items,
      demands: [{ demandId: 1, itemId: 1, quantityMilli: units(3), needDate: '2026-03-10' }],
    });
    expect(result.pegs.filter((peg) => peg.itemId === 1).map((peg) => peg.supply)).toEqual([
      { kind: 'production_order', id: 77, dueDate: '2026-03-09' },
      { kind: 'planned', ref: 1 },
    ]);
    expect(orders(result)).toEqual([[1, 2, '2026-03-07', '2026-03-10']]);
    // Its stocked component comes from stock: 2 × 2 = 4 on the release date.
    expect(result.pegs.filter((peg) => peg.itemId === 2)).toEqual([
      {
        rootDemandId: 1,
        level: 1,
        itemId: 2,
        quantityMilli: units(4),
        needDate: '2026-03-07',
        demand: { kind: 'planned_order_component', plannedRef: 1 },
        supply: { kind: 'stock' },
      },
    ]);
  });
});

describe('explode: quantities', () => {
  it('adds scrap and rounds counted components up to whole units', () => {
    // 7 frames × 1.5 kg steel × 1.04 scrap = 10.92 kg; 7 × 3 bolts × 1.05 = 22.05 → 23 bolts; 7 × 0.5 l paint = 3.5 l.
    const items = catalogue(
      made(
        1,
        2,
        [
          [2, 1.5, 400],
          [3, 3, 500],
          [4, 0.5],
        ],
        { countUnit: true },
      ),
      bought(2, 5, { countUnit: false }),
      bought(3, 5, { countUnit: true }),
      bought(4, 5, { countUnit: false }),
    );
    const result = explode({
      today: '2026-03-02',
      items,
      demands: [{ demandId: 1, itemId: 1, quantityMilli: units(7), needDate: '2026-03-20' }],
    });
    expect(result.plannedOrders.map((order) => [order.itemId, order.quantityMilli])).toEqual([
      [1, 7000],
      [2, 10_920],
      [3, 23_000],
      [4, 3_500],
    ]);
  });

  it('orders one planned order per demand, item and need date even when an item is reached by several parents', () => {
    // 1 = 2 × 2 + 1 × 3, 3 = 2 × 2: for 5 of item 1, item 2 is needed by the order for 1 (10) and by the order for
    // 3 (10), on different dates; each date gets its own order, and the demand orders 20 of item 2 in all.
    const items = catalogue(
      made(1, 1, [
        [2, 2],
        [3, 1],
      ]),
      made(3, 4, [[2, 2]]),
      bought(2, 2),
    );
    const result = explode({
      today: '2026-03-02',
      items,
      demands: [{ demandId: 1, itemId: 1, quantityMilli: units(5), needDate: '2026-03-20' }],
    });
    expect(orders(result)).toEqual([
      [1, 5, '2026-03-19', '2026-03-20'],
      [3, 5, '2026-03-15', '2026-03-19'],
      [2, 10, '2026-03-13', '2026-03-15'],
      [2, 10, '2026-03-17', '2026-03-19'],
    ]);
    expect(result.plannedOrders.map((order) => order.level)).toEqual([0, 1, 2, 1]);
  });
});

describe('explode: lateness and promise dates', () => {
  it('releases a late order today, due today + lead time, and moves the promise out by what limits it', () => {
    // Today 03-02. Frame (1) takes 5 days from tube (2, bought, 10 days). Need 03-10: frame release 03-05, but the
    // tube ordered today arrives 03-12 (late), so the frame starts 03-12 and is ready 03-17: the promise.
    const items = catalogue(made(1, 5, [[2, 1]]), bought(2, 10));
    const result = explode({
      today: '2026-03-02',
      items,
      demands: [{ demandId: 1, itemId: 1, quantityMilli: units(1), needDate: '2026-03-10' }],
    });
    expect(result.plannedOrders).toMatchObject([
      { itemId: 1, releaseDate: '2026-03-05', dueDate: '2026-03-10', late: false },
      { itemId: 2, releaseDate: '2026-03-02', dueDate: '2026-03-12', late: true },
    ]);
    expect(result.promises).toEqual([
      { demandId: 1, promisedDate: '2026-03-17', limitedBy: { itemId: 2, supply: 'planned' } },
    ]);
  });

  it('promises a late finished item on today + its lead time when its components are in stock', () => {
    const items = catalogue(made(1, 6, [[2, 1]]), bought(2, 10, { availableMilli: units(10) }));
    const result = explode({
      today: '2026-03-02',
      items,
      demands: [{ demandId: 1, itemId: 1, quantityMilli: units(1), needDate: '2026-03-04' }],
    });
    expect(result.plannedOrders).toMatchObject([
      { itemId: 1, releaseDate: '2026-03-02', dueDate: '2026-03-08', late: true },
    ]);
    expect(result.promises[0]).toEqual({
      demandId: 1,
      promisedDate: '2026-03-08',
      limitedBy: { itemId: 1, supply: 'planned' },
    });
  });

  it('counts open supply past its due date as ready today', () => {
    const items = catalogue(
      bought(1, 3, {
        openSupply: [{ kind: 'purchase_order_line', id: 5, dueDate: '2026-02-20', freeMilli: units(2) }],
      }),
    );
    const result = explode({
      today: '2026-03-02',
      items,
      demands: [{ demandId: 1, itemId: 1, quantityMilli: units(2), needDate: '2026-02-25' }],
    });
    expect(result.promises[0]).toEqual({
      demandId: 1,
      promisedDate: '2026-03-02',
      limitedBy: { itemId: 1, supply: 'purchase_order_line' },
    });
  });
});

describe('explode: problems', () => {
  it('reports an unknown item once per demand and plans everything else', () => {
    const items = catalogue(
      made(1, 2, [
        [2, 1],
        [99, 1],
      ]),
      bought(2, 1),
    );
    const demands: ExplosionDemand[] = [
      { demandId: 1, itemId: 1, quantityMilli: units(1), needDate: '2026-03-20' },
      { demandId: 2, itemId: 98, quantityMilli: units(1), needDate: '2026-03-20' },
    ];
    const result = explode({ today: '2026-03-02', items, demands });
    expect(result.problems).toEqual([
      { demandId: 2, itemId: 98, message: 'item 98 is unknown' },
      { demandId: 1, itemId: 99, message: 'item 99 is unknown' },
    ]);
    expect(result.plannedOrders.map((order) => order.itemId)).toEqual([1, 2]);
  });

  it('reports a bought item without a source and leaves its shortfall unplanned', () => {
    const items = catalogue(made(1, 2, [[2, 3]]), bought(2, null, { availableMilli: units(1) }));
    const result = explode({
      today: '2026-03-02',
      items,
      demands: [{ demandId: 4, itemId: 1, quantityMilli: units(2), needDate: '2026-03-20' }],
    });
    expect(result.problems).toEqual([
      {
        demandId: 4,
        itemId: 2,
        message: 'item 2 has no BOM and no active source: 5000 milli-units are left unplanned',
      },
    ]);
    expect(result.plannedOrders.map((order) => order.itemId)).toEqual([1]);
    expect(result.pegs.filter((peg) => peg.itemId === 2).map((peg) => peg.quantityMilli)).toEqual([units(1)]);
  });

  it('refuses BOMs that hold a cycle', () => {
    const items = catalogue(made(1, 1, [[2, 1]]), made(2, 1, [[3, 1]]), made(3, 1, [[2, 1]]));
    expect(() =>
      explode({
        today: '2026-03-02',
        items,
        demands: [{ demandId: 1, itemId: 1, quantityMilli: units(1), needDate: '2026-03-20' }],
      }),
    ).toThrow(RangeError);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() =>
      explode({
        today: '2026-3-2',
        items: catalogue(bought(1, 1)),
        demands: [{ demandId: 1, itemId: 1, quantityMilli: 1, needDate: '2026-03-20' }],
      }),
    ).toThrow(RangeError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { componentRequirementMilli } from './bom.js';
import {
  type ExplosionDemand,
  type ExplosionInput,
  type ExplosionItem,
  type ExplosionResult,
  explode,
  type PegSupply,
} from './explode.js';

const TODAY = '2026-04-01';
const DAY_MS = 86_400_000;
const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const today = dayOf(TODAY);

/**
 * A random catalogue whose BOMs form a DAG (an item's components have higher ids), and demands for random items.
 * `withoutSource` lets some bought items lack a lead time (a problem).
 */
function arbitraryInput(withoutSource: boolean): fc.Arbitrary<ExplosionInput> {
  return fc.integer({ min: 1, max: 10 }).chain((count) => {
    const item = (itemId: number) =>
      fc
        .record({
          made: itemId < count ? fc.boolean() : fc.constant(false),
          lines: fc.uniqueArray(
            fc.record({
              component: fc.integer({ min: itemId + 1, max: Math.max(itemId + 1, count) }),
              perMilli: fc.integer({ min: 1, max: 3500 }),
              scrapBp: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2000 })),
            }),
            { minLength: 1, maxLength: 3, selector: (line) => line.component },
          ),
          leadTimeDays: fc.integer({ min: 0, max: 25 }),
          noSource: withoutSource ? fc.boolean() : fc.constant(false),
          countUnit: fc.boolean(),
          stocked: fc.boolean(),
          availableUnits: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 })),
          supply: fc.array(
            fc.record({
              purchase: fc.boolean(),
              dueOffset: fc.integer({ min: -10, max: 50 }),
              freeMilli: fc.integer({ min: 0, max: 20_000 }),
            }),
            { maxLength: 3 },
          ),
        })
        .map((drawn): ExplosionItem => {
          const made = drawn.made && itemId < count;
          return {
            itemId,
            bom: made
              ? {
                  bomId: 1000 + itemId,
                  leadTimeDays: drawn.leadTimeDays,
                  lines: drawn.lines
                    .filter((line) => line.component <= count)
                    .map((line) => ({
                      componentItemId: line.component,
                      quantityPerMilli: line.perMilli,
                      scrapBp: line.scrapBp,
                    })),
                }
              : null,
            purchaseLeadTimeDays: drawn.noSource ? null : drawn.leadTimeDays,
            countUnit: drawn.countUnit,
            stocked: drawn.stocked,
            availableMilli: drawn.availableUnits * 1000,
            openSupply: drawn.supply
              .map((supply, index) => ({
                kind: supply.purchase ? ('purchase_order_line' as const) : ('production_order' as const),
                id: itemId * 100 + index,
                dueDate: dateOf(today + supply.dueOffset),
                freeMilli: supply.freeMilli,
              }))
              .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0)),
          };
        });
    const items = fc.tuple(...Array.from({ length: count }, (_, i) => item(i + 1)));
    const demands = fc.array(
      fc.record({
        itemId: fc.integer({ min: 1, max: count }),
        quantityMilli: fc.integer({ min: 1, max: 25_000 }),
        needOffset: fc.integer({ min: -5, max: 60 }),
      }),
      { minLength: 1, maxLength: 6 },
    );
    return fc.tuple(items, demands).map(([list, drawn]) => ({
      today: TODAY,
      items: new Map(list.map((entry) => [entry.itemId, entry])),
      demands: drawn.map(
        (demand, index): ExplosionDemand => ({
          demandId: 500 + index,
          itemId: demand.itemId,
          quantityMilli: demand.quantityMilli,
          needDate: dateOf(today + demand.needOffset),
        }),
      ),
    }));
  });
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Expected gross requirement of each demand × item: the line itself plus the components of its production orders. */
function grossRequirements(input: ExplosionInput, result: ExplosionResult): Map<string, number> {
  const gross = new Map<string, number>();
  const add = (demandId: number, itemId: number, milli: number) =>
    gross.set(`${demandId}:${itemId}`, (gross.get(`${demandId}:${itemId}`) ?? 0) + milli);
  for (const demand of input.demands) add(demand.demandId, demand.itemId, demand.quantityMilli);
  for (const order of result.plannedOrders) {
    if (order.kind !== 'production') continue;
    for (const line of input.items.get(order.itemId)!.bom!.lines) {
      const component = input.items.get(line.componentItemId)!;
      add(
        order.rootDemandId,
        line.componentItemId,
        componentRequirementMilli(order.quantityMilli, line.quantityPerMilli, line.scrapBp, component.countUnit),
      );
    }
  }
  return gross;
}

/** Ready day of a supply by the forward pass, recomputed from the pegs by recursion. */
function readyDay(input: ExplosionInput, result: ExplosionResult, supply: PegSupply): number {
  if (supply.kind === 'stock') return today;
  if (supply.kind !== 'planned') return Math.max(dayOf(supply.dueDate), today);
  const order = result.plannedOrders[supply.ref - 1]!;
  const due = dayOf(order.dueDate);
  if (order.kind === 'purchase') return due;
  const components = result.pegs.filter(
    (peg) => peg.demand.kind === 'planned_order_component' && peg.demand.plannedRef === order.ref,
  );
  const componentsReady = Math.max(today, ...components.map((peg) => readyDay(input, result, peg.supply)));
  const lead = input.items.get(order.itemId)!.bom!.leadTimeDays;
  return componentsReady > dayOf(order.releaseDate) ? Math.max(due, componentsReady + lead) : due;
}

describe('explode: properties on random DAG BOMs', () => {
  it('(a) never pegs more stock than is available, nor more of an open supply than is free', () => {
    fc.assert(
      fc.property(arbitraryInput(true), (input) => {
        const result = explode(input);
        for (const item of input.items.values()) {
          const pegs = result.pegs.filter((peg) => peg.itemId === item.itemId);
          const fromStock = sum(pegs.filter((peg) => peg.supply.kind === 'stock').map((peg) => peg.quantityMilli));
          expect(fromStock).toBeLessThanOrEqual(item.stocked ? item.availableMilli : 0);
          for (const supply of item.openSupply) {
            const taken = pegs
              .filter((peg) => peg.supply.kind === supply.kind && 'id' in peg.supply && peg.supply.id === supply.id)
              .map((peg) => peg.quantityMilli);
            expect(sum(taken)).toBeLessThanOrEqual(supply.freeMilli);
          }
        }
        expect(result.pegs.every((peg) => peg.quantityMilli > 0)).toBe(true);
        expect(result.pegs.every((peg) => (peg.demand.kind === 'customer_order_line') === (peg.level === 0))).toBe(
          true,
        );
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('(b) pegs exactly the gross requirement of every demand × item: nothing ordered twice, nothing missing', () => {
    fc.assert(
      fc.property(arbitraryInput(false), (input) => {
        const result = explode(input);
        expect(result.problems).toEqual([]);
        const pegged = new Map<string, number>();
        for (const peg of result.pegs) {
          const key = `${peg.rootDemandId}:${peg.itemId}`;
          pegged.set(key, (pegged.get(key) ?? 0) + peg.quantityMilli);
        }
        expect(pegged).toEqual(grossRequirements(input, result));
        // At most one planned order per demand, item and need date (a late one is due later than its need date).
        const needDates = new Map<number, Set<string>>();
        for (const peg of result.pegs) {
          if (peg.supply.kind !== 'planned') continue;
          needDates.set(peg.supply.ref, (needDates.get(peg.supply.ref) ?? new Set()).add(peg.needDate));
        }
        const keys = result.plannedOrders.map((order) => {
          const dates = [...needDates.get(order.ref)!];
          expect(dates).toHaveLength(1);
          return `${order.rootDemandId}:${order.itemId}:${dates[0]}`;
        });
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('(c) pegs every planned order to exactly its quantity, from its own demand and item', () => {
    fc.assert(
      fc.property(arbitraryInput(true), (input) => {
        const result = explode(input);
        result.plannedOrders.forEach((order, index) => {
          expect(order.ref).toBe(index + 1);
          const pegs = result.pegs.filter((peg) => peg.supply.kind === 'planned' && peg.supply.ref === order.ref);
          expect(sum(pegs.map((peg) => peg.quantityMilli))).toBe(order.quantityMilli);
          expect(pegs.every((peg) => peg.itemId === order.itemId && peg.rootDemandId === order.rootDemandId)).toBe(
            true,
          );
          expect(order.kind).toBe(input.items.get(order.itemId)!.bom === null ? 'purchase' : 'production');
          // Its level is the shallowest of the needs it serves; its components sit one level below it.
          expect(order.level).toBe(Math.min(...pegs.map((peg) => peg.level)));
          const components = result.pegs.filter(
            (peg) => peg.demand.kind === 'planned_order_component' && peg.demand.plannedRef === order.ref,
          );
          expect(components.every((peg) => peg.level === order.level + 1)).toBe(true);
        });
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('(d) releases no later than due, by exactly the lead time, never before today; late ones release today', () => {
    fc.assert(
      fc.property(arbitraryInput(true), (input) => {
        const result = explode(input);
        for (const order of result.plannedOrders) {
          const item = input.items.get(order.itemId)!;
          const lead = item.bom?.leadTimeDays ?? item.purchaseLeadTimeDays!;
          const release = dayOf(order.releaseDate);
          const due = dayOf(order.dueDate);
          expect(release).toBeLessThanOrEqual(due);
          expect(due - release).toBe(lead);
          expect(release).toBeGreaterThanOrEqual(today);
          if (order.late) expect(release).toBe(today);
          // On time, it is due on the need date of everything pegged to it.
          const needs = result.pegs
            .filter((peg) => peg.supply.kind === 'planned' && peg.supply.ref === order.ref)
            .map((peg) => dayOf(peg.needDate));
          if (!order.late) expect(needs.every((need) => need === due)).toBe(true);
          else expect(needs.every((need) => need - lead < today)).toBe(true);
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('(e) promises no earlier than the need date and the ready date of every supply pegged to the line', () => {
    fc.assert(
      fc.property(arbitraryInput(false), (input) => {
        const result = explode(input);
        expect(result.promises.map((promise) => promise.demandId)).toEqual(input.demands.map((d) => d.demandId));
        for (const [index, promise] of result.promises.entries()) {
          const demand = input.demands[index]!;
          const ready = result.pegs
            .filter((peg) => peg.demand.kind === 'customer_order_line' && peg.demand.id === demand.demandId)
            .map((peg) => readyDay(input, result, peg.supply));
          const promised = dayOf(promise.promisedDate);
          expect(promised).toBe(Math.max(dayOf(demand.needDate), ...ready));
          expect(promise.limitedBy === null).toBe(promised === dayOf(demand.needDate));
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('gives the same result for the same input (no clock, no randomness)', () => {
    fc.assert(
      fc.property(arbitraryInput(true), (input) => {
        expect(explode(input)).toEqual(explode(input));
      }),
      { seed: 7, numRuns: 50 },
    );
  });
});

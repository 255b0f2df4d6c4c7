/**
 * Requirement explosion (MRP) for make-to-order: customer demands exploded level by level through their BOMs,
 * netted against available stock and open supply, the rest planned lot-for-lot and offset by lead time, with
 * pegging from every demand to its supply and a capable-to-promise date per demand.
 */
import { formatDayNumber } from '../planning/daily-demand.js';
import { parseLocalDate } from '../replenishment/local-time.js';
import { type BomLineInput, componentRequirementMilli, lowLevelCodes } from './bom.js';

export type ExplosionItem = {
  itemId: number;
  /** Effective BOM at the location (null: the item is bought). */
  bom: { bomId: number; leadTimeDays: number; lines: BomLineInput[] } | null;
  /** Lead time to buy it from its first-ranked active source; null when it has none (a problem if bought). */
  purchaseLeadTimeDays: number | null;
  countUnit: boolean;
  /** Stocked items (any policy except make_to_order) are allocated from available stock first; make-to-order
   *  items are never taken from stock that is not already theirs: they are always ordered. */
  stocked: boolean;
  /** on hand − allocated, ≥ 0. */
  availableMilli: number;
  /** Open supply of this item × location not yet pegged, earliest due first. */
  openSupply: Array<{
    kind: 'purchase_order_line' | 'production_order';
    id: number;
    dueDate: string;
    freeMilli: number;
  }>;
};
export type ExplosionDemand = { demandId: number; itemId: number; quantityMilli: number; needDate: string };
export type ExplosionInput = {
  today: string;
  items: ReadonlyMap<number, ExplosionItem>;
  demands: readonly ExplosionDemand[];
};
export type PlannedOrder = {
  ref: number;
  kind: 'purchase' | 'production';
  itemId: number;
  quantityMilli: number;
  releaseDate: string;
  dueDate: string;
  bomId: number | null;
  level: number;
  rootDemandId: number;
  /** The release date fell before today: it releases today and arrives late. */
  late: boolean;
};
export type PegDemand =
  | { kind: 'customer_order_line'; id: number }
  | { kind: 'planned_order_component'; plannedRef: number };
export type PegSupply =
  | { kind: 'stock' }
  | { kind: 'purchase_order_line' | 'production_order'; id: number; dueDate: string }
  | { kind: 'planned'; ref: number };
export type Peg = {
  rootDemandId: number;
  level: number;
  itemId: number;
  quantityMilli: number;
  needDate: string;
  demand: PegDemand;
  supply: PegSupply;
};
export type DemandPromise = {
  demandId: number;
  promisedDate: string;
  /** what limits it */
  limitedBy: { itemId: number; supply: PegSupply['kind'] } | null;
};
export type ExplosionProblem = { demandId: number; itemId: number; message: string };
export type ExplosionResult = {
  plannedOrders: PlannedOrder[];
  pegs: Peg[];
  promises: DemandPromise[];
  problems: ExplosionProblem[];
};

/** One item reachable from the demands, with what is left of its stock and open supply as netting goes on. */
type Node = {
  itemId: number;
  item: ExplosionItem | undefined;
  /** Node index of each BOM line's component. */
  componentNodes: number[];
  leadTimeDays: number | null;
  stockLeftMilli: number;
  /** Copies of the open supply, earliest due first; `freeMilli` falls as it is pegged. */
  supplies: Array<{
    kind: 'purchase_order_line' | 'production_order';
    id: number;
    dueDate: string;
    dueDay: number;
    freeMilli: number;
  }>;
  /** Index of the first open supply with something free left; every one before it is used up. */
  supplyHead: number;
  /** Indices of the gross requirements of this item (see `Requirements`). */
  requirements: number[];
};

/**
 * Gross requirements, one column per field and one row per requirement (a customer line, or a component of a planned
 * production order), in creation order. Columns of numbers rather than objects: an explosion makes hundreds of
 * thousands of them and throws them away.
 */
type Requirements = {
  rootIndex: number[];
  level: number[];
  quantityMilli: number[];
  needDay: number[];
  /** −1 for the customer line itself, else the planned production order whose component this is. */
  plannedRef: number[];
};

/** What the forward pass needs of each peg and planned order, in columns like `Requirements`. */
type PassFacts = {
  /** Per peg: ready day of stock or open supply (−1 for a planned order), the planned order it is on (−1: none),
   *  the planned order whose component it serves (−1: a customer line), and its demand's index. */
  pegSupplyDay: number[];
  pegPlannedRef: number[];
  pegForPlannedRef: number[];
  pegRootIndex: number[];
  /** Per planned order (ref − 1). */
  orderDueDay: number[];
  orderReleaseDay: number[];
  orderLeadTimeDays: number[];
  orderMade: boolean[];
};

const STOCK: PegSupply = Object.freeze({ kind: 'stock' });

/**
 * Explodes customer demands through their BOMs (MRP with lot-for-lot sizing, pegging and capable-to-promise).
 *
 * Demands are served in the given order (priority). Items are planned level by level by low-level code, so each
 * item's gross requirements are all known before it is netted. Netting for each requirement, in priority order
 * and within a demand by need date: available stock (stocked items only), then open supply due no later than a
 * new order would arrive (max(need date, today + lead time)), earliest first, then the rest goes into one planned
 * order per demand, item and need date (lot-for-lot, as in the MRP record: one planned order receipt per period
 * with a net requirement). Release = due − lead time in calendar days; a release before today releases today and is
 * due today + lead time (`late`). A planned production order's components are demanded on its release date, at
 * `componentRequirementMilli` of its quantity.
 *
 * Promise (forward pass): stock is ready today, open supply on its due date (today if past), a planned purchase on
 * its due date, a planned production order on max(due, latest component ready + lead time); a demand's promised
 * date is the latest of its need date and the ready dates of everything pegged to it; `limitedBy` names the item
 * and supply that set it (the deepest late component when a production order waits for one), null when on time.
 *
 * Problems (the demand's explosion is then incomplete): an item unknown to `items`, and an item without a BOM or
 * a source (its shortfall is left unplanned and unpegged). Dates YYYY-MM-DD; throws RangeError for another form,
 * and for BOMs reachable from the demands that hold a cycle (refused when BOMs are saved: see `findBomCycle`).
 * Pure: no I/O, no clock. Pegs share their demand and supply objects (one per customer line, planned order, or
 * stock): treat the result as read-only.
 *
 * Sources: the MRP record (gross requirements, scheduled receipts, projected on hand, net requirements, planned
 * order receipts and releases; low-level coding) of Orlicky, *Material Requirements Planning* (1975), as taught in
 * Heizer & Render, *Operations Management*, ch. 14.
 *
 * @example explode({ today: '2026-06-01', items, demands: [{ demandId: 1, itemId: 10, quantityMilli: 5000, needDate: '2026-06-20' }] })
 */
export function explode(input: ExplosionInput): ExplosionResult {
  const today = readDay(input.today, 'today');
  const demands = input.demands;
  const nodes: Node[] = [];
  const nodeOf = new Map<number, number>();
  const addNode = (itemId: number): number => {
    const known = nodeOf.get(itemId);
    if (known !== undefined) return known;
    const index = nodes.length;
    nodeOf.set(itemId, index);
    const item = input.items.get(itemId);
    const supplies = (item?.openSupply ?? [])
      .filter((supply) => supply.freeMilli > 0)
      .map((supply) => ({ ...supply, dueDay: readDay(supply.dueDate, 'openSupply.dueDate') }))
      .sort((a, b) => a.dueDay - b.dueDay);
    nodes.push({
      itemId,
      item,
      componentNodes: [],
      leadTimeDays: item === undefined ? null : item.bom !== null ? item.bom.leadTimeDays : item.purchaseLeadTimeDays,
      stockLeftMilli: item?.stocked ? item.availableMilli : 0,
      supplies,
      supplyHead: 0,
      requirements: [],
    });
    return index;
  };

  // The items reachable from the demands, and their low-level codes over that part of the BOM graph.
  const edges = new Map<number, number[]>();
  for (const demand of demands) addNode(demand.itemId);
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]!;
    const bom = node.item?.bom;
    if (!bom) continue;
    const components: number[] = [];
    for (const line of bom.lines) {
      node.componentNodes.push(addNode(line.componentItemId));
      components.push(line.componentItemId);
    }
    edges.set(node.itemId, components);
  }
  const codes = lowLevelCodes(edges);
  const byCode: number[][] = [];
  for (let index = 0; index < nodes.length; index++) {
    const code = codes.get(nodes[index]!.itemId) ?? 0;
    while (byCode.length <= code) byCode.push([]);
    byCode[code]!.push(index);
  }

  const req: Requirements = {
    rootIndex: [],
    level: [],
    quantityMilli: [],
    needDay: [],
    plannedRef: [],
  };
  const addRequirement = (
    node: Node,
    rootIndex: number,
    level: number,
    quantityMilli: number,
    needDay: number,
    plannedRef: number,
  ) => {
    node.requirements.push(req.rootIndex.length);
    req.rootIndex.push(rootIndex);
    req.level.push(level);
    req.quantityMilli.push(quantityMilli);
    req.needDay.push(needDay);
    req.plannedRef.push(plannedRef);
  };
  const needDays = demands.map((demand) => readDay(demand.needDate, 'needDate'));
  for (let rootIndex = 0; rootIndex < demands.length; rootIndex++) {
    const demand = demands[rootIndex]!;
    if (demand.quantityMilli <= 0) continue;
    const node = nodes[nodeOf.get(demand.itemId)!]!;
    addRequirement(node, rootIndex, 0, demand.quantityMilli, needDays[rootIndex]!, -1);
  }

  const dates = new DateStrings();
  const plannedOrders: PlannedOrder[] = [];
  const pegs: Peg[] = [];
  const problems: ExplosionProblem[] = [];
  const facts: PassFacts = {
    pegSupplyDay: [],
    pegPlannedRef: [],
    pegForPlannedRef: [],
    pegRootIndex: [],
    orderDueDay: [],
    orderReleaseDay: [],
    orderLeadTimeDays: [],
    orderMade: [],
  };
  /** Requirements of the current demand, item and need date still short after stock and open supply. */
  const pending: number[] = [];
  const pendingMilli: number[] = [];

  // One demand object per customer line and per planned order, shared by the pegs that serve it.
  const lineDemands: PegDemand[] = demands.map((demand) => ({ kind: 'customer_order_line', id: demand.demandId }));
  const componentDemands: PegDemand[] = [];

  const addPeg = (r: number, node: Node, quantityMilli: number, supply: PegSupply, supplyDay: number) => {
    const plannedRef = req.plannedRef[r]!;
    pegs.push({
      rootDemandId: demands[req.rootIndex[r]!]!.demandId,
      level: req.level[r]!,
      itemId: node.itemId,
      quantityMilli,
      needDate: dates.of(req.needDay[r]!),
      demand: plannedRef === -1 ? lineDemands[req.rootIndex[r]!]! : componentDemands[plannedRef - 1]!,
      supply,
    });
    facts.pegSupplyDay.push(supplyDay);
    facts.pegPlannedRef.push(supply.kind === 'planned' ? supply.ref : -1);
    facts.pegForPlannedRef.push(plannedRef);
    facts.pegRootIndex.push(req.rootIndex[r]!);
  };

  const planRest = (node: Node) => {
    if (pending.length === 0) return;
    const first = pending[0]!;
    const rootIndex = req.rootIndex[first]!;
    const rootDemandId = demands[rootIndex]!.demandId;
    let quantityMilli = 0;
    let level = req.level[first]!;
    for (let i = 0; i < pending.length; i++) {
      quantityMilli += pendingMilli[i]!;
      if (req.level[pending[i]!]! < level) level = req.level[pending[i]!]!;
    }
    const item = node.item!;
    if (node.leadTimeDays === null) {
      problems.push({
        demandId: rootDemandId,
        itemId: node.itemId,
        message: `item ${node.itemId} has no BOM and no active source: ${quantityMilli} milli-units are left unplanned`,
      });
      pending.length = 0;
      pendingMilli.length = 0;
      return;
    }
    const bom = item.bom;
    const leadTimeDays = node.leadTimeDays;
    let dueDay = req.needDay[first]!;
    let releaseDay = dueDay - leadTimeDays;
    const late = releaseDay < today;
    if (late) {
      releaseDay = today;
      dueDay = today + leadTimeDays;
    }
    const ref = plannedOrders.length + 1;
    plannedOrders.push({
      ref,
      kind: bom !== null ? 'production' : 'purchase',
      itemId: node.itemId,
      quantityMilli,
      releaseDate: dates.of(releaseDay),
      dueDate: dates.of(dueDay),
      bomId: bom !== null ? bom.bomId : null,
      level,
      rootDemandId,
      late,
    });
    facts.orderDueDay.push(dueDay);
    facts.orderReleaseDay.push(releaseDay);
    facts.orderLeadTimeDays.push(leadTimeDays);
    facts.orderMade.push(bom !== null);
    componentDemands.push({ kind: 'planned_order_component', plannedRef: ref });
    const supply: PegSupply = { kind: 'planned', ref };
    for (let i = 0; i < pending.length; i++) addPeg(pending[i]!, node, pendingMilli[i]!, supply, -1);
    pending.length = 0;
    pendingMilli.length = 0;
    if (bom === null) return;
    for (let i = 0; i < bom.lines.length; i++) {
      const line = bom.lines[i]!;
      const component = nodes[node.componentNodes[i]!]!;
      const milli = componentRequirementMilli(
        quantityMilli,
        line.quantityPerMilli,
        line.scrapBp,
        component.item?.countUnit ?? false,
      );
      addRequirement(component, rootIndex, level + 1, milli, releaseDay, ref);
    }
  };

  const byPriority = (a: number, b: number) =>
    req.rootIndex[a]! - req.rootIndex[b]! || req.needDay[a]! - req.needDay[b]! || a - b;

  for (const bucket of byCode) {
    for (const index of bucket) {
      const node = nodes[index]!;
      const requirements = node.requirements;
      if (requirements.length === 0) continue;
      requirements.sort(byPriority);
      if (node.item === undefined) {
        let lastRoot = -1;
        for (const r of requirements) {
          if (req.rootIndex[r] === lastRoot) continue;
          lastRoot = req.rootIndex[r]!;
          problems.push({
            demandId: demands[lastRoot]!.demandId,
            itemId: node.itemId,
            message: `item ${node.itemId} is unknown`,
          });
        }
        continue;
      }
      const leadDays = node.leadTimeDays ?? 0;
      for (const r of requirements) {
        const needDay = req.needDay[r]!;
        if (pending.length > 0) {
          const head = pending[0]!;
          if (req.rootIndex[head] !== req.rootIndex[r] || req.needDay[head] !== needDay) planRest(node);
        }
        let rest = req.quantityMilli[r]!;
        if (node.stockLeftMilli > 0) {
          const take = Math.min(rest, node.stockLeftMilli);
          node.stockLeftMilli -= take;
          rest -= take;
          addPeg(r, node, take, STOCK, today);
        }
        if (rest > 0 && node.supplyHead < node.supplies.length) {
          const cutoff = Math.max(needDay, today + leadDays);
          while (rest > 0 && node.supplyHead < node.supplies.length) {
            const supply = node.supplies[node.supplyHead]!;
            if (supply.dueDay > cutoff) break;
            const take = Math.min(rest, supply.freeMilli);
            rest -= take;
            supply.freeMilli -= take;
            if (supply.freeMilli === 0) node.supplyHead++;
            addPeg(
              r,
              node,
              take,
              { kind: supply.kind, id: supply.id, dueDate: supply.dueDate },
              Math.max(supply.dueDay, today),
            );
          }
        }
        if (rest > 0) {
          pending.push(r);
          pendingMilli.push(rest);
        }
      }
      planRest(node);
    }
  }

  return {
    plannedOrders,
    pegs,
    promises: promise(demands, needDays, today, dates, plannedOrders, pegs, facts),
    problems,
  };
}

type Limit = DemandPromise['limitedBy'];

/**
 * The forward pass. Pegs are visited newest first: every peg into a planned order's components was made after the
 * pegs onto that planned order, so a planned order's component readiness is complete when the first peg onto it
 * is seen.
 */
function promise(
  demands: readonly ExplosionDemand[],
  needDays: number[],
  today: number,
  dates: DateStrings,
  plannedOrders: PlannedOrder[],
  pegs: Peg[],
  facts: PassFacts,
): DemandPromise[] {
  const count = plannedOrders.length;
  const componentsReady = new Array<number>(count).fill(today);
  const componentsLimit = new Array<Limit>(count).fill(null);
  const ready = new Array<number>(count).fill(-1);
  const limit = new Array<Limit>(count).fill(null);
  const promised = needDays.slice();
  const promiseLimit = new Array<Limit>(demands.length).fill(null);

  for (let p = pegs.length - 1; p >= 0; p--) {
    const plannedRef = facts.pegPlannedRef[p]!;
    let day: number;
    let index = -1;
    if (plannedRef === -1) {
      day = facts.pegSupplyDay[p]!;
    } else {
      index = plannedRef - 1;
      if (ready[index] === -1) {
        ready[index] = facts.orderDueDay[index]!;
        if (facts.orderMade[index] && componentsReady[index]! > facts.orderReleaseDay[index]!) {
          ready[index] = Math.max(ready[index]!, componentsReady[index]! + facts.orderLeadTimeDays[index]!);
          limit[index] = componentsLimit[index]!;
        } else {
          limit[index] = { itemId: plannedOrders[index]!.itemId, supply: 'planned' };
        }
      }
      day = ready[index]!;
    }
    const forPlannedRef = facts.pegForPlannedRef[p]!;
    const target = forPlannedRef === -1 ? promised : componentsReady;
    const at = forPlannedRef === -1 ? facts.pegRootIndex[p]! : forPlannedRef - 1;
    if (day > target[at]!) {
      target[at] = day;
      const by = index === -1 ? { itemId: pegs[p]!.itemId, supply: pegs[p]!.supply.kind } : limit[index]!;
      if (forPlannedRef === -1) promiseLimit[at] = by;
      else componentsLimit[at] = by;
    }
  }
  return demands.map((demand, index) => ({
    demandId: demand.demandId,
    promisedDate: dates.of(promised[index]!),
    limitedBy: promiseLimit[index]!,
  }));
}

function readDay(date: string, field: string): number {
  const day = parseLocalDate(date);
  if (day === undefined) throw new RangeError(`${field} must be a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return day;
}

/** Day numbers back to YYYY-MM-DD, each formatted once. */
class DateStrings {
  private readonly cache = new Map<number, string>();
  of(day: number): string {
    let text = this.cache.get(day);
    if (text === undefined) {
      text = formatDayNumber(day);
      this.cache.set(day, text);
    }
    return text;
  }
}

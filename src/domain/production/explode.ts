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

/** One gross requirement of an item: a customer line, or a component of a planned production order. */
type Requirement = {
  rootIndex: number;
  level: number;
  quantityMilli: number;
  needDay: number;
  /** Creation order: ties in priority and need date keep it. */
  seq: number;
  /** The customer line's demand id, or −1 for a component of planned order `plannedRef`. */
  demandLineId: number;
  plannedRef: number;
};

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
  requirements: Requirement[];
};

/** Internal facts of each peg for the forward pass: its ready day for stock and open supply, −1 for planned. */
type PegFacts = { supplyDay: number; plannedRef: number; forPlannedRef: number; rootIndex: number };

/**
 * Explodes customer demands through their BOMs (MRP with lot-for-lot sizing, pegging and capable-to-promise).
 *
 * Demands are served in the given order (priority). Items are planned level by level by low-level code, so each
 * item's gross requirements are all known before it is netted. Netting for each requirement, in priority order
 * and within a demand by need date: available stock (stocked items only), then open supply due no later than a
 * new order would arrive (max(need date, today + lead time)), earliest first, then the rest goes into one planned
 * order per demand, item and need date (lot-for-lot, as in the MRP record: one planned order receipt per period
 * with a net requirement). Release = due − lead
 * time in calendar days; a release before today releases today and is due today + lead time (`late`). A planned
 * production order's components are demanded on its release date, at `componentRequirementMilli` of its quantity.
 *
 * Promise (forward pass): stock is ready today, open supply on its due date (today if past), a planned purchase on
 * its due date, a planned production order on max(due, latest component ready + lead time); a demand's promised
 * date is the latest of its need date and the ready dates of everything pegged to it; `limitedBy` names the item
 * and supply that set it (the deepest late component when a production order waits for one), null when on time.
 *
 * Problems (the demand's explosion is then incomplete): an item unknown to `items`, and an item without a BOM or
 * a source (its shortfall is left unplanned and unpegged). Dates YYYY-MM-DD; pure, no clock.
 *
 * Sources: the MRP record (gross requirements, scheduled receipts, projected on hand, net requirements, planned
 * order receipts and releases) of Orlicky, *Material Requirements Planning* (1975), as taught in Heizer & Render,
 * *Operations Management*, ch. 14, and Jacobs & Chase, *Operations and Supply Chain Management*, ch. 21.
 *
 * @example explode({ today: '2026-06-01', items, demands: [{ demandId: 1, itemId: 10, quantityMilli: 5000, needDate: '2026-06-20' }] })
 */
export function explode(input: ExplosionInput): ExplosionResult {
  const today = readDay(input.today, 'today');
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
  for (const demand of input.demands) addNode(demand.itemId);
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

  let seq = 0;
  input.demands.forEach((demand, rootIndex) => {
    if (demand.quantityMilli <= 0) return;
    nodes[nodeOf.get(demand.itemId)!]!.requirements.push({
      rootIndex,
      level: 0,
      quantityMilli: demand.quantityMilli,
      needDay: readDay(demand.needDate, 'needDate'),
      seq: seq++,
      demandLineId: demand.demandId,
      plannedRef: -1,
    });
  });

  const dates = new DateStrings();
  const plannedOrders: PlannedOrder[] = [];
  const plannedFacts: Array<{ dueDay: number; releaseDay: number; leadTimeDays: number; made: boolean }> = [];
  const pegs: Peg[] = [];
  const pegFacts: PegFacts[] = [];
  const problems: ExplosionProblem[] = [];
  const pending: Requirement[] = [];
  const pendingMilli: number[] = [];

  const addPeg = (
    requirement: Requirement,
    node: Node,
    quantityMilli: number,
    supply: PegSupply,
    supplyDay: number,
  ) => {
    const rootDemandId = input.demands[requirement.rootIndex]!.demandId;
    pegs.push({
      rootDemandId,
      level: requirement.level,
      itemId: node.itemId,
      quantityMilli,
      needDate: dates.of(requirement.needDay),
      demand:
        requirement.plannedRef === -1
          ? { kind: 'customer_order_line', id: requirement.demandLineId }
          : { kind: 'planned_order_component', plannedRef: requirement.plannedRef },
      supply,
    });
    pegFacts.push({
      supplyDay,
      plannedRef: supply.kind === 'planned' ? supply.ref : -1,
      forPlannedRef: requirement.plannedRef,
      rootIndex: requirement.rootIndex,
    });
  };

  const planRest = (node: Node) => {
    if (pending.length === 0) return;
    const first = pending[0]!;
    const rootDemandId = input.demands[first.rootIndex]!.demandId;
    const item = node.item!;
    const made = item.bom !== null;
    if (node.leadTimeDays === null) {
      const short = pendingMilli.reduce((sum, milli) => sum + milli, 0);
      problems.push({
        demandId: rootDemandId,
        itemId: node.itemId,
        message: `item ${node.itemId} has no BOM and no active source: ${short} milli-units are left unplanned`,
      });
      pending.length = 0;
      pendingMilli.length = 0;
      return;
    }
    const leadTimeDays = node.leadTimeDays;
    let quantityMilli = 0;
    let dueDay = first.needDay;
    let level = first.level;
    for (let i = 0; i < pending.length; i++) {
      quantityMilli += pendingMilli[i]!;
      if (pending[i]!.level < level) level = pending[i]!.level;
    }
    let releaseDay = dueDay - leadTimeDays;
    const late = releaseDay < today;
    if (late) {
      releaseDay = today;
      dueDay = today + leadTimeDays;
    }
    const ref = plannedOrders.length + 1;
    plannedOrders.push({
      ref,
      kind: made ? 'production' : 'purchase',
      itemId: node.itemId,
      quantityMilli,
      releaseDate: dates.of(releaseDay),
      dueDate: dates.of(dueDay),
      bomId: made ? item.bom!.bomId : null,
      level,
      rootDemandId,
      late,
    });
    plannedFacts.push({ dueDay, releaseDay, leadTimeDays, made });
    for (let i = 0; i < pending.length; i++) addPeg(pending[i]!, node, pendingMilli[i]!, { kind: 'planned', ref }, -1);
    pending.length = 0;
    pendingMilli.length = 0;
    if (!made) return;
    const lines = item.bom!.lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const component = nodes[node.componentNodes[i]!]!;
      component.requirements.push({
        rootIndex: first.rootIndex,
        level: level + 1,
        quantityMilli: componentRequirementMilli(
          quantityMilli,
          line.quantityPerMilli,
          line.scrapBp,
          component.item?.countUnit ?? false,
        ),
        needDay: releaseDay,
        seq: seq++,
        demandLineId: -1,
        plannedRef: ref,
      });
    }
  };

  for (const bucket of byCode) {
    for (const index of bucket) {
      const node = nodes[index]!;
      const requirements = node.requirements;
      if (requirements.length === 0) continue;
      requirements.sort(byPriority);
      if (node.item === undefined) {
        let lastRoot = -1;
        for (const requirement of requirements) {
          if (requirement.rootIndex === lastRoot) continue;
          lastRoot = requirement.rootIndex;
          problems.push({
            demandId: input.demands[requirement.rootIndex]!.demandId,
            itemId: node.itemId,
            message: `item ${node.itemId} is unknown`,
          });
        }
        continue;
      }
      const leadDays = node.leadTimeDays ?? 0;
      for (const requirement of requirements) {
        const head = pending[0];
        if (head !== undefined && (head.rootIndex !== requirement.rootIndex || head.needDay !== requirement.needDay)) {
          planRest(node);
        }
        let rest = requirement.quantityMilli;
        if (node.stockLeftMilli > 0) {
          const take = Math.min(rest, node.stockLeftMilli);
          node.stockLeftMilli -= take;
          rest -= take;
          addPeg(requirement, node, take, { kind: 'stock' }, today);
        }
        if (rest > 0 && node.supplyHead < node.supplies.length) {
          const cutoff = Math.max(requirement.needDay, today + leadDays);
          while (rest > 0 && node.supplyHead < node.supplies.length) {
            const supply = node.supplies[node.supplyHead]!;
            if (supply.dueDay > cutoff) break;
            const take = Math.min(rest, supply.freeMilli);
            rest -= take;
            supply.freeMilli -= take;
            if (supply.freeMilli === 0) node.supplyHead++;
            addPeg(
              requirement,
              node,
              take,
              { kind: supply.kind, id: supply.id, dueDate: supply.dueDate },
              Math.max(supply.dueDay, today),
            );
          }
        }
        if (rest > 0) {
          pending.push(requirement);
          pendingMilli.push(rest);
        }
      }
      planRest(node);
    }
  }

  return {
    plannedOrders,
    pegs,
    promises: promise(input, today, dates, plannedOrders, plannedFacts, pegs, pegFacts),
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
  input: ExplosionInput,
  today: number,
  dates: DateStrings,
  plannedOrders: PlannedOrder[],
  plannedFacts: Array<{ dueDay: number; releaseDay: number; leadTimeDays: number; made: boolean }>,
  pegs: Peg[],
  pegFacts: PegFacts[],
): DemandPromise[] {
  const componentsReady = new Array<number>(plannedOrders.length).fill(today);
  const componentsLimit = new Array<Limit>(plannedOrders.length).fill(null);
  const ready = new Array<number>(plannedOrders.length).fill(-1);
  const limit = new Array<Limit>(plannedOrders.length).fill(null);
  const promised = input.demands.map((demand) => readDay(demand.needDate, 'needDate'));
  const promiseLimit = new Array<Limit>(input.demands.length).fill(null);

  for (let p = pegs.length - 1; p >= 0; p--) {
    const facts = pegFacts[p]!;
    let day: number;
    let by: Limit;
    if (facts.plannedRef === -1) {
      day = facts.supplyDay;
      by = { itemId: pegs[p]!.itemId, supply: pegs[p]!.supply.kind };
    } else {
      const index = facts.plannedRef - 1;
      if (ready[index] === -1) {
        const order = plannedFacts[index]!;
        ready[index] = order.dueDay;
        limit[index] = { itemId: plannedOrders[index]!.itemId, supply: 'planned' };
        if (order.made && componentsReady[index]! > order.releaseDay) {
          ready[index] = Math.max(order.dueDay, componentsReady[index]! + order.leadTimeDays);
          limit[index] = componentsLimit[index]!;
        }
      }
      day = ready[index]!;
      by = limit[index]!;
    }
    if (facts.forPlannedRef === -1) {
      if (day > promised[facts.rootIndex]!) {
        promised[facts.rootIndex] = day;
        promiseLimit[facts.rootIndex] = by;
      }
    } else {
      const index = facts.forPlannedRef - 1;
      if (day > componentsReady[index]!) {
        componentsReady[index] = day;
        componentsLimit[index] = by;
      }
    }
  }
  return input.demands.map((demand, index) => ({
    demandId: demand.demandId,
    promisedDate: dates.of(promised[index]!),
    limitedBy: promiseLimit[index]!,
  }));
}

function byPriority(a: Requirement, b: Requirement): number {
  return a.rootIndex - b.rootIndex || a.needDay - b.needDay || a.seq - b.seq;
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

import { roundOrderQuantity } from '../replenishment/order-sizing.js';
import type { ReplenishmentPolicy } from '../replenishment/policy.js';
import { decideReplenishment } from '../replenishment/trigger.js';
import type { RandomSource } from './random.js';
import type { Disruptions, SimConfig, SimItem, SimPolicy, SimRunResult } from './types.js';

// Scratch reused by every run in this thread (each worker has its own module instance), grown when a horizon needs
// more: milli-units arriving at the start of each day, the day's demand multiplier, the lead-time multiplier of an
// order sent that day, and the first day on or after each day when the item's supplier works.
let arrivalsMilli = new Float64Array(1024);
let demandFactorByDay = new Float64Array(1024);
let leadTimeFactorByDay = new Float64Array(1024);
let openDayByDay = new Int32Array(1024);

function ensureScratch(horizonDays: number): void {
  if (arrivalsMilli.length >= horizonDays) return;
  const size = Math.max(horizonDays, arrivalsMilli.length * 2);
  arrivalsMilli = new Float64Array(size);
  demandFactorByDay = new Float64Array(size);
  leadTimeFactorByDay = new Float64Array(size);
  openDayByDay = new Int32Array(size);
}

const DEMAND_POISSON = 0;
const DEMAND_NEGATIVE_BINOMIAL = 1;
const DEMAND_NORMAL = 2;
const DEMAND_INTERMITTENT = 3;
const DEMAND_REPLAY = 4;
const DEMAND_BOOTSTRAP = 5;

const LEAD_FIXED = 0;
const LEAD_EMPIRICAL = 1;
const LEAD_NORMAL = 2;
const LEAD_GAMMA = 3;
const LEAD_LOGNORMAL = 4;

const POLICY_LEVEL = 0;
const POLICY_KANBAN = 1;
const POLICY_PERIODIC = 2;
const POLICY_MAKE_TO_ORDER = 3;

const EMPTY_HISTORY: Float64Array = new Float64Array(0);
const EMPTY_SAMPLES: number[] = [];

/**
 * The policy the real trigger would hold for a simulated one, with the just-in-case stock on top: a reorder point
 * policy's s and S and a periodic target S rise by `extraSafetyStockMilli`; a kanban loop gets
 * ⌈extra ÷ container⌉ more cards; make-to-order holds no stock, so the extra plays no part.
 *
 * @example toReplenishmentPolicy({ kind: 'kanban', cards: 3, containerQuantityMilli: 10000 }, 15000)
 * // { kind: 'kanban', cards: 5, containerQuantityMilli: 10000 }
 */
export function toReplenishmentPolicy(policy: SimPolicy, extraSafetyStockMilli: number): ReplenishmentPolicy {
  const extra = Math.max(extraSafetyStockMilli, 0);
  switch (policy.kind) {
    case 'reorder_point':
      return {
        kind: 'reorder_point',
        reorderPointMilli: policy.reorderPointMilli + extra,
        targetMilli: policy.targetMilli + extra,
      };
    case 'kanban':
      return {
        kind: 'kanban',
        cards: policy.cards + Math.ceil(extra / policy.containerQuantityMilli),
        containerQuantityMilli: policy.containerQuantityMilli,
      };
    case 'periodic_review':
      return {
        kind: 'periodic_review',
        reviewDays: policy.reviewDays,
        reviewTime: '00:00',
        targetMilli: policy.targetMilli + extra,
      };
    case 'make_to_order':
      return { kind: 'make_to_order' };
  }
}

/**
 * One run of one item over `config.horizonDays` days. Inputs must have passed `validateSimulation` (checked once per
 * simulation, not per run). Quantities in milli-units, money in minor units; all randomness from `random`, so the
 * same source state gives the same result bit for bit.
 *
 * Each day d, in this order (docs/simulation.md):
 * 1. receipts due on d arrive; they first fill open backorders;
 * 2. demand (model × weekly shape × spike × demand factors of d) is served from on hand; the rest is lost or
 *    backordered (`config.unmetDemand`); a day with any unmet demand is a stock-out day;
 * 3. the trigger sees the position (on hand + on order − backorders) through `decideReplenishment`, the real
 *    trigger's rule: reorder point; kanban with the cards of the containers emptied (⌊(cards × container − position)
 *    ÷ container⌋); periodic review on days 0, R, 2R, …; make-to-order the day's demand. The need is rounded to MOQ and
 *    pack with `roundOrderQuantity` (kanban orders whole containers, as the real one);
 * 4. the order is sent at once, or when its supplier is in an outage, on the first day after the outage; its lead time
 *    is drawn, multiplied by the lead-time factor of the day it is sent, rounded up to whole days (at least 1); a
 *    delivery due during an outage arrives on the first day after it. With the partial-delivery probability a share
 *    arrives and the rest one more lead time (drawn on the day of the first share) later;
 * 5. end of day: on hand is costed (holding = on hand × unit cost × holding rate ÷ 365).
 * Anything due on or after the horizon stays open on order.
 *
 * @example simulateItem(item, { horizonDays: 730, unmetDemand: 'lost_sales', trajectories: false }, noDisruptions, createRandom(deriveSeed(1, item.key, 0)))
 */
export function simulateItem(
  item: SimItem,
  config: SimConfig,
  disruptions: Disruptions,
  random: RandomSource,
): SimRunResult {
  const horizon = config.horizonDays;
  ensureScratch(horizon);
  const backorders = config.unmetDemand === 'backorders';

  const policy = toReplenishmentPolicy(item.policy, item.extraSafetyStockMilli);
  let policyCode = POLICY_LEVEL;
  let reviewDays = 1;
  let containerMilli = 1;
  let loopMilli = 0;
  if (policy.kind === 'kanban') {
    policyCode = POLICY_KANBAN;
    containerMilli = policy.containerQuantityMilli;
    loopMilli = policy.cards * containerMilli;
  } else if (policy.kind === 'periodic_review') {
    policyCode = POLICY_PERIODIC;
    reviewDays = policy.reviewDays;
  } else if (policy.kind === 'make_to_order') {
    policyCode = POLICY_MAKE_TO_ORDER;
  }

  // Demand model as numbers, read once.
  const demand = item.demand;
  let demandCode = DEMAND_POISSON;
  let demandMean = 0;
  let demandSd = 0;
  let demandProbability = 0;
  let nbShape = 0;
  let nbScale = 0;
  let history = EMPTY_HISTORY;
  let blockDays = 1;
  switch (demand.kind) {
    case 'poisson':
      demandMean = demand.meanPerDay;
      break;
    case 'negative_binomial': {
      demandMean = demand.meanPerDay;
      const excess = demand.sdPerDay * demand.sdPerDay - demand.meanPerDay;
      // Not over-dispersed: the negative binomial tends to the Poisson.
      if (excess > 0 && demandMean > 0) {
        demandCode = DEMAND_NEGATIVE_BINOMIAL;
        nbShape = (demandMean * demandMean) / excess;
        nbScale = demandMean / nbShape;
      }
      break;
    }
    case 'normal':
      demandCode = DEMAND_NORMAL;
      demandMean = demand.meanPerDay;
      demandSd = demand.sdPerDay;
      break;
    case 'intermittent':
      demandCode = DEMAND_INTERMITTENT;
      demandProbability = demand.probability;
      demandMean = demand.sizeMean;
      demandSd = demand.sizeSd;
      break;
    case 'replay':
      demandCode = DEMAND_REPLAY;
      history = demand.history;
      break;
    case 'bootstrap':
      demandCode = DEMAND_BOOTSTRAP;
      history = demand.history;
      blockDays = demand.blockDays;
      break;
  }
  const parametric = demandCode <= DEMAND_INTERMITTENT;
  const spikes = parametric ? item.shape?.spikes : undefined;
  const spikeProbability = spikes === undefined ? 0 : spikes.probability;
  const spikeMultiplier = spikes === undefined ? 1 : spikes.multiplier;
  const hasDemandFactors = fillDemandFactors(item, parametric, disruptions, horizon);

  const leadTime = item.leadTime;
  let leadCode = LEAD_FIXED;
  let leadMean = 0;
  let leadSd = 0;
  let leadShape = 0;
  let leadScale = 0;
  let samples = EMPTY_SAMPLES;
  switch (leadTime.kind) {
    case 'fixed':
      leadMean = leadTime.days;
      break;
    case 'empirical':
      leadCode = LEAD_EMPIRICAL;
      samples = leadTime.samplesDays;
      break;
    default:
      leadMean = leadTime.meanDays;
      leadSd = leadTime.sdDays;
      if (leadSd > 0) {
        leadCode = leadTime.kind === 'normal' ? LEAD_NORMAL : leadTime.kind === 'gamma' ? LEAD_GAMMA : LEAD_LOGNORMAL;
        leadShape = (leadMean * leadMean) / (leadSd * leadSd);
        leadScale = (leadSd * leadSd) / leadMean;
      }
  }
  const hasLeadTimeFactors = fillLeadTimeFactors(item.supplier, disruptions, horizon);
  const hasOutages = fillOpenDays(item.supplier, disruptions, horizon);

  const partialProbability = item.partialDelivery === undefined ? 0 : item.partialDelivery.probability;
  const partialFraction = item.partialDelivery === undefined ? 1 : item.partialDelivery.fraction;

  const arrivals = arrivalsMilli;
  arrivals.fill(0, 0, horizon);
  const demandFactors = demandFactorByDay;
  const leadTimeFactors = leadTimeFactorByDay;
  const openDays = openDayByDay;

  const trajectory = config.trajectories
    ? {
        onHandMilli: new Float64Array(horizon),
        positionMilli: new Float64Array(horizon),
        orderedMilli: new Float64Array(horizon),
      }
    : undefined;

  let onHand = item.initialOnHandMilli;
  let onOrder = 0;
  let backordered = 0;
  let demandTotal = 0;
  let served = 0;
  let short = 0;
  let ordered = 0;
  let received = 0;
  let ordersPlaced = 0;
  let stockoutDays = 0;
  let sumOnHand = 0;
  let peakOnHand = 0;
  let cycles = 0;
  let cyclesWithoutStockout = 0;
  let lastArrivalDay = -1;
  let stockoutInCycle = false;
  let blockStart = 0;

  for (let day = 0; day < horizon; day++) {
    const due = arrivals[day]!;
    if (due > 0) {
      onHand += due;
      onOrder -= due;
      received += due;
      if (lastArrivalDay >= 0) {
        cycles++;
        if (!stockoutInCycle) cyclesWithoutStockout++;
      }
      lastArrivalDay = day;
      stockoutInCycle = false;
      if (backordered > 0) {
        const filled = Math.min(backordered, onHand);
        backordered -= filled;
        onHand -= filled;
      }
    }

    let factor = hasDemandFactors ? demandFactors[day]! : 1;
    if (spikeProbability > 0 && random.next() < spikeProbability) factor *= spikeMultiplier;
    let demandMilli = 0;
    switch (demandCode) {
      case DEMAND_POISSON:
        demandMilli = random.poisson(demandMean * factor) * 1000;
        break;
      case DEMAND_NEGATIVE_BINOMIAL:
        demandMilli = random.poisson(factor * random.gamma(nbShape, nbScale)) * 1000;
        break;
      case DEMAND_NORMAL:
        demandMilli = milliAtLeastZero(factor * (demandMean + demandSd * random.normal()));
        break;
      case DEMAND_INTERMITTENT:
        if (random.next() < demandProbability) {
          const size = demandMean + demandSd * random.normal();
          demandMilli = milliAtLeastZero(factor * Math.max(size, 1));
        }
        break;
      case DEMAND_REPLAY:
        demandMilli = milliAtLeastZero(factor * history[day % history.length]!);
        break;
      default: {
        const offset = day % blockDays;
        if (offset === 0) blockStart = Math.floor(random.next() * history.length);
        demandMilli = milliAtLeastZero(factor * history[(blockStart + offset) % history.length]!);
      }
    }

    demandTotal += demandMilli;
    if (demandMilli <= onHand) {
      onHand -= demandMilli;
      served += demandMilli;
    } else {
      const unmet = demandMilli - onHand;
      served += onHand;
      onHand = 0;
      short += unmet;
      stockoutDays++;
      stockoutInCycle = true;
      if (backorders) backordered += unmet;
    }

    const position = onHand + onOrder - backordered;
    let quantity = 0;
    if (policyCode === POLICY_KANBAN) {
      const emptied = Math.floor((loopMilli - position) / containerMilli);
      quantity = decideReplenishment(policy, position, emptied, 0, false);
    } else {
      const need = decideReplenishment(
        policy,
        position,
        0,
        demandMilli,
        policyCode === POLICY_PERIODIC && day % reviewDays === 0,
      );
      if (need > 0) quantity = roundOrderQuantity(need, item);
    }

    if (quantity > 0) {
      ordersPlaced++;
      ordered += quantity;
      onOrder += quantity;
      if (trajectory !== undefined) trajectory.orderedMilli[day] = quantity;
      const sentDay = hasOutages ? openDays[day]! : day;
      if (sentDay < horizon) {
        const arrivalDay =
          sentDay +
          drawLeadTimeDays(
            random,
            leadCode,
            leadMean,
            leadSd,
            leadShape,
            leadScale,
            samples,
            hasLeadTimeFactors ? leadTimeFactors[sentDay]! : 1,
          );
        if (partialProbability > 0 && random.next() < partialProbability) {
          const first = Math.round(quantity * partialFraction);
          schedule(arrivals, openDays, hasOutages, horizon, arrivalDay, first);
          if (arrivalDay < horizon) {
            const restDay =
              arrivalDay +
              drawLeadTimeDays(
                random,
                leadCode,
                leadMean,
                leadSd,
                leadShape,
                leadScale,
                samples,
                hasLeadTimeFactors ? leadTimeFactors[arrivalDay]! : 1,
              );
            schedule(arrivals, openDays, hasOutages, horizon, restDay, quantity - first);
          }
        } else {
          schedule(arrivals, openDays, hasOutages, horizon, arrivalDay, quantity);
        }
      }
    }

    sumOnHand += onHand;
    if (onHand > peakOnHand) peakOnHand = onHand;
    if (trajectory !== undefined) {
      trajectory.onHandMilli[day] = onHand;
      trajectory.positionMilli[day] = onHand + onOrder - backordered;
    }
  }

  const unitCost = item.unitCostMinor;
  const holdingCostMinor = Math.round(((sumOnHand / 1000) * unitCost * item.holdingRatePerYear) / 365);
  const orderingCostMinor = ordersPlaced * item.orderingCostMinor;
  const stockoutCostMinor = Math.round((short / 1000) * item.stockoutCostMinor);
  return {
    holdingCostMinor,
    orderingCostMinor,
    stockoutCostMinor,
    totalCostMinor: holdingCostMinor + orderingCostMinor + stockoutCostMinor,
    stockoutDays,
    fillRate: demandTotal > 0 ? served / demandTotal : 1,
    cycleServiceLevel: cycles > 0 ? cyclesWithoutStockout / cycles : 1,
    averageOnHandMilli: Math.round(sumOnHand / horizon),
    peakOnHandMilli: peakOnHand,
    averageCashMinor: Math.round((sumOnHand / horizon / 1000) * unitCost),
    peakCashMinor: Math.round((peakOnHand / 1000) * unitCost),
    ordersPlaced,
    demandMilli: demandTotal,
    servedMilli: served,
    shortMilli: short,
    orderedMilli: ordered,
    receivedMilli: received,
    openOnOrderMilli: onOrder,
    onHandEndMilli: onHand,
    backordersEndMilli: backordered,
    trajectory,
  };
}

function milliAtLeastZero(units: number): number {
  return units > 0 ? Math.round(units * 1000) : 0;
}

/** A lead time in whole days, at least 1: the draw × the factor of the day the order is sent, rounded up. */
function drawLeadTimeDays(
  random: RandomSource,
  code: number,
  mean: number,
  sd: number,
  shape: number,
  scale: number,
  samples: number[],
  factor: number,
): number {
  let days: number;
  switch (code) {
    case LEAD_FIXED:
      days = mean;
      break;
    case LEAD_EMPIRICAL:
      days = samples[Math.floor(random.next() * samples.length)]!;
      break;
    case LEAD_NORMAL:
      days = mean + sd * random.normal();
      break;
    case LEAD_GAMMA:
      days = random.gamma(shape, scale);
      break;
    default:
      days = random.lognormal(mean, sd);
  }
  return Math.max(Math.ceil(days * factor), 1);
}

/** Adds a delivery on its day, moved past an outage of its supplier; beyond the horizon it stays on order. */
function schedule(
  arrivals: Float64Array,
  openDays: Int32Array,
  hasOutages: boolean,
  horizon: number,
  day: number,
  quantityMilli: number,
): void {
  if (day >= horizon) return;
  const arrivalDay = hasOutages ? openDays[day]! : day;
  if (arrivalDay < horizon) arrivals[arrivalDay] = arrivals[arrivalDay]! + quantityMilli;
}

/** Weekly shape (parametric models only) × every demand factor window naming the item; false when all are 1. */
function fillDemandFactors(item: SimItem, parametric: boolean, disruptions: Disruptions, horizon: number): boolean {
  const weekly = parametric ? item.shape?.weekly : undefined;
  const windows = disruptions.demandFactors.filter((w) => w.items === undefined || w.items.includes(item.key));
  if (weekly === undefined && windows.length === 0) return false;
  const factors = demandFactorByDay;
  for (let day = 0; day < horizon; day++) factors[day] = weekly === undefined ? 1 : weekly[day % 7]!;
  for (const w of windows) {
    const end = Math.min(horizon, w.fromDay + w.days);
    for (let day = Math.max(0, w.fromDay); day < end; day++) factors[day] = factors[day]! * w.factor;
  }
  return true;
}

/** The product of the lead-time factor windows for the supplier on each day; false when there are none. */
function fillLeadTimeFactors(supplier: string, disruptions: Disruptions, horizon: number): boolean {
  const windows = disruptions.leadTimeFactors.filter((w) => w.supplier === undefined || w.supplier === supplier);
  if (windows.length === 0) return false;
  const factors = leadTimeFactorByDay;
  factors.fill(1, 0, horizon);
  for (const w of windows) {
    const end = Math.min(horizon, w.fromDay + w.days);
    for (let day = Math.max(0, w.fromDay); day < end; day++) factors[day] = factors[day]! * w.factor;
  }
  return true;
}

/**
 * For each day, the first day on or after it when the supplier is not in an outage (overlapping or back-to-back
 * outages chain); false when the supplier has none. May point past the horizon.
 */
function fillOpenDays(supplier: string, disruptions: Disruptions, horizon: number): boolean {
  const outages = disruptions.outages.filter((o) => o.supplier === supplier);
  if (outages.length === 0) return false;
  const openDays = openDayByDay;
  for (let day = 0; day < horizon; day++) openDays[day] = day;
  for (const o of outages) {
    const end = Math.min(horizon, o.fromDay + o.days);
    for (let day = Math.max(0, o.fromDay); day < end; day++) openDays[day] = -1;
  }
  let next = horizon;
  for (const o of outages)
    if (o.fromDay + o.days > horizon && o.fromDay < horizon) next = Math.max(next, o.fromDay + o.days);
  for (let day = horizon - 1; day >= 0; day--) {
    if (openDays[day] === -1) openDays[day] = next;
    else next = day;
  }
  return true;
}

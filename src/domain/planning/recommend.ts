import { type FieldProblem, throwIfProblems } from '../errors.js';
import { computeEoq } from '../policy/eoq.js';
import { computeSafetyStock, type SafetyStockResult, SERVICE_TYPES } from '../policy/safety-stock.js';
import { MAX_QUANTITY, QUANTITY_SCALE } from '../quantity.js';
import { roundOrderQuantity } from '../replenishment/order-sizing.js';
import { MAX_KANBAN_CARDS } from '../replenishment/policy.js';
import type { ExplanationStep, Recommendation, RecommendInput } from './types.js';

/** Annual demand D = 365·d: the engine works in days, EOQ's costs are per year. */
export const DAYS_PER_YEAR = 365;
/** Review interval of a periodic-review policy that has none yet. */
export const DEFAULT_REVIEW_DAYS = 7;
/** A kanban loop needs one card in use and one on its way. */
export const MIN_KANBAN_CARDS = 2;

type Kind = Recommendation['kind'];

/** The stock the engine protects: demand over the exposure, safety stock and buffer, in units. */
type Protection = {
  safety: SafetyStockResult;
  bufferUnits: number;
  /** ⌈d·exposure + SS + buffer⌉ in milli-units. */
  levelMilli: number;
};

/** Collects the explanation while the numbers are computed. */
/**
 * Collects the explanation's steps and sentences. They are made only when explaining: a plan of 100,000 pairs stores
 * the levels and the inputs, and the explanation is made again from the inputs when somebody asks for it.
 */
type Explainer = { step(make: () => ExplanationStep): void; say(make: () => string): void };

const SILENT: Explainer = { step() {}, say() {} };

function collector(): Explainer & { steps: ExplanationStep[]; sentences: string[] } {
  const steps: ExplanationStep[] = [];
  const sentences: string[] = [];
  return { steps, sentences, step: (make) => steps.push(make()), say: (make) => sentences.push(make()) };
}

/**
 * Recommends a replenishment policy for one item × location from its demand forecast, lead time, strategy and costs,
 * keeping the kind of the policy in force, with an explanation of every step.
 *
 * With d, σ_d the demand per day (mean, s.d.), L, σ_L the lead time (days), α the cycle service level or β the fill
 * rate, Q the order quantity:
 * - make-to-order strategy → `make_to_order` (no stock held); a `manual` policy stays manual (only its reorder point
 *   for the "below reorder point" listing is recommended, none under make-to-order).
 * - `reorder_point` (also with no policy yet, or a make-to-order policy whose strategy now holds stock):
 *   σ_LT = √(L·σ_d² + d²·σ_L²); SS = max(0, k·σ_LT) with k = Φ⁻¹(α), or k solving σ_LT·G(k) = (1 − β)·Q with the
 *   normal loss function G; buffer = bufferDays·d; s = d·L + SS + buffer; Q = EOQ √(2KD/h) with D = 365·d per year,
 *   K the ordering cost and h = holding rate × unit cost, or coverDays·d (the days-of-cover rule, no unit cost, or a
 *   zero cost); then at least the MOQ, in whole packs; S = s + Q.
 * - `periodic_review` (R days): the same over the protection interval R + L, σ = √((R + L)·σ_d² + d²·σ_L²) and the
 *   fill rate against the demand of one review d·R; S = d·(R + L) + SS + buffer; no reorder point.
 * - `kanban` (container C kept): N = ⌈(d·L + SS + buffer)/C⌉ + 1 cards, at least 2 (at most 999), the fill rate
 *   against one container.
 * - no demand (d = 0): s = 0 and S = the smallest orderable quantity (MOQ, pack), or 0 with neither.
 * Levels are rounded up to whole thousandths. Bad inputs (service level outside (0, 1), negative costs, lead time or
 * demand) throw LS_VALIDATION naming the snake_case field.
 *
 * Sources: Silver, Pyke & Thomas, *Inventory and Production Management in Supply Chains*, 4th ed. (2017), ch. 6
 * ((s, Q) with B1 and P2 service) and the (R, S) system; Chopra & Meindl, *Supply Chain Management*, 6th ed. (2016),
 * ch. 12 (safety inventory with lead-time uncertainty); Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed.
 * (2019), ch. 3 (EOQ); Monden, *Toyota Production System* (kanban count). Units: units, units/day, days; money in
 * major units.
 *
 * @example recommendPolicy(input).explanation.summary
 *   // 'Sells 4.2 a day ± 1.9 (sba forecast, …). Reorder when stock on hand and on order falls to 55 …'
 */
export function recommendPolicy(input: RecommendInput): Recommendation {
  validateRecommendInput(input);
  const kind = chooseKind(input);
  const explainer = collector();
  const inputs = describeInputs(input);
  explainer.sentences.push(describeDemand(input));
  const recommendation = recommendKind(kind, input, explainer);
  const current = describeCurrent(input, kind);
  if (current !== undefined) explainer.sentences.push(current);
  return {
    ...recommendation,
    explanation: { inputs, steps: explainer.steps, summary: explainer.sentences.join(' ') },
  };
}

/**
 * The levels `recommendPolicy` recommends, without making the explanation: the same numbers at a fraction of the
 * cost, for planning a whole catalogue.
 */
export function recommendLevels(input: RecommendInput): Omit<Recommendation, 'explanation'> {
  validateRecommendInput(input);
  return recommendKind(chooseKind(input), input, SILENT);
}

type Numbers = Omit<Recommendation, 'explanation'>;

const NOTHING: Numbers = {
  kind: 'make_to_order',
  reorderPoint: null,
  target: null,
  cards: null,
  containerQuantity: null,
  reviewDays: null,
  safetyStock: null,
  orderQuantity: null,
};

function chooseKind(input: RecommendInput): Kind {
  const current = input.current?.kind;
  if (current === 'manual') return 'manual';
  if (input.strategy.strategy === 'make_to_order') return 'make_to_order';
  if (current === undefined || current === 'make_to_order') return 'reorder_point';
  return current;
}

function recommendKind(kind: Kind, input: RecommendInput, x: Explainer): Numbers {
  const mto = input.strategy.strategy === 'make_to_order';
  switch (kind) {
    case 'make_to_order': {
      x.say(
        () =>
          `Make to order: keep no stock and order exactly what each demand needs${reasonsText(input)}.` +
          (input.current !== null && input.current.kind !== 'make_to_order'
            ? ` This replaces the ${kindName(input.current.kind)} policy.`
            : ''),
      );
      return NOTHING;
    }
    case 'manual': {
      if (mto) {
        x.say(
          () =>
            `The strategy is make to order${reasonsText(input)}, so no stock is watched; ` +
            'the policy stays manual, as the planner set it.',
        );
        return { ...NOTHING, kind };
      }
      const sized = recommendReorderPoint(input, x, 'manual');
      x.say(
        () =>
          'The policy stays manual: the system never orders by itself, but lists the item as below its reorder point ' +
          `when stock on hand and on order falls to ${quantity(sized.reorderPoint!)}.`,
      );
      return sized;
    }
    case 'reorder_point': {
      const sized = recommendReorderPoint(input, x, 'reorder_point');
      if (input.current?.kind === 'make_to_order') {
        x.say(() => `The strategy is now ${input.strategy.strategy}: a reorder point replaces make to order.`);
      }
      return sized;
    }
    case 'periodic_review':
      return recommendPeriodicReview(input, x);
    case 'kanban':
      return recommendKanban(input, x);
  }
}

function recommendReorderPoint(input: RecommendInput, x: Explainer, kind: 'reorder_point' | 'manual'): Numbers {
  const d = input.forecast.meanPerDay;
  if (!(d > 0)) {
    x.step(() => step('Reorder point', 's = 0: no demand to cover', 0, 'units'));
    if (kind === 'manual') {
      x.say(() => 'With no demand, the reorder point is 0.');
      return { ...NOTHING, kind, reorderPoint: 0, safetyStock: 0 };
    }
    const smallestMilli = smallestOrderMilli(input);
    x.step(() =>
      step('Target', `S = the smallest orderable quantity${roundingText(input)}`, units(smallestMilli), 'units'),
    );
    x.say(
      () =>
        'With no demand, hold nothing in reserve: reorder point 0' +
        (smallestMilli > 0
          ? `, target ${quantity(units(smallestMilli))}, the least the supplier sells.`
          : ', target 0.'),
    );
    return {
      ...NOTHING,
      kind,
      reorderPoint: 0,
      target: units(smallestMilli),
      safetyStock: 0,
      orderQuantity: units(smallestMilli),
    };
  }
  // A manual policy never orders: Q is sized only when the fill rate needs it.
  const orderMilli = kind === 'reorder_point' || input.serviceType === 'fill_rate' ? sizeOrder(input, x) : null;
  const protection = protect(input, 0, orderMilli === null ? undefined : units(orderMilli), x);
  const reorderPoint = units(protection.levelMilli);
  x.step(() =>
    step('Reorder point', `s = ${levelFormula('d·L', protection)}, ${roundedUp(input)}`, reorderPoint, 'units'),
  );
  const safetyStock = units(ceilMilli(protection.safety.safetyStock));
  if (kind === 'manual' || orderMilli === null) return { ...NOTHING, kind, reorderPoint, safetyStock };
  const targetMilli = protection.levelMilli + orderMilli;
  const order = quantity(units(orderMilli));
  x.step(() => step('Target', `S = s + Q = ${quantity(reorderPoint)} + ${order}`, units(targetMilli), 'units'));
  x.say(
    () =>
      `Reorder when the stock on hand and on order falls to ${quantity(reorderPoint)} and order ${order} at a time ` +
      `(${orderQuantityReason(input)}), so stock goes up to ${quantity(units(targetMilli))}.`,
  );
  return { ...NOTHING, kind, reorderPoint, target: units(targetMilli), safetyStock, orderQuantity: units(orderMilli) };
}

/** "d·L + SS + buffer = 29.4 + 25.01 + 29.4" for the level's explanation. */
function levelFormula(demandTerm: string, p: Protection): string {
  const buffer = p.bufferUnits > 0;
  return (
    `${demandTerm} + SS${buffer ? ' + buffer' : ''} = ${num(p.safety.leadTimeDemandMean)} + ` +
    `${num(p.safety.safetyStock)}${buffer ? ` + ${num(p.bufferUnits)}` : ''}`
  );
}

function recommendPeriodicReview(input: RecommendInput, x: Explainer): Numbers {
  const d = input.forecast.meanPerDay;
  const reviewDays = input.current?.reviewDays ?? DEFAULT_REVIEW_DAYS;
  const given = input.current?.reviewDays != null;
  x.step(() =>
    step(
      'Review interval',
      given ? 'R, kept from the policy' : `R = ${DEFAULT_REVIEW_DAYS} (none set)`,
      reviewDays,
      'days',
    ),
  );
  if (!(d > 0)) {
    const smallestMilli = smallestOrderMilli(input);
    x.step(() =>
      step('Target', `S = the smallest orderable quantity${roundingText(input)}`, units(smallestMilli), 'units'),
    );
    x.say(
      () =>
        `With no demand, every ${reviewDays} days order up to ${quantity(units(smallestMilli))}` +
        (smallestMilli > 0 ? ', the least the supplier sells.' : ': nothing.'),
    );
    return {
      ...NOTHING,
      kind: 'periodic_review',
      reviewDays,
      target: units(smallestMilli),
      safetyStock: 0,
      orderQuantity: units(smallestMilli),
    };
  }
  const cycleDemand = d * reviewDays;
  x.step(() => step('Demand per review', `d·R = ${num(d)} × ${reviewDays}`, cycleDemand, 'units'));
  const protection = protect(input, reviewDays, cycleDemand, x);
  const target = units(protection.levelMilli);
  x.step(() => step('Target', `S = ${levelFormula('d·(R + L)', protection)}, ${roundedUp(input)}`, target, 'units'));
  const orderMilli = roundOrderQuantity(Math.max(1, ceilLevelMilli(cycleDemand, input)), orderRules(input));
  x.step(() => step('Typical order', `d·R${roundingText(input)}`, units(orderMilli), 'units'));
  x.say(
    () =>
      `Every ${reviewDays} days, order up to ${quantity(target)}: the demand of the ${num(reviewDays)}-day review ` +
      `interval and the ${num(input.leadTime.meanDays)}-day lead time plus the safety stock; a typical order is ` +
      `${quantity(units(orderMilli))}.`,
  );
  return {
    ...NOTHING,
    kind: 'periodic_review',
    reviewDays,
    target,
    safetyStock: units(ceilMilli(protection.safety.safetyStock)),
    orderQuantity: units(orderMilli),
  };
}

function recommendKanban(input: RecommendInput, x: Explainer): Numbers {
  const d = input.forecast.meanPerDay;
  const kept = input.current?.containerQuantity ?? null;
  let containerMilli: number;
  if (kept !== null) {
    containerMilli = ceilMilli(kept);
    x.step(() => step('Container', 'C, kept from the loop', units(containerMilli), 'units'));
  } else {
    containerMilli = d > 0 ? sizeOrder(input, x) : smallestOrderMilli(input);
    x.step(() => step('Container', 'C = the order quantity (the loop has none)', units(containerMilli), 'units'));
  }
  if (containerMilli <= 0) {
    x.say(() => 'With no demand and nothing to size a container on, there is no loop to recommend.');
    return { ...NOTHING, kind: 'kanban', cards: MIN_KANBAN_CARDS, containerQuantity: null, safetyStock: 0 };
  }
  const container = units(containerMilli);
  if (!(d > 0)) {
    x.step(() => step('Cards', `N = the minimum of ${MIN_KANBAN_CARDS}: no demand`, MIN_KANBAN_CARDS, 'cards'));
    x.say(() => `With no demand, keep the smallest loop: ${MIN_KANBAN_CARDS} cards of ${quantity(container)}.`);
    return {
      ...NOTHING,
      kind: 'kanban',
      cards: MIN_KANBAN_CARDS,
      containerQuantity: container,
      safetyStock: 0,
      orderQuantity: container,
    };
  }
  const protection = protect(input, 0, container, x);
  const containersMilli = protection.levelMilli;
  const needed = Math.ceil(containersMilli / containerMilli);
  const formulaCards = needed + 1;
  const cards = Math.min(MAX_KANBAN_CARDS, Math.max(MIN_KANBAN_CARDS, formulaCards));
  x.step(() =>
    step(
      'Cards',
      `N = ⌈(d·L + SS${protection.bufferUnits > 0 ? ' + buffer' : ''}) / C⌉ + 1 = ⌈${quantity(units(containersMilli))} / ` +
        `${quantity(container)}⌉ + 1 = ${formulaCards}` +
        (cards !== formulaCards ? `, kept within ${MIN_KANBAN_CARDS}–${MAX_KANBAN_CARDS}` : ''),
      cards,
      'cards',
    ),
  );
  x.say(
    () =>
      `Run ${cards} kanban cards of ${quantity(container)}: ${quantity(units(containersMilli))} covers the lead time and ` +
      `the safety stock, that is ${needed} container${needed === 1 ? '' : 's'}, plus one being used` +
      (cards > formulaCards ? `, and at least ${MIN_KANBAN_CARDS} cards in any loop` : '') +
      (cards < formulaCards
        ? `; capped at ${MAX_KANBAN_CARDS} cards: the container is too small for this demand`
        : '') +
      '.',
  );
  return {
    ...NOTHING,
    kind: 'kanban',
    cards,
    containerQuantity: container,
    safetyStock: units(ceilMilli(protection.safety.safetyStock)),
    orderQuantity: container,
  };
}

/**
 * Demand over the review interval (0 for continuous review) and the lead time, its spread, the safety stock for the
 * service target (the fill rate against `orderQuantity` units of demand per cycle) and the buffer, explained.
 */
function protect(
  input: RecommendInput,
  reviewDays: number,
  orderQuantity: number | undefined,
  x: Explainer,
): Protection {
  const d = input.forecast.meanPerDay;
  const sd = input.forecast.sdPerDay;
  const { meanDays: L, sdDays: sL } = input.leadTime;
  const periodic = reviewDays > 0;
  const exposureDays = reviewDays + L;
  const safety = computeSafetyStock({
    demandMean: d,
    demandSd: sd,
    leadTime: exposureDays,
    leadTimeSd: sL,
    serviceLevel: input.serviceLevel,
    serviceType: input.serviceType,
    orderQuantity,
  });
  const span = periodic ? '(R + L)' : 'L';
  x.step(() =>
    step(
      periodic ? 'Demand over review and lead time' : 'Demand over the lead time',
      `d·${span} = ${num(d)} × ${num(exposureDays)}`,
      safety.leadTimeDemandMean,
      'units',
    ),
  );
  x.step(() =>
    step(
      periodic ? 'Its standard deviation' : 'Lead-time demand standard deviation',
      `σ = √(${span}·σd² + d²·σL²) = √(${num(exposureDays)} × ${num(sd)}² + ${num(d)}² × ${num(sL)}²)`,
      safety.leadTimeDemandSd,
      'units',
    ),
  );
  const sigma = safety.leadTimeDemandSd;
  const alpha = input.serviceLevel;
  if (sigma === 0) {
    x.step(() => step('Safety stock', 'SS = 0: σ = 0, demand over the lead time is certain', 0, 'units'));
  } else {
    x.step(() =>
      step(
        'Safety factor',
        input.serviceType === 'cycle'
          ? `k = Φ⁻¹(α) = Φ⁻¹(${alpha})`
          : `k solves G(k) = (1 − β)·Q/σ = (1 − ${alpha}) × ${num(orderQuantity!)} / ${num(sigma)} (normal loss function)`,
        safety.safetyFactor,
        '',
      ),
    );
    x.step(() =>
      step(
        'Safety stock',
        `SS = max(0, k·σ) = max(0, ${num(safety.safetyFactor)} × ${num(sigma)})`,
        safety.safetyStock,
        'units',
      ),
    );
  }
  const bufferDays = input.strategy.bufferDays;
  const bufferUnits = bufferDays * d;
  if (bufferUnits > 0) {
    x.step(() => step('Buffer', `bufferDays × d = ${num(bufferDays)} × ${num(d)}`, bufferUnits, 'units'));
  }
  const levelMilli = ceilLevelMilli(safety.leadTimeDemandMean + safety.safetyStock + bufferUnits, input);

  const source = input.leadTime.source === 'measured' ? 'measured from receipts' : 'quoted, not measured yet';
  const spread = sL > 0 ? ` ± ${say(sL)}` : '';
  const window = periodic
    ? `Between two reviews ${say(reviewDays)} days apart and a lead time of ${say(L)} days${spread} (${source})`
    : `The supplier takes ${say(L)} days${spread} (${source})`;
  x.say(() => `${window}, so about ${say(safety.leadTimeDemandMean)} sell meanwhile, give or take ${say(sigma)}.`);
  const target =
    input.serviceType === 'cycle'
      ? `To run out in no more than ${percent(1 - alpha)} of replenishment cycles (${percent(alpha)} cycle service)`
      : `To serve ${percent(alpha)} of demand straight from the shelf (fill rate)`;
  if (sigma === 0) x.say(() => 'Demand over that time is certain, so no safety stock is needed.');
  else if (safety.safetyStock > 0) x.say(() => `${target}, keep ${say(safety.safetyStock)} as safety stock.`);
  else if (input.serviceType === 'cycle') x.say(() => `A ${percent(alpha)} cycle service needs no safety stock.`);
  else {
    x.say(
      () =>
        `Orders of ${say(orderQuantity!)} already serve ${percent(alpha)} of demand from the shelf, so no safety stock ` +
        'is needed.',
    );
  }
  if (bufferUnits > 0) {
    x.say(() => `Buffered: ${say(bufferDays)} more days of demand (${say(bufferUnits)}) on top${reasonsText(input)}.`);
  }
  return { safety, bufferUnits, levelMilli };
}

/** Q in milli-units: the EOQ or the days of cover, then at least the MOQ and whole packs; explained. */
function sizeOrder(input: RecommendInput, x: Explainer): number {
  const d = input.forecast.meanPerDay;
  const eoq = planEoq(input);
  let quantityUnits: number;
  if (eoq.ok) {
    x.step(() =>
      step('Annual demand', `D = ${DAYS_PER_YEAR} × d = ${DAYS_PER_YEAR} × ${num(d)}`, eoq.annualDemand, 'units/year'),
    );
    x.step(() =>
      step(
        'Holding cost',
        `h = holding rate × unit cost = ${num(input.holdingRatePerYear)} × ${num(input.unitCost!)}`,
        eoq.holdingCost,
        'money/unit/year',
      ),
    );
    quantityUnits = eoq.quantity;
    x.step(() =>
      step(
        'Economic order quantity',
        `Q* = √(2·K·D/h) = √(2 × ${num(input.orderingCost)} × ${num(eoq.annualDemand)} / ${num(eoq.holdingCost)})`,
        quantityUnits,
        'units',
      ),
    );
  } else {
    quantityUnits = input.coverDays * d;
    x.step(() =>
      step('Days of cover', `Q = cover days × d = ${num(input.coverDays)} × ${num(d)}`, quantityUnits, 'units'),
    );
  }
  // Some demand always orders something: at least one thousandth (one unit of a counted item).
  const orderMilli = roundOrderQuantity(Math.max(1, ceilLevelMilli(quantityUnits, input)), orderRules(input));
  x.step(() => step('Order quantity', `Q${roundingText(input)}`, units(orderMilli), 'units'));
  return orderMilli;
}

type EoqPlan =
  | { ok: true; annualDemand: number; holdingCost: number; quantity: number }
  | { ok: false; why: string | undefined };

/** The EOQ with D = 365·d and h = holding rate × unit cost, or why it cannot size the order (none: the rule). */
function planEoq(input: RecommendInput): EoqPlan {
  if (input.targetRule === 'days_of_cover') return { ok: false, why: undefined };
  if (input.unitCost === null) return { ok: false, why: 'there is no unit cost' };
  const holdingCost = input.holdingRatePerYear * input.unitCost;
  if (!(holdingCost > 0)) return { ok: false, why: 'holding it costs nothing (unit cost or holding rate 0)' };
  if (!(input.orderingCost > 0)) return { ok: false, why: 'ordering costs nothing' };
  const annualDemand = DAYS_PER_YEAR * input.forecast.meanPerDay;
  const quantity = computeEoq({ fixedCost: input.orderingCost, holdingCost, demandRate: annualDemand }).orderQuantity;
  if (!(quantity > 0 && quantity <= MAX_QUANTITY)) {
    return { ok: false, why: `the EOQ (${num(quantity)}) is out of range` };
  }
  return { ok: true, annualDemand, holdingCost, quantity };
}

function orderQuantityReason(input: RecommendInput): string {
  const eoq = planEoq(input);
  const rounding = roundingText(input);
  if (eoq.ok) {
    return (
      `the economic order quantity for an ordering cost of ${say(input.orderingCost)} against a holding cost of ` +
      `${say(eoq.holdingCost)} a unit a year${rounding}`
    );
  }
  const why = eoq.why === undefined ? '' : `, as ${eoq.why}`;
  return `${say(input.coverDays)} days of demand${why}${rounding}`;
}

function orderRules(input: RecommendInput) {
  return {
    moqMilli: input.moq === null ? null : ceilMilli(input.moq),
    packSizeMilli: input.packSize === null ? null : ceilMilli(input.packSize),
  };
}

/** The least a supplier sells: one pack, at least the MOQ; 0 with neither. */
function smallestOrderMilli(input: RecommendInput): number {
  const rules = orderRules(input);
  if (!((rules.moqMilli ?? 0) > 0 || (rules.packSizeMilli ?? 0) > 0)) return 0;
  return roundOrderQuantity(1, rules);
}

function roundingText(input: RecommendInput): string {
  const moq = input.moq !== null && input.moq > 0 ? input.moq : null;
  const pack = input.packSize !== null && input.packSize > 0 ? input.packSize : null;
  if (moq !== null && pack !== null) return `, at least the MOQ ${num(moq)}, in whole packs of ${num(pack)}`;
  if (moq !== null) return `, at least the MOQ ${num(moq)}`;
  if (pack !== null) return `, in whole packs of ${num(pack)}`;
  return `, ${roundedUp(input)}`;
}

function roundedUp(input: RecommendInput): string {
  return input.wholeUnits === true ? 'rounded up to whole units' : 'rounded up to 3 decimals';
}

/** A level or quantity in milli-units: whole thousandths, or whole units for an item counted in whole units. */
function ceilLevelMilli(x: number, input: RecommendInput): number {
  const milli = ceilMilli(x);
  return input.wholeUnits === true ? Math.ceil(milli / QUANTITY_SCALE) * QUANTITY_SCALE : milli;
}

function describeDemand(input: RecommendInput): string {
  const f = input.forecast;
  if (!(f.meanPerDay > 0)) {
    if (f.demandClass === 'no_demand') return `No demand in the ${f.observedDays} days observed.`;
    return `Demand has stopped: the forecast is 0 a day (${f.reason}).`;
  }
  const spread = `Sells ${say(f.meanPerDay)} a day ± ${say(f.sdPerDay)}`;
  if (f.method === null) return `${spread} (${f.reason}).`;
  return `${spread} (${f.method} forecast on ${f.observedDays} days of ${f.demandClass.replace('_', ' ')} demand).`;
}

function describeCurrent(input: RecommendInput, kind: Kind): string | undefined {
  const c = input.current;
  if (c === null || c.kind !== kind) return undefined;
  const parts: string[] = [];
  if (c.reorderPoint !== null) parts.push(`reorder point ${num(c.reorderPoint)}`);
  if (c.target !== null) parts.push(`target ${num(c.target)}`);
  if (c.cards !== null) parts.push(`${c.cards} cards`);
  return parts.length === 0 ? undefined : `The policy in force has ${parts.join(', ')}.`;
}

/** The strategy's first reason (its decision); the rest (classes, each flag) are listed apart, under "why". */
function reasonsText(input: RecommendInput): string {
  const decision = input.strategy.reasons[0];
  return decision === undefined ? '' : ` (${decision.replace(/\.$/, '')})`;
}

function kindName(kind: Kind): string {
  return kind.replaceAll('_', ' ');
}

function describeInputs(input: RecommendInput): Record<string, number | string | null> {
  const f = input.forecast;
  const c = input.current;
  return {
    forecast_method: f.method,
    demand_class: f.demandClass,
    mean_per_day: f.meanPerDay,
    sd_per_day: f.sdPerDay,
    demand_cv: Number.isFinite(f.cv) ? f.cv : null,
    observed_days: f.observedDays,
    forecast_reason: f.reason,
    lead_time_days: input.leadTime.meanDays,
    lead_time_sd_days: input.leadTime.sdDays,
    lead_time_source: input.leadTime.source,
    strategy: input.strategy.strategy,
    abc: input.strategy.abc,
    xyz: input.strategy.xyz,
    buffer_days: input.strategy.bufferDays,
    service_level: input.serviceLevel,
    service_type: input.serviceType,
    unit_cost: input.unitCost,
    ordering_cost: input.orderingCost,
    holding_rate_per_year: input.holdingRatePerYear,
    target_rule: input.targetRule,
    cover_days: input.coverDays,
    moq: input.moq,
    pack_size: input.packSize,
    current_kind: c?.kind ?? null,
    current_reorder_point: c?.reorderPoint ?? null,
    current_target: c?.target ?? null,
    current_cards: c?.cards ?? null,
    current_container_quantity: c?.containerQuantity ?? null,
    current_review_days: c?.reviewDays ?? null,
  };
}

/** Throws one LS_VALIDATION listing every bad input, each named by its snake_case field. */
export function validateRecommendInput(input: RecommendInput): void {
  const problems: FieldProblem[] = [];
  const check = (field: string, value: number, ok: boolean, message: string) => {
    if (!(Number.isFinite(value) && ok)) problems.push({ field, message, value });
  };
  const nonNegative = (field: string, value: number) => check(field, value, value >= 0, 'must be a finite number ≥ 0');
  const f = input.forecast;
  nonNegative('mean_per_day', f.meanPerDay);
  nonNegative('sd_per_day', f.sdPerDay);
  nonNegative('lead_time_days', input.leadTime.meanDays);
  nonNegative('lead_time_sd_days', input.leadTime.sdDays);
  check('service_level', input.serviceLevel, input.serviceLevel > 0 && input.serviceLevel < 1, 'must be > 0 and < 1');
  if (!SERVICE_TYPES.includes(input.serviceType)) {
    problems.push({
      field: 'service_type',
      message: `must be one of ${SERVICE_TYPES.join(', ')}`,
      value: input.serviceType,
    });
  }
  if (input.unitCost !== null) nonNegative('unit_cost', input.unitCost);
  nonNegative('ordering_cost', input.orderingCost);
  nonNegative('holding_rate_per_year', input.holdingRatePerYear);
  if (input.targetRule !== 'eoq' && input.targetRule !== 'days_of_cover') {
    problems.push({ field: 'target_rule', message: "must be 'eoq' or 'days_of_cover'", value: input.targetRule });
  }
  check('cover_days', input.coverDays, input.coverDays > 0, 'must be a finite number > 0');
  if (input.moq !== null) nonNegative('moq', input.moq);
  if (input.packSize !== null) check('pack_size', input.packSize, input.packSize > 0, 'must be a finite number > 0');
  nonNegative('buffer_days', input.strategy.bufferDays);
  const c = input.current;
  if (c?.reviewDays != null) {
    check(
      'review_days',
      c.reviewDays,
      Number.isInteger(c.reviewDays) && c.reviewDays >= 1,
      'must be a whole number ≥ 1',
    );
  }
  if (c?.containerQuantity != null) {
    check('container_quantity', c.containerQuantity, c.containerQuantity > 0, 'must be a finite number > 0');
  }
  throwIfProblems(problems);
}

/**
 * x rounded up to whole thousandths, in milli-units. A float within a rounding error of a whole thousandth
 * (400.00000000000006 from d·L) counts as that thousandth, so float noise never adds 0.001.
 */
export function ceilMilli(x: number): number {
  const scaled = x * QUANTITY_SCALE;
  const nearest = Math.round(scaled);
  return Math.abs(scaled - nearest) <= 1e-9 * Math.max(1, Math.abs(scaled)) ? nearest : Math.ceil(scaled);
}

function units(milli: number): number {
  return milli / QUANTITY_SCALE;
}

/** A step; the value keeps 15 significant digits, so 29.400000000000002 from 4.2 × 7 reads 29.4. */
function step(name: string, formula: string, value: number, unit: string): ExplanationStep {
  return { name, formula, value: Number(value.toPrecision(15)), unit };
}

/** A number in a formula: up to 4 significant digits, no exponent. */
function num(x: number): string {
  const abs = Math.abs(x);
  const decimals = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : abs >= 1 ? 3 : 4;
  return trim(x.toFixed(decimals));
}

/** A number in the summary, as a shop owner says it: 4.2, 29, 0.05. */
function say(x: number): string {
  const abs = Math.abs(x);
  return trim(x.toFixed(abs >= 100 ? 0 : abs >= 1 ? 1 : 2));
}

/** A policy level: exact thousandths. */
function quantity(x: number): string {
  return trim(x.toFixed(3));
}

function percent(fraction: number): string {
  return `${trim((fraction * 100).toFixed(2))}%`;
}

function trim(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

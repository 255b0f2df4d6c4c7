import type { FieldProblem } from '../errors.js';
import { throwIfProblems } from '../errors.js';
import { MAX_KANBAN_CARDS, MAX_REVIEW_DAYS } from '../replenishment/policy.js';
import type { Disruptions, SimConfig, SimItem } from './types.js';

/** A horizon of a century is a typo. */
export const MAX_HORIZON_DAYS = 36_500;

/**
 * Checks a simulation once, before any run (the engine itself checks nothing, for speed), and throws one
 * `LS_VALIDATION` DomainError listing every problem, each naming its field as a path
 * (`items[2].leadTime.days`, `disruptions.outages[0].fromDay`, `config.horizonDays`):
 *
 * - config: a whole horizon from 1 to 36,500 days; unmet demand `lost_sales` or `backorders`;
 * - items: a non-empty key, unique; a supplier; the policy's levels whole milli-units (s ≥ 0, S > 0, s ≤ S;
 *   1–999 cards; 1–3650 review days); extra stock ≥ 0; demand parameters finite and ≥ 0 (a probability 0–1, a
 *   non-empty history); lead times ≥ 0 (a mean > 0 for the distributions); MOQ and pack > 0 or null; a partial share
 *   strictly between 0 and 1; stock, costs and rates ≥ 0;
 * - disruptions: a supplier some item uses, a start day inside the horizon (0 … horizon − 1), whole days ≥ 1,
 *   factors finite and > 0 for lead times, ≥ 0 for demand, item keys that exist.
 *
 * @example validateSimulation(items, { horizonDays: 0, unmetDemand: 'lost_sales', trajectories: false }, noDisruptions)
 * // throws DomainError LS_VALIDATION "config.horizonDays: must be a whole number from 1 to 36500"
 */
export function validateSimulation(items: readonly SimItem[], config: SimConfig, disruptions: Disruptions): void {
  const problems: FieldProblem[] = [];
  const report = (field: string, message: string, value?: unknown) =>
    problems.push(value === undefined ? { field, message } : { field, message, value });

  const horizon = config.horizonDays;
  if (!isWhole(horizon) || horizon < 1 || horizon > MAX_HORIZON_DAYS) {
    report('config.horizonDays', `must be a whole number from 1 to ${MAX_HORIZON_DAYS}`, horizon);
  }
  if (config.unmetDemand !== 'lost_sales' && config.unmetDemand !== 'backorders') {
    report('config.unmetDemand', 'must be lost_sales or backorders', config.unmetDemand);
  }

  const keys = new Set<string>();
  const suppliers = new Set<string>();
  items.forEach((item, i) => {
    const at = `items[${i}]`;
    if (typeof item.key !== 'string' || item.key.length === 0) report(`${at}.key`, 'must be a non-empty string');
    else if (keys.has(item.key)) report(`${at}.key`, `must be unique; ${item.key} appears twice`, item.key);
    else keys.add(item.key);
    if (typeof item.supplier !== 'string' || item.supplier.length === 0) {
      report(`${at}.supplier`, 'must be a non-empty string (a supplier code)');
    } else suppliers.add(item.supplier);
    validatePolicy(item, at, report);
    milli(item.extraSafetyStockMilli, `${at}.extraSafetyStockMilli`, report);
    validateDemand(item, at, report);
    validateLeadTime(item, at, report);
    for (const field of ['moqMilli', 'packSizeMilli'] as const) {
      const value = item[field];
      if (value !== null && (!isWhole(value) || value <= 0)) {
        report(`${at}.${field}`, 'must be a whole number of milli-units > 0, or null for none', value);
      }
    }
    if (item.partialDelivery !== undefined) {
      probability(item.partialDelivery.probability, `${at}.partialDelivery.probability`, report);
      const fraction = item.partialDelivery.fraction;
      if (!(fraction > 0 && fraction < 1)) {
        report(`${at}.partialDelivery.fraction`, 'must be a share strictly between 0 and 1', fraction);
      }
    }
    milli(item.initialOnHandMilli, `${at}.initialOnHandMilli`, report);
    for (const field of ['unitCostMinor', 'holdingRatePerYear', 'orderingCostMinor', 'stockoutCostMinor'] as const) {
      nonNegative(item[field], `${at}.${field}`, report);
    }
  });

  const window = (at: string, w: { fromDay: number; days: number }) => {
    if (!isWhole(w.fromDay) || w.fromDay < 0 || (isWhole(horizon) && w.fromDay >= horizon)) {
      report(`${at}.fromDay`, `must be a day inside the horizon, 0 to ${horizon - 1}`, w.fromDay);
    }
    if (!isWhole(w.days) || w.days < 1) report(`${at}.days`, 'must be a whole number of days ≥ 1', w.days);
  };
  const knownSupplier = (at: string, supplier: string | undefined) => {
    if (supplier !== undefined && !suppliers.has(supplier)) {
      report(`${at}.supplier`, `is not the supplier of any simulated item: ${supplier}`, supplier);
    }
  };
  disruptions.outages.forEach((o, i) => {
    const at = `disruptions.outages[${i}]`;
    if (typeof o.supplier !== 'string' || o.supplier.length === 0) report(`${at}.supplier`, 'is required');
    else knownSupplier(at, o.supplier);
    window(at, o);
  });
  disruptions.leadTimeFactors.forEach((w, i) => {
    const at = `disruptions.leadTimeFactors[${i}]`;
    knownSupplier(at, w.supplier);
    window(at, w);
    if (!(Number.isFinite(w.factor) && w.factor > 0)) report(`${at}.factor`, 'must be a number > 0', w.factor);
  });
  disruptions.demandFactors.forEach((w, i) => {
    const at = `disruptions.demandFactors[${i}]`;
    w.items?.forEach((key, j) => {
      if (!keys.has(key)) report(`${at}.items[${j}]`, `is not a simulated item: ${key}`, key);
    });
    window(at, w);
    nonNegative(w.factor, `${at}.factor`, report);
  });

  throwIfProblems(problems);
}

type Report = (field: string, message: string, value?: unknown) => void;

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function milli(value: number, field: string, report: Report): void {
  if (!isWhole(value) || value < 0) report(field, 'must be a whole number of milli-units ≥ 0', value);
}

function nonNegative(value: number, field: string, report: Report): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0))
    report(field, 'must be a number ≥ 0', value);
}

function positive(value: number, field: string, report: Report): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) report(field, 'must be a number > 0', value);
}

function probability(value: number, field: string, report: Report): void {
  if (!(typeof value === 'number' && value >= 0 && value <= 1))
    report(field, 'must be a probability from 0 to 1', value);
}

function validatePolicy(item: SimItem, at: string, report: Report): void {
  const policy = item.policy;
  const field = `${at}.policy`;
  switch (policy.kind) {
    case 'reorder_point':
      milli(policy.reorderPointMilli, `${field}.reorderPointMilli`, report);
      if (!isWhole(policy.targetMilli) || policy.targetMilli <= 0) {
        report(`${field}.targetMilli`, 'must be a whole number of milli-units > 0', policy.targetMilli);
      } else if (policy.reorderPointMilli > policy.targetMilli) {
        report(`${field}.reorderPointMilli`, 'must not exceed targetMilli', policy.reorderPointMilli);
      }
      return;
    case 'kanban':
      if (!isWhole(policy.cards) || policy.cards < 1 || policy.cards > MAX_KANBAN_CARDS) {
        report(`${field}.cards`, `must be a whole number from 1 to ${MAX_KANBAN_CARDS}`, policy.cards);
      }
      if (!isWhole(policy.containerQuantityMilli) || policy.containerQuantityMilli <= 0) {
        report(
          `${field}.containerQuantityMilli`,
          'must be a whole number of milli-units > 0',
          policy.containerQuantityMilli,
        );
      }
      return;
    case 'periodic_review':
      if (!isWhole(policy.reviewDays) || policy.reviewDays < 1 || policy.reviewDays > MAX_REVIEW_DAYS) {
        report(`${field}.reviewDays`, `must be a whole number from 1 to ${MAX_REVIEW_DAYS}`, policy.reviewDays);
      }
      if (!isWhole(policy.targetMilli) || policy.targetMilli <= 0) {
        report(`${field}.targetMilli`, 'must be a whole number of milli-units > 0', policy.targetMilli);
      }
      return;
    case 'make_to_order':
      return;
    default:
      report(
        `${field}.kind`,
        'must be reorder_point, kanban, periodic_review or make_to_order',
        (policy as { kind: unknown }).kind,
      );
  }
}

function validateDemand(item: SimItem, at: string, report: Report): void {
  const demand = item.demand;
  const field = `${at}.demand`;
  switch (demand.kind) {
    case 'poisson':
      nonNegative(demand.meanPerDay, `${field}.meanPerDay`, report);
      break;
    case 'negative_binomial':
    case 'normal':
      nonNegative(demand.meanPerDay, `${field}.meanPerDay`, report);
      nonNegative(demand.sdPerDay, `${field}.sdPerDay`, report);
      break;
    case 'intermittent':
      probability(demand.probability, `${field}.probability`, report);
      positive(demand.sizeMean, `${field}.sizeMean`, report);
      nonNegative(demand.sizeSd, `${field}.sizeSd`, report);
      break;
    case 'replay':
    case 'bootstrap': {
      const history = demand.history;
      if (!(history instanceof Float64Array) || history.length === 0) {
        report(`${field}.history`, 'must hold at least one day of demand');
        break;
      }
      for (let day = 0; day < history.length; day++) {
        const units = history[day]!;
        if (!(Number.isFinite(units) && units >= 0)) {
          report(`${field}.history[${day}]`, 'must be a number ≥ 0 (units demanded that day)', units);
          break;
        }
      }
      if (demand.kind === 'bootstrap' && (!isWhole(demand.blockDays) || demand.blockDays < 1)) {
        report(`${field}.blockDays`, 'must be a whole number of days ≥ 1', demand.blockDays);
      }
      break;
    }
    default:
      report(
        `${field}.kind`,
        'must be replay, bootstrap, poisson, negative_binomial, normal or intermittent',
        (demand as { kind: unknown }).kind,
      );
  }
  const shape = item.shape;
  if (shape?.weekly !== undefined) {
    if (!Array.isArray(shape.weekly) || shape.weekly.length !== 7) {
      report(`${at}.shape.weekly`, 'must be seven multipliers, one per weekday');
    } else {
      for (let i = 0; i < 7; i++) nonNegative(shape.weekly[i]!, `${at}.shape.weekly[${i}]`, report);
    }
  }
  if (shape?.spikes !== undefined) {
    probability(shape.spikes.probability, `${at}.shape.spikes.probability`, report);
    nonNegative(shape.spikes.multiplier, `${at}.shape.spikes.multiplier`, report);
  }
}

function validateLeadTime(item: SimItem, at: string, report: Report): void {
  const leadTime = item.leadTime;
  const field = `${at}.leadTime`;
  switch (leadTime.kind) {
    case 'fixed':
      nonNegative(leadTime.days, `${field}.days`, report);
      return;
    case 'empirical':
      if (!Array.isArray(leadTime.samplesDays) || leadTime.samplesDays.length === 0) {
        report(`${field}.samplesDays`, 'must hold at least one measured lead time');
        return;
      }
      for (let i = 0; i < leadTime.samplesDays.length; i++) {
        nonNegative(leadTime.samplesDays[i]!, `${field}.samplesDays[${i}]`, report);
      }
      return;
    case 'normal':
    case 'gamma':
    case 'lognormal':
      positive(leadTime.meanDays, `${field}.meanDays`, report);
      nonNegative(leadTime.sdDays, `${field}.sdDays`, report);
      return;
    default:
      report(
        `${field}.kind`,
        'must be fixed, empirical, normal, gamma or lognormal',
        (leadTime as { kind: unknown }).kind,
      );
  }
}

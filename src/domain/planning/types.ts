/**
 * The plain data that flows through planning: settings, the facts about one item × location, and what the policy
 * engine and the strategy classifier return. Quantities here are in the item's unit as floats (statistics); they are
 * rounded to exact thousandths only when a recommendation becomes a policy. Money is in major units (e.g. euros).
 */
import type { DemandClass, ForecastMethod } from '../forecast/index.js';
import type { ServiceType } from '../policy/safety-stock.js';

export type AbcClass = 'A' | 'B' | 'C';
export type XyzClass = 'X' | 'Y' | 'Z';
export type Strategy = 'lean' | 'buffered' | 'make_to_order';
export type Criticality = 'low' | 'medium' | 'high';

export type RiskFlag =
  | 'single_source'
  | 'long_lead_time'
  | 'overseas'
  | 'seasonal_availability'
  | 'low_supplier_otif'
  | 'unstable_lead_time'
  | 'volatile_demand';

export type PlanningSettings = {
  /** Service target by ABC class: a cycle service level or a fill rate, 0 < x < 1. */
  serviceLevels: Record<AbcClass, number>;
  serviceType: ServiceType;
  /** Holding cost as a fraction of unit cost per year (e.g. 0.25). */
  holdingRatePerYear: number;
  /** Cost of placing one order, money units, when the supplier has none of its own. */
  orderingCost: number;
  /** How the target (order-up-to level) is set: s + EOQ, or s + the demand of `coverDays`. */
  targetRule: 'eoq' | 'days_of_cover';
  coverDays: number;
  /** Days of demand history the planner reads (default 730). */
  historyDays: number;
  /** Cumulative share of annual consumption value that closes class A and class B (default 0.8, 0.95). */
  abcCutoffs: [number, number];
  /** Coefficient of variation of weekly demand (`DemandForecast.cv`) that closes class X and class Y (default 0.5, 1.0). */
  xyzCutoffs: [number, number];
  /** Days between cycle counts by class (default A 30, B 91, C 365). */
  countIntervalDays: Record<AbcClass, number>;
  /** A supplier whose OTIF is below this is a supply risk (default 0.9). */
  otifThreshold: number;
  /** A lead time at or above this many days is long (default 30). */
  longLeadTimeDays: number;
  /** Lead-time coefficient of variation at or above which the lead time is unstable (default 0.3). */
  unstableLeadTimeCv: number;
  /** Extra stock, in days of demand, that `buffered` adds on top of the safety stock (default 7). */
  bufferDays: number;
  /** Whether the server applies re-plans of 'auto' policies as data arrives (default false: it only recommends). */
  autoApply: boolean;
};

export const DEFAULT_PLANNING_SETTINGS: PlanningSettings = {
  serviceLevels: { A: 0.98, B: 0.95, C: 0.9 },
  serviceType: 'cycle',
  holdingRatePerYear: 0.25,
  orderingCost: 25,
  targetRule: 'eoq',
  coverDays: 14,
  historyDays: 730,
  abcCutoffs: [0.8, 0.95],
  xyzCutoffs: [0.5, 1.0],
  countIntervalDays: { A: 30, B: 91, C: 365 },
  otifThreshold: 0.9,
  longLeadTimeDays: 30,
  unstableLeadTimeCv: 0.3,
  bufferDays: 7,
  autoApply: false,
};

/** Lead-time statistics from receipts (days), with on-time and in-full rates (0–1; null with no receipts). */
export type LeadTimeStats = {
  receipts: number;
  meanDays: number | null;
  sdDays: number | null;
  p90Days: number | null;
  onTimeRate: number | null;
  inFullRate: number | null;
  otif: number | null;
};

/** The lead time the engine uses, and where it came from. */
export type LeadTimeInput = {
  meanDays: number;
  sdDays: number;
  /** 'measured' from receipts, else the source's or supplier's quoted lead time with σ = 0. */
  source: 'measured' | 'quoted';
};

/** What the forecaster concluded about one item × location's demand. */
export type DemandForecast = {
  method: ForecastMethod | null;
  demandClass: DemandClass;
  /** Units/day. */
  meanPerDay: number;
  sdPerDay: number;
  /**
   * Coefficient of variation of weekly demand over the complete 7-day weeks without a stock-out day, counted back from
   * the last day; with fewer than 8 such weeks, the daily one over the observed days ÷ √7. NaN with no demand.
   */
  cv: number;
  /** Observed days (history minus stock-out days). */
  observedDays: number;
  /** The reason the method was chosen, in words. */
  reason: string;
};

/** Input to the strategy classifier for one item × location (the classifier sees the whole portfolio at once). */
export type StrategyInput = {
  key: string;
  /** Annual consumption value, money units: mean demand/day × 365 × unit cost. */
  annualValue: number;
  demandCv: number;
  demandClass: DemandClass;
  criticality: Criticality;
  currentPolicyKind: string | null;
  /** Active sources of the item. */
  sourceCount: number;
  leadTime: LeadTimeInput | null;
  /** The primary supplier's OTIF (null when unmeasured). */
  supplierOtif: number | null;
  overseas: boolean;
  /** The primary supplier only ships in part of the year (not modelled yet: false unless known). */
  seasonalAvailability: boolean;
};

export type StrategyResult = {
  key: string;
  abc: AbcClass;
  xyz: XyzClass;
  riskFlags: RiskFlag[];
  strategy: Strategy;
  /** Days of demand held on top of the safety stock; 0 unless buffered. */
  bufferDays: number;
  /** Sentences that say why, e.g. "Single source with a 45-day overseas lead time". */
  reasons: string[];
};

/** One step of an explanation: what was computed, how, and the value. */
export type ExplanationStep = { name: string; formula: string; value: number; unit: string };

export type Explanation = {
  inputs: Record<string, number | string | null>;
  steps: ExplanationStep[];
  /** One paragraph in words. */
  summary: string;
};

/** The engine's input for one item × location. */
export type RecommendInput = {
  forecast: DemandForecast;
  leadTime: LeadTimeInput;
  strategy: StrategyResult;
  serviceLevel: number;
  serviceType: ServiceType;
  /** Money units per unit; null when the item has no cost (EOQ then falls back to days of cover). */
  unitCost: number | null;
  orderingCost: number;
  holdingRatePerYear: number;
  targetRule: 'eoq' | 'days_of_cover';
  coverDays: number;
  /** Of the primary source, units (null: none). */
  moq: number | null;
  packSize: number | null;
  /** The item is counted in whole units (pcs, boxes, …): levels and order quantities are rounded up to whole units. */
  wholeUnits?: boolean;
  /** The policy in force, whose kind the engine keeps (kanban stays kanban, periodic review stays periodic). */
  current: CurrentPolicy | null;
};

export type CurrentPolicy = {
  kind: 'reorder_point' | 'kanban' | 'periodic_review' | 'make_to_order' | 'manual';
  reorderPoint: number | null;
  target: number | null;
  cards: number | null;
  containerQuantity: number | null;
  reviewDays: number | null;
};

export type Recommendation = {
  kind: 'reorder_point' | 'kanban' | 'periodic_review' | 'make_to_order' | 'manual';
  /** Units, rounded up to 3 decimals (and to packs where the policy orders in packs). */
  reorderPoint: number | null;
  target: number | null;
  cards: number | null;
  containerQuantity: number | null;
  reviewDays: number | null;
  safetyStock: number | null;
  orderQuantity: number | null;
  explanation: Explanation;
};

/**
 * The plain data of a simulation: one item × location under a policy, its demand and supply models, the disruptions
 * of a scenario, and what a run returns. Days are whole simulation days 0 … horizonDays − 1. Quantities are in
 * milli-units held as integers in doubles (exact, like the ledger), so the simulated trigger can share the real one's
 * code (`decideReplenishment` / `roundOrderQuantity` in domain/replenishment). Money is in minor units (integers).
 */

export type SimPolicy =
  | { kind: 'reorder_point'; reorderPointMilli: number; targetMilli: number }
  | { kind: 'kanban'; cards: number; containerQuantityMilli: number }
  | { kind: 'periodic_review'; reviewDays: number; targetMilli: number }
  | { kind: 'make_to_order' };

export type DemandModel =
  /** The history, day by day (units/day), repeated from the start when the horizon is longer. */
  | { kind: 'replay'; history: Float64Array }
  /** Blocks of `blockDays` consecutive history days drawn at random (keeps weekly pattern and autocorrelation). */
  | { kind: 'bootstrap'; history: Float64Array; blockDays: number }
  | { kind: 'poisson'; meanPerDay: number }
  | { kind: 'negative_binomial'; meanPerDay: number; sdPerDay: number }
  | { kind: 'normal'; meanPerDay: number; sdPerDay: number }
  /** A demand on a day with probability `probability`, its size from a normal (mean, sd) floored at 1 unit. */
  | { kind: 'intermittent'; probability: number; sizeMean: number; sizeSd: number };

/** Multipliers applied on top of a parametric model (ignored by replay and bootstrap, which carry their own). */
export type DemandShape = {
  /** Seven multipliers, day 0 of the simulation being weekday index 0. */
  weekly?: number[] | undefined;
  /** Each day, with this probability, demand is multiplied by `multiplier`. */
  spikes?: { probability: number; multiplier: number } | undefined;
};

export type LeadTimeModel =
  | { kind: 'fixed'; days: number }
  /** Measured lead times (days), drawn with replacement. */
  | { kind: 'empirical'; samplesDays: number[] }
  | { kind: 'normal' | 'gamma' | 'lognormal'; meanDays: number; sdDays: number };

export type SimItem = {
  /** e.g. "SKU@LOCATION"; seeds are derived from it, so results do not depend on the item's position or the threads. */
  key: string;
  supplier: string;
  policy: SimPolicy;
  /** Extra stock held "just in case", milli-units: added to s and S (reorder point, periodic target) or as extra cards. */
  extraSafetyStockMilli: number;
  demand: DemandModel;
  shape?: DemandShape | undefined;
  leadTime: LeadTimeModel;
  moqMilli: number | null;
  packSizeMilli: number | null;
  /** Probability that a delivery comes short, and the share delivered then (the rest follows one lead time later). */
  partialDelivery?: { probability: number; fraction: number } | undefined;
  initialOnHandMilli: number;
  unitCostMinor: number;
  /** Holding cost per unit-year as a fraction of unit cost. */
  holdingRatePerYear: number;
  orderingCostMinor: number;
  /** Cost per unit short (lost or backordered), minor units. */
  stockoutCostMinor: number;
};

export type Disruptions = {
  /** The supplier takes no orders and ships nothing from day `fromDay` for `days` days. */
  outages: { supplier: string; fromDay: number; days: number }[];
  /** Lead times of orders placed in the window are multiplied by `factor` (all suppliers when `supplier` is absent). */
  leadTimeFactors: { supplier?: string | undefined; fromDay: number; days: number; factor: number }[];
  /** Demand in the window is multiplied by `factor` (all items when `items` is absent). */
  demandFactors: { items?: string[] | undefined; fromDay: number; days: number; factor: number }[];
};

export type SimConfig = {
  horizonDays: number;
  unmetDemand: 'lost_sales' | 'backorders';
  /** Keep the daily on hand, position and orders of each run (memory grows with runs × days). */
  trajectories: boolean;
};

/** One run of one item. Money in minor units, quantities in milli-units (integers), rates 0–1. */
export type SimRunResult = {
  holdingCostMinor: number;
  orderingCostMinor: number;
  stockoutCostMinor: number;
  totalCostMinor: number;
  stockoutDays: number;
  /** Demand served from stock ÷ demand (1 with no demand). */
  fillRate: number;
  /** Replenishment cycles without a stock-out ÷ cycles (1 with no cycles). */
  cycleServiceLevel: number;
  averageOnHandMilli: number;
  peakOnHandMilli: number;
  /** On hand × unit cost, minor units. */
  averageCashMinor: number;
  peakCashMinor: number;
  ordersPlaced: number;
  demandMilli: number;
  servedMilli: number;
  shortMilli: number;
  orderedMilli: number;
  receivedMilli: number;
  /** Ordered and not yet received at the end (conservation: received = ordered − open). */
  openOnOrderMilli: number;
  /** On hand at the end (conservation: initial + received − served − backorders filled). */
  onHandEndMilli: number;
  /** Backorders still open at the end (0 under lost sales). */
  backordersEndMilli: number;
  trajectory?: { onHandMilli: Float64Array; positionMilli: Float64Array; orderedMilli: Float64Array } | undefined;
};

/** The mean, the sample standard deviation (so the standard error of the mean is sd/√runs) and p5 / p50 / p95 of one output over the runs. */
export type Spread = { mean: number; sd: number; p5: number; p50: number; p95: number };

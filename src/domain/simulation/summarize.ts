import type { SimRunResult, Spread } from './types.js';

/**
 * What a Monte Carlo simulation reports: per item and for the catalogue, the spread (mean, standard deviation, p5, p50,
 * p95) of every output over the runs. Pure: the runs come in one at a time, in run order, and the summaries hold a
 * bounded amount of state whatever the number of runs.
 *
 * Quantiles are exact (type 7 of Hyndman & Fan, "Sample quantiles in statistical packages", The American
 * Statistician 50(4), 1996: linear between the order statistics, as R and NumPy by default) while the runs are at most
 * `EXACT_QUANTILE_RUNS`, the values being kept; above, each quantile comes from a P² estimator (Jain & Chlamtac, "The
 * P² algorithm for dynamic calculation of quantiles and histograms without storing observations", CACM 28(10), 1985),
 * five markers per quantile (the outer two, the minimum and the maximum, shared), so 25 numbers per output whatever the
 * runs. Both are deterministic: the same values in the same order give the same bits.
 */

/** Up to this many runs the values are kept and the quantiles are exact; above, P² estimates. */
export const EXACT_QUANTILE_RUNS = 1000;

/** The quantiles a spread reports. */
export const SPREAD_QUANTILES = [0.05, 0.5, 0.95] as const;

/** Every numeric output of one run, in a fixed order (the order of the packed arrays). */
export const SIM_OUTPUTS = [
  'holdingCostMinor',
  'orderingCostMinor',
  'stockoutCostMinor',
  'totalCostMinor',
  'stockoutDays',
  'fillRate',
  'cycleServiceLevel',
  'averageOnHandMilli',
  'peakOnHandMilli',
  'averageCashMinor',
  'peakCashMinor',
  'ordersPlaced',
  'demandMilli',
  'servedMilli',
  'shortMilli',
  'orderedMilli',
  'receivedMilli',
  'openOnOrderMilli',
  'onHandEndMilli',
  'backordersEndMilli',
] as const satisfies readonly (keyof SimRunResult)[];
export type SimOutput = (typeof SIM_OUTPUTS)[number];

type NumericKeys<T> = { [K in keyof T]-?: T[K] extends number ? K : never }[keyof T];
// A numeric output added to SimRunResult and not listed above stops the build here.
const everyOutputListed: Exclude<NumericKeys<SimRunResult>, SimOutput> extends never ? true : false = true;
void everyOutputListed;

/**
 * Catalogue outputs: per run, the sum over items of each money and quantity output (integers: minor units,
 * milli-units, days, orders), so the total does not depend on the order of the sum, hence not on the threads. Peaks are
 * left out (the sum of the items' peaks is not the catalogue's peak). Then two derived per run: `fillRate`, served ÷
 * demand of the catalogue (1 with no demand), and `itemsWithStockout`, the items with at least one stock-out day.
 */
export const CATALOGUE_SUMS = [
  'holdingCostMinor',
  'orderingCostMinor',
  'stockoutCostMinor',
  'totalCostMinor',
  'averageCashMinor',
  'averageOnHandMilli',
  'stockoutDays',
  'ordersPlaced',
  'demandMilli',
  'servedMilli',
  'shortMilli',
  'orderedMilli',
  'receivedMilli',
  'openOnOrderMilli',
] as const satisfies readonly SimOutput[];
export type CatalogueSum = (typeof CATALOGUE_SUMS)[number];
export const CATALOGUE_OUTPUTS = [...CATALOGUE_SUMS, 'fillRate', 'itemsWithStockout'] as const;
export type CatalogueOutput = (typeof CATALOGUE_OUTPUTS)[number];

/** Per day, milli-units: the p5, p50 and p95 over the runs of the on hand at the end of the day. */
export type OnHandBands = { p5: Float64Array; p50: Float64Array; p95: Float64Array };

export type ItemSummary = {
  key: string;
  outputs: Record<SimOutput, Spread>;
  /** Only when trajectories were asked for. */
  onHandBands?: OnHandBands | undefined;
};

export type MonteCarloResult = {
  runs: number;
  seed: number;
  horizonDays: number;
  /** How the p5/p50/p95 were computed: exact order statistics, or P² estimates above `EXACT_QUANTILE_RUNS` runs. */
  quantiles: 'exact' | 'p2';
  /** In the order of the input items. */
  items: ItemSummary[];
  catalogue: Record<CatalogueOutput, Spread>;
};

/** Numbers held per output by a P² summary: the first five values, minimum, maximum, 3 × (3 heights, 3 positions). */
const P2_SLOTS = 5 + 2 + SPREAD_QUANTILES.length * 6;
const MOMENT_SLOTS = 2;

/**
 * The spread of `width` outputs over `runs` runs, fed one run at a time (`add`, in run order). Exact while
 * runs ≤ `EXACT_QUANTILE_RUNS` (width × runs numbers kept), P² above (25 numbers per output). Mean and standard
 * deviation by Welford's update (Welford, Technometrics 4(3), 1962), the sample standard deviation (n − 1).
 *
 * @example const s = new RunSummary(1, 3); s.add([1]); s.add([2]); s.add([4]); s.spreads()[0] // mean 7/3, p50 2
 */
export class RunSummary {
  readonly width: number;
  readonly runs: number;
  readonly exact: boolean;
  #count = 0;
  readonly #moments: Float64Array;
  readonly #state: Float64Array;

  constructor(width: number, runs: number) {
    this.width = width;
    this.runs = runs;
    this.exact = runs <= EXACT_QUANTILE_RUNS;
    this.#moments = new Float64Array(width * MOMENT_SLOTS);
    this.#state = new Float64Array(this.exact ? width * runs : width * P2_SLOTS);
  }

  /** Runs added so far. */
  get count(): number {
    return this.#count;
  }

  /** Numbers this summary holds (flat in the number of runs above `EXACT_QUANTILE_RUNS`). */
  get retainedNumbers(): number {
    return this.#moments.length + this.#state.length;
  }

  /** One run's outputs, `values[j]` for output j. */
  add(values: ArrayLike<number>): void {
    const n = this.#count;
    if (n >= this.runs) throw new RangeError(`RunSummary: more than the ${this.runs} runs announced`);
    this.#count = n + 1;
    const moments = this.#moments;
    const state = this.#state;
    for (let j = 0; j < this.width; j++) {
      const x = values[j]!;
      const mean = moments[2 * j]!;
      const delta = x - mean;
      const nextMean = mean + delta / (n + 1);
      moments[2 * j] = nextMean;
      moments[2 * j + 1] = moments[2 * j + 1]! + delta * (x - nextMean);
      if (this.exact) state[j * this.runs + n] = x;
      else addP2(state, j * P2_SLOTS, n, x);
    }
  }

  /** The spread of each output over the runs added (all zero before the first). */
  spreads(): Spread[] {
    const out: Spread[] = [];
    const n = this.#count;
    const scratch = this.exact ? new Float64Array(n) : undefined;
    for (let j = 0; j < this.width; j++) {
      const mean = n > 0 ? this.#moments[2 * j]! : 0;
      const sd = n > 1 ? Math.sqrt(Math.max(0, this.#moments[2 * j + 1]!) / (n - 1)) : 0;
      let quantiles: number[];
      if (n === 0) quantiles = SPREAD_QUANTILES.map(() => 0);
      else if (scratch !== undefined) {
        scratch.set(this.#state.subarray(j * this.runs, j * this.runs + n));
        scratch.sort();
        quantiles = SPREAD_QUANTILES.map((p) => quantileOfSorted(scratch, p));
      } else quantiles = SPREAD_QUANTILES.map((_, q) => quantileP2(this.#state, j * P2_SLOTS, n, q));
      out.push({ mean, sd, p5: quantiles[0]!, p50: quantiles[1]!, p95: quantiles[2]! });
    }
    return out;
  }
}

/**
 * The p-quantile of ascending values, type 7 of Hyndman & Fan (1996): h = (n − 1)p, x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋+1 − x⌊h⌋).
 *
 * @example quantileOfSorted(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = lo + 1 < n ? lo + 1 : lo;
  const below = sorted[lo]!;
  return below + (h - lo) * (sorted[hi]! - below);
}

// P² layout from `at`: [0..4] the first five values; [5] minimum, [6] maximum; then per quantile q, from 7 + 6q:
// heights of markers 1, 2, 3, then their positions (1-based). Marker 0 is the minimum at position 1, marker 4 the
// maximum at position n. After n values the desired position of marker i is 1 + (n − 1)·dᵢ with
// d = (0, p/2, p, (1 + p)/2, 1) (Jain & Chlamtac 1985, box 1).
const P2_MIN = 5;
const P2_MAX = 6;
const P2_MARKERS = 7;

function addP2(state: Float64Array, at: number, n: number, x: number): void {
  if (n < 5) {
    state[at + n] = x;
    if (n === 4) initP2(state, at);
    return;
  }
  if (x < state[at + P2_MIN]!) state[at + P2_MIN] = x;
  if (x > state[at + P2_MAX]!) state[at + P2_MAX] = x;
  const count = n + 1;
  for (let q = 0; q < SPREAD_QUANTILES.length; q++) {
    const m = at + P2_MARKERS + 6 * q;
    // Markers above the cell x falls into move up one position.
    if (x < state[m]!) {
      state[m + 3] = state[m + 3]! + 1;
      state[m + 4] = state[m + 4]! + 1;
      state[m + 5] = state[m + 5]! + 1;
    } else if (x < state[m + 1]!) {
      state[m + 4] = state[m + 4]! + 1;
      state[m + 5] = state[m + 5]! + 1;
    } else if (x < state[m + 2]!) {
      state[m + 5] = state[m + 5]! + 1;
    }
    const p = SPREAD_QUANTILES[q]!;
    adjustP2(state, at, m, 0, count, 1 + ((count - 1) * p) / 2);
    adjustP2(state, at, m, 1, count, 1 + (count - 1) * p);
    adjustP2(state, at, m, 2, count, 1 + ((count - 1) * (1 + p)) / 2);
  }
}

function initP2(state: Float64Array, at: number): void {
  const first = Array.from(state.subarray(at, at + 5)).sort((a, b) => a - b);
  state[at + P2_MIN] = first[0]!;
  state[at + P2_MAX] = first[4]!;
  for (let q = 0; q < SPREAD_QUANTILES.length; q++) {
    const m = at + P2_MARKERS + 6 * q;
    for (let i = 0; i < 3; i++) {
      state[m + i] = first[i + 1]!;
      state[m + 3 + i] = i + 2;
    }
  }
}

/** Moves middle marker i (0–2 here, 1–3 in the paper) one position towards its desired position when it lags by ≥ 1. */
function adjustP2(state: Float64Array, at: number, m: number, i: number, count: number, desired: number): void {
  const position = state[m + 3 + i]!;
  const below = i === 0 ? 1 : state[m + 2 + i]!;
  const above = i === 2 ? count : state[m + 4 + i]!;
  const d = desired - position;
  if (!((d >= 1 && above - position > 1) || (d <= -1 && below - position < -1))) return;
  const step = d > 0 ? 1 : -1;
  const height = state[m + i]!;
  const heightBelow = i === 0 ? state[at + P2_MIN]! : state[m + i - 1]!;
  const heightAbove = i === 2 ? state[at + P2_MAX]! : state[m + i + 1]!;
  const parabolic =
    height +
    (step / (above - below)) *
      ((position - below + step) * ((heightAbove - height) / (above - position)) +
        (above - position - step) * ((height - heightBelow) / (position - below)));
  if (heightBelow < parabolic && parabolic < heightAbove) state[m + i] = parabolic;
  else if (step > 0) state[m + i] = height + (heightAbove - height) / (above - position);
  else state[m + i] = height - (heightBelow - height) / (below - position);
  state[m + 3 + i] = position + step;
}

function quantileP2(state: Float64Array, at: number, n: number, q: number): number {
  if (n < 5) {
    const first = Array.from(state.subarray(at, at + n)).sort((a, b) => a - b);
    return quantileOfSorted(first, SPREAD_QUANTILES[q]!);
  }
  return state[at + P2_MARKERS + 6 * q + 1]!;
}

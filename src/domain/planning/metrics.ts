/**
 * Inventory performance metrics: the formulas, and the day-by-day walk of one item × location's ledger from which the
 * metrics and the drift review read daily on hand, demand served from stock and stock-outs. Pure: the movements, the
 * opening on hand and the instants at which the site's local days begin come in as arguments.
 */

/** Days of the year the annual figures are scaled to. */
export const DAYS_PER_YEAR = 365;

/**
 * Inventory turnover per year: the cost of the goods issued or sold in the period, scaled to a year, over the average
 * inventory value of the period, turns = (COGS × 365 / periodDays) ÷ average inventory. Null without inventory.
 *
 * Source: Heizer, Render & Munson, *Operations Management*, 12th ed. (2017), ch. 11, equation (11-2), Solved Problem
 * 11.1 (Jack's Pottery Outlet: 7,000,000 / 350,000 = 20 turns); Silver, Pyke & Thomas, *Inventory and Production
 * Management in Supply Chains*, 4th ed. (2017), ch. 2 (turnover ratio = annual sales at cost / average inventory).
 * Money in any unit, the same for both.
 *
 * @example computeInventoryTurnover(7_000_000, 350_000) // 20
 */
export function computeInventoryTurnover(
  costOfGoodsIssued: number,
  averageInventoryValue: number,
  periodDays = DAYS_PER_YEAR,
): number | null {
  if (!(averageInventoryValue > 0) || !(periodDays > 0)) return null;
  return (costOfGoodsIssued * (DAYS_PER_YEAR / periodDays)) / averageInventoryValue;
}

/**
 * Days of supply: how many days the stock lasts at the mean daily demand, inventory ÷ demand per day, in units for one
 * item or in money for many (inventory value ÷ cost of goods issued per day). Null when there is no demand (the stock
 * lasts for ever).
 *
 * Source: Heizer, Render & Munson, *Operations Management*, 12th ed. (2017), ch. 11, equation (11-3), weeks of supply =
 * average inventory investment ÷ (annual cost of goods sold / 52); Solved Problem 11.1: 350,000 / (7,000,000 / 52) =
 * 2.6 weeks, which in days is 350,000 / (7,000,000 / 365) = 18.25.
 *
 * @example computeDaysOfSupply(350_000, 7_000_000 / 365) // 18.25
 */
export function computeDaysOfSupply(inventory: number, demandPerDay: number): number | null {
  if (!(demandPerDay > 0)) return null;
  return inventory / demandPerDay;
}

/**
 * Holding cost of the period: average inventory value × holding rate per year × the period's share of a year,
 * H = Ī · h · periodDays / 365 (h as a fraction of value per year, e.g. 0.25). Silver, Pyke & Thomas, 4th ed., ch. 2
 * (the carrying charge r, $/$/year).
 *
 * @example computeHoldingCost(10_000, 0.25, 73) // 500
 */
export function computeHoldingCost(
  averageInventoryValue: number,
  holdingRatePerYear: number,
  periodDays: number,
): number {
  return averageInventoryValue * holdingRatePerYear * (periodDays / DAYS_PER_YEAR);
}

/** A part of a whole, 0–1; null when the whole is zero (nothing to measure). */
export function shareOf(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/**
 * Purchase orders per month over a period of `periodDays`: orders ÷ (periodDays × 12 / 365). A month is a twelfth of
 * a year, so periods of any length compare.
 *
 * @example computeOrdersPerMonth(24, 365) // 2
 */
export function computeOrdersPerMonth(orders: number, periodDays: number): number {
  return periodDays > 0 ? orders / ((periodDays * 12) / DAYS_PER_YEAR) : 0;
}

/** One movement of a pair as the walk reads it. */
export type LedgerEntry = {
  /** Epoch ms. */
  occurredAt: number;
  /** Signed change of on hand, thousandths. */
  quantityMilli: number;
  /**
   * The demand it records, thousandths (≥ 0): −quantity of an issue or sale that was not reversed; 0 for anything else
   * (a reversed issue was a mistake: neither it nor its reversal is demand, though both moved stock).
   */
  demandMilli: number;
};

/** One pair's stock day by day over a window of local days. */
export type DailyStock = {
  /** On hand at the end of each day, thousandths. */
  closingMilli: Float64Array;
  /** Demand recorded on each day, thousandths. */
  demandMilli: Float64Array;
  /** The part of it served from stock: each demand movement up to the on hand before it, thousandths. */
  servedMilli: Float64Array;
  /** 1 where on hand was ≤ 0 at some moment of a stocked day: at its start or after one of its movements. */
  stockOut: Uint8Array;
  /** 1 where a stocked day began with on hand ≤ 0. */
  openedOut: Uint8Array;
  /** Stock-out episodes begun each day: on hand fell from > 0 to ≤ 0 (or the window opened with none). */
  episodeStarts: Uint16Array;
  /** 1 on the days the pair was stocked: from the day of its first movement on. */
  stocked: Uint8Array;
};

/**
 * Runs a pair's ledger forward through the local days `dayStarts[0] … dayStarts[days]` (days + 1 instants, as
 * `localDayStarts` gives them) from the on hand at the window's start, in thousandths.
 *
 * - Closing on hand of day d = opening + Σ changes of day d; a day's opening is the previous day's closing.
 * - Demand served from stock: a demand movement of q with on hand h before it serves min(q, max(0, h)); the rest was a
 *   backorder (make-to-order sales, items allowed below zero).
 * - A day is a stock-out day when on hand was ≤ 0 at its start or after any of its movements; an episode begins each
 *   time on hand falls from above zero to zero or below (a window that opens out of stock begins one on day 0).
 * - A pair is stocked from its first movement ever (`stockedFrom`, epoch ms; at or before the window's start: from day
 *   0): before that it did not exist at the location, so its days are neither stock-outs nor episodes.
 *
 * `entries` must be in the order they happened (occurred_at, then id); those outside the window are ignored.
 *
 * @example walkDailyStock(Float64Array.of(0, 86_400_000), 1000, [{ occurredAt: 1, quantityMilli: -1000, demandMilli: 1000 }], 0)
 * // one day: closing 0, demand 1000, served 1000, a stock-out day and the start of an episode
 */
export function walkDailyStock(
  dayStarts: Float64Array,
  openingMilli: number,
  entries: readonly LedgerEntry[],
  stockedFrom: number,
): DailyStock {
  const days = dayStarts.length - 1;
  const result: DailyStock = {
    closingMilli: new Float64Array(days),
    demandMilli: new Float64Array(days),
    servedMilli: new Float64Array(days),
    stockOut: new Uint8Array(days),
    openedOut: new Uint8Array(days),
    episodeStarts: new Uint16Array(days),
    stocked: new Uint8Array(days),
  };
  let onHand = openingMilli;
  let stocked = stockedFrom <= dayStarts[0]!;
  let out = false;
  let next = 0;
  while (next < entries.length && entries[next]!.occurredAt < dayStarts[0]!) next++;
  for (let day = 0; day < days; day++) {
    const end = dayStarts[day + 1]!;
    if (stocked) {
      result.stocked[day] = 1;
      if (onHand <= 0) {
        result.stockOut[day] = 1;
        result.openedOut[day] = 1;
        if (day === 0) result.episodeStarts[0] = 1;
        out = true;
      }
    }
    for (; next < entries.length && entries[next]!.occurredAt < end; next++) {
      const entry = entries[next]!;
      if (!stocked && entry.occurredAt >= stockedFrom) {
        stocked = true;
        result.stocked[day] = 1;
      }
      if (entry.demandMilli > 0) {
        result.demandMilli[day]! += entry.demandMilli;
        result.servedMilli[day]! += Math.min(entry.demandMilli, Math.max(0, onHand));
      }
      onHand += entry.quantityMilli;
      if (!stocked) continue;
      if (onHand <= 0) {
        result.stockOut[day] = 1;
        if (!out) result.episodeStarts[day]!++;
        out = true;
      } else {
        out = false;
      }
    }
    result.closingMilli[day] = onHand;
  }
  return result;
}

/** What one pair did over days `fromDay … toDay − 1` of a walk. */
export type PairPeriodSummary = {
  days: number;
  /** Days the pair was stocked. */
  stockedDays: number;
  stockOutDays: number;
  /** Episodes begun in the days, plus one already under way when they begin. */
  stockOutEpisodes: number;
  demandMilli: number;
  servedMilli: number;
  /** Σ over the days of max(0, closing on hand), thousandths × days: ÷ days is the average inventory. */
  inventoryMilliDays: number;
  /** On hand at the end of the last day, thousandths. */
  closingMilli: number;
  /**
   * Demand lost while out of stock, estimated: on each day that began out of stock, the pair's mean daily demand of
   * its days without a stock-out less the demand recorded that day (never below 0), thousandths.
   */
  estimatedLostMilli: number;
  /** Mean daily demand of the stocked days without a stock-out, thousandths (0 without such days). */
  uncensoredMeanMilli: number;
};

/** Sums a walk over the days `fromDay … toDay − 1` (see {@link PairPeriodSummary}). */
export function summarizeDailyStock(
  stock: DailyStock,
  fromDay = 0,
  toDay = stock.closingMilli.length,
): PairPeriodSummary {
  let stockedDays = 0;
  let stockOutDays = 0;
  // A stock-out that began before the first day is one of these days' episodes too.
  let episodes = fromDay > 0 && fromDay < toDay && stock.openedOut[fromDay] === 1 ? 1 : 0;
  let demand = 0;
  let served = 0;
  let inventory = 0;
  let inStockDemand = 0;
  let inStockDays = 0;
  for (let day = fromDay; day < toDay; day++) {
    demand += stock.demandMilli[day]!;
    served += stock.servedMilli[day]!;
    inventory += Math.max(0, stock.closingMilli[day]!);
    if (stock.stocked[day] !== 1) continue;
    stockedDays++;
    stockOutDays += stock.stockOut[day]!;
    episodes += stock.episodeStarts[day]!;
    if (stock.stockOut[day] === 0) {
      inStockDemand += stock.demandMilli[day]!;
      inStockDays++;
    }
  }
  const uncensoredMean = inStockDays > 0 ? inStockDemand / inStockDays : 0;
  let lost = 0;
  for (let day = fromDay; day < toDay; day++) {
    if (stock.openedOut[day] === 1) lost += Math.max(0, uncensoredMean - stock.demandMilli[day]!);
  }
  return {
    days: Math.max(0, toDay - fromDay),
    stockedDays,
    stockOutDays,
    stockOutEpisodes: episodes,
    demandMilli: demand,
    servedMilli: served,
    inventoryMilliDays: inventory,
    closingMilli: toDay > fromDay ? stock.closingMilli[toDay - 1]! : 0,
    estimatedLostMilli: lost,
    uncensoredMeanMilli: uncensoredMean,
  };
}

import { DAY_MS, instantToLocal, localDateTimeToInstant, zoneOffsetMs } from '../replenishment/local-time.js';

/**
 * Daily demand of one item at one location, bucketed by the site's local date, with the days it had no stock.
 * Pure: the ledger rows and the balance come in as arguments, the window as the instants its local days begin.
 */

/** One ledger row of the pair, as the builder reads it. */
export type PairMovement = {
  /** Issue or sale (a demand movement), or its reversal. */
  isDemand: boolean;
  /** Signed change of on hand, thousandths (a sale of 2 is −2000; its reversal +2000). */
  quantityMilli: number;
  /** Epoch ms. */
  occurredAt: number;
  /** For a reversal, when the reversed movement occurred: the demand it removes belongs to that day. */
  reversedOccurredAt: number | null;
};

export type DailyDemand = {
  /** Units per day, oldest first, zero days included. */
  demand: Float64Array;
  /** 1 where on hand was ≤ 0 at the start or at the end of the day. */
  stockOut: Uint8Array;
};

/** The local day number (days since 1970-01-01 of the civil calendar) of an instant in a zone. */
export function localDayNumber(instant: number, timeZone: string): number {
  return instantToLocal(instant, timeZone).dayNumber;
}

/** A day number as its civil date, `YYYY-MM-DD`. */
export function formatDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The instants at which the local days `firstDay … firstDay + days − 1` begin, and the end of the last one:
 * `days + 1` instants. A day is 23 or 25 hours long across a daylight-saving change; a midnight that does not exist
 * (a zone that springs forward at 00:00) begins the day at the transition.
 *
 * @example localDayStarts(parseLocalDate('2026-03-29')!, 1, 'Europe/Berlin') // [2026-03-28T23:00Z, 2026-03-29T22:00Z]: 23 h
 */
export function localDayStarts(firstDay: number, days: number, timeZone: string): Float64Array {
  const starts = new Float64Array(days + 1);
  let offset = Number.NaN;
  for (let k = 0; k <= days; k++) {
    const wall = (firstDay + k) * DAY_MS;
    // Most midnights have yesterday's offset: one look confirms it; around a change the exact resolution decides.
    let start = wall - offset;
    if (Number.isNaN(start) || zoneOffsetMs(timeZone, start) !== offset) {
      start = localDateTimeToInstant(firstDay + k, 0, timeZone);
      offset = wall - start;
    }
    starts[k] = start;
  }
  return starts;
}

/** The index of the day holding `instant`: −1 before the window, `days` at or after its end. */
export function dayIndexOf(dayStarts: Float64Array, instant: number): number {
  const days = dayStarts.length - 1;
  if (instant < dayStarts[0]!) return -1;
  if (instant >= dayStarts[days]!) return days;
  // Local days are 24 h ± 1 h, so the UTC guess is off by at most a step.
  let index = Math.min(days - 1, Math.floor((instant - dayStarts[0]!) / DAY_MS));
  while (dayStarts[index]! > instant) index--;
  while (dayStarts[index + 1]! <= instant) index++;
  return index;
}

/**
 * Buckets one pair's movements into daily demand and flags the stock-out days; `add` every movement of the pair at
 * or after the window's start (in any order; earlier ones are ignored), then `finish` with the balance now.
 *
 * - Demand of a day = Σ −quantity of the issues and sales that occurred that local day; a reversal of one removes its
 *   quantity from the day of the movement it reverses (a reversal of a movement before the window removes nothing).
 * - On hand is rebuilt by running the ledger forward from the balance before the window:
 *   onHand(start of window) = onHandNow − Σ changes at or after the window's start (today's included), then
 *   onHand(end of day d) = onHand(start of day d) + Σ changes of day d. A day is a stock-out when either is ≤ 0.
 *
 * Quantities are summed as integer thousandths, so the demand is exact to 0.001.
 */
export class DailyDemandBuilder {
  private readonly demandMilli: Float64Array;
  private readonly netMilli: Float64Array;
  private sinceStartMilli = 0;
  /** Movements added at or after the window's start (today's included). */
  movementsSinceStart = 0;

  constructor(private readonly dayStarts: Float64Array) {
    this.demandMilli = new Float64Array(dayStarts.length - 1);
    this.netMilli = new Float64Array(dayStarts.length - 1);
  }

  /**
   * @param isDemand an issue or a sale, or the reversal of one
   * @param quantityMilli signed change of on hand, thousandths (a sale of 2 is −2000, its reversal +2000)
   * @param reversedOccurredAt for a reversal, when the reversed movement occurred (its demand is removed from that day)
   */
  add(isDemand: boolean, quantityMilli: number, occurredAt: number, reversedOccurredAt: number | null): void {
    const dayStarts = this.dayStarts;
    if (occurredAt < dayStarts[0]!) return;
    const days = this.netMilli.length;
    this.sinceStartMilli += quantityMilli;
    this.movementsSinceStart++;
    const day = dayIndexOf(dayStarts, occurredAt);
    if (day < days) this.netMilli[day]! += quantityMilli;
    if (isDemand) {
      const demandDay = reversedOccurredAt === null ? day : dayIndexOf(dayStarts, reversedOccurredAt);
      if (demandDay >= 0 && demandDay < days) this.demandMilli[demandDay]! -= quantityMilli;
    }
  }

  finish(onHandNowMilli: number): DailyDemand {
    const days = this.netMilli.length;
    const demand = new Float64Array(days);
    const stockOut = new Uint8Array(days);
    let onHandMilli = onHandNowMilli - this.sinceStartMilli;
    for (let day = 0; day < days; day++) {
      const endMilli = onHandMilli + this.netMilli[day]!;
      stockOut[day] = onHandMilli <= 0 || endMilli <= 0 ? 1 : 0;
      onHandMilli = endMilli;
      demand[day] = this.demandMilli[day]! / 1000;
    }
    return { demand, stockOut };
  }
}

/** `DailyDemandBuilder` over a list of movements. */
export function buildDailyDemand(
  dayStarts: Float64Array,
  movements: ArrayLike<PairMovement>,
  onHandNowMilli: number,
): DailyDemand & { movementsSinceStart: number } {
  const builder = new DailyDemandBuilder(dayStarts);
  for (let i = 0; i < movements.length; i++) {
    const m = movements[i]!;
    builder.add(m.isDemand, m.quantityMilli, m.occurredAt, m.reversedOccurredAt);
  }
  return { ...builder.finish(onHandNowMilli), movementsSinceStart: builder.movementsSinceStart };
}

/**
 * Moves a history `shiftDays` days forward without reading the ledger, for a pair that had no movement since the
 * window's old end: the days that fall out are dropped, the new days have no demand and the on hand of now
 * (a stock-out when it is ≤ 0).
 */
export function shiftDailyDemand(history: DailyDemand, shiftDays: number, onHandNowMilli: number): DailyDemand {
  const days = history.demand.length;
  const demand = new Float64Array(days);
  const stockOut = new Uint8Array(days);
  const kept = Math.max(0, days - shiftDays);
  if (kept > 0) {
    demand.set(history.demand.subarray(days - kept));
    stockOut.set(history.stockOut.subarray(days - kept));
  }
  stockOut.fill(onHandNowMilli <= 0 ? 1 : 0, kept);
  return { demand, stockOut };
}

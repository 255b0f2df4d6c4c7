import { type Band, LineChart, type Series } from '../chart';
import { num } from '../format';

const DAY = 86_400_000;

export type MovementPoint = { occurred_at: string; on_hand_change: number };

/**
 * On hand at the end of each UTC day from `fromMs` to `nowMs`, rebuilt backwards from the on hand now: the stock at
 * the start of the window is today's less every change inside it.
 */
export function dailyOnHand(
  movements: MovementPoint[],
  onHandNow: number,
  fromMs: number,
  nowMs: number,
): Array<{ x: number; y: number }> {
  const changes = movements
    .map((m) => ({ at: Date.parse(m.occurred_at), change: m.on_hand_change }))
    .filter((m) => m.at >= fromMs && m.at <= nowMs)
    .sort((a, b) => a.at - b.at);
  let level = onHandNow - changes.reduce((sum, m) => sum + m.change, 0);
  const firstDay = Math.floor(fromMs / DAY) * DAY;
  const points: Array<{ x: number; y: number }> = [{ x: fromMs, y: round(level) }];
  let next = 0;
  for (let day = firstDay; day <= nowMs; day += DAY) {
    const end = Math.min(day + DAY, nowMs + 1);
    while (next < changes.length && changes[next]!.at < end) level += changes[next++]!.change;
    points.push({ x: Math.min(day + DAY, nowMs), y: round(level) });
  }
  return points;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * The on hand expected over the next days if nothing arrives: mean demand a day taken off today's stock, with a band
 * of ±1.28 σ√t (about 80 % of outcomes), not below zero.
 */
export function forecastBand(
  onHandNow: number,
  nowMs: number,
  meanPerDay: number,
  sdPerDay: number,
  days: number,
): { mean: Array<{ x: number; y: number }>; band: Array<{ x: number; low: number; high: number }> } {
  const mean: Array<{ x: number; y: number }> = [];
  const band: Array<{ x: number; low: number; high: number }> = [];
  for (let t = 0; t <= days; t++) {
    const expected = onHandNow - meanPerDay * t;
    const spread = 1.28 * sdPerDay * Math.sqrt(t);
    mean.push({ x: nowMs + t * DAY, y: round(Math.max(0, expected)) });
    band.push({
      x: nowMs + t * DAY,
      low: round(Math.max(0, expected - spread)),
      high: round(Math.max(0, expected + spread)),
    });
  }
  return { mean, band };
}

/** Stock over time at one location with its reorder point, target and the demand forecast ahead. */
export function StockChart({
  title,
  history,
  reorderPoint,
  target,
  forecast,
}: {
  title: string;
  history: Array<{ x: number; y: number }>;
  reorderPoint: number | null | undefined;
  target: number | null | undefined;
  forecast?: ReturnType<typeof forecastBand> | undefined;
}) {
  const x0 = history[0]?.x ?? Date.now();
  const x1 = forecast?.mean.at(-1)?.x ?? history.at(-1)?.x ?? Date.now();
  const level = (name: string, color: string, y: number): Series => ({
    name: `${name} ${num(y)}`,
    color,
    dashed: true,
    points: [
      { x: x0, y },
      { x: x1, y },
    ],
  });
  const series: Series[] = [{ name: 'On hand (end of day)', color: '#1f4e79', step: true, points: history }];
  if (typeof reorderPoint === 'number') series.push(level('Reorder point', '#b3261e', reorderPoint));
  if (typeof target === 'number') series.push(level('Target', '#237a3b', target));
  const bands: Band[] = [];
  if (forecast) {
    series.push({ name: 'Forecast on hand', color: '#8a5a00', dashed: true, points: forecast.mean });
    bands.push({ name: 'Forecast band (80 %)', color: '#c98a00', points: forecast.band });
  }
  return (
    <LineChart
      title={title}
      series={series}
      bands={bands}
      xLabel={(x) => new Date(x).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })}
    />
  );
}

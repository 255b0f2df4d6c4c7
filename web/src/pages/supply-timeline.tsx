import { useLayoutEffect, useRef, useState } from 'react';
import { date } from '../format';

/** One bar: a supply from its release date to its due date (a marker at the due date when it has no release date). */
export type TimelineBar = {
  key: string;
  label: string;
  kind: 'make' | 'buy';
  release: string | null;
  due: string;
  cancelled: boolean;
};

/** A date drawn as a vertical line across the bars. */
export type TimelineMark = { key: string; label: string; date: string; className: string };

const DAY = 86_400_000;

function dayOf(iso: string): number {
  return Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
}

function shortDate(ms: number): string {
  return new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** The width of an element in CSS pixels, kept up to date as it resizes. */
function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth || fallback);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.round(entry.contentRect.width) || fallback);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [fallback]);
  return { ref, width };
}

/**
 * Bars from release to due date, one per supply, with vertical lines at the marks (promised, requested, today).
 * Drawn at the figure's real width so that its text stays the page's size on a phone. Today is drawn only when it
 * is near the bars; when it is long before them the caption says how long.
 */
export function SupplyTimeline({
  title,
  bars,
  marks,
  today,
}: {
  title: string;
  bars: TimelineBar[];
  marks: TimelineMark[];
  today: string;
}) {
  const { ref, width } = useWidth<HTMLElement>(640);
  if (bars.length === 0) return null;
  const starts = bars.map((b) => dayOf(b.release ?? b.due));
  const ends = bars.map((b) => dayOf(b.due));
  const span = [...starts, ...ends, ...marks.map((m) => dayOf(m.date))];
  const first = Math.min(...span);
  const t = dayOf(today);
  const todayNear = t >= first - 7 * DAY;
  const x0 = Math.min(first, todayNear ? t : first) - DAY;
  const x1 = Math.max(...span, todayNear ? t : first) + DAY;
  const shown: TimelineMark[] = todayNear
    ? [...marks, { key: 'today', label: 'today', date: today, className: 'mto-mark-today' }]
    : marks;

  // Marks on the same day share one line and one label; labels too close to the previous one go a row up.
  const byDay = new Map<number, TimelineMark[]>();
  for (const m of shown) byDay.set(dayOf(m.date), [...(byDay.get(dayOf(m.date)) ?? []), m]);
  const pad = { left: 6, right: 6, top: 40, bottom: 24 };
  const rowHeight = 38;
  const height = pad.top + bars.length * rowHeight + pad.bottom;
  const sx = (ms: number) => pad.left + ((ms - x0) / (x1 - x0)) * (width - pad.left - pad.right);
  const lines = [...byDay.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, group]) => ({ day, x: sx(day), label: group.map((m) => m.label).join(' = '), group }));
  let lastX = Number.NEGATIVE_INFINITY;
  let lastRow = 1;
  const placed = lines.map((line) => {
    const row = line.x - lastX < 90 && lastRow === 1 ? 0 : 1;
    lastX = line.x;
    lastRow = row;
    return { ...line, y: row === 1 ? pad.top - 10 : pad.top - 26 };
  });
  const tickCount = Math.max(2, Math.floor(width / 110));
  const step = Math.max(1, Math.ceil((x1 - x0) / DAY / tickCount));
  const ticks: number[] = [];
  for (let tick = x0 + DAY; tick < x1; tick += step * DAY) ticks.push(tick);
  const anchor = (x: number) => (x > width - 70 ? 'end' : x < 70 ? 'start' : 'middle');
  const daysAhead = Math.round((first - t) / DAY);

  return (
    <figure className="chart mto-timeline" ref={ref}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={sx(tick)} x2={sx(tick)} y1={pad.top - 4} y2={height - pad.bottom} className="grid" />
            <text x={sx(tick)} y={height - 6} textAnchor="middle" className="mto-axis">
              {shortDate(tick)}
            </text>
          </g>
        ))}
        {bars.map((bar, i) => {
          const start = sx(dayOf(bar.release ?? bar.due));
          const end = Math.max(start + 6, sx(dayOf(bar.due)));
          const y = pad.top + i * rowHeight;
          const left = start < width / 2;
          return (
            <g key={bar.key} className={bar.cancelled ? 'mto-bar-cancelled' : undefined}>
              <text x={left ? start : end} y={y + 13} textAnchor={left ? 'start' : 'end'} className="mto-bar-label">
                {bar.label}
              </text>
              <rect
                x={bar.release === null ? end - 6 : start}
                y={y + 18}
                width={bar.release === null ? 6 : end - start}
                height={12}
                rx={3}
                className={bar.kind === 'make' ? 'mto-bar-make' : 'mto-bar-buy'}
              />
            </g>
          );
        })}
        {placed.map((line) => (
          <g key={line.day} className={line.group.at(-1)!.className}>
            <line x1={line.x} x2={line.x} y1={line.y + 4} y2={height - pad.bottom} />
            <text x={line.x} y={line.y} textAnchor={anchor(line.x)} className="mto-mark-label">
              {line.label}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        <span>
          <i className="mto-key-make" /> make
        </span>
        <span>
          <i className="mto-key-buy" /> buy
        </span>
        {marks.map((m) => (
          <span key={m.key}>
            <i className={`mto-key-${m.key}`} /> {m.label} {date(m.date)}
          </span>
        ))}
        {!todayNear && <span>the first supply starts {daysAhead} days from today</span>}
      </figcaption>
    </figure>
  );
}

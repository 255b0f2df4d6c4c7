/** Small SVG charts: no chart library, so the initial JavaScript stays small. */

export type Series = {
  name: string;
  color: string;
  points: Array<{ x: number; y: number }>;
  /** Drawn as a step line (stock levels change at movements, not in between). */
  step?: boolean;
  dashed?: boolean;
};

export type Band = { name: string; color: string; points: Array<{ x: number; low: number; high: number }> };

function ticks(min: number, max: number, count: number): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => span / s <= count) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function shortNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(abs >= 1e4 ? 0 : 1)}k`;
  return String(Number(value.toFixed(2)));
}

/**
 * A line chart of series (and bands) over a numeric x axis (e.g. epoch ms with `xLabel` formatting dates), with a
 * legend; `title` names it for screen readers.
 */
export function LineChart({
  title,
  series,
  bands = [],
  height = 220,
  xLabel = (x) => String(x),
  yLabel = shortNumber,
}: {
  title: string;
  series: Series[];
  bands?: Band[];
  height?: number;
  xLabel?: (x: number) => string;
  yLabel?: (y: number) => string;
}) {
  const width = 640;
  const pad = { left: 48, right: 12, top: 10, bottom: 26 };
  const xs = [...series.flatMap((s) => s.points.map((p) => p.x)), ...bands.flatMap((b) => b.points.map((p) => p.x))];
  const ys = [
    0,
    ...series.flatMap((s) => s.points.map((p) => p.y)),
    ...bands.flatMap((b) => b.points.flatMap((p) => [p.low, p.high])),
  ];
  if (xs.length === 0) return <p className="muted">No data to draw yet.</p>;
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...ys);
  const yTicks = ticks(y0, Math.max(...ys), 4);
  const y1 = Math.max(Math.max(...ys), yTicks.at(-1) ?? 1);
  const sx = (x: number) => pad.left + ((x - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const sy = (y: number) => height - pad.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  const path = (s: Series) =>
    s.points
      .map((p, i) => {
        if (i === 0) return `M${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
        return s.step ? `H${sx(p.x).toFixed(1)}V${sy(p.y).toFixed(1)}` : `L${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
      })
      .join('');
  const bandPath = (b: Band) =>
    `${b.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.high).toFixed(1)}`).join('')}${[
      ...b.points,
    ]
      .reverse()
      .map((p) => `L${sx(p.x).toFixed(1)},${sy(p.low).toFixed(1)}`)
      .join('')}Z`;
  const xTicks = ticks(x0, x1, 5);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={pad.left} x2={width - pad.right} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={pad.left - 6} y={sy(t) + 4} textAnchor="end" className="axis">
              {yLabel(t)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={`x${t}`} x={sx(t)} y={height - 8} textAnchor="middle" className="axis">
            {xLabel(t)}
          </text>
        ))}
        {bands.map((b) => (
          <path key={b.name} d={bandPath(b)} fill={b.color} opacity={0.18} />
        ))}
        {series.map((s) => (
          <path
            key={s.name}
            d={path(s)}
            fill="none"
            stroke={s.color}
            strokeWidth={2}
            strokeDasharray={s.dashed ? '5 4' : undefined}
          />
        ))}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.name}>
            <i style={{ background: s.color }} /> {s.name}
          </span>
        ))}
        {bands.map((b) => (
          <span key={b.name}>
            <i style={{ background: b.color, opacity: 0.35 }} /> {b.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Horizontal bars, one per row, with the value printed at the end. */
export function BarChart({
  title,
  rows,
  format = shortNumber,
}: {
  title: string;
  rows: Array<{ label: string; value: number; color?: string }>;
  format?: (value: number) => string;
}) {
  const max = Math.max(1e-9, ...rows.map((r) => r.value));
  return (
    <figure className="bars" aria-label={title}>
      {rows.map((r) => (
        <div className="bar-row" key={r.label}>
          <span className="bar-label">{r.label}</span>
          <span className="bar-track">
            <span
              className="bar-fill"
              style={{ width: `${(Math.max(0, r.value) / max) * 100}%`, background: r.color ?? 'var(--accent)' }}
            />
          </span>
          <span className="bar-value">{format(r.value)}</span>
        </div>
      ))}
    </figure>
  );
}

import type { SimulationReport } from '../services/simulation/simulation.service.js';

/**
 * The chart of a simulation as one self-contained SVG: on top, for the items with the most stock-out days, the on hand
 * day by day under each variant (median run as a line, 5–95 % of runs as a band) with the disruption windows shaded;
 * below, the catalogue's cost per year of each variant, split into holding, ordering and stock-out cost, with its fill
 * rate and average cash tied up. Hand-written SVG: no fonts or scripts to load, readable in any browser.
 */

const WIDTH = 1000;
const MARGIN_LEFT = 80;
const MARGIN_RIGHT = 200;
const PLOT_WIDTH = WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
const PANEL_HEIGHT = 150;
const PANEL_GAP = 56;
const BAR_HEIGHT = 26;
const BAR_GAP = 14;

const VARIANT_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const COST_PARTS = [
  { key: 'holding_cost_per_year', label: 'holding', colour: '#4e79a7' },
  { key: 'ordering_cost_per_year', label: 'ordering', colour: '#f28e2b' },
  { key: 'stockout_cost_per_year', label: 'stock-outs', colour: '#e15759' },
] as const;

/**
 * Renders the report's chart.
 *
 * @example writeFileSync('closed.svg', renderSimulationChart(report))
 */
export function renderSimulationChart(report: SimulationReport): string {
  const out: string[] = [];
  const variants = report.variants.map((v) => v.name);
  const colour = (variant: string) => VARIANT_COLOURS[variants.indexOf(variant) % VARIANT_COLOURS.length]!;
  const title = `${report.scenario['name'] as string}: ${report.items_simulated} items, ${report.horizon_days} days from ${report.start_date}, ${report.runs} runs`;
  const description = (report.scenario['description'] as string | null) ?? '';

  let y = 30;
  out.push(text(MARGIN_LEFT, y, title, { size: 18, weight: 'bold' }));
  y += 22;
  if (description !== '') {
    out.push(text(MARGIN_LEFT, y, description, { size: 13, fill: '#444' }));
    y += 20;
  }

  // Legend of the variants.
  y += 8;
  let x = MARGIN_LEFT;
  for (const variant of variants) {
    out.push(`<rect x="${x}" y="${y - 10}" width="14" height="10" fill="${colour(variant)}" fill-opacity="0.35"/>`);
    out.push(
      `<line x1="${x}" y1="${y - 5}" x2="${x + 14}" y2="${y - 5}" stroke="${colour(variant)}" stroke-width="2"/>`,
    );
    out.push(text(x + 20, y, variant, { size: 13 }));
    x += 28 + variant.length * 8;
  }
  out.push(
    text(x + 10, y, 'line: median run · band: 5–95 % of runs · grey: disruption · days out: median run at 0', {
      size: 12,
      fill: '#555',
    }),
  );
  y += 20;

  // On-hand panels, one per item.
  const byItem = new Map<string, SimulationReport['chart']['items']>();
  for (const series of report.chart.items) {
    const key = `${series.sku} at ${series.location}`;
    const list = byItem.get(key);
    if (list) list.push(series);
    else byItem.set(key, [series]);
  }
  if (byItem.size === 0) {
    out.push(text(MARGIN_LEFT, y + 20, 'No item ran out of stock in any run: no trajectories to show.', { size: 13 }));
    y += 40;
  }
  for (const [label, series] of byItem) {
    y += 24;
    out.push(text(MARGIN_LEFT, y - 8, `On hand of ${label} (units)`, { size: 14, weight: 'bold' }));
    out.push(onHandPanel(series, report, y, colour));
    y += PANEL_HEIGHT + PANEL_GAP - 24;
  }

  // Cost and service per variant.
  y += 16;
  out.push(
    text(MARGIN_LEFT, y, `Catalogue cost per year (${report.currency}) and service by variant`, {
      size: 14,
      weight: 'bold',
    }),
  );
  y += 14;
  const totals = report.catalogue.variants;
  const maxCost = Math.max(
    1,
    ...totals.map((t) => t.holding_cost_per_year + t.ordering_cost_per_year + t.stockout_cost_per_year),
  );
  const ticks = niceTicks(0, maxCost, 5);
  const scaleX = (value: number) => MARGIN_LEFT + (value / ticks.at(-1)!) * PLOT_WIDTH;
  const barsTop = y + 6;
  const barsHeight = totals.length * (BAR_HEIGHT + BAR_GAP);
  for (const tick of ticks) {
    const tx = scaleX(tick);
    out.push(`<line x1="${f(tx)}" y1="${barsTop}" x2="${f(tx)}" y2="${barsTop + barsHeight}" stroke="#ddd"/>`);
    out.push(text(tx, barsTop + barsHeight + 16, formatCompact(tick), { size: 11, anchor: 'middle', fill: '#555' }));
  }
  out.push(
    text(MARGIN_LEFT + PLOT_WIDTH / 2, barsTop + barsHeight + 34, `cost per year, ${report.currency}`, {
      size: 12,
      anchor: 'middle',
    }),
  );
  totals.forEach((t, i) => {
    const top = barsTop + i * (BAR_HEIGHT + BAR_GAP) + BAR_GAP / 2;
    out.push(
      text(MARGIN_LEFT - 8, top + BAR_HEIGHT / 2 + 5, t.variant, {
        size: 13,
        anchor: 'end',
        fill: colour(t.variant),
        weight: 'bold',
      }),
    );
    let from = 0;
    for (const part of COST_PARTS) {
      const value = t[part.key];
      if (value <= 0) continue;
      const x0 = scaleX(from);
      const x1 = scaleX(from + value);
      out.push(
        `<rect x="${f(x0)}" y="${top}" width="${f(Math.max(0.5, x1 - x0))}" height="${BAR_HEIGHT}" fill="${part.colour}"><title>${escapeXml(`${t.variant}: ${part.label} ${formatCompact(value)} ${report.currency} a year`)}</title></rect>`,
      );
      from += value;
    }
    const recommended = report.catalogue.recommendation.variant === t.variant ? ' ✓ recommended' : '';
    out.push(
      text(
        scaleX(from) + 8,
        top + BAR_HEIGHT / 2 + 5,
        `${formatCompact(from)} · fill rate ${(t.fill_rate * 100).toFixed(1)} % · cash ${formatCompact(t.cash_tied_up_average)}${recommended}`,
        { size: 12 },
      ),
    );
  });
  y = barsTop + barsHeight + 54;
  x = MARGIN_LEFT;
  for (const part of COST_PARTS) {
    out.push(`<rect x="${x}" y="${y - 10}" width="14" height="10" fill="${part.colour}"/>`);
    out.push(text(x + 20, y, part.label, { size: 12 }));
    x += 40 + part.label.length * 7;
  }
  y += 24;
  for (const finding of report.findings.slice(0, 4)) {
    for (const line of wrap(finding, 130)) {
      out.push(text(MARGIN_LEFT, y, line, { size: 12, fill: '#333' }));
      y += 16;
    }
    y += 4;
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

function onHandPanel(
  series: SimulationReport['chart']['items'],
  report: SimulationReport,
  top: number,
  colour: (variant: string) => string,
): string {
  const out: string[] = [];
  const days = report.horizon_days;
  const maxY = Math.max(1, ...series.flatMap((s) => s.p95));
  const ticks = niceTicks(0, maxY, 4);
  const scaleX = (day: number) => MARGIN_LEFT + (day / Math.max(1, days - 1)) * PLOT_WIDTH;
  const scaleY = (units: number) => top + PANEL_HEIGHT - (units / ticks.at(-1)!) * PANEL_HEIGHT;
  for (const w of report.chart.windows) {
    const x0 = scaleX(w.from_day);
    const x1 = scaleX(Math.min(days - 1, w.from_day + w.days));
    out.push(
      `<rect x="${f(x0)}" y="${top}" width="${f(x1 - x0)}" height="${PANEL_HEIGHT}" fill="#000" fill-opacity="0.08"/>`,
    );
    out.push(text(x0 + 3, top + 12, w.label, { size: 11, fill: '#555' }));
  }
  for (const tick of ticks) {
    const ty = scaleY(tick);
    out.push(
      `<line x1="${MARGIN_LEFT}" y1="${f(ty)}" x2="${MARGIN_LEFT + PLOT_WIDTH}" y2="${f(ty)}" stroke="#e4e4e4"/>`,
    );
    out.push(text(MARGIN_LEFT - 6, ty + 4, formatCompact(tick), { size: 11, anchor: 'end', fill: '#555' }));
  }
  const dayTicks = niceTicks(0, days - 1, 8);
  for (const tick of dayTicks) {
    if (tick > days - 1) continue;
    out.push(text(scaleX(tick), top + PANEL_HEIGHT + 14, String(tick), { size: 11, anchor: 'middle', fill: '#555' }));
  }
  out.push(
    text(MARGIN_LEFT + PLOT_WIDTH, top + PANEL_HEIGHT + 28, 'simulated day', { size: 11, anchor: 'end', fill: '#555' }),
  );
  out.push(
    `<rect x="${MARGIN_LEFT}" y="${top}" width="${PLOT_WIDTH}" height="${PANEL_HEIGHT}" fill="none" stroke="#999"/>`,
  );
  for (const s of series) {
    const upper = s.p95.map((v, d) => `${f(scaleX(d))},${f(scaleY(v))}`);
    const lower = s.p5.map((v, d) => `${f(scaleX(d))},${f(scaleY(v))}`).reverse();
    out.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${colour(s.variant)}" fill-opacity="0.1"/>`);
  }
  // Earlier variants drawn wider underneath, so a variant that runs the same as another still shows as an edge.
  series.forEach((s, i) => {
    const points = s.p50.map((v, d) => `${f(scaleX(d))},${f(scaleY(v))}`).join(' ');
    const width = 1.5 + 1.5 * (series.length - 1 - i);
    out.push(
      `<polyline points="${points}" fill="none" stroke="${colour(s.variant)}" stroke-width="${width}" stroke-linejoin="round"><title>${escapeXml(`${s.variant}: median on hand`)}</title></polyline>`,
    );
  });
  // Days without stock in the median run, per variant, at the right.
  series.forEach((s, i) => {
    const out0 = s.p50.filter((v) => v <= 0).length;
    out.push(
      text(MARGIN_LEFT + PLOT_WIDTH + 12, top + 16 + i * 18, `${s.variant}: ${out0} day${out0 === 1 ? '' : 's'} out`, {
        size: 12,
        fill: colour(s.variant),
      }),
    );
  });
  return out.join('\n');
}

/** About `count` round tick values from 0 covering [min, max] (1, 2 or 5 × 10ⁿ apart). */
export function niceTicks(min: number, max: number, count: number): number[] {
  const span = Math.max(max - min, 1e-9);
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  // At least one tick: a one-day horizon spans nothing and would otherwise give none (and a NaN second tick).
  for (let t = Math.floor(min / step) * step; ticks.length === 0 || t < max + step - 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  if (ticks.length < 2) ticks.push(ticks[0]! + step);
  return ticks;
}

/** 1234567 → "1.23M", 45600 → "45.6k", 12.5 → "12.5". */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim((value / 1e6).toFixed(2))}M`;
  if (abs >= 1e4) return `${trim((value / 1e3).toFixed(1))}k`;
  if (abs >= 100) return String(Math.round(value));
  return trim(value.toFixed(abs >= 10 ? 1 : 2));
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

function f(n: number): string {
  return n.toFixed(1);
}

function text(
  x: number,
  y: number,
  content: string,
  style: { size: number; weight?: string; anchor?: string; fill?: string },
): string {
  const attrs = [
    `x="${f(x)}"`,
    `y="${f(y)}"`,
    `font-size="${style.size}"`,
    style.weight ? `font-weight="${style.weight}"` : '',
    style.anchor ? `text-anchor="${style.anchor}"` : '',
    `fill="${style.fill ?? '#111'}"`,
  ].filter(Boolean);
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function wrap(sentence: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of sentence.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line.length === 0 ? word : `${line} ${word}`;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

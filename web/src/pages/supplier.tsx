import type { Page } from '../api';
import { LineChart } from '../chart';
import { date, money, num, percent } from '../format';
import { Link, useTitle } from '../router';
import { Card, Chip, type Column, Empty, ErrorNote, Loading, PageHeader, ScrollRegion, Stat, Table } from '../ui';
import { useApi } from '../use-api';
import { type LeadTime, otifTone, type Supplier } from './suppliers';
import './suppliers.css';

type Rate = number | null;

type Scorecard = {
  supplier: string;
  name: string;
  from: string;
  to: string;
  lines: number;
  otif: Rate;
  on_time_rate: Rate;
  in_full_rate: Rate;
  lead_time: {
    receipts: number;
    mean_days: number | null;
    sd_days: number | null;
    p90_days: number | null;
    quoted_days: number | null;
  };
  histogram: Array<{ from_days: number; to_days: number; lines: number }>;
  monthly: Array<{
    month: string;
    lines: number;
    mean_lead_time_days: number | null;
    on_time_rate: Rate;
    in_full_rate: Rate;
    otif: Rate;
  }>;
  worst_items: Array<{
    sku: string;
    supplier_sku: string | null;
    lines: number;
    failed_lines: number;
    otif: Rate;
    mean_lead_time_days: number | null;
    quoted_lead_time_days: number | null;
  }>;
};

type SupplierItem = {
  sku: string;
  supplier_sku: string | null;
  unit_price: number | null;
  currency: string;
  effective_lead_time_days: number | null;
  moq: number | null;
  pack_size: number | null;
  rank: number;
  active: boolean;
};

type ItemRow = SupplierItem & { measured: LeadTime | undefined };

const days = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined ? '–' : `${num(value, digits)} d`;

/**
 * Lines by lead time as vertical bars over the days, with the quoted lead time (dashed) and the mean (solid) marked:
 * red bars arrived a day or more later than quoted.
 */
function LeadTimeHistogram({
  bins,
  quotedDays,
  meanDays,
}: {
  bins: Scorecard['histogram'];
  quotedDays: number | null;
  meanDays: number | null;
}) {
  if (bins.length === 0) return <p className="muted">No lines received in the period yet.</p>;
  const width = 440;
  const height = 200;
  const pad = { left: 36, right: 12, top: 14, bottom: 30 };
  // One day of room left of the quoted lead time, so that its line is not drawn on the axis.
  const first = Math.max(
    0,
    Math.min(bins[0]!.from_days, quotedDays === null ? Number.POSITIVE_INFINITY : quotedDays - 1),
  );
  const last = Math.max(bins.at(-1)!.to_days, quotedDays !== null ? quotedDays + 1 : 0);
  const maxLines = Math.max(1, ...bins.map((b) => b.lines));
  const sx = (d: number) => pad.left + ((d - first) / (last - first || 1)) * (width - pad.left - pad.right);
  const sy = (n: number) => height - pad.bottom - (n / maxLines) * (height - pad.top - pad.bottom);
  const yTicks = [...new Set([0, Math.ceil(maxLines / 2), maxLines])];
  const everyNth = Math.max(1, Math.ceil(bins.length / 12));
  const summary = bins
    .filter((b) => b.lines > 0)
    .map((b) => `${b.lines} ${b.lines === 1 ? 'line' : 'lines'} in ${num(b.from_days)}–${num(b.to_days)} days`)
    .join(', ');
  return (
    <figure className="chart sup-histogram">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Lead-time histogram: ${summary}${quotedDays !== null ? `; quoted ${quotedDays} days` : ''}`}
      >
        {yTicks.map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={width - pad.right} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={pad.left - 6} y={sy(t) + 4} textAnchor="end" className="axis">
              {t}
            </text>
          </g>
        ))}
        {bins.map((b, i) => {
          // A delivery within the quoted day is on time: late starts a whole day after it.
          const late = quotedDays !== null && b.from_days >= quotedDays + 1;
          return (
            <g key={b.from_days}>
              {b.lines > 0 && (
                <rect
                  className={`hist-bar ${late ? 'sup-late' : ''}`}
                  x={sx(b.from_days) + 1}
                  width={Math.max(1, sx(b.to_days) - sx(b.from_days) - 2)}
                  y={sy(b.lines)}
                  height={sy(0) - sy(b.lines)}
                >
                  <title>{`${b.lines} lines, ${num(b.from_days)}–${num(b.to_days)} days`}</title>
                </rect>
              )}
              {i % everyNth === 0 && (
                <text x={sx(b.from_days)} y={height - 12} textAnchor="middle" className="axis">
                  {num(b.from_days)}
                </text>
              )}
            </g>
          );
        })}
        <text x={sx(last)} y={height - 12} textAnchor="end" className="axis">
          {num(last)} d
        </text>
        {quotedDays !== null && (
          <line className="marker-quoted" x1={sx(quotedDays)} x2={sx(quotedDays)} y1={pad.top - 6} y2={sy(0)} />
        )}
        {meanDays !== null && (
          <line className="marker-mean" x1={sx(meanDays)} x2={sx(meanDays)} y1={pad.top - 6} y2={sy(0)} />
        )}
      </svg>
      <figcaption className="legend">
        <span>
          <i className="key-bar" /> lines received (days from order to receipt)
        </span>
        <span>
          <i className="key-late" /> a day or more later than quoted
        </span>
        {quotedDays !== null && (
          <span>
            <i className="key-quoted" /> quoted {num(quotedDays)} d
          </span>
        )}
        {meanDays !== null && (
          <span>
            <i className="key-mean" /> mean {num(meanDays, 1)} d
          </span>
        )}
      </figcaption>
    </figure>
  );
}

/** "2026-09" → "Sep" (with `year`: "Sep 2026"). */
function monthLabel(month: string, year = false): string {
  return new Date(`${month}-15T00:00:00Z`).toLocaleDateString('en-GB', {
    month: 'short',
    ...(year && { year: 'numeric' }),
  });
}

/** OTIF and mean lead time by month, from the first month with a delivery on, one point per month with lines. */
function MonthlyTrend({ monthly, quotedDays }: { monthly: Scorecard['monthly']; quotedDays: number | null }) {
  const firstMeasured = monthly.findIndex((m) => m.lines > 0);
  if (firstMeasured < 0) return <p className="muted">No lines received in the last 12 months.</p>;
  const months = monthly.slice(firstMeasured);
  const xLabel = (x: number) => (Number.isInteger(x) && months[x] ? monthLabel(months[x].month) : '');
  const points = (pick: (m: Scorecard['monthly'][number]) => number | null) =>
    months.flatMap((m, x) => {
      const y = m.lines > 0 ? pick(m) : null;
      return y === null ? [] : [{ x, y }];
    });
  return (
    <div className="sup-trend">
      <p className="muted sup-note">
        {monthLabel(months[0]!.month, true)} – {monthLabel(months.at(-1)!.month, true)}
      </p>
      <h3>OTIF by month</h3>
      <LineChart
        title="OTIF, on time and in full by month"
        height={160}
        xLabel={xLabel}
        yLabel={(y) => `${Math.round(y * 100)} %`}
        series={[
          { name: 'On time', color: '#b07800', points: points((m) => m.on_time_rate), dashed: true },
          { name: 'In full', color: '#237a3b', points: points((m) => m.in_full_rate), dashed: true },
          { name: 'OTIF', color: '#1f4e79', points: points((m) => m.otif) },
        ]}
      />
      <h3>Mean lead time by month</h3>
      <LineChart
        title="Mean lead time by month against the quoted lead time"
        height={160}
        xLabel={xLabel}
        yLabel={(y) => `${num(y, 1)} d`}
        series={[
          { name: 'Mean lead time', color: '#1f4e79', points: points((m) => m.mean_lead_time_days) },
          ...(quotedDays !== null
            ? [
                {
                  name: `Quoted (${num(quotedDays)} d)`,
                  color: '#5b6675',
                  dashed: true,
                  points: [
                    { x: 0, y: quotedDays },
                    { x: months.length - 1, y: quotedDays },
                  ],
                },
              ]
            : []),
        ]}
      />
    </div>
  );
}

const itemColumns: Column<ItemRow>[] = [
  {
    key: 'sku',
    label: 'Item',
    sort: (r) => r.sku,
    render: (r) => (
      <>
        <Link href={`/items/${encodeURIComponent(r.sku)}`}>{r.sku}</Link>
        {r.supplier_sku && <span className="muted"> · {r.supplier_sku}</span>} {!r.active && <Chip>inactive</Chip>}
      </>
    ),
  },
  {
    key: 'rank',
    label: 'Rank',
    align: 'right',
    sort: (r) => r.rank,
    render: (r) => (r.rank === 1 ? '1 (preferred)' : r.rank),
  },
  {
    key: 'price',
    label: 'Unit price',
    align: 'right',
    sort: (r) => r.unit_price ?? -1,
    render: (r) => money(r.unit_price, r.currency),
  },
  {
    key: 'quoted',
    label: 'Quoted lead time',
    align: 'right',
    sort: (r) => r.effective_lead_time_days ?? -1,
    render: (r) => days(r.effective_lead_time_days, 0),
  },
  {
    key: 'measured',
    label: 'Measured (mean / p90)',
    align: 'right',
    sort: (r) => r.measured?.mean_days ?? -1,
    render: (r) =>
      r.measured?.mean_days != null ? `${days(r.measured.mean_days)} / ${days(r.measured.p90_days)}` : '–',
  },
  {
    key: 'receipts',
    label: 'Receipts',
    align: 'right',
    sort: (r) => r.measured?.receipts ?? 0,
    render: (r) => num(r.measured?.receipts ?? 0),
  },
  {
    key: 'otif',
    label: 'OTIF',
    align: 'right',
    sort: (r) => r.measured?.otif ?? -1,
    render: (r) =>
      r.measured?.otif != null ? <Chip tone={otifTone(r.measured.otif)}>{percent(r.measured.otif)}</Chip> : '–',
  },
  { key: 'moq', label: 'MOQ', align: 'right', render: (r) => num(r.moq) },
  { key: 'pack', label: 'Pack', align: 'right', render: (r) => num(r.pack_size) },
];

/** `/suppliers/:code`: the scorecard (OTIF, lead time against quoted), the histogram, the trend, and its items. */
export function SupplierPage({ params }: { params: Record<string, string> }) {
  const code = params.code ?? '';
  const path = encodeURIComponent(code);
  useTitle(`Supplier ${code}`);
  const supplier = useApi<Supplier>(`/suppliers/${path}`);
  const scorecard = useApi<Scorecard>(`/suppliers/${path}/scorecard`);
  const items = useApi<Page<SupplierItem>>(`/suppliers/${path}/items?limit=1000`);
  const leadTimes = useApi<Page<LeadTime>>(`/lead-times?supplier=${path}&limit=1000`);
  const s = supplier.data;
  const card = scorecard.data;
  const measured = new Map((leadTimes.data?.data ?? []).map((row) => [row.sku, row]));
  const itemRows: ItemRow[] = (items.data?.data ?? []).map((item) => ({ ...item, measured: measured.get(item.sku) }));
  const lead = card?.lead_time;
  const slower =
    lead && lead.mean_days !== null && lead.quoted_days !== null ? lead.mean_days - lead.quoted_days : null;

  return (
    <>
      <p className="sup-crumbs">
        <Link href="/suppliers">Suppliers</Link> /
      </p>
      <PageHeader
        title={s ? `${s.code} ${s.name}` : `Supplier ${code}`}
        subtitle={
          s && (
            <>
              {s.active ? null : <Chip>inactive</Chip>} {s.email ?? 'no order e-mail'} · orders{' '}
              {s.order_days ? `on ${s.order_days.join(', ')}` : 'any day'}
              {s.auto_send ? ', sent automatically' : ', sent by a person'}
              {s.ordering_cost !== null && ` · ${money(s.ordering_cost, s.currency)} per order`}
            </>
          )
        }
      />
      <ErrorNote error={supplier.error ?? scorecard.error} />
      {(supplier.loading || scorecard.loading) && <Loading what="Loading the scorecard" />}
      {card && lead && (
        <>
          <p className="muted">
            {num(card.lines)} {card.lines === 1 ? 'line' : 'lines'} received or closed {date(card.from)} –{' '}
            {date(card.to)}
          </p>
          <div className="stats sup-stats">
            <Stat label="OTIF" value={percent(card.otif)} note="on time and in full" tone={otifTone(card.otif)} />
            <Stat label="On time" value={percent(card.on_time_rate)} note="by the promised or quoted date" />
            <Stat label="In full" value={percent(card.in_full_rate)} note="the whole quantity" />
            <Stat
              label="Lead time"
              value={days(lead.mean_days)}
              note={
                lead.quoted_days === null
                  ? `s.d. ${days(lead.sd_days)} · p90 ${days(lead.p90_days)}`
                  : `s.d. ${days(lead.sd_days)} · p90 ${days(lead.p90_days)} · quoted ${days(lead.quoted_days, 0)}`
              }
              tone={slower !== null && slower > 0.5 ? 'warn' : undefined}
            />
          </div>
          {card.lines === 0 && (
            <Empty title="No deliveries measured yet.">
              The scorecard fills as this supplier's order lines are received.
            </Empty>
          )}
          {card.lines > 0 && (
            <div className="grid-2">
              <Card title="Lead-time histogram">
                <LeadTimeHistogram bins={card.histogram} quotedDays={lead.quoted_days} meanDays={lead.mean_days} />
                {slower !== null && (
                  <p className="muted sup-note">
                    {slower > 0.05
                      ? `Deliveries take ${num(slower, 1)} days longer than quoted on average.`
                      : 'Deliveries arrive within the quoted lead time on average.'}
                  </p>
                )}
              </Card>
              <Card title="Worst items">
                {card.worst_items.length === 0 ? (
                  <Empty title="No item was late or short." />
                ) : (
                  <ScrollRegion label="Table">
                    <table>
                      <caption className="sr-only">Items with the most late or short lines</caption>
                      <thead>
                        <tr>
                          <th>Item</th>
                          <th className="num">Late or short</th>
                          <th className="num">OTIF</th>
                          <th className="num">Mean vs quoted</th>
                        </tr>
                      </thead>
                      <tbody>
                        {card.worst_items.map((w) => (
                          <tr key={w.sku}>
                            <td>
                              <Link href={`/items/${encodeURIComponent(w.sku)}`}>{w.sku}</Link>
                            </td>
                            <td className="num">
                              {num(w.failed_lines)} of {num(w.lines)}
                            </td>
                            <td className="num">{percent(w.otif)}</td>
                            <td className="num">
                              {days(w.mean_lead_time_days)} / {days(w.quoted_lead_time_days, 0)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </ScrollRegion>
                )}
              </Card>
            </div>
          )}
          {card.lines > 0 && (
            <Card title="Monthly trend">
              <MonthlyTrend monthly={card.monthly} quotedDays={lead.quoted_days} />
            </Card>
          )}
        </>
      )}
      <Card title="Items from this supplier">
        <ErrorNote error={items.error ?? leadTimes.error} />
        {items.loading && <Loading what="Loading items" />}
        {items.data && itemRows.length === 0 && (
          <Empty title="This supplier sells no items yet.">
            Add it as a source of an item (the item's page, or POST /api/v1/items/SKU/sources).
          </Empty>
        )}
        {itemRows.length > 0 && (
          <Table rows={itemRows} columns={itemColumns} rowKey={(r) => r.sku} caption="Items from this supplier" />
        )}
      </Card>
    </>
  );
}

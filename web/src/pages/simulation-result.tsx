import { BarChart } from '../chart';
import { date, money, num, percent } from '../format';
import { Link } from '../router';
import { Card, Chip, type Column, Empty, Stat, Table } from '../ui';
import type { Job } from './simulation';

type VariantTotals = {
  variant: string;
  total_cost_per_year: number;
  total_cost_per_year_spread: { p5: number; p50: number; p95: number } | null;
  holding_cost_per_year: number;
  ordering_cost_per_year: number;
  stockout_cost_per_year: number;
  fill_rate: number;
  cycle_service_level: number;
  stockout_item_days: number;
  cash_tied_up_average: number;
  orders_per_year: number;
  items_meeting_floor: number;
};

type Recommendation = {
  variant: string;
  meets_floor: boolean;
  service: number;
  total_cost_per_year: number;
  versus: Array<{
    variant: string;
    extra_cost_per_year: number;
    extra_holding_per_year: number;
    extra_stockout_per_year: number;
    service_difference: number;
  }>;
};

type Group = {
  group: string;
  items: number;
  variants: VariantTotals[];
  recommendation: Recommendation;
  best_mix: { total_cost_per_year: number; items: Record<string, number> };
};

/** The report of a finished simulation job (src/services/simulation/simulation-report.ts), as far as the page uses it. */
export type SimulationReport = {
  currency: string;
  start_date: string;
  data_through: string;
  horizon_days: number;
  runs: number;
  service_floor: { measure: 'fill_rate' | 'cycle_service'; level: number };
  variants: Array<{ name: string; base: string; extra_days: number; description: string }>;
  items_simulated: number;
  skipped: Array<{ sku: string; location: string; reason: string }>;
  catalogue: Group;
  categories: Group[];
  stops_work: {
    lean: string;
    buffered: string;
    items: Array<{
      sku: string;
      location: string;
      lean_stockout_days: number;
      buffered_stockout_days: number;
      extra_holding_per_year: number;
      saved_stockout_per_year: number;
    }>;
    extra_holding_per_year: number;
    saved_stockout_per_year: number;
  } | null;
  findings: string[];
};

const COST_COLORS = { holding: '#1f4e79', ordering: '#7aa6cf', stockout: '#b3261e' };

function signed(value: number, currency: string): string {
  return `${value > 0 ? '+' : value < 0 ? '−' : ''}${money(Math.abs(value), currency)}`;
}

/** Each variant's cost a year as one bar split into holding, ordering and stock-out cost. */
function CostBars({
  variants,
  currency,
  recommended,
}: {
  variants: VariantTotals[];
  currency: string;
  recommended: string;
}) {
  const max = Math.max(1e-9, ...variants.map((v) => v.total_cost_per_year));
  return (
    <figure className="cost-bars" aria-label="Cost a year by variant, split into holding, ordering and stock-out cost">
      {variants.map((v) => (
        <div className="cost-row" key={v.variant}>
          <span className="cost-label">
            {v.variant} {v.variant === recommended && <Chip tone="ok">best</Chip>}
          </span>
          <span className="cost-track">
            {(
              [
                ['holding', v.holding_cost_per_year],
                ['ordering', v.ordering_cost_per_year],
                ['stockout', v.stockout_cost_per_year],
              ] as const
            ).map(([part, amount]) => (
              <span
                key={part}
                className="cost-fill"
                style={{ width: `${(Math.max(0, amount) / max) * 100}%`, background: COST_COLORS[part] }}
                title={`${part}: ${money(amount, currency)}`}
              />
            ))}
          </span>
          <span className="cost-value">
            {money(v.total_cost_per_year, currency)}
            <span className="muted"> · fill {percent(v.fill_rate)}</span>
          </span>
        </div>
      ))}
      <figcaption className="legend">
        <span>
          <i style={{ background: COST_COLORS.holding }} /> holding
        </span>
        <span>
          <i style={{ background: COST_COLORS.ordering }} /> ordering
        </span>
        <span>
          <i style={{ background: COST_COLORS.stockout }} /> stock-outs
        </span>
      </figcaption>
    </figure>
  );
}

export function SimulationResult({ job, report }: { job: Job; report: SimulationReport }) {
  const c = report.currency;
  const catalogue = report.catalogue;
  const rec = catalogue.recommendation;
  const floorName = report.service_floor.measure === 'fill_rate' ? 'fill rate' : 'cycle service level';
  const recTotals = catalogue.variants.find((v) => v.variant === rec.variant);
  const description = (name: string) => report.variants.find((v) => v.name === name)?.description ?? '';

  const columns: Column<VariantTotals>[] = [
    {
      key: 'variant',
      label: 'Variant',
      sort: (v) => v.variant,
      render: (v) => (
        <>
          <strong>{v.variant}</strong> {v.variant === rec.variant && <Chip tone="ok">recommended</Chip>}
          <div className="muted small variant-note">{description(v.variant)}</div>
        </>
      ),
    },
    {
      key: 'total',
      label: 'Cost a year',
      align: 'right',
      sort: (v) => v.total_cost_per_year,
      render: (v) => (
        <>
          {money(v.total_cost_per_year, c)}
          {v.total_cost_per_year_spread && (
            <div className="muted small">
              {money(v.total_cost_per_year_spread.p5, c)} – {money(v.total_cost_per_year_spread.p95, c)}
            </div>
          )}
        </>
      ),
    },
    {
      key: 'holding',
      label: 'Holding',
      align: 'right',
      sort: (v) => v.holding_cost_per_year,
      render: (v) => money(v.holding_cost_per_year, c),
    },
    {
      key: 'ordering',
      label: 'Ordering',
      align: 'right',
      sort: (v) => v.ordering_cost_per_year,
      render: (v) => money(v.ordering_cost_per_year, c),
    },
    {
      key: 'stockout',
      label: 'Stock-outs',
      align: 'right',
      sort: (v) => v.stockout_cost_per_year,
      render: (v) => money(v.stockout_cost_per_year, c),
    },
    { key: 'fill', label: 'Fill rate', align: 'right', sort: (v) => v.fill_rate, render: (v) => percent(v.fill_rate) },
    {
      key: 'cycle',
      label: 'Cycle service',
      align: 'right',
      sort: (v) => v.cycle_service_level,
      render: (v) => percent(v.cycle_service_level),
    },
    {
      key: 'days',
      label: 'Stock-out item-days',
      align: 'right',
      sort: (v) => v.stockout_item_days,
      render: (v) => num(v.stockout_item_days, 1),
    },
    {
      key: 'cash',
      label: 'Cash tied up',
      align: 'right',
      sort: (v) => v.cash_tied_up_average,
      render: (v) => money(v.cash_tied_up_average, c),
    },
    {
      key: 'orders',
      label: 'Orders a year',
      align: 'right',
      sort: (v) => v.orders_per_year,
      render: (v) => num(v.orders_per_year, 0),
    },
    {
      key: 'floor',
      label: 'Items at the floor',
      align: 'right',
      sort: (v) => v.items_meeting_floor,
      render: (v) => `${num(v.items_meeting_floor, 0)} of ${num(catalogue.items, 0)}`,
    },
  ];

  type StopRow = NonNullable<SimulationReport['stops_work']>['items'][number];
  const stopColumns: Column<StopRow>[] = [
    {
      key: 'sku',
      label: 'Item',
      sort: (s) => s.sku,
      render: (s) => <Link href={`/items/${encodeURIComponent(s.sku)}`}>{s.sku}</Link>,
    },
    { key: 'location', label: 'Location', sort: (s) => s.location, render: (s) => s.location },
    {
      key: 'lean',
      label: 'Days without stock, lean',
      align: 'right',
      sort: (s) => s.lean_stockout_days,
      render: (s) => num(s.lean_stockout_days, 0),
    },
    {
      key: 'buffered',
      label: 'Buffered',
      align: 'right',
      sort: (s) => s.buffered_stockout_days,
      render: (s) => num(s.buffered_stockout_days, 0),
    },
    {
      key: 'holding',
      label: 'Buffer costs a year',
      align: 'right',
      sort: (s) => s.extra_holding_per_year,
      render: (s) => money(s.extra_holding_per_year, c),
    },
    {
      key: 'saved',
      label: 'Saves in stock-outs',
      align: 'right',
      sort: (s) => s.saved_stockout_per_year,
      render: (s) => money(s.saved_stockout_per_year, c),
    },
  ];

  const categoryColumns: Column<Group>[] = [
    { key: 'group', label: 'Category', sort: (g) => g.group, render: (g) => g.group },
    { key: 'items', label: 'Items', align: 'right', sort: (g) => g.items, render: (g) => num(g.items, 0) },
    {
      key: 'best',
      label: 'Recommended',
      sort: (g) => g.recommendation.variant,
      render: (g) => <Chip tone={g.recommendation.meets_floor ? 'ok' : 'warn'}>{g.recommendation.variant}</Chip>,
    },
    {
      key: 'cost',
      label: 'Its cost a year',
      align: 'right',
      sort: (g) => g.recommendation.total_cost_per_year,
      render: (g) => money(g.recommendation.total_cost_per_year, c),
    },
    {
      key: 'service',
      label: 'Service',
      align: 'right',
      sort: (g) => g.recommendation.service,
      render: (g) => percent(g.recommendation.service),
    },
  ];

  return (
    <>
      <Card title={`Simulation #${job.id}: ${String(job.scenario['name'] ?? '')}`}>
        <p className="muted small">
          {num(report.items_simulated, 0)} item × location pairs, {num(report.runs, 0)} runs of{' '}
          {num(report.horizon_days, 0)} days from {date(report.start_date)} (history through {date(report.data_through)}
          ). Costs are per year.
        </p>
        <div className="stats">
          <Stat
            label="Recommended"
            value={rec.variant}
            tone={rec.meets_floor ? 'ok' : 'warn'}
            note={
              rec.meets_floor
                ? `cheapest that meets the ${floorName} floor of ${percent(report.service_floor.level)}`
                : `no variant meets the ${floorName} floor of ${percent(report.service_floor.level)}; best service`
            }
          />
          <Stat
            label="Its cost a year"
            value={money(rec.total_cost_per_year, c)}
            note={`${floorName} ${percent(rec.service)}`}
          />
          {recTotals && (
            <Stat
              label="Cash tied up"
              value={money(recTotals.cash_tied_up_average, c)}
              note={`${num(recTotals.stockout_item_days, 1)} stock-out item-days`}
            />
          )}
          <Stat
            label="Stop work under lean"
            value={num(report.stops_work?.items.length ?? 0, 0)}
            tone={(report.stops_work?.items.length ?? 0) > 0 ? 'bad' : 'ok'}
            note="items without stock in the disruption that a buffer would keep going"
          />
        </div>
        <h3>By how much</h3>
        <ul className="list by-how-much">
          {rec.versus.map((v) => (
            <li key={v.variant}>
              <strong>{v.variant}</strong>{' '}
              {v.extra_cost_per_year >= 0
                ? `costs ${money(v.extra_cost_per_year, c)} a year more`
                : `costs ${money(-v.extra_cost_per_year, c)} a year less but misses the floor`}{' '}
              <span className="muted">
                (holding {signed(v.extra_holding_per_year, c)}, stock-outs {signed(v.extra_stockout_per_year, c)};{' '}
                {floorName} {v.service_difference >= 0 ? '+' : '−'}
                {num(Math.abs(v.service_difference) * 100, 1)} points)
              </span>
            </li>
          ))}
        </ul>
        {report.findings.length > 0 && (
          <>
            <h3>Findings</h3>
            <ul className="findings">
              {report.findings.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          </>
        )}
      </Card>

      <div className="grid-2">
        <Card title="JIT against just-in-case: cost a year">
          <CostBars variants={catalogue.variants} currency={c} recommended={rec.variant} />
        </Card>
        <Card title="Service: stock-out item-days over the horizon">
          <BarChart
            title="Stock-out item-days by variant"
            rows={catalogue.variants.map((v) => ({
              label: v.variant,
              value: v.stockout_item_days,
              color: v.stockout_item_days > 0 ? 'var(--bad)' : 'var(--ok)',
            }))}
            format={(v) => `${num(v, 1)} days`}
          />
          <p className="muted small">Fewer is better: the days items had demand they could not serve, summed.</p>
        </Card>
      </div>

      <Card title="Variants side by side">
        <Table rows={catalogue.variants} columns={columns} rowKey={(v) => v.variant} caption="Variants compared" />
      </Card>

      <Card title="Items that stop work under lean">
        {report.stops_work === null ? (
          <Empty title="Not compared.">The scenario needs both a lean and a buffered variant for this.</Empty>
        ) : report.stops_work.items.length === 0 ? (
          <Empty title="No item stops work under lean in this scenario.">
            Every item lean leaves without stock in the disruption is short under the buffer too, or none is short.
          </Empty>
        ) : (
          <>
            <p className="muted small">
              Buffering these {report.stops_work.items.length} items costs{' '}
              {money(report.stops_work.extra_holding_per_year, c)} a year in holding and saves{' '}
              {money(report.stops_work.saved_stockout_per_year, c)} in stock-outs.
            </p>
            <Table
              rows={report.stops_work.items}
              columns={stopColumns}
              rowKey={(s) => `${s.sku}@${s.location}`}
              caption="Items that stop work under lean"
            />
          </>
        )}
      </Card>

      {report.categories.length > 0 && (
        <Card title="By category">
          <Table rows={report.categories} columns={categoryColumns} rowKey={(g) => g.group} caption="By category" />
        </Card>
      )}

      <Card title="The chart of this run">
        <figure className="sim-chart">
          <img
            src={`/api/v1/simulations/${job.id}/chart.svg`}
            alt={`Simulation #${job.id}: on-hand bands of the items with the most stock-out days under each variant, with the disruptions shaded, and the catalogue's cost and service by variant`}
          />
          <figcaption className="muted small">
            <a href={`/api/v1/simulations/${job.id}/chart.svg`} target="_blank" rel="noreferrer">
              Open the chart on its own
            </a>
          </figcaption>
        </figure>
      </Card>

      {report.skipped.length > 0 && (
        <Card title={`Not simulated (${report.skipped.length})`}>
          <ul className="list">
            {report.skipped.map((s) => (
              <li key={`${s.sku}@${s.location}`}>
                <Link href={`/items/${encodeURIComponent(s.sku)}`}>{s.sku}</Link> at {s.location}: {s.reason}
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}

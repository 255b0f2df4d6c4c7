import { useEffect, useState } from 'react';
import { api, type Page, query } from '../api';
import { money, num, percent } from '../format';
import { Link, navigate, useLocation, useTitle } from '../router';
import {
  Card,
  Chip,
  type Column,
  Empty,
  ErrorNote,
  Field,
  Loading,
  PageHeader,
  ScrollRegion,
  Stat,
  Table,
  type Tone,
} from '../ui';
import { useApi } from '../use-api';
import './strategy.css';

export type Strategy = 'lean' | 'buffered' | 'make_to_order';
const STRATEGIES: Strategy[] = ['lean', 'buffered', 'make_to_order'];
const RISK_FLAGS = [
  'single_source',
  'long_lead_time',
  'overseas',
  'seasonal_availability',
  'low_supplier_otif',
  'unstable_lead_time',
  'volatile_demand',
] as const;

export const strategyLabel: Record<Strategy, string> = {
  lean: 'Lean',
  buffered: 'Buffered',
  make_to_order: 'Make to order',
};
export const strategyColor: Record<Strategy, string> = {
  lean: '#1f4e79',
  buffered: '#8f5b00',
  make_to_order: '#4f5d6b',
};
const strategyTone: Record<Strategy, Tone> = { lean: 'info', buffered: 'warn', make_to_order: 'neutral' };

type Portfolio = {
  items: number;
  computed_at: string | null;
  strategies: Array<{ strategy: Strategy; items: number; item_share: number }>;
  money: Array<{
    currency: string;
    items: number;
    items_without_cost: number;
    cash_in_stock: number;
    annual_value: number;
    strategies: Array<{
      strategy: Strategy;
      items: number;
      cash_in_stock: number;
      cash_share: number;
      annual_value: number;
      annual_value_share: number;
    }>;
  }>;
  matrix: Array<{ abc: string; xyz: string; items: number; lean: number; buffered: number; make_to_order: number }>;
  unclassified: number;
};

type StrategyItem = {
  sku: string;
  item_name: string;
  location: string;
  strategy: Strategy;
  abc: string | null;
  xyz: string | null;
  criticality: string;
  risk_flags: string[];
  buffer_days: number;
  reasons: string[];
  currency: string;
  on_hand: number;
  cash_in_stock: number | null;
  annual_value: number | null;
};

type PlanSummary = {
  pairs: number;
  counts: { new: number; changed: number; unchanged: number; skipped: number };
  applied: number;
  problems: Array<{ sku: string; location: string; message: string }>;
};

const words = (code: string) => code.replaceAll('_', ' ');

/** One bar split into the strategies' shares, labelled with the shares that have room. */
function ShareBar({ label, shares }: { label: string; shares: Array<{ strategy: Strategy; share: number }> }) {
  const total = shares.reduce((sum, s) => sum + s.share, 0);
  return (
    <div className="share-row">
      <span className="share-label">{label}</span>
      <span
        className="share-track"
        role="img"
        aria-label={`${label}: ${shares.map((s) => `${strategyLabel[s.strategy]} ${percent(s.share, 0)}`).join(', ')}`}
      >
        {shares.map((s) =>
          s.share > 0 ? (
            <span
              key={s.strategy}
              className="share-fill"
              style={{ width: `${(s.share / (total || 1)) * 100}%`, background: strategyColor[s.strategy] }}
            >
              {s.share >= 0.08 ? percent(s.share, 0) : ''}
            </span>
          ) : null,
        )}
      </span>
    </div>
  );
}

function RunPlan({ onDone, label }: { onDone: (summary: PlanSummary) => void; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onDone(await api<PlanSummary>('/plan', { method: 'POST', body: { limit: 0 } }));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="run-plan">
      <button type="button" onClick={run} disabled={busy}>
        {busy ? 'Planning…' : label}
      </button>
      <ErrorNote error={error} />
    </div>
  );
}

function PlanNotice({ summary }: { summary: PlanSummary | undefined }) {
  return (
    <div role="status">
      {summary && (
        <p className="notice">
          Planned {num(summary.pairs, 0)} item × location pairs: {num(summary.counts.new, 0)} new,{' '}
          {num(summary.counts.changed, 0)} changed, {num(summary.counts.unchanged, 0)} unchanged,{' '}
          {num(summary.counts.skipped, 0)} skipped
          {summary.problems.length > 0 ? `, ${summary.problems.length} with problems` : ''}. The policies in force stay
          as they are until you accept a recommendation on the item's page.
        </p>
      )}
    </div>
  );
}

function Matrix({ portfolio, onPick }: { portfolio: Portfolio; onPick: (abc: string, xyz: string) => void }) {
  const cell = (abc: string, xyz: string) => portfolio.matrix.find((c) => c.abc === abc && c.xyz === xyz);
  return (
    <ScrollRegion label="Table">
      <table className="matrix">
        <caption className="sr-only">Items by ABC class (rows) and XYZ class (columns), split by strategy</caption>
        <thead>
          <tr>
            <th scope="col">ABC \ XYZ</th>
            {['X', 'Y', 'Z'].map((xyz) => (
              <th key={xyz} scope="col">
                {xyz} <span className="muted">{xyz === 'X' ? 'steady' : xyz === 'Y' ? 'variable' : 'erratic'}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {['A', 'B', 'C'].map((abc) => (
            <tr key={abc}>
              <th scope="row">
                {abc} <span className="muted">{abc === 'A' ? 'high value' : abc === 'B' ? 'middle' : 'low value'}</span>
              </th>
              {['X', 'Y', 'Z'].map((xyz) => {
                const c = cell(abc, xyz);
                if (!c || c.items === 0) {
                  return (
                    <td key={xyz} className="matrix-cell muted">
                      –
                    </td>
                  );
                }
                return (
                  <td key={xyz} className="matrix-cell">
                    <button type="button" className="matrix-button" onClick={() => onPick(abc, xyz)}>
                      <span className="sr-only">
                        Show the {abc}
                        {xyz} items:{' '}
                      </span>
                      <strong>{c.items}</strong>
                      <span className="matrix-split">
                        {STRATEGIES.map((s) =>
                          c[s] > 0 ? (
                            <span key={s} style={{ color: strategyColor[s] }}>
                              {c[s]} {s === 'make_to_order' ? 'MTO' : s}
                            </span>
                          ) : null,
                        )}
                      </span>
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function StrategyItems({ version }: { version: number }) {
  const { search } = useLocation();
  const filters = {
    strategy: search.get('strategy') ?? '',
    abc: search.get('abc') ?? '',
    xyz: search.get('xyz') ?? '',
    flag: search.get('flag') ?? '',
  };
  const [rows, setRows] = useState<StrategyItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<{ loading: boolean; error?: Error }>({ loading: true });
  const key = query(filters);

  const load = async (after: string | null, signal?: AbortSignal) => {
    setState({ loading: true });
    try {
      const page = await api<Page<StrategyItem>>(`/strategy/items${query({ ...filters, limit: 50, cursor: after })}`, {
        ...(signal && { signal }),
      });
      setRows((r) => (after === null ? page.data : [...r, ...page.data]));
      setCursor(page.next_cursor);
      setState({ loading: false });
    } catch (e) {
      if (!signal?.aborted) setState({ loading: false, error: e as Error });
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filters are in key; version reloads after a plan
  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [key, version]);

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value === '') next.delete(name);
    else next.set(name, value);
    const text = next.toString();
    navigate(`/strategy${text ? `?${text}` : ''}`, { replace: true });
  };
  const select = (name: keyof typeof filters, label: string, options: Array<[string, string]>) => (
    <Field label={label}>
      {(props) => (
        <select {...props} value={filters[name]} onChange={(e) => setFilter(name, e.target.value)}>
          <option value="">All</option>
          {options.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  const columns: Column<StrategyItem>[] = [
    {
      key: 'sku',
      label: 'Item',
      sort: (r) => r.sku,
      render: (r) => (
        <>
          <Link href={`/items/${encodeURIComponent(r.sku)}`}>{r.sku}</Link>
          <div className="muted small item-name">{r.item_name}</div>
        </>
      ),
    },
    { key: 'location', label: 'Location', sort: (r) => r.location, render: (r) => r.location },
    {
      key: 'strategy',
      label: 'Strategy',
      sort: (r) => r.strategy,
      render: (r) => <Chip tone={strategyTone[r.strategy]}>{strategyLabel[r.strategy]}</Chip>,
    },
    {
      key: 'class',
      label: 'Class',
      sort: (r) => `${r.abc ?? 'Z'}${r.xyz ?? 'Z'}`,
      render: (r) => `${r.abc ?? '–'}${r.xyz ?? '–'}`,
    },
    {
      key: 'flags',
      label: 'Risk flags',
      render: (r) =>
        r.risk_flags.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <span className="chips">
            {r.risk_flags.map((f) => (
              <Chip key={f} tone="bad">
                {words(f)}
              </Chip>
            ))}
          </span>
        ),
    },
    {
      key: 'buffer',
      label: 'Buffer',
      align: 'right',
      sort: (r) => r.buffer_days,
      render: (r) => (r.buffer_days > 0 ? `${num(r.buffer_days, 1)} days` : '–'),
    },
    {
      key: 'cash',
      label: 'Cash in stock',
      align: 'right',
      sort: (r) => r.cash_in_stock ?? -1,
      render: (r) => money(r.cash_in_stock, r.currency),
    },
    {
      key: 'annual',
      label: 'Annual value',
      align: 'right',
      sort: (r) => r.annual_value ?? -1,
      render: (r) => money(r.annual_value, r.currency),
    },
    {
      key: 'reasons',
      label: 'Why',
      render: (r) => (
        <details className="reasons">
          <summary>{r.reasons[0] ?? 'No reason recorded'}</summary>
          <ul>
            {r.reasons.slice(1).map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </details>
      ),
    },
  ];

  const filtered = Object.values(filters).some((v) => v !== '');
  return (
    <Card title="Items and their strategy">
      <div className="form-row filters">
        {select(
          'strategy',
          'Strategy',
          STRATEGIES.map((s) => [s, strategyLabel[s]]),
        )}
        {select('abc', 'ABC class', [
          ['A', 'A'],
          ['B', 'B'],
          ['C', 'C'],
        ])}
        {select('xyz', 'XYZ class', [
          ['X', 'X'],
          ['Y', 'Y'],
          ['Z', 'Z'],
        ])}
        {select(
          'flag',
          'Risk flag',
          RISK_FLAGS.map((f) => [f, words(f)]),
        )}
      </div>
      <ErrorNote error={state.error} />
      {!state.loading && rows.length === 0 && !state.error && (
        <Empty title={filtered ? 'No item matches these filters.' : 'No item has a strategy yet.'}>
          {filtered ? 'Clear a filter to see more.' : 'Run the plan to classify the items.'}
        </Empty>
      )}
      {rows.length > 0 && (
        <>
          <p className="muted small" aria-live="polite">
            {rows.length} {rows.length === 1 ? 'item' : 'items'} shown{cursor ? ', more below' : ''}.
          </p>
          <Table rows={rows} columns={columns} rowKey={(r) => `${r.sku}@${r.location}`} caption="Items and strategy" />
        </>
      )}
      {state.loading && <Loading what="Loading items" />}
      {cursor && !state.loading && (
        <button type="button" className="secondary load-more" onClick={() => void load(cursor)}>
          Show more items
        </button>
      )}
    </Card>
  );
}

export function StrategyPage() {
  useTitle('Strategy');
  const portfolio = useApi<Portfolio>('/strategy/portfolio');
  const [version, setVersion] = useState(0);
  const [summary, setSummary] = useState<PlanSummary>();
  const { search } = useLocation();
  const planned = (result: PlanSummary) => {
    setSummary(result);
    portfolio.reload();
    setVersion((v) => v + 1);
  };
  const p = portfolio.data;
  const noPlan = p !== undefined && p.items === 0;
  const pick = (abc: string, xyz: string) => {
    const next = new URLSearchParams(search);
    next.set('abc', abc);
    next.set('xyz', xyz);
    next.delete('strategy');
    navigate(`/strategy?${next.toString()}`, { replace: true });
    document.getElementById('strategy-items')?.scrollIntoView({ block: 'start' });
  };

  return (
    <>
      <PageHeader
        title="Strategy"
        subtitle={
          p?.computed_at
            ? `Lean, buffered or make-to-order for each item × location, with the reasons — from the plan of ${new Date(p.computed_at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}`
            : 'Lean, buffered or make-to-order for each item × location, with the reasons'
        }
        actions={
          <>
            <Link className="button secondary" href="/review">
              Review queue
            </Link>
            <Link className="button secondary" href="/simulation">
              Simulate a disruption
            </Link>
          </>
        }
      />
      <PlanNotice summary={summary} />
      <ErrorNote error={portfolio.error} />
      {portfolio.loading && !p && <Loading what="Loading the portfolio" />}
      {noPlan && (
        <Card>
          <Empty title="No plan yet.">
            <p>
              The strategy of each item comes from the plan: it forecasts demand, measures lead times, classifies the
              items by value (ABC) and variability (XYZ), and recommends lean, buffered or make-to-order. Running it
              changes no policy in force.
            </p>
            <RunPlan onDone={planned} label="Run the plan" />
          </Empty>
        </Card>
      )}
      {p && p.items > 0 && (
        <>
          <div className="stats">
            {p.strategies.map((s) => {
              const m = p.money[0]?.strategies.find((x) => x.strategy === s.strategy);
              return (
                <Stat
                  key={s.strategy}
                  label={strategyLabel[s.strategy]}
                  value={`${num(s.items, 0)} items`}
                  note={
                    m
                      ? `${money(m.cash_in_stock, p.money[0]!.currency)} in stock · ${money(m.annual_value, p.money[0]!.currency)} a year`
                      : `${percent(s.item_share, 0)} of the items`
                  }
                />
              );
            })}
          </div>
          <div className="grid-2">
            <Card title="Where the items, the cash and the consumption sit">
              {p.money.map((m) => (
                <figure key={m.currency} className="shares" aria-label={`Shares by strategy (${m.currency})`}>
                  <ShareBar
                    label="Items"
                    shares={p.strategies.map((s) => ({ strategy: s.strategy, share: s.item_share }))}
                  />
                  <ShareBar
                    label={`Cash in stock (${money(m.cash_in_stock, m.currency)})`}
                    shares={m.strategies.map((s) => ({ strategy: s.strategy, share: s.cash_share }))}
                  />
                  <ShareBar
                    label={`Annual value (${money(m.annual_value, m.currency)})`}
                    shares={m.strategies.map((s) => ({ strategy: s.strategy, share: s.annual_value_share }))}
                  />
                  {m.items_without_cost > 0 && (
                    <p className="muted small">{m.items_without_cost} items have no unit cost and add no cash.</p>
                  )}
                </figure>
              ))}
              <div className="legend">
                {STRATEGIES.map((s) => (
                  <span key={s}>
                    <i style={{ background: strategyColor[s] }} /> {strategyLabel[s]}
                  </span>
                ))}
              </div>
              <div className="replan">
                <RunPlan onDone={planned} label="Run the plan again" />
              </div>
            </Card>
            <Card title="ABC × XYZ">
              <p className="muted small">
                Value class (A the items that make most of the annual consumption value) against demand variability (X
                steady, Z erratic). Pick a cell to list its items.
              </p>
              <Matrix portfolio={p} onPick={pick} />
              {p.unclassified > 0 && <p className="muted small">{p.unclassified} items have no class yet.</p>}
            </Card>
          </div>
          <div id="strategy-items" className="after-grid">
            <StrategyItems version={version} />
          </div>
        </>
      )}
    </>
  );
}

import { useEffect, useState } from 'react';
import { api, type Page, query } from '../api';
import { date, num } from '../format';
import { Link, navigate, useLocation, useTitle } from '../router';
import { Card, Chip, type Column, Empty, ErrorNote, Field, Loading, PageHeader, Table, type Tone } from '../ui';
import './strategy.css';

type ReviewItem = {
  id: number;
  sku: string;
  location: string | null;
  reason: string;
  message: string;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
};

type DriftReport = {
  pairs_checked: number;
  raised: Array<{ sku: string; location: string; reason: string }>;
  still_open: number;
  resolved: Array<{ sku: string; location: string; reason: string }>;
};

const reasonTone = (reason: string): Tone =>
  reason === 'repeated_stockouts' || reason === 'no_supplier' ? 'bad' : reason === 'demand_shift' ? 'info' : 'warn';

export function ReviewPage() {
  useTitle('Review');
  const { search } = useLocation();
  const sku = search.get('sku') ?? '';
  const includeResolved = search.get('all') === '1';
  const [skuText, setSkuText] = useState(sku);
  const [rows, setRows] = useState<ReviewItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<{ loading: boolean; error?: Error }>({ loading: true });
  const [version, setVersion] = useState(0);
  const [drift, setDrift] = useState<{ busy: boolean; report?: DriftReport; error?: Error }>({ busy: false });

  const load = async (after: string | null, signal?: AbortSignal) => {
    setState({ loading: true });
    try {
      const page = await api<Page<ReviewItem>>(
        `/review-items${query({ sku: sku || undefined, include_resolved: includeResolved || undefined, limit: 50, cursor: after })}`,
        { ...(signal && { signal }) },
      );
      setRows((r) => (after === null ? page.data : [...r, ...page.data]));
      setCursor(page.next_cursor);
      setState({ loading: false });
    } catch (e) {
      if (!signal?.aborted) setState({ loading: false, error: e as Error });
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: load reads sku and includeResolved
  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [sku, includeResolved, version]);

  const setParams = (next: { sku?: string; all?: boolean }) => {
    const params = new URLSearchParams();
    const s = next.sku ?? sku;
    const all = next.all ?? includeResolved;
    if (s) params.set('sku', s);
    if (all) params.set('all', '1');
    const text = params.toString();
    navigate(`/review${text ? `?${text}` : ''}`, { replace: true });
  };

  const runDrift = async () => {
    setDrift({ busy: true });
    try {
      const report = await api<DriftReport>('/drift-reviews', { method: 'POST', body: {} });
      setDrift({ busy: false, report });
      setVersion((v) => v + 1);
    } catch (e) {
      setDrift({ busy: false, error: e as Error });
    }
  };

  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);

  const columns: Column<ReviewItem>[] = [
    {
      key: 'reason',
      label: 'Reason',
      sort: (r) => r.reason,
      render: (r) => <Chip tone={r.resolved_at ? 'ok' : reasonTone(r.reason)}>{r.reason.replaceAll('_', ' ')}</Chip>,
    },
    {
      key: 'sku',
      label: 'Item',
      sort: (r) => r.sku,
      render: (r) => <Link href={`/items/${encodeURIComponent(r.sku)}`}>{r.sku}</Link>,
    },
    { key: 'location', label: 'Location', sort: (r) => r.location ?? '', render: (r) => r.location ?? '–' },
    {
      key: 'message',
      label: 'What was found',
      render: (r) => <span className="wrap-text">{r.message}</span>,
    },
    {
      key: 'since',
      label: 'Listed',
      sort: (r) => r.created_at,
      render: (r) => (r.resolved_at ? `${date(r.created_at)} – resolved ${date(r.resolved_at)}` : date(r.created_at)),
    },
  ];

  return (
    <>
      <PageHeader
        title="Review queue"
        subtitle="Items someone should look at: drift in demand, repeated stock-outs, excess and dead stock, lead-time and price changes, no usable supplier"
        actions={
          <button type="button" onClick={runDrift} disabled={drift.busy}>
            {drift.busy ? 'Reviewing…' : 'Run the drift review now'}
          </button>
        }
      />
      <ErrorNote error={drift.error} />
      <div role="status">
        {drift.report && (
          <p className="notice">
            Checked {num(drift.report.pairs_checked, 0)} item × location pairs: {drift.report.raised.length} newly
            listed, {num(drift.report.still_open, 0)} still open, {drift.report.resolved.length} resolved. (The server
            runs this review once a day by itself.)
          </p>
        )}
      </div>
      <Card>
        <div className="toolbar">
          <form
            className="toolbar"
            onSubmit={(e) => {
              e.preventDefault();
              setParams({ sku: skuText.trim() });
            }}
          >
            <Field label="SKU">
              {(props) => (
                <input
                  {...props}
                  value={skuText}
                  onChange={(e) => setSkuText(e.target.value)}
                  placeholder="All items"
                />
              )}
            </Field>
            <button type="submit" className="secondary">
              Filter
            </button>
          </form>
          <label className="check">
            <input type="checkbox" checked={includeResolved} onChange={(e) => setParams({ all: e.target.checked })} />
            Include resolved entries
          </label>
        </div>
        {rows.length > 0 && (
          <p className="chips">
            {[...counts].map(([reason, n]) => (
              <Chip key={reason} tone={reasonTone(reason)}>
                {reason.replaceAll('_', ' ')}: {n}
              </Chip>
            ))}
          </p>
        )}
        <ErrorNote error={state.error} />
        {!state.loading && !state.error && rows.length === 0 && (
          <Empty title={sku ? `Nothing to review for ${sku}.` : 'Nothing to review.'}>
            The drift review lists demand shifts, repeated stock-outs, excess and dead stock here; purchasing adds items
            without a usable supplier, price rises and lead-time changes.
          </Empty>
        )}
        {rows.length > 0 && <Table rows={rows} columns={columns} rowKey={(r) => String(r.id)} caption="Review queue" />}
        {state.loading && <Loading what="Loading the review queue" />}
        {cursor && !state.loading && (
          <button type="button" className="secondary load-more" onClick={() => void load(cursor)}>
            Show more
          </button>
        )}
      </Card>
    </>
  );
}

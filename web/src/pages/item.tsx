import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, type Page, query } from '../api';
import { dateTime, money, num, percent } from '../format';
import { Link, navigate, useLocation, useTitle } from '../router';
import { Card, Chip, Empty, ErrorNote, Field, Loading, PageHeader, Stat, Table, type Tone } from '../ui';
import { useApi } from '../use-api';
import { dailyOnHand, forecastBand, type MovementPoint, StockChart } from './item-chart';
import { ItemSourceForm } from './item-source-form';
import { type Balance, type Item, itemStatus, type Policy, quantity, STATUS_LABEL, STATUS_TONE } from './items';
import './items.css';

type LocationRow = { code: string; name: string; kind: string; site: string; active: boolean };
type Movement = MovementPoint & {
  id: number;
  type: string;
  quantity: number;
  location: string;
  reason: string | null;
  reference: string | null;
  actor: string;
};
type Source = {
  supplier: string;
  supplier_sku: string | null;
  unit_price: number | null;
  currency: string;
  price_breaks: Array<{ min_quantity: number; unit_price: number }>;
  lead_time_days: number | null;
  effective_lead_time_days: number | null;
  moq: number | null;
  pack_size: number | null;
  rank: number;
  active: boolean;
};
type Recommendation = {
  kind: string;
  reorder_point: number | null;
  target: number | null;
  cards: number | null;
  container_quantity: number | null;
  review_days: number | null;
  safety_stock: number | null;
  order_quantity: number | null;
  forecast_method: string | null;
  mean_per_day: number | null;
  sd_per_day: number | null;
  lead_time_days: number | null;
  lead_time_sd_days: number | null;
  lead_time_source: string | null;
  service_level: number | null;
  service_type: string | null;
  abc: string | null;
  xyz: string | null;
  strategy: string;
  reasons: string[];
  risk_flags: string[];
  status: 'new' | 'changed' | 'unchanged';
  current_policy: (PolicyLevels & { planning: string }) | null;
  computed_at: string;
  data_through: string;
  explanation: {
    inputs: Record<string, number | string | null>;
    steps: Array<{ name: string; formula: string; value: number; unit: string }>;
    summary: string;
  };
};
type PolicyLevels = {
  kind: string;
  reorder_point?: number | null;
  target?: number | null;
  cards?: number | null;
  container_quantity?: number | null;
  review_days?: number | null;
};

const HISTORY_DAYS = 90;
const DAY = 86_400_000;
const KINDS: Array<{ value: string; label: string }> = [
  { value: 'reorder_point', label: 'Reorder point (min/max)' },
  { value: 'kanban', label: 'Kanban' },
  { value: 'periodic_review', label: 'Periodic review' },
  { value: 'make_to_order', label: 'Make to order' },
  { value: 'manual', label: 'Manual' },
];
const CRITICALITY_TONE: Record<string, Tone> = { critical: 'bad', high: 'warn', medium: 'info', low: 'neutral' };

/** A policy's levels in a few words: "s 50 → S 200", "2 cards × 12.5", "every 7 days up to 300". */
export function policyLevels(policy: PolicyLevels | null | undefined, unit = ''): string {
  if (!policy) return 'no policy';
  const u = unit ? ` ${unit}` : '';
  switch (policy.kind) {
    case 'reorder_point':
      return `reorder at ${num(policy.reorder_point)}, up to ${num(policy.target)}${u}`;
    case 'kanban':
      return `${num(policy.cards)} cards × ${num(policy.container_quantity)}${u}`;
    case 'periodic_review':
      return `every ${num(policy.review_days)} days up to ${num(policy.target)}${u}`;
    case 'make_to_order':
      return 'make to order, no stock';
    case 'manual':
      return typeof policy.reorder_point === 'number' ? `manual, listed at ${num(policy.reorder_point)}${u}` : 'manual';
    default:
      return policy.kind;
  }
}

export function ItemPage({ params }: { params: Record<string, string> }) {
  const sku = params.sku ?? '';
  const path = encodeURIComponent(sku);
  const item = useApi<Item>(`/items/${path}`);
  useTitle(item.data ? `${item.data.sku} ${item.data.name}` : sku);
  const stock = useApi<Page<Balance>>(`/stock${query({ sku, limit: 1000 })}`);
  const policies = useApi<Page<Policy>>(`/policies${query({ sku, limit: 1000 })}`);
  const locations = useApi<Page<LocationRow>>('/locations?limit=1000');
  const sources = useApi<Page<Source>>(`/items/${path}/sources`);
  const boms = useApi<Page<unknown>>(`/boms${query({ sku, limit: 1 })}`);
  const { search } = useLocation();

  if (item.error instanceof ApiError && item.error.status === 404) {
    return (
      <>
        <PageHeader title="Item not found" />
        <Empty title={`There is no item with SKU ${sku}.`}>
          <Link href="/items">Search the items</Link> for the right SKU.
        </Empty>
      </>
    );
  }
  if (!item.data) {
    return (
      <>
        <PageHeader title={sku} />
        <ErrorNote error={item.error} />
        {item.loading && <Loading what="Loading the item" />}
      </>
    );
  }
  const it = item.data;
  const balances = stock.data?.data ?? [];
  const policyRows = policies.data?.data ?? [];
  const used = [...new Set([...policyRows.map((p) => p.location), ...balances.map((b) => b.location)])].sort();
  const location = search.get('location') ?? policyRows[0]?.location ?? balances[0]?.location ?? null;
  const total = (pick: (b: Balance) => number) => balances.reduce((sum, b) => sum + pick(b), 0);
  const status = stock.data && policies.data ? itemStatus(it, balances, policyRows) : undefined;
  const reload = () => {
    stock.reload();
    policies.reload();
  };

  return (
    <>
      <PageHeader
        title={it.name}
        subtitle={
          <span className="item-facts">
            <span>
              SKU <strong>{it.sku}</strong>
            </span>
            <span>unit {it.unit}</span>
            <span>{it.category ?? 'no category'}</span>
            <span>{money(it.unit_cost, it.currency)} a unit</span>
            <Chip tone={CRITICALITY_TONE[it.criticality] ?? 'neutral'}>{it.criticality} criticality</Chip>
            {status && <Chip tone={STATUS_TONE[status]}>{STATUS_LABEL[status]}</Chip>}
          </span>
        }
        actions={
          <>
            {(boms.data?.data.length ?? 0) > 0 && (
              <Link className="button secondary" href={`/boms/${path}`}>
                Bill of materials
              </Link>
            )}
            <Link className="button secondary" href="/items">
              All items
            </Link>
          </>
        }
      />
      <div className="stats item-stats">
        <Stat label="On hand" value={stock.data ? `${num(total((b) => b.on_hand))} ${it.unit}` : '…'} />
        <Stat label="Available" value={stock.data ? `${num(total((b) => b.available))} ${it.unit}` : '…'} />
        <Stat label="On order" value={stock.data ? `${num(total((b) => b.on_order))} ${it.unit}` : '…'} />
        <Stat
          label="Stock value"
          value={stock.data ? money(total((b) => b.on_hand) * (it.unit_cost ?? 0), it.currency) : '…'}
          note={it.unit_cost === null ? 'no unit cost set' : undefined}
        />
      </div>

      <div className="item-balances">
        <Card title="Balances by location">
          <ErrorNote error={stock.error ?? policies.error} />
          {stock.loading && !stock.data && <Loading what="Loading balances" />}
          {stock.data && used.length === 0 && (
            <Empty title="No stock and no policy anywhere yet.">
              Receive the item on the Movements page, or choose a location below and set a policy.
            </Empty>
          )}
          {used.length > 0 && (
            <Table
              caption="Balances by location"
              rows={used}
              rowKey={(code) => code}
              columns={[
                {
                  key: 'location',
                  label: 'Location',
                  render: (code) => (
                    <Link
                      href={`/items/${path}?location=${encodeURIComponent(code)}`}
                      aria-current={code === location ? 'true' : undefined}
                    >
                      {code}
                    </Link>
                  ),
                  sort: (code) => code,
                },
                ...(['on_hand', 'allocated', 'on_order', 'available', 'inventory_position'] as const).map((key) => ({
                  key,
                  label: {
                    on_hand: 'On hand',
                    allocated: 'Allocated',
                    on_order: 'On order',
                    available: 'Available',
                    inventory_position: 'Inventory position',
                  }[key],
                  align: 'right' as const,
                  render: (code: string) => quantity(balances.find((b) => b.location === code)?.[key] ?? 0, it.unit),
                  sort: (code: string) => balances.find((b) => b.location === code)?.[key] ?? 0,
                })),
                {
                  key: 'policy',
                  label: 'Policy',
                  render: (code) => {
                    const policy = policyRows.find((p) => p.location === code);
                    return (
                      <>
                        {policyLevels(policy)}{' '}
                        {policy?.below_reorder_point && <Chip tone="warn">below reorder point</Chip>}
                        {policy && policy.planning !== 'auto' && <Chip>{policy.planning}</Chip>}
                      </>
                    );
                  },
                },
              ]}
            />
          )}
        </Card>
      </div>

      <section className="item-location" aria-labelledby="item-location-heading">
        <div className="item-location-head">
          <h2 id="item-location-heading">At {location ?? 'a location'}</h2>
          <div className="field">
            <label htmlFor="item-location-pick">Location</label>
            <select
              id="item-location-pick"
              value={location ?? ''}
              onChange={(event) =>
                navigate(`/items/${path}?location=${encodeURIComponent(event.target.value)}`, { replace: true })
              }
            >
              {location === null && <option value="">Choose a location</option>}
              <optgroup label="With stock or a policy">
                {used.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </optgroup>
              <optgroup label="Other locations">
                {(locations.data?.data ?? [])
                  .filter((l) => l.active && !used.includes(l.code))
                  .map((l) => (
                    <option key={l.code} value={l.code}>
                      {l.code} · {l.name}
                    </option>
                  ))}
              </optgroup>
            </select>
          </div>
        </div>
        {location !== null && (
          <AtLocation
            key={location}
            item={it}
            location={location}
            balance={balances.find((b) => b.location === location)}
            policy={policyRows.find((p) => p.location === location)}
            policiesLoaded={policies.data !== undefined}
            onPolicyChanged={reload}
          />
        )}
      </section>

      <Card title="Sources">
        <ErrorNote error={sources.error} />
        {sources.loading && !sources.data && <Loading what="Loading suppliers" />}
        {sources.data && sources.data.data.length === 0 && (
          <Empty title="No supplier sells this item yet.">Add one below so the trigger knows whom to order from.</Empty>
        )}
        {sources.data && sources.data.data.length > 0 && (
          <Table
            caption="Suppliers of this item"
            rows={sources.data.data}
            rowKey={(s) => s.supplier}
            columns={[
              { key: 'rank', label: 'Rank', align: 'right', render: (s) => s.rank, sort: (s) => s.rank },
              {
                key: 'supplier',
                label: 'Supplier',
                render: (s) => (
                  <>
                    <Link href={`/suppliers/${encodeURIComponent(s.supplier)}`}>{s.supplier}</Link>
                    {!s.active && <Chip>inactive</Chip>}
                  </>
                ),
                sort: (s) => s.supplier,
              },
              { key: 'supplier_sku', label: 'Their SKU', render: (s) => s.supplier_sku ?? '–' },
              {
                key: 'price',
                label: 'Unit price',
                align: 'right',
                render: (s) => money(s.unit_price, s.currency),
                sort: (s) => s.unit_price ?? Number.POSITIVE_INFINITY,
              },
              {
                key: 'breaks',
                label: 'Price breaks',
                render: (s) =>
                  s.price_breaks.length === 0
                    ? '–'
                    : s.price_breaks.map((b) => `${num(b.min_quantity)}+: ${num(b.unit_price, 4)}`).join(', '),
              },
              {
                key: 'lead',
                label: 'Lead time',
                align: 'right',
                render: (s) =>
                  s.effective_lead_time_days === null
                    ? '–'
                    : `${num(s.effective_lead_time_days, 1)} ${s.effective_lead_time_days === 1 ? 'day' : 'days'}`,
                sort: (s) => s.effective_lead_time_days ?? Number.POSITIVE_INFINITY,
              },
              { key: 'moq', label: 'MOQ', align: 'right', render: (s) => quantity(s.moq ?? undefined, it.unit) },
              {
                key: 'pack',
                label: 'Pack',
                align: 'right',
                render: (s) => quantity(s.pack_size ?? undefined, it.unit),
              },
            ]}
          />
        )}
        {sources.data && (
          <ItemSourceForm
            sku={it.sku}
            unit={it.unit}
            taken={sources.data.data.map((s) => s.supplier)}
            onAdded={sources.reload}
          />
        )}
      </Card>
    </>
  );
}

/** Everything about the item at one location: the stock chart, the policy editor, the plan and the movements. */
function AtLocation({
  item,
  location,
  balance,
  policy,
  policiesLoaded,
  onPolicyChanged,
}: {
  item: Item;
  location: string;
  balance: Balance | undefined;
  policy: Policy | undefined;
  policiesLoaded: boolean;
  onPolicyChanged: () => void;
}) {
  const pair = `${encodeURIComponent(item.sku)}/${encodeURIComponent(location)}`;
  const recommendation = useApi<Recommendation>(`/recommendations/${pair}`);
  const movements = useMovements(item.sku, location);
  const [now] = useState(() => Date.now());
  const onHand = balance?.on_hand ?? 0;
  const history = movements.data ? dailyOnHand(movements.data, onHand, now - HISTORY_DAYS * DAY, now) : [];
  const rec = recommendation.data;
  const forecast =
    rec && rec.mean_per_day !== null && rec.sd_per_day !== null
      ? forecastBand(
          onHand,
          now,
          rec.mean_per_day,
          rec.sd_per_day,
          Math.max(14, Math.ceil((rec.lead_time_days ?? 0) * 2)),
        )
      : undefined;
  const reorderPoint = policy?.reorder_point ?? undefined;
  const target = policy?.target ?? undefined;
  const changed = () => {
    onPolicyChanged();
    recommendation.reload();
  };
  // Kept here: the editor starts afresh from the saved policy, and the confirmation must outlive it.
  const [policyNotice, setPolicyNotice] = useState<string | undefined>();

  return (
    <>
      <Card title={`Stock over the last ${HISTORY_DAYS} days`}>
        <ErrorNote error={movements.error} />
        {movements.loading && <Loading what="Loading movements" />}
        {movements.data && (
          <StockChart
            title={`On hand of ${item.sku} at ${location} by day, with reorder point and target`}
            history={history}
            reorderPoint={reorderPoint}
            target={target}
            forecast={forecast}
          />
        )}
        {movements.data && !forecast && (
          <p className="muted item-small">The forecast band appears once the planner has a recommendation here.</p>
        )}
      </Card>
      <Card title="Policy">
        {policiesLoaded ? (
          <PolicyEditor
            key={policy?.updated_at ?? 'none'}
            item={item}
            location={location}
            policy={policy}
            notice={policyNotice}
            onNotice={setPolicyNotice}
            onSaved={changed}
          />
        ) : (
          <Loading what="Loading the policy" />
        )}
      </Card>
      <RecommendationCard
        item={item}
        location={location}
        recommendation={recommendation}
        policy={policy}
        onChanged={() => {
          setPolicyNotice(undefined);
          changed();
        }}
      />
      <Card title="Recent movements">
        {movements.data && movements.data.length === 0 && (
          <Empty title={`Nothing moved at ${location} in the last ${HISTORY_DAYS} days.`} />
        )}
        {movements.data && movements.data.length > 0 && (
          <Table
            caption={`Recent movements of ${item.sku} at ${location}`}
            rows={movements.data.slice(-20).reverse()}
            rowKey={(m) => String(m.id)}
            columns={[
              { key: 'when', label: 'When', render: (m) => dateTime(m.occurred_at), sort: (m) => m.occurred_at },
              { key: 'type', label: 'Type', render: (m) => m.type, sort: (m) => m.type },
              {
                key: 'change',
                label: 'Change',
                align: 'right',
                render: (m) => (
                  <span className={m.on_hand_change < 0 ? 'item-neg' : undefined}>
                    {m.on_hand_change > 0 ? '+' : ''}
                    {num(m.on_hand_change)} <span className="item-unit">{item.unit}</span>
                  </span>
                ),
                sort: (m) => m.on_hand_change,
              },
              { key: 'reference', label: 'Reference', render: (m) => m.reference ?? m.reason ?? '–' },
              { key: 'actor', label: 'By', render: (m) => m.actor },
            ]}
          />
        )}
      </Card>
    </>
  );
}

/** The item's movements at a location over the chart's window, every page of them (ledger order). */
function useMovements(sku: string, location: string) {
  const [state, setState] = useState<{ data?: Movement[]; error?: Error; loading: boolean }>({ loading: true });
  useEffect(() => {
    const controller = new AbortController();
    const from = new Date(Date.now() - HISTORY_DAYS * DAY).toISOString();
    (async () => {
      const all: Movement[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await api<Page<Movement>>(`/movements${query({ sku, location, from, limit: 1000, cursor })}`, {
          signal: controller.signal,
        });
        all.push(...page.data);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      return all;
    })().then(
      (data) => setState({ data, loading: false }),
      (error: Error) => {
        if (!controller.signal.aborted) setState({ error, loading: false });
      },
    );
    return () => controller.abort();
  }, [sku, location]);
  return state;
}

type Draft = Record<
  | 'kind'
  | 'reorder_point'
  | 'target'
  | 'cards'
  | 'container_quantity'
  | 'supplier'
  | 'review_days'
  | 'review_time'
  | 'planning',
  string
>;

const FIELDS_OF: Record<string, Array<keyof Draft>> = {
  reorder_point: ['reorder_point', 'target'],
  kanban: ['cards', 'container_quantity', 'supplier'],
  periodic_review: ['review_days', 'target', 'review_time'],
  make_to_order: [],
  manual: ['reorder_point'],
};
const NUMERIC = new Set<keyof Draft>(['reorder_point', 'target', 'cards', 'container_quantity', 'review_days']);
const LABELS: Record<keyof Draft, string> = {
  kind: 'Kind',
  reorder_point: 'Reorder point',
  target: 'Target (order up to)',
  cards: 'Cards',
  container_quantity: 'Container quantity',
  supplier: 'Supplier (optional)',
  review_days: 'Review every (days)',
  review_time: 'Review time (optional, HH:MM)',
  planning: 'Planning',
};

function draftOf(policy: Policy | undefined): Draft {
  const text = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    kind: policy?.kind ?? 'reorder_point',
    reorder_point: text(policy?.reorder_point),
    target: text(policy?.target),
    cards: text(policy?.cards),
    container_quantity: text(policy?.container_quantity),
    supplier: text(policy?.supplier),
    review_days: text(policy?.review_days),
    review_time: text(policy?.review_time),
    planning: policy?.planning ?? 'auto',
  };
}

/** The body PUT /policies takes: the kind, its fields as typed (numbers as numbers) and the planning mode. */
export function policyBody(draft: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: draft.kind, planning: draft.planning };
  for (const field of FIELDS_OF[draft.kind] ?? []) {
    const value = draft[field].trim();
    if (value === '') continue;
    body[field] = NUMERIC.has(field) && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return body;
}

function PolicyEditor({
  item,
  location,
  policy,
  notice: saved,
  onNotice: setSaved,
  onSaved,
}: {
  item: Item;
  location: string;
  policy: Policy | undefined;
  notice: string | undefined;
  onNotice: (notice: string | undefined) => void;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState(() => draftOf(policy));
  const [error, setError] = useState<ApiError | Error | undefined>();
  const [busy, setBusy] = useState(false);
  const set = (field: keyof Draft, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setSaved(undefined);
  };
  const fieldError = (field: string) => (error instanceof ApiError ? error.forField(field) : undefined);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const answer = await api<Policy>(`/policies/${encodeURIComponent(item.sku)}/${encodeURIComponent(location)}`, {
        method: 'PUT',
        body: policyBody(draft),
      });
      setSaved(`Saved at ${location}: ${policyLevels(answer, item.unit)} (${answer.planning}).`);
      onSaved();
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  const shown = FIELDS_OF[draft.kind] ?? [];
  const unplaced =
    error instanceof ApiError &&
    !error.details.some((d) => ['kind', 'planning', ...shown].includes(d.field.split(/[.[]/)[0]!));

  return (
    <form className="policy-form" onSubmit={submit} noValidate aria-label={`Policy at ${location}`}>
      <p className="muted item-small">
        {policy
          ? `In force: ${policyLevels(policy, item.unit)}; planning ${policy.planning}.`
          : `No policy at ${location} yet: the item is never ordered here.`}
      </p>
      <div className="form-row">
        <Field label={LABELS.kind} error={fieldError('kind')}>
          {(props) => (
            <select {...props} value={draft.kind} onChange={(e) => set('kind', e.target.value)}>
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={LABELS.planning}
          error={fieldError('planning')}
          hint={
            draft.planning === 'auto'
              ? 'The planner may change these levels.'
              : draft.planning === 'pinned'
                ? 'Kept as it is; the planner only recommends.'
                : 'Your own values, kept by the planner.'
          }
        >
          {(props) => (
            <select {...props} value={draft.planning} onChange={(e) => set('planning', e.target.value)}>
              <option value="auto">auto</option>
              <option value="pinned">pinned</option>
              <option value="override">override</option>
            </select>
          )}
        </Field>
      </div>
      <div className="form-row">
        {shown.map((field) => (
          <Field key={field} label={LABELS[field]} error={fieldError(field)}>
            {(props) => (
              <input
                {...props}
                name={field}
                inputMode={NUMERIC.has(field) ? 'decimal' : undefined}
                value={draft[field]}
                onChange={(e) => set(field, e.target.value)}
              />
            )}
          </Field>
        ))}
      </div>
      {draft.kind === 'make_to_order' && (
        <p className="muted item-small">No stock is held; a demand orders exactly itself.</p>
      )}
      {unplaced && <ErrorNote error={error} />}
      {error instanceof ApiError && !unplaced && (
        <p className="field-error" role="alert">
          Not saved: {error.message}
        </p>
      )}
      {error && !(error instanceof ApiError) && <ErrorNote error={error} />}
      {saved && (
        <p className="item-saved" role="status">
          {saved}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : policy ? 'Save policy' : 'Set policy'}
      </button>
    </form>
  );
}

function RecommendationCard({
  item,
  location,
  recommendation,
  policy,
  onChanged,
}: {
  item: Item;
  location: string;
  recommendation: ReturnType<typeof useApi<Recommendation>>;
  policy: Policy | undefined;
  onChanged: () => void;
}) {
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const pair = `${encodeURIComponent(item.sku)}/${encodeURIComponent(location)}`;
  const act = async (action: 'accept' | 'pin' | 'unpin') => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      if (action === 'accept') {
        const answer = await api<{ changed: boolean; policy: Policy }>(`/recommendations/${pair}/accept`, {
          method: 'POST',
        });
        setMessage(
          answer.changed
            ? `Accepted: the policy is now ${policyLevels(answer.policy, item.unit)}.`
            : 'The policy already has these levels; nothing changed.',
        );
      } else {
        const answer = await api<Policy>(`/recommendations/${pair}/${action}`, { method: 'POST' });
        setMessage(
          action === 'pin'
            ? 'Pinned: the planner keeps this policy as it is and only recommends.'
            : `Unpinned: planning is ${answer.planning} again; the planner may change the levels.`,
        );
      }
      onChanged();
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  const rec = recommendation.data;
  const missing = recommendation.error instanceof ApiError && recommendation.error.status === 404;
  return (
    <div className="item-rec">
      <Card
        title="Planner's recommendation"
        actions={
          rec && (
            <div className="rec-actions">
              <button type="button" disabled={busy} onClick={() => act('accept')}>
                Accept
              </button>
              {policy && policy.planning !== 'pinned' && (
                <button type="button" className="secondary" disabled={busy} onClick={() => act('pin')}>
                  Pin
                </button>
              )}
              {policy && policy.planning !== 'auto' && (
                <button type="button" className="secondary" disabled={busy} onClick={() => act('unpin')}>
                  Unpin
                </button>
              )}
            </div>
          )
        }
      >
        {recommendation.loading && !rec && !recommendation.error && <Loading what="Loading the recommendation" />}
        {missing && (
          <Empty title={`No recommendation for ${location} yet.`}>
            The planner recommends once the plan has run: POST /api/v1/plan or bin/leanstock plan.
          </Empty>
        )}
        {!missing && <ErrorNote error={recommendation.error} />}
        <ErrorNote error={error} />
        {message && (
          <p className="item-saved" role="status">
            {message}
          </p>
        )}
        {rec && (
          <>
            <p className="rec-headline">
              <strong>{policyLevels(rec, item.unit)}</strong>{' '}
              <Chip tone={rec.status === 'unchanged' ? 'ok' : 'info'}>
                {rec.status === 'unchanged' ? 'in force' : rec.status === 'new' ? 'new' : 'differs from the policy'}
              </Chip>{' '}
              <Chip>{rec.strategy.replaceAll('_', ' ')}</Chip>
              {rec.abc && rec.xyz && <Chip>{`${rec.abc}${rec.xyz}`}</Chip>}
              {rec.risk_flags.map((flag) => (
                <Chip key={flag} tone="warn">
                  {flag.replaceAll('_', ' ')}
                </Chip>
              ))}
            </p>
            <p className="muted item-small">
              In force: {policyLevels(rec.current_policy, item.unit)} · computed {dateTime(rec.computed_at)} on demand
              through {rec.data_through}
            </p>
            <p>{rec.explanation.summary}</p>
            <div className="stats item-stats rec-inputs">
              <Stat
                label="Demand a day"
                value={`${num(rec.mean_per_day, 2)} ± ${num(rec.sd_per_day, 2)}`}
                note={rec.forecast_method?.replaceAll('_', ' ')}
              />
              <Stat
                label="Lead time"
                value={`${num(rec.lead_time_days, 1)} ± ${num(rec.lead_time_sd_days, 1)} d`}
                note={rec.lead_time_source ?? undefined}
              />
              <Stat
                label="Service level"
                value={percent(rec.service_level)}
                note={rec.service_type ? `${rec.service_type.replaceAll('_', ' ')} service` : undefined}
              />
              <Stat label="Safety stock" value={`${num(rec.safety_stock, 1)} ${item.unit}`} />
            </div>
            <h3>Why</h3>
            <ul className="reasons">
              {rec.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
            <h3>How it was computed</h3>
            <Table
              caption="Steps of the computation"
              rows={rec.explanation.steps}
              rowKey={(s) => s.name}
              columns={[
                { key: 'name', label: 'Step', render: (s) => s.name },
                { key: 'formula', label: 'Formula', render: (s) => <code>{s.formula}</code> },
                {
                  key: 'value',
                  label: 'Value',
                  align: 'right',
                  render: (s) => (
                    <>
                      {num(s.value, 3)} <span className="item-unit">{s.unit}</span>
                    </>
                  ),
                },
              ]}
            />
            <details className="rec-all-inputs">
              <summary>All inputs</summary>
              <dl>
                {Object.entries(rec.explanation.inputs).map(([key, value]) => (
                  <div key={key}>
                    <dt>{key.replaceAll('_', ' ')}</dt>
                    <dd>{typeof value === 'number' ? num(value, 4) : (value ?? '–')}</dd>
                  </div>
                ))}
              </dl>
            </details>
          </>
        )}
      </Card>
    </div>
  );
}

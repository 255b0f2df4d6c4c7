import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, type Page, query } from '../api';
import { dateTime, num } from '../format';
import { Link, navigate, useLocation, useTitle } from '../router';
import { Card, Chip, type Column, Empty, ErrorNote, Field, Loading, PageHeader, Table } from '../ui';
import { useApi } from '../use-api';
import {
  isMovementType,
  MOVEMENT_TYPES,
  MOVEMENT_WORDS,
  type MovementType,
  useItemOptions,
  useLocationOptions,
} from './movements-common';
import './movements.css';

type Movement = {
  id: number;
  type: MovementType;
  sku: string;
  location: string;
  quantity: number;
  on_hand_change: number;
  counted_quantity: number | null;
  occurred_at: string;
  reason: string | null;
  reference: string | null;
  actor: string;
  transfer_id: string | null;
  reverses_id?: number | null;
};

const PAGE_SIZE = 50;

function Change({ movement: m }: { movement: Movement }) {
  return (
    <span className={m.on_hand_change < 0 ? 'change-out' : m.on_hand_change > 0 ? 'change-in' : undefined}>
      {m.on_hand_change > 0 ? '+' : m.on_hand_change < 0 ? '−' : '±'}
      {num(Math.abs(m.on_hand_change))}
    </span>
  );
}

const columns: Column<Movement>[] = [
  { key: 'when', label: 'When', render: (m) => dateTime(m.occurred_at), sort: (m) => m.occurred_at },
  {
    key: 'type',
    label: 'Type',
    render: (m) => <Chip tone={MOVEMENT_WORDS[m.type].tone}>{MOVEMENT_WORDS[m.type].label}</Chip>,
    sort: (m) => m.type,
  },
  {
    key: 'sku',
    label: 'SKU',
    render: (m) => <Link href={`/items/${encodeURIComponent(m.sku)}`}>{m.sku}</Link>,
    sort: (m) => m.sku,
  },
  { key: 'location', label: 'Location', render: (m) => m.location, sort: (m) => m.location },
  {
    key: 'change',
    label: 'On hand change',
    align: 'right',
    render: (m) => <Change movement={m} />,
    sort: (m) => m.on_hand_change,
  },
  {
    key: 'counted',
    label: 'Counted',
    align: 'right',
    render: (m) => (m.counted_quantity === null ? '' : num(m.counted_quantity)),
  },
  {
    key: 'why',
    label: 'Reason · reference',
    render: (m) => [m.reason, m.reference].filter(Boolean).join(' · '),
  },
  { key: 'actor', label: 'By', render: (m) => m.actor },
];

export function Movements() {
  useTitle('Movements');
  const { search } = useLocation();
  const sku = search.get('sku') ?? '';
  const location = search.get('location') ?? '';
  const typeParam = search.get('type');
  const type = isMovementType(typeParam) ? typeParam : '';
  // Cursors of the pages before this one, so "Newer" goes back without the API paging backwards.
  // New filters start again at the newest page.
  const filters = `${sku}|${location}|${type}`;
  const [paging, setPaging] = useState<{ filters: string; cursors: string[] }>({ filters, cursors: [] });
  const cursors = paging.filters === filters ? paging.cursors : [];
  const setCursors = (change: (c: string[]) => string[]) => setPaging({ filters, cursors: change(cursors) });
  const cursor = cursors.at(-1);

  const page = useApi<Page<Movement>>(
    `/movements${query({ sku, location, type, order: 'desc', limit: PAGE_SIZE, cursor })}`,
  );
  const [draft, setDraft] = useState({ sku, location, type: type as string });
  useEffect(() => setDraft({ sku, location, type }), [sku, location, type]);
  const items = useItemOptions(draft.sku);
  const locations = useLocationOptions();

  const apply = (next: typeof draft) => {
    navigate(`/movements${query({ sku: next.sku.trim(), location: next.location, type: next.type })}`, {
      replace: true,
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };
  const error = page.error instanceof ApiError ? page.error : undefined;
  const filtered = sku !== '' || location !== '' || type !== '';
  const rows = page.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="Movements"
        subtitle="The stock ledger, newest first. Movements are never edited; a correction is a movement of its own."
        actions={
          <Link href="/movements/new" className="button">
            Record movement
          </Link>
        }
      />
      <Card>
        <form className="movement-filters" onSubmit={submit} aria-label="Filter movements">
          <Field label="SKU" error={error?.forField('sku')}>
            {(props) => (
              <input
                {...props}
                list="movement-filter-items"
                autoComplete="off"
                spellCheck={false}
                placeholder="All items"
                value={draft.sku}
                onChange={(e) => setDraft((d) => ({ ...d, sku: e.target.value }))}
              />
            )}
          </Field>
          <Field label="Location" error={error?.forField('location')}>
            {(props) => (
              <select
                {...props}
                value={draft.location}
                onChange={(e) => {
                  const next = { ...draft, location: e.target.value };
                  setDraft(next);
                  apply(next);
                }}
              >
                <option value="">All locations</option>
                {location !== '' && !locations.some((l) => l.code === location) && (
                  <option value={location}>{location}</option>
                )}
                {locations.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.code} · {l.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Type">
            {(props) => (
              <select
                {...props}
                value={draft.type}
                onChange={(e) => {
                  const next = { ...draft, type: e.target.value };
                  setDraft(next);
                  apply(next);
                }}
              >
                <option value="">All types</option>
                {MOVEMENT_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {MOVEMENT_WORDS[t].label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="filter-actions">
            <button type="submit">Show</button>
            {filtered && (
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setDraft({ sku: '', location: '', type: '' });
                  apply({ sku: '', location: '', type: '' });
                }}
              >
                Clear
              </button>
            )}
          </div>
          <datalist id="movement-filter-items">
            {items.map((i) => (
              <option key={i.sku} value={i.sku}>
                {i.name}
              </option>
            ))}
          </datalist>
        </form>
        {page.error && !(error && (error.forField('sku') || error.forField('location'))) && (
          <ErrorNote error={page.error} />
        )}
        {page.loading && !page.data && <Loading what="Loading movements" />}
        {page.data && rows.length === 0 && (
          <Empty title={filtered ? 'No movements match these filters.' : 'No movements yet.'}>
            {filtered ? (
              'Clear a filter to see more.'
            ) : (
              <>
                <Link href="/movements/new">Record a movement</Link> or <Link href="/import">import opening stock</Link>
                .
              </>
            )}
          </Empty>
        )}
        {rows.length > 0 && (
          <>
            <div className="movement-table">
              <Table rows={rows} columns={columns} rowKey={(m) => String(m.id)} caption="Movements, newest first" />
            </div>
            <ul className="movement-cards" aria-label="Movements, newest first">
              {rows.map((m) => (
                <li key={m.id}>
                  <div className="line">
                    <Chip tone={MOVEMENT_WORDS[m.type].tone}>{MOVEMENT_WORDS[m.type].label}</Chip>
                    <Link href={`/items/${encodeURIComponent(m.sku)}`}>{m.sku}</Link>
                    <span>at {m.location}</span>
                    <Change movement={m} />
                  </div>
                  <div className="muted fine-print">
                    {[dateTime(m.occurred_at), m.reason, m.reference, m.actor].filter(Boolean).join(' · ')}
                  </div>
                </li>
              ))}
            </ul>
            <nav className="pager" aria-label="Pages of movements">
              <button
                type="button"
                className="secondary"
                disabled={cursors.length === 0 || page.loading}
                onClick={() => setCursors((c) => c.slice(0, -1))}
              >
                ← Newer
              </button>
              <span className="muted fine-print">
                {cursors.length * PAGE_SIZE + 1}–{cursors.length * PAGE_SIZE + rows.length}
              </span>
              <button
                type="button"
                className="secondary"
                disabled={!page.data?.next_cursor || page.loading}
                onClick={() => {
                  const next = page.data?.next_cursor;
                  if (next) setCursors((c) => [...c, next]);
                }}
              >
                Older →
              </button>
            </nav>
          </>
        )}
      </Card>
    </>
  );
}

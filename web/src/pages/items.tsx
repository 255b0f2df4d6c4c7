import { useEffect, useRef, useState } from 'react';
import { api, type Page, query } from '../api';
import { money, num } from '../format';
import { Link, navigate, useLocation, useTitle } from '../router';
import { Chip, type Column, Empty, ErrorNote, Loading, PageHeader, Table, type Tone } from '../ui';
import './items.css';

export type Item = {
  sku: string;
  name: string;
  unit: string;
  category: string | null;
  unit_cost: number | null;
  currency: string;
  shelf_life_days: number | null;
  criticality: string;
  allow_negative: boolean;
  active: boolean;
};
export type Balance = {
  sku: string;
  location: string;
  on_hand: number;
  allocated: number;
  on_order: number;
  available: number;
  inventory_position: number;
};
export type Policy = {
  sku: string;
  location: string;
  kind: string;
  planning: 'auto' | 'pinned' | 'override';
  below_reorder_point: boolean;
  balance: { on_hand: number; allocated: number; on_order: number; inventory_position: number };
  reorder_point?: number | null;
  target?: number | null;
  cards?: number;
  container_quantity?: number;
  supplier?: string | null;
  review_days?: number;
  review_time?: string;
  next_review_at?: string | null;
  updated_at: string;
};

/** What a row shows once its balances and policies are in: totals over locations and the status. */
type StockFacts = { onHand: number; available: number; onOrder: number; status: ItemStatus };
export type ItemStatus = 'inactive' | 'stock_out' | 'below_reorder_point' | 'ordered' | 'excess' | 'ok';

export const STATUS_LABEL: Record<ItemStatus, string> = {
  inactive: 'inactive',
  stock_out: 'stock-out',
  below_reorder_point: 'below reorder point',
  ordered: 'ordered',
  excess: 'excess',
  ok: 'ok',
};
export const STATUS_TONE: Record<ItemStatus, Tone> = {
  inactive: 'neutral',
  stock_out: 'bad',
  below_reorder_point: 'warn',
  ordered: 'info',
  excess: 'warn',
  ok: 'ok',
};

/**
 * An item's status from its balances and policies, the most urgent first: out of stock everywhere, at or below a
 * reorder point, stock on order, on hand above a policy's target somewhere (excess), else ok.
 */
export function itemStatus(item: Item, balances: Balance[], policies: Policy[]): ItemStatus {
  if (!item.active) return 'inactive';
  const onHand = balances.reduce((sum, b) => sum + b.on_hand, 0);
  if (onHand <= 0) return 'stock_out';
  if (policies.some((p) => p.below_reorder_point)) return 'below_reorder_point';
  if (balances.some((b) => b.on_order > 0)) return 'ordered';
  const excess = policies.some(
    (p) => typeof p.target === 'number' && p.target > 0 && p.balance.inventory_position > p.target,
  );
  return excess ? 'excess' : 'ok';
}

const PAGE_SIZE = 50;
const FILTERS = [
  { value: '', label: 'Any status' },
  { value: 'below_reorder_point', label: 'Below reorder point' },
  { value: 'stock_out', label: 'Stock-out' },
  { value: 'in_stock', label: 'In stock' },
  { value: 'inactive', label: 'Inactive' },
];

/** Loads balances and policies for the SKUs shown, a few at a time, once each (the list can be long). */
function useStockFacts(items: Item[]): Map<string, StockFacts> {
  const [facts, setFacts] = useState(() => new Map<string, StockFacts>());
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const wanted = items.filter((item) => !asked.current.has(item.sku));
    if (wanted.length === 0) return;
    for (const item of wanted) asked.current.add(item.sku);
    let cancelled = false;
    const queue = [...wanted];
    const worker = async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const sku = item.sku;
        try {
          const [stock, policies] = await Promise.all([
            api<Page<Balance>>(`/stock${query({ sku, limit: 1000 })}`),
            api<Page<Policy>>(`/policies${query({ sku, limit: 1000 })}`),
          ]);
          const fact: StockFacts = {
            onHand: stock.data.reduce((s, b) => s + b.on_hand, 0),
            available: stock.data.reduce((s, b) => s + b.available, 0),
            onOrder: stock.data.reduce((s, b) => s + b.on_order, 0),
            status: itemStatus(item, stock.data, policies.data),
          };
          if (!cancelled) setFacts((m) => new Map(m).set(sku, fact));
        } catch {
          // A row without figures shows dashes; the item page says what went wrong.
          asked.current.delete(sku);
        }
      }
    };
    void Promise.all(Array.from({ length: 6 }, worker));
    return () => {
      cancelled = true;
      for (const item of queue) asked.current.delete(item.sku);
    };
  }, [items]);
  return facts;
}

/** Puts filters into the address (so a reload or a shared link shows the same list), replacing the entry. */
function setFilter(changes: Record<string, string>): void {
  const next = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === '') next.delete(key);
    else next.set(key, value);
  }
  const text = next.toString();
  navigate(`/items${text ? `?${text}` : ''}`, { replace: true });
}

export function Items() {
  useTitle('Items');
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const status = search.get('status') ?? '';
  const category = search.get('category') ?? '';
  const [text, setText] = useState(q);
  const [categoryText, setCategoryText] = useState(category);
  const [rows, setRows] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<{ loading: boolean; error: Error | undefined }>({
    loading: true,
    error: undefined,
  });
  const [categories, setCategories] = useState<string[]>([]);

  // The search waits for a pause in typing, so 10,000 items are not asked for at every key.
  useEffect(() => {
    if (text.trim() === q) return;
    const timer = setTimeout(() => setFilter({ q: text.trim() }), 250);
    return () => clearTimeout(timer);
  }, [text, q]);
  useEffect(() => {
    if (categoryText.trim() === category) return;
    const timer = setTimeout(() => setFilter({ category: categoryText.trim() }), 250);
    return () => clearTimeout(timer);
  }, [categoryText, category]);

  const firstPage = `/items${query({ q, status, category, limit: PAGE_SIZE })}`;

  useEffect(() => {
    const controller = new AbortController();
    setState({ loading: true, error: undefined });
    api<Page<Item>>(firstPage, { signal: controller.signal }).then(
      (page) => {
        setRows(page.data);
        setCursor(page.next_cursor);
        setState({ loading: false, error: undefined });
        setCategories((known) =>
          [...new Set([...known, ...page.data.flatMap((i) => (i.category ? [i.category] : []))])].sort(),
        );
      },
      (error: Error) => {
        if (!controller.signal.aborted) setState({ loading: false, error });
      },
    );
    return () => controller.abort();
  }, [firstPage]);

  const loadMore = () => {
    setState({ loading: true, error: undefined });
    api<Page<Item>>(`${firstPage}&${query({ cursor: cursor ?? undefined }).slice(1)}`).then(
      (page) => {
        setRows((r) => [...r, ...page.data]);
        setCursor(page.next_cursor);
        setState({ loading: false, error: undefined });
      },
      (error: Error) => setState({ loading: false, error }),
    );
  };

  const facts = useStockFacts(rows);
  const columns: Column<Item>[] = [
    {
      key: 'sku',
      label: 'SKU',
      render: (item) => <Link href={`/items/${encodeURIComponent(item.sku)}`}>{item.sku}</Link>,
      sort: (item) => item.sku,
    },
    { key: 'name', label: 'Name', render: (item) => item.name, sort: (item) => item.name.toLowerCase() },
    {
      key: 'category',
      label: 'Category',
      render: (item) => item.category ?? '–',
      sort: (item) => item.category ?? '',
    },
    {
      key: 'status',
      label: 'Status',
      render: (item) => {
        const fact = facts.get(item.sku);
        return fact ? (
          <Chip tone={STATUS_TONE[fact.status]}>{STATUS_LABEL[fact.status]}</Chip>
        ) : (
          <span className="muted">…</span>
        );
      },
      sort: (item) => facts.get(item.sku)?.status ?? '',
    },
    {
      key: 'on_hand',
      label: 'On hand',
      align: 'right',
      render: (item) => quantity(facts.get(item.sku)?.onHand, item.unit),
      sort: (item) => facts.get(item.sku)?.onHand ?? Number.NEGATIVE_INFINITY,
    },
    {
      key: 'available',
      label: 'Available',
      align: 'right',
      render: (item) => quantity(facts.get(item.sku)?.available, item.unit),
      sort: (item) => facts.get(item.sku)?.available ?? Number.NEGATIVE_INFINITY,
    },
    {
      key: 'cost',
      label: 'Unit cost',
      align: 'right',
      render: (item) => money(item.unit_cost, item.currency),
      sort: (item) => item.unit_cost ?? -1,
    },
  ];

  const filtered = q !== '' || status !== '' || category !== '';
  return (
    <>
      <PageHeader
        title="Items"
        subtitle="Search the catalogue by SKU or name, filter by stock status or category, open an item for its stock, policy and plan."
        actions={
          <Link className="button" href="/items/new">
            New item
          </Link>
        }
      />
      <search className="items-filters" aria-label="Find items">
        <div className="field">
          <label htmlFor="items-q">Search</label>
          <input
            id="items-q"
            type="search"
            placeholder="SKU or name"
            value={text}
            onChange={(event) => setText(event.target.value)}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor="items-status">Status</label>
          <select id="items-status" value={status} onChange={(event) => setFilter({ status: event.target.value })}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="items-category">Category</label>
          <input
            id="items-category"
            list="items-categories"
            placeholder="any"
            value={categoryText}
            onChange={(event) => setCategoryText(event.target.value)}
            autoComplete="off"
          />
          <datalist id="items-categories">
            {categories.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </div>
      </search>
      <ErrorNote error={state.error} />
      <p className="muted items-count" aria-live="polite">
        {state.loading && rows.length === 0
          ? 'Searching…'
          : `${rows.length}${cursor ? '+' : ''} ${rows.length === 1 ? 'item' : 'items'}${filtered ? ' match' : ''}; sorting a column sorts the items loaded.`}
      </p>
      {!state.loading && !state.error && rows.length === 0 && (
        <Empty title={filtered ? 'No item matches.' : 'No items yet.'}>
          {filtered
            ? 'Try fewer letters, another status or clear the category.'
            : 'Create items with POST /api/v1/items, import items.csv on the Import page, or run bin/leanstock demo.'}
        </Empty>
      )}
      {rows.length > 0 && (
        <div className="items-list">
          <Table rows={rows} columns={columns} rowKey={(item) => item.sku} caption="Items" />
        </div>
      )}
      <div className="items-more">
        {state.loading && rows.length > 0 && <Loading what="Loading more items" />}
        {cursor && !state.loading && (
          <button type="button" className="secondary" onClick={loadMore}>
            Load {PAGE_SIZE} more
          </button>
        )}
      </div>
    </>
  );
}

export function quantity(value: number | undefined, unit: string) {
  if (value === undefined) return <span className="muted">…</span>;
  return (
    <>
      {num(value)} <span className="item-unit">{unit}</span>
    </>
  );
}

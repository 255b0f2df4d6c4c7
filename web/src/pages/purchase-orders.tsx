import { type Page, query } from '../api';
import { date, money, num } from '../format';
import { useLiveConnected, useLiveReload } from '../live';
import { Link, navigate, useLocation, useTitle } from '../router';
import { Card, Chip, type Column, Empty, ErrorNote, Field, Loading, PageHeader, Table } from '../ui';
import { useApi, usePagedApi } from '../use-api';
import {
  AWAITING_DELIVERY,
  dueDate,
  isLate,
  orderPath,
  type PurchaseOrder,
  StatusChip,
  todayIso,
} from './purchase-common';
import './purchasing.css';

type Tab = { key: string; label: string; status: string; late?: boolean };

const TABS: Tab[] = [
  { key: 'open', label: 'Open', status: 'open' },
  { key: 'draft', label: 'Drafts', status: 'draft' },
  { key: 'sent', label: 'Sent', status: 'sent' },
  { key: 'confirmed', label: 'Confirmed', status: 'confirmed' },
  { key: 'partly_received', label: 'Partly received', status: 'partly_received' },
  { key: 'late', label: 'Late', status: AWAITING_DELIVERY.join(','), late: true },
  { key: 'received', label: 'Received', status: 'received' },
  { key: 'closed', label: 'Closed', status: 'closed' },
  { key: 'cancelled', label: 'Cancelled', status: 'cancelled' },
  { key: 'all', label: 'All', status: '' },
];

const EMPTY_NOTES: Record<string, string> = {
  open: 'The trigger drafts an order the moment an item reaches its reorder point; it appears here at once.',
  draft: 'No drafts wait for review. New ones appear here live as stock is used.',
  late: 'Every order awaiting delivery is within its promised or expected date.',
};

type Supplier = { code: string; name: string };

function listHref(tab: string, supplier: string): string {
  return `/purchase-orders${query({ status: tab === 'open' ? undefined : tab, supplier })}`;
}

export function PurchaseOrders() {
  useTitle('Purchase orders');
  const { search } = useLocation();
  const tab = TABS.find((t) => t.key === search.get('status')) ?? TABS[0]!;
  const supplier = search.get('supplier') ?? '';
  const path = `/purchase-orders${query({ status: tab.status, supplier, limit: tab.late ? 1000 : 100 })}`;
  const orders = usePagedApi<PurchaseOrder>(path);
  const suppliers = useApi<Page<Supplier>>('/suppliers?limit=1000');
  const live = useLiveConnected();
  useLiveReload(['purchase_order.*'], orders.reload);

  // Further pages fetched with "Show more"; a new filter or a live reload starts from the first page again.
  const { cursor, loadMore, moreError } = orders;

  const today = todayIso();
  const all = orders.rows;
  const rows = tab.late ? all.filter((o) => isLate(o, today)) : all;

  const columns: Column<PurchaseOrder>[] = [
    {
      key: 'number',
      label: 'Order',
      render: (o) => <Link href={orderPath(o.number)}>{o.number}</Link>,
      sort: (o) => o.id,
    },
    {
      key: 'supplier',
      label: 'Supplier',
      render: (o) => o.supplier_name,
      sort: (o) => o.supplier_name.toLowerCase(),
    },
    {
      key: 'status',
      label: 'Status',
      render: (o) => <StatusChip status={o.status} late={isLate(o, today)} />,
      sort: (o) => o.status,
    },
    {
      key: 'lines',
      label: 'Lines',
      align: 'right',
      render: (o) => num(o.lines.length),
      sort: (o) => o.lines.length,
    },
    {
      key: 'items',
      label: 'Items',
      render: (o) => <span className="po-items">{summariseLines(o)}</span>,
    },
    {
      key: 'total',
      label: 'Total',
      align: 'right',
      render: (o) => (o.total === null ? <span className="muted">no price</span> : money(o.total, o.currency)),
      sort: (o) => o.total ?? -1,
    },
    {
      key: 'created',
      label: 'Created',
      render: (o) => date(o.created_at),
      sort: (o) => o.created_at,
    },
    {
      key: 'due',
      label: 'Due',
      render: (o) => date(dueDate(o)),
      sort: (o) => dueDate(o) ?? '',
    },
  ];

  return (
    <>
      <PageHeader
        title="Purchase orders"
        subtitle="Review the drafts the trigger opens, send them, and receive what arrives."
        actions={
          <Chip tone={live ? 'ok' : 'neutral'}>
            <span role="status">{live ? 'Live: new drafts appear here' : 'Connecting to live updates…'}</span>
          </Chip>
        }
      />
      <nav className="po-tabs" aria-label="Order status">
        {TABS.map((t) => (
          <Link key={t.key} href={listHref(t.key, supplier)} aria-current={t.key === tab.key ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      <Card>
        <div className="po-filters">
          <Field label="Supplier">
            {(props) => (
              <select
                {...props}
                value={supplier}
                onChange={(event) => navigate(listHref(tab.key, event.target.value), { replace: true })}
              >
                <option value="">All suppliers</option>
                {suppliers.data?.data.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.name} ({s.code})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <p className="muted po-count" aria-live="polite">
            {orders.data && `${num(rows.length)} ${rows.length === 1 ? 'order' : 'orders'}${cursor ? ' so far' : ''}`}
          </p>
        </div>
        <ErrorNote error={orders.error ?? suppliers.error} />
        {orders.loading && !orders.data && <Loading what="Loading orders" />}
        {orders.data && rows.length === 0 && (
          <Empty
            title={
              tab.late
                ? 'Nothing is late.'
                : `No ${tab.key === 'all' ? '' : `${tab.label.toLowerCase()} `}orders${supplier ? ` for ${supplier}` : ''}.`
            }
          >
            {EMPTY_NOTES[tab.key] ?? 'Orders in this status appear here.'}
          </Empty>
        )}
        {rows.length > 0 && (
          <div className="po-list">
            <Table rows={rows} columns={columns} rowKey={(o) => o.number} caption="Purchase orders" />
          </div>
        )}
        <ErrorNote error={moreError} />
        {cursor !== null && (
          <p>
            <button type="button" className="secondary" onClick={() => void loadMore()}>
              Show more orders
            </button>
          </p>
        )}
      </Card>
    </>
  );
}

/** The first items of an order, e.g. "BOLT-M8 × 120, NUT-M8 × 40 and 3 more". */
function summariseLines(order: PurchaseOrder): string {
  const shown = order.lines.slice(0, 2).map((l) => `${l.sku} × ${num(l.quantity)}`);
  const rest = order.lines.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

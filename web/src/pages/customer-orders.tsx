import { query } from '../api';
import { date, num } from '../format';
import { useLiveReload } from '../live';
import { Link, useLocation, useTitle } from '../router';
import { Card, type Column, Empty, ErrorNote, Loading, PageHeader, Table } from '../ui';
import { usePagedApi } from '../use-api';
import { type CustomerOrder, CustomerOrderChip, customerOrderPath, daysBetween } from './mto-common';
import './mto.css';

type Tab = { key: string; label: string; params: Record<string, string> };

const TABS: Tab[] = [
  { key: 'all', label: 'All', params: {} },
  { key: 'draft', label: 'Drafts', params: { status: 'draft' } },
  { key: 'confirmed', label: 'Confirmed', params: { status: 'confirmed' } },
  { key: 'late_risk', label: 'Late risk', params: { late_risk: 'true' } },
  { key: 'shipped', label: 'Shipped', params: { status: 'shipped' } },
  { key: 'cancelled', label: 'Cancelled', params: { status: 'cancelled' } },
];

const EMPTY: Record<string, { title: string; note: string }> = {
  all: {
    title: 'No customer orders yet.',
    note: 'A customer order asks for finished goods; confirming it orders the parts and schedules the production it needs, and promises a date.',
  },
  draft: { title: 'No drafts.', note: 'Orders saved without confirming wait here until someone confirms them.' },
  confirmed: {
    title: 'No confirmed orders waiting to ship.',
    note: 'Confirmed orders have a promised date and the supplies they set in motion.',
  },
  late_risk: {
    title: 'No order is at risk of being late.',
    note: 'An order lands here when a supply it waits for slips past the date promised to the customer.',
  },
  shipped: { title: 'Nothing shipped yet.', note: 'Shipping an order posts a sale of what was allocated to it.' },
  cancelled: { title: 'No cancelled orders.', note: 'Cancelling an order cancels exactly what was created for it.' },
};

/** When a promised date falls after the requested one: "3 days after requested". */
function slip(order: CustomerOrder): number | null {
  if (!order.promised_date || !order.requested_date) return null;
  return daysBetween(order.requested_date, order.promised_date);
}

function summarise(order: CustomerOrder): string {
  const shown = order.lines.slice(0, 2).map((l) => `${l.sku} × ${num(l.quantity)}`);
  const rest = order.lines.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

export function CustomerOrders() {
  useTitle('Customer orders');
  const { search } = useLocation();
  const tab = TABS.find((t) => t.key === search.get('status')) ?? TABS[0]!;
  const orders = usePagedApi<CustomerOrder>(`/customer-orders${query({ ...tab.params, limit: 100 })}`);
  useLiveReload(['customer_order.*'], orders.reload);
  const { rows, cursor, loadMore, moreError } = orders;

  const columns: Column<CustomerOrder>[] = [
    {
      key: 'number',
      label: 'Order',
      render: (o) => (
        <>
          <Link href={customerOrderPath(o.number)}>{o.number}</Link>
          <div className="mto-phone-only">
            <CustomerOrderChip order={o} />
          </div>
        </>
      ),
      sort: (o) => o.id,
    },
    {
      key: 'customer',
      label: 'Customer',
      render: (o) => o.customer_name ?? o.customer,
      sort: (o) => (o.customer_name ?? o.customer).toLowerCase(),
    },
    {
      key: 'status',
      label: 'Status',
      render: (o) => <CustomerOrderChip order={o} />,
      sort: (o) => `${o.late_risk ? 0 : 1}${o.status}`,
    },
    { key: 'items', label: 'Items', render: (o) => <span className="mto-muted-small">{summarise(o)}</span> },
    {
      key: 'requested',
      label: 'Requested',
      render: (o) => date(o.requested_date),
      sort: (o) => o.requested_date ?? '',
    },
    {
      key: 'promised',
      label: 'Promised',
      render: (o) => {
        const days = slip(o);
        return (
          <>
            <strong>{date(o.promised_date)}</strong>
            {days !== null && days > 0 && <div className="mto-late-small">{days} days after requested</div>}
          </>
        );
      },
      sort: (o) => o.promised_date ?? '',
    },
  ];

  const empty = EMPTY[tab.key]!;
  return (
    <>
      <PageHeader
        title="Customer orders"
        subtitle="Make to order: confirming an order orders the parts, schedules production and promises a date."
        actions={
          <Link className="button" href="/customer-orders/new">
            New order
          </Link>
        }
      />
      <nav className="mto-tabs" aria-label="Order status">
        {TABS.map((t) => (
          <Link
            key={t.key}
            href={`/customer-orders${query({ status: t.key === 'all' ? undefined : t.key })}`}
            aria-current={t.key === tab.key ? 'page' : undefined}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <Card>
        <ErrorNote error={orders.error} />
        {orders.loading && !orders.data && <Loading what="Loading orders" />}
        {orders.data && rows.length === 0 && (
          <Empty title={empty.title}>
            {empty.note}
            {tab.key === 'all' && (
              <p>
                <Link href="/customer-orders/new">Take the first order</Link>
              </p>
            )}
          </Empty>
        )}
        {rows.length > 0 && (
          <div className="mto-list mto-co-list">
            <Table rows={rows} columns={columns} rowKey={(o) => o.number} caption="Customer orders" />
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

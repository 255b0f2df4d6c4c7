import { query } from '../api';
import { date, num } from '../format';
import { useLiveReload } from '../live';
import { Link, useLocation, useTitle } from '../router';
import { Card, type Column, Empty, ErrorNote, Loading, PageHeader, Table } from '../ui';
import { usePagedApi } from '../use-api';
import { customerOrderPath, itemPath, ProductionChip, type ProductionOrder, productionOrderPath } from './mto-common';
import './mto.css';

const TABS = [
  { key: 'all', label: 'All' },
  { key: 'planned', label: 'Planned' },
  { key: 'released', label: 'Released' },
  { key: 'completed', label: 'Completed' },
  { key: 'cancelled', label: 'Cancelled' },
] as const;

const EMPTY: Record<string, { title: string; note: string }> = {
  all: {
    title: 'No production orders yet.',
    note: 'Confirming a customer order for a made item plans the production orders it needs, level by level.',
  },
  planned: {
    title: 'Nothing planned.',
    note: 'Planned orders wait for their release date; releasing allocates the components.',
  },
  released: { title: 'Nothing on the shop floor.', note: 'Released orders are being built; report progress on them.' },
  completed: {
    title: 'Nothing completed yet.',
    note: 'Completing issues the components and receives the finished item.',
  },
  cancelled: { title: 'No cancelled orders.', note: 'Cancelling a customer order cancels the production it created.' },
};

export function ProductionOrders() {
  useTitle('Production');
  const { search } = useLocation();
  const tab = TABS.find((t) => t.key === search.get('status')) ?? TABS[0];
  const status = tab.key === 'all' ? undefined : tab.key;
  const sku = search.get('sku') ?? undefined;
  const orders = usePagedApi<ProductionOrder>(`/production-orders${query({ status, sku, limit: 100 })}`);
  useLiveReload(['production_order.*', 'customer_order.*'], orders.reload);
  const { rows, cursor, loadMore, moreError } = orders;

  const columns: Column<ProductionOrder>[] = [
    {
      key: 'number',
      label: 'Order',
      render: (o) => (
        <>
          <Link href={productionOrderPath(o.number)}>{o.number}</Link>
          <div className="mto-phone-only">
            {o.sku} <ProductionChip status={o.status} />
          </div>
        </>
      ),
      sort: (o) => o.id,
    },
    {
      key: 'item',
      label: 'Item',
      render: (o) => (
        <>
          <Link href={itemPath(o.sku)}>{o.sku}</Link>
          <div className="mto-muted-small mto-phone-hide">{o.item_name}</div>
        </>
      ),
      sort: (o) => o.sku,
    },
    { key: 'status', label: 'Status', render: (o) => <ProductionChip status={o.status} />, sort: (o) => o.status },
    {
      key: 'quantity',
      label: 'Quantity',
      align: 'right',
      render: (o) => (
        <>
          {num(o.quantity)}
          <span className="mto-phone-hide"> {o.unit}</span>
        </>
      ),
      sort: (o) => o.quantity,
    },
    {
      key: 'done',
      label: 'Done',
      align: 'right',
      render: (o) => (
        <>
          {num(o.completed)}
          {o.scrapped > 0 && <div className="mto-muted-small">{num(o.scrapped)} scrapped</div>}
        </>
      ),
      sort: (o) => o.completed,
    },
    { key: 'release', label: 'Release', render: (o) => date(o.release_date), sort: (o) => o.release_date ?? '' },
    { key: 'due', label: 'Due', render: (o) => date(o.due_date), sort: (o) => o.due_date ?? '' },
    {
      key: 'for',
      label: 'For',
      render: (o) =>
        o.customer_order ? <Link href={customerOrderPath(o.customer_order)}>{o.customer_order}</Link> : 'stock',
    },
  ];

  const empty = EMPTY[tab.key]!;
  return (
    <>
      <PageHeader
        title="Production"
        subtitle="Production orders: release allocates the components, reports issue them and receive what was built."
      />
      <nav className="mto-tabs" aria-label="Production order status">
        {TABS.map((t) => (
          <Link
            key={t.key}
            href={`/production-orders${query({ status: t.key === 'all' ? undefined : t.key, sku })}`}
            aria-current={t.key === tab.key ? 'page' : undefined}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <Card>
        {sku && (
          <p className="muted">
            Only {sku}. <Link href={`/production-orders${query({ status })}`}>Every item</Link>
          </p>
        )}
        <ErrorNote error={orders.error} />
        {orders.loading && !orders.data && <Loading what="Loading production orders" />}
        {orders.data && rows.length === 0 && (
          <Empty title={empty.title}>
            {empty.note}
            {tab.key === 'all' && (
              <p>
                <Link href="/customer-orders/new">Take a customer order</Link>
              </p>
            )}
          </Empty>
        )}
        {rows.length > 0 && (
          <div className="mto-list mto-mo-list">
            <Table rows={rows} columns={columns} rowKey={(o) => o.number} caption="Production orders" />
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

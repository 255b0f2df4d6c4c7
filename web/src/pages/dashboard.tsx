import type { Page } from '../api';
import { BarChart } from '../chart';
import { date, money, num, percent } from '../format';
import { useLiveReload } from '../live';
import { Link, useTitle } from '../router';
import { Card, Chip, Empty, ErrorNote, Loading, PageHeader, Stat } from '../ui';
import { useApi } from '../use-api';

type Money = {
  currency: string;
  cash_in_stock: number;
  inventory_turnover: number | null;
  days_of_supply: number | null;
  holding_cost: number;
};
type MetricsBlock = {
  estimated_fill_rate: number | null;
  stock_out_days: number;
  supplier_otif: number | null;
  orders_per_month: number;
  money: Money[];
};
type Metrics = { from: string; to: string; overall: MetricsBlock; sites: Array<MetricsBlock & { site: string }> };
type Order = {
  number: string;
  supplier: string;
  supplier_name: string;
  status: string;
  currency: string;
  total: number;
  created_at: string;
  promised_date: string | null;
  lines: Array<{ sku: string; expected_date: string; open_quantity: number }>;
};
type ItemRow = { sku: string; name: string; unit: string };
type ReviewItem = { id: number; sku: string; location: string | null; reason: string; message: string };

/** The latest date an order still owes something by: its promised date, else its lines' expected dates. */
function dueDate(order: Order): string | null {
  if (order.promised_date) return order.promised_date;
  const open = order.lines.filter((l) => l.open_quantity > 0).map((l) => l.expected_date);
  return open.length > 0 ? open.sort().at(-1)! : null;
}

export function Dashboard() {
  useTitle('Dashboard');
  const metrics = useApi<Metrics>('/metrics');
  const drafts = useApi<Page<Order>>('/purchase-orders?status=draft&limit=50');
  useLiveReload(['purchase_order.*'], drafts.reload);
  const sent = useApi<Page<Order>>('/purchase-orders?status=sent&limit=200');
  const confirmed = useApi<Page<Order>>('/purchase-orders?status=confirmed&limit=200');
  const stockOuts = useApi<Page<ItemRow>>('/items?status=stock_out&limit=20');
  const below = useApi<Page<ItemRow>>('/items?status=below_reorder_point&limit=20');
  const review = useApi<Page<ReviewItem>>('/review-items?limit=20');

  const today = new Date().toISOString().slice(0, 10);
  const late = [...(sent.data?.data ?? []), ...(confirmed.data?.data ?? [])]
    .filter((order) => {
      const due = dueDate(order);
      return due !== null && due < today;
    })
    .sort((a, b) => (dueDate(a) ?? '').localeCompare(dueDate(b) ?? ''));
  const overall = metrics.data?.overall;
  const cash = overall?.money[0];

  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle={
          metrics.data
            ? `What needs action now, and how the last year went (${date(metrics.data.from)} – ${date(metrics.data.to)})`
            : 'What needs action now'
        }
      />
      <ErrorNote error={metrics.error} />
      <div className="stats">
        {metrics.loading && <Loading what="Loading figures" />}
        {cash && (
          <>
            <Stat
              label="Cash in stock"
              value={money(cash.cash_in_stock, cash.currency)}
              note={`holding ${money(cash.holding_cost, cash.currency)} a year`}
            />
            <Stat
              label="Inventory turnover"
              value={num(cash.inventory_turnover, 1)}
              note={`${num(cash.days_of_supply, 0)} days of supply`}
            />
          </>
        )}
        {overall && (
          <>
            <Stat
              label="Fill rate"
              value={percent(overall.estimated_fill_rate)}
              note={`${num(overall.stock_out_days, 0)} stock-out days`}
              tone={overall.estimated_fill_rate !== null && overall.estimated_fill_rate < 0.95 ? 'warn' : 'ok'}
            />
            <Stat
              label="Supplier OTIF"
              value={percent(overall.supplier_otif)}
              note={`${num(overall.orders_per_month, 0)} orders a month`}
              tone={overall.supplier_otif !== null && overall.supplier_otif < 0.9 ? 'warn' : 'ok'}
            />
          </>
        )}
      </div>

      <div className="grid-2">
        <Card
          title={
            <>
              Drafted orders to review{' '}
              {drafts.data && <Chip tone={drafts.data.data.length > 0 ? 'info' : 'ok'}>{drafts.data.data.length}</Chip>}
            </>
          }
        >
          <ErrorNote error={drafts.error} />
          {drafts.data && drafts.data.data.length === 0 && (
            <Empty title="No drafts waiting.">
              The trigger drafts an order the moment an item dips to its reorder point.
            </Empty>
          )}
          <ul className="list">
            {drafts.data?.data.map((order) => (
              <li key={order.number}>
                <Link href={`/purchase-orders/${order.number}`}>{order.number}</Link> {order.supplier_name} ·{' '}
                {order.lines.length} {order.lines.length === 1 ? 'line' : 'lines'} ·{' '}
                {money(order.total, order.currency)}
              </li>
            ))}
          </ul>
        </Card>
        <Card
          title={
            <>
              Late purchase orders{' '}
              {(sent.data || confirmed.data) && <Chip tone={late.length > 0 ? 'bad' : 'ok'}>{late.length}</Chip>}
            </>
          }
        >
          <ErrorNote error={sent.error ?? confirmed.error} />
          {sent.data && confirmed.data && late.length === 0 && (
            <Empty title="Nothing is late.">Every open order is within its promised or expected date.</Empty>
          )}
          <ul className="list">
            {late.slice(0, 12).map((order) => (
              <li key={order.number}>
                <Link href={`/purchase-orders/${order.number}`}>{order.number}</Link> {order.supplier_name} · due{' '}
                {date(dueDate(order))}
              </li>
            ))}
          </ul>
        </Card>
        <Card
          title={
            <>
              Stock-outs{' '}
              {stockOuts.data && (
                <Chip tone={stockOuts.data.data.length > 0 ? 'bad' : 'ok'}>{stockOuts.data.data.length}</Chip>
              )}
            </>
          }
        >
          <ErrorNote error={stockOuts.error} />
          {stockOuts.data && stockOuts.data.data.length === 0 && <Empty title="No item is out of stock." />}
          <ul className="list">
            {stockOuts.data?.data.map((item) => (
              <li key={item.sku}>
                <Link href={`/items/${encodeURIComponent(item.sku)}`}>{item.sku}</Link> {item.name}
              </li>
            ))}
          </ul>
        </Card>
        <Card
          title={
            <>
              Below reorder point{' '}
              {below.data && <Chip tone={below.data.data.length > 0 ? 'warn' : 'ok'}>{below.data.data.length}</Chip>}
            </>
          }
        >
          <ErrorNote error={below.error} />
          {below.data && below.data.data.length === 0 && (
            <Empty title="Nothing waits below its reorder point.">
              Items at or below their reorder point are ordered at once; manual policies show here.
            </Empty>
          )}
          <ul className="list">
            {below.data?.data.map((item) => (
              <li key={item.sku}>
                <Link href={`/items/${encodeURIComponent(item.sku)}`}>{item.sku}</Link> {item.name}
              </li>
            ))}
          </ul>
        </Card>
      </div>

      {metrics.data && metrics.data.sites.length > 0 && (
        <div className="grid-2">
          <Card title="Cash in stock by site">
            <BarChart
              title="Cash in stock by site"
              rows={metrics.data.sites.map((s) => ({ label: s.site, value: s.money[0]?.cash_in_stock ?? 0 }))}
              format={(v) => money(v, cash?.currency ?? 'EUR')}
            />
          </Card>
          <Card title="Fill rate and supplier OTIF by site">
            <BarChart
              title="Fill rate by site"
              rows={metrics.data.sites.flatMap((s) => [
                { label: `${s.site} fill rate`, value: s.estimated_fill_rate ?? 0, color: 'var(--ok)' },
                { label: `${s.site} OTIF`, value: s.supplier_otif ?? 0, color: 'var(--accent)' },
              ])}
              format={(v) => percent(v)}
            />
          </Card>
        </div>
      )}

      <Card
        title={
          <>
            Review queue{' '}
            {review.data && <Chip tone={review.data.data.length > 0 ? 'warn' : 'ok'}>{review.data.data.length}</Chip>}
          </>
        }
      >
        <ErrorNote error={review.error} />
        {review.data && review.data.data.length === 0 && (
          <Empty title="Nothing to review.">
            Drifting demand, changed lead times, repeated stock-outs, excess and dead stock appear here.
          </Empty>
        )}
        <ul className="list">
          {review.data?.data.map((entry) => (
            <li key={entry.id}>
              <Chip tone="warn">{entry.reason.replaceAll('_', ' ')}</Chip>{' '}
              <Link href={`/items/${encodeURIComponent(entry.sku)}`}>{entry.sku}</Link>
              {entry.location ? ` at ${entry.location}` : ''}: {entry.message}
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}

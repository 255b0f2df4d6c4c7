import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api';
import { date, dateTime, num } from '../format';
import { useLiveReload } from '../live';
import { Link, useTitle } from '../router';
import { Card, Chip, Empty, ErrorNote, Field, Loading, PageHeader, ScrollRegion, Stat } from '../ui';
import { useApi } from '../use-api';
import {
  customerOrderPath,
  itemPath,
  type ProductionOrder as Order,
  ProductionChip,
  type ProductionComponent,
  type ProductionOrderChange,
  quantityOf,
  triggeredWords,
} from './mto-common';
import './mto.css';

function orderApiPath(number: string): string {
  return `/production-orders/${encodeURIComponent(number)}`;
}

function qty(value: number, unit: string | undefined): string {
  return unit ? `${num(value)} ${unit}` : num(value);
}

/** What the movements of a write did: "issued FRAME 4 pcs, SCREW 16 pcs; received 4 pcs of CHAIR at MAIN". */
function movementWords(order: Order, change: ProductionOrderChange): string {
  const units = new Map(order.components.map((c) => [c.sku, c.unit]));
  units.set(order.sku, order.unit);
  const of = (type: string) =>
    change.movements.filter((m) => m.type === type).map((m) => `${qty(m.quantity, units.get(m.sku))} of ${m.sku}`);
  const issued = of('issue');
  const received = of('receipt');
  const parts = [
    ...(issued.length > 0 ? [`issued ${issued.join(', ')}`] : []),
    ...(received.length > 0 ? [`received ${received.join(', ')} at ${order.location}`] : []),
  ];
  return parts.length > 0 ? `${parts.join('; ')}.` : 'No stock moved.';
}

function allocationWords(order: Order): string {
  const parts = order.components.map(
    (c) =>
      `${c.sku} ${num(c.allocated)} of ${num(c.required)}${c.backordered > 0 ? ` (${num(c.backordered)} backordered)` : ''}`,
  );
  return parts.length > 0 ? `Components allocated: ${parts.join('; ')}.` : 'It has no components.';
}

export function ProductionOrderPage({ params }: { params: Record<string, string> }) {
  const number = params.number ?? '';
  useTitle(number);
  const order = useApi<Order>(orderApiPath(number));
  useLiveReload(['production_order.*', 'purchase_order.*'], order.reload);
  const [notice, setNotice] = useState<string | null>(null);
  const o = order.data;
  const done = (message: string) => {
    setNotice(message);
    order.reload();
  };
  if (order.error instanceof ApiError && order.error.status === 404) {
    return (
      <Empty title={`There is no production order ${number}.`}>
        Order numbers look like MO-000001. <Link href="/production-orders">All production orders</Link>
      </Empty>
    );
  }
  return (
    <>
      <p className="mto-back">
        <Link href="/production-orders">← Production</Link>
      </p>
      <PageHeader
        title={o?.number ?? number}
        subtitle={
          o ? (
            <>
              Make {qty(o.quantity, o.unit)} of <Link href={itemPath(o.sku)}>{o.sku}</Link>
              {o.item_name && ` ${o.item_name}`} at {o.location} · <ProductionChip status={o.status} />
              {o.customer_order && (
                <>
                  {' '}
                  · for <Link href={customerOrderPath(o.customer_order)}>{o.customer_order}</Link>
                </>
              )}
            </>
          ) : undefined
        }
      />
      {notice && (
        <p className="mto-notice" role="status">
          {notice}
        </p>
      )}
      <ErrorNote error={order.error} />
      {order.loading && !o && <Loading what="Loading the production order" />}
      {o && (
        <>
          <div className="stats mto-summary">
            <Stat label="Quantity" value={qty(o.quantity, o.unit)} note={`${num(o.open_quantity)} still to make`} />
            <Stat
              label="Completed"
              value={num(o.completed)}
              note={o.scrapped > 0 ? `${num(o.scrapped)} scrapped` : 'nothing scrapped'}
              tone={o.status === 'completed' ? 'ok' : undefined}
            />
            <Stat
              label="Release date"
              value={date(o.release_date)}
              note={o.released_at ? `released ${dateTime(o.released_at)}` : 'not released yet'}
            />
            <Stat
              label="Due date"
              value={date(o.due_date)}
              note={
                o.completed_at
                  ? `completed ${dateTime(o.completed_at)}`
                  : o.cancelled_at
                    ? `cancelled ${dateTime(o.cancelled_at)}`
                    : undefined
              }
            />
          </div>
          <ProductionActions order={o} onDone={done} />
          <Card title="Components">
            <ComponentsTable order={o} />
          </Card>
          <p className="muted">
            {o.note && <>Note: {o.note} · </>}
            <Link href={`/boms/${encodeURIComponent(o.sku)}?quantity=${o.quantity}`}>Bill of materials of {o.sku}</Link>{' '}
            (version {o.bom_version})
          </p>
        </>
      )}
    </>
  );
}

function ComponentsTable({ order }: { order: Order }) {
  const components = order.components;
  if (components.length === 0) return <Empty title="No components.">The bill of materials had no lines.</Empty>;
  return (
    <ScrollRegion label={`Components of ${order.number}`}>
      <table className="mto-stack">
        <caption className="sr-only">Components of {order.number}</caption>
        <thead>
          <tr>
            <th>Component</th>
            <th className="num">Per unit</th>
            <th className="num">Required</th>
            <th className="num">Allocated</th>
            <th className="num">Issued</th>
            <th className="num">Backordered</th>
          </tr>
        </thead>
        <tbody>
          {components.map((c: ProductionComponent) => (
            <tr key={`${c.sku}|${c.location}`}>
              <td className="mto-wrap mto-stack-head">
                <Link href={itemPath(c.sku)}>{c.sku}</Link> <span className="mto-muted-small">{c.item_name}</span>
                <div className="mto-muted-small">at {c.location}</div>
              </td>
              <td className="num" data-label="Per unit">
                <span>
                  {num(c.quantity_per)}
                  {c.scrap_factor > 0 && (
                    <span className="mto-muted-small"> +{num(c.scrap_factor * 100, 2)} % scrap</span>
                  )}
                </span>
              </td>
              <td className="num" data-label="Required">
                {qty(c.required, c.unit)}
              </td>
              <td className="num" data-label="Allocated">
                {num(c.allocated)}
              </td>
              <td className="num" data-label="Issued">
                {num(c.issued)}
              </td>
              <td className="num" data-label="Backordered">
                {c.backordered > 0 ? <Chip tone="warn">{num(c.backordered)}</Chip> : num(c.backordered)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** Release (planned), report progress and complete (released), cancel (planned or released). */
function ProductionActions({ order, onDone }: { order: Order; onDone: (message: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [good, setGood] = useState('');
  const [scrap, setScrap] = useState('');
  const [cancelling, setCancelling] = useState(false);
  const path = orderApiPath(order.number);
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    try {
      onDone(await action());
      setGood('');
      setScrap('');
      setCancelling(false);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const release = () =>
    run(async () => {
      const after = await api<ProductionOrderChange>(`${path}/release`, { method: 'POST', body: {} });
      return [`${order.number} is released.`, allocationWords(after), ...triggeredWords(after.triggered)].join(' ');
    });
  const progressWords = (after: ProductionOrderChange, verb: string) => {
    const madeNow = after.completed - order.completed;
    const scrappedNow = after.scrapped - order.scrapped;
    return [
      `${verb} ${qty(madeNow, order.unit)} of ${order.sku} good${scrappedNow > 0 ? ` and ${num(scrappedNow)} scrapped` : ''}:`,
      movementWords(order, after),
      after.status === 'completed' ? `${order.number} is completed.` : `${num(after.open_quantity)} still to make.`,
      ...triggeredWords(after.triggered),
    ].join(' ');
  };
  const body = () => {
    const quantity = quantityOf(good);
    const scrapped = quantityOf(scrap);
    return { ...(quantity !== undefined && { quantity }), ...(scrapped !== undefined && { scrap: scrapped }) };
  };
  const report = (event: FormEvent) => {
    event.preventDefault();
    const sent = body();
    void run(async () => {
      if (sent.quantity === undefined) {
        throw new ApiError(400, 'LS_WEB', 'Type the good quantity to report.', [
          { field: 'quantity', message: 'type how many were made' },
        ]);
      }
      return progressWords(
        await api<ProductionOrderChange>(`${path}/report`, { method: 'POST', body: sent }),
        'Reported',
      );
    });
  };
  const complete = () =>
    run(async () =>
      progressWords(
        await api<ProductionOrderChange>(`${path}/complete`, { method: 'POST', body: body() }),
        'Completed',
      ),
    );
  const cancel = () =>
    run(async () => {
      await api<ProductionOrderChange>(`${path}/cancel`, { method: 'POST', body: {} });
      return `${order.number} is cancelled: its allocated components are free again and what it would have made no longer counts as on order.`;
    });
  const at = (field: string) => (error instanceof ApiError ? error.forField(field) : undefined);
  const placed = at('quantity') !== undefined || at('scrap') !== undefined;
  const cancellable = order.status === 'planned' || order.status === 'released';
  if (!cancellable) return null;
  return (
    <Card title={order.status === 'planned' ? 'Release' : 'Report progress'}>
      {order.status === 'planned' && (
        <p className="muted">
          Releasing allocates the components from stock; what is missing is backordered and waits for its supply.
        </p>
      )}
      {order.status === 'released' && (
        <form className="mto-report" onSubmit={report} aria-label={`Report progress on ${order.number}`} noValidate>
          <div className="form-row">
            <Field
              label={`Good quantity${order.unit ? ` (${order.unit})` : ''}`}
              error={at('quantity')}
              hint={`${num(order.open_quantity)} still to make`}
            >
              {(props) => (
                <input
                  {...props}
                  inputMode="decimal"
                  autoComplete="off"
                  value={good}
                  onChange={(e) => setGood(e.target.value)}
                />
              )}
            </Field>
            <Field label="Scrapped (optional)" error={at('scrap')} hint="Units spoiled in this run">
              {(props) => (
                <input
                  {...props}
                  inputMode="decimal"
                  autoComplete="off"
                  value={scrap}
                  onChange={(e) => setScrap(e.target.value)}
                />
              )}
            </Field>
          </div>
          <p className="muted mto-muted-small">
            A report issues the components for what was made and receives the good quantity. Complete makes the rest (or
            the quantities typed) and closes the order.
          </p>
          <div className="mto-buttons">
            <button type="submit" disabled={busy}>
              Report
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void complete()}>
              Complete{good.trim() === '' ? ` (the remaining ${num(order.open_quantity)})` : ''}
            </button>
          </div>
        </form>
      )}
      {error && !placed && <ErrorNote error={error} />}
      <div className="mto-buttons mto-action-row">
        {order.status === 'planned' && (
          <button type="button" onClick={() => void release()} disabled={busy}>
            Release {order.number}
          </button>
        )}
        {!cancelling ? (
          <button type="button" className="secondary" onClick={() => setCancelling(true)} disabled={busy}>
            Cancel order…
          </button>
        ) : (
          <span className="mto-cancel">
            <span>Cancel {order.number}? Its allocated components go back to free stock.</span>
            <button type="button" className="danger" onClick={() => void cancel()} disabled={busy}>
              Cancel {order.number}
            </button>
            <button type="button" className="secondary" onClick={() => setCancelling(false)}>
              Keep it
            </button>
          </span>
        )}
      </div>
    </Card>
  );
}

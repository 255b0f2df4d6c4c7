import { type FormEvent, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import { date, dateTime, money, num } from '../format';
import { useLiveReload } from '../live';
import { Link, useTitle } from '../router';
import { Card, Chip, Empty, ErrorNote, Field, Loading, PageHeader, ScrollRegion, Stat } from '../ui';
import { useApi } from '../use-api';
import {
  AWAITING_DELIVERY,
  dueDate,
  isLate,
  type PurchaseOrderLine as Line,
  type PurchaseOrder as Order,
  orderIdOf,
  StatusChip,
  todayIso,
} from './purchase-common';
import './purchasing.css';

type SendAnswer = Order & { email: { status: string; to: string | null; error?: string } };

const EMAIL_NOTES: Record<string, string> = {
  sent: 'and e-mailed to',
  not_configured: '— e-mail is not set up on this server, so send the PDF to the supplier yourself',
  no_address: '— the supplier has no e-mail address, so send the PDF yourself',
  skipped: '(not e-mailed)',
  failed: '— the e-mail failed; send the PDF yourself or try again later',
};

export function PurchaseOrderPage({ params }: { params: Record<string, string> }) {
  const number = params.number ?? '';
  const id = orderIdOf(number);
  useTitle(number);
  const order = useApi<Order>(id === null ? null : `/purchase-orders/${id}`);
  const [notice, setNotice] = useState<string | null>(null);
  // Someone else (or the trigger) changing this order shows at once.
  useLiveReload(['purchase_order.*'], order.reload);

  if (id === null) {
    return (
      <Empty title={`There is no purchase order ${number}.`}>
        Order numbers look like PO-000017. <Link href="/purchase-orders">All purchase orders</Link>
      </Empty>
    );
  }
  const o = order.data;
  const done = (message: string) => {
    setNotice(message);
    order.reload();
  };

  return (
    <>
      <p className="po-back">
        <Link href="/purchase-orders">← Purchase orders</Link>
      </p>
      <PageHeader
        title={o?.number ?? number}
        subtitle={
          o ? (
            <>
              {o.supplier_name} ({o.supplier}) · <StatusChip status={o.status} late={isLate(o, todayIso())} />
              {o.collecting && ' · the trigger adds new needs for this supplier to this draft'}
            </>
          ) : undefined
        }
        actions={o && <OrderActions order={o} onDone={done} />}
      />
      {notice && (
        <p className="po-notice" role="status">
          {notice}
        </p>
      )}
      <ErrorNote error={order.error} />
      {order.loading && !o && <Loading what="Loading the order" />}
      {o && (
        <>
          <OrderSummary order={o} />
          {o.status === 'draft' ? (
            <DraftLines order={o} onDone={done} />
          ) : AWAITING_DELIVERY.includes(o.status) ? (
            <ReceiveLines order={o} onDone={done} />
          ) : (
            <Card title="Lines">
              <LinesTable order={o} />
            </Card>
          )}
          <PdfPreview order={o} />
        </>
      )}
    </>
  );
}

function OrderSummary({ order }: { order: Order }) {
  const expected = order.lines.map((l) => l.expected_date).filter((d): d is string => d !== null);
  const due = dueDate(order) ?? expected.sort().at(-1) ?? null;
  const leadTimes = order.lines.map((l) => l.lead_time_days).filter((d): d is number => d !== null);
  return (
    <div className="stats po-summary">
      <Stat
        label="Total"
        value={order.total === null ? 'no price' : money(order.total, order.currency)}
        note={`${order.lines.length} ${order.lines.length === 1 ? 'line' : 'lines'}`}
      />
      <Stat label="Created" value={date(order.created_at)} note={`by ${order.created_by}`} />
      <Stat
        label={order.promised_date ? 'Promised' : 'Expected'}
        value={due === null && leadTimes.length > 0 ? `${Math.max(...leadTimes)} days after sending` : date(due)}
        note={order.sent_at ? `sent ${dateTime(order.sent_at)}` : 'not sent yet'}
        tone={isLate(order, todayIso()) ? 'bad' : undefined}
      />
      <Stat
        label={order.cancelled_at ? 'Cancelled' : order.closed_at ? 'Closed' : 'Received'}
        value={date(order.cancelled_at ?? order.closed_at ?? order.received_at)}
        note={
          order.cancel_reason ??
          (order.confirmed_at ? `confirmed ${dateTime(order.confirmed_at)}` : order.emailed_at ? 'e-mailed' : undefined)
        }
      />
    </div>
  );
}

/** Send, cancel (with an optional reason) and close, as the order's status allows. */
function OrderActions({ order, onDone }: { order: Order; onDone: (message: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    try {
      onDone(await action());
      setCancelling(false);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const send = () =>
    run(async () => {
      const sent = await api<SendAnswer>(`/purchase-orders/${order.id}/send`, { method: 'POST', body: {} });
      const note = EMAIL_NOTES[sent.email.status] ?? `(e-mail: ${sent.email.status})`;
      return `${order.number} is sent ${note}${sent.email.status === 'sent' ? ` ${sent.email.to}` : ''}.`;
    });
  const cancel = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api(`/purchase-orders/${order.id}/cancel`, {
        method: 'POST',
        body: reason.trim() === '' ? {} : { reason: reason.trim() },
      });
      return `${order.number} is cancelled; what it would have brought no longer counts as on order.`;
    });
  };
  const close = () =>
    run(async () => {
      await api(`/purchase-orders/${order.id}/close`, { method: 'POST' });
      return `${order.number} is closed short; what did not come no longer counts as on order.`;
    });
  const cancellable = order.status === 'draft' || AWAITING_DELIVERY.includes(order.status);
  const reasonError = error instanceof ApiError ? error.forField('reason') : undefined;
  return (
    <div className="po-actions">
      {order.status === 'draft' && (
        <button type="button" onClick={() => void send()} disabled={busy || order.lines.length === 0}>
          Send to supplier
        </button>
      )}
      {order.status === 'partly_received' && (
        <button type="button" className="secondary" onClick={() => void close()} disabled={busy}>
          Close short
        </button>
      )}
      {cancellable && !cancelling && (
        <button type="button" className="secondary" onClick={() => setCancelling(true)} disabled={busy}>
          Cancel order…
        </button>
      )}
      {cancelling && (
        <form className="po-cancel" onSubmit={cancel}>
          <Field label="Why cancel? (optional)" error={reasonError}>
            {(props) => <input {...props} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <div className="po-buttons">
            <button type="submit" className="danger" disabled={busy}>
              Cancel {order.number}
            </button>
            <button type="button" className="secondary" onClick={() => setCancelling(false)}>
              Keep it
            </button>
          </div>
        </form>
      )}
      {error && !reasonError && <ErrorNote error={error} />}
    </div>
  );
}

function priceOf(line: Line) {
  return line.unit_price === null ? <span className="muted">no price</span> : money(line.unit_price, line.currency);
}

function ItemCell({ line }: { line: Line }) {
  return (
    <>
      <Link href={`/items/${encodeURIComponent(line.sku)}`}>{line.sku}</Link>{' '}
      <span className="po-item-name">{line.item_name}</span>
      {line.supplier_sku && <div className="muted po-small">supplier SKU {line.supplier_sku}</div>}
      {(line.trigger_note || line.price_note) && (
        <div className="po-note">
          <Chip tone="neutral">{line.origin.replaceAll('_', ' ')}</Chip> {line.trigger_note}
          {line.price_note && <div className="muted po-small">{line.price_note}</div>}
        </div>
      )}
    </>
  );
}

function LinesTable({ order }: { order: Order }) {
  return (
    <ScrollRegion label="Table">
      <table className="po-lines">
        <caption className="sr-only">Lines of {order.number}</caption>
        <thead>
          <tr>
            <th>Item</th>
            <th>Location</th>
            <th className="num">Ordered</th>
            <th className="num">Received</th>
            <th className="num">Open</th>
            <th className="num">Unit price</th>
            <th className="num">Line total</th>
            <th>Expected</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.id}>
              <td className="po-wrap">
                <ItemCell line={line} />
              </td>
              <td>{line.location}</td>
              <td className="num">
                {num(line.quantity)} {line.unit}
              </td>
              <td className="num">
                {num(line.received_quantity)}
                {line.rejected_quantity > 0 && <div className="po-small">{num(line.rejected_quantity)} rejected</div>}
              </td>
              <td className="num">{num(line.open_quantity)}</td>
              <td className="num">{priceOf(line)}</td>
              <td className="num">{line.line_total === null ? '–' : money(line.line_total, line.currency)}</td>
              <td>
                {date(line.expected_date)}
                {line.on_time === false && <div className="po-small">late</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** A draft's lines with their quantities editable, a remove button each, and a form to add a line. */
function DraftLines({ order, onDone }: { order: Order; onDone: (message: string) => void }) {
  const [quantities, setQuantities] = useState<Record<number, string>>({});
  const [errors, setErrors] = useState<Record<number, Error>>({});
  const [busyLine, setBusyLine] = useState<number | null>(null);

  const change = async (line: Line, quantity: number | string, message: string) => {
    setBusyLine(line.id);
    try {
      await api(`/purchase-orders/${order.id}/lines/${line.id}`, { method: 'PATCH', body: { quantity } });
      setQuantities(({ [line.id]: _, ...rest }) => rest);
      setErrors(({ [line.id]: _, ...rest }) => rest);
      onDone(message);
    } catch (error) {
      setErrors((e) => ({ ...e, [line.id]: error as Error }));
    } finally {
      setBusyLine(null);
    }
  };
  const save = (event: FormEvent, line: Line) => {
    event.preventDefault();
    const text = quantities[line.id] ?? String(line.quantity);
    // An empty or non-numeric entry is sent as typed so the API names the problem at the field.
    const quantity = text.trim() === '' ? Number.NaN : Number(text);
    void change(line, Number.isNaN(quantity) ? text : quantity, `${line.sku} now ${num(quantity)} ${line.unit}.`);
  };

  return (
    <Card title="Lines (draft: change quantities before sending)">
      {order.lines.length === 0 && <Empty title="This draft has no lines.">Add a line below, or cancel it.</Empty>}
      <ul className="po-draft-lines">
        {order.lines.map((line) => {
          const error = errors[line.id];
          const quantityError =
            error instanceof ApiError ? (error.forField('quantity') ?? error.message) : error?.message;
          return (
            <li key={line.id} className="po-draft-line">
              <div className="po-draft-item">
                <ItemCell line={line} />
                <div className="muted po-small">
                  to {line.location} · {priceOf(line)} each ·{' '}
                  {line.expected_date === null && line.lead_time_days !== null
                    ? `arrives ${line.lead_time_days} days after sending`
                    : `expected ${date(line.expected_date)}`}
                  {line.line_total !== null && ` · line ${money(line.line_total, line.currency)}`}
                </div>
              </div>
              <form className="po-draft-edit" onSubmit={(event) => save(event, line)}>
                <Field label={`Quantity of ${line.sku} (${line.unit})`} error={quantityError}>
                  {(props) => (
                    <input
                      {...props}
                      inputMode="decimal"
                      value={quantities[line.id] ?? String(line.quantity)}
                      onChange={(e) => setQuantities((q) => ({ ...q, [line.id]: e.target.value }))}
                    />
                  )}
                </Field>
                <div className="po-buttons">
                  <button
                    type="submit"
                    disabled={
                      busyLine === line.id || (quantities[line.id] ?? String(line.quantity)) === String(line.quantity)
                    }
                  >
                    Save
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={busyLine === line.id}
                    onClick={() => void change(line, 0, `${line.sku} removed from ${order.number}.`)}
                  >
                    Remove {line.sku}
                  </button>
                </div>
              </form>
            </li>
          );
        })}
      </ul>
      <AddLine order={order} onDone={onDone} />
    </Card>
  );
}

function AddLine({ order, onDone }: { order: Order; onDone: (message: string) => void }) {
  const [sku, setSku] = useState('');
  const [location, setLocation] = useState(order.lines[0]?.location ?? '');
  const [quantity, setQuantity] = useState('');
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const q = quantity.trim() === '' ? undefined : Number(quantity);
      await api(`/purchase-orders/${order.id}/lines`, {
        method: 'POST',
        body: { sku: sku.trim(), location: location.trim(), quantity: Number.isNaN(q) ? quantity : q },
      });
      setError(undefined);
      setSku('');
      setQuantity('');
      onDone(`${sku.trim()} × ${quantity} added to ${order.number}.`);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const at = (field: string) => (error instanceof ApiError ? error.forField(field) : undefined);
  const fieldNamed = at('sku') ?? at('location') ?? at('quantity');
  return (
    <form className="po-add" onSubmit={(event) => void submit(event)}>
      <h3>Add a line</h3>
      <div className="form-row">
        <Field label="SKU" error={at('sku')} hint={`bought from ${order.supplier_name}`}>
          {(props) => <input {...props} value={sku} onChange={(e) => setSku(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Location" error={at('location')}>
          {(props) => <input {...props} value={location} onChange={(e) => setLocation(e.target.value)} />}
        </Field>
        <Field label="Quantity" error={at('quantity')}>
          {(props) => (
            <input {...props} inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
          )}
        </Field>
      </div>
      {error && fieldNamed === undefined && <ErrorNote error={error} />}
      <button type="submit" disabled={busy}>
        Add line
      </button>
    </form>
  );
}

/**
 * Receiving: a quantity per line typed or filled with what is open, and a scan field: a scanner types the SKU
 * (or the supplier's SKU) and Enter, which puts the cursor in that line's quantity.
 */
function ReceiveLines({ order, onDone }: { order: Order; onDone: (message: string) => void }) {
  const [typed, setTyped] = useState<Record<number, string>>({});
  const [error, setError] = useState<Error | undefined>(undefined);
  const [lineErrors, setLineErrors] = useState<Record<number, string>>({});
  const [scan, setScan] = useState('');
  const [scanError, setScanError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const inputs = useRef(new Map<number, HTMLInputElement>());
  const open = order.lines.filter((l) => l.open_quantity > 0);

  const findLine = (code: string) => {
    const wanted = code.trim().toLowerCase();
    const matches = order.lines.filter(
      (l) => l.sku.toLowerCase() === wanted || (l.supplier_sku ?? '').toLowerCase() === wanted,
    );
    return matches.find((l) => l.open_quantity > 0) ?? matches[0];
  };
  const onScan = (event: FormEvent) => {
    event.preventDefault();
    if (scan.trim() === '') return;
    const line = findLine(scan);
    if (!line) {
      setScanError(`${scan.trim()} is not on ${order.number}.`);
      return;
    }
    setScanError(undefined);
    setScan('');
    const input = inputs.current.get(line.id);
    input?.focus();
    input?.select();
  };

  const receive = async (entries: Array<{ line: Line; quantity: number | string }>, what: string) => {
    setBusy(true);
    setLineErrors({});
    setError(undefined);
    try {
      const answer = await api<Order>(`/purchase-orders/${order.id}/receive`, {
        method: 'POST',
        body: { lines: entries.map(({ line, quantity }) => ({ sku: line.sku, location: line.location, quantity })) },
      });
      setTyped({});
      onDone(
        `Received ${what} into stock. ${order.number} is ${answer.status === 'received' ? 'fully received' : answer.status.replace('_', ' ')}.`,
      );
    } catch (e) {
      const failure = e as Error;
      const byLine: Record<number, string> = {};
      if (failure instanceof ApiError) {
        entries.forEach(({ line }, i) => {
          const message = failure.forField(`lines[${i}]`);
          if (message) byLine[line.id] = message;
        });
      }
      setLineErrors(byLine);
      if (Object.keys(byLine).length === 0) setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const receiveTyped = (event: FormEvent) => {
    event.preventDefault();
    const entries = order.lines
      .filter((l) => (typed[l.id] ?? '').trim() !== '')
      .map((line) => {
        const text = typed[line.id]!.trim();
        const value = Number(text);
        return { line, quantity: Number.isNaN(value) ? text : value };
      });
    if (entries.length === 0) {
      setError(new Error('type a quantity on at least one line, or receive everything still open'));
      return;
    }
    const count = entries.length;
    void receive(entries, `${count} ${count === 1 ? 'line' : 'lines'}`);
  };
  const receiveAll = () =>
    void receive(
      open.map((line) => ({ line, quantity: line.open_quantity })),
      `everything open (${open.length} ${open.length === 1 ? 'line' : 'lines'})`,
    );

  return (
    <Card title="Receive goods">
      <form className="po-scan" onSubmit={onScan}>
        <Field
          label="Scan or type a SKU"
          error={scanError}
          hint="A scanner types the code and Enter; the cursor jumps to that line's quantity."
        >
          {(props) => (
            <input
              {...props}
              value={scan}
              onChange={(e) => setScan(e.target.value)}
              autoComplete="off"
              enterKeyHint="go"
            />
          )}
        </Field>
      </form>
      <form onSubmit={receiveTyped}>
        <ul className="po-receive-lines">
          {order.lines.map((line) => (
            <li key={line.id} className={line.open_quantity > 0 ? undefined : 'po-complete'}>
              <div className="po-draft-item">
                <ItemCell line={line} />
                <div className="muted po-small">
                  to {line.location} · ordered {num(line.quantity)} · received {num(line.received_quantity)} ·{' '}
                  <strong>open {num(line.open_quantity)}</strong> {line.unit} · expected {date(line.expected_date)}
                </div>
              </div>
              <div className="po-receive-qty">
                <Field label={`Receive ${line.sku} now (${line.unit})`} error={lineErrors[line.id]}>
                  {(props) => (
                    <input
                      {...props}
                      ref={(element) => {
                        if (element) inputs.current.set(line.id, element);
                        else inputs.current.delete(line.id);
                      }}
                      inputMode="decimal"
                      placeholder={line.open_quantity > 0 ? num(line.open_quantity) : 'complete'}
                      value={typed[line.id] ?? ''}
                      onChange={(e) => setTyped((t) => ({ ...t, [line.id]: e.target.value }))}
                    />
                  )}
                </Field>
              </div>
            </li>
          ))}
        </ul>
        <ErrorNote error={error} />
        <div className="po-buttons">
          <button type="submit" disabled={busy}>
            Receive typed quantities
          </button>
          <button type="button" className="secondary" disabled={busy || open.length === 0} onClick={receiveAll}>
            Receive everything open
          </button>
        </div>
      </form>
    </Card>
  );
}

function PdfPreview({ order }: { order: Order }) {
  const [shown, setShown] = useState(false);
  const src = `/api/v1/purchase-orders/${order.id}/pdf`;
  return (
    <Card
      title="The order as the supplier sees it"
      actions={
        <div className="po-buttons">
          <button type="button" className="secondary" aria-expanded={shown} onClick={() => setShown((s) => !s)}>
            {shown ? 'Hide PDF' : 'Preview PDF'}
          </button>
          <a className="button secondary" href={src} target="_blank" rel="noreferrer">
            Open PDF
          </a>
        </div>
      }
    >
      {shown ? (
        <iframe
          className="po-pdf"
          title={`${order.number} as PDF`}
          src={`${src}?v=${encodeURIComponent(order.updated_at)}#navpanes=0&view=FitH`}
        />
      ) : (
        <p className="muted">The PDF that is e-mailed to the supplier when the order is sent.</p>
      )}
    </Card>
  );
}

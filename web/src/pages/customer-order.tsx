import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api';
import { date, num } from '../format';
import { useLiveReload } from '../live';
import { Link, useLocation, useTitle } from '../router';
import { Card, Chip, Empty, ErrorNote, Field, Loading, PageHeader, ScrollRegion, Stat } from '../ui';
import { useApi } from '../use-api';
import {
  CustomerOrderChip,
  type CustomerOrderOutcome,
  daysBetween,
  itemPath,
  keyed,
  type CustomerOrderLine as Line,
  type CustomerOrder as Order,
  type OrderSupply,
  type PegView,
  quantityOf,
  supplyPath,
  takeCreated,
  triggeredWords,
} from './mto-common';
import './mto.css';
import { SupplyTimeline, type TimelineBar, type TimelineMark } from './supply-timeline';

const KIND_WORDS: Record<string, string> = {
  purchase_order_line: 'buy',
  production_order: 'make',
  stock: 'stock',
  planned: 'planned',
};

function orderApiPath(number: string): string {
  return `/customer-orders/${encodeURIComponent(number)}`;
}

function unitOf(order: Order, sku: string): string {
  return order.lines.find((l) => l.sku === sku)?.unit ?? '';
}

function qty(value: number, unit: string | undefined): string {
  return unit ? `${num(value)} ${unit}` : num(value);
}

/** "promised for 14 Mar 2026, 4 days after the requested 10 Mar 2026" */
function promiseWords(order: Order): string {
  if (!order.promised_date) return 'no date promised yet';
  const promised = `promised for ${date(order.promised_date)}`;
  if (!order.requested_date) return promised;
  const days = daysBetween(order.requested_date, order.promised_date);
  if (days > 0)
    return `${promised}, ${days} ${days === 1 ? 'day' : 'days'} after the requested ${date(order.requested_date)}`;
  return `${promised}, as requested`;
}

function supplyWords(s: OrderSupply): string {
  return `${s.number} (${s.kind === 'production_order' ? 'make' : 'buy'} ${s.sku} × ${num(s.quantity)}${
    s.due_date ? `, due ${date(s.due_date)}` : ''
  })`;
}

/** What a write did for the order, in sentences: created, taken back, left alone, triggered. */
function outcomeWords(outcome: CustomerOrderOutcome): string[] {
  // A change takes back what the order had and creates it again: an item in both reads as one change.
  const skus = new Set([...outcome.withdrawn, ...outcome.created].map((s) => s.sku));
  const changed: string[] = [];
  const created: OrderSupply[] = [];
  const withdrawn: OrderSupply[] = [];
  for (const sku of skus) {
    const was = outcome.withdrawn.filter((s) => s.sku === sku);
    const now = outcome.created.filter((s) => s.sku === sku);
    if (was.length > 0 && now.length > 0) {
      const total = (list: OrderSupply[]) => num(list.reduce((sum, s) => sum + s.quantity, 0));
      const numbers = (list: OrderSupply[]) => [...new Set(list.map((s) => s.number))].join(', ');
      const where = numbers(was) === numbers(now) ? `on ${numbers(now)}` : `${numbers(was)} → ${numbers(now)}`;
      changed.push(`${sku} ${total(was)} → ${total(now)} (${where})`);
    } else {
      created.push(...now);
      withdrawn.push(...was);
    }
  }
  const words: string[] = [];
  if (changed.length > 0) words.push(`Adjusted: ${changed.join('; ')}.`);
  if (created.length > 0) words.push(`Set in motion: ${created.map(supplyWords).join('; ')}.`);
  if (withdrawn.length > 0) words.push(`Taken back: ${withdrawn.map(supplyWords).join('; ')}.`);
  return [...words, ...outcome.notes, ...triggeredWords(outcome.triggered)];
}

function confirmedWords(outcome: CustomerOrderOutcome): string {
  const nothing =
    outcome.created.length === 0 ? ['Stock on hand and open supply cover it: nothing new was ordered.'] : [];
  return [`${outcome.number} is confirmed, ${promiseWords(outcome)}.`, ...nothing, ...outcomeWords(outcome)].join(' ');
}

export function CustomerOrderPage({ params }: { params: Record<string, string> }) {
  const number = params.number ?? '';
  useTitle(number);
  const { search } = useLocation();
  const order = useApi<Order>(orderApiPath(number));
  // A receipt, a completion or a late-risk flag elsewhere changes what this order waits for.
  useLiveReload(['customer_order.*', 'production_order.*', 'purchase_order.*'], order.reload);
  const [notice, setNotice] = useState<string | null>(null);
  const o = order.data;
  const done = (message: string) => {
    setNotice(message);
    order.reload();
  };
  // The answer of the form that created the order, to say what the creation did.
  const [created] = useState(() => (search.has('created') ? takeCreated(number) : null));
  const shown =
    notice ??
    (created === null
      ? null
      : created.status === 'confirmed'
        ? confirmedWords(created)
        : `${created.number} is saved as a draft: nothing is ordered or promised until it is confirmed.`);

  if (order.error instanceof ApiError && order.error.status === 404) {
    return (
      <Empty title={`There is no customer order ${number}.`}>
        Order numbers look like SO-000001. <Link href="/customer-orders">All customer orders</Link>
      </Empty>
    );
  }
  return (
    <>
      <p className="mto-back">
        <Link href="/customer-orders">← Customer orders</Link>
      </p>
      <PageHeader
        title={o?.number ?? number}
        subtitle={
          o ? (
            <>
              {o.customer_name ? `${o.customer_name} (${o.customer})` : o.customer} · <CustomerOrderChip order={o} />
            </>
          ) : undefined
        }
        actions={o && <OrderActions order={o} onDone={done} />}
      />
      {shown && (
        <p className="mto-notice" role="status">
          {shown}
        </p>
      )}
      <ErrorNote error={order.error} />
      {order.loading && !o && <Loading what="Loading the order" />}
      {o && (
        <>
          {o.late_risk && (
            <section className="mto-risk" aria-label="Late risk">
              <strong>At risk of being late.</strong> {o.late_risk_note ?? 'A supply this order waits for has slipped.'}
            </section>
          )}
          <OrderSummary order={o} />
          <LinesCard order={o} onDone={done} />
          <SuppliesCard order={o} />
          <PeggingCard order={o} />
        </>
      )}
    </>
  );
}

function OrderSummary({ order }: { order: Order }) {
  const late =
    order.promised_date && order.requested_date ? daysBetween(order.requested_date, order.promised_date) : null;
  const when = order.cancelled_at
    ? { label: 'Cancelled', value: date(order.cancelled_at), note: order.cancel_reason ?? undefined }
    : order.shipped_at
      ? { label: 'Shipped', value: date(order.shipped_at), note: undefined }
      : order.confirmed_at
        ? { label: 'Confirmed', value: date(order.confirmed_at), note: `by ${order.created_by}` }
        : { label: 'Created', value: date(order.created_at), note: order.created_by && `by ${order.created_by}` };
  return (
    <div className="stats mto-summary">
      <div
        className={`stat mto-promise ${order.late_risk ? 'tone-bad' : late !== null && late > 0 ? 'tone-warn' : 'tone-ok'}`}
      >
        <div className="stat-label">Promised date</div>
        <div className="stat-value">{order.promised_date ? date(order.promised_date) : 'not yet'}</div>
        <div className="stat-note">
          {order.promised_date === null
            ? order.status === 'draft'
              ? 'confirm to get a date'
              : '–'
            : late === null
              ? 'no date was requested'
              : late > 0
                ? `${late} ${late === 1 ? 'day' : 'days'} after requested`
                : 'on or before the requested date'}
          {order.late_risk && order.status === 'confirmed' && <strong> · at risk</strong>}
        </div>
      </div>
      <Stat label="Requested date" value={date(order.requested_date)} note={order.note ?? undefined} />
      <Stat
        label="Lines"
        value={num(order.lines.length)}
        note={`${order.lines.filter((l) => l.backordered > 0).length} waiting for supply`}
      />
      <Stat label={when.label} value={when.value} note={when.note} />
    </div>
  );
}

/** Confirm (draft), ship what is allocated (confirmed) and cancel with a reason. */
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
  const path = orderApiPath(order.number);
  const confirm = () =>
    run(async () => confirmedWords(await api<CustomerOrderOutcome>(`${path}/confirm`, { method: 'POST', body: {} })));
  const allocated = order.lines.filter((l) => l.allocated > 0);
  const ship = () =>
    run(async () => {
      const after = await api<Order & { movements: Array<{ sku: string; location: string; quantity: number }> }>(
        `${path}/ship`,
        { method: 'POST', body: {} },
      );
      const shipped = after.movements.map(
        (m) => `${qty(m.quantity, unitOf(order, m.sku))} of ${m.sku} from ${m.location}`,
      );
      const waiting = after.lines.reduce((sum, l) => sum + l.backordered, 0);
      return `Shipped ${shipped.join(', ') || 'nothing'}: posted as sales. ${
        after.status === 'shipped'
          ? `${order.number} is shipped in full.`
          : `${num(waiting)} still ${waiting === 1 ? 'waits' : 'wait'} for supply.`
      }`;
    });
  const cancel = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const after = await api<CustomerOrderOutcome>(`${path}/cancel`, {
        method: 'POST',
        body: { reason: reason.trim() },
      });
      return [
        `${order.number} is cancelled; what was allocated to it is free again.`,
        ...(after.withdrawn.length === 0 ? ['It had created no supply, so nothing else changed.'] : []),
        ...outcomeWords(after),
      ].join(' ');
    });
  };
  const reasonError = error instanceof ApiError ? error.forField('reason') : undefined;
  const open = order.status === 'draft' || order.status === 'confirmed';
  return (
    <div className="mto-actions">
      {order.status === 'draft' && (
        <button type="button" onClick={() => void confirm()} disabled={busy}>
          Confirm order
        </button>
      )}
      {order.status === 'confirmed' && allocated.length > 0 && (
        <button type="button" onClick={() => void ship()} disabled={busy}>
          Ship what is allocated
        </button>
      )}
      {open && !cancelling && (
        <button type="button" className="secondary" onClick={() => setCancelling(true)} disabled={busy}>
          Cancel order…
        </button>
      )}
      {cancelling && (
        <form className="mto-cancel" onSubmit={cancel}>
          <Field label="Why cancel?" error={reasonError} hint="Kept with the order">
            {(props) => (
              <input
                {...props}
                value={reason}
                maxLength={500}
                // biome-ignore lint/a11y/noAutofocus: the form opens on request and the reason is its only field
                autoFocus
                onChange={(e) => setReason(e.target.value)}
              />
            )}
          </Field>
          <div className="mto-buttons">
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

function LinesCard({ order, onDone }: { order: Order; onDone: (message: string) => void }) {
  const [editing, setEditing] = useState<number | null>(null);
  const editable = order.status === 'draft' || order.status === 'confirmed';
  return (
    <Card title="Lines">
      <ScrollRegion label={`Lines of ${order.number}`}>
        <table className="mto-stack">
          <caption className="sr-only">Lines of {order.number}</caption>
          <thead>
            <tr>
              <th>Line</th>
              <th>Item</th>
              <th className="num">Ordered</th>
              <th className="num">Allocated</th>
              <th className="num">Backordered</th>
              <th className="num">Shipped</th>
              <th>Requested</th>
              <th>Promised</th>
              {editable && (
                <th>
                  <span className="sr-only">Change</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.line_no}>
                <td data-label="Line">{line.line_no}</td>
                <td className="mto-wrap mto-stack-head">
                  <Link href={itemPath(line.sku)}>{line.sku}</Link>{' '}
                  <span className="mto-muted-small">{line.item_name}</span>
                  <div className="mto-muted-small">at {line.location}</div>
                </td>
                <td className="num" data-label="Ordered">
                  {qty(line.quantity, line.unit)}
                </td>
                <td className="num" data-label="Allocated">
                  {num(line.allocated)}
                </td>
                <td className="num" data-label="Backordered">
                  {line.backordered > 0 ? <Chip tone="warn">{num(line.backordered)}</Chip> : num(line.backordered)}
                </td>
                <td className="num" data-label="Shipped">
                  {num(line.shipped)}
                </td>
                <td data-label="Requested">{date(line.requested_date)}</td>
                <td data-label="Promised">
                  <strong>{date(line.promised_date)}</strong>
                </td>
                {editable && (
                  <td>
                    <button
                      type="button"
                      className="secondary mto-small-button"
                      aria-expanded={editing === line.line_no}
                      onClick={() => setEditing((e) => (e === line.line_no ? null : line.line_no))}
                    >
                      Change<span className="sr-only"> line {line.line_no}</span>
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {editing !== null && editable && (
        <ChangeLine
          key={editing}
          order={order}
          line={order.lines.find((l) => l.line_no === editing)!}
          onClose={() => setEditing(null)}
          onDone={onDone}
        />
      )}
    </Card>
  );
}

/** Changes a line's quantity or requested date; a confirmed order is re-exploded and its supplies adjusted. */
function ChangeLine({
  order,
  line,
  onClose,
  onDone,
}: {
  order: Order;
  line: Line;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [quantity, setQuantity] = useState(String(line.quantity));
  const [requested, setRequested] = useState(line.requested_date);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const q = quantityOf(quantity);
      const change: Record<string, unknown> = { line_no: line.line_no };
      if (q !== line.quantity) change.quantity = q ?? quantity;
      if (requested !== line.requested_date) change.requested_date = requested;
      const after = await api<CustomerOrderOutcome>(orderApiPath(order.number), {
        method: 'PATCH',
        body: { lines: [change] },
      });
      const now = after.lines.find((l) => l.line_no === line.line_no);
      const parts = [
        `Line ${line.line_no} (${line.sku}) is now ${qty(now?.quantity ?? line.quantity, line.unit)}, requested ${date(now?.requested_date ?? after.requested_date)}.`,
      ];
      if (after.promised_date !== order.promised_date) {
        parts.push(`The promised date moved from ${date(order.promised_date)} to ${date(after.promised_date)}.`);
      }
      if (order.status === 'confirmed') {
        const words = outcomeWords(after);
        parts.push(...(words.length > 0 ? words : ['The supplies it set in motion did not need to change.']));
      }
      onDone(parts.join(' '));
      onClose();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const at = (field: string) =>
    error instanceof ApiError ? (error.forField(`lines[0].${field}`) ?? error.forField(field)) : undefined;
  const placed = at('quantity') !== undefined || at('requested_date') !== undefined;
  return (
    <form className="mto-change" onSubmit={(event) => void submit(event)} aria-label={`Change line ${line.line_no}`}>
      <h3>
        Change line {line.line_no}: {line.sku}
      </h3>
      <div className="form-row">
        <Field label={`Quantity${line.unit ? ` (${line.unit})` : ''}`} error={at('quantity')}>
          {(props) => (
            <input {...props} inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
          )}
        </Field>
        <Field label="Requested date" error={at('requested_date')}>
          {(props) => <input {...props} type="date" value={requested} onChange={(e) => setRequested(e.target.value)} />}
        </Field>
      </div>
      {order.status === 'confirmed' && (
        <p className="muted mto-muted-small">
          The order is confirmed: the change adjusts exactly what was created for it, and may move the promised date.
        </p>
      )}
      {error && !placed && <ErrorNote error={error} />}
      <div className="mto-buttons">
        <button type="submit" disabled={busy}>
          Save line {line.line_no}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

function SupplyLink({ number }: { number: string }) {
  const href = supplyPath(number);
  return href ? <Link href={href}>{number}</Link> : <span>{number}</span>;
}

function supplyKey(s: OrderSupply): string {
  return [s.number, s.sku, s.release_date, s.due_date, s.status, s.cancelled].join('|');
}

/** Supplies of the same order, item, dates and status as one (a purchase line added to once per demand). */
function mergeSupplies(supplies: OrderSupply[]): OrderSupply[] {
  const merged = new Map<string, OrderSupply>();
  for (const s of supplies) {
    const key = supplyKey(s);
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, quantity: seen.quantity + s.quantity } : s);
  }
  return [...merged.values()];
}

function SuppliesCard({ order }: { order: Order }) {
  const all = order.supplies ?? [];
  const active = all.filter((s) => !s.cancelled);
  const takenBack = all.length - active.length;
  const [showAll, setShowAll] = useState(false);
  // A cancelled order has only what was taken back: show that.
  const supplies = mergeSupplies(showAll || active.length === 0 ? all : active);
  return (
    <Card
      title="What this order set in motion"
      actions={
        takenBack > 0 &&
        active.length > 0 && (
          <button
            type="button"
            className="secondary mto-small-button"
            aria-pressed={showAll}
            onClick={() => setShowAll((s) => !s)}
          >
            {showAll ? 'Hide' : 'Show'} {takenBack} taken back
          </button>
        )
      }
    >
      {all.length === 0 ? (
        <Empty title={order.status === 'draft' ? 'Nothing yet: the order is a draft.' : 'No new supply was needed.'}>
          {order.status === 'draft'
            ? 'Confirming it explodes the bills of materials and orders or schedules what stock and open supply do not cover.'
            : 'Stock on hand and open supply covered every line when it was confirmed.'}
        </Empty>
      ) : (
        <>
          {active.length === 0 && (
            <p className="muted">Everything this order set in motion was taken back when it was {order.status}.</p>
          )}
          <Timeline order={order} supplies={supplies} />
          <ScrollRegion label="Supplies">
            <table className="mto-supplies">
              <caption className="sr-only">Supplies created for {order.number}</caption>
              <thead>
                <tr>
                  <th>Supply</th>
                  <th>Kind</th>
                  <th>Item</th>
                  <th className="num">Quantity</th>
                  <th>Release</th>
                  <th>Due</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {supplies.map((s) => (
                  <tr
                    key={supplyKey(s)}
                    className={s.cancelled || s.status === 'cancelled' ? 'mto-cancelled' : undefined}
                  >
                    <td>
                      <SupplyLink number={s.number} />
                      <div className="mto-phone-only mto-muted-small">{s.sku}</div>
                    </td>
                    <td>{s.kind === 'production_order' ? 'make' : 'buy'}</td>
                    <td>
                      <Link href={itemPath(s.sku)}>{s.sku}</Link>
                    </td>
                    <td className="num">{num(s.quantity)}</td>
                    <td>{s.release_date ? date(s.release_date) : <span className="muted">when sent</span>}</td>
                    <td>{date(s.due_date)}</td>
                    <td>{s.cancelled ? 'taken back' : s.status.replaceAll('_', ' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        </>
      )}
    </Card>
  );
}

function Timeline({ order, supplies }: { order: Order; supplies: OrderSupply[] }) {
  const bars: TimelineBar[] = supplies.flatMap((s) => {
    const due = s.due_date;
    return due === null
      ? []
      : [
          {
            key: supplyKey(s),
            label: `${s.number} · ${s.sku} × ${num(s.quantity)}`,
            kind: s.kind === 'production_order' ? 'make' : 'buy',
            release: s.release_date,
            due,
            cancelled: s.cancelled || s.status === 'cancelled',
          } satisfies TimelineBar,
        ];
  });
  bars.sort((a, b) => (a.release ?? a.due).localeCompare(b.release ?? b.due) || a.due.localeCompare(b.due));
  const marks: TimelineMark[] = [
    ...(order.requested_date
      ? [{ key: 'requested', label: 'requested', date: order.requested_date, className: 'mto-mark-requested' }]
      : []),
    ...(order.promised_date
      ? [{ key: 'promised', label: 'promised', date: order.promised_date, className: 'mto-mark-promised' }]
      : []),
  ];
  const title = `Supplies for ${order.number} from release to due date: ${bars
    .map((b) => `${b.label} ${b.release ? `${date(b.release)} to ` : 'due '}${date(b.due)}`)
    .join('; ')}${order.promised_date ? `; promised ${date(order.promised_date)}` : ''}.`;
  return <SupplyTimeline title={title} bars={bars} marks={marks} today={new Date().toISOString().slice(0, 10)} />;
}

function pegKey(peg: PegView): string {
  return `${peg.level}|${peg.sku}|${peg.demand.kind}:${peg.demand.ref}|${peg.supply.kind}:${peg.supply.ref}`;
}

type PegNode = { peg: PegView; children: PegNode[] };

/**
 * The pegs as a tree: each order line's pegs, and under a peg served by a production order the pegs of that
 * order's components. Pegs the tree does not reach are listed after it, indented by their level.
 */
function pegTree(pegs: PegView[]): { roots: PegNode[]; rest: PegView[] } {
  const used = new Set<PegView>();
  const grow = (peg: PegView, depth: number): PegNode => {
    used.add(peg);
    const ref = peg.supply.ref;
    const children =
      peg.supply.kind === 'production_order' && ref !== null && depth < 20
        ? pegs
            .filter(
              (p) => !used.has(p) && p.demand.kind !== 'customer_order_line' && String(p.demand.ref) === String(ref),
            )
            .map((p) => grow(p, depth + 1))
        : [];
    return { peg, children };
  };
  const roots = pegs.filter((p) => p.demand.kind === 'customer_order_line').map((p) => grow(p, 0));
  return { roots, rest: pegs.filter((p) => !used.has(p)) };
}

function PegLabel({ peg, showDemand }: { peg: PegView; showDemand: boolean }) {
  const ref = peg.supply.ref;
  const demand =
    peg.demand.kind === 'customer_order_line'
      ? `for line ${peg.demand.ref.split('/').at(-1)}`
      : `for a component of ${peg.demand.ref}`;
  return (
    <div className="mto-peg">
      <div>
        <strong>{peg.sku}</strong> × {qty(peg.quantity, peg.unit)}{' '}
        {showDemand && <span className="muted">{demand} </span>}
        <Chip tone={peg.status === 'waiting' ? 'warn' : peg.status === 'cancelled' ? 'bad' : 'ok'}>{peg.status}</Chip>
      </div>
      <div className="mto-muted-small">
        needed {date(peg.need_date)} ←{' '}
        {peg.supply.kind === 'stock' ? (
          peg.status === 'waiting' ? (
            'waits for stock: no supply is pegged'
          ) : (
            'from stock'
          )
        ) : (
          <>
            {KIND_WORDS[peg.supply.kind] ?? peg.supply.kind} {ref && <SupplyLink number={ref} />}, ready{' '}
            {date(peg.supply.date)}
          </>
        )}
      </div>
    </div>
  );
}

function PegList({ nodes }: { nodes: PegNode[] }) {
  return (
    <ul className="mto-tree">
      {keyed(nodes, (node) => pegKey(node.peg)).map(({ key, row: node }) => (
        <li key={key}>
          <PegLabel peg={node.peg} showDemand={node.peg.level === 0} />
          {node.children.length > 0 && <PegList nodes={node.children} />}
        </li>
      ))}
    </ul>
  );
}

function PeggingCard({ order }: { order: Order }) {
  const pegs = order.pegging ?? [];
  const { roots, rest } = pegTree(pegs);
  return (
    <Card title="Pegging: which supply serves which demand">
      {pegs.length === 0 ? (
        <Empty title="No pegs.">
          {order.status === 'draft'
            ? 'Confirming the order pegs every line, level by level, to stock or to a supply.'
            : 'Nothing is pegged to this order any more.'}
        </Empty>
      ) : (
        <>
          <PegList nodes={roots} />
          {rest.length > 0 && (
            <ul className="mto-tree mto-flat">
              {keyed(rest, pegKey).map(({ key, row: peg }) => (
                <li key={key} style={{ marginLeft: `${peg.level * 1.25}rem` }}>
                  <PegLabel peg={peg} showDemand />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Card>
  );
}

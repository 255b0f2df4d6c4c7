import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, type Page, query } from '../api';
import { num } from '../format';
import { Link, useLocation, useTitle } from '../router';
import { Card, Chip, ErrorNote, Field, PageHeader } from '../ui';
import {
  isMovementType,
  MOVEMENT_TYPES,
  MOVEMENT_WORDS,
  type MovementType,
  useItemOptions,
  useLocationOptions,
} from './movements-common';
import './movements.css';

type Balance = { sku: string; location: string; on_hand: number; inventory_position: number };
type Triggered = {
  kind: 'order_line' | 'below_reorder_point';
  sku: string;
  location: string;
  reason: string;
  purchase_order?: string;
  new_purchase_order?: boolean;
  supplier?: string;
  quantity?: number;
  line_quantity?: number;
  explanation?: string;
  message?: string;
};
type Posted = {
  id: number;
  type: MovementType;
  sku: string;
  location: string;
  quantity: number;
  on_hand_change: number;
  from?: string;
  to?: string;
  balance: Balance;
  balances?: Balance[];
  replayed: boolean;
  triggered: Triggered[];
};
type Recorded = { posted: Posted; name: string | undefined; unit: string };

type Form = {
  type: MovementType;
  sku: string;
  location: string;
  from: string;
  to: string;
  quantity: string;
  reason: string;
  reference: string;
};

const FIELDS = ['sku', 'location', 'from', 'to', 'quantity', 'reason', 'reference'] as const;

/** A fresh key per movement: a retried or double submit of the same movement is answered once, never posted twice. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The request body for the form: empty fields are left out so the API names what is missing. */
function movementBody(form: Form): Record<string, unknown> {
  const text = form.quantity.trim();
  const quantity = text === '' ? undefined : /^[-+]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : text;
  const places =
    form.type === 'transfer'
      ? { from: form.from.trim() || undefined, to: form.to.trim() || undefined }
      : { location: form.location.trim() || undefined };
  return {
    type: form.type,
    sku: form.sku.trim() || undefined,
    ...places,
    quantity,
    reason: form.reason.trim() || undefined,
    reference: form.reference.trim() || undefined,
  };
}

function qty(value: number | undefined, unit: string): string {
  return unit ? `${num(value)} ${unit}` : num(value);
}

/** What happened, in words: "Issued 5 pcs of CON-1001 at BER-A01. On hand there is now 68 pcs." */
function describe({ posted, name, unit }: Recorded): string {
  const words = MOVEMENT_WORDS[posted.type];
  const what = `${posted.sku}${name ? ` (${name})` : ''}`;
  if (posted.type === 'transfer') {
    const at = (code: string | undefined) => (posted.balances ?? [posted.balance]).find((b) => b.location === code);
    const [from, to] = [at(posted.from), at(posted.to)];
    return `${words.done} ${qty(posted.quantity, unit)} of ${what} from ${posted.from} to ${posted.to}. On hand now ${qty(from?.on_hand, unit)} at ${posted.from} and ${qty(to?.on_hand, unit)} at ${posted.to}.`;
  }
  const signed = `${posted.on_hand_change >= 0 ? '+' : '−'}${qty(Math.abs(posted.on_hand_change), unit)}`;
  const after = `On hand there is now ${qty(posted.balance.on_hand, unit)}.`;
  if (posted.type === 'adjustment') return `Adjusted ${what} at ${posted.location} by ${signed}. ${after}`;
  const change = posted.type === 'count' ? ` (${signed})` : '';
  return `${words.done} ${qty(posted.quantity, unit)} of ${what} at ${posted.location}${change}. ${after}`;
}

function TriggeredNote({ triggered, unit }: { triggered: Triggered; unit: string }) {
  if (triggered.kind === 'order_line' && triggered.purchase_order) {
    return (
      <li>
        {triggered.new_purchase_order ? 'Drafted a new order ' : 'Added to order '}
        <Link href={`/purchase-orders/${encodeURIComponent(triggered.purchase_order)}`}>
          {triggered.purchase_order}
        </Link>
        {triggered.supplier ? ` for ${triggered.supplier}` : ''}: {qty(triggered.quantity, unit)} of {triggered.sku} for{' '}
        {triggered.location}
        {triggered.line_quantity !== undefined && triggered.line_quantity !== triggered.quantity
          ? ` (line now ${qty(triggered.line_quantity, unit)})`
          : ''}
        .{triggered.explanation ? <div className="muted fine-print">{triggered.explanation}</div> : null}
      </li>
    );
  }
  return (
    <li>
      {triggered.sku} at {triggered.location} is below its reorder point
      {triggered.message ? `: ${triggered.message}` : '.'}
    </li>
  );
}

export function RecordMovement() {
  useTitle('Record movement');
  const { search } = useLocation();
  const initialType = search.get('type');
  const [form, setForm] = useState<Form>(() => ({
    type: isMovementType(initialType) ? initialType : 'issue',
    sku: search.get('sku') ?? '',
    location: search.get('location') ?? '',
    from: search.get('from') ?? '',
    to: search.get('to') ?? '',
    quantity: '',
    reason: '',
    reference: '',
  }));
  const [error, setError] = useState<Error | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [recorded, setRecorded] = useState<Recorded[]>([]);
  const inFlight = useRef(false);
  const idempotencyKey = useRef(newIdempotencyKey());
  const skuInput = useRef<HTMLInputElement>(null);
  const items = useItemOptions(form.sku);
  const locations = useLocationOptions();
  const item = items.find((i) => i.sku === form.sku.trim());
  const here = form.type === 'transfer' ? form.from.trim() : form.location.trim();
  const onHand = useOnHand(item?.sku, locations.some((l) => l.code === here) ? here : undefined, recorded.length);

  useEffect(() => {
    // After the app moves the focus to the page, start at the SKU: this form is typed into many times in a row.
    const frame = requestAnimationFrame(() => skuInput.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, []);

  const set = (field: keyof Form) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  const apiError = error instanceof ApiError ? error : undefined;
  const fieldError = (field: string) => apiError?.forField(field);
  // A problem the form shows at a field is not repeated above the button; anything else is.
  const claimed = apiError !== undefined && FIELDS.some((f) => apiError.forField(f) !== undefined);
  const unclaimed = claimed ? undefined : error;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    setSubmitting(true);
    const unit = item?.unit ?? '';
    const name = item?.name;
    try {
      const posted = await api<Posted>('/movements', {
        method: 'POST',
        body: movementBody(form),
        headers: { 'Idempotency-Key': idempotencyKey.current },
      });
      idempotencyKey.current = newIdempotencyKey();
      setError(undefined);
      setRecorded((list) => [{ posted, name, unit }, ...list].slice(0, 10));
      setForm((f) => ({ ...f, sku: '', quantity: '' }));
      skuInput.current?.focus();
    } catch (caught) {
      // A refusal stores nothing under the key, so the corrected movement may reuse it; so may a retry after a
      // lost answer, which then gets the first answer instead of posting again.
      setError(caught as Error);
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  const words = MOVEMENT_WORDS[form.type];
  const last = recorded[0];
  return (
    <>
      <PageHeader
        title="Record movement"
        subtitle="Issue, receive, transfer, adjust or count stock. Enter records it; the form stays ready for the next one."
        actions={
          <Link href="/movements" className="button secondary">
            All movements
          </Link>
        }
      />
      <div className="movement-layout">
        <Card>
          <form className="movement-form" onSubmit={submit} noValidate aria-label="Record a movement">
            <fieldset className="movement-types">
              <legend>Movement type</legend>
              <div className="segmented">
                {MOVEMENT_TYPES.map((type) => (
                  <label key={type} className={form.type === type ? 'checked' : undefined}>
                    <input
                      type="radio"
                      name="type"
                      value={type}
                      checked={form.type === type}
                      onChange={() => setForm((f) => ({ ...f, type }))}
                    />
                    {MOVEMENT_WORDS[type].label}
                  </label>
                ))}
              </div>
              <p className="muted fine-print">{words.hint}.</p>
            </fieldset>
            <div className="form-row">
              <Field
                label="SKU"
                error={fieldError('sku')}
                {...(item ? { hint: `${item.name} · ${item.unit}` } : { hint: 'Type part of a SKU or name' })}
              >
                {(props) => (
                  <input
                    {...props}
                    ref={skuInput}
                    list="movement-items"
                    autoComplete="off"
                    spellCheck={false}
                    value={form.sku}
                    onChange={(e) => set('sku')(e.target.value)}
                  />
                )}
              </Field>
              {form.type === 'transfer' ? (
                <>
                  <Field label="From location" error={fieldError('from')}>
                    {(props) => (
                      <input
                        {...props}
                        list="movement-locations"
                        autoComplete="off"
                        value={form.from}
                        onChange={(e) => set('from')(e.target.value)}
                      />
                    )}
                  </Field>
                  <Field label="To location" error={fieldError('to')}>
                    {(props) => (
                      <input
                        {...props}
                        list="movement-locations"
                        autoComplete="off"
                        value={form.to}
                        onChange={(e) => set('to')(e.target.value)}
                      />
                    )}
                  </Field>
                </>
              ) : (
                <Field label="Location" error={fieldError('location')}>
                  {(props) => (
                    <input
                      {...props}
                      list="movement-locations"
                      autoComplete="off"
                      value={form.location}
                      onChange={(e) => set('location')(e.target.value)}
                    />
                  )}
                </Field>
              )}
            </div>
            <div className="form-row">
              <Field
                label={item?.unit ? `${words.quantity} (${item.unit})` : words.quantity}
                error={fieldError('quantity')}
                hint={
                  onHand !== undefined
                    ? `On hand at ${here}: ${num(onHand)}${item?.unit ? ` ${item.unit}` : ''}`
                    : 'Up to 3 decimals'
                }
              >
                {(props) => (
                  <input
                    {...props}
                    inputMode="decimal"
                    autoComplete="off"
                    className="num"
                    value={form.quantity}
                    onChange={(e) => set('quantity')(e.target.value)}
                  />
                )}
              </Field>
              <Field label="Reason (optional)" error={fieldError('reason')}>
                {(props) => <input {...props} value={form.reason} onChange={(e) => set('reason')(e.target.value)} />}
              </Field>
              <Field label="Reference (optional)" error={fieldError('reference')} hint="Work order, delivery note">
                {(props) => (
                  <input {...props} value={form.reference} onChange={(e) => set('reference')(e.target.value)} />
                )}
              </Field>
            </div>
            <ErrorNote error={unclaimed} />
            <div className="form-actions">
              <button type="submit" disabled={submitting}>
                {submitting ? 'Recording…' : `Record ${words.label.toLowerCase()}`}
              </button>
              <span className="muted fine-print">Enter records the movement.</span>
            </div>
            <datalist id="movement-items">
              {items.map((i) => (
                <option key={i.sku} value={i.sku}>
                  {i.name}
                </option>
              ))}
            </datalist>
            <datalist id="movement-locations">
              {locations.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name}
                </option>
              ))}
            </datalist>
          </form>
        </Card>
        <div className="movement-result" role="status" aria-live="polite">
          {last && (
            <Card title={last.posted.replayed ? 'Already recorded' : 'Recorded'}>
              <p className="movement-said">
                {last.posted.replayed ? 'This movement had been recorded already; it was not posted twice. ' : ''}
                {describe(last)}
              </p>
              {last.posted.triggered.length > 0 && (
                <ul className="triggered">
                  {last.posted.triggered.map((t) => (
                    <TriggeredNote key={`${t.kind}:${t.sku}:${t.location}`} triggered={t} unit={last.unit} />
                  ))}
                </ul>
              )}
            </Card>
          )}
        </div>
      </div>
      {recorded.length > 1 && (
        <Card title="Recorded here before">
          <ul className="list">
            {recorded.slice(1).map((r) => (
              <li key={r.posted.id}>
                <Chip tone={MOVEMENT_WORDS[r.posted.type].tone}>{MOVEMENT_WORDS[r.posted.type].label}</Chip>{' '}
                {describe(r)}
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}

/** On hand of an item at a location, read again after each movement recorded (`version`). */
function useOnHand(sku: string | undefined, location: string | undefined, version: number): number | undefined {
  const [onHand, setOnHand] = useState<number | undefined>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: version forces a reload after a movement
  useEffect(() => {
    setOnHand(undefined);
    if (sku === undefined || location === undefined) return;
    const controller = new AbortController();
    api<Page<Balance>>(`/stock${query({ sku, location })}`, { signal: controller.signal }).then(
      (page) => setOnHand(page.data.find((b) => b.location === location)?.on_hand ?? 0),
      () => undefined,
    );
    return () => controller.abort();
  }, [sku, location, version]);
  return onHand;
}

import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiError, api, type Page } from '../api';
import { Link, navigate, useTitle } from '../router';
import { Card, ErrorNote, Field, PageHeader } from '../ui';
import { useApi } from '../use-api';
import { type LocationOption, useItemOptions, useLocationOptions } from './movements-common';
import { type Customer, type CustomerOrderOutcome, customerOrderPath, handOverCreated, quantityOf } from './mto-common';
import './mto.css';

type LineForm = { key: number; sku: string; location: string; quantity: string; requestedDate: string };

let nextKey = 1;
function emptyLine(location: string): LineForm {
  return { key: nextKey++, sku: '', location, quantity: '', requestedDate: '' };
}

/** The request body from what was typed: empty optional fields are left out so the API names what is missing. */
function orderBody(customer: string, requestedDate: string, note: string, lines: LineForm[], confirm: boolean) {
  return {
    customer: customer.trim(),
    ...(requestedDate !== '' && { requested_date: requestedDate }),
    ...(note.trim() !== '' && { note: note.trim() }),
    confirm,
    lines: lines.map((l) => ({
      sku: l.sku.trim(),
      location: l.location,
      quantity: quantityOf(l.quantity),
      ...(l.requestedDate !== '' && { requested_date: l.requestedDate }),
    })),
  };
}

/** /customer-orders/new: a customer's order, confirmed at once (the default) or saved as a draft. */
export function NewCustomerOrder() {
  useTitle('New customer order');
  const customers = useApi<Page<Customer>>('/customers?limit=1000');
  const locations = useLocationOptions();
  const defaultLocation = locations.length === 1 ? locations[0]!.code : '';
  const [customer, setCustomer] = useState('');
  const [requestedDate, setRequestedDate] = useState('');
  const [note, setNote] = useState('');
  const [lines, setLines] = useState<LineForm[]>(() => [emptyLine('')]);
  const [confirm, setConfirm] = useState(true);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const customerList = useId();

  const at = (field: string) => (error instanceof ApiError ? error.forField(field) : undefined);
  const placed =
    error instanceof ApiError &&
    error.details.length > 0 &&
    error.details.every((d) => /^(customer|requested_date|note|lines\[\d+\]\.)/.test(d.field));
  const change = (key: number, patch: Partial<LineForm>) =>
    setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(undefined);
    try {
      // A line left on "choose a location" takes the only location there is.
      const filled = lines.map((l) => (l.location === '' ? { ...l, location: defaultLocation } : l));
      const order = await api<CustomerOrderOutcome>('/customer-orders', {
        method: 'POST',
        body: orderBody(customer, requestedDate, note, filled, confirm),
      });
      handOverCreated(order);
      navigate(`${customerOrderPath(order.number)}?created=${confirm ? 'confirmed' : 'draft'}`);
    } catch (caught) {
      setError(caught as Error);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const known = customers.data?.data ?? [];
  const noCustomer = customers.data !== undefined && known.length === 0;
  return (
    <>
      <PageHeader
        title="New customer order"
        subtitle="What the customer wants, where and when. Confirming explodes the bills of materials, orders what is missing and promises a date."
        actions={
          <Link className="button secondary" href="/customer-orders">
            All customer orders
          </Link>
        }
      />
      <Card>
        <form className="mto-form" onSubmit={(event) => void submit(event)} noValidate aria-label="New customer order">
          <div className="form-row">
            <Field
              label="Customer"
              error={at('customer')}
              hint={
                known.find((c) => c.code === customer.trim())?.name ??
                (noCustomer
                  ? 'No customers yet: add one with POST /customers or leanstock customer add'
                  : 'Code of the customer')
              }
            >
              {(props) => (
                <input
                  {...props}
                  list={customerList}
                  autoComplete="off"
                  value={customer}
                  onChange={(e) => setCustomer(e.target.value)}
                />
              )}
            </Field>
            <Field label="Requested date (optional)" error={at('requested_date')} hint="When the customer wants it all">
              {(props) => (
                <input
                  {...props}
                  type="date"
                  value={requestedDate}
                  onChange={(e) => setRequestedDate(e.target.value)}
                />
              )}
            </Field>
            <Field label="Note (optional)" error={at('note')}>
              {(props) => <input {...props} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />}
            </Field>
          </div>
          <datalist id={customerList}>
            {known.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </datalist>
          <section className="mto-lines" aria-labelledby="mto-lines-title">
            <h2 id="mto-lines-title">Lines</h2>
            {at('lines') && !lines.some((_, i) => at(`lines[${i}]`)) && (
              <p className="field-error" role="alert">
                {at('lines')}
              </p>
            )}
            <ol>
              {lines.map((line, index) => (
                <LineFields
                  key={line.key}
                  line={line}
                  index={index}
                  locations={locations}
                  defaultLocation={defaultLocation}
                  at={at}
                  onChange={(patch) => change(line.key, patch)}
                  onRemove={lines.length > 1 ? () => setLines((ls) => ls.filter((l) => l.key !== line.key)) : undefined}
                />
              ))}
            </ol>
            <button
              type="button"
              className="secondary"
              onClick={() => setLines((ls) => [...ls, emptyLine(ls.at(-1)?.location ?? '')])}
            >
              Add a line
            </button>
          </section>
          <div className="mto-confirm">
            <input
              id="mto-confirm-now"
              type="checkbox"
              checked={confirm}
              onChange={(e) => setConfirm(e.target.checked)}
            />
            <label htmlFor="mto-confirm-now">
              Confirm now
              <span className="muted"> — order the parts, schedule production and promise a date at once</span>
            </label>
          </div>
          {error instanceof ApiError && placed && (
            <p className="field-error" role="alert">
              Not saved: {error.message}
            </p>
          )}
          {error && !placed && <ErrorNote error={error} />}
          <div className="mto-buttons">
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : confirm ? 'Create and confirm' : 'Save as draft'}
            </button>
          </div>
        </form>
      </Card>
    </>
  );
}

function LineFields({
  line,
  index,
  locations,
  defaultLocation,
  at,
  onChange,
  onRemove,
}: {
  line: LineForm;
  index: number;
  locations: LocationOption[];
  defaultLocation: string;
  at: (field: string) => string | undefined;
  onChange: (patch: Partial<LineForm>) => void;
  onRemove: (() => void) | undefined;
}) {
  const items = useItemOptions(line.sku);
  const itemList = useId();
  const item = items.find((i) => i.sku === line.sku.trim());
  const field = (name: string) => at(`lines[${index}].${name}`);
  const n = index + 1;
  return (
    <li>
      <fieldset className="mto-line">
        <legend>Line {n}</legend>
        {onRemove && (
          <button type="button" className="secondary mto-small-button mto-remove" onClick={onRemove}>
            Remove line {n}
          </button>
        )}
        <div className="form-row">
          <Field label="SKU" error={field('sku')} hint={item ? item.name : 'Type to search the items'}>
            {(props) => (
              <input
                {...props}
                list={itemList}
                autoComplete="off"
                value={line.sku}
                onChange={(e) => onChange({ sku: e.target.value })}
              />
            )}
          </Field>
          <Field label="Location" error={field('location')}>
            {(props) => (
              <select
                {...props}
                value={line.location || defaultLocation}
                onChange={(e) => onChange({ location: e.target.value })}
              >
                {defaultLocation === '' && <option value="">Choose a location</option>}
                {locations.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.code} — {l.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Quantity" error={field('quantity')} {...(item && { hint: item.unit })}>
            {(props) => (
              <input
                {...props}
                inputMode="decimal"
                autoComplete="off"
                value={line.quantity}
                onChange={(e) => onChange({ quantity: e.target.value })}
              />
            )}
          </Field>
          <Field label="Requested date (optional)" error={field('requested_date')} hint="Empty: the order's date">
            {(props) => (
              <input
                {...props}
                type="date"
                value={line.requestedDate}
                onChange={(e) => onChange({ requestedDate: e.target.value })}
              />
            )}
          </Field>
        </div>
        <datalist id={itemList}>
          {items.map((i) => (
            <option key={i.sku} value={i.sku}>
              {i.name}
            </option>
          ))}
        </datalist>
      </fieldset>
    </li>
  );
}

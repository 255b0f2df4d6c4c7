import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { ApiError, api, type Page } from '../api';
import { Link, navigate, useLocation, useTitle } from '../router';
import { Card, ErrorNote, Field, PageHeader } from '../ui';
import { useApi } from '../use-api';
import './create.css';

/** One input of a create form: the API's field name, its label, and how it is typed. */
export type FieldSpec = {
  name: string;
  label: string;
  kind?: 'text' | 'number' | 'email' | 'select';
  options?: Array<{ value: string; label: string }>;
  hint?: string;
  placeholder?: string;
  /** Sent even when empty, so that the API names it when it is missing. */
  required?: boolean;
  list?: string;
};

/**
 * The JSON body from what was typed: empty optional fields are left out, numbers that parse are sent as numbers and
 * anything else as typed, so that the API (not the browser) decides and names the field it refuses.
 */
export function bodyOf(specs: FieldSpec[], values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = (values[spec.name] ?? '').trim();
    if (value === '' && !spec.required) continue;
    body[spec.name] = spec.kind === 'number' && value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return body;
}

/** A form that posts its fields once (a double submit is ignored) and shows the API's refusals at the fields. */
export function CreateForm({
  label,
  specs,
  initial = {},
  submitLabel,
  onSubmit,
  onCreated,
  children,
}: {
  label: string;
  specs: FieldSpec[];
  initial?: Record<string, string>;
  submitLabel: string;
  onSubmit: (body: Record<string, unknown>) => Promise<unknown>;
  onCreated: (answer: unknown, reset: () => void) => void;
  children?: ReactNode;
}) {
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));
  const at = (name: string) => (error instanceof ApiError ? error.forField(name) : undefined);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await onSubmit(bodyOf(specs, values));
      onCreated(answer, () => setValues(initial));
    } catch (caught) {
      setError(caught as Error);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };
  const placed =
    error instanceof ApiError &&
    error.details.length > 0 &&
    error.details.every((d) => specs.some((s) => s.name === d.field.split(/[.[]/)[0]));

  return (
    <form className="create-form" onSubmit={submit} noValidate aria-label={label}>
      <div className="form-row">
        {specs.map((spec) => (
          <Field key={spec.name} label={spec.label} error={at(spec.name)} {...(spec.hint && { hint: spec.hint })}>
            {(props) =>
              spec.kind === 'select' ? (
                <select
                  {...props}
                  name={spec.name}
                  value={values[spec.name] ?? ''}
                  onChange={(e) => set(spec.name, e.target.value)}
                >
                  {spec.options?.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  {...props}
                  name={spec.name}
                  type={spec.kind === 'email' ? 'email' : 'text'}
                  inputMode={spec.kind === 'number' ? 'decimal' : undefined}
                  autoComplete="off"
                  placeholder={spec.placeholder}
                  list={spec.list}
                  value={values[spec.name] ?? ''}
                  onChange={(e) => set(spec.name, e.target.value)}
                />
              )
            }
          </Field>
        ))}
      </div>
      {children}
      {error instanceof ApiError && placed && (
        <p className="field-error" role="alert">
          Not saved: {error.message}
        </p>
      )}
      {error && !placed && <ErrorNote error={error} />}
      <div className="create-buttons">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}

const CURRENCY_HINT = 'ISO 4217, e.g. EUR';

const ITEM_FIELDS: FieldSpec[] = [
  { name: 'sku', label: 'SKU', required: true, hint: 'Unique, no spaces, e.g. BOLT-M8', placeholder: 'BOLT-M8' },
  { name: 'name', label: 'Name', required: true, placeholder: 'Hex bolt M8 × 40' },
  { name: 'unit', label: 'Unit', required: true, hint: 'pcs, kg, m, l, …', list: 'create-units' },
  { name: 'unit_cost', label: 'Unit cost (optional)', kind: 'number', hint: 'In major units, e.g. 0.12' },
  { name: 'currency', label: 'Currency', hint: CURRENCY_HINT },
  { name: 'category', label: 'Category (optional)', placeholder: 'Fasteners' },
  {
    name: 'criticality',
    label: 'Criticality',
    kind: 'select',
    hint: 'How bad a stock-out is',
    options: ['low', 'medium', 'high', 'critical'].map((c) => ({ value: c, label: c })),
  },
];

/** /items/new: a new item in the catalogue. */
export function NewItem() {
  useTitle('New item');
  const locations = useApi<Page<{ code: string }>>('/locations?limit=1');
  const noLocation = locations.data !== undefined && locations.data.data.length === 0;
  return (
    <>
      <PageHeader
        title="New item"
        subtitle="Add an item to the catalogue; then give it a supplier and a policy on its page."
        actions={
          <Link className="button secondary" href="/items">
            All items
          </Link>
        }
      />
      {noLocation && (
        <p className="create-note" role="note">
          There is no location yet: stock is kept at a location.{' '}
          <Link href={`/locations/new?next=${encodeURIComponent('/items/new')}`}>Create a location</Link> first or
          afterwards.
        </p>
      )}
      <Card>
        <CreateForm
          label="New item"
          specs={ITEM_FIELDS}
          initial={{ unit: 'pcs', currency: 'EUR', criticality: 'medium' }}
          submitLabel="Create item"
          onSubmit={(body) => api('/items', { method: 'POST', body })}
          onCreated={(answer) => navigate(`/items/${encodeURIComponent((answer as { sku: string }).sku)}`)}
        >
          <datalist id="create-units">
            {['pcs', 'kg', 'g', 'm', 'l', 'box', 'set'].map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        </CreateForm>
      </Card>
    </>
  );
}

const SUPPLIER_FIELDS: FieldSpec[] = [
  { name: 'code', label: 'Code', required: true, hint: 'Unique, no spaces, e.g. ACME', placeholder: 'ACME' },
  { name: 'name', label: 'Name', required: true, placeholder: 'Acme Fasteners Ltd' },
  { name: 'email', label: 'Order email (optional)', kind: 'email', hint: 'Where sent orders go' },
  { name: 'lead_time_days', label: 'Lead time (days, optional)', kind: 'number', hint: 'Quoted, whole days' },
  { name: 'ordering_cost', label: 'Ordering cost (optional)', kind: 'number', hint: 'Cost of placing one order' },
  { name: 'currency', label: 'Currency', hint: CURRENCY_HINT },
];

/** /suppliers/new: a new supplier. */
export function NewSupplier() {
  useTitle('New supplier');
  return (
    <>
      <PageHeader
        title="New supplier"
        subtitle="Add a supplier; then add it as a source on the items it sells."
        actions={
          <Link className="button secondary" href="/suppliers">
            All suppliers
          </Link>
        }
      />
      <Card>
        <CreateForm
          label="New supplier"
          specs={SUPPLIER_FIELDS}
          initial={{ currency: 'EUR' }}
          submitLabel="Create supplier"
          onSubmit={(body) => api('/suppliers', { method: 'POST', body })}
          onCreated={(answer) => navigate(`/suppliers/${encodeURIComponent((answer as { code: string }).code)}`)}
        />
      </Card>
    </>
  );
}

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** /locations/new: a new site (a store, a workshop, a van) where stock is kept. */
export function NewLocation() {
  useTitle('New location');
  const { search } = useLocation();
  const next = search.get('next');
  const back = next?.startsWith('/') && !next.startsWith('//') ? next : null;
  const [created, setCreated] = useState<string | undefined>();
  const specs: FieldSpec[] = [
    { name: 'code', label: 'Code', required: true, hint: 'Unique, no spaces, e.g. MAIN', placeholder: 'MAIN' },
    { name: 'name', label: 'Name', required: true, placeholder: 'Main store' },
    { name: 'time_zone', label: 'Time zone', hint: 'IANA zone, e.g. Europe/Berlin' },
  ];
  return (
    <>
      <PageHeader
        title="New location"
        subtitle="A site where stock is kept: a store, a workshop, a van."
        actions={
          back && (
            <Link className="button secondary" href={back}>
              Back
            </Link>
          )
        }
      />
      <Card>
        <CreateForm
          label="New location"
          specs={specs}
          initial={{ time_zone: browserZone() }}
          submitLabel="Create location"
          onSubmit={(body) => api('/locations', { method: 'POST', body })}
          onCreated={(answer, reset) => {
            const code = (answer as { code: string }).code;
            if (back) navigate(back);
            else {
              setCreated(code);
              reset();
            }
          }}
        />
        {created && (
          <p className="create-saved" role="status">
            Created location {created}.{' '}
            <Link href={`/movements/new?type=receipt&location=${encodeURIComponent(created)}`}>
              Receive stock there
            </Link>{' '}
            or <Link href="/items/new">create an item</Link>.
          </p>
        )}
      </Card>
    </>
  );
}

import { type ChangeEvent, useState } from 'react';
import { ApiError, apiErrorOf, apiFetch } from '../api';
import { num } from '../format';
import { Link, useLocation, useTitle } from '../router';
import { Card, type Column, ErrorNote, Field, PageHeader, Table } from '../ui';
import './import.css';

const KINDS = [
  { kind: 'locations', label: 'Locations', columns: 'code, name, parent, time_zone, active', next: null },
  {
    kind: 'items',
    label: 'Items',
    columns: 'sku, name, unit, category, unit_cost, currency, shelf_life_days, criticality, allow_negative, active',
    next: '/items',
  },
  {
    kind: 'suppliers',
    label: 'Suppliers',
    columns:
      'code, name, email, lead_time_days, ordering_cost, currency, active, auto_send, order_days, consolidation_minutes',
    next: null,
  },
  {
    kind: 'supplier-items',
    label: 'Supplier items',
    columns:
      'sku, supplier, supplier_sku, unit_price, currency, price_breaks, lead_time_days, moq, pack_size, rank, active',
    next: '/items',
  },
  { kind: 'stock', label: 'Opening stock', columns: 'sku, location, quantity', next: '/movements?type=count' },
] as const;
type Kind = (typeof KINDS)[number]['kind'];

type ImportAnswer = { kind: string; rows: number; imported: number; dry_run: boolean };
type RowProblem = { row?: number; field: string; message: string; value?: unknown };
type Checked =
  | { state: 'valid'; rows: number }
  | { state: 'invalid'; problems: RowProblem[]; message: string }
  | { state: 'imported'; rows: number; imported: number }
  | { state: 'failed'; error: Error };

/** Posts a CSV file; `dryRun` checks every row and writes nothing. */
async function postCsv(kind: Kind, csv: string, dryRun: boolean): Promise<ImportAnswer> {
  const response = await apiFetch(`/api/v1/import/${kind}${dryRun ? '?dry_run=true' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  const json = (await response.json().catch(() => null)) as ImportAnswer | null;
  if (!response.ok) throw apiErrorOf(response, json);
  return json as ImportAnswer;
}

const problemColumns: Column<RowProblem & { key: string }>[] = [
  { key: 'row', label: 'Row', align: 'right', render: (p) => p.row ?? '–', sort: (p) => p.row ?? 0 },
  { key: 'column', label: 'Column', render: (p) => <code>{p.field}</code>, sort: (p) => p.field },
  { key: 'problem', label: 'Problem', render: (p) => p.message },
  {
    key: 'value',
    label: 'Value in the file',
    render: (p) => (p.value === undefined || p.value === '' ? '' : <code>{String(p.value)}</code>),
  },
];

export function Import() {
  useTitle('Import');
  const { search } = useLocation();
  const wanted = search.get('kind');
  const [kind, setKind] = useState<Kind>(KINDS.find((k) => k.kind === wanted)?.kind ?? 'items');
  const [file, setFile] = useState<{ name: string; text: string } | undefined>();
  const [checked, setChecked] = useState<Checked | undefined>();
  const [busy, setBusy] = useState<'checking' | 'importing' | undefined>();
  const spec = KINDS.find((k) => k.kind === kind)!;

  const check = async (nextKind: Kind, text: string) => {
    setBusy('checking');
    setChecked(undefined);
    try {
      const answer = await postCsv(nextKind, text, true);
      setChecked({ state: 'valid', rows: answer.rows });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'LS_IMPORT_INVALID') {
        setChecked({ state: 'invalid', problems: error.details as RowProblem[], message: error.message });
      } else setChecked({ state: 'failed', error: error as Error });
    } finally {
      setBusy(undefined);
    }
  };

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    // Let the same file be chosen again after it was fixed.
    event.target.value = '';
    if (!chosen) return;
    const text = await chosen.text();
    setFile({ name: chosen.name, text });
    await check(kind, text);
  };

  const changeKind = (next: Kind) => {
    setKind(next);
    if (file) void check(next, file.text);
  };

  const write = async () => {
    if (!file || busy) return;
    setBusy('importing');
    try {
      const answer = await postCsv(kind, file.text, false);
      setChecked({ state: 'imported', rows: answer.rows, imported: answer.imported });
      setFile(undefined);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'LS_IMPORT_INVALID') {
        setChecked({ state: 'invalid', problems: error.details as RowProblem[], message: error.message });
      } else setChecked({ state: 'failed', error: error as Error });
    } finally {
      setBusy(undefined);
    }
  };

  const problems =
    checked?.state === 'invalid'
      ? [...checked.problems]
          .sort((a, b) => (a.row ?? 0) - (b.row ?? 0))
          .map((p, i) => ({ ...p, key: `${i}:${p.row}:${p.field}` }))
      : [];
  const badRows = new Set(problems.map((p) => p.row)).size;

  return (
    <>
      <PageHeader
        title="Import"
        subtitle="Upload a CSV file. Every row is checked first and every problem is listed; nothing is written until you import."
      />
      <div className="import-layout">
        <Card title="1. What the file holds">
          <fieldset className="import-kinds">
            <legend className="sr-only">Kind of file</legend>
            {KINDS.map((k) => (
              <label key={k.kind} className={k.kind === kind ? 'checked' : undefined}>
                <input
                  type="radio"
                  name="kind"
                  value={k.kind}
                  checked={k.kind === kind}
                  onChange={() => changeKind(k.kind)}
                />
                <span>{k.label}</span>
              </label>
            ))}
          </fieldset>
          <p className="muted fine-print">
            Columns: <code>{spec.columns}</code>. The header line comes first. Import in this order, since each refers
            to the ones before: locations, items, suppliers, supplier items, opening stock.{' '}
            <a href={`/api/v1/export/${kind}`} download={`${kind}.csv`}>
              Download the current {spec.label.toLowerCase()} as CSV
            </a>{' '}
            to start from.
          </p>
        </Card>
        <Card title="2. Choose the file">
          <Field
            label="CSV file"
            hint={file ? `${file.name} · checked as ${spec.label.toLowerCase()}` : 'UTF-8, comma-separated'}
          >
            {(props) => (
              <input
                {...props}
                type="file"
                accept=".csv,text/csv,text/plain"
                onChange={(event) => void choose(event)}
              />
            )}
          </Field>
          <div role="status" aria-live="polite" className="import-status">
            {busy === 'checking' && <p className="loading">Checking every row…</p>}
            {busy === 'importing' && <p className="loading">Importing…</p>}
            {checked?.state === 'valid' && checked.rows === 0 && (
              <p className="import-refused">The file has a header but no rows: there is nothing to import.</p>
            )}
            {checked?.state === 'valid' && checked.rows > 0 && file && (
              <div className="import-ready">
                <p>
                  <strong>{checked.rows === 1 ? 'The row is fine.' : `All ${num(checked.rows)} rows are fine.`}</strong>{' '}
                  Nothing has been written yet.
                </p>
                <button type="button" onClick={() => void write()} disabled={busy !== undefined}>
                  Import {num(checked.rows)} {checked.rows === 1 ? 'row' : 'rows'}
                </button>
              </div>
            )}
            {checked?.state === 'imported' && (
              <div className="import-done">
                <p>
                  <strong>
                    Imported {num(checked.imported)} {checked.imported === 1 ? 'row' : 'rows'} of{' '}
                    {spec.label.toLowerCase()}.
                  </strong>{' '}
                  {spec.next !== null && (
                    <>
                      <Link href={spec.next}>See them</Link> or choose{' '}
                    </>
                  )}
                  {spec.next === null && 'Choose '}the next file.
                </p>
              </div>
            )}
            {checked?.state === 'invalid' && (
              <p className="import-refused">
                <strong>
                  {problems.length} {problems.length === 1 ? 'problem' : 'problems'} in {badRows}{' '}
                  {badRows === 1 ? 'row' : 'rows'}; nothing was written.
                </strong>{' '}
                Fix them in the file and choose it again.
              </p>
            )}
          </div>
          {checked?.state === 'failed' && <ErrorNote error={checked.error} />}
        </Card>
      </div>
      {checked?.state === 'invalid' && (
        <Card title="Problems, by row">
          <p className="muted fine-print">Row numbers are as a spreadsheet shows them: the header is row 1.</p>
          <div className="import-problems">
            <Table rows={problems} columns={problemColumns} rowKey={(p) => p.key} caption="Problems in the file" />
          </div>
        </Card>
      )}
    </>
  );
}

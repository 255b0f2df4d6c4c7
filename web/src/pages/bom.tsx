import { type FormEvent, useState } from 'react';
import { ApiError, type Page, query } from '../api';
import { date, num } from '../format';
import { Link, navigate, useLocation, useTitle } from '../router';
import { Card, Chip, Empty, ErrorNote, Field, Loading, PageHeader, ScrollRegion } from '../ui';
import { useApi } from '../use-api';
import { useLocationOptions } from './movements-common';
import { itemPath, keyed } from './mto-common';
import './mto.css';

type BomLine = {
  position: number;
  sku: string;
  name: string;
  unit: string;
  quantity_per: number;
  scrap_factor: number;
};

type Bom = {
  id: number;
  sku: string;
  name: string;
  unit: string;
  version: number;
  valid_from: string | null;
  valid_to: string | null;
  lead_time_days: number;
  note: string | null;
  created_by: string;
  created_at: string;
  lines: BomLine[];
};

type ExplosionRow = {
  level: number;
  sku: string;
  name: string;
  unit: string;
  quantity_per: number | null;
  scrap_factor: number | null;
  gross_requirement: number;
  available: number | null;
  lead_time_days: number | null;
  source: 'made' | 'bought';
  bom_version: number | null;
};

type Explosion = { sku: string; quantity: number; date: string; location: string | null; rows: ExplosionRow[] };

/** A row's key: the SKUs from the root down to it (rows come depth first, parents before their components). */
function pathOf(rows: ExplosionRow[]): (row: ExplosionRow) => string {
  const paths = new Map<ExplosionRow, string>();
  const stack: string[] = [];
  for (const row of rows) {
    stack.length = row.level;
    stack.push(row.sku);
    paths.set(row, stack.join('/'));
  }
  return (row) => paths.get(row) ?? row.sku;
}

function bomPath(sku: string, params: Record<string, string | undefined>): string {
  return `/boms/${encodeURIComponent(sku)}${query(params)}`;
}

/** /boms/:sku: the versions of an item's bill of materials and the requirement tree for a quantity. */
export function BomPage({ params }: { params: Record<string, string> }) {
  const sku = params.sku ?? '';
  useTitle(`BOM ${sku}`);
  const { search } = useLocation();
  const quantity = search.get('quantity') ?? '1';
  const on = search.get('date') ?? undefined;
  const location = search.get('location') ?? undefined;
  const versions = useApi<Page<Bom>>(`/boms${query({ sku })}`);
  const effective = useApi<Bom>(`/boms/${encodeURIComponent(sku)}${query({ date: on })}`);
  const explosion = useApi<Explosion>(
    `/boms/${encodeURIComponent(sku)}/explosion${query({ quantity, date: on, location })}`,
  );
  const none = versions.data !== undefined && versions.data.data.length === 0;
  return (
    <>
      <p className="mto-back">
        <Link href={itemPath(sku)}>← {sku}</Link>
      </p>
      <PageHeader
        title={`Bill of materials: ${sku}`}
        subtitle="What goes into one unit, version by version, and what a quantity needs level by level."
      />
      <ErrorNote error={versions.error} />
      {versions.loading && !versions.data && <Loading what="Loading the bill of materials" />}
      {none && (
        <Empty title={`${sku} has no bill of materials.`}>
          It is bought, not made. A bill of materials is added with <code>POST /api/v1/boms</code> or{' '}
          <code>leanstock bom add</code>.
        </Empty>
      )}
      {!none && versions.data && (
        <>
          <ExplosionCard
            sku={sku}
            quantity={quantity}
            on={on}
            location={location}
            explosion={explosion.data}
            error={explosion.error}
            loading={explosion.loading}
          />
          <Card title="Versions">
            {versions.data.data.map((bom) => (
              <BomVersion key={bom.version} bom={bom} effective={effective.data?.version === bom.version} />
            ))}
          </Card>
        </>
      )}
    </>
  );
}

function BomVersion({ bom, effective }: { bom: Bom; effective: boolean }) {
  return (
    <section className="mto-version" aria-label={`Version ${bom.version}`}>
      <h3>
        Version {bom.version} {effective && <Chip tone="ok">in effect</Chip>}
      </h3>
      <p className="muted mto-muted-small">
        {bom.valid_from ? `from ${date(bom.valid_from)}` : 'from the start'}
        {bom.valid_to ? ` until ${date(bom.valid_to)}` : ', open-ended'} · lead time {bom.lead_time_days}{' '}
        {bom.lead_time_days === 1 ? 'day' : 'days'}
        {bom.note && ` · ${bom.note}`}
      </p>
      <ScrollRegion label={`Lines of version ${bom.version}`}>
        <table>
          <caption className="sr-only">Lines of version {bom.version}</caption>
          <thead>
            <tr>
              <th>Component</th>
              <th className="num">Quantity per</th>
              <th className="num">Scrap</th>
            </tr>
          </thead>
          <tbody>
            {bom.lines.map((line) => (
              <tr key={line.sku}>
                <td className="mto-wrap">
                  <Link href={itemPath(line.sku)}>{line.sku}</Link>
                  <div className="mto-muted-small">{line.name}</div>
                </td>
                <td className="num">
                  {num(line.quantity_per)} {line.unit}
                </td>
                <td className="num">{line.scrap_factor > 0 ? `${num(line.scrap_factor * 100, 2)} %` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}

function ExplosionCard({
  sku,
  quantity,
  on,
  location,
  explosion,
  error,
  loading,
}: {
  sku: string;
  quantity: string;
  on: string | undefined;
  location: string | undefined;
  explosion: Explosion | undefined;
  error: Error | undefined;
  loading: boolean;
}) {
  const [typed, setTyped] = useState(quantity);
  const [day, setDay] = useState(on ?? '');
  const [where, setWhere] = useState(location ?? '');
  const locations = useLocationOptions();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(bomPath(sku, { quantity: typed.trim(), date: day || undefined, location: where || undefined }), {
      replace: true,
    });
  };
  const at = (field: string) => (error instanceof ApiError ? error.forField(field) : undefined);
  const placed = at('quantity') !== undefined || at('date') !== undefined || at('location') !== undefined;
  const rows = explosion?.rows ?? [];
  return (
    <Card title={`What ${quantity} of ${sku} needs`}>
      <form className="mto-explode" onSubmit={submit} aria-label="Explode the bill of materials">
        <div className="form-row">
          <Field label="Quantity" error={at('quantity')}>
            {(props) => (
              <input {...props} inputMode="decimal" value={typed} onChange={(e) => setTyped(e.target.value)} />
            )}
          </Field>
          <Field label="On date (optional)" error={at('date')} hint="Which version is in effect">
            {(props) => <input {...props} type="date" value={day} onChange={(e) => setDay(e.target.value)} />}
          </Field>
          <Field label="Location (optional)" error={at('location')} hint="Shows what is available there">
            {(props) => (
              <select {...props} value={where} onChange={(e) => setWhere(e.target.value)}>
                <option value="">Any</option>
                {locations.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.code} — {l.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <button type="submit">Explode</button>
      </form>
      {error && !placed && <ErrorNote error={error} />}
      {loading && !explosion && <Loading what="Exploding" />}
      {explosion && rows.length > 0 && (
        <ScrollRegion label="Requirement tree">
          <table className="mto-explosion">
            <caption className="sr-only">
              Requirement tree for {num(explosion.quantity)} of {sku}
            </caption>
            <thead>
              <tr>
                <th>Item</th>
                <th className="num">Gross requirement</th>
                <th className="num">Quantity per</th>
                <th className="num">Scrap</th>
                <th className="num">Available</th>
                <th className="num">Lead time</th>
              </tr>
            </thead>
            <tbody>
              {keyed(rows, pathOf(rows)).map(({ key, row }) => (
                <tr key={key} className={row.level === 0 ? 'mto-root-row' : undefined}>
                  <td className="mto-wrap">
                    <span className="mto-indent" style={{ paddingLeft: `${row.level * 1.25}rem` }}>
                      <span className="mto-sku">
                        {row.level > 0 && (
                          <span aria-hidden="true" className="mto-branch">
                            └{' '}
                          </span>
                        )}
                        <span className="sr-only">level {row.level}: </span>
                        <Link href={itemPath(row.sku)}>{row.sku}</Link>
                      </span>
                      {row.source === 'made' && row.level > 0 && (
                        <>
                          {' '}
                          <Link
                            className="mto-muted-small"
                            href={bomPath(row.sku, { quantity: String(row.gross_requirement) })}
                          >
                            BOM<span className="sr-only"> of {row.sku}</span>
                          </Link>
                        </>
                      )}
                      <span className="mto-muted-small mto-name"> {row.name}</span>
                    </span>
                  </td>
                  <td className="num">
                    <strong>{num(row.gross_requirement)}</strong> {row.unit}
                  </td>
                  <td className="num">{row.quantity_per === null ? '–' : num(row.quantity_per)}</td>
                  <td className="num">{row.scrap_factor ? `${num(row.scrap_factor * 100, 2)} %` : '–'}</td>
                  <td className="num">{row.available === null ? '–' : num(row.available)}</td>
                  <td className="num">
                    {row.lead_time_days === null ? (
                      <Chip tone="bad">no source</Chip>
                    ) : (
                      `${row.lead_time_days} d ${row.source === 'made' ? 'make' : 'buy'}`
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </Card>
  );
}

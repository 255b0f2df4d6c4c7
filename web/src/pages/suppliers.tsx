import { useState } from 'react';
import type { Page } from '../api';
import { BarChart } from '../chart';
import { date, num, percent } from '../format';
import { Link, useTitle } from '../router';
import { Card, Chip, type Column, Empty, ErrorNote, Field, Loading, PageHeader, Table, type Tone } from '../ui';
import { useApi } from '../use-api';
import './suppliers.css';

export type Supplier = {
  code: string;
  name: string;
  email: string | null;
  lead_time_days: number | null;
  ordering_cost: number | null;
  currency: string;
  active: boolean;
  auto_send: boolean;
  order_days: string[] | null;
  consolidation_minutes: number;
};

export type LeadTime = {
  supplier: string;
  sku: string;
  supplier_sku: string | null;
  quoted_lead_time_days: number | null;
  receipts: number;
  mean_days: number | null;
  sd_days: number | null;
  p90_days: number | null;
  otif: number | null;
};

type SupplierMetrics = { supplier: string; lines: number; otif: number | null };
type Metrics = { from: string; to: string; suppliers: SupplierMetrics[] };

type Row = Supplier & { lines: number; otif: number | null; items: number; measuredDays: number | null };

/** OTIF of 95 % and more is good, under 85 % is bad, between is a warning. */
export function otifTone(otif: number | null): Tone {
  if (otif === null) return 'neutral';
  return otif >= 0.95 ? 'ok' : otif >= 0.85 ? 'warn' : 'bad';
}

/** Mean of the measured lead times of a supplier's items, weighted by their receipts; null without receipts. */
function measuredLeadTimeDays(rows: LeadTime[]): number | null {
  let receipts = 0;
  let total = 0;
  for (const row of rows) {
    if (row.mean_days === null || row.receipts === 0) continue;
    receipts += row.receipts;
    total += row.mean_days * row.receipts;
  }
  return receipts > 0 ? total / receipts : null;
}

const columns: Column<Row>[] = [
  {
    key: 'code',
    label: 'Supplier',
    sort: (r) => r.code,
    render: (r) => (
      <>
        <Link href={`/suppliers/${encodeURIComponent(r.code)}`}>{r.code}</Link>{' '}
        <span className="supplier-name">{r.name}</span> {!r.active && <Chip>inactive</Chip>}
      </>
    ),
  },
  {
    key: 'otif',
    label: 'OTIF',
    align: 'right',
    sort: (r) => r.otif ?? -1,
    render: (r) => (r.otif === null ? '–' : <Chip tone={otifTone(r.otif)}>{percent(r.otif)}</Chip>),
  },
  { key: 'lines', label: 'Lines received', align: 'right', sort: (r) => r.lines, render: (r) => num(r.lines) },
  {
    key: 'quoted',
    label: 'Quoted lead time',
    align: 'right',
    sort: (r) => r.lead_time_days ?? -1,
    render: (r) => (r.lead_time_days === null ? '–' : `${num(r.lead_time_days)} d`),
  },
  {
    key: 'measured',
    label: 'Measured lead time',
    align: 'right',
    sort: (r) => r.measuredDays ?? -1,
    render: (r) => {
      if (r.measuredDays === null) return '–';
      const late = r.lead_time_days !== null && r.measuredDays > r.lead_time_days + 0.5;
      return <span className={late ? 'sup-late' : undefined}>{num(r.measuredDays, 1)} d</span>;
    },
  },
  { key: 'items', label: 'Items', align: 'right', sort: (r) => r.items, render: (r) => num(r.items) },
];

/** `/suppliers`: every supplier with its OTIF over the last year, quoted and measured lead time. */
export function Suppliers() {
  useTitle('Suppliers');
  const suppliers = useApi<Page<Supplier>>('/suppliers?limit=1000');
  const metrics = useApi<Metrics>('/metrics');
  const leadTimes = useApi<Page<LeadTime>>('/lead-times?limit=1000');
  const [text, setText] = useState('');

  const bySupplier = new Map<string, LeadTime[]>();
  for (const row of leadTimes.data?.data ?? []) {
    const list = bySupplier.get(row.supplier) ?? [];
    list.push(row);
    bySupplier.set(row.supplier, list);
  }
  const scores = new Map((metrics.data?.suppliers ?? []).map((s) => [s.supplier, s]));
  const rows: Row[] = (suppliers.data?.data ?? []).map((s) => ({
    ...s,
    lines: scores.get(s.code)?.lines ?? 0,
    otif: scores.get(s.code)?.otif ?? null,
    items: bySupplier.get(s.code)?.length ?? 0,
    measuredDays: measuredLeadTimeDays(bySupplier.get(s.code) ?? []),
  }));
  const needle = text.trim().toLowerCase();
  const shown = rows.filter((r) => needle === '' || `${r.code} ${r.name}`.toLowerCase().includes(needle));
  const rated = rows.filter((r) => r.otif !== null).sort((a, b) => (a.otif ?? 0) - (b.otif ?? 0));

  return (
    <>
      <PageHeader
        title="Suppliers"
        subtitle={
          metrics.data
            ? `On time in full (OTIF) and lead times of the lines received ${date(metrics.data.from)} – ${date(metrics.data.to)}`
            : 'On time in full (OTIF) and lead times'
        }
        actions={
          <Link className="button" href="/suppliers/new">
            New supplier
          </Link>
        }
      />
      <ErrorNote error={suppliers.error ?? metrics.error ?? leadTimes.error} />
      {suppliers.loading && <Loading what="Loading suppliers" />}
      {suppliers.data && rows.length === 0 && (
        <Empty title="No suppliers yet.">
          Add a supplier (POST /api/v1/suppliers or <code>bin/leanstock supplier add</code>) and give items sources from
          it: its deliveries are measured here.
        </Empty>
      )}
      {rated.length > 0 && (
        <Card title="OTIF by supplier, worst first">
          <BarChart
            title="OTIF by supplier"
            rows={rated.map((r) => ({
              label: r.code,
              value: r.otif ?? 0,
              color: `var(--${otifTone(r.otif) === 'ok' ? 'ok' : otifTone(r.otif) === 'warn' ? 'warn' : 'bad'})`,
            }))}
            format={(v) => percent(v)}
          />
        </Card>
      )}
      {rows.length > 0 && (
        <Card title={`${rows.length} ${rows.length === 1 ? 'supplier' : 'suppliers'}`}>
          <div className="supplier-filter">
            <Field label="Find a supplier" hint="Code or name">
              {(props) => <input {...props} type="search" value={text} onChange={(e) => setText(e.target.value)} />}
            </Field>
          </div>
          {shown.length === 0 ? (
            <Empty title="No supplier matches.">Clear the search to see them all.</Empty>
          ) : (
            <Table rows={shown} columns={columns} rowKey={(r) => r.code} caption="Suppliers" />
          )}
          <p className="muted sup-note">
            Measured lead time: the mean over the supplier's items, weighted by their receipts; red when it is more than
            half a day over the quoted one.
          </p>
        </Card>
      )}
    </>
  );
}

import { useState } from 'react';
import { api, type Page } from '../api';
import { Link } from '../router';
import { useApi } from '../use-api';
import { CreateForm, type FieldSpec } from './create';
import './create.css';

type SupplierOption = { code: string; name: string; active: boolean };

/** Adds a supplier of the item (a source): whom the trigger orders it from, at what price, in what quantities. */
export function ItemSourceForm({
  sku,
  unit,
  taken,
  onAdded,
}: {
  sku: string;
  unit: string;
  taken: string[];
  onAdded: () => void;
}) {
  const suppliers = useApi<Page<SupplierOption>>('/suppliers?limit=1000');
  const [added, setAdded] = useState<string | undefined>();
  const options = (suppliers.data?.data ?? []).filter((s) => s.active && !taken.includes(s.code));
  const confirmation = added && (
    <p className="create-saved" role="status">
      {added}
    </p>
  );
  if (suppliers.data && options.length === 0) {
    return (
      <div className="source-form">
        {confirmation}
        <p className="muted">
          {taken.length === 0 ? 'There is no supplier yet.' : 'Every active supplier already sells this item.'}{' '}
          <Link href="/suppliers/new">Create a supplier</Link>, then add it here.
        </p>
      </div>
    );
  }
  if (!suppliers.data) return null;
  const specs: FieldSpec[] = [
    {
      name: 'supplier',
      label: 'Supplier',
      kind: 'select',
      required: true,
      options: [
        { value: '', label: 'Choose a supplier' },
        ...options.map((s) => ({ value: s.code, label: `${s.code} · ${s.name}` })),
      ],
    },
    { name: 'unit_price', label: 'Unit price (optional)', kind: 'number', hint: "In the supplier's currency" },
    { name: 'moq', label: `Minimum order (${unit}, optional)`, kind: 'number' },
    { name: 'pack_size', label: `Pack size (${unit}, optional)`, kind: 'number', hint: 'Orders are whole packs' },
    { name: 'lead_time_days', label: 'Lead time (days, optional)', kind: 'number', hint: "Else the supplier's" },
  ];
  return (
    <div className="source-form">
      <h3>Add a supplier</h3>
      <CreateForm
        key={taken.join(',')}
        label={`Add a supplier of ${sku}`}
        specs={specs}
        submitLabel="Add supplier"
        onSubmit={(body) => api(`/items/${encodeURIComponent(sku)}/sources`, { method: 'POST', body })}
        onCreated={(answer, reset) => {
          const source = answer as { supplier: string; rank: number };
          setAdded(`Added ${source.supplier} as supplier of ${sku} (rank ${source.rank}).`);
          reset();
          onAdded();
        }}
      />
      {confirmation}
    </div>
  );
}

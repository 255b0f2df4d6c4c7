import type { RawInput } from '../../domain/catalogue/field-readers.js';
import {
  orderDayNames,
  orderDaysFromText,
  parseSupplierInput,
  SUPPLIER_FIELDS,
  type Supplier,
} from '../../domain/catalogue/supplier.js';
import type { FieldProblem } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { listAllSupplierRows, type SupplierRow } from '../../store/catalogue/supplier.repository.js';
import { changeSupplierWithin, decodeOrderDays, insertSupplierWithin, toSupplierView } from '../supplier.service.js';
import { booleanCell, numberCell, textCell } from './csv-cells.js';
import type { CsvKind, CsvRow } from './csv-kind.js';

/**
 * `suppliers.csv`: one supplier per row, upserted by code. A row states the whole supplier: an
 * empty optional cell clears the field or restores its default; a column left out of the file
 * leaves the field alone. The ordering settings (`auto_send`, `order_days` like `tue;thu`,
 * `consolidation_minutes`) are the last columns, so files written before them still import.
 */
export const supplierCsvKind: CsvKind = {
  name: 'suppliers',
  columns: SUPPLIER_FIELDS,
  requiredColumns: ['code', 'name'],
  numberColumns: ['lead_time_days', 'ordering_cost', 'consolidation_minutes'],

  async importRows(tx, rows, ctx) {
    const existing = new Map((await listAllSupplierRows(tx)).map((row) => [row.code, row]));
    const problems: FieldProblem[] = [];
    const firstRowOf = new Map<string, number>();
    const planned: Array<{ supplier: Supplier; current: SupplierRow | undefined }> = [];
    for (const row of rows) {
      const code = row.values['code'] ?? '';
      const earlier = firstRowOf.get(code);
      if (code !== '' && earlier !== undefined) {
        problems.push({
          row: row.row,
          field: 'code',
          message: `appears twice in the file (first on row ${earlier})`,
          value: code,
        });
        continue;
      }
      firstRowOf.set(code, row.row);
      const current = existing.get(code);
      const raw = { ...(current ? rawOfStoredSupplier(current) : {}), ...rawSupplierOfRow(row) };
      const parsed = parseSupplierInput(raw, 'create');
      if (parsed.ok) planned.push({ supplier: parsed.value, current });
      else for (const problem of parsed.problems) problems.push({ ...problem, row: row.row });
    }
    if (problems.length > 0) return { problems, imported: 0 };
    for (const { supplier, current } of planned) {
      if (current) await changeSupplierWithin(tx, current, supplier, ctx, 'update');
      else await insertSupplierWithin(tx, supplier, ctx);
    }
    return { problems, imported: planned.length };
  },

  async exportRows(tx) {
    return (await listAllSupplierRows(tx)).map((row) => ({
      code: row.code,
      name: row.name,
      email: row.email ?? '',
      lead_time_days: row.lead_time_days === null ? '' : String(row.lead_time_days),
      ordering_cost: row.ordering_cost_minor === null ? '' : formatMoney(Number(row.ordering_cost_minor), row.currency),
      currency: row.currency,
      active: String(row.active === 1),
      auto_send: String(row.auto_send === 1),
      order_days: orderDayNames(decodeOrderDays(row.order_days))?.join(';') ?? '',
      consolidation_minutes: String(row.consolidation_minutes),
    }));
  },
};

function rawSupplierOfRow(row: CsvRow): RawInput {
  const raw: RawInput = {};
  const v = row.values;
  if ('code' in v) raw['code'] = textCell(v['code']!, undefined);
  if ('name' in v) raw['name'] = textCell(v['name']!, undefined);
  if ('email' in v) raw['email'] = textCell(v['email']!, null);
  if ('lead_time_days' in v) raw['lead_time_days'] = numberCell(v['lead_time_days']!, null);
  if ('ordering_cost' in v) raw['ordering_cost'] = numberCell(v['ordering_cost']!, null);
  if ('currency' in v) raw['currency'] = textCell(v['currency']!, undefined);
  if ('active' in v) raw['active'] = booleanCell(v['active']!);
  if ('auto_send' in v) raw['auto_send'] = booleanCell(v['auto_send']!);
  if ('order_days' in v) raw['order_days'] = orderDaysFromText(v['order_days']!);
  if ('consolidation_minutes' in v) raw['consolidation_minutes'] = numberCell(v['consolidation_minutes']!, undefined);
  return raw;
}

function rawOfStoredSupplier(row: SupplierRow): RawInput {
  const { created_at: _created, updated_at: _updated, ...fields } = toSupplierView(row);
  return fields;
}

import type { RawInput } from '../../domain/catalogue/field-readers.js';
import {
  formatPriceBreaks,
  parsePriceBreaksText,
  parseSupplierItemInput,
  SUPPLIER_ITEM_FIELDS,
  type SupplierItem,
} from '../../domain/catalogue/supplier-item.js';
import type { FieldProblem } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { formatQuantity } from '../../domain/quantity.js';
import { listAllSupplierRows, type SupplierRow } from '../../store/catalogue/supplier.repository.js';
import {
  findItemRefs,
  listAllSupplierItemRecords,
  type SupplierItemRecord,
} from '../../store/catalogue/supplier-item.repository.js';
import {
  changeSupplierItemWithin,
  insertSupplierItemWithin,
  supplierItemFromRecord,
  toSupplierItemView,
} from '../supplier-item.service.js';
import { booleanCell, numberCell, textCell } from './csv-cells.js';
import type { CsvKind, CsvRow } from './csv-kind.js';

/**
 * `supplier-items.csv`: one source (item × supplier) per row, upserted by SKU and supplier code;
 * the items and suppliers must exist. `price_breaks` is written `MIN_QUANTITY:UNIT_PRICE` pairs
 * separated by `;` ("10:1.20;50:1.10"). An empty currency is the supplier's. As for the other
 * kinds, a row states the whole source and a column left out of the file leaves the field alone.
 */
export const supplierItemCsvKind: CsvKind = {
  name: 'supplier-items',
  columns: ['sku', ...SUPPLIER_ITEM_FIELDS],
  requiredColumns: ['sku', 'supplier'],
  numberColumns: ['unit_price', 'lead_time_days', 'moq', 'pack_size', 'rank'],

  async importRows(tx, rows, ctx) {
    const [suppliers, records, items] = await Promise.all([
      listAllSupplierRows(tx),
      listAllSupplierItemRecords(tx),
      findItemRefs(tx, [...new Set(rows.map((row) => row.values['sku'] ?? ''))]),
    ]);
    const supplierByCode = new Map(suppliers.map((row) => [row.code, row]));
    const existing = new Map(records.map((record) => [`${record.sku}\n${record.supplier_code}`, record]));
    const problems: FieldProblem[] = [];
    const firstRowOf = new Map<string, number>();
    const planned: Array<{
      source: SupplierItem;
      itemId: number;
      supplier: SupplierRow;
      current: SupplierItemRecord | undefined;
    }> = [];

    for (const row of rows) {
      const sku = row.values['sku'] ?? '';
      const code = row.values['supplier'] ?? '';
      const rowProblems: FieldProblem[] = [];
      const itemId = items.get(sku);
      const supplier = supplierByCode.get(code);
      if (sku === '') rowProblems.push({ row: row.row, field: 'sku', message: 'is required' });
      else if (itemId === undefined)
        rowProblems.push({ row: row.row, field: 'sku', message: `unknown SKU "${sku}"`, value: sku });
      if (code === '') rowProblems.push({ row: row.row, field: 'supplier', message: 'is required' });
      else if (!supplier) {
        rowProblems.push({ row: row.row, field: 'supplier', message: `unknown supplier "${code}"`, value: code });
      }
      const key = `${sku}\n${code}`;
      const earlier = firstRowOf.get(key);
      if (sku !== '' && code !== '' && earlier !== undefined) {
        rowProblems.push({
          row: row.row,
          field: 'supplier',
          message: `${sku} from ${code} appears twice in the file (first on row ${earlier})`,
          value: code,
        });
      }
      firstRowOf.set(key, earlier ?? row.row);

      const current = existing.get(key);
      const raw = { ...(current ? rawOfStoredSource(current) : {}), ...rawSourceOfRow(row, rowProblems) };
      const parsed = parseSupplierItemInput(raw, 'create', { sku, currency: supplier?.currency ?? 'EUR' });
      if (!parsed.ok) for (const problem of parsed.problems) rowProblems.push(asColumnProblem(problem, row.row));
      problems.push(...rowProblems);
      if (rowProblems.length === 0 && parsed.ok) {
        planned.push({ source: parsed.value, itemId: itemId!, supplier: supplier!, current });
      }
    }
    if (problems.length > 0) return { problems, imported: 0 };
    for (const { source, itemId, supplier, current } of planned) {
      if (current) await changeSupplierItemWithin(tx, current, source, ctx, 'update');
      else await insertSupplierItemWithin(tx, itemId, supplier, source, ctx);
    }
    return { problems, imported: planned.length };
  },

  async exportRows(tx) {
    return (await listAllSupplierItemRecords(tx)).map((record) => {
      const source = supplierItemFromRecord(record);
      return {
        sku: source.sku,
        supplier: source.supplier,
        supplier_sku: source.supplierSku ?? '',
        unit_price: source.unitPriceMinor === null ? '' : formatMoney(source.unitPriceMinor, source.currency),
        currency: source.currency,
        price_breaks: formatPriceBreaks(source.priceBreaks, source.currency),
        lead_time_days: source.leadTimeDays === null ? '' : String(source.leadTimeDays),
        moq: source.moqMilli === null ? '' : formatQuantity(source.moqMilli),
        pack_size: source.packSizeMilli === null ? '' : formatQuantity(source.packSizeMilli),
        rank: String(source.rank),
        active: String(source.active),
      };
    });
  },
};

function rawSourceOfRow(row: CsvRow, problems: FieldProblem[]): RawInput {
  const raw: RawInput = {};
  const v = row.values;
  if ('supplier' in v) raw['supplier'] = textCell(v['supplier']!, undefined);
  if ('supplier_sku' in v) raw['supplier_sku'] = textCell(v['supplier_sku']!, null);
  if ('unit_price' in v) raw['unit_price'] = numberCell(v['unit_price']!, null);
  if ('currency' in v) raw['currency'] = textCell(v['currency']!, undefined);
  if ('price_breaks' in v) {
    const breaks = parsePriceBreaksText(v['price_breaks']!);
    if (breaks.ok) raw['price_breaks'] = breaks.value;
    else problems.push({ ...breaks.problem, row: row.row });
  }
  if ('lead_time_days' in v) raw['lead_time_days'] = numberCell(v['lead_time_days']!, null);
  if ('moq' in v) raw['moq'] = numberCell(v['moq']!, null);
  if ('pack_size' in v) raw['pack_size'] = numberCell(v['pack_size']!, null);
  if ('rank' in v) raw['rank'] = numberCell(v['rank']!, undefined);
  if ('active' in v) raw['active'] = booleanCell(v['active']!);
  return raw;
}

function rawOfStoredSource(record: SupplierItemRecord): RawInput {
  const {
    sku: _sku,
    effective_lead_time_days: _effective,
    created_at: _created,
    updated_at: _updated,
    ...fields
  } = toSupplierItemView(record);
  return fields;
}

/** `price_breaks[1].min_quantity` is the `price_breaks` column; the message says which break. */
function asColumnProblem(problem: FieldProblem, row: number): FieldProblem {
  const match = /^price_breaks\[(\d+)\]\.?(.*)$/.exec(problem.field);
  if (!match) return { ...problem, row };
  const which = `break ${Number(match[1]) + 1}${match[2] ? ` ${match[2]}` : ''}`;
  return { ...problem, row, field: 'price_breaks', message: `${which} ${problem.message}` };
}

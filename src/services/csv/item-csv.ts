import type { RawInput } from '../../domain/catalogue/field-readers.js';
import { ITEM_FIELDS, type Item, parseItemInput } from '../../domain/catalogue/item.js';
import type { FieldProblem } from '../../domain/errors.js';
import { formatMoney } from '../../domain/money.js';
import { type ItemRow, listAllItemRows } from '../../store/catalogue/item.repository.js';
import { changeItemWithin, insertItemWithin, toItemView } from '../item.service.js';
import { booleanCell, numberCell, textCell } from './csv-cells.js';
import type { CsvKind, CsvRow } from './csv-kind.js';

/**
 * `items.csv`: one item per row, upserted by SKU. A row states the whole item: an empty optional
 * cell clears the field or restores its default; a column left out of the file leaves the field alone.
 */
export const itemCsvKind: CsvKind = {
  name: 'items',
  columns: ITEM_FIELDS,
  requiredColumns: ['sku', 'name', 'unit'],
  numberColumns: ['unit_cost', 'shelf_life_days'],

  async importRows(tx, rows, ctx) {
    const existing = new Map((await listAllItemRows(tx)).map((row) => [row.sku, row]));
    const problems: FieldProblem[] = [];
    const firstRowOf = new Map<string, number>();
    const planned: Array<{ item: Item; current: ItemRow | undefined }> = [];
    for (const row of rows) {
      const sku = row.values['sku'] ?? '';
      const earlier = firstRowOf.get(sku);
      if (sku !== '' && earlier !== undefined) {
        problems.push({
          row: row.row,
          field: 'sku',
          message: `appears twice in the file (first on row ${earlier})`,
          value: sku,
        });
        continue;
      }
      firstRowOf.set(sku, row.row);
      const current = existing.get(sku);
      const raw = { ...(current ? rawOfStoredItem(current) : {}), ...rawItemOfRow(row) };
      const parsed = parseItemInput(raw, 'create');
      if (parsed.ok) planned.push({ item: parsed.value, current });
      else for (const problem of parsed.problems) problems.push({ ...problem, row: row.row });
    }
    if (problems.length > 0) return { problems, imported: 0 };
    for (const { item, current } of planned) {
      if (current) await changeItemWithin(tx, current, item, ctx, 'update');
      else await insertItemWithin(tx, item, ctx);
    }
    return { problems, imported: planned.length };
  },

  async exportRows(tx) {
    return (await listAllItemRows(tx)).map((row) => ({
      sku: row.sku,
      name: row.name,
      unit: row.unit,
      category: row.category ?? '',
      unit_cost: row.unit_cost_minor === null ? '' : formatMoney(Number(row.unit_cost_minor), row.currency),
      currency: row.currency,
      shelf_life_days: row.shelf_life_days === null ? '' : String(row.shelf_life_days),
      criticality: row.criticality,
      allow_negative: String(row.allow_negative === 1),
      active: String(row.active === 1),
    }));
  },
};

function rawItemOfRow(row: CsvRow): RawInput {
  const raw: RawInput = {};
  const v = row.values;
  if ('sku' in v) raw['sku'] = textCell(v['sku']!, undefined);
  if ('name' in v) raw['name'] = textCell(v['name']!, undefined);
  if ('unit' in v) raw['unit'] = textCell(v['unit']!, undefined);
  if ('category' in v) raw['category'] = textCell(v['category']!, null);
  if ('unit_cost' in v) raw['unit_cost'] = numberCell(v['unit_cost']!, null);
  if ('currency' in v) raw['currency'] = textCell(v['currency']!, undefined);
  if ('shelf_life_days' in v) raw['shelf_life_days'] = numberCell(v['shelf_life_days']!, null);
  if ('criticality' in v) raw['criticality'] = textCell(v['criticality']!, undefined);
  if ('allow_negative' in v) raw['allow_negative'] = booleanCell(v['allow_negative']!);
  if ('active' in v) raw['active'] = booleanCell(v['active']!);
  return raw;
}

function rawOfStoredItem(row: ItemRow): RawInput {
  const { created_at: _created, updated_at: _updated, ...fields } = toItemView(row);
  return fields;
}

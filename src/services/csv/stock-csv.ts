import { type FieldProblem, isDomainError } from '../../domain/errors.js';
import { formatQuantity, parseQuantity, toQuantity } from '../../domain/quantity.js';
import { listAllItemRows } from '../../store/catalogue/item.repository.js';
import { listAllLocationRows } from '../../store/catalogue/location.repository.js';
import { listOnHandRows } from '../../store/on-hand.repository.js';
import { postMovementsWithin } from '../ledger.service.js';
import { numberCell } from './csv-cells.js';
import type { CsvKind } from './csv-kind.js';

export const OPENING_STOCK_REASON = 'opening stock';

/**
 * `stock.csv`: opening stock, one item × location per row. Importing sets on hand to `quantity`
 * through the ledger: a `count` movement with reason "opening stock" (an `adjustment` for a
 * negative quantity, which only items that allow negative stock accept). Rows that already match
 * post nothing. Export lists every non-zero on hand by SKU, then location.
 */
export const stockCsvKind: CsvKind = {
  name: 'stock',
  columns: ['sku', 'location', 'quantity'],
  requiredColumns: ['sku', 'location', 'quantity'],
  numberColumns: ['quantity'],

  async importRows(tx, rows, ctx, database) {
    const [items, locations, balances] = await Promise.all([
      listAllItemRows(tx),
      listAllLocationRows(tx),
      listOnHandRows(tx, { nonZeroOnly: false }),
    ]);
    const itemBySku = new Map(items.map((item) => [item.sku, item]));
    const locationByCode = new Map(locations.map((location) => [location.code, location]));
    const onHand = new Map(balances.map((b) => [`${b.sku}\n${b.location}`, Number(b.on_hand_milli)]));
    const problems: FieldProblem[] = [];
    const firstRowOf = new Map<string, number>();
    const movements: Array<Record<string, unknown>> = [];
    const rowOfMovement: number[] = [];

    for (const { row, values } of rows) {
      const sku = values['sku'] ?? '';
      const code = values['location'] ?? '';
      const rowProblems: FieldProblem[] = [];
      const item = itemBySku.get(sku);
      const location = locationByCode.get(code);
      if (sku === '') rowProblems.push({ row, field: 'sku', message: 'is required' });
      else if (!item) rowProblems.push({ row, field: 'sku', message: `unknown SKU "${sku}"`, value: sku });
      else if (item.active !== 1)
        rowProblems.push({ row, field: 'sku', message: `item "${sku}" is deactivated`, value: sku });
      if (code === '') rowProblems.push({ row, field: 'location', message: 'is required' });
      else if (!location)
        rowProblems.push({ row, field: 'location', message: `unknown location "${code}"`, value: code });
      else if (location.active !== 1) {
        rowProblems.push({ row, field: 'location', message: `location "${code}" is deactivated`, value: code });
      }
      const cell = values['quantity'] ?? '';
      const quantity = parseQuantity(numberCell(cell, undefined), 'quantity', 'any');
      if (!quantity.ok) rowProblems.push({ ...quantity.problem, row, value: cell });
      else if (quantity.milli < 0 && item && item.allow_negative !== 1) {
        rowProblems.push({
          row,
          field: 'quantity',
          message: `must not be negative: item "${sku}" does not allow negative stock`,
          value: cell,
        });
      }
      const key = `${sku}\n${code}`;
      const earlier = firstRowOf.get(key);
      if (earlier !== undefined) {
        rowProblems.push({
          row,
          field: 'location',
          message: `"${sku}" at "${code}" appears twice in the file (first on row ${earlier})`,
        });
      } else firstRowOf.set(key, row);
      if (rowProblems.length > 0 || !quantity.ok) {
        problems.push(...rowProblems);
        continue;
      }
      const current = onHand.get(key) ?? 0;
      if (quantity.milli === current) continue;
      movements.push(
        quantity.milli >= 0
          ? { type: 'count', sku, location: code, quantity: toQuantity(quantity.milli), reason: OPENING_STOCK_REASON }
          : {
              type: 'adjustment',
              sku,
              location: code,
              quantity: toQuantity(quantity.milli - current),
              reason: OPENING_STOCK_REASON,
            },
      );
      rowOfMovement.push(row);
    }
    if (problems.length > 0) return { problems, imported: 0 };
    if (movements.length > 0) {
      try {
        await postMovementsWithin(tx, database, movements, ctx);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        const details = error.details ?? [{ field: 'quantity', message: error.message }];
        const rowOf = (index: number | undefined) => rowOfMovement[index ?? 0];
        return { problems: details.map(({ index, ...problem }) => ({ ...problem, row: rowOf(index)! })), imported: 0 };
      }
    }
    return { problems, imported: rows.length };
  },

  async exportRows(tx) {
    return (await listOnHandRows(tx, { nonZeroOnly: true })).map((row) => ({
      sku: row.sku,
      location: row.location,
      quantity: formatQuantity(Number(row.on_hand_milli)),
    }));
  },
};

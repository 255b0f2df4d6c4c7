import type { FieldProblem } from '../../domain/errors.js';
import type { Database, Tx } from '../../store/database.js';
import type { ServiceContext } from '../context.js';

export const CSV_KINDS = ['items', 'locations', 'suppliers', 'supplier-items', 'stock'] as const;
export type CsvKindName = (typeof CSV_KINDS)[number];

/** One data line of a CSV file: `row` is its line number as a spreadsheet shows it (the header is row 1). */
export type CsvRow = { row: number; values: Record<string, string> };

/**
 * What one kind of CSV file (items, suppliers, ...) must provide. `importRows` validates every row
 * and writes them in the caller's transaction; if it returns any problem, the import service rolls the
 * whole transaction back, so a file with one bad row changes nothing.
 */
export type CsvKind = {
  name: CsvKindName;
  /** Export column order; also every column import accepts. */
  columns: readonly string[];
  /** Columns a file must have. */
  requiredColumns: readonly string[];
  /** Columns of plain numbers, written as they are; every other column is text and written formula-safe. */
  numberColumns: readonly string[];
  importRows(
    tx: Tx,
    rows: CsvRow[],
    ctx: ServiceContext,
    database: Database,
  ): Promise<{ problems: FieldProblem[]; imported: number }>;
  /** Every record in a stable order (by natural key), as CSV cell strings. */
  exportRows(tx: Tx): Promise<Array<Record<string, string>>>;
};

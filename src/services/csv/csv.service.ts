import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { DomainError, type FieldProblem } from '../../domain/errors.js';
import { type Database, readTransaction, writeTransaction } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { CSV_KINDS, type CsvKind, type CsvKindName, type CsvRow } from './csv-kind.js';
import { neutraliseFormula, restoreFormula } from './formula-cell.js';
import { csvKinds } from './kinds.js';

export const MAX_IMPORT_ROWS = 200_000;

export type ImportReport = { kind: CsvKindName; rows: number; imported: number; dry_run: boolean };

export function csvKind(name: string): CsvKind {
  const kind = csvKinds()[name as CsvKindName];
  if (!kind) {
    throw new DomainError('LS_VALIDATION', `kind: must be one of ${CSV_KINDS.join(', ')}`, [
      { field: 'kind', message: `must be one of ${CSV_KINDS.join(', ')}`, value: name },
    ]);
  }
  return kind;
}

/**
 * Writes every record of a kind as CSV (header first, LF line ends) in a stable order. Text cells a spreadsheet would
 * run as a formula get a leading `'` (see `neutraliseFormula`); number columns stay numbers.
 */
export async function exportCsv(database: Database, name: string): Promise<string> {
  const kind = csvKind(name);
  const numbers = new Set(kind.numberColumns);
  const records = (await readTransaction(database, (tx) => kind.exportRows(tx))).map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([column, cell]) => [column, numbers.has(column) ? cell : neutraliseFormula(cell)]),
    ),
  );
  return stringify(records, { header: true, columns: [...kind.columns], record_delimiter: 'unix' });
}

/**
 * Imports a CSV file: every row is validated first and *all* problems are reported with row, column
 * and reason; a file with any bad row changes nothing. With `dryRun` nothing is written even when
 * the file is clean.
 */
export async function importCsv(
  database: Database,
  name: string,
  text: string,
  ctx: ServiceContext,
  options: { dryRun?: boolean } = {},
): Promise<ImportReport> {
  const kind = csvKind(name);
  const rows = parseCsvRows(text, kind);
  const dryRun = options.dryRun === true;
  const rollback = new Error('dry run');
  try {
    return await writeTransaction(database, async (tx) => {
      const { problems, imported } = await kind.importRows(tx, rows, ctx, database);
      throwImportProblems(kind.name, problems);
      const report = { kind: kind.name, rows: rows.length, imported, dry_run: dryRun };
      if (dryRun) throw Object.assign(rollback, { report });
      return report;
    });
  } catch (error) {
    if (error === rollback) return (rollback as unknown as { report: ImportReport }).report;
    throw error;
  }
}

/**
 * Parses CSV text into rows keyed by header, checking the header against the kind's columns. Cells are trimmed and a
 * quote added against formula injection is dropped (see `restoreFormula`), so an export reads back as it was.
 */
export function parseCsvRows(text: string, kind: CsvKind): CsvRow[] {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throwImportProblems(kind.name, [
      { field: 'file', message: `is not valid CSV: ${(error as Error).message}`, ...(line ? { row: line } : {}) },
    ]);
    return [];
  }
  const [header, ...body] = records;
  if (!header)
    throwImportProblems(kind.name, [{ field: 'file', message: 'is empty; the first line must be the header', row: 1 }]);
  const problems: FieldProblem[] = [];
  const known = new Set(kind.columns);
  const seen = new Set<string>();
  for (const column of header!) {
    if (!known.has(column))
      problems.push({ row: 1, field: column, message: `unknown column; expected ${kind.columns.join(', ')}` });
    if (seen.has(column)) problems.push({ row: 1, field: column, message: 'appears twice in the header' });
    seen.add(column);
  }
  for (const column of kind.requiredColumns) {
    if (!seen.has(column)) problems.push({ row: 1, field: column, message: 'required column is missing' });
  }
  if (body.length > MAX_IMPORT_ROWS) {
    problems.push({ row: MAX_IMPORT_ROWS + 2, field: 'file', message: `has more than ${MAX_IMPORT_ROWS} rows` });
  }
  body.forEach((cells, i) => {
    if (cells.length !== header!.length) {
      problems.push({
        row: i + 2,
        field: 'file',
        message: `has ${cells.length} cells; the header has ${header!.length}`,
      });
    }
  });
  throwImportProblems(kind.name, problems);
  return body.map((cells, i) => ({
    row: i + 2,
    values: Object.fromEntries(header!.map((column, c) => [column, restoreFormula((cells[c] ?? '').trim())])),
  }));
}

function throwImportProblems(kind: string, problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  const sorted = [...problems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  const first = sorted[0]!;
  throw new DomainError(
    'LS_IMPORT_INVALID',
    `${kind}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}, nothing imported; first: row ${first.row ?? '?'}, ${first.field}: ${first.message}`,
    sorted,
  );
}

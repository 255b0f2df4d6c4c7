import type { RawInput } from '../../domain/catalogue/field-readers.js';
import {
  LOCATION_FIELDS,
  type LocationInput,
  type LocationPatch,
  orderParentsFirst,
  parseLocationInput,
} from '../../domain/catalogue/location.js';
import { type FieldProblem, isDomainError } from '../../domain/errors.js';
import { listAllLocationRows } from '../../store/catalogue/location.repository.js';
import { changeLocationWithin, insertLocationWithin, requireLocationRow } from '../location.service.js';
import { booleanCell, textCell } from './csv-cells.js';
import type { CsvKind, CsvRow } from './csv-kind.js';

type Planned = LocationInput & { row: number; columns: Set<string> };

/**
 * `locations.csv`: one location per row, upserted by code. Parents may come after their children
 * in the file: rows are applied parents first. A bin's `time_zone` is left empty (it uses its site's).
 */
export const locationCsvKind: CsvKind = {
  name: 'locations',
  columns: LOCATION_FIELDS,
  requiredColumns: ['code', 'name'],
  numberColumns: [],

  async importRows(tx, rows, ctx) {
    const existing = new Set((await listAllLocationRows(tx)).map((row) => row.code));
    const problems: FieldProblem[] = [];
    const firstRowOf = new Map<string, number>();
    const planned: Planned[] = [];
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
      const parsed = parseLocationInput(rawLocationOfRow(row), 'create');
      if (parsed.ok) planned.push({ ...parsed.value, row: row.row, columns: new Set(Object.keys(row.values)) });
      else for (const problem of parsed.problems) problems.push({ ...problem, row: row.row });
    }

    const inFile = new Set(planned.map((location) => location.code));
    const { ordered, cyclic } = orderParentsFirst(planned);
    for (const location of cyclic) {
      problems.push({
        row: location.row,
        field: 'parent',
        message: `"${location.parent}" is on a cycle of parents in this file: a location cannot be its own ancestor`,
        value: location.parent,
      });
    }
    for (const location of ordered) {
      if (location.parent === null || inFile.has(location.parent) || existing.has(location.parent)) continue;
      const parentRow = firstRowOf.get(location.parent);
      problems.push({
        row: location.row,
        field: 'parent',
        message:
          parentRow === undefined
            ? `unknown location "${location.parent}" (neither in the database nor in this file)`
            : `"${location.parent}" (row ${parentRow}) has problems`,
        value: location.parent,
      });
    }
    if (problems.length > 0) return { problems, imported: 0 };

    const failed = new Map<string, number>();
    for (const location of ordered) {
      if (location.parent !== null && failed.has(location.parent)) {
        problems.push({
          row: location.row,
          field: 'parent',
          message: `"${location.parent}" (row ${failed.get(location.parent)}) has problems`,
          value: location.parent,
        });
        failed.set(location.code, location.row);
        continue;
      }
      try {
        if (existing.has(location.code)) {
          const current = await requireLocationRow(tx, location.code);
          await changeLocationWithin(tx, current, patchOf(location), ctx, 'update');
        } else {
          await insertLocationWithin(tx, location, ctx);
        }
      } catch (error) {
        if (!isDomainError(error)) throw error;
        failed.set(location.code, location.row);
        const details = error.details ?? [{ field: 'code', message: error.message }];
        for (const problem of details) problems.push({ ...problem, row: location.row });
      }
    }
    return { problems, imported: problems.length > 0 ? 0 : ordered.length };
  },

  async exportRows(tx) {
    return (await listAllLocationRows(tx)).map((row) => ({
      code: row.code,
      name: row.name,
      parent: row.parent_code ?? '',
      time_zone: row.kind === 'site' ? (row.time_zone ?? '') : '',
      active: String(row.active === 1),
    }));
  },
};

function rawLocationOfRow(row: CsvRow): RawInput {
  const v = row.values;
  const raw: RawInput = {};
  if ('code' in v) raw['code'] = textCell(v['code']!, undefined);
  if ('name' in v) raw['name'] = textCell(v['name']!, undefined);
  if ('parent' in v) raw['parent'] = textCell(v['parent']!, null);
  if ('time_zone' in v) raw['time_zone'] = textCell(v['time_zone']!, undefined);
  if ('active' in v) raw['active'] = booleanCell(v['active']!);
  return raw;
}

/** An existing location takes what the row states; columns the file leaves out stay as they are. */
function patchOf(location: Planned): LocationPatch {
  return {
    name: location.name,
    ...(location.columns.has('parent') && { parent: location.parent }),
    ...(location.timeZone !== null && { timeZone: location.timeZone }),
    ...(location.columns.has('active') && { active: location.active }),
  };
}

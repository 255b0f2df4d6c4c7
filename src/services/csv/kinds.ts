import type { CsvKind, CsvKindName } from './csv-kind.js';

/**
 * The registry of CSV kinds. Each catalogue area adds its module here
 * (items, locations, suppliers, supplier-items, stock).
 */
export function csvKinds(): Partial<Record<CsvKindName, CsvKind>> {
  return {};
}

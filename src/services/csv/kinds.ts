import type { CsvKind, CsvKindName } from './csv-kind.js';
import { itemCsvKind } from './item-csv.js';
import { locationCsvKind } from './location-csv.js';
import { stockCsvKind } from './stock-csv.js';
import { supplierCsvKind } from './supplier-csv.js';
import { supplierItemCsvKind } from './supplier-item-csv.js';

/**
 * The registry of CSV kinds. Each catalogue area adds its module here
 * (items, locations, suppliers, supplier-items, stock).
 */
export function csvKinds(): Partial<Record<CsvKindName, CsvKind>> {
  return {
    items: itemCsvKind,
    locations: locationCsvKind,
    stock: stockCsvKind,
    suppliers: supplierCsvKind,
    'supplier-items': supplierItemCsvKind,
  };
}

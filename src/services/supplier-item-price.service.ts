import {
  describePeriod,
  describePrice,
  overlapField,
  parseContractPriceInput,
} from '../domain/catalogue/contract-price.js';
import { valueOrThrow } from '../domain/catalogue/field-readers.js';
import { DomainError } from '../domain/errors.js';
import { toMoney } from '../domain/money.js';
import {
  findItemRef,
  findSupplierItemRecord,
  type SupplierItemRecord,
} from '../store/catalogue/supplier-item.repository.js';
import {
  findOverlappingContract,
  insertSupplierItemPriceRow,
  listSupplierItemPriceRecords,
  lockSupplierItemPrices,
  type SupplierItemPriceKind,
  type SupplierItemPriceRecord,
} from '../store/catalogue/supplier-item-price.repository.js';
import { type Database, readTransaction, type Tx } from '../store/database.js';
import { recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { idempotentWrite } from './idempotent-write.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from './pagination.js';
import { requireSupplierRow } from './supplier.service.js';

/** One entry of a source's price history as the API and the CLI show it: money in major units. */
export type SupplierItemPriceView = {
  id: number;
  sku: string;
  supplier: string;
  /** `contract`: agreed for valid_from … valid_to; `purchase`: paid on a purchase order line. */
  kind: SupplierItemPriceKind;
  unit_price: number;
  currency: string;
  valid_from: string | null;
  valid_to: string | null;
  purchase_order_id: number | null;
  purchase_order_line_id: number | null;
  recorded_at: string;
};

export type SupplierItemPriceQuery = { kind?: SupplierItemPriceKind; cursor?: string; limit?: number };

export const PRICE_KINDS: readonly SupplierItemPriceKind[] = ['contract', 'purchase'];

const ENTITY = 'supplier_item_price';

/**
 * Records a contract price for the source `sku` × `supplier`. The currency defaults to the source's.
 * A period that shares a date with another contract price of the same source is LS_DUPLICATE naming
 * `valid_from` or `valid_to`, whichever reaches into the other period.
 */
export async function addContractPrice(
  database: Database,
  sku: string,
  supplier: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<SupplierItemPriceView> {
  return idempotentWrite(database, ctx, `POST /items/${sku}/sources/${supplier}/prices`, raw, async (tx) => {
    const source = await requireSource(tx, sku, supplier);
    const contract = valueOrThrow(parseContractPriceInput(raw, { currency: source.currency }));
    await lockSupplierItemPrices(tx, source.id);
    const overlapping = await findOverlappingContract(tx, source.id, contract);
    if (overlapping) {
      const field = overlapField(contract, { validFrom: overlapping.valid_from, validTo: overlapping.valid_to });
      const existing = `${describePeriod({ validFrom: overlapping.valid_from, validTo: overlapping.valid_to })} (${describePrice(Number(overlapping.unit_price_minor), overlapping.currency)})`;
      const message = `overlaps the contract price valid ${existing}; contract periods of a source must not share a date`;
      throw new DomainError('LS_DUPLICATE', `${field}: ${message}`, [
        { field, message, value: field === 'valid_from' ? contract.validFrom : contract.validTo },
      ]);
    }
    const values = {
      supplier_item_id: source.id,
      kind: 'contract' as const,
      unit_price_minor: contract.unitPriceMinor,
      currency: contract.currency,
      valid_from: contract.validFrom,
      valid_to: contract.validTo,
      purchase_order_line_id: null,
      recorded_at: ctx.now,
    };
    const id = await insertSupplierItemPriceRow(tx, values);
    const view = toPriceView({ id, ...values, purchase_order_id: null }, source);
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: `${source.sku}/${source.supplier_code}`,
      action: 'create',
      before: null,
      after: view,
    });
    return view;
  });
}

/** The price history of a source, contract and purchase prices, newest recorded first, a page at a time. */
export async function listSupplierItemPrices(
  database: Database,
  sku: string,
  supplier: string,
  query: SupplierItemPriceQuery = {},
): Promise<Page<SupplierItemPriceView>> {
  const limit = checkPageLimit(query.limit);
  if (query.kind !== undefined && !PRICE_KINDS.includes(query.kind)) {
    throw new DomainError('LS_VALIDATION', `kind: must be one of ${PRICE_KINDS.join(', ')}`, [
      { field: 'kind', message: `must be one of ${PRICE_KINDS.join(', ')}`, value: query.kind },
    ]);
  }
  const before = query.cursor === undefined ? undefined : decodePriceCursor(query.cursor);
  const { source, rows } = await readTransaction(database, async (tx) => {
    const source = await requireSource(tx, sku, supplier);
    const rows = await listSupplierItemPriceRecords(tx, source.id, {
      ...(query.kind !== undefined && { kind: query.kind }),
      ...(before !== undefined && { before }),
      limit: limit + 1,
    });
    return { source, rows };
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => toPriceView(row, source)),
    next_cursor: rows.length > limit && last ? encodeCursor([Number(last.recorded_at), Number(last.id)]) : null,
  };
}

function toPriceView(row: SupplierItemPriceRecord, source: SupplierItemRecord): SupplierItemPriceView {
  return {
    id: Number(row.id),
    sku: source.sku,
    supplier: source.supplier_code,
    kind: row.kind === 'purchase' ? 'purchase' : 'contract',
    unit_price: toMoney(Number(row.unit_price_minor), row.currency),
    currency: row.currency,
    valid_from: row.valid_from,
    valid_to: row.valid_to,
    purchase_order_id: row.purchase_order_id === null ? null : Number(row.purchase_order_id),
    purchase_order_line_id: row.purchase_order_line_id === null ? null : Number(row.purchase_order_line_id),
    recorded_at: new Date(Number(row.recorded_at)).toISOString(),
  };
}

/** The source `sku` × `supplier`: LS_UNKNOWN_ITEM naming `sku`, LS_UNKNOWN_SUPPLIER or LS_UNKNOWN_SUPPLIER_ITEM naming `supplier`. */
async function requireSource(tx: Tx, sku: string, supplierCode: string): Promise<SupplierItemRecord> {
  const item = await findItemRef(tx, sku);
  if (!item) {
    throw new DomainError('LS_UNKNOWN_ITEM', `sku: unknown SKU "${sku}"`, [
      { field: 'sku', message: 'unknown SKU', value: sku },
    ]);
  }
  const supplier = await requireSupplierRow(tx, supplierCode);
  const record = await findSupplierItemRecord(tx, item.id, supplier.id);
  if (!record) {
    throw new DomainError(
      'LS_UNKNOWN_SUPPLIER_ITEM',
      `supplier: item "${sku}" has no source from supplier "${supplierCode}"`,
      [{ field: 'supplier', message: `is not a source of item "${sku}"`, value: supplierCode }],
    );
  }
  return record;
}

function decodePriceCursor(cursor: string): { recordedAt: number; id: number } {
  const [recordedAt, id] = decodeCursor(cursor, 2, 'cursor');
  if (
    typeof recordedAt === 'number' &&
    Number.isSafeInteger(recordedAt) &&
    typeof id === 'number' &&
    Number.isSafeInteger(id)
  ) {
    return { recordedAt, id };
  }
  throw new DomainError('LS_VALIDATION', 'cursor: is not a cursor this list returned', [
    { field: 'cursor', message: 'is not a cursor this list returned', value: cursor },
  ]);
}

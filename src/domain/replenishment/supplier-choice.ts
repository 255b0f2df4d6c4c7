/** What supplier choice needs of a supplier item (an item × supplier); `SupplierItem` from the catalogue fits. */
export type SupplierSource = {
  /** The supplier's code. */
  supplier: string;
  /** Preference among the item's sources, 1 = preferred. */
  rank: number;
  active: boolean;
};

/** What supplier choice needs of a supplier; `Supplier` from the catalogue fits. */
export type SupplierStatus = { code: string; active: boolean };

/** Why no source can be ordered from; the reason of a `stock.below_reorder_point` event. */
export type NoSupplierReason =
  | 'no_supplier_items'
  | 'all_supplier_items_inactive'
  | 'all_suppliers_inactive'
  | 'policy_supplier_not_configured'
  | 'policy_supplier_unusable';

export type SupplierChoice<T extends SupplierSource> =
  | { ok: true; source: T }
  | { ok: false; reason: NoSupplierReason; message: string };

/**
 * Picks the source an order line goes to: among the item's active supplier items whose supplier
 * exists and is active, the lowest rank; ties go to the alphabetically first supplier code so the
 * choice never depends on storage order. `requiredSupplier` (a kanban loop's supplier) restricts the
 * choice to that supplier's source.
 *
 * When none is usable the answer says why, most specific first:
 * no sources → `no_supplier_items`; the required supplier has no source → `policy_supplier_not_configured`;
 * its source or supplier is inactive → `policy_supplier_unusable`; every source inactive →
 * `all_supplier_items_inactive`; every active source's supplier inactive or unknown → `all_suppliers_inactive`.
 *
 * @example chooseSupplierItem([{ supplier: 'B', rank: 2, active: true }, { supplier: 'A', rank: 1, active: false }],
 *   [{ code: 'A', active: true }, { code: 'B', active: true }])
 * // { ok: true, source: { supplier: 'B', rank: 2, active: true } }
 */
export function chooseSupplierItem<T extends SupplierSource>(
  sources: readonly T[],
  suppliers: readonly SupplierStatus[],
  requiredSupplier?: string,
): SupplierChoice<T> {
  if (sources.length === 0) {
    return { ok: false, reason: 'no_supplier_items', message: 'the item has no supplier items (sources) configured' };
  }
  const activeSuppliers = new Set(suppliers.filter((s) => s.active).map((s) => s.code));
  const isUsable = (source: T) => source.active && activeSuppliers.has(source.supplier);

  if (requiredSupplier !== undefined) {
    const own = sources.filter((s) => s.supplier === requiredSupplier);
    if (own.length === 0) {
      return {
        ok: false,
        reason: 'policy_supplier_not_configured',
        message: `the policy names supplier "${requiredSupplier}", which is not a source of the item`,
      };
    }
    const usable = own.filter(isUsable);
    if (usable.length === 0) {
      const what = own.some((s) => s.active) ? 'the supplier is inactive or unknown' : 'its supplier item is inactive';
      return {
        ok: false,
        reason: 'policy_supplier_unusable',
        message: `the policy names supplier "${requiredSupplier}", but ${what}`,
      };
    }
    return { ok: true, source: preferred(usable) };
  }

  const activeSources = sources.filter((s) => s.active);
  if (activeSources.length === 0) {
    return {
      ok: false,
      reason: 'all_supplier_items_inactive',
      message: `all ${sources.length} supplier items of the item are inactive`,
    };
  }
  const usable = activeSources.filter(isUsable);
  if (usable.length === 0) {
    const codes = [...new Set(activeSources.map((s) => s.supplier))].sort().join(', ');
    return {
      ok: false,
      reason: 'all_suppliers_inactive',
      message: `the suppliers of every active supplier item are inactive or unknown (${codes})`,
    };
  }
  return { ok: true, source: preferred(usable) };
}

function preferred<T extends SupplierSource>(sources: readonly T[]): T {
  return sources.reduce((best, s) =>
    s.rank < best.rank || (s.rank === best.rank && s.supplier < best.supplier) ? s : best,
  );
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseSupplierItem, type SupplierSource, type SupplierStatus } from './supplier-choice.js';

const source = (supplier: string, rank: number, active = true): SupplierSource => ({ supplier, rank, active });
const suppliers: SupplierStatus[] = [
  { code: 'ACME', active: true },
  { code: 'BOLTS', active: true },
  { code: 'CLOSED', active: false },
];

const chosen = (sources: SupplierSource[], required?: string) => {
  const result = chooseSupplierItem(sources, suppliers, required);
  return result.ok ? result.source.supplier : result.reason;
};

describe('chooseSupplierItem', () => {
  it.each<[string, SupplierSource[], string | undefined, string]>([
    ['picks the lowest rank', [source('BOLTS', 2), source('ACME', 1)], undefined, 'ACME'],
    ['skips an inactive supplier item', [source('ACME', 1, false), source('BOLTS', 2)], undefined, 'BOLTS'],
    ['skips a source whose supplier is inactive', [source('CLOSED', 1), source('BOLTS', 3)], undefined, 'BOLTS'],
    ['skips a source whose supplier is unknown', [source('GHOST', 1), source('ACME', 2)], undefined, 'ACME'],
    ['breaks a rank tie by supplier code', [source('BOLTS', 1), source('ACME', 1)], undefined, 'ACME'],
    ['reports an item without sources', [], undefined, 'no_supplier_items'],
    [
      'reports an item whose sources are all inactive',
      [source('ACME', 1, false)],
      undefined,
      'all_supplier_items_inactive',
    ],
    [
      'reports an item whose active sources all have inactive suppliers',
      [source('CLOSED', 1), source('ACME', 2, false)],
      undefined,
      'all_suppliers_inactive',
    ],
    ['keeps to the supplier a kanban loop names', [source('ACME', 1), source('BOLTS', 2)], 'BOLTS', 'BOLTS'],
    ['reports a named supplier that is not a source', [source('ACME', 1)], 'BOLTS', 'policy_supplier_not_configured'],
    [
      'reports a named supplier whose source is inactive',
      [source('ACME', 1), source('BOLTS', 2, false)],
      'BOLTS',
      'policy_supplier_unusable',
    ],
    [
      'reports a named supplier that is inactive',
      [source('ACME', 1), source('CLOSED', 2)],
      'CLOSED',
      'policy_supplier_unusable',
    ],
    ['reports an item without sources even when a supplier is named', [], 'ACME', 'no_supplier_items'],
  ])('%s', (_name, sources, required, expected) => {
    expect(chosen(sources, required)).toBe(expected);
  });

  it('explains why none is usable in words', () => {
    const result = chooseSupplierItem([source('CLOSED', 1)], suppliers);
    expect(result).toEqual({
      ok: false,
      reason: 'all_suppliers_inactive',
      message: 'the suppliers of every active supplier item are inactive or unknown (CLOSED)',
    });
  });

  it('returns the source object itself, with its own fields', () => {
    const item = { ...source('ACME', 1), packSizeMilli: 12_000 };
    const result = chooseSupplierItem([item], suppliers);
    expect(result.ok && result.source).toBe(item);
  });

  it('chooses the same source whatever the order of the list', () => {
    const sourceArb = fc.record({
      supplier: fc.constantFrom('ACME', 'BOLTS', 'CLOSED', 'GHOST'),
      rank: fc.integer({ min: 1, max: 3 }),
      active: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(sourceArb, { selector: (s) => s.supplier, maxLength: 4 }), (sources) => {
        const forward = chooseSupplierItem(sources, suppliers);
        const backward = chooseSupplierItem([...sources].reverse(), suppliers);
        expect(backward).toEqual(forward);
        if (forward.ok) {
          expect(forward.source.active).toBe(true);
          expect(['ACME', 'BOLTS']).toContain(forward.source.supplier);
        }
      }),
    );
  });
});

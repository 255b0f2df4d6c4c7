import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScratchDatabase, describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { parseItemInput } from '../../domain/catalogue/item.js';
import { openDatabase } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { createItem, getItem, updateItem } from '../item.service.js';
import { postMovements } from '../ledger.service.js';
import { exportCsv, importCsv } from './csv.service.js';
import { neutraliseFormula, restoreFormula } from './formula-cell.js';

const FORMULA_START = /^[=+\-@\t\r]/;
const ctx = (): ServiceContext => ({ actor: 'importer', now: Date.UTC(2026, 2, 1, 9) });

/** Text that starts like a formula, like an already quoted formula, or anyhow. */
const risky = fc
  .tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", "'=", "''-", "'x", ''), fc.string({ maxLength: 12 }))
  .map(([start, rest]) => start + rest);

describe('neutraliseFormula and restoreFormula', () => {
  it('quote a cell a spreadsheet would run as a formula and leave other text alone', () => {
    expect(neutraliseFormula('=HYPERLINK("http://evil")')).toBe(`'=HYPERLINK("http://evil")`);
    expect(neutraliseFormula('+1+1')).toBe("'+1+1");
    expect(neutraliseFormula('-2+3')).toBe("'-2+3");
    expect(neutraliseFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseFormula('\tcmd')).toBe("'\tcmd");
    expect(neutraliseFormula('\rcmd')).toBe("'\rcmd");
    expect(neutraliseFormula("'=already")).toBe("''=already");
    expect(neutraliseFormula("O'Brien's bolts")).toBe("O'Brien's bolts");
    expect(neutraliseFormula("'quoted")).toBe("'quoted");
    expect(neutraliseFormula('a=b')).toBe('a=b');
    expect(neutraliseFormula('')).toBe('');
  });

  it('read every neutralised text back as it was', () => {
    fc.assert(
      fc.property(fc.oneof(risky, fc.string()), (text) => {
        expect(restoreFormula(neutraliseFormula(text))).toBe(text);
      }),
    );
  });

  it('never write a cell that starts like a formula', () => {
    fc.assert(
      fc.property(fc.oneof(risky, fc.string()), (text) => {
        expect(neutraliseFormula(text)).not.toMatch(FORMULA_START);
      }),
    );
  });

  it("leave a user's own leading quote alone unless a formula start follows it", () => {
    expect(restoreFormula("'quoted")).toBe("'quoted");
    expect(restoreFormula("'-5")).toBe('-5');
    expect(restoreFormula('-5')).toBe('-5');
  });
});

describeEachDialect('CSV export against formula injection', ({ dialect, database }) => {
  it('quotes formula-like text cells, keeps a negative quantity a number, and imports both back', async () => {
    await seedCatalogue(database(), { items: [{ sku: '-DRILL', allowNegative: true }], locations: ['MAIN'] });
    await updateItem(database(), '-DRILL', { name: '=HYPERLINK("http://evil")', category: '@SUM(A1)' }, ctx());
    await postMovements(
      database(),
      [{ type: 'adjustment', sku: '-DRILL', location: 'MAIN', quantity: -2.5, reason: 'found short' }],
      ctx(),
    );
    const items = await exportCsv(database(), 'items');
    const stock = await exportCsv(database(), 'stock');
    expect(items.split('\n')[1]).toBe(
      `'-DRILL,"'=HYPERLINK(""http://evil"")",pcs,'@SUM(A1),1.00,EUR,,medium,true,true`,
    );
    expect(stock).toBe("sku,location,quantity\n'-DRILL,MAIN,-2.5\n");

    const scratch = await createScratchDatabase(dialect);
    const copy = await openDatabase(scratch.config);
    try {
      await seedCatalogue(copy, { items: [], locations: ['MAIN'] });
      await importCsv(copy, 'items', items, ctx());
      await importCsv(copy, 'stock', stock, ctx());
      expect(await getItem(copy, '-DRILL')).toMatchObject({ name: '=HYPERLINK("http://evil")', category: '@SUM(A1)' });
      expect(await exportCsv(copy, 'stock')).toBe(stock);
    } finally {
      await copy.close();
      await scratch.drop();
    }
  });

  it('export then import gives back any item name and category unchanged', async () => {
    const accepted = (text: string) => parseItemInput({ sku: 'X', name: text, unit: 'pcs' }, 'create').ok;
    const texts = fc.array(
      fc.record({ name: risky.filter(accepted), category: fc.oneof(risky.filter(accepted), fc.constant(null)) }),
      { minLength: 1, maxLength: 4 },
    );
    let made = 0;
    await fc.assert(
      fc.asyncProperty(texts, async (rows) => {
        const skus = rows.map((_, i) => `NAME-${i}`);
        for (const [i, row] of rows.entries()) {
          if (i < made) await updateItem(database(), skus[i]!, row, ctx());
          else await createItem(database(), { sku: skus[i], unit: 'pcs', ...row }, ctx());
        }
        made = Math.max(made, rows.length);
        const stored = await Promise.all(skus.map((sku) => getItem(database(), sku)));
        const csv = await exportCsv(database(), 'items');
        const cells = (parse(csv, { columns: true }) as Array<Record<string, string>>).flatMap((r) => [
          r['name']!,
          r['category']!,
        ]);
        for (const cell of cells) expect(cell).not.toMatch(FORMULA_START);

        for (const sku of skus) await updateItem(database(), sku, { name: 'placeholder', category: null }, ctx());
        await importCsv(database(), 'items', csv, ctx());
        for (const [i, sku] of skus.entries()) {
          expect(await getItem(database(), sku)).toMatchObject({
            name: stored[i]!.name,
            category: stored[i]!.category,
          });
        }
        expect(await exportCsv(database(), 'items')).toBe(csv);
      }),
      { numRuns: dialect === 'sqlite' ? 60 : 25, seed: 20260802 },
    );
  });
});

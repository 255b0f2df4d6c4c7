import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createScratchDatabase, describeEachDialect } from '../../../test/support/dialects.js';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { type Database, openDatabase } from '../../store/database.js';
import { listAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { createSupplier, getSupplier } from '../supplier.service.js';
import { addSupplierItem, getSupplierItem, listItemSources } from '../supplier-item.service.js';
import { exportCsv, importCsv } from './csv.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0): ServiceContext => ({ actor: 'importer', now });
const example = (name: string) => readFileSync(join(import.meta.dirname, '../../../examples', name), 'utf8');

/** The SKUs a supplier-items file refers to, inserted directly so these tests do not depend on the items CSV. */
function skusOf(csv: string): string[] {
  return [
    ...new Set(
      csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]!),
    ),
  ];
}

async function importExamples(database: Database): Promise<void> {
  await seedCatalogue(database, { items: skusOf(example('supplier-items.csv')), locations: [] });
  await importCsv(database, 'suppliers', example('suppliers.csv'), ctx());
  await importCsv(database, 'supplier-items', example('supplier-items.csv'), ctx());
}

describeEachDialect('supplier and supplier-item CSV', ({ dialect, database }) => {
  it('imports the example suppliers and their items', async () => {
    await seedCatalogue(database(), { items: skusOf(example('supplier-items.csv')), locations: [] });
    const suppliers = await importCsv(database(), 'suppliers', example('suppliers.csv'), ctx());
    const sources = await importCsv(database(), 'supplier-items', example('supplier-items.csv'), ctx());
    expect([suppliers.imported, sources.imported]).toEqual([5, 22]);
    expect(await getSupplier(database(), 'OVERSEAS-SZ')).toMatchObject({
      lead_time_days: 42,
      ordering_cost: 180,
      currency: 'USD',
    });
    expect(await getSupplier(database(), 'WELDGAS-SAX')).toMatchObject({
      name: 'Sachsen Schweißtechnik & Gase',
      email: null,
    });
    const bolts = (await listItemSources(database(), 'BOLT-M8X40')).data;
    expect(bolts.map((s) => [s.rank, s.supplier, s.effective_lead_time_days])).toEqual([
      [1, 'LOCAL-FAST', 1],
      [2, 'NATIONAL-IND', 3],
      [3, 'OVERSEAS-SZ', 42],
    ]);
    expect(bolts[2]).toMatchObject({
      currency: 'USD',
      unit_price: 0.06,
      price_breaks: [
        { min_quantity: 20000, unit_price: 0.05 },
        { min_quantity: 100000, unit_price: 0.04 },
      ],
      moq: 10000,
      pack_size: 1000,
    });
    expect(await getSupplierItem(database(), 'DRILL-HSS-8', 'NATIONAL-IND')).toMatchObject({
      lead_time_days: 5,
      effective_lead_time_days: 5,
    });
  });

  it('exports the example files byte for byte after importing them', async () => {
    await importExamples(database());
    expect(await exportCsv(database(), 'suppliers')).toBe(example('suppliers.csv'));
    expect(await exportCsv(database(), 'supplier-items')).toBe(example('supplier-items.csv'));
  });

  it('export, import into an empty database and export again gives the same bytes', async () => {
    await importExamples(database());
    await createSupplier(
      database(),
      {
        code: 'OSAKA',
        name: 'Osaka "Kōgu", Ltd.',
        lead_time_days: 35,
        ordering_cost: 9000,
        currency: 'JPY',
        active: false,
        auto_send: true,
        order_days: ['sun', 'mon', 'sat'],
        consolidation_minutes: 10_080,
      },
      ctx(),
    );
    await addSupplierItem(
      database(),
      'DRILL-HSS-8',
      {
        supplier: 'OSAKA',
        supplier_sku: 'ドリル 8mm, HSS',
        unit_price: 450,
        price_breaks: [{ min_quantity: 12.5, unit_price: 400 }],
        moq: 2.5,
        pack_size: 0.5,
        rank: 9,
        active: false,
      },
      ctx(),
    );
    const first = {
      suppliers: await exportCsv(database(), 'suppliers'),
      sources: await exportCsv(database(), 'supplier-items'),
    };
    expect(first.suppliers).toContain('OSAKA,"Osaka ""Kōgu"", Ltd.",,35,9000,JPY,false,true,mon;sat;sun,10080\n');
    expect(first.sources).toContain('DRILL-HSS-8,OSAKA,"ドリル 8mm, HSS",450,JPY,12.5:400,,2.5,0.5,9,false\n');

    const scratch = await createScratchDatabase(dialect);
    const copy = await openDatabase(scratch.config);
    try {
      await seedCatalogue(copy, { items: skusOf(example('supplier-items.csv')), locations: [] });
      await importCsv(copy, 'suppliers', first.suppliers, ctx());
      await importCsv(copy, 'supplier-items', first.sources, ctx());
      expect(await exportCsv(copy, 'suppliers')).toBe(first.suppliers);
      expect(await exportCsv(copy, 'supplier-items')).toBe(first.sources);
    } finally {
      await copy.close();
      await scratch.drop();
    }
  });

  it('upserts by natural key: changed rows are updated and audited, unchanged rows are left alone', async () => {
    await importExamples(database());
    const suppliers = example('suppliers.csv').replace(
      'LOCAL-FAST,Schraubenhandel Müller Leipzig GmbH,bestellung@mueller-schrauben.example,1,5.00',
      'LOCAL-FAST,Schraubenhandel Müller Leipzig GmbH,bestellung@mueller-schrauben.example,2,6.50',
    );
    const sources = example('supplier-items.csv').replace(
      'NUT-M8,LOCAL-FAST,MS-934-8-VZ,0.05,EUR,,,100,100,1,true',
      'NUT-M8,LOCAL-FAST,MS-934-8-VZ,0.06,EUR,500:0.05,,100,100,1,false',
    );
    await importCsv(database(), 'suppliers', suppliers, ctx(t0 + 1000));
    await importCsv(database(), 'supplier-items', sources, ctx(t0 + 1000));
    expect(await getSupplier(database(), 'LOCAL-FAST')).toMatchObject({ lead_time_days: 2, ordering_cost: 6.5 });
    expect(await getSupplierItem(database(), 'NUT-M8', 'LOCAL-FAST')).toMatchObject({
      unit_price: 0.06,
      price_breaks: [{ min_quantity: 500, unit_price: 0.05 }],
      active: false,
      effective_lead_time_days: 2,
    });
    const updates = (await listAudit(database().db, { limit: 1000 })).filter((e) => e.action === 'update');
    expect(updates.map((e) => `${e.entity}:${e.entity_key}`).sort()).toEqual([
      'supplier:LOCAL-FAST',
      'supplier_item:NUT-M8/LOCAL-FAST',
    ]);
  });

  it('reports every problem of a bad file with row and column and imports nothing', async () => {
    await seedCatalogue(database(), { items: ['BOLT-M8X40', 'NUT-M8'], locations: [] });
    await importCsv(database(), 'suppliers', example('suppliers.csv'), ctx());
    const before = await exportCsv(database(), 'supplier-items');
    const file = [
      'sku,supplier,supplier_sku,unit_price,currency,price_breaks,lead_time_days,moq,pack_size,rank,active',
      'BOLT-M8X40,LOCAL-FAST,A,0.14,EUR,,,100,100,1,true',
      'NOPE,LOCAL-FAST,B,0.14,EUR,,,,,1,true',
      'NUT-M8,GHOST,C,0.05,EUR,,,,,1,true',
      'NUT-M8,LOCAL-FAST,D,abc,EUR,50:1.10;10:1.20,,1.0001,,0,maybe',
      'NUT-M8,NATIONAL-IND,E,0.04,EUR,10=1.2,,30,12,1,true',
      'BOLT-M8X40,LOCAL-FAST,F,0.14,EUR,,,,,1,true',
    ].join('\n');
    const error = await importCsv(database(), 'supplier-items', file, ctx()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LS_IMPORT_INVALID' });
    const details = (error as { details: Array<{ row: number; field: string; message: string }> }).details;
    expect(details.map((d) => `${d.row}:${d.field}`)).toEqual([
      '3:sku',
      '4:supplier',
      '5:unit_price',
      '5:price_breaks',
      '5:moq',
      '5:rank',
      '5:active',
      '6:price_breaks',
      '6:moq',
      '7:supplier',
    ]);
    expect(details.find((d) => d.row === 5 && d.field === 'price_breaks')!.message).toContain('break 2 min_quantity');
    expect(details.find((d) => d.row === 7)!.message).toContain('first on row 2');
    expect(await exportCsv(database(), 'supplier-items')).toBe(before);
  });

  it('reports bad supplier rows with row and column and imports none of them', async () => {
    const file = [
      'code,name,email,lead_time_days,ordering_cost,currency,active',
      'GOOD,Good Supplier,,3,10,EUR,true',
      'BAD CODE,,not-mail,-2,1.999,eur,perhaps',
      'GOOD,Again,,1,1,EUR,true',
    ].join('\n');
    const error = await importCsv(database(), 'suppliers', file, ctx()).catch((e: unknown) => e);
    const details = (error as { details: Array<{ row: number; field: string }> }).details;
    expect(details.map((d) => `${d.row}:${d.field}`)).toEqual([
      '3:code',
      '3:name',
      '3:email',
      '3:lead_time_days',
      '3:currency',
      '3:ordering_cost',
      '3:active',
      '4:code',
    ]);
    expect(await exportCsv(database(), 'suppliers')).toBe(
      'code,name,email,lead_time_days,ordering_cost,currency,active,auto_send,order_days,consolidation_minutes\n',
    );
  });

  it('imports a file written before the ordering settings: new suppliers get the defaults, existing ones keep theirs', async () => {
    await importCsv(database(), 'suppliers', example('suppliers.csv'), ctx());
    const oldFile = [
      'code,name,email,lead_time_days,ordering_cost,currency,active',
      'NATIONAL-IND,Nordwerk Industriebedarf,orders@nordwerk.example,4,15.00,EUR,true',
      'NEW,New Supplier,,2,,EUR,true',
    ].join('\n');
    expect(await importCsv(database(), 'suppliers', oldFile, ctx(t0 + 1000))).toMatchObject({ imported: 2 });
    expect(await getSupplier(database(), 'NATIONAL-IND')).toMatchObject({
      lead_time_days: 4,
      auto_send: false,
      order_days: ['mon', 'wed', 'fri'],
      consolidation_minutes: 240,
    });
    expect(await getSupplier(database(), 'NEW')).toMatchObject({
      auto_send: false,
      order_days: null,
      consolidation_minutes: 0,
    });
  });

  it('reads order days separated by semicolons, commas or spaces; an empty cell means any day', async () => {
    const file = [
      'code,name,auto_send,order_days,consolidation_minutes',
      'A,Alpha,yes,"Thu, tue",30',
      'B,Beta,,,',
      'C,Gamma,false,5 1,0',
    ].join('\n');
    await importCsv(database(), 'suppliers', file, ctx());
    expect(await getSupplier(database(), 'A')).toMatchObject({
      auto_send: true,
      order_days: ['tue', 'thu'],
      consolidation_minutes: 30,
    });
    expect(await getSupplier(database(), 'B')).toMatchObject({
      auto_send: false,
      order_days: null,
      consolidation_minutes: 0,
    });
    expect((await getSupplier(database(), 'C')).order_days).toEqual(['mon', 'fri']);
  });

  it('reports bad ordering settings with row and column and imports nothing', async () => {
    const file = [
      'code,name,email,lead_time_days,ordering_cost,currency,active,auto_send,order_days,consolidation_minutes',
      'GOOD,Good Supplier,,3,10,EUR,true,false,tue,60',
      'BAD,Bad Supplier,,3,10,EUR,true,maybe,tue;someday;tue,10081',
      'WORSE,Worse Supplier,,3,10,EUR,true,true,8,1.5',
    ].join('\n');
    const error = await importCsv(database(), 'suppliers', file, ctx()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LS_IMPORT_INVALID' });
    const details = (error as { details: Array<{ row: number; field: string }> }).details;
    expect(details.map((d) => `${d.row}:${d.field}`)).toEqual([
      '3:auto_send',
      '3:order_days',
      '3:order_days',
      '3:consolidation_minutes',
      '4:order_days',
      '4:consolidation_minutes',
    ]);
    expect((await exportCsv(database(), 'suppliers')).split('\n')).toHaveLength(2);
  });

  it('needs the sku and supplier columns and refuses unknown columns', async () => {
    const error = await importCsv(database(), 'supplier-items', 'sku,vendor\nBOLT-M8X40,ACME\n', ctx()).catch(
      (e: unknown) => e,
    );
    expect((error as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual([
      'vendor',
      'supplier',
    ]);
  });
});

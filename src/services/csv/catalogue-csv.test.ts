import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createScratchDatabase, describeEachDialect } from '../../../test/support/dialects.js';
import { type Database, openDatabase } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import { getItem, listItemAudit, listItems } from '../item.service.js';
import { getLocation } from '../location.service.js';
import { listMovements, listStock } from '../stock.service.js';
import { exportCsv, importCsv } from './csv.service.js';

const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ctx = (now = t0): ServiceContext => ({ actor: 'importer', now });
const example = (name: string) => readFileSync(join(import.meta.dirname, '../../../examples', name), 'utf8');

async function importExamples(database: Database): Promise<void> {
  for (const kind of ['items', 'locations', 'stock']) await importCsv(database, kind, example(`${kind}.csv`), ctx());
}

describeEachDialect('item, location and opening-stock CSV', ({ dialect, database }) => {
  it('imports the example files in the order items, locations, stock', async () => {
    const reports = [];
    for (const kind of ['items', 'locations', 'stock']) {
      reports.push(await importCsv(database(), kind, example(`${kind}.csv`), ctx()));
    }
    expect(reports.map((r) => [r.kind, r.rows, r.imported])).toEqual([
      ['items', 15, 15],
      ['locations', 9, 9],
      ['stock', 20, 20],
    ]);
    expect(await getItem(database(), 'DISC-125-60')).toMatchObject({
      name: 'Flap disc 125 mm, grit 60',
      unit_cost: 2.45,
    });
    expect(await getLocation(database(), 'WS-A1')).toMatchObject({ site: 'WS', time_zone: 'Europe/Berlin' });
    const wire = (await listStock(database(), { sku: 'WIRE-MIG-08' })).data;
    expect(wire.map((b) => [b.location, b.on_hand])).toEqual([['WS-WELD', 27.5]]);
    const movements = (await listMovements(database(), { sku: 'WIRE-MIG-08' })).data;
    expect(movements).toMatchObject([
      { type: 'count', counted_quantity: 27.5, reason: 'opening stock', actor: 'importer' },
    ]);
  });

  it('export, import into an empty database and export again gives the same bytes', async () => {
    await importExamples(database());
    const exported = {
      items: await exportCsv(database(), 'items'),
      locations: await exportCsv(database(), 'locations'),
      stock: await exportCsv(database(), 'stock'),
    };
    expect(exported.items.split('\n')[0]).toBe(
      'sku,name,unit,category,unit_cost,currency,shelf_life_days,criticality,allow_negative,active',
    );
    expect(exported.items).toContain(
      'DISC-125-60,"Flap disc 125 mm, grit 60",pcs,Abrasives,2.45,EUR,,medium,false,true',
    );
    expect(exported.stock).toContain('WIRE-MIG-08,WS-WELD,27.5\n');

    const scratch = await createScratchDatabase(dialect);
    const copy = await openDatabase(scratch.config);
    try {
      for (const kind of ['items', 'locations', 'stock'] as const) await importCsv(copy, kind, exported[kind], ctx());
      for (const kind of ['items', 'locations', 'stock'] as const) {
        expect(await exportCsv(copy, kind)).toBe(exported[kind]);
      }
    } finally {
      await copy.close();
      await scratch.drop();
    }
  });

  it('reports every problem of an items file with row and column, and imports nothing', async () => {
    const file = [
      'sku,name,unit,unit_cost,criticality,allow_negative',
      'GOOD-1,Good item,pcs,1.50,high,false',
      'BAD 2,,pcs,1.505,medium,maybe',
      'GOOD-1,Again,pcs,,,',
      'BAD-4,Bad four,,abc,vital,',
    ].join('\n');
    const attempt = importCsv(database(), 'items', file, ctx());
    await expect(attempt).rejects.toMatchObject({ code: 'LS_IMPORT_INVALID' });
    const details = await attempt.catch((error) => error.details);
    expect(details.map((p: { row: number; field: string }) => `${p.row}:${p.field}`)).toEqual([
      '3:sku',
      '3:name',
      '3:unit_cost',
      '3:allow_negative',
      '4:sku',
      '5:unit',
      '5:unit_cost',
      '5:criticality',
    ]);
    expect((await listItems(database(), {})).data).toEqual([]);
  });

  it('upserts items by SKU: a changed row updates and is audited, an unchanged row writes nothing', async () => {
    await importCsv(database(), 'items', example('items.csv'), ctx());
    const changed = example('items.csv').replace(
      'NUT-M8,Hex nut M8 zinc plated,pcs,Fasteners,0.04',
      'NUT-M8,Hex nut M8 A2 stainless,pcs,Fasteners,0.09',
    );
    const report = await importCsv(database(), 'items', changed, ctx(t0 + 1000));
    expect(report.imported).toBe(15);
    expect(await getItem(database(), 'NUT-M8')).toMatchObject({ name: 'Hex nut M8 A2 stainless', unit_cost: 0.09 });
    expect((await listItemAudit(database(), 'NUT-M8')).map((entry) => entry.action)).toEqual(['update', 'create']);
    expect((await listItemAudit(database(), 'BOLT-M8X40')).map((entry) => entry.action)).toEqual(['create']);
  });

  it('a column left out of the file leaves that field alone', async () => {
    await importCsv(database(), 'items', example('items.csv'), ctx());
    await importCsv(database(), 'items', 'sku,name,unit\nGLOVES-L,Nitrile gloves L,pair\n', ctx());
    expect(await getItem(database(), 'GLOVES-L')).toMatchObject({
      name: 'Nitrile gloves L',
      unit_cost: 1.85,
      criticality: 'high',
    });
  });

  it('refuses locations whose parents are unknown or form a cycle, naming row and column', async () => {
    const file = [
      'code,name,parent,time_zone',
      'SITE,Site,,Mars/Base',
      'A,A,B,',
      'B,B,A,',
      'C,C,NOWHERE,',
      'D,D,SITE,',
    ].join('\n');
    const details = await importCsv(database(), 'locations', file, ctx()).catch((error) => error.details);
    expect(details.map((p: { row: number; field: string }) => `${p.row}:${p.field}`)).toEqual([
      '2:time_zone',
      '3:parent',
      '4:parent',
      '5:parent',
      '6:parent',
    ]);
    expect(details.at(-1).message).toBe('"SITE" (row 2) has problems');
    expect(await exportCsv(database(), 'locations')).toBe('code,name,parent,time_zone,active\n');
  });

  it('reports a bin whose zone differs from its site, found while applying the file', async () => {
    const file = 'code,name,parent,time_zone\nBIN,Bin,SITE,Asia/Tokyo\nSITE,Site,,Europe/Berlin\nSHELF,Shelf,BIN,\n';
    const details = await importCsv(database(), 'locations', file, ctx()).catch((error) => error.details);
    expect(details).toMatchObject([
      { row: 2, field: 'time_zone' },
      { row: 4, field: 'parent', message: '"BIN" (row 2) has problems' },
    ]);
    expect(await exportCsv(database(), 'locations')).toBe('code,name,parent,time_zone,active\n');
  });

  it('refuses opening stock for unknown items and locations, bad quantities and repeated pairs', async () => {
    await importCsv(database(), 'items', example('items.csv'), ctx());
    await importCsv(database(), 'locations', example('locations.csv'), ctx());
    const file = [
      'sku,location,quantity',
      'NOPE,WS-A1,1',
      'NUT-M8,MARS,1',
      'NUT-M8,WS-A1,1.0005',
      'NUT-M8,WS-A2,-3',
      'BOLT-M8X40,WS-A1,ten',
      'BOLT-M8X40,WS-A2,5',
      'BOLT-M8X40,WS-A2,6',
    ].join('\n');
    const details = await importCsv(database(), 'stock', file, ctx()).catch((error) => error.details);
    expect(details.map((p: { row: number; field: string }) => `${p.row}:${p.field}`)).toEqual([
      '2:sku',
      '3:location',
      '4:quantity',
      '5:quantity',
      '6:quantity',
      '8:location',
    ]);
    expect((await listMovements(database(), {})).data).toEqual([]);
  });

  it('importing the same opening stock twice posts nothing the second time', async () => {
    await importExamples(database());
    const before = (await listMovements(database(), { limit: 1000 })).data.length;
    await importCsv(database(), 'stock', example('stock.csv'), ctx(t0 + 1000));
    expect((await listMovements(database(), { limit: 1000 })).data).toHaveLength(before);
    await importCsv(database(), 'stock', 'sku,location,quantity\nNUT-M8,WS-A1,1190\n', ctx(t0 + 2000));
    expect((await listStock(database(), { sku: 'NUT-M8', location: 'WS-A1' })).data[0]!.on_hand).toBe(1190);
  });

  it('negative opening stock is posted as an adjustment for items that allow it', async () => {
    await importExamples(database());
    await importCsv(database(), 'stock', 'sku,location,quantity\nGAS-ARCO2,WS-WELD,-40\n', ctx());
    expect((await listStock(database(), { sku: 'GAS-ARCO2' })).data[0]!.on_hand).toBe(-40);
    expect(await exportCsv(database(), 'stock')).toContain('GAS-ARCO2,WS-WELD,-40\n');
    const last = (await listMovements(database(), { sku: 'GAS-ARCO2' })).data.at(-1);
    expect(last).toMatchObject({ type: 'adjustment', on_hand_change: -9040, reason: 'opening stock' });
  });
});

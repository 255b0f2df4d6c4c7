import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliRunner, cliRunner } from '../../../test/support/cli.js';
import { createItem } from '../../services/item.service.js';
import { postMovements } from '../../services/ledger.service.js';
import { createLocation } from '../../services/location.service.js';
import { openDatabase } from '../../store/database.js';

const now = Date.UTC(2026, 5, 1, 12);

describe('leanstock bom', () => {
  let dir: string;
  let db: string;
  let cli: CliRunner;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-bom-cli-'));
    db = join(dir, 'cli.db');
    cli = cliRunner({ db, now });
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    const ctx = { actor: 'seed', now };
    for (const [sku, unit] of [
      ['BIKE', 'pcs'],
      ['FRAME', 'pcs'],
      ['WHEEL', 'pcs'],
      ['STEEL', 'm'],
    ] as const) {
      await createItem(database, { sku, name: `The ${sku.toLowerCase()}`, unit }, ctx);
    }
    await createLocation(database, { code: 'MAIN', name: 'Main plant' }, ctx);
    await postMovements(database, [{ type: 'receipt', sku: 'WHEEL', location: 'MAIN', quantity: 3 }], ctx);
    await database.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const count = async (table: 'boms' | 'bom_lines') => {
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    try {
      const row = await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    } finally {
      await database.close();
    }
  };

  it('adds BOMs from --line options and shows the indented tree with availability', async () => {
    const frame = await cli('bom', 'add', 'FRAME', '--lead-time', '3', '--line', 'STEEL:2.5:0.05');
    expect(frame).toMatchObject({ code: 0, stderr: '' });
    expect(frame.stdout).toContain('Added BOM FRAME version 1.');
    expect(frame.stdout).toMatch(/1\s+STEEL\s+The steel\s+2.5\s+m\s+5 %/);
    expect((await cli('bom', 'add', 'BIKE', '--lead-time', '2', '--line', 'FRAME:1', '--line', 'WHEEL:2')).code).toBe(
      0,
    );

    const tree = await cli('bom', 'tree', 'BIKE', '--quantity', '4', '--location', 'MAIN');
    expect(tree).toMatchObject({ code: 0, stderr: '' });
    // FRAME 4 × 1 = 4; STEEL 4 × 2.5 × 1.05 = 10.5 m; WHEEL 4 × 2 = 8 with 3 on hand at MAIN.
    expect(tree.stdout).toBe(
      [
        'BIKE × 4 pcs on 2026-06-01 at MAIN',
        'item       qty per  scrap  gross  unit  lead time  available  source',
        'BIKE                       4      pcs   2 d        0          made (v1)',
        '  FRAME    1               4      pcs   3 d        0          made (v1)',
        '    STEEL  2.5      5 %    10.5   m     no source  0          bought',
        '  WHEEL    2               8      pcs   no source  3          bought',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await cli('bom', 'tree', 'BIKE', '--json')).stdout);
    expect(json.rows.map((r: { sku: string; gross_requirement: number }) => [r.sku, r.gross_requirement])).toEqual([
      ['BIKE', 1],
      ['FRAME', 1],
      ['STEEL', 2.625],
      ['WHEEL', 2],
    ]);
  });

  it('adds a BOM from a YAML or JSON file with the body of the API', async () => {
    const yamlFile = join(dir, 'frame.yaml');
    writeFileSync(
      yamlFile,
      [
        'lead_time_days: 3',
        'note: welded',
        'lines:',
        '  - sku: STEEL',
        '    quantity_per: 2.5',
        '    unit: m',
        '',
      ].join('\n'),
    );
    const added = await cli('bom', 'add', 'FRAME', '--file', yamlFile, '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      sku: 'FRAME',
      version: 1,
      note: 'welded',
      lines: [{ sku: 'STEEL' }],
    });

    const jsonFile = join(dir, 'bike.json');
    writeFileSync(
      jsonFile,
      JSON.stringify({ sku: 'BIKE', lead_time_days: 2, lines: [{ sku: 'FRAME', quantity_per: 1 }] }),
    );
    expect((await cli('bom', 'add', 'BIKE', '--file', jsonFile)).code).toBe(0);
    const wrong = await cli('bom', 'add', 'WHEEL', '--file', jsonFile);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('sku: the file is a BOM of "BIKE", not of "WHEEL"');
  });

  it('lists versions and shows one by --version or --date (not the CLI version)', async () => {
    await cli('bom', 'add', 'BIKE', '--lead-time', '2', '--line', 'FRAME:1', '--valid-to', '2026-07-01');
    await cli('bom', 'add', 'BIKE', '--lead-time', '2', '--line', 'WHEEL:2', '--valid-from', '2026-07-01');
    const listed = await cli('bom', 'list', 'BIKE');
    expect(listed.stdout.split('\n').slice(0, 3)).toEqual([
      'sku   version  valid from  valid to    lead time  lines  note',
      'BIKE  1        -           2026-07-01  2 d        1',
      'BIKE  2        2026-07-01  -           2 d        1',
    ]);
    expect((await cli('bom', 'show', 'BIKE')).stdout).toMatch(/version\s+1\n/);
    expect((await cli('bom', 'show', 'BIKE', '--date', '2026-07-01')).stdout).toMatch(/version\s+2\n/);
    const second = await cli('bom', 'show', 'BIKE', '--version', '2', '--json');
    expect(JSON.parse(second.stdout)).toMatchObject({ version: 2, lines: [{ sku: 'WHEEL', quantity_per: 2 }] });
    const third = await cli('bom', 'add', 'BIKE', '--lead-time', '1', '--line', 'FRAME:1', '--version', '7');
    expect(third.stdout).toContain('Added BOM BIKE version 7.');
  });

  it('refuses a cycle, a bad line and an unknown component with exit code 2, naming the field, and adds nothing', async () => {
    await cli('bom', 'add', 'BIKE', '--lead-time', '2', '--line', 'FRAME:1');
    const before = [await count('boms'), await count('bom_lines')];
    const cycle = await cli('bom', 'add', 'FRAME', '--lead-time', '1', '--line', 'STEEL:1', '--line', 'BIKE:1');
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toContain('error LS_BOM_CYCLE: lines[1].sku: would form a cycle: FRAME → BIKE → FRAME');
    const zero = await cli('bom', 'add', 'FRAME', '--lead-time', '1', '--line', 'STEEL:0');
    expect(zero.stderr).toContain('lines[0].quantity_per: must be greater than zero');
    const malformed = await cli('bom', 'add', 'FRAME', '--lead-time', '1', '--line', 'STEEL');
    expect(malformed.stderr).toContain('lines[0].quantity_per: is required');
    const unknown = await cli('bom', 'add', 'FRAME', '--lead-time', '1', '--line', 'SADDLE:1');
    expect(unknown.stderr).toContain('error LS_UNKNOWN_ITEM: lines[0].sku: unknown SKU "SADDLE"');
    const noLeadTime = await cli('bom', 'add', 'FRAME', '--line', 'STEEL:1');
    expect(noLeadTime.stderr).toContain('lead_time_days: is required');
    expect([await count('boms'), await count('bom_lines')]).toEqual(before);
  });

  it('has help for every verb', async () => {
    for (const verb of ['add', 'list', 'show', 'tree']) {
      const help = await cli('bom', verb, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: leanstock bom ${verb}`);
      expect(help.stdout).toContain('--json');
    }
  });
});

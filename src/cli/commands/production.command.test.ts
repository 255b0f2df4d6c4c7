import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliRunner, cliRunner } from '../../../test/support/cli.js';
import { DESK_WORKSHOP_NOW, seedDeskWorkshop } from '../../../test/support/desk-workshop.js';

describe('leanstock production', () => {
  let dir: string;
  let cli: CliRunner;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-production-cli-'));
    cli = cliRunner({ db: join(dir, 'cli.db'), now: DESK_WORKSHOP_NOW });
    await seedDeskWorkshop(cli, { screwScrap: 0.05 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ok = async (...argv: string[]) => {
    const result = await cli(...argv);
    expect(result, argv.join(' ')).toMatchObject({ code: 0, stderr: '' });
    return result.stdout;
  };

  it('a confirmed order: receive the components, make the top and the desk, ship it', async () => {
    await ok('order', 'create', '--customer', 'BISTRO', '--line', 'DESK:WS:2:2026-06-20', '--confirm');
    const order = JSON.parse(await ok('order', 'show', 'SO-000001', '--json'));
    const supply = (sku: string) => order.supplies.find((s: { sku: string }) => s.sku === sku).number as string;

    for (const po of new Set([supply('LEG'), supply('BOARD')])) {
      await ok('po', 'send', po, '--no-email');
      await ok('po', 'receive', po, '--all');
    }

    const top = supply('TOP');
    expect(await ok('production', 'release', top)).toContain(`Released ${top}: every component is allocated.`);
    expect(await ok('production', 'complete', top)).toContain(`Completed ${top}: 2 pcs of TOP made.`);

    const desk = supply('DESK');
    const shown = await ok('production', 'show', desk);
    expect(shown).toMatch(new RegExp(`${desk}\\s+DESK \\(Oak desk\\)\\s+planned\\s+for SO-000001`));
    expect(shown).toContain('release 2026-06-18, due 2026-06-20, BOM version 1');
    // 2 desks × 16 screws × 1.05 = 33.6 → 34 whole screws.
    expect(shown).toMatch(/SCREW\s+WS\s+16 pcs\s+5 %\s+34/);
    await ok('production', 'release', desk);
    const reported = await ok('production', 'report', desk, '--quantity', '1');
    expect(reported).toContain(`Reported 1 pcs of DESK made on ${desk}; 1 still to make.`);
    expect(reported).toMatch(/receipt\s+DESK\s+WS\s+\+1/);
    expect(await ok('production', 'complete', desk)).toContain(`Completed ${desk}: 2 pcs of DESK made.`);

    const shipped = await ok('order', 'ship', 'SO-000001');
    expect(shipped).toContain('SO-000001 is shipped.');
    expect(shipped).toMatch(/sale\s+DESK\s+WS\s+-2/);
    const stock = JSON.parse(await ok('stock', '--sku', 'DESK', '--json'));
    expect(stock.data[0]).toMatchObject({ on_hand: 0, allocated: 0, on_order: 0 });

    const list = await ok('production', 'list', '--customer-order', 'SO-1');
    expect(list).toMatch(
      new RegExp(`${desk}\\s+DESK\\s+WS\\s+2 pcs\\s+2\\s+0\\s+completed\\s+2026-06-18\\s+2026-06-20\\s+SO-000001`),
    );
  });

  it('creates one by hand, lists, reports with scrap, cancels; --json answers the API view', async () => {
    const created = await ok(
      'production',
      'create',
      'TOP',
      '--location',
      'WS',
      '--quantity',
      '3',
      '--due',
      '2026-06-10',
    );
    expect(created).toContain(
      'Planned MO-000001: make 3 pcs of TOP at WS, release 2026-06-09, due 2026-06-10. Release it with: leanstock production release MO-000001',
    );
    const json = JSON.parse(await ok('production', 'show', 'MO-1', '--json'));
    expect(json).toMatchObject({ number: 'MO-000001', status: 'planned', components: [{ sku: 'BOARD', required: 6 }] });
    expect(await ok('production', 'list', '--status', 'planned')).toMatch(/MO-000001\s+TOP\s+WS\s+3 pcs/);
    const released = await ok('production', 'release', 'MO-000001');
    expect(released).toContain('Released MO-000001: 6 pcs of BOARD still to come (backordered).');
    const cancelled = await ok('production', 'cancel', 'MO-000001', '--reason', 'no boards');
    expect(cancelled).toContain('Cancelled MO-000001: no boards.');
    expect(await ok('production', 'list', '--status', 'planned,released')).toContain('No production orders match.');
  });

  it('refuses bad arguments naming the field, exits non-zero and changes nothing', async () => {
    const zero = await cli(
      'production',
      'create',
      'DESK',
      '--location',
      'WS',
      '--quantity',
      '0',
      '--due',
      '2026-06-10',
    );
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('quantity');
    const text = await cli(
      'production',
      'create',
      'DESK',
      '--location',
      'WS',
      '--quantity',
      'ten',
      '--due',
      '2026-06-10',
    );
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('quantity: "ten" is not a number');
    const date = await cli('production', 'create', 'DESK', '--location', 'WS', '--quantity', '1', '--due', 'soon');
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('due_date');
    const bought = await cli(
      'production',
      'create',
      'LEG',
      '--location',
      'WS',
      '--quantity',
      '1',
      '--due',
      '2026-06-10',
    );
    expect(bought.code).toBe(2);
    expect(bought.stderr).toContain('sku');
    const noDue = await cli('production', 'create', 'DESK', '--location', 'WS', '--quantity', '1');
    expect(noDue.code).not.toBe(0);
    expect(noDue.stderr).toContain('--due');
    expect(await ok('production', 'list')).toContain('No production orders yet.');

    const badNumber = await cli('production', 'show', 'SO-1');
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('number: "SO-1" is not a production order number');
    const missing = await cli('production', 'release', 'MO-9');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('LS_UNKNOWN_PRODUCTION_ORDER');
    const noQuantity = await cli('production', 'report', 'MO-1');
    expect(noQuantity.code).not.toBe(0);
    expect(noQuantity.stderr).toContain('--quantity');
  });

  it('has --help on every verb', async () => {
    for (const verb of ['create', 'list', 'show', 'release', 'report', 'complete', 'cancel']) {
      const help = await cli('production', verb, '--help');
      expect(help.code, verb).toBe(0);
      expect(help.stdout, verb).toContain(`Usage: leanstock production ${verb}`);
      expect(help.stdout, verb).toContain('--json');
    }
  });
});

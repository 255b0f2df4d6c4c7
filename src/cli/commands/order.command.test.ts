import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliRunner, cliRunner } from '../../../test/support/cli.js';
import { DESK_WORKSHOP_NOW, seedDeskWorkshop } from '../../../test/support/desk-workshop.js';

describe('leanstock order', () => {
  let dir: string;
  let cli: CliRunner;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-order-cli-'));
    cli = cliRunner({ db: join(dir, 'cli.db'), now: DESK_WORKSHOP_NOW });
    await seedDeskWorkshop(cli);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a draft, confirms it, shows supplies with dates and the pegging tree', async () => {
    const created = await cli('order', 'create', '--customer', 'BISTRO', '--line', 'DESK:WS:2:2026-06-20');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain('Created SO-000001 for BISTRO (draft, 1 line).');

    const confirmed = await cli('order', 'confirm', 'SO-1');
    expect(confirmed).toMatchObject({ code: 0, stderr: '' });
    expect(confirmed.stdout).toContain('Confirmed SO-000001: promised 2026-06-20, as requested.');
    expect(confirmed.stdout).toMatch(/MO-\d{6}\s+DESK\s+WS\s+2\s+2026-06-18\s+2026-06-20\s+planned/);
    // Draft purchase lines: due the date their pegs count on (planned), released that less the lead time.
    expect(confirmed.stdout).toMatch(/PO-\d{6}\s+LEG\s+WS\s+8\s+2026-06-15\s+2026-06-18 \(planned\)\s+draft/);
    expect(confirmed.stdout).toMatch(/PO-\d{6}\s+BOARD\s+WS\s+4\s+2026-06-12\s+2026-06-17 \(planned\)\s+draft/);

    const shown = await cli('order', 'show', 'SO-000001');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/SO-000001\s+BISTRO \(Bistro Nord\)\s+confirmed/);
    expect(shown.stdout).toContain('Set in motion:');
    // The tree: the line, under it the desk's components, under TOP its board; quantities with their units.
    expect(shown.stdout).toMatch(/\nDESK\s+2 pcs\s+2026-06-20\s+SO-000001\/1\s+MO-\d{6}/);
    expect(shown.stdout).toMatch(/\n {2}SCREW\s+32 pcs\s+2026-06-18\s+MO-\d{6}\s+stock\s+\S+\s+allocated/);
    expect(shown.stdout).toMatch(/\n {4}BOARD\s+4 pcs\s+2026-06-17\s+MO-\d{6}\s+PO-\d{6}/);

    const json = JSON.parse((await cli('order', 'show', '1', '--json')).stdout);
    expect(json).toMatchObject({ number: 'SO-000001', status: 'confirmed', promised_date: '2026-06-20' });
    expect(json.supplies).toHaveLength(4);

    const list = await cli('order', 'list', '--status', 'confirmed');
    expect(list.stdout).toMatch(/SO-000001\s+BISTRO\s+confirmed\s+2026-06-20\s+2026-06-20\s+DESK × 2 pcs/);
    expect((await cli('order', 'list', '--late-risk')).stdout).toContain('No customer orders match.');
  });

  it('changes and cancels, saying what it created and took back', async () => {
    await cli(
      'order',
      'create',
      '--customer',
      'BISTRO',
      '--line',
      'DESK:WS:2',
      '--requested-date',
      '2026-06-20',
      '--confirm',
    );
    const changed = await cli('order', 'change', 'SO-000001', '--line', '1:3');
    expect(changed).toMatchObject({ code: 0, stderr: '' });
    expect(changed.stdout).toContain('Changed SO-000001: promised 2026-06-20');
    // Unwound and exploded again: the desk's production order for 2 is taken back, one for 3 set in motion.
    expect(changed.stdout).toMatch(
      /Taken back now:\n.*\nMO-\d{6}\s+DESK\s+WS\s+2\s+2026-06-18\s+2026-06-20\s+cancelled/,
    );
    expect(changed.stdout).toMatch(/Set in motion:\n.*\nMO-\d{6}\s+DESK\s+WS\s+3\s+2026-06-18\s+2026-06-20\s+planned/);
    const cancelled = await cli('order', 'cancel', 'SO-000001', '--reason', 'terrace closed');
    expect(cancelled).toMatchObject({ code: 0, stderr: '' });
    expect(cancelled.stdout).toContain('Cancelled SO-000001: terrace closed');
    expect(cancelled.stdout).toContain('Taken back now:');
    const stock = JSON.parse((await cli('stock', '--sku', 'SCREW', '--json')).stdout);
    expect(stock.data[0]).toMatchObject({ on_hand: 100, allocated: 0 });
  });

  it('flags an order at late risk when a supplier promises its component later than counted on', async () => {
    await cli('order', 'create', '--customer', 'BISTRO', '--line', 'DESK:WS:2:2026-06-20', '--confirm');
    const legs = JSON.parse((await cli('order', 'show', 'SO-1', '--json')).stdout).supplies.find(
      (s: { sku: string }) => s.sku === 'LEG',
    ).number as string;
    expect((await cli('po', 'send', legs, '--no-email')).code).toBe(0);
    expect((await cli('po', 'confirm', legs, '--promised', '2026-06-25')).code).toBe(0);
    const list = await cli('order', 'list', '--late-risk');
    expect(list.stdout).toMatch(/SO-000001\s+BISTRO\s+confirmed\s+2026-06-20\s+2026-06-20\s+LATE RISK/);
    const shown = await cli('order', 'show', 'SO-000001');
    expect(shown.stdout).toContain(`LATE RISK: ${legs} (LEG) now due 2026-06-25, counted on 2026-06-18`);
  });

  it('refuses bad arguments naming the field, exits non-zero and changes nothing', async () => {
    const badLine = await cli('order', 'create', '--customer', 'BISTRO', '--line', 'DESK:WS');
    expect(badLine.code).toBe(2);
    expect(badLine.stderr).toContain('lines[0]: "DESK:WS" is not SKU:LOCATION:QTY[:YYYY-MM-DD]');
    const badQuantity = await cli('order', 'create', '--customer', 'BISTRO', '--line', 'DESK:WS:two');
    expect(badQuantity.code).toBe(2);
    expect(badQuantity.stderr).toContain('lines[0].quantity');
    const decimals = await cli('order', 'create', '--customer', 'BISTRO', '--line', 'DESK:WS:1.2345');
    expect(decimals.code).toBe(2);
    expect(decimals.stderr).toContain('lines[0].quantity: must have at most 3 decimal places');
    const unknownSku = await cli('order', 'create', '--customer', 'BISTRO', '--line', 'CHAIR:WS:1');
    expect(unknownSku.code).toBe(2);
    expect(unknownSku.stderr).toContain('lines[0].sku');
    const noCustomer = await cli('order', 'create', '--line', 'DESK:WS:1');
    expect(noCustomer.code).not.toBe(0);
    expect(noCustomer.stderr).toContain('--customer');
    expect((await cli('order', 'list')).stdout).toContain('No customer orders yet.');

    const badNumber = await cli('order', 'show', 'PO-1');
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('number: "PO-1" is not a customer order number');
    const missing = await cli('order', 'confirm', 'SO-42');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('LS_UNKNOWN_CUSTOMER_ORDER');
    const noReason = await cli('order', 'cancel', 'SO-1');
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');
    const badChange = await cli('order', 'change', 'SO-1', '--line', 'x:1');
    expect(badChange.code).toBe(2);
    expect(badChange.stderr).toContain('lines[0].line_no');
    const badShip = await cli('order', 'ship', 'SO-1', '--line', '1');
    expect(badShip.code).toBe(2);
    expect(badShip.stderr).toContain('LINE_NO:QTY');
  });

  it('has --help on every verb', async () => {
    for (const verb of ['create', 'confirm', 'show', 'list', 'change', 'cancel', 'ship']) {
      const help = await cli('order', verb, '--help');
      expect(help.code, verb).toBe(0);
      expect(help.stdout, verb).toContain(`Usage: leanstock order ${verb}`);
      expect(help.stdout, verb).toContain('--json');
    }
  });
});

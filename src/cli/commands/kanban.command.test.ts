import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const now = Date.UTC(2026, 5, 1, 12);

describe('leanstock kanban', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-kanban-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedCatalogue(database, { items: ['BOLT-M8', 'NUT-M8'], locations: ['WS'] });
    await database.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
      env: { USER: 'tester', ...env },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      isTty: false,
      now: () => now,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  async function seedLoop() {
    expect((await cli(['supplier', 'add', 'ACME', 'Acme'])).code).toBe(0);
    expect((await cli(['source', 'add', 'BOLT-M8', 'ACME', '--unit-price', '0.1'])).code).toBe(0);
    const set = await cli([
      'policy',
      'set',
      'BOLT-M8',
      'WS',
      '--kind',
      'kanban',
      '--cards',
      '3',
      '--container-quantity',
      '50',
    ]);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    const loops = JSON.parse((await cli(['kanban', 'loops', '--json'])).stdout) as {
      data: Array<{ id: number; cards: Array<{ id: string }> }>;
    };
    return loops.data[0]!;
  }

  it('lists loops, shows cards by loop id or SKU@LOCATION, and signals a card once', async () => {
    expect((await cli(['kanban', 'loops'])).stdout).toContain(
      'No kanban loops yet. Create one with: leanstock policy set',
    );
    const loop = await seedLoop();

    const listed = await cli(['kanban', 'loops', '--sku', 'BOLT-M8']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/id\s+sku\s+location\s+container\s+supplier\s+cards\s+states\s+active/);
    expect(listed.stdout).toMatch(new RegExp(`${loop.id}\\s+BOLT-M8\\s+WS\\s+50 pcs\\s+ACME\\s+3\\s+3 full\\s+yes`));

    const signalled = await cli(['kanban', 'signal', loop.cards[0]!.id]);
    expect(signalled).toMatchObject({ code: 0, stderr: '' });
    expect(signalled.stdout).toBe(
      `Card 1 of 3 (${loop.cards[0]!.id}) of BOLT-M8 at WS signalled empty.\nOrdered 1 x 50 pcs on PO-000001 from ACME.\n`,
    );
    const again = await cli(['kanban', 'signal', loop.cards[0]!.id.toLowerCase(), '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ already_signalled: true, state: 'ordered', triggered: [] });
    expect((await cli(['kanban', 'signal', loop.cards[0]!.id])).stdout).toContain(
      'was already signalled (ordered, on PO-000001).',
    );

    const byId = await cli(['kanban', 'cards', String(loop.id)]);
    const byPair = await cli(['kanban', 'cards', 'BOLT-M8@WS']);
    expect(byId.stdout).toBe(byPair.stdout);
    expect(byId.stdout).toContain('BOLT-M8 at WS: 3 cards of 50 pcs, ordered from ACME');
    expect(byId.stdout).toMatch(
      new RegExp(`1\\s+${loop.cards[0]!.id}\\s+ordered\\s+PO-000001\\s+2026-06-01T12:00:00.000Z`),
    );
    expect(byId.stdout).toMatch(new RegExp(`3\\s+${loop.cards[2]!.id}\\s+full`));
    expect((await cli(['kanban', 'loops'])).stdout).toContain('2 full, 1 ordered');
  });

  it('names a card, loop or public URL it cannot use, with exit code 2', async () => {
    await seedLoop();
    const unknown = await cli(['kanban', 'signal', 'K0000000000']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error LS_NOT_FOUND: id: no kanban card "K0000000000"');
    expect((await cli(['kanban', 'cards', 'NUT-M8@WS'])).stderr).toContain('error LS_NOT_FOUND: loop: NUT-M8@WS');
    expect((await cli(['kanban', 'cards', 'BOLT-M8'])).stderr).toContain('neither a loop id nor SKU@LOCATION');
    expect((await cli(['kanban', 'cards', '999'])).stderr).toContain('error LS_NOT_FOUND: id: no kanban loop 999');
    const badUrl = await cli([
      'kanban',
      'print',
      'BOLT-M8@WS',
      '--public-url',
      'phone.local',
      '-o',
      join(dir, 'x.pdf'),
    ]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--public-url:');
    expect(existsSync(join(dir, 'x.pdf'))).toBe(false);
  });

  it('prints the label sheet of a loop to a PDF file, by default kanban-<sku>-<location>.pdf', async () => {
    const loop = await seedLoop();
    const file = join(dir, 'labels.pdf');
    const printed = await cli(['kanban', 'print', String(loop.id), '-o', file], {
      LEANSTOCK_PUBLIC_URL: 'https://stock.example.com',
    });
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toContain(`Wrote 3 labels of BOLT-M8 at WS to ${file}`);
    expect(printed.stdout).toContain('the QR codes open https://stock.example.com/kanban/cards/');
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');

    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const fallback = await cli(['kanban', 'print', 'BOLT-M8@WS']);
      expect(fallback.code).toBe(0);
      expect(fallback.stderr).toContain('warning: neither --public-url nor LEANSTOCK_PUBLIC_URL is set');
      expect(readFileSync(join(dir, 'kanban-BOLT-M8-WS.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      process.chdir(cwd);
    }
  });
});

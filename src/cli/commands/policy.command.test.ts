import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const now = Date.UTC(2026, 5, 1, 12);

describe('leanstock policy', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-policy-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedCatalogue(database, { items: ['BOLT-M8', 'NUT-M8'], locations: ['WS'] });
    await database.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
      env: { USER: 'tester' },
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      isTty: false,
      now: () => now,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('sets, shows, lists and removes policies of every kind', async () => {
    expect((await cli('policy', 'list')).stdout).toContain('No policies yet. Set one with: leanstock policy set');
    const set = await cli(
      'policy',
      'set',
      'BOLT-M8',
      'WS',
      '--kind',
      'reorder_point',
      '--reorder-point',
      '50',
      '--target',
      '200',
    );
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toContain('Set the policy of BOLT-M8 at WS.');
    expect(set.stdout).toMatch(/below s\s+yes/);
    expect((await cli('supplier', 'add', 'ACME', 'Acme')).code).toBe(0);
    const kanban = await cli(
      'policy',
      'set',
      'NUT-M8',
      'WS',
      '--kind',
      'kanban',
      '--cards',
      '2',
      '--container-quantity',
      '12.5',
      '--supplier',
      'ACME',
      '--json',
    );
    expect(JSON.parse(kanban.stdout)).toMatchObject({
      kind: 'kanban',
      cards: 2,
      container_quantity: 12.5,
      supplier: 'ACME',
    });
    const periodic = await cli(
      'policy',
      'set',
      'NUT-M8',
      'WS',
      '--kind',
      'periodic_review',
      '--review-days',
      '7',
      '--target',
      '30',
      '--review-time',
      '05:30',
      '--json',
    );
    expect(JSON.parse(periodic.stdout)).toMatchObject({
      kind: 'periodic_review',
      review_days: 7,
      target: 30,
      review_time: '05:30',
    });
    const shown = await cli('policy', 'show', 'BOLT-M8', 'WS', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ sku: 'BOLT-M8', location: 'WS', reorder_point: 50, target: 200 });
    const listed = await cli('policy', 'list', '--json');
    expect(JSON.parse(listed.stdout).data.map((p: { kind: string }) => p.kind)).toEqual([
      'reorder_point',
      'periodic_review',
    ]);
    expect((await cli('policy', 'list', '--kind', 'reorder_point')).stdout).toContain('BOLT-M8');
    const removed = await cli('policy', 'remove', 'BOLT-M8', 'WS');
    expect(removed.stdout).toContain('Removed the reorder_point policy of BOLT-M8 at WS.');
    const gone = await cli('policy', 'show', 'BOLT-M8', 'WS');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('LS_NOT_FOUND');
  });

  it('refuses an impossible policy naming the field and sets nothing', async () => {
    const bad = await cli(
      'policy',
      'set',
      'BOLT-M8',
      'WS',
      '--kind',
      'reorder_point',
      '--reorder-point',
      '300',
      '--target',
      '200',
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('reorder_point');
    const noKind = await cli('policy', 'set', 'BOLT-M8', 'WS', '--target', '200');
    expect(noKind.code).not.toBe(0);
    expect(noKind.stderr).toContain('kind');
    expect((await cli('policy', 'list')).stdout).toContain('No policies yet.');
  });
});

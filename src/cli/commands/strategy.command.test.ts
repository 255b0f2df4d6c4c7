import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedCatalogue } from '../../../test/support/fixtures.js';
import { STABLE_STRATEGY_INPUT, storeRecommendation } from '../../../test/support/plan-recommendation.js';
import { DEFAULT_PLANNING_SETTINGS, type StrategyInput } from '../../domain/planning/types.js';
import { classifyPortfolio } from '../../domain/strategy/classify-portfolio.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const now = Date.UTC(2026, 5, 1, 12);

const stable = STABLE_STRATEGY_INPUT;

describe('leanstock strategy', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-strategy-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedCatalogue(database, { items: ['PUMP', 'BOLT', 'GEAR'], locations: ['WS'] });
    const inputs: StrategyInput[] = [
      { ...stable, key: 'PUMP', annualValue: 9000, sourceCount: 1, supplierOtif: 0.8 },
      { ...stable, key: 'BOLT', annualValue: 900 },
      { ...stable, key: 'GEAR', annualValue: 100, demandCv: 3, demandClass: 'intermittent' },
    ];
    const location = await database.db.selectFrom('locations').select('id').executeTakeFirstOrThrow();
    for (const [i, result] of classifyPortfolio(inputs, DEFAULT_PLANNING_SETTINGS).entries()) {
      const item = await database.db
        .selectFrom('items')
        .select('id')
        .where('sku', '=', result.key)
        .executeTakeFirstOrThrow();
      await storeRecommendation(database, result.key, 'WS', {
        computed_at: now,
        data_through: '2026-05-31',
        demand_class: inputs[i]!.demandClass,
        abc: result.abc,
        xyz: result.xyz,
        strategy: result.strategy,
        buffer_days: result.bufferDays,
        annual_value_minor: inputs[i]!.annualValue * 100,
        risk_flags: JSON.stringify(result.riskFlags),
        reasons: JSON.stringify(result.reasons),
      });
      await database.db
        .insertInto('balances')
        .values({
          item_id: item.id,
          location_id: location.id,
          on_hand_milli: 5000,
          allocated_milli: 0,
          on_order_milli: 0,
          updated_at: now,
        })
        .execute();
    }
    await database.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(argv: string[]) {
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

  it('prints the portfolio per strategy, the ABC x XYZ matrix and the items with their reasons', async () => {
    const { code, stdout, stderr } = await cli(['strategy']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // 9,000 + 900 + 100 = 10,000: PUMP A (single source and low OTIF: buffered 14 days), BOLT starts at 90 % → B (lean), GEAR at
    // 99 % → C, intermittent Z: make to order. Cash 5 × 1.00 each.
    expect(stdout).toContain('Portfolio: 3 item x location pairs, planned 2026-06-01T12:00:00.000Z');
    expect(stdout).toMatch(/lean\s+1\s+33\.3%\s+5\.00\s+33\.3%\s+900\.00\s+9\.0%/);
    expect(stdout).toMatch(/buffered\s+1\s+33\.3%\s+5\.00\s+33\.3%\s+9,000\.00\s+90\.0%/);
    expect(stdout).toMatch(/make_to_order\s+1\s+33\.3%\s+5\.00\s+33\.3%\s+100\.00\s+1\.0%/);
    expect(stdout).toMatch(/total\s+3\s+15\.00\s+10,000\.00/);
    expect(stdout).toMatch(/A\s+1 \(1 buffered\)\s+0\s+0/);
    expect(stdout).toMatch(/C\s+0\s+0\s+1 \(1 mto\)/);
    expect(stdout).toContain('PUMP@WS  buffered  AX  buffer 14 days  flags: single_source, low_supplier_otif');
    expect(stdout).toContain(
      '  - Buffered: single source and low supplier OTIF on a class A item; 14 days of demand are held on top of the safety stock.',
    );
  });

  it('filters the items by strategy and answers JSON with the portfolio and the page', async () => {
    const { code, stdout } = await cli(['strategy', '--strategy', 'make_to_order', '--json']);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer.portfolio.items).toBe(3);
    expect(answer.items).toMatchObject({ data: [{ sku: 'GEAR', strategy: 'make_to_order' }], next_cursor: null });
    const text = await cli(['strategy', '--strategy', 'make_to_order', '--limit', '1']);
    expect(text.stdout).toContain('Items (strategy make_to_order):\nGEAR@WS  make_to_order  CZ');
  });

  it('refuses an unknown strategy with exit code 2 naming the option', async () => {
    const { code, stderr } = await cli(['strategy', '--strategy', 'fast']);
    expect(code).toBe(2);
    expect(stderr).toContain('error LS_VALIDATION: strategy: must be one of lean, buffered, make_to_order');
  });
});

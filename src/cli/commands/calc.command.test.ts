import { describe, expect, it } from 'vitest';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

async function calc(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = {
    env: {},
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTty: false,
    now: () => Date.UTC(2026, 0, 1),
  };
  const code = await run(['calc', ...argv], deps);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('leanstock calc', () => {
  it('prints the EOQ of Snyder & Shen Example 3.1 as JSON: Q ≈ 304.1, cost ≈ 68.4', async () => {
    const result = await calc('eoq', '--json', '{"fixed_cost":8,"holding_cost":0.225,"demand_rate":1300}');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.order_quantity).toBeCloseTo(304.05, 2);
    expect(output.cost).toBeCloseTo(68.41, 2);
  });

  it('runs the (s, S) model of Snyder & Shen Example 4.7', async () => {
    const result = await calc('s_S', '--json', '{"holding_cost":1,"stockout_cost":4,"fixed_cost":5,"demand_mean":6}');
    expect(JSON.parse(result.stdout)).toMatchObject({ s: 4, S: 10 });
  });

  it('names the field and exits with 2 on bad input', async () => {
    const result = await calc('eoq', '--json', '{"fixed_cost":-8,"holding_cost":0.225,"demand_rate":1300}');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error LS_VALIDATION: fixed_cost: must be greater than 0');
  });

  it('lists every missing field when the input is empty', async () => {
    const result = await calc('eoq');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '  fixed_cost: is required\n  holding_cost: is required\n  demand_rate: is required\n',
    );
  });

  it('exits with 2 on text that is not JSON, and on an unknown or missing model', async () => {
    const notJson = await calc('eoq', '--json', '{fixed_cost: 8}');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('--json: is not valid JSON');
    const unknown = await calc('eoqq', '--json', '{}');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error LS_NOT_FOUND: model: unknown calculator "eoqq"; expected one of eoq,');
    const missing = await calc();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('model: is required');
  });

  it('lists the models with their inputs as JSON', async () => {
    const result = await calc('--list');
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout) as Array<{ model: string; inputs: Array<{ name: string }> }>;
    expect(list.map((entry) => entry.model)).toContain('wagner_whitin');
    expect(list.find((entry) => entry.model === 'r_q')!.inputs.map((input) => input.name)).toContain('lead_time');
  });
});

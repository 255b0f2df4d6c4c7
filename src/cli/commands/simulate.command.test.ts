import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIMULATION_NOW, seedSimulationCatalogue } from '../../../test/support/simulation-catalogue.js';
import { openDatabase } from '../../store/database.js';
import type { CliDeps } from '../io.js';
import { run } from '../main.js';

const SCENARIO = `# ACME, the fasteners' supplier, closed for three weeks.
name: acme-closed
description: ACME closed for 3 weeks & <no> fasteners
horizon_days: 90
runs: 20
seed: 5
lead_time: quoted
disruptions:
  outages:
    - { supplier: ACME, from_day: 20, days: 21 }
policies:
  - current
  - lean
  - name: buffered
    extra_days: 14
stockout_cost: { unit_cost_multiple: 2 }
`;

/**
 * Checks that `svg` is well-formed XML as a browser's parser needs it: every tag closed in order, text and attribute
 * values escaped, and no number that did not come out (NaN, undefined, Infinity).
 */
function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" ')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const match of svg.matchAll(tag)) {
    const between = svg.slice(last, match.index);
    expect(between, `text before ${match[0]}`).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|#\d+);)/);
    last = match.index + match[0].length;
    const [, closing, name, , selfClosing] = match;
    if (closing) expect(stack.pop(), `closing ${name}`).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

describe('leanstock simulate', () => {
  let dir: string;
  let db: string;
  let file: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leanstock-simulate-cli-'));
    db = join(dir, 'cli.db');
    const database = await openDatabase({ dialect: 'sqlite', path: db });
    await seedSimulationCatalogue(database);
    await database.close();
    file = join(dir, 'acme-closed.yaml');
    writeFileSync(file, SCENARIO);
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
      now: () => SIMULATION_NOW,
    };
    const code = await run([...argv, '--db', db], deps);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('prints the variants side by side, the categories, what stops work and the findings', async () => {
    const result = await cli('simulate', file, '--threads', '0');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('acme-closed: ACME closed for 3 weeks & <no> fasteners');
    expect(lines[1]).toBe(
      '4 item × location pairs (1 skipped), 90 days from 2026-04-10, 20 runs, seed 5; ACME closed on days 20–40',
    );
    expect(lines[2]).toBe('Money in EUR a year; service floor: fill rate ≥ 95.0 % (median run).');
    expect(result.stdout).toMatch(
      /^Variant\s+Total cost p50 \(p5–p95\)\s+Holding\s+Ordering\s+Stock-outs\s+Fill rate/m,
    );
    for (const variant of ['current', 'lean', 'buffered']) {
      expect(result.stdout).toMatch(new RegExp(`^${variant}( \\*)?\\s+\\d`, 'm'));
    }
    expect(result.stdout).toContain('  buffered: lean + 14 days of demand just in case');
    expect(result.stdout).toMatch(/^Category\s+Items\s+Recommended/m);
    expect(result.stdout).toMatch(/^fasteners\s+2\s+/m);
    expect(result.stdout).toMatch(/stop work under lean|No item stops work under lean/);
    expect(result.stdout).toContain('- 1 item × location pair was not simulated (see skipped).');
    // 4 items × 3 variants × 20 runs × 90 days
    expect(result.stderr).toMatch(/^Simulated 21,600 item-days in \d+\.\d s\n$/);
  });

  it('prints the whole report as JSON with --json, runs and seed overridden from the command line', async () => {
    const result = await cli('simulate', file, '--json', '--runs', '8', '--seed', '77', '--threads', '0');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ runs: 8, seed: 77, horizon_days: 90, currency: 'EUR', items_simulated: 4 });
    expect(report.scenario).toMatchObject({ name: 'acme-closed', runs: 8, seed: 77 });
    expect(report.items.map((i: { sku: string }) => i.sku)).toEqual(['BOLT', 'GEAR', 'NUT', 'SEAL']);
    expect(report.catalogue.variants.map((v: { variant: string }) => v.variant)).toEqual([
      'current',
      'lean',
      'buffered',
    ]);
    // The same seed again: the same report.
    const again = await cli('simulate', file, '--json', '--runs', '8', '--seed', '77', '--threads', '1');
    expect(JSON.parse(again.stdout)).toEqual(report);
  });

  it('writes the chart with --chart: a well-formed SVG with the trajectories, the outage and the costs', async () => {
    const chart = join(dir, 'closed.svg');
    const result = await cli('simulate', file, '--chart', chart, '--threads', '0');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`; chart written to ${chart}`);
    const svg = readFileSync(chart, 'utf8');
    expectWellFormedSvg(svg);
    expect(svg).toContain('ACME closed for 3 weeks &amp; &lt;no&gt; fasteners');
    expect(svg).toContain('>ACME closed</text>');
    expect(svg).toContain('Catalogue cost per year (EUR) and service by variant');
    expect(svg).toMatch(/On hand of (BOLT|NUT) at BER \(units\)/);
  });

  it('draws a one-day simulation without a NaN', async () => {
    // Demand × 1,000 on the one day: every item runs out, so the chart draws their on hand.
    const oneDay = SCENARIO.replace('horizon_days: 90', 'horizon_days: 1').replace(
      /outages:\n.*\n/,
      'demand_factors:\n    - { from_day: 0, days: 1, factor: 1000 }\n',
    );
    writeFileSync(file, oneDay);
    const chart = join(dir, 'one-day.svg');
    const result = await cli('simulate', file, '--chart', chart, '--threads', '0');
    expect(result.code).toBe(0);
    const svg = readFileSync(chart, 'utf8');
    expect(svg).toContain('On hand of BOLT at BER (units)');
    expectWellFormedSvg(svg);
  });

  it('refuses a missing file, bad YAML, a bad scenario and unknown names with exit code 2, naming the field', async () => {
    const missing = await cli('simulate', join(dir, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `error LS_VALIDATION: scenario: no file ${join(dir, 'nope.yaml')} and no saved scenario of that name`,
    );

    const directory = await cli('simulate', dir);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain(`error LS_VALIDATION: scenario: cannot read ${dir}: EISDIR`);

    writeFileSync(file, 'name: x\nruns: 5\nname: y\n');
    const yaml = await cli('simulate', file);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toContain('scenario: not valid YAML (line 3, column 1): Map keys must be unique');

    writeFileSync(file, SCENARIO.replace('runs: 20', 'runs: 0').replace('from_day: 20', 'from_day: 95'));
    const bad = await cli('simulate', file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'error LS_VALIDATION: runs: must be a whole number from 1 to 100000 (and 1 more problem)',
    );
    expect(bad.stderr).toContain('  disruptions.outages[0].from_day: is outside the horizon');

    writeFileSync(file, SCENARIO.replace('supplier: ACME', 'supplier: ACNE'));
    const unknown = await cli('simulate', file);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('disruptions.outages[0].supplier: unknown supplier ACNE');

    const json = join(dir, 'bad.json');
    writeFileSync(json, '{"name": "x", "horizon_days": -5}');
    const jsonBad = await cli('simulate', json);
    expect(jsonBad.code).toBe(2);
    expect(jsonBad.stderr).toContain('horizon_days: must be a whole number from 1 to 3650');
  });

  it('refuses bad --runs, --seed and --threads before reading anything, and a chart it cannot write before simulating', async () => {
    for (const [option, value] of [
      ['--runs', '0'],
      ['--runs', 'many'],
      ['--seed', '-1'],
      ['--threads', '1.5'],
    ] as const) {
      const result = await cli('simulate', file, option, value);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${option}: must be a whole number from`);
    }
    const chart = join(dir, 'no-such-dir', 'closed.svg');
    const unwritable = await cli('simulate', file, '--chart', chart, '--threads', '0');
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain(`--chart: cannot write ${chart}`);
    expect(unwritable.stdout).toBe('');
    expect(existsSync(chart)).toBe(false);
    const png = await cli('simulate', file, '--chart', join(dir, 'closed.png'));
    expect(png.code).toBe(2);
    expect(png.stderr).toContain('--chart: must name an .svg file');
  });

  it('saves, lists, shows, runs and deletes a saved scenario', async () => {
    const saved = await cli('scenarios', 'save', file);
    expect(saved).toMatchObject({ code: 0, stdout: 'Scenario acme-closed saved.\n' });
    expect((await cli('scenarios', 'save', file)).stdout).toBe('Scenario acme-closed replaced.\n');
    const renamed = await cli('scenarios', 'save', file, '--name', 'closed-copy', '--json');
    expect(JSON.parse(renamed.stdout)).toMatchObject({ name: 'closed-copy', scenario: { name: 'closed-copy' } });

    const listed = await cli('scenarios', 'list');
    expect(listed.stdout).toMatch(/^Name\s+Description\s+Updated\s+By$/m);
    expect(listed.stdout).toMatch(
      /^acme-closed\s+ACME closed for 3 weeks & <no> fasteners\s+2026-04-10 10:00\s+cli:tester$/m,
    );
    expect(JSON.parse((await cli('scenarios', 'list', '--json')).stdout).map((s: { name: string }) => s.name)).toEqual([
      'acme-closed',
      'closed-copy',
    ]);
    const shown = JSON.parse((await cli('scenarios', 'show', 'acme-closed')).stdout);
    expect(shown).toMatchObject({ name: 'acme-closed', horizon_days: 90, runs: 20, demand: { model: 'bootstrap' } });

    const fromFile = JSON.parse((await cli('simulate', file, '--json', '--threads', '0')).stdout);
    const fromSaved = JSON.parse((await cli('simulate', 'acme-closed', '--json', '--threads', '0')).stdout);
    expect(fromSaved).toEqual(fromFile);

    expect(await cli('scenarios', 'delete', 'closed-copy')).toMatchObject({
      code: 0,
      stdout: 'Scenario closed-copy deleted.\n',
    });
    const gone = await cli('scenarios', 'delete', 'closed-copy');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('error LS_NOT_FOUND: scenario: no saved scenario named closed-copy');
    expect((await cli('scenarios', 'show', 'closed-copy')).code).toBe(2);
  });

  it('refuses to save a bad scenario, naming the field, and saves nothing', async () => {
    writeFileSync(file, SCENARIO.replace('supplier: ACME', 'supplier: ACNE'));
    const bad = await cli('scenarios', 'save', file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('disruptions.outages[0].supplier: unknown supplier ACNE');
    const badName = await cli('scenarios', 'save', file, '--name', 'bad name');
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('name: must be 1–64 letters');
    expect((await cli('scenarios', 'list')).stdout).toBe('No saved scenarios.\n');
  });
});

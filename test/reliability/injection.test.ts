import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { csvKind } from '../../src/services/csv/csv.service.js';
import { CSV_KINDS } from '../../src/services/csv/csv-kind.js';
import { type Database, type Dialect, openDatabase } from '../../src/store/database.js';
import { createScratchDatabase, type ScratchDatabase, testPostgresUrl } from '../support/dialects.js';
import { type DatabaseFingerprint, fingerprintOf } from './support/fingerprint.js';
import {
  type Document,
  exampleOf,
  fillPath,
  KNOWN_STRINGS,
  knownPathValues,
  type Operation,
  RECORDED_REFUSALS,
  resolveSchema,
  type Schema,
  startApiWorld,
  WRITE_METHODS,
} from './support/openapi.js';
import { reliabilityForm } from './support/reliability-figures.js';

/**
 * Injection probes in every string the API takes: each string field of every write route's body, every string path
 * and query parameter of every route, the cells of a CSV import, and the web app's file serving. A probe is either
 * stored (and then reads back verbatim) or refused (a 4xx naming the field, nothing changed); never a 5xx, never a
 * lost table or row, and the CSV exports afterwards carry no cell a spreadsheet would run as a formula.
 */

type ProbeKind = 'sql' | 'nul' | 'long' | 'traversal' | 'formula';
type Probe = { kind: ProbeKind; text: string };

const PROBES: Probe[] = [
  { kind: 'sql', text: "'; DROP TABLE items; --" },
  { kind: 'sql', text: "' OR '1'='1" },
  { kind: 'sql', text: '"; SELECT pg_sleep(5); --' },
  { kind: 'sql', text: "\\'" },
  { kind: 'nul', text: 'nul\u0000byte' },
  { kind: 'long', text: "' OR '1'='1".repeat(10_000) },
  { kind: 'traversal', text: '../../etc/passwd' },
  { kind: 'traversal', text: '..%2f..%2fetc%2fpasswd' },
  { kind: 'traversal', text: '%00' },
  { kind: 'formula', text: '=HYPERLINK("http://evil")' },
  { kind: 'formula', text: '+1+1' },
  { kind: 'formula', text: '@SUM(A1)' },
];

const FORMULA_START = /^[=+\-@\t\r]/;

/** Example strings for fields the shared ones do not cover, so that example bodies reach the services. */
const STRINGS: Record<string, string[]> = { ...KNOWN_STRINGS, from: ['MAIN'], to: ['DOCK'], events: ['*'] };

/** Create routes whose natural key must be new on every request (unless the key itself is probed). */
const FRESH_KEYS: Record<string, string> = {
  'POST /api/v1/items': 'sku',
  'POST /api/v1/locations': 'code',
  'POST /api/v1/suppliers': 'code',
  'POST /api/v1/customers': 'code',
};

/** Routes whose every request is long work (the whole plan): one probe of each kind instead of all. */
const HEAVY_ROUTES = new Set(['POST /api/v1/plan']);

function probesOf(target: Target): Probe[] {
  if (!HEAVY_ROUTES.has(`${target.method.toUpperCase()} ${target.path}`)) return PROBES;
  return PROBES.filter((probe, i) => PROBES.findIndex((p) => p.kind === probe.kind) === i);
}

/** A place a probe goes: a body field (`lines[].sku`), a path or query parameter, or a CSV column. */
type Target = {
  method: string;
  path: string;
  where: 'body' | 'path' | 'query' | 'csv';
  field: string;
  /** The request with `value` in that place, the rest plausible (known records, examples). */
  request(value: string): { url: string; payload?: unknown; contentType?: string };
  /** A harmless value for that place, to tell a refusal of the probe from one of the request as a whole. */
  benign: string;
};

type Verdict = 'stored' | 'read' | 'refused' | 'refused_before_field' | 'problem';
type Outcome = { target: string; probe: ProbeKind; status: number; verdict: Verdict; note?: string };

type Figures = {
  routes: number;
  targets: Record<Target['where'], number>;
  string_fields: number;
  probes: number;
  requests: number;
  controls: number;
  verdicts: Record<Verdict, number>;
  export_cells_neutralised: number;
  static_probes: number;
};

// The probes exercise the HTTP layer and the query builder, which are the same on both databases; PostgreSQL's own
// refusals (NUL bytes) have a test of their own, so the short form in every `npm test` runs on SQLite only.
const dialects: Dialect[] = testPostgresUrl() && reliabilityForm() === 'full' ? ['sqlite', 'postgres'] : ['sqlite'];
const resultsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/results');

for (const dialect of dialects) {
  describe(`injection probes [${dialect}]`, () => {
    let scratch: ScratchDatabase;
    let database: Database;
    let app: FastifyInstance;
    let document: Document;
    let existing: Record<string, string>;
    let fingerprint: DatabaseFingerprint;
    const started = performance.now();
    const figures: Figures = {
      routes: 0,
      targets: { body: 0, path: 0, query: 0, csv: 0 },
      string_fields: 0,
      probes: PROBES.length,
      requests: 0,
      controls: 0,
      verdicts: { stored: 0, read: 0, refused: 0, refused_before_field: 0, problem: 0 },
      export_cells_neutralised: 0,
      static_probes: 0,
    };

    beforeAll(async () => {
      scratch = await createScratchDatabase(dialect);
      database = await openDatabase(scratch.config);
      ({ app, document, existing } = await startApiWorld(database));
      await app.inject({ method: 'POST', url: '/api/v1/locations', payload: { code: 'DOCK', name: 'Dock' } });
      const webhook = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        payload: { url: 'http://127.0.0.1:9/hook', events: ['*'] },
      });
      existing['id:webhooks'] = webhook.json().id;
      fingerprint = fingerprintOf(database);
    });

    afterAll(async () => {
      await app?.close();
      await database?.close();
      await scratch?.drop();
      if (figures.requests === 0) return;
      const record = {
        dialect,
        ...figures,
        duration_ms: Math.round(performance.now() - started),
        node: process.version,
        measured_at: new Date().toISOString(),
      };
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(join(resultsDir, `reliability-injection-${dialect}.json`), `${JSON.stringify(record, null, 2)}\n`);
      const v = figures.verdicts;
      console.log(
        `reliability injection [${dialect}]: ${figures.routes} routes, ${figures.string_fields} string places ` +
          `(${figures.targets.body} body fields, ${figures.targets.path} path and ${figures.targets.query} query parameters, ` +
          `${figures.targets.csv} CSV columns) × up to ${figures.probes} probes = ${figures.requests} requests; ${v.stored} stored verbatim, ` +
          `${v.read} read, ${v.refused} refused naming the field, ${v.refused_before_field} refused before reaching it, ` +
          `${v.problem} problems; ${figures.export_cells_neutralised} export cells neutralised; ${figures.static_probes} file-serving probes`,
      );
    });

    it('stores every probe verbatim or refuses it naming the field; never a 5xx, never a lost table or row', {
      timeout: 900_000,
    }, async () => {
      const schemaBefore = await fingerprint.schema();
      const targets = [...targetsOf(document, existing), ...csvTargets()];
      // Reads first: before any probe is stored, a list filtered by one must come back empty.
      targets.sort((a, b) => Number(a.method !== 'get') - Number(b.method !== 'get'));
      figures.routes = new Set(targets.map((t) => `${t.method} ${t.path}`)).size;
      figures.string_fields = targets.length;
      for (const target of targets) figures.targets[target.where] += 1;

      const problems: Outcome[] = [];
      // Rows per table, recounted only when a write changed the data.
      let state: State = { hash: '', rows: {} };
      const stateNow = async (): Promise<State> => {
        const hash = await fingerprint.data();
        if (hash !== state.hash) state = { hash, rows: await fingerprint.rowCounts() };
        return state;
      };
      for (const target of targets) {
        for (const probe of probesOf(target)) {
          const before = await stateNow();
          const answer = await send(app, target.method, target.request(probe.text));
          figures.requests += 1;
          const outcome = await judge(target, probe, answer, before);
          figures.verdicts[outcome.verdict] += 1;
          if (outcome.verdict === 'problem') problems.push(outcome);
        }
      }
      expect(await fingerprint.schema()).toBe(schemaBefore);
      expect(problems).toEqual([]);
      expect(figures.verdicts.stored).toBeGreaterThan(100);
      expect(figures.verdicts.refused).toBeGreaterThan(1000);
    });

    it('exports every kind after the probes with no cell a spreadsheet would run as a formula', async () => {
      for (const kind of CSV_KINDS) {
        const answer = await app.inject({ method: 'GET', url: `/api/v1/export/${kind}` });
        expect(answer.statusCode, kind).toBe(200);
        const numbers = new Set(csvKind(kind).numberColumns);
        const rows = parse(answer.body, { columns: true }) as Array<Record<string, string>>;
        for (const row of rows) {
          for (const [column, cell] of Object.entries(row)) {
            if (numbers.has(column)) {
              expect(cell, `${kind}.${column}`).toMatch(/^(-?\d+(\.\d+)?)?$/);
              continue;
            }
            expect(cell, `${kind}.${column}`).not.toMatch(FORMULA_START);
            if (/^'+[=+\-@\t\r]/.test(cell)) figures.export_cells_neutralised += 1;
          }
        }
      }
      // The probes stored formula-like names, categories, codes and SKUs: the check above saw them.
      expect(figures.export_cells_neutralised).toBeGreaterThan(10);
    });

    if (dialect === 'sqlite') {
      it('serves no file outside the web bundle for any encoding of ../, and never a 5xx', async () => {
        figures.static_probes = await probeFileServing(database);
      });
    }

    async function judge(
      target: Target,
      probe: Probe,
      answer: LightMyRequestResponse,
      before: State,
    ): Promise<Outcome> {
      const name = `${target.method.toUpperCase()} ${target.path} ${target.where}:${target.field}`;
      const outcome = (verdict: Verdict, note?: string): Outcome => ({
        target: name,
        probe: probe.kind,
        status: answer.statusCode,
        verdict,
        ...(note !== undefined && { note }),
      });
      if (answer.statusCode >= 500) return outcome('problem', answer.body.slice(0, 300));
      const hash = await fingerprint.data();
      if (hash !== before.hash && target.method !== 'delete') {
        const rows = await fingerprint.rowCounts();
        const lost = Object.keys(before.rows).filter((table) => (rows[table] ?? -1) < before.rows[table]!);
        if (lost.length > 0) return outcome('problem', `rows lost from ${lost.join(', ')}`);
      }

      if (answer.statusCode >= 400) {
        const error = (safeJson(answer.body) as { error?: ErrorShape } | undefined)?.error;
        if (typeof error?.code !== 'string') return outcome('problem', `no error shape: ${answer.body.slice(0, 200)}`);
        const route = `${target.method.toUpperCase()} ${target.path}`;
        if (hash !== before.hash && !RECORDED_REFUSALS.has(route)) {
          return outcome('problem', `${error.code} but the database changed`);
        }
        if (namesField(error, target, probe)) return outcome('refused');
        // Not about this field: the same request with a harmless value there must be refused the same way.
        const control = await send(app, target.method, target.request(target.benign));
        figures.controls += 1;
        const controlCode = (safeJson(control.body) as { error?: ErrorShape } | undefined)?.error?.code;
        if (control.statusCode === answer.statusCode && controlCode === error.code) {
          return outcome('refused_before_field');
        }
        return outcome('problem', `refused without naming ${target.field}: ${error.code} ${error.message}`);
      }
      if (target.method === 'get') {
        if (hash !== before.hash) return outcome('problem', 'a read changed the database');
        const data = (safeJson(answer.body) as { data?: unknown } | undefined)?.data;
        if (Array.isArray(data) && data.length > 0)
          return outcome('problem', `a filter by the probe found ${data.length}`);
        return outcome('read');
      }
      if (probe.kind === 'nul') return outcome('problem', 'accepted a NUL character, which PostgreSQL cannot store');
      // Stored now, or it named a record whose key an earlier probe stored verbatim.
      if (!(await holdsVerbatim(database, probe.text))) {
        return outcome('problem', `answered ${answer.statusCode} but the probe is not stored verbatim`);
      }
      const echoed = valuesNamed(safeJson(answer.body), leafOf(target.field));
      if (echoed.length > 0 && !echoed.includes(probe.text)) {
        return outcome('problem', `answered ${target.field} = ${JSON.stringify(echoed[0]).slice(0, 80)}`);
      }
      return outcome('stored');
    }
  });
}

/** The database between two requests: its data hash and rows per table. */
type State = { hash: string; rows: Record<string, number> };

type ErrorShape = { code?: string; message?: string; details?: Array<{ field?: string }> };

/** The refusal names the probed field (or, for a path parameter, the router's `path`), or quotes the probe. */
function namesField(error: ErrorShape, target: Target, probe: Probe): boolean {
  const leaf = leafOf(target.field);
  const fields = (error.details ?? []).map((d) => leafOf(d.field ?? ''));
  if (fields.includes(leaf) || (error.message ?? '').startsWith(`${leaf}:`)) return true;
  if (target.where === 'path' && fields.includes('path')) return true;
  if (target.where === 'csv' && probe.kind === 'nul' && fields.includes('body')) return true;
  return probe.text.length < 200 && (error.message ?? '').includes(probe.text);
}

async function send(
  app: FastifyInstance,
  method: string,
  request: ReturnType<Target['request']>,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: method.toUpperCase() as 'GET',
    url: request.url,
    ...(request.payload !== undefined && { payload: request.payload as object }),
    ...(request.contentType !== undefined && { headers: { 'content-type': request.contentType } }),
  });
}

/** Whether a cell of the database holds the text exactly, or inside a JSON document (audit, events). */
async function holdsVerbatim(database: Database, text: string): Promise<boolean> {
  const json = JSON.stringify(text);
  return (await everyRow(database)).some((row) =>
    Object.values(row).some((value) => typeof value === 'string' && (value === text || value.includes(json))),
  );
}

/** Every row of every table; on PostgreSQL in one round trip, as JSON. */
async function everyRow(database: Database): Promise<Array<Record<string, unknown>>> {
  if (database.sqlite) {
    const sqlite = database.sqlite;
    const tables = sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as Array<{ name: string }>;
    return tables.flatMap(
      ({ name }) => sqlite.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>,
    );
  }
  const tables = (
    await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(database.db)
  ).rows;
  const union = tables.map(({ name }) => `SELECT to_jsonb(r)::text AS row FROM "${name}" r`).join(' UNION ALL ');
  const { rows } = await sql.raw<{ row: string }>(union).execute(database.db);
  return rows.map(({ row }) => JSON.parse(row) as Record<string, unknown>);
}

/** `lines[].sku` → `sku`; `movements[0].reason` → `reason`. */
function leafOf(field: string): string {
  return (
    field
      .replace(/\[\d*\]/g, '')
      .split('.')
      .pop() ?? field
  );
}

/** Every string value under a property called `name`, anywhere in a JSON answer. */
function valuesNamed(value: unknown, name: string): string[] {
  if (Array.isArray(value)) return value.flatMap((inner) => valuesNamed(inner, name));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === name && typeof inner === 'string' ? [inner] : valuesNamed(inner, name),
  );
}

/** Every string path and query parameter of every API route, and every string body field of the write routes. */
function targetsOf(document: Document, existing: Record<string, string>): Target[] {
  const targets: Target[] = [];
  let fresh = 0;
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, operation] of Object.entries(operations)) {
      if (method !== 'get' && !(WRITE_METHODS as readonly string[]).includes(method)) continue;
      if (isEventStream(operation)) continue;
      const route = `${method.toUpperCase()} ${path}`;
      const known = knownPathValues(path, existing);
      const query = requiredQuery(operation, document);
      const urlOf = (values: Record<string, string>, search: Record<string, string>) => {
        const text = new URLSearchParams(search).toString();
        return `${fillPath(path, values)}${text ? `?${text}` : ''}`;
      };
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      const freshKey = FRESH_KEYS[route];
      const withFreshKey = (body: unknown, probed?: string) => {
        if (!freshKey || probed === freshKey || typeof body !== 'object' || body === null) return body;
        fresh += 1;
        return { ...body, [freshKey]: `INJ-${fresh}` };
      };
      const example =
        schema && method !== 'get'
          ? withBodyField(exampleOf(schema, document, '', STRINGS), schema, document)
          : undefined;

      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'path' && parameter.in !== 'query') continue;
        if (!isStringSchema(parameter.schema ?? {}, document)) continue;
        const benign =
          parameter.in === 'path'
            ? (known[parameter.name] ?? 'X')
            : String(exampleOf(parameter.schema ?? {}, document, parameter.name, STRINGS));
        targets.push({
          method,
          path,
          where: parameter.in,
          field: parameter.name,
          benign,
          request: (value) => ({
            url:
              parameter.in === 'path'
                ? urlOf({ ...known, [parameter.name]: value }, query)
                : urlOf(known, { ...query, [parameter.name]: value }),
            ...(example !== undefined && { payload: withFreshKey(example) }),
          }),
        });
      }
      if (!schema || method === 'get') continue;
      for (const field of stringFieldsOf(schema, document, '', (value) => value, 0)) {
        targets.push({
          method,
          path,
          where: 'body',
          field: field.name,
          benign: field.benign,
          request: (value) => ({ url: urlOf(known, query), payload: withFreshKey(field.build(value), field.name) }),
        });
      }
    }
  }
  return targets;
}

/** The text columns of an items file, through the CSV import (its body is a file, not JSON). */
function csvTargets(): Target[] {
  let fresh = 0;
  const file = (row: Record<string, string>) =>
    stringify([{ sku: `INJ-CSV-${++fresh}`, name: 'Probe base', unit: 'pcs', category: '', ...row }], {
      header: true,
      columns: ['sku', 'name', 'unit', 'category'],
    });
  return ['sku', 'name', 'unit', 'category'].map((column) => ({
    method: 'post',
    path: '/api/v1/import/{kind}',
    where: 'csv' as const,
    field: column,
    benign: column === 'unit' ? 'pcs' : `CSV-${column}`,
    request: (value: string) => ({
      url: '/api/v1/import/items',
      payload: file({ [column]: value }),
      contentType: 'text/csv',
    }),
  }));
}

function isEventStream(operation: Operation): boolean {
  const responses = (operation as { responses?: Record<string, { content?: Record<string, unknown> }> }).responses;
  return Object.keys(responses?.['200']?.content ?? {}).includes('text/event-stream');
}

function requiredQuery(operation: Operation, document: Document): Record<string, string> {
  const query: Record<string, string> = {};
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in === 'query' && parameter.required) {
      query[parameter.name] = String(exampleOf(parameter.schema ?? {}, document, parameter.name, STRINGS));
    }
  }
  return query;
}

/** An update needs one field to change: an empty example gets its first string property. */
function withBodyField(example: unknown, raw: Schema, document: Document): unknown {
  if (typeof example !== 'object' || example === null || Object.keys(example).length > 0) return example;
  const properties = (resolveSchema(raw, document)['properties'] ?? {}) as Record<string, Schema>;
  const first = Object.entries(properties).find(([, property]) => isStringSchema(property, document));
  return first ? { [first[0]]: exampleOf(first[1], document, first[0], STRINGS) } : example;
}

function isStringSchema(raw: Schema, document: Document): boolean {
  const schema = resolveSchema(raw, document);
  const choices = (schema['anyOf'] ?? schema['oneOf']) as Schema[] | undefined;
  if (choices) return choices.some((choice) => isStringSchema(choice, document));
  const type = schema['type'];
  if (type === undefined && Array.isArray(schema['enum'])) return schema['enum'].every((v) => typeof v === 'string');
  return type === 'string' || (Array.isArray(type) && type.includes('string'));
}

type StringField = { name: string; build: (value: string) => unknown; benign: string };

/**
 * The string fields of a body schema (`lines[].sku`), each with a builder that puts a value there in an otherwise
 * plausible body. A union of object shapes (movement types) yields the fields of each shape.
 */
function stringFieldsOf(
  raw: Schema,
  document: Document,
  name: string,
  wrap: (value: unknown) => unknown,
  depth: number,
): StringField[] {
  if (depth > 5) return [];
  const schema = resolveSchema(raw, document);
  const leaf = leafOf(name);
  const here = (): StringField[] =>
    name ? [{ name, build: wrap, benign: String(exampleOf(schema, document, leaf, STRINGS)) }] : [];
  const choices = (schema['anyOf'] ?? schema['oneOf']) as Schema[] | undefined;
  if (choices) {
    const shapes = choices.filter((choice) => resolveSchema(choice, document)['properties']);
    if (shapes.length > 0) return shapes.flatMap((shape) => stringFieldsOf(shape, document, name, wrap, depth));
    return isStringSchema(schema, document) ? here() : [];
  }
  if (isStringSchema(schema, document)) return here();
  if (schema['type'] === 'array') {
    const items = (schema['items'] as Schema | undefined) ?? {};
    return stringFieldsOf(items, document, `${name}[]`, (value) => wrap([value]), depth + 1);
  }
  const properties = schema['properties'] as Record<string, Schema> | undefined;
  if (!properties) return [];
  const example = exampleOf(schema, document, leaf, STRINGS) as Record<string, unknown>;
  return Object.entries(properties).flatMap(([key, property]) =>
    stringFieldsOf(
      property,
      document,
      name ? `${name}.${key}` : key,
      (value) => wrap({ ...example, [key]: value }),
      depth + 1,
    ),
  );
}

/**
 * The web app's static files and every route that takes a file or card name, asked for files outside the bundle with
 * every encoding of `../`. A bundle in a temporary folder has a secret file beside it and a package.json above it.
 */
async function probeFileServing(database: Database): Promise<number> {
  const top = mkdtempSync(join(tmpdir(), 'leanstock-injection-'));
  const root = join(top, 'a', 'web');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>bundle</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("bundle")');
  writeFileSync(join(top, 'a', 'secret.txt'), 'SECRET-BESIDE-THE-BUNDLE');
  writeFileSync(join(top, 'package.json'), '{ "name": "SECRET-PACKAGE-ABOVE-THE-BUNDLE" }');
  const previous = process.env['LEANSTOCK_WEB_DIST'];
  process.env['LEANSTOCK_WEB_DIST'] = root;
  const app = await buildApp({ database, simulationThreads: 0 });
  try {
    const ups = ['..%2f', '%2e%2e%2f', '%2e%2e/', '..%5c', '..%252f', '%252e%252e%252f', '..\\', '../', '....//'];
    const files = ['secret.txt', 'package.json', 'etc/passwd', 'etc%2fpasswd'];
    const prefixes = ['/assets/', '/', '/kanban/cards/', '/api/v1/kanban/cards/', '/api/v1/export/'];
    const urls = prefixes.flatMap((prefix) =>
      ups.flatMap((up) => files.flatMap((file) => [1, 2, 12].map((depth) => `${prefix}${up.repeat(depth)}${file}`))),
    );
    urls.push('/assets/app.js%00.html', '/assets/..%00/secret.txt', '/%2e%2e/%2e%2e/package.json');
    urls.push(...urls.filter((url) => url.startsWith('/api/v1/kanban/cards/')).map((url) => `${url}/label.pdf`));
    const leaks: string[] = [];
    for (const url of urls) {
      for (const accept of ['*/*', 'text/html']) {
        const answer = await app.inject({ method: 'GET', url, headers: { accept } });
        if (answer.statusCode >= 500 || /SECRET-|root:x:0:0|"name": "leanstock"/.test(answer.body)) {
          leaks.push(`${url} [${accept}] → ${answer.statusCode} ${answer.body.slice(0, 120)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    // File names made from a SKU (kanban label PDFs) keep only letters, digits, '.', '_' and '-'.
    const sku = '../../etc/passwd";x=.pdf';
    const post = (url: string, payload: object, method: 'POST' | 'PUT' = 'POST') =>
      app.inject({ method, url: `/api/v1/${url}`, payload });
    expect((await post('items', { sku, name: 'Traversal', unit: 'pcs' })).statusCode).toBe(201);
    const policy = { kind: 'kanban', cards: 2, container_quantity: 5 };
    expect((await post(`policies/${encodeURIComponent(sku)}/MAIN`, policy, 'PUT')).statusCode).toBe(200);
    const loops = await app.inject({ method: 'GET', url: `/api/v1/kanban/loops?sku=${encodeURIComponent(sku)}` });
    const loop = loops.json().data[0] as { id: number; cards: Array<{ id: string }> };
    for (const url of [
      `/api/v1/kanban/loops/${loop.id}/labels.pdf`,
      `/api/v1/kanban/cards/${loop.cards[0]!.id}/label.pdf`,
    ]) {
      const pdf = await app.inject({ method: 'GET', url });
      expect(pdf.statusCode, url).toBe(200);
      expect(pdf.headers['content-disposition'], url).toMatch(/^inline; filename="[A-Za-z0-9._-]+\.pdf"$/);
    }
    // The bundle itself is still served.
    const asset = await app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toContain('bundle');
    return urls.length * 2 + 2;
  } finally {
    await app.close();
    if (previous === undefined) delete process.env['LEANSTOCK_WEB_DIST'];
    else process.env['LEANSTOCK_WEB_DIST'] = previous;
    rmSync(top, { recursive: true, force: true });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/api/app.js';
import { type Database, openDatabase } from '../../src/store/database.js';
import { type DatabaseFingerprint, fingerprintOf } from './support/fingerprint.js';
import {
  type Document,
  fillPath,
  KNOWN_STRINGS,
  knownPathValues,
  RECORDED_REFUSALS,
  resolveSchema as resolve,
  type Schema,
  startApiWorld,
  WRITE_METHODS,
} from './support/openapi.js';

/**
 * Fuzzes every write route of the OpenAPI document: bodies generated from the route's request schema, the same
 * bodies broken on purpose, and broken HTTP (malformed JSON, oversized, wrong content type, empty). A 5xx is a bug;
 * a 4xx must carry `{ error: { code, message } }` and leave the database exactly as it was.
 */

type Case = { label: string; payload?: string | Buffer; contentType?: string };

const SEED = 20260601;
const RUNS = 15;
const UNKNOWN_RUNS = 4;

describe('API fuzzing from the OpenAPI document (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leanstock-api-fuzz-'));
  let database: Database;
  let app: FastifyInstance;
  let document: Document;
  let existing: Record<string, string>;
  let fingerprint: DatabaseFingerprint;

  beforeAll(async () => {
    database = await openDatabase({ dialect: 'sqlite', path: join(dir, 'fuzz.db') });
    ({ app, document, existing } = await startApiWorld(database));
    fingerprint = fingerprintOf(database);
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never answers 5xx, answers every 4xx with the error shape, and changes nothing on a 4xx', {
    timeout: 600_000,
  }, async () => {
    const problems: string[] = [];
    const counts = { routes: 0, cases: 0, '2xx': 0, '4xx': 0 };
    const oversized = Buffer.alloc(MAX_BODY_BYTES + 1024, 'a');

    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of WRITE_METHODS) {
        const operation = operations[method];
        if (!operation) continue;
        counts.routes += 1;
        const content = operation.requestBody?.content ?? {};
        const csv = content['text/csv'] !== undefined;
        const schema = content['application/json']?.schema;
        const bodies = csv ? csvBodies() : bodyCases(schema, document);

        for (const pathVariant of pathVariants(path, existing)) {
          const known = pathVariant.known;
          const cases: Case[] = (known ? bodies : bodies.slice(0, UNKNOWN_RUNS)).map((body) => ({
            label: body.label,
            payload: body.payload,
            contentType: csv ? 'text/csv' : 'application/json',
          }));
          if (known) {
            cases.push(
              { label: 'malformed JSON', payload: '{"a": 1,', contentType: 'application/json' },
              { label: 'oversized body', payload: oversized, contentType: csv ? 'text/csv' : 'application/json' },
              { label: 'wrong content type', payload: '<a>1</a>', contentType: 'application/xml' },
              { label: 'empty body', payload: '', contentType: 'application/json' },
              { label: 'no body' },
            );
          }
          for (const c of cases) {
            const before = await fingerprint.data();
            const answer = await app.inject({
              method: method.toUpperCase() as 'POST',
              url: pathVariant.url,
              ...(c.payload !== undefined && { payload: c.payload }),
              headers: c.contentType ? { 'content-type': c.contentType } : {},
            });
            counts.cases += 1;
            const where = `${method.toUpperCase()} ${pathVariant.url} [${c.label}] ${preview(c.payload)}`;
            const status = answer.statusCode;
            if (status >= 500) {
              problems.push(`${where} → ${status} ${answer.body.slice(0, 300)}`);
              continue;
            }
            if (status >= 200 && status < 300) {
              counts['2xx'] += 1;
              continue;
            }
            if (status < 400) continue;
            counts['4xx'] += 1;
            const body = safeJson(answer.body) as { error?: { code?: unknown; message?: unknown } } | undefined;
            if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string')
              problems.push(`${where} → ${status} without the error shape: ${answer.body.slice(0, 200)}`);
            const recorded = RECORDED_REFUSALS.has(`${method.toUpperCase()} ${path}`);
            if (!recorded && (await fingerprint.data()) !== before) {
              problems.push(`${where} → ${status} but the database changed`);
            }
          }
        }
      }
    }

    console.log(
      `API fuzz: ${counts.routes} write routes, ${counts.cases} cases, ${counts['4xx']} answered 4xx, ${counts['2xx']} answered 2xx, ${problems.length} problems`,
    );
    expect(problems).toEqual([]);
    expect(counts.routes).toBeGreaterThan(60);
    expect(counts['2xx']).toBeGreaterThan(0);
  });
});

function pathVariants(path: string, existing: Record<string, string>): Array<{ url: string; known: boolean }> {
  const unknown: Record<string, string> = { id: '999999', line_id: '999999', kind: 'nothing' };
  if (!/\{\w+\}/.test(path)) return [{ url: path, known: true }];
  return [
    { url: fillPath(path, knownPathValues(path, existing)), known: true },
    { url: fillPath(path, unknown, 'NO-SUCH-THING'), known: false },
    { url: path.replace(/\{(\w+)\}/g, 'abc%00'), known: false },
  ];
}

function bodyCases(schema: Schema | undefined, document: Document): Array<{ label: string; payload: string }> {
  const valid = schema ? arbitraryOf(schema, document, '', 0) : fc.constant({});
  const generated = fc.sample(valid, { seed: SEED, numRuns: RUNS });
  const mutated = fc.sample(fc.tuple(valid, fc.nat(MUTATIONS.length - 1), fc.nat()), { seed: SEED + 1, numRuns: RUNS });
  return [
    ...generated.map((body) => ({ label: 'generated', payload: JSON.stringify(body) ?? 'null' })),
    ...mutated.map(([body, which, pick]) => {
      const mutation = MUTATIONS[which] as Mutation;
      return { label: mutation.name, payload: JSON.stringify(mutation.apply(body, pick, schema, document)) ?? 'null' };
    }),
  ];
}

function csvBodies(): Array<{ label: string; payload: string }> {
  const cell = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('BULB', 'MAIN', 'pcs', '1.5', '-3', '1.2345', ''),
  );
  const line = fc.array(cell, { minLength: 1, maxLength: 5 }).map((cells) => cells.join(','));
  const header = fc.constantFrom('sku,name,unit', 'code,name', 'sku,location,quantity', 'supplier,sku,unit_price', 'x');
  const file = fc.tuple(header, fc.array(line, { maxLength: 4 })).map(([h, lines]) => [h, ...lines].join('\n'));
  return fc.sample(file, { seed: SEED, numRuns: RUNS * 2 }).map((payload) => ({ label: 'csv', payload }));
}

/** A JSON-schema → fast-check converter for the subset the document uses. */
function arbitraryOf(raw: Schema, document: Document, field: string, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(raw, document);
  const inner = ((): fc.Arbitrary<unknown> => {
    const choices = (schema['anyOf'] ?? schema['oneOf']) as Schema[] | undefined;
    if (choices) return fc.oneof(...choices.map((choice) => arbitraryOf(choice, document, field, depth)));
    if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
    if ('const' in schema) return fc.constant(schema['const']);
    const type = schema['type'];
    if (Array.isArray(type))
      return fc.oneof(...type.map((t) => arbitraryOf({ ...schema, type: t }, document, field, depth)));
    if (type === 'null') return fc.constant(null);
    if (type === 'boolean') return fc.boolean();
    if (type === 'integer') return integerOf(schema);
    if (type === 'number') return numberOf(schema);
    if (type === 'string') return stringOf(schema, field);
    if (type === 'array') {
      const items = (schema['items'] as Schema | undefined) ?? {};
      const minLength = Math.min((schema['minItems'] as number | undefined) ?? 0, 3);
      const maxLength = Math.max(minLength, Math.min((schema['maxItems'] as number | undefined) ?? 3, 3));
      return depth > 4
        ? fc.constant([])
        : fc.array(arbitraryOf(items, document, field, depth + 1), { minLength, maxLength });
    }
    const properties = schema['properties'] as Record<string, Schema> | undefined;
    if (type === 'object' || properties) {
      if (!properties || depth > 4) return fc.constant({});
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties))
        model[name] = arbitraryOf(property, document, name, depth + 1);
      const required = ((schema['required'] as string[] | undefined) ?? []).filter((name) => name in model);
      return fc.record(model, { requiredKeys: required });
    }
    return fc.jsonValue({ maxDepth: 2 });
  })();
  return schema['nullable'] === true ? fc.oneof(inner, fc.constant(null)) : inner;
}

function integerOf(schema: Schema): fc.Arbitrary<number> {
  const min = (schema['minimum'] as number | undefined) ?? -5;
  const max = (schema['maximum'] as number | undefined) ?? Math.max(min, 0) + 1000;
  return fc.integer({ min: Math.max(min, -1_000_000), max: Math.min(max, 1_000_000) });
}

function numberOf(schema: Schema): fc.Arbitrary<number> {
  const low = (schema['minimum'] as number | undefined) ?? (schema['exclusiveMinimum'] as number | undefined) ?? -5;
  const high =
    (schema['maximum'] as number | undefined) ?? (schema['exclusiveMaximum'] as number | undefined) ?? low + 1000;
  const milli = fc.integer({ min: Math.ceil(low * 1000), max: Math.floor(high * 1000) }).map((m) => m / 1000);
  const whole = fc.integer({ min: Math.ceil(low), max: Math.floor(high) });
  return fc.oneof(whole, milli);
}

function stringOf(schema: Schema, field: string): fc.Arbitrary<string> {
  const maxLength = Math.min((schema['maxLength'] as number | undefined) ?? 40, 40);
  const minLength = Math.min((schema['minLength'] as number | undefined) ?? 0, maxLength);
  const description = String(schema['description'] ?? '');
  const date = fc
    .date({ min: new Date(Date.UTC(2025, 0, 1)), max: new Date(Date.UTC(2027, 11, 31)), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  if (schema['format'] === 'date' || description.includes('YYYY-MM-DD') || /_date$|^today$/.test(field)) return date;
  if (schema['format'] === 'date-time') return date.map((d) => `${d}T08:00:00Z`);
  if (schema['format'] === 'email' || field === 'email') return fc.emailAddress();
  if (schema['format'] === 'uri' || field === 'url') return fc.constantFrom('http://127.0.0.1:9/hook', 'ftp://x', 'x');
  const plain =
    typeof schema['pattern'] === 'string'
      ? fc.stringMatching(new RegExp(schema['pattern'] as string)).filter((s) => s.length <= maxLength)
      : fc.string({ minLength, maxLength });
  const known = KNOWN_STRINGS[field];
  return known ? fc.oneof(fc.constantFrom(...known), plain) : plain;
}

type Mutation = {
  name: string;
  apply: (body: unknown, pick: number, schema: Schema | undefined, doc: Document) => unknown;
};

/** Applies `change` to one field of the body (chosen by `pick`), or to the body itself when it has no fields. */
function atField(body: unknown, pick: number, change: (value: unknown) => unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return change(body);
  const keys = Object.keys(body);
  if (keys.length === 0) return { [`extra_${pick % 3}`]: change(undefined) };
  const key = keys[pick % keys.length] as string;
  return { ...body, [key]: change((body as Record<string, unknown>)[key]) };
}

const MUTATIONS: Mutation[] = [
  {
    name: 'required field dropped',
    apply: (body, pick, schema, doc) => {
      const required = schema ? ((resolve(schema, doc)['required'] as string[] | undefined) ?? []) : [];
      if (!body || typeof body !== 'object' || required.length === 0) return body;
      const { [required[pick % required.length] as string]: _dropped, ...rest } = body as Record<string, unknown>;
      return rest;
    },
  },
  {
    name: 'wrong type',
    apply: (body, pick) =>
      atField(body, pick, (value) =>
        typeof value === 'string' ? 42 : typeof value === 'number' ? String(value) : [true, { a: 1 }, 'x'][pick % 3],
      ),
  },
  { name: 'huge string', apply: (body, pick) => atField(body, pick, () => 'é'.repeat(100_000)) },
  {
    name: 'out-of-range number',
    apply: (body, pick) => atField(body, pick, () => [-1e9, -0.001, 1e308, Number.MAX_SAFE_INTEGER + 2, -0][pick % 5]),
  },
  { name: 'NaN-like', apply: (body, pick) => atField(body, pick, () => ['NaN', 'Infinity', '1e999', null][pick % 4]) },
  { name: 'four decimals', apply: (body, pick) => atField(body, pick, () => 1.2345 + (pick % 7)) },
  {
    name: 'unicode',
    apply: (body, pick) =>
      atField(body, pick, () => ['𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀', '\u0000nul', '\u202Eevil', 'ｆｕｌｌ', ' leading', 'tab\tin'][pick % 6]),
  },
  {
    name: 'nested nulls',
    apply: (body, pick) =>
      atField(body, pick, (value) =>
        Array.isArray(value)
          ? value.map((item) => (item && typeof item === 'object' ? nullAll(item) : null))
          : value && typeof value === 'object'
            ? nullAll(value)
            : null,
      ),
  },
  { name: 'body not an object', apply: (_body, pick) => [[], 'text', 7, null, true][pick % 5] },
];

function nullAll(value: object): Record<string, null> {
  return Object.fromEntries(Object.keys(value).map((key) => [key, null]));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function preview(payload: string | Buffer | undefined): string {
  if (payload === undefined) return '(none)';
  if (Buffer.isBuffer(payload)) return `(${payload.length} bytes)`;
  return payload.length > 160 ? `${payload.slice(0, 160)}…(${payload.length} chars)` : payload;
}

import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../../src/api/app.js';
import type { Database } from '../../../src/store/database.js';
import { MTO_NOW, seedMakeToOrder } from '../../support/make-to-order.js';

/** The OpenAPI document of `buildApp` as the reliability tests walk it. */
export type Schema = Record<string, unknown>;
export type Parameter = { in: string; name: string; required?: boolean; schema?: Schema };
export type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
export type Document = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

export const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;

/** Values that exist after `startApiWorld`, so that bodies reach the services and not only the validator. */
export const KNOWN_STRINGS: Record<string, string[]> = {
  sku: ['BULB', 'LAMP', 'DESK', 'GLUE'],
  location: ['MAIN'],
  supplier: ['ACME', 'BETA'],
  customer: ['ROSSI', 'BLOM'],
  unit: ['pcs', 'kg'],
  currency: ['EUR', 'USD'],
};

/** Routes that record a refusal on purpose: a refused sign-in is audited (`login_failed`) and counts towards a lock. */
export const RECORDED_REFUSALS: ReadonlySet<string> = new Set(['POST /api/v1/auth/login']);

/** An app over the make-to-order world, with one order of each kind, and the ids path parameters can name. */
export type ApiWorld = { app: FastifyInstance; document: Document; existing: Record<string, string> };

/** Seeds the make-to-order world (test/support/make-to-order.ts) plus an issue, a customer and a production order. */
export async function startApiWorld(database: Database): Promise<ApiWorld> {
  await seedMakeToOrder(database);
  const app = await buildApp({ database, clock: () => MTO_NOW, simulationThreads: 0 });
  await app.ready();
  const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as Document;
  const post = async (url: string, payload: object) => {
    const answer = await app.inject({ method: 'POST', url, payload });
    if (answer.statusCode >= 300) throw new Error(`${url}: ${answer.statusCode} ${answer.body}`);
    return answer.json();
  };
  await post('/api/v1/movements', { type: 'issue', sku: 'BULB', location: 'MAIN', quantity: 15 });
  const customerOrder = await post('/api/v1/customer-orders', {
    customer: 'ROSSI',
    lines: [{ sku: 'LAMP', location: 'MAIN', quantity: 2 }],
  });
  const productionOrder = await post('/api/v1/production-orders', {
    sku: 'DESK',
    location: 'MAIN',
    quantity: 1,
    due_date: '2026-03-20',
  });
  const maxId = async (table: string) => {
    const { rows } = await sql<{ id: number | string | null }>`SELECT max(id) AS id FROM ${sql.table(table)}`.execute(
      database.db,
    );
    return String(rows[0]?.id ?? 1);
  };
  const existing: Record<string, string> = {
    'number:customer-orders': customerOrder.number,
    'number:production-orders': productionOrder.number,
    'id:movements': await maxId('movements'),
    'id:purchase-orders': await maxId('purchase_orders'),
    'line_id:purchase-orders': await maxId('purchase_order_lines'),
    'id:count-tasks': await maxId('count_tasks'),
  };
  return { app, document, existing };
}

/** Path parameter values that name existing records of the route's resource (`/api/v1/{resource}/...`). */
export function knownPathValues(path: string, existing: Record<string, string>): Record<string, string> {
  const resource = path.split('/')[3] ?? '';
  return {
    sku: 'BULB',
    location: 'MAIN',
    supplier: 'ACME',
    code: resource === 'suppliers' ? 'ACME' : resource === 'customers' ? 'ROSSI' : 'MAIN',
    kind: 'items',
    name: 'fuzz-scenario',
    id: existing[`id:${resource}`] ?? '1',
    line_id: existing[`line_id:${resource}`] ?? '1',
    number: existing[`number:${resource}`] ?? 'X-1',
  };
}

/** The path with every `{name}` replaced by its URL-encoded value (or `fallback`). */
export function fillPath(path: string, values: Record<string, string>, fallback = 'X'): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? fallback));
}

/** Follows `$ref`s into the document's components. */
export function resolveSchema(schema: Schema, document: Document): Schema {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return schema;
  const name = ref.split('/').pop() ?? '';
  const target = document.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved ${ref}`);
  return resolveSchema(target, document);
}

/**
 * One plausible value of a schema, always the same: required properties only, known strings (by field name),
 * enum and const values, defaults, dates for date fields, the smallest allowed number. A body that reaches the
 * service, so that what a test changes in it is what the service judges.
 */
export function exampleOf(
  raw: Schema,
  document: Document,
  field = '',
  strings: Record<string, string[]> = KNOWN_STRINGS,
  depth = 0,
): unknown {
  const schema = resolveSchema(raw, document);
  if ('default' in schema) return schema['default'];
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  const choices = (schema['anyOf'] ?? schema['oneOf']) as Schema[] | undefined;
  if (choices) {
    const first = choices.find((choice) => resolveSchema(choice, document)['type'] !== 'null') ?? choices[0]!;
    return exampleOf(first, document, field, strings, depth);
  }
  const types = Array.isArray(schema['type']) ? (schema['type'] as string[]) : [schema['type']];
  const type = types.find((t) => t !== 'null') ?? types[0];
  if (type === 'null') return null;
  if (type === 'boolean') return false;
  if (type === 'integer' || type === 'number') {
    const minimum = (schema['minimum'] as number | undefined) ?? (schema['exclusiveMinimum'] as number | undefined);
    return minimum === undefined
      ? 1
      : Math.max(1, Math.ceil(minimum + (schema['exclusiveMinimum'] === undefined ? 0 : 1)));
  }
  if (type === 'string') return exampleString(schema, field, strings);
  if (type === 'array') {
    const items = (schema['items'] as Schema | undefined) ?? {};
    return depth > 4 ? [] : [exampleOf(items, document, field, strings, depth + 1)];
  }
  const properties = schema['properties'] as Record<string, Schema> | undefined;
  if (!properties || depth > 4) return {};
  const required = (schema['required'] as string[] | undefined) ?? [];
  return Object.fromEntries(
    required
      .filter((name) => name in properties)
      .map((name) => [name, exampleOf(properties[name]!, document, name, strings, depth + 1)]),
  );
}

function exampleString(schema: Schema, field: string, strings: Record<string, string[]>): string {
  const description = String(schema['description'] ?? '');
  if (schema['format'] === 'date' || description.includes('YYYY-MM-DD') || /_date$|^today$/.test(field)) {
    return '2026-03-20';
  }
  if (schema['format'] === 'date-time') return '2026-03-20T08:00:00Z';
  if (schema['format'] === 'email' || field === 'email') return 'orders@example.com';
  if (schema['format'] === 'uri' || field === 'url') return 'http://127.0.0.1:9/hook';
  const known = strings[field]?.[0];
  if (known) return known;
  if (schema['pattern'] === '^[A-Z]{3}$') return 'EUR';
  return 'Probe base';
}

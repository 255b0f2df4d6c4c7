import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../store/database.js';
import { buildApp } from './app.js';

type Operation = {
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

describe('the OpenAPI document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leanstock-openapi-'));
  let database: Database;
  let document: { paths: Record<string, Record<string, Operation>> };
  let routes: string[];

  beforeAll(async () => {
    database = await openDatabase({ dialect: 'sqlite', path: join(dir, 'openapi.db') });
    const app = await buildApp({ database });
    await app.ready();
    routes = app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .filter((line) => line.includes('/api/v1'));
    document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    await app.close();
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is served at /api/openapi.json and lists the API', () => {
    expect(Object.keys(document.paths).length).toBeGreaterThan(3);
    expect(routes.length).toBeGreaterThan(0);
    expect(document.paths['/api/v1/movements']?.['post']).toBeDefined();
    expect(document.paths['/api/v1/stock']?.['get']).toBeDefined();
  });

  it('gives every operation a response schema and every write a request body', () => {
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.entries(operation.responses ?? {}).find(([status]) => status.startsWith('2'));
        if (!success?.[1].content) missing.push(`${method.toUpperCase()} ${path}: no success response schema`);
        const write = method === 'post' || method === 'put' || method === 'patch';
        const pathHasAction =
          /\/(deactivate|activate|send|cancel|signal|close|email|test|pin|unpin|revoke|logout|setup)$/.test(path);
        if (write && !pathHasAction && !operation.requestBody)
          missing.push(`${method.toUpperCase()} ${path}: no request body schema`);
      }
    }
    expect(missing).toEqual([]);
  });
});

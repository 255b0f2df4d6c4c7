import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALCULATOR_MODELS, CALCULATORS } from '../../domain/policy/index.js';
import { type Database, openDatabase } from '../../store/database.js';
import { buildApp } from '../app.js';

describe('calculator routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leanstock-calc-'));
  let database: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await openDatabase({ dialect: 'sqlite', path: join(dir, 'calc.db') });
    app = await buildApp({ database });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (model: string, payload: unknown) =>
    app.inject({ method: 'POST', url: `/api/v1/calc/${model}`, payload: payload as object });

  it('answers POST /api/v1/calc/eoq with the EOQ of Snyder & Shen Example 3.1', async () => {
    const res = await post('eoq', { fixed_cost: 8, holding_cost: 0.225, demand_rate: 1300 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.order_quantity).toBeCloseTo(304.05, 2);
    expect(body.cost).toBeCloseTo(68.41, 2);
    expect(body.mode).toBe('optimized');
  });

  it('keeps every output field through the response schema (Wagner–Whitin, Snyder & Shen Example 3.9)', async () => {
    const res = await post('wagner_whitin', { fixed_cost: 500, holding_cost: 2, demands: [90, 120, 80, 70] });
    expect(res.json()).toEqual({
      mode: 'optimized',
      order_quantities: [210, 0, 150, 0],
      cost: 1380,
      order_periods: [1, 3],
      ending_inventory: [120, 0, 70, 0],
    });
    const rq = await post('r_q', {
      method: 'eil',
      holding_cost: 0.225,
      stockout_cost: 7.5,
      fixed_cost: 8,
      demand_mean: 1300,
      demand_sd: 150,
      lead_time: 1 / 12,
    });
    expect(rq.json()).toMatchObject({ method: 'eil', reorder_point: expect.closeTo(213.97, 2) });
    expect(rq.json().approximate_cost).toBeCloseTo(95.45, 2);
  });

  it('answers bad input with 400 and every problem named by field', async () => {
    const res = await post('safety_stock', { demand_mean: -1, demand_sd: 2, lead_time: 3, service_level: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'LS_VALIDATION',
        message: 'demand_mean: must not be negative (and 1 more problem)',
        details: [
          { field: 'demand_mean', message: 'must not be negative', value: -1 },
          { field: 'service_level', message: 'must be greater than 0 and less than 1', value: 1 },
        ],
      },
    });
    const notObject = await app.inject({
      method: 'POST',
      url: '/api/v1/calc/eoq',
      payload: '[1, 2]',
      headers: { 'content-type': 'application/json' },
    });
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json().error.details[0].field).toBe('body');
  });

  it('answers an unknown model with 404 that lists the models', async () => {
    const res = await post('eoqq', {});
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('LS_NOT_FOUND');
    expect(res.json().error.message).toContain('wagner_whitin');
  });

  it('lists the models and their inputs at GET /api/v1/calc', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/calc' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.next_cursor).toBeNull();
    expect(body.data.map((entry: { model: string }) => entry.model)).toEqual([...CALCULATOR_MODELS]);
    const safety = body.data.find((entry: { model: string }) => entry.model === 'safety_stock');
    expect(safety.inputs.find((input: { name: string }) => input.name === 'service_type')).toMatchObject({
      choices: ['cycle', 'fill_rate'],
      default: 'cycle',
    });
  });

  it('documents each model’s request and response in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const model of CALCULATOR_MODELS) {
      const operation = doc.paths[`/api/v1/calc/${model}`]?.post;
      expect(operation, model).toBeDefined();
      expect(operation.requestBody.content['application/json'].schema.properties).toBeDefined();
      const outputs = Object.keys(operation.responses['200'].content['application/json'].schema.properties);
      expect(outputs).toEqual(CALCULATORS[model].outputs.map((spec) => spec.name));
    }
    const eoq = doc.paths['/api/v1/calc/eoq'].post.requestBody.content['application/json'].schema;
    expect(eoq.required).toEqual(['fixed_cost', 'holding_cost', 'demand_rate']);
    expect(doc.paths['/api/v1/calc/{model}']).toBeUndefined();
  });
});

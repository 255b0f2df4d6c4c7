import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from 'typebox';
import {
  CALCULATOR_MODELS,
  CALCULATORS,
  type Calculator,
  describeCalculators,
  type FieldSpec,
  type OutputSpec,
  runCalculator,
} from '../../domain/policy/index.js';
import { DOMAIN_VALIDATED } from '../app.js';
import { errorResponses } from '../schemas/common.js';

const tags = ['Calculators'];

/**
 * `POST /calc/{model}` for each textbook calculator and `GET /calc` listing them. Each model gets its own route so the
 * OpenAPI document shows its inputs and outputs; the body is checked by the domain parser, which reports every problem.
 */
export async function calcRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/calc',
    {
      schema: {
        tags,
        summary: 'List the calculators with their inputs (units, bounds, defaults) and outputs',
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object(
                {
                  model: Type.String(),
                  summary: Type.String(),
                  source: Type.String(),
                  inputs: Type.Array(Type.Object({}, { additionalProperties: true })),
                  outputs: Type.Array(Type.Object({}, { additionalProperties: true })),
                },
                { additionalProperties: true },
              ),
            ),
            next_cursor: Type.Null(),
          }),
        },
      },
    },
    async () => ({ data: describeCalculators(), next_cursor: null }),
  );

  for (const model of CALCULATOR_MODELS) {
    const calculator = CALCULATORS[model];
    app.post(
      `/calc/${model}`,
      {
        schema: {
          tags,
          summary: calculator.summary,
          description: `Source: ${calculator.source}. Give a decision (such as order_quantity) to evaluate it instead of optimizing. Units and formulas: docs/calculators.md.`,
          body: { ...requestSchema(calculator), [DOMAIN_VALIDATED]: 'domain' },
          response: { 200: responseSchema(calculator.outputs), ...errorResponses },
        },
      },
      async (request) => runCalculator(model, request.body),
    );
  }

  // Any other model: a 404 that lists the models (hidden from the OpenAPI document).
  app.post('/calc/:model', { schema: { hide: true } }, async (request) =>
    runCalculator((request.params as { model: string }).model, request.body),
  );
}

function requestSchema(calculator: Calculator): TSchema {
  const properties: Record<string, TSchema> = {};
  for (const spec of calculator.inputs) {
    const schema = inputSchema(spec);
    properties[spec.name] = spec.required ? schema : Type.Optional(schema);
  }
  return Type.Object(properties, { additionalProperties: false });
}

function inputSchema(spec: FieldSpec): TSchema {
  const description = spec.unit ? `${spec.description} [${spec.unit}]` : spec.description;
  const bounds = {
    ...(spec.min !== undefined && { minimum: spec.min }),
    ...(spec.max !== undefined && { maximum: spec.max }),
    ...(spec.greaterThan !== undefined && { exclusiveMinimum: spec.greaterThan }),
    ...(spec.lessThan !== undefined && { exclusiveMaximum: spec.lessThan }),
  };
  const withDefault = spec.default !== undefined ? { default: spec.default } : {};
  switch (spec.type) {
    case 'choice':
      return Type.Union(
        spec.choices!.map((choice) => Type.Literal(choice)),
        { description, ...withDefault },
      );
    case 'number':
      return Type.Number({ description, ...bounds, ...withDefault });
    case 'integer':
      return Type.Integer({ description, ...bounds, ...withDefault });
    case 'number_list':
      return Type.Array(Type.Number(bounds), {
        description,
        minItems: 1,
        ...(spec.maxItems && { maxItems: spec.maxItems }),
      });
    case 'integer_list':
      return Type.Array(Type.Integer(bounds), {
        description,
        minItems: 1,
        ...(spec.maxItems && { maxItems: spec.maxItems }),
      });
  }
}

function responseSchema(outputs: readonly OutputSpec[]): TSchema {
  const properties: Record<string, TSchema> = {};
  for (const spec of outputs) {
    const description = spec.unit ? `${spec.description} [${spec.unit}]` : spec.description;
    const schema =
      spec.type === 'number'
        ? Type.Number({ description })
        : spec.type === 'integer'
          ? Type.Integer({ description })
          : spec.type === 'string'
            ? Type.String({ description })
            : Type.Array(spec.type === 'integer_list' ? Type.Integer() : Type.Number(), { description });
    properties[spec.name] = spec.optional ? Type.Optional(schema) : schema;
  }
  return Type.Object(properties);
}

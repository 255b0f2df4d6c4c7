import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { getPolicy, listPolicies, removePolicy, setPolicy } from '../../services/policy.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { Code, errorResponses, PageQuery, Quantity } from '../schemas/common.js';
import { Triggered } from '../schemas/purchasing.schemas.js';

const tags = ['Replenishment policies'];

const Kind = Type.Union([
  Type.Literal('reorder_point'),
  Type.Literal('kanban'),
  Type.Literal('periodic_review'),
  Type.Literal('make_to_order'),
  Type.Literal('manual'),
]);

const Planning = Type.Union([Type.Literal('auto'), Type.Literal('pinned'), Type.Literal('override')], {
  description:
    "auto: the planner may change it (plan --apply, accept, lead-time shifts); pinned: kept as it is; override: the planner's own values, kept",
});

/** The contract `PUT /api/v1/policies/{sku}/{location}` body: one object per kind, each with an optional `planning`. */
export const PolicyInput = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('reorder_point'),
      reorder_point: Type.Number({ description: 's: order when the inventory position is at or below it' }),
      target: Type.Number({ description: 'S: order up to this level; s ≤ S' }),
      planning: Type.Optional(Planning),
    },
    { additionalProperties: false, description: 'min/max' },
  ),
  Type.Object(
    {
      kind: Type.Literal('kanban'),
      cards: Type.Integer({ minimum: 1, maximum: 999 }),
      container_quantity: Type.Number({ description: 'Quantity per container (card), > 0' }),
      supplier: Type.Optional(Code),
      planning: Type.Optional(Planning),
    },
    { additionalProperties: false, description: 'A loop of cards; two-bin is 2 cards' },
  ),
  Type.Object(
    {
      kind: Type.Literal('periodic_review'),
      review_days: Type.Integer({ minimum: 1, maximum: 3650 }),
      target: Type.Number({ description: 'S: order up to this level at each review' }),
      review_time: Type.Optional(Type.String({ description: 'Local HH:MM of the site; default 06:00' })),
      planning: Type.Optional(Planning),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('make_to_order'), planning: Type.Optional(Planning) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('manual'), reorder_point: Type.Optional(Type.Number()), planning: Type.Optional(Planning) },
    { additionalProperties: false, description: 'Never orders; listed as below its reorder point when it has one' },
  ),
]);

export const Policy = Type.Object({
  sku: Type.String(),
  location: Type.String(),
  kind: Kind,
  reorder_point: Type.Optional(Quantity),
  target: Type.Optional(Quantity),
  cards: Type.Optional(Type.Integer()),
  container_quantity: Type.Optional(Quantity),
  supplier: Type.Optional(Type.String()),
  review_days: Type.Optional(Type.Integer()),
  review_time: Type.Optional(Type.String()),
  next_review_at: Type.Optional(
    Type.Union([Type.String({ format: 'date-time', description: 'periodic_review: the next review' }), Type.Null()]),
  ),
  balance: Type.Object({
    on_hand: Quantity,
    allocated: Quantity,
    on_order: Quantity,
    backordered: Quantity,
    inventory_position: Type.Number({ description: 'on hand + on order − allocated − backordered' }),
  }),
  below_reorder_point: Type.Boolean({ description: 'inventory position ≤ reorder point (reorder_point, manual)' }),
  planning: Planning,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

const PolicyParams = Type.Object({ sku: Type.String(), location: Type.String() });

const PolicyQuery = Type.Object(
  {
    sku: Type.Optional(Type.String({ maxLength: 64 })),
    location: Type.Optional(Type.String({ maxLength: 64 })),
    kind: Type.Optional(Type.String({ description: 'reorder_point, kanban, periodic_review, make_to_order, manual' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export async function policyRoutes(app: FastifyInstance): Promise<void> {
  app.put(
    '/policies/:sku/:location',
    {
      schema: {
        tags,
        summary: 'Set (create or replace) the replenishment policy of an item at a location',
        params: PolicyParams,
        body: { ...PolicyInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Type.Object({ ...Policy.properties, triggered: Triggered }), ...errorResponses },
      },
    },
    async (request) => {
      const { sku, location } = request.params as Static<typeof PolicyParams>;
      return setPolicy(app.database, sku, location, request.body, contextOf(request));
    },
  );

  app.get(
    '/policies/:sku/:location',
    {
      schema: {
        tags,
        summary: 'The policy of an item at a location, with the balance there',
        params: PolicyParams,
        response: { 200: Policy, ...errorResponses },
      },
    },
    async (request) => {
      const { sku, location } = request.params as Static<typeof PolicyParams>;
      return getPolicy(app.database, sku, location);
    },
  );

  app.delete(
    '/policies/:sku/:location',
    {
      schema: {
        tags,
        summary: 'Remove the policy of an item at a location; answers it as it was',
        params: PolicyParams,
        response: { 200: Policy, ...errorResponses },
      },
    },
    async (request) => {
      const { sku, location } = request.params as Static<typeof PolicyParams>;
      return removePolicy(app.database, sku, location, contextOf(request));
    },
  );

  app.get(
    '/policies',
    {
      schema: {
        tags,
        summary: 'List policies by SKU and location; filter by item, location or kind',
        querystring: PolicyQuery,
        response: {
          200: Type.Object({ data: Type.Array(Policy), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof PolicyQuery>;
      return listPolicies(app.database, {
        ...(q.sku !== undefined && { sku: q.sku }),
        ...(q.location !== undefined && { location: q.location }),
        ...(q.kind !== undefined && { kind: q.kind }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );
}

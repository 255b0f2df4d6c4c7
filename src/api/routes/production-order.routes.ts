import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  cancelProductionOrder,
  completeProductionOrder,
  createProductionOrder,
  getProductionOrder,
  listProductionOrders,
  releaseProductionOrder,
  reportProduction,
} from '../../services/production/production-order.service.js';
import { contextOf, DOMAIN_VALIDATED, optionalBody } from '../app.js';
import { errorResponses } from '../schemas/common.js';
import {
  NumberParams,
  ProductionCancel,
  ProductionCompletion,
  ProductionOrder,
  ProductionOrderChange,
  ProductionOrderInput,
  ProductionOrderPage,
  ProductionOrderQuery,
  ProductionReport,
} from '../schemas/production.schemas.js';

const tags = ['Production orders'];

export async function productionOrderRoutes(app: FastifyInstance): Promise<void> {
  const numberOf = (request: { params: unknown }) => (request.params as Static<typeof NumberParams>).number;

  app.post(
    '/production-orders',
    {
      schema: {
        tags,
        summary:
          "Plan a production order for an item with a BOM; release date = due date − the BOM's lead time; the open quantity counts as on order",
        body: { ...ProductionOrderInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: ProductionOrder, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createProductionOrder(app.database, request.body, contextOf(request))),
  );

  app.get(
    '/production-orders',
    {
      schema: {
        tags,
        summary: 'Production orders, newest first; filter by status, item or customer order',
        querystring: ProductionOrderQuery,
        response: { 200: ProductionOrderPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof ProductionOrderQuery>;
      return listProductionOrders(app.database, {
        ...(q.status !== undefined && { status: q.status }),
        ...(q.sku !== undefined && { sku: q.sku }),
        ...(q.customer_order !== undefined && { customer_order: q.customer_order }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/production-orders/:number',
    {
      schema: {
        tags,
        summary: 'One production order with its components (required, allocated, backordered, issued)',
        params: NumberParams,
        response: { 200: ProductionOrder, ...errorResponses },
      },
    },
    async (request) => getProductionOrder(app.database, numberOf(request)),
  );

  app.post(
    '/production-orders/:number/release',
    {
      schema: {
        tags,
        summary: 'Release a planned order: allocate its components from available stock; the shortfall is backordered',
        params: NumberParams,
        body: optionalBody(
          Type.Object({}, { additionalProperties: false, description: 'No options; may be left out' }),
        ),
        response: { 200: ProductionOrderChange, ...errorResponses },
      },
    },
    async (request) => releaseProductionOrder(app.database, numberOf(request), contextOf(request)),
  );

  app.post(
    '/production-orders/:number/report',
    {
      schema: {
        tags,
        summary:
          'Report progress (partial completion): issue the components for quantity + scrap, receive the good quantity, fill the customer orders waiting for it',
        params: NumberParams,
        body: { ...ProductionReport, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: ProductionOrderChange, ...errorResponses },
      },
    },
    async (request) => reportProduction(app.database, numberOf(request), request.body, contextOf(request)),
  );

  app.post(
    '/production-orders/:number/complete',
    {
      schema: {
        tags,
        summary: 'Complete the order (default: the rest, good) and close it; allocations left over are released',
        params: NumberParams,
        body: optionalBody(ProductionCompletion),
        response: { 200: ProductionOrderChange, ...errorResponses },
      },
    },
    async (request) => completeProductionOrder(app.database, numberOf(request), request.body ?? {}, contextOf(request)),
  );

  app.post(
    '/production-orders/:number/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a planned or released order: its component allocations and its on order are released',
        params: NumberParams,
        body: optionalBody(ProductionCancel),
        response: { 200: ProductionOrderChange, ...errorResponses },
      },
    },
    async (request) => cancelProductionOrder(app.database, numberOf(request), request.body ?? {}, contextOf(request)),
  );
}

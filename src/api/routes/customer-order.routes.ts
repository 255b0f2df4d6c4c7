import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  cancelCustomerOrder,
  changeCustomerOrder,
  confirmCustomerOrder,
  createCustomerOrder,
  getCustomerOrder,
  listCustomerOrders,
  shipCustomerOrder,
} from '../../services/production/customer-order.service.js';
import { contextOf, DOMAIN_VALIDATED, optionalBody } from '../app.js';
import { errorResponses } from '../schemas/common.js';
import {
  CancelInput,
  CustomerOrder,
  CustomerOrderInput,
  CustomerOrderOutcome,
  CustomerOrderPage,
  CustomerOrderPatch,
  CustomerOrderQuery,
  CustomerOrderShipment,
  NumberParams,
  ShipInput,
} from '../schemas/production.schemas.js';

const tags = ['Customer orders'];

export async function customerOrderRoutes(app: FastifyInstance): Promise<void> {
  const numberOf = (request: { params: unknown }) => (request.params as Static<typeof NumberParams>).number;

  app.post(
    '/customer-orders',
    {
      schema: {
        tags,
        summary:
          'Create a customer order (a draft); with confirm: true it is confirmed in the same transaction: exploded, supplies created, a date promised',
        body: { ...CustomerOrderInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: CustomerOrderOutcome, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createCustomerOrder(app.database, request.body, contextOf(request))),
  );

  app.get(
    '/customer-orders',
    {
      schema: {
        tags,
        summary: 'Customer orders, newest first; filter by status, customer or late risk',
        querystring: CustomerOrderQuery,
        response: { 200: CustomerOrderPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof CustomerOrderQuery>;
      return listCustomerOrders(app.database, {
        ...(q.status !== undefined && { status: q.status }),
        ...(q.customer !== undefined && { customer: q.customer }),
        ...(q.late_risk !== undefined && { late_risk: q.late_risk }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/customer-orders/:number',
    {
      schema: {
        tags,
        summary:
          'One customer order: lines, promised date, late risk, the supplies it set in motion and the pegging (which supply serves which demand)',
        params: NumberParams,
        response: { 200: CustomerOrder, ...errorResponses },
      },
    },
    async (request) => getCustomerOrder(app.database, numberOf(request)),
  );

  app.post(
    '/customer-orders/:number/confirm',
    {
      schema: {
        tags,
        summary:
          'Confirm a draft: explode every line level by level, net against stock and open supply, create purchase lines and production orders offset by lead time, promise a date',
        params: NumberParams,
        body: optionalBody(
          Type.Object({}, { additionalProperties: false, description: 'No options; may be left out' }),
        ),
        response: { 200: CustomerOrderOutcome, ...errorResponses },
      },
    },
    async (request) => confirmCustomerOrder(app.database, numberOf(request), contextOf(request)),
  );

  app.patch(
    '/customer-orders/:number',
    {
      schema: {
        tags,
        summary:
          'Change lines (quantity, requested date), the note or the requested date; a confirmed order is re-exploded: what was created for it is adjusted, nothing else',
        params: NumberParams,
        body: { ...CustomerOrderPatch, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: CustomerOrderOutcome, ...errorResponses },
      },
    },
    async (request) => changeCustomerOrder(app.database, numberOf(request), request.body, contextOf(request)),
  );

  app.post(
    '/customer-orders/:number/cancel',
    {
      schema: {
        tags,
        summary:
          'Cancel an order (optionally with a reason): what confirming created is taken back, allocations released',
        params: NumberParams,
        body: optionalBody(CancelInput),
        response: { 200: CustomerOrderOutcome, ...errorResponses },
      },
    },
    async (request) => cancelCustomerOrder(app.database, numberOf(request), request.body ?? {}, contextOf(request)),
  );

  app.post(
    '/customer-orders/:number/ship',
    {
      schema: {
        tags,
        summary: 'Ship allocated quantities as sale movements (default: everything allocated)',
        params: NumberParams,
        body: optionalBody(ShipInput),
        response: { 200: CustomerOrderShipment, ...errorResponses },
      },
    },
    async (request) => shipCustomerOrder(app.database, numberOf(request), request.body ?? {}, contextOf(request)),
  );
}

import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import {
  createCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../../services/production/customer.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { errorResponses } from '../schemas/common.js';
import {
  Customer,
  CustomerCodeParams,
  CustomerInput,
  CustomerPage,
  CustomerPatch,
  CustomerQuery,
} from '../schemas/customer.schemas.js';

const tags = ['Customers'];

export async function customerRoutes(app: FastifyInstance): Promise<void> {
  const codeOf = (request: { params: unknown }) => (request.params as Static<typeof CustomerCodeParams>).code;

  app.post(
    '/customers',
    {
      schema: {
        tags,
        summary: 'Create a customer; the code is unique',
        body: { ...CustomerInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: Customer, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createCustomer(app.database, request.body, contextOf(request))),
  );

  app.get(
    '/customers',
    {
      schema: {
        tags,
        summary: 'List customers by code; filter by active flag',
        querystring: CustomerQuery,
        response: { 200: CustomerPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof CustomerQuery>;
      return listCustomers(app.database, {
        ...(q.active !== undefined && { active: q.active }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/customers/:code',
    {
      schema: {
        tags,
        summary: 'One customer',
        params: CustomerCodeParams,
        response: { 200: Customer, ...errorResponses },
      },
    },
    async (request) => getCustomer(app.database, codeOf(request)),
  );

  app.patch(
    '/customers/:code',
    {
      schema: {
        tags,
        summary: 'Change the name, e-mail or active flag of a customer',
        params: CustomerCodeParams,
        body: { ...CustomerPatch, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Customer, ...errorResponses },
      },
    },
    async (request) => updateCustomer(app.database, codeOf(request), request.body, contextOf(request)),
  );
}

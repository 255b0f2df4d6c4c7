import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { addContractPrice, listSupplierItemPrices } from '../../services/supplier-item-price.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { errorResponses } from '../schemas/common.js';
import {
  ContractPriceInput,
  PriceQuery,
  SourceParams,
  SupplierItemPrice,
  SupplierItemPricePage,
} from '../schemas/supplier.schemas.js';

const tags = ['Suppliers'];

/** The price history of a source (`/items/{sku}/sources/{supplier}/prices`): contract prices and prices paid. */
export async function supplierItemPriceRoutes(app: FastifyInstance): Promise<void> {
  const sourceOf = (request: { params: unknown }) => request.params as Static<typeof SourceParams>;

  app.post(
    '/items/:sku/sources/:supplier/prices',
    {
      schema: {
        tags,
        summary: 'Record a contract price of a source, valid from valid_from to valid_to; periods must not overlap',
        params: SourceParams,
        body: { ...ContractPriceInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: SupplierItemPrice, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { sku, supplier } = sourceOf(request);
      return reply
        .status(201)
        .send(await addContractPrice(app.database, sku, supplier, request.body, contextOf(request)));
    },
  );

  app.get(
    '/items/:sku/sources/:supplier/prices',
    {
      schema: {
        tags,
        summary: 'The price history of a source: contract prices and prices paid on purchase orders, newest first',
        params: SourceParams,
        querystring: PriceQuery,
        response: { 200: SupplierItemPricePage, ...errorResponses },
      },
    },
    async (request) => {
      const { sku, supplier } = sourceOf(request);
      const q = request.query as Static<typeof PriceQuery>;
      return listSupplierItemPrices(app.database, sku, supplier, {
        ...(q.kind !== undefined && { kind: q.kind }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );
}

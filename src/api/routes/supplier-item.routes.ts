import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  activateSupplierItem,
  addSupplierItem,
  deactivateSupplierItem,
  getSupplierItem,
  listItemSources,
  updateSupplierItem,
} from '../../services/supplier-item.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { SkuParams } from '../schemas/catalogue.schemas.js';
import { errorResponses } from '../schemas/common.js';
import {
  SourceParams,
  SourceQuery,
  SupplierItemInput,
  SupplierItemPage,
  SupplierItemPatch,
} from '../schemas/supplier.schemas.js';
import { supplierItemPriceRoutes } from './supplier-item-price.routes.js';

const tags = ['Suppliers'];

/** Supplier items seen from the item: where it can be bought (`/items/{sku}/sources`). */
export async function supplierItemRoutes(app: FastifyInstance): Promise<void> {
  const skuOf = (request: { params: unknown }) => (request.params as Static<typeof SkuParams>).sku;
  const sourceOf = (request: { params: unknown }) => request.params as Static<typeof SourceParams>;

  app.post(
    '/items/:sku/sources',
    {
      schema: {
        tags,
        summary: 'Add a source to an item: a supplier, its price, price breaks, lead time, MOQ and pack size',
        params: SkuParams,
        body: { ...SupplierItemInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: Type.Ref('SupplierItem'), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addSupplierItem(app.database, skuOf(request), request.body, contextOf(request))),
  );

  app.get(
    '/items/:sku/sources',
    {
      schema: {
        tags,
        summary: 'The sources of an item, preferred first (by rank, then supplier code)',
        params: SkuParams,
        querystring: SourceQuery,
        response: { 200: SupplierItemPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof SourceQuery>;
      return listItemSources(app.database, skuOf(request), {
        ...(q.active !== undefined && { active: q.active }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/items/:sku/sources/:supplier',
    {
      schema: {
        tags,
        summary: 'One source of an item',
        params: SourceParams,
        response: { 200: Type.Ref('SupplierItem'), ...errorResponses },
      },
    },
    async (request) => {
      const { sku, supplier } = sourceOf(request);
      return getSupplierItem(app.database, sku, supplier);
    },
  );

  app.patch(
    '/items/:sku/sources/:supplier',
    {
      schema: {
        tags,
        summary: 'Change the given fields of a source',
        params: SourceParams,
        body: { ...SupplierItemPatch, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Type.Ref('SupplierItem'), ...errorResponses },
      },
    },
    async (request) => {
      const { sku, supplier } = sourceOf(request);
      return updateSupplierItem(app.database, sku, supplier, request.body, contextOf(request));
    },
  );

  for (const [action, run] of [
    ['deactivate', deactivateSupplierItem],
    ['activate', activateSupplierItem],
  ] as const) {
    app.post(
      `/items/:sku/sources/:supplier/${action}`,
      {
        schema: {
          tags,
          summary:
            action === 'deactivate'
              ? 'Deactivate a source: it stays on record, planning stops buying the item there'
              : 'Activate a source again',
          params: SourceParams,
          response: { 200: Type.Ref('SupplierItem'), ...errorResponses },
        },
      },
      async (request) => {
        const { sku, supplier } = sourceOf(request);
        return run(app.database, sku, supplier, contextOf(request));
      },
    );
  }

  await app.register(supplierItemPriceRoutes);
}

import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { createBom, explosionTree, getBom, listBoms } from '../../services/production/bom.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import {
  Bom,
  BomInput,
  BomPage,
  BomQuery,
  BomSkuParams,
  BomVersionQuery,
  ExplosionQuery,
  ExplosionTree,
} from '../schemas/bom.schemas.js';
import { errorResponses } from '../schemas/common.js';

const tags = ['Bills of materials'];

export async function bomRoutes(app: FastifyInstance): Promise<void> {
  const skuOf = (request: { params: unknown }) => (request.params as Static<typeof BomSkuParams>).sku;

  app.post(
    '/boms',
    {
      schema: {
        tags,
        summary: 'Create a BOM version of an item: components with quantity per, scrap and unit',
        body: { ...BomInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: Bom, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createBom(app.database, request.body, contextOf(request))),
  );

  app.get(
    '/boms',
    {
      schema: {
        tags,
        summary: 'List BOM versions by item and version, optionally of one SKU',
        querystring: BomQuery,
        response: { 200: BomPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof BomQuery>;
      return listBoms(app.database, {
        ...(q.sku !== undefined && { sku: q.sku }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/boms/:sku',
    {
      schema: {
        tags,
        summary: 'The BOM version of an item effective on a date (default today), or a version by number',
        params: BomSkuParams,
        querystring: BomVersionQuery,
        response: { 200: Bom, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof BomVersionQuery>;
      return getBom(app.database, skuOf(request), { version: q.version, date: q.date }, app.clock());
    },
  );

  app.get(
    '/boms/:sku/explosion',
    {
      schema: {
        tags,
        summary:
          'The indented requirement tree of a quantity of an item: gross requirement with scrap, lead time and availability per component',
        params: BomSkuParams,
        querystring: ExplosionQuery,
        response: { 200: ExplosionTree, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof ExplosionQuery>;
      return explosionTree(
        app.database,
        skuOf(request),
        { quantity: q.quantity, date: q.date, location: q.location },
        app.clock(),
      );
    },
  );
}

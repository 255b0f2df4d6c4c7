import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  activateItem,
  createItem,
  deactivateItem,
  getItem,
  listItemAudit,
  listItems,
  updateItem,
} from '../../services/item.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { AuditPage, AuditQuery, ItemInput, ItemPatch, ItemQuery, SkuParams } from '../schemas/catalogue.schemas.js';
import { errorResponses } from '../schemas/common.js';

const tags = ['Items'];

export async function itemRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/items',
    {
      schema: {
        tags,
        summary: 'Create an item',
        body: { ...ItemInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: Type.Ref('Item'), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createItem(app.database, request.body, contextOf(request))),
  );

  app.get(
    '/items',
    {
      schema: {
        tags,
        summary: 'List items by SKU; filter by text, category, active flag or stock status',
        querystring: ItemQuery,
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref('Item')),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof ItemQuery>;
      return listItems(app.database, {
        ...(q.q !== undefined && { q: q.q }),
        ...(q.category !== undefined && { category: q.category }),
        ...(q.active !== undefined && { active: q.active }),
        ...(q.status !== undefined && { status: q.status }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/items/:sku',
    {
      schema: { tags, summary: 'One item', params: SkuParams, response: { 200: Type.Ref('Item'), ...errorResponses } },
    },
    async (request) => getItem(app.database, (request.params as Static<typeof SkuParams>).sku),
  );

  app.patch(
    '/items/:sku',
    {
      schema: {
        tags,
        summary: 'Change the given fields of an item',
        params: SkuParams,
        body: { ...ItemPatch, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Type.Ref('Item'), ...errorResponses },
      },
    },
    async (request) =>
      updateItem(app.database, (request.params as Static<typeof SkuParams>).sku, request.body, contextOf(request)),
  );

  for (const [action, run] of [
    ['deactivate', deactivateItem],
    ['activate', activateItem],
  ] as const) {
    app.post(
      `/items/:sku/${action}`,
      {
        schema: {
          tags,
          summary:
            action === 'deactivate'
              ? 'Deactivate an item: its history stays, new movements are refused'
              : 'Activate an item again',
          params: SkuParams,
          response: { 200: Type.Ref('Item'), ...errorResponses },
        },
      },
      async (request) => run(app.database, (request.params as Static<typeof SkuParams>).sku, contextOf(request)),
    );
  }

  app.get(
    '/items/:sku/audit',
    {
      schema: {
        tags,
        summary: 'Who changed the item when, with the record before and after; newest first',
        params: SkuParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses },
      },
    },
    async (request) => {
      const { sku } = request.params as Static<typeof SkuParams>;
      const { limit } = request.query as Static<typeof AuditQuery>;
      return { data: await listItemAudit(app.database, sku, limit), next_cursor: null };
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  activateSupplier,
  createSupplier,
  deactivateSupplier,
  getSupplier,
  listSupplierAudit,
  listSuppliers,
  updateSupplier,
} from '../../services/supplier.service.js';
import { listSupplierItems } from '../../services/supplier-item.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { AuditPage, AuditQuery } from '../schemas/catalogue.schemas.js';
import { errorResponses } from '../schemas/common.js';
import {
  SourceQuery,
  SupplierCodeParams,
  SupplierInput,
  SupplierItemPage,
  SupplierPage,
  SupplierPatch,
  SupplierQuery,
} from '../schemas/supplier.schemas.js';

const tags = ['Suppliers'];

export async function supplierRoutes(app: FastifyInstance): Promise<void> {
  const codeOf = (request: { params: unknown }) => (request.params as Static<typeof SupplierCodeParams>).code;

  app.post(
    '/suppliers',
    {
      schema: {
        tags,
        summary: 'Create a supplier',
        body: { ...SupplierInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: Type.Ref('Supplier'), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createSupplier(app.database, request.body, contextOf(request))),
  );

  app.get(
    '/suppliers',
    {
      schema: {
        tags,
        summary: 'List suppliers by code; filter by text or active flag',
        querystring: SupplierQuery,
        response: { 200: SupplierPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof SupplierQuery>;
      return listSuppliers(app.database, {
        ...(q.q !== undefined && { q: q.q }),
        ...(q.active !== undefined && { active: q.active }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/suppliers/:code',
    {
      schema: {
        tags,
        summary: 'One supplier',
        params: SupplierCodeParams,
        response: { 200: Type.Ref('Supplier'), ...errorResponses },
      },
    },
    async (request) => getSupplier(app.database, codeOf(request)),
  );

  app.patch(
    '/suppliers/:code',
    {
      schema: {
        tags,
        summary: 'Change the given fields of a supplier',
        params: SupplierCodeParams,
        body: { ...SupplierPatch, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Type.Ref('Supplier'), ...errorResponses },
      },
    },
    async (request) => updateSupplier(app.database, codeOf(request), request.body, contextOf(request)),
  );

  for (const [action, run] of [
    ['deactivate', deactivateSupplier],
    ['activate', activateSupplier],
  ] as const) {
    app.post(
      `/suppliers/:code/${action}`,
      {
        schema: {
          tags,
          summary:
            action === 'deactivate'
              ? 'Deactivate a supplier: it and its supplier items stay on record, planning stops ordering from it'
              : 'Activate a supplier again',
          params: SupplierCodeParams,
          response: { 200: Type.Ref('Supplier'), ...errorResponses },
        },
      },
      async (request) => run(app.database, codeOf(request), contextOf(request)),
    );
  }

  app.get(
    '/suppliers/:code/items',
    {
      schema: {
        tags,
        summary: 'The items a supplier sells (its supplier items), by SKU',
        params: SupplierCodeParams,
        querystring: SourceQuery,
        response: { 200: SupplierItemPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof SourceQuery>;
      return listSupplierItems(app.database, codeOf(request), {
        ...(q.active !== undefined && { active: q.active }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/suppliers/:code/audit',
    {
      schema: {
        tags,
        summary: 'Who changed the supplier when, with the record before and after; newest first',
        params: SupplierCodeParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses },
      },
    },
    async (request) => {
      const { limit } = request.query as Static<typeof AuditQuery>;
      return { data: await listSupplierAudit(app.database, codeOf(request), limit), next_cursor: null };
    },
  );
}

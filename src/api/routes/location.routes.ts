import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  activateLocation,
  createLocation,
  deactivateLocation,
  getLocation,
  listLocationAudit,
  listLocations,
  updateLocation,
} from '../../services/location.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import {
  AuditPage,
  AuditQuery,
  CodeParams,
  LocationInput,
  LocationPatch,
  LocationQuery,
} from '../schemas/catalogue.schemas.js';
import { errorResponses } from '../schemas/common.js';

const tags = ['Locations'];

export async function locationRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/locations',
    {
      schema: {
        tags,
        summary: 'Create a site (no parent) or a bin inside a site or bin',
        body: { ...LocationInput, [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: Type.Ref('Location'), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createLocation(app.database, request.body, contextOf(request))),
  );

  app.get(
    '/locations',
    {
      schema: {
        tags,
        summary: 'List locations by code; filter by text, kind, site or active flag',
        querystring: LocationQuery,
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref('Location')),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof LocationQuery>;
      return listLocations(app.database, {
        ...(q.q !== undefined && { q: q.q }),
        ...(q.kind !== undefined && { kind: q.kind }),
        ...(q.site !== undefined && { site: q.site }),
        ...(q.active !== undefined && { active: q.active }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/locations/:code',
    {
      schema: {
        tags,
        summary: 'One location',
        params: CodeParams,
        response: { 200: Type.Ref('Location'), ...errorResponses },
      },
    },
    async (request) => getLocation(app.database, (request.params as Static<typeof CodeParams>).code),
  );

  app.patch(
    '/locations/:code',
    {
      schema: {
        tags,
        summary: 'Change the given fields; a new parent moves the location with everything inside it',
        params: CodeParams,
        body: { ...LocationPatch, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: Type.Ref('Location'), ...errorResponses },
      },
    },
    async (request) =>
      updateLocation(
        app.database,
        (request.params as Static<typeof CodeParams>).code,
        request.body,
        contextOf(request),
      ),
  );

  for (const [action, run] of [
    ['deactivate', deactivateLocation],
    ['activate', activateLocation],
  ] as const) {
    app.post(
      `/locations/:code/${action}`,
      {
        schema: {
          tags,
          summary:
            action === 'deactivate'
              ? 'Deactivate a location: its history stays, new movements are refused'
              : 'Activate a location again',
          params: CodeParams,
          response: { 200: Type.Ref('Location'), ...errorResponses },
        },
      },
      async (request) => run(app.database, (request.params as Static<typeof CodeParams>).code, contextOf(request)),
    );
  }

  app.get(
    '/locations/:code/audit',
    {
      schema: {
        tags,
        summary: 'Who changed the location when, with the record before and after; newest first',
        params: CodeParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses },
      },
    },
    async (request) => {
      const { code } = request.params as Static<typeof CodeParams>;
      const { limit } = request.query as Static<typeof AuditQuery>;
      return { data: await listLocationAudit(app.database, code, limit), next_cursor: null };
    },
  );
}

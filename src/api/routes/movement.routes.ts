import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { DomainError } from '../../domain/errors.js';
import { MAX_BATCH_SIZE, type PostOutcome, postMovements, reverseMovement } from '../../services/ledger.service.js';
import { getMovement, listMovements } from '../../services/stock.service.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { errorResponses } from '../schemas/common.js';
import { MovementQuery, PostedMovement } from '../schemas/ledger.schemas.js';

const tags = ['Stock ledger'];

export async function movementRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/movements',
    {
      schema: {
        tags,
        summary: 'Post one movement (receipt, issue, sale, adjustment, count, scrap, transfer)',
        body: { ...Type.Ref('MovementInput'), [DOMAIN_VALIDATED]: 'domain' },
        response: { 201: PostedMovement, ...errorResponses, 413: Type.Ref('Error') },
      },
    },
    async (request, reply) => {
      const [outcome] = await postMovements(app.database, [request.body], contextOf(request));
      return reply.status(201).send(renderOutcome(outcome!));
    },
  );

  app.post(
    '/movements/batch',
    {
      schema: {
        tags,
        summary: `Post up to ${MAX_BATCH_SIZE} movements, all or nothing`,
        body: {
          ...Type.Object(
            { movements: Type.Array(Type.Ref('MovementInput'), { minItems: 1, maxItems: MAX_BATCH_SIZE }) },
            { additionalProperties: false },
          ),
          [DOMAIN_VALIDATED]: 'domain',
        },
        response: {
          201: Type.Object({ count: Type.Integer(), data: Type.Array(PostedMovement) }),
          ...errorResponses,
          413: Type.Ref('Error'),
        },
      },
    },
    async (request, reply) => {
      const { movements } = request.body as { movements?: unknown };
      if (!Array.isArray(movements)) {
        throw new DomainError('LS_VALIDATION', 'movements: must be an array of movements', [
          { field: 'movements', message: 'must be an array of movements' },
        ]);
      }
      const outcomes = await postMovements(app.database, movements, contextOf(request));
      return reply.status(201).send({ count: outcomes.length, data: outcomes.map(renderOutcome) });
    },
  );

  app.get(
    '/movements',
    {
      schema: {
        tags,
        summary: 'List movements, oldest first (newest first with order=desc)',
        querystring: MovementQuery,
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref('Movement')),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof MovementQuery>;
      return listMovements(app.database, {
        ...(q.sku !== undefined && { sku: q.sku }),
        ...(q.location !== undefined && { location: q.location }),
        ...(q.type !== undefined && { type: q.type }),
        ...(q.from !== undefined && { from: q.from }),
        ...(q.to !== undefined && { to: q.to }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
        ...(q.order !== undefined && { order: q.order }),
      });
    },
  );

  const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

  app.get(
    '/movements/:id',
    {
      schema: {
        tags,
        summary: 'One movement',
        params: IdParams,
        response: { 200: Type.Ref('Movement'), ...errorResponses },
      },
    },
    async (request) => getMovement(app.database, (request.params as Static<typeof IdParams>).id),
  );

  app.post(
    '/movements/:id/reverse',
    {
      schema: {
        tags,
        summary: 'Reverse a movement (both legs of a transfer); the original stays in the ledger',
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 201: PostedMovement, ...errorResponses },
      },
    },
    async (request, reply) => {
      const outcome = await reverseMovement(
        app.database,
        (request.params as Static<typeof IdParams>).id,
        request.body,
        contextOf(request),
      );
      return reply.status(201).send(renderOutcome(outcome));
    },
  );
}

/** A single movement answers as itself plus its balance; a transfer also names both ends and carries both legs. */
export function renderOutcome(outcome: PostOutcome) {
  const [first] = outcome.movements;
  const balance = outcome.balances[0];
  if (outcome.movements.length === 1) {
    return { ...first!, balance: balance!, replayed: outcome.replayed, triggered: outcome.triggered };
  }
  const [out, into] = outcome.movements;
  return {
    ...out!,
    from: out!.location,
    to: into!.location,
    balance: balance!,
    replayed: outcome.replayed,
    legs: outcome.movements,
    balances: outcome.balances,
    triggered: outcome.triggered,
  };
}

import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { listStock } from '../../services/stock.service.js';
import { errorResponses } from '../schemas/common.js';
import { StockQuery } from '../schemas/ledger.schemas.js';

export async function stockRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/stock',
    {
      schema: {
        tags: ['Stock ledger'],
        summary: 'Balances per item and location, now or as of an instant',
        querystring: StockQuery,
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref('Balance')),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof StockQuery>;
      return listStock(app.database, {
        ...(q.sku !== undefined && { sku: q.sku }),
        ...(q.location !== undefined && { location: q.location }),
        ...(q.as_of !== undefined && { asOf: q.as_of }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );
}

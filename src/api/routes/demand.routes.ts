import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { getDemandHistoryView } from '../../services/planning/demand-history.js';
import { errorResponses } from '../schemas/common.js';

const tags = ['Demand history'];

const DemandParams = Type.Object({ sku: Type.String(), location: Type.String() });

const DemandQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3660,
        description: 'Days to show, ending yesterday (default 91; at most the planning history window)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const DemandHistoryResponse = Type.Object({
  sku: Type.String(),
  location: Type.String(),
  time_zone: Type.String({ description: 'The zone whose local dates bucket the demand (the site’s)' }),
  start_date: Type.String({ format: 'date', description: 'The first day shown, site-local' }),
  data_through: Type.String({ format: 'date', description: 'The last complete day: yesterday at the site' }),
  days: Type.Array(
    Type.Object({
      date: Type.String({ format: 'date' }),
      demand: Type.Number({ description: 'Issued and sold that day, net of reversals' }),
      stock_out: Type.Boolean({
        description: 'On hand ≤ 0 at the start or end of the day (censored demand); never for make-to-order',
      }),
    }),
  ),
  total_demand: Type.Number(),
  stock_out_days: Type.Integer(),
});

export async function demandRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/demand/:sku/:location',
    {
      schema: {
        tags,
        summary: 'Daily demand of an item at a location (issues and sales by the site’s local date), stock-out days',
        description:
          'Rebuilds the pair’s demand history from the ledger first, so the answer includes every movement recorded.',
        params: DemandParams,
        querystring: DemandQuery,
        response: { 200: DemandHistoryResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { sku, location } = request.params as Static<typeof DemandParams>;
      const { days } = request.query as Static<typeof DemandQuery>;
      return getDemandHistoryView(app.database, sku, location, { now: app.clock(), days });
    },
  );
}

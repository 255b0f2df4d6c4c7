import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { getSupplierScorecard, listLeadTimes } from '../../services/planning/lead-time.service.js';
import { Code, errorResponses, Nullable, PageQuery } from '../schemas/common.js';

const tags = ['Lead times'];
const Rate = Nullable(
  Type.Number({ minimum: 0, maximum: 1, description: 'Share of the lines, 0–1; null: none known' }),
);
const Days = Nullable(Type.Number({ description: 'Days' }));

const LeadTimeSchema = Type.Object({
  supplier: Type.String(),
  sku: Type.String(),
  supplier_sku: Nullable(Type.String()),
  active: Type.Boolean(),
  quoted_lead_time_days: Nullable(Type.Number({ description: "The source's quoted lead time, else the supplier's" })),
  receipts: Type.Integer({ description: 'Done lines with a measured lead time since the last shift (730 days)' }),
  mean_days: Days,
  sd_days: Nullable(Type.Number({ description: 'Sample standard deviation, days; null below 2 receipts' })),
  p90_days: Nullable(Type.Number({ description: '0.9 quantile (linear interpolation, Hyndman & Fan type 7), days' })),
  on_time_rate: Rate,
  in_full_rate: Rate,
  otif: Rate,
  baseline: Nullable(
    Type.Object(
      {
        mean_days: Type.Number(),
        sd_days: Type.Number(),
        receipts: Type.Integer(),
        shifted_at: Nullable(Type.String({ format: 'date-time', description: 'When the current lead time began' })),
        updated_at: Type.String({ format: 'date-time' }),
      },
      { description: 'The lead time the policies were last planned on; null until there are enough receipts' },
    ),
  ),
});

const LeadTimeQuery = Type.Object({
  supplier: Type.Optional(Code),
  sku: Type.Optional(Code),
  ...PageQuery,
});

const ScorecardSchema = Type.Object({
  supplier: Type.String(),
  name: Type.String(),
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  lines: Type.Integer({ description: 'Lines received in full or closed short in the period' }),
  otif: Rate,
  on_time_rate: Rate,
  in_full_rate: Rate,
  lead_time: Type.Object({
    receipts: Type.Integer(),
    mean_days: Days,
    sd_days: Days,
    p90_days: Days,
    quoted_days: Nullable(Type.Number({ description: "The supplier's quoted lead time" })),
  }),
  histogram: Type.Array(Type.Object({ from_days: Type.Number(), to_days: Type.Number(), lines: Type.Integer() }), {
    description: 'Lines by lead time in bins [from_days, to_days) of one whole day or wider',
  }),
  monthly: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM (UTC)' }),
      lines: Type.Integer(),
      mean_lead_time_days: Days,
      on_time_rate: Rate,
      in_full_rate: Rate,
      otif: Rate,
    }),
    { description: 'The last 12 months, oldest first' },
  ),
  worst_items: Type.Array(
    Type.Object({
      sku: Type.String(),
      supplier_sku: Nullable(Type.String()),
      lines: Type.Integer(),
      failed_lines: Type.Integer({ description: 'Lines late or short' }),
      otif: Rate,
      on_time_rate: Rate,
      in_full_rate: Rate,
      mean_lead_time_days: Days,
      quoted_lead_time_days: Days,
    }),
    { description: 'Up to 10 supplier items: most lines late or short first, then lowest OTIF' },
  ),
});

const ScorecardParams = Type.Object({ code: Code });

/** Measured lead times per supplier item, and a supplier's delivery scorecard. */
export async function leadTimeRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/lead-times',
    {
      schema: {
        tags,
        summary: 'Measured lead times per supplier item: receipts, mean, s.d., p90, on time, in full, OTIF, baseline',
        querystring: LeadTimeQuery,
        response: {
          200: Type.Object({ data: Type.Array(LeadTimeSchema), next_cursor: Nullable(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof LeadTimeQuery>;
      return listLeadTimes(app.database, {
        now: app.clock(),
        ...(q.supplier !== undefined && { supplier: q.supplier }),
        ...(q.sku !== undefined && { sku: q.sku }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/suppliers/:code/scorecard',
    {
      schema: {
        tags,
        summary: "A supplier's last year: OTIF, lead time, a histogram, the monthly trend and the worst items",
        params: ScorecardParams,
        response: { 200: ScorecardSchema, ...errorResponses },
      },
    },
    async (request) =>
      getSupplierScorecard(app.database, (request.params as Static<typeof ScorecardParams>).code, {
        now: app.clock(),
      }),
  );
}

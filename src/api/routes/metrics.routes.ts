import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { DRIFT_REASONS } from '../../domain/planning/drift.js';
import { getRecordAccuracy } from '../../services/planning/cycle-count.service.js';
import { reviewDrift } from '../../services/planning/drift-review.service.js';
import { getMetrics } from '../../services/planning/metrics.service.js';
import { contextOf, optionalBody } from '../app.js';
import { errorResponses, Nullable } from '../schemas/common.js';

const tags = ['Metrics'];
const Share = Nullable(
  Type.Number({ minimum: 0, maximum: 1, description: 'Fraction 0–1; null with nothing to measure' }),
);
const LocalDate = Type.String({ maxLength: 10, description: 'YYYY-MM-DD, a local date of each site' });
const Abc = Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C')]);

const MoneyMetrics = Type.Object({
  currency: Type.String(),
  item_locations: Type.Integer(),
  without_cost: Type.Integer({ description: 'Pairs without a unit cost (they add no money)' }),
  cost_of_goods_issued: Type.Number({ description: 'Issues and sales at unit cost, major units' }),
  average_inventory_value: Type.Number({ description: 'Mean of the daily closing on hand × unit cost' }),
  inventory_turnover: Nullable(Type.Number({ description: 'Cost of goods issued a year ÷ average inventory value' })),
  cash_in_stock: Type.Number({ description: 'On hand at the end of the period × unit cost' }),
  days_of_supply: Nullable(Type.Number({ description: 'Cash in stock ÷ cost of goods issued a day' })),
  holding_cost: Type.Number({ description: 'Average inventory value × holding rate × days / 365' }),
});

const scopeFields = {
  item_locations: Type.Integer(),
  demand: Type.Number({ description: 'Issues and sales recorded (not reversed), in the items’ units' }),
  served_from_stock: Type.Number(),
  fill_rate: Share,
  estimated_lost_demand: Type.Number({ description: 'Demand presumed lost on days that began out of stock' }),
  estimated_fill_rate: Share,
  stock_out_days: Type.Integer({ description: 'Item × location days with on hand ≤ 0, pairs with a stocking policy' }),
  policy_days: Type.Integer(),
  stock_out_rate: Share,
  supplier_lines: Type.Integer(),
  supplier_on_time: Share,
  supplier_in_full: Share,
  supplier_otif: Share,
  orders_sent: Type.Integer(),
  orders_per_month: Type.Number(),
  money: Type.Array(MoneyMetrics, { description: 'One block per currency' }),
};

const MetricsReport = Type.Object({
  from: Type.String(),
  to: Type.String(),
  days: Type.Integer(),
  location: Nullable(Type.String()),
  category: Nullable(Type.String()),
  holding_rate_per_year: Type.Number(),
  overall: Type.Object(scopeFields),
  sites: Type.Array(Type.Object({ site: Type.String(), ...scopeFields })),
  categories: Type.Array(Type.Object({ category: Nullable(Type.String()), ...scopeFields })),
  suppliers: Type.Array(
    Type.Object({
      supplier: Type.String(),
      name: Type.String(),
      lines: Type.Integer(),
      on_time: Share,
      in_full: Share,
      otif: Share,
    }),
  ),
  orders_by_month: Type.Array(Type.Object({ month: Type.String(), orders: Type.Integer() })),
});

const MetricsQuery = Type.Object(
  {
    from: Type.Optional(LocalDate),
    to: Type.Optional(LocalDate),
    location: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'A site (with its bins) or a bin' }),
    ),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

const AccuracyQuery = Type.Object(
  {
    from: Type.Optional(LocalDate),
    to: Type.Optional(LocalDate),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

const Tally = {
  counts: Type.Integer(),
  accurate: Type.Integer({ description: 'Counts whose record was within tolerance' }),
  accuracy: Share,
};

const RecordAccuracy = Type.Object({
  from: Type.String(),
  to: Type.String(),
  location: Nullable(Type.String()),
  ...Tally,
  classes: Type.Array(Type.Object({ abc: Abc, tolerance: Type.Number(), ...Tally })),
  largest_differences: Type.Array(
    Type.Object({
      sku: Type.String(),
      location: Type.String(),
      abc: Abc,
      counted_at: Type.String({ format: 'date-time' }),
      expected: Type.Number(),
      counted: Type.Number(),
      difference: Type.Number(),
    }),
  ),
});

const DriftReason = Type.Union(DRIFT_REASONS.map((r) => Type.Literal(r)));
const DriftReport = Type.Object({
  now: Type.String({ format: 'date-time' }),
  pairs_checked: Type.Integer(),
  raised: Type.Array(
    Type.Object({ sku: Type.String(), location: Type.String(), reason: DriftReason, message: Type.String() }),
  ),
  still_open: Type.Integer(),
  resolved: Type.Array(Type.Object({ sku: Type.String(), location: Type.String(), reason: DriftReason })),
});

/** Inventory metrics, record accuracy and the drift review (docs/metrics.md). */
export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/metrics',
    {
      schema: {
        tags,
        summary:
          'Turnover, days of supply, cash in stock, holding cost, stock-out days, fill rate, supplier OTIF and orders per month over a period (default the last 365 days), overall, per site and per category',
        querystring: MetricsQuery,
        response: { 200: MetricsReport, ...errorResponses },
      },
    },
    async (request) => getMetrics(app.database, request.query as Static<typeof MetricsQuery>, app.clock()),
  );

  app.get(
    '/metrics/record-accuracy',
    {
      schema: {
        tags,
        summary:
          'Inventory record accuracy: the share of counts within tolerance (A exact, B ±2 %, C ±5 %) over a period, by class',
        querystring: AccuracyQuery,
        response: { 200: RecordAccuracy, ...errorResponses },
      },
    },
    async (request) => getRecordAccuracy(app.database, request.query as Static<typeof AccuracyQuery>, app.clock()),
  );

  app.post(
    '/drift-reviews',
    {
      schema: {
        tags,
        summary:
          'Review every item × location for drift now: demand shifts, repeated stock-outs, excess and dead stock go on the review list (GET /review-items)',
        body: optionalBody(Type.Object({}, { additionalProperties: false })),
        response: { 200: DriftReport, ...errorResponses },
      },
    },
    async (request) => reviewDrift(app.database, contextOf(request)),
  );
}

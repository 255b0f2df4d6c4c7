import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { RISK_FLAGS, STRATEGIES } from '../../domain/strategy/classify-portfolio.js';
import { type PlanReport, planCatalogue } from '../../services/planning/plan.service.js';
import {
  acceptRecommendation,
  getRecommendation,
  listPlanChanges,
  listRecommendations,
  pinPolicy,
  unpinPolicy,
} from '../../services/planning/recommendation.service.js';
import {
  getPlanningSettings,
  toSettingsView,
  updatePlanningSettings,
} from '../../services/planning/settings.service.js';
import { contextOf, DOMAIN_VALIDATED, optionalBody } from '../app.js';
import { errorResponses, Nullable, PageQuery, Quantity } from '../schemas/common.js';
import { Triggered } from '../schemas/purchasing.schemas.js';
import { Policy } from './policy.routes.js';

const tags = ['Planning'];
const Strategy = Type.Enum([...STRATEGIES], { description: 'lean | buffered | make_to_order' });
const Fraction = (description: string) => Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description });

const SettingsSchema = Type.Object({
  service_level_a: Fraction('Service target of class A items'),
  service_level_b: Fraction('Service target of class B items'),
  service_level_c: Fraction('Service target of class C items'),
  service_type: Type.Union([Type.Literal('cycle'), Type.Literal('fill_rate')], {
    description: 'cycle: chance of no stock-out per cycle; fill_rate: share of demand met from stock',
  }),
  holding_rate_per_year: Type.Number({ description: 'Holding cost as a fraction of unit cost per year' }),
  ordering_cost: Type.Number({ description: 'Cost of one order when the supplier has none, money units' }),
  target_rule: Type.Union([Type.Literal('eoq'), Type.Literal('days_of_cover')]),
  cover_days: Type.Number({ description: 'Days of demand the days-of-cover target adds to s' }),
  history_days: Type.Integer({ description: 'Days of demand history the planner reads' }),
  abc_cutoff_a: Fraction('Cumulative share of annual consumption value that closes class A'),
  abc_cutoff_b: Fraction('Cumulative share that closes class B'),
  xyz_cutoff_x: Type.Number({ description: 'Coefficient of variation of weekly demand that closes class X' }),
  xyz_cutoff_y: Type.Number({ description: 'Coefficient of variation that closes class Y' }),
  count_interval_days_a: Type.Integer(),
  count_interval_days_b: Type.Integer(),
  count_interval_days_c: Type.Integer(),
  otif_threshold: Fraction('A supplier OTIF below this is a supply risk'),
  long_lead_time_days: Type.Number(),
  unstable_lead_time_cv: Type.Number(),
  buffer_days: Type.Number({ description: 'Days of demand a buffered item holds on top of its safety stock' }),
  auto_apply: Type.Boolean({ description: "Whether the server applies its re-plans to 'auto' policies" }),
});

const SettingsPatch = Type.Partial(SettingsSchema, { additionalProperties: false });

const Levels = Type.Object({
  kind: Type.String(),
  reorder_point: Nullable(Quantity),
  target: Nullable(Quantity),
  cards: Nullable(Type.Integer()),
  container_quantity: Nullable(Quantity),
  review_days: Nullable(Type.Integer()),
});

const PlanLineSchema = Type.Object({
  sku: Type.String(),
  location: Type.String(),
  status: Type.Union([
    Type.Literal('new'),
    Type.Literal('changed'),
    Type.Literal('unchanged'),
    Type.Literal('skipped'),
  ]),
  skip_reason: Nullable(
    Type.Union([
      Type.Literal('pinned'),
      Type.Literal('override'),
      Type.Literal('unusable'),
      Type.Literal('changed_meanwhile'),
    ]),
  ),
  before: Nullable(Levels),
  after: Levels,
  strategy: Strategy,
  abc: Type.String(),
  reason: Type.String({ description: 'What the levels rest on, and what moved since the last plan' }),
  applied: Type.Boolean(),
});

const Problem = Type.Object({ sku: Type.String(), location: Type.String(), message: Type.String() });

const PlanSummary = Type.Object({
  computed_at: Type.String({ format: 'date-time' }),
  pairs: Type.Integer({ description: 'Item × location pairs planned' }),
  counts: Type.Object({
    new: Type.Integer(),
    changed: Type.Integer(),
    unchanged: Type.Integer(),
    skipped: Type.Integer(),
  }),
  applied: Type.Integer(),
  triggered: Type.Integer({ description: 'Purchase order lines the trigger drafted after applying' }),
  threads: Type.Integer(),
  methods: Type.Record(Type.String(), Type.Integer(), { description: 'Forecasting methods chosen, by name' }),
  phases: Type.Object(
    {
      read: Type.Number(),
      forecast: Type.Number(),
      classify: Type.Number(),
      recommend: Type.Number(),
      write: Type.Number(),
      apply: Type.Number(),
    },
    { description: 'Seconds per phase' },
  ),
  changes: Type.Array(PlanLineSchema, { description: 'The first `limit` new, changed and skipped pairs by SKU' }),
  changes_total: Type.Integer(),
  problems: Type.Array(Problem),
});

const PlanBody = Type.Object(
  {
    apply: Type.Optional(Type.Boolean({ default: false, description: "Set the 'auto' policies that would change" })),
    note: Type.Optional(Type.String({ maxLength: 500, description: 'Recorded with each change' })),
    limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, default: 100, description: 'Changes listed' })),
  },
  { additionalProperties: false },
);

const CurrentPolicy = Type.Object({
  ...Levels.properties,
  planning: Type.Union([Type.Literal('auto'), Type.Literal('pinned'), Type.Literal('override')]),
});

const RecommendationSchema = Type.Object({
  sku: Type.String(),
  location: Type.String(),
  kind: Type.String(),
  reorder_point: Nullable(Quantity),
  target: Nullable(Quantity),
  cards: Nullable(Type.Integer()),
  container_quantity: Nullable(Quantity),
  review_days: Nullable(Type.Integer()),
  safety_stock: Nullable(Quantity),
  order_quantity: Nullable(Quantity),
  forecast_method: Nullable(Type.String()),
  demand_class: Nullable(Type.String()),
  mean_per_day: Nullable(Type.Number({ description: 'Forecast demand, units a day' })),
  sd_per_day: Nullable(Type.Number()),
  lead_time_days: Nullable(Type.Number()),
  lead_time_sd_days: Nullable(Type.Number()),
  lead_time_source: Nullable(Type.String({ description: 'measured (≥ 3 receipts) or quoted' })),
  service_level: Nullable(Type.Number()),
  service_type: Nullable(Type.String()),
  abc: Nullable(Type.String()),
  xyz: Nullable(Type.String()),
  strategy: Strategy,
  buffer_days: Nullable(Type.Number()),
  annual_value: Nullable(Type.Number({ description: 'Annual consumption value, major units of currency' })),
  currency: Type.String(),
  risk_flags: Type.Array(Type.Enum([...RISK_FLAGS])),
  reasons: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('new'), Type.Literal('changed'), Type.Literal('unchanged')]),
  current_policy: Nullable(CurrentPolicy),
  computed_at: Type.String({ format: 'date-time' }),
  data_through: Type.String({ description: 'Last local date of demand history used' }),
});

const ExplanationSchema = Type.Object({
  inputs: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Null()])),
  steps: Type.Array(
    Type.Object({ name: Type.String(), formula: Type.String(), value: Type.Number(), unit: Type.String() }),
  ),
  summary: Type.String(),
});

const RecommendationDetailSchema = Type.Object({
  ...RecommendationSchema.properties,
  explanation: ExplanationSchema,
});

const PairParams = Type.Object({ sku: Type.String(), location: Type.String() });

const RecommendationQuery = Type.Object(
  {
    sku: Type.Optional(Type.String({ maxLength: 64 })),
    location: Type.Optional(Type.String({ maxLength: 64 })),
    strategy: Type.Optional(Type.String({ description: 'lean, buffered or make_to_order' })),
    changed: Type.Optional(Type.Boolean({ description: 'true: only those that differ from the policy in force' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const ChangeQuery = Type.Object(
  {
    sku: Type.Optional(Type.String({ maxLength: 64 })),
    location: Type.Optional(Type.String({ maxLength: 64 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const PolicyJson = Type.Record(Type.String(), Type.Unknown());

const PlanChangeSchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  cause: Type.String({ description: 'plan_apply | accept | lead_time_shift | auto_replan' }),
  sku: Type.String(),
  location: Type.String(),
  before: Nullable(PolicyJson),
  after: Nullable(PolicyJson),
  note: Nullable(Type.String()),
});

const AcceptBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

/** Planning: settings, the catalogue plan, recommendations and the planner's actions on them, the change log. */
export async function planRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/planning/settings',
    {
      schema: {
        tags,
        summary: 'The planning settings in force (defaults merged with what was set)',
        response: { 200: SettingsSchema, ...errorResponses },
      },
    },
    async () => toSettingsView(await getPlanningSettings(app.database)),
  );

  app.patch(
    '/planning/settings',
    {
      schema: {
        tags,
        summary: 'Change some planning settings; every field is checked, a bad one refuses the whole change',
        body: { ...SettingsPatch, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: SettingsSchema, ...errorResponses },
      },
    },
    async (request) => updatePlanningSettings(app.database, contextOf(request), request.body),
  );

  app.post(
    '/plan',
    {
      schema: {
        tags,
        summary: 'Re-plan the catalogue: what would change (and, with apply, set the auto policies)',
        body: optionalBody(PlanBody),
        response: { 200: PlanSummary, ...errorResponses },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as Static<typeof PlanBody>;
      const report = await planCatalogue(app.database, contextOf(request), {
        apply: body.apply === true,
        ...(body.note !== undefined && { note: body.note }),
      });
      return summarize(report, body.limit ?? 100);
    },
  );

  app.get(
    '/plan/changes',
    {
      schema: {
        tags,
        summary: 'The log of policy changes the planner made: cause, before and after, newest first',
        querystring: ChangeQuery,
        response: {
          200: Type.Object({ data: Type.Array(PlanChangeSchema), next_cursor: Nullable(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => listPlanChanges(app.database, request.query as Static<typeof ChangeQuery>),
  );

  app.get(
    '/recommendations',
    {
      schema: {
        tags,
        summary: 'Stored recommendations with the policy in force, by SKU and location',
        querystring: RecommendationQuery,
        response: {
          200: Type.Object({ data: Type.Array(RecommendationSchema), next_cursor: Nullable(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => listRecommendations(app.database, request.query as Static<typeof RecommendationQuery>),
  );

  app.get(
    '/recommendations/:sku/:location',
    {
      schema: {
        tags,
        summary:
          'One recommendation with its explanation (inputs, formulas with values, summary) and the policy in force',
        params: PairParams,
        response: { 200: RecommendationDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { sku, location } = request.params as Static<typeof PairParams>;
      return getRecommendation(app.database, sku, location);
    },
  );

  app.post(
    '/recommendations/:sku/:location/accept',
    {
      schema: {
        tags,
        summary: 'Set the recommendation as the policy (whatever its planning mode); the trigger runs at once',
        params: PairParams,
        body: optionalBody(AcceptBody),
        response: {
          200: Type.Object({
            recommendation: RecommendationSchema,
            policy: Policy,
            changed: Type.Boolean({ description: 'false: the policy already had these levels' }),
            triggered: Triggered,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { sku, location } = request.params as Static<typeof PairParams>;
      const note = (request.body as Static<typeof AcceptBody> | null | undefined)?.note;
      return acceptRecommendation(app.database, sku, location, contextOf(request), note);
    },
  );

  for (const [verb, act] of [
    ['pin', pinPolicy],
    ['unpin', unpinPolicy],
  ] as const) {
    app.post(
      `/recommendations/:sku/:location/${verb}`,
      {
        schema: {
          tags,
          summary:
            verb === 'pin'
              ? 'Pin the policy: the planner keeps it as it is'
              : 'Unpin (or end the override of) the policy: the planner may change it again',
          params: PairParams,
          response: { 200: Policy, ...errorResponses },
        },
      },
      async (request) => {
        const { sku, location } = request.params as Static<typeof PairParams>;
        return act(app.database, sku, location, contextOf(request));
      },
    );
  }
}

function summarize(report: PlanReport, limit: number) {
  const { lines, ...rest } = report;
  return {
    ...rest,
    changes: lines.slice(0, limit),
    changes_total: lines.length,
    problems: report.problems.slice(0, Math.max(limit, 1)),
  };
}

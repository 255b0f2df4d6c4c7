import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  COUNT_TASK_STATUSES,
  getCountTask,
  listCountTasks,
  planCycleCounts,
  recordCount,
} from '../../services/planning/cycle-count.service.js';
import { contextOf, DOMAIN_VALIDATED, optionalBody } from '../app.js';
import { errorResponses, Nullable, PageQuery } from '../schemas/common.js';

const tags = ['Cycle counts'];
const Abc = Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C')]);
const Status = Type.Union(COUNT_TASK_STATUSES.map((s) => Type.Literal(s)));

const CountTask = Type.Object({
  id: Type.Integer(),
  sku: Type.String(),
  item_name: Type.String(),
  unit: Type.String(),
  location: Type.String(),
  abc: Abc,
  due_date: Type.String({ description: 'Local date of the site, YYYY-MM-DD' }),
  status: Status,
  expected: Nullable(Type.Number({ description: 'On hand the record said when counted' })),
  counted: Nullable(Type.Number()),
  difference: Nullable(Type.Number({ description: 'counted − expected' })),
  within_tolerance: Nullable(Type.Boolean({ description: 'A exact, B ±2 %, C ±5 % of expected' })),
  movement_id: Nullable(Type.Integer({ description: 'The count movement the recording posted' })),
  created_at: Type.String({ format: 'date-time' }),
  counted_at: Nullable(Type.String({ format: 'date-time' })),
  counted_by: Nullable(Type.String()),
});

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const TaskQuery = Type.Object(
  {
    status: Type.Optional(Status),
    due_before: Type.Optional(Type.String({ maxLength: 10, description: 'Due on or before this date, YYYY-MM-DD' })),
    location: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'A site (with its bins) or a bin' }),
    ),
    sku: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const PlanBody = Type.Object(
  { today: Type.Optional(Type.String({ maxLength: 10, description: 'Plan as of this date at every site' })) },
  { additionalProperties: false },
);

const RecordBody = Type.Object(
  { counted: Type.Number({ minimum: 0, description: 'The quantity found, at most 3 decimals' }) },
  { additionalProperties: false },
);

/** Cycle-count tasks: plan them by ABC class, list them, record counts (docs/metrics.md). */
export async function countTaskRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/count-tasks/plan',
    {
      schema: {
        tags,
        summary:
          'Open a count task for every item × location without one: due by ABC class (A every 30 days, B 91, C 365 by default), the never-counted spread over the interval',
        body: optionalBody(PlanBody),
        response: {
          200: Type.Object({
            created: Type.Integer(),
            already_open: Type.Integer(),
            classes: Type.Array(Type.Object({ abc: Abc, interval_days: Type.Integer(), created: Type.Integer() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as Static<typeof PlanBody>;
      return planCycleCounts(app.database, contextOf(request), body.today === undefined ? {} : { today: body.today });
    },
  );

  app.get(
    '/count-tasks',
    {
      schema: {
        tags,
        summary: 'Count tasks by due date: filter by status, due date, location and SKU',
        querystring: TaskQuery,
        response: {
          200: Type.Object({ data: Type.Array(CountTask), next_cursor: Nullable(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => listCountTasks(app.database, request.query as Static<typeof TaskQuery>),
  );

  app.get(
    '/count-tasks/:id',
    {
      schema: { tags, summary: 'One count task', params: IdParams, response: { 200: CountTask, ...errorResponses } },
    },
    async (request) => getCountTask(app.database, (request.params as Static<typeof IdParams>).id),
  );

  app.post(
    '/count-tasks/:id/record',
    {
      schema: {
        tags,
        summary:
          'Record what was counted: posts a count movement (the ledger books the difference) and closes the task; 409 when it was already recorded',
        params: IdParams,
        body: { ...RecordBody, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: CountTask, ...errorResponses },
      },
    },
    async (request) =>
      recordCount(
        app.database,
        contextOf(request),
        (request.params as Static<typeof IdParams>).id,
        (request.body as { counted?: unknown }).counted,
      ),
  );
}

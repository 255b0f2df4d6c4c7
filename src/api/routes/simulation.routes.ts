import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { parseScenarioText } from '../../domain/simulation/scenario.js';
import {
  deleteSavedScenario,
  getSavedScenario,
  listSavedScenarios,
  saveScenario,
} from '../../services/simulation/scenario.service.js';
import { SIMULATION_JOB_STATUSES } from '../../services/simulation/simulation-jobs.js';
import { contextOf, DOMAIN_VALIDATED } from '../app.js';
import { errorResponses, Nullable, PageQuery } from '../schemas/common.js';

const tags = ['Simulation'];

const ScenarioJson = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'A what-if scenario as in a scenario file (name, horizon_days, runs, seed, items, demand, lead_time, disruptions, policies, service_floor, stockout_cost; see docs/simulation.md), every default written out',
});

const JobStatus = Type.Enum([...SIMULATION_JOB_STATUSES], { description: 'queued | running | done | failed' });

const jobFields = {
  id: Type.Integer(),
  status: JobStatus,
  progress: Type.Number({ minimum: 0, maximum: 1, description: 'Share of the item-runs done, 0 to 1' }),
  scenario_name: Nullable(Type.String({ description: 'The saved scenario it ran, if any' })),
  scenario: ScenarioJson,
  created_at: Type.String({ format: 'date-time' }),
  started_at: Nullable(Type.String({ format: 'date-time' })),
  finished_at: Nullable(Type.String({ format: 'date-time' })),
  created_by: Type.String(),
  error: Nullable(Type.String({ description: 'Why a failed job failed' })),
};

const JobSummary = Type.Object(jobFields);

const Job = Type.Object({
  ...jobFields,
  result: Type.Optional(
    Type.Unknown({
      description:
        'Once done: the report, the same JSON as `leanstock simulate --json` prints (variants, catalogue, categories, items, stops_work, recommendation, chart data)',
    }),
  ),
});

const SimulationBody = Type.Object(
  {
    scenario: Type.Optional(ScenarioJson),
    scenario_name: Type.Optional(Type.String({ description: 'Name of a saved scenario' })),
  },
  { additionalProperties: false, description: 'Exactly one of scenario and scenario_name' },
);

const JobParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const JobQuery = Type.Object({ status: Type.Optional(JobStatus), ...PageQuery }, { additionalProperties: false });

const SavedScenario = Type.Object({
  name: Type.String(),
  description: Nullable(Type.String()),
  scenario: ScenarioJson,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  updated_by: Type.String(),
});

const SavedScenarioSummary = Type.Object({
  name: Type.String(),
  description: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  updated_by: Type.String(),
});

const ScenarioParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });

const ScenarioQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

const Svg = Type.String({ contentMediaType: 'image/svg+xml', description: 'SVG image' });

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * What-if simulations as asynchronous jobs (accepted with 202, polled for status, progress and the report, the chart
 * once done), and saved scenarios by name (JSON, or YAML as in a scenario file).
 */
export async function simulationRoutes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseScenarioText(body as string, 'yaml'));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.post(
    '/simulations',
    {
      schema: {
        tags,
        summary:
          'Run a scenario (given, or saved by name) as a job: answers 202 with the queued job and its Location; poll it for progress and the report',
        body: { ...SimulationBody, [DOMAIN_VALIDATED]: 'domain' },
        response: { 202: JobSummary, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown>;
      checkFields(body, ['scenario', 'scenario_name']);
      const job = await app.simulationJobs.submit(contextOf(request), {
        scenario: body['scenario'],
        scenario_name: body['scenario_name'],
      });
      return reply.status(202).header('location', `/api/v1/simulations/${job.id}`).send(job);
    },
  );

  app.get(
    '/simulations',
    {
      schema: {
        tags,
        summary: 'Simulation jobs, newest first, without their reports',
        querystring: JobQuery,
        response: {
          200: Type.Object({ data: Type.Array(JobSummary), next_cursor: Nullable(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => app.simulationJobs.list(request.query as Static<typeof JobQuery>),
  );

  app.get(
    '/simulations/:id',
    {
      schema: {
        tags,
        summary: 'A simulation job: status, progress 0–1, and once done its report',
        params: JobParams,
        response: { 200: Job, ...errorResponses },
      },
    },
    async (request) => app.simulationJobs.get((request.params as Static<typeof JobParams>).id),
  );

  app.get(
    '/simulations/:id/chart.svg',
    {
      schema: {
        tags,
        summary:
          'The chart of a finished job: on-hand trajectories of the worst items, cost and service per variant (409 until done)',
        params: JobParams,
        produces: ['image/svg+xml'],
        response: { 200: Svg, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof JobParams>;
      const svg = await app.simulationJobs.chart(id);
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('content-disposition', `inline; filename="simulation-${id}.svg"`)
        .send(svg);
    },
  );

  app.get(
    '/simulation-scenarios',
    {
      schema: {
        tags,
        summary: 'Saved scenarios by name',
        querystring: ScenarioQuery,
        response: {
          200: Type.Object({ data: Type.Array(SavedScenarioSummary), next_cursor: Nullable(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => listSavedScenarios(app.database, request.query as Static<typeof ScenarioQuery>),
  );

  app.get(
    '/simulation-scenarios/:name',
    {
      schema: {
        tags,
        summary: 'A saved scenario with every default written out',
        params: ScenarioParams,
        response: { 200: SavedScenario, ...errorResponses },
      },
    },
    async (request) => getSavedScenario(app.database, (request.params as Static<typeof ScenarioParams>).name),
  );

  app.put(
    '/simulation-scenarios/:name',
    {
      schema: {
        tags,
        summary:
          'Save (create: 201, or replace: 200) a scenario under a name: JSON, or YAML (application/yaml, text/yaml) as in a scenario file; checked in full, names included, before it is saved',
        params: ScenarioParams,
        consumes: ['application/json', ...YAML_TYPES],
        body: { ...ScenarioJson, [DOMAIN_VALIDATED]: 'domain' },
        response: { 200: SavedScenario, 201: SavedScenario, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { name } = request.params as Static<typeof ScenarioParams>;
      const saved = await saveScenario(app.database, contextOf(request), name, request.body);
      return reply.status(saved.created ? 201 : 200).send(saved.scenario);
    },
  );

  app.delete(
    '/simulation-scenarios/:name',
    {
      schema: {
        tags,
        summary: 'Delete a saved scenario (audited; jobs that ran it keep their copy)',
        params: ScenarioParams,
        response: {
          200: Type.Object({ name: Type.String(), deleted: Type.Literal(true) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { name } = request.params as Static<typeof ScenarioParams>;
      await deleteSavedScenario(app.database, contextOf(request), name);
      return { name, deleted: true as const };
    },
  );
}

/** A body whose fields the domain checks still refuses a field it does not know (a typo must not be ignored). */
function checkFields(body: Record<string, unknown>, known: string[]): void {
  const problems: FieldProblem[] = Object.keys(body)
    .filter((key) => !known.includes(key))
    .map((key) => ({ field: key, message: `is not a field here (${known.join(', ')})`, value: body[key] }));
  throwIfProblems(problems);
}

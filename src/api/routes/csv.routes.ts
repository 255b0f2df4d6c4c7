import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { exportCsv, importCsv } from '../../services/csv/csv.service.js';
import { CSV_KINDS } from '../../services/csv/csv-kind.js';
import { contextOf } from '../app.js';
import { errorResponses } from '../schemas/common.js';

const KindParams = Type.Object({ kind: Type.Enum([...CSV_KINDS]) });
const ImportQuery = Type.Object({ dry_run: Type.Optional(Type.Boolean({ default: false })) });

export async function csvRoutes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  app.get(
    '/export/:kind',
    {
      schema: {
        tags: ['CSV'],
        summary: 'Export items, locations, suppliers, supplier items or opening stock as CSV',
        params: KindParams,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV, header first' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { kind } = request.params as Static<typeof KindParams>;
      const csv = await exportCsv(app.database, kind);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${kind}.csv"`)
        .send(csv);
    },
  );

  app.post(
    '/import/:kind',
    {
      schema: {
        tags: ['CSV'],
        summary: 'Import a CSV file (body text/csv); every row is checked first, any problem imports nothing',
        params: KindParams,
        querystring: ImportQuery,
        consumes: ['text/csv'],
        body: Type.String({ description: 'CSV text with a header line' }),
        response: {
          200: Type.Object({
            kind: Type.String(),
            rows: Type.Integer(),
            imported: Type.Integer(),
            dry_run: Type.Boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { kind } = request.params as Static<typeof KindParams>;
      const { dry_run } = request.query as Static<typeof ImportQuery>;
      return importCsv(app.database, kind, request.body as string, contextOf(request), { dryRun: dry_run === true });
    },
  );
}

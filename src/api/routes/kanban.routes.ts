import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  fileNamePart,
  kanbanCardUrl,
  kanbanSheetFileName,
  renderKanbanLabelsPdf,
} from '../../documents/kanban-labels.js';
import { DomainError } from '../../domain/errors.js';
import {
  getKanbanCard,
  getKanbanLoop,
  type KanbanLabelData,
  kanbanLabelOfCard,
  kanbanLabelsOfLoop,
  listKanbanLoops,
  signalCard,
} from '../../services/kanban/kanban.service.js';
import { publicUrlFromEnv } from '../../services/kanban/public-url.js';
import { contextOf } from '../app.js';
import { errorResponses } from '../schemas/common.js';
import {
  KanbanCard,
  KanbanCardParams,
  KanbanLoop,
  KanbanLoopParams,
  KanbanLoopQuery,
  KanbanSignal,
} from '../schemas/kanban.schemas.js';

const tags = ['Kanban'];
const Pdf = Type.String({ contentMediaType: 'application/pdf', description: 'PDF document' });
const HOST = /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

/**
 * The base URL of the card pages printed in QR codes: `LEANSTOCK_PUBLIC_URL` when set, else this request's
 * protocol and Host header (so labels printed from a phone's or laptop's browser point back at the same server).
 * A Host header that is not a host name is refused naming `Host`: it would end up in a printed QR code.
 */
export function publicBaseOf(
  request: Pick<FastifyRequest, 'protocol' | 'host'>,
  configured: string | undefined,
): string {
  if (configured !== undefined) return configured;
  const host = request.host;
  if (typeof host !== 'string' || !HOST.test(host)) {
    throw new DomainError('LS_VALIDATION', 'Host: is not a host name; set LEANSTOCK_PUBLIC_URL for labels', [
      { field: 'Host', message: 'is not a host name', value: host },
    ]);
  }
  return `${request.protocol}://${host}`;
}

export async function kanbanRoutes(app: FastifyInstance): Promise<void> {
  const configuredBase = publicUrlFromEnv();
  const withUrls = (request: FastifyRequest, labels: KanbanLabelData[]) => {
    const base = publicBaseOf(request, configuredBase);
    return labels.map((label) => ({ ...label, signal_url: kanbanCardUrl(base, label.card_id) }));
  };

  app.get(
    '/kanban/loops',
    {
      schema: {
        tags,
        summary: 'List kanban loops with their cards, by SKU and location; filter by item, location or active',
        querystring: KanbanLoopQuery,
        response: {
          200: Type.Object({ data: Type.Array(KanbanLoop), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof KanbanLoopQuery>;
      return listKanbanLoops(app.database, {
        ...(q.sku !== undefined && { sku: q.sku }),
        ...(q.location !== undefined && { location: q.location }),
        ...(q.active !== undefined && { active: q.active }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/kanban/loops/:id',
    {
      schema: {
        tags,
        summary: 'One kanban loop with its cards',
        params: KanbanLoopParams,
        response: { 200: KanbanLoop, ...errorResponses },
      },
    },
    async (request) => getKanbanLoop(app.database, (request.params as Static<typeof KanbanLoopParams>).id),
  );

  app.get(
    '/kanban/loops/:id/labels.pdf',
    {
      schema: {
        tags,
        summary: 'Labels of all cards in circulation of a loop: A4 sheets of 2 × 4, each with a QR code to signal it',
        params: KanbanLoopParams,
        produces: ['application/pdf'],
        response: { 200: Pdf, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { loop, labels } = await kanbanLabelsOfLoop(
        app.database,
        (request.params as Static<typeof KanbanLoopParams>).id,
      );
      const pdf = await renderKanbanLabelsPdf(withUrls(request, labels), {
        layout: 'sheet',
        title: `Kanban cards of ${loop.sku} at ${loop.location}`,
        createdAt: new Date(loop.updated_at),
      });
      const name = kanbanSheetFileName(loop.sku, loop.location);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${name}"`).send(pdf);
    },
  );

  app.get(
    '/kanban/cards/:id',
    {
      schema: {
        tags,
        summary: 'One kanban card with its state, the order it is on and its loop',
        params: KanbanCardParams,
        response: { 200: KanbanCard, ...errorResponses },
      },
    },
    async (request) => getKanbanCard(app.database, (request.params as Static<typeof KanbanCardParams>).id),
  );

  app.post(
    '/kanban/cards/:id/signal',
    {
      schema: {
        tags,
        summary: 'Signal a card: its container is empty, order one (a card already signalled is not ordered again)',
        params: KanbanCardParams,
        response: { 200: KanbanSignal, ...errorResponses },
      },
    },
    async (request) =>
      signalCard(app.database, (request.params as Static<typeof KanbanCardParams>).id, contextOf(request)),
  );

  app.get(
    '/kanban/cards/:id/label.pdf',
    {
      schema: {
        tags,
        summary: 'The label of one card (105 × 74 mm) with its QR code',
        params: KanbanCardParams,
        produces: ['application/pdf'],
        response: { 200: Pdf, ...errorResponses },
      },
    },
    async (request, reply) => {
      const label = await kanbanLabelOfCard(app.database, (request.params as Static<typeof KanbanCardParams>).id);
      const pdf = await renderKanbanLabelsPdf(withUrls(request, [label]), {
        layout: 'single',
        title: `Kanban card ${label.number} of ${label.cards}, ${label.sku} at ${label.location}`,
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="kanban-card-${fileNamePart(label.card_id)}.pdf"`)
        .send(pdf);
    },
  );
}

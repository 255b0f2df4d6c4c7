import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { detectLeadTimeShiftsAfterReceipt } from '../../services/planning/lead-time-shift.service.js';
import { addDraftLine, mergeDrafts, moveDraftLine, splitDraft } from '../../services/purchasing/draft-edit.service.js';
import {
  cancelPurchaseOrder,
  closePurchaseOrder,
  confirmPurchaseOrder,
  getPurchaseOrder,
  listPurchaseOrders,
  receivePurchaseOrder,
  setDraftLineQuantity,
} from '../../services/purchasing/purchase-order.service.js';
import { purchaseOrderNumber } from '../../services/purchasing/replenish.js';
import { listReviewItems } from '../../services/purchasing/review-items.service.js';
import {
  emailPurchaseOrder,
  purchaseOrderPdf,
  sendAndMailPurchaseOrder,
} from '../../services/purchasing/send.service.js';
import { contextOf, DOMAIN_VALIDATED, optionalBody } from '../app.js';
import { Code, errorResponses, Nullable, PageQuery } from '../schemas/common.js';
import { PurchaseOrder, Triggered } from '../schemas/purchasing.schemas.js';

const tags = ['Purchase orders'];

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const LineParams = Type.Object({ id: Type.Integer({ minimum: 1 }), line_id: Type.Integer({ minimum: 1 }) });

const PurchaseOrderQuery = Type.Object(
  {
    status: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'draft, sent, confirmed, partly_received, received, closed, cancelled or open; comma-separated',
      }),
    ),
    supplier: Type.Optional(Code),
    sku: Type.Optional(Code),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const PurchaseOrderPage = Type.Object({
  data: Type.Array(Type.Ref('PurchaseOrder')),
  next_cursor: Nullable(Type.String()),
});

const ChangedOrder = Type.Object({ triggered: Triggered });

const SentOrder = Type.Object({
  email: Type.Object({
    status: Type.String({ description: 'sent, not_configured, no_address, failed or skipped' }),
    to: Nullable(Type.String()),
    message_id: Type.Optional(Type.String()),
    error: Type.Optional(Type.String()),
  }),
});

/** The order itself plus extra fields. */
const orderWith = (extra: { properties: Record<string, unknown> }) =>
  Type.Object({ ...PurchaseOrder.properties, ...(extra.properties as typeof PurchaseOrder.properties) });

export async function purchaseOrderRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/purchase-orders',
    {
      schema: {
        tags,
        summary: 'Purchase orders, newest first; filter by status, supplier or item',
        querystring: PurchaseOrderQuery,
        response: { 200: PurchaseOrderPage, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof PurchaseOrderQuery>;
      return listPurchaseOrders(app.database, {
        ...(q.status !== undefined && { status: q.status }),
        ...(q.supplier !== undefined && { supplier: q.supplier }),
        ...(q.sku !== undefined && { sku: q.sku }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );

  app.get(
    '/purchase-orders/:id',
    {
      schema: {
        tags,
        summary: 'One purchase order with its lines',
        params: IdParams,
        response: { 200: Type.Ref('PurchaseOrder'), ...errorResponses },
      },
    },
    async (request) => getPurchaseOrder(app.database, idOf(request)),
  );

  app.post(
    '/purchase-orders/:id/send',
    {
      schema: {
        tags,
        summary:
          'Send a draft: it stops collecting lines; e-mailed with its PDF when SMTP is configured and the supplier has an address',
        params: IdParams,
        body: optionalBody(
          Type.Object(
            { email: Type.Optional(Type.Boolean({ description: 'false: mark sent without e-mailing' })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: orderWith(SentOrder), ...errorResponses, 502: Type.Ref('Error') },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as { email?: boolean };
      return sendAndMailPurchaseOrder(app.database, idOf(request), contextOf(request), app.mailSettings, {
        email: body.email !== false,
      });
    },
  );

  app.post(
    '/purchase-orders/:id/email',
    {
      schema: {
        tags,
        summary: 'E-mail a sent order to its supplier (again) with its PDF attached',
        params: IdParams,
        response: { 200: orderWith(SentOrder), ...errorResponses, 502: Type.Ref('Error') },
      },
    },
    async (request) => emailPurchaseOrder(app.database, idOf(request), contextOf(request), app.mailSettings),
  );

  app.get(
    '/purchase-orders/:id/pdf',
    {
      schema: {
        tags,
        summary: 'The purchase order as a PDF document',
        params: IdParams,
        produces: ['application/pdf'],
        response: {
          200: Type.String({ contentMediaType: 'application/pdf', description: 'PDF document' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const id = idOf(request);
      const pdf = await purchaseOrderPdf(app.database, id, app.mailSettings.buyerName);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${purchaseOrderNumber(id)}.pdf"`)
        .send(pdf);
    },
  );

  app.post(
    '/purchase-orders/:id/confirm',
    {
      schema: {
        tags,
        summary: "Record the supplier's confirmation and promised delivery date",
        params: IdParams,
        body: optionalBody(
          Type.Object(
            { promised_date: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD' }))) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: Type.Ref('PurchaseOrder'), ...errorResponses },
      },
    },
    async (request) => confirmPurchaseOrder(app.database, idOf(request), request.body ?? {}, contextOf(request)),
  );

  app.post(
    '/purchase-orders/:id/receive',
    {
      schema: {
        tags,
        summary:
          'Receive goods: receipt movements for accepted quantities, rejected quantities with a reason; over-delivery within 10 %',
        params: IdParams,
        body: {
          ...Type.Object({
            lines: Type.Array(
              Type.Object({
                sku: Type.String(),
                location: Type.String(),
                quantity: Type.Number(),
                rejected_quantity: Type.Optional(Type.Number()),
                reject_reason: Type.Optional(Type.String()),
              }),
            ),
          }),
          [DOMAIN_VALIDATED]: 'domain',
        },
        response: { 200: orderWith(ChangedOrder), ...errorResponses, 422: Type.Ref('Error') },
      },
    },
    async (request) => {
      const ctx = contextOf(request);
      const received = await receivePurchaseOrder(app.database, idOf(request), request.body, ctx);
      await detectLeadTimeShiftsAfterReceipt(app.database, ctx, received.id, (error) =>
        request.log.error({ err: error }, 'lead-time shift detection failed'),
      );
      return received;
    },
  );

  app.post(
    '/purchase-orders/:id/close',
    {
      schema: {
        tags,
        summary: 'Close a (partly) received order; what did not come leaves on order and the trigger re-evaluates',
        params: IdParams,
        response: { 200: orderWith(ChangedOrder), ...errorResponses },
      },
    },
    async (request) => {
      const ctx = contextOf(request);
      const closed = await closePurchaseOrder(app.database, idOf(request), ctx);
      await detectLeadTimeShiftsAfterReceipt(app.database, ctx, closed.id, (error) =>
        request.log.error({ err: error }, 'lead-time shift detection failed'),
      );
      return closed;
    },
  );

  app.post(
    '/purchase-orders/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel an open order; its open quantities leave on order and the trigger re-evaluates at once',
        params: IdParams,
        body: optionalBody(
          Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        ),
        response: { 200: orderWith(ChangedOrder), ...errorResponses },
      },
    },
    async (request) => cancelPurchaseOrder(app.database, idOf(request), request.body ?? {}, contextOf(request)),
  );

  app.patch(
    '/purchase-orders/:id/lines/:line_id',
    {
      schema: {
        tags,
        summary: 'Change the quantity of a draft line (0 removes it)',
        params: LineParams,
        body: Type.Object({ quantity: Type.Number() }, { additionalProperties: false }),
        response: { 200: Type.Ref('PurchaseOrder'), ...errorResponses },
      },
    },
    async (request) => {
      const { id, line_id } = request.params as Static<typeof LineParams>;
      return setDraftLineQuantity(app.database, id, line_id, request.body, contextOf(request));
    },
  );

  app.post(
    '/purchase-orders/:id/lines',
    {
      schema: {
        tags,
        summary: "Add a line to a draft by hand (the item must be bought from the order's supplier)",
        params: IdParams,
        body: Type.Object(
          { sku: Type.String(), location: Type.String(), quantity: Type.Number() },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('PurchaseOrder'), ...errorResponses },
      },
    },
    async (request) => addDraftLine(app.database, idOf(request), request.body, contextOf(request)),
  );

  app.post(
    '/purchase-orders/:id/lines/:line_id/move',
    {
      schema: {
        tags,
        summary: "Move a draft line to another supplier's collecting draft; answers that draft",
        params: LineParams,
        body: Type.Object({ supplier: Type.String() }, { additionalProperties: false }),
        response: { 200: Type.Ref('PurchaseOrder'), ...errorResponses },
      },
    },
    async (request) => {
      const { id, line_id } = request.params as Static<typeof LineParams>;
      return moveDraftLine(app.database, id, line_id, request.body, contextOf(request));
    },
  );

  app.post(
    '/purchase-orders/:id/split',
    {
      schema: {
        tags,
        summary: 'Move the chosen lines of a draft onto a new draft of the same supplier; answers the new draft',
        params: IdParams,
        body: Type.Object(
          { line_ids: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('PurchaseOrder'), ...errorResponses },
      },
    },
    async (request) => splitDraft(app.database, idOf(request), request.body, contextOf(request)),
  );

  app.post(
    '/purchase-orders/:id/merge',
    {
      schema: {
        tags,
        summary: 'Merge another draft of the same supplier into this one',
        params: IdParams,
        body: Type.Object({ from: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('PurchaseOrder'), ...errorResponses },
      },
    },
    async (request) => mergeDrafts(app.database, idOf(request), request.body, contextOf(request)),
  );

  const ReviewQuery = Type.Object(
    {
      sku: Type.Optional(Code),
      include_resolved: Type.Optional(Type.Boolean()),
      ...PageQuery,
    },
    { additionalProperties: false },
  );
  app.get(
    '/review-items',
    {
      schema: {
        tags,
        summary:
          'Items listed for review: no usable supplier, a manual policy at or below its reorder point, a price rise, a lead-time change, and drift (demand_shift, repeated_stockouts, excess, dead_stock); reasons in docs/purchasing.md',
        querystring: ReviewQuery,
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.Integer(),
                sku: Type.String(),
                location: Nullable(Type.String()),
                reason: Type.String(),
                message: Type.String(),
                created_at: Type.String({ format: 'date-time' }),
                updated_at: Type.String({ format: 'date-time' }),
                resolved_at: Nullable(Type.String({ format: 'date-time' })),
              }),
            ),
            next_cursor: Nullable(Type.String()),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof ReviewQuery>;
      return listReviewItems(app.database, {
        ...(q.sku !== undefined && { sku: q.sku }),
        ...(q.include_resolved !== undefined && { includeResolved: q.include_resolved }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.limit !== undefined && { limit: q.limit }),
      });
    },
  );
}

function idOf(request: { params: unknown }): number {
  return (request.params as Static<typeof IdParams>).id;
}

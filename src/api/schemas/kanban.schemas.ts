import { Type } from 'typebox';
import { Nullable, PageQuery, Quantity } from './common.js';
import { Triggered } from './purchasing.schemas.js';

const CardState = Type.Union(
  [Type.Literal('full'), Type.Literal('empty'), Type.Literal('ordered'), Type.Literal('in_transit')],
  { description: 'full → (signal) empty → ordered → (PO sent) in_transit → (received in full) full' },
);

const timestamp = Type.String({ format: 'date-time' });

export const KanbanCardSummary = Type.Object({
  id: Type.String({ description: 'Stable, unguessable; printed on the label and in its QR code' }),
  number: Type.Integer({ description: 'n of "card n of N"' }),
  state: CardState,
  active: Type.Boolean({ description: 'false: retired from the loop' }),
  purchase_order: Nullable(Type.String({ description: 'The order its container is on, e.g. PO-000012' })),
  purchase_order_id: Nullable(Type.Integer()),
  purchase_order_line_id: Nullable(Type.Integer()),
  signalled_at: Nullable(timestamp),
  signalled_by: Nullable(Type.String()),
  updated_at: timestamp,
});

const loopFields = {
  id: Type.Integer(),
  sku: Type.String(),
  item_name: Type.String(),
  unit: Type.String(),
  location: Type.String(),
  location_name: Type.String(),
  supplier: Nullable(Type.String({ description: "The policy's supplier; null: the item's preferred supplier" })),
  orders_from: Nullable(
    Type.Object(
      { code: Type.String(), name: Type.String() },
      { description: 'Who the next container is ordered from; null when no supplier is usable' },
    ),
  ),
  container_quantity: Quantity,
  active: Type.Boolean({ description: 'false when the policy is no longer kanban' }),
  created_at: timestamp,
  updated_at: timestamp,
};

export const KanbanLoop = Type.Object({
  ...loopFields,
  cards: Type.Array(KanbanCardSummary, { description: 'The cards in circulation, numbered 1..N' }),
  retired_cards: Type.Array(KanbanCardSummary, { description: 'Cards taken out by shrinking or deactivating' }),
});

export const KanbanCard = Type.Object({
  ...KanbanCardSummary.properties,
  loop: Type.Object({ ...loopFields, cards: Type.Integer({ description: 'N: cards in circulation' }) }),
});

export const KanbanSignal = Type.Object({
  ...KanbanCard.properties,
  already_signalled: Type.Boolean({
    description: 'true: the card was already empty, ordered or in transit, and nothing was ordered again',
  }),
  triggered: Triggered,
});

export const KanbanLoopQuery = Type.Object(
  {
    sku: Type.Optional(Type.String({ maxLength: 64 })),
    location: Type.Optional(Type.String({ maxLength: 64 })),
    active: Type.Optional(Type.Boolean({ description: 'only active (true) or inactive (false) loops' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const KanbanLoopParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'The loop id' }) });
export const KanbanCardParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'The card id' }) });

import { Type } from 'typebox';
import { MOVEMENT_TYPES, STOCK_MOVEMENT_TYPES } from '../../domain/ledger/index.js';
import { Code, Nullable, PageQuery, Quantity, Text } from './common.js';
import { Triggered } from './purchasing.schemas.js';

const MovementCommon = {
  sku: Code,
  quantity: Quantity,
  occurred_at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'Defaults to now' })),
  reason: Type.Optional(Nullable(Text)),
  reference: Type.Optional(Nullable(Text)),
  idempotency_key: Type.Optional(
    Nullable(Type.String({ maxLength: 200, description: 'A movement with a key already posted is not posted again' })),
  ),
};

export const StockMovementInput = Type.Object(
  {
    type: Type.Union(STOCK_MOVEMENT_TYPES.map((t) => Type.Literal(t))),
    location: Code,
    ...MovementCommon,
  },
  { additionalProperties: false },
);

export const TransferInput = Type.Object(
  { type: Type.Literal('transfer'), from: Code, to: Code, ...MovementCommon },
  { additionalProperties: false },
);

export const MovementInput = Type.Union([StockMovementInput, TransferInput], { $id: 'MovementInput' });

export const Balance = Type.Object(
  {
    sku: Type.String(),
    location: Type.String(),
    on_hand: Type.Number(),
    allocated: Type.Number(),
    on_order: Type.Number(),
    backordered: Type.Number({ description: 'demand committed here that stock on hand does not cover yet' }),
    available: Type.Number({ description: 'on hand − allocated' }),
    inventory_position: Type.Number({ description: 'on hand + on order − allocated − backordered' }),
  },
  { $id: 'Balance' },
);

export const Movement = Type.Object(
  {
    id: Type.Integer(),
    type: Type.Union(MOVEMENT_TYPES.map((t) => Type.Literal(t))),
    sku: Type.String(),
    location: Type.String(),
    quantity: Type.Number(),
    on_hand_change: Type.Number(),
    counted_quantity: Nullable(Type.Number()),
    occurred_at: Type.String({ format: 'date-time' }),
    recorded_at: Type.String({ format: 'date-time' }),
    reason: Nullable(Type.String()),
    reference: Nullable(Type.String()),
    actor: Type.String(),
    idempotency_key: Nullable(Type.String()),
    transfer_id: Nullable(Type.String()),
    reverses_id: Nullable(Type.Integer()),
  },
  { $id: 'Movement' },
);

/** The answer to a posted movement: the movement, its balance after, and for transfers both legs. */
export const PostedMovement = Type.Object({
  ...Movement.properties,
  balance: Type.Ref('Balance'),
  replayed: Type.Boolean({ description: 'True when idempotency_key matched a movement posted earlier' }),
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
  legs: Type.Optional(Type.Array(Type.Ref('Movement'))),
  balances: Type.Optional(Type.Array(Type.Ref('Balance'))),
  triggered: Triggered,
});

export const MovementQuery = Type.Object({
  sku: Type.Optional(Code),
  location: Type.Optional(Code),
  type: Type.Optional(Type.Enum([...MOVEMENT_TYPES])),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'occurred at or after (ISO 8601)' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'occurred at or before (ISO 8601)' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { description: 'asc (default): oldest first' })),
  ...PageQuery,
});

export const StockQuery = Type.Object({
  sku: Type.Optional(Code),
  location: Type.Optional(Code),
  as_of: Type.Optional(Type.String({ maxLength: 40, description: 'on hand as of this instant (ISO 8601)' })),
  ...PageQuery,
});

import { Type } from 'typebox';
import { Nullable, Quantity } from './common.js';

/** What the replenishment trigger did for one item × location. */
export const TriggerOutcome = Type.Object(
  {
    kind: Type.Union([Type.Literal('order_line'), Type.Literal('below_reorder_point')]),
    sku: Type.String(),
    location: Type.String(),
    purchase_order_id: Type.Optional(Type.Integer()),
    purchase_order: Type.Optional(Type.String({ description: 'e.g. PO-000042' })),
    new_purchase_order: Type.Optional(Type.Boolean()),
    line_id: Type.Optional(Type.Integer()),
    supplier: Type.Optional(Type.String()),
    quantity: Type.Optional(Type.Number({ description: 'Added to the line by this check' })),
    line_quantity: Type.Optional(Type.Number({ description: "The line's quantity after it" })),
    need: Type.Optional(Type.Number({ description: 'Before rounding to pack size, MOQ and price breaks' })),
    reason: Type.String(),
    explanation: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    unit_price: Type.Optional(Nullable(Type.Number())),
    price_rule: Type.Optional(Type.String()),
    price_note: Type.Optional(Type.String()),
    cards: Type.Optional(Type.Integer()),
  },
  { $id: 'TriggerOutcome' },
);

export const Triggered = Type.Array(Type.Ref('TriggerOutcome'), {
  description: 'What the replenishment trigger did because of this change',
});

export const PurchaseOrderLine = Type.Object({
  id: Type.Integer(),
  sku: Type.String(),
  item_name: Type.String(),
  unit: Type.String(),
  location: Type.String(),
  supplier_sku: Nullable(Type.String()),
  quantity: Quantity,
  received_quantity: Quantity,
  rejected_quantity: Quantity,
  open_quantity: Quantity,
  unit_price: Nullable(Type.Number()),
  line_total: Nullable(Type.Number()),
  currency: Type.String(),
  price_rule: Nullable(Type.String()),
  price_note: Nullable(Type.String()),
  origin: Type.String({ description: 'reorder_point, periodic_review, kanban, make_to_order or manual' }),
  trigger_note: Nullable(Type.String()),
  lead_time_days: Nullable(Type.Integer()),
  expected_date: Nullable(Type.String()),
  received_at: Nullable(Type.String({ format: 'date-time' })),
  actual_lead_time_days: Nullable(Type.Number()),
  on_time: Nullable(Type.Boolean()),
  in_full: Nullable(Type.Boolean()),
});

const timestamp = Nullable(Type.String({ format: 'date-time' }));

export const PurchaseOrder = Type.Object(
  {
    id: Type.Integer(),
    number: Type.String(),
    supplier: Type.String(),
    supplier_name: Type.String(),
    supplier_email: Nullable(Type.String()),
    status: Type.String({ description: 'draft, sent, confirmed, partly_received, received, closed, cancelled' }),
    collecting: Type.Boolean({ description: 'The draft the trigger adds lines to (one per supplier)' }),
    currency: Type.String(),
    total: Nullable(Type.Number()),
    note: Nullable(Type.String()),
    created_by: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    sent_at: timestamp,
    confirmed_at: timestamp,
    promised_date: Nullable(Type.String()),
    received_at: timestamp,
    closed_at: timestamp,
    cancelled_at: timestamp,
    cancel_reason: Nullable(Type.String()),
    emailed_at: timestamp,
    lines: Type.Array(PurchaseOrderLine),
  },
  { $id: 'PurchaseOrder' },
);

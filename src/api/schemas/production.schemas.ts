import { Type } from 'typebox';
import { Code, Nullable, PageQuery, Quantity, Text } from './common.js';
import { Triggered } from './purchasing.schemas.js';

const Instant = Type.String({ format: 'date-time' });
const LocalDate = Type.String({ description: 'YYYY-MM-DD' });
const Timestamp = Nullable(Instant);

/** `SO-000001` or `MO-000001`; the services say which numbers they know. */
export const NumberParams = Type.Object({ number: Type.String({ minLength: 1, maxLength: 64 }) });

export const CustomerOrderLine = Type.Object({
  line_no: Type.Integer(),
  sku: Type.String(),
  item_name: Type.String(),
  unit: Type.String(),
  location: Type.String(),
  quantity: Quantity,
  requested_date: LocalDate,
  promised_date: Nullable(LocalDate),
  allocated: Type.Number({ description: 'On hand reserved for this line' }),
  backordered: Type.Number({ description: 'Waiting for pegged supply' }),
  shipped: Type.Number(),
});

export const OrderSupply = Type.Object({
  kind: Type.Union([Type.Literal('purchase_order_line'), Type.Literal('production_order')]),
  number: Type.String({ description: 'PO-000012 or MO-000003' }),
  sku: Type.String(),
  location: Type.String(),
  quantity: Type.Number({
    description:
      "What the order added: a purchase line's added quantity (with MOQ and pack rounding), a production order's quantity",
  }),
  release_date: Nullable(
    Type.String({
      description:
        'YYYY-MM-DD. A production order: its release date. A draft purchase line: its due date less its lead time (the day to send it by); a sent one: the day it was sent',
    }),
  ),
  due_date: Nullable(
    Type.String({
      description:
        "YYYY-MM-DD. A draft purchase line: the earliest date its pegs count on; a sent one: the supplier's promised, else the expected date",
    }),
  ),
  status: Type.String({ description: "The purchase order's or production order's status" }),
  cancelled: Type.Boolean({ description: 'Taken back when the order was changed or cancelled' }),
});

export const Peg = Type.Object({
  level: Type.Integer({ description: '0 = the order line, 1 = its components, ...' }),
  sku: Type.String(),
  location: Type.String(),
  quantity: Type.Number(),
  unit: Type.String({ description: "The item's unit" }),
  need_date: LocalDate,
  demand: Type.Object({
    kind: Type.Union([Type.Literal('customer_order_line'), Type.Literal('production_component')]),
    ref: Type.String({ description: 'SO-000001/2 (order and line) or MO-000003 (the production order it feeds)' }),
  }),
  supply: Type.Object({
    kind: Type.Union([Type.Literal('stock'), Type.Literal('purchase_order_line'), Type.Literal('production_order')]),
    ref: Nullable(Type.String({ description: 'PO-000012 or MO-000003; null for stock' })),
    date: Type.String({ description: 'When the supply was counted on, YYYY-MM-DD' }),
  }),
  status: Type.String({ description: 'allocated, waiting, consumed or cancelled' }),
});

const customerOrderFields = {
  id: Type.Integer(),
  number: Type.String({ description: 'SO-000001' }),
  customer: Type.String(),
  customer_name: Type.String(),
  status: Type.String({ description: 'draft, confirmed, shipped or cancelled' }),
  requested_date: Nullable(LocalDate),
  promised_date: Nullable(LocalDate),
  late_risk: Type.Boolean({ description: 'A supply it waits for slipped past the promised date' }),
  late_risk_note: Nullable(Type.String()),
  note: Nullable(Type.String()),
  created_by: Type.String(),
  created_at: Instant,
  updated_at: Instant,
  confirmed_at: Timestamp,
  shipped_at: Timestamp,
  cancelled_at: Timestamp,
  cancel_reason: Nullable(Type.String()),
  lines: Type.Array(CustomerOrderLine),
};

export const CustomerOrderSummary = Type.Object(customerOrderFields);

export const CustomerOrder = Type.Object({
  ...customerOrderFields,
  supplies: Type.Array(OrderSupply, { description: 'What confirming the order set in motion' }),
  pegging: Type.Array(Peg, { description: 'Which supply serves which demand, level by level' }),
});

export const CustomerOrderOutcome = Type.Object({
  ...CustomerOrder.properties,
  created: Type.Array(OrderSupply, { description: 'Supplies this call created or added to' }),
  withdrawn: Type.Array(OrderSupply, { description: 'Supplies this call took back' }),
  notes: Type.Array(Type.String(), { description: 'What was left alone and why' }),
  triggered: Triggered,
});

export const CustomerOrderShipment = Type.Object({
  ...CustomerOrder.properties,
  movements: Type.Array(Type.Ref('Movement'), { description: 'The sale movements posted' }),
});

export const CustomerOrderPage = Type.Object({
  data: Type.Array(CustomerOrderSummary),
  next_cursor: Nullable(Type.String()),
});

export const CustomerOrderInput = Type.Object(
  {
    customer: Code,
    requested_date: Type.Optional(Nullable(LocalDate)),
    note: Type.Optional(Nullable(Text)),
    confirm: Type.Optional(Type.Boolean({ description: 'Confirm in the same transaction' })),
    lines: Type.Array(
      Type.Object(
        {
          sku: Code,
          location: Code,
          quantity: Quantity,
          requested_date: Type.Optional(Nullable({ ...LocalDate, description: "YYYY-MM-DD; default the order's" })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

export const CustomerOrderPatch = Type.Object(
  {
    note: Type.Optional(Nullable(Text)),
    requested_date: Type.Optional(Nullable(LocalDate)),
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            line_no: Type.Integer({ minimum: 1 }),
            quantity: Type.Optional(Quantity),
            requested_date: Type.Optional(LocalDate),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export const CancelInput = Type.Object({ reason: Type.Optional(Text) }, { additionalProperties: false });

export const ShipInput = Type.Object(
  {
    lines: Type.Optional(
      Type.Array(Type.Object({ line_no: Type.Integer({ minimum: 1 }), quantity: Quantity }), {
        description: 'Default: everything allocated',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CustomerOrderQuery = Type.Object(
  {
    status: Type.Optional(
      Type.String({ maxLength: 200, description: 'draft, confirmed, shipped or cancelled; comma-separated' }),
    ),
    customer: Type.Optional(Code),
    late_risk: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ProductionComponent = Type.Object({
  sku: Type.String(),
  item_name: Type.String(),
  unit: Type.String(),
  location: Type.String(),
  quantity_per: Type.Number(),
  scrap_factor: Type.Number({ description: '0.05 = 5 % on top of the quantity per' }),
  required: Type.Number(),
  allocated: Type.Number(),
  backordered: Type.Number(),
  issued: Type.Number(),
});

export const ProductionOrder = Type.Object({
  id: Type.Integer(),
  number: Type.String({ description: 'MO-000001' }),
  sku: Type.String(),
  item_name: Type.String(),
  unit: Type.String(),
  location: Type.String(),
  quantity: Quantity,
  completed: Type.Number(),
  scrapped: Type.Number(),
  open_quantity: Type.Number({ description: 'Still to make while open; 0 once completed or cancelled' }),
  status: Type.String({ description: 'planned, released, completed or cancelled' }),
  release_date: LocalDate,
  due_date: LocalDate,
  bom_version: Type.Integer(),
  customer_order: Nullable(Type.String({ description: 'The customer order it was created for (SO-…)' })),
  note: Nullable(Type.String()),
  created_by: Type.String(),
  created_at: Instant,
  updated_at: Instant,
  released_at: Timestamp,
  completed_at: Timestamp,
  cancelled_at: Timestamp,
  components: Type.Array(ProductionComponent),
});

export const ProductionOrderChange = Type.Object({
  ...ProductionOrder.properties,
  movements: Type.Array(Type.Ref('Movement'), { description: 'Issues of components and the receipt it posted' }),
  triggered: Triggered,
});

export const ProductionOrderPage = Type.Object({
  data: Type.Array(ProductionOrder),
  next_cursor: Nullable(Type.String()),
});

export const ProductionOrderInput = Type.Object(
  {
    sku: Code,
    location: Code,
    quantity: Quantity,
    due_date: LocalDate,
    note: Type.Optional(Nullable(Text)),
  },
  { additionalProperties: false },
);

export const ProductionReport = Type.Object(
  {
    quantity: { ...Quantity, description: 'Good quantity made; at most 3 decimal places' },
    scrap: Type.Optional({ ...Quantity, description: 'Scrapped while making it' }),
  },
  { additionalProperties: false },
);

export const ProductionCompletion = Type.Object(
  {
    quantity: Type.Optional({ ...Quantity, description: 'Good quantity; default: the rest' }),
    scrap: Type.Optional(Quantity),
  },
  { additionalProperties: false },
);

export const ProductionCancel = Type.Object({ reason: Type.Optional(Text) }, { additionalProperties: false });

export const ProductionOrderQuery = Type.Object(
  {
    status: Type.Optional(
      Type.String({ maxLength: 200, description: 'planned, released, completed or cancelled; comma-separated' }),
    ),
    sku: Type.Optional(Code),
    customer_order: Type.Optional(Code),
    ...PageQuery,
  },
  { additionalProperties: false },
);

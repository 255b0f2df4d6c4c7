import { Type } from 'typebox';
import {
  MAX_CONSOLIDATION_MINUTES,
  MAX_EMAIL_LENGTH,
  MAX_LEAD_TIME_DAYS,
  WEEKDAY_NAMES,
} from '../../domain/catalogue/supplier.js';
import { MAX_PRICE_BREAKS, MAX_RANK, MAX_SUPPLIER_SKU_LENGTH } from '../../domain/catalogue/supplier-item.js';
import { Code, Nullable, PageQuery, Quantity } from './common.js';

const Instant = Type.String({ format: 'date-time' });
const LeadTimeDays = Type.Integer({ minimum: 0, maximum: MAX_LEAD_TIME_DAYS, description: 'Whole days' });
const Money = Type.Number({
  minimum: 0,
  description: 'Major units (12.5 EUR); no more decimals than the currency has',
});
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' });
const WeekdayName = Type.Union(WEEKDAY_NAMES.map((name) => Type.Literal(name)));

export const Supplier = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    email: Nullable(Type.String()),
    lead_time_days: Nullable(Type.Integer({ description: 'Default lead time of its supplier items; null if unknown' })),
    ordering_cost: Nullable(Type.Number({ description: 'Cost of placing one order, in major units of currency' })),
    currency: Type.String({ description: 'ISO 4217' }),
    active: Type.Boolean(),
    auto_send: Type.Boolean({ description: 'Drafts go out without a person once the consolidation window has passed' }),
    order_days: Nullable(
      Type.Array(WeekdayName, { description: 'Weekdays on which orders go out, Monday first; null = any day' }),
    ),
    consolidation_minutes: Type.Integer({ description: 'How long a new draft collects further lines, minutes' }),
    created_at: Instant,
    updated_at: Instant,
  },
  { $id: 'Supplier' },
);

const supplierFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  email: Type.Optional(Nullable(Type.String({ maxLength: MAX_EMAIL_LENGTH, description: 'Where orders go' }))),
  lead_time_days: Type.Optional(Nullable(LeadTimeDays)),
  ordering_cost: Type.Optional(Nullable({ ...Money, description: 'Cost of placing one order, major units' })),
  currency: Type.Optional({ ...Currency, description: 'ISO 4217; default EUR' }),
  active: Type.Optional(Type.Boolean({ description: 'default true' })),
  auto_send: Type.Optional(Type.Boolean({ description: 'Send drafts without a person; default false' })),
  order_days: Type.Optional(
    Nullable(
      Type.Array(Type.Union([Type.String(), Type.Integer({ minimum: 1, maximum: 7 })]), {
        minItems: 1,
        maxItems: 7,
        description:
          'Weekdays on which orders go out: names mon … sun (any case) or ISO numbers 1 (Monday) … 7 (Sunday), each once, e.g. ["tue", "thu"]; null (default) = any day; [] is refused',
      }),
    ),
  ),
  consolidation_minutes: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_CONSOLIDATION_MINUTES,
      description: 'How long a new draft collects further lines before it may be sent, 0 (default) … 10080 (a week)',
    }),
  ),
};

export const SupplierInput = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$' }), ...supplierFields },
  { additionalProperties: false },
);

export const SupplierPatch = Type.Object(
  {
    code: Type.Optional(Type.String({ description: 'May only repeat the current code' })),
    name: Type.Optional(supplierFields.name),
    email: supplierFields.email,
    lead_time_days: supplierFields.lead_time_days,
    ordering_cost: supplierFields.ordering_cost,
    currency: supplierFields.currency,
    active: supplierFields.active,
    auto_send: supplierFields.auto_send,
    order_days: supplierFields.order_days,
    consolidation_minutes: supplierFields.consolidation_minutes,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SupplierQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in code or name' })),
  active: Type.Optional(Type.Boolean()),
  ...PageQuery,
});

const PriceBreak = Type.Object(
  {
    min_quantity: { ...Quantity, description: 'From this ordered quantity on; at most 3 decimals' },
    unit_price: { ...Money, description: 'Price per unit from min_quantity on, major units' },
  },
  { additionalProperties: false },
);

export const SupplierItem = Type.Object(
  {
    sku: Type.String(),
    supplier: Type.String({ description: 'Supplier code' }),
    supplier_sku: Nullable(Type.String({ description: "The supplier's part number" })),
    unit_price: Nullable(Type.Number({ description: 'Major units of currency' })),
    currency: Type.String({ description: 'ISO 4217' }),
    price_breaks: Type.Array(PriceBreak, { description: 'Ascending by min_quantity' }),
    lead_time_days: Nullable(Type.Integer({ description: "This source's own lead time; null uses the supplier's" })),
    effective_lead_time_days: Nullable(Type.Integer({ description: "lead_time_days, else the supplier's" })),
    moq: Nullable(Type.Number({ description: 'Minimum order quantity' })),
    pack_size: Nullable(Type.Number({ description: 'Orders are whole packs of this many units' })),
    rank: Type.Integer({ description: 'Preference, 1 = preferred' }),
    active: Type.Boolean(),
    created_at: Instant,
    updated_at: Instant,
  },
  { $id: 'SupplierItem' },
);

const supplierItemFields = {
  supplier_sku: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: MAX_SUPPLIER_SKU_LENGTH }))),
  unit_price: Type.Optional(Nullable(Money)),
  currency: Type.Optional({ ...Currency, description: "ISO 4217; default the supplier's" }),
  price_breaks: Type.Optional(
    Nullable(
      Type.Array(PriceBreak, {
        maxItems: MAX_PRICE_BREAKS,
        description: 'Volume prices, strictly ascending by min_quantity',
      }),
    ),
  ),
  lead_time_days: Type.Optional(Nullable({ ...LeadTimeDays, description: "Overrides the supplier's lead time" })),
  moq: Type.Optional(
    Nullable({ ...Quantity, description: 'Minimum order quantity > 0; a whole number of packs when pack_size is set' }),
  ),
  pack_size: Type.Optional(Nullable({ ...Quantity, description: 'Units per pack > 0; orders are whole packs' })),
  rank: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_RANK, description: 'Preference, 1 = preferred (default)' }),
  ),
  active: Type.Optional(Type.Boolean({ description: 'default true' })),
};

export const SupplierItemInput = Type.Object(
  { supplier: { ...Code, description: 'Supplier code' }, ...supplierItemFields },
  { additionalProperties: false },
);

export const SupplierItemPatch = Type.Object(
  {
    supplier: Type.Optional(Type.String({ description: 'May only repeat the current supplier' })),
    ...supplierItemFields,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SourceQuery = Type.Object({ active: Type.Optional(Type.Boolean()), ...PageQuery });

export const SupplierCodeParams = Type.Object({ code: Code });
export const SourceParams = Type.Object({ sku: Code, supplier: Code });

export const SupplierPage = Type.Object({
  data: Type.Array(Type.Ref('Supplier')),
  next_cursor: Nullable(Type.String()),
});

export const SupplierItemPage = Type.Object({
  data: Type.Array(Type.Ref('SupplierItem')),
  next_cursor: Nullable(Type.String()),
});

const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Local date YYYY-MM-DD' });

export const ContractPriceInput = Type.Object(
  {
    unit_price: { ...Money, description: 'Agreed price per unit, major units of currency' },
    currency: Type.Optional({ ...Currency, description: "ISO 4217; default the source's" }),
    valid_from: Type.Optional(Nullable({ ...LocalDate, description: 'First day the price applies; null = open' })),
    valid_to: Type.Optional(
      Nullable({
        ...LocalDate,
        description: 'Last day the price applies (inclusive), not before valid_from; null = open',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SupplierItemPrice = Type.Object({
  id: Type.Integer(),
  sku: Type.String(),
  supplier: Type.String({ description: 'Supplier code' }),
  kind: Type.Union([Type.Literal('contract'), Type.Literal('purchase')], {
    description: 'contract: agreed for valid_from … valid_to; purchase: paid on a purchase order line',
  }),
  unit_price: Type.Number({ description: 'Major units of currency' }),
  currency: Type.String({ description: 'ISO 4217' }),
  valid_from: Nullable(Type.String({ description: 'Contract prices: first day, YYYY-MM-DD; null = open' })),
  valid_to: Nullable(Type.String({ description: 'Contract prices: last day (inclusive); null = open' })),
  purchase_order_id: Nullable(Type.Integer({ description: 'Purchase prices: the order' })),
  purchase_order_line_id: Nullable(Type.Integer({ description: 'Purchase prices: the order line' })),
  recorded_at: Instant,
});

export const PriceQuery = Type.Object({
  kind: Type.Optional(Type.Union([Type.Literal('contract'), Type.Literal('purchase')])),
  ...PageQuery,
});

export const SupplierItemPricePage = Type.Object({
  data: Type.Array(SupplierItemPrice),
  next_cursor: Nullable(Type.String()),
});

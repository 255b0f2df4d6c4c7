import { Type } from 'typebox';
import { CRITICALITIES } from '../../domain/catalogue/item.js';
import { Code, Nullable, PageQuery } from './common.js';

const Criticality = Type.Union(
  CRITICALITIES.map((c) => Type.Literal(c)),
  { description: 'How bad a stock-out is; default medium' },
);
const Instant = Type.String({ format: 'date-time' });

export const Item = Type.Object(
  {
    sku: Type.String(),
    name: Type.String(),
    unit: Type.String({ description: 'Unit of measure: pcs, kg, m, ...' }),
    category: Nullable(Type.String()),
    unit_cost: Nullable(Type.Number({ description: 'In major units of currency' })),
    currency: Type.String({ description: 'ISO 4217' }),
    shelf_life_days: Nullable(Type.Integer()),
    criticality: Criticality,
    allow_negative: Type.Boolean(),
    active: Type.Boolean(),
    created_at: Instant,
    updated_at: Instant,
  },
  { $id: 'Item' },
);

const itemFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  unit: Type.String({ minLength: 1, maxLength: 20, description: 'pcs, kg, m, l, ...' }),
  category: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  unit_cost: Type.Optional(
    Nullable(
      Type.Number({ minimum: 0, description: 'Major units (12.5 EUR); no more decimals than the currency has' }),
    ),
  ),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; default EUR' })),
  shelf_life_days: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650 }))),
  criticality: Type.Optional(Criticality),
  allow_negative: Type.Optional(Type.Boolean({ description: 'May on hand go below zero; default false' })),
  active: Type.Optional(Type.Boolean({ description: 'default true' })),
};

export const ItemInput = Type.Object(
  { sku: Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$' }), ...itemFields },
  { additionalProperties: false },
);

export const ItemPatch = Type.Object(
  {
    sku: Type.Optional(Type.String({ description: 'May only repeat the current SKU' })),
    name: Type.Optional(itemFields.name),
    unit: Type.Optional(itemFields.unit),
    category: itemFields.category,
    unit_cost: itemFields.unit_cost,
    currency: itemFields.currency,
    shelf_life_days: itemFields.shelf_life_days,
    criticality: itemFields.criticality,
    allow_negative: itemFields.allow_negative,
    active: itemFields.active,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ItemQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in SKU or name' })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  active: Type.Optional(Type.Boolean()),
  status: Type.Optional(
    Type.Union(
      [
        Type.Literal('below_reorder_point'),
        Type.Literal('stock_out'),
        Type.Literal('in_stock'),
        Type.Literal('inactive'),
      ],
      {
        description:
          'stock_out / in_stock: active items with no / some stock summed over all locations. below_reorder_point: active items whose inventory position is at or below the reorder point of their policy at some location.',
      },
    ),
  ),
  ...PageQuery,
});

export const SkuParams = Type.Object({ sku: Code });

export const Location = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('site'), Type.Literal('bin')]),
    parent: Nullable(Type.String()),
    site: Type.String({ description: 'Code of the site this location belongs to (its own for a site)' }),
    time_zone: Type.String({ description: "IANA zone; a bin's is its site's" }),
    active: Type.Boolean(),
    created_at: Instant,
    updated_at: Instant,
  },
  { $id: 'Location' },
);

const locationFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  parent: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'Code of a site or bin; none makes a site' })),
  ),
  time_zone: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 64,
        description: "IANA zone, e.g. Europe/Berlin; sites default to UTC, bins use their site's",
      }),
    ),
  ),
  active: Type.Optional(Type.Boolean({ description: 'default true' })),
};

export const LocationInput = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$' }), ...locationFields },
  { additionalProperties: false },
);

export const LocationPatch = Type.Object(
  {
    code: Type.Optional(Type.String({ description: 'May only repeat the current code' })),
    name: Type.Optional(locationFields.name),
    parent: locationFields.parent,
    time_zone: locationFields.time_zone,
    active: locationFields.active,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const LocationQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in code or name' })),
  kind: Type.Optional(Type.Union([Type.Literal('site'), Type.Literal('bin')])),
  site: Type.Optional(Type.String({ maxLength: 64, description: 'Only this site and the bins in it' })),
  active: Type.Optional(Type.Boolean()),
  ...PageQuery,
});

export const CodeParams = Type.Object({ code: Code });

export const AuditEntry = Type.Object(
  {
    id: Type.Integer(),
    at: Instant,
    actor: Type.String(),
    entity: Type.String(),
    entity_key: Type.String(),
    action: Type.String(),
    before: Type.Unknown({ description: 'The record before the change; null on create' }),
    after: Type.Unknown({ description: 'The record after the change' }),
  },
  { $id: 'AuditEntry' },
);

export const AuditQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

export const AuditPage = Type.Object({
  data: Type.Array(Type.Ref('AuditEntry')),
  next_cursor: Type.Null({ description: 'The trail answers newest first in one page of up to `limit` entries' }),
});

import { Type } from 'typebox';
import { Nullable, PageQuery, Quantity } from './common.js';

const Instant = Type.String({ format: 'date-time' });
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const ScrapFactor = Type.Number({
  minimum: 0,
  exclusiveMaximum: 1,
  description: 'Extra share of the component lost in making: 0.05 = 5 % more; at most 4 decimals',
});

export const BomLine = Type.Object({
  position: Type.Integer({ description: '1, 2, ... in the order given' }),
  sku: Type.String(),
  name: Type.String(),
  unit: Type.String({ description: "The component's unit" }),
  quantity_per: Type.Number({ description: 'Per one unit of the parent' }),
  scrap_factor: Type.Number(),
});

export const Bom = Type.Object({
  id: Type.Integer(),
  sku: Type.String({ description: 'The item made' }),
  name: Type.String(),
  unit: Type.String(),
  version: Type.Integer(),
  valid_from: Nullable({ ...LocalDate, description: 'Effective from this date on; null: always' }),
  valid_to: Nullable({ ...LocalDate, description: 'Effective before this date; null: open' }),
  lead_time_days: Type.Integer({ description: 'Days to build once the components are there' }),
  note: Nullable(Type.String()),
  created_by: Type.String(),
  created_at: Instant,
  lines: Type.Array(BomLine),
});

export const BomPage = Type.Object({ data: Type.Array(Bom), next_cursor: Nullable(Type.String()) });

export const BomInput = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64, description: 'The item made' }),
    version: Type.Optional(Type.Integer({ minimum: 1, description: "Default: the item's highest version + 1" })),
    valid_from: Type.Optional(Nullable(LocalDate)),
    valid_to: Type.Optional(Nullable({ ...LocalDate, description: 'After valid_from' })),
    lead_time_days: Type.Integer({ minimum: 0, maximum: 3650 }),
    note: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    lines: Type.Array(
      Type.Object(
        {
          sku: Type.String({ minLength: 1, maxLength: 64, description: 'The component; once per BOM' }),
          quantity_per: { ...Quantity, exclusiveMinimum: 0, description: 'Per one unit of the parent; > 0' },
          scrap_factor: Type.Optional(ScrapFactor),
          unit: Type.Optional(Type.String({ description: "Must be the component's unit when given" })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  {
    additionalProperties: false,
    description: 'A BOM that would close a cycle with any version of any BOM is refused with LS_BOM_CYCLE',
  },
);

export const BomQuery = Type.Object({
  sku: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only the versions of this item' })),
  ...PageQuery,
});

export const BomSkuParams = Type.Object({ sku: Type.String({ minLength: 1, maxLength: 64 }) });

export const BomVersionQuery = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'This version' })),
  date: Type.Optional({ ...LocalDate, description: 'The version effective on this date; default today (UTC)' }),
});

export const ExplosionQuery = Type.Object({
  quantity: Type.Optional({ ...Quantity, description: 'Of the item exploded; default 1' }),
  date: Type.Optional({ ...LocalDate, description: 'BOM versions effective on this date; default today (UTC)' }),
  location: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Show what is available here' })),
});

export const ExplosionTree = Type.Object({
  sku: Type.String(),
  quantity: Type.Number(),
  date: Type.String(),
  location: Nullable(Type.String()),
  rows: Type.Array(
    Type.Object({
      level: Type.Integer({ description: '0 is the item exploded' }),
      sku: Type.String(),
      name: Type.String(),
      unit: Type.String(),
      quantity_per: Nullable(Type.Number({ description: 'Per one unit of the parent; null on level 0' })),
      scrap_factor: Nullable(Type.Number()),
      gross_requirement: Type.Number({
        description: "Parent's gross × quantity per × (1 + scrap), rounded up (to whole units for pcs and the like)",
      }),
      lead_time_days: Nullable(
        Type.Integer({ description: "Made: the BOM's; bought: the first-ranked active source's; null: no source" }),
      ),
      available: Nullable(Type.Number({ description: 'On hand − allocated at the location; null without one' })),
      source: Type.Union([Type.Literal('made'), Type.Literal('bought')]),
      bom_version: Nullable(Type.Integer()),
    }),
    { description: 'Depth first, in BOM line order' },
  ),
});

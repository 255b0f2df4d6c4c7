import { Type } from 'typebox';
import { Nullable, PageQuery } from './common.js';

const Instant = Type.String({ format: 'date-time' });

export const Customer = Type.Object({
  code: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  active: Type.Boolean({ description: 'Inactive customers keep their orders; new orders should not name them' }),
  created_at: Instant,
  updated_at: Instant,
});

export const CustomerPage = Type.Object({ data: Type.Array(Customer), next_cursor: Nullable(Type.String()) });

export const CustomerInput = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$', description: 'Unique; no spaces' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  },
  { additionalProperties: false },
);

export const CustomerPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Nullable(Type.String({ maxLength: 254, description: 'null clears it' }))),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CustomerQuery = Type.Object({ active: Type.Optional(Type.Boolean()), ...PageQuery });

export const CustomerCodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });

import { Type } from 'typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(
        Type.Array(
          Type.Object(
            {
              field: Type.String(),
              message: Type.String(),
              index: Type.Optional(Type.Integer()),
              row: Type.Optional(Type.Integer()),
              value: Type.Optional(Type.Unknown()),
            },
            { additionalProperties: true },
          ),
        ),
      ),
    }),
  },
  { $id: 'Error' },
);

/** Error answers every route may give; referenced so the OpenAPI document lists them. */
export const errorResponses = {
  400: Type.Ref('Error'),
  404: Type.Ref('Error'),
  409: Type.Ref('Error'),
} as const;

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'next_cursor from the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
};

export const Quantity = Type.Number({ description: 'At most 3 decimal places' });
export const Code = Type.String({ minLength: 1, maxLength: 64 });
export const Text = Type.String({ maxLength: 500 });

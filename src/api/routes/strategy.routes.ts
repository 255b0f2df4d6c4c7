import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { ABC_CLASSES, RISK_FLAGS, STRATEGIES, XYZ_CLASSES } from '../../domain/strategy/classify-portfolio.js';
import { getPortfolio, listStrategyItems } from '../../services/planning/portfolio.service.js';
import { errorResponses, Nullable, PageQuery } from '../schemas/common.js';

const tags = ['Strategy'];
const Strategy = Type.Enum([...STRATEGIES], { description: 'lean | buffered | make_to_order' });
const Abc = Type.Enum([...ABC_CLASSES]);
const Xyz = Type.Enum([...XYZ_CLASSES]);
const RiskFlag = Type.Enum([...RISK_FLAGS]);
const Share = Type.Number({ minimum: 0, maximum: 1, description: 'Fraction of the whole, 0–1' });
const Money = Type.Number({ description: 'Major units of the currency' });

const PortfolioSchema = Type.Object({
  items: Type.Integer({ description: 'Item × location pairs with a recommendation (active items)' }),
  computed_at: Nullable(Type.String({ format: 'date-time', description: 'When the newest recommendation was made' })),
  strategies: Type.Array(Type.Object({ strategy: Strategy, items: Type.Integer(), item_share: Share })),
  money: Type.Array(
    Type.Object({
      currency: Type.String(),
      items: Type.Integer(),
      items_without_cost: Type.Integer({ description: 'Counted, but without a unit cost they add no cash' }),
      cash_in_stock: Money,
      annual_value: Money,
      strategies: Type.Array(
        Type.Object({
          strategy: Strategy,
          items: Type.Integer(),
          cash_in_stock: Type.Number({ description: 'On hand × unit cost, major units (negative stock as none)' }),
          cash_share: Share,
          annual_value: Type.Number({ description: 'Annual consumption value, major units a year' }),
          annual_value_share: Share,
        }),
      ),
    }),
    { description: 'One block per currency: amounts in different currencies are never added' },
  ),
  matrix: Type.Array(
    Type.Object({
      abc: Abc,
      xyz: Xyz,
      items: Type.Integer(),
      lean: Type.Integer(),
      buffered: Type.Integer(),
      make_to_order: Type.Integer(),
    }),
    { description: 'The nine ABC × XYZ cells, A-X first' },
  ),
  unclassified: Type.Integer({ description: 'Recommendations without an ABC or XYZ class' }),
});

const StrategyItemSchema = Type.Object({
  sku: Type.String(),
  item_name: Type.String(),
  location: Type.String(),
  strategy: Strategy,
  abc: Nullable(Abc),
  xyz: Nullable(Xyz),
  criticality: Type.String(),
  risk_flags: Type.Array(RiskFlag),
  buffer_days: Type.Number({ description: 'Days of demand held on top of the safety stock; 0 unless buffered' }),
  reasons: Type.Array(Type.String(), { description: 'Why, in sentences: the strategy, the classes, the risks' }),
  demand_class: Nullable(Type.String()),
  mean_per_day: Nullable(Type.Number({ description: 'Forecast demand, units a day' })),
  lead_time_days: Nullable(Type.Number()),
  currency: Type.String(),
  unit_cost: Nullable(Money),
  on_hand: Type.Number(),
  cash_in_stock: Nullable(Money),
  annual_value: Nullable(Money),
  computed_at: Type.String({ format: 'date-time' }),
});

const StrategyItemQuery = Type.Object({
  strategy: Type.Optional(Strategy),
  abc: Type.Optional(Abc),
  xyz: Type.Optional(Xyz),
  flag: Type.Optional(RiskFlag),
  ...PageQuery,
});

/** The strategy portfolio and the items behind it, from the planner's latest recommendations. */
export async function strategyRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/strategy/portfolio',
    {
      schema: {
        tags,
        summary: 'Items, cash in stock and annual consumption value per strategy, and the ABC × XYZ matrix',
        response: { 200: PortfolioSchema, ...errorResponses },
      },
    },
    async () => getPortfolio(app.database),
  );

  app.get(
    '/strategy/items',
    {
      schema: {
        tags,
        summary: 'Items with their strategy, ABC and XYZ classes, risk flags, buffer days and reasons',
        querystring: StrategyItemQuery,
        response: {
          200: Type.Object({ data: Type.Array(StrategyItemSchema), next_cursor: Nullable(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => listStrategyItems(app.database, request.query as Static<typeof StrategyItemQuery>),
  );
}

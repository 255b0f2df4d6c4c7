import { type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { toMoney } from '../../domain/money.js';
import type { AbcClass, RiskFlag, Strategy, XyzClass } from '../../domain/planning/types.js';
import { toQuantity } from '../../domain/quantity.js';
import { ABC_CLASSES, RISK_FLAGS, STRATEGIES, XYZ_CLASSES } from '../../domain/strategy/classify-portfolio.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';

/** How many recommended items follow each strategy. */
export type PortfolioStrategyCount = { strategy: Strategy; items: number; item_share: number };

/** Money of one strategy, in its block's currency. */
export type PortfolioStrategyMoney = {
  strategy: Strategy;
  items: number;
  /** On hand × unit cost, major units; negative stock counts as none. */
  cash_in_stock: number;
  cash_share: number;
  /** Annual consumption value of the recommendations, major units a year. */
  annual_value: number;
  annual_value_share: number;
};

/** The money of the items priced in one currency (amounts in different currencies are never added). */
export type PortfolioMoney = {
  currency: string;
  items: number;
  /** Items without a unit cost: counted, but they add nothing to the cash in stock. */
  items_without_cost: number;
  cash_in_stock: number;
  annual_value: number;
  strategies: PortfolioStrategyMoney[];
};

/** One cell of the ABC × XYZ matrix with its items by strategy. */
export type PortfolioMatrixCell = {
  abc: AbcClass;
  xyz: XyzClass;
  items: number;
  lean: number;
  buffered: number;
  make_to_order: number;
};

export type Portfolio = {
  /** Item × location pairs with a recommendation (active items only). */
  items: number;
  /** When the newest recommendation was computed; null without any. */
  computed_at: string | null;
  strategies: PortfolioStrategyCount[];
  money: PortfolioMoney[];
  /** All nine cells, A-X first, C-Z last. */
  matrix: PortfolioMatrixCell[];
  /** Recommendations without an ABC or XYZ class (not in the matrix). */
  unclassified: number;
};

export type StrategyItem = {
  sku: string;
  item_name: string;
  location: string;
  strategy: Strategy;
  abc: AbcClass | null;
  xyz: XyzClass | null;
  criticality: string;
  risk_flags: RiskFlag[];
  /** Days of demand held on top of the safety stock (0 unless buffered). */
  buffer_days: number;
  /** Why, in sentences: the strategy first, then the classes and the risks. */
  reasons: string[];
  demand_class: string | null;
  mean_per_day: number | null;
  lead_time_days: number | null;
  currency: string;
  unit_cost: number | null;
  on_hand: number;
  cash_in_stock: number | null;
  annual_value: number | null;
  computed_at: string;
};

export type StrategyItemQuery = {
  strategy?: string | undefined;
  abc?: string | undefined;
  xyz?: string | undefined;
  flag?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
};

/**
 * The portfolio by strategy from the planner's latest recommendations: items per strategy; cash in stock (on hand ×
 * unit cost) and annual consumption value with their shares, per currency; and the ABC × XYZ matrix with the
 * strategies in each cell. Recommendations of deactivated items are left out.
 */
export async function getPortfolio(database: Database): Promise<Portfolio> {
  const rows = await readTransaction(database, (tx) =>
    selectRecommendations(tx)
      .select([
        'r.strategy',
        'r.abc',
        'r.xyz',
        'r.annual_value_minor',
        'r.computed_at',
        'i.currency',
        'i.unit_cost_minor',
        'b.on_hand_milli',
      ])
      .execute(),
  );

  const counts = new Map<Strategy, number>(STRATEGIES.map((s) => [s, 0]));
  const cells = new Map<string, PortfolioMatrixCell>();
  for (const abc of ABC_CLASSES) {
    for (const xyz of XYZ_CLASSES) {
      cells.set(`${abc}${xyz}`, { abc, xyz, items: 0, lean: 0, buffered: 0, make_to_order: 0 });
    }
  }
  type Sums = { items: number; withoutCost: number; cashMilliMinor: bigint; annualMinor: number };
  const newSums = (): Sums => ({ items: 0, withoutCost: 0, cashMilliMinor: 0n, annualMinor: 0 });
  const byCurrency = new Map<string, Map<Strategy, Sums>>();
  let unclassified = 0;
  let newest: number | null = null;

  for (const row of rows) {
    const strategy = asStrategy(row.strategy);
    counts.set(strategy, counts.get(strategy)! + 1);
    const cell = cells.get(`${row.abc}${row.xyz}`);
    if (cell) {
      cell.items++;
      cell[strategy]++;
    } else {
      unclassified++;
    }
    let sums = byCurrency.get(row.currency);
    if (!sums) {
      sums = new Map(STRATEGIES.map((s) => [s, newSums()]));
      byCurrency.set(row.currency, sums);
    }
    const s = sums.get(strategy)!;
    s.items++;
    if (row.unit_cost_minor === null) s.withoutCost++;
    else s.cashMilliMinor += cashMilliMinor(row.on_hand_milli, row.unit_cost_minor);
    s.annualMinor += Number(row.annual_value_minor ?? 0);
    const at = Number(row.computed_at);
    if (newest === null || at > newest) newest = at;
  }

  const total = rows.length;
  const money = [...byCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, sums]): PortfolioMoney => {
      const cashMinor = new Map([...sums].map(([strategy, s]) => [strategy, milliMinorToMinor(s.cashMilliMinor)]));
      let totalCashMinor = 0;
      let totalAnnualMinor = 0;
      let items = 0;
      let withoutCost = 0;
      for (const [strategy, s] of sums) {
        totalCashMinor += cashMinor.get(strategy)!;
        totalAnnualMinor += s.annualMinor;
        items += s.items;
        withoutCost += s.withoutCost;
      }
      return {
        currency,
        items,
        items_without_cost: withoutCost,
        cash_in_stock: toMoney(totalCashMinor, currency),
        annual_value: toMoney(totalAnnualMinor, currency),
        strategies: STRATEGIES.map((strategy) => {
          const s = sums.get(strategy)!;
          const cash = cashMinor.get(strategy)!;
          return {
            strategy,
            items: s.items,
            cash_in_stock: toMoney(cash, currency),
            cash_share: shareOf(cash, totalCashMinor),
            annual_value: toMoney(s.annualMinor, currency),
            annual_value_share: shareOf(s.annualMinor, totalAnnualMinor),
          };
        }),
      };
    });

  return {
    items: total,
    computed_at: newest === null ? null : new Date(newest).toISOString(),
    strategies: STRATEGIES.map((strategy) => ({
      strategy,
      items: counts.get(strategy)!,
      item_share: shareOf(counts.get(strategy)!, total),
    })),
    money,
    matrix: [...cells.values()],
    unclassified,
  };
}

/**
 * One page of recommended items with their strategy, classes, risk flags, buffer and reasons, by SKU and location;
 * filtered by strategy, ABC class, XYZ class or risk flag. A filter value outside its set is refused naming the field.
 */
export async function listStrategyItems(
  database: Database,
  query: StrategyItemQuery = {},
): Promise<Page<StrategyItem>> {
  const filter = checkStrategyItemQuery(query);
  const limit = checkPageLimit(query.limit);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2, 'cursor').map(String);
  const rows = await readTransaction(database, (tx) => {
    let select = selectRecommendations(tx).select([
      'i.sku',
      'i.name as item_name',
      'l.code as location',
      'i.criticality',
      'i.currency',
      'i.unit_cost_minor',
      'b.on_hand_milli',
      'r.strategy',
      'r.abc',
      'r.xyz',
      'r.risk_flags',
      'r.buffer_days',
      'r.reasons',
      'r.demand_class',
      'r.mean_per_day',
      'r.lead_time_days',
      'r.annual_value_minor',
      'r.computed_at',
    ]);
    if (filter.strategy !== undefined) select = select.where('r.strategy', '=', filter.strategy);
    if (filter.abc !== undefined) select = select.where('r.abc', '=', filter.abc);
    if (filter.xyz !== undefined) select = select.where('r.xyz', '=', filter.xyz);
    // risk_flags is a JSON array of names from a closed set without wildcards, so the quoted name matches exactly.
    if (filter.flag !== undefined) select = select.where('r.risk_flags', 'like', `%"${filter.flag}"%`);
    if (after !== undefined) {
      const [sku, location] = after as [string, string];
      select = select.where((eb) =>
        eb.or([eb('i.sku', '>', sku), eb.and([eb('i.sku', '=', sku), eb('l.code', '>', location)])]),
      );
    }
    return select
      .orderBy('i.sku')
      .orderBy('l.code')
      .limit(limit + 1)
      .execute();
  });

  const page = rows.slice(0, limit);
  const data = page.map((row): StrategyItem => {
    const onHandMilli = Number(row.on_hand_milli ?? 0);
    const unitCostMinor = row.unit_cost_minor === null ? null : Number(row.unit_cost_minor);
    return {
      sku: row.sku,
      item_name: row.item_name,
      location: row.location,
      strategy: asStrategy(row.strategy),
      abc: (row.abc as AbcClass | null) ?? null,
      xyz: (row.xyz as XyzClass | null) ?? null,
      criticality: row.criticality,
      risk_flags: JSON.parse(row.risk_flags) as RiskFlag[],
      buffer_days: Number(row.buffer_days ?? 0),
      reasons: JSON.parse(row.reasons) as string[],
      demand_class: row.demand_class,
      mean_per_day: row.mean_per_day === null ? null : Number(row.mean_per_day),
      lead_time_days: row.lead_time_days === null ? null : Number(row.lead_time_days),
      currency: row.currency,
      unit_cost: unitCostMinor === null ? null : toMoney(unitCostMinor, row.currency),
      on_hand: toQuantity(onHandMilli),
      cash_in_stock:
        unitCostMinor === null
          ? null
          : toMoney(milliMinorToMinor(cashMilliMinor(onHandMilli, unitCostMinor)), row.currency),
      annual_value: row.annual_value_minor === null ? null : toMoney(Number(row.annual_value_minor), row.currency),
      computed_at: new Date(Number(row.computed_at)).toISOString(),
    };
  });
  const last = page.at(-1);
  return {
    data,
    next_cursor: rows.length > limit && last ? encodeCursor([last.sku, last.location]) : null,
  };
}

type CheckedQuery = { strategy?: Strategy; abc?: AbcClass; xyz?: XyzClass; flag?: RiskFlag };

/** Refuses filter values outside their sets, naming every bad field. */
export function checkStrategyItemQuery(query: StrategyItemQuery): CheckedQuery {
  const problems: FieldProblem[] = [];
  const checked: CheckedQuery = {};
  const pick = <T extends string>(field: keyof CheckedQuery, allowed: readonly T[]): T | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push({ field, message: `must be one of ${allowed.join(', ')}`, value });
    return undefined;
  };
  const strategy = pick('strategy', STRATEGIES);
  const abc = pick('abc', ABC_CLASSES);
  const xyz = pick('xyz', XYZ_CLASSES);
  const flag = pick('flag', RISK_FLAGS);
  throwIfProblems(problems);
  if (strategy !== undefined) checked.strategy = strategy;
  if (abc !== undefined) checked.abc = abc;
  if (xyz !== undefined) checked.xyz = xyz;
  if (flag !== undefined) checked.flag = flag;
  return checked;
}

function selectRecommendations(tx: Tx) {
  return tx
    .selectFrom('plan_recommendations as r')
    .innerJoin('items as i', 'i.id', 'r.item_id')
    .innerJoin('locations as l', 'l.id', 'r.location_id')
    .leftJoin('balances as b', (join) =>
      join.onRef('b.item_id', '=', 'r.item_id').onRef('b.location_id', '=', 'r.location_id'),
    )
    .where('i.active', '=', 1);
}

/** On hand (thousandths) × unit cost (minor units), exact; negative stock holds no cash. */
function cashMilliMinor(onHandMilli: number | null, unitCostMinor: number): bigint {
  const milli = Number(onHandMilli ?? 0);
  if (milli <= 0) return 0n;
  return BigInt(milli) * BigInt(unitCostMinor);
}

/** Thousandths of minor units to minor units, half up. */
function milliMinorToMinor(value: bigint): number {
  return Number((value + 500n) / 1000n);
}

function shareOf(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

function asStrategy(value: string): Strategy {
  if ((STRATEGIES as readonly string[]).includes(value)) return value as Strategy;
  throw new Error(`plan_recommendations holds an unknown strategy '${value}'`);
}

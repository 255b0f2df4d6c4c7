import type { Command } from 'commander';
import { minorDigits } from '../../domain/money.js';
import { ABC_CLASSES, RISK_FLAGS, STRATEGIES, XYZ_CLASSES } from '../../domain/strategy/classify-portfolio.js';
import type { Page } from '../../services/pagination.js';
import {
  getPortfolio,
  listStrategyItems,
  type Portfolio,
  type StrategyItem,
  type StrategyItemQuery,
} from '../../services/planning/portfolio.service.js';
import { type CliDeps, formatTable, printResult, withDatabase } from '../io.js';

type StrategyOptions = {
  strategy?: string;
  abc?: string;
  xyz?: string;
  flag?: string;
  limit: string;
  cursor?: string;
  db?: string;
  json?: boolean;
};

export function registerStrategyCommand(program: Command, deps: CliDeps): void {
  program
    .command('strategy')
    .description(
      'The lean / buffered / make-to-order portfolio from the latest plan: items, cash in stock and annual value per strategy, the ABC x XYZ matrix, then the items with their reasons',
    )
    .option('--strategy <strategy>', `only items of this strategy: ${STRATEGIES.join(', ')}`)
    .option('--abc <class>', `only this ABC class: ${ABC_CLASSES.join(', ')}`)
    .option('--xyz <class>', `only this XYZ class: ${XYZ_CLASSES.join(', ')}`)
    .option('--flag <flag>', `only items with this risk flag: ${RISK_FLAGS.join(', ')}`)
    .option('--limit <n>', 'how many items', '100')
    .option('--cursor <cursor>', 'continue the item list after the previous page')
    .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
    .option('--json', 'machine-readable output: { portfolio, items }')
    .action(async (options: StrategyOptions) => {
      const query: StrategyItemQuery = {
        strategy: options.strategy,
        abc: options.abc,
        xyz: options.xyz,
        flag: options.flag,
        cursor: options.cursor,
        limit: Number(options.limit),
      };
      await withDatabase(deps, options.db, async (database) => {
        const items = await listStrategyItems(database, query);
        const portfolio = await getPortfolio(database);
        printResult(deps, options.json, { portfolio, items }, () => describe(portfolio, items, options));
      });
    });
}

function describe(portfolio: Portfolio, items: Page<StrategyItem>, options: StrategyOptions): string {
  if (portfolio.items === 0) return 'No recommendations yet: run `leanstock plan` first.';
  const sections = [
    `Portfolio: ${portfolio.items} item x location pair${portfolio.items === 1 ? '' : 's'}, planned ${portfolio.computed_at}`,
    describeStrategies(portfolio),
    describeMatrix(portfolio),
    describeItems(items, options),
  ];
  return sections.join('\n\n');
}

function describeStrategies(portfolio: Portfolio): string {
  const counts = portfolio.strategies;
  if (portfolio.money.length === 1) {
    const money = portfolio.money[0]!;
    const c = money.currency;
    const table = formatTable(
      ['strategy', 'items', 'share', `cash in stock ${c}`, 'share', `annual value ${c}`, 'share'],
      [
        ...counts.map((count, i) => {
          const m = money.strategies[i]!;
          return [
            count.strategy,
            count.items,
            pct(count.item_share),
            amount(m.cash_in_stock, c),
            pct(m.cash_share),
            amount(m.annual_value, c),
            pct(m.annual_value_share),
          ];
        }),
        ['total', portfolio.items, '', amount(money.cash_in_stock, c), '', amount(money.annual_value, c), ''],
      ],
    );
    return withoutCost(table, portfolio);
  }
  const blocks = [
    formatTable(
      ['strategy', 'items', 'share'],
      counts.map((count) => [count.strategy, count.items, pct(count.item_share)]),
    ),
    ...portfolio.money.map((money) => {
      const c = money.currency;
      return formatTable(
        ['strategy', 'items', `cash in stock ${c}`, 'share', `annual value ${c}`, 'share'],
        [
          ...money.strategies.map((m) => [
            m.strategy,
            m.items,
            amount(m.cash_in_stock, c),
            pct(m.cash_share),
            amount(m.annual_value, c),
            pct(m.annual_value_share),
          ]),
          ['total', money.items, amount(money.cash_in_stock, c), '', amount(money.annual_value, c), ''],
        ],
      );
    }),
  ];
  return withoutCost(blocks.join('\n\n'), portfolio);
}

function withoutCost(text: string, portfolio: Portfolio): string {
  const missing = portfolio.money.reduce((sum, money) => sum + money.items_without_cost, 0);
  return missing === 0 ? text : `${text}\n(${missing} without a unit cost: no cash counted for them)`;
}

function describeMatrix(portfolio: Portfolio): string {
  const cell = (abc: string, xyz: string) => {
    const c = portfolio.matrix.find((m) => m.abc === abc && m.xyz === xyz)!;
    const parts = STRATEGIES.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s === 'make_to_order' ? 'mto' : s}`);
    return c.items === 0 ? '0' : `${c.items} (${parts.join(', ')})`;
  };
  const table = formatTable(
    ['ABC x XYZ', ...XYZ_CLASSES],
    ABC_CLASSES.map((abc) => [abc, ...XYZ_CLASSES.map((xyz) => cell(abc, xyz))]),
  );
  return portfolio.unclassified === 0 ? table : `${table}\n(${portfolio.unclassified} not classified)`;
}

function describeItems(page: Page<StrategyItem>, options: StrategyOptions): string {
  const filters = (['strategy', 'abc', 'xyz', 'flag'] as const)
    .filter((name) => options[name] !== undefined)
    .map((name) => `${name} ${options[name]}`);
  const title = filters.length === 0 ? 'Items:' : `Items (${filters.join(', ')}):`;
  if (page.data.length === 0) return `${title} none match.`;
  const blocks = page.data.map((item) => {
    const head = [
      `${item.sku}@${item.location}`,
      item.strategy,
      `${item.abc ?? '-'}${item.xyz ?? '-'}`,
      item.strategy === 'buffered' ? `buffer ${item.buffer_days} days` : '',
      item.risk_flags.length > 0 ? `flags: ${item.risk_flags.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('  ');
    return [head, ...item.reasons.map((reason) => `  - ${reason}`)].join('\n');
  });
  const more = page.next_cursor ? `\nMore: leanstock strategy ${nextArgs(options)}--cursor ${page.next_cursor}` : '';
  return `${title}\n${blocks.join('\n')}${more}`;
}

function nextArgs(options: StrategyOptions): string {
  return (['strategy', 'abc', 'xyz', 'flag'] as const)
    .filter((name) => options[name] !== undefined)
    .map((name) => `--${name} ${options[name]} `)
    .join('')
    .concat(options.limit === '100' ? '' : `--limit ${options.limit} `);
}

function amount(value: number, currency: string): string {
  const digits = minorDigits(currency);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

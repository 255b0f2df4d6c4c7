import type { Command } from 'commander';
import type { ServiceContext } from '../../services/context.js';
import { getPolicy, listPolicies, type PolicyView, removePolicy, setPolicy } from '../../services/policy.service.js';
import { formatRecord, numberArgument } from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';
import { triggeredText } from './po.command.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

type PolicyOptions = {
  kind?: string;
  reorderPoint?: string;
  target?: string;
  cards?: string;
  containerQuantity?: string;
  supplier?: string;
  reviewDays?: string;
  reviewTime?: string;
  planning?: string;
  key?: string;
  db?: string;
  json?: boolean;
};

export function registerPolicyCommands(program: Command, deps: CliDeps): void {
  const policy = program
    .command('policy')
    .description('Replenishment policies per item and location: set, show, list, remove');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  policy
    .command('set <sku> <location>')
    .description(
      'Set the policy of an item at a location, e.g. leanstock policy set BOLT-M8 WS --kind reorder_point --reorder-point 50 --target 200',
    )
    .option('--kind <kind>', 'reorder_point, kanban, periodic_review, make_to_order or manual')
    .option('--reorder-point <qty>', 's: order when the position is at or below it (reorder_point, manual)')
    .option('--target <qty>', 'S: order up to it (reorder_point, periodic_review)')
    .option('--cards <n>', 'kanban: cards in the loop, 1-999')
    .option('--container-quantity <qty>', 'kanban: quantity per container')
    .option('--supplier <code>', 'kanban: the supplier of the loop')
    .option('--review-days <days>', 'periodic_review: days between reviews')
    .option('--review-time <HH:MM>', 'periodic_review: local time of the review (default 06:00)')
    .option(
      '--planning <mode>',
      'auto (the planner may change it), pinned (kept) or override (your own values, kept); default: as it was, else auto',
    )
    .option('--key <idempotency-key>', 'setting twice with the same key sets once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (sku: string, location: string, options: PolicyOptions) => {
      await withDatabase(deps, options.db, async (database) => {
        const set = await setPolicy(database, sku, location, bodyOf(options), context(options.key));
        printResult(deps, options.json, set, () =>
          [`Set the policy of ${set.sku} at ${set.location}.`, describe(set), triggeredText(set.triggered)]
            .filter(Boolean)
            .join('\n'),
        );
      });
    });

  policy
    .command('show <sku> <location>')
    .description('Show the policy of an item at a location, with the balance and inventory position there')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (sku: string, location: string, options: { db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const shown = await getPolicy(database, sku, location);
        printResult(deps, options.json, shown, () => describe(shown));
      });
    });

  policy
    .command('list')
    .description('List policies by SKU and location')
    .option('--sku <sku>', 'only this item')
    .option('--location <code>', 'only this location')
    .option('--kind <kind>', 'only this kind')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (options: {
        sku?: string;
        location?: string;
        kind?: string;
        limit: string;
        cursor?: string;
        db?: string;
        json?: boolean;
      }) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listPolicies(database, {
            ...(options.sku && { sku: options.sku }),
            ...(options.location && { location: options.location }),
            ...(options.kind && { kind: options.kind }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () => {
            if (page.data.length === 0) {
              return options.sku || options.location || options.kind || options.cursor
                ? 'No policies match.'
                : 'No policies yet. Set one with: leanstock policy set SKU LOCATION --kind reorder_point --reorder-point 50 --target 200';
            }
            const table = formatTable(
              ['sku', 'location', 'kind', 'settings', 'position', 'below s'],
              page.data.map((p) => [
                p.sku,
                p.location,
                p.kind,
                settingsOf(p),
                p.balance.inventory_position,
                p.below_reorder_point ? 'yes' : '',
              ]),
            );
            return page.next_cursor ? `${table}\nMore: leanstock policy list --cursor ${page.next_cursor}` : table;
          });
        });
      },
    );

  policy
    .command('remove <sku> <location>')
    .description('Remove the policy of an item at a location')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (sku: string, location: string, options: { db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const removed = await removePolicy(database, sku, location, context());
        printResult(deps, options.json, removed, () => `Removed the ${removed.kind} policy of ${sku} at ${location}.`);
      });
    });
}

/** The options given, as the JSON body of `PUT /api/v1/policies/{sku}/{location}`; the domain names bad values. */
function bodyOf(options: PolicyOptions): Record<string, unknown> {
  return {
    ...(options.kind !== undefined && { kind: options.kind }),
    ...(options.reorderPoint !== undefined && { reorder_point: numberArgument(options.reorderPoint) }),
    ...(options.target !== undefined && { target: numberArgument(options.target) }),
    ...(options.cards !== undefined && { cards: numberArgument(options.cards) }),
    ...(options.containerQuantity !== undefined && { container_quantity: numberArgument(options.containerQuantity) }),
    ...(options.supplier !== undefined && { supplier: options.supplier }),
    ...(options.reviewDays !== undefined && { review_days: numberArgument(options.reviewDays) }),
    ...(options.reviewTime !== undefined && { review_time: options.reviewTime }),
    ...(options.planning !== undefined && { planning: options.planning }),
  };
}

const SETTINGS: Array<[string, string]> = [
  ['reorder_point', 's'],
  ['target', 'S'],
  ['cards', 'cards'],
  ['container_quantity', 'container'],
  ['supplier', 'supplier'],
  ['review_days', 'every (days)'],
  ['review_time', 'at'],
];

function settingsOf(policy: PolicyView): string {
  return SETTINGS.filter(([field]) => policy[field] !== undefined)
    .map(([field, label]) => `${label} ${String(policy[field])}`)
    .join(', ');
}

function describe(policy: PolicyView): string {
  return formatRecord([
    ['item', policy.sku],
    ['location', policy.location],
    ['kind', policy.kind],
    ...SETTINGS.filter(([field]) => policy[field] !== undefined).map(
      ([field, label]) => [label, String(policy[field])] as [string, string],
    ),
    ['on hand', String(policy.balance.on_hand)],
    ['position', String(policy.balance.inventory_position)],
    ['below s', policy.below_reorder_point ? 'yes' : 'no'],
    ['planning', policy.planning],
    ['updated', policy.updated_at],
  ]);
}

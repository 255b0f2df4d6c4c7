import type { Command } from 'commander';
import { minorDigits } from '../../domain/money.js';
import type { AuditEntry } from '../../services/audit.js';
import type { ServiceContext } from '../../services/context.js';
import {
  activateItem,
  createItem,
  deactivateItem,
  getItem,
  ITEM_STATUSES,
  type ItemView,
  listItemAudit,
  listItems,
  updateItem,
} from '../../services/item.service.js';
import {
  booleanArgument,
  formatAudit,
  formatRecord,
  numberArgument,
  registerActivationCommands,
} from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

type ItemFieldOptions = {
  name?: string;
  unit?: string;
  category?: string;
  unitCost?: string;
  currency?: string;
  shelfLifeDays?: string;
  criticality?: string;
  key?: string;
  db?: string;
  json?: boolean;
};

export function registerItemCommands(program: Command, deps: CliDeps): void {
  const item = program.command('item').description('The catalogue of items: add, show, list, update, deactivate');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  item
    .command('add <sku> <name>')
    .description('Add an item, e.g. leanstock item add BOLT-M8 "Hex bolt M8x40" --unit pcs --unit-cost 0.12')
    .option('--unit <unit>', 'unit of measure: pcs, kg, m, l, ...', 'pcs')
    .option('--category <category>')
    .option('--unit-cost <amount>', 'in major units of the currency, e.g. 0.12')
    .option('--currency <code>', 'ISO 4217 code', 'EUR')
    .option('--shelf-life-days <days>')
    .option('--criticality <level>', 'low, medium, high or critical', 'medium')
    .option('--allow-negative', 'let on hand go below zero')
    .option('--inactive', 'add it deactivated')
    .option('--key <idempotency-key>', 'adding twice with the same key adds once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        sku: string,
        name: string,
        options: ItemFieldOptions & { allowNegative?: boolean; inactive?: boolean },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const created = await createItem(
            database,
            {
              sku,
              name,
              ...fieldsOf(options),
              allow_negative: options.allowNegative === true,
              active: options.inactive !== true,
            },
            context(options.key),
          );
          printResult(deps, options.json, created, () => `Added item ${created.sku}.\n${describeItem(created)}`);
        });
      },
    );

  item
    .command('show <sku>')
    .description('Show one item; --audit adds who changed it when')
    .option('--audit', 'also print the audit trail, newest first')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (sku: string, options: { audit?: boolean; db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const shown = await getItem(database, sku);
        const audit: AuditEntry[] | undefined = options.audit ? await listItemAudit(database, sku) : undefined;
        printResult(deps, options.json, audit ? { ...shown, audit } : shown, () =>
          audit ? `${describeItem(shown)}\n\n${formatAudit(audit)}` : describeItem(shown),
        );
      });
    });

  item
    .command('list')
    .description('List items by SKU')
    .option('--q <text>', 'text in SKU or name')
    .option('--category <category>')
    .option('--status <status>', ITEM_STATUSES.join(', '))
    .option('--active', 'only active items')
    .option('--inactive', 'only deactivated items')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (options: {
        q?: string;
        category?: string;
        status?: string;
        active?: boolean;
        inactive?: boolean;
        limit: string;
        cursor?: string;
        db?: string;
        json?: boolean;
      }) => {
        await withDatabase(deps, options.db, async (database) => {
          const filtered = Boolean(
            options.q || options.category || options.status || options.active || options.inactive,
          );
          const page = await listItems(database, {
            ...(options.q && { q: options.q }),
            ...(options.category && { category: options.category }),
            ...(options.status && { status: options.status }),
            ...(options.active && { active: true }),
            ...(options.inactive && { active: false }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () => {
            if (page.data.length === 0) {
              return filtered
                ? 'No items match.'
                : 'No items yet. Add one with: leanstock item add SKU "NAME" --unit pcs, or import examples/items.csv with: leanstock import items FILE.csv';
            }
            const table = formatTable(
              ['sku', 'name', 'unit', 'category', 'unit cost', 'criticality', 'active'],
              page.data.map((i) => [
                i.sku,
                i.name,
                i.unit,
                i.category,
                i.unit_cost === null ? null : formatCost(i),
                i.criticality,
                i.active ? 'yes' : 'no',
              ]),
            );
            return page.next_cursor ? `${table}\nMore: leanstock item list --cursor ${page.next_cursor}` : table;
          });
        });
      },
    );

  item
    .command('update <sku>')
    .description('Change the given fields; an empty value ("") clears category, unit cost or shelf life')
    .option('--name <name>')
    .option('--unit <unit>')
    .option('--category <category>')
    .option('--unit-cost <amount>')
    .option('--currency <code>')
    .option('--shelf-life-days <days>')
    .option('--criticality <level>', 'low, medium, high or critical')
    .option('--allow-negative <yes|no>', 'let on hand go below zero')
    .option('--key <idempotency-key>', 'updating twice with the same key updates once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (sku: string, options: ItemFieldOptions & { allowNegative?: string }) => {
      await withDatabase(deps, options.db, async (database) => {
        const changes = {
          ...fieldsOf(options),
          ...(options.allowNegative !== undefined && { allow_negative: booleanArgument(options.allowNegative) }),
        };
        const updated = await updateItem(database, sku, changes, context(options.key));
        printResult(deps, options.json, updated, () => `Updated item ${updated.sku}.\n${describeItem(updated)}`);
      });
    });

  registerActivationCommands(item, deps, {
    noun: 'item',
    key: 'sku',
    deactivateHelp: 'Deactivate an item: its history stays, new movements are refused',
    deactivate: deactivateItem,
    activate: activateItem,
    context: () => context(),
    label: (changed) => changed.sku,
  });
}

/** The options given, as item fields; "" clears the fields that may be empty. */
function fieldsOf(options: ItemFieldOptions): Record<string, unknown> {
  const clearable = (value: string) => (value === '' ? null : value);
  return {
    ...(options.name !== undefined && { name: options.name }),
    ...(options.unit !== undefined && { unit: options.unit }),
    ...(options.category !== undefined && { category: clearable(options.category) }),
    ...(options.unitCost !== undefined && { unit_cost: numberArgument(options.unitCost) }),
    ...(options.currency !== undefined && { currency: options.currency }),
    ...(options.shelfLifeDays !== undefined && { shelf_life_days: numberArgument(options.shelfLifeDays) }),
    ...(options.criticality !== undefined && { criticality: options.criticality }),
  };
}

function formatCost(item: ItemView): string {
  return `${item.unit_cost!.toFixed(minorDigits(item.currency))} ${item.currency}`;
}

function describeItem(item: ItemView): string {
  return formatRecord([
    ['sku', item.sku],
    ['name', item.name],
    ['unit', item.unit],
    ['category', item.category ?? '-'],
    ['unit cost', item.unit_cost === null ? '-' : formatCost(item)],
    ['shelf life', item.shelf_life_days === null ? '-' : `${item.shelf_life_days} days`],
    ['criticality', item.criticality],
    ['negative stock', item.allow_negative ? 'allowed' : 'refused'],
    ['active', item.active ? 'yes' : 'no'],
    ['updated', item.updated_at],
  ]);
}

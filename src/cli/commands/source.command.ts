import type { Command } from 'commander';
import { parsePriceBreaksText } from '../../domain/catalogue/supplier-item.js';
import { throwIfProblems } from '../../domain/errors.js';
import type { ServiceContext } from '../../services/context.js';
import {
  activateSupplierItem,
  addSupplierItem,
  deactivateSupplierItem,
  getSupplierItem,
  listItemSources,
  listSupplierItems,
  type SupplierItemView,
  updateSupplierItem,
} from '../../services/supplier-item.service.js';
import { formatRecord, numberArgument } from '../catalogue-io.js';
import { type CliDeps, cliActor, printResult, withDatabase } from '../io.js';
import { formatSupplierItems } from './supplier.command.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

type SourceFieldOptions = {
  supplierSku?: string;
  unitPrice?: string;
  currency?: string;
  priceBreaks?: string;
  leadTimeDays?: string;
  moq?: string;
  packSize?: string;
  rank?: string;
  key?: string;
  db?: string;
  json?: boolean;
};

/** `source` = a supplier item: where an item can be bought, at what price, in which quantities. */
export function registerSourceCommands(program: Command, deps: CliDeps): void {
  const source = program
    .command('source')
    .description('Sources of items (supplier items): add, list, update, deactivate, activate');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });
  const withFieldOptions = (command: Command) =>
    command
      .option('--supplier-sku <part-number>', "the supplier's part number")
      .option('--unit-price <amount>', 'in major units, e.g. 1.20')
      .option('--currency <code>', "ISO 4217 code; default the supplier's")
      .option('--price-breaks <breaks>', 'volume prices MIN_QUANTITY:UNIT_PRICE;..., e.g. "10:1.20;50:1.10"')
      .option('--lead-time-days <days>', "overrides the supplier's lead time")
      .option('--moq <quantity>', 'minimum order quantity')
      .option('--pack-size <quantity>', 'units per pack; the moq must be whole packs')
      .option('--rank <n>', 'preference, 1 = preferred');

  withFieldOptions(
    source
      .command('add <sku> <supplier>')
      .description('Add a source, e.g. leanstock source add BOLT-M8 ACME --unit-price 0.12 --moq 100 --pack-size 50'),
  )
    .option('--inactive', 'add it deactivated')
    .option('--key <idempotency-key>', 'adding twice with the same key adds once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (sku: string, supplier: string, options: SourceFieldOptions & { inactive?: boolean }) => {
      const fields = { supplier, ...fieldsOf(options), ...(options.inactive && { active: false }) };
      await withDatabase(deps, options.db, async (database) => {
        const added = await addSupplierItem(database, sku, fields, context(options.key));
        printResult(
          deps,
          options.json,
          added,
          () => `Added source ${added.supplier} for ${added.sku}.\n${describeSource(added)}`,
        );
      });
    });

  source
    .command('list [sku]')
    .description('The sources of an item, preferred first; with --supplier and no SKU, the items a supplier sells')
    .option('--supplier <code>', 'only this supplier')
    .option('--active', 'only active sources')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        sku: string | undefined,
        options: { supplier?: string; active?: boolean; limit: string; cursor?: string; db?: string; json?: boolean },
      ) => {
        if (sku === undefined && options.supplier === undefined) {
          throw new Error(
            'give a SKU (leanstock source list BOLT-M8) or a supplier (leanstock source list --supplier ACME)',
          );
        }
        await withDatabase(deps, options.db, async (database) => {
          const query = {
            ...(options.active && { active: true }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          };
          const page =
            sku === undefined
              ? await listSupplierItems(database, options.supplier!, query)
              : options.supplier === undefined
                ? await listItemSources(database, sku, query)
                : { data: [await getSupplierItem(database, sku, options.supplier)], next_cursor: null };
          const rows = page.data;
          const shown = page;
          printResult(deps, options.json, shown, () => {
            if (rows.length === 0) {
              if (sku === undefined) {
                return `${options.supplier} sells no items yet. Add one with: leanstock source add SKU ${options.supplier} --unit-price 1.20`;
              }
              return options.active
                ? `No sources of ${sku} match.`
                : `${sku} has no sources yet. Add one with: leanstock source add ${sku} SUPPLIER --unit-price 1.20`;
            }
            const table = formatSupplierItems(rows);
            return page.next_cursor ? `${table}\nMore: add --cursor ${page.next_cursor}` : table;
          });
        });
      },
    );

  withFieldOptions(
    source
      .command('update <sku> <supplier>')
      .description('Change the given fields of a source; an empty value ("") clears an optional field'),
  )
    .option('--key <idempotency-key>', 'updating twice with the same key updates once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (sku: string, supplier: string, options: SourceFieldOptions) => {
      const fields = fieldsOf(options);
      await withDatabase(deps, options.db, async (database) => {
        const updated = await updateSupplierItem(database, sku, supplier, fields, context(options.key));
        printResult(
          deps,
          options.json,
          updated,
          () => `Updated source ${updated.supplier} for ${updated.sku}.\n${describeSource(updated)}`,
        );
      });
    });

  for (const [action, run] of [
    ['deactivate', deactivateSupplierItem],
    ['activate', activateSupplierItem],
  ] as const) {
    source
      .command(`${action} <sku> <supplier>`)
      .description(
        action === 'deactivate'
          ? 'Deactivate a source: it stays on record, planning stops buying the item there'
          : 'Activate a deactivated source',
      )
      .option(...dbOption)
      .option(...jsonOption)
      .action(async (sku: string, supplier: string, options: { db?: string; json?: boolean }) => {
        await withDatabase(deps, options.db, async (database) => {
          const changed = await run(database, sku, supplier, context());
          printResult(
            deps,
            options.json,
            changed,
            () => `Source ${changed.supplier} for ${changed.sku} is ${changed.active ? 'active' : 'deactivated'}.`,
          );
        });
      });
  }
}

/** The options given, as supplier item fields; "" clears the fields that may be empty. */
function fieldsOf(options: SourceFieldOptions): Record<string, unknown> {
  let priceBreaks: unknown;
  if (options.priceBreaks !== undefined) {
    const parsed = parsePriceBreaksText(options.priceBreaks);
    if (!parsed.ok) throwIfProblems([parsed.problem]);
    priceBreaks = parsed.ok ? parsed.value : undefined;
  }
  return {
    ...(options.supplierSku !== undefined && { supplier_sku: options.supplierSku === '' ? null : options.supplierSku }),
    ...(options.unitPrice !== undefined && { unit_price: numberArgument(options.unitPrice) }),
    ...(options.currency !== undefined && { currency: options.currency }),
    ...(priceBreaks !== undefined && { price_breaks: priceBreaks }),
    ...(options.leadTimeDays !== undefined && { lead_time_days: numberArgument(options.leadTimeDays) }),
    ...(options.moq !== undefined && { moq: numberArgument(options.moq) }),
    ...(options.packSize !== undefined && { pack_size: numberArgument(options.packSize) }),
    ...(options.rank !== undefined && { rank: numberArgument(options.rank) }),
  };
}

function describeSource(source: SupplierItemView): string {
  return formatRecord([
    ['sku', source.sku],
    ['supplier', source.supplier],
    ['supplier sku', source.supplier_sku ?? '-'],
    ['unit price', source.unit_price === null ? '-' : `${source.unit_price} ${source.currency}`],
    [
      'price breaks',
      source.price_breaks.length === 0
        ? '-'
        : source.price_breaks.map((b) => `from ${b.min_quantity}: ${b.unit_price}`).join(', '),
    ],
    [
      'lead time',
      source.effective_lead_time_days === null
        ? 'unknown'
        : `${source.effective_lead_time_days} days${source.lead_time_days === null ? " (the supplier's)" : ''}`,
    ],
    ['moq', source.moq === null ? '-' : String(source.moq)],
    ['pack size', source.pack_size === null ? '-' : String(source.pack_size)],
    ['rank', String(source.rank)],
    ['active', source.active ? 'yes' : 'no'],
  ]);
}

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
import {
  addContractPrice,
  listSupplierItemPrices,
  PRICE_KINDS,
  type SupplierItemPriceView,
} from '../../services/supplier-item-price.service.js';
import { formatRecord, numberArgument } from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';
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
    .description('Sources of items (supplier items): add, list, update, deactivate, activate, price, prices');
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

  source
    .command('price <sku> <supplier>')
    .description(
      'Record a contract price of a source, e.g. leanstock source price BOLT-M8 ACME --unit-price 0.11 --from 2026-07-01 --to 2026-12-31',
    )
    .requiredOption('--unit-price <amount>', 'agreed price per unit, in major units, e.g. 0.11')
    .option('--from <date>', 'first day the price applies, YYYY-MM-DD (default: open)')
    .option('--to <date>', 'last day the price applies, inclusive, YYYY-MM-DD (default: open)')
    .option('--currency <code>', "ISO 4217 code; default the source's")
    .option('--key <idempotency-key>', 'recording twice with the same key records once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        sku: string,
        supplier: string,
        options: {
          unitPrice: string;
          from?: string;
          to?: string;
          currency?: string;
          key?: string;
          db?: string;
          json?: boolean;
        },
      ) => {
        const fields = {
          unit_price: numberArgument(options.unitPrice),
          ...(options.from !== undefined && { valid_from: options.from === '' ? null : options.from }),
          ...(options.to !== undefined && { valid_to: options.to === '' ? null : options.to }),
          ...(options.currency !== undefined && { currency: options.currency }),
        };
        await withDatabase(deps, options.db, async (database) => {
          const added = await addContractPrice(database, sku, supplier, fields, context(options.key));
          printResult(
            deps,
            options.json,
            added,
            () =>
              `Recorded contract price ${added.unit_price} ${added.currency} for ${added.sku} from ${added.supplier}, valid ${describeValidity(added)}.`,
          );
        });
      },
    );

  source
    .command('prices <sku> <supplier>')
    .description('The price history of a source: contract prices and prices paid on purchase orders, newest first')
    .option('--kind <kind>', `only ${PRICE_KINDS.join(' or ')} prices`)
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        sku: string,
        supplier: string,
        options: { kind?: string; limit: string; cursor?: string; db?: string; json?: boolean },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listSupplierItemPrices(database, sku, supplier, {
            ...(options.kind !== undefined && { kind: options.kind as SupplierItemPriceView['kind'] }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () => {
            if (page.data.length === 0) {
              return options.kind || options.cursor
                ? `No prices of ${sku} from ${supplier} match.`
                : `No prices recorded for ${sku} from ${supplier} yet. Record a contract price with: leanstock source price ${sku} ${supplier} --unit-price 1.20 --from 2026-01-01`;
            }
            const table = formatTable(
              ['recorded', 'kind', 'unit price', 'valid', 'purchase order'],
              page.data.map((p) => [
                p.recorded_at,
                p.kind,
                `${p.unit_price} ${p.currency}`,
                p.kind === 'contract' ? describeValidity(p) : null,
                p.purchase_order_id === null ? null : `PO-${p.purchase_order_id}`,
              ]),
            );
            return page.next_cursor ? `${table}\nMore: add --cursor ${page.next_cursor}` : table;
          });
        });
      },
    );

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

/** "2026-07-01 to 2026-12-31", "from 2026-07-01", "until 2026-06-30" or "always". */
function describeValidity(price: { valid_from: string | null; valid_to: string | null }): string {
  if (price.valid_from && price.valid_to) return `${price.valid_from} to ${price.valid_to}`;
  if (price.valid_from) return `from ${price.valid_from}`;
  if (price.valid_to) return `until ${price.valid_to}`;
  return 'always';
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

import type { Command } from 'commander';
import { orderDaysFromText } from '../../domain/catalogue/supplier.js';
import type { AuditEntry } from '../../services/audit.js';
import type { ServiceContext } from '../../services/context.js';
import {
  activateSupplier,
  createSupplier,
  deactivateSupplier,
  getSupplier,
  listSupplierAudit,
  listSuppliers,
  type SupplierView,
  updateSupplier,
} from '../../services/supplier.service.js';
import { listSupplierItems, type SupplierItemView } from '../../services/supplier-item.service.js';
import { formatAudit, formatRecord, numberArgument, registerActivationCommands } from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';
import { registerScorecardCommand } from './lead-times.command.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

type SupplierFieldOptions = {
  name?: string;
  email?: string;
  leadTimeDays?: string;
  orderingCost?: string;
  currency?: string;
  autoSend?: boolean;
  orderDays?: string;
  consolidationMinutes?: string;
  key?: string;
  db?: string;
  json?: boolean;
};

/** The ordering settings, the same on `add` and `update`. */
function withOrderingOptions(command: Command): Command {
  return command
    .option('--auto-send', 'send drafts without a person once the consolidation window has passed')
    .option('--no-auto-send', 'drafts wait for a person to send them (the default)')
    .option('--order-days <days>', 'weekdays on which orders go out, e.g. tue,thu; "any" or "" for any day')
    .option('--consolidation-minutes <n>', 'how long a new draft collects further lines, 0-10080');
}

export function registerSupplierCommands(program: Command, deps: CliDeps): void {
  const supplier = program
    .command('supplier')
    .description('Suppliers: add, show, list, update, scorecard, deactivate, activate');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  withOrderingOptions(
    supplier
      .command('add <code> <name>')
      .description(
        'Add a supplier, e.g. leanstock supplier add ACME "Acme Fasteners" --lead-time-days 5 --ordering-cost 25 --order-days tue,thu',
      )
      .option('--email <address>', 'where purchase orders go')
      .option('--lead-time-days <days>', 'default lead time of its items, 0-3650')
      .option('--ordering-cost <amount>', 'cost of placing one order, in major units, e.g. 25')
      .option('--currency <code>', 'ISO 4217 code', 'EUR'),
  )
    .option('--inactive', 'add it deactivated')
    .option('--key <idempotency-key>', 'adding twice with the same key adds once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (code: string, name: string, options: SupplierFieldOptions & { inactive?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const created = await createSupplier(
          database,
          { code, name, ...fieldsOf(options), active: options.inactive !== true },
          context(options.key),
        );
        printResult(deps, options.json, created, () => `Added supplier ${created.code}.\n${describeSupplier(created)}`);
      });
    });

  supplier
    .command('show <code>')
    .description('Show one supplier and the items it sells; --audit adds who changed it when')
    .option('--audit', 'also print the audit trail, newest first')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (code: string, options: { audit?: boolean; db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const shown = await getSupplier(database, code);
        const items = await listSupplierItems(database, code, { limit: 1000 });
        const audit: AuditEntry[] | undefined = options.audit ? await listSupplierAudit(database, code) : undefined;
        const value = { ...shown, items: items.data, ...(audit && { audit }) };
        printResult(deps, options.json, value, () =>
          [
            describeSupplier(shown),
            '',
            items.data.length === 0
              ? `${code} sells no items yet. Add one with: leanstock source add SKU ${code} --unit-price 1.20`
              : formatSupplierItems(items.data),
            ...(audit ? ['', formatAudit(audit)] : []),
          ].join('\n'),
        );
      });
    });

  supplier
    .command('list')
    .description('List suppliers by code')
    .option('--q <text>', 'text in code or name')
    .option('--active', 'only active suppliers')
    .option('--inactive', 'only deactivated suppliers')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (options: {
        q?: string;
        active?: boolean;
        inactive?: boolean;
        limit: string;
        cursor?: string;
        db?: string;
        json?: boolean;
      }) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listSuppliers(database, {
            ...(options.q && { q: options.q }),
            ...(options.active && { active: true }),
            ...(options.inactive && { active: false }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () => {
            if (page.data.length === 0) {
              return options.q || options.active || options.inactive || options.cursor
                ? 'No suppliers match.'
                : 'No suppliers yet. Add one with: leanstock supplier add CODE "NAME" --lead-time-days 5, or import examples/suppliers.csv with: leanstock import suppliers FILE.csv';
            }
            const table = formatTable(
              ['code', 'name', 'lead time', 'ordering cost', 'email', 'active'],
              page.data.map((s) => [
                s.code,
                s.name,
                s.lead_time_days === null ? null : `${s.lead_time_days} d`,
                s.ordering_cost === null ? null : `${s.ordering_cost} ${s.currency}`,
                s.email,
                s.active ? 'yes' : 'no',
              ]),
            );
            return page.next_cursor ? `${table}\nMore: leanstock supplier list --cursor ${page.next_cursor}` : table;
          });
        });
      },
    );

  withOrderingOptions(
    supplier
      .command('update <code>')
      .description('Change the given fields; an empty value ("") clears e-mail, lead time, ordering cost or order days')
      .option('--name <name>')
      .option('--email <address>')
      .option('--lead-time-days <days>')
      .option('--ordering-cost <amount>')
      .option('--currency <code>'),
  )
    .option('--key <idempotency-key>', 'updating twice with the same key updates once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (code: string, options: SupplierFieldOptions) => {
      await withDatabase(deps, options.db, async (database) => {
        const updated = await updateSupplier(database, code, fieldsOf(options), context(options.key));
        printResult(
          deps,
          options.json,
          updated,
          () => `Updated supplier ${updated.code}.\n${describeSupplier(updated)}`,
        );
      });
    });

  registerScorecardCommand(supplier, deps);

  registerActivationCommands(supplier, deps, {
    noun: 'supplier',
    key: 'code',
    deactivateHelp: 'Deactivate a supplier: it stays on record, planning stops ordering from it',
    deactivate: deactivateSupplier,
    activate: activateSupplier,
    context: () => context(),
    label: (changed) => changed.code,
  });
}

/** The options given, as supplier fields; "" clears the fields that may be empty. */
function fieldsOf(options: SupplierFieldOptions): Record<string, unknown> {
  return {
    ...(options.name !== undefined && { name: options.name }),
    ...(options.email !== undefined && { email: options.email === '' ? null : options.email }),
    ...(options.leadTimeDays !== undefined && { lead_time_days: numberArgument(options.leadTimeDays) }),
    ...(options.orderingCost !== undefined && { ordering_cost: numberArgument(options.orderingCost) }),
    ...(options.currency !== undefined && { currency: options.currency }),
    ...(options.autoSend !== undefined && { auto_send: options.autoSend }),
    ...(options.orderDays !== undefined && { order_days: orderDaysFromText(options.orderDays) }),
    ...(options.consolidationMinutes !== undefined && {
      consolidation_minutes: numberArgument(options.consolidationMinutes),
    }),
  };
}

function describeSupplier(supplier: SupplierView): string {
  return formatRecord([
    ['code', supplier.code],
    ['name', supplier.name],
    ['email', supplier.email ?? '-'],
    ['lead time', supplier.lead_time_days === null ? '-' : `${supplier.lead_time_days} days`],
    ['ordering cost', supplier.ordering_cost === null ? '-' : `${supplier.ordering_cost} ${supplier.currency}`],
    ['currency', supplier.currency],
    ['active', supplier.active ? 'yes' : 'no'],
    ['order days', supplier.order_days === null ? 'any day' : supplier.order_days.join(', ')],
    ['consolidation', `${supplier.consolidation_minutes} min`],
    ['auto send', supplier.auto_send ? 'yes' : 'no'],
    ['updated', supplier.updated_at],
  ]);
}

/** Supplier items as a table; shared by `supplier show` and `source list`. */
export function formatSupplierItems(rows: SupplierItemView[]): string {
  return formatTable(
    ['sku', 'supplier', 'rank', 'supplier sku', 'unit price', 'price breaks', 'lead time', 'moq', 'pack', 'active'],
    rows.map((s) => [
      s.sku,
      s.supplier,
      s.rank,
      s.supplier_sku,
      s.unit_price === null ? null : `${s.unit_price} ${s.currency}`,
      s.price_breaks.map((b) => `${b.min_quantity}: ${b.unit_price}`).join('; '),
      s.effective_lead_time_days === null
        ? null
        : `${s.effective_lead_time_days} d${s.lead_time_days === null ? '' : ' (own)'}`,
      s.moq,
      s.pack_size,
      s.active ? 'yes' : 'no',
    ]),
  );
}

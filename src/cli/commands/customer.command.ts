import type { Command } from 'commander';
import type { ServiceContext } from '../../services/context.js';
import {
  type CustomerView,
  createCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../../services/production/customer.service.js';
import { booleanArgument, formatRecord } from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

export function registerCustomerCommands(program: Command, deps: CliDeps): void {
  const customer = program
    .command('customer')
    .description('Customers who place make-to-order orders: add, show, list, update');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  customer
    .command('add <code> <name>')
    .description('Add a customer, e.g. leanstock customer add CYCLO "Cyclo Shop" --email buy@cyclo.example')
    .option('--email <address>', 'where order confirmations go')
    .option('--key <idempotency-key>', 'adding twice with the same key adds once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (code: string, name: string, options: { email?: string; key?: string; db?: string; json?: boolean }) => {
        await withDatabase(deps, options.db, async (database) => {
          const created = await createCustomer(
            database,
            { code, name, ...(options.email !== undefined && { email: options.email }) },
            context(options.key),
          );
          printResult(
            deps,
            options.json,
            created,
            () => `Added customer ${created.code}.\n${describeCustomer(created)}`,
          );
        });
      },
    );

  customer
    .command('show <code>')
    .description('Show one customer')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (code: string, options: { db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const shown = await getCustomer(database, code);
        printResult(deps, options.json, shown, () => describeCustomer(shown));
      });
    });

  customer
    .command('list')
    .description('List customers by code')
    .option('--active', 'only active customers')
    .option('--inactive', 'only deactivated customers')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (options: {
        active?: boolean;
        inactive?: boolean;
        limit: string;
        cursor?: string;
        db?: string;
        json?: boolean;
      }) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listCustomers(database, {
            ...(options.active && { active: true }),
            ...(options.inactive && { active: false }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () => {
            if (page.data.length === 0) {
              return options.active || options.inactive || options.cursor
                ? 'No customers match.'
                : 'No customers yet. Add one with: leanstock customer add CODE "NAME" --email buy@example.com';
            }
            const table = formatTable(
              ['code', 'name', 'email', 'active'],
              page.data.map((c) => [c.code, c.name, c.email, c.active ? 'yes' : 'no']),
            );
            return page.next_cursor ? `${table}\nMore: leanstock customer list --cursor ${page.next_cursor}` : table;
          });
        });
      },
    );

  customer
    .command('update <code>')
    .description('Change the name, e-mail ("" clears it) or active flag of a customer')
    .option('--name <name>')
    .option('--email <address>')
    .option('--active <yes|no>', 'whether new orders may name the customer')
    .option('--key <idempotency-key>', 'updating twice with the same key updates once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        code: string,
        options: { name?: string; email?: string; active?: string; key?: string; db?: string; json?: boolean },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const updated = await updateCustomer(
            database,
            code,
            {
              ...(options.name !== undefined && { name: options.name }),
              ...(options.email !== undefined && { email: options.email === '' ? null : options.email }),
              ...(options.active !== undefined && { active: booleanArgument(options.active) }),
            },
            context(options.key),
          );
          printResult(
            deps,
            options.json,
            updated,
            () => `Updated customer ${updated.code}.\n${describeCustomer(updated)}`,
          );
        });
      },
    );
}

function describeCustomer(customer: CustomerView): string {
  return formatRecord([
    ['code', customer.code],
    ['name', customer.name],
    ['email', customer.email ?? '-'],
    ['active', customer.active ? 'yes' : 'no'],
    ['updated', customer.updated_at],
  ]);
}

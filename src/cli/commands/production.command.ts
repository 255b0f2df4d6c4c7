import type { Command } from 'commander';
import type { ServiceContext } from '../../services/context.js';
import {
  cancelProductionOrder,
  completeProductionOrder,
  createProductionOrder,
  getProductionOrder,
  listProductionOrders,
  type ProductionOrderChange,
  type ProductionOrderView,
  productionOrderNumber,
  releaseProductionOrder,
  reportProduction,
} from '../../services/production/production-order.service.js';
import { documentNumber, quantityArg, wholeNumber } from '../args.js';
import { type CliDeps, cliActor, formatTable, printPage, printResult, withDatabase } from '../io.js';
import { movementsText, orderNumber } from './order.command.js';
import { triggeredText } from './po.command.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;
const keyOption = ['--key <idempotency-key>', 'running it twice with the same key acts once'] as const;

type Common = { db?: string; json?: boolean; key?: string };

export function registerProductionCommands(program: Command, deps: CliDeps): void {
  const production = program
    .command('production')
    .description('Production orders: create, list, show, release, report, complete, cancel');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  production
    .command('create <sku>')
    .description(
      "Plan a production order for an item with a BOM; its release date is the due date − the BOM's lead time",
    )
    .requiredOption('--location <code>', 'where it is made and received')
    .requiredOption('--quantity <qty>', 'how much to make')
    .requiredOption('--due <date>', 'due date, YYYY-MM-DD')
    .option('--note <text>', 'a note on the order')
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (sku: string, options: Common & { location: string; quantity: string; due: string; note?: string }) => {
        const body = {
          sku,
          location: options.location,
          quantity: quantityArg(options.quantity, 'quantity'),
          due_date: options.due,
          ...(options.note !== undefined && { note: options.note }),
        };
        await withDatabase(deps, options.db, async (database) => {
          const created = await createProductionOrder(database, body, context(options.key));
          printResult(deps, options.json, created, () =>
            [
              `Planned ${created.number}: make ${created.quantity} ${created.unit} of ${created.sku} at ${created.location}, release ${created.release_date}, due ${created.due_date}. Release it with: leanstock production release ${created.number}`,
              describeProductionOrder(created),
            ].join('\n\n'),
          );
        });
      },
    );

  production
    .command('list')
    .description('Production orders, newest first')
    .option('--status <status>', 'planned, released, completed or cancelled (comma-separated)')
    .option('--sku <sku>', 'only this item')
    .option('--customer-order <number>', 'only those created for this customer order (SO-000001)')
    .option('--limit <n>', 'how many', '50')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        options: Common & { status?: string; sku?: string; customerOrder?: string; limit: string; cursor?: string },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listProductionOrders(database, {
            ...(options.status && { status: options.status }),
            ...(options.sku && { sku: options.sku }),
            ...(options.customerOrder && { customer_order: orderNumber(options.customerOrder) }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: wholeNumber(options.limit, 'limit'),
          });
          printPage(
            deps,
            options.json,
            page,
            'production list',
            () =>
              options.status || options.sku || options.customerOrder
                ? 'No production orders match.'
                : 'No production orders yet. Confirming a customer order plans them, or: leanstock production create SKU --location L --quantity Q --due YYYY-MM-DD',
            (orders) =>
              formatTable(
                ['order', 'sku', 'location', 'quantity', 'made', 'scrapped', 'status', 'release', 'due', 'for'],
                orders.map((order) => [
                  order.number,
                  order.sku,
                  order.location,
                  `${order.quantity} ${order.unit}`,
                  order.completed,
                  order.scrapped,
                  order.status,
                  order.release_date,
                  order.due_date,
                  order.customer_order ?? '',
                ]),
              ),
          );
        });
      },
    );

  production
    .command('show <number>')
    .description('One production order with its components: required, allocated, backordered, issued')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common) => {
      await withDatabase(deps, options.db, async (database) => {
        const order = await getProductionOrder(database, moNumber(number));
        printResult(deps, options.json, order, () => describeProductionOrder(order));
      });
    });

  production
    .command('release <number>')
    .description('Release a planned order: allocate its components from available stock; the shortfall is backordered')
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common) => {
      await withDatabase(deps, options.db, async (database) => {
        const released = await releaseProductionOrder(database, moNumber(number), context(options.key));
        const short = released.components.filter((component) => component.backordered > 0);
        printResult(deps, options.json, released, () =>
          describeChange(
            released,
            short.length === 0
              ? `Released ${released.number}: every component is allocated.`
              : `Released ${released.number}: ${short.map((c) => `${c.backordered} ${c.unit} of ${c.sku}`).join(', ')} still to come (backordered).`,
          ),
        );
      });
    });

  production
    .command('report <number>')
    .description(
      'Report progress: issues the components for quantity + scrap, receives the good quantity, fills the customer orders waiting for it',
    )
    .requiredOption('--quantity <qty>', 'good quantity made')
    .option('--scrap <qty>', 'quantity scrapped while making it')
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common & { quantity: string; scrap?: string }) => {
      const body = {
        quantity: quantityArg(options.quantity, 'quantity'),
        ...(options.scrap !== undefined && { scrap: quantityArg(options.scrap, 'scrap') }),
      };
      await withDatabase(deps, options.db, async (database) => {
        const reported = await reportProduction(database, moNumber(number), body, context(options.key));
        printResult(deps, options.json, reported, () =>
          describeChange(
            reported,
            `Reported ${body.quantity} ${reported.unit} of ${reported.sku} made${body.scrap ? `, ${body.scrap} scrapped` : ''} on ${reported.number}; ${reported.open_quantity} still to make.`,
          ),
        );
      });
    });

  production
    .command('complete <number>')
    .description('Complete the order (default: the rest, good) and close it; allocations left over are released')
    .option('--quantity <qty>', 'good quantity of this last report (default: the rest)')
    .option('--scrap <qty>', 'quantity scrapped')
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common & { quantity?: string; scrap?: string }) => {
      const body = {
        ...(options.quantity !== undefined && { quantity: quantityArg(options.quantity, 'quantity') }),
        ...(options.scrap !== undefined && { scrap: quantityArg(options.scrap, 'scrap') }),
      };
      await withDatabase(deps, options.db, async (database) => {
        const completed = await completeProductionOrder(database, moNumber(number), body, context(options.key));
        printResult(deps, options.json, completed, () =>
          describeChange(
            completed,
            `Completed ${completed.number}: ${completed.completed} ${completed.unit} of ${completed.sku} made${completed.scrapped ? `, ${completed.scrapped} scrapped` : ''}.`,
          ),
        );
      });
    });

  production
    .command('cancel <number>')
    .description('Cancel a planned or released order: its component allocations and its on order are released')
    .option('--reason <text>', 'why')
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common & { reason?: string }) => {
      await withDatabase(deps, options.db, async (database) => {
        const cancelled = await cancelProductionOrder(
          database,
          moNumber(number),
          options.reason !== undefined ? { reason: options.reason } : {},
          context(options.key),
        );
        printResult(deps, options.json, cancelled, () =>
          describeChange(cancelled, `Cancelled ${cancelled.number}${options.reason ? `: ${options.reason}` : ''}.`),
        );
      });
    });
}

/** `MO-000001`, `MO-1` or `1` → `MO-000001`. */
function moNumber(text: string): string {
  return documentNumber(text, 'MO', 'production order', productionOrderNumber);
}

function describeChange(change: ProductionOrderChange, headline: string): string {
  return [headline, movementsText(change.movements), describeProductionOrder(change), triggeredText(change.triggered)]
    .filter(Boolean)
    .join('\n\n');
}

export function describeProductionOrder(order: ProductionOrderView): string {
  const head = [
    `${order.number}  ${order.sku} (${order.item_name})  ${order.status}${order.customer_order ? `  for ${order.customer_order}` : ''}`,
    `make ${order.quantity} ${order.unit} at ${order.location}: ${order.completed} made, ${order.scrapped} scrapped, ${order.open_quantity} open`,
    `release ${order.release_date}, due ${order.due_date}, BOM version ${order.bom_version}`,
    ...(order.note && order.note !== `for ${order.customer_order}` ? [`note: ${order.note}`] : []),
  ];
  const components = formatTable(
    ['component', 'location', 'per', 'scrap', 'required', 'allocated', 'backordered', 'issued'],
    order.components.map((component) => [
      component.sku,
      component.location,
      `${component.quantity_per} ${component.unit}`,
      component.scrap_factor > 0 ? `${+(component.scrap_factor * 100).toFixed(2)} %` : '',
      component.required,
      component.allocated,
      component.backordered,
      component.issued,
    ]),
  );
  return [head.join('\n'), components].join('\n\n');
}

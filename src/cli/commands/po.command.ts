import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../../services/context.js';
import { detectLeadTimeShiftsAfterReceipt } from '../../services/planning/lead-time-shift.service.js';
import { mailConfigFromEnv } from '../../services/purchasing/mailer.js';
import {
  cancelPurchaseOrder,
  closePurchaseOrder,
  confirmPurchaseOrder,
  getPurchaseOrder,
  listPurchaseOrders,
  type PurchaseOrderView,
  receivePurchaseOrder,
} from '../../services/purchasing/purchase-order.service.js';
import type { TriggerOutcome } from '../../services/purchasing/replenish.js';
import {
  buyerNameFromEnv,
  type EmailOutcome,
  emailPurchaseOrder,
  purchaseOrderPdf,
  sendAndMailPurchaseOrder,
} from '../../services/purchasing/send.service.js';
import { type CliDeps, cliActor, formatTable, printPage, printResult, withDatabase } from '../io.js';
import { describeShifts } from './lead-times.command.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

type Common = { db?: string; json?: boolean; key?: string };

/** `PO-000042` or `42`. */
function orderId(text: string): number {
  const match = /^(?:PO-)?0*(\d{1,15})$/i.exec(text.trim());
  if (!match || Number(match[1]) < 1) {
    throw new DomainError('LS_VALIDATION', `id: "${text}" is not a purchase order number (PO-000042 or 42)`, [
      { field: 'id', message: 'must be a purchase order number like PO-000042 or 42', value: text },
    ]);
  }
  return Number(match[1]);
}

export function registerPurchaseOrderCommands(program: Command, deps: CliDeps): void {
  const po = program
    .command('po')
    .description('Purchase orders: list, show, send, confirm, receive, close, cancel, pdf');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  po.command('list')
    .description('Purchase orders, newest first')
    .option(
      '--status <status>',
      'draft, sent, confirmed, partly_received, received, closed, cancelled or open (comma-separated)',
    )
    .option('--supplier <code>', 'only this supplier')
    .option('--sku <sku>', 'only orders with this item')
    .option('--limit <n>', 'how many', '50')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        options: Common & { status?: string; supplier?: string; sku?: string; limit: string; cursor?: string },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listPurchaseOrders(database, {
            ...(options.status && { status: options.status }),
            ...(options.supplier && { supplier: options.supplier }),
            ...(options.sku && { sku: options.sku }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          });
          printPage(
            deps,
            options.json,
            page,
            'po list',
            () =>
              options.status || options.supplier || options.sku
                ? 'No purchase orders match.'
                : 'No purchase orders yet. They are drafted the moment a movement takes an item to its reorder point (leanstock policy set SKU LOCATION --kind reorder_point ...).',
            (orders) => {
              const rows = orders.flatMap((order) =>
                order.lines.map((line, i) => [
                  i === 0 ? order.number : '',
                  i === 0 ? order.supplier : '',
                  i === 0 ? order.status : '',
                  line.sku,
                  line.location,
                  line.quantity,
                  line.received_quantity,
                  line.unit_price === null ? '' : line.unit_price,
                  i === 0 && order.total !== null ? `${order.total} ${order.currency}` : '',
                ]),
              );
              return formatTable(
                ['order', 'supplier', 'status', 'sku', 'location', 'quantity', 'received', 'unit price', 'total'],
                rows,
              );
            },
          );
        });
      },
    );

  po.command('show <id>')
    .description('One purchase order with its lines (id: PO-000042 or 42)')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, options: Common) => {
      await withDatabase(deps, options.db, async (database) => {
        const order = await getPurchaseOrder(database, orderId(id));
        printResult(deps, options.json, order, () => describeOrder(order));
      });
    });

  po.command('send <id>')
    .description('Send a draft; e-mails it with its PDF when LEANSTOCK_SMTP_URL is set and the supplier has an address')
    .option('--no-email', 'mark it sent without e-mailing')
    .option('--key <idempotency-key>', 'sending twice with the same key sends once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, options: Common & { email: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const settings = { mail: mailConfigFromEnv(deps.env), buyerName: buyerNameFromEnv(deps.env) };
        const sent = await sendAndMailPurchaseOrder(database, orderId(id), context(options.key), settings, {
          email: options.email,
        });
        printResult(
          deps,
          options.json,
          sent,
          () => `Sent ${sent.number} to ${sent.supplier}. ${emailLine(sent.email)}`,
        );
      });
    });

  po.command('email <id>')
    .description('E-mail a sent order to its supplier (again) with its PDF attached')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, options: Common) => {
      await withDatabase(deps, options.db, async (database) => {
        const settings = { mail: mailConfigFromEnv(deps.env), buyerName: buyerNameFromEnv(deps.env) };
        const mailed = await emailPurchaseOrder(database, orderId(id), context(), settings);
        printResult(deps, options.json, mailed, () => `${mailed.number}: ${emailLine(mailed.email)}`);
      });
    });

  po.command('confirm <id>')
    .description("Record the supplier's confirmation")
    .option('--promised <date>', 'promised delivery date, YYYY-MM-DD')
    .option('--key <idempotency-key>', 'idempotency key')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, options: Common & { promised?: string }) => {
      await withDatabase(deps, options.db, async (database) => {
        const order = await confirmPurchaseOrder(
          database,
          orderId(id),
          options.promised ? { promised_date: options.promised } : {},
          context(options.key),
        );
        printResult(
          deps,
          options.json,
          order,
          () => `Confirmed ${order.number}${order.promised_date ? `, promised for ${order.promised_date}` : ''}.`,
        );
      });
    });

  po.command('receive <id> [lines...]')
    .description(
      'Receive goods: SKU@LOCATION=QUANTITY[/REJECTED:REASON] per line, e.g. BOLT-M8@WS=100 or BOLT-M8@WS=95/5:bent; --all receives every open quantity',
    )
    .option('--all', 'receive what is still open on every line')
    .option('--key <idempotency-key>', 'receiving twice with the same key receives once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, lines: string[], options: Common & { all?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const number = orderId(id);
        let body: { lines: unknown[] };
        if (options.all) {
          const order = await getPurchaseOrder(database, number);
          body = {
            lines: order.lines
              .filter((line) => line.open_quantity > 0)
              .map((line) => ({ sku: line.sku, location: line.location, quantity: line.open_quantity })),
          };
        } else {
          body = { lines: lines.map(parseReceiptArgument) };
        }
        const ctx = context(options.key);
        const received = await receivePurchaseOrder(database, number, body, ctx);
        const shifts = await detectLeadTimeShiftsAfterReceipt(database, ctx, number, (error) =>
          deps.stderr(`lead-time shift detection: ${error instanceof Error ? error.message : String(error)}\n`),
        );
        printResult(deps, options.json, received, () =>
          [
            `${received.number} is ${received.status.replace('_', ' ')}.`,
            describeOrder(received),
            triggeredText(received.triggered),
            describeShifts(shifts),
          ]
            .filter(Boolean)
            .join('\n'),
        );
      });
    });

  po.command('close <id>')
    .description('Close a (partly) received order; what did not come leaves on order')
    .option('--key <idempotency-key>', 'idempotency key')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, options: Common) => {
      await withDatabase(deps, options.db, async (database) => {
        const ctx = context(options.key);
        const closed = await closePurchaseOrder(database, orderId(id), ctx);
        const shifts = await detectLeadTimeShiftsAfterReceipt(database, ctx, closed.id, (error) =>
          deps.stderr(`lead-time shift detection: ${error instanceof Error ? error.message : String(error)}\n`),
        );
        printResult(deps, options.json, closed, () =>
          [`Closed ${closed.number}.`, triggeredText(closed.triggered), describeShifts(shifts)]
            .filter(Boolean)
            .join('\n'),
        );
      });
    });

  po.command('cancel <id>')
    .description('Cancel an open order; the trigger re-evaluates its items at once')
    .option('--reason <text>', 'why')
    .option('--key <idempotency-key>', 'idempotency key')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, options: Common & { reason?: string }) => {
      await withDatabase(deps, options.db, async (database) => {
        const cancelled = await cancelPurchaseOrder(
          database,
          orderId(id),
          options.reason ? { reason: options.reason } : {},
          context(options.key),
        );
        printResult(deps, options.json, cancelled, () =>
          [`Cancelled ${cancelled.number}.`, triggeredText(cancelled.triggered)].filter(Boolean).join('\n'),
        );
      });
    });

  po.command('pdf <id>')
    .description('Write the purchase order as a PDF file')
    .option('-o, --output <file>', 'file to write (default PO-000042.pdf)')
    .option(...dbOption)
    .action(async (id: string, options: Common & { output?: string }) => {
      await withDatabase(deps, options.db, async (database) => {
        const number = orderId(id);
        const pdf = await purchaseOrderPdf(database, number, buyerNameFromEnv(deps.env));
        const file = options.output ?? `PO-${String(number).padStart(6, '0')}.pdf`;
        writeFileSync(file, pdf);
        deps.stdout(`Wrote ${file} (${pdf.length} bytes).\n`);
      });
    });
}

/** `BOLT-M8@WS=95/5:bent` → 95 accepted, 5 rejected because bent. */
function parseReceiptArgument(text: string) {
  const match = /^([^@=\s]+)@([^=\s]+)=([0-9.]+)(?:\/([0-9.]+):(.+))?$/.exec(text);
  if (!match) {
    throw new DomainError('LS_VALIDATION', `lines: "${text}" is not SKU@LOCATION=QUANTITY[/REJECTED:REASON]`, [
      { field: 'lines', message: 'each line is SKU@LOCATION=QUANTITY[/REJECTED:REASON]', value: text },
    ]);
  }
  const [, sku, location, quantity, rejected, reason] = match;
  return {
    sku,
    location,
    quantity: Number(quantity),
    ...(rejected !== undefined && { rejected_quantity: Number(rejected), reject_reason: reason }),
  };
}

function describeOrder(order: PurchaseOrderView): string {
  const head = [
    `${order.number}  ${order.supplier} (${order.supplier_name})  ${order.status}${order.collecting ? ' — collecting triggered lines' : ''}`,
    `created ${order.created_at}${order.sent_at ? `, sent ${order.sent_at}` : ''}${order.promised_date ? `, promised ${order.promised_date}` : ''}`,
  ];
  const table = formatTable(
    ['sku', 'location', 'quantity', 'received', 'open', 'unit price', 'total', 'why'],
    order.lines.map((line) => [
      line.sku,
      line.location,
      line.quantity,
      line.received_quantity,
      line.open_quantity,
      line.unit_price,
      line.line_total,
      line.origin,
    ]),
  );
  const total = order.total === null ? 'total unknown (a line has no price)' : `total ${order.total} ${order.currency}`;
  return [...head, table, total].join('\n');
}

function emailLine(email: EmailOutcome): string {
  switch (email.status) {
    case 'sent':
      return `E-mailed to ${email.to}.`;
    case 'not_configured':
      return 'Not e-mailed: set LEANSTOCK_SMTP_URL to e-mail orders.';
    case 'no_address':
      return 'Not e-mailed: the supplier has no e-mail address.';
    case 'skipped':
      return 'Not e-mailed (--no-email).';
    case 'failed':
      return `E-mail FAILED: ${email.error}. The order is sent; e-mail it again with: leanstock po email ID`;
  }
}

/** What the trigger did, one line each; empty when nothing. */
export function triggeredText(triggered: TriggerOutcome[]): string {
  return triggered
    .map((t) =>
      t.kind === 'order_line'
        ? `Ordered ${t.quantity} of ${t.sku} at ${t.location} on ${t.purchase_order} (${t.supplier}): ${t.explanation}`
        : `${t.sku} at ${t.location} needs review: ${t.message}`,
    )
    .join('\n');
}

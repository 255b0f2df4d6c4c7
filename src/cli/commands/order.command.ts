import type { Command } from 'commander';
import { DomainError } from '../../domain/errors.js';
import { QUANTITY_SCALE, toQuantity } from '../../domain/quantity.js';
import type { ServiceContext } from '../../services/context.js';
import type { MovementView } from '../../services/ledger.service.js';
import {
  type CustomerOrderOutcome,
  type CustomerOrderSummary,
  type CustomerOrderView,
  cancelCustomerOrder,
  changeCustomerOrder,
  confirmCustomerOrder,
  createCustomerOrder,
  customerOrderNumber,
  getCustomerOrder,
  listCustomerOrders,
  type OrderSupplyView,
  type PegView,
  shipCustomerOrder,
} from '../../services/production/customer-order.service.js';
import { collect, documentNumber, quantityArg, wholeNumber } from '../args.js';
import { type CliDeps, cliActor, formatTable, printPage, printResult, withDatabase } from '../io.js';
import { triggeredText } from './po.command.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;
const keyOption = ['--key <idempotency-key>', 'running it twice with the same key acts once'] as const;

type Common = { db?: string; json?: boolean; key?: string };

export function registerOrderCommands(program: Command, deps: CliDeps): void {
  const order = program
    .command('order')
    .description(
      'Customer orders (make to order): create, confirm, show, list, change, cancel, ship. Confirming explodes the BOM and orders what is missing',
    );
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  order
    .command('create')
    .description(
      'Create a customer order (a draft; --confirm confirms it at once), e.g. order create --customer BISTRO --line TABLE-OAK:WS:2:2026-07-15 --confirm',
    )
    .requiredOption('--customer <code>', 'customer code')
    .option(
      '--line <SKU:LOCATION:QTY[:YYYY-MM-DD]>',
      'one line: item, location, quantity and optionally its requested date (repeatable)',
      collect,
      [] as string[],
    )
    .option('--requested-date <date>', "the order's requested date, YYYY-MM-DD (the default of its lines)")
    .option('--note <text>', 'a note on the order')
    .option('--confirm', 'confirm it in the same transaction')
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        options: Common & {
          customer: string;
          line: string[];
          requestedDate?: string;
          note?: string;
          confirm?: boolean;
        },
      ) => {
        const body = {
          customer: options.customer,
          ...(options.requestedDate !== undefined && { requested_date: options.requestedDate }),
          ...(options.note !== undefined && { note: options.note }),
          ...(options.confirm && { confirm: true }),
          lines: options.line.map((text, index) => parseOrderLine(text, index)),
        };
        await withDatabase(deps, options.db, async (database) => {
          const created = await createCustomerOrder(database, body, context(options.key));
          printResult(deps, options.json, created, () =>
            [
              created.status === 'confirmed'
                ? `Created and confirmed ${created.number} for ${created.customer}: ${promiseSentence(created)}`
                : `Created ${created.number} for ${created.customer} (draft, ${plural(created.lines.length, 'line')}). Confirm it with: leanstock order confirm ${created.number}`,
              describeOrder(created),
              describeOutcome(created, true),
            ]
              .filter(Boolean)
              .join('\n\n'),
          );
        });
      },
    );

  order
    .command('confirm <number>')
    .description(
      'Confirm a draft: explode every line level by level, net against stock and open supply, create purchase lines and production orders offset by lead time, and promise a date',
    )
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common) => {
      await withDatabase(deps, options.db, async (database) => {
        const confirmed = await confirmCustomerOrder(database, orderNumber(number), context(options.key));
        printResult(deps, options.json, confirmed, () =>
          [
            `Confirmed ${confirmed.number}: ${promiseSentence(confirmed)}`,
            describeOrder(confirmed),
            describeOutcome(confirmed, true),
          ]
            .filter(Boolean)
            .join('\n\n'),
        );
      });
    });

  order
    .command('show <number>')
    .description(
      'One customer order: lines, promised date, late risk, the supplies it set in motion with their release and due dates, and the pegging tree',
    )
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common) => {
      await withDatabase(deps, options.db, async (database) => {
        const view = await getCustomerOrder(database, orderNumber(number));
        printResult(deps, options.json, view, () => describeOrder(view));
      });
    });

  order
    .command('list')
    .description('Customer orders, newest first')
    .option('--status <status>', 'draft, confirmed, shipped or cancelled (comma-separated)')
    .option('--customer <code>', 'only this customer')
    .option('--late-risk', 'only orders at risk of being late')
    .option('--limit <n>', 'how many', '50')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        options: Common & { status?: string; customer?: string; lateRisk?: boolean; limit: string; cursor?: string },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listCustomerOrders(database, {
            ...(options.status && { status: options.status }),
            ...(options.customer && { customer: options.customer }),
            ...(options.lateRisk && { late_risk: true }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: wholeNumber(options.limit, 'limit'),
          });
          printPage(
            deps,
            options.json,
            page,
            'order list',
            () =>
              options.status || options.customer || options.lateRisk
                ? 'No customer orders match.'
                : 'No customer orders yet. Create one with: leanstock order create --customer CODE --line SKU:LOCATION:QTY',
            listTable,
          );
        });
      },
    );

  order
    .command('change <number>')
    .description(
      'Change lines: --line LINE_NO:QTY[:YYYY-MM-DD] (QTY may be left empty to change only the date, 2::2026-08-01); a confirmed order is re-exploded and only what was created for it is adjusted',
    )
    .option('--line <LINE_NO:QTY[:YYYY-MM-DD]>', 'a line to change (repeatable)', collect, [] as string[])
    .option('--requested-date <date>', "the order's requested date, YYYY-MM-DD")
    .option('--note <text>', 'the note')
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common & { line: string[]; requestedDate?: string; note?: string }) => {
      const body = {
        ...(options.line.length > 0 && { lines: options.line.map((text, index) => parseLineChange(text, index)) }),
        ...(options.requestedDate !== undefined && { requested_date: options.requestedDate }),
        ...(options.note !== undefined && { note: options.note }),
      };
      if (Object.keys(body).length === 0) {
        throw new DomainError('LS_VALIDATION', 'lines: nothing to change; give --line LINE_NO:QTY[:DATE]', [
          { field: 'lines', message: 'nothing to change; give --line LINE_NO:QTY[:DATE], --requested-date or --note' },
        ]);
      }
      await withDatabase(deps, options.db, async (database) => {
        const changed = await changeCustomerOrder(database, orderNumber(number), body, context(options.key));
        printResult(deps, options.json, changed, () =>
          [
            `Changed ${changed.number}${changed.status === 'confirmed' ? `: ${promiseSentence(changed)}` : '.'}`,
            describeOrder(changed, false),
            describeOutcome(changed, true),
          ]
            .filter(Boolean)
            .join('\n\n'),
        );
      });
    });

  order
    .command('cancel <number>')
    .description('Cancel an order: what confirming created is taken back, its allocations released')
    .requiredOption('--reason <text>', 'why')
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common & { reason: string }) => {
      await withDatabase(deps, options.db, async (database) => {
        const cancelled = await cancelCustomerOrder(
          database,
          orderNumber(number),
          { reason: options.reason },
          context(options.key),
        );
        printResult(deps, options.json, cancelled, () =>
          [`Cancelled ${cancelled.number}: ${options.reason}`, describeOutcome(cancelled)].filter(Boolean).join('\n\n'),
        );
      });
    });

  order
    .command('ship <number>')
    .description('Ship allocated quantities as sale movements; default: everything allocated')
    .option('--line <LINE_NO:QTY>', 'ship only this much of a line (repeatable)', collect, [] as string[])
    .option(...keyOption)
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (number: string, options: Common & { line: string[] }) => {
      const body = options.line.length > 0 ? { lines: options.line.map((text, i) => parseShipLine(text, i)) } : {};
      await withDatabase(deps, options.db, async (database) => {
        const shipped = await shipCustomerOrder(database, orderNumber(number), body, context(options.key));
        printResult(deps, options.json, shipped, () =>
          [
            `${shipped.number} is ${shipped.status === 'shipped' ? 'shipped' : 'partly shipped'}.`,
            movementsText(shipped.movements),
            describeOrder(shipped),
          ]
            .filter(Boolean)
            .join('\n\n'),
        );
      });
    });
}

/** `SO-000001`, `SO-1` or `1` → `SO-000001`. */
export function orderNumber(text: string): string {
  return documentNumber(text, 'SO', 'customer order', customerOrderNumber);
}

function lineFormatError(field: string, format: string, text: string): DomainError {
  return new DomainError('LS_VALIDATION', `${field}: "${text}" is not ${format}`, [
    { field, message: `must be ${format}`, value: text },
  ]);
}

/** `TABLE-OAK:WS:2:2026-07-15` → { sku, location, quantity, requested_date }. */
function parseOrderLine(text: string, index: number) {
  const field = `lines[${index}]`;
  const parts = text.split(':');
  if (parts.length < 3 || parts.length > 4 || parts.some((part) => part.trim() === '')) {
    throw lineFormatError(field, 'SKU:LOCATION:QTY[:YYYY-MM-DD]', text);
  }
  const [sku, location, quantity, date] = parts as [string, string, string, string | undefined];
  return {
    sku,
    location,
    quantity: quantityArg(quantity, `${field}.quantity`),
    ...(date !== undefined && { requested_date: date }),
  };
}

/** `2:15`, `2:15:2026-08-01` or `2::2026-08-01` → { line_no, quantity?, requested_date? }. */
function parseLineChange(text: string, index: number) {
  const field = `lines[${index}]`;
  const parts = text.split(':');
  const [lineNo, quantity, date] = parts as [string, string | undefined, string | undefined];
  if (parts.length < 2 || parts.length > 3 || (!quantity && !date)) {
    throw lineFormatError(field, 'LINE_NO:QTY[:YYYY-MM-DD]', text);
  }
  return {
    line_no: wholeNumber(lineNo, `${field}.line_no`),
    ...(quantity && { quantity: quantityArg(quantity, `${field}.quantity`) }),
    ...(date && { requested_date: date }),
  };
}

/** `1:5` → { line_no: 1, quantity: 5 }. */
function parseShipLine(text: string, index: number) {
  const field = `lines[${index}]`;
  const parts = text.split(':');
  if (parts.length !== 2) throw lineFormatError(field, 'LINE_NO:QTY', text);
  return {
    line_no: wholeNumber(parts[0]!, `${field}.line_no`),
    quantity: quantityArg(parts[1]!, `${field}.quantity`),
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "promised 2026-07-17, 2 days after the requested 2026-07-15." */
function promiseSentence(view: CustomerOrderView): string {
  if (!view.promised_date) return 'no date could be promised (see the notes).';
  const requested = view.requested_date ?? earliest(view.lines.map((line) => line.requested_date));
  if (!requested || requested === view.promised_date) return `promised ${view.promised_date}, as requested.`;
  const days = daysBetween(requested, view.promised_date);
  return days > 0
    ? `promised ${view.promised_date}, ${plural(days, 'day')} after the requested ${requested}.`
    : `promised ${view.promised_date} (requested ${requested}).`;
}

function earliest(dates: string[]): string | undefined {
  return [...dates].sort()[0];
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** An ISO instant as "2026-11-24 23:57 UTC". */
function instant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const withUnit = (quantity: number, unit: string) => `${quantity} ${unit}`;

/** The whole order for a person: head, lines, supplies and the pegging tree. */
export function describeOrder(view: CustomerOrderView, showTakenBack = true): string {
  const head = [
    `${view.number}  ${view.customer} (${view.customer_name})  ${view.status}`,
    [
      view.requested_date && `requested ${view.requested_date}`,
      view.promised_date && `promised ${view.promised_date}`,
      view.confirmed_at && `confirmed ${instant(view.confirmed_at)}`,
      view.shipped_at && `shipped ${instant(view.shipped_at)}`,
      view.cancelled_at &&
        `cancelled ${instant(view.cancelled_at)}${view.cancel_reason ? `: ${view.cancel_reason}` : ''}`,
    ]
      .filter(Boolean)
      .join(', '),
    ...(view.late_risk ? [`LATE RISK: ${view.late_risk_note ?? 'a supply it waits for slipped'}`] : []),
    ...(view.note ? [`note: ${view.note}`] : []),
  ].filter(Boolean);
  const lines = formatTable(
    ['line', 'sku', 'location', 'quantity', 'requested', 'promised', 'allocated', 'backordered', 'shipped'],
    view.lines.map((line) => [
      line.line_no,
      line.sku,
      line.location,
      withUnit(line.quantity, line.unit),
      line.requested_date,
      line.promised_date ?? '',
      line.allocated,
      line.backordered,
      line.shipped,
    ]),
  );
  const parts = [head.join('\n'), lines];
  const live = withPlannedDates(view).filter((supply) => !supply.cancelled);
  if (live.length > 0) parts.push(`Set in motion:\n${suppliesTable(live)}`);
  const takenBack = view.supplies.filter((supply) => supply.cancelled);
  if (takenBack.length > 0 && showTakenBack) {
    parts.push(
      `Taken back: ${takenBack.map((supply) => `${supply.number} (${supply.quantity}${supply.sku ? ` ${supply.sku}` : ''})`).join(', ')}`,
    );
  }
  if (view.pegging.length > 0) parts.push(`Pegging (which supply serves which demand):\n${peggingTree(view)}`);
  return parts.join('\n\n');
}

/**
 * A draft purchase line has no expected date until it is sent: its due date is the date its pegs count on, marked
 * "(planned)".
 */
function withPlannedDates(view: Pick<CustomerOrderView, 'supplies'>): OrderSupplyView[] {
  return view.supplies.map((supply) =>
    supply.kind === 'purchase_order_line' && supply.status === 'draft' && supply.due_date !== null
      ? { ...supply, due_date: `${supply.due_date} (planned)` }
      : supply,
  );
}

function suppliesTable(supplies: OrderSupplyView[]): string {
  return formatTable(
    ['supply', 'sku', 'location', 'quantity', 'release', 'due', 'status'],
    supplies.map((supply) => [
      supply.number,
      supply.sku,
      supply.location,
      supply.quantity,
      supply.release_date ?? '',
      supply.due_date ?? '',
      supply.cancelled ? `taken back (${supply.status})` : supply.status,
    ]),
  );
}

/**
 * Pegs as a tree: each order line, then under a peg served by a production order the pegs of that order's
 * components, indented one step per level.
 */
export function peggingTree(view: Pick<CustomerOrderView, 'pegging'>): string {
  const pegs = mergePegs(view.pegging);
  const byDemand = new Map<string, PegView[]>();
  for (const peg of pegs) {
    const list = byDemand.get(peg.demand.ref) ?? [];
    list.push(peg);
    byDemand.set(peg.demand.ref, list);
  }
  const rows: Array<Array<string | number>> = [];
  const shown = new Set<PegView>();
  const visit = (peg: PegView, depth: number) => {
    if (shown.has(peg)) return;
    shown.add(peg);
    rows.push([
      `${'  '.repeat(depth)}${peg.sku}`,
      peg.unit ? withUnit(peg.quantity, peg.unit) : peg.quantity,
      peg.need_date,
      peg.demand.ref,
      peg.supply.ref ?? 'stock',
      peg.supply.date,
      peg.status,
    ]);
    if (peg.supply.kind === 'production_order' && peg.supply.ref) {
      for (const child of byDemand.get(peg.supply.ref) ?? []) visit(child, depth + 1);
    }
  };
  for (const peg of pegs) if (peg.demand.kind === 'customer_order_line') visit(peg, 0);
  // A component peg whose production order serves no line of this order still shows, at its level.
  for (const peg of pegs) visit(peg, peg.level);
  return formatTable(['item', 'quantity', 'need', 'for', 'supply', 'supply date', 'status'], rows);
}

/** Pegs split by partial reports or fills that say the same thing become one row with their quantities summed. */
function mergePegs(pegs: readonly PegView[]): PegView[] {
  const merged = new Map<string, { peg: PegView; milli: number }>();
  for (const peg of pegs) {
    const key = JSON.stringify([
      peg.level,
      peg.sku,
      peg.location,
      peg.need_date,
      peg.demand.ref,
      peg.supply.kind,
      peg.supply.ref,
      peg.supply.date,
      peg.status,
    ]);
    const entry = merged.get(key);
    const milli = Math.round(peg.quantity * QUANTITY_SCALE);
    if (entry) entry.milli += milli;
    else merged.set(key, { peg, milli });
  }
  return [...merged.values()].map(({ peg, milli }) => ({ ...peg, quantity: toQuantity(milli) }));
}

function listTable(orders: CustomerOrderSummary[]): string {
  return formatTable(
    ['order', 'customer', 'status', 'requested', 'promised', 'late risk', 'lines'],
    orders.map((order) => [
      order.number,
      order.customer,
      order.status,
      order.requested_date ?? earliest(order.lines.map((line) => line.requested_date)) ?? '',
      order.promised_date ?? '',
      order.late_risk ? 'LATE RISK' : '',
      order.lines.map((line) => `${line.sku} × ${withUnit(line.quantity, line.unit)}`).join(', '),
    ]),
  );
}

/**
 * What a write did: supplies created (unless `createdShown`: a first confirmation's are the order's supplies) and
 * taken back, what was left alone, what the trigger did.
 */
export function describeOutcome(outcome: CustomerOrderOutcome, createdShown = false): string {
  const parts: string[] = [];
  if (outcome.created.length > 0 && !createdShown) {
    const created = withPlannedDates({ supplies: outcome.created });
    parts.push(`Created or added to:\n${suppliesTable(created)}`);
  }
  if (outcome.withdrawn.length > 0) parts.push(`Taken back now:\n${suppliesTable(outcome.withdrawn)}`);
  if (outcome.notes.length > 0) parts.push(outcome.notes.map((note) => `Note: ${note}`).join('\n'));
  const triggered = triggeredText(outcome.triggered);
  if (triggered) parts.push(triggered);
  return parts.join('\n\n');
}

/** Posted movements, one per line: "sale 2 TABLE-OAK at WS (on hand −2)". */
export function movementsText(movements: MovementView[]): string {
  if (movements.length === 0) return '';
  return formatTable(
    ['movement', 'type', 'sku', 'location', 'quantity', 'reference'],
    movements.map((movement) => [
      movement.id,
      movement.type,
      movement.sku,
      movement.location,
      movement.on_hand_change > 0 ? `+${movement.on_hand_change}` : movement.on_hand_change,
      movement.reference ?? '',
    ]),
  );
}

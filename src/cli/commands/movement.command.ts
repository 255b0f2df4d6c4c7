import type { Command } from 'commander';
import { postMovements, reverseMovement } from '../../services/ledger.service.js';
import { listMovements, listStock } from '../../services/stock.service.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';
import { triggeredText } from './po.command.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;

export function registerMovementCommands(program: Command, deps: CliDeps): void {
  const move = program
    .command('move')
    .description('Record a stock movement: receipt, issue, sale, adjustment, count, scrap, transfer');
  for (const type of ['receipt', 'issue', 'sale', 'adjustment', 'count', 'scrap'] as const) {
    move
      .command(`${type} <sku> <location> <quantity>`)
      .description(
        type === 'count'
          ? 'Record a counted quantity; the ledger holds the difference'
          : type === 'adjustment'
            ? 'Adjust on hand by a signed quantity (e.g. -2)'
            : type === 'issue'
              ? 'Record an issue (consumption)'
              : `Record a ${type}`,
      )
      .option('--reason <text>', 'why')
      .option('--reference <doc>', 'source document')
      .option('--at <iso>', 'when it happened (default now)')
      .option('--key <idempotency-key>', 'posting twice with the same key records once')
      .option(...dbOption)
      .option('--json', 'machine-readable output')
      .action(async (sku: string, location: string, quantity: string, options: MoveOptions) => {
        await postOne(deps, options, { type, sku, location, quantity: Number(quantity) });
      });
  }
  move
    .command('transfer <sku> <from> <to> <quantity>')
    .description('Move stock between locations (one document, out and in)')
    .option('--reason <text>', 'why')
    .option('--reference <doc>', 'source document')
    .option('--key <idempotency-key>', 'posting twice with the same key records once')
    .option(...dbOption)
    .option('--json', 'machine-readable output')
    .action(async (sku: string, from: string, to: string, quantity: string, options: MoveOptions) => {
      await postOne(deps, options, { type: 'transfer', sku, from, to, quantity: Number(quantity) });
    });
  move
    .command('reverse <movement-id>')
    .description('Reverse a movement; the original stays in the ledger')
    .requiredOption('--reason <text>', 'why the movement was wrong')
    .option(...dbOption)
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: MoveOptions) => {
      await withDatabase(deps, options.db, async (database) => {
        const outcome = await reverseMovement(
          database,
          Number(id),
          { reason: options.reason },
          {
            actor: cliActor(deps),
            now: deps.now(),
          },
        );
        printResult(deps, options.json, outcome, () => describeOutcome(outcome));
      });
    });

  program
    .command('movements')
    .description('List movements, oldest first')
    .option('--sku <sku>')
    .option('--location <code>')
    .option('--type <type>')
    .option('--limit <n>', 'how many', '100')
    .option(...dbOption)
    .option('--json', 'machine-readable output')
    .action(
      async (options: {
        sku?: string;
        location?: string;
        type?: string;
        limit: string;
        db?: string;
        json?: boolean;
      }) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listMovements(database, {
            ...(options.sku && { sku: options.sku }),
            ...(options.location && { location: options.location }),
            ...(options.type && { type: options.type }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () =>
            page.data.length === 0
              ? 'No movements yet. Record one with: leanstock move receipt SKU LOCATION QUANTITY'
              : formatTable(
                  ['id', 'occurred at', 'type', 'sku', 'location', 'change', 'reason'],
                  page.data.map((m) => [m.id, m.occurred_at, m.type, m.sku, m.location, m.on_hand_change, m.reason]),
                ),
          );
        });
      },
    );

  program
    .command('stock')
    .description('Balances per item and location: on hand, allocated, on order, available, inventory position')
    .option('--sku <sku>')
    .option('--location <code>')
    .option('--as-of <iso>', 'on hand as of this instant')
    .option('--limit <n>', 'how many', '1000')
    .option(...dbOption)
    .option('--json', 'machine-readable output')
    .action(
      async (options: {
        sku?: string;
        location?: string;
        asOf?: string;
        limit: string;
        db?: string;
        json?: boolean;
      }) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listStock(database, {
            ...(options.sku && { sku: options.sku }),
            ...(options.location && { location: options.location }),
            ...(options.asOf && { asOf: options.asOf }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () =>
            page.data.length === 0
              ? 'No stock recorded yet.'
              : formatTable(
                  ['sku', 'location', 'on hand', 'allocated', 'on order', 'backordered', 'available', 'position'],
                  page.data.map((b) => [
                    b.sku,
                    b.location,
                    b.on_hand,
                    b.allocated,
                    b.on_order,
                    b.backordered,
                    b.available,
                    b.inventory_position,
                  ]),
                ),
          );
        });
      },
    );
}

type MoveOptions = { reason?: string; reference?: string; at?: string; key?: string; db?: string; json?: boolean };

async function postOne(deps: CliDeps, options: MoveOptions, movement: Record<string, unknown>): Promise<void> {
  await withDatabase(deps, options.db, async (database) => {
    const [outcome] = await postMovements(
      database,
      [
        {
          ...movement,
          ...(options.reason && { reason: options.reason }),
          ...(options.reference && { reference: options.reference }),
          ...(options.at && { occurred_at: options.at }),
          ...(options.key && { idempotency_key: options.key }),
        },
      ],
      { actor: cliActor(deps), now: deps.now() },
    );
    printResult(deps, options.json, outcome, () => describeOutcome(outcome!));
  });
}

function describeOutcome(outcome: Awaited<ReturnType<typeof postMovements>>[number]): string {
  const lines = outcome.movements.map(
    (m) =>
      `${outcome.replayed ? 'already recorded' : 'recorded'} #${m.id} ${m.type} ${m.sku} @ ${m.location}: ${m.on_hand_change > 0 ? '+' : ''}${m.on_hand_change}`,
  );
  for (const b of outcome.balances) {
    lines.push(
      `  ${b.sku} @ ${b.location}: on hand ${b.on_hand}, available ${b.available}, position ${b.inventory_position}`,
    );
  }
  const triggered = triggeredText(outcome.triggered);
  if (triggered) lines.push(triggered);
  return lines.join('\n');
}

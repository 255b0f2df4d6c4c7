import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { kanbanCardUrl, kanbanSheetFileName, renderKanbanLabelsPdf } from '../../documents/kanban-labels.js';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../../services/context.js';
import {
  getKanbanLoop,
  type KanbanLoopView,
  type KanbanSignalResult,
  kanbanLabelsOfLoop,
  listKanbanLoops,
  signalCard,
} from '../../services/kanban/kanban.service.js';
import { checkPublicUrl, publicUrlFromEnv } from '../../services/kanban/public-url.js';
import type { Database } from '../../store/database.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

export function registerKanbanCommands(program: Command, deps: CliDeps): void {
  const kanban = program
    .command('kanban')
    .description('Kanban loops and cards: list, show cards, print labels, signal a card');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  kanban
    .command('loops')
    .description('List kanban loops (a kanban policy creates one per item and location) with their card states')
    .option('--sku <sku>', 'only this item')
    .option('--location <code>', 'only this location')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (options: {
        sku?: string;
        location?: string;
        limit: string;
        cursor?: string;
        db?: string;
        json?: boolean;
      }) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listKanbanLoops(database, {
            ...(options.sku && { sku: options.sku }),
            ...(options.location && { location: options.location }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () => {
            if (page.data.length === 0) {
              return options.sku || options.location || options.cursor
                ? 'No kanban loops match.'
                : 'No kanban loops yet. Create one with: leanstock policy set SKU LOCATION --kind kanban --cards 3 --container-quantity 50';
            }
            const table = formatTable(
              ['id', 'sku', 'location', 'container', 'supplier', 'cards', 'states', 'active'],
              page.data.map((loop) => [
                loop.id,
                loop.sku,
                loop.location,
                `${loop.container_quantity} ${loop.unit}`,
                loop.orders_from?.code ?? '(none usable)',
                loop.cards.length,
                statesOf(loop),
                loop.active ? 'yes' : 'no',
              ]),
            );
            return page.next_cursor ? `${table}\nMore: leanstock kanban loops --cursor ${page.next_cursor}` : table;
          });
        });
      },
    );

  kanban
    .command('cards <loop>')
    .description('The cards of a loop, given by its id or as SKU@LOCATION, with their states and orders')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (loopArgument: string, options: { db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const loop = await findLoop(database, loopArgument);
        printResult(deps, options.json, loop, () => describeCards(loop));
      });
    });

  kanban
    .command('print <loop>')
    .description('Write the labels of a loop (id or SKU@LOCATION) as A4 sheets of 2 x 4 to a PDF file')
    .option('-o, --output <file.pdf>', 'the PDF file to write (default kanban-<sku>-<location>.pdf)')
    .option(
      '--public-url <url>',
      'the address phones reach the server at, printed in the QR codes (default LEANSTOCK_PUBLIC_URL)',
    )
    .option(...dbOption)
    .action(async (loopArgument: string, options: { output?: string; publicUrl?: string; db?: string }) => {
      const base = publicBaseOf(deps, options.publicUrl);
      await withDatabase(deps, options.db, async (database) => {
        const found = await findLoop(database, loopArgument);
        const { loop, labels } = await kanbanLabelsOfLoop(database, found.id);
        const pdf = await renderKanbanLabelsPdf(
          labels.map((label) => ({ ...label, signal_url: kanbanCardUrl(base, label.card_id) })),
          {
            layout: 'sheet',
            title: `Kanban cards of ${loop.sku} at ${loop.location}`,
            createdAt: new Date(loop.updated_at),
          },
        );
        const file = resolve(options.output ?? kanbanSheetFileName(loop.sku, loop.location));
        writeFileSync(file, pdf);
        deps.stdout(
          `Wrote ${labels.length} label${labels.length === 1 ? '' : 's'} of ${loop.sku} at ${loop.location} to ${file}; the QR codes open ${kanbanCardUrl(base, '<card>')}.\n`,
        );
      });
    });

  kanban
    .command('signal <card>')
    .description('Signal a card: its container is empty, order one (a card already signalled is not ordered again)')
    .option('--key <idempotency-key>', 'signalling twice with the same key signals once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (cardId: string, options: { key?: string; db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const signalled = await signalCard(database, cardId, context(options.key));
        printResult(deps, options.json, signalled, () => describeSignal(signalled));
      });
    });
}

/** A loop by its id (digits) or as `SKU@LOCATION` (the last `@` splits, so a SKU may contain one). */
async function findLoop(database: Database, argument: string): Promise<KanbanLoopView> {
  if (/^\d+$/.test(argument)) return getKanbanLoop(database, Number(argument));
  const at = argument.lastIndexOf('@');
  if (at <= 0 || at === argument.length - 1) {
    throw new DomainError('LS_VALIDATION', `loop: "${argument}" is neither a loop id nor SKU@LOCATION`, [
      { field: 'loop', message: 'is neither a loop id nor SKU@LOCATION', value: argument },
    ]);
  }
  const page = await listKanbanLoops(database, { sku: argument.slice(0, at), location: argument.slice(at + 1) });
  const loop = page.data[0];
  if (!loop) {
    throw new DomainError('LS_NOT_FOUND', `loop: ${argument} has no kanban loop (its policy is not kanban)`, [
      { field: 'loop', message: 'no kanban loop for this item and location', value: argument },
    ]);
  }
  return loop;
}

function publicBaseOf(deps: CliDeps, option: string | undefined): string {
  if (option !== undefined) {
    try {
      return checkPublicUrl(option, '--public-url');
    } catch (error) {
      const message = (error as Error).message.replace(/^--public-url: /, '');
      throw new DomainError('LS_VALIDATION', `--public-url: ${message}`, [
        { field: '--public-url', message, value: option },
      ]);
    }
  }
  const configured = publicUrlFromEnv(deps.env);
  if (configured !== undefined) return configured;
  const fallback = `http://localhost:${deps.env['PORT'] || 3000}`;
  deps.stderr(
    `warning: neither --public-url nor LEANSTOCK_PUBLIC_URL is set; the QR codes open ${fallback}, which a phone cannot reach\n`,
  );
  return fallback;
}

function statesOf(loop: KanbanLoopView): string {
  return (['full', 'empty', 'ordered', 'in_transit'] as const)
    .map((state) => [state, loop.cards.filter((card) => card.state === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state.replace('_', ' ')}`)
    .join(', ');
}

function describeCards(loop: KanbanLoopView): string {
  const head = `${loop.sku} at ${loop.location}: ${loop.cards.length} card${loop.cards.length === 1 ? '' : 's'} of ${loop.container_quantity} ${loop.unit}, ordered from ${loop.orders_from?.code ?? '(no usable supplier)'}${loop.active ? '' : ' (inactive loop)'}`;
  const rows = [...loop.cards, ...loop.retired_cards].map((card) => [
    card.number,
    card.id,
    card.active ? card.state.replace('_', ' ') : `${card.state.replace('_', ' ')} (retired)`,
    card.purchase_order ?? '',
    card.signalled_at ?? '',
  ]);
  return rows.length === 0 ? head : `${head}\n${formatTable(['#', 'card', 'state', 'order', 'signalled'], rows)}`;
}

function describeSignal(result: KanbanSignalResult): string {
  const card = `Card ${result.number} of ${result.loop.cards} (${result.id}) of ${result.loop.sku} at ${result.loop.location}`;
  const lines = result.triggered.map((outcome) =>
    outcome.kind === 'order_line'
      ? `Ordered ${outcome.cards ?? 1} x ${result.loop.container_quantity} ${result.loop.unit} on ${outcome.purchase_order} from ${outcome.supplier}.`
      : `Not ordered: ${outcome.message}.`,
  );
  if (result.already_signalled) {
    const where = result.purchase_order ? `on ${result.purchase_order}` : 'not on an order yet';
    return [`${card} was already signalled (${result.state.replace('_', ' ')}, ${where}).`, ...lines].join('\n');
  }
  return [`${card} signalled empty.`, ...lines].join('\n');
}

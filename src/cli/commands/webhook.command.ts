import type { Command } from 'commander';
import type { ServiceContext } from '../../services/context.js';
import {
  currentEventPosition,
  type EventView,
  listEvents,
  parseEventFilter,
  parseEventId,
} from '../../services/events/event.service.js';
import { createEventFeed } from '../../services/events/event-feed.js';
import { splitPatterns } from '../../services/events/event-types.js';
import {
  createWebhook,
  listWebhookDeliveries,
  listWebhooks,
  removeWebhook,
  sendTestEvent,
  type WebhookDeliveryView,
} from '../../services/events/webhook.service.js';
import type { Database } from '../../store/database.js';
import { numberArgument } from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

type DbJson = { db?: string; json?: boolean };

export function registerWebhookCommands(program: Command, deps: CliDeps): void {
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });
  const webhook = program
    .command('webhook')
    .description('Webhooks: signed POSTs of domain events to a URL, with retries (docs/events.md)');

  webhook
    .command('add <url>')
    .description(
      'Subscribe a URL to events, e.g. leanstock webhook add https://erp.example.com/hook --events purchase_order.*,stock.below_reorder_point',
    )
    .requiredOption('--events <patterns>', 'comma-separated: *, event types, or prefixes such as purchase_order.*')
    .option('--secret <secret>', 'signing secret (16+ characters); generated when left out')
    .option('--description <text>', 'what the webhook is for')
    .option('--inactive', 'create it switched off')
    .option('--key <idempotency-key>', 'adding twice with the same key adds once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        url: string,
        options: DbJson & { events: string; secret?: string; description?: string; inactive?: boolean; key?: string },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const created = await createWebhook(
            database,
            {
              url,
              events: splitPatterns(options.events),
              ...(options.secret !== undefined && { secret: options.secret }),
              ...(options.description !== undefined && { description: options.description }),
              ...(options.inactive && { active: false }),
            },
            context(options.key),
          );
          printResult(
            deps,
            options.json,
            created,
            () =>
              `Added webhook ${created.id}${created.active ? '' : ' (inactive)'}: ${created.url} for ${created.events.join(', ')}.\n` +
              `Secret (shown only now; receivers verify Leanstock-Signature with it):\n  ${created.secret}`,
          );
        });
      },
    );

  webhook
    .command('list')
    .description('List webhooks')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (options: DbJson & { limit: string; cursor?: string }) => {
      await withDatabase(deps, options.db, async (database) => {
        const page = await listWebhooks(database, {
          limit: numberArgument(options.limit) as number,
          ...(options.cursor && { cursor: options.cursor }),
        });
        printResult(deps, options.json, page, () => {
          if (page.data.length === 0) {
            return 'No webhooks yet. Add one with: leanstock webhook add URL --events purchase_order.*';
          }
          const table = formatTable(
            ['id', 'url', 'events', 'active', 'description'],
            page.data.map((w) => [w.id, w.url, w.events.join(','), w.active ? 'yes' : 'no', w.description]),
          );
          return page.next_cursor ? `${table}\nMore: leanstock webhook list --cursor ${page.next_cursor}` : table;
        });
      });
    });

  webhook
    .command('remove <id>')
    .description('Delete a webhook and its delivery log')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, options: DbJson) => {
      await withDatabase(deps, options.db, async (database) => {
        const removed = await removeWebhook(database, id, context());
        printResult(deps, options.json, removed, () => `Removed webhook ${removed.id} (${removed.url}).`);
      });
    });

  webhook
    .command('deliveries <id>')
    .description('The delivery log of a webhook, newest first')
    .option('--status <status>', 'pending, delivered or failed')
    .option('--limit <n>', 'how many', '50')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, options: DbJson & { status?: string; limit: string; cursor?: string }) => {
      await withDatabase(deps, options.db, async (database) => {
        const page = await listWebhookDeliveries(database, id, {
          limit: numberArgument(options.limit) as number,
          ...(options.status && { status: options.status }),
          ...(options.cursor && { cursor: options.cursor }),
        });
        printResult(deps, options.json, page, () => {
          if (page.data.length === 0)
            return `No deliveries for webhook ${id}${options.status ? ` (${options.status})` : ''}.`;
          const table = formatDeliveries(page.data);
          return page.next_cursor
            ? `${table}\nMore: leanstock webhook deliveries ${id} --cursor ${page.next_cursor}`
            : table;
        });
      });
    });

  webhook
    .command('test <id>')
    .description('Send a webhook.test event to a webhook now and show the outcome')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (id: string, options: DbJson) => {
      await withDatabase(deps, options.db, async (database) => {
        const delivery = await sendTestEvent(database, id, context());
        printResult(deps, options.json, delivery, () =>
          delivery.status === 'delivered'
            ? `Delivered: the receiver answered ${delivery.last_status_code}.`
            : `Not delivered (${delivery.last_error}); retrying at ${delivery.next_attempt_at}.`,
        );
      });
    });

  program
    .command('events')
    .description('Domain events in id order; --follow keeps printing new ones as they are recorded')
    .option('--after <id>', 'only events after this event id')
    .option('--type <patterns>', 'comma-separated types or prefixes, e.g. purchase_order.*')
    .option('--limit <n>', 'how many (without --follow)', '100')
    .option('--follow', 'keep printing events as they come (from --after, else from now) until Ctrl-C')
    .option('--count <n>', 'with --follow: stop after this many events')
    .option(...dbOption)
    .option('--json', 'machine-readable output (with --follow: one JSON event per line)')
    .action(
      async (options: DbJson & { after?: string; type?: string; limit: string; follow?: boolean; count?: string }) => {
        await withDatabase(deps, options.db, async (database) => {
          if (options.follow) {
            await followEvents(database, deps, options);
            return;
          }
          const page = await listEvents(database, {
            now: deps.now(),
            limit: numberArgument(options.limit) as number,
            ...(options.after !== undefined && { after: options.after }),
            ...(options.type !== undefined && { type: options.type }),
          });
          printResult(deps, options.json, page, () => {
            if (page.data.length === 0) return 'No events.';
            const lines = page.data.map(formatEventLine).join('\n');
            const last = page.data.at(-1)!.id;
            return page.next_cursor ? `${lines}\nMore: leanstock events --after ${last}` : lines;
          });
        });
      },
    );
}

async function followEvents(
  database: Database,
  deps: CliDeps,
  options: { after?: string; type?: string; count?: string; json?: boolean },
): Promise<void> {
  const filter = parseEventFilter(options.type, 'type');
  const count = options.count === undefined ? undefined : parseEventId(options.count, 'count');
  const afterId =
    options.after === undefined
      ? await currentEventPosition(database, deps.now())
      : parseEventId(options.after, 'after');
  let failure: unknown;
  let printed = 0;
  const feed = createEventFeed(database, {
    clock: deps.now,
    onError: (error) => {
      failure = error;
      void feed.close();
    },
  });
  const stop = () => void feed.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The feed's timer is unref'd; this keeps the process alive while following.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    await new Promise<void>((resolve) => {
      feed.follow(
        { afterId, filter },
        (events) => {
          for (const event of events) {
            if (count !== undefined && printed >= count) break;
            deps.stdout(`${options.json ? JSON.stringify(event) : formatEventLine(event)}\n`);
            printed++;
          }
          if (count !== undefined && printed >= count) void feed.close();
        },
        resolve,
      );
      if (count === 0) void feed.close();
    });
  } finally {
    await feed.close();
    clearInterval(keepAlive);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (failure) throw failure;
}

function formatEventLine(event: EventView): string {
  return `#${event.id}  ${event.created_at}  ${event.type}  ${event.subject ?? '-'}  ${JSON.stringify(event.data)}`;
}

function formatDeliveries(deliveries: WebhookDeliveryView[]): string {
  return formatTable(
    ['id', 'event', 'type', 'status', 'attempts', 'last answer', 'next attempt / delivered'],
    deliveries.map((d) => [
      d.id,
      d.event_id,
      d.event_type,
      d.status,
      d.attempts,
      d.last_error ?? (d.last_status_code === null ? '' : `HTTP ${d.last_status_code}`),
      d.status === 'delivered' ? d.delivered_at : d.next_attempt_at,
    ]),
  );
}

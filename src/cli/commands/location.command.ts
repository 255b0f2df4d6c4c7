import type { Command } from 'commander';
import type { AuditEntry } from '../../services/audit.js';
import type { ServiceContext } from '../../services/context.js';
import {
  activateLocation,
  createLocation,
  deactivateLocation,
  getLocation,
  type LocationView,
  listLocationAudit,
  listLocations,
  updateLocation,
} from '../../services/location.service.js';
import { formatAudit, formatRecord, registerActivationCommands } from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

export function registerLocationCommands(program: Command, deps: CliDeps): void {
  const location = program
    .command('location')
    .description('Sites (with a time zone) and the bins inside them: add, show, list, update, deactivate');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  location
    .command('add <code> <name>')
    .description('Add a site, or with --parent a bin, e.g. leanstock location add WS-A1 "Rack A, shelf 1" --parent WS')
    .option('--parent <code>', 'the site or bin it is inside; without it the location is a site')
    .option('--time-zone <zone>', "IANA zone of a site, e.g. Europe/Berlin (default UTC); bins use their site's")
    .option('--inactive', 'add it deactivated')
    .option('--key <idempotency-key>', 'adding twice with the same key adds once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        code: string,
        name: string,
        options: { parent?: string; timeZone?: string; inactive?: boolean; key?: string; db?: string; json?: boolean },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const created = await createLocation(
            database,
            {
              code,
              name,
              ...(options.parent !== undefined && { parent: options.parent }),
              ...(options.timeZone !== undefined && { time_zone: options.timeZone }),
              active: options.inactive !== true,
            },
            context(options.key),
          );
          printResult(
            deps,
            options.json,
            created,
            () => `Added ${created.kind} ${created.code}.\n${describeLocation(created)}`,
          );
        });
      },
    );

  location
    .command('show <code>')
    .description('Show one location; --audit adds who changed it when')
    .option('--audit', 'also print the audit trail, newest first')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (code: string, options: { audit?: boolean; db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const shown = await getLocation(database, code);
        const audit: AuditEntry[] | undefined = options.audit ? await listLocationAudit(database, code) : undefined;
        printResult(deps, options.json, audit ? { ...shown, audit } : shown, () =>
          audit ? `${describeLocation(shown)}\n\n${formatAudit(audit)}` : describeLocation(shown),
        );
      });
    });

  location
    .command('list')
    .description('List locations by code')
    .option('--q <text>', 'text in code or name')
    .option('--kind <kind>', 'site or bin')
    .option('--site <code>', 'only this site and its bins')
    .option('--active', 'only active locations')
    .option('--inactive', 'only deactivated locations')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (options: {
        q?: string;
        kind?: string;
        site?: string;
        active?: boolean;
        inactive?: boolean;
        limit: string;
        cursor?: string;
        db?: string;
        json?: boolean;
      }) => {
        await withDatabase(deps, options.db, async (database) => {
          const filtered = Boolean(options.q || options.kind || options.site || options.active || options.inactive);
          const page = await listLocations(database, {
            ...(options.q && { q: options.q }),
            ...(options.kind && { kind: options.kind }),
            ...(options.site && { site: options.site }),
            ...(options.active && { active: true }),
            ...(options.inactive && { active: false }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () => {
            if (page.data.length === 0) {
              return filtered
                ? 'No locations match.'
                : 'No locations yet. Add a site with: leanstock location add CODE "NAME" --time-zone Europe/Berlin';
            }
            const table = formatTable(
              ['code', 'name', 'kind', 'parent', 'site', 'time zone', 'active'],
              page.data.map((l) => [l.code, l.name, l.kind, l.parent, l.site, l.time_zone, l.active ? 'yes' : 'no']),
            );
            return page.next_cursor ? `${table}\nMore: leanstock location list --cursor ${page.next_cursor}` : table;
          });
        });
      },
    );

  location
    .command('update <code>')
    .description('Change the given fields; --parent moves it with everything inside, --parent "" makes it a site')
    .option('--name <name>')
    .option('--parent <code>')
    .option('--time-zone <zone>')
    .option('--key <idempotency-key>', 'updating twice with the same key updates once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        code: string,
        options: { name?: string; parent?: string; timeZone?: string; key?: string; db?: string; json?: boolean },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const updated = await updateLocation(
            database,
            code,
            {
              ...(options.name !== undefined && { name: options.name }),
              ...(options.parent !== undefined && { parent: options.parent === '' ? null : options.parent }),
              ...(options.timeZone !== undefined && { time_zone: options.timeZone }),
            },
            context(options.key),
          );
          printResult(
            deps,
            options.json,
            updated,
            () => `Updated ${updated.kind} ${updated.code}.\n${describeLocation(updated)}`,
          );
        });
      },
    );

  registerActivationCommands(location, deps, {
    noun: 'location',
    key: 'code',
    deactivateHelp: 'Deactivate a location: its history stays, new movements are refused',
    deactivate: deactivateLocation,
    activate: activateLocation,
    context: () => context(),
    label: (changed) => changed.code,
  });
}

function describeLocation(location: LocationView): string {
  return formatRecord([
    ['code', location.code],
    ['name', location.name],
    ['kind', location.kind],
    ['parent', location.parent ?? '-'],
    ['site', location.site],
    ['time zone', location.time_zone],
    ['active', location.active ? 'yes' : 'no'],
    ['updated', location.updated_at],
  ]);
}

import type { Command } from 'commander';
import type { AuditEntry } from '../services/audit.js';
import type { ServiceContext } from '../services/context.js';
import type { Database } from '../store/database.js';
import { type CliDeps, formatTable, printResult, withDatabase } from './io.js';

/** A command-line number: "" clears (null), a plain decimal becomes a number, anything else passes through for the domain to name. */
export function numberArgument(value: string): number | string | null {
  if (value === '') return null;
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** yes/no, true/false, 1/0 in any case; anything else passes through for the domain to name. */
export function booleanArgument(value: string): boolean | string {
  const lower = value.toLowerCase();
  if (lower === 'yes' || lower === 'true' || lower === '1') return true;
  if (lower === 'no' || lower === 'false' || lower === '0') return false;
  return value;
}

/** One record as aligned "label  value" lines. */
export function formatRecord(pairs: Array<[string, string]>): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** An audit trail as a table: when, who, what, and the fields that changed. */
export function formatAudit(entries: AuditEntry[]): string {
  if (entries.length === 0) return 'No changes recorded.';
  return formatTable(
    ['at', 'actor', 'action', 'changed'],
    entries.map((entry) => [entry.at, entry.actor, entry.action, describeChange(entry.before, entry.after)]),
  );
}

function describeChange(before: unknown, after: unknown): string {
  if (before === null || typeof before !== 'object' || after === null || typeof after !== 'object') return '';
  const was = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  return Object.keys(now)
    .filter((key) => key !== 'updated_at' && JSON.stringify(was[key]) !== JSON.stringify(now[key]))
    .map((key) => `${key}: ${JSON.stringify(was[key])} → ${JSON.stringify(now[key])}`)
    .join(', ');
}

/**
 * Adds `deactivate <key>` and `activate <key>` to a catalogue command group (item, location,
 * supplier): the same options, the same confirmation, only the noun and the service differ.
 */
export function registerActivationCommands<T extends { active: boolean }>(
  group: Command,
  deps: CliDeps,
  spec: {
    noun: string;
    key: string;
    deactivateHelp: string;
    deactivate: (database: Database, key: string, ctx: ServiceContext) => Promise<T>;
    activate: (database: Database, key: string, ctx: ServiceContext) => Promise<T>;
    context: () => ServiceContext;
    label: (record: T) => string;
  },
): void {
  for (const action of ['deactivate', 'activate'] as const) {
    group
      .command(`${action} <${spec.key}>`)
      .description(action === 'deactivate' ? spec.deactivateHelp : `Activate a deactivated ${spec.noun}`)
      .option('--db <path-or-url>', 'SQLite file or postgres:// URL')
      .option('--json', 'machine-readable output')
      .action(async (key: string, options: { db?: string; json?: boolean }) => {
        await withDatabase(deps, options.db, async (database) => {
          const changed = await spec[action](database, key, spec.context());
          const noun = spec.noun[0]!.toUpperCase() + spec.noun.slice(1);
          printResult(
            deps,
            options.json,
            changed,
            () => `${noun} ${spec.label(changed)} is ${changed.active ? 'active' : 'deactivated'}.`,
          );
        });
      });
  }
}

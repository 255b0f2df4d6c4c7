import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { DomainError } from '../../domain/errors.js';
import type { ServiceContext } from '../../services/context.js';
import {
  type BomView,
  createBom,
  type ExplosionTreeView,
  explosionTree,
  getBom,
  listBoms,
} from '../../services/production/bom.service.js';
import { formatRecord, numberArgument } from '../catalogue-io.js';
import { type CliDeps, cliActor, formatTable, printResult, withDatabase } from '../io.js';

const dbOption = ['--db <path-or-url>', 'SQLite file or postgres:// URL'] as const;
const jsonOption = ['--json', 'machine-readable output'] as const;

type BomAddOptions = {
  leadTime?: string;
  line: string[];
  file?: string;
  version?: string;
  validFrom?: string;
  validTo?: string;
  note?: string;
  key?: string;
  db?: string;
  json?: boolean;
};

export function registerBomCommands(program: Command, deps: CliDeps): void {
  // `bom add|show --version N` is the BOM's version; without positional options the program's own --version
  // (print the CLI version) would take it wherever it stands on the command line.
  program.enablePositionalOptions();
  const bom = program.command('bom').description('Bills of materials: add, list, show, tree');
  const context = (key?: string): ServiceContext => ({ actor: cliActor(deps), now: deps.now(), idempotencyKey: key });

  bom
    .command('add <sku>')
    .description(
      'Add a BOM version of an item, e.g. leanstock bom add BIKE --lead-time 2 --line FRAME:1 --line WHEEL:2 --line PAINT:0.2:0.05 (COMPONENT:QUANTITY_PER[:SCRAP_FACTOR]), or --file bom.yaml with the body of POST /api/v1/boms',
    )
    .option('--lead-time <days>', 'days to build once the components are there')
    .option(
      '--line <component:qty-per[:scrap]>',
      'a component per unit of the item, scrap as a factor (0.05 = 5 %); repeat for each component',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--file <bom.yaml|bom.json>',
      'the whole BOM as YAML or JSON: lead_time_days, lines: [{sku, quantity_per, scrap_factor?, unit?}], ...',
    )
    .option('--version <n>', "version number; default the item's highest + 1")
    .option('--valid-from <date>', 'effective from this date on, YYYY-MM-DD')
    .option('--valid-to <date>', 'effective before this date, YYYY-MM-DD')
    .option('--note <text>')
    .option('--key <idempotency-key>', 'adding twice with the same key adds once')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (sku: string, options: BomAddOptions) => {
      const body = bomBodyOf(sku, options);
      await withDatabase(deps, options.db, async (database) => {
        const created = await createBom(database, body, context(options.key));
        printResult(
          deps,
          options.json,
          created,
          () => `Added BOM ${created.sku} version ${created.version}.\n${describeBom(created)}`,
        );
      });
    });

  bom
    .command('list [sku]')
    .description('List BOM versions by item and version, optionally of one item')
    .option('--limit <n>', 'how many', '100')
    .option('--cursor <cursor>', 'continue after the previous page')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (sku: string | undefined, options: { limit: string; cursor?: string; db?: string; json?: boolean }) => {
        await withDatabase(deps, options.db, async (database) => {
          const page = await listBoms(database, {
            ...(sku !== undefined && { sku }),
            ...(options.cursor && { cursor: options.cursor }),
            limit: Number(options.limit),
          });
          printResult(deps, options.json, page, () => {
            if (page.data.length === 0) {
              return sku === undefined && !options.cursor
                ? 'No BOMs yet. Add one with: leanstock bom add SKU --lead-time 2 --line COMPONENT:1'
                : 'No BOMs match.';
            }
            const table = formatTable(
              ['sku', 'version', 'valid from', 'valid to', 'lead time', 'lines', 'note'],
              page.data.map((b) => [
                b.sku,
                b.version,
                b.valid_from ?? '-',
                b.valid_to ?? '-',
                `${b.lead_time_days} d`,
                b.lines.length,
                b.note,
              ]),
            );
            return page.next_cursor ? `${table}\nMore: leanstock bom list --cursor ${page.next_cursor}` : table;
          });
        });
      },
    );

  bom
    .command('show <sku>')
    .description('Show the BOM version of an item effective today, on --date, or numbered --version')
    .option('--version <n>', 'this version')
    .option('--date <date>', 'the version effective on this date, YYYY-MM-DD')
    .option(...dbOption)
    .option(...jsonOption)
    .action(async (sku: string, options: { version?: string; date?: string; db?: string; json?: boolean }) => {
      await withDatabase(deps, options.db, async (database) => {
        const shown = await getBom(database, sku, { version: options.version, date: options.date }, deps.now());
        printResult(deps, options.json, shown, () => describeBom(shown));
      });
    });

  bom
    .command('tree <sku>')
    .description(
      'The indented requirement tree of a quantity of an item: gross requirement per component with scrap, lead time, and what is available at --location',
    )
    .option('--quantity <n>', 'of the item', '1')
    .option('--location <code>', 'show what is available there (on hand − allocated)')
    .option('--date <date>', 'explode through the BOM versions effective on this date; default today')
    .option(...dbOption)
    .option(...jsonOption)
    .action(
      async (
        sku: string,
        options: { quantity: string; location?: string; date?: string; db?: string; json?: boolean },
      ) => {
        await withDatabase(deps, options.db, async (database) => {
          const tree = await explosionTree(
            database,
            sku,
            { quantity: numberArgument(options.quantity) ?? '', date: options.date, location: options.location },
            deps.now(),
          );
          printResult(deps, options.json, tree, () => formatTree(tree));
        });
      },
    );
}

/** The body of POST /boms from the options: the file's content, or --lead-time and --line. */
function bomBodyOf(sku: string, options: BomAddOptions): Record<string, unknown> {
  const fields = {
    ...(options.version !== undefined && { version: numberArgument(options.version) }),
    ...(options.validFrom !== undefined && { valid_from: options.validFrom }),
    ...(options.validTo !== undefined && { valid_to: options.validTo }),
    ...(options.note !== undefined && { note: options.note }),
  };
  if (options.file !== undefined) {
    if (options.line.length > 0 || options.leadTime !== undefined) {
      throw refuse('--file', 'give the lines and lead time either in the file or as --line and --lead-time, not both');
    }
    const content = readBomFile(options.file);
    if (content.sku !== undefined && content.sku !== sku) {
      throw refuse('sku', `the file is a BOM of "${String(content.sku)}", not of "${sku}"`);
    }
    return { ...content, sku, ...fields };
  }
  return {
    sku,
    ...(options.leadTime !== undefined && { lead_time_days: numberArgument(options.leadTime) }),
    ...fields,
    lines: options.line.map(lineOf),
  };
}

/** "FRAME:1" or "PAINT:0.2:0.05": component, quantity per, optional scrap factor. */
function lineOf(text: string): Record<string, unknown> {
  const match = /^(.+?):([^:]*)(?::([^:]*))?$/.exec(text);
  if (!match) return { sku: text };
  return {
    sku: match[1],
    quantity_per: numberArgument(match[2]!),
    ...(match[3] !== undefined && { scrap_factor: numberArgument(match[3]) }),
  };
}

function readBomFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw refuse('--file', `cannot read ${file}: ${(error as Error).message}`);
  }
  let content: unknown;
  try {
    content = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw refuse(
      '--file',
      `${file} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw refuse('--file', `${file} must hold one BOM object (lead_time_days, lines, ...)`);
  }
  return content as Record<string, unknown>;
}

function refuse(field: string, message: string): DomainError {
  return new DomainError('LS_VALIDATION', `${field}: ${message}`, [{ field, message }]);
}

function describeBom(bom: BomView): string {
  const record = formatRecord([
    ['item', `${bom.sku} (${bom.name})`],
    ['version', String(bom.version)],
    ['valid', `${bom.valid_from ?? 'always'} → ${bom.valid_to ?? 'open'}`],
    ['lead time', `${bom.lead_time_days} ${bom.lead_time_days === 1 ? 'day' : 'days'}`],
    ...(bom.note === null ? [] : [['note', bom.note] as [string, string]]),
  ]);
  const lines = formatTable(
    ['#', 'component', 'name', 'qty per', 'unit', 'scrap'],
    bom.lines.map((line) => [
      line.position,
      line.sku,
      line.name,
      line.quantity_per,
      line.unit,
      line.scrap_factor === 0 ? null : percent(line.scrap_factor),
    ]),
  );
  return `${record}\n\n${lines}`;
}

/** The tree with each SKU indented two spaces per level. */
export function formatTree(tree: ExplosionTreeView): string {
  const root = tree.rows[0];
  const header = `${tree.sku} × ${tree.quantity}${root ? ` ${root.unit}` : ''} on ${tree.date}${tree.location ? ` at ${tree.location}` : ''}`;
  const table = formatTable(
    ['item', 'qty per', 'scrap', 'gross', 'unit', 'lead time', ...(tree.location ? ['available'] : []), 'source'],
    tree.rows.map((row) => [
      `${'  '.repeat(row.level)}${row.sku}`,
      row.quantity_per,
      row.scrap_factor ? percent(row.scrap_factor) : null,
      row.gross_requirement,
      row.unit,
      row.lead_time_days === null ? (row.source === 'bought' ? 'no source' : null) : `${row.lead_time_days} d`,
      ...(tree.location ? [row.available] : []),
      row.source === 'made' ? `made (v${row.bom_version})` : 'bought',
    ]),
  );
  return `${header}\n${table}`;
}

function percent(factor: number): string {
  return `${Math.round(factor * 1_000_000) / 10_000} %`;
}

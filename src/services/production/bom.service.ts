import { sql } from 'kysely';
import {
  checkKnownFields,
  type RawInput,
  readCode,
  readObject,
  readOptionalText,
} from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem, moreProblems, throwIfProblems } from '../../domain/errors.js';
import { componentRequirementMilli, effectiveBom, findBomCycle } from '../../domain/production/bom.js';
import { isCountUnit, parseQuantity, toQuantity } from '../../domain/quantity.js';
import { parseLocalDate } from '../../domain/replenishment/local-time.js';
import { type Database, readTransaction, type Tx } from '../../store/database.js';
import {
  type BomLineRow,
  type BomRow,
  type EffectiveBom,
  insertBomRows,
  listBomLineRows,
  listBomRows,
  listBomRowsOfItem,
  loadBomGraph,
  loadEffectiveBomClosure,
  maxBomVersion,
} from '../../store/production/bom.repository.js';
import {
  loadAvailableAt,
  loadProductionItems,
  loadProductionItemsBySku,
  loadPurchaseLeadTimes,
  type ProductionItemRef,
} from '../../store/production/production-item.repository.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { idempotentWrite } from '../idempotent-write.js';
import { requireItemRow } from '../item.service.js';
import { requireLocationRow } from '../location.service.js';
import { checkPageLimit, decodeCursor, encodeCursor, type Page } from '../pagination.js';
import { isUniqueViolation } from '../unique-violation.js';

/** One line of a BOM as the API and the CLI show it; `scrap_factor` 0.05 = 5 % more than the quantity per. */
export type BomLineView = {
  position: number;
  sku: string;
  name: string;
  unit: string;
  quantity_per: number;
  scrap_factor: number;
};

/** One version of an item's bill of materials. Dates YYYY-MM-DD: valid_from ≤ date < valid_to, null is open. */
export type BomView = {
  id: number;
  sku: string;
  name: string;
  unit: string;
  version: number;
  valid_from: string | null;
  valid_to: string | null;
  lead_time_days: number;
  note: string | null;
  created_by: string;
  created_at: string;
  lines: BomLineView[];
};

/** One row of the indented requirement tree; level 0 is the item exploded. */
export type ExplosionRowView = {
  level: number;
  sku: string;
  name: string;
  unit: string;
  /** Per one unit of the parent; null on level 0. */
  quantity_per: number | null;
  scrap_factor: number | null;
  /** Gross requirement for the exploded quantity: parent's gross × quantity per × (1 + scrap), rounded up. */
  gross_requirement: number;
  /** Made: the BOM's lead time; bought: the first-ranked active source's; null when bought without a source. */
  lead_time_days: number | null;
  /** On hand − allocated at the location asked for; null when no location was given. */
  available: number | null;
  source: 'made' | 'bought';
  /** The BOM version a made item explodes through. */
  bom_version: number | null;
};

export type ExplosionTreeView = {
  sku: string;
  quantity: number;
  date: string;
  location: string | null;
  rows: ExplosionRowView[];
};

export type BomQuery = { sku?: string; cursor?: string; limit?: number };

const ENTITY = 'bom';
const BOM_FIELDS = ['sku', 'version', 'valid_from', 'valid_to', 'lead_time_days', 'note', 'lines'] as const;
const LINE_FIELDS = ['sku', 'quantity_per', 'scrap_factor', 'unit'] as const;
const MAX_LEAD_TIME_DAYS = 3650;
const MAX_VERSION = 1_000_000;
const MAX_LINES = 1000;
const MAX_NOTE_LENGTH = 1000;
const SCRAP_SCALE = 10_000;
/** `pg_advisory_xact_lock` key of BOM writes ("LSBM"): cycle checks see every committed edge. */
const BOM_LOCK_KEY = 0x4c53424d;

type BomLineInput = { sku: string; quantityPerMilli: number; scrapBp: number; unit: string | undefined };
type BomInput = {
  sku: string;
  version: number | undefined;
  validFrom: string | null;
  validTo: string | null;
  leadTimeDays: number;
  note: string | null;
  lines: BomLineInput[];
};

/**
 * Creates a BOM version `{ sku, version?, valid_from?, valid_to?, lead_time_days, note?, lines: [{ sku,
 * quantity_per, scrap_factor?, unit? }] }`. The version defaults to the item's highest + 1. Every problem names its
 * field (`lines[2].quantity_per`); a BOM that would close a cycle with the lines of any version of any BOM is
 * LS_BOM_CYCLE with the path by SKU. One transaction: on any error nothing is written.
 */
export async function createBom(database: Database, raw: unknown, ctx: ServiceContext): Promise<BomView> {
  const input = parseBomInput(raw);
  return idempotentWrite(database, ctx, 'POST /boms', raw, async (tx) => {
    if (database.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${sql.lit(BOM_LOCK_KEY)})`.execute(tx);
    const parent = await requireItemRow(tx, input.sku);
    const items = await loadProductionItemsBySku(
      tx,
      input.lines.map((line) => line.sku),
    );
    checkLines(input, Number(parent.id), items);
    const componentIds = input.lines.map((line) => items.get(line.sku)!.id);
    await checkNoCycle(tx, input, Number(parent.id), componentIds);

    const latest = await maxBomVersion(tx, Number(parent.id));
    if (
      input.version !== undefined &&
      (await listBomRowsOfItem(tx, Number(parent.id))).some((row) => row.version === input.version)
    ) {
      throw duplicateVersion(input.sku, input.version);
    }
    const version = input.version ?? latest + 1;
    const values = {
      item_id: Number(parent.id),
      version,
      valid_from: input.validFrom,
      valid_to: input.validTo,
      lead_time_days: input.leadTimeDays,
      note: input.note,
      created_by: ctx.actor,
      created_at: ctx.now,
    };
    const lines = input.lines.map((line, index) => ({
      position: index + 1,
      component_item_id: componentIds[index]!,
      quantity_per_milli: line.quantityPerMilli,
      scrap_bp: line.scrapBp,
      unit: items.get(line.sku)!.unit,
    }));
    let bomId: number;
    try {
      bomId = await insertBomRows(tx, values, lines);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateVersion(input.sku, version);
      throw error;
    }
    const view = toBomView(
      { id: bomId, ...values },
      lines.map((line, index) => ({ id: 0, bom_id: bomId, ...line, position: index + 1 })),
      new Map([[Number(parent.id), itemRefOf(parent)], ...[...items.values()].map((i) => [i.id, i] as const)]),
    );
    await recordAudit(tx, ctx, {
      entity: ENTITY,
      entityKey: `${input.sku}@${version}`,
      action: 'create',
      before: null,
      after: view,
    });
    return view;
  });
}

/** BOM versions ordered by item and version, optionally of one SKU, a page at a time, each with its lines. */
export async function listBoms(database: Database, query: BomQuery = {}): Promise<Page<BomView>> {
  const limit = checkPageLimit(query.limit);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2, 'cursor').map(Number);
  return readTransaction(database, async (tx) => {
    const itemId = query.sku === undefined ? undefined : Number((await requireItemRow(tx, query.sku)).id);
    const rows = await listBomRows(tx, {
      ...(itemId !== undefined && { itemId }),
      ...(after !== undefined && { after: { itemId: after[0]!, version: after[1]! } }),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const views = await toBomViews(tx, page);
    const last = page.at(-1);
    return {
      data: views,
      next_cursor: rows.length > limit && last ? encodeCursor([Number(last.item_id), last.version]) : null,
    };
  });
}

/**
 * One BOM version of `sku`: the one numbered `version`, or the one effective on `date` (valid_from ≤ date <
 * valid_to, highest version wins); without either, the one effective today (UTC date of `now`).
 */
export async function getBom(
  database: Database,
  sku: string,
  query: { version?: number | string | undefined; date?: string | undefined },
  now: number,
): Promise<BomView> {
  const problems: FieldProblem[] = [];
  const version = query.version === undefined ? undefined : readVersionValue(query.version, 'version', problems);
  const date = query.date === undefined ? undefined : readDateValue(query.date, 'date', problems);
  if (query.version !== undefined && query.date !== undefined) {
    problems.push({ field: 'version', message: 'give either version or date, not both' });
  }
  throwIfProblems(problems);
  return readTransaction(database, async (tx) => {
    const item = await requireItemRow(tx, sku);
    const versions = await listBomRowsOfItem(tx, Number(item.id));
    if (versions.length === 0) throw noBom(sku, `sku: "${sku}" has no BOM`);
    let row: BomRow | undefined;
    if (version !== undefined) {
      row = versions.find((candidate) => candidate.version === version);
      if (!row) throw noBom(sku, `version: "${sku}" has no BOM version ${version}`, 'version');
    } else {
      const on = date ?? utcDate(now);
      row = effectiveOf(versions, on);
      if (!row) throw noBom(sku, `${date === undefined ? 'sku' : 'date'}: "${sku}" has no BOM effective on ${on}`);
    }
    const [view] = await toBomViews(tx, [row]);
    return view!;
  });
}

/**
 * The indented requirement tree of `quantity` (default 1) of `sku` through the BOM versions effective on `date`
 * (default today, UTC date of `now`), depth first in line order: each component's gross requirement is its
 * parent's × quantity per × (1 + scrap), rounded up to 0.001 and to whole units for counted units. With a
 * location, each row shows what is available there (on hand − allocated).
 */
export async function explosionTree(
  database: Database,
  sku: string,
  query: { quantity?: number | string | undefined; date?: string | undefined; location?: string | undefined },
  now: number,
): Promise<ExplosionTreeView> {
  const problems: FieldProblem[] = [];
  let quantityMilli = 1000;
  if (query.quantity !== undefined) {
    const value = typeof query.quantity === 'string' ? Number(query.quantity) : query.quantity;
    const parsed = parseQuantity(
      typeof query.quantity === 'string' && query.quantity.trim() === '' ? Number.NaN : value,
      'quantity',
      'positive',
    );
    if (parsed.ok) quantityMilli = parsed.milli;
    else problems.push({ ...parsed.problem, value: query.quantity });
  }
  const date = query.date === undefined ? utcDate(now) : readDateValue(query.date, 'date', problems);
  throwIfProblems(problems);
  return readTransaction(database, async (tx) => {
    const root = await requireItemRow(tx, sku);
    const location =
      query.location === undefined ? undefined : await requireLocationRow(tx, query.location, 'location');
    const rootId = Number(root.id);
    const boms = await loadEffectiveBomClosure(tx, [rootId], date!);
    const rootBom = boms.get(rootId) ?? null;
    if (rootBom === null) {
      const versions = await listBomRowsOfItem(tx, rootId);
      throw noBom(
        sku,
        versions.length === 0 ? `sku: "${sku}" has no BOM` : `date: "${sku}" has no BOM effective on ${date}`,
      );
    }
    const itemIds = [...boms.keys()];
    const items = await loadProductionItems(tx, itemIds);
    const purchaseLeadTimes = await loadPurchaseLeadTimes(
      tx,
      itemIds.filter((id) => boms.get(id) === null),
    );
    const available = location ? await loadAvailableAt(tx, itemIds, Number(location.id)) : undefined;

    const rows: ExplosionRowView[] = [];
    const visit = (
      itemId: number,
      level: number,
      grossMilli: number,
      line: { quantityPerMilli: number; scrapBp: number } | null,
    ) => {
      const item = items.get(itemId)!;
      const bom: EffectiveBom | null = boms.get(itemId) ?? null;
      rows.push({
        level,
        sku: item.sku,
        name: item.name,
        unit: item.unit,
        quantity_per: line === null ? null : toQuantity(line.quantityPerMilli),
        scrap_factor: line === null ? null : line.scrapBp / SCRAP_SCALE,
        gross_requirement: toQuantity(grossMilli),
        lead_time_days: bom ? bom.leadTimeDays : (purchaseLeadTimes.get(itemId) ?? null),
        available: available === undefined ? null : toQuantity(available.get(itemId) ?? 0),
        source: bom ? 'made' : 'bought',
        bom_version: bom ? bom.version : null,
      });
      for (const child of bom?.lines ?? []) {
        const childItem = items.get(child.componentItemId)!;
        const childGross = componentRequirementMilli(
          grossMilli,
          child.quantityPerMilli,
          child.scrapBp,
          isCountUnit(childItem.unit),
        );
        visit(child.componentItemId, level + 1, childGross, child);
      }
    };
    visit(rootId, 0, quantityMilli, null);
    return { sku, quantity: toQuantity(quantityMilli), date: date!, location: location?.code ?? null, rows };
  });
}

/** Validates the shape of a BOM body; every problem names its field. Items are checked against the database later. */
function parseBomInput(raw: unknown): BomInput {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  if (!input) throwIfProblems(problems);
  const body = input!;
  checkKnownFields(body, BOM_FIELDS, 'a BOM', problems);
  const sku = readCode(body, 'sku', problems);
  const version = body['version'] === undefined ? undefined : readVersionValue(body['version'], 'version', problems);
  const validFrom = readOptionalDate(body, 'valid_from', problems);
  const validTo = readOptionalDate(body, 'valid_to', problems);
  if (validFrom && validTo && validTo <= validFrom) {
    problems.push({ field: 'valid_to', message: `must be after valid_from (${validFrom})`, value: validTo });
  }
  const leadTimeDays = readLeadTime(body, problems);
  const note = readOptionalText(body, 'note', MAX_NOTE_LENGTH, problems);
  const lines = readLines(body, problems);
  throwIfProblems(problems);
  return {
    sku: sku!,
    version,
    validFrom: validFrom ?? null,
    validTo: validTo ?? null,
    leadTimeDays: leadTimeDays!,
    note: note ?? null,
    lines,
  };
}

function readLines(body: RawInput, problems: FieldProblem[]): BomLineInput[] {
  const value = body['lines'];
  if (value === undefined || value === null) {
    problems.push({ field: 'lines', message: 'is required' });
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push({ field: 'lines', message: 'must be a list of lines', value });
    return [];
  }
  if (value.length === 0) {
    problems.push({ field: 'lines', message: 'must have at least one line' });
    return [];
  }
  if (value.length > MAX_LINES) {
    problems.push({ field: 'lines', message: `must have at most ${MAX_LINES} lines` });
    return [];
  }
  const lines: BomLineInput[] = [];
  value.forEach((entry: unknown, index) => {
    const where = `lines[${index}]`;
    const lineProblems: FieldProblem[] = [];
    const line = readObject(entry, lineProblems);
    if (line) {
      checkKnownFields(line, LINE_FIELDS, 'a BOM line', lineProblems);
      const sku = readCode(line, 'sku', lineProblems);
      const quantity = parseQuantity(line['quantity_per'], 'quantity_per', 'positive');
      if (!quantity.ok) lineProblems.push(quantity.problem);
      const scrapBp = readScrapFactor(line, lineProblems);
      let unit: string | undefined;
      if (line['unit'] !== undefined && line['unit'] !== null) {
        if (typeof line['unit'] !== 'string' || line['unit'].trim() === '') {
          lineProblems.push({ field: 'unit', message: 'must be a unit name like "kg"', value: line['unit'] });
        } else unit = line['unit'].trim();
      }
      if (sku !== undefined && quantity.ok && scrapBp !== undefined) {
        lines.push({ sku, quantityPerMilli: quantity.milli, scrapBp, unit });
      }
    }
    for (const problem of lineProblems) {
      problems.push({ ...problem, field: problem.field === 'body' ? where : `${where}.${problem.field}` });
    }
  });
  if (problems.some((problem) => problem.field.startsWith('lines'))) return [];
  return lines;
}

/** `scrap_factor`: 0 ≤ x < 1 with at most 4 decimals, as basis points; absent is 0. */
function readScrapFactor(line: RawInput, problems: FieldProblem[]): number | undefined {
  const value = line['scrap_factor'];
  if (value === undefined || value === null) return 0;
  const field = 'scrap_factor';
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push({ field, message: 'must be a number from 0 to below 1 (0.05 = 5 %)', value });
    return undefined;
  }
  if (value < 0 || value >= 1) {
    problems.push({ field, message: 'must be at least 0 and below 1 (0.05 = 5 %)', value });
    return undefined;
  }
  const bp = Math.round(value * SCRAP_SCALE);
  if (Math.abs(bp / SCRAP_SCALE - value) > Number.EPSILON * 4) {
    problems.push({ field, message: 'must have at most 4 decimal places', value });
    return undefined;
  }
  if (bp >= SCRAP_SCALE) {
    problems.push({ field, message: 'must be at least 0 and below 1 (0.05 = 5 %)', value });
    return undefined;
  }
  return bp;
}

function readLeadTime(body: RawInput, problems: FieldProblem[]): number | undefined {
  const value = body['lead_time_days'];
  const field = 'lead_time_days';
  if (value === undefined || value === null) {
    problems.push({ field, message: 'is required' });
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.push({ field, message: 'must be a whole number of days', value });
    return undefined;
  }
  if (value < 0 || value > MAX_LEAD_TIME_DAYS) {
    problems.push({ field, message: `must be from 0 to ${MAX_LEAD_TIME_DAYS}`, value });
    return undefined;
  }
  return value;
}

function readVersionValue(value: unknown, field: string, problems: FieldProblem[]): number | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > MAX_VERSION) {
    problems.push({ field, message: `must be a whole number from 1 to ${MAX_VERSION}`, value });
    return undefined;
  }
  return number;
}

function readOptionalDate(body: RawInput, field: string, problems: FieldProblem[]): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return null;
  return readDateValue(value, field, problems);
}

function readDateValue(value: unknown, field: string, problems: FieldProblem[]): string | undefined {
  if (typeof value !== 'string' || parseLocalDate(value) === undefined) {
    problems.push({ field, message: 'must be a date YYYY-MM-DD', value });
    return undefined;
  }
  return value;
}

/** Unknown components (LS_UNKNOWN_ITEM), then units, self-reference and duplicates (LS_VALIDATION). */
function checkLines(input: BomInput, parentId: number, items: ReadonlyMap<string, ProductionItemRef>): void {
  const unknown: FieldProblem[] = [];
  input.lines.forEach((line, index) => {
    if (!items.has(line.sku)) unknown.push({ field: `lines[${index}].sku`, message: 'unknown SKU', value: line.sku });
  });
  if (unknown.length > 0) {
    const first = unknown[0]!;
    throw new DomainError(
      'LS_UNKNOWN_ITEM',
      `${first.field}: unknown SKU "${String(first.value)}"${moreProblems(unknown.length - 1)}`,
      unknown,
    );
  }
  const problems: FieldProblem[] = [];
  const firstIndexOf = new Map<string, number>();
  input.lines.forEach((line, index) => {
    const item = items.get(line.sku)!;
    if (item.id === parentId) {
      problems.push({
        field: `lines[${index}].sku`,
        message: `an item cannot be its own component ("${line.sku}")`,
        value: line.sku,
      });
    }
    const earlier = firstIndexOf.get(line.sku);
    if (earlier !== undefined) {
      problems.push({
        field: `lines[${index}].sku`,
        message: `"${line.sku}" is already a component on lines[${earlier}]; put its whole quantity on one line`,
        value: line.sku,
      });
    } else firstIndexOf.set(line.sku, index);
    if (line.unit !== undefined && line.unit.toLowerCase() !== item.unit.toLowerCase()) {
      problems.push({
        field: `lines[${index}].unit`,
        message: `"${line.unit}" is not the unit of "${line.sku}" (${item.unit})`,
        value: line.unit,
      });
    }
  });
  throwIfProblems(problems);
}

/** LS_BOM_CYCLE naming the line whose component closes a cycle over the edges of every version of every BOM. */
async function checkNoCycle(tx: Tx, input: BomInput, parentId: number, componentIds: number[]): Promise<void> {
  const graph = await loadBomGraph(tx);
  const path = findBomCycle(graph, parentId, componentIds);
  if (path === null) return;
  const items = await loadProductionItems(tx, path);
  const skus = path.map((id) => items.get(id)?.sku ?? `#${id}`);
  const index = componentIds.indexOf(path[1]!);
  const field = `lines[${index}].sku`;
  const message = `would form a cycle: ${skus.join(' → ')}`;
  throw new DomainError('LS_BOM_CYCLE', `${field}: ${message}`, [{ field, message, value: input.lines[index]?.sku }]);
}

async function toBomViews(tx: Tx, rows: readonly BomRow[]): Promise<BomView[]> {
  const lines = await listBomLineRows(
    tx,
    rows.map((row) => Number(row.id)),
  );
  const itemIds = rows.map((row) => Number(row.item_id));
  for (const list of lines.values()) for (const line of list) itemIds.push(Number(line.component_item_id));
  const items = await loadProductionItems(tx, itemIds);
  return rows.map((row) => toBomView(row, lines.get(Number(row.id)) ?? [], items));
}

function toBomView(
  row: BomRow,
  lines: readonly BomLineRow[],
  items: ReadonlyMap<number, Pick<ProductionItemRef, 'sku' | 'name' | 'unit'>>,
): BomView {
  const item = items.get(Number(row.item_id))!;
  return {
    id: Number(row.id),
    sku: item.sku,
    name: item.name,
    unit: item.unit,
    version: row.version,
    valid_from: row.valid_from,
    valid_to: row.valid_to,
    lead_time_days: row.lead_time_days,
    note: row.note,
    created_by: row.created_by,
    created_at: new Date(Number(row.created_at)).toISOString(),
    lines: lines.map((line) => {
      const component = items.get(Number(line.component_item_id))!;
      return {
        position: line.position,
        sku: component.sku,
        name: component.name,
        unit: line.unit,
        quantity_per: toQuantity(Number(line.quantity_per_milli)),
        scrap_factor: line.scrap_bp / SCRAP_SCALE,
      };
    }),
  };
}

function effectiveOf(versions: readonly BomRow[], date: string): BomRow | undefined {
  return effectiveBom(
    versions.map((row) => ({ row, version: row.version, validFrom: row.valid_from, validTo: row.valid_to })),
    date,
  )?.row;
}

function itemRefOf(row: { id: number; sku: string; name: string; unit: string }) {
  return { sku: row.sku, name: row.name, unit: row.unit };
}

function utcDate(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function noBom(sku: string, message: string, field = 'sku'): DomainError {
  return new DomainError('LS_UNKNOWN_BOM', message, [{ field, message: message.replace(/^[^:]+: /, ''), value: sku }]);
}

function duplicateVersion(sku: string, version: number): DomainError {
  return new DomainError('LS_DUPLICATE', `version: "${sku}" already has a BOM version ${version}`, [
    { field: 'version', message: 'already exists', value: version },
  ]);
}

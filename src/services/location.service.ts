import { valueOrThrow } from '../domain/catalogue/field-readers.js';
import {
  DEFAULT_TIME_ZONE,
  type LocationInput,
  type LocationKind,
  type LocationPatch,
  parseLocationInput,
  resolveStoredTimeZone,
  wouldBeOwnAncestor,
} from '../domain/catalogue/location.js';
import { DomainError } from '../domain/errors.js';
import {
  findLocationRow,
  insertLocationRow,
  type LocationRow,
  listLocationLinks,
  listLocationRows,
  setLocationsSite,
  updateLocationRow,
} from '../store/catalogue/location.repository.js';
import { type Database, readTransaction, type Tx } from '../store/database.js';
import { type AuditAction, type AuditEntry, listAudit, recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { idempotentWrite } from './idempotent-write.js';

import { checkPageLimit, decodeCursor, encodeCursor, type Page } from './pagination.js';
import { isUniqueViolation } from './unique-violation.js';

/** A location as the API and the CLI show it; `time_zone` is the effective one (a bin's is its site's). */
export type LocationView = {
  code: string;
  name: string;
  kind: LocationKind;
  parent: string | null;
  site: string;
  time_zone: string;
  active: boolean;
  created_at: string;
  updated_at: string;
};

export type LocationQuery = {
  q?: string;
  active?: boolean;
  kind?: string;
  site?: string;
  cursor?: string;
  limit?: number;
};

const ENTITY = 'location';

/** Creates a site (no parent) or a bin inside a site or another bin. */
export async function createLocation(database: Database, raw: unknown, ctx: ServiceContext): Promise<LocationView> {
  const input = valueOrThrow(parseLocationInput(raw, 'create'));
  return idempotentWrite(database, ctx, 'POST /locations', raw, async (tx) =>
    toLocationView(await insertLocationWithin(tx, input, ctx)),
  );
}

export async function getLocation(database: Database, code: string): Promise<LocationView> {
  return toLocationView(await requireLocationRow(database.db, code));
}

/** Locations by code, a page at a time, filtered by text, kind, site or active flag. */
export async function listLocations(database: Database, query: LocationQuery): Promise<Page<LocationView>> {
  const limit = checkPageLimit(query.limit);
  if (query.kind !== undefined && query.kind !== 'site' && query.kind !== 'bin') {
    throw new DomainError('LS_VALIDATION', 'kind: must be site or bin', [
      { field: 'kind', message: 'must be site or bin', value: query.kind },
    ]);
  }
  const afterCode = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1, 'cursor')[0]);
  const rows = await readTransaction(database, async (tx) => {
    if (query.site !== undefined) await requireLocationRow(tx, query.site, 'site');
    return listLocationRows(tx, {
      ...(query.q !== undefined && { q: query.q }),
      ...(query.active !== undefined && { active: query.active }),
      ...(query.kind !== undefined && { kind: query.kind as LocationKind }),
      ...(query.site !== undefined && { site: query.site }),
      ...(afterCode !== undefined && { afterCode }),
      limit: limit + 1,
    });
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toLocationView),
    next_cursor: rows.length > limit && last ? encodeCursor([last.code]) : null,
  };
}

/**
 * Changes only the given fields (PATCH). A new parent moves the location with everything inside
 * it; `parent: null` makes it a site. A location cannot become its own ancestor.
 */
export async function updateLocation(
  database: Database,
  code: string,
  raw: unknown,
  ctx: ServiceContext,
): Promise<LocationView> {
  return idempotentWrite(database, ctx, `PATCH /locations/${code}`, raw, async (tx) => {
    const row = await requireLocationRow(tx, code);
    const patch = valueOrThrow(parseLocationInput(raw, 'update', code));
    return toLocationView(await changeLocationWithin(tx, row, patch, ctx, 'update'));
  });
}

/** Deactivates a location: its history stays, but no new movement may use it. Bins inside it are left as they are. */
export async function deactivateLocation(database: Database, code: string, ctx: ServiceContext): Promise<LocationView> {
  return setLocationActive(database, code, false, ctx);
}

export async function activateLocation(database: Database, code: string, ctx: ServiceContext): Promise<LocationView> {
  return setLocationActive(database, code, true, ctx);
}

/** The audit trail of one location, newest first. */
export async function listLocationAudit(database: Database, code: string, limit?: number): Promise<AuditEntry[]> {
  return readTransaction(database, async (tx) => {
    await requireLocationRow(tx, code);
    return listAudit(tx, { entity: ENTITY, entityKey: code, limit: checkPageLimit(limit) });
  });
}

async function setLocationActive(database: Database, code: string, active: boolean, ctx: ServiceContext) {
  const action = active ? 'activate' : 'deactivate';
  return idempotentWrite(database, ctx, `POST /locations/${code}/${action}`, null, async (tx) => {
    const row = await requireLocationRow(tx, code);
    return toLocationView(await changeLocationWithin(tx, row, { active }, ctx, action));
  });
}

/** Inserts a validated location in the caller's transaction and audits it. */
export async function insertLocationWithin(tx: Tx, input: LocationInput, ctx: ServiceContext): Promise<LocationRow> {
  if (await findLocationRow(tx, input.code)) throw duplicateCode(input.code);
  const parent = input.parent === null ? undefined : await requireParent(tx, input.parent);
  const kind: LocationKind = parent ? 'bin' : 'site';
  const zone = resolveStoredTimeZone(kind, input.timeZone, parent?.site_time_zone ?? null, DEFAULT_TIME_ZONE);
  if (!zone.ok) throw new DomainError('LS_VALIDATION', `time_zone: ${zone.problem.message}`, [zone.problem]);
  let id: number;
  try {
    id = await insertLocationRow(tx, {
      code: input.code,
      name: input.name,
      kind,
      parent_id: parent?.id ?? null,
      site_id: parent?.site_id ?? null,
      time_zone: zone.timeZone,
      active: input.active ? 1 : 0,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateCode(input.code);
    throw error;
  }
  if (!parent) await updateLocationRow(tx, id, { site_id: id });
  const row = await requireLocationRow(tx, input.code);
  await recordAudit(tx, ctx, {
    entity: ENTITY,
    entityKey: input.code,
    action: 'create',
    before: null,
    after: toLocationView(row),
  });
  return row;
}

/**
 * Applies a patch to a stored location in the caller's transaction and audits it; a patch that
 * changes nothing writes nothing. Moving a location moves everything inside it to the new site.
 */
export async function changeLocationWithin(
  tx: Tx,
  row: LocationRow,
  patch: LocationPatch,
  ctx: ServiceContext,
  action: AuditAction,
): Promise<LocationRow> {
  let kind = row.kind as LocationKind;
  let parentId = row.parent_id;
  let siteId = row.site_id!;
  let siteTimeZone = row.site_time_zone;
  let links: Awaited<ReturnType<typeof listLocationLinks>> | undefined;
  if (patch.parent !== undefined && patch.parent !== row.parent_code) {
    if (patch.parent === null) {
      kind = 'site';
      parentId = null;
      siteId = row.id;
      siteTimeZone = null;
    } else {
      const parent = await requireParent(tx, patch.parent);
      if (parent.id === row.id) {
        throw new DomainError('LS_VALIDATION', 'parent: must not be the location itself', [
          { field: 'parent', message: 'must not be the location itself', value: parent.code },
        ]);
      }
      links = await listLocationLinks(tx);
      const parentOf = new Map(links.map((link) => [link.id, link.parent_id]));
      const codeOf = new Map(links.map((link) => [link.id, link.code]));
      const idOf = new Map(links.map((link) => [link.code, link.id]));
      const parentCodeOf = (code: string) => {
        const parentIdOf = parentOf.get(idOf.get(code)!);
        return parentIdOf === undefined ? undefined : parentIdOf === null ? null : codeOf.get(parentIdOf);
      };
      if (wouldBeOwnAncestor(row.code, parent.code, parentCodeOf)) {
        throw new DomainError(
          'LS_VALIDATION',
          `parent: "${parent.code}" is inside "${row.code}"; a location cannot be its own ancestor`,
          [
            {
              field: 'parent',
              message: `is inside "${row.code}"; a location cannot be its own ancestor`,
              value: parent.code,
            },
          ],
        );
      }
      kind = 'bin';
      parentId = parent.id;
      siteId = parent.site_id!;
      siteTimeZone = parent.site_time_zone;
    }
  }
  const previousZone = row.kind === 'site' ? row.time_zone : row.site_time_zone;
  const zone = resolveStoredTimeZone(kind, patch.timeZone ?? null, siteTimeZone, previousZone ?? DEFAULT_TIME_ZONE);
  if (!zone.ok) throw new DomainError('LS_VALIDATION', `time_zone: ${zone.problem.message}`, [zone.problem]);
  const change = {
    name: patch.name ?? row.name,
    kind,
    parent_id: parentId,
    site_id: siteId,
    time_zone: zone.timeZone,
    active: patch.active === undefined ? row.active : patch.active ? (1 as const) : (0 as const),
  };
  const unchanged = (Object.keys(change) as Array<keyof typeof change>).every((key) => change[key] === row[key]);
  if (unchanged) return row;

  await updateLocationRow(tx, row.id, { ...change, updated_at: ctx.now });
  if (siteId !== row.site_id) {
    links ??= await listLocationLinks(tx);
    await setLocationsSite(tx, descendantsOf(row.id, links), siteId, ctx.now);
  }
  const updated = await requireLocationRow(tx, row.code);
  await recordAudit(tx, ctx, {
    entity: ENTITY,
    entityKey: row.code,
    action,
    before: toLocationView(row),
    after: toLocationView(updated),
  });
  return updated;
}

function descendantsOf(rootId: number, links: Array<{ id: number; parent_id: number | null }>): number[] {
  const children = new Map<number, number[]>();
  for (const link of links) {
    if (link.parent_id === null) continue;
    const list = children.get(link.parent_id) ?? [];
    list.push(link.id);
    children.set(link.parent_id, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(rootId) ?? [])];
  while (queue.length > 0) {
    const id = queue.shift()!;
    found.push(id);
    queue.push(...(children.get(id) ?? []));
  }
  return found;
}

export async function requireLocationRow(tx: Tx, code: string, field = 'code'): Promise<LocationRow> {
  const row = await findLocationRow(tx, code);
  if (!row) {
    throw new DomainError('LS_UNKNOWN_LOCATION', `${field}: unknown location "${code}"`, [
      { field, message: 'unknown location', value: code },
    ]);
  }
  return row;
}

async function requireParent(tx: Tx, code: string): Promise<LocationRow> {
  const parent = await requireLocationRow(tx, code, 'parent');
  if (parent.active !== 1) {
    throw new DomainError('LS_INACTIVE', `parent: location "${code}" is deactivated`, [
      { field: 'parent', message: 'is deactivated', value: code },
    ]);
  }
  return parent;
}

export function toLocationView(row: LocationRow): LocationView {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind as LocationKind,
    parent: row.parent_code,
    site: row.site_code ?? row.code,
    time_zone: (row.kind === 'site' ? row.time_zone : row.site_time_zone) ?? DEFAULT_TIME_ZONE,
    active: row.active === 1,
    created_at: new Date(Number(row.created_at)).toISOString(),
    updated_at: new Date(Number(row.updated_at)).toISOString(),
  };
}

function duplicateCode(code: string): DomainError {
  return new DomainError('LS_DUPLICATE', `code: a location "${code}" already exists`, [
    { field: 'code', message: 'already exists', value: code },
  ]);
}

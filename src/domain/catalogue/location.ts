import type { FieldProblem } from '../errors.js';
import {
  checkKnownFields,
  checkNotEmpty,
  MAX_NAME_LENGTH,
  type ParseResult,
  type RawInput,
  readBoolean,
  readCode,
  readObject,
  readText,
} from './field-readers.js';

/** A site is a place with its own time zone (a plant, a warehouse, a van); a bin is a place inside a site. */
export type LocationKind = 'site' | 'bin';

export const DEFAULT_TIME_ZONE = 'UTC';

export type LocationInput = {
  code: string;
  name: string;
  /** Code of the parent site or bin; null makes a site. */
  parent: string | null;
  /** IANA zone as requested; null means "the default": UTC for a site, the site's zone for a bin. */
  timeZone: string | null;
  active: boolean;
};

/** The fields an update changes; `parent: null` turns a bin into a site. */
export type LocationPatch = {
  name?: string;
  parent?: string | null;
  timeZone?: string;
  active?: boolean;
};

export const LOCATION_FIELDS = ['code', 'name', 'parent', 'time_zone', 'active'] as const;

/**
 * Validates a location as received and reports every problem, each naming its field. In `update`
 * mode only the given fields are read and `code` may only repeat the current one.
 *
 * @example parseLocationInput({ code: 'WH1-A01', name: 'Rack A, shelf 1', parent: 'WH1' }, 'create')
 * // { ok: true, value: { code: 'WH1-A01', name: 'Rack A, shelf 1', parent: 'WH1', timeZone: null, active: true } }
 */
export function parseLocationInput(raw: unknown, mode: 'create'): ParseResult<LocationInput>;
export function parseLocationInput(raw: unknown, mode: 'update', currentCode: string): ParseResult<LocationPatch>;
export function parseLocationInput(
  raw: unknown,
  mode: 'create' | 'update',
  currentCode?: string,
): ParseResult<LocationInput> | ParseResult<LocationPatch> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  if (!input) return { ok: false, problems };
  checkKnownFields(input, LOCATION_FIELDS, 'a location', problems);
  if (mode === 'update') checkNotEmpty(input, problems);
  const given = (field: string) => mode === 'create' || input[field] !== undefined;

  let code: string | undefined;
  if (given('code')) {
    code = readCode(input, 'code', problems);
    if (mode === 'update' && code !== undefined && code !== currentCode) {
      problems.push({ field: 'code', message: `cannot be changed (the location is "${currentCode}")`, value: code });
    }
  }
  const patch: LocationPatch = {};
  if (given('name')) patch.name = readText(input, 'name', MAX_NAME_LENGTH, problems);
  const parent = readParent(input, problems);
  if (parent !== undefined) patch.parent = parent;
  if (code !== undefined && parent === code) {
    problems.push({ field: 'parent', message: 'must not be the location itself', value: parent });
  }
  const timeZone = readTimeZone(input, problems);
  if (timeZone !== undefined) patch.timeZone = timeZone;
  const active = readBoolean(input, 'active', problems);
  if (active !== undefined) patch.active = active;

  if (problems.length > 0) return { ok: false, problems };
  if (mode === 'update') return { ok: true, value: patch };
  return {
    ok: true,
    value: {
      code: code!,
      name: patch.name!,
      parent: patch.parent ?? null,
      timeZone: patch.timeZone ?? null,
      active: patch.active ?? true,
    },
  };
}

function readParent(input: RawInput, problems: FieldProblem[]): string | null | undefined {
  if (input['parent'] === undefined) return undefined;
  if (input['parent'] === null) return null;
  return readCode(input, 'parent', problems);
}

function readTimeZone(input: RawInput, problems: FieldProblem[]): string | undefined {
  const value = input['time_zone'];
  if (value === undefined || value === null) return undefined;
  const zone = typeof value === 'string' ? normaliseTimeZone(value) : undefined;
  if (zone === undefined) {
    const shown = typeof value === 'string' && value.length > 100 ? `${value.slice(0, 100)}…` : value;
    problems.push({
      field: 'time_zone',
      message: 'must be an IANA time zone, e.g. Europe/Berlin or UTC',
      value: shown,
    });
  }
  return zone;
}

/**
 * The canonical spelling of an IANA time zone name ("europe/berlin" → "Europe/Berlin"), or
 * undefined when the runtime's time zone database does not know it. Offsets such as "+02:00" are
 * refused: they do not follow daylight saving time.
 */
export function normaliseTimeZone(name: string): string | undefined {
  if (name.length === 0 || name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The time zone a location stores: a site keeps its own (the requested one, else `fallback`), a bin
 * stores none and uses its site's, so a bin may only repeat its site's zone.
 *
 * @example resolveStoredTimeZone('bin', 'Europe/Paris', 'Europe/Berlin', 'UTC')
 * // { ok: false, problem: { field: 'time_zone', message: 'a bin uses its site\'s time zone (Europe/Berlin)', ... } }
 */
export function resolveStoredTimeZone(
  kind: LocationKind,
  requested: string | null,
  siteTimeZone: string | null,
  fallback: string,
): { ok: true; timeZone: string | null } | { ok: false; problem: FieldProblem } {
  if (kind === 'site') return { ok: true, timeZone: requested ?? fallback };
  if (requested !== null && requested !== siteTimeZone) {
    return {
      ok: false,
      problem: {
        field: 'time_zone',
        message: `a bin uses its site's time zone (${siteTimeZone}); change the site's instead`,
        value: requested,
      },
    };
  }
  return { ok: true, timeZone: null };
}

/**
 * Whether giving `code` the parent `newParent` would make it its own ancestor. `parentOf` answers
 * the current parent of each location (null for a site, undefined when unknown).
 */
export function wouldBeOwnAncestor(
  code: string,
  newParent: string,
  parentOf: (code: string) => string | null | undefined,
): boolean {
  const seen = new Set<string>();
  for (let at: string | null | undefined = newParent; at != null; at = parentOf(at)) {
    if (at === code) return true;
    if (seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}

/**
 * Orders locations so that every parent comes before its children (a stable sort by depth within
 * the list); parents outside the list count as roots. Locations whose parents form a cycle are
 * returned apart, in input order.
 */
export function orderParentsFirst<T extends { code: string; parent: string | null }>(
  locations: T[],
): { ordered: T[]; cyclic: T[] } {
  const byCode = new Map<string, T>();
  for (const location of locations) if (!byCode.has(location.code)) byCode.set(location.code, location);
  const depths = new Map<string, number>();
  const depthOf = (start: T): number => {
    const path: string[] = [];
    let depth = 0;
    for (let at: T | undefined = start; at !== undefined; at = at.parent === null ? undefined : byCode.get(at.parent)) {
      const known = depths.get(at.code);
      if (known !== undefined) {
        depth = known + 1;
        break;
      }
      if (path.includes(at.code)) return Number.POSITIVE_INFINITY;
      path.push(at.code);
    }
    for (let i = path.length - 1; i >= 0; i--) depths.set(path[i]!, depth++);
    return depths.get(start.code)!;
  };
  const ordered: Array<{ location: T; depth: number; index: number }> = [];
  const cyclic: T[] = [];
  locations.forEach((location, index) => {
    const depth = depthOf(location);
    if (depth === Number.POSITIVE_INFINITY) cyclic.push(location);
    else ordered.push({ location, depth, index });
  });
  ordered.sort((a, b) => a.depth - b.depth || a.index - b.index);
  return { ordered: ordered.map((entry) => entry.location), cyclic };
}

import { describe, expect, it } from 'vitest';
import {
  normaliseTimeZone,
  orderParentsFirst,
  parseLocationInput,
  resolveStoredTimeZone,
  wouldBeOwnAncestor,
} from './location.js';

describe('parseLocationInput', () => {
  it('reads a site without parent and a bin with one; the zone stays unset until resolved', () => {
    expect(parseLocationInput({ code: 'WS', name: 'Workshop', time_zone: 'Europe/Berlin' }, 'create')).toEqual({
      ok: true,
      value: { code: 'WS', name: 'Workshop', parent: null, timeZone: 'Europe/Berlin', active: true },
    });
    expect(parseLocationInput({ code: 'WS-A1', name: 'Rack A1', parent: 'WS' }, 'create')).toEqual({
      ok: true,
      value: { code: 'WS-A1', name: 'Rack A1', parent: 'WS', timeZone: null, active: true },
    });
  });

  it('reports every problem, each naming its field', () => {
    const parsed = parseLocationInput(
      { code: '', name: 7, parent: 'a b', time_zone: 'Mars/Olympus', extra: 1 },
      'create',
    );
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.field).sort()).toEqual([
      'code',
      'extra',
      'name',
      'parent',
      'time_zone',
    ]);
  });

  it('refuses a location that is its own parent', () => {
    expect(parseLocationInput({ code: 'A', name: 'A', parent: 'A' }, 'create')).toMatchObject({
      ok: false,
      problems: [{ field: 'parent', message: 'must not be the location itself' }],
    });
  });

  it('on update reads only the given fields, and parent null turns a bin into a site', () => {
    expect(parseLocationInput({ parent: null }, 'update', 'WS-A1')).toEqual({ ok: true, value: { parent: null } });
    expect(parseLocationInput({ code: 'OTHER' }, 'update', 'WS-A1')).toMatchObject({
      ok: false,
      problems: [{ field: 'code' }],
    });
  });
});

describe('time zones', () => {
  it('accepts IANA names in their canonical spelling and refuses offsets and inventions', () => {
    expect(normaliseTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(normaliseTimeZone('UTC')).toBe('UTC');
    expect(normaliseTimeZone('+02:00')).toBeUndefined();
    expect(normaliseTimeZone('Mars/Olympus')).toBeUndefined();
    expect(normaliseTimeZone('')).toBeUndefined();
  });

  it('a site keeps its own zone or the fallback; a bin stores none and may only repeat its site zone', () => {
    expect(resolveStoredTimeZone('site', null, null, 'UTC')).toEqual({ ok: true, timeZone: 'UTC' });
    expect(resolveStoredTimeZone('site', 'Asia/Tokyo', null, 'UTC')).toEqual({ ok: true, timeZone: 'Asia/Tokyo' });
    expect(resolveStoredTimeZone('bin', 'Europe/Berlin', 'Europe/Berlin', 'UTC')).toEqual({ ok: true, timeZone: null });
    expect(resolveStoredTimeZone('bin', 'Europe/Paris', 'Europe/Berlin', 'UTC')).toMatchObject({
      ok: false,
      problem: { field: 'time_zone' },
    });
  });
});

describe('the location tree', () => {
  const parents = new Map<string, string | null>([
    ['SITE', null],
    ['A', 'SITE'],
    ['A1', 'A'],
    ['A1x', 'A1'],
    ['B', 'SITE'],
  ]);
  const parentOf = (code: string) => parents.get(code);

  it('finds that moving a location under its own descendant makes a cycle', () => {
    expect(wouldBeOwnAncestor('A', 'A1x', parentOf)).toBe(true);
    expect(wouldBeOwnAncestor('A', 'A', parentOf)).toBe(true);
    expect(wouldBeOwnAncestor('A', 'B', parentOf)).toBe(false);
    expect(wouldBeOwnAncestor('SITE', 'A1', parentOf)).toBe(true);
  });

  it('orders parents before children whatever the input order', () => {
    const rows = [
      { code: 'A1x', parent: 'A1' },
      { code: 'A', parent: 'SITE' },
      { code: 'A1', parent: 'A' },
      { code: 'SITE', parent: null },
      { code: 'OUTSIDE-CHILD', parent: 'ALREADY-STORED' },
    ];
    const { ordered, cyclic } = orderParentsFirst(rows);
    expect(ordered.map((r) => r.code)).toEqual(['SITE', 'OUTSIDE-CHILD', 'A', 'A1', 'A1x']);
    expect(cyclic).toEqual([]);
  });

  it('sets apart locations whose parents form a cycle, and those below them', () => {
    const { ordered, cyclic } = orderParentsFirst([
      { code: 'X', parent: 'Y' },
      { code: 'Y', parent: 'X' },
      { code: 'Z', parent: 'X' },
      { code: 'S', parent: null },
    ]);
    expect(ordered.map((r) => r.code)).toEqual(['S']);
    expect(cyclic.map((r) => r.code)).toEqual(['X', 'Y', 'Z']);
  });
});

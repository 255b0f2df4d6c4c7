import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS, ROLES } from '../domain/auth/roles.js';
import { ROUTE_PERMISSIONS } from './route-permissions.js';

const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');

/** docs/security.md's route table: permission → the routes named in its row. */
function documentedRoutes(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const match of doc.matchAll(/^\| `([a-z]+)` +\| [^|]+\| (.*)\|$/gm)) {
    const routes = [...match[2]!.matchAll(/`([A-Z]+ \/[^`]*)`/g)].map((m) => m[1]!);
    // The role table above it has rows of the same shape, without routes.
    if (routes.length > 0) rows.set(match[1]!, routes);
  }
  return rows;
}

describe('the permission table', () => {
  it('is documented in docs/security.md route by route', () => {
    const documented = documentedRoutes();
    const expected = new Map<string, string[]>();
    for (const [key, access] of Object.entries(ROUTE_PERMISSIONS)) {
      expected.set(access, [...(expected.get(access) ?? []), key.replace(' /api/v1/', ' /')]);
    }
    expect(documented).toEqual(expected);
  });

  it('gives each role the permissions of the roles before it and one more', () => {
    for (let i = 1; i < ROLES.length; i++) {
      const before = ROLE_PERMISSIONS[ROLES[i - 1]!];
      const role = ROLE_PERMISSIONS[ROLES[i]!];
      expect(role.slice(0, before.length)).toEqual(before);
      expect(role).toHaveLength(before.length + 1);
    }
  });
});

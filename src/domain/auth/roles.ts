/** What a user may do. Every HTTP route needs exactly one permission (api/route-permissions.ts). */
export const PERMISSIONS = ['read', 'record', 'purchase', 'plan', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Roles from least to most trusted; each role has the permissions of the roles before it and one more. */
export const ROLES = ['viewer', 'clerk', 'buyer', 'planner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['read'],
  clerk: ['read', 'record'],
  buyer: ['read', 'record', 'purchase'],
  planner: ['read', 'record', 'purchase', 'plan'],
  admin: ['read', 'record', 'purchase', 'plan', 'admin'],
};

export const PERMISSION_DESCRIPTIONS: Readonly<Record<Permission, string>> = {
  read: 'see stock, orders, plans and reports',
  record: 'record movements and counts, signal kanban cards, receive purchase orders, report production, ship',
  purchase: 'manage suppliers, sources and prices; draft, send and cancel purchase orders',
  plan: 'manage items, locations, policies, strategy, plans, simulations, BOMs, customer and production orders',
  admin: 'manage users, invitations, webhooks and everyone’s API tokens; read the security audit',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** True when `role` may do no more than `than` (an API token never gets more than its creator). */
export function isAtMost(role: Role, than: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(than);
}

import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from './api';

export type Role = 'admin' | 'planner' | 'buyer' | 'clerk' | 'viewer';
export type Permission = 'read' | 'record' | 'purchase' | 'plan' | 'admin';

export type SessionUser = {
  username: string;
  name: string | null;
  email: string | null;
  role: Role;
  mfa_enabled: boolean;
};

/** GET /auth/session: who is signed in, what they may do; "local" while no user exists (everyone is admin). */
export type Session = {
  mode: 'local' | 'user';
  user: SessionUser | null;
  permissions: Permission[];
  csrf_token: string | null;
  /** Single sign-on through an OpenID Connect provider, when the server is configured for one. */
  oidc?: { enabled: boolean; name?: string | null };
};

/** The roles from the least to the most allowed, with what each may do in words. */
export const ROLES: ReadonlyArray<{ role: Role; label: string; note: string }> = [
  { role: 'viewer', label: 'Viewer', note: 'sees everything, changes nothing' },
  { role: 'clerk', label: 'Clerk', note: 'records movements, counts, receipts and shipments' },
  { role: 'buyer', label: 'Buyer', note: 'records like a clerk, and orders from suppliers' },
  { role: 'planner', label: 'Planner', note: 'buys like a buyer, and sets items, policies and plans' },
  { role: 'admin', label: 'Admin', note: 'does everything, and manages users and tokens' },
];

/** Whether `role` may do no more than `limit` (a token's role must not exceed its owner's). */
export function isRoleWithin(role: Role, limit: Role): boolean {
  return ROLES.findIndex((r) => r.role === role) <= ROLES.findIndex((r) => r.role === limit);
}

export function roleLabel(role: string): string {
  return ROLES.find((r) => r.role === role)?.label ?? role;
}

/** The name to show for the signed-in user: their name, else their user name. */
export function displayName(user: SessionUser): string {
  return user.name?.trim() ? user.name : user.username;
}

type SessionState = {
  /** Undefined until the first answer. */
  session: Session | undefined;
  error: Error | undefined;
  /** Asks the server again (after signing in, out, or enabling MFA). */
  reload: () => Promise<Session | undefined>;
  /** Whether the visitor may do this; true while the session is still loading, the server decides anyway. */
  can: (permission: Permission) => boolean;
};

const SessionContext = createContext<SessionState | null>(null);

/** Loads the session once when the app starts and shares it with every page. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const reload = useCallback(async () => {
    try {
      const answer = await api<Session>('/auth/session');
      setSession(answer);
      setError(undefined);
      return answer;
    } catch (caught) {
      setError(caught as Error);
      return undefined;
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const value = useMemo<SessionState>(
    () => ({
      session,
      error,
      reload,
      can: (permission) => session === undefined || session.permissions.includes(permission),
    }),
    [session, error, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (state === null) throw new Error('useSession needs a SessionProvider');
  return state;
}

/** Signs out here and on the server, then reloads the app on the sign-in page (dropping every page's state). */
export async function signOut(): Promise<void> {
  await api('/auth/logout', { method: 'POST' });
  window.location.assign('/login');
}

/** A path inside this app to go to after signing in (`?next=`), never another site. */
export function safeNext(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (['/login', '/setup', '/invite'].some((p) => next === p || next.startsWith(`${p}?`))) return '/';
  return next;
}

import { type FormEvent, useState } from 'react';
import { ApiError, api, type Page, query } from '../api';
import { dateTime } from '../format';
import { Link, useLocation, useTitle } from '../router';
import { ROLES, type Role, roleLabel, useSession } from '../session';
import { Card, Chip, type Column, Empty, ErrorNote, Field, Loading, PageHeader, Table } from '../ui';
import { useApi } from '../use-api';
import { type ApiToken, TokenTable } from './account';
import { FormError, fieldErrorOf, OnceValue, relative } from './auth-common';

type User = {
  username: string;
  name: string | null;
  email: string | null;
  role: Role;
  active: boolean;
  mfa_enabled: boolean;
  last_login_at: string | null;
  locked_until: string | null;
  created_at: string;
};

type Invitation = {
  id: number | string;
  role: Role;
  email: string | null;
  expires_at: string;
  url?: string;
  token?: string;
  setup: boolean;
  created_at: string;
  created_by: string;
};

type AuditEntry = {
  id: number;
  at: string;
  actor: string;
  entity: string;
  entity_key: string;
  action: string;
  before: unknown;
  after: unknown;
};

const TABS = [
  { key: 'users', label: 'Users' },
  { key: 'invitations', label: 'Invitations' },
  { key: 'tokens', label: 'API tokens' },
  { key: 'activity', label: 'Activity' },
] as const;
type Tab = (typeof TABS)[number]['key'];

/** /users (admins): who may use Leanstock with which role, invitations, everyone's tokens, and the sign-in trail. */
export function Users() {
  useTitle('Users');
  const { search } = useLocation();
  const { can } = useSession();
  const tab: Tab = TABS.find((t) => t.key === search.get('tab'))?.key ?? 'users';
  if (!can('admin')) {
    return (
      <>
        <PageHeader title="Users" />
        <Empty title="Only administrators manage users.">
          Ask an administrator to invite someone or to change a role. <Link href="/account">Your account</Link>
        </Empty>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Who may use Leanstock and what their role lets them do."
        actions={
          tab !== 'invitations' && (
            <Link className="button" href="/users?tab=invitations">
              Invite someone
            </Link>
          )
        }
      />
      <nav className="po-tabs" aria-label="User administration">
        {TABS.map((t) => (
          <Link
            key={t.key}
            href={`/users${query({ tab: t.key === 'users' ? undefined : t.key })}`}
            aria-current={t.key === tab ? 'page' : undefined}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === 'users' && <UserList />}
      {tab === 'invitations' && <InvitationsTab />}
      {tab === 'tokens' && <AllTokens />}
      {tab === 'activity' && <Activity />}
    </>
  );
}

function statusOf(user: User, now: number): { label: string; tone: 'ok' | 'warn' | 'neutral' } {
  if (!user.active) return { label: 'Disabled', tone: 'neutral' };
  if (user.locked_until && new Date(user.locked_until).getTime() > now) {
    return { label: `Locked until ${dateTime(user.locked_until).split(', ').pop()}`, tone: 'warn' };
  }
  return { label: 'Active', tone: 'ok' };
}

function UserList() {
  const { session } = useSession();
  const users = useApi<Page<User>>('/users');
  const [error, setError] = useState<{ username: string; error: Error } | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const me = session?.user?.username;
  const now = Date.now();
  const change = async (user: User, patch: Partial<Pick<User, 'role' | 'active'>>, done: string) => {
    setBusy(user.username);
    setError(undefined);
    setNotice(undefined);
    try {
      await api(`/users/${encodeURIComponent(user.username)}`, { method: 'PATCH', body: patch });
      setNotice(done);
      users.reload();
    } catch (caught) {
      setError({ username: user.username, error: caught as Error });
      users.reload();
    } finally {
      setBusy(undefined);
    }
  };
  const columns: Column<User>[] = [
    {
      key: 'user',
      label: 'User',
      render: (u) => (
        <div className="user-cell">
          <strong>{u.name?.trim() ? u.name : u.username}</strong>
          {(u.name?.trim() || u.email) && (
            <span className="muted">
              {u.name?.trim() ? u.username : ''}
              {u.name?.trim() && u.email ? ' · ' : ''}
              {u.email ?? ''}
            </span>
          )}
          <span className="phone-only muted">
            two-step {u.mfa_enabled ? 'on' : 'off'}
            {statusOf(u, now).label !== 'Active' && (
              <>
                {' '}
                <Chip tone={statusOf(u, now).tone}>{statusOf(u, now).label}</Chip>
              </>
            )}
          </span>
        </div>
      ),
      sort: (u) => u.username,
    },
    {
      key: 'role',
      label: 'Role',
      render: (u) => (
        <select
          aria-label={`Role of ${u.username}`}
          className="user-role"
          value={u.role}
          disabled={busy === u.username}
          onChange={(e) =>
            void change(
              u,
              { role: e.target.value as Role },
              `${u.username} is now ${roleLabel(e.target.value).toLowerCase()}.`,
            )
          }
        >
          {ROLES.map((r) => (
            <option key={r.role} value={r.role}>
              {r.label}
            </option>
          ))}
        </select>
      ),
      sort: (u) => ROLES.findIndex((r) => r.role === u.role),
    },
    {
      key: 'mfa',
      label: 'Two-step',
      render: (u) => <Chip tone={u.mfa_enabled ? 'ok' : 'neutral'}>{u.mfa_enabled ? 'On' : 'Off'}</Chip>,
      sort: (u) => (u.mfa_enabled ? 0 : 1),
    },
    {
      key: 'login',
      label: 'Last sign-in',
      render: (u) =>
        u.last_login_at ? <span title={dateTime(u.last_login_at)}>{relative(u.last_login_at, now)}</span> : 'never',
      sort: (u) => u.last_login_at ?? '',
    },
    {
      key: 'status',
      label: 'Status',
      render: (u) => {
        const status = statusOf(u, now);
        return <Chip tone={status.tone}>{status.label}</Chip>;
      },
      sort: (u) => statusOf(u, now).label,
    },
    {
      key: 'action',
      label: 'Action',
      render: (u) =>
        u.username === me ? (
          <span className="muted">you</span>
        ) : (
          <button
            type="button"
            className="secondary"
            aria-label={`${u.active ? 'Disable' : 'Enable'} ${u.username}`}
            disabled={busy === u.username}
            onClick={() =>
              void change(
                u,
                { active: !u.active },
                u.active ? `${u.username} can no longer sign in.` : `${u.username} can sign in again.`,
              )
            }
          >
            {u.active ? 'Disable' : 'Enable'}
          </button>
        ),
    },
  ];
  const rows = users.data?.data ?? [];
  return (
    <Card>
      <ErrorNote error={users.error} />
      {error && (
        <div className="error-note" role="alert">
          <strong>Not changed ({error.username}): </strong>
          {error.error.message}
          {error.error instanceof ApiError &&
            error.error.details
              .filter((d) => !error.error.message.includes(d.message))
              .map((d) => <div key={d.field}>{d.message}</div>)}
        </div>
      )}
      {notice && (
        <p className="account-saved" role="status">
          {notice}
        </p>
      )}
      {users.loading && !users.data && <Loading what="Loading users" />}
      {users.data && rows.length === 0 && (
        <Empty title="No users yet.">
          <Link href="/users?tab=invitations">Invite the first one</Link>; until then anyone on this computer can use
          Leanstock.
        </Empty>
      )}
      {rows.length > 0 && (
        <div className="user-table">
          <Table rows={rows} columns={columns} rowKey={(u) => u.username} caption="Users" />
        </div>
      )}
      <details className="role-help">
        <summary>What each role may do</summary>
        <ul>
          {ROLES.map((r) => (
            <li key={r.role}>
              <strong>{r.label}</strong>: {r.note}
            </li>
          ))}
        </ul>
      </details>
    </Card>
  );
}

function InvitationsTab() {
  const invitations = useApi<Page<Invitation>>('/invitations');
  const [values, setValues] = useState({ role: 'clerk', email: '' });
  const [created, setCreated] = useState<Invitation | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<Error | undefined>();
  const invite = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<Invitation>('/invitations', {
        method: 'POST',
        body: { role: values.role, ...(values.email.trim() !== '' && { email: values.email.trim() }) },
      });
      setCreated(answer);
      setValues((v) => ({ ...v, email: '' }));
      invitations.reload();
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (invitation: Invitation) => {
    setRevokeError(undefined);
    try {
      await api(`/invitations/${encodeURIComponent(String(invitation.id))}/revoke`, { method: 'POST' });
      if (created?.id === invitation.id) setCreated(undefined);
      invitations.reload();
    } catch (caught) {
      setRevokeError(caught as Error);
    }
  };
  const rows = invitations.data?.data ?? [];
  const columns: Column<Invitation>[] = [
    { key: 'role', label: 'Role', render: (i) => roleLabel(i.role), sort: (i) => i.role },
    { key: 'email', label: 'For', render: (i) => i.email ?? <span className="muted">anyone with the link</span> },
    { key: 'by', label: 'Invited by', render: (i) => i.created_by, sort: (i) => i.created_by },
    {
      key: 'expires',
      label: 'Expires',
      render: (i) => <span title={dateTime(i.expires_at)}>{relative(i.expires_at)}</span>,
      sort: (i) => i.expires_at,
    },
    {
      key: 'action',
      label: 'Action',
      render: (i) => (
        <button type="button" className="secondary" onClick={() => void revoke(i)}>
          Revoke
        </button>
      ),
    },
  ];
  return (
    <>
      <Card title="Invite someone">
        <p className="muted account-intro">
          An invitation is a link for one person: they open it, choose a user name and a password, and are signed in
          with the role you pick here. Send it the way you like (chat, e-mail, paper).
        </p>
        <form onSubmit={invite} noValidate aria-label="Invite someone" className="invite-form">
          <Field
            label="Role"
            error={fieldErrorOf(error, 'role')}
            hint={`${roleLabel(values.role)}: ${ROLES.find((r) => r.role === values.role)?.note ?? ''}`}
          >
            {(props) => (
              <select
                {...props}
                value={values.role}
                onChange={(e) => setValues((v) => ({ ...v, role: e.target.value }))}
              >
                {ROLES.map((r) => (
                  <option key={r.role} value={r.role}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="E-mail (optional)" error={fieldErrorOf(error, 'email')} hint="Filled in for them">
            {(props) => (
              <input
                {...props}
                type="email"
                autoComplete="off"
                value={values.email}
                onChange={(e) => setValues((v) => ({ ...v, email: e.target.value }))}
              />
            )}
          </Field>
          <div className="token-submit">
            <button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create invitation link'}
            </button>
          </div>
        </form>
        <FormError error={error} fields={['role', 'email']} />
        {created?.url && (
          <div className="token-created">
            <OnceValue
              label={`Invitation link (${roleLabel(created.role)})`}
              value={new URL(created.url, window.location.origin).href}
              hint={`Valid until ${dateTime(created.expires_at)}; it works once. Revoke it below if it went to the wrong person.`}
            />
          </div>
        )}
      </Card>
      <Card title="Open invitations">
        <ErrorNote error={invitations.error ?? revokeError} />
        {invitations.loading && !invitations.data && <Loading what="Loading invitations" />}
        {invitations.data && rows.length === 0 && (
          <Empty title="No open invitations.">Links that were used, revoked or expired are not listed.</Empty>
        )}
        {rows.length > 0 && (
          <div className="invitation-table">
            <Table rows={rows} columns={columns} rowKey={(i) => String(i.id)} caption="Open invitations" />
          </div>
        )}
      </Card>
    </>
  );
}

function AllTokens() {
  const tokens = useApi<{ data: ApiToken[] }>('/tokens?all=true');
  const rows = tokens.data?.data ?? [];
  return (
    <Card title="Everyone's API tokens">
      <p className="muted account-intro">
        Revoke a token here when a device is lost or someone leaves. Your own tokens are created on{' '}
        <Link href="/account">your account</Link>.
      </p>
      <ErrorNote error={tokens.error} />
      {tokens.loading && !tokens.data && <Loading what="Loading tokens" />}
      {tokens.data && rows.length === 0 && <Empty title="Nobody has an API token." />}
      {rows.length > 0 && <TokenTable rows={rows} onChanged={tokens.reload} showOwner />}
    </Card>
  );
}

const ENTITIES = [
  { entity: 'session', label: 'Sign-ins' },
  { entity: 'user', label: 'Users and roles' },
  { entity: 'api_token', label: 'API tokens' },
  { entity: 'invitation', label: 'Invitations' },
] as const;

/** A change of one field in words: "role clerk → planner". */
function describeChange(entry: AuditEntry): string {
  const before = (entry.before ?? {}) as Record<string, unknown>;
  const after = (entry.after ?? {}) as Record<string, unknown>;
  if (typeof after !== 'object' || after === null) return '';
  const parts: string[] = [];
  for (const key of ['role', 'active', 'name', 'email', 'reason', 'address', 'locked_until']) {
    const was = before[key];
    const now = after[key];
    if (now === undefined || now === null) continue;
    if (was !== undefined && was !== now) parts.push(`${key} ${String(was)} → ${String(now)}`);
    else if (was === undefined) parts.push(`${key} ${String(now)}`);
  }
  return parts.join(', ');
}

function Activity() {
  const { search } = useLocation();
  const entity = ENTITIES.find((e) => e.entity === search.get('entity'))?.entity ?? 'session';
  const trail = useApi<Page<AuditEntry>>(`/audit${query({ entity, limit: 200 })}`);
  const rows = trail.data?.data ?? [];
  const columns: Column<AuditEntry>[] = [
    { key: 'at', label: 'When', render: (e) => dateTime(e.at), sort: (e) => e.at },
    { key: 'action', label: 'What', render: (e) => <ActionChip action={e.action} />, sort: (e) => e.action },
    { key: 'key', label: 'Whom', render: (e) => e.entity_key, sort: (e) => e.entity_key },
    { key: 'actor', label: 'By', render: (e) => e.actor, sort: (e) => e.actor },
    { key: 'details', label: 'Details', render: (e) => <span className="muted">{describeChange(e)}</span> },
  ];
  return (
    <Card>
      <nav className="po-tabs activity-tabs" aria-label="Activity kind">
        {ENTITIES.map((e) => (
          <Link
            key={e.entity}
            href={`/users${query({ tab: 'activity', entity: e.entity === 'session' ? undefined : e.entity })}`}
            aria-current={e.entity === entity ? 'page' : undefined}
          >
            {e.label}
          </Link>
        ))}
      </nav>
      <ErrorNote error={trail.error} />
      {trail.loading && !trail.data && <Loading what="Loading activity" />}
      {trail.data && rows.length === 0 && <Empty title="Nothing recorded yet." />}
      {rows.length > 0 && (
        <Table rows={rows} columns={columns} rowKey={(e) => String(e.id)} caption="Recent activity, newest first" />
      )}
    </Card>
  );
}

function ActionChip({ action }: { action: string }) {
  const tone = /fail|lock|revok|disabl|refus/.test(action)
    ? 'warn'
    : /login|creat|accept|enabl/.test(action)
      ? 'ok'
      : 'neutral';
  return <Chip tone={tone}>{action.replaceAll('_', ' ')}</Chip>;
}

import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { dateTime } from '../format';
import { Link, useTitle } from '../router';
import { isRoleWithin, ROLES, type Role, roleLabel, type SessionUser, useSession } from '../session';
import { Card, Chip, type Column, Empty, ErrorNote, Field, Loading, PageHeader, Table } from '../ui';
import { useApi } from '../use-api';
import { CopyButton, FormError, fieldErrorOf, OnceValue, relative } from './auth-common';

/** An API token as GET /tokens lists it; `token` only in the answer that created it. */
export type ApiToken = {
  id: number | string;
  name: string;
  username: string;
  role: Role;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  token?: string;
};

/** /account: the signed-in user's password, two-step sign-in and API tokens. */
export function Account() {
  useTitle('Account');
  const { session } = useSession();
  const user = session?.user ?? null;
  if (user === null) {
    return (
      <>
        <PageHeader title="Account" />
        <Empty title="No users yet, so nobody has an account.">
          Anyone on this computer can use Leanstock until the first administrator is created.{' '}
          <Link href="/setup">Create the first admin</Link>
        </Empty>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Your account"
        subtitle={
          <>
            {user.name?.trim() ? `${user.name} · ` : ''}
            {user.username}
            {user.email ? ` · ${user.email}` : ''} · {roleLabel(user.role)}
          </>
        }
      />
      <div className="grid-2">
        <PasswordCard />
        <MfaCard user={user} />
      </div>
      <div className="account-gap" />
      <TokensCard user={user} />
    </>
  );
}

function PasswordCard() {
  const [values, setValues] = useState({ current_password: '', new_password: '', confirm: '' });
  const [error, setError] = useState<Error | undefined>();
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof typeof values, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setDone(false);
    setMismatch(false);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (values.new_password !== values.confirm) {
      setMismatch(true);
      return;
    }
    setBusy(true);
    try {
      await api('/auth/password', {
        method: 'POST',
        body: { current_password: values.current_password, new_password: values.new_password },
      });
      setValues({ current_password: '', new_password: '', confirm: '' });
      setDone(true);
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Password">
      <form onSubmit={submit} noValidate aria-label="Change password" className="account-form">
        <Field label="Current password" error={fieldErrorOf(error, 'current_password')}>
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              value={values.current_password}
              onChange={(e) => set('current_password', e.target.value)}
            />
          )}
        </Field>
        <Field label="New password" error={fieldErrorOf(error, 'new_password')} hint="At least 10 characters">
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="new-password"
              value={values.new_password}
              onChange={(e) => set('new_password', e.target.value)}
            />
          )}
        </Field>
        <Field
          label="New password again"
          error={mismatch ? 'The two passwords differ; type the same password twice.' : undefined}
        >
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="new-password"
              value={values.confirm}
              onChange={(e) => set('confirm', e.target.value)}
            />
          )}
        </Field>
        <FormError error={error} fields={['current_password', 'new_password']} />
        {done && (
          <p className="account-saved" role="status">
            Password changed.
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </Card>
  );
}

type MfaSetup = { secret: string; otpauth_url: string; qr_svg: string };

/** Four-character groups are easier to type from the screen into a phone. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

function MfaCard({ user }: { user: SessionUser }) {
  const { reload } = useSession();
  const [setup, setSetup] = useState<MfaSetup | undefined>();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | undefined>();
  const [turningOff, setTurningOff] = useState(false);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  const start = () =>
    run(async () => {
      setSetup(await api<MfaSetup>('/auth/mfa/setup', { method: 'POST' }));
      setCode('');
    });
  const enable = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const answer = await api<{ recovery_codes: string[] }>('/auth/mfa/enable', {
        method: 'POST',
        body: { code: code.trim() },
      });
      setRecoveryCodes(answer.recovery_codes);
      setSetup(undefined);
      await reload();
    });
  };
  const disable = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api('/auth/mfa/disable', { method: 'POST', body: { password } });
      setPassword('');
      setTurningOff(false);
      await reload();
    });
  };

  if (recoveryCodes) {
    return (
      <Card title={<>Two-step sign-in {<Chip tone="ok">On</Chip>}</>}>
        <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(undefined)} />
      </Card>
    );
  }
  if (setup) {
    const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}`;
    return (
      <Card title="Set up two-step sign-in">
        <ol className="mfa-steps">
          <li>
            Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, …).
            <img className="mfa-qr" src={qr} alt="QR code to scan with an authenticator app" width={180} height={180} />
            <div className="mfa-secret">
              <span className="muted">Or type this key:</span> <code>{grouped(setup.secret)}</code>{' '}
              <CopyButton text={setup.secret} label="Copy key" />
            </div>
          </li>
          <li>
            <form onSubmit={enable} noValidate aria-label="Confirm two-step sign-in" className="mfa-confirm">
              <Field
                label="Code the app shows"
                error={fieldErrorOf(error, 'code')}
                hint="6 digits; it changes every 30 seconds"
              >
                {(props) => (
                  <input
                    {...props}
                    className="auth-code"
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    maxLength={6}
                    value={code}
                    onChange={(e) => setCode(e.target.value)}
                  />
                )}
              </Field>
              <FormError error={error} fields={['code']} />
              <div className="account-buttons">
                <button type="submit" disabled={busy}>
                  {busy ? 'Checking…' : 'Turn on'}
                </button>
                <button type="button" className="secondary" onClick={() => setSetup(undefined)}>
                  Cancel
                </button>
              </div>
            </form>
          </li>
        </ol>
      </Card>
    );
  }
  return (
    <Card
      title={
        <>
          Two-step sign-in {<Chip tone={user.mfa_enabled ? 'ok' : 'neutral'}>{user.mfa_enabled ? 'On' : 'Off'}</Chip>}
        </>
      }
    >
      {user.mfa_enabled ? (
        <>
          <p>Signing in asks for a code from your authenticator app after the password.</p>
          {!turningOff ? (
            <button type="button" className="secondary" onClick={() => setTurningOff(true)}>
              Turn off…
            </button>
          ) : (
            <form onSubmit={disable} noValidate aria-label="Turn off two-step sign-in" className="account-danger">
              <Field label="Your password" error={fieldErrorOf(error, 'password')}>
                {(props) => (
                  <input
                    {...props}
                    type="password"
                    autoComplete="current-password"
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                  />
                )}
              </Field>
              <FormError error={error} fields={['password']} />
              <div className="account-buttons">
                <button type="submit" className="danger" disabled={busy}>
                  Turn off two-step sign-in
                </button>
                <button type="button" className="secondary" onClick={() => setTurningOff(false)}>
                  Keep it on
                </button>
              </div>
            </form>
          )}
        </>
      ) : (
        <>
          <p>Protect your account with a code from your phone: a stolen password alone no longer lets anyone in.</p>
          <ErrorNote error={error} />
          <button type="button" onClick={() => void start()} disabled={busy}>
            {busy ? 'Preparing…' : 'Set up two-step sign-in'}
          </button>
        </>
      )}
    </Card>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = `Leanstock recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'leanstock-recovery-codes.txt';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="recovery">
      <p role="status">
        <strong>Two-step sign-in is on.</strong> Save these recovery codes now: each signs you in once if you lose your
        phone. They are not shown again.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="account-buttons">
        <CopyButton text={codes.join('\n')} label="Copy codes" />
        <button type="button" className="secondary" onClick={download}>
          Download
        </button>
        <button type="button" onClick={onDone}>
          I have saved them
        </button>
      </div>
    </div>
  );
}

const EXPIRIES = [
  { days: '30', label: '30 days' },
  { days: '90', label: '90 days' },
  { days: '365', label: '1 year' },
  { days: '', label: 'Never' },
];

function tokenState(token: ApiToken, now: number): { label: string; tone: 'ok' | 'neutral' | 'bad' } {
  if (token.revoked_at) return { label: 'Revoked', tone: 'neutral' };
  if (token.expires_at && new Date(token.expires_at).getTime() <= now) return { label: 'Expired', tone: 'neutral' };
  return { label: 'Active', tone: 'ok' };
}

/** The user's API tokens: create one (shown once), see when each was last used, revoke. */
function TokensCard({ user }: { user: SessionUser }) {
  const tokens = useApi<{ data: ApiToken[] }>('/tokens');
  const [values, setValues] = useState({ name: '', role: user.role as string, expires: '90' });
  const [created, setCreated] = useState<ApiToken | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const roles = ROLES.filter((r) => isRoleWithin(r.role, user.role));
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<ApiToken>('/tokens', {
        method: 'POST',
        body: {
          name: values.name.trim(),
          role: values.role,
          ...(values.expires !== '' && { expires_in_days: Number(values.expires) }),
        },
      });
      setCreated(answer);
      setValues((v) => ({ ...v, name: '' }));
      tokens.reload();
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  const rows = tokens.data?.data ?? [];
  return (
    <Card title="API tokens">
      <p className="muted account-intro">
        A token lets a script, a scanner or another system use the API as you, with at most your role. Send it as{' '}
        <code>Authorization: Bearer …</code>.
      </p>
      {created?.token ? (
        <div className="token-created">
          <OnceValue
            label={`New token “${created.name}”`}
            value={created.token}
            hint="Copy it now: it is shown only once. Revoke it here when it is no longer needed."
          />
          <button type="button" className="secondary" onClick={() => setCreated(undefined)}>
            Done
          </button>
        </div>
      ) : (
        <form onSubmit={create} noValidate aria-label="New API token" className="token-form">
          <Field label="Token name" error={fieldErrorOf(error, 'name')} hint="What uses it, e.g. Shelf scanner">
            {(props) => (
              <input
                {...props}
                autoComplete="off"
                value={values.name}
                onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))}
              />
            )}
          </Field>
          <Field label="Role" error={fieldErrorOf(error, 'role')}>
            {(props) => (
              <select
                {...props}
                value={values.role}
                onChange={(e) => setValues((v) => ({ ...v, role: e.target.value }))}
              >
                {roles.map((r) => (
                  <option key={r.role} value={r.role}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Expires after" error={fieldErrorOf(error, 'expires_in_days')}>
            {(props) => (
              <select
                {...props}
                value={values.expires}
                onChange={(e) => setValues((v) => ({ ...v, expires: e.target.value }))}
              >
                {EXPIRIES.map((x) => (
                  <option key={x.label} value={x.days}>
                    {x.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="token-submit">
            <button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create token'}
            </button>
          </div>
          <div className="token-error">
            <FormError error={error} fields={['name', 'role', 'expires_in_days']} />
          </div>
        </form>
      )}
      <ErrorNote error={tokens.error} />
      {tokens.loading && !tokens.data && <Loading what="Loading tokens" />}
      {tokens.data && rows.length === 0 && (
        <Empty title="No API tokens yet.">Create one above for each script or device that uses the API.</Empty>
      )}
      {rows.length > 0 && <TokenTable rows={rows} onChanged={tokens.reload} />}
    </Card>
  );
}

/** Tokens with their last use, and a revoke button that asks once more. */
export function TokenTable({
  rows,
  onChanged,
  showOwner = false,
}: {
  rows: ApiToken[];
  onChanged: () => void;
  showOwner?: boolean;
}) {
  const [confirming, setConfirming] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const now = Date.now();
  const revoke = async (token: ApiToken) => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/tokens/${encodeURIComponent(String(token.id))}/revoke`, { method: 'POST' });
      setConfirming(undefined);
      onChanged();
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  const columns: Column<ApiToken>[] = [
    { key: 'name', label: 'Name', render: (t) => <strong>{t.name}</strong>, sort: (t) => t.name.toLowerCase() },
    ...(showOwner
      ? [{ key: 'user', label: 'User', render: (t: ApiToken) => t.username, sort: (t: ApiToken) => t.username }]
      : []),
    { key: 'role', label: 'Role', render: (t) => roleLabel(t.role), sort: (t) => t.role },
    {
      key: 'used',
      label: 'Last used',
      render: (t) =>
        t.last_used_at ? <span title={dateTime(t.last_used_at)}>{relative(t.last_used_at, now)}</span> : 'never',
      sort: (t) => t.last_used_at ?? '',
    },
    { key: 'created', label: 'Created', render: (t) => dateTime(t.created_at), sort: (t) => t.created_at },
    {
      key: 'expires',
      label: 'Expires',
      render: (t) => (t.expires_at ? dateTime(t.expires_at) : 'never'),
      sort: (t) => t.expires_at ?? '9999',
    },
    {
      key: 'state',
      label: 'Status',
      render: (t) => {
        const state = tokenState(t, now);
        return <Chip tone={state.tone}>{state.label}</Chip>;
      },
      sort: (t) => tokenState(t, now).label,
    },
    {
      key: 'action',
      label: 'Action',
      render: (t) => {
        if (tokenState(t, now).label !== 'Active') return null;
        const key = String(t.id);
        return confirming === key ? (
          <span className="token-confirm">
            <button type="button" className="danger" disabled={busy} onClick={() => void revoke(t)}>
              Revoke {t.name}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(undefined)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" className="secondary" onClick={() => setConfirming(key)}>
            Revoke…
          </button>
        );
      },
    },
  ];
  return (
    <>
      {confirming !== undefined && (
        <p className="muted token-warning" role="status">
          A revoked token stops working at once for whatever uses it.
        </p>
      )}
      <ErrorNote error={error} />
      <div className={`token-table ${showOwner ? 'with-owner' : ''}`}>
        <Table rows={rows} columns={columns} rowKey={(t) => String(t.id)} caption="API tokens" />
      </div>
    </>
  );
}

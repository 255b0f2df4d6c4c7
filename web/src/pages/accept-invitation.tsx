import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api';
import { date } from '../format';
import { Link, navigate, useLocation, useTitle } from '../router';
import { ROLES, roleLabel, type Session, useSession } from '../session';
import { ErrorNote, Field, Loading } from '../ui';
import { useApi } from '../use-api';
import { AuthFrame, FormError, fieldErrorOf } from './auth-common';

type Invitation = { role: string; email: string | null; expires_at: string; setup: boolean };

const FIELDS = ['username', 'name', 'email', 'password'];

/**
 * /invite?token= and /setup?token=: the person the link was given to picks a user name and a password, and is signed
 * in. Without a token, /setup says how to get the first administrator's link.
 */
export function AcceptInvitation() {
  const { path, search } = useLocation();
  const token = search.get('token');
  useTitle(path === '/setup' ? 'Set up Leanstock' : 'Accept invitation');
  if (token === null || token.trim() === '') {
    return path === '/setup' ? <SetupHelp /> : <NoToken />;
  }
  return <InvitationForm token={token} setup={path === '/setup'} />;
}

function NoToken() {
  return (
    <AuthFrame title="This link is incomplete">
      <p>
        An invitation link ends in <code>?token=…</code>. Copy the whole link from the message you were sent.
      </p>
      <p className="auth-links">
        <Link href="/login">Sign in</Link>
      </p>
    </AuthFrame>
  );
}

/** /setup without a token: where the first administrator's link comes from. */
function SetupHelp() {
  const { session } = useSession();
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  // While there are no users, this computer is the administrator anyway: it may invite the first one itself.
  const createHere = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<{ token: string }>('/invitations', { method: 'POST', body: { role: 'admin' } });
      navigate(`/setup?token=${encodeURIComponent(created.token)}`, { replace: true });
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  if (session !== undefined && session.mode === 'user') {
    return (
      <AuthFrame title="Leanstock is set up">
        <p>It has users already. Sign in, or ask an administrator for an invitation.</p>
        <p className="auth-links">
          <Link className="button" href="/login">
            Sign in
          </Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Create the first admin" subtitle="Until someone does, anyone on this computer can use Leanstock.">
      <p>
        <button type="button" className="auth-submit" disabled={busy} onClick={() => void createHere()}>
          {busy ? 'Preparing…' : 'Create the first admin here'}
        </button>
      </p>
      <ErrorNote error={error} />
      <p className="muted">Or, on another computer:</p>
      <ol className="auth-steps">
        <li>
          Open the set-up link <code>leanstock serve</code> printed when it started (<code>http://…/setup?token=…</code>
          , valid for 24 hours).
        </li>
        <li>
          Or, on the server, run <code>bin/leanstock user add NAME --admin</code> and sign in.
        </li>
      </ol>
      <p className="muted">
        Once there is a user, everyone signs in, and the administrator invites the others from the Users page.
      </p>
      <p className="auth-links">
        <Link className="button secondary" href="/">
          Back to Leanstock
        </Link>
      </p>
    </AuthFrame>
  );
}

function InvitationForm({ token, setup: setupPath }: { token: string; setup: boolean }) {
  const { reload } = useSession();
  const invitation = useApi<Invitation>(`/invitations/by-token/${encodeURIComponent(token)}`);
  const [values, setValues] = useState({ username: '', name: '', email: '', password: '', confirm: '' });
  const [emailTouched, setEmailTouched] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);

  if (invitation.loading || (!invitation.data && !invitation.error)) {
    return (
      <AuthFrame title="Accept invitation">
        <Loading what="Checking the link" />
      </AuthFrame>
    );
  }
  if (invitation.error || !invitation.data) {
    const gone = invitation.error instanceof ApiError && [404, 410].includes(invitation.error.status);
    return (
      <AuthFrame title={gone ? 'This link does not work any more' : 'The link could not be checked'}>
        {gone ? (
          <>
            <p>
              <strong>{invitation.error?.message.replace(/\.?$/, '.')}</strong>
            </p>
            <p className="muted">
              An administrator can send a new invitation from the Users page; a new set-up link comes from restarting{' '}
              <code>leanstock serve</code> while there are no users.
            </p>
          </>
        ) : (
          <ErrorNote error={invitation.error} />
        )}
        <p className="auth-links">
          <Link href="/login">Sign in</Link>
        </p>
      </AuthFrame>
    );
  }
  const invited = invitation.data;
  const setup = invited.setup || (setupPath && invited.role === 'admin');
  const email = emailTouched ? values.email : values.email || (invited.email ?? '');
  const set = (field: keyof typeof values, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    if (field === 'email') setEmailTouched(true);
    if (field === 'password' || field === 'confirm') setMismatch(false);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    if (values.password !== values.confirm) {
      setMismatch(true);
      return;
    }
    setBusy(true);
    try {
      await api<Session>(`/invitations/by-token/${encodeURIComponent(token)}/accept`, {
        method: 'POST',
        body: {
          username: values.username.trim(),
          password: values.password,
          ...(values.name.trim() !== '' && { name: values.name.trim() }),
          ...(email.trim() !== '' && { email: email.trim() }),
        },
      });
      await reload();
      navigate('/', { replace: true });
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };
  const role = ROLES.find((r) => r.role === invited.role);
  return (
    <AuthFrame
      title={setup ? 'Set up Leanstock' : 'Join Leanstock'}
      subtitle={
        setup
          ? 'You are creating the first administrator. After this, everyone signs in.'
          : 'You have been invited. Choose how you sign in.'
      }
    >
      <p className="auth-role">
        Role: <strong>{roleLabel(invited.role)}</strong>
        {role && <span className="muted"> — {role.note}</span>}
        <span className="muted auth-expiry"> · link valid until {date(invited.expires_at)}</span>
      </p>
      <form onSubmit={submit} noValidate aria-label="Create your user" className="auth-form">
        <Field
          label="User name"
          error={fieldErrorOf(error, 'username')}
          hint="What you type to sign in: lower case letters, digits, dots, dashes"
        >
          {(props) => (
            <input
              {...props}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              value={values.username}
              onChange={(e) => set('username', e.target.value)}
            />
          )}
        </Field>
        <Field label="Full name (optional)" error={fieldErrorOf(error, 'name')}>
          {(props) => (
            <input
              {...props}
              name="name"
              autoComplete="name"
              value={values.name}
              onChange={(e) => set('name', e.target.value)}
            />
          )}
        </Field>
        <Field label="E-mail (optional)" error={fieldErrorOf(error, 'email')}>
          {(props) => (
            <input
              {...props}
              name="email"
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => set('email', e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={fieldErrorOf(error, 'password')} hint="At least 10 characters">
          {(props) => (
            <input
              {...props}
              name="password"
              type="password"
              autoComplete="new-password"
              value={values.password}
              onChange={(e) => set('password', e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Password again"
          error={mismatch ? 'The two passwords differ; type the same password twice.' : undefined}
        >
          {(props) => (
            <input
              {...props}
              name="confirm"
              type="password"
              autoComplete="new-password"
              value={values.confirm}
              onChange={(e) => set('confirm', e.target.value)}
            />
          )}
        </Field>
        <FormError error={error} fields={FIELDS} />
        <button type="submit" className="auth-submit" disabled={busy}>
          {busy ? 'Creating…' : setup ? 'Create administrator and sign in' : 'Create user and sign in'}
        </button>
      </form>
    </AuthFrame>
  );
}

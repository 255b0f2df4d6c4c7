import { type FormEvent, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import { dateTime } from '../format';
import { Link, useLocation, useTitle } from '../router';
import { displayName, type Session, safeNext, useSession } from '../session';
import { ErrorNote, Field, Loading } from '../ui';
import { AuthFrame, fieldErrorOf } from './auth-common';

/** /login: user name and password, then the code from the authenticator app when the user has two-step sign-in. */
export function Login() {
  useTitle('Sign in');
  const { search } = useLocation();
  const { session } = useSession();
  const next = safeNext(search.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  const providerError = search.get('error');

  if (session === undefined) {
    return (
      <AuthFrame title="Sign in">
        <Loading />
      </AuthFrame>
    );
  }
  if (session.mode === 'local') {
    return (
      <AuthFrame title="Nobody needs to sign in yet">
        <p>There are no users yet, so anyone on this computer can use Leanstock without signing in.</p>
        <p className="auth-links">
          <Link className="button" href="/">
            Open Leanstock
          </Link>
          <Link className="button secondary" href="/setup">
            Create the first admin
          </Link>
        </p>
      </AuthFrame>
    );
  }
  if (session.user !== null) {
    return (
      <AuthFrame title="You are signed in">
        <p>
          Signed in as <strong>{displayName(session.user)}</strong> ({session.user.username}).
        </p>
        <p className="auth-links">
          <Link className="button" href={next}>
            Continue
          </Link>
          <Link className="button secondary" href="/account">
            Your account
          </Link>
        </p>
      </AuthFrame>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await api<Session>('/auth/login', {
        method: 'POST',
        body: { username: username.trim(), password, ...(needsCode && { code: code.trim() }) },
      });
      // A full load: nothing of the page before survives the change of user, and `next` may be a page the server
      // renders itself (a kanban card's QR page).
      window.location.replace(next);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'LS_MFA_REQUIRED') {
        setNeedsCode(true);
        setTimeout(() => codeInput.current?.focus(), 0);
      } else {
        setError(caught as Error);
        if (needsCode) setCode('');
      }
    } finally {
      setBusy(false);
    }
  };
  const refused = error instanceof ApiError ? error : undefined;
  const wrongCode = needsCode && refused?.code === 'LS_INVALID_CREDENTIALS';
  // A lock or a rate limit is about the attempt, not about what was typed: it goes in the alert, not at a field.
  const atField = (field: string) =>
    refused && ['LS_LOCKED', 'LS_RATE_LIMITED'].includes(refused.code) ? undefined : fieldErrorOf(error, field);

  return (
    <AuthFrame
      title="Sign in"
      subtitle={needsCode ? 'Two-step sign-in: enter the code your authenticator app shows now.' : undefined}
    >
      {providerError && !error && (
        <p className="error-note" role="alert">
          Single sign-on did not sign you in: {providerError}
        </p>
      )}
      <form onSubmit={submit} noValidate aria-label="Sign in" className="auth-form">
        <Field label="User name" error={atField('username')}>
          {(props) => (
            <input
              {...props}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              readOnly={needsCode}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={atField('password')}>
          {(props) => (
            <input
              {...props}
              name="password"
              type="password"
              autoComplete="current-password"
              readOnly={needsCode}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        {needsCode && (
          <Field
            label="Code"
            error={
              wrongCode
                ? 'This code is not valid or was used already: type the code shown now, or another recovery code.'
                : atField('code')
            }
            hint="The 6 digits from your authenticator app. Lost your phone? Enter one of your recovery codes (xxxxx-xxxxx) instead."
          >
            {(props) => (
              <input
                {...props}
                ref={codeInput}
                name="code"
                className="auth-code"
                autoComplete="one-time-code"
                autoCapitalize="none"
                spellCheck={false}
                maxLength={11}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            )}
          </Field>
        )}
        {error && !wrongCode && !atField('username') && !atField('password') && <SignInRefusal error={error} />}
        <button type="submit" className="auth-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {needsCode && (
          <button
            type="button"
            className="link-button auth-back"
            onClick={() => {
              setNeedsCode(false);
              setCode('');
              setPassword('');
              setError(undefined);
            }}
          >
            Sign in as someone else
          </button>
        )}
      </form>
      {session.oidc?.enabled === true && (
        <>
          <div className="auth-or">
            <span>or</span>
          </div>
          {/* A plain link: the provider's page is a full navigation away, not a call from this page. */}
          <a className="button secondary auth-sso" href="/api/v1/auth/oidc/login">
            Sign in with {session.oidc.name ?? 'single sign-on'}
          </a>
        </>
      )}
      <p className="muted auth-foot">
        No account? Ask an administrator for an invitation link. Forgot your password? An administrator can set a new
        one.
      </p>
    </AuthFrame>
  );
}

/** The refusal in words a person at the door understands: wrong password, locked, too many tries. */
function SignInRefusal({ error }: { error: Error }) {
  if (!(error instanceof ApiError)) return <ErrorNote error={error} />;
  const lead: Record<string, string> = {
    LS_INVALID_CREDENTIALS: 'The user name or password is not right.',
    LS_LOCKED: 'This user is locked for a while after too many failed attempts.',
    LS_RATE_LIMITED: 'Too many sign-in attempts from here.',
  };
  const first = lead[error.code];
  // The API names instants in UTC (ISO 8601); a person reads their own clock.
  const message = error.message.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (iso) => dateTime(iso));
  return (
    <div className="error-note" role="alert">
      <strong>{first ?? message}</strong>
      {first !== undefined && first !== message && <div>{message}</div>}
    </div>
  );
}

import { useEffect, useRef, useState } from 'react';
import { Link, match, navigate, useLocation } from './router';
import { routes } from './routes';
import { SessionProvider, useSession } from './session';
import { Empty, ErrorNote, Loading } from './ui';
import { UserMenu } from './user-menu';

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const { path, search } = useLocation();
  const { session, error: sessionError, can } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  let found: { route: (typeof routes)[number]; params: Record<string, string> } | undefined;
  for (const route of routes) {
    const params = match(route.path, path);
    if (params !== null) {
      found = { route, params };
      break;
    }
  }
  const isPublic = found?.route.public === true;
  const signedOut = session?.mode === 'user' && session.user === null;
  const here = path + (search.size > 0 ? `?${search}` : '');
  useEffect(() => {
    if (signedOut && !isPublic) navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
  }, [signedOut, isPublic, here]);
  // Going to another page closes the menu and moves the focus to the content, as a screen reader user expects
  // (not on the first page, where the focus starts at the top and the skip link comes first).
  const firstPath = useRef(path);
  useEffect(() => {
    setMenuOpen(false);
    if (path !== firstPath.current) {
      firstPath.current = '';
      main.current?.focus({ preventScroll: true });
    }
  }, [path]);
  const covers = (navPath: string) =>
    navPath === '/' ? path === '/' : path === navPath || path.startsWith(`${navPath}/`);
  // The most specific entry is current: /movements/new is "Record movement", not also "Movements".
  const section = (navPath: string) =>
    covers(navPath) && !routes.some((r) => r.nav !== undefined && r.path.length > navPath.length && covers(r.path));
  const Page = found?.route.page;
  if (isPublic && Page) {
    return (
      <main id="main" className="auth-shell">
        <Page params={found!.params} />
      </main>
    );
  }
  // Nothing asks the API before the session is known, so a signed-out visitor is sent to sign in once.
  const ready = session !== undefined && !signedOut;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Leanstock
        </Link>
        <span className="topbar-end">
          {session && <UserMenu session={session} />}
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
        </span>
      </header>
      <nav id="nav" className={`nav ${menuOpen ? 'open' : ''}`} aria-label="Main">
        <ul>
          {routes
            .filter((r) => r.nav !== undefined && (r.permission === undefined || can(r.permission)))
            .map((r) => (
              <li key={r.path}>
                <Link href={r.path} aria-current={section(r.path) ? 'page' : undefined}>
                  {r.nav}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        {session?.mode === 'local' && (
          <p className="local-banner" role="note">
            No users yet — anyone on this computer can use Leanstock. <Link href="/setup">Create the first admin</Link>
          </p>
        )}
        {!ready ? (
          sessionError ? (
            <ErrorNote error={sessionError} />
          ) : (
            <Loading />
          )
        ) : Page ? (
          <Page params={found!.params} />
        ) : (
          <Empty title="There is no page here.">
            <Link href="/">Back to the dashboard</Link>
          </Empty>
        )}
      </main>
    </div>
  );
}

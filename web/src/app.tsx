import { useEffect, useRef, useState } from 'react';
import { Link, match, useLocation } from './router';
import { routes } from './routes';
import { Empty } from './ui';

export function App() {
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  let found: { page: (typeof routes)[number]['page']; params: Record<string, string> } | undefined;
  for (const route of routes) {
    const params = match(route.path, path);
    if (params !== null) {
      found = { page: route.page, params };
      break;
    }
  }
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
  const Page = found?.page;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Leanstock
        </Link>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
      </header>
      <nav id="nav" className={`nav ${menuOpen ? 'open' : ''}`} aria-label="Main">
        <ul>
          {routes
            .filter((r) => r.nav !== undefined)
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
        {Page ? (
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

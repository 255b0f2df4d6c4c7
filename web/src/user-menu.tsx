import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from './router';
import { displayName, roleLabel, type Session, signOut } from './session';
import './user-menu.css';

/** The signed-in user in the top bar, opening a small menu: Account, Users (admins), Sign out. */
export function UserMenu({ session }: { session: Session }) {
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState<string | undefined>();
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: going to another page closes the menu
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const user = session.user;
  if (user === null) return null;
  const leave = async () => {
    setFailed(undefined);
    try {
      await signOut();
    } catch (error) {
      setFailed((error as Error).message);
    }
  };
  return (
    <div className="user-menu" ref={box}>
      <button
        ref={button}
        type="button"
        className="user-button"
        aria-expanded={open}
        aria-controls="user-menu"
        aria-label={`${displayName(user)}, account menu`}
        data-initial={displayName(user).slice(0, 1).toUpperCase()}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="user-name">{displayName(user)}</span>
      </button>
      {open && (
        <div id="user-menu" className="user-panel">
          <p className="user-who">
            <strong>{displayName(user)}</strong>
            <span className="muted">
              {user.name?.trim() ? `${user.username} · ` : ''}
              {roleLabel(user.role)}
            </span>
          </p>
          <ul>
            <li>
              <Link href="/account">Account</Link>
            </li>
            {session.permissions.includes('admin') && (
              <li>
                <Link href="/users">Users</Link>
              </li>
            )}
            <li>
              <button type="button" className="link-button" onClick={() => void leave()}>
                Sign out
              </button>
            </li>
          </ul>
          {failed && (
            <p className="field-error" role="alert">
              Not signed out: {failed}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

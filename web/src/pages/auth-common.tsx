import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../api';
import { Link } from '../router';
import { ErrorNote } from '../ui';
import './auth.css';

/** The frame of the pages a signed-out visitor sees (sign in, accept an invitation): the name and one card. */
export function AuthFrame({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <div className="auth-frame">
      <Link href="/" className="auth-brand">
        <span className="auth-logo" aria-hidden="true" />
        Leanstock
      </Link>
      <section className="auth-card" aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        {subtitle !== undefined && <p className="muted auth-subtitle">{subtitle}</p>}
        {children}
      </section>
    </div>
  );
}

/** Puts text on the clipboard, also where the Clipboard API is missing (a plain-http address other than localhost). */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // falls through to the old way
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  return copied;
}

/** A button that copies `text` and says so (to screen readers too). */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    setState((await copyText(text)) ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2500);
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void copy()}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span className="sr-only" role="status">
        {state === 'copied' ? 'Copied to the clipboard' : state === 'failed' ? 'Could not copy; select the text' : ''}
      </span>
    </>
  );
}

/** A value shown once (a token, a link): read-only, selected on focus, with a copy button beside it. */
export function OnceValue({ label, value, hint }: { label: string; value: string; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className="once-value">
      <label htmlFor={id}>{label}</label>
      <div className="once-row">
        <input id={id} readOnly value={value} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={value} />
      </div>
      {hint !== undefined && <div className="field-hint">{hint}</div>}
    </div>
  );
}

/** The field an API refusal names, if the form shows that field; else the refusal goes above the button. */
export function fieldErrorOf(error: Error | undefined, field: string): string | undefined {
  return error instanceof ApiError ? error.forField(field) : undefined;
}

/**
 * A refusal no field of the form shows (403 LS_FORBIDDEN, 409, a lock): the API's message in an alert, with a hint
 * when the role is the reason.
 */
export function FormError({ error, fields }: { error: Error | undefined; fields: string[] }) {
  if (error === undefined) return null;
  if (error instanceof ApiError && error.details.length > 0 && error.details.every((d) => fields.includes(d.field))) {
    return null;
  }
  return <ErrorNote error={error} />;
}

/** "in 3 days", "2 hours ago": how far an instant is from now, in words. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '–';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return seconds > 30 ? 'in a moment' : 'just now';
}

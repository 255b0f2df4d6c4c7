/** One problem with a field, as the API reports it in `error.details`. */
export type FieldProblem = { field: string; message: string };

/** An API answer that was not 2xx: the code, the message and the problems by field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[],
  ) {
    super(message);
  }

  /** The message for one field (the first problem that names it or a field inside it), if any. */
  forField(field: string): string | undefined {
    return this.details.find(
      (d) => d.field === field || d.field.startsWith(`${field}.`) || d.field.startsWith(`${field}[`),
    )?.message;
  }
}

export type Page<T> = { data: T[]; next_cursor: string | null };

const BASE = '/api/v1';

/** Pages a signed-out visitor may open: a refusal there is the page's own business, not a reason to sign in. */
export const PUBLIC_PATHS: readonly string[] = ['/login', '/setup', '/invite'];

/** The value of a cookie the page can read (the CSRF token is readable on purpose; the session cookie is not). */
export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * `fetch` for the API: a write carries the CSRF token the server set beside the session cookie, and an answer that
 * says the visitor is not signed in (any more) takes them to the sign-in page, which brings them back here after.
 */
export async function apiFetch(
  url: string,
  init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {},
): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const csrf = UNSAFE.has(method) ? readCookie('leanstock_csrf') : undefined;
  const response = await fetch(url, {
    ...init,
    headers: { 'x-actor': 'web', ...(csrf !== undefined && { 'x-csrf-token': csrf }), ...init.headers },
  });
  if (response.status === 401) await signInAgainIfSignedOut(response);
  return response;
}

async function signInAgainIfSignedOut(response: Response): Promise<void> {
  const { pathname, search } = window.location;
  if (PUBLIC_PATHS.includes(pathname)) return;
  const code = (
    (await response
      .clone()
      .json()
      .catch(() => null)) as { error?: { code?: string } } | null
  )?.error?.code;
  if (code === 'LS_UNAUTHENTICATED') window.location.assign(`/login?next=${encodeURIComponent(pathname + search)}`);
}

/** An ApiError from a non-2xx answer's body (or its status line when the body is not the API's error shape). */
export function apiErrorOf(response: Response, json: unknown): ApiError {
  const error = (json as { error?: { code?: string; message?: string; details?: FieldProblem[] } } | null)?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'LS_HTTP',
    error?.message ?? `${response.status} ${response.statusText}`,
    error?.details ?? [],
  );
}

/** Calls the API: JSON in and out; a non-2xx answer throws ApiError. */
export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await apiFetch(`${BASE}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    ...(options.signal && { signal: options.signal }),
  });
  const text = await response.text();
  const json = text.length > 0 ? (JSON.parse(text) as unknown) : null;
  if (!response.ok) throw apiErrorOf(response, json);
  return json as T;
}

/** A query string from the defined values: `query({ sku: 'A', limit: 50, x: undefined })` → `?sku=A&limit=50`. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text.length > 0 ? `?${text}` : '';
}

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

/** Calls the API: JSON in and out; a non-2xx answer throws ApiError. */
export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await fetch(`${BASE}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      'x-actor': 'web',
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    ...(options.signal && { signal: options.signal }),
  });
  const text = await response.text();
  const json = text.length > 0 ? (JSON.parse(text) as unknown) : null;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: FieldProblem[] } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'LS_HTTP',
      error?.message ?? `${response.status} ${response.statusText}`,
      error?.details ?? [],
    );
  }
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

import { useCallback, useEffect, useState } from 'react';
import { api, type Page } from './api';

export type Loaded<T> = { data: T | undefined; error: Error | undefined; loading: boolean; reload: () => void };

/** Loads `path` from the API (again when it changes or on reload); null skips loading. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: path !== null,
  });
  const [version, setVersion] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version forces a reload
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(path, { signal: controller.signal }).then(
      (data) => setState({ data, error: undefined, loading: false }),
      (error: Error) => {
        if (!controller.signal.aborted) setState({ data: undefined, error, loading: false });
      },
    );
    return () => controller.abort();
  }, [path, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { ...state, reload };
}

/** A list read a page at a time: the first page from `useApi`, later ones appended by `loadMore`. */
export type PagedList<T> = Loaded<Page<T>> & {
  /** Every row loaded so far, the first page's first. */
  rows: T[];
  /** The cursor of the next page; null when there is none. */
  cursor: string | null;
  loadMore: () => Promise<void>;
  moreError: Error | undefined;
};

/**
 * Loads a list endpoint's first page, and further pages on `loadMore` with the same query; a new first page (another
 * filter, a reload) drops the pages fetched after it.
 */
export function usePagedApi<T>(path: string): PagedList<T> {
  const first = useApi<Page<T>>(path);
  const [more, setMore] = useState<{ rows: T[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<Error | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new first page resets the extra pages
  useEffect(() => setMore(null), [first.data]);
  const cursor = more ? more.cursor : (first.data?.next_cursor ?? null);
  const loadMore = async () => {
    if (cursor === null) return;
    try {
      const separator = path.includes('?') ? '&' : '?';
      const next = await api<Page<T>>(`${path}${separator}cursor=${encodeURIComponent(cursor)}`);
      setMore((m) => ({ rows: [...(m?.rows ?? []), ...next.data], cursor: next.next_cursor }));
      setMoreError(undefined);
    } catch (error) {
      setMoreError(error as Error);
    }
  };
  const rows = [...(first.data?.data ?? []), ...(more?.rows ?? [])];
  return { ...first, rows, cursor, loadMore, moreError };
}

import { useEffect, useState } from 'react';
import { useApi } from './api/context';

/** A list read page by page with the API's cursor. */
export interface Pages<T> {
  items: T[] | undefined;
  error: unknown;
  loading: boolean;
  /** True while the server says there is another page. */
  more: boolean;
  loadMore(): void;
  reload(): void;
}

/**
 * Reads `path` (with its query) page by page: `limit` items, then `cursor=<nextCursor>` until
 * the server answers `nextCursor: null`. `key` is the array's name in the answer.
 */
export function usePages<T>(path: string, key: string, limit: number): Pages<T> {
  const api = useApi();
  const [items, setItems] = useState<T[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);

  const fetchPage = (after: string | null) => {
    const sep = path.includes('?') ? '&' : '?';
    const q = new URLSearchParams({ limit: String(limit) });
    if (after) q.set('cursor', after);
    return api.get<Record<string, unknown>>(`${path}${sep}${q}`).then((r) => ({
      list: (Array.isArray(r[key]) ? r[key] : []) as T[],
      next: typeof r.nextCursor === 'string' && r.nextCursor !== '' ? r.nextCursor : null,
    }));
  };

  useEffect(() => {
    let live = true;
    setLoading(true);
    fetchPage(null).then(
      (p) => {
        if (!live) return;
        setItems(p.list);
        setCursor(p.next);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, path, key, limit, tick]);

  const loadMore = () => {
    if (!cursor || loading) return;
    setLoading(true);
    fetchPage(cursor).then(
      (p) => {
        // A page may repeat an item that moved between requests: keep the first copy.
        setItems((old) => {
          const seen = new Set((old ?? []).map((x) => (x as { id?: string }).id));
          return [...(old ?? []), ...p.list.filter((x) => !seen.has((x as { id?: string }).id))];
        });
        setCursor(p.next);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        setError(e);
        setLoading(false);
      },
    );
  };
  return { items, error, loading, more: cursor !== null, loadMore, reload: () => setTick((t) => t + 1) };
}

/** The "Load more" button under a paged list, or nothing on the last page. */
export function LoadMore({ pages, what }: { pages: Pages<unknown>; what: string }) {
  if (!pages.more) return pages.items?.length ? <p className="muted small">That is all the {what}.</p> : null;
  return (
    <div className="button-row load-more">
      <button type="button" className="button secondary" disabled={pages.loading} onClick={pages.loadMore}>
        {pages.loading ? 'Loading…' : `Load more ${what}`}
      </button>
    </div>
  );
}

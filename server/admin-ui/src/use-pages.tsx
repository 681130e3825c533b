import { useState } from 'react';
import { useApi } from './api/context';
import { useLoad } from './use-load';

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
  const fetchPage = (after: string | null) => {
    const sep = path.includes('?') ? '&' : '?';
    const q = new URLSearchParams({ limit: String(limit) });
    if (after) q.set('cursor', after);
    return api.get<Record<string, unknown>>(`${path}${sep}${q}`).then((r) => ({
      list: (Array.isArray(r[key]) ? r[key] : []) as T[],
      next: typeof r.nextCursor === 'string' && r.nextCursor !== '' ? r.nextCursor : null,
    }));
  };
  // The first page is an ordinary load; later pages are added to its data.
  const first = useLoad(() => fetchPage(null), [api, path, key, limit]);
  const [later, setLater] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: null });
  const loading = first.loading || later.loading;

  const loadMore = () => {
    const cursor = first.data?.next;
    if (!cursor || loading) return;
    setLater({ loading: true, error: null });
    fetchPage(cursor).then(
      (p) => {
        // A page may repeat an item that moved between requests: keep the first copy.
        first.setData((old) => {
          const list = old?.list ?? [];
          const seen = new Set(list.map((x) => (x as { id?: string }).id));
          return { list: [...list, ...p.list.filter((x) => !seen.has((x as { id?: string }).id))], next: p.next };
        });
        setLater({ loading: false, error: null });
      },
      (e: unknown) => setLater({ loading: false, error: e }),
    );
  };
  const reload = () => {
    setLater({ loading: false, error: null });
    first.reload();
  };
  return { items: first.data?.list, error: later.error ?? first.error, loading, more: Boolean(first.data?.next), loadMore, reload };
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

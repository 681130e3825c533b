import { ValidationError } from '../errors';
import type { Page } from './port-records';

/*
 * Helpers both adapters share, so that cursors and statistics mean the same on each.
 */

/** Opaque page cursor: base64url JSON of the last item's (sort key, id). */
export function encodeCursor(key: string | number, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

/** The (sort key, id) of a cursor; null when there is none; a ValidationError (400) when it is not one of ours. */
export function decodeCursor(cursor: string | undefined): [string | number, string] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number') && typeof v[1] === 'string') {
      return [v[0], v[1]];
    }
  } catch {
    // falls through to the error below
  }
  throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor this server returned' }]);
}

/**
 * The page from rows read with `LIMIT limit + 1`: the extra row only says that there is more,
 * and the cursor is the last kept row's (sort key, id).
 */
export function pageOf<R, T>(rows: R[], limit: number, item: (r: R) => T, key: (r: R) => [string | number, string]): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { items: kept.map(item), nextCursor: rows.length > limit && last ? encodeCursor(...key(last)) : null };
}

/** Page sizes: at least 1, at most 1000 (100 when not given). */
export function pageLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(Math.floor(limit ?? 100), 1000));
}

/**
 * Nearest-rank percentile of ascending values: the value at rank ceil(p/100 * n).
 * The SQLite adapter computes the same rank in SQL: (p * n + 99) / 100 in integer arithmetic.
 */
export function percentile(sortedAsc: number[], p: number): number | null {
  const n = sortedAsc.length;
  if (n === 0) return null;
  const rank = Math.floor((p * n + 99) / 100);
  return sortedAsc[Math.min(Math.max(rank, 1), n) - 1]!;
}

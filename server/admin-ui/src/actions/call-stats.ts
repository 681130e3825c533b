import type { CallRecord } from '../api/types';

/** What the list shows of an action's recent calls. */
export interface CallStats {
  last: CallRecord | null;
  total: number;
  errors: number;
}

/** Last call and error count of the calls given (newest first, as the API returns them). */
export function callStats(calls: CallRecord[]): CallStats {
  return { last: calls[0] ?? null, total: calls.length, errors: calls.filter((c) => !c.ok).length };
}

/** "12% of 50" style error rate; empty when there were no calls. */
export function errorRate(s: CallStats): string {
  if (!s.total) return 'No calls yet';
  return `${Math.round((s.errors / s.total) * 100)}% of ${s.total}`;
}

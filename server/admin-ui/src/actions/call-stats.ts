import type { CallRecord } from '../api/types';
import type { ActionStat } from '../api/setup-types';

/** The window the list's figures cover. */
export const STATS_DAYS = 30;

/** What the list shows of an action: its figures from the server and its newest call. */
export interface CallStats {
  /** Calls from conversations in the window (tests and confirmation waits left out by the server). */
  stat: ActionStat | null;
  last: CallRecord | null;
}

/** Figures by action name from one `GET /v1/stats/actions` and one page of the call log. */
export function statsByAction(stats: ActionStat[], recent: CallRecord[]): (name: string) => CallStats {
  const byName = new Map(stats.map((s) => [s.action, s]));
  const last = new Map<string, CallRecord>();
  // Newest first: the first call seen of an action is its last one.
  for (const c of recent) if (!last.has(c.action)) last.set(c.action, c);
  return (name) => ({ stat: byName.get(name) ?? null, last: last.get(name) ?? null });
}

/** "12% of 50 calls" style error rate; says so when there were no calls. */
export function errorRate(s: CallStats): string {
  const calls = s.stat?.calls ?? 0;
  if (!calls) return 'No calls yet';
  const errors = s.stat?.errors ?? 0;
  return `${Math.round((errors / calls) * 100)}% of ${calls} call${calls === 1 ? '' : 's'}`;
}

/** "p95 120 ms" when the server has latencies. */
export function latency(s: CallStats): string | null {
  return s.stat?.p95Ms != null ? `p95 ${Math.round(s.stat.p95Ms)} ms` : null;
}

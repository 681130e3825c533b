/** What the call lists can be filtered by. */
export interface CallFilter {
  action: string;
  status: string;
}

/** `ok`, `error`, or one error type; the API's call log filters by the same words. */
export const STATUS_OPTIONS: { value: string; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'ok', label: 'Succeeded' },
  { value: 'error', label: 'Failed (any error)' },
  ...['timeout', 'network', 'blocked', 'http_4xx', 'http_5xx', 'invalid_response', 'too_large', 'missing_variables', 'not_allowed', 'needs_confirmation'].map((t) => ({ value: t, label: t })),
];

/** True when a call passes the filter (for lists filtered in the page). */
export function matches(c: { action: string; ok: boolean; errorType?: string | undefined }, f: CallFilter): boolean {
  if (f.action && c.action !== f.action) return false;
  if (f.status === 'ok') return c.ok;
  if (f.status === 'error') return !c.ok;
  if (f.status) return c.errorType === f.status;
  return true;
}

/** The two filter selects. */
export function CallFilters({ value, onChange, actions, idPrefix }: { value: CallFilter; onChange: (f: CallFilter) => void; actions: string[]; idPrefix: string }) {
  return (
    <div className="filters" role="group" aria-label="Filter calls">
      <div className="field">
        <label htmlFor={`${idPrefix}-action`}>Action</label>
        <select id={`${idPrefix}-action`} value={value.action} onChange={(e) => onChange({ ...value, action: e.target.value })}>
          <option value="">All actions</option>
          {actions.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-status`}>Status</label>
        <select id={`${idPrefix}-status`} value={value.status} onChange={(e) => onChange({ ...value, status: e.target.value })}>
          {STATUS_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

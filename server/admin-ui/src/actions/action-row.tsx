import type { Action } from '../api/types';
import { MethodBadge, StatusBadge } from '../components/status-badge';
import { formatTime } from '../format';
import { href, onLinkClick } from '../router';
import { errorRate, latency, type CallStats } from './call-stats';

/** One row of the actions list; on narrow screens the cells stack with their labels. */
export function ActionRow({ action: a, stats, onToggle }: { action: Action; stats: CallStats | undefined; onToggle: () => void }) {
  const toggleId = `enabled-${a.id}`;
  return (
    <tr>
      <th scope="row" data-label="Name">
        <a href={href(`actions/${a.id}`)} onClick={onLinkClick(`actions/${a.id}`)} className="action-link">
          {a.name}
        </a>
        <div className="muted small">{a.description}</div>
      </th>
      <td data-label="Request">
        <MethodBadge method={a.method} /> <code className="url">{a.url}</code>
      </td>
      <td data-label="Enabled">
        <span className="switch">
          <input id={toggleId} type="checkbox" role="switch" checked={a.enabled} onChange={onToggle} />
          <label htmlFor={toggleId}>
            <span className="visually-hidden">{a.name} </span>
            {a.enabled ? 'On' : 'Off'}
          </label>
        </span>
      </td>
      <td data-label="Last call">
        {stats === undefined ? (
          <span className="muted">…</span>
        ) : stats.last ? (
          <>
            <StatusBadge ok={stats.last.ok} status={stats.last.status} errorType={stats.last.errorType} />
            <div className="muted small">
              <time dateTime={stats.last.at}>{formatTime(stats.last.at)}</time>
            </div>
          </>
        ) : (
          <span className="muted">Never called</span>
        )}
      </td>
      <td data-label="Error rate">
        {stats ? (
          <>
            {errorRate(stats)}
            {latency(stats) ? <div className="muted small">{latency(stats)}</div> : null}
          </>
        ) : (
          <span className="muted">…</span>
        )}
      </td>
    </tr>
  );
}

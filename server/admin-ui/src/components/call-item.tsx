import type { CallRecord } from '../api/types';
import { formatDuration, formatTime } from '../format';
import { MethodBadge, StatusBadge } from './status-badge';
import { HeaderList } from './header-list';

/** One logged call: action, masked request, status, time, error type, response excerpt. */
export function CallItem({ call }: { call: CallRecord }) {
  const headers = Object.entries(call.requestHeaders ?? {});
  return (
    <article className="call-item" aria-label={`Call to ${call.action}`}>
      <div className="call-head">
        <strong className="call-action">{call.action}</strong>
        <StatusBadge ok={call.ok} status={call.status} errorType={call.errorType} />
        <span className="muted">{formatDuration(call.durationMs)}</span>
        <time className="muted" dateTime={call.at}>
          {formatTime(call.at)}
        </time>
      </div>
      <div className="call-request">
        <MethodBadge method={call.method} /> <code className="url">{call.url}</code>
      </div>
      {call.errorType ? (
        <p className="call-error">
          <strong>{call.errorType}</strong>
          {call.errorMessage ? `: ${call.errorMessage}` : ''}
        </p>
      ) : null}
      {headers.length ? (
        <details>
          <summary>Request headers (secrets masked)</summary>
          <HeaderList headers={headers} />
        </details>
      ) : null}
      {call.responseExcerpt ? (
        <details>
          <summary>Response excerpt (what the AI saw)</summary>
          <pre className="excerpt">{call.responseExcerpt}</pre>
        </details>
      ) : null}
    </article>
  );
}

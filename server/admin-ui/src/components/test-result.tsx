import type { EndpointTestResult } from '../api/types';
import { formatDuration } from '../format';
import { JsonView } from './json-view';
import { MethodBadge, StatusBadge } from './status-badge';

interface TestResultProps {
  result: EndpointTestResult;
  /** Adds a dot path to the response fields (clicking a key in the JSON). */
  onPickField?: (path: string) => void;
  picked?: ReadonlySet<string>;
}

/** The answer of a test call: rendered request (secrets masked), status, time, headers, body, model view. */
export function TestResult({ result, onPickField, picked }: TestResultProps) {
  const r = result;
  const body = r.response?.body;
  const structured = body !== null && typeof body === 'object';
  return (
    <section className="test-result" aria-labelledby="test-result-title">
      <h3 id="test-result-title" className="result-title">
        Result <StatusBadge ok={r.ok} status={r.response?.status} errorType={r.error?.type} /> <span className="muted">in {formatDuration(r.durationMs)}</span>
      </h3>
      {r.warning ? <p className="notice notice-warning">{r.warning}</p> : null}
      {r.error ? (
        <p className="notice notice-error">
          <strong>{r.error.type}</strong>: {r.error.message}
        </p>
      ) : null}

      <h4>Request sent</h4>
      <p className="call-request">
        <MethodBadge method={r.request.method} /> <code className="url">{r.request.url}</code>
      </p>
      <HeaderTable headers={r.request.headers} caption="Request headers (secrets masked)" />
      {r.request.body ? <pre className="excerpt">{r.request.body}</pre> : null}

      {r.response ? (
        <>
          <h4>Response body</h4>
          {structured && onPickField ? <p className="hint">Click a key to let the AI see it (adds its path to Response fields in Rules).</p> : null}
          {structured ? <JsonView value={body} {...(onPickField ? { onPick: onPickField } : {})} {...(picked ? { picked } : {})} /> : <pre className="excerpt">{String(body ?? '')}</pre>}
          <details>
            <summary>Response headers</summary>
            <HeaderTable headers={r.response.headers} />
          </details>
        </>
      ) : null}
      {r.modelView !== null ? (
        <details>
          <summary>What the AI sees</summary>
          <pre className="excerpt">{r.modelView}</pre>
        </details>
      ) : null}
    </section>
  );
}

function HeaderTable({ headers, caption }: { headers: Record<string, string>; caption?: string }) {
  const rows = Object.entries(headers);
  if (!rows.length) return null;
  return (
    <table className="header-table">
      {caption ? <caption>{caption}</caption> : null}
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>
              <code>{v}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

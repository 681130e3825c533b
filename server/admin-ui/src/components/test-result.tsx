import type { EndpointTestResult } from '../api/types';
import { formatDuration } from '../format';
import { JsonView } from './json-view';
import { MethodBadge, StatusBadge } from './status-badge';
import { testOutcome } from './test-outcome';

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
  const o = testOutcome(r);
  return (
    <section className="test-result" aria-labelledby="test-result-title">
      <h3 id="test-result-title" className="result-title">
        Result <StatusBadge ok={r.ok} status={r.response?.status} errorType={r.error?.type} /> {o.sent ? <span className="muted">in {formatDuration(r.durationMs)}</span> : null}
      </h3>
      <div className={`notice test-outcome ${o.sent && r.ok ? 'notice-success' : o.sent ? 'notice-warning' : 'notice-error'}`}>
        <p>
          <strong>{o.headline}</strong> {o.detail}
        </p>
        {o.reasons.length ? (
          <ul>
            {o.reasons.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        ) : null}
        {o.writeNote ? <p>{o.writeNote}</p> : null}
      </div>

      <h4>{o.requestTitle}</h4>
      <p className="call-request">
        <MethodBadge method={r.request.method} /> <code className="url">{r.request.url}</code>
      </p>
      <HeaderTable headers={r.request.headers} caption="Request headers" />
      {r.request.body ? (
        <>
          <h5 className="sub-title">Request body</h5>
          <pre className="excerpt request-body">{pretty(r.request.body)}</pre>
        </>
      ) : null}

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

/** A JSON body indented for reading; anything else as it came. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
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

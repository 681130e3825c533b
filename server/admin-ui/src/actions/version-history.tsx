import { useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { ActionVersion, ActionVersionSummary, VersionChange } from '../api/setup-types';
import type { Action } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { labelOf } from '../components/field-labels';
import { Notice } from '../components/notice';
import { formatTime } from '../format';
import { useLoad } from '../use-load';
import { diffSpecs, isMasked, showValue, type FieldDiff } from './version-diff';

interface HistoryProps {
  actionId: string;
  /** Changes on each save, so the list reloads after one. */
  savedCount: number;
  /** The editor has edits a restore would replace. */
  dirty: boolean;
  onRestored: (a: Action) => void;
}

/** "URL: https://a → https://b"; secrets only say that they changed. */
function changeText(c: VersionChange): string {
  const label = labelOf(c.path);
  // The server reports a secret as `to: "changed"` with no `from`: its value never leaves it.
  const secret = isMasked(c.from) || isMasked(c.to) || (c.from === undefined && (c.to === undefined || c.to === 'changed'));
  if (secret) return `${label}: changed`;
  return `${label}: ${showValue(c.from)} → ${showValue(c.to)}`;
}

/** Every saved version of an action: who, when, what changed; a diff against the current one; Restore. */
export function VersionHistory({ actionId, savedCount, dirty, onRestored }: HistoryProps) {
  const api = useApi();
  const base = `/v1/actions/${encodeURIComponent(actionId)}`;
  const list = useLoad(() => api.get<{ versions: ActionVersionSummary[] }>(`${base}/versions`), [base, savedCount]);
  const [diff, setDiff] = useState<{ version: number; fields: FieldDiff[] } | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const versions = [...(list.data?.versions ?? [])].sort((a, b) => b.version - a.version);
  const latest = versions[0]?.version;

  const compare = async (version: number) => {
    setError(null);
    if (diff?.version === version) {
      setDiff(null);
      return;
    }
    try {
      const [v, current] = await Promise.all([api.get<ActionVersion>(`${base}/versions/${version}`), api.get<Action>(base)]);
      setDiff({ version, fields: diffSpecs(v.spec as unknown as Record<string, unknown>, current as unknown as Record<string, unknown>) });
    } catch (err) {
      setError(describeError(err));
    }
  };
  const restore = async (version: number) => {
    setBusy(true);
    setError(null);
    try {
      const a = await api.post<Action>(`${base}/versions/${version}/restore`, {});
      setRestoring(null);
      setDiff(null);
      setDone(`Version ${version} restored: saved as a new version.`);
      onRestored(a);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel version-history" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <p className="hint">Every save is a version. Compare one with the current action, or restore it (that saves a new version; nothing is lost).</p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
      {list.error ? <Notice tone="error" title="The history could not be loaded">{describeError(list.error)}</Notice> : null}
      {list.loading && !list.data ? <p className="muted">Loading…</p> : null}
      <ol className="version-list" aria-label="Versions, newest first">
        {versions.map((v) => (
          <li key={v.version} className="version-item" aria-label={`Version ${v.version}`}>
            <div className="version-head">
              <strong>Version {v.version}</strong>
              {v.version === latest ? <span className="badge badge-ok">current</span> : null}
              <span className="muted">
                by {v.actor}, <time dateTime={v.at}>{formatTime(v.at)}</time>
              </span>
            </div>
            {/* The first version lists every field as new: "Created" says it better. */}
            {v.changes.length && v.version > 1 ? (
              <ul className="change-list">
                {v.changes.map((c, i) => (
                  <li key={i}>{changeText(c)}</li>
                ))}
              </ul>
            ) : (
              <p className="muted small">{v.version === 1 ? 'Created.' : 'No field changed.'}</p>
            )}
            {v.version !== latest ? (
              <div className="button-row">
                <button type="button" className="button subtle small" aria-expanded={diff?.version === v.version} onClick={() => compare(v.version)}>
                  {diff?.version === v.version ? 'Hide the comparison' : `Compare version ${v.version} with the current one`}
                </button>
                {restoring === v.version ? null : (
                  <button type="button" className="button secondary small" onClick={() => setRestoring(v.version)}>
                    Restore version {v.version}
                  </button>
                )}
              </div>
            ) : null}
            {restoring === v.version ? (
              <ConfirmDialog title={`Restore version ${v.version}?`} confirmLabel={`Restore version ${v.version}`} busy={busy} onConfirm={() => restore(v.version)} onCancel={() => setRestoring(null)}>
                <p>
                  The action becomes what it was in version {v.version}, saved as a new version; the current one stays in the history.
                  {dirty ? ' Your unsaved edits in the form are replaced.' : ''}
                </p>
              </ConfirmDialog>
            ) : null}
            {diff?.version === v.version ? <VersionDiff version={v.version} fields={diff.fields} /> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function VersionDiff({ version, fields }: { version: number; fields: FieldDiff[] }) {
  if (!fields.length) return <p className="muted">Version {version} is the same as the current action.</p>;
  return (
    <table className="data-table diff-table">
      <caption>
        What differs between version {version} and the current action ({fields.length} field{fields.length === 1 ? '' : 's'})
      </caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Version {version}</th>
          <th scope="col">Current</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.path}>
            <th scope="row" data-label="Field">
              {f.label}
            </th>
            {f.secret ? (
              <td colSpan={2} data-label="Secret">
                changed (secrets are never shown)
              </td>
            ) : (
              <>
                <td className="diff-from" data-label={`Version ${version}`}>
                  {f.from}
                </td>
                <td className="diff-to" data-label="Current">
                  {f.to}
                </td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

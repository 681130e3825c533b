import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { Action, AuditEntry } from '../api/types';
import { Notice } from '../components/notice';
import { formatTime, show } from '../format';
import { useLoad } from '../use-load';

const ENTITY: Record<AuditEntry['entity'], string> = { action: 'Action', user_data_api: 'User Data API', settings: 'Settings' };
const OP: Record<AuditEntry['op'], string> = { create: 'created', update: 'updated', delete: 'deleted' };

/** Who changed which configuration, when, and what changed (secrets only as "changed"). */
export function AuditPage() {
  const api = useApi();
  const list = useLoad(async () => {
    const [audit, current] = await Promise.all([api.get<{ entries: AuditEntry[] }>('/v1/audit?limit=200'), api.get<{ actions: Action[] }>('/v1/actions')]);
    return { entries: audit.entries, names: actionNames(audit.entries, current.actions) };
  }, []);
  const entries = list.data?.entries;
  const names = list.data?.names ?? new Map<string, string>();
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Audit log</h1>
          <p className="muted">Every change to actions, the User Data API and settings.</p>
        </div>
        <button type="button" className="button secondary" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {list.error ? <Notice tone="error">{describeError(list.error)}</Notice> : null}
      {entries && entries.length === 0 ? <p className="empty panel">No changes yet.</p> : null}
      {entries && entries.length ? (
        <table className="data-table audit-table">
          <caption className="visually-hidden">Audit log</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td data-label="When">
                  <time dateTime={e.at}>{formatTime(e.at)}</time>
                </td>
                <td data-label="What">
                  {ENTITY[e.entity]} {nameOf(e) || (e.entityId ? (names.get(e.entityId) ?? '') : '')} {OP[e.op]}
                </td>
                <td data-label="Who">
                  <code>{e.actor}</code>
                </td>
                <td data-label="Changes">
                  <details>
                    <summary>
                      {e.changes.length} {e.changes.length === 1 ? 'field' : 'fields'}
                    </summary>
                    <ul className="changes">
                      {e.changes.map((c, i) => (
                        <li key={i}>
                          <code>{c.path || '(all)'}</code>: {c.to === 'changed' && c.from === undefined ? 'changed (secret)' : `${show(c.from)} → ${show(c.to)}`}
                        </li>
                      ))}
                    </ul>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function nameOf(e: AuditEntry): string {
  const n = e.changes.find((c) => c.path === 'name');
  const v = n?.to ?? n?.from;
  return typeof v === 'string' ? v : '';
}

/** Action names by id: today's actions, and names seen in older entries (deleted actions). */
function actionNames(entries: AuditEntry[], actions: Action[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of [...entries].reverse()) {
    const n = nameOf(e);
    if (e.entity === 'action' && e.entityId && n) m.set(e.entityId, n);
  }
  for (const a of actions) m.set(a.id, a.name);
  return m;
}

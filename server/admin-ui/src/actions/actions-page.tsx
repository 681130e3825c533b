import { useEffect, useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { ActionStat } from '../api/setup-types';
import type { Action, CallRecord } from '../api/types';
import { Notice } from '../components/notice';
import { takeFlash } from '../flash';
import { href, onLinkClick } from '../router';
import { useLoad } from '../use-load';
import { ActionRow } from './action-row';
import { STATS_DAYS, statsByAction, type CallStats } from './call-stats';
import { SetupChecklist } from '../setup/setup-checklist';

/** How many recent calls are read to find each action's last call. */
const RECENT = 100;

/** The actions list: name, method, URL, enabled toggle, last call and error rate. */
export function ActionsPage() {
  const api = useApi();
  const list = useLoad(() => api.get<{ actions: Action[] }>('/v1/actions'), []);
  const [stats, setStats] = useState<((name: string) => CallStats) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const actions = list.data?.actions;
  // A message from the page that sent us here (the OpenAPI import).
  const [flash] = useState(takeFlash);

  // The figures follow the list's content, not each new array of the same actions.
  const listKey = actions ? actions.map((a) => `${a.id}:${a.version}`).join(',') : null;
  useEffect(() => {
    if (listKey === null) return;
    let live = true;
    // Two requests for the whole list, however many actions: the figures come from the server.
    const since = new Date(Date.now() - STATS_DAYS * 86_400_000).toISOString();
    Promise.all([
      api.get<{ actions: ActionStat[] }>(`/v1/stats/actions?since=${encodeURIComponent(since)}`),
      api.get<{ calls: CallRecord[] }>(`/v1/calls?limit=${RECENT}`),
    ]).then(
      ([s, c]) => live && setStats(() => statsByAction(s.actions, c.calls)),
      () => undefined,
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the list's content on purpose
  }, [listKey]);

  const toggle = async (a: Action) => {
    setError(null);
    try {
      const updated = await api.put<Action>(`/v1/actions/${encodeURIComponent(a.id)}`, { ...a, enabled: !a.enabled });
      list.setData({ actions: (actions ?? []).map((x) => (x.id === a.id ? updated : x)) });
    } catch (err) {
      setError(`${a.name} could not be ${a.enabled ? 'disabled' : 'enabled'}: ${describeError(err)}`);
    }
  };

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Actions</h1>
          <p className="muted">APIs the AI may call during a conversation. Each one is a tool the AI sees.</p>
        </div>
        <a className="button primary" href={href('actions/new')} onClick={onLinkClick('actions/new')}>
          New action
        </a>
      </div>
      {flash ? <Notice tone="success">{flash}</Notice> : null}
      <SetupChecklist />
      {error ? <Notice tone="error">{error}</Notice> : null}
      {list.error ? <Notice tone="error" title="The actions could not be loaded">{describeError(list.error)}</Notice> : null}
      {list.loading && !actions ? <p className="muted">Loading…</p> : null}
      {actions && actions.length === 0 ? (
        <div className="empty panel">
          <h2>No actions yet</h2>
          <p>Describe an API once: its URL, authentication and the values the AI must collect. Test it, then save.</p>
        </div>
      ) : null}
      {actions && actions.length ? (
        <table className="data-table actions-table">
          <caption className="visually-hidden">Actions</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Request</th>
              <th scope="col">Enabled</th>
              <th scope="col">Last call</th>
              <th scope="col">Error rate ({STATS_DAYS} days, tests excluded)</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <ActionRow key={a.id} action={a} stats={stats?.(a.name)} onToggle={() => toggle(a)} />
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

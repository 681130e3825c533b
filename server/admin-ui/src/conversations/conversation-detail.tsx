import { useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { CallRecord, ConversationDetail as Detail } from '../api/types';
import { CallItem } from '../components/call-item';
import { Notice } from '../components/notice';
import { formatTime } from '../format';
import { href, onLinkClick } from '../router';
import { useLoad } from '../use-load';
import { scenarioFromConversationRoute } from '../scenarios/from-conversation';
import { CallFilters, matches, type CallFilter } from './call-filters';
import { ProposalItem } from './proposal-item';

/** One conversation: messages in order, each answer followed by the calls of its turn. */
export function ConversationDetail({ id }: { id: string }) {
  const api = useApi();
  const conv = useLoad(() => api.get<Detail>(`/v1/conversations/${encodeURIComponent(id)}`), [id]);
  const [filter, setFilter] = useState<CallFilter>({ action: '', status: '' });
  if (conv.error) return <Notice tone="error" title="This conversation could not be loaded">{describeError(conv.error)}</Notice>;
  const c = conv.data;
  if (!c) return <p className="muted">Loading…</p>;
  const byTurn = new Map<string, CallRecord[]>();
  for (const call of c.calls) {
    const k = call.turnId ?? '';
    byTurn.set(k, [...(byTurn.get(k) ?? []), call]);
  }
  const answered = new Set(c.messages.filter((m) => m.role === 'assistant').map((m) => m.turnId));
  // Calls of a turn without a stored answer (e.g. it failed midway) still belong in the log.
  const orphans = c.calls.filter((x) => !answered.has(x.turnId ?? '') && matches(x, filter));
  const actions = [...new Set(c.calls.map((x) => x.action))].sort();
  const filtering = filter.action !== '' || filter.status !== '';
  const shown = c.calls.filter((x) => matches(x, filter)).length;
  return (
    <div>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={href('conversations')} onClick={onLinkClick('conversations')}>
          Conversations
        </a>{' '}
        / <span aria-current="page">{c.customer.name || c.customer.email || c.id}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>Conversation with {c.customer.name || c.customer.email || 'a customer'}</h1>
          <p className="muted">
            {c.channel} · {c.customer.verified ? 'verified' : 'not verified'}
            {c.customer.email ? ` · ${c.customer.email}` : ''} · started <time dateTime={c.createdAt}>{formatTime(c.createdAt)}</time>
          </p>
        </div>
        <div className="button-row">
          <a className="button secondary" href={href(scenarioFromConversationRoute(c.id))} onClick={onLinkClick(scenarioFromConversationRoute(c.id))}>
            Save as a scenario
          </a>
          <button type="button" className="button secondary" onClick={conv.reload}>
            Refresh
          </button>
        </div>
      </div>
      <CallFilters value={filter} onChange={setFilter} actions={actions} idPrefix="conv-filter" />
      <p className="muted small" aria-live="polite">
        {filtering ? `Showing ${shown} of ${c.calls.length} calls.` : `${c.calls.length} calls.`}
      </p>
      <ol className="thread">
        {c.messages.map((m, i) => {
          // Calls belong to the turn; show them once, under the turn's answer.
          const calls = m.role === 'assistant' ? (byTurn.get(m.turnId) ?? []).filter((x) => matches(x, filter)) : [];
          return (
            <li key={i} className={`message message-${m.role}`}>
              <div className="message-meta">
                <strong>{m.role === 'user' ? 'Customer' : 'AI'}</strong> <time dateTime={m.at}>{formatTime(m.at)}</time>
                {m.fallback ? <span className="badge badge-warning">fallback</span> : null}
              </div>
              <p className="message-text">{m.content}</p>
              {calls.length ? (
                <div className="message-calls" aria-label="Calls made for this answer">
                  {calls.map((call) => (
                    <CallItem key={call.id} call={call} />
                  ))}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      {orphans.length ? (
        <section aria-labelledby="other-calls">
          <h2 id="other-calls">Calls without an answer</h2>
          {orphans.map((call) => (
            <CallItem key={call.id} call={call} />
          ))}
        </section>
      ) : null}
      {c.proposals.length ? (
        <section>
          <h2>Proposed write actions</h2>
          {c.proposals.map((p) => (
            <ProposalItem key={p.id} proposal={p} />
          ))}
        </section>
      ) : null}
    </div>
  );
}

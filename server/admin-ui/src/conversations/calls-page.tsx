import { useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { Action, CallRecord } from '../api/types';
import { CallItem } from '../components/call-item';
import { Notice } from '../components/notice';
import { href, onLinkClick } from '../router';
import { useLoad } from '../use-load';
import { LoadMore, usePages } from '../use-pages';
import { CallFilters, type CallFilter } from './call-filters';

/** Calls per page of the log. */
const PAGE = 50;

/** The call log across conversations (and tests), filtered by the API. */
export function CallsPage() {
  const api = useApi();
  const [filter, setFilter] = useState<CallFilter>({ action: '', status: '' });
  const actions = useLoad(() => api.get<{ actions: Action[] }>('/v1/actions'), []);
  const q = new URLSearchParams();
  if (filter.action) q.set('action', filter.action);
  if (filter.status) q.set('status', filter.status);
  const calls = usePages<CallRecord>(`/v1/calls${q.size ? `?${q}` : ''}`, 'calls', PAGE);
  const names = [...new Set([...(actions.data?.actions ?? []).map((a) => a.name), 'user_data_api'])].sort();
  return (
    <div>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={href('conversations')} onClick={onLinkClick('conversations')}>
          Conversations
        </a>{' '}
        / <span aria-current="page">Call log</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>Call log</h1>
          <p className="muted">Every call the AI and the tests made, newest first. Secrets are masked.</p>
        </div>
        <button type="button" className="button secondary" onClick={calls.reload}>
          Refresh
        </button>
      </div>
      <CallFilters value={filter} onChange={setFilter} actions={names} idPrefix="log-filter" />
      {calls.error ? <Notice tone="error">{describeError(calls.error)}</Notice> : null}
      {calls.items ? (
        calls.items.length ? (
          <>
            <div className="call-list">
              {calls.items.map((c) => (
                <CallItem key={c.id} call={c} />
              ))}
            </div>
            <LoadMore pages={calls} what="calls" />
          </>
        ) : (
          <p className="empty panel">No calls match.</p>
        )
      ) : (
        <p className="muted">Loading…</p>
      )}
    </div>
  );
}

import { describeError } from '../api/client';
import type { ConversationSummary } from '../api/types';
import { Notice } from '../components/notice';
import { formatTime } from '../format';
import { href, onLinkClick } from '../router';
import { LoadMore, usePages } from '../use-pages';

/** Conversations per page. */
const PAGE = 50;

/** Every conversation, newest first, with who it was with and where. */
export function ConversationsPage() {
  const list = usePages<ConversationSummary>('/v1/conversations', 'conversations', PAGE);
  const items = list.items;
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Conversations</h1>
          <p className="muted">Each conversation's messages and the calls the AI made.</p>
        </div>
        <div className="button-row">
          <a className="button secondary" href={href('calls')} onClick={onLinkClick('calls')}>
            Call log
          </a>
          <button type="button" className="button secondary" onClick={list.reload}>
            Refresh
          </button>
        </div>
      </div>
      {list.error ? <Notice tone="error">{describeError(list.error)}</Notice> : null}
      {list.loading && !items ? <p className="muted">Loading…</p> : null}
      {items && items.length === 0 ? <p className="empty panel">No conversations yet. Try the Playground.</p> : null}
      {items && items.length ? (
        <ul className="conversation-list">
          {items.map((c) => (
            <li key={c.id} className="panel conversation-row">
              <a href={href(`conversations/${c.id}`)} onClick={onLinkClick(`conversations/${c.id}`)} className="conversation-link">
                {c.customer.name || c.customer.email || c.customer.id || 'Anonymous customer'}
              </a>
              <span className="badge badge-neutral">{c.channel}</span>
              <span className={`badge ${c.customer.verified ? 'badge-ok' : 'badge-neutral'}`}>{c.customer.verified ? 'verified' : 'not verified'}</span>
              {c.needsHuman ? <span className="badge badge-warning">needs a human</span> : null}
              <p className="muted last-message">{c.lastMessage ? `${c.lastMessage.role === 'user' ? 'Customer' : 'AI'}: ${c.lastMessage.content}` : 'No messages'}</p>
              <p className="muted small">
                {c.messageCount} messages · <time dateTime={c.updatedAt}>{formatTime(c.updatedAt)}</time>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      {items && items.length ? <LoadMore pages={list} what="conversations" /> : null}
    </div>
  );
}

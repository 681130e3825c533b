import { useRef, useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { useApi } from '../api/context';
import type { TurnResponse } from '../api/types';
import { CheckboxField, Field } from '../components/field';
import { Notice } from '../components/notice';
import { href, onLinkClick } from '../router';
import { ChatTurn, type Turn } from './chat-turn';

/** Chat with the agent as a test customer; every answer shows its calls and pending confirmations. */
export function PlaygroundPage() {
  const api = useApi();
  const [verified, setVerified] = useState(true);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [message, setMessage] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  const send = async () => {
    const text = message.trim();
    if (!text) return;
    setSending(true);
    setError(null);
    try {
      const customer = { verified, ...(email.trim() ? { email: email.trim() } : {}), ...(name.trim() ? { name: name.trim() } : {}) };
      const r = conversationId
        ? await api.post<TurnResponse>(`/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { message: text })
        : await api.post<TurnResponse>('/v1/conversations', { customer, message: text, channel: 'playground' });
      setConversationId(r.id);
      setTurns([...turns, { message: text, response: r }]);
      setMessage('');
    } catch (err) {
      const details = err instanceof ApiError && err.details.length ? ` (${err.details.map((d) => `${d.path}: ${d.message}`).join('; ')})` : '';
      setError(describeError(err) + details);
    } finally {
      setSending(false);
      input.current?.focus();
    }
  };
  const reset = () => {
    setConversationId(null);
    setTurns([]);
    setError(null);
  };

  return (
    <div className="playground">
      <div className="page-head">
        <div>
          <h1>Playground</h1>
          <p className="muted">Talk to the AI as a test customer. It uses your enabled actions for real.</p>
        </div>
        <button type="button" className="button secondary" onClick={reset} disabled={!conversationId}>
          New conversation
        </button>
      </div>
      <fieldset className="panel customer-fields" disabled={conversationId !== null}>
        <legend>Test customer</legend>
        <div className="two-col">
          <Field id="pg-email" label="Email" optional>
            {(a) => <input {...a} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field id="pg-name" label="Name" optional>
            {(a) => <input {...a} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
        </div>
        <CheckboxField id="pg-verified" label="Identity verified" hint="Unverified customers get no personal data and no verified-only actions." checked={verified} onChange={setVerified} />
        {conversationId ? <p className="hint">The customer is fixed for this conversation; start a new one to change it.</p> : null}
      </fieldset>
      <section className="panel chat" aria-label="Chat">
        {turns.length === 0 ? <p className="muted">No messages yet. Ask what a customer would ask, e.g. “Where is my order ORD-12345?”</p> : null}
        <ol className="thread" aria-live="polite">
          {turns.map((t, i) => (
            <ChatTurn key={i} turn={t} />
          ))}
        </ol>
        {conversationId ? (
          <p className="small">
            <a href={href(`conversations/${conversationId}`)} onClick={onLinkClick(`conversations/${conversationId}`)}>
              Open this conversation's log
            </a>
          </p>
        ) : null}
        {error ? <Notice tone="error">{error}</Notice> : null}
        <form
          className="composer"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <label htmlFor="pg-message">Message as the customer</label>
          <textarea
            id="pg-message"
            ref={input}
            rows={2}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            onKeyDown={(e) => {
              // Enter sends, Shift+Enter breaks the line, as in chat apps.
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void send();
              }
            }}
          />
          <button type="submit" className="button primary" disabled={sending || !message.trim()}>
            {sending ? 'Waiting for the AI…' : 'Send'}
          </button>
        </form>
      </section>
    </div>
  );
}

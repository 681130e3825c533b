import { useRef, useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { useApi } from '../api/context';
import type { CallRecord, ConversationDetail, Proposal, TurnResponse } from '../api/types';
import { CheckboxField, Field } from '../components/field';
import { Notice } from '../components/notice';
import { href, onLinkClick } from '../router';
import { ChatEntry, type Entry } from './chat-turn';

/** Chat with the agent as a test customer; every answer shows its calls and pending confirmations. */
export function PlaygroundPage() {
  const api = useApi();
  const [verified, setVerified] = useState(true);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [conversationId, setConversationId] = useState<string | null>(null);
  // Sandbox on by default: trying things out must not cancel a real order.
  const [sandbox, setSandbox] = useState(true);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [proposals, setProposals] = useState<Record<string, Proposal>>({});
  const [busy, setBusy] = useState<Record<string, 'confirm' | 'decline'>>({});
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
        : await api.post<TurnResponse>('/v1/conversations', { customer, message: text, channel: 'playground', sandbox });
      setConversationId(r.id);
      const fresh = (r.pending ?? []).filter((p) => !proposals[p.id]);
      setEntries((list) => [...list, { kind: 'turn', message: text, response: r, proposalIds: fresh.map((p) => p.id) }]);
      setProposals((known) => ({ ...known, ...Object.fromEntries((r.pending ?? []).map((p) => [p.id, p])) }));
      setMessage('');
      // A typed "yes" or "no" settles an earlier proposal: show its new state on its card.
      if (Object.keys(proposals).length) await refreshProposals(r.id);
    } catch (err) {
      const details = err instanceof ApiError && err.details.length ? ` (${err.details.map((d) => `${d.path}: ${d.message}`).join('; ')})` : '';
      setError(describeError(err) + details);
    } finally {
      setSending(false);
      input.current?.focus();
    }
  };
  const refreshProposals = async (id: string) => {
    try {
      const detail = await api.get<ConversationDetail>(`/v1/conversations/${encodeURIComponent(id)}`);
      setProposals((known) => ({ ...known, ...Object.fromEntries(detail.proposals.filter((p) => known[p.id]).map((p) => [p.id, p])) }));
    } catch {
      // The cards keep their last known state; the next answer refreshes them.
    }
  };
  /** The customer's button: the server confirms (runs once) or declines, and its reply joins the thread. */
  const answer = async (proposalId: string, choice: 'confirm' | 'decline') => {
    if (!conversationId || busy[proposalId]) return;
    setBusy((b) => ({ ...b, [proposalId]: choice }));
    setError(null);
    try {
      const path = `/v1/conversations/${encodeURIComponent(conversationId)}/proposals/${encodeURIComponent(proposalId)}/${choice}`;
      const out = await api.post<{ proposal: Proposal; call?: CallRecord; reply: string }>(path, {});
      setProposals((known) => ({ ...known, [out.proposal.id]: out.proposal }));
      setEntries((list) => [...list, { kind: 'answer', answer: choice, action: out.proposal.action, reply: out.reply, ...(out.call ? { call: out.call } : {}) }]);
    } catch (err) {
      setError(describeError(err));
      await refreshProposals(conversationId);
    } finally {
      setBusy(({ [proposalId]: _done, ...rest }) => rest);
    }
  };
  const reset = () => {
    setConversationId(null);
    setEntries([]);
    setProposals({});
    setBusy({});
    setError(null);
  };

  return (
    <div className="playground">
      <div className="page-head">
        <div>
          <h1>Playground</h1>
          <p className="muted">
            Talk to the AI as a test customer.{' '}
            {sandbox ? 'Sandbox: actions answer with their mocks and writes are dry runs.' : 'Sandbox off: your enabled actions call your APIs for real.'}
          </p>
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
        <CheckboxField
          id="pg-sandbox"
          label="Sandbox"
          hint="On: actions answer with their mock responses, and write actions without a mock are dry runs (nothing is sent). Read actions without a mock still call your API. Off: every action calls your API for real."
          checked={sandbox}
          onChange={setSandbox}
        />
        {conversationId ? <p className="hint">The customer is fixed for this conversation; start a new one to change it.</p> : null}
      </fieldset>
      <section className="panel chat" aria-label="Chat">
        {entries.length === 0 ? <p className="muted">No messages yet. Ask what a customer would ask, e.g. “Where is my order ORD-12345?”</p> : null}
        <ol className="thread" aria-live="polite">
          {entries.map((e, i) => (
            <ChatEntry key={i} entry={e} controls={{ proposals, busy, answer: (id, choice) => void answer(id, choice) }} />
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

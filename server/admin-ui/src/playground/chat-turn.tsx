import type { ReactNode } from 'react';
import type { CallRecord, Proposal, TurnResponse } from '../api/types';
import { CallItem } from '../components/call-item';
import { PendingProposal } from './pending-proposal';

/** One entry of the playground thread. */
export type Entry =
  /** What the customer typed, what came back, and the proposals that turn made (each shown once). */
  | { kind: 'turn'; message: string; response: TurnResponse; proposalIds: string[] }
  /** The customer's button answer to a proposal, and the reply the server gave. */
  | { kind: 'answer'; answer: 'confirm' | 'decline'; action: string; reply: string; call?: CallRecord };

/** What the page passes down for the proposal cards. */
export interface ProposalControls {
  proposals: Record<string, Proposal>;
  busy: Record<string, 'confirm' | 'decline'>;
  answer(id: string, answer: 'confirm' | 'decline'): void;
}

/** A call with a label when the sandbox answered it (a mock) or nothing was sent (a dry run). */
function Call({ call }: { call: CallRecord }) {
  return (
    <div className="call-with-mode">
      {call.mode === 'dry' ? <span className="badge badge-neutral mode-label">Dry run: nothing was sent</span> : null}
      {call.mode === 'mock' ? <span className="badge badge-neutral mode-label">Mock answer (sandbox)</span> : null}
      <CallItem call={call} />
    </div>
  );
}

function AssistantMeta({ children }: { children?: ReactNode }) {
  return (
    <div className="message-meta">
      <strong>AI</strong>
      {children}
    </div>
  );
}

/** One thread entry: a customer message with the AI's answer, or the answer to a button. */
export function ChatEntry({ entry, controls }: { entry: Entry; controls: ProposalControls }) {
  if (entry.kind === 'answer') {
    return (
      <>
        <li className="message message-user">
          <div className="message-meta">
            <strong>Customer</strong>
          </div>
          <p className="message-text muted">{entry.answer === 'confirm' ? `Confirmed ${entry.action}` : `Declined ${entry.action}`}</p>
        </li>
        <li className="message message-assistant">
          <AssistantMeta />
          <p className="message-text">{entry.reply}</p>
          {entry.call ? (
            <div className="message-calls" aria-label="Calls made for this answer">
              <Call call={entry.call} />
            </div>
          ) : null}
        </li>
      </>
    );
  }
  const r = entry.response;
  // A write held for confirmation is shown as its proposal card, not as a failed call.
  const held = r.calls.filter((c) => c.errorType === 'needs_confirmation');
  const calls = r.calls.filter((c) => c.errorType !== 'needs_confirmation');
  const proposals = entry.proposalIds.map((id) => controls.proposals[id]).filter((p): p is Proposal => Boolean(p));
  return (
    <>
      <li className="message message-user">
        <div className="message-meta">
          <strong>Customer</strong>
        </div>
        <p className="message-text">{entry.message}</p>
      </li>
      <li className="message message-assistant">
        <AssistantMeta>{r.fallback ? <span className="badge badge-warning">fallback reply: the AI failed</span> : null}</AssistantMeta>
        <p className="message-text">{r.reply}</p>
        {calls.length ? (
          <div className="message-calls" aria-label="Calls made for this answer">
            {calls.map((c) => (
              <Call key={c.id} call={c} />
            ))}
          </div>
        ) : proposals.length === 0 && held.length === 0 ? (
          <p className="muted small">No calls for this answer.</p>
        ) : null}
        {proposals.length ? (
          <div className="message-calls" aria-label="Waiting for confirmation">
            {proposals.map((p) => (
              <PendingProposal
                key={p.id}
                proposal={p}
                busy={controls.busy[p.id] ?? null}
                onConfirm={() => controls.answer(p.id, 'confirm')}
                onDecline={() => controls.answer(p.id, 'decline')}
              />
            ))}
          </div>
        ) : held.length ? (
          <p className="muted small">The AI asked again for {held.map((c) => c.action).join(', ')}: the proposal above still waits for the customer.</p>
        ) : null}
      </li>
    </>
  );
}

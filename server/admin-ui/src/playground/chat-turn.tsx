import type { TurnResponse } from '../api/types';
import { CallItem } from '../components/call-item';
import { ProposalItem } from '../conversations/proposal-item';

/** One exchange of the playground: what the customer said and what came back. */
export interface Turn {
  message: string;
  response: TurnResponse;
}

/** The customer's message, the AI's reply, then the calls it made and what waits for confirmation. */
export function ChatTurn({ turn }: { turn: Turn }) {
  const r = turn.response;
  return (
    <>
      <li className="message message-user">
        <div className="message-meta">
          <strong>Customer</strong>
        </div>
        <p className="message-text">{turn.message}</p>
      </li>
      <li className="message message-assistant">
        <div className="message-meta">
          <strong>AI</strong>
          {r.fallback ? <span className="badge badge-warning">fallback reply: the AI failed</span> : null}
        </div>
        <p className="message-text">{r.reply}</p>
        {r.calls.length ? (
          <div className="message-calls" aria-label="Calls made for this answer">
            {r.calls.map((c) => (
              <CallItem key={c.id} call={c} />
            ))}
          </div>
        ) : (
          <p className="muted small">No calls for this answer.</p>
        )}
        {r.pending?.length ? (
          <div className="message-calls" aria-label="Waiting for confirmation">
            <p className="small">
              <strong>Waiting for confirmation.</strong> Reply “yes” to let the AI run it.
            </p>
            {r.pending.map((p) => (
              <ProposalItem key={p.id} proposal={p} />
            ))}
          </div>
        ) : null}
      </li>
    </>
  );
}

import { randomUUID } from 'node:crypto';
import type { Action } from '../../../shared/action';
import type { CallRecord, Conversation, Proposal } from '../../../shared/conversation';
import { callKey } from './records';

/**
 * Proposed write actions. A call that needs confirmation is recorded with its exact
 * arguments; it runs only when the same call comes again in a later turn (the customer
 * confirmed) or when the agent clicks Run (Zendesk), and never after it expired.
 */

/** A pending proposal for exactly this call, made in an earlier turn and not expired. */
export function findConfirmable(conv: Conversation, turnId: string, key: string, now = Date.now()): Proposal | undefined {
  return conv.pending.find(
    (p) => p.status === 'pending' && p.turnId !== turnId && new Date(p.expiresAt).getTime() > now && callKey(p.action, p.arguments) === key,
  );
}

/** Records a proposal (once per call and turn). */
export function propose(conv: Conversation, turnId: string, action: Action, args: Record<string, unknown>, key: string, ttlMs: number): Proposal {
  const existing = conv.pending.find((p) => p.status === 'pending' && p.turnId === turnId && callKey(p.action, p.arguments) === key);
  if (existing) return existing;
  const now = new Date();
  const p: Proposal = {
    id: randomUUID(),
    action: action.name,
    actionId: action.id,
    method: action.method,
    url: action.url,
    arguments: args,
    turnId,
    status: 'pending',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
  };
  conv.pending.push(p);
  return p;
}

/** The outcome stored on a proposal that ran. */
export function proposalResult(call: CallRecord): NonNullable<Proposal['result']> {
  return { ok: call.ok, status: call.status, ...(call.errorType ? { errorType: call.errorType } : {}), excerpt: call.responseExcerpt.slice(0, 300) };
}

/** Marks the confirmed proposal of a call that just ran with its outcome. */
export function settleProposal(conv: Conversation, key: string, call: CallRecord): void {
  const p = conv.pending.find((x) => x.status === 'done' && !x.result && callKey(x.action, x.arguments) === key);
  if (!p) return;
  p.status = call.ok ? 'done' : 'failed';
  p.result = proposalResult(call);
}

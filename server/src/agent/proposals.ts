import { randomUUID } from 'node:crypto';
import type { Action } from '../../../shared/action';
import type { CallRecord, Proposal, RenderedRequest } from '../../../shared/conversation';
import type { ProposalStatus, Store, StoredProposal } from '../store';

/**
 * Proposals: write actions that wait for an explicit confirmation. The state lives in the
 * store and every move is a compare-and-set there, so two confirmations arriving together
 * run the write once and both see the same outcome:
 * `pending -> confirmed -> running -> done | failed`, or `declined`, `expired`.
 */

/** The API shape of a stored proposal. */
export function publicProposal(p: StoredProposal): Proposal {
  const { tenantId: _t, options: _o, ...rest } = p;
  return { ...rest, method: p.request.method, url: p.request.url };
}

/** A new pending proposal of a call the model asked for. */
export function newProposal(
  tenantId: string,
  conversationId: string,
  turnId: string,
  action: Action,
  args: Record<string, unknown>,
  request: RenderedRequest,
  ttlMs: number,
  now = new Date(),
): StoredProposal {
  return {
    id: randomUUID(),
    tenantId,
    conversationId,
    action: action.name,
    actionId: action.id,
    actionVersion: action.version,
    arguments: args,
    request,
    turnId,
    status: 'pending',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
  };
}

/** The outcome stored on a proposal that ran. */
export function proposalResult(call: CallRecord): NonNullable<StoredProposal['result']> {
  return { ok: call.ok, status: call.status, ...(call.errorType ? { errorType: call.errorType } : {}), excerpt: call.responseExcerpt.slice(0, 300) };
}

/** Marks overdue pending proposals expired (a compare-and-set each); returns the live ones. */
export async function expireOverdue(store: Store, list: StoredProposal[], now = Date.now()): Promise<StoredProposal[]> {
  const out: StoredProposal[] = [];
  for (const p of list) {
    if (p.status === 'pending' && Date.parse(p.expiresAt) <= now) {
      const moved = await store.transitionProposal(p.tenantId, p.id, ['pending'], 'expired');
      out.push(moved ?? (await store.getProposal(p.tenantId, p.id)) ?? p);
    } else out.push(p);
  }
  return out;
}

const FINAL: ReadonlySet<ProposalStatus> = new Set(['done', 'failed', 'declined', 'expired']);

/**
 * Waits until another caller's run of a proposal is finished, by reading the store
 * (another instance may be running it). Bounded: gives up after `maxMs` with what it has.
 */
export async function waitForOutcome(store: Store, tenantId: string, id: string, maxMs: number): Promise<StoredProposal | null> {
  const until = Date.now() + maxMs;
  let delay = 20;
  for (let i = 0; i < 1000; i++) {
    const p = await store.getProposal(tenantId, id);
    if (!p || FINAL.has(p.status) || Date.now() >= until) return p;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
  return store.getProposal(tenantId, id);
}

export function isFinal(status: ProposalStatus): boolean {
  return FINAL.has(status);
}

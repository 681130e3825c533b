import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { CallRecord, Conversation, Proposal } from '../../../shared/conversation';
import type { ActionExecutor } from '../actions';
import { ConflictError, NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Redactor } from '../secrets';
import type { Store, StoredProposal } from '../store';
import { contextOf } from './context';
import type { TenantConfigCache } from './tenant-config';
import { frameError, frameResult } from './prompt';
import { expireOverdue, isFinal, proposalResult, publicProposal, waitForOutcome } from './proposals';
import { callFromResult, refusedCall } from './records';
import { scrubCall } from './scrub';
import { modeOf, runAction } from './tool-call';
import type { TurnState } from './turn-state';

/** What a confirmation or a decline comes to: the same for every caller of the same proposal. */
export interface ConfirmOutcome {
  proposal: Proposal;
  /** The call that ran (only for the caller whose confirmation ran it). */
  call?: CallRecord;
  /** The reply the customer sees. */
  reply: string;
}

interface Deps {
  store: Store;
  executor: ActionExecutor;
  log: Logger;
  metrics: Metrics;
}

/** How long a caller waits for another caller's run of the same proposal. */
const WAIT_FOR_RUN_MS = 130_000;

/**
 * Explicit acts on proposals. Every state move is a compare-and-set in the store, and the
 * run is claimed (`confirmed -> running`) before the call goes out with
 * `Idempotency-Key: <proposal id>`: concurrent confirmations make one call, and each caller
 * gets the same outcome.
 */
export class Confirmations {
  constructor(
    private readonly deps: Deps,
    private readonly configs: TenantConfigCache,
    private readonly saveConversation: (conv: Conversation) => Promise<void>,
  ) {}

  /** The customer (API, playground, a quick-reply button) or the agent (Zendesk Run) confirms. */
  async confirm(tenantId: string, conversationId: string, proposalId: string, opts: { recordReply?: boolean } = {}): Promise<ConfirmOutcome> {
    const { conv, proposal } = await this.load(tenantId, conversationId, proposalId);
    if (proposal.status === 'pending') await this.deps.store.transitionProposal(tenantId, proposal.id, ['pending'], 'confirmed');
    const now = (await this.deps.store.getProposal(tenantId, proposal.id)) ?? proposal;
    if (now.status === 'declined' || now.status === 'expired') throw new ConflictError(`this proposal is ${now.status}`);
    const { final, call } = await this.run(conv, now, null);
    const reply = outcomeReply(final);
    // A Zendesk draft is the agent's: the outcome goes to the ticket as a note, not into the draft.
    if (call && opts.recordReply !== false) await this.record(conv, final, call, reply);
    return { proposal: publicProposal(final), ...(call ? { call } : {}), reply };
  }

  /** The customer (or agent) declines: nothing runs. Declining twice answers the same. */
  async decline(tenantId: string, conversationId: string, proposalId: string, opts: { recordReply?: boolean } = {}): Promise<ConfirmOutcome> {
    const { conv, proposal } = await this.load(tenantId, conversationId, proposalId);
    const moved = proposal.status === 'pending' ? await this.deps.store.transitionProposal(tenantId, proposal.id, ['pending'], 'declined') : null;
    const now = moved ?? (await this.deps.store.getProposal(tenantId, proposal.id)) ?? proposal;
    if (now.status !== 'declined') throw new ConflictError(`this proposal is ${now.status}`);
    const reply = outcomeReply(now);
    if (moved && opts.recordReply !== false) await this.record(conv, now, null, reply);
    return { proposal: publicProposal(now), reply };
  }

  /**
   * A typed "yes" / "no" in a turn, for the one pending proposal. Returns the messages that
   * tell the model what happened (a tool call and its result), so it can word the reply.
   */
  async typed(s: TurnState, p: StoredProposal, answer: 'yes' | 'no'): Promise<ChatCompletionMessageParam[]> {
    const { store } = this.deps;
    let outcome: string;
    if (answer === 'no') {
      const moved = await store.transitionProposal(s.tenantId, p.id, ['pending'], 'declined');
      outcome = frameError('declined', null, moved ? 'the customer declined: nothing was done' : 'this action is no longer waiting: nothing was done');
      this.replaceIn(s, moved ?? (await store.getProposal(s.tenantId, p.id)));
    } else {
      await store.transitionProposal(s.tenantId, p.id, ['pending'], 'confirmed');
      const now = (await store.getProposal(s.tenantId, p.id)) ?? p;
      const { final, call } = await this.run(s.conv, now, { scrub: s.scrub, context: s.context, signal: s.signal, connections: s.connections });
      this.replaceIn(s, final);
      if (call) {
        s.calls.push(call);
        if (call.ok && !s.conv.succeeded.includes(final.action)) s.conv.succeeded.push(final.action);
      }
      outcome = final.result?.ok
        ? frameResult(final.action, final.result.status ?? undefined, `The customer confirmed and it ran. ${final.result.excerpt}`)
        : frameError(final.result?.errorType ?? final.status, final.result?.status, `the customer confirmed; it did not go through (${final.status})`);
    }
    const id = `confirmed_${p.id}`.slice(0, 40);
    return [
      { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: p.action, arguments: JSON.stringify(p.arguments) } }] },
      { role: 'tool', tool_call_id: id, content: outcome },
    ];
  }

  /** The server's question when a "yes" could mean several waiting actions. */
  whichOne(waiting: StoredProposal[]): string {
    const list = waiting.map((p, i) => `${i + 1}) ${describe(p)}`).join('; ');
    return `Several actions are waiting for your confirmation: ${list}. Which one should I do? Please confirm it with its button or tell me which one.`;
  }

  private async load(tenantId: string, conversationId: string, proposalId: string): Promise<{ conv: Conversation; proposal: StoredProposal }> {
    const [conv, p] = await Promise.all([this.deps.store.getConversation(tenantId, conversationId), this.deps.store.getProposal(tenantId, proposalId)]);
    if (!conv) throw new NotFoundError('conversation');
    if (!p || p.conversationId !== conversationId) throw new NotFoundError('proposal');
    const [proposal] = await expireOverdue(this.deps.store, [p]);
    return { conv, proposal: proposal! };
  }

  /**
   * Claims the run (`confirmed -> running`) and makes the call once; a caller who loses the
   * claim waits for the winner's outcome. `env` comes from a running turn; otherwise the
   * tenant's settings and secrets are read here.
   */
  private async run(
    conv: Conversation,
    p: StoredProposal,
    env: { scrub: Redactor; context: TurnState['context']; signal: AbortSignal; connections: TurnState['connections'] } | null,
  ): Promise<{ final: StoredProposal; call: CallRecord | null }> {
    const { store, executor, metrics } = this.deps;
    const claimed = p.status === 'confirmed' ? await store.transitionProposal(p.tenantId, p.id, ['confirmed'], 'running') : null;
    if (!claimed) {
      const final = isFinal(p.status) ? p : await waitForOutcome(store, p.tenantId, p.id, WAIT_FOR_RUN_MS);
      return { final: final ?? p, call: null };
    }
    // Outside a turn, the tenant's configuration (secrets, connections) comes from the same cache a turn uses.
    const [action, cfg] = await Promise.all([store.getAction(p.tenantId, p.actionId), env ? null : this.configs.get(p.tenantId)]);
    const scrub = env?.scrub ?? cfg!.scrub;
    const byId = env?.connections ?? cfg!.connections;
    const meta = { channel: conv.channel, proposalId: p.id, arguments: p.arguments, actionVersion: p.actionVersion };
    let call: CallRecord;
    if (!action || action.version !== p.actionVersion || !action.enabled) {
      const why = !action ? 'the action was deleted' : !action.enabled ? 'the action was disabled' : 'the action changed since it was proposed: ask again';
      call = refusedCall(p.action, p.request.method, p.request.url, 'not_allowed', why, conv.id, p.turnId, meta);
    } else {
      const context = env?.context ?? contextOf(conv, cfg!.settings, new Date());
      const signal = env?.signal ?? AbortSignal.timeout(action.timeoutMs + 5_000);
      const r = await runAction({ executor }, { conv, context, signal, connections: byId }, action, p.arguments, { 'Idempotency-Key': p.id });
      metrics.recordCall(r.ok, r.error?.type, r.durationMs);
      call = scrubCall(scrub, callFromResult(p.action, r, conv.id, p.turnId, { ...meta, mode: modeOf({ conv }, action, r) }));
    }
    if (!env) await store.addCalls(p.tenantId, [call]);
    const final = await store.transitionProposal(p.tenantId, p.id, ['running'], call.ok ? 'done' : 'failed', { result: proposalResult(call) });
    return { final: final ?? (await store.getProposal(p.tenantId, p.id)) ?? p, call };
  }

  /** Adds the outcome to the conversation (the reply, and the action for `requires`). */
  private async record(conv: Conversation, p: StoredProposal, call: CallRecord | null, reply: string): Promise<void> {
    let c = conv;
    for (let attempt = 0; attempt < 3; attempt++) {
      c.messages.push({ role: 'assistant', content: reply, at: new Date().toISOString(), turnId: p.turnId });
      if (call?.ok && !c.succeeded.includes(p.action)) c.succeeded.push(p.action);
      try {
        await this.saveConversation(c);
        return;
      } catch (err) {
        const fresh = err instanceof ConflictError ? await this.deps.store.getConversation(c.tenantId, c.id) : null;
        if (!fresh) throw err;
        c = fresh;
      }
    }
    this.deps.log.warn({ conversationId: conv.id, proposalId: p.id }, 'could not add the confirmation outcome to the conversation');
  }

  private replaceIn(s: TurnState, p: StoredProposal | null): void {
    if (!p) return;
    const i = s.proposals.findIndex((x) => x.id === p.id);
    if (i >= 0) s.proposals[i] = p;
  }
}

/** An action and its arguments in words, for the customer. */
export function describe(p: Pick<StoredProposal, 'action' | 'arguments'>): string {
  const args = Object.entries(p.arguments)
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return `${p.action.replace(/[_-]/g, ' ')}${args ? ` (${args})` : ''}`;
}

/** The reply of a confirmation or decline, from the proposal's final state only. */
export function outcomeReply(p: StoredProposal): string {
  switch (p.status) {
    case 'done':
      return `Done: ${describe(p)} went through.`;
    case 'failed':
      return `Sorry, ${describe(p)} did not go through${p.result?.status ? ` (the system answered ${p.result.status})` : ''}. A teammate can help.`;
    case 'declined':
      return `OK, I won't do that: ${describe(p)} was not done. Nothing was changed.`;
    case 'expired':
      return `That request expired, so nothing was changed. Ask again if you still want it.`;
    default:
      return `${describe(p)} is being processed.`;
  }
}

import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { WRITE_METHODS, type ActionContext, type UserDataApi } from '../../../shared/action';
import type { CallRecord, Channel, Conversation, Customer, Proposal } from '../../../shared/conversation';
import { SettingsInput, type Settings } from '../../../shared/settings';
import type { ActionExecutor } from '../actions';
import type { Config } from '../config';
import { AppError, ConflictError, NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Outbound } from '../net';
import type { Store } from '../store';
import { frameError, frameResult, systemPrompt } from './prompt';
import { callFromResult, callKey, refusedCall } from './records';
import { findConfirmable, proposalResult, propose, settleProposal } from './proposals';
import { MalformedOutput, contextOf, defaultSettings, errSummary, newConversation, parseArgs } from './context';
import { lookupTool, toolFor, type ActionTool } from './tools';

/** Bounds of one turn; every loop here has one. */
export interface AgentLimits {
  /** Model calls per turn. */
  maxRounds: number;
  /** Tool calls per turn. */
  maxCallsPerTurn: number;
  /** Failures of the same call (action + arguments) before the server refuses it. */
  maxFailuresPerCall: number;
  /** Lifetime of a proposed write action. */
  proposalTtlMs: number;
  /** Previous messages sent to the model. */
  historyMessages: number;
}

export const DEFAULT_LIMITS: AgentLimits = {
  maxRounds: 5,
  maxCallsPerTurn: 8,
  maxFailuresPerCall: 2,
  proposalTtlMs: 30 * 60_000,
  historyMessages: 20,
};

/** `live`: writes run after the customer confirms. `draft` (Zendesk): writes are only proposed to the agent. */
export type TurnMode = 'live' | 'draft';

export interface TurnResult {
  conversation: Conversation;
  reply: string;
  calls: CallRecord[];
  pending: Proposal[];
  fallback: boolean;
}

interface TurnState {
  tenantId: string;
  conv: Conversation;
  turnId: string;
  mode: TurnMode;
  tools: Map<string, ActionTool>;
  hidden: Set<string>;
  calls: CallRecord[];
  callCount: number;
  context: ActionContext;
  signal: AbortSignal;
}

/**
 * The conversation loop: the model proposes tool calls, the server checks each against the
 * rules (audience, requires, confirmation, limits) and runs what passes.
 */
export class Agent {
  private readonly llm: OpenAI;
  readonly limits: AgentLimits;

  constructor(
    private readonly deps: { store: Store; executor: ActionExecutor; outbound: Outbound; config: Config; log: Logger; metrics: Metrics },
    limits: Partial<AgentLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.llm = new OpenAI({
      fetch: deps.outbound.llmFetch,
      apiKey: deps.config.OPENAI_API_KEY || 'not-configured',
      baseURL: deps.config.OPENAI_BASE_URL,
      timeout: deps.config.OPENAI_TIMEOUT_MS,
      maxRetries: 1,
    });
  }

  /** Starts a conversation with its first message. */
  async start(
    tenantId: string,
    input: { channel: Channel; customer: Customer; message: string; externalId?: string | null; mode?: TurnMode },
  ): Promise<TurnResult> {
    const conv = newConversation(tenantId, input.channel, input.externalId ?? null, input.customer);
    return this.turn(conv, input.message, input.mode ?? 'live');
  }

  /** Takes the next customer message of a stored conversation. */
  async reply(conv: Conversation, message: string, mode: TurnMode = 'live', customer?: Customer): Promise<TurnResult> {
    const c = structuredClone(conv);
    if (customer) {
      // A customer who is no longer verified (or is someone else now) must not keep the
      // User Data API answer fetched for the earlier identity.
      if (!customer.verified || customer.email !== c.customer.email) c.userData = null;
      c.customer = customer;
    }
    return this.turn(c, message, mode);
  }

  private async turn(conv: Conversation, message: string, mode: TurnMode): Promise<TurnResult> {
    const { store, config } = this.deps;
    const tenantId = conv.tenantId;
    const turnId = randomUUID();
    const now = new Date();
    const signal = AbortSignal.timeout(config.TURN_DEADLINE_MS);
    // One round trip to the store instead of three (it matters on MongoDB).
    const wantsUserData = !conv.userData && conv.customer.verified && !!conv.customer.email;
    const [stored, actions, uda] = await Promise.all([
      store.getSettings(tenantId),
      store.listActions(tenantId),
      wantsUserData ? store.getUserDataApi(tenantId) : null,
    ]);
    const settings = stored ?? defaultSettings();
    conv.messages.push({ role: 'user', content: message, at: now.toISOString(), turnId });
    for (const p of conv.pending) if (p.status === 'pending' && new Date(p.expiresAt) <= now) p.status = 'expired';

    const state: TurnState = {
      tenantId,
      conv,
      turnId,
      mode,
      tools: new Map(),
      hidden: new Set(),
      calls: [],
      callCount: 0,
      context: contextOf(conv, settings, now),
      signal,
    };
    if (uda) await this.loadUserData(state, uda);
    for (const a of actions) {
      if (!a.enabled) continue;
      if (a.audience === 'verified' && !conv.customer.verified) state.hidden.add(a.name);
      else state.tools.set(a.name, toolFor(a));
    }

    let reply: string | null = null;
    try {
      reply = await this.loop(state, settings, now);
    } catch (err) {
      this.deps.log.warn({ err: errSummary(err), conversationId: conv.id }, 'model failed; fallback reply');
    }
    const fallback = reply === null;
    if (fallback) conv.needsHuman = true;
    const text = reply ?? settings.fallbackReply;
    conv.messages.push({ role: 'assistant', content: text, at: new Date().toISOString(), turnId, ...(fallback ? { fallback: true } : {}) });
    await this.save(conv, state.calls);
    return { conversation: conv, reply: text, calls: state.calls, pending: conv.pending.filter((p) => p.status === 'pending'), fallback };
  }

  /** Rounds of model calls; null when the bound is hit without a reply. Throws on model failure. */
  private async loop(s: TurnState, settings: Settings, now: Date): Promise<string | null> {
    const history = s.conv.messages.slice(-this.limits.historyMessages).map(
      (m): ChatCompletionMessageParam => ({ role: m.role, content: m.content }),
    );
    const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: systemPrompt(settings, s.conv, now, s.mode) }, ...history];
    const tools = [...s.tools.values()].map((t) => t.tool);
    const model = settings.model || this.deps.config.OPENAI_MODEL;

    for (let round = 0; round < this.limits.maxRounds; round++) {
      const completion = await this.llm.chat.completions
        .create({ model, messages, ...(tools.length ? { tools, tool_choice: 'auto' as const, parallel_tool_calls: true } : {}) }, { signal: s.signal })
        .catch((err: unknown) => {
          this.deps.metrics.llmCalls.inc({ result: 'error' });
          throw err;
        });
      this.deps.metrics.llmCalls.inc({ result: 'ok' });
      const msg = completion?.choices?.[0]?.message;
      if (!msg) throw new MalformedOutput('no message in the completion');
      const calls = (msg.tool_calls ?? []).filter((c): c is Extract<ChatCompletionMessageToolCall, { type: 'function' }> => c.type === 'function');
      if (calls.length === 0) {
        const text = typeof msg.content === 'string' ? msg.content.trim() : '';
        if (!text) throw new MalformedOutput('empty reply');
        return text;
      }
      const parsed = calls.map((c) => ({ call: c, args: parseArgs(c.function.arguments) }));
      messages.push({ role: 'assistant', content: msg.content ?? null, tool_calls: calls });
      // Records are kept in the model's call order, not in the order the calls finished.
      const records = parsed.map((): CallRecord[] => []);
      const results = await Promise.all(parsed.map(({ call, args }, i) => this.toolCall(s, call.function.name, args, records[i]!)));
      for (const r of records) s.calls.push(...r);
      parsed.forEach(({ call }, i) => messages.push({ role: 'tool', tool_call_id: call.id, content: results[i]! }));
    }
    this.deps.log.warn({ conversationId: s.conv.id }, 'round bound reached without a reply');
    return null;
  }

  /** Checks one tool call against the rules, runs it if allowed, and returns what the model reads. */
  private async toolCall(s: TurnState, name: string, rawArgs: Record<string, unknown>, out: CallRecord[]): Promise<string> {
    const { conv, turnId } = s;
    const refuse = (type: 'not_allowed' | 'missing_variables' | 'needs_confirmation', message: string, method = '', url = '') => {
      out.push(refusedCall(name, method, url, type, message, conv.id, turnId));
      return frameError(type, null, message);
    };
    if (++s.callCount > this.limits.maxCallsPerTurn) return refuse('not_allowed', 'too many calls in this turn; answer with what you have');
    const tool = lookupTool(s.tools, name);
    if (!tool) {
      return refuse('not_allowed', s.hidden.has(name) ? 'this action is only available to identity-verified customers' : 'unknown tool');
    }
    const { action } = tool;
    const v = tool.args.safeParse(rawArgs);
    if (!v.success) {
      const detail = v.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
      return refuse('missing_variables', `invalid or missing arguments (${detail}); ask the customer`, action.method, action.url);
    }
    const args = Object.fromEntries(Object.entries(v.data).filter(([, x]) => x !== null));
    for (const req of action.requires) {
      if (!conv.succeeded.includes(req)) {
        return refuse('not_allowed', `${req} must succeed earlier in this conversation before ${action.name} can run`, action.method, action.url);
      }
    }
    const key = callKey(action.name, args);
    if ((conv.failures[key] ?? 0) >= this.limits.maxFailuresPerCall) {
      return refuse('not_allowed', 'this exact call already failed twice; do not retry it, offer a human instead', action.method, action.url);
    }
    const needsConfirmation = action.confirm || (s.mode === 'draft' && WRITE_METHODS.has(action.method));
    if (needsConfirmation) {
      const confirmed = s.mode === 'live' ? findConfirmable(s.conv, s.turnId, key) : undefined;
      if (!confirmed) {
        const p = propose(s.conv, s.turnId, tool.action, args, key, this.limits.proposalTtlMs);
        const who = s.mode === 'draft' ? 'the support agent, who will decide whether to run it' : 'the customer: ask them to confirm';
        return refuse('needs_confirmation', `not run yet: proposed to ${who} (proposal ${p.id})`, action.method, action.url);
      }
      confirmed.status = 'done';
    }
    const r = await this.deps.executor.execute(action, args, s.context, { signal: s.signal });
    this.deps.metrics.recordCall(r.ok, r.error?.type, r.durationMs);
    const record = callFromResult(action.name, r, conv.id, turnId);
    out.push(record);
    if (needsConfirmation) settleProposal(conv, key, record);
    if (r.ok) {
      if (!conv.succeeded.includes(action.name)) conv.succeeded.push(action.name);
      return frameResult(action.name, r.status, r.modelText ?? '');
    }
    conv.failures[key] = (conv.failures[key] ?? 0) + 1;
    return frameError(r.error?.type ?? 'network', r.status, `${r.error?.message ?? 'failed'}${r.modelText ? `; response: ${r.modelText.slice(0, 300)}` : ''}`);
  }

  /** The agent (Zendesk sidebar) runs a proposal: the click is the confirmation. */
  async runProposal(tenantId: string, conversationId: string, proposalId: string): Promise<{ proposal: Proposal; call: CallRecord }> {
    const conv = await this.deps.store.getConversation(tenantId, conversationId);
    if (!conv) throw new NotFoundError('conversation');
    const p = conv.pending.find((x) => x.id === proposalId);
    if (!p) throw new NotFoundError('proposal');
    if (p.status === 'pending' && new Date(p.expiresAt) <= new Date()) {
      p.status = 'expired';
      await this.save(conv, []);
    }
    if (p.status !== 'pending') throw new ConflictError(`this proposal is ${p.status}`);
    const action = await this.deps.store.getAction(tenantId, p.actionId);
    if (!action) throw new ConflictError('the action of this proposal no longer exists');
    const settings = (await this.deps.store.getSettings(tenantId)) ?? defaultSettings();
    // Claimed before the call: the version check lets one click through, a concurrent second
    // one gets a 409 instead of running the write twice.
    p.status = 'done';
    await this.save(conv, []);
    const r = await this.deps.executor.execute(action, p.arguments, contextOf(conv, settings, new Date()));
    this.deps.metrics.recordCall(r.ok, r.error?.type, r.durationMs);
    const call = callFromResult(action.name, r, conv.id, p.turnId);
    const status: Proposal['status'] = r.ok ? 'done' : 'failed';
    const result = proposalResult(call);
    await this.recordProposalResult(conv, proposalId, status, result, r.ok ? action.name : null, call);
    return { proposal: { ...p, status, result }, call };
  }

  /** Stores a run proposal's outcome; re-reads the conversation if a turn saved in between. */
  private async recordProposalResult(
    conv: Conversation,
    proposalId: string,
    status: Proposal['status'],
    result: Proposal['result'],
    succeeded: string | null,
    call: CallRecord,
  ): Promise<void> {
    let c = conv;
    for (let attempt = 0; ; attempt++) {
      const p = c.pending.find((x) => x.id === proposalId);
      if (p) {
        p.status = status;
        p.result = result;
      }
      if (succeeded && !c.succeeded.includes(succeeded)) c.succeeded.push(succeeded);
      try {
        await this.save(c, [call]);
        return;
      } catch (err) {
        const fresh = err instanceof AppError && err.status === 409 && attempt < 2 ? await this.deps.store.getConversation(c.tenantId, c.id) : null;
        if (!fresh) throw err;
        c = fresh;
      }
    }
  }

  /** The User Data API, once per conversation, for verified customers with an email only. */
  private async loadUserData(s: TurnState, uda: UserDataApi): Promise<void> {
    const { conv } = s;
    if (conv.userData || !conv.customer.verified || !conv.customer.email) return;
    if (!uda.enabled || !uda.url) return;
    const r = await this.deps.executor.execute(uda, {}, s.context, { signal: s.signal });
    this.deps.metrics.recordCall(r.ok, r.error?.type, r.durationMs);
    s.calls.push(callFromResult('user_data_api', r, conv.id, s.turnId));
    if (!r.ok) this.deps.log.warn({ conversationId: conv.id, error: r.error?.type }, 'User Data API failed; going on without it');
    conv.userData = { ok: r.ok, text: r.ok ? (r.modelText ?? '') : '', at: new Date().toISOString() };
  }

  /**
   * Writes the conversation and its calls side by side. The calls are logged even when the
   * conversation write loses a race: they were made, and the call log must say so.
   */
  private async save(conv: Conversation, calls: CallRecord[]): Promise<void> {
    const { store } = this.deps;
    conv.version += 1;
    conv.updatedAt = new Date().toISOString();
    const [written, logged] = await Promise.allSettled([
      conv.version === 1 ? store.createConversation(conv).then(() => true) : store.updateConversation(conv),
      calls.length ? store.addCalls(conv.tenantId, calls) : Promise.resolve(),
    ]);
    if (logged.status === 'rejected') throw logged.reason;
    if (written.status === 'rejected') throw written.reason;
    if (!written.value) throw new AppError('conflict', 'the conversation changed while this turn ran; send the message again', 409);
  }
}

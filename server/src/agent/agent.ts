import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import type { MockResponse, UserDataApi } from '../../../shared/action';
import type { CallRecord, Channel, Conversation, Customer, Proposal } from '../../../shared/conversation';
import type { Settings } from '../../../shared/settings';
import type { ActionExecutor } from '../actions';
import type { Config } from '../config';
import { ConflictError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Outbound } from '../net';
import type { Store, StoredProposal } from '../store';
import { contextOf, errSummary, MalformedOutput, newConversation, parseArgs } from './context';
import { DEFAULT_LIMITS, type AgentLimits } from './limits';
import { ModelClient } from './model-client';
import { systemPrompt } from './prompt';
import { Confirmations, type ConfirmOutcome } from './confirmations';
import { expireOverdue, publicProposal } from './proposals';
import { callFromResult } from './records';
import { scrubCall } from './scrub';
import { TenantConfigCache, type TenantConfig } from './tenant-config';
import { toolCall } from './tool-call';
import { typedAnswer } from './typed-confirmation';
import type { TurnMode, TurnState } from './turn-state';

export type { AgentLimits } from './limits';
export type { TurnMode } from './turn-state';
export type { ConfirmOutcome } from './confirmations';
export { DEFAULT_LIMITS };

export interface TurnResult {
  conversation: Conversation;
  reply: string;
  calls: CallRecord[];
  /** Proposals of this conversation still waiting for a confirmation. */
  pending: Proposal[];
  fallback: boolean;
}

export interface AgentDeps {
  store: Store;
  executor: ActionExecutor;
  outbound: Outbound;
  config: Config;
  log: Logger;
  metrics: Metrics;
}

/**
 * The conversation loop: the model proposes tool calls, the server checks each against the
 * rules (audience, requires, confirmation, limits) and runs what passes. Confirmations of
 * writes are the customer's (or agent's) explicit acts, never the model's.
 */
export class Agent {
  private readonly model: ModelClient;
  private readonly configs: TenantConfigCache;
  readonly limits: AgentLimits;
  /** Confirm, decline and run proposals (the API, the sidebar, typed answers, Intercom buttons). */
  readonly confirmations: Confirmations;

  constructor(
    private readonly deps: AgentDeps,
    limits: Partial<AgentLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    // The SDK says where and how a request goes; the ModelClient sends it through net/.
    const llm = new OpenAI({
      fetch: deps.outbound.llmFetch,
      apiKey: deps.config.OPENAI_API_KEY || 'not-configured',
      baseURL: deps.config.OPENAI_BASE_URL,
      timeout: deps.config.OPENAI_TIMEOUT_MS,
      logLevel: 'off',
    });
    this.model = new ModelClient(llm, deps.outbound, deps.config.OPENAI_TIMEOUT_MS);
    this.configs = new TenantConfigCache(deps.store);
    this.confirmations = new Confirmations(deps, this.configs, (conv) => this.save(conv, []));
  }

  /** Starts a conversation with its first message. */
  async start(
    tenantId: string,
    input: { channel: Channel; customer: Customer; message: string; externalId?: string | null; mode?: TurnMode; sandbox?: boolean; mocks?: Record<string, MockResponse> },
  ): Promise<TurnResult> {
    const conv = newConversation(tenantId, input.channel, input.externalId ?? null, input.customer);
    if (input.sandbox) conv.sandbox = true;
    if (input.sandbox && input.mocks) conv.mocks = input.mocks;
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

  /** The proposals of a conversation, oldest first (overdue ones marked expired). */
  async proposals(tenantId: string, conversationId: string): Promise<Proposal[]> {
    return (await expireOverdue(this.deps.store, await this.deps.store.listProposals(tenantId, conversationId))).map(publicProposal);
  }

  private async turn(conv: Conversation, message: string, mode: TurnMode): Promise<TurnResult> {
    // The turn's deadline, released when the turn ends (AbortSignal.timeout would hold its timer
    // and everything reachable from the signal for the whole deadline after a quick turn).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('the turn took too long', 'TimeoutError')), this.deps.config.TURN_DEADLINE_MS);
    try {
      return await this.runTurn(conv, message, mode, deadline.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async runTurn(conv: Conversation, message: string, mode: TurnMode, signal: AbortSignal): Promise<TurnResult> {
    const { store } = this.deps;
    const tenantId = conv.tenantId;
    const turnId = randomUUID();
    const now = new Date();
    // One round trip to the store instead of several (it matters on MongoDB).
    const wantsUserData = !conv.userData && conv.customer.verified && !!conv.customer.email;
    const [cfg, proposals] = await Promise.all([
      this.configs.get(tenantId),
      conv.version > 0 ? store.listProposals(tenantId, conv.id) : Promise.resolve([] as StoredProposal[]),
    ]);
    const { settings, userDataApi: uda } = cfg;
    const stored = conv.messages.length; // the messages of the version read: the turn only appends after them
    conv.messages.push({ role: 'user', content: message, at: now.toISOString(), turnId });

    const visible = cfg.visibleTo(conv.customer.verified);
    const state: TurnState = {
      tenantId,
      conv,
      turnId,
      mode,
      settings,
      // Identity assertions are only for verified customers: their actions are verified-only by construction.
      tools: visible.tools,
      hidden: visible.hidden,
      calls: [],
      callCount: 0,
      context: contextOf(conv, settings, now),
      signal,
      scrub: cfg.scrub,
      offered: [],
      connections: cfg.connections,
      proposals: await expireOverdue(store, proposals, now.getTime()),
    };
    if (wantsUserData && uda) await this.loadUserData(state, uda);
    state.offered = this.offered(state, cfg, visible.pinned);

    let reply: string | null = null;
    let prefix: ChatCompletionMessageParam[] = [];
    const answer = mode === 'live' && settings.confirmation.byText ? typedAnswer(message) : null;
    const waiting = state.proposals.filter((p) => p.status === 'pending');
    if (answer && waiting.length > 1) {
      // Which one? The server asks: a "yes" must never pick a write on its own.
      reply = this.confirmations.whichOne(waiting);
    } else if (answer && waiting.length === 1) {
      prefix = await this.confirmations.typed(state, waiting[0]!, answer);
    }
    if (reply === null) {
      try {
        reply = await this.loop(state, prefix);
      } catch (err) {
        this.deps.log.warn({ err: errSummary(err), conversationId: conv.id }, 'model failed; fallback reply');
      }
    }
    const fallback = reply === null;
    if (fallback) conv.needsHuman = true;
    const text = state.scrub.text(reply ?? settings.fallbackReply);
    conv.messages.push({ role: 'assistant', content: text, at: new Date().toISOString(), turnId, ...(fallback ? { fallback: true } : {}) });
    await this.save(conv, state.calls, stored);
    const pending = state.proposals.filter((p) => p.status === 'pending').map(publicProposal);
    return { conversation: conv, reply: text, calls: state.calls, pending, fallback };
  }

  /** Rounds of model calls; null when the bound is hit without a reply. Throws on model failure. */
  private async loop(s: TurnState, prefix: ChatCompletionMessageParam[]): Promise<string | null> {
    const history = s.conv.messages.slice(-this.limits.historyMessages).map((m): ChatCompletionMessageParam => ({ role: m.role, content: m.content }));
    const pending = s.proposals.filter((p) => p.status === 'pending');
    const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: systemPrompt(s.settings, s.conv, new Date(), s.mode, pending) }, ...history, ...prefix];
    const tools = s.offered.map((name) => s.tools.get(name)!.tool);
    const model = s.settings.model || this.deps.config.OPENAI_MODEL;
    const deps = { store: this.deps.store, executor: this.deps.executor, metrics: this.deps.metrics, limits: this.limits };

    for (let round = 0; round < this.limits.maxRounds; round++) {
      const completion = await this.model
        .complete({ model, messages, ...(tools.length ? { tools, tool_choice: 'auto' as const, parallel_tool_calls: true } : {}) }, s.signal)
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
      // Records are kept in the model's call order; one call failing in our code never loses
      // the records of its siblings (they may have really gone out).
      const records = parsed.map((): CallRecord[] => []);
      const results = await Promise.allSettled(parsed.map(({ call, args }, i) => toolCall(deps, s, call.function.name, args, records[i]!)));
      for (const r of records) s.calls.push(...r);
      parsed.forEach(({ call }, i) => {
        const r = results[i]!;
        if (r.status === 'rejected') this.deps.log.error({ err: errSummary(r.reason), conversationId: s.conv.id }, 'tool call failed in the server');
        messages.push({ role: 'tool', tool_call_id: call.id, content: r.status === 'fulfilled' ? r.value : JSON.stringify({ error: { type: 'internal', message: 'the server could not run this call' } }) });
      });
    }
    this.deps.log.warn({ conversationId: s.conv.id }, 'round bound reached without a reply');
    return null;
  }

  /**
   * The tools the model sees this turn: all of them up to the bound; past it, the most
   * relevant to the conversation, plus the pinned ones and those already used. Every rule
   * still applies to every action: a tool not offered is refused like an unknown one.
   */
  private offered(s: TurnState, cfg: TenantConfig, pinned: ReadonlySet<string>): string[] {
    const bound = this.deps.config.TOOL_SELECTION_BOUND;
    if (s.tools.size <= bound) return [...s.tools.keys()];
    const used = new Set([...s.conv.succeeded, ...s.proposals.map((p) => p.action)]);
    const picked = cfg.index().select({ messages: s.conv.messages.map((m) => m.content), pinned, used }, bound);
    return picked.filter((n) => s.tools.has(n));
  }

  /** The User Data API, once per conversation, for verified customers with an email only. */
  private async loadUserData(s: TurnState, uda: UserDataApi): Promise<void> {
    const { conv } = s;
    if (conv.userData || !conv.customer.verified || !conv.customer.email) return;
    if (!uda.enabled || !uda.url) return;
    const r = await this.deps.executor.execute(uda, {}, s.context, { signal: s.signal });
    this.deps.metrics.recordCall(r.ok, r.error?.type, r.durationMs);
    s.calls.push(scrubCall(s.scrub, callFromResult('user_data_api', r, conv.id, s.turnId, { channel: conv.channel })));
    if (!r.ok) this.deps.log.warn({ conversationId: conv.id, error: r.error?.type }, 'User Data API failed; going on without it');
    conv.userData = { ok: r.ok, text: r.ok ? s.scrub.text(r.modelText ?? '') : '', at: new Date().toISOString() };
  }

  /**
   * Writes the conversation and its calls in one step. The calls are logged even when the
   * conversation write loses a race: they were made, and the call log must say so.
   */
  private async save(conv: Conversation, calls: CallRecord[], appendedFrom?: number): Promise<void> {
    conv.version += 1;
    conv.updatedAt = new Date().toISOString();
    const written = await this.deps.store.saveTurn(conv, calls, { create: conv.version === 1, appendedFrom });
    if (!written) throw new ConflictError('the conversation changed while this turn ran; send the message again');
  }
}

export type { ConfirmOutcome as ProposalOutcome };

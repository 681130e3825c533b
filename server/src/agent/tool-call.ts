import { WRITE_METHODS, type Action } from '../../../shared/action';
import type { Connection } from '../../../shared/connection';
import type { CallRecord } from '../../../shared/conversation';
import type { ActionExecutor, ExecResult } from '../actions';
import type { Metrics } from '../metrics';
import type { Store } from '../store';
import type { AgentLimits } from './limits';
import { frameError, frameResult } from './prompt';
import { newProposal } from './proposals';
import { callFromResult, callKey, refusedCall, type CallMeta } from './records';
import { scrubCall } from './scrub';
import { lookupTool } from './tools';
import type { TurnState } from './turn-state';

export interface ToolCallDeps {
  store: Store;
  executor: ActionExecutor;
  metrics: Metrics;
  limits: AgentLimits;
}

/**
 * One tool call the model asked for, checked against every rule the server enforces
 * (offered to this customer, valid arguments, `requires`, the failure limit, confirmation)
 * and run when they all pass. Returns what the model reads; records go to `out`.
 * A write that needs confirmation becomes a proposal and never runs here: only an
 * explicit act of the customer (or agent) can run it later.
 */
export async function toolCall(deps: ToolCallDeps, s: TurnState, name: string, rawArgs: Record<string, unknown>, out: CallRecord[]): Promise<string> {
  const { conv, turnId } = s;
  const meta = { channel: conv.channel };
  const refuse = (type: 'not_allowed' | 'missing_variables' | 'needs_confirmation', message: string, method = '', url = '', extra: CallMeta = {}) => {
    out.push(scrubCall(s.scrub, refusedCall(name, method, url, type, message, conv.id, turnId, { ...meta, ...extra })));
    return frameError(type, null, message);
  };
  if (++s.callCount > deps.limits.maxCallsPerTurn) return refuse('not_allowed', 'too many calls in this turn; answer with what you have');
  // A tool not offered this turn is refused like an unknown one: the model cannot reach past the selection.
  const tool = s.offered.includes(name) ? lookupTool(s.tools, name) : undefined;
  if (!tool) return refuse('not_allowed', s.hidden.has(name) ? 'this action is only available to identity-verified customers' : 'unknown tool');
  const { action } = tool;
  const v = tool.args.safeParse(rawArgs);
  if (!v.success) {
    const detail = v.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    return refuse('missing_variables', `invalid or missing arguments (${detail}); ask the customer`, action.method, action.url, { actionVersion: action.version });
  }
  const args = Object.fromEntries(Object.entries(v.data).filter(([, x]) => x !== null));
  const callMeta = { ...meta, actionVersion: action.version, arguments: args };
  for (const req of action.requires) {
    if (!conv.succeeded.includes(req)) {
      return refuse('not_allowed', `${req} must succeed earlier in this conversation before ${action.name} can run`, action.method, action.url, callMeta);
    }
  }
  const key = callKey(action.name, args);
  if ((conv.failures[key] ?? 0) >= deps.limits.maxFailuresPerCall) {
    return refuse('not_allowed', 'this exact call already failed twice; do not retry it, offer a human instead', action.method, action.url, callMeta);
  }
  const needsConfirmation = action.confirm || (s.mode === 'draft' && WRITE_METHODS.has(action.method));
  if (needsConfirmation) return propose(deps, s, tool.action, args, key, out, callMeta);

  const r = await runAction(deps, s, action, args);
  deps.metrics.recordCall(r.ok, r.error?.type, r.durationMs);
  out.push(scrubCall(s.scrub, callFromResult(action.name, r, conv.id, turnId, { ...callMeta, mode: modeOf(s, action, r) })));
  return settle(s, action.name, key, r);
}

/** Runs an action as the conversation's sandbox says: a mock, a dry run, or the real API. */
export async function runAction(
  deps: Pick<ToolCallDeps, 'executor'>,
  s: Pick<TurnState, 'conv' | 'context' | 'signal' | 'connections'>,
  action: Action,
  args: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<ExecResult> {
  const connection = connectionOf(s, action);
  const mock = s.conv.sandbox ? (s.conv.mocks?.[action.name] ?? action.mock ?? undefined) : undefined;
  if (mock) return deps.executor.execute(action, args, s.context, { signal: s.signal, mock, connection, ...(headers ? { headers } : {}) });
  if (s.conv.sandbox && WRITE_METHODS.has(action.method)) {
    const r = deps.executor.render(action, args, s.context, headers, connection);
    if (!r.ok) return { ok: false, durationMs: 0, attempts: 0, request: r.request, error: r.error };
    return { ok: true, status: 200, durationMs: 0, attempts: 0, request: r.request, modelText: 'Dry run (sandbox): the request was prepared and not sent. Tell the customer it was a test.' };
  }
  return deps.executor.execute(action, args, s.context, { signal: s.signal, connection, ...(headers ? { headers } : {}) });
}

/** The connection an action names (null when it names one that is gone), or undefined. */
export function connectionOf(s: Pick<TurnState, 'connections'>, action: Action): Connection | null | undefined {
  return action.connectionId ? (s.connections.get(action.connectionId) ?? null) : undefined;
}

/** Whether a call was real, answered by a mock, or a dry run. */
export function modeOf(s: Pick<TurnState, 'conv'>, action: Action, r: ExecResult): 'real' | 'mock' | 'dry' {
  if (!s.conv.sandbox) return 'real';
  if (s.conv.mocks?.[action.name] ?? action.mock) return 'mock';
  return WRITE_METHODS.has(action.method) && r.attempts === 0 ? 'dry' : 'real';
}

/** Remembers the outcome for `requires` and the failure limit; returns what the model reads. */
export function settle(s: TurnState, actionName: string, key: string, r: ExecResult): string {
  const { conv } = s;
  if (r.ok) {
    if (!conv.succeeded.includes(actionName)) conv.succeeded.push(actionName);
    return frameResult(actionName, r.status, s.scrub.text(r.modelText ?? ''));
  }
  conv.failures[key] = (conv.failures[key] ?? 0) + 1;
  const detail = `${r.error?.message ?? 'failed'}${r.modelText ? `; response: ${r.modelText.slice(0, 300)}` : ''}`;
  return frameError(r.error?.type ?? 'network', r.status, s.scrub.text(detail));
}

/** A write that needs confirmation: one pending proposal per (action, arguments), never a run. */
async function propose(
  deps: ToolCallDeps,
  s: TurnState,
  action: Action,
  args: Record<string, unknown>,
  key: string,
  out: CallRecord[],
  callMeta: { channel: string; actionVersion: number; arguments: Record<string, unknown> },
): Promise<string> {
  const { conv, turnId } = s;
  const who = s.mode === 'draft' ? 'the support agent, who decides whether to run it' : 'the customer, who confirms it with the buttons or a short "yes"';
  const existing = s.proposals.find((p) => p.status === 'pending' && callKey(p.action, p.arguments) === key);
  const refused = (message: string, proposalId?: string, url = action.url) => {
    out.push(scrubCall(s.scrub, refusedCall(action.name, action.method, url, 'needs_confirmation', message, conv.id, turnId, { ...callMeta, ...(proposalId ? { proposalId } : {}) })));
    return frameError('needs_confirmation', null, message);
  };
  if (existing) return refused(`not run: this exact action already waits for ${who}. Do not call it again; tell the customer it waits for their confirmation.`, existing.id, existing.request.url);
  const rendered = deps.executor.render(action, args, s.context, { 'Idempotency-Key': '(the proposal id)' }, connectionOf(s, action));
  if (!rendered.ok) {
    out.push(scrubCall(s.scrub, refusedCall(action.name, action.method, rendered.request.url, rendered.error.type as 'not_allowed', rendered.error.message, conv.id, turnId, callMeta)));
    return frameError(rendered.error.type, null, s.scrub.text(rendered.error.message));
  }
  const request = { ...rendered.request, url: s.scrub.text(rendered.request.url), headers: s.scrub.tree(rendered.request.headers) as Record<string, string>, body: rendered.request.body === null ? null : s.scrub.text(rendered.request.body) };
  const p = newProposal(s.tenantId, conv.id, turnId, action, args, request, deps.limits.proposalTtlMs ?? s.settings.confirmation.ttlMinutes * 60_000);
  await deps.store.createProposal(p);
  s.proposals.push(p);
  return refused(`not run yet: proposed to ${who}. Describe exactly what will happen and ask for the confirmation; do not call it again.`, p.id, request.url);
}

import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { ElicitRequestSchema, ElicitResultSchema, isJSONRPCErrorResponse, isJSONRPCResultResponse } from '@modelcontextprotocol/sdk/types.js';
import type { Proposal } from '../../../../shared/conversation';
import { describeProposal } from '../../agent';
import { AppError } from '../../errors';
import type { StoredProposal } from '../../store';
import type { AppContext } from '../context';

/**
 * Confirmation of a write through MCP elicitation, without server memory. The question goes
 * out on the SSE stream of the `tools/call` that proposed the write, with the JSON-RPC id
 * `hda-confirm:<proposal id>`. The client's answer comes back as a separate POST, which may
 * reach any instance: that instance confirms or declines the proposal in the store (the same
 * compare-and-set path as every other confirmation, so it runs once), and the instance
 * holding the `tools/call` sees the outcome in the store and answers the call with it.
 */

const ID_PREFIX = 'hda-confirm:';
const FINAL = new Set(['done', 'failed', 'declined', 'expired']);
/** How long past its expiry a confirmed run may still take before the waiting call gives up. */
const RUN_GRACE_MS = 5 * 60_000;
const MAX_BODY_SHOWN = 2000;

/** The elicitation request asking the user to confirm a proposal: the rendered request shown as it will be sent. */
export function confirmRequest(p: Proposal): JSONRPCRequest {
  const headers = Object.entries(p.request.headers).map(([k, v]) => `${k}: ${v}`);
  const body = p.request.body === null ? [] : ['', p.request.body.length > MAX_BODY_SHOWN ? `${p.request.body.slice(0, MAX_BODY_SHOWN)}…` : p.request.body];
  const message = [
    `Confirm this action: ${describeProposal(p)}?`,
    'It will send this request once:',
    '',
    `${p.request.method} ${p.request.url}`,
    ...headers,
    ...body,
    '',
    'Accept to run it, Decline to do nothing.',
  ].join('\n');
  const request = { method: 'elicitation/create' as const, params: { message, requestedSchema: { type: 'object' as const, properties: {} } } };
  // The SDK's own schema checks the shape, so a client gets exactly what the protocol says.
  ElicitRequestSchema.parse(request);
  return { jsonrpc: '2.0', id: ID_PREFIX + p.id, ...request };
}

/** Wakes the calls waiting on this instance for a proposal (another instance is found by polling). */
const waiters = new Map<string, Set<() => void>>();

function wake(proposalId: string): void {
  for (const w of waiters.get(proposalId) ?? []) w();
}

function sleep(proposalId: string, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const set = waiters.get(proposalId) ?? new Set();
    waiters.set(proposalId, set);
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      set.delete(done);
      if (set.size === 0) waiters.delete(proposalId);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    set.add(done);
  });
}

/**
 * Waits until the proposal is settled (done, failed, declined or expired), reading the
 * store; null when the caller went away first. Bounded by the proposal's expiry plus the
 * time a confirmed run may take.
 */
export async function waitForDecision(ctx: AppContext, tenantId: string, p: Proposal, signal: AbortSignal): Promise<StoredProposal | null> {
  const until = Date.parse(p.expiresAt) + RUN_GRACE_MS;
  let delay = 20;
  while (!signal.aborted && Date.now() < until) {
    const now = await ctx.store.getProposal(tenantId, p.id);
    if (!now) return null;
    if (FINAL.has(now.status)) return now;
    // Overdue and still pending: the agent marks it expired (a compare-and-set), then it is final.
    if (now.status === 'pending' && Date.parse(now.expiresAt) <= Date.now()) await ctx.agent.proposals(tenantId, now.conversationId);
    else await sleep(p.id, delay, signal);
    delay = Math.min(delay * 2, 500);
  }
  return null;
}

/** The ids of the confirmation answers in a POST body. */
function answers(messages: JSONRPCMessage[]): { proposalId: string; accepted: boolean }[] {
  const out: { proposalId: string; accepted: boolean }[] = [];
  for (const m of messages) {
    if (!isJSONRPCResultResponse(m) && !isJSONRPCErrorResponse(m)) continue;
    const id = (m as { id?: unknown }).id;
    if (typeof id !== 'string' || !id.startsWith(ID_PREFIX)) continue;
    const r = isJSONRPCResultResponse(m) ? ElicitResultSchema.safeParse(m.result) : null;
    out.push({ proposalId: id.slice(ID_PREFIX.length), accepted: !!r?.success && r.data.action === 'accept' });
  }
  return out;
}

/**
 * Applies the user's answers to confirmation questions: accept confirms (and runs the write
 * once), decline, cancel or an error declines. Only a proposal of the caller's own
 * conversation is touched; anything else is ignored, as an unknown response id would be.
 */
export async function applyAnswers(ctx: AppContext, tenantId: string, conversationKey: string, messages: JSONRPCMessage[]): Promise<void> {
  for (const a of answers(messages)) {
    const p = await ctx.store.getProposal(tenantId, a.proposalId);
    const conv = p ? await ctx.store.getConversation(tenantId, p.conversationId) : null;
    if (!p || !conv || conv.channel !== 'mcp' || conv.externalId !== conversationKey) {
      ctx.log.debug({ tenantId }, 'MCP confirmation answer for an unknown proposal ignored');
      continue;
    }
    try {
      if (a.accepted) await ctx.agent.confirmations.confirm(tenantId, conv.id, p.id);
      else await ctx.agent.confirmations.decline(tenantId, conv.id, p.id);
    } catch (err) {
      // Settled already (declined, expired, or confirmed by an earlier answer): the waiting call reads that.
      if (!(err instanceof AppError) || err.status >= 500) throw err;
    } finally {
      wake(p.id);
    }
  }
}

import { randomUUID } from 'node:crypto';
import type { Action } from '../../../shared/action';
import type { Connection } from '../../../shared/connection';
import type { CallRecord, Channel, Conversation, Customer, Proposal } from '../../../shared/conversation';
import { ConflictError } from '../errors';
import type { Store } from '../store';
import { contextOf, defaultSettings, newConversation } from './context';
import { describe } from './confirmations';
import { frameError, frameResult } from './prompt';
import { expireOverdue, publicProposal } from './proposals';
import { tenantScrubber } from './scrub';
import { toolCall, type ToolCallDeps } from './tool-call';
import { toolFor, visibleTools, type VisibleTools } from './tools';
import type { TurnState } from './turn-state';

/**
 * One tool call outside a model turn (an MCP client calls a tool): the same TurnState, the
 * same `toolCall` and therefore every rule of a turn (offered tools, audience, arguments,
 * `requires`, the failure limit, confirmation -> proposal), against a stored conversation
 * that carries what lives across calls (`succeeded`, failures, proposals).
 */

/** Who calls and where the state of their calls lives. */
export interface SingleCallInput {
  tenantId: string;
  channel: Channel;
  /** The stable key of the caller's conversation in this channel (e.g. `mcp:token:<id>:<session>`). */
  externalId: string;
  customer: Customer;
  name: string;
  args: Record<string, unknown>;
  /** Written on every call record, e.g. `mcp-token:<name>`. */
  actor: string;
  /** The caller's deadline (client gone, request timeout). */
  signal: AbortSignal;
}

export interface SingleCallResult {
  conversationId: string;
  /** What the model would read: the framed API data, or a JSON error. */
  text: string;
  /** The action ran and succeeded. */
  ok: boolean;
  calls: CallRecord[];
  /** The write waiting for a confirmation (new, or the same call's earlier one); null otherwise. */
  proposal: Proposal | null;
}

/** More remembered failure keys than this and the oldest go: a long-lived MCP conversation must not grow forever. */
const MAX_FAILURE_KEYS = 200;
const SAVE_ATTEMPTS = 4;

/**
 * The tools an identity is offered (audience, as a turn decides it: an action whose
 * connection asserts identity is verified-only), in the actions' order, and the names hidden.
 */
export function offeredTools(
  actions: readonly Action[],
  customer: Pick<Customer, 'verified'>,
  connections: ReadonlyMap<string, Connection> = new Map(),
): VisibleTools {
  return visibleTools(actions.filter((a) => a.enabled).map(toolFor), connections, customer.verified);
}

/** Runs one tool call under every rule and saves the conversation and the call records. */
export async function singleCall(deps: ToolCallDeps, input: SingleCallInput): Promise<SingleCallResult> {
  const { store } = deps;
  const { tenantId } = input;
  const conv = await openConversation(store, input);
  const [stored, actions, uda, connectionList, proposals] = await Promise.all([
    store.getSettings(tenantId),
    store.listActions(tenantId),
    store.getUserDataApi(tenantId),
    store.listConnections(tenantId),
    store.listProposals(tenantId, conv.id),
  ]);
  const settings = stored ?? defaultSettings();
  const connections = new Map(connectionList.map((c) => [c.id, c]));
  const now = new Date();
  const { tools, hidden } = offeredTools(actions, conv.customer, connections);
  const state: TurnState = {
    tenantId,
    conv,
    turnId: randomUUID(),
    mode: 'live',
    settings,
    tools,
    // An MCP client lists every tool it may use: none is left out of a selection.
    offered: [...tools.keys()],
    hidden,
    calls: [],
    callCount: 0,
    context: contextOf(conv, settings, now),
    signal: input.signal,
    scrub: tenantScrubber(actions, uda, settings, connectionList),
    connections,
    proposals: await expireOverdue(store, proposals, now.getTime()),
  };
  const out: CallRecord[] = [];
  const text = await toolCall(deps, state, input.name, input.args, out);
  const calls = out.map((c) => ({ ...c, actor: input.actor }));
  trimFailures(conv);
  await save(store, conv, calls);
  const pid = calls.find((c) => c.errorType === 'needs_confirmation' && c.proposalId)?.proposalId;
  const waiting = pid ? state.proposals.find((p) => p.id === pid && p.status === 'pending') : undefined;
  return { conversationId: conv.id, text, ok: calls.length > 0 && calls.every((c) => c.ok), calls, proposal: waiting ? publicProposal(waiting) : null };
}

/**
 * The caller's conversation, created (and stored) before the call, so a proposal never
 * points at a conversation that lost a creation race. The customer is the one of this
 * request: a user who is no longer verified loses the User Data API answer.
 */
async function openConversation(store: Store, input: SingleCallInput): Promise<Conversation> {
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const found = await store.conversationByExternalId(input.tenantId, input.channel, input.externalId);
    if (found) {
      if (!input.customer.verified || input.customer.email !== found.customer.email) found.userData = null;
      found.customer = input.customer;
      return found;
    }
    const c = newConversation(input.tenantId, input.channel, input.externalId, input.customer);
    c.version = 1;
    try {
      await store.createConversation(c);
      return c;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err; // another call created it first: read theirs
    }
  }
  throw new ConflictError('the conversation changed while this call ran; call again');
}

/**
 * Writes what the call changed: an optimistic update; on a lost race the fresh copy gets this
 * call's `succeeded` and failure counts merged in. The call records are stored on the first
 * attempt whatever happens (they were made).
 */
async function save(store: Store, conv: Conversation, calls: CallRecord[]): Promise<void> {
  let c = conv;
  let records = calls;
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    c.version += 1;
    c.updatedAt = new Date().toISOString();
    if (await store.saveTurn(c, records, { create: false })) return;
    records = [];
    const fresh = await store.getConversation(c.tenantId, c.id);
    if (!fresh) return;
    for (const name of conv.succeeded) if (!fresh.succeeded.includes(name)) fresh.succeeded.push(name);
    for (const [k, n] of Object.entries(conv.failures)) fresh.failures[k] = Math.max(fresh.failures[k] ?? 0, n);
    fresh.customer = conv.customer;
    c = fresh;
  }
  throw new ConflictError('the conversation changed while this call ran; the call was logged, call again if needed');
}

/**
 * What the caller reads once a proposal of a single call is settled, framed as the model
 * reads the outcome of a typed confirmation (the API's data marked as data).
 */
export function settledText(p: Pick<Proposal, 'action' | 'arguments' | 'status' | 'result'>): { text: string; ok: boolean } {
  switch (p.status) {
    case 'done':
      return { ok: true, text: frameResult(p.action, p.result?.status ?? undefined, `Confirmed by the user and done: ${describe(p)}. ${p.result?.excerpt ?? ''}`.trim()) };
    case 'failed':
      return { ok: false, text: frameError(p.result?.errorType ?? 'failed', p.result?.status, `confirmed by the user; it did not go through: ${p.result?.excerpt ?? ''}`.trim()) };
    case 'declined':
      return { ok: false, text: frameError('declined', null, `the user declined ${describe(p)}: nothing was done`) };
    case 'expired':
      return { ok: false, text: frameError('expired', null, 'the confirmation was not given in time: nothing was done') };
    default:
      return { ok: false, text: frameError('needs_confirmation', null, `${describe(p)} is still waiting for the user's confirmation (${p.status})`) };
  }
}

function trimFailures(conv: Conversation): void {
  const keys = Object.keys(conv.failures);
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_FAILURE_KEYS))) delete conv.failures[k];
}
